from pathlib import Path

import pytest

from secreview.config import ConfigError, load_settings
from secreview.models import Severity


def write_pyproject(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text(f"[tool.secreview]\n{body}\n")


def test_defaults_without_any_configuration(tmp_path: Path):
    settings = load_settings(tmp_path, environ={})
    assert settings.fail_on is Severity.high
    assert settings.format == "md"
    assert settings.engine == "hybrid"


def test_pyproject_then_environment_then_command_line(tmp_path: Path):
    write_pyproject(tmp_path, 'fail-on = "low"\nformat = "json"\nexclude = ["tests/*"]\nmax-file-size = 10')
    nested = tmp_path / "pkg" / "sub"
    nested.mkdir(parents=True)

    from_file = load_settings(nested, environ={})
    assert (from_file.fail_on, from_file.format, from_file.exclude, from_file.max_file_size) == (
        Severity.low,
        "json",
        ["tests/*"],
        10,
    )

    environ = {"SECREVIEW_FAIL_ON": "medium", "SECREVIEW_EXCLUDE": "a/*, b/*"}
    from_env = load_settings(nested, environ=environ)
    assert from_env.fail_on is Severity.medium
    assert from_env.exclude == ["a/*", "b/*"]
    assert from_env.format == "json"

    from_cli = load_settings(nested, {"fail_on": "critical", "format": None}, environ=environ)
    assert from_cli.fail_on is Severity.critical
    assert from_cli.format == "json"  # None means the option was not given


def test_invalid_values_name_the_setting_and_its_origin(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"fail-on \(from the environment\)"):
        load_settings(tmp_path, environ={"SECREVIEW_FAIL_ON": "catastrophic"})
    write_pyproject(tmp_path, 'colour = "red"')
    with pytest.raises(ConfigError, match=r"colour \(from \[tool.secreview\] in .*pyproject.toml\)"):
        load_settings(tmp_path, environ={})


def test_broken_pyproject_is_a_configuration_error(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.secreview\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path, environ={})
