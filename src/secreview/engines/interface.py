"""The engine protocol: code units in, raw findings and per-unit coverage out. Engines never print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from secreview.models import CodeUnit, Finding, ModelCall, UnitRouting


class EngineUnavailableError(Exception):
    """The engine cannot run at all (tool missing, crashed); str(error) says why."""


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # unit id -> why this engine did not review it
    notes: dict[str, list[str]] = field(default_factory=dict)  # unit id -> remarks that do not skip it
    calls: list[ModelCall] = field(default_factory=list)  # model engines: every call and its cost
    samples: dict[str, int] = field(default_factory=dict)  # sampled engines: unit id -> samples drawn per window
    routing: dict[str, UnitRouting] = field(default_factory=dict)  # model engines: unit id -> what routing sent

    def extend(self, other: EngineResult) -> None:
        """Append another result (of other units): merged in a fixed order, results do not depend on timing."""
        self.findings += other.findings
        self.skipped.update(other.skipped)
        for unit_id, notes in other.notes.items():
            self.notes.setdefault(unit_id, []).extend(notes)
        self.calls += other.calls
        self.samples.update(other.samples)
        self.routing.update(other.routing)


class Engine(Protocol):
    name: str
    languages: frozenset[str]
    wants_hints: bool  # True: runs after the others and gets their findings, by unit path, as hints

    def version(self) -> str: ...

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """Review units of this engine's languages; every unit not in `skipped` counts as reviewed."""
        ...
