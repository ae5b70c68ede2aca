"""Files and directories named on the command line."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from secreview.models import CodeUnit, SkippedTarget
from secreview.sources.interface import SourceResult
from secreview.sources.languages import language_of
from secreview.sources.reading import UnreadableSourceError, read_source

# Never walked into when the directory is not a git work tree (git's own ignore rules apply otherwise).
_ALWAYS_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache"}
)


def display_path(path: Path, root: Path) -> str:
    """Path relative to the review root with forward slashes; absolute if it lies outside the root."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _git_listed_files(directory: Path) -> list[Path] | None:
    """Files git tracks or would track under directory (honours .gitignore); None outside a work tree."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(directory), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = [name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]
    return [directory / name for name in dict.fromkeys(names)]


def _walked_files(directory: Path) -> Iterator[Path]:
    """All files under a directory that is not in git, honouring a .gitignore at its top."""
    gitignore = directory / ".gitignore"
    ignored = pathspec.GitIgnoreSpec.from_lines(
        gitignore.read_text(errors="replace").splitlines() if gitignore.is_file() else []
    )
    for folder, subfolders, files in os.walk(directory):
        subfolders[:] = sorted(d for d in subfolders if d not in _ALWAYS_SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder) / name
            if not ignored.match_file(path.relative_to(directory).as_posix()):
                yield path


@dataclass
class PathSource:
    """Reviews whole files: each file named, and each source file found under each directory named."""

    paths: list[str]
    root: Path
    languages: frozenset[str]
    max_bytes: int
    exclude: list[str] = field(default_factory=list)

    def collect(self) -> SourceResult:
        result = SourceResult()
        excluded = pathspec.GitIgnoreSpec.from_lines(self.exclude)
        seen: set[str] = set()
        for name in self.paths:
            path = Path(name)
            if path.is_dir():
                files = _git_listed_files(path)
                for file in sorted(files) if files is not None else _walked_files(path):
                    shown = display_path(file, self.root)
                    if shown in seen or excluded.match_file(shown) or not file.is_file():
                        continue
                    if language_of(file) in self.languages:
                        seen.add(shown)
                        self._add_file(file, shown, result, named=False)
                    else:
                        result.out_of_scope += 1
            elif path.is_file():
                shown = display_path(path, self.root)
                if shown not in seen:
                    seen.add(shown)
                    self._add_file(path, shown, result, named=True)
            else:
                result.skipped.append(SkippedTarget(target=name, reason="no such file or directory"))
        return result

    def _add_file(self, path: Path, shown: str, result: SourceResult, named: bool) -> None:
        language = language_of(path)
        if language is None or language not in self.languages:
            supported = ", ".join(sorted(self.languages))
            what = f"language {language}" if language else "unknown language"
            reason = f"{what}: the selected engines review {supported}"
            result.skipped.append(SkippedTarget(target=shown, reason=reason))
            return
        try:
            text = read_source(path, self.max_bytes)
        except UnreadableSourceError as error:
            result.skipped.append(SkippedTarget(target=shown, reason=str(error)))
            return
        if named and not text.strip():
            result.note(shown, "empty file: nothing to review")
        result.units.append(CodeUnit(id=shown, path=shown, language=language, text=text, disk_path=path))
