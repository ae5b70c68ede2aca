"""scripts/install-chromium (run by `scripts/setup test`) installs only what is missing and never upgrades what is
installed; `scripts/test --quick` selects tests that need no browser and no model."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
INSTALL = ROOT / "scripts" / "install-chromium"
NEW_ONLY = "Inst libfoo (1.0 Debian:12 [amd64])\nInst chromium (156 Debian:12 [amd64])\n"
WITH_UPGRADE = "Inst libc6 [2.36-9] (2.36-10 Debian:12 [amd64])\n" + NEW_ONLY


def fake_system(folder: Path, simulated: str, user: int = 0) -> Path:
    """A PATH of the few real tools the script needs, plus a fake `id` and an `apt-get` that logs its arguments
    and answers a simulation with `simulated`; no chromium on it."""
    folder.mkdir()
    for tool in ("bash", "awk", "tr", "cat", "env"):
        (folder / tool).symlink_to(shutil.which(tool) or tool)
    (folder / "id").write_text(f"#!/bin/bash\necho {user}\n")
    (folder / "apt-get").write_text(
        f'#!/bin/bash\necho "$*" >> {folder}/apt.log\ncase "$*" in *--simulate*) cat <<"END"\n{simulated}END\n;; esac\n'
    )
    for script in ("id", "apt-get"):
        (folder / script).chmod(0o755)
    return folder


def install(folder: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [str(folder / "bash"), str(INSTALL)], capture_output=True, text=True, env={"PATH": str(folder)}, timeout=60
    )
    log = folder / "apt.log"
    return done, log.read_text().splitlines() if log.exists() else []


def test_chromium_is_installed_alone_and_said_so_first(tmp_path: Path):
    done, calls = install(fake_system(tmp_path / "bin", NEW_ONLY))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("scripts/setup: installing Chromium with apt-get for the browser test")
    assert calls == [
        "update -qq",
        "install --simulate --no-install-recommends chromium",
        "install -y -qq --no-install-recommends --no-upgrade chromium",
    ]


def test_nothing_is_installed_when_apt_would_upgrade_an_installed_package(tmp_path: Path):
    done, calls = install(fake_system(tmp_path / "bin", WITH_UPGRADE))
    assert done.returncode == 0, done.stderr
    assert "not installing Chromium: apt would upgrade installed packages (libc6)" in done.stderr
    assert not any(call.startswith("install -y") for call in calls)


def test_without_root_it_only_says_how(tmp_path: Path):
    done, calls = install(fake_system(tmp_path / "bin", NEW_ONLY, user=1000))
    assert (done.returncode, calls) == (0, [])
    assert done.stderr.startswith("hint: install Chromium")


def collected(*marker: str) -> set[str]:
    """The ids of the tests pytest selects with `-m MARKER`."""
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *marker],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    return {line for line in listed.splitlines() if "::" in line}


@pytest.mark.slow
def test_the_quick_subset_leaves_out_the_browser_and_the_model():
    quick = collected("-m", "not slow and not model and not browser")
    model = collected("-m", "model")
    assert len(quick) > 100
    assert "tests/test_model_store.py::test_the_real_smollm2_package_resolves_and_verifies" in model
    assert "tests/test_backends.py::test_embedded_llama_cpp_answers_and_follows_a_json_schema" in model
    assert not quick & model
    assert not [test for test in quick if "real_browser" in test]
