import json

import jsonschema
import pytest

from conftest import DATA
from secreview.models import NO_DEFECTS_VERDICT, Coverage, Review, SkippedTarget
from secreview.reporters import REPORTERS
from secreview.schemas import SCHEMA_PATH, render_schema


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text())


def empty_review() -> Review:
    return Review(tool_version="0", target="x", verdict=NO_DEFECTS_VERDICT, complete=True, coverage=Coverage())


def test_markdown_shows_each_defect_in_review_style(project_review: Review):
    text = REPORTERS["md"].render(project_review)
    sql = next(f for f in project_review.findings if f.cwe == 89)
    assert "CWE-89 (Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection'))" in text
    assert f"**Line {sql.start_line}** of `src/app.py`" in text
    for heading in ("**Description**:", "**Solution**:", "**Severity**:", "**confidence**:", "**found by**:"):
        assert heading in text
    assert "## Verdict" in text and project_review.verdict in text
    assert "## Coverage" in text


def test_markdown_of_a_clean_review_ends_with_the_fixed_sentence():
    assert f"**{NO_DEFECTS_VERDICT}**" in REPORTERS["md"].render(empty_review())


def test_json_follows_the_committed_schema(project_review: Review):
    assert SCHEMA_PATH.read_text() == render_schema(), "regenerate: python -m secreview.schemas > " + str(SCHEMA_PATH)
    document = json.loads(REPORTERS["json"].render(project_review))
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["schema_version"] == "1.5"
    assert document["findings"][0]["fingerprint"]


def test_sarif_validates_against_the_official_schema(project_review: Review, sarif_schema: dict):
    log = json.loads(REPORTERS["sarif"].render(project_review))
    jsonschema.validate(log, sarif_schema)
    run = log["runs"][0]
    assert run["results"], "the sample project has defects"
    for rule in run["tool"]["driver"]["rules"]:
        tags = rule["properties"]["tags"]
        assert "security" in tags
        assert f"external/cwe/cwe-{rule['id'].removeprefix('CWE-')}" in tags
        assert isinstance(rule["properties"]["security-severity"], str)
        float(rule["properties"]["security-severity"])
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] <= location["region"]["endLine"]
        assert result["partialFingerprints"]["secreview/v1"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_of_an_incomplete_review_says_so(sarif_schema: dict):
    review = empty_review().model_copy(update={"complete": False})
    review.coverage.skipped.append(SkippedTarget(target="a.py", reason="binary"))
    log = json.loads(REPORTERS["sarif"].render(review))
    jsonschema.validate(log, sarif_schema)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "a.py not reviewed: binary"
