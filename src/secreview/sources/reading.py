"""Turning bytes into reviewable text, with a clear reason when that is not possible."""

from __future__ import annotations

from pathlib import Path

_BINARY_SNIFF_BYTES = 8192


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


def read_source(path: Path, max_bytes: int) -> str:
    """Read a file from disk, checking its size before reading it."""
    try:
        check_size(path.stat().st_size, max_bytes)
        return decode_source(path.read_bytes(), max_bytes)
    except OSError as error:
        raise UnreadableSourceError(f"cannot read: {error.strerror or error}") from None
