"""`--patch FILE` or `--patch -`: a unified diff handed over by the user, applied or not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from secreview.models import SkippedTarget
from secreview.sources.diff import NewText, units_from_patch
from secreview.sources.interface import SourceResult
from secreview.sources.reading import UnreadableSourceError, check_size, read_source

HUNKS_ONLY_NOTE = "file not found locally or does not match the patch: reviewed the patch's hunks only"


def _matches(lines: list[str], patched: PatchedFile, side: str) -> bool:
    """Do the file's lines agree with the patch's source ('source') or new ('target') side?"""
    for hunk in patched:
        for line in hunk:
            if side == "target" and (line.is_removed or line.target_line_no is None):
                continue
            if side == "source" and (line.is_added or line.source_line_no is None):
                continue
            number = line.target_line_no if side == "target" else line.source_line_no
            if number is None or number > len(lines) or lines[number - 1] != line.value.rstrip("\r\n"):
                return False
    return True


def apply_patch(lines: list[str], patched: PatchedFile) -> list[str]:
    """The new side of a file from its old lines and the patch (the old side must match)."""
    new: list[str] = []
    position = 0  # 0-based index of the next old line not yet copied
    for hunk in patched:
        hunk_start = max(hunk.source_start - 1, 0)
        new.extend(lines[position:hunk_start])
        new.extend(line.value.rstrip("\r\n") for line in hunk if not line.is_removed)
        position = hunk_start + hunk.source_length
    new.extend(lines[position:])
    return new


def hunks_only(patched: PatchedFile, max_bytes: int) -> list[str]:
    """The new-side lines the patch shows, at their own line numbers, blank elsewhere. A hunk at line 10**9
    would need a gigabyte of blank lines: the size limit applies (one byte per line at least)."""
    shown: dict[int, str] = {
        line.target_line_no: line.value.rstrip("\r\n")
        for hunk in patched
        for line in hunk
        if line.target_line_no is not None and not line.is_removed
    }
    last = max(shown, default=0)
    check_size(last, max_bytes)
    return [shown.get(number, "") for number in range(1, last + 1)]


@dataclass
class PatchSource:
    patch_text: str
    label: str  # the file name, or "-" for standard input
    root: Path
    languages: frozenset[str]
    max_bytes: int

    def collect(self) -> SourceResult:
        target = f"--patch {self.label}"
        try:
            patch = PatchSet(self.patch_text)
        except UnidiffParseError as error:
            return SourceResult(skipped=[SkippedTarget(target=target, reason=f"malformed patch: {error}")])
        if not len(patch) and self.patch_text.strip():
            reason = "malformed patch: no file changes in unified diff format found"
            return SourceResult(skipped=[SkippedTarget(target=target, reason=reason)])
        return units_from_patch(patch, self._new_text, self.languages, commit_message=None)

    def _new_text(self, patched: PatchedFile) -> NewText:
        disk_path = self.root / patched.path
        try:
            text: str | None = read_source(disk_path, self.max_bytes, self.root)
        except UnreadableSourceError:
            if disk_path.exists():
                raise
            text = None
        lines = text.splitlines() if text is not None else None
        if text is not None and lines is not None and _matches(lines, patched, "target"):
            return NewText(text, disk_path)  # the patch is already applied
        if lines is not None and _matches(lines, patched, "source"):
            applied = apply_patch(lines, patched)
            if _matches(applied, patched, "target"):  # hunk headers can lie about where the new lines go
                return NewText("\n".join(applied) + "\n")
        if patched.is_added_file:
            return NewText("\n".join(hunks_only(patched, self.max_bytes)) + "\n")
        return NewText("\n".join(hunks_only(patched, self.max_bytes)) + "\n", note=HUNKS_ONLY_NOTE)
