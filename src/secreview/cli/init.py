"""`secreview init`: add a commented `[tool.secreview]` section, every setting at its default, to ./pyproject.toml."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from secreview.cli.review import EXIT_USAGE, warn
from secreview.config import ConfigError
from secreview.config_template import add_settings_section, settings_section


@click.command("init")
@click.option("--print", "to_stdout", is_flag=True, help="Write the section to stdout instead of pyproject.toml.")
def init_command(to_stdout: bool) -> None:
    """Append the [tool.secreview] settings to ./pyproject.toml (created if missing).

    Each setting is written with its description and default, commented out, so nothing changes until a
    line is uncommented. An existing [tool.secreview] table is never touched: the command refuses (exit 2).
    """
    if to_stdout:
        click.echo(settings_section(), nl=False)
        return
    pyproject = Path("pyproject.toml")
    try:
        add_settings_section(pyproject)
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    click.echo(f"wrote the [tool.secreview] settings to {pyproject}: uncomment a line to change a default")
