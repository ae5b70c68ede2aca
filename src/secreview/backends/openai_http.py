"""Any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio).

Standard library HTTP only: timeouts, retries with exponential backoff on 429 and 5xx (honouring
Retry-After) and on timeouts, lost connections, answers cut short and answers that are not JSON; a limit on
concurrent requests and an optional rate limit (requests per second, every attempt counted), both shared by
all threads using the backend.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException, IncompleteRead
from typing import Any

from secreview.backends.interface import BackendError, ChatRequest, Completion
from secreview.backends.rate_limit import RateLimiter

_RETRIED_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_MAX_RETRY_AFTER_S = 120.0


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


def request_body(model: str, request: ChatRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": request.messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.seed is not None:
        body["seed"] = request.seed
    if request.json_schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "review", "schema": request.json_schema, "strict": True},
        }
    if request.top_logprobs is not None:
        body["logprobs"] = True
        body["top_logprobs"] = request.top_logprobs
    return body


def answer_logprobs(choice: dict[str, Any]) -> tuple[tuple[tuple[str, float], ...], ...]:
    """The alternatives at each answer position, from OpenAI's `logprobs.content[i].top_logprobs` (llama.cpp's
    server answers the same); empty when the endpoint sent none."""
    content = (choice.get("logprobs") or {}).get("content") or []
    return tuple(
        tuple((str(alt["token"]), float(alt["logprob"])) for alt in position.get("top_logprobs") or [])
        for position in content
    )


def failure(error: OSError | HTTPException | ValueError, timeout_s: float) -> str:
    """What went wrong with a request, in words that name the fault (the error's own text can be as terse as
    'timed out' or 'IncompleteRead(81 bytes read, 82 more expected)')."""
    reason = getattr(error, "reason", error)  # urllib wraps connection errors in URLError
    if isinstance(reason, TimeoutError):
        return f"no answer within the {timeout_s:g} s timeout"
    if isinstance(error, IncompleteRead):
        return f"the connection closed mid-answer ({len(error.partial)} bytes read, {error.expected} more expected)"
    if isinstance(error, ValueError):  # JSONDecodeError, or UnicodeDecodeError: bytes that are no text
        return f"the answer is not JSON ({error})"
    return f"the connection failed ({reason})"


def parse_completion(payload: dict[str, Any], latency_s: float, attempts: int) -> Completion:
    try:
        choice = payload["choices"][0]
        usage = payload.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            model=str(payload.get("model", "")),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            latency_s=latency_s,
            finish_reason=str(choice.get("finish_reason") or ""),
            attempts=attempts,
            timings={k: float(v) for k, v in (payload.get("timings") or {}).items() if isinstance(v, int | float)},
            logprobs=answer_logprobs(choice),
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        raise BackendError(f"the endpoint's answer is not a chat completion ({error!r})") from None


@dataclass
class OpenAICompatibleBackend:
    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 300.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_concurrency: int = 4
    rate_limit: float | None = None  # requests per second, None: no limit
    _slots: threading.Semaphore = field(init=False, repr=False)
    _rate: RateLimiter | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._slots = threading.Semaphore(self.max_concurrency)
        self._rate = RateLimiter(self.rate_limit) if self.rate_limit else None

    def complete(self, request: ChatRequest) -> Completion:
        data = json.dumps(request_body(self.model, request)).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempt = 0
        while True:
            attempt += 1
            wait: float | None = None
            started = time.perf_counter()
            try:
                with self._slots:
                    if self._rate is not None:
                        self._rate.acquire()
                    http = urllib.request.Request(f"{self.base_url}/chat/completions", data, headers, method="POST")
                    with urllib.request.urlopen(http, timeout=self.timeout_s) as response:
                        payload = json.loads(response.read())
                return parse_completion(payload, time.perf_counter() - started, attempt)
            except urllib.error.HTTPError as error:
                detail = error.read(500).decode(errors="replace").strip()
                problem = f"HTTP {error.code} from {self.base_url}: {detail or error.reason}"
                if error.code not in _RETRIED_STATUSES:
                    raise BackendError(problem) from None
                wait = retry_after_seconds(error.headers.get("Retry-After"))
            except (OSError, HTTPException, json.JSONDecodeError, UnicodeDecodeError) as error:
                problem = f"no usable answer from {self.base_url}: {failure(error, self.timeout_s)}"
            if attempt > self.max_retries:
                raise BackendError(f"{problem} (gave up after {attempt} attempts)", transient=True)
            if wait is None:
                wait = self.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 2)
            time.sleep(min(wait, _MAX_RETRY_AFTER_S))

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""
