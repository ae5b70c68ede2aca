"""Backends against real servers: llama.cpp for answers, a small local HTTP server for faults on demand."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from conftest import FaultServer, smollm2_path
from secreview.backends.embedded import EmbeddedBackend, idle_cores
from secreview.backends.interface import BackendError, ChatRequest
from secreview.backends.openai_http import OpenAICompatibleBackend, retry_after_seconds

HELLO = ChatRequest(messages=[{"role": "user", "content": "Say hi"}], max_tokens=4)


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
    backend = EmbeddedBackend(broken, "broken")
    backend.close()  # never started: nothing to stop, and no hang
    with pytest.raises(BackendError, match="cannot load the model"):
        backend.complete(HELLO)


def test_the_embedded_model_takes_the_idle_cores_and_at_least_one():
    assert 1 <= idle_cores(sample_s=0.05) <= (os.cpu_count() or 1)
