"""Giving command-line tools files to read, and mapping the paths they report back to units."""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from secreview.models import CodeUnit

_MAX_ARGUMENT_CHARS = 100_000  # well under Linux's ARG_MAX, so long file lists are split instead


@contextmanager
def units_on_disk(units: Sequence[CodeUnit]) -> Iterator[dict[str, CodeUnit]]:
    """Resolved file path -> unit; units whose text is not on disk (git blobs, patches) or must be shown
    to tools dedented are written to a temporary directory under their own relative path, so tools see
    the right file names."""
    with tempfile.TemporaryDirectory(prefix="secreview-") as scratch:
        by_path: dict[str, CodeUnit] = {}
        for unit in units:
            text = _tool_text(unit)
            if unit.disk_path is not None and text == unit.text:
                path = unit.disk_path
            else:
                relative = PurePosixPath(unit.path.lstrip("/")).parts
                path = Path(scratch, *(part for part in relative if part not in ("..", ".")))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            by_path[str(path.resolve())] = unit
        yield by_path


def _tool_text(unit: CodeUnit) -> str:
    """What the tools read: a Python fragment indented as a whole (a method cut out of its class, a snippet
    from a patch) does not parse, so its common indentation is removed; every line keeps its number."""
    return textwrap.dedent(unit.text) if unit.language == "python" else unit.text


def resolved(path: str) -> str:
    return str(Path(path).resolve())


def argument_batches(paths: Sequence[str]) -> Iterator[list[str]]:
    """Split a file list into command lines that the OS accepts."""
    batch: list[str] = []
    size = 0
    for path in paths:
        if batch and size + len(path) + 1 > _MAX_ARGUMENT_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += len(path) + 1
    if batch:
        yield batch
