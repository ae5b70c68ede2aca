"""`secreview init`: the generated [tool.secreview] section, and the command that writes it."""

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import main
from secreview.config import Settings, load_settings
from secreview.config_template import settings_section

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

VALUE_LINE = re.compile(r"^# ([a-z][a-z-]*) = ", re.MULTILINE)


def test_the_section_loads_as_the_defaults(tmp_path: Path):
    section = settings_section()
    assert set(tomllib.loads(section)["tool"]["secreview"]) == {"fail-on", "exclude"}
    (tmp_path / "pyproject.toml").write_text(section)
    assert load_settings(tmp_path, environ={}) == Settings()


def test_every_setting_is_described_and_validates_uncommented(tmp_path: Path):
    section = settings_section()
    for name, info in Settings.model_fields.items():
        assert f"{name.replace('_', '-')} = " in section
        assert info.description, f"{name} has no description to write"
    uncommented = VALUE_LINE.sub(r"\1 = ", section)
    table = tomllib.loads(uncommented)["tool"]["secreview"]
    assert set(table) == {name.replace("_", "-") for name in Settings.model_fields}
    (tmp_path / "pyproject.toml").write_text(uncommented)
    settings = load_settings(tmp_path, environ={})
    assert (settings.base_url, settings.samples) == ("http://localhost:8080/v1", 1)  # an example, a default


def test_init_appends_once_and_then_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    project = '[project]\nname = "app"'  # no final newline: the section still starts on a line of its own
    (tmp_path / "pyproject.toml").write_text(project)
    runner = CliRunner()

    first = runner.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    written = (tmp_path / "pyproject.toml").read_text()
    assert written.startswith(project + "\n\n[tool.secreview]\n")
    assert tomllib.loads(written)["project"] == {"name": "app"}

    again = runner.invoke(main, ["init"])
    assert again.exit_code == 2
    assert "already has a [tool.secreview] table" in again.output
    assert (tmp_path / "pyproject.toml").read_text() == written


def test_init_creates_pyproject_and_print_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    printed = runner.invoke(main, ["init", "--print"])
    assert printed.exit_code == 0
    assert printed.output == settings_section()
    assert not (tmp_path / "pyproject.toml").exists()

    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "pyproject.toml").read_text() == settings_section()
