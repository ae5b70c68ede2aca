"""`secreview baseline create`: record today's findings so that `secreview review --baseline` reports only new ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from secreview import baseline
from secreview.api import ReviewRequest, run_review
from secreview.cli.review import EXIT_USAGE, report_gaps, warn, write_atomically
from secreview.config import ConfigError, load_settings

EXIT_INCOMPLETE = 3


@click.group("baseline")
def baseline_group() -> None:
    """Baselines: accepted findings, left out of later reviews by their fingerprint."""


@baseline_group.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--engine", type=click.Choice(["static", "llm", "hybrid"]), help="Which engines review [hybrid].")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="gitignore-style pattern to leave out.")
def create_command(file: Path, paths: tuple[str, ...], engine: str | None, exclude: tuple[str, ...]) -> None:
    """Review PATHS (default: the current folder) and write the findings' fingerprints to FILE.

    Suppression comments apply as in `secreview review`; a baseline in the settings does not (the new
    baseline records every finding). Exit codes: 0 written; 2 usage or configuration error; 3 written,
    but the review was incomplete (the findings of what was not reviewed are missing from it).
    """
    try:
        settings = load_settings(Path.cwd(), {"engine": engine, "exclude": list(exclude) or None})
        review = run_review(ReviewRequest(paths=list(paths) or ["."]), settings.model_copy(update={"baseline": None}))
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    report_gaps(review)
    try:
        write_atomically(file, baseline.render(review))
    except OSError as error:
        warn(f"error: cannot write {file}: {error.strerror or error}")
        sys.exit(EXIT_USAGE)
    files = len({finding.path for finding in review.findings})
    incomplete = "" if review.complete else "; the review was incomplete (see above)"
    click.echo(
        f"secreview: wrote {file}: {len(review.findings)} finding(s) in {files} of "
        f"{len(review.coverage.units)} file(s) reviewed{incomplete}"
    )
    sys.exit(0 if review.complete else EXIT_INCOMPLETE)
