"""The fix protocol: a proposer suggests new text for some lines of a file, checks decide whether it is a fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from secreview.models import CodeUnit, Finding, LineRange, ModelCall


@dataclass(frozen=True)
class Proposal:
    """New text for the lines `lines` of a file (the replacement may have more or fewer lines)."""

    lines: LineRange
    replacement: str


class RecheckError(Exception):
    """A static engine cannot run at all; str(error) says why (no fix is then verified)."""


@dataclass(frozen=True)
class Rechecked:
    """What the static engines said of one text: their judged findings, or why one of them could not review it
    (a proposal on that text is then not verified)."""

    findings: list[Finding]
    problem: str | None = None


Recheck = Callable[[Sequence[CodeUnit]], list[Rechecked]]
"""The static engines' judged findings on each of several units, in one run of each engine (Semgrep's start-up
alone is seconds, and a review may check a dozen proposals), versions of one file among them (secreview.api
builds it from the review's engines, so that this package never imports engines); raises RecheckError when an
engine cannot run."""


class ProposalError(Exception):
    """No proposal could be had (the model failed, its answer held no code); a spent token budget raises the
    budget's own BudgetSpentError, which ends the fixing."""


class Proposer(Protocol):
    """Where fixes come from: asked for the lines `lines` of `unit`, given the finding and, on a second try, why
    the first one was rejected (its text and the reason)."""

    @property
    def model(self) -> str: ...

    @property
    def calls(self) -> list[ModelCall]:
        """The model calls made so far (for the review's cost accounting)."""
        ...

    def propose(
        self, unit: CodeUnit, finding: Finding, lines: LineRange, rejected: tuple[str, str] | None
    ) -> Proposal: ...
