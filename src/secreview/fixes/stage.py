"""The fix stage: for each reported finding, a proposal, the checks, and one more try with the reason fed back.

A finding gets a `Fix` only when a proposal passed every check (fixes/check.py); every other outcome is said in
its file's coverage notes: how many findings were tried, how many attempts were made, and why each failed.

The work goes in rounds: every finding's proposal is asked for in file order (so that the findings of one
function follow each other and the model reuses its code's prompt), a proposal that fails the checks made without
the engines is retried at once, and then the static engines check all the round's proposals in one run; those
they reject are tried again in the next round. One engine run per round instead of one per proposal: Semgrep's
start-up alone is seconds (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from secreview.engines.budget import BudgetSpentError
from secreview.fixes import check
from secreview.fixes.interface import Proposal, ProposalError, Proposer, Recheck, RecheckError
from secreview.models import CodeUnit, Finding, Fix, LineRange

ATTEMPTS = 2


@dataclass
class FixOutcome:
    findings: list[Finding]  # the findings given, each with its `fix` where one was verified
    notes: dict[str, list[str]] = field(default_factory=dict)  # path -> what was tried and why it failed


@dataclass
class _Attempt:
    """One finding being fixed: the lines it may rewrite, the attempts made, why each failed, and its fix."""

    index: int  # in the findings given
    finding: Finding
    unit: CodeUnit
    lines: LineRange
    attempts: int = 0
    reasons: list[str] = field(default_factory=list)
    rejected: tuple[str, str] | None = None  # the last proposal's text and why it was rejected
    stopped: str | None = None  # why it was not tried (again): the budget, Ctrl-C, an engine that could not check
    fix: Fix | None = None

    @property
    def open(self) -> bool:
        return self.fix is None and self.stopped is None and self.attempts < ATTEMPTS

    def reject(self, proposal: Proposal, reason: str) -> None:
        self.reasons.append(f"attempt {self.attempts}: {reason}")
        self.rejected = (proposal.replacement, reason)

    def halt(self, reason: str) -> None:
        """Stop it where it stands, unless it is finished: fixed, stopped, or every attempt made was judged."""
        if self.fix is None and self.stopped is None and (self.open or self.attempts > len(self.reasons)):
            self.stopped = reason

    def failure(self) -> str:
        what = f"CWE-{self.finding.cwe}" if self.finding.cwe is not None else self.finding.title
        said = [*self.reasons, self.stopped] if self.stopped else self.reasons
        return f"line {self.finding.start_line} {what}: {', '.join(said)}"


def _propose(attempt: _Attempt, proposer: Proposer) -> Proposal | None:
    """A proposal that passes the checks made without the engines, asking again while attempts are left; None when
    none did or no proposal could be had."""
    while attempt.open:
        try:
            proposed = proposer.propose(attempt.unit, attempt.finding, attempt.lines, attempt.rejected)
        except ProposalError as error:
            attempt.attempts += 1
            attempt.stopped = f"attempt {attempt.attempts}: {error}"
            return None
        attempt.attempts += 1  # not before: a call the budget refused is no attempt
        proposal = check.with_imports(attempt.unit, proposed)
        reason = check.problem(attempt.unit, proposal)
        if reason is None:
            return proposal
        attempt.reject(proposal, reason)
    return None


def _round(
    attempts: Sequence[_Attempt], proposer: Proposer, recheck: Recheck, before: Mapping[str, list[Finding]]
) -> str | None:
    """Each open attempt's next proposal, then the engines on all of them at once. Returns why the asking stopped
    (a spent budget, Ctrl-C), else None; what was proposed until then is still checked."""
    proposed: list[tuple[_Attempt, Proposal]] = []
    stop: str | None = None
    for attempt in attempts:
        try:
            if (proposal := _propose(attempt, proposer)) is not None:
                proposed.append((attempt, proposal))
        except BudgetSpentError as error:
            stop = f"not tried ({error})"
            break
        except KeyboardInterrupt:  # the model stops now; the engines check what it proposed (seconds)
            stop = "interrupted"
            break
    patched = [check.with_text(attempt.unit, check.patched(attempt.unit, proposal)) for attempt, proposal in proposed]
    for (attempt, proposal), after in zip(proposed, recheck(patched), strict=True):
        if after.problem is not None:
            attempt.halt(after.problem)
        elif reason := check.still_reported(attempt.finding, proposal, before[attempt.unit.path], after.findings):
            attempt.reject(proposal, reason)
        else:
            attempt.fix = Fix(
                start_line=attempt.lines.start,
                end_line=attempt.lines.end,
                replacement=proposal.replacement,
                diff=check.unified_diff(attempt.unit, check.patched(attempt.unit, proposal)),
                model=proposer.model,
            )
    return stop


def fix_findings(
    findings: Sequence[Finding], units: Mapping[str, CodeUnit], proposer: Proposer, recheck: Recheck
) -> FixOutcome:
    """Try to fix each finding in a language the checks cover; stop asking once the token budget is spent or
    Ctrl-C is pressed (what was proposed until then is still checked, and the fixes verified are kept; a second
    Ctrl-C ends the checking too)."""
    attempts: list[_Attempt] = []
    notes: dict[str, list[str]] = {}
    for index in sorted(range(len(findings)), key=lambda i: (findings[i].path, findings[i].start_line)):
        finding = findings[index]
        unit = units.get(finding.path)
        if unit is not None and unit.language in check.CHECKED_LANGUAGES:
            attempt = _Attempt(index, finding, unit, check.region(unit, finding))
            attempt.stopped = None if (cannot := check.uncheckable(unit)) is None else f"not tried ({cannot})"
            attempts.append(attempt)
    files = {attempt.unit.path: attempt.unit for attempt in attempts if attempt.open}
    try:
        as_they_are = dict(
            zip(files, recheck([check.with_text(unit, unit.text) for unit in files.values()]), strict=True)
        )
        for attempt in attempts:
            if (problem := as_they_are[attempt.unit.path].problem if attempt.open else None) is not None:
                attempt.halt(problem)
        before = {path: found.findings for path, found in as_they_are.items()}
        stop = None
        while stop is None and (open_ones := [attempt for attempt in attempts if attempt.open]):
            stop = _round(open_ones, proposer, recheck, before)
        if stop is not None:
            for attempt in attempts:
                attempt.halt(stop)
    except RecheckError as error:
        for attempt in attempts:
            attempt.halt(str(error))
    except KeyboardInterrupt:  # Ctrl-C while the engines check: the review is reported with the fixes verified so far
        for attempt in attempts:
            attempt.halt("interrupted")
    out = list(findings)
    for attempt in attempts:
        if attempt.fix is not None:
            out[attempt.index] = attempt.finding.model_copy(update={"fix": attempt.fix})
    for path in dict.fromkeys(attempt.unit.path for attempt in attempts):
        mine = [attempt for attempt in attempts if attempt.unit.path == path]
        fixed = sum(attempt.fix is not None for attempt in mine)
        failures = "".join(f"; {attempt.failure()}" for attempt in mine if attempt.fix is None)
        made = sum(attempt.attempts for attempt in mine)
        notes[path] = [f"fixes: {fixed} of {len(mine)} finding(s) got a verified fix ({made} attempt(s)){failures}"]
    return FixOutcome(out, notes)
