"""The flow engine (engines/flows.py): candidates from parameters and wrappers across files, their flows, and
its two caches in a real call log (conftest's SECREVIEW_CACHE_DIR). Where each rule fires and where it must
not is in tests/rule_samples/python/flows*.py (tests/test_rules.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import commit_all, make_git_repo
from secreview.api import ReviewRequest, open_engines, run_review
from secreview.backends.call_log import CallLog
from secreview.config import Settings
from secreview.engines.flows import FlowEngine
from secreview.engines.interface import CANDIDATE_CONFIDENCE, Surroundings
from secreview.engines.rulebook import load_rules
from secreview.models import CodeUnit
from secreview.sources.context import PythonAround
from secreview.sources.interface import TargetError

WRAPPERS = """\
import subprocess


def run_cmd(command):
    return subprocess.check_output(command, shell=True)
"""
CALLER = """\
from tools.shell import run_cmd


def archive(folder):
    target = "/backups/" + folder.strip()
    return run_cmd(target)


def archive_fixed():
    return run_cmd("tar czf /backups/all.tgz /srv")
"""
FETCHER = "import requests\n\n\ndef fetch(address):\n    return requests.get(address, timeout=5)\n"
NOT_A_FETCHER = "def fetch(address):\n    return address.upper()\n"
PREVIEW = "from net import fetch\n\n\ndef preview(url):\n    return fetch(url)\n"


def units(**files: str) -> list[CodeUnit]:
    return [CodeUnit(id=path, path=path, language="python", text=text) for path, text in files.items()]


def test_a_call_of_a_wrapper_in_another_file_is_a_candidate_with_its_flow():
    result = FlowEngine().review(units(**{"tools/shell.py": WRAPPERS, "app/jobs.py": CALLER}))
    (finding,) = result.findings
    assert (finding.path, finding.start_line, finding.cwe, finding.kind) == ("app/jobs.py", 6, 78, "candidate")
    assert finding.evidence[0].rule_id == "python-flow-command-injection"
    assert "run_cmd()" in finding.description and "tools/shell.py:5" in finding.description
    assert [step.line for step in finding.flow] == [4, 5, 5, 6]  # the parameter, built, assigned, the call
    assert finding.flow[0].note == "parameter folder of archive()"
    assert finding.confidence == CANDIDATE_CONFIDENCE < min(rule.confidence for rule in load_rules())


def test_a_wrapper_name_defined_twice_is_ambiguous_and_not_followed():
    found = FlowEngine().review(units(**{"net.py": FETCHER, "app.py": PREVIEW})).findings
    assert sorted((f.path, f.start_line, f.cwe) for f in found) == [("app.py", 5, 918), ("net.py", 5, 918)]
    found = FlowEngine().review(units(**{"net.py": FETCHER, "other.py": NOT_A_FETCHER, "app.py": PREVIEW})).findings
    assert not [finding for finding in found if finding.path == "app.py"]


def test_code_that_does_not_parse_is_skipped_and_says_why():
    result = FlowEngine().review(units(**{"py2.py": "print 'hello'\n", "cut.py": "def f(x):\n    return open(\n"}))
    assert not result.findings and set(result.skipped) == {"py2.py", "cut.py"}
    assert result.skipped["cut.py"].startswith("Python cannot parse it: '(' was never closed (line 2)")


def test_a_warm_run_reuses_summaries_and_candidates_and_a_changed_wrapper_is_followed(tmp_path: Path):
    files = {"net.py": FETCHER, "app.py": PREVIEW}
    log = CallLog(tmp_path / "calls.sqlite")
    first = FlowEngine(log).review(units(**files)).findings
    assert log.stats()["static_results"] == 4  # a summary and a result per file
    again = FlowEngine(log).review(units(**files)).findings
    assert again == first and log.stats()["static_hits"] == 4

    # the wrapper no longer sends a request: its caller's stored candidate no longer counts
    files["net.py"] = NOT_A_FETCHER
    assert not FlowEngine(log).review(units(**files)).findings
    with sqlite3.connect(log.path) as db:
        engines = sorted(row[0] for row in db.execute("SELECT DISTINCT engine FROM static_results"))
    assert engines == ["flows", "flows-summaries"]
    log.close()


def test_a_static_review_reports_candidates_beside_bandit_and_semgrep(tmp_path: Path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "shell.py").write_text(WRAPPERS)
    (tmp_path / "jobs.py").write_text(CALLER)
    with open_engines(Settings(engine="static")) as pipeline:
        assert [engine.name for engine in pipeline.engines][-1] == "flows"
        review = run_review(
            ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path, pipeline=pipeline
        )
    # no model checked it: a candidate to check, not a defect
    assert [(f.path, f.start_line, f.cwe, f.kind) for f in review.candidates] == [("jobs.py", 6, 78, "candidate")]
    assert not [f for f in review.findings if f.kind == "candidate"]
    assert all(unit.reviewed_by == ["bandit", "semgrep", "flows"] for unit in review.coverage.units)


def test_the_files_around_the_units_lend_their_wrappers_and_are_not_reviewed():
    around = Surroundings(defining=lambda names: units(**{"net.py": FETCHER}))
    result = FlowEngine().review(units(**{"app.py": PREVIEW}), surroundings=around)
    assert [(f.path, f.start_line, f.cwe) for f in result.findings] == [("app.py", 5, 918)]
    assert "net.py:5" in result.findings[0].description


def test_separate_units_do_not_lend_each_other_their_wrappers():
    """A benchmark's cases are separate programs: one case's function does not make a sink in another."""
    cases = units(**{"case_1.py": FETCHER, "case_2.py": PREVIEW})
    assert [f.path for f in FlowEngine().review(cases).findings] == ["case_1.py", "case_2.py"]
    assert [f.path for f in FlowEngine().review(cases, surroundings=Surroundings(separate=True)).findings] == [
        "case_1.py"
    ]


def test_a_review_of_a_change_follows_wrappers_in_the_files_it_did_not_change(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "net.py").write_text(FETCHER)
    commit_all(repo, "the project's request helper")
    (repo / "app.py").write_text(PREVIEW)
    commit_all(repo, "a preview that calls it")
    settings = Settings(engine="static")
    review = run_review(ReviewRequest(diff="HEAD~1..HEAD"), settings, start=repo)
    assert [(f.path, f.start_line, f.cwe) for f in review.candidates] == [("app.py", 5, 918)]
    assert [unit.path for unit in review.coverage.units] == ["app.py"]  # the helper was read, not reviewed
    # without the repository around it, the call is not known to be a request
    alone = run_review(ReviewRequest(diff="HEAD~1..HEAD", context=[]), settings, start=repo)
    assert not alone.candidates


READER = """\
class Form:
    def __init__(self, request):
        self.request = request

    def get_value(self, name):
        return self.request.args.get(name)
"""
LOOKUP = """\
import sqlite3

from flask import request
from helpers import Form


def lookup():
    name = Form(request).get_value("name")
    return sqlite3.connect("app.db").execute("SELECT * FROM users WHERE name = '%s'" % name).fetchall()
"""


def test_request_data_a_helper_module_returns_is_followed_to_a_sink():
    around = Surroundings(defining=lambda names: units(**{"helpers.py": READER}))
    (finding,) = FlowEngine().review(units(**{"views.py": LOOKUP}), surroundings=around).findings
    assert (finding.path, finding.start_line, finding.cwe, finding.kind) == ("views.py", 9, 89, "candidate")
    assert finding.flow[0].note == "Form(request).get_value() returns request data (helpers.py:5)"
    assert "request data that a project helper returned" in finding.description
    # without the helper module, nothing says the value is request data (and Semgrep's rules do not know it)
    assert not FlowEngine().review(units(**{"views.py": LOOKUP})).findings


CHECKER = """import os


def contained(root, name):
    path = os.path.realpath(os.path.join(root, name))
    if not path.startswith(os.path.realpath(root) + os.sep):
        raise ValueError(name)
    return path
"""
RESTORE = """import os
import tarfile

from paths import contained


def restore(archive, dest):
    bundle = tarfile.open(archive)
    for member in bundle.getmembers():
        set_mode(contained(dest, member.name), member.mode)


def set_mode(path, mode):
    os.chmod(path, mode)
"""


def test_what_a_helper_module_answers_checked_is_checked_where_it_is_called(tmp_path: Path):
    around = Surroundings(defining=lambda names: units(**{"paths.py": CHECKER}))
    assert not FlowEngine().review(units(**{"restore.py": RESTORE}), surroundings=around).findings
    # the helper's summary says so when it comes back from the call log too
    log = CallLog(tmp_path / "calls.sqlite")
    for _ in range(2):
        assert not FlowEngine(log).review(units(**{"restore.py": RESTORE}), surroundings=around).findings
    # the two files' summaries and the reviewed file's candidates, whose key names every summary: a checker lost
    # on the way back would change it and find the candidate again
    assert log.stats()["static_hits"] == 3
    log.close()
    # without the helper module, its answer is the caller's value passed on, given to a wrapper of chmod
    (finding,) = FlowEngine().review(units(**{"restore.py": RESTORE})).findings
    assert (finding.start_line, finding.cwe, finding.kind) == (10, 22, "candidate")


def test_the_files_around_are_those_of_the_work_tree_that_define_a_called_name(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "vendor").mkdir()
    for name in ("net.py", "other.py", "vendor/net2.py"):
        (repo / name).write_text(FETCHER if name != "other.py" else NOT_A_FETCHER)
    (repo / "app.py").write_text(PREVIEW)
    commit_all(repo, "files")
    (repo / "untracked.py").write_text(FETCHER)
    reviewed = [CodeUnit(id="app.py", path="app.py", language="python", text=PREVIEW)]
    around = PythonAround(None, repo, reviewed, 1_000_000, exclude=["vendor/"])
    assert [unit.path for unit in around.defining(frozenset({"fetch", "preview"}))] == [
        "net.py",
        "other.py",
        "untracked.py",
    ]
    assert around.defining(frozenset({"nothing_defines_this"})) == []
    with pytest.raises(TargetError, match="no-such-dir: no such file or directory"):
        run_review(ReviewRequest(paths=[str(repo)], context=["no-such-dir"]), Settings(engine="static"), start=repo)


def test_files_reviewed_from_outside_the_repository_get_none_of_its_files_around_them(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "net.py").write_text(FETCHER)
    commit_all(repo, "a request helper")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "app.py").write_text(PREVIEW)
    review = run_review(ReviewRequest(paths=[str(elsewhere / "app.py")]), Settings(engine="static"), start=repo)
    assert not review.candidates  # the repository the review started in is not the reviewed file's project
    named = ReviewRequest(paths=[str(elsewhere / "app.py")], context=[str(repo / "net.py")])
    assert run_review(named, Settings(engine="static"), start=repo).candidates  # the helper, when named, is read
