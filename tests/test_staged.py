"""`--staged`: the changes `git diff --cached` shows, read from the index, in real git repositories."""

import json
from pathlib import Path

import pytest

from conftest import SQL_INJECTION, commit_all, git, make_git_repo, run_secreview
from secreview.sources.gitdiff import StagedSource
from secreview.sources.interface import TargetError

LANGUAGES = frozenset({"python", "c", "java"})
MB = 1_000_000
SAFE = "def add(a, b):\n    return a + b\n"


def staged(repo: Path):
    return StagedSource(repo, LANGUAGES, 2 * MB).collect()


def test_staged_files_before_the_first_commit_are_reviewed_whole(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "db.py").write_text(SQL_INJECTION)
    (repo / "notes.txt").write_text("not code\n")
    (repo / "untracked.py").write_text(SAFE)
    git(repo, "add", "db.py", "notes.txt")

    result = staged(repo)
    (unit,) = result.units
    assert (unit.path, unit.text, unit.commit_message) == ("db.py", SQL_INJECTION, None)
    assert [(r.start, r.end) for r in unit.review_lines or []] == [(1, 7)]
    assert result.out_of_scope == 1
    assert result.skipped == []


def test_the_index_is_reviewed_not_the_working_tree(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "mod.py").write_text(SAFE)
    (repo / "gone.py").write_text(SAFE)
    commit_all(repo, "start")
    staged_text = SAFE + "\n\ndef run(cmd):\n    eval(cmd)\n"
    (repo / "mod.py").write_text(staged_text)
    git(repo, "add", "mod.py")
    git(repo, "rm", "-q", "gone.py")
    (repo / "mod.py").write_text(staged_text + "\n\nUNSTAGED = 1\n")  # not part of the commit

    (unit,) = staged(repo).units
    assert unit.text == staged_text
    assert unit.disk_path is None
    assert [(r.start, r.end) for r in unit.review_lines or []] == [(3, 6)]


def test_nothing_staged_is_nothing_to_review_and_outside_git_is_an_error(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "mod.py").write_text(SAFE)
    commit_all(repo, "start")
    (repo / "mod.py").write_text(SQL_INJECTION)  # changed, not staged
    assert staged(repo).units == []

    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(TargetError, match=r"--staged: .* is not inside a git repository"):
        staged(outside)


@pytest.mark.slow
def test_cli_reviews_the_staged_change_and_names_one_thing(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "db.py").write_text(SQL_INJECTION)
    git(repo, "add", "db.py")

    done = run_secreview("review", "--staged", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stderr
    review = json.loads(done.stdout)
    assert review["target"] == "staged changes"
    assert {(f["path"], f["cwe"]) for f in review["findings"]} == {("db.py", 89)}

    both = run_secreview("review", "--staged", "db.py", cwd=repo)
    assert both.returncode == 2
    assert "--staged" in both.stderr
