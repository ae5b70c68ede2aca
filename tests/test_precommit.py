"""The pre-commit hooks for real: pre-commit installs this project into its own environment and runs the
`secreview` hook on the staged changes of a fresh repository."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import SQL_INJECTION, clean_environment, git, make_git_repo

PROJECT_ROOT = Path(__file__).parent.parent
HOOKS = PROJECT_ROOT / ".pre-commit-hooks.yaml"
SAFE_FIND = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(cursor, name):\n"
    '    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))\n'
    "    return cursor.fetchall()\n"
)


def test_hooks_review_the_staged_changes_with_the_static_and_the_hybrid_engine():
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    assert hooks["secreview"]["entry"] == "secreview review --staged --engine static"
    assert hooks["secreview-llm"]["entry"] == "secreview review --staged --engine hybrid"
    assert "secreview model pull" in hooks["secreview-llm"]["description"]
    for hook in hooks.values():
        assert (hook["language"], hook["pass_filenames"]) == ("python", False)


def snapshot_of_the_project(folder: Path) -> Path:
    """The project as it is on disk (committed or not, untracked files included, ignored ones not) as a
    one-commit repository: `pre-commit try-repo` on the project itself would leave out untracked files."""
    try:
        listed = git(PROJECT_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the project is not a git work tree")
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    make_git_repo(folder)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "snapshot")
    return folder


@pytest.mark.slow
def test_pre_commit_hook_fails_on_a_staged_sql_injection_and_passes_a_safe_change(tmp_path: Path):
    hooks_repo = snapshot_of_the_project(tmp_path / "secreview")
    app = make_git_repo(tmp_path / "app")  # no commit yet
    env = {**clean_environment(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "secreview", "--verbose"],
            cwd=app,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,  # the first run pip-installs the project and its dependencies
        )

    (app / "db.py").write_text(SQL_INJECTION)
    git(app, "add", "db.py")
    unsafe = try_hook()
    assert unsafe.returncode == 1, unsafe.stdout + unsafe.stderr
    assert "secreview (static)" in unsafe.stdout
    assert "Failed" in unsafe.stdout
    assert "CWE-89" in unsafe.stdout

    (app / "db.py").write_text(SAFE_FIND)
    git(app, "add", "db.py")
    safe = try_hook()
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "Passed" in safe.stdout
