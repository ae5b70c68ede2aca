"""What every source gives the pipeline: units to review, and what could not become a unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from secreview.models import CodeUnit, SkippedTarget


class TargetError(Exception):
    """What the user named cannot be reviewed at all (a path that does not exist, an unknown revision, a diff
    outside a git repository): a usage error, not an incomplete review; str(error) says which and why."""


@dataclass
class SourceResult:
    units: list[CodeUnit] = field(default_factory=list)
    skipped: list[SkippedTarget] = field(default_factory=list)
    out_of_scope: int = 0
    commit_message: str | None = None
    notes: dict[str, list[str]] = field(default_factory=dict)  # unit path -> notes

    def note(self, path: str, text: str) -> None:
        self.notes.setdefault(path, []).append(text)


class Source(Protocol):
    """Turns what the user named (paths, a git revision, a patch) into code units."""

    def collect(self) -> SourceResult: ...
