"""Verified fixes (secreview.fixes): the checks with the real analyzers, real 1.5B answers replayed from the call
log, the wiring with the real SmolLM2 model, every report format, and `secreview fix` in real git repositories.

tests/data/fixes/recorded-1.5b.json holds calls the default model (Qwen2.5-Coder-1.5B) answered for
tests/data/fixes/app.py, in the call log's terms (request, answer, tokens); they are put into the test's call log
under the model's identity, so the fix stage gets the model's real answers without the 1.1 GB model. Re-record
them by running the fix stage on that file with the model and a fresh SECREVIEW_CACHE_DIR (the request must be
what the stage sends now), then exporting the log's calls in the same form."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest

from conftest import DATA, commit_all, git, make_git_repo, run_secreview, smollm2_env
from secreview.api import ReviewRequest, run_review, static_recheck
from secreview.backends.cached import CachedBackend
from secreview.backends.call_log import CallLog, call_key
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import ChatRequest, Completion
from secreview.config import Settings
from secreview.engines.budget import BudgetSpentError
from secreview.fixes import apply, check
from secreview.fixes.interface import Proposal, Rechecked
from secreview.fixes.model import ModelProposer, replacement_from
from secreview.fixes.stage import fix_findings
from secreview.models import CodeUnit, Coverage, Finding, LineRange, ModelCall, Review, UnitCoverage
from secreview.reporters import REPORTERS

FIXES = DATA / "fixes"
APP = (FIXES / "app.py").read_text()
FIXED_QUERY = '    query = "SELECT * FROM users WHERE name = %s"\n    cursor.execute(query, (name,))'


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[CodeUnit, list[Finding], Path]:
    """app.py and its static findings (SQL injection at 6-7, command injection at 12)."""
    root = tmp_path_factory.mktemp("fix-app")
    shutil.copy(FIXES / "app.py", root / "app.py")
    review = run_review(ReviewRequest(paths=[str(root / "app.py")]), Settings(engine="static"), start=root)
    unit = CodeUnit(id="app.py", path="app.py", language="python", text=APP)
    return unit, review.findings, root


def _recheck():  # the review's static engines, as api.run_review gives them to the fix stage
    return static_recheck([], Settings(engine="static"))


def _findings(unit: CodeUnit) -> list[Finding]:
    """The engines' judged findings on the unit, as the fix stage gets them."""
    (found,) = _recheck()([unit])
    assert found.problem is None
    return found.findings


def _verdict(unit: CodeUnit, finding: Finding, proposal: Proposal, before: list[Finding]) -> str | None:
    """Why the proposal is not a fix of `finding` (None: it is one), by every check the fix stage makes."""
    return check.problem(unit, proposal) or check.still_reported(
        finding, proposal, before, _findings(check.with_text(unit, check.patched(unit, proposal)))
    )


def test_versions_of_one_file_are_rechecked_together_each_on_its_own():
    unsafe = "import subprocess\n\n\ndef ping(host):\n    return subprocess.call('ping ' + host, shell=True)\n"
    safe = "import subprocess\n\n\ndef ping(host):\n    return subprocess.call(['ping', host])\n"
    unit = CodeUnit(id="p.py", path="src/p.py", language="python", text=unsafe)
    first, second, third = _recheck()([unit, check.with_text(unit, safe), unit])
    assert {(f.path, f.cwe, f.start_line) for f in first.findings} == {("src/p.py", 78, 5)}
    assert second.findings == [] and second.problem is None
    assert third.findings == first.findings


def test_the_checks_reject_what_is_not_a_fix_and_accept_a_real_one(reviewed):
    unit, findings, _ = reviewed
    sql = next(f for f in findings if f.cwe == 89)
    assert (sql.start_line, sql.end_line) == (6, 7)
    lines = check.region(unit, sql)
    assert lines == LineRange(start=6, end=7)
    before = _findings(unit)

    def problem(replacement: str) -> str | None:
        return _verdict(unit, sql, Proposal(lines, replacement), before)

    assert problem('    query = "SELECT * FROM users WHERE name = ?"\n    cursor.execute(query, (name,)') == (
        "the patched file does not parse: '(' was never closed (line 7)"
    )
    assert "silences the analyzers" in str(problem("    cursor.execute(query)  # nosec"))
    assert problem("    # fixed") == "it deletes the code instead of fixing it"
    assert problem("    rows = []") == "it removes the calls the lines made instead of fixing them"
    assert problem("    query = ''\n    cursor.execute(query)\n" + "    pass\n" * 9) == (
        "it adds 9 lines; a fix here should be a small edit"
    )
    still = problem("    query = \"SELECT * FROM users WHERE name = '%s'\" % name.strip()\n    cursor.execute(query)")
    assert str(still).startswith("the engines still report CWE-89 at line 6")
    assert problem(FIXED_QUERY) is None


def test_another_defect_beside_the_fixed_one_does_not_count_against_its_fix():
    text = (
        "def both(cursor, name, city):\n"
        "    cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
        "    named = cursor.fetchall()\n"
        "    print(len(named))\n"
        "    cursor.execute(\"SELECT * FROM users WHERE city = '%s'\" % city)\n"
    )
    unit = CodeUnit(id="both.py", path="both.py", language="python", text=text)
    before = _findings(unit)
    assert sorted(f.start_line for f in before if f.cwe == 89) == [2, 5]
    second = next(f for f in before if f.start_line == 5)
    fixed = Proposal(LineRange(start=5, end=5), '    cursor.execute("SELECT * FROM users WHERE city = %s", (city,))')
    assert _verdict(unit, second, fixed, before) is None  # line 2's query is a defect of its own
    unchanged = Proposal(
        LineRange(start=5, end=5), "    cursor.execute(\"SELECT * FROM users WHERE city = '%s'\" % city.strip())"
    )
    assert str(_verdict(unit, second, unchanged, before)).startswith("the engines still report CWE-89 at line 5")


def test_a_fix_must_keep_the_signature_every_return_and_what_later_lines_read():
    text = "def load(path):\n    data = open(path).read()\n    return eval(data)\n"
    unit = CodeUnit(id="m.py", path="m.py", language="python", text=text)
    code = Finding(path="m.py", start_line=3, end_line=3, cwe=95, title="eval", description="d", solution="s",
                   severity="high", confidence=0.9)  # fmt: skip
    lines = check.region(unit, code)
    assert lines == LineRange(start=2, end=3)  # what builds `data` too, never the def line
    assert check.problem(unit, Proposal(lines, "    data.strip()")) == "it drops a `return` statement the lines had"
    unset = Proposal(LineRange(start=2, end=2), "    open(path).close()")
    assert check.problem(unit, unset) == "it no longer sets `data`, which later lines use"
    unknown = Proposal(LineRange(start=2, end=2), "    data = pathlib.Path(path).read_text()")
    assert check.problem(unit, unknown) == ("it uses `pathlib`, which the file neither imports nor defines")
    plain = Proposal(LineRange(start=2, end=2), "    data = open(basename(path)).read()")
    assert check.problem(unit, plain) == "it uses `basename`, which the file neither imports nor defines"
    starred = CodeUnit(id="s.py", path="s.py", language="python", text="from os.path import *\n" + text)
    moved = Proposal(LineRange(start=3, end=3), "    data = open(basename(path)).read()")
    assert check.problem(starred, moved) is None
    signature = Proposal(LineRange(start=1, end=3), "def load(path, safe=True):\n    return open(path).read()")
    assert check.problem(unit, signature) == "it changes a function's signature or adds a function"


def test_the_region_takes_in_what_builds_the_query_but_not_what_makes_the_cursor():
    text = (
        "def record(db, winner, loser):\n"
        "    c = db.cursor()\n"
        "    statement = 'INSERT INTO matches VALUES ({w}, {l})'.format(w=winner, l=loser)\n"
        "    c.execute(statement)\n"
        "    c.execute(PREFIX.format(winner))\n"
    )
    unit = CodeUnit(id="m.py", path="m.py", language="python", text=text)
    sql = Finding(path="m.py", start_line=3, end_line=4, cwe=89, title="sql", description="d", solution="s",
                  severity="high", confidence=0.9)  # fmt: skip
    assert check.region(unit, sql) == LineRange(start=3, end=4)  # the query's line, not `c = db.cursor()`
    second = sql.model_copy(update={"start_line": 5, "end_line": 5})
    assert check.region(unit, second) == LineRange(start=5, end=5)


def test_a_standard_module_the_fix_uses_is_imported_with_it():
    text = "def greet(name):\n    page = '<p>%s</p>' % name\n    return page\n"
    unit = CodeUnit(id="g.py", path="g.py", language="python", text=text)
    escaped = Proposal(LineRange(start=2, end=2), "    page = '<p>%s</p>' % html.escape(name)")
    assert check.with_imports(unit, escaped).replacement == (
        "    import html\n    page = '<p>%s</p>' % html.escape(name)"
    )
    stamped = Proposal(LineRange(start=2, end=2), "    page = '<p>%s</p>' % datetime.now()")
    assert check.with_imports(unit, stamped) == stamped  # the module has no now(): the class has; not guessed
    unknown = Proposal(LineRange(start=2, end=2), "    page = '<p>%s</p>' % markupsafe.escape(name)")
    assert check.with_imports(unit, unknown) == unknown  # not the standard library's: the check will say so


def test_the_reviewed_code_s_invalid_escapes_print_no_warnings():
    """Python warns at compile time about `"\\."` in a normal string; that is the reviewed code's style, and the
    checks parse it many times: nothing reaches the user's terminal."""
    text = 'def find(path):\n    pattern = "\\.txt"\n    return open(path + pattern).read()\n'
    unit = CodeUnit(id="w.py", path="w.py", language="python", text=text)
    proposal = Proposal(LineRange(start=3, end=3), "    return open(os.path.basename(path) + pattern).read()")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert check.with_imports(unit, proposal).replacement.startswith("    import os\n")
        assert check.region(unit, _path_finding(3)) == LineRange(start=2, end=3)
    assert [w for w in caught if issubclass(w.category, SyntaxWarning)] == []


def _path_finding(line: int) -> Finding:
    return Finding(path="w.py", start_line=line, end_line=line, cwe=22, title="path", description="d",
                   solution="s", severity="high", confidence=0.9)  # fmt: skip


def test_a_c_fix_must_compile_where_the_original_did():
    text = (
        '#include "local.h"\n#include <string.h>\nvoid copy(char *dst, const char *src) {\n    strcpy(dst, src);\n}\n'
    )
    unit = CodeUnit(id="c.c", path="c.c", language="c", text=text)
    overflow = Finding(path="c.c", start_line=4, end_line=4, cwe=120, title="strcpy", description="d", solution="s",
                       severity="high", confidence=0.9)  # fmt: skip
    lines = check.region(unit, overflow)
    broken = Proposal(lines, "    strncpy(dst, src, 16)")  # the missing ';'
    assert str(check.problem(unit, broken)).startswith("the patched file does not compile: expected ';'")


def test_the_answer_is_read_the_way_small_models_write_it():
    original = ["        value = run(x)"]
    assert replacement_from("Here:\n```python\nvalue = run(x, safe=True)\n```\nDone.", original) == (
        "        value = run(x, safe=True)"
    )
    assert (
        replacement_from("   12 |     a = 1\n   13 |     b = 2\n", ["    a = 0", "    b = 0"]) == "    a = 1\n    b = 2"
    )
    assert replacement_from("```\n            deep()\n```", ["    top()"]) == "    deep()"


def _replaying(log: CallLog) -> CachedBackend:
    """The default model's recorded answers, under its identity; a request not recorded reaches a model file that
    is not there, and fails."""
    recorded = json.loads((FIXES / "recorded-1.5b.json").read_text())
    for call in recorded["calls"]:
        request = ChatRequest(**call["request"])
        completion = Completion(
            text=call["answer"],
            model=recorded["model"],
            prompt_tokens=call["prompt_tokens"],
            completion_tokens=call["completion_tokens"],
            latency_s=call["latency_s"],
            finish_reason=call["finish_reason"],
        )
        log.record(call_key(recorded["identity"], request), request, completion, backend="recorded", model="1.5b")
    missing = EmbeddedBackend(Path("/nonexistent/qwen2.5-coder-1.5b.gguf"), recorded["model"])
    return CachedBackend(missing, log, identity=recorded["identity"])


def test_real_answers_of_the_default_model_give_two_verified_fixes(reviewed, tmp_path: Path):
    unit, findings, _ = reviewed
    backend = _replaying(CallLog(tmp_path / "calls.sqlite"))
    proposer = ModelProposer(backend)
    recheck, runs = _recheck(), []

    def counted(units: Sequence[CodeUnit]) -> list[Rechecked]:
        runs.append(len(units))
        return recheck(units)

    outcome = fix_findings(findings[::-1], {unit.path: unit}, proposer, counted)  # fixed in file order,
    command, sql = outcome.findings  # reported in the order given
    assert sql.fix is not None and command.fix is not None
    assert (sql.fix.start_line, sql.fix.end_line, sql.fix.replacement) == (6, 7, FIXED_QUERY)
    assert sql.fix.diff.startswith("--- a/app.py\n+++ b/app.py\n@@ -3,8 +3,8 @@")
    assert "+    cursor.execute(query, (name,))\n" in sql.fix.diff
    # the list-form call no longer runs a shell; Bandit's partial-path check (B607, CWE-426) is off by default
    assert command.fix.replacement == '    return subprocess.run(["ping", "-c", "1", host], check=True)'
    (note,) = outcome.notes["app.py"]
    assert note == "fixes: 2 of 2 finding(s) got a verified fix (2 attempt(s))"
    assert [call.step for call in proposer.calls] == ["fix", "fix"]
    assert all(call.cached for call in proposer.calls)
    assert runs == [1, 2]  # the engines ran twice: on the file as it is, then on both proposals at once


@dataclass
class _Scripted:
    """Proposals from a list, then what ends the asking: a spent token budget or Ctrl-C (a real model is not
    made to do either on demand)."""

    answers: list[str]
    end: BaseException
    model: str = "scripted"
    calls: list[ModelCall] = field(default_factory=list)

    def propose(self, unit: CodeUnit, finding: Finding, lines: LineRange, rejected: object) -> Proposal:
        if not self.answers:
            raise self.end
        return Proposal(lines, self.answers.pop(0))


@pytest.mark.parametrize(
    ("end", "said"),
    [
        (
            BudgetSpentError("the token budget of 100 tokens is spent"),
            "not tried (the token budget of 100 tokens is spent)",
        ),
        (KeyboardInterrupt(), "interrupted"),
    ],
)
def test_fixes_verified_before_the_budget_ends_or_ctrl_c_are_kept_and_the_rest_said(reviewed, end, said):
    unit, findings, _ = reviewed
    outcome = fix_findings(findings, {unit.path: unit}, _Scripted([FIXED_QUERY], end), _recheck())
    sql, command = sorted(outcome.findings, key=lambda f: f.start_line)
    assert sql.fix is not None and command.fix is None
    assert outcome.notes["app.py"] == [
        f"fixes: 1 of 2 finding(s) got a verified fix (1 attempt(s)); line 12 CWE-78: {said}"
    ]


def fixed_review(reviewed, tmp_path: Path) -> Review:
    """A review of app.py whose SQL injection carries the 1.5B model's verified fix."""
    unit, findings, _ = reviewed
    sql = next(f for f in findings if f.cwe == 89)
    outcome = fix_findings([sql], {"app.py": unit}, ModelProposer(_replaying(CallLog(tmp_path / "c"))), _recheck())
    return Review(
        tool_version="0.1.0",
        target="app.py",
        findings=outcome.findings,
        verdict="1 security defect is detected in the code",
        complete=True,
        coverage=Coverage(units=[UnitCoverage(path="app.py", language="python", lines=12)]),
    )


def test_every_format_shows_the_fix(reviewed, tmp_path: Path):
    review = fixed_review(reviewed, tmp_path)
    (finding,) = review.findings
    assert finding.fix is not None
    markdown = REPORTERS["md"].render(review)
    assert "**Verified fix (lines 6-7; written by qwen2.5-coder-1.5b" in markdown
    assert "```diff\n--- a/app.py" in markdown
    page = REPORTERS["html"].render(review)
    assert '<tr class="add"><td>+    cursor.execute(query, (name,))</td></tr>' in page
    assert json.loads(REPORTERS["json"].render(review))["findings"][0]["fix"]["replacement"] == FIXED_QUERY
    sarif = json.loads(REPORTERS["sarif"].render(review))
    jsonschema.validate(sarif, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    (change,) = sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"]
    assert change == {
        "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
        "replacements": [{"deletedRegion": {"startLine": 6, "endLine": 7}, "insertedContent": {"text": FIXED_QUERY}}],
    }
    (comment,) = json.loads(REPORTERS["review-comments"].render(review))
    assert (comment["start_line"], comment["line"]) == (6, 7)
    assert comment["body"].endswith(f"```suggestion\n{FIXED_QUERY}\n```")


def test_a_suggestion_only_where_github_accepts_one(reviewed, tmp_path: Path):
    review = fixed_review(reviewed, tmp_path)
    review.coverage.units[0].review_lines = [LineRange(start=7, end=9)]  # the fix's line 6 is outside the diff
    (comment,) = json.loads(REPORTERS["review-comments"].render(review))
    assert (comment["line"], "suggestion" in comment["body"]) == (7, False)
    assert "```diff\n--- a/app.py" in comment["body"]


def test_applying_fixes_respects_git_and_keeps_a_way_back(reviewed, tmp_path: Path):
    review = fixed_review(reviewed, tmp_path)
    repo = make_git_repo(tmp_path / "repo")
    (repo / "app.py").write_text(APP)
    (repo / "app.py").chmod(0o750)
    commit_all(repo, "app")
    unit = CodeUnit(id="app.py", path="app.py", language="python", text=APP, disk_path=repo / "app.py")
    (outcome,) = apply.apply_fixes(review.findings, [unit], write_files=True)
    assert (outcome.written, outcome.backup) == (True, None)  # git holds the way back
    assert FIXED_QUERY in (repo / "app.py").read_text()
    assert (repo / "app.py").stat().st_mode & 0o777 == 0o750
    assert "cursor.execute(query, (name,))" in git(repo, "diff")
    assert sorted(path.name for path in repo.iterdir()) == [".git", "app.py"]
    # uncommitted changes: refused unless forced, and forced keeps a backup
    git(repo, "checkout", "--", "app.py")
    (repo / "app.py").write_text(APP + "# local edit\n")
    edited = CodeUnit(
        id="app.py", path="app.py", language="python", text=APP + "# local edit\n", disk_path=repo / "app.py"
    )
    (refused,) = apply.apply_fixes(review.findings, [edited], write_files=True)
    assert refused.refused.startswith("it has uncommitted changes")
    (forced,) = apply.apply_fixes(review.findings, [edited], write_files=True, force=True)
    assert forced.written and forced.backup == repo / "app.py.secreview-backup"
    assert forced.backup.read_text() == APP + "# local edit\n"
    # changed since the review: never written
    (stale,) = apply.apply_fixes(review.findings, [unit], write_files=True, force=True)
    assert stale.refused == "it changed since it was reviewed"


def test_a_file_outside_git_gets_a_backup(reviewed, tmp_path: Path):
    review = fixed_review(reviewed, tmp_path)
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    unit = CodeUnit(id="app.py", path="app.py", language="python", text=APP, disk_path=folder / "app.py")
    (outcome,) = apply.apply_fixes(review.findings, [unit], write_files=True)
    assert outcome.backup is not None and outcome.backup.read_text() == APP


@pytest.mark.parametrize("fix", [True, False])
def test_the_review_asks_the_real_model_for_fixes_unless_told_not_to(tmp_path: Path, fix: bool):
    """SmolLM2 writes no useful fix: what matters is the wiring (calls, notes, nothing unverified shown)."""
    shutil.copy(FIXES / "app.py", tmp_path / "app.py")
    # no model checks: SmolLM2 could judge every finding a false alarm, leaving nothing to fix
    args = [
        "review",
        "app.py",
        "--engine",
        "hybrid",
        "--verify",
        "off",
        "--format",
        "json",
        *([] if fix else ["--no-fix"]),
    ]
    done = run_secreview(*args, cwd=tmp_path, env=smollm2_env(SECREVIEW_FIX="true"), static=False)
    assert done.returncode in (0, 1, 3), done.stderr
    review = json.loads(done.stdout)
    steps = {call["step"] for call in review["model_calls"]}
    notes = [note for unit in review["coverage"]["units"] for note in unit["notes"] if note.startswith("fixes:")]
    if not fix:
        assert not notes and not steps & {"fix", "fix-retry"}
        return
    assert "fix" in steps
    (note,) = notes
    shown = sum(f["fix"] is not None for f in review["findings"])
    assert re.match(rf"fixes: {shown} of {len(review['findings'])} finding\(s\) got a verified fix", note), note
    for finding in review["findings"]:  # whatever is shown passed the checks
        if finding["fix"] is not None:
            patched = apply.plan(CodeUnit(id="a", path="app.py", language="python", text=APP), [Finding(**finding)])
            compile(patched.text, "app.py", "exec")


def test_secreview_fix_in_a_git_repo_leaves_the_file_alone_when_nothing_is_verified(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    shutil.copy(FIXES / "app.py", repo / "app.py")
    (repo / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    commit_all(repo, "app")
    env = smollm2_env(SECREVIEW_FIX="true")  # `secreview fix` turns fixes on anyway
    done = run_secreview("fix", "app.py", "--apply", cwd=repo, env=env, static=False)
    counted = re.search(r"(\d+) of (\d+) finding\(s\) fixed", done.stderr)
    assert counted is not None, done.stderr
    fixed, total = int(counted[1]), int(counted[2])
    assert done.returncode == (0 if fixed == total else 1 if fixed else 3), done.stderr
    if not fixed:
        assert git(repo, "status", "--porcelain") == ""
    clean = run_secreview("fix", "clean.py", cwd=repo, env=env, static=False)
    assert (clean.returncode, clean.stdout) == (0, ""), clean.stderr
    assert "0 of 0 finding(s) have a fix" in clean.stderr
    static = run_secreview("fix", "app.py", cwd=repo, env={**env, "SECREVIEW_ENGINE": "static"}, static=False)
    assert static.returncode == 2 and "fixes need a model" in static.stderr


def test_fix_settings_default_on_with_a_model_only():
    assert Settings().fixes_on and not Settings(engine="static").fixes_on
    assert not Settings(fix=False).fixes_on
