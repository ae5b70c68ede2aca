"""The reporter protocol: a pure function from a finished Review to text. Reporters never compute."""

from __future__ import annotations

from typing import Protocol

from secreview.models import Review


class Reporter(Protocol):
    def render(self, review: Review) -> str: ...
