import sys
from pathlib import Path

from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
from secreview.engines.bandit import BanditEngine
from secreview.models import CodeUnit

PYTHON2 = 'import os\nuser = {"name": "x"}\nprint "hello", user\nos.system("ls " + input())\n'


def test_bandit_reports_cwe_severity_and_a_fix(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text("import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n")
    unit = CodeUnit(id="m.py", path="m.py", language="python", text=path.read_text(), disk_path=path)

    result = BanditEngine().review([unit])

    (finding,) = result.findings
    assert (finding.cwe, finding.start_line, finding.severity.value) == (328, 5, "high")  # weak hash, reviewed
    assert finding.evidence[0].rule_id == "B324:hashlib"
    assert "Bandit B324" in finding.solution
    assert not result.skipped


def test_bandit_names_the_real_weakness_and_leaves_out_review_prompts(tmp_path: Path):
    """A list-argument subprocess call is no defect (B603 only says "check the input"), nor by default a program
    started by a partial path (B607); enabled, the latter is an untrusted search path (CWE-426), not the command
    injection Bandit calls it."""
    text = "import subprocess\n\n\ndef run(arg):\n    subprocess.call(['/bin/ls', '--', arg])\n"
    text += "    subprocess.call(['ls'])\n"
    path = tmp_path / "run.py"
    path.write_text(text)
    unit = CodeUnit(id="run.py", path="run.py", language="python", text=text, disk_path=path)

    assert BanditEngine().review([unit]).findings == []
    (finding,) = BanditEngine(skipped_tests=["B404", "B603"]).review([unit]).findings

    assert (finding.cwe, finding.start_line, finding.evidence[0].rule_id) == (
        426,
        6,
        "B607:start_process_with_partial_path",
    )


def test_fragments_cut_out_of_a_file_are_read_at_their_own_line_numbers(tmp_path: Path):
    """Fragments that start indented do not parse; the tools get the leading lines dedented, numbers unchanged."""
    (tmp_path / "method.py").write_text(
        "    def find(self, name):\n"
        "        cursor = self.db.cursor()\n"
        "        cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
        "        return cursor.fetchall()\n"
    )
    (tmp_path / "window.py").write_text(  # cut from the middle of a function, then a top-level function
        "        digest = hashlib.md5(data).hexdigest()\n"
        "    return digest\n"
        "\n"
        "\n"
        "def run(arg):\n"
        "    os.system('ls ' + arg)\n"
    )
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    assert review.complete, review.coverage
    found = [(f.path, f.cwe, f.start_line) for f in review.findings]
    assert found == [("method.py", 89, 3), ("window.py", 328, 1), ("window.py", 78, 6)]
    assert "SELECT * FROM users" in review.findings[0].code  # quoted from the file as it is


def test_code_bandit_cannot_parse_is_still_reviewed_by_semgrep(tmp_path: Path):
    """Syntax the running Python rejects (here Python 2; also 3.12 f-strings under 3.11): Bandit skips the
    file and says why, Semgrep still reviews it, and the review is incomplete."""
    (tmp_path / "old_syntax.py").write_text(PYTHON2)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    (unit,) = review.coverage.units
    assert unit.reviewed_by == ["semgrep"]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"Bandit cannot parse it under Python {version}" in unit.skipped_by["bandit"]
    assert "(line 3)" in unit.skipped_by["bandit"]
    assert not review.complete


def test_units_without_a_file_on_disk_are_given_to_the_tools_under_their_own_name():
    unit = CodeUnit(id="pkg/m.py", path="pkg/m.py", language="python", text="import os\nos.system(input())\n")
    findings = BanditEngine().review([unit]).findings
    assert findings and all(f.path == "pkg/m.py" for f in findings)


def test_an_sql_f_string_without_a_placeholder_is_no_string_built_query():
    """Bandit's B608 fires on every f-string with SQL words; secreview keeps it where a value is formatted in,
    and not where the f-string is a constant with the value bound (a correct query, and a correct fix)."""
    text = (
        "def search(cur, term, table):\n"
        "    # ok: B608\n"
        '    cur.execute(f"SELECT * FROM film WHERE title = %s", (term,))\n'
        "    # ruleid: B608\n"
        "    cur.execute(f\"SELECT * FROM film WHERE title = '{term}'\")\n"
        "    # ruleid: B608\n"
        '    cur.execute(f"SELECT * FROM {table} WHERE title = %s" + "", (term,))\n'
        "    # ruleid: B608\n"
        "    cur.execute(\"SELECT * FROM film WHERE title = '%s'\" % term)\n"
    )
    unit = CodeUnit(id="q.py", path="q.py", language="python", text=text)
    flagged = {f.start_line for f in BanditEngine().review([unit]).findings if f.cwe == 89}
    lines = text.splitlines()
    assert flagged == {n + 1 for n, line in enumerate(lines, start=1) if "ruleid: B608" in line}
    assert not flagged & {n + 1 for n, line in enumerate(lines, start=1) if "ok: B608" in line}
