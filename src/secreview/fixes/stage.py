"""The fix stage: for each reported finding, a proposal, the checks, and one more try with the reason fed back.

A finding gets a `Fix` only when a proposal passed every check (fixes/check.py); every other outcome is said in
its file's coverage notes: how many findings were tried, how many attempts were made, and why each failed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from secreview.engines.budget import BudgetSpentError
from secreview.fixes import check
from secreview.fixes.interface import ProposalError, Proposer, Recheck, RecheckError
from secreview.models import CodeUnit, Finding, Fix

ATTEMPTS = 2


@dataclass
class FixOutcome:
    findings: list[Finding]  # the findings given, each with its `fix` where one was verified
    notes: dict[str, list[str]] = field(default_factory=dict)  # path -> what was tried and why it failed


@dataclass
class _Tally:
    tried: int = 0
    fixed: int = 0
    attempts: int = 0
    failures: list[str] = field(default_factory=list)

    def note(self) -> str:
        failed = f"; {'; '.join(self.failures)}" if self.failures else ""
        return (
            f"fixes: {self.fixed} of {self.tried} finding(s) got a verified fix ({self.attempts} attempt(s))" + failed
        )


def _label(finding: Finding) -> str:
    what = f"CWE-{finding.cwe}" if finding.cwe is not None else finding.title
    return f"line {finding.start_line} {what}"


def _fix_one(
    unit: CodeUnit, finding: Finding, proposer: Proposer, recheck: Recheck, before: Sequence[Finding], tally: _Tally
) -> Fix | None:
    """Up to ATTEMPTS proposals, each checked; the reasons of the failed ones go to the tally."""
    lines = check.region(unit, finding)
    rejected: tuple[str, str] | None = None
    reasons: list[str] = []
    cannot = check.uncheckable(unit)
    if cannot is not None:
        tally.failures.append(f"{_label(finding)}: not tried ({cannot})")
        return None
    for attempt in range(1, ATTEMPTS + 1):
        tally.attempts += 1
        try:
            proposal = check.with_imports(unit, proposer.propose(unit, finding, lines, rejected))
            reason = check.problem(unit, finding, proposal, recheck, before)
        except (ProposalError, RecheckError) as error:
            reasons.append(f"attempt {attempt}: {error}")
            break
        if reason is None:
            new_text = check.patched(unit, proposal)
            return Fix(
                start_line=lines.start,
                end_line=lines.end,
                replacement=proposal.replacement,
                diff=check.unified_diff(unit, new_text),
                model=proposer.model,
            )
        reasons.append(f"attempt {attempt}: {reason}")
        rejected = (proposal.replacement, reason)
    tally.failures.append(f"{_label(finding)}: {', '.join(reasons)}")
    return None


def fix_findings(
    findings: Sequence[Finding], units: Mapping[str, CodeUnit], proposer: Proposer, recheck: Recheck
) -> FixOutcome:
    """Try to fix each finding in a language the checks cover; stop asking once the token budget is spent or
    Ctrl-C is pressed (the fixes verified until then are kept)."""
    out = list(findings)
    tallies: dict[str, _Tally] = {}
    before: dict[str, list[Finding]] = {}
    spent: str | None = None
    # In file order, so that the fixes of one function follow each other and the model reuses its code's prompt.
    for index in sorted(range(len(findings)), key=lambda i: (findings[i].path, findings[i].start_line)):
        finding = findings[index]
        unit = units.get(finding.path)
        if unit is None or unit.language not in check.CHECKED_LANGUAGES or spent is not None:
            if spent is not None and unit is not None:
                tallies.setdefault(finding.path, _Tally()).failures.append(f"{_label(finding)}: not tried ({spent})")
            continue
        tally = tallies.setdefault(finding.path, _Tally())
        tally.tried += 1
        fix = None
        try:
            if finding.path not in before:
                before[finding.path] = recheck(check.with_text(unit, unit.text))  # whole, as patched files are
            fix = _fix_one(unit, finding, proposer, recheck, before[finding.path], tally)
        except RecheckError as error:
            tally.failures.append(f"{_label(finding)}: {error}")
        except BudgetSpentError as error:
            spent = str(error)
            tally.failures.append(f"{_label(finding)}: not tried ({spent})")
        except KeyboardInterrupt:  # Ctrl-C: the review is reported with the fixes verified so far
            spent = "interrupted"
            tally.failures.append(f"{_label(finding)}: {spent}")
        if fix is not None:
            tally.fixed += 1
            out[index] = finding.model_copy(update={"fix": fix})
    return FixOutcome(out, {path: [tally.note()] for path, tally in tallies.items()})
