"""Where a model's bytes are on this machine, and whether they are the right ones.

The model dir (the cache) and the site-packages folders the model's PyPI packages install into are only
looked at here, never written, except for the `<file>.sha256` marker: JSON with the hash and the file's size,
mtime_ns and inode, which lets later runs trust a gigabyte file without rehashing it until it changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import site
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import platformdirs

from secreview.backends.model_store.catalog import ModelSpec
from secreview.backends.model_store.errors import CorruptModelError

log = logging.getLogger(__name__)

MODEL_DIR_ENV = "SECREVIEW_MODEL_DIR"
CHUNK_BYTES = 8 * 1024 * 1024

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while a model is assembled, hashed or downloaded."""


def model_dir() -> Path:
    """Where models are cached: $SECREVIEW_MODEL_DIR, else the user's cache folder."""
    configured = os.environ.get(MODEL_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("secreview")) / "models"


def default_search_paths() -> list[Path]:
    """Folders where installed packages live: this interpreter's site-packages (user site included), sys.path."""
    candidates: list[str] = []
    for key in ("purelib", "platlib"):
        with contextlib.suppress(KeyError):
            candidates.append(sysconfig.get_paths()[key])
    with contextlib.suppress(AttributeError):
        candidates.extend(site.getsitepackages())
    with contextlib.suppress(AttributeError):
        candidates.append(site.getusersitepackages())
    candidates.extend(entry for entry in sys.path if entry)
    return [Path(entry) for entry in dict.fromkeys(candidates) if os.path.isdir(entry)]


def find_packaged_files(
    spec: ModelSpec, search_paths: Sequence[Path | str] | None = None
) -> tuple[list[Path], list[str]]:
    """The installed files of the model's packages in order, and the relative paths not found anywhere."""
    folders = default_search_paths() if search_paths is None else [Path(folder) for folder in search_paths]
    found: list[Path] = []
    missing: list[str] = []
    for relative in spec.packaged_files:
        location = next((folder / relative for folder in folders if (folder / relative).is_file()), None)
        if location is None:
            missing.append(relative)
        else:
            found.append(location)
    return found, missing


# --- hashing and the marker --------------------------------------------------------------------------------------


def read_chunks(paths: Iterable[Path]) -> Iterator[bytes]:
    for path in paths:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                yield chunk


def hash_chunks(
    chunks: Iterable[bytes],
    digest: hashlib._Hash,
    progress: Progress | None = None,
    total: int = 0,
    out: IO[bytes] | None = None,
) -> int:
    """Feed `chunks` to `digest` (and write them to `out`), reporting progress; the number of bytes."""
    done = 0
    for chunk in chunks:
        digest.update(chunk)
        if out is not None:
            out.write(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return done


def sha256_of(paths: Sequence[Path], progress: Progress | None = None) -> tuple[str, int]:
    """sha256 and byte count of the files' concatenation."""
    digest = hashlib.sha256()
    done = hash_chunks(read_chunks(paths), digest, progress, sum(path.stat().st_size for path in paths))
    return digest.hexdigest(), done


def mismatch(what: str, spec: ModelSpec, sha256: str, size: int) -> str:
    return f"{what} has sha256 {sha256} ({size} bytes), expected {spec.sha256} ({spec.size} bytes)"


def marker_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _fingerprint(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def write_marker(path: Path, sha256: str) -> None:
    """Record that `path`, as it is now, has this hash. Best effort: a read-only cache just rehashes later."""
    record = json.dumps({"sha256": sha256, **_fingerprint(path)})
    marker = marker_path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{marker.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(record + "\n")
            os.chmod(temporary, 0o644)
            os.replace(temporary, marker)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        log.debug("cannot write %s: %s", marker, error)


def recorded_sha256(path: Path) -> str | None:
    """The sha256 a marker recorded for `path` exactly as it is now (no hashing), else None."""
    try:
        record = json.loads(marker_path(path).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
            return None
        if {key: value for key, value in record.items() if key != "sha256"} == _fingerprint(path):
            return str(record["sha256"])
    except (OSError, ValueError):
        pass
    return None


def cached_model(spec: ModelSpec, cache_dir: Path | None = None, progress: Progress | None = None) -> Path | None:
    """The verified cached file, None when there is none; CorruptModelError when it is there but wrong.

    Unless its marker vouches for it, the file is checked (its size first, which is free) and then marked.
    """
    path = (cache_dir or model_dir()) / spec.file_name
    if not path.is_file():
        return None
    if recorded_sha256(path) == spec.sha256:
        return path
    size = path.stat().st_size
    if size != spec.size:
        raise CorruptModelError(
            f"{path} is not a good copy of {spec.name}: it has {size} bytes, expected {spec.size}. "
            f"Fix: {spec.pull_command} --force"
        )
    sha256, _ = sha256_of([path], progress)
    if sha256 != spec.sha256:
        raise CorruptModelError(f"{mismatch(str(path), spec, sha256, size)}. Fix: {spec.pull_command} --force")
    write_marker(path, spec.sha256)
    return path
