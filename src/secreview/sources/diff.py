"""Units from a unified diff: the new side of each changed file, with its added lines under review.

Shared by `--diff REV` (git writes the diff) and `--patch FILE` (the user hands it over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from unidiff.patch import PatchedFile, PatchSet

from secreview.models import CodeUnit, LineRange, SkippedTarget
from secreview.sources.interface import SourceResult
from secreview.sources.languages import language_of
from secreview.sources.reading import UnreadableSourceError


def added_line_ranges(patched: PatchedFile) -> list[LineRange]:
    """The new-side line numbers of added lines, merged into ranges."""
    numbers = sorted(line.target_line_no for hunk in patched for line in hunk if line.is_added and line.target_line_no)
    ranges: list[LineRange] = []
    for number in numbers:
        if ranges and number == ranges[-1].end + 1:
            ranges[-1] = LineRange(start=ranges[-1].start, end=number)
        else:
            ranges.append(LineRange(start=number, end=number))
    return ranges


def _leaves_root(path: str) -> bool:
    """An absolute path, or one through '..': a diff must never lead the review to files outside the repository."""
    pure = PurePosixPath(path)
    return pure.is_absolute() or ".." in pure.parts


@dataclass(frozen=True)
class NewText:
    """The new side of a changed file, where it lies on disk (if it does), and a note for coverage."""

    text: str
    disk_path: Path | None = None
    note: str | None = None


NewTextLoader = Callable[[PatchedFile], NewText]


def units_from_patch(
    patch: PatchSet, load_new_text: NewTextLoader, languages: frozenset[str], commit_message: str | None
) -> SourceResult:
    result = SourceResult(commit_message=commit_message)
    for patched in patch:
        path = patched.path
        if patched.is_removed_file:
            continue
        if _leaves_root(path):
            result.skipped.append(SkippedTarget(target=path, reason="path leads outside the repository: not read"))
            continue
        if language_of(path) not in languages:
            result.out_of_scope += 1
            continue
        if patched.is_binary_file:
            result.skipped.append(SkippedTarget(target=path, reason="binary file in the diff"))
            continue
        ranges = added_line_ranges(patched)
        if not ranges:
            continue  # only deletions: nothing new to review
        try:
            new = load_new_text(patched)
        except UnreadableSourceError as error:
            result.skipped.append(SkippedTarget(target=path, reason=str(error)))
            continue
        if new.note:
            result.note(path, new.note)
        language = language_of(path, new.text) or ""
        result.units.append(
            CodeUnit(
                id=path,
                path=path,
                language=language,
                text=new.text,
                disk_path=new.disk_path,
                review_lines=ranges,
                commit_message=commit_message,
            )
        )
    return result
