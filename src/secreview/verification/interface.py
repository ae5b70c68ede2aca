"""The verifier protocol: findings in, the same findings with `verification` set out. Verifiers never print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from secreview.models import CodeUnit, Finding, ModelCall

STAGE = "verify"
"""The stage's name in coverage (reviewed_by, notes) and in model calls (step)."""


@dataclass
class VerificationResult:
    findings: list[Finding] = field(default_factory=list)  # every finding given, in order, checked or not
    unchecked: dict[str, str] = field(default_factory=dict)  # unit path -> why some of its findings were not checked
    notes: dict[str, list[str]] = field(default_factory=dict)  # unit path -> what was checked
    calls: list[ModelCall] = field(default_factory=list)
    interrupted: bool = False


class Verifier(Protocol):
    def verify(self, findings: Sequence[Finding], units: Mapping[str, CodeUnit]) -> VerificationResult:
        """Check each finding; a finding that could not be checked comes back unchanged (see `unchecked`): it stays
        what the static engine said, so a failed check loses nothing and demotes nothing."""
        ...

    def stop(self) -> None:
        """Ctrl-C, from any thread: no further question is asked; unchecked findings come back unchanged."""
        ...
