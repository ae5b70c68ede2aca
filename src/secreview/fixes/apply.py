"""Putting verified fixes into files: several fixes of one file at once, and writing them safely.

Each fix was verified alone against the file as it was reviewed; fixes of one file whose lines overlap cannot
all be applied, so the first (in the review's order) wins and the others are left out, said so. A file is
written only if it is still what was reviewed (its sha256), through a temporary file renamed over it (never half
written), keeping its permissions. Never over uncommitted changes unless forced: in a git work tree a file
without uncommitted changes can be restored from git (`git checkout -- FILE`); otherwise (outside git, or
forced over changes) a copy is kept next to it first (FILE.secreview-backup)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from secreview.models import CodeUnit, Finding, Fix, source_lines

BACKUP_SUFFIX = ".secreview-backup"


@dataclass
class FilePlan:
    """The fixes of one file that can be applied together, the text they make, and those left out."""

    unit: CodeUnit
    applied: list[Finding] = field(default_factory=list)
    overlapping: list[Finding] = field(default_factory=list)
    text: str = ""


def plan(unit: CodeUnit, findings: Sequence[Finding]) -> FilePlan:
    """Apply the fixes of `findings` (those that have one) to the unit's text, bottom-up so line numbers hold."""
    out = FilePlan(unit)
    taken: list[Fix] = []
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        if any(fix.start_line <= other.end_line and other.start_line <= fix.end_line for other in taken):
            out.overlapping.append(finding)
            continue
        taken.append(fix)
        out.applied.append(finding)
    lines = source_lines(unit.text)
    for fix in sorted(taken, key=lambda f: f.start_line, reverse=True):
        lines[fix.start_line - 1 : fix.end_line] = source_lines(fix.replacement) if fix.replacement else []
    newline = "\r\n" if "\r\n" in unit.text else "\n"
    ending = newline if unit.text.endswith(("\n", "\r")) else ""
    out.text = newline.join(lines) + (ending if lines else "")
    return out


@dataclass
class FileOutcome:
    """What became of one file's fixes: the plan, and whether it was written (its backup) or why not."""

    plan: FilePlan
    written: bool = False
    backup: Path | None = None
    refused: str = ""


def apply_fixes(
    findings: Sequence[Finding], units: Sequence[CodeUnit], write_files: bool, force: bool = False
) -> list[FileOutcome]:
    """Plan each file's fixes and, with `write_files`, write the files whose plan changes them (see `write`);
    `units` are the files as read before the review, so a file changed since then is refused."""
    outcomes = []
    for unit in units:
        mine = [finding for finding in findings if finding.path == unit.path]
        outcome = FileOutcome(plan(unit, mine))
        if write_files and outcome.plan.applied:
            if unit.disk_path is None:
                outcome.refused = "it is not a file on disk"
            else:
                try:
                    outcome.backup = write(unit.disk_path, unit.sha256, outcome.plan.text, force)
                    outcome.written = True
                except (WriteRefusedError, OSError) as error:
                    outcome.refused = str(error)
        outcomes.append(outcome)
    return outcomes


class WriteRefusedError(Exception):
    """The file was not written; str(error) says why (changed since the review, uncommitted changes, I/O)."""


def _git_dirty(path: Path) -> bool | None:
    """True: git has uncommitted changes (or no commit) of the file; False: committed as it is; None: not in git."""
    git = shutil.which("git")
    if git is None:
        return None
    inside = subprocess.run(
        [git, "-C", str(path.parent), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True
    )
    if inside.returncode != 0:
        return None
    status = subprocess.run(
        [git, "-C", str(path.parent), "status", "--porcelain", "--", path.name], capture_output=True, text=True
    )
    return status.returncode != 0 or bool(status.stdout.strip())


def write(path: Path, expected_sha256: str, text: str, force: bool = False) -> Path | None:
    """Replace the file's content with `text`, atomically; the backup made, if one was (see the module's
    docstring). WriteRefusedError when the file changed since the review or has uncommitted changes (unless
    `force`)."""
    try:
        current = path.read_bytes()
    except OSError as error:
        raise WriteRefusedError(f"cannot read it: {error.strerror or error}") from None
    if hashlib.sha256(current.decode("utf-8", errors="replace").encode("utf-8")).hexdigest() != expected_sha256:
        raise WriteRefusedError("it changed since it was reviewed")
    dirty = _git_dirty(path)
    if dirty and not force:
        raise WriteRefusedError("it has uncommitted changes (commit or stash them, or --force)")
    backup = None
    if dirty is None or dirty:
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        shutil.copy2(path, backup)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, path.stat().st_mode & 0o7777)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return backup
