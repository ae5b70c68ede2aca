"""How far a review is: engines report each unit they finish to a callback, which the caller renders (the CLI
draws a progress bar on a terminal); the library itself never prints."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    engine: str  # the engine at work
    done: int  # units (files) it has finished
    total: int  # units it was given


ProgressCallback = Callable[[ProgressEvent], None]


class UnitCounter:
    """Counts one engine's finished units and reports each step; thread-safe (parallel jobs finish in any order)."""

    def __init__(self, callback: ProgressCallback | None, engine: str, total: int, done: int = 0) -> None:
        self._callback, self._engine, self._total, self._done = callback, engine, total, done
        self._lock = threading.Lock()
        self._report()

    def advance(self) -> None:
        with self._lock:
            self._done += 1
            self._report()

    def _report(self) -> None:
        if self._callback is not None:
            self._callback(ProgressEvent(self._engine, self._done, self._total))
