"""A backend answered from the call log when it can: the same model asked the same thing answers the same.

`CachedBackend` wraps any ChatBackend. A request whose key (`call_log.call_key`: the model's identity and
the whole request) is logged with a finished answer gets that answer back, marked `cached`, and the
wrapped backend is not touched (the embedded llama.cpp server is not even started). Otherwise the wrapped
backend answers and the call is logged. A request that cannot be reproduced (temperature above 0 and no
seed: each answer is a fresh sample) is always sent, and logged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from secreview.backends import model_store
from secreview.backends.call_log import CallLog, call_key
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import ChatBackend, ChatRequest, Completion


def backend_identity(backend: ChatBackend) -> dict[str, Any]:
    """What must change for a logged answer to stop counting: for the embedded model its GGUF file's name
    and size (and sha256 when the model store has verified it); for an endpoint its URL and model id."""
    if isinstance(backend, EmbeddedBackend):  # never ask it for base_url: that starts the server
        path = backend.model_path
        identity: dict[str, Any] = {"kind": "embedded", "file": path.name}
        with contextlib.suppress(OSError):
            identity["size"] = path.stat().st_size
        sha256 = model_store.recorded_sha256(path)
        if sha256 is not None:
            identity["sha256"] = sha256
        return identity
    base_url = getattr(backend, "base_url", None)
    if isinstance(base_url, str):
        return {"kind": "endpoint", "base_url": base_url.rstrip("/"), "model": backend.model}
    return {"kind": type(backend).__name__, "model": backend.model}


def backend_label(backend: ChatBackend) -> str:
    """The call log's `backend` column: the base URL, or `embedded:<gguf file name>`."""
    if isinstance(backend, EmbeddedBackend):
        return f"embedded:{backend.model_path.name}"
    base_url = getattr(backend, "base_url", None)
    return base_url if isinstance(base_url, str) else type(backend).__name__


@runtime_checkable
class LoggedAnswers(Protocol):
    """A backend that can tell, without calling a model, whether the call log already has the answer."""

    def logged_answer(self, request: ChatRequest) -> Completion | None: ...


@dataclass
class CachedBackend:
    inner: ChatBackend
    log: CallLog
    identity: dict[str, Any] = field(default_factory=dict)
    """Computed from `inner` (backend_identity) when left empty."""
    model: str = field(init=False)
    _label: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.model = self.inner.model
        self.identity = self.identity or backend_identity(self.inner)
        self._label = backend_label(self.inner)

    def logged_answer(self, request: ChatRequest) -> Completion | None:
        """The logged answer to `request`, marked `cached`, without calling the model; None when there is
        none or the request cannot be reproduced. Token budgets ask this first: such answers cost nothing."""
        if request.temperature == 0 or request.seed is not None:
            started = time.perf_counter()
            logged = self.log.lookup(call_key(self.identity, request))
            if logged is not None:  # no model call: nothing was attempted or computed this time
                return dataclasses.replace(
                    logged, cached=True, latency_s=time.perf_counter() - started, attempts=0, timings={}
                )
        return None

    def complete(self, request: ChatRequest) -> Completion:
        logged = self.logged_answer(request)
        if logged is not None:
            return logged
        completion = self.inner.complete(request)
        self.log.record(call_key(self.identity, request), request, completion, backend=self._label, model=self.model)
        return completion

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.log.close()
