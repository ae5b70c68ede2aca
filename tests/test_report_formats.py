"""The CI and reading formats: GitHub workflow commands, GitLab's SAST report, PR review comments and HTML."""

import importlib.util
import json
import os
import re
import shutil
import typing
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from conftest import DATA, commit_all, make_git_repo, run_secreview
from secreview.config import Settings
from secreview.models import (
    CodeContext,
    Coverage,
    Evidence,
    Finding,
    LineRange,
    Review,
    Severity,
    SkippedTarget,
    UnitCoverage,
    Voting,
)
from secreview.reporters import REPORTERS
from secreview.reporters.github import escape_data, escape_property

EXAMPLES = Path(__file__).parent.parent / "examples"
XSS = "</pre><script>alert(1)</script>"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def gitlab_schema() -> dict:
    return json.loads((DATA / "gitlab-sast-report-format-15.x.json").read_text())


def finding(**overrides: object) -> Finding:
    base: dict[str, object] = {
        "path": "app.py",
        "start_line": 5,
        "end_line": 6,
        "cwe": 89,
        "cwe_name": "SQL Injection",
        "title": "SQL injection",
        "description": "name is formatted into the SQL text",
        "solution": "bind it as a parameter",
        "severity": Severity.high,
        "confidence": 0.9,
        "code": 'query = "..." % name\ncursor.execute(query)',
        "fingerprint": "abc:0",
        "evidence": [
            Evidence(
                engine="bandit", rule_id="B608", message="SQL built from a string", severity="medium", confidence=0.8
            )
        ],
    }
    return Finding.model_validate({**base, **overrides})


def review(*findings: Finding, units: list[UnitCoverage] | None = None, **overrides: object) -> Review:
    base: dict[str, object] = {
        "tool_version": "0.1.0",
        "target": "app.py",
        "findings": list(findings),
        "verdict": f"{len(findings)} security defects are detected in the code",
        "complete": True,
        "coverage": Coverage(units=units or [UnitCoverage(path="app.py", language="python", lines=40)]),
        "started_at": "2026-01-02T03:04:05",
        "duration_s": 61.6,
    }
    return Review.model_validate({**base, **overrides})


def incomplete_review() -> Review:
    coverage = Coverage(
        units=[UnitCoverage(path="app.py", language="python", lines=40, skipped_by={"semgrep": "timed out"})],
        skipped=[SkippedTarget(target="blob.bin", reason="binary")],
    )
    return review(finding(), coverage=coverage, complete=False)


def test_every_format_can_be_chosen_in_settings_and_on_the_command_line():
    assert set(typing.get_args(Settings.model_fields["format"].annotation)) == set(REPORTERS)
    assert {"github", "gitlab", "review-comments", "html"} <= set(REPORTERS)


# --- GitHub workflow commands ---------------------------------------------------------------------------------


def _command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse `::name k=v,k=v::message` the way the Actions runner does (split on the unescaped , and ::)."""
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line
    properties = dict(part.split("=", 1) for part in (match[2] or "").split(",") if part)
    return match[1], properties, match[3]


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotates_each_finding_at_its_lines_and_ends_with_the_verdict(project_review: Review):
    lines = REPORTERS["github"].render(project_review).splitlines()
    assert len(lines) == len(project_review.findings) + 1, "one command per finding, then the verdict"
    level = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    for line, found in zip(lines[:-1], project_review.findings, strict=True):
        name, properties, message = _command(line)
        assert name == level[found.severity.value]
        assert unescape(properties["file"]) == found.path
        assert (int(properties["line"]), int(properties["endLine"])) == (found.start_line, found.end_line)
        assert unescape(properties["title"]) == f"{found.severity.value.capitalize()}: {found.title}"
        assert "\n" not in message and unescape(message).startswith(f"CWE-{found.cwe} (")
        assert f"Fix: {found.solution}" in unescape(message)
    assert lines[-1] == f"::notice title=secreview verdict::{escape_data(project_review.verdict)}"


def test_github_escapes_data_and_properties_like_the_actions_toolkit():
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    hostile = finding(path="src/a,b:c.py", title="50% of ::error:: here", description="line one\nline two\r\n%0A")
    line = REPORTERS["github"].render(review(hostile)).splitlines()[0]
    assert line.startswith(
        "::error file=src/a%2Cb%3Ac.py,line=5,endLine=6,title=High%3A 50%25 of %3A%3Aerror%3A%3A here::"
    )
    _, properties, message = _command(line)
    assert unescape(properties["title"]) == "High: 50% of ::error:: here"
    assert "line one\nline two\r\n%0A" in unescape(message)


def test_github_warns_when_the_review_is_incomplete():
    lines = REPORTERS["github"].render(incomplete_review()).splitlines()
    name, properties, message = _command(lines[-2])
    assert name == "warning" and unescape(properties["title"]) == "secreview: review incomplete"
    assert unescape(message) == "blob.bin not reviewed: binary\napp.py skipped by semgrep: timed out"
    assert lines[-1].startswith("::notice title=secreview verdict::")


def test_github_shows_agreement_and_disputes():
    disputed = finding(
        samples=3,
        support=2,
        evidence=[
            Evidence(
                engine="llm",
                rule_id="llm",
                message="input is a constant",
                severity="low",
                confidence=0.5,
                disputes=True,
            )
        ],
    )
    voted = review(disputed, voting=Voting(source="model", samples=3, min_support=2))
    message = unescape(_command(REPORTERS["github"].render(voted).splitlines()[0])[2])
    assert "agreed by 2 of 3 samples" in message
    assert "Disputed by llm: input is a constant" in message


# --- GitLab SAST report ---------------------------------------------------------------------------------------


def test_gitlab_report_follows_the_published_schema(project_review: Review, gitlab_schema: dict):
    assert gitlab_schema["self"]["version"].startswith("15.")
    report = json.loads(REPORTERS["gitlab"].render(project_review))
    jsonschema.validate(report, gitlab_schema)
    assert report["version"] == gitlab_schema["self"]["version"]
    assert report["schema"].endswith(f"/v{report['version']}/dist/sast-report-format.json")
    scan = report["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success" and "messages" not in scan
    assert scan["analyzer"]["id"] == scan["scanner"]["id"] == "secreview"
    assert scan["start_time"] == project_review.started_at
    start = datetime.strptime(scan["start_time"], "%Y-%m-%dT%H:%M:%S")
    assert datetime.strptime(scan["end_time"], "%Y-%m-%dT%H:%M:%S") - start == timedelta(
        seconds=round(project_review.duration_s)
    )
    vulnerabilities = report["vulnerabilities"]
    assert len(vulnerabilities) == len(project_review.findings) > 0
    assert len({v["id"] for v in vulnerabilities}) == len(vulnerabilities)
    for vulnerability, found in zip(vulnerabilities, project_review.findings, strict=True):
        uuid.UUID(vulnerability["id"])
        assert vulnerability["category"] == "sast"
        assert vulnerability["severity"] == found.severity.value.capitalize()
        assert vulnerability["location"] == {
            "file": found.path,
            "start_line": found.start_line,
            "end_line": found.end_line,
        }
        assert vulnerability["identifiers"][0] == {
            "type": "cwe",
            "name": f"CWE-{found.cwe}",
            "value": str(found.cwe),
            "url": f"https://cwe.mitre.org/data/definitions/{found.cwe}.html",
        }
        assert vulnerability["solution"] == found.solution


def test_gitlab_ids_follow_the_fingerprint_not_the_lines(gitlab_schema: dict):
    first = json.loads(REPORTERS["gitlab"].render(review(finding())))["vulnerabilities"][0]
    moved = json.loads(REPORTERS["gitlab"].render(review(finding(start_line=25, end_line=26))))["vulnerabilities"][0]
    other = json.loads(REPORTERS["gitlab"].render(review(finding(fingerprint="abc:1"))))["vulnerabilities"][0]
    assert first["id"] == moved["id"] != other["id"]


def test_gitlab_marks_an_incomplete_review_as_a_failed_scan_and_names_a_finding_without_cwe(gitlab_schema: dict):
    unnamed = finding(cwe=None, cwe_name="", title="Risky pattern", fingerprint="def:0")
    report = json.loads(REPORTERS["gitlab"].render(incomplete_review().model_copy(update={"findings": [unnamed]})))
    jsonschema.validate(report, gitlab_schema)
    assert report["scan"]["status"] == "failure"
    assert report["scan"]["messages"] == [
        {"level": "warn", "value": "blob.bin not reviewed: binary"},
        {"level": "warn", "value": "app.py skipped by semgrep: timed out"},
    ]
    assert report["vulnerabilities"][0]["identifiers"] == [
        {"type": "secreview_rule", "name": "RiskyPattern", "value": "RiskyPattern"}
    ]


def test_sarif_is_untouched_and_names_the_same_gaps(gitlab_schema: dict):
    sarif = json.loads(REPORTERS["sarif"].render(incomplete_review()))
    jsonschema.validate(sarif, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    notes = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    gitlab = json.loads(REPORTERS["gitlab"].render(incomplete_review()))
    assert notes == [message["value"] for message in gitlab["scan"]["messages"]]
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] == "https://cwe.mitre.org/data/definitions/89.html"


# --- PR review comments ---------------------------------------------------------------------------------------

BEFORE = """\
import subprocess

import yaml


def archive(name):
    subprocess.run(
        "tar czf /tmp/" + name + ".tgz /srv",
        shell=False,
        check=True,
    )


def ping(host):
    subprocess.run("ping -c 1 " + host, shell=True, check=True)
"""
AFTER = (
    BEFORE.replace("shell=False", "shell=True")
    + """

def load(data):
    return yaml.load(data, Loader=yaml.Loader)
"""
)


@pytest.mark.slow
def test_review_comments_in_diff_mode_point_only_at_changed_lines(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "app.py").write_text(BEFORE)
    commit_all(repo, "archive and ping")
    (repo / "app.py").write_text(AFTER)
    commit_all(repo, "let archive use the shell; load settings")
    done = run_secreview("review", "--diff", "HEAD~1", "--format", "json", cwd=repo)
    reviewed = Review.model_validate_json(done.stdout)
    changed = reviewed.coverage.units[0].review_lines
    assert changed == [LineRange(start=9, end=9), LineRange(start=16, end=19)]
    comments = json.loads(run_secreview("review", "--diff", "HEAD~1", "--format", "review-comments", cwd=repo).stdout)
    assert comments, done.stdout
    for comment in comments:
        first = comment.get("start_line", comment["line"])
        assert any(r.start <= first and comment["line"] <= r.end for r in changed), comment
        assert comment["side"] == "RIGHT" and comment["path"] == "app.py"
    by_line = {comment["line"]: comment for comment in comments}
    shell = by_line[9]  # the call spans lines 7-11; only its `shell=True` line changed
    assert (
        "start_line" not in shell and "OS Command Injection" in shell["body"] and "flagged: lines 7-11" in shell["body"]
    )
    assert "CWE-502" in by_line[19]["body"]
    assert 15 not in by_line, "the unchanged ping() call is outside the diff"


def test_review_comments_clip_to_the_first_changed_run_a_finding_overlaps():
    units = [
        UnitCoverage(
            path="app.py",
            language="python",
            lines=40,
            review_lines=[LineRange(start=18, end=25), LineRange(start=12, end=14)],
        )
    ]
    spanning, outside = finding(start_line=10, end_line=20), finding(start_line=30, end_line=31, fingerprint="x:0")
    comments = json.loads(REPORTERS["review-comments"].render(review(spanning, outside, units=units)))
    assert [(c["start_line"], c["start_side"], c["line"], c["side"]) for c in comments] == [(12, "RIGHT", 14, "RIGHT")]
    assert "flagged: lines 10-20" in comments[0]["body"]


def test_review_comments_without_a_diff_use_each_findings_own_lines():
    disputed = finding(
        start_line=7,
        end_line=7,
        samples=3,
        support=3,
        evidence=[
            Evidence(
                engine="llm",
                rule_id="llm",
                message="it is escaped",
                severity="low",
                confidence=0.4,
                disputes=True,
                sample=1,
            )
        ],
    )
    voted = review(finding(), disputed, voting=Voting(source="reviews", samples=3, min_support=2))
    comments = json.loads(REPORTERS["review-comments"].render(voted))
    assert [(c.get("start_line"), c["line"]) for c in comments] == [(5, 6), (None, 7)]
    body = comments[1]["body"]
    assert body.startswith("**High: SQL injection** ([CWE-89](https://cwe.mitre.org/data/definitions/89.html) SQL")
    for part in (
        "confidence 0.90",
        "agreed by 3 of 3 reviews",
        "**Why**: name is formatted",
        "**Fix**: bind it",
        "> **Disputed by llm**: it is escaped",
    ):
        assert part in body
    assert "flagged:" not in body


# --- HTML -----------------------------------------------------------------------------------------------------


def hostile_review() -> Review:
    hostile = finding(
        path='src/"><script>alert(2)</script>.py',
        title="<img src=x onerror=alert(3)>",
        description="a </p><iframe src=https://example.com></iframe>",
        solution="<style>body{display:none}</style>",
        cwe_name="<b>bold</b>",
        code=f"cursor.execute(q) # {XSS}",
        context=CodeContext(
            start_line=3, text=f"def find(name):\n    q = '{XSS}'\ncursor.execute(q) # {XSS}\nreturn 1"
        ),
        evidence=[
            Evidence(
                engine="<llm>",
                rule_id="<r>",
                message="<script>alert(4)</script>",
                severity="low",
                confidence=0.5,
                disputes=True,
            )
        ],
        start_line=5,
        end_line=5,
    )
    return review(hostile, target="<script>alert(5)</script>", commit_message="<script>alert(6)</script>")


def test_html_escapes_everything_from_the_code_and_the_models():
    page = REPORTERS["html"].render(hostile_review())
    assert "<script" not in page.lower() and "<img" not in page and "<iframe" not in page and "<b>" not in page
    assert page.count("<style>") == 1, "only the report's own style element"
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'" in page
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert all(link.startswith(("#", "https://cwe.mitre.org/data/definitions/")) for link in links), links


def test_html_shows_suppressed_findings_coverage_and_agreement(project_review: Review):
    assert "<th>Sample</th>" not in REPORTERS["html"].render(project_review), "static engines are not sampled"
    suppressed = finding(title="Accepted risk", suppression={"kind": "secreview", "line": 4, "cwes": [89]})
    first = project_review.findings[0]
    sampled = Evidence(
        engine="llm", rule_id="structured", message="q is built from name", severity="high", confidence=0.7, sample=2
    )
    voted = project_review.model_copy(
        update={
            "suppressed": [suppressed],
            "voting": Voting(source="model", samples=3, min_support=2),
            "findings": [first.model_copy(update={"samples": 3, "support": 2, "evidence": [*first.evidence, sampled]})],
        }
    )
    page = REPORTERS["html"].render(voted)
    assert "<th>Sample</th>" in page and '<td class="num">2</td></tr>' in page
    assert "<h2>Suppressed findings</h2>" in page and "Accepted risk" in page and "no reason given" in page
    assert "agreed by 2 of 3 samples" in page and "The model answered each part of the code 3 times" in page
    assert "<h2>Coverage</h2>" in page
    for unit in project_review.coverage.units:
        assert f"<code>{unit.path}</code>" in page
    incomplete = REPORTERS["html"].render(incomplete_review())
    assert "skipped by semgrep</span>: timed out" in incomplete and "<code>blob.bin</code>: binary" in incomplete


def _browser_or_skip() -> None:
    """A missing browser skips the test on a workstation and fails it in CI, where it must run."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        missing.append("Chromium (apt-get install chromium, or scripts/setup test as root)")
    if missing:
        reason = "the HTML browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _load(browser, page_file: Path):
    """Open a report; return the page and what went wrong: console errors, page errors, dialogs, requests for
    anything but the file itself, and what the Content-Security-Policy blocked."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if r.url != page_file.as_uri() else None)
    page.add_init_script(
        "window.__blocked = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(page_file.as_uri())
    problems += [f"CSP blocked: {what}" for what in page.evaluate("window.__blocked")]
    return page, problems


@pytest.mark.slow
@pytest.mark.browser
def test_html_report_renders_in_a_real_browser_without_errors_or_network(tmp_path: Path):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    shutil.copytree(EXAMPLES / "webapp", tmp_path / "webapp")
    done = run_secreview("review", "webapp", "--format", "json", cwd=tmp_path)
    reviewed = Review.model_validate_json(done.stdout)
    assert reviewed.findings, done.stderr
    report, hostile, screenshot = tmp_path / "report.html", tmp_path / "hostile.html", tmp_path / "html-report.png"
    run_secreview("review", "webapp", "--format", "html", "-o", str(report), cwd=tmp_path)
    hostile.write_text(REPORTERS["html"].render(hostile_review()))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page, problems = _load(browser, report)
            assert problems == []
            verdict = page.locator(".verdict")
            assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)", "unstyled"
            for number, found in enumerate(reviewed.findings, start=1):
                section = page.locator(f"#finding-{number}")
                assert section.is_visible()
                text = section.inner_text()
                assert found.title in text and f"{found.path}, line" in text
                assert section.locator("tr.hit td.ln").first.inner_text() == str(found.start_line)
            page.screenshot(path=str(screenshot), full_page=True)

            page, problems = _load(browser, hostile)
            assert problems == [] and page.locator("script, img, iframe").count() == 0
            assert XSS in page.locator("#finding-1 .code").inner_text(), "the hostile code is shown as text"
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    print(f"screenshot: {screenshot}")
