"""`secreview parse REVIEW... --code FILE`: read free-text reviews (an LLM's, a colleague's) into a review."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from secreview.api import parse_reviews
from secreview.cli.review import EXIT_USAGE, emit, warn
from secreview.config import ConfigError, load_settings
from secreview.reporters import REPORTERS


@click.command("parse")
@click.argument("review_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--code",
    "code",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The file the reviews are about.",
)
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), help="Report format [md].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--min-support", type=click.IntRange(1), metavar="K", help="Reviews that must state a finding to show it [1]."
)
def parse_command(
    review_files: tuple[Path, ...], code: Path, output_format: str | None, output: Path | None, min_support: int | None
) -> None:
    """Turn free-text reviews of one file into findings with CWEs and checked line ranges.

    Several reviews of the same code are reconciled like model samples: a defect more than one names is
    one finding with each review as evidence, and each finding shows how many of the reviews state it.
    """
    try:
        settings = load_settings(Path.cwd(), {"format": output_format, "output": output, "min_support": min_support})
        reviews = [(path.name, path.read_text(encoding="utf-8", errors="replace")) for path in review_files]
        review = parse_reviews(reviews, code, settings)
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    emit(REPORTERS[settings.format].render(review), settings)
