"""The embedded default: a local GGUF model served by llama.cpp (xllamacpp) on 127.0.0.1.

The model runs in this process behind llama.cpp's own OpenAI-compatible HTTP server, so the embedded
and remote cases share one protocol and one client (OpenAICompatibleBackend); nothing leaves the
machine and no API key is needed.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secreview.backends.interface import BackendError, ChatRequest, Completion
from secreview.backends.openai_http import OpenAICompatibleBackend


@dataclass
class EmbeddedBackend:
    """Starts llama.cpp on the first request: stopping a server that never answered one can hang in
    xllamacpp's clean-up, and a review that sends nothing to the model should not pay for the load."""

    model_path: Path
    model: str
    context_tokens: int = 8192
    parallel: int = 1  # llama.cpp's slots: requests it serves at once, each with context_tokens of its own
    threads: int | None = None  # None: the cores idle when the server starts
    rate_limit: float | None = None  # requests per second, None: no limit
    timeout_s: float = 300.0  # per request: a slow CPU may need more for a long answer
    max_retries: int = 4
    _server: Any = field(init=False, repr=False, default=None)
    _client: OpenAICompatibleBackend | None = field(init=False, repr=False, default=None)
    _load_error: BackendError | None = field(init=False, repr=False, default=None)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def _started(self) -> OpenAICompatibleBackend:
        with self._lock:
            if self._load_error is not None:  # a model that failed to load fails again: do not reload it per unit
                raise self._load_error
            if self._client is None:
                try:
                    self._server = _start_server(self)
                except BackendError as error:
                    self._load_error = error
                    raise
                address = str(self._server.listening_address).rstrip("/")
                self._client = OpenAICompatibleBackend(
                    f"{address}/v1",
                    self.model,
                    timeout_s=self.timeout_s,
                    max_retries=self.max_retries,
                    max_concurrency=self.parallel,
                    rate_limit=self.rate_limit,
                )
            return self._client

    @property
    def base_url(self) -> str:
        """The local server's OpenAI-compatible address, for other clients on this machine."""
        return self._started().base_url

    def complete(self, request: ChatRequest) -> Completion:
        return self._started().complete(request)

    def close(self) -> None:
        """Stop the server (llama.cpp stops it when the object is released)."""
        with self._lock:
            self._server, self._client = None, None


def _busy_and_total_ticks() -> tuple[int, int] | None:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    ticks = [int(value) for value in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def idle_cores(sample_s: float = 0.25) -> int:
    """How many cores nobody else is using right now (at least 1), for llama.cpp's thread count.

    llama.cpp's threads wait for each other at every step, so one thread sharing its core with another
    process slows them all: on a 2-core machine with one busy core, 2 threads generated 2.4 tokens/s
    and 1 thread 8.2 (docs/benchmarks.md). Without /proc/stat (not Linux) every core counts as idle."""
    cores = os.cpu_count() or 1
    before = _busy_and_total_ticks()
    if before is None:
        return cores
    time.sleep(sample_s)
    after = _busy_and_total_ticks()
    if after is None or after[1] <= before[1]:
        return cores
    busy_cores = cores * (after[0] - before[0]) / (after[1] - before[1])
    return max(1, min(cores, cores - round(busy_cores)))


def _start_server(backend: EmbeddedBackend) -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise BackendError("the embedded model needs xllamacpp: pip install xllamacpp") from None
    params = xllamacpp.CommonParams()
    params.model.path = str(backend.model_path)
    params.n_ctx = backend.context_tokens * backend.parallel  # llama.cpp splits the context between slots
    params.n_parallel = backend.parallel
    threads = backend.threads or idle_cores()
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # any free port; the server reports the one it took
    params.verbosity = -1
    params.warmup = False
    try:
        return xllamacpp.Server(params)
    except Exception as error:  # the binding raises plain RuntimeError/ValueError for a bad model file
        problem = _load_problem(backend.model_path, error)
        raise BackendError(f"cannot load the model {backend.model_path}: {problem}") from None


def _load_problem(path: Path, error: Exception) -> str:
    """Why llama.cpp refused the file: its own message ('Failed to init server, please check the input
    params') does not say that the file is at fault."""
    try:
        with path.open("rb") as model:
            magic = model.read(4)
    except OSError as read_error:
        return f"cannot read it ({read_error.strerror or read_error})"
    if magic != b"GGUF":
        return "not a GGUF model file (it does not start with 'GGUF')"
    return f"llama.cpp could not load it ({error}); the file may be corrupt or incomplete"
