"""The human review, in the form reviewers already use: one section per defect, then the verdict.

The text depends on the review's content only (no timings), so the same review renders byte for byte the
same on a re-run."""

from __future__ import annotations

from secreview.models import Finding, Review, UnitCoverage, Voting

_LIST_ALL_UNITS_UP_TO = 20
_FENCE_LANGUAGE = {"python": "python", "c": "c", "cpp": "cpp", "java": "java"}


def _lines(finding: Finding) -> str:
    if finding.start_line == finding.end_line:
        return f"Line {finding.start_line}"
    return f"Lines {finding.start_line}-{finding.end_line}"


def _cwe(finding: Finding) -> str:
    if finding.cwe is None:
        return "CWE not determined"
    return f"CWE-{finding.cwe} ({finding.cwe_name})"


def _noun(voting: Voting | None) -> str:
    return "reviews" if voting is not None and voting.source == "reviews" else "samples"


def _voting_line(voting: Voting | None) -> list[str]:
    """What the agreement counts mean, when there was more than one sample to agree."""
    if voting is None or voting.samples < 2:
        return []
    if voting.source == "reviews":
        text = f"{voting.samples} reviews reconciled: a finding is shown when at least {voting.min_support} state it."
    else:
        text = (
            f"The model answered each part of the code {voting.samples} times; a finding is reported when at least "
            f"{voting.min_support} of the samples agree, or static analysis backs it."
        )
    return [f"_{text}_", ""]


def _finding_section(number: int, finding: Finding, language: str, noun: str = "samples") -> list[str]:
    engines = ", ".join(finding.engines)
    agreed = f"; **agreed by**: {finding.support} of {finding.samples} {noun}" if finding.samples > 1 else ""
    out = [
        f"### {number}. {finding.title}",
        "",
        f"- **{_cwe(finding)}**",
        f"- **{_lines(finding)}** of `{finding.path}`",
        f"- **Severity**: {finding.severity.value}; **confidence**: {finding.confidence:.2f}; **found by**: {engines}"
        + agreed,
        *(f"- **Disputed by {e.engine}** (confidence lowered, finding kept): {e.message}" for e in finding.disputes),
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
    return [*out, ""]


def _unit_line(unit: UnitCoverage) -> str:
    scope = "whole file"
    if unit.review_lines is not None:
        scope = "changed lines " + ", ".join(
            str(r.start) if r.start == r.end else f"{r.start}-{r.end}" for r in unit.review_lines
        )
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
        noun = _noun(review.voting)
        if review.findings:
            out += ["## Security defects", ""]
            for number, finding in enumerate(review.findings, start=1):
                out += _finding_section(number, finding, languages.get(finding.path, ""), noun)
        if review.observations:
            out += ["## Observations (not defects)", ""]
            for number, observation in enumerate(review.observations, start=1):
                out += _finding_section(number, observation, languages.get(observation.path, ""), noun)
        out += ["## Verdict", "", f"**{review.verdict}**", "", "## Coverage", ""]
        out += _coverage_lines(review.coverage.units)
        out += [f"- **not reviewed** `{skip.target}`: {skip.reason}" for skip in review.coverage.skipped]
        if review.coverage.out_of_scope:
            out.append(f"- {review.coverage.out_of_scope} other files are in no language the engines review")
        engines = ", ".join(f"{engine.name} {engine.version}" for engine in review.engines)
        out += ["", f"secreview {review.tool_version}; engines: {engines}", ""]
        return "\n".join(out)
