"""`secreview baseline create`: record today's findings so that `secreview review --baseline` reports only new ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from secreview import baseline
from secreview.api import ReviewRequest, run_review
from secreview.cli.review import EXIT_INCOMPLETE, EXIT_USAGE, USAGE_ERRORS, report_gaps, warn, write_atomically
from secreview.cli.terminal import ReviewProgress
from secreview.config import load_settings


@click.group("baseline")
def baseline_group() -> None:
    """Baselines: accepted findings, left out of later reviews by their fingerprint."""


@baseline_group.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--engine",
    type=click.Choice(["static", "llm", "hybrid"]),
    help="Which engines review [the engine setting, hybrid by default; static is the usual choice].",
)
@click.option("--exclude", multiple=True, metavar="PATTERN", help="gitignore-style pattern to leave out.")
def create_command(file: Path, paths: tuple[str, ...], engine: str | None, exclude: tuple[str, ...]) -> None:
    """Review PATHS (default: the current folder) and write the findings' fingerprints to FILE.

    The review follows the settings, like `secreview review`: with the default hybrid engine the model reads
    every routed function (minutes for a project on a laptop CPU). A static baseline (--engine static, seconds)
    is the usual choice: static findings are deterministic, so the baseline matches later reviews exactly.
    Suppression comments apply as in `secreview review`; a baseline in the settings does not (the new
    baseline records every finding). Exit codes: 0 written; 2 usage or configuration error; 3 written,
    but the review was incomplete (the findings of what was not reviewed are missing from it).
    """
    try:
        settings = load_settings(Path.cwd(), {"engine": engine, "exclude": list(exclude) or None})
        request = ReviewRequest(paths=list(paths) or ["."])
        # Say what is being done: the engine decides between seconds and minutes.
        slow = "" if settings.engine == "static" else " (the model reads the code: minutes; --engine static: seconds)"
        warn(f"reviewing {request.describe()} with the {settings.engine} engine for the baseline{slow}")
        with ReviewProgress() as progress:
            review = run_review(request, settings.model_copy(update={"baseline": None}), progress=progress.callback)
    except KeyboardInterrupt:  # also part-way: a baseline of part of the code would leave the rest unaccepted
        warn("interrupted: no baseline was written")
        sys.exit(EXIT_INCOMPLETE)
    except USAGE_ERRORS as error:
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
