"""The engine protocol: code units in, raw findings and per-unit coverage out. Engines never print."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

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


class CacheableEngine(Engine, Protocol):
    """An engine whose result for a unit depends only on that unit and on what `cache_key` names, so it can
    be reused for unchanged code (engines/cached.py)."""

    def cache_key(self) -> dict[str, Any]:
        """Everything besides a unit's path, language and content that its result depends on (JSON values):
        the tool's version, the settings, digests of the rules and of the code that makes the findings."""
        ...


def source_digest(*modules: ModuleType) -> str:
    """sha256 of the modules' source files: results cached by an engine under development stop counting
    as soon as its code changes, before any version number does."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()
