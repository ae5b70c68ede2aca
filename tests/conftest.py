"""Shared fixtures: copies of the sample project, real git repositories, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
from secreview.models import Review

DATA = Path(__file__).parent / "data"
SAMPLE_PROJECT = DATA / "project"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def clean_environment() -> dict[str, str]:
    """The caller's environment without SECREVIEW_* settings, so tests see the defaults."""
    return {key: value for key, value in os.environ.items() if not key.startswith("SECREVIEW_")}


def run_secreview(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None):
    """Run the real command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "secreview", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean_environment(), **(env or {})},
        timeout=300,
    )


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "dev@example.com")
    git(path, "config", "user.name", "Dev")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project (not a git repository)."""
    return Path(shutil.copytree(SAMPLE_PROJECT, tmp_path / "project"))


@pytest.fixture(scope="session")
def project_review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """One real static review of the sample project, shared by the tests that only read it."""
    root = Path(shutil.copytree(SAMPLE_PROJECT, tmp_path_factory.mktemp("shared") / "project"))
    return run_review(ReviewRequest(paths=[str(root)]), Settings(), start=root)
