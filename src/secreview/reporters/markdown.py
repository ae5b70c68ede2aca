"""The human review, in the form reviewers already use: one section per defect, then the verdict.

The text depends on the review's content only (no timings), so the same review renders byte for byte the
same on a re-run."""

from __future__ import annotations

from secreview.models import BaselineUse, Finding, Review, UnitCoverage, Voting
from secreview.reporters.wording import (
    UNCOUNTED_SECTIONS,
    agreement,
    cwe_label,
    fix_heading,
    line_label,
    model_check,
    review_scope,
    sample_noun,
    voting_sentence,
)
from secreview.suppression import describe

_LIST_ALL_UNITS_UP_TO = 20
_FENCE_LANGUAGE = {"python": "python", "c": "c", "cpp": "cpp", "java": "java"}


def _voting_line(voting: Voting | None) -> list[str]:
    text = voting_sentence(voting)
    return [f"_{text}_", ""] if text else []


def _finding_section(number: int, finding: Finding, language: str, noun: str = "samples") -> list[str]:
    engines = ", ".join(finding.engines)
    counts = agreement(finding, noun)
    agreed = f"; **agreed by**: {counts}" if counts else ""
    out = [
        f"### {number}. {finding.title}",
        "",
        f"- **{cwe_label(finding)}**",
        f"- **{line_label(finding)}** of `{finding.path}`",
        f"- **Severity**: {finding.severity.value}; **confidence**: {finding.confidence:.2f}; **found by**: {engines}"
        + agreed,
        *([f"- **Checked by the {model_check(finding)}**"] if finding.verification else []),
        *([f"- **Why listed here**: {finding.remark}"] if finding.remark else []),
        *(f"- **Disputed by {e.engine}** (confidence lowered, finding kept): {e.message}" for e in finding.disputes),
        *_untrusted_suppression(finding),
        "",
        f"**Description**: {finding.description}",
        "",
        f"**Solution**: {finding.solution}",
    ]
    if finding.code:
        numbered = "\n".join(
            f"{finding.start_line + i:>5} | {text}" for i, text in enumerate(finding.code.splitlines())
        )
        out += ["", f"```{_FENCE_LANGUAGE.get(language, '')}", numbered, "```"]
    if finding.fix is not None:
        out += ["", f"**{fix_heading(finding)}**:", "", "```diff", finding.fix.diff.rstrip("\n"), "```"]
    return [*out, ""]


def _untrusted_suppression(finding: Finding) -> list[str]:
    """A suppression comment that the change under review added itself: shown, not obeyed."""
    comment = finding.suppression
    if comment is None or comment.honoured:
        return []
    return [
        f"- **Suppression not trusted**: `{describe(comment)}` (line {comment.line}) was added by this change; "
        "the finding is reported"
    ]


def _suppressed_lines(suppressed: list[Finding]) -> list[str]:
    """One line per finding a comment silenced, with the comment and its reason: accepted risks stay visible."""
    if not suppressed:
        return []
    out = ["## Suppressed (not counted)", ""]
    for finding in suppressed:
        comment = finding.suppression
        what = f"CWE-{finding.cwe}" if finding.cwe is not None else "CWE not determined"
        how = f"`{describe(comment)}` (line {comment.line}): {comment.reason or 'no reason given'}" if comment else ""
        out.append(f"- `{finding.path}:{finding.start_line}` {what} {finding.title}: {how}")
    return [*out, ""]


def _baseline_line(baseline: BaselineUse | None) -> list[str]:
    if baseline is None:
        return []
    return [f"_{baseline.known} known finding(s) listed in the baseline `{baseline.path}` are not shown._", ""]


def _unit_line(unit: UnitCoverage) -> str:
    scope = review_scope(unit)
    by = ", ".join(unit.reviewed_by) or "no engine"
    line = f"- `{unit.path}` ({unit.lines} lines, {scope}): reviewed by {by}"
    skipped = [f"**skipped by {engine}**: {reason}" for engine, reason in unit.skipped_by.items()]
    routed = [routing.describe(engine) for engine, routing in unit.routing.items()]
    return "; ".join([line, *skipped, *routed, *unit.notes])


def _routing_summary(units: list[UnitCoverage]) -> str:
    """What routing sent to the model engines from these units, in one clause ('' without routing)."""
    clauses = []
    for engine in sorted({engine for unit in units for engine in unit.routing}):
        routings = [unit.routing[engine] for unit in units if engine in unit.routing]
        parts = sum(routing.parts for routing in routings)
        routed = sum(len(routing.routed) for routing in routings)
        none = sum(not routing.routed for routing in routings)
        clauses.append(
            f"routing sent {routed} of their {parts} functions and module-level parts to {engine}"
            + (f" (nothing from {none} files)" if none else "")
        )
    return "".join(f"; {clause}" for clause in clauses)


def _coverage_lines(units: list[UnitCoverage]) -> list[str]:
    """Every unit of a small review; in a large one only those with remarks, the rest counted."""
    if not units:
        return ["- no code units to review"]
    if len(units) <= _LIST_ALL_UNITS_UP_TO:
        return [_unit_line(unit) for unit in units]
    plain = [unit for unit in units if not unit.skipped_by and not unit.notes]
    engines = ", ".join(sorted({engine for unit in plain for engine in unit.reviewed_by})) or "no engine"
    how = "reviewed by" if any(unit.routing for unit in plain) else "reviewed in full by"
    summary = f"- {len(plain)} files ({sum(u.lines for u in plain)} lines) {how} {engines}{_routing_summary(plain)}"
    return [summary, *(_unit_line(unit) for unit in units if unit.skipped_by or unit.notes)]


class MarkdownReporter:
    def render(self, review: Review) -> str:
        languages = {unit.path: unit.language for unit in review.coverage.units}
        out = [f"# Security review of {review.target}", ""]
        if review.commit_message:
            out += ["Commit message:", "", *(f"> {line}" for line in review.commit_message.splitlines()), ""]
        out += _voting_line(review.voting)
        noun = sample_noun(review.voting)
        if review.findings:
            out += ["## Security defects", ""]
            for number, finding in enumerate(review.findings, start=1):
                out += _finding_section(number, finding, languages.get(finding.path, ""), noun)
        if review.observations:
            out += ["## Observations (not defects)", ""]
            for number, observation in enumerate(review.observations, start=1):
                out += _finding_section(number, observation, languages.get(observation.path, ""), noun)
        for field, heading, meaning in UNCOUNTED_SECTIONS:
            listed: list[Finding] = getattr(review, field)
            if listed:
                out += [f"## {heading}", "", f"_{meaning}_", ""]
                for number, finding in enumerate(listed, start=1):
                    out += _finding_section(number, finding, languages.get(finding.path, ""), noun)
        out += _suppressed_lines(review.suppressed)
        out += _baseline_line(review.baseline)
        out += ["## Verdict", "", f"**{review.verdict}**", "", "## Coverage", ""]
        out += _coverage_lines(review.coverage.units)
        out += [f"- **not reviewed** `{skip.target}`: {skip.reason}" for skip in review.coverage.skipped]
        if review.coverage.out_of_scope:
            out.append(f"- {review.coverage.out_of_scope} other files are in no language the engines review")
        engines = ", ".join(f"{engine.name} {engine.version}" for engine in review.engines)
        out += ["", f"secreview {review.tool_version}; engines: {engines}", ""]
        return "\n".join(out)
