"""Suppression comments and baselines, through the real command line with real Bandit and Semgrep."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import DATA, commit_all, make_git_repo, run_secreview
from secreview.engines.bandit import run_bandit
from secreview.models import Review
from secreview.reporters.markdown import MarkdownReporter
from secreview.reporters.sarif import SarifReporter
from secreview.suppression import describe, parse_suppressions

# (text, language, {line: [(kind, cwes, rules, reason), ...]})
PARSER_CASES = [
    (
        "q = 1  # secreview: ignore[CWE-89] name is an enum\n",
        "python",
        {1: [("secreview", [89], [], "name is an enum")]},
    ),
    ("# secreview: ignore[CWE-89, cwe-79]: both vetted\n", "python", {1: [("secreview", [89, 79], [], "both vetted")]}),
    ("# secreview: ignore - generated code\n", "python", {1: [("secreview", [], [], "generated code")]}),
    ("x = 1\n# secreview: ignore\n", "python", {2: [("secreview", [], [], "")]}),
    ("# SECREVIEW: IGNORE[89] upper case\n", "python", {1: [("secreview", [89], [], "upper case")]}),
    ("# secreview: ignore[sql] a typo never silences every CWE\n", "python", {}),
    ("# secreview: ignore[] empty\n", "python", {}),
    ("# secreview: ignored\n", "python", {}),
    ("x = '# secreview: ignore[CWE-89] in a string'\n", "python", {}),
    ('x = """\n# secreview: ignore\n"""  # nosec\n', "python", {3: [("nosec", [], [], "")]}),
    ("call()  # nosec\n", "python", {1: [("nosec", [], [], "")]}),
    ("call()  # nosec B602\n", "python", {1: [("nosec", [], ["B602"], "")]}),
    (
        "call()  # nosec: B602,B607 the command is a constant\n",
        "python",
        {1: [("nosec", [], ["B602", "B607"], "the command is a constant")]},
    ),
    ("call()  # nosec b602 - lower case id\n", "python", {1: [("nosec", [], ["B602"], "lower case id")]}),
    (
        "call()  #nosec subprocess_popen_with_shell_equals_true\n",
        "python",
        {1: [("nosec", [], ["subprocess_popen_with_shell_equals_true"], "")]},
    ),
    ("call()  # nosec this input is trusted\n", "python", {1: [("nosec", [], [], "this input is trusted")]}),
    (
        "call()  # nosec # a reason after a second hash\n",
        "python",
        {1: [("nosec", [], [], "a reason after a second hash")]},
    ),
    (
        "call()  # nosec B602 # secreview: ignore[CWE-78] both kinds\n",
        "python",
        {1: [("nosec", [], ["B602"], ""), ("secreview", [78], [], "both kinds")]},
    ),
    ("call()  # nosecurity\n", "python", {}),
    # Ruff's codes of flake8-bandit are Bandit's tests (S324 is B324); its other codes say nothing of security
    ("h = md5(x)  # noqa: S324 md5 use ok\n", "python", {1: [("noqa", [], ["B324"], "md5 use ok")]}),
    ("q = f(x)  # noqa: E501, S608,S102\n", "python", {1: [("noqa", [], ["B608", "B102"], "")]}),
    ("long_line = 1  # noqa: E501\n", "python", {}),
    ("call()  # noqa\n", "python", {}),
    ("# nosec only means something to Bandit, in Python\n", "ruby", {}),
    ("strcpy(a, b); // secreview: ignore[CWE-120] sized above\n", "c", {1: [("secreview", [120], [], "sized above")]}),
    ("/* secreview: ignore[CWE-120] why */ strcpy(a, b);\n", "cpp", {1: [("secreview", [120], [], "why")]}),
    (
        "/*\n * secreview: ignore[CWE-134] a block comment\n */\n",
        "c",
        {2: [("secreview", [134], [], "a block comment")]},
    ),
    ('char *s = "// secreview: ignore";\n', "c", {}),
    ("// nosec\n", "java", {}),
    ("String q = x; // secreview: ignore[CWE-89] vetted\n", "java", {1: [("secreview", [89], [], "vetted")]}),
    (
        "s = `\n// secreview: ignore\n`; // secreview: ignore[CWE-79] escaped\n",
        "javascript",
        {3: [("secreview", [79], [], "escaped")]},
    ),
    ("x := 1 // secreview: ignore[CWE-22] fixed root\n", "go", {1: [("secreview", [22], [], "fixed root")]}),
    ("x = 1  # secreview: ignore[CWE-78] constant\n", "bash", {1: [("secreview", [78], [], "constant")]}),
    (
        "fn f<'a>(x: &'a str) {} // secreview: ignore[CWE-20] lifetime\n",
        "rust",
        {1: [("secreview", [20], [], "lifetime")]},
    ),
]


@pytest.mark.parametrize(("text", "language", "expected"), PARSER_CASES)
def test_parser_reads_each_comment_syntax(text: str, language: str, expected: dict):
    found = parse_suppressions(text, language)
    assert {
        line: [(s.kind, s.cwes, s.rules, s.reason) for s in suppressions] for line, suppressions in found.items()
    } == expected
    assert all(s.line == line for line, suppressions in found.items() for s in suppressions)


PYTHON_SAMPLE = """\
import sqlite3
import subprocess


def same_line(cursor, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name  # secreview: ignore[CWE-89] name is an enum value
    cursor.execute(query)


def line_before(cursor, name):
    # secreview: ignore[CWE-89] the caller validates name against a fixed list
    query = "SELECT * FROM users WHERE name = '%s'" % name
    cursor.execute(query)


def wrong_cwe(cursor, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name  # secreview: ignore[CWE-79] not this weakness
    cursor.execute(query)


def shell(cmd):
    subprocess.call(cmd, shell=True)  # nosec B602
"""


def review_json(result) -> Review:
    return Review.model_validate_json(result.stdout)


def lines_of(findings) -> list[tuple[int, int | None]]:
    return [(f.start_line, f.cwe) for f in findings]


def test_python_suppressions_on_the_line_and_the_line_before(tmp_path: Path):
    (tmp_path / "app.py").write_text(PYTHON_SAMPLE)
    result = run_secreview("review", "app.py", "--format", "json", "--fail-on", "low", cwd=tmp_path)
    review = review_json(result)
    assert lines_of(review.suppressed) == [(6, 89), (12, 89), (22, 78)]
    reasons = [(f.suppression.kind, f.suppression.line, f.suppression.reason) for f in review.suppressed]
    assert reasons == [
        ("secreview", 6, "name is an enum value"),
        ("secreview", 11, "the caller validates name against a fixed list"),
        ("nosec", 22, ""),
    ]
    # A comment naming another weakness silences nothing: the finding is reported and fails the run.
    assert lines_of(review.findings) == [(17, 89)]
    assert review.findings[0].suppression is None
    assert result.returncode == 1
    assert "note: app.py: line 22: suppression without a reason (nosec B602); say why the finding is accepted" in (
        result.stderr
    )
    assert result.stderr.count("suppression without a reason") == 1

    markdown = MarkdownReporter().render(review)
    assert "## Suppressed (not counted)" in markdown
    assert (
        f"- `app.py:6` CWE-89 {review.suppressed[0].title}: `secreview: ignore[CWE-89]` (line 6): name is an enum"
        in (markdown)
    )
    assert "`nosec B602` (line 22): no reason given" in markdown


def test_no_suppress_audits_every_finding(tmp_path: Path):
    (tmp_path / "app.py").write_text(PYTHON_SAMPLE)
    audit = review_json(run_secreview("review", "app.py", "--format", "json", "--no-suppress", cwd=tmp_path))
    assert lines_of(audit.findings) == [(6, 89), (12, 89), (17, 89), (22, 78)]
    assert audit.suppressed == []
    assert all(f.suppression is None for f in audit.findings)
    # The setting works like every other: from the environment, and from pyproject.toml.
    by_env = review_json(
        run_secreview("review", "app.py", "--format", "json", cwd=tmp_path, env={"SECREVIEW_SUPPRESS": "false"})
    )
    assert lines_of(by_env.findings) == lines_of(audit.findings)
    (tmp_path / "pyproject.toml").write_text("[tool.secreview]\nsuppress = false\n")
    by_project = review_json(run_secreview("review", "app.py", "--format", "json", cwd=tmp_path))
    assert lines_of(by_project.findings) == lines_of(audit.findings)
    on_again = review_json(run_secreview("review", "app.py", "--format", "json", "--suppress", cwd=tmp_path))
    assert lines_of(on_again.findings) == [(17, 89)]


def test_nosec_silences_only_bandit_and_only_the_tests_it_names(tmp_path: Path):
    (tmp_path / "tool.py").write_text(
        "import subprocess\n"
        "\n"
        "\n"
        "def evaluate(expr):\n"
        "    return eval(expr)  # nosec the expression comes from our own config\n"
        "\n"
        "\n"
        "def shell(cmd):\n"
        "    subprocess.call(cmd, shell=True)  # nosec B608 names another test\n"
    )
    review = review_json(run_secreview("review", "tool.py", "--format", "json", cwd=tmp_path))
    # Bandit's eval finding (B307) is one defect with Semgrep's code injection on the same line: not Bandit's alone
    # to silence. The shell call's `# nosec B608` names another test.
    assert review.suppressed == []
    assert [(f.start_line, f.engines) for f in review.findings] == [(5, ["bandit", "semgrep"]), (9, ["bandit"])]


def test_nosec_silences_what_a_candidate_adds_to_bandits_report(tmp_path: Path):
    """sanic's `urlopen(request)  # nosec B310`: a flow from the caller's `action` reaches the same call, a candidate
    to check merged into Bandit's finding. The comment says the call was checked: the finding is silenced whole, the
    candidate's part marked as one; the same flow without the comment stays a defect with Bandit's report."""
    (tmp_path / "client.py").write_text(
        "from urllib.request import Request, urlopen\n"
        "\n"
        "\n"
        "def inspect(base, action):\n"
        '    request = Request(f"{base}/{action}")\n'
        "    with urlopen(request) as response:  # nosec B310 the inspector's own address, from its settings\n"
        "        return response.read()\n"
        "\n"
        "\n"
        "def fetch(base, action):\n"
        '    return urlopen(Request(f"{base}/{action}")).read()\n'
    )
    review = review_json(run_secreview("review", "client.py", "--format", "json", cwd=tmp_path))
    [silenced] = review.suppressed
    assert (silenced.start_line, silenced.engines) == (6, ["bandit", "flows"])
    assert [(e.engine, e.candidate) for e in silenced.evidence] == [("bandit", False), ("flows", True)]
    assert [(f.start_line, f.engines, f.kind) for f in review.findings] == [(11, ["bandit", "flows"], "defect")]


def test_nosec_or_ruffs_noqa_for_a_bandit_test_silences_the_project_rule_that_restates_it(tmp_path: Path):
    # secreview skips Bandit's B324 (hashlib's MD5/SHA-1) for its own python-weak-hash: a `# nosec B324` the project
    # wrote for Bandit, or Ruff's `noqa: S324`, still says the digest was judged; so for a credential that both
    # Bandit and the project's rule report.
    (tmp_path / "digests.py").write_text(
        "import hashlib\n"
        "\n"
        "\n"
        "def fingerprint(data):\n"
        "    return hashlib.md5(data).hexdigest()  # nosec B324 names files in the build folder\n"
        "\n"
        "\n"
        "def token_digest(token):\n"
        "    return hashlib.sha1(token).hexdigest()  # nosec B602 names another test\n"
        "\n"
        "\n"
        "def user_fingerprint(data):\n"
        "    return hashlib.sha1(data).hexdigest()  # noqa: S324 Ruff's code for B324\n"
        "\n"
        "\n"
        "def demo_login(client):\n"
        '    admin_password = "hunter2hunter2"  # nosec B105 the throwaway account of the demo\n'
        "    return client.login(admin_password)\n"
    )
    review = review_json(run_secreview("review", "digests.py", "--format", "json", cwd=tmp_path))
    said = [(f.start_line, f.engines, describe(f.suppression)) for f in review.suppressed if f.suppression]
    # Bandit's B105 and the project's python-hardcoded-password, which restates it, both silenced by Bandit's id
    assert said == [
        (5, ["semgrep"], "nosec B324"),
        (13, ["semgrep"], "noqa: S324"),
        (17, ["bandit", "semgrep"], "nosec B105"),
    ]
    assert [(f.start_line, f.engines) for f in review.findings] == [(9, ["semgrep"])]


def test_c_suppression_comments(tmp_path: Path, sarif_schema: dict):
    (tmp_path / "copy.c").write_text(
        "#include <string.h>\n"
        "\n"
        "void copy(char *dst, const char *src)\n"
        "{\n"
        "    strcpy(dst, src); // secreview: ignore[CWE-120] callers pass a buffer of strlen(src) + 1\n"
        "}\n"
        "\n"
        "void copy_too(char *dst, const char *src)\n"
        "{\n"
        "    /* secreview: ignore[CWE-120] the same contract as copy */\n"
        "    strcpy(dst, src);\n"
        "}\n"
        "\n"
        "void unchecked(char *dst, const char *src)\n"
        "{\n"
        '    const char *hint = "// secreview: ignore[CWE-120] a string, not a comment";\n'
        "    strcpy(dst, src);\n"
        "}\n"
    )
    result = run_secreview("review", "copy.c", "--format", "json", cwd=tmp_path)
    review = review_json(result)
    assert lines_of(review.suppressed) == [(5, 120), (11, 120)]
    assert lines_of(review.findings) == [(17, 120)]
    assert result.returncode == 1

    log = json.loads(SarifReporter().render(review))
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [17, 5, 11]
    assert "suppressions" not in results[0]
    assert results[1]["suppressions"] == [
        {"kind": "inSource", "justification": "callers pass a buffer of strlen(src) + 1"}
    ]
    assert all("baselineState" not in r for r in results)


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text())


def test_diff_mode_trusts_only_suppressions_that_existed_before_the_change(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "jobs.py").write_text(
        "import subprocess\n"
        "\n"
        "\n"
        "def run_admin(cmd):\n"
        "    # secreview: ignore[CWE-78] commands come from the admin's own configuration\n"
        "    return cmd\n"
    )
    commit_all(repo, "admin jobs")
    (repo / "jobs.py").write_text(
        "import subprocess\n"
        "\n"
        "\n"
        "def run_admin(cmd):\n"
        "    # secreview: ignore[CWE-78] commands come from the admin's own configuration\n"
        "    return subprocess.call(cmd, shell=True)\n"
        "\n"
        "\n"
        "def run_user(cmd):\n"
        "    # secreview: ignore[CWE-78] trust me\n"
        "    return subprocess.call(cmd, shell=True)\n"
    )
    commit_all(repo, "run the jobs")
    result = run_secreview("review", "--diff", "HEAD~1", "--format", "json", cwd=repo)
    review = review_json(result)
    assert [(f.start_line, f.suppression.line, f.suppression.honoured) for f in review.suppressed] == [(6, 5, True)]
    (untrusted,) = [f for f in review.findings if f.start_line == 11]
    assert untrusted.suppression is not None
    assert (untrusted.suppression.line, untrusted.suppression.honoured) == (10, False)
    assert result.returncode == 1
    assert "line 10: suppression (secreview: ignore[CWE-78]) added by this change is not trusted" in result.stderr
    markdown = MarkdownReporter().render(review)
    assert "**Suppression not trusted**: `secreview: ignore[CWE-78]` (line 10) was added by this change" in markdown


VULNERABLE = """\
import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)
"""


def test_baseline_survives_lines_moving_and_reports_new_defects(tmp_path: Path, sarif_schema: dict):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "jobs.py").write_text(VULNERABLE)
    created = run_secreview("baseline", "create", "baseline.json", "src", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("secreview: wrote baseline.json: 1 finding(s) in 1 of 1 file(s) reviewed")
    assert created.stderr == "secreview: reviewing src with the static engine for the baseline\n"
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["format"] == 1 and document["tool_version"]
    (entry,) = document["findings"]
    assert (entry["path"], entry["cwe"], entry["line"]) == ("src/jobs.py", 78, 5)
    assert entry["fingerprint"] and entry["title"]

    # Lines inserted above the known finding: it moves to line 8 and stays known.
    moved = VULNERABLE.replace("import subprocess\n", "import subprocess\nimport os\n\nHOME = os.getcwd()\n")
    (tmp_path / "src" / "jobs.py").write_text(moved)
    known = run_secreview("review", "src", "--format", "json", "--baseline", "baseline.json", cwd=tmp_path)
    assert known.returncode == 0, known.stderr
    review = review_json(known)
    assert review.findings == []
    assert review.baseline is not None
    assert (review.baseline.path, review.baseline.known, review.baseline.fingerprints) == ("baseline.json", 1, 1)
    assert "_1 known finding(s) listed in the baseline `baseline.json` are not shown._" in MarkdownReporter().render(
        review
    )

    # A new defect is reported, and only it.
    (tmp_path / "src" / "jobs.py").write_text(moved + "\n\ndef evaluate(expr):\n    return eval(expr)\n")
    new = run_secreview("review", "src", "--format", "json", "--baseline", "baseline.json", cwd=tmp_path)
    review = review_json(new)
    assert new.returncode == 1
    assert {f.start_line for f in review.findings} == {12}
    assert review.baseline is not None and review.baseline.known == 1
    log = json.loads(SarifReporter().render(review))
    jsonschema.validate(log, sarif_schema)
    assert {r["baselineState"] for r in log["runs"][0]["results"]} == {"new"}

    # The baseline from the environment works like the option.
    by_env = run_secreview(
        "review", "src", "--format", "json", cwd=tmp_path, env={"SECREVIEW_BASELINE": "baseline.json"}
    )
    assert review_json(by_env).baseline == review.baseline


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read the baseline"),
        ("not json", "is not a secreview baseline"),
        ('{"format": 1, "tool_version": "0", "findings": [{"path": "a.py"}]}', "is not a secreview baseline"),
        ('{"format": 99, "tool_version": "0", "findings": []}', "has format 99"),
    ],
)
def test_a_broken_baseline_is_a_configuration_error(tmp_path: Path, content: str | None, problem: str):
    (tmp_path / "app.py").write_text(VULNERABLE)
    if content is not None:
        (tmp_path / "known.json").write_text(content)
    result = run_secreview("review", "app.py", "--baseline", "known.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "known.json" in result.stderr and problem in result.stderr
    assert result.stdout == ""


def test_bandit_reports_nosec_lines_to_the_engine_but_keeps_its_default_for_the_reference_row(tmp_path: Path):
    sample = tmp_path / "shell.py"
    sample.write_text("import subprocess\n\nsubprocess.call('ls', shell=True)  # nosec\n")

    def flagged(report: dict) -> list[tuple[str, int]]:
        return [(item["test_id"], item["line_number"]) for item in report["results"] if item["test_id"] == "B602"]

    assert flagged(run_bandit([str(sample)])) == []  # Bandit's default, as the bench's reference row runs it
    assert flagged(run_bandit([str(sample)], ignore_nosec=True)) == [("B602", 3)]
