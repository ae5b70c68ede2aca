"""GitLab's SAST report (`gl-sast-report.json`, schema 15.x), which a job declares as `artifacts:reports:sast`.

GitLab tracks a vulnerability across pipelines by its identifiers and location, and de-duplicates by `id`:
the id is a UUID derived from the finding's content-based fingerprint, so it stays the same while the code
around the finding moves. An incomplete review is a scan with status "failure" and a message per gap, so
the pipeline never shows it as a clean pass.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from secreview.models import Finding, Review
from secreview.reporters.sarif import rule_id
from secreview.reporters.wording import SEVERITY_NAME, agreed_by, cwe_url, not_reviewed

SCHEMA_VERSION = "15.2.1"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "secreview")  # ids are uuid5(this, fingerprint)
_MAX_NAME, _MAX_SOLUTION = 255, 7000  # the schema's maxLength
_TOOL = {"id": "secreview", "name": "secreview", "vendor": {"name": "secreview"}}


def _identifiers(finding: Finding) -> list[dict[str, str]]:
    """The CWE first (GitLab's primary identifier); secreview's rule name when no CWE could be named."""
    if finding.cwe is None:
        return [{"type": "secreview_rule", "name": rule_id(finding), "value": rule_id(finding)}]
    return [{"type": "cwe", "name": f"CWE-{finding.cwe}", "value": str(finding.cwe), "url": cwe_url(finding.cwe)}]


def _details(finding: Finding, review: Review) -> dict[str, Any]:
    """The facts GitLab's vulnerability page shows beside the description (named fields)."""
    details: dict[str, Any] = {
        "confidence": {"name": "Confidence", "type": "value", "value": round(finding.confidence, 2)},
        "engines": {"name": "Found by", "type": "text", "value": ", ".join(finding.engines) or "no engine"},
    }
    if agreed := agreed_by(finding, review.voting):
        details["agreement"] = {"name": "Agreement", "type": "text", "value": agreed}
    for number, dispute in enumerate(finding.disputes, start=1):
        details[f"dispute_{number}"] = {
            "name": f"Disputed by {dispute.engine}",
            "type": "text",
            "value": dispute.message,
        }
    if finding.code:
        details["code"] = {"name": "Flagged code", "type": "code", "value": finding.code}
    return details


def _vulnerability(finding: Finding, review: Review) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(_ID_NAMESPACE, finding.fingerprint)),
        "category": "sast",
        "name": finding.title[:_MAX_NAME],
        "description": finding.description,
        "solution": finding.solution[:_MAX_SOLUTION],
        "severity": SEVERITY_NAME[finding.severity],
        "scanner": {"id": "secreview", "name": "secreview"},
        "location": {"file": finding.path, "start_line": finding.start_line, "end_line": finding.end_line},
        "identifiers": _identifiers(finding),
        "details": _details(finding, review),
    }


def _scan(review: Review) -> dict[str, Any]:
    tool = {**_TOOL, "version": review.tool_version}
    started = datetime.strptime(review.started_at, _TIME_FORMAT)
    scan: dict[str, Any] = {
        "analyzer": tool,
        "scanner": tool,
        "type": "sast",
        "start_time": review.started_at,
        "end_time": (started + timedelta(seconds=round(review.duration_s))).strftime(_TIME_FORMAT),
        "status": "success" if review.complete else "failure",
    }
    if not review.complete:
        scan["messages"] = [{"level": "warn", "value": text} for text in not_reviewed(review)]
    return scan


class GitlabReporter:
    def render(self, review: Review) -> str:
        report = {
            "schema": SCHEMA_URL,
            "version": SCHEMA_VERSION,
            "scan": _scan(review),
            "vulnerabilities": [_vulnerability(finding, review) for finding in review.findings],
        }
        return json.dumps(report, indent=2) + "\n"
