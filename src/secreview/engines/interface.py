"""The engine protocol: code units in, raw findings and per-unit coverage out. Engines never print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from secreview.models import CodeUnit, Finding


class EngineUnavailableError(Exception):
    """The engine cannot run at all (tool missing, crashed); str(error) says why."""


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # unit id -> why this engine did not review it
    notes: dict[str, list[str]] = field(default_factory=dict)  # unit id -> remarks that do not skip it


class Engine(Protocol):
    name: str
    languages: frozenset[str]

    def version(self) -> str: ...

    def review(self, units: Sequence[CodeUnit]) -> EngineResult:
        """Review units of this engine's languages; every unit not in `skipped` counts as reviewed."""
        ...
