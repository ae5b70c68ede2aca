"""GitHub Actions workflow commands: printed by a step, each becomes an annotation on the file and line.

`secreview review . --format github` in a workflow step annotates the pull request's "Files changed" tab
without uploading anything. Paths are the review's own (relative to where it ran), so run it from the
repository root. Escaping follows the Actions toolkit (`@actions/core` command.ts): a message escapes
`%`, CR and LF; a property value also `:` and `,`, which would otherwise end it.
"""

from __future__ import annotations

from secreview.models import Finding, Review, Severity
from secreview.reporters.wording import SEVERITY_NAME, agreed_by, cwe_label, not_reviewed

_COMMAND = {
    Severity.critical: "error",
    Severity.high: "error",
    Severity.medium: "warning",
    Severity.low: "notice",
    Severity.info: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int) -> str:
    """One `::name key=value,...::message` line, every part escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _message(finding: Finding, review: Review) -> str:
    facts = [f"Confidence {finding.confidence:.2f}", "found by " + (", ".join(finding.engines) or "no engine")]
    if agreed := agreed_by(finding, review.voting):
        facts.append(agreed)
    lines = [
        cwe_label(finding),
        finding.description,
        f"Fix: {finding.solution}",
        "; ".join(facts),
        *(f"Disputed by {e.engine}: {e.message}" for e in finding.disputes),
    ]
    return "\n".join(lines)


class GithubReporter:
    def render(self, review: Review) -> str:
        out = [
            command(
                _COMMAND[finding.severity],
                _message(finding, review),
                file=finding.path,
                line=finding.start_line,
                endLine=finding.end_line,
                title=f"{SEVERITY_NAME[finding.severity]}: {finding.title}",
            )
            for finding in review.findings
        ]
        if not review.complete:
            out.append(command("warning", "\n".join(not_reviewed(review)), title="secreview: review incomplete"))
        out.append(command("notice", review.verdict, title="secreview verdict"))
        return "\n".join(out) + "\n"
