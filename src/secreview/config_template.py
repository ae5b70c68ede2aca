"""The commented `[tool.secreview]` section `secreview init` writes: generated from `Settings` itself (every
setting, its default, its description and its choices), so it cannot drift from the settings it documents."""

from __future__ import annotations

import json
import textwrap
import typing
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic.fields import FieldInfo

from secreview.config import ConfigError, Settings, secreview_table

# Written uncommented, with their defaults: the settings a project usually changes first.
SHOWN = ("fail_on", "exclude")
WIDTH = 100

HEADER = """\
[tool.secreview]
# secreview settings, written by `secreview init`. A commented line shows the default: uncomment it to
# change it. SECREVIEW_<NAME> environment variables override these, command-line options override both."""


def _toml(value: Any) -> str:
    """A default or example as a TOML value (JSON strings are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, Enum):
        value = value.value
    return json.dumps(str(value), ensure_ascii=False)


def _choices(annotation: Any) -> list[str]:
    """The values a Literal or Enum setting accepts (none for free-form ones)."""
    if typing.get_origin(annotation) is Literal:
        return [str(choice) for choice in typing.get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return []


def _entry(name: str, info: FieldInfo) -> list[str]:
    key = name.replace("_", "-")
    words = [info.description or ""]
    choices = _choices(info.annotation)
    if choices:
        words.append(f"One of: {', '.join(choices)}.")
    default = info.get_default(call_default_factory=True)
    if default is None:
        if not info.examples:
            raise ValueError(f"setting {name} defaults to None and has no example to show")
        words.append("Unset by default; for example:")
        value_line = f"# {key} = {_toml(info.examples[0])}"
    else:
        value_line = f"{'' if name in SHOWN else '# '}{key} = {_toml(default)}"
    comment = textwrap.wrap(" ".join(word for word in words if word), WIDTH - 2)
    return ["", *(f"# {line}" for line in comment), value_line]


def settings_section() -> str:
    """The whole section: loaded as it is it gives the defaults; with every line uncommented it still validates."""
    lines = [HEADER]
    for name, info in Settings.model_fields.items():
        lines += _entry(name, info)
    return "\n".join(lines) + "\n"


def add_settings_section(pyproject: Path) -> None:
    """Append the section to pyproject (created when missing); ConfigError if it already has a
    `[tool.secreview]` table or cannot be read: a user's settings are never overwritten or merged into."""
    existing = ""
    if pyproject.exists():
        if secreview_table(pyproject) is not None:
            raise ConfigError(f"{pyproject} already has a [tool.secreview] table: edit it there")
        existing = pyproject.read_text(encoding="utf-8")
    separator = "" if not existing else "\n" if existing.endswith("\n") else "\n\n"
    try:
        with pyproject.open("a", encoding="utf-8") as out:
            out.write(separator + settings_section())
    except OSError as error:
        raise ConfigError(f"cannot write {pyproject}: {error.strerror or error}") from None
