"""The backend protocol: OpenAI-style chat completion, whatever serves it (local llama.cpp or remote)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ChatRequest:
    messages: list[dict[str, str]]
    max_tokens: int
    temperature: float = 0.0
    seed: int | None = None
    json_schema: dict[str, Any] | None = None  # constrain the answer to this schema when set
    top_logprobs: int | None = None  # ask for the N likeliest tokens at each answer position (verification)


@dataclass(frozen=True)
class Completion:
    """One model answer with what it cost; `timings` are the server's own (llama.cpp reports them)."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    finish_reason: str
    attempts: int = 1
    timings: dict[str, float] = field(default_factory=dict)
    cached: bool = False  # answered from the call log (backends/cached.py): no model was called
    logprobs: tuple[tuple[tuple[str, float], ...], ...] = ()
    """With `top_logprobs`: per answer token, its alternatives (token, log probability), likeliest first; empty
    when the endpoint returns none."""


class BackendError(Exception):
    """The backend could not answer; `transient` errors were retried until the retry budget ran out."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class ChatBackend(Protocol):
    model: str

    def complete(self, request: ChatRequest) -> Completion: ...

    def close(self) -> None: ...
