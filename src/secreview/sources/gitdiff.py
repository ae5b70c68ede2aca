"""`--diff REV`: the lines a git revision range changed, with its commit messages as context;
`--staged`: the lines `git diff --cached` adds, read from the index (what the next commit will hold)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unidiff.patch import PatchedFile, PatchSet

from secreview.models import SkippedTarget
from secreview.sources.diff import NewText, units_from_patch
from secreview.sources.interface import SourceResult, TargetError
from secreview.sources.reading import UnreadableSourceError, decode_source, read_source


class GitError(Exception):
    """A git command failed; str(error) is the reason to show."""


def git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def _verify_revision(toplevel: Path, revision: str) -> None:
    try:
        git(toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except GitError:
        raise TargetError(f"unknown git revision '{revision}'") from None


def git_toplevel(directory: Path) -> Path | None:
    try:
        return Path(git(directory, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        return None


def _split_range(rev: str) -> tuple[str, str | None]:
    """'A..B' or 'A...B' -> (A, B); a single revision is compared with the working tree -> (REV, None)."""
    for separator in ("...", ".."):
        if separator in rev:
            left, right = rev.split(separator, 1)
            return left or "HEAD", right or "HEAD"
    return rev, None


def _collect_in_work_tree(target: str, root: Path, collect: Callable[[Path], SourceResult]) -> SourceResult:
    """Run `collect` at the top of root's git work tree; any other git failure skips `target` with git's reason.
    TargetError outside a git repository and for an unknown revision: nothing there to review."""
    toplevel = git_toplevel(root)
    if toplevel is None:
        raise TargetError(f"{target}: {root} is not inside a git repository")
    try:
        return collect(toplevel)
    except GitError as error:
        return SourceResult(skipped=[SkippedTarget(target=target, reason=str(error))])


def _diff(toplevel: Path, *args: str) -> PatchSet:
    """`git diff ARGS` as a parsed patch, in the fixed form the parser expects whatever the user's git config."""
    diff = git(
        toplevel,
        "-c",
        "core.quotepath=off",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        *args,
        "--",
    )
    return PatchSet(diff.decode("utf-8", errors="replace"))


def _blob_text(toplevel: Path, spec: str, max_bytes: int) -> NewText:
    """The text of a blob git names `spec` (`REV:path`, or `:path` for the index), not the file on disk."""
    try:
        blob = git(toplevel, "show", spec)
    except GitError as error:
        raise UnreadableSourceError(str(error)) from None
    return NewText(decode_source(blob, max_bytes))


@dataclass
class GitDiffSource:
    rev: str
    root: Path
    languages: frozenset[str]
    max_bytes: int

    def collect(self) -> SourceResult:
        return _collect_in_work_tree(f"--diff {self.rev}", self.root, self._collect)

    def _collect(self, toplevel: Path) -> SourceResult:
        left, right = _split_range(self.rev)
        for revision in (left, right):
            if revision is not None:
                _verify_revision(toplevel, revision)
        patch = _diff(toplevel, self.rev)
        log_range = self.rev if right is not None else f"{left}..HEAD"
        messages = git(toplevel, "log", "--format=%B%x00", log_range, "--").decode(errors="replace")
        commit_message = "\n\n".join(m.strip() for m in messages.split("\0") if m.strip()) or None

        def load_new_text(patched: PatchedFile) -> NewText:
            if right is None:
                disk_path = toplevel / patched.path
                return NewText(read_source(disk_path, self.max_bytes, toplevel), disk_path)
            return _blob_text(toplevel, f"{right}:{patched.path}", self.max_bytes)

        return units_from_patch(patch, load_new_text, self.languages, commit_message)


@dataclass
class StagedSource:
    """What `git commit` would record now; no commit message exists yet. Works before the first commit
    (git then compares the index with the empty tree)."""

    root: Path
    languages: frozenset[str]
    max_bytes: int

    def collect(self) -> SourceResult:
        return _collect_in_work_tree("--staged", self.root, self._collect)

    def _collect(self, toplevel: Path) -> SourceResult:
        def load_new_text(patched: PatchedFile) -> NewText:
            return _blob_text(toplevel, f":{patched.path}", self.max_bytes)

        return units_from_patch(_diff(toplevel, "--cached"), load_new_text, self.languages, commit_message=None)
