"""The documented install path: `python -m build` makes a wheel that carries everything secreview reads at run
time (the Semgrep rules, the JSON schema), and the `secreview` it installs reviews code from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import clean_environment

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent


def source_copy(target: Path) -> Path:
    """The files a fresh clone has (tracked, or new and not ignored): no build leftovers, no virtualenv."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def test_the_built_wheel_carries_its_data_and_its_secreview_reviews(tmp_path: Path):
    source = source_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("secreview-*.whl")

    # A fresh virtualenv gets only the wheel (no dependencies: those are borrowed from this test's environment
    # through a .pth file, which adds the folder but none of its own .pth files, so not the editable checkout).
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )

    work = tmp_path / "work"
    work.mkdir()
    (work / "app.py").write_text("import os\n\n\ndef run(host):\n    os.system('ping ' + host)\n")
    env = {**clean_environment(), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    secreview = str(fresh / "bin" / "secreview")

    where = subprocess.run(
        [python, "-c", "import secreview.engines.rulebook as r; print(r.RULES_DIR); print(len(r.load_rules()))"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(fresh), where  # the installed copy, not the checkout
    assert int(where[1]) > 50
    done = subprocess.run(
        [secreview, "review", "app.py", "--engine", "static", "--format", "json"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    review = json.loads(done.stdout)
    assert review["coverage"]["units"][0]["reviewed_by"] == ["bandit", "semgrep", "flows"]
    assert {"bandit", "semgrep"} <= {e["engine"] for f in review["findings"] for e in f["evidence"]}
    assert review["findings"][0]["cwe"] == 78
    schema = subprocess.run(
        [
            python,
            "-c",
            "from importlib.resources import files; print(*(p.name for p in files('secreview.schemas').iterdir()))",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert any(name.startswith("review-") and name.endswith(".json") for name in schema.stdout.split())
    catalog = subprocess.run([secreview, "cwe", "95"], cwd=work, capture_output=True, text=True, env=env)
    assert "Eval Injection" in catalog.stdout, catalog.stderr
