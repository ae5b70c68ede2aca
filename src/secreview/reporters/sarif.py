"""SARIF 2.1.0, the format code-scanning platforms (GitHub, GitLab, Azure DevOps) ingest.

One rule per CWE (findings merged from several engines keep one rule), tagged `security` and
`external/cwe/cwe-N` with a numeric `security-severity`, as GitHub code scanning expects.
"""

from __future__ import annotations

import json
from typing import Any

from secreview import cwe
from secreview.models import Finding, Review, Severity
from secreview.reporters.wording import cwe_url, fix_heading, not_reviewed

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub reads 9.0+ as critical, 7.0-8.9 high, 4.0-6.9 medium, below that low.
SECURITY_SEVERITY = {
    Severity.critical: "9.5",
    Severity.high: "8.0",
    Severity.medium: "5.5",
    Severity.low: "3.0",
    Severity.info: "0.0",
}
_LEVEL = {Severity.critical: "error", Severity.high: "error", Severity.medium: "warning"}


def rule_id(finding: Finding) -> str:
    if finding.cwe is not None:
        return f"CWE-{finding.cwe}"
    return "".join(word.capitalize() for word in finding.title.split()) or "Unclassified"


def _rule(identifier: str, findings: list[Finding]) -> dict[str, Any]:
    first = findings[0]
    worst = max((f.severity for f in findings), key=lambda s: s.rank)
    tags = ["security"]
    rule: dict[str, Any] = {
        "id": identifier,
        "name": "".join(word.capitalize() for word in first.title.split()),
        "shortDescription": {"text": first.cwe_name or first.title},
        "defaultConfiguration": {"level": _LEVEL.get(worst, "note")},
    }
    if first.cwe is not None:
        tags.append(f"external/cwe/cwe-{first.cwe}")
        rule["fullDescription"] = {"text": cwe.lookup(first.cwe).description or first.cwe_name}
        rule["helpUri"] = cwe_url(first.cwe)
    rule["help"] = {"text": first.solution}
    rule["properties"] = {"tags": tags, "security-severity": SECURITY_SEVERITY[worst], "precision": "high"}
    return rule


def _artifact(finding: Finding) -> dict[str, Any]:
    if finding.path.startswith("/"):
        return {"uri": f"file://{finding.path}"}
    return {"uri": finding.path, "uriBaseId": "%SRCROOT%"}


def _fixes(finding: Finding) -> dict[str, Any]:
    """A verified fix as SARIF's `fixes`: whole lines replaced (a region of lines without columns covers their
    text, not their final line break), or, for an insertion, new lines put before a line."""
    fix = finding.fix
    if fix is None:
        return {}
    if fix.end_line < fix.start_line:
        replacement = {
            "deletedRegion": {"startLine": fix.start_line, "startColumn": 1, "endColumn": 1},
            "insertedContent": {"text": fix.replacement + "\n"},
        }
    else:
        replacement = {
            "deletedRegion": {"startLine": fix.start_line, "endLine": fix.end_line},
            "insertedContent": {"text": fix.replacement},
        }
    change = {"artifactLocation": _artifact(finding), "replacements": [replacement]}
    return {"fixes": [{"description": {"text": fix_heading(finding)}, "artifactChanges": [change]}]}


def _location(finding: Finding) -> dict[str, Any]:
    artifact = _artifact(finding)
    region: dict[str, Any] = {"startLine": finding.start_line, "endLine": finding.end_line}
    if finding.code:
        region["snippet"] = {"text": finding.code}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _result(finding: Finding, index: int) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "security-severity": SECURITY_SEVERITY[finding.severity],
        "confidence": finding.confidence,
        "engines": finding.engines,
    }
    if finding.samples:  # how many of the samples (model answers, or parsed reviews) reported it
        properties.update(support=finding.support, samples=finding.samples)
    if finding.verification is not None:
        properties["verification"] = finding.verification.model_dump(mode="json")
    if finding.remark:
        properties["listed"] = finding.remark
    ranked = {"rank": round(100 * finding.verification.probability, 1)} if finding.verification is not None else {}
    return {
        **ranked,
        "ruleId": rule_id(finding),
        "ruleIndex": index,
        "level": _LEVEL.get(finding.severity, "note"),
        "message": {"text": f"{finding.title}: {finding.description} Fix: {finding.solution}"},
        "locations": [_location(finding)],
        "partialFingerprints": {"secreview/v1": finding.fingerprint},
        "properties": properties,
        **_fixes(finding),
    }


def _uncounted(result: dict[str, Any], finding: Finding) -> dict[str, Any]:
    """A likely false alarm or an unchecked candidate: shown as a note, ranked by the model's probability (SARIF's
    `rank`, 0-100), so platforms list it below the defects without hiding it."""
    return {"rank": 10.0, **result, "level": "note"}


def _in_source(finding: Finding) -> dict[str, Any]:
    """A result a suppression comment silences: platforms show it as suppressed, with the comment's reason."""
    suppression: dict[str, Any] = {"kind": "inSource"}
    if finding.suppression is not None and finding.suppression.reason:
        suppression["justification"] = finding.suppression.reason
    return {"suppressions": [suppression]}


def _notifications(review: Review) -> list[dict[str, Any]]:
    """What was not reviewed, so a platform shows the scan as partial rather than clean."""
    return [{"level": "warning", "message": {"text": text}} for text in not_reviewed(review)]


def _run_properties(review: Review) -> dict[str, Any]:
    """The vote's terms (samples, min-support), when the review was sampled."""
    if review.voting is None:
        return {}
    return {"properties": review.voting.model_dump(mode="json", exclude_none=True)}


class SarifReporter:
    def render(self, review: Review) -> str:
        by_rule: dict[str, list[Finding]] = {}
        uncounted = [*review.likely_false_alarms, *review.candidates]
        for finding in [*review.findings, *uncounted, *review.suppressed]:
            by_rule.setdefault(rule_id(finding), []).append(finding)
        index = {identifier: i for i, identifier in enumerate(by_rule)}
        # With a baseline, every result reported is one the baseline does not list.
        new = {"baselineState": "new"} if review.baseline is not None else {}
        results = [{**_result(f, index[rule_id(f)]), **new} for f in review.findings]
        results += [_uncounted(_result(f, index[rule_id(f)]), f) for f in uncounted]
        results += [{**_result(f, index[rule_id(f)]), **_in_source(f)} for f in review.suppressed]
        invocation: dict[str, Any] = {"executionSuccessful": review.complete}
        if notifications := _notifications(review):
            invocation["toolExecutionNotifications"] = notifications
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "secreview",
                            "version": review.tool_version,
                            "semanticVersion": review.tool_version,
                            "rules": [_rule(identifier, found) for identifier, found in by_rule.items()],
                        }
                    },
                    "invocations": [invocation],
                    "results": results,
                    "columnKind": "unicodeCodePoints",
                    **_run_properties(review),
                }
            ],
        }
        return json.dumps(log, indent=2) + "\n"
