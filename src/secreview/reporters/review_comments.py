"""Pull-request review comments, as a JSON list ready for GitHub's "create a review" API (`comments`).

GitHub refuses a review whose comments point at lines outside the diff, so in diff or patch mode a finding
gets a comment only when it overlaps the changed lines of its file, anchored on the first run of changed
lines it overlaps (clipped to them); findings wholly outside the diff get no comment: the other formats
still list them. Without a diff every finding is anchored on its own lines.
"""

from __future__ import annotations

import json
from typing import Any

from secreview.models import Finding, LineRange, Review
from secreview.reporters.wording import SEVERITY_NAME, agreed_by, cwe_url, fix_heading, line_label


def _suggested(finding: Finding, changed: list[LineRange] | None) -> LineRange | None:
    """The lines a verified fix replaces, when a suggestion can be put on them: a fix that replaces lines (not one
    that only inserts), inside one run of changed lines in diff mode."""
    fix = finding.fix
    if fix is None or fix.end_line < fix.start_line:
        return None
    lines = LineRange(start=fix.start_line, end=fix.end_line)
    if changed is None or any(run.start <= lines.start and lines.end <= run.end for run in changed):
        return lines
    return None


def _anchor(finding: Finding, changed: list[LineRange] | None) -> LineRange | None:
    """The lines to comment on: those a suggested fix replaces, else the finding's own, or their first overlap with
    the changed lines; None: none."""
    own = LineRange(start=finding.start_line, end=finding.end_line)
    suggested = _suggested(finding, changed)
    if suggested is not None:
        return suggested
    if changed is None:
        return own
    for lines in sorted(changed, key=lambda r: r.start):
        if lines.overlaps(own):
            return LineRange(start=max(own.start, lines.start), end=min(own.end, lines.end))
    return None


def _body(finding: Finding, review: Review, anchor: LineRange) -> str:
    cwe = "CWE not determined"
    if finding.cwe is not None:
        cwe = f"[CWE-{finding.cwe}]({cwe_url(finding.cwe)}) {finding.cwe_name}"
    facts = [f"confidence {finding.confidence:.2f}", "found by " + (", ".join(finding.engines) or "no engine")]
    if agreed := agreed_by(finding, review.voting):
        facts.append(agreed)
    if (anchor.start, anchor.end) != (finding.start_line, finding.end_line):
        facts.append(f"flagged: {line_label(finding).lower()}")
    out = [
        f"**{SEVERITY_NAME[finding.severity]}: {finding.title}** ({cwe})",
        "",
        "; ".join(facts),
        "",
        f"**Why**: {finding.description}",
        "",
        f"**Fix**: {finding.solution}",
    ]
    out += [f"\n> **Disputed by {e.engine}**: {e.message}" for e in finding.disputes]
    if finding.fix is not None:
        suggestion = finding.fix.end_line >= finding.fix.start_line and (anchor.start, anchor.end) == (
            finding.fix.start_line,
            finding.fix.end_line,
        )
        body = finding.fix.replacement if suggestion else finding.fix.diff.rstrip("\n")
        out += ["", f"**{fix_heading(finding)}**:", "", "```suggestion" if suggestion else "```diff", body, "```"]
    return "\n".join(out)


def _comment(finding: Finding, review: Review, anchor: LineRange) -> dict[str, Any]:
    comment: dict[str, Any] = {"path": finding.path, "line": anchor.end, "side": "RIGHT"}
    if anchor.start != anchor.end:
        comment.update(start_line=anchor.start, start_side="RIGHT")
    comment["body"] = _body(finding, review, anchor)
    return comment


class ReviewCommentsReporter:
    def render(self, review: Review) -> str:
        changed = {unit.path: unit.review_lines for unit in review.coverage.units}
        comments = [
            _comment(finding, review, anchor)
            for finding in review.findings
            if (anchor := _anchor(finding, changed.get(finding.path))) is not None
        ]
        return json.dumps(comments, indent=2) + "\n"
