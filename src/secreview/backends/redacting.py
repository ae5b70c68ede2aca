"""A backend that sends no secrets: every message is redacted (secreview.redaction) before the wrapped backend
sees it.

`api.open_backend` puts it in front of a remote endpoint, outside the call log (`RedactingBackend(
CachedBackend(endpoint))`), so the log keys on and stores the redacted prompt, what was really sent. The
embedded model needs none: its prompts never leave the machine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from secreview import redaction
from secreview.backends.cached import LoggedAnswers
from secreview.backends.interface import ChatBackend, ChatRequest, Completion


def redacted(request: ChatRequest) -> ChatRequest:
    """The request with its secrets replaced; placeholders are numbered over all its messages together, so
    a secret a hint quotes gets the same placeholder as in the code."""
    contents = redaction.redact_all([message["content"] for message in request.messages])
    messages = [{**message, "content": content} for message, content in zip(request.messages, contents, strict=True)]
    return dataclasses.replace(request, messages=messages)


@dataclass
class RedactingBackend:
    inner: ChatBackend
    model: str = field(init=False)

    def __post_init__(self) -> None:
        self.model = self.inner.model

    def logged_answer(self, request: ChatRequest) -> Completion | None:
        """The call log's answer to the redacted request (token budgets ask before calling)."""
        if isinstance(self.inner, LoggedAnswers):
            return self.inner.logged_answer(redacted(request))
        return None

    def complete(self, request: ChatRequest) -> Completion:
        return self.inner.complete(redacted(request))

    def close(self) -> None:
        self.inner.close()
