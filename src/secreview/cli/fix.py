"""`secreview fix PATH... [--apply] [--dry-run] [--force]`: review, then show or write the verified fixes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from secreview.api import ReviewInterrupted, ReviewRequest, collect_units, run_review
from secreview.cli.review import EXIT_USAGE, exit_interrupted_early, report_gaps, warn
from secreview.config import ConfigError, load_settings
from secreview.fixes import apply, check
from secreview.models import Review

EXIT_ALL = 0
EXIT_SOME = 1
EXIT_NONE = 3


def exit_code(review: Review, fixed: int) -> int:
    """0: every finding fixed (or none found) and everything reviewed; 1: some fixed; 3: none fixed."""
    total = len(review.findings)
    if fixed == total and review.complete:
        return EXIT_ALL
    return EXIT_SOME if fixed else EXIT_NONE


@click.command("fix")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--apply", "write_files", is_flag=True, help="Write the verified fixes into the files.")
@click.option("--dry-run", is_flag=True, help="Only show the fixes as a diff (the default without --apply).")
@click.option("--force", is_flag=True, help="Also write files with uncommitted changes (a backup is kept).")
@click.option("--engine", type=click.Choice(["llm", "hybrid"]), help="Which engines review first [hybrid].")
@click.option("--model", help="Local model name or GGUF file; with --base-url, the remote model id.")
@click.option("--base-url", help="OpenAI-compatible endpoint (default: the embedded local model).")
@click.option("--max-tokens-total", type=click.IntRange(1), metavar="N", help="Model tokens for it all [no limit].")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="gitignore-style pattern to leave out.")
def fix_command(paths: tuple[str, ...], write_files: bool, dry_run: bool, force: bool, **options: Any) -> None:
    """Review PATHS and fix what is found: the model rewrites the lines of each defect and secreview keeps a
    fix only if the file still parses, the analyzers no longer report the defect and report nothing new.

    The fixes are printed as a unified diff (`git apply` reads it). With --apply they are written into the
    files, each atomically, and never over uncommitted changes (git can then undo them: `git checkout --
    FILE`) unless --force; a file outside git, or forced, is first copied to FILE.secreview-backup.

    Exit codes: 0 every finding got a verified fix (written, with --apply) and everything was reviewed, or
    there was nothing to fix; 1 some did; 2 usage or configuration error; 3 none did.
    """
    options["exclude"] = list(options["exclude"]) or None
    try:
        settings = load_settings(Path.cwd(), {**options, "fix": True})
        if settings.engine == "static":
            raise ConfigError("fixes need a model: engine hybrid or llm (set engine, or --engine)")
        request = ReviewRequest(paths=list(paths))
        units = collect_units(request, settings)
        try:
            if sys.stderr.isatty():
                with Console(stderr=True).status(f"Reviewing and fixing {request.describe()}..."):
                    review = run_review(request, settings)
            else:
                review = run_review(request, settings)
        except ReviewInterrupted as interrupted:
            review = interrupted.review
            warn("interrupted: fixes of what was finished are shown; nothing is written")
            write_files = False
        except KeyboardInterrupt:
            exit_interrupted_early()
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    report_gaps(review)
    outcomes = apply.apply_fixes(review.findings, units, write_files and not dry_run, force)
    fixed = 0
    for outcome in outcomes:
        unit = outcome.plan.unit
        if outcome.plan.applied:
            click.echo(check.unified_diff(unit, outcome.plan.text), nl=False)
        for finding in outcome.plan.overlapping:
            warn(f"{unit.path}:{finding.start_line}: its fix overlaps another one of the file; run fix again after")
        if outcome.refused:
            warn(f"not written: {unit.path}: {outcome.refused}")
            continue
        fixed += len(outcome.plan.applied)
        if outcome.written:
            undo = f"backup: {outcome.backup}" if outcome.backup else f"undo: git checkout -- {unit.path}"
            warn(f"fixed {unit.path} ({len(outcome.plan.applied)} finding(s); {undo})")
    warn(f"{fixed} of {len(review.findings)} finding(s) {'fixed' if write_files and not dry_run else 'have a fix'}")
    sys.exit(exit_code(review, fixed))
