"""Files and directories named on the command line."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from secreview.models import CodeUnit, SkippedTarget
from secreview.sources.interface import SourceResult, TargetError
from secreview.sources.languages import language_of
from secreview.sources.reading import UnreadableSourceError, is_inside, read_source, relative_posix

# Never walked into when the directory is not a git work tree (git's own ignore rules apply otherwise).
_ALWAYS_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache"}
)


def located(path: Path) -> Path:
    """Where a file is: absolute, its folders' links resolved, but not its own (a link's target is not where the
    file is, and a link loop has none)."""
    absolute = Path(os.path.abspath(path))
    return Path(os.path.realpath(absolute.parent)) / absolute.name


def display_path(path: Path, root: Path) -> str:
    """Path relative to the review root with forward slashes; absolute if it lies outside the root."""
    where = located(path)
    return relative_posix(where, root.resolve()) or where.as_posix()


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
            if not ignored.match_file(relative_posix(path, directory) or path.as_posix()):
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
        """The units of every path named; TargetError when one does not exist (a typo, not a gap to report)."""
        result = SourceResult()
        excluded = pathspec.GitIgnoreSpec.from_lines(self.exclude)
        seen: set[str] = set()
        for name in self.paths:
            path = Path(name)
            if path.is_dir():
                within = self._boundary(path.resolve())
                files = _git_listed_files(path)
                for file in sorted(files) if files is not None else _walked_files(path):
                    shown = display_path(file, self.root)
                    # Links, loops and pipes go on to reading, which says why they are not reviewed.
                    if shown in seen or excluded.match_file(shown) or file.is_dir() or not os.path.lexists(file):
                        continue
                    if language_of(file) in self.languages:
                        seen.add(shown)
                        self._add_file(file, shown, result, named=False, within=within)
                    else:
                        result.out_of_scope += 1
            elif os.path.lexists(path):  # a file, or a link, pipe... that reading turns down with a reason
                shown = display_path(path, self.root)
                within = self._boundary(located(path).parent)
                if shown not in seen:
                    seen.add(shown)
                    if within != self.root.resolve():
                        result.note(shown, f"outside the repository under review ({self.root}): reviewed as named")
                    self._add_file(path, shown, result, named=True, within=within)
            else:
                raise TargetError(f"{name}: no such file or directory")
        return result

    def _boundary(self, folder: Path) -> Path:
        """What files found from a named folder may be read from: the review root, or for a folder named outside
        it, that folder (what the user named is reviewed; a link inside it is not followed any further out)."""
        root = self.root.resolve()
        return root if is_inside(folder, root) else folder

    def _add_file(self, path: Path, shown: str, result: SourceResult, named: bool, within: Path) -> None:
        language = language_of(path)
        if language is None or language not in self.languages:
            supported = ", ".join(sorted(self.languages))
            what = f"language {language}" if language else "unknown language"
            reason = f"{what}: the selected engines review {supported}"
            result.skipped.append(SkippedTarget(target=shown, reason=reason))
            return
        try:
            text = read_source(path, self.max_bytes, within)
        except UnreadableSourceError as error:
            result.skipped.append(SkippedTarget(target=shown, reason=str(error)))
            return
        if named and not text.strip():
            result.note(shown, "empty file: nothing to review")
        language = language_of(path, text) or language
        result.units.append(CodeUnit(id=shown, path=shown, language=language, text=text, disk_path=path))
