"""`secreview bench`: score configurations side by side on a labelled dataset (see docs/bench.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from secreview.bench.dataset import DatasetError
from secreview.bench.interface import ReviewerError
from secreview.bench.report import write_reports
from secreview.bench.runner import ResumeError
from secreview.bench.suite import configurations, run_bench
from secreview.cli.review import EXIT_INCOMPLETE, EXIT_USAGE, warn
from secreview.cli.terminal import status_text
from secreview.config import ConfigError, load_settings
from secreview.engines.llm import STRATEGIES


@click.command("bench")
@click.argument("dataset_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--engine", "engines", multiple=True, type=click.Choice(["static", "llm", "hybrid"]), help="Repeatable.")
@click.option("--strategy", "strategies", multiple=True, type=click.Choice(STRATEGIES), help="Repeatable.")
@click.option("--model", "models", multiple=True, help="Repeatable: local model name or GGUF file, or remote id.")
@click.option("--base-url", help="OpenAI-compatible endpoint for the model configurations.")
@click.option("--limit", type=click.IntRange(min=1), help="Review a stratified sample of about N cases.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample (and of the model).")
@click.option("--repeats", type=click.IntRange(min=1), default=1, show_default=True, help="Runs per configuration.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Results folder [bench-results/NAME].")
def bench_command(
    dataset_dir: Path,
    engines: tuple[str, ...],
    strategies: tuple[str, ...],
    models: tuple[str, ...],
    base_url: str | None,
    limit: int | None,
    seed: int,
    repeats: int,
    out: Path | None,
) -> None:
    """Review every case of DATASET_DIR (cases.jsonl + files/) with Bandit (reference) and each configuration,
    score them, and write report.md, results.json and charts to --out. Engines x strategies x models make
    the configurations; run it again with the same --out to resume an interrupted run. The report also
    scores what earlier invocations finished in that folder (e.g. --engine hybrid beside --engine llm)."""
    try:
        base = load_settings(Path.cwd(), {"base_url": base_url, "seed": seed})
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    folder = out or Path("bench-results") / dataset_dir.resolve().name
    folder.mkdir(parents=True, exist_ok=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task("bench", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=status_text(name or "done"), completed=done, total=total)

        try:
            outcome = run_bench(
                dataset_dir,
                configurations(base, engines, strategies, models),
                folder,
                limit=limit,
                seed=seed,
                repeats=repeats,
                progress=progress,
            )
        except (DatasetError, ResumeError, ReviewerError, ConfigError) as error:
            bar.stop()
            warn(f"error: {error}")
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the engines have stopped; finished cases are on disk
            bar.stop()
            warn(f"interrupted: the cases finished are kept in {folder}; run the same command again to resume")
            sys.exit(EXIT_INCOMPLETE)
    outcome = write_reports(outcome, folder)
    click.echo((folder / "report.md").read_text(encoding="utf-8"), nl=False)
    warn(f"wrote {folder / 'report.md'}, {folder / 'results.json'} and {len(outcome.charts)} chart(s)")
