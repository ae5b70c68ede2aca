"""What the bench runs and what it keeps: a Reviewer turns dataset cases into CaseResults.

A reviewer is one configuration in the table: secreview with an engine/strategy/model, or a reference tool
run directly (Bandit). Results are stored per case as they finish, so they are plain, serialisable data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from secreview.bench.dataset import Case, Dataset


class ReviewerError(Exception):
    """A configuration cannot review at all (its tool is missing or crashed); str(error) says why."""


class ReportedFinding(BaseModel):
    """What scoring needs of one finding: its CWE and lines (either may be unknown)."""

    cwe: int | None = None
    start_line: int | None = None
    end_line: int | None = None
    engines: list[str] = Field(default_factory=list)
    rules: list[str] = Field(
        default_factory=list, description="engine:rule for each report merged into it, for per-check tables."
    )
    probability: float | None = Field(default=None, description="The model's calibrated check, if it made one.")
    raw: float | None = Field(default=None, description="The model's own probability, before calibration.")


class CaseResult(BaseModel):
    """One case reviewed by one configuration (in one repeat)."""

    case_id: str
    findings: list[ReportedFinding] = Field(default_factory=list)
    demoted: list[ReportedFinding] = Field(
        default_factory=list, description="Likely false alarms: static findings the model's check found unlikely."
    )
    candidates: list[ReportedFinding] = Field(default_factory=list, description="Candidates no model checked.")
    complete: bool = Field(default=True, description="False: some engine did not review the file (see note).")
    note: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    wall_s: float = Field(default=0.0, description="This case's share of the review's wall time.")

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


class Reviewer(Protocol):
    name: str  # the configuration's label in tables and file names
    batch_size: int  # cases per review call: large for fast static tools, small for models (resume granularity)

    def review(self, dataset: Dataset, cases: Sequence[Case]) -> Iterator[CaseResult]:
        """Review the given cases' files (each on its own) and yield one result per case."""
        ...

    def close(self) -> None: ...
