"""Turning bytes into reviewable text, with a clear reason when that is not possible."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_BINARY_SNIFF_BYTES = 8192
_SPECIAL_FILES = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a directory",
}


class UnreadableSourceError(Exception):
    """The file cannot be reviewed as text; str(error) is the one-line reason shown to the user."""


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise UnreadableSourceError(
            f"too large ({_megabytes(size)} > {_megabytes(max_bytes)} limit; raise max-file-size to review it)"
        )


def decode_source(data: bytes, max_bytes: int) -> str:
    """UTF-8 text of a source file (a BOM is dropped); raises UnreadableSourceError otherwise."""
    check_size(len(data), max_bytes)
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        raise UnreadableSourceError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSourceError(
            f"not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def _without_blocking(name: str, flags: int) -> int:
    """Open without waiting: opening a named pipe for reading would otherwise wait for a writer forever."""
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def is_inside(path: Path, folder: Path) -> bool:
    """Is path the folder or under it (both already resolved)? By parts: pathlib's `parents` walk costs
    seconds over a large tree."""
    return path.parts[: len(folder.parts)] == folder.parts


def relative_posix(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` with forward slashes ("." for the folder itself); None when it is not under it.
    Lexical, like `Path.relative_to`, at a fraction of its cost."""
    if not is_inside(path, folder):
        return None
    return Path(*path.parts[len(folder.parts) :]).as_posix()


def read_source(path: Path, max_bytes: int, within: Path | None = None) -> str:
    """Read a regular file from disk, checking its size before reading it. With `within`, a file whose real
    location (symbolic links followed) lies outside that folder is not read: a link in the reviewed tree must
    not carry the review, and the report with its quoted code, to files elsewhere on the machine."""
    try:
        if within is not None and not is_inside(Path(os.path.realpath(path)), Path(os.path.realpath(within))):
            raise UnreadableSourceError(f"a symbolic link leads outside {within}: not followed")
        with open(path, "rb", opener=_without_blocking) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = _SPECIAL_FILES.get(stat.S_IFMT(info.st_mode), "a special file")
                raise UnreadableSourceError(f"not a regular file ({kind})")
            check_size(info.st_size, max_bytes)
            return decode_source(handle.read(), max_bytes)
    except OSError as error:
        raise UnreadableSourceError(f"cannot read: {error.strerror or error}") from None
