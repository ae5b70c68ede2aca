"""`secreview review`: collect options, run the review, print or write the report, exit with its code."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import click

from secreview.api import ReviewInterrupted, ReviewRequest, run_review
from secreview.cli.terminal import ReviewProgress, print_markdown
from secreview.config import ConfigError, Settings, load_settings
from secreview.engines.budget import BUDGET_REASON_PREFIX, PER_UNIT
from secreview.engines.llm import STRATEGIES
from secreview.models import Review, Severity
from secreview.reporters import REPORTERS
from secreview.sources.interface import TargetError

EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
# Errors in what the user asked for (a setting, a path, a revision): exit 2 with one line, nothing reviewed.
USAGE_ERRORS = (ConfigError, TargetError)


def warn(text: str) -> None:
    click.echo(f"secreview: {text}", err=True)


MAX_GAP_LINES = 50  # past this, stderr counts the rest: the report's coverage lists every one


def report_gaps(review: Review) -> None:
    """One line on stderr for each thing not reviewed, so a user never mistakes a gap for 'clean' (at most
    MAX_GAP_LINES, then how many more: an interrupted review of a large repository skips thousands)."""
    lines = [f"not reviewed: {skip.target}: {skip.reason}" for skip in review.coverage.skipped]
    for unit in review.coverage.units:
        lines += [f"{engine} skipped {unit.path}: {reason}" for engine, reason in unit.skipped_by.items()]
        lines += [f"note: {unit.path}: {note}" for note in unit.notes]
    for line in lines[:MAX_GAP_LINES]:
        warn(line)
    if len(lines) > MAX_GAP_LINES:
        warn(f"... and {len(lines) - MAX_GAP_LINES} more gaps and notes: see the report's coverage")


def _report_budget(review: Review, settings: Settings) -> None:
    """One line on stderr when a token budget ran out: how many units the model did not (fully) review."""
    reasons = [
        reason
        for unit in review.coverage.units
        for reason in unit.skipped_by.values()
        if reason.startswith(BUDGET_REASON_PREFIX)
    ]
    if not reasons:
        return
    per_unit = sum(PER_UNIT in reason for reason in reasons)
    total = len(reasons) - per_unit
    if total:
        used = sum(call.prompt_tokens + call.completion_tokens for call in review.model_calls if not call.cached)
        warn(
            f"the token budget of {settings.max_tokens_total} ran out ({used} used): "
            f"{total} of {len(review.coverage.units)} file(s) not reviewed by the model"
        )
    if per_unit:
        warn(
            f"{per_unit} file(s) reached the token budget of {settings.max_tokens_unit} per unit "
            "and were not fully reviewed by the model"
        )


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a failure never leaves half a report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp makes it owner-only; a report is as open as any new file
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def emit(text: str, settings: Settings) -> None:
    """The report to -o FILE (atomically), rendered on a terminal, or plain to a pipe."""
    if settings.output is not None:
        try:
            write_atomically(settings.output, text)
        except OSError as error:
            warn(f"error: cannot write {settings.output}: {error.strerror or error}")
            sys.exit(EXIT_USAGE)
    elif settings.format == "md" and sys.stdout.isatty():
        print_markdown(text)
    else:
        try:
            click.echo(text, nl=False)
        except OSError as error:  # stdout redirected to a full disk, or a closed pipe
            warn(f"error: cannot write the report to standard output: {error.strerror or error}")
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at exit
            sys.exit(EXIT_USAGE)


def exit_interrupted_early() -> NoReturn:
    """A Ctrl-C before the engines ran (while the model loads or the analyzers start) leaves nothing to report;
    the review is incomplete, not failed (click would say 'Aborted!' and exit 1, as for findings)."""
    warn("interrupted before the review began: nothing was reviewed and no report was written")
    sys.exit(EXIT_INCOMPLETE)


def _read_patch(patch: str) -> str:
    try:
        data = sys.stdin.buffer.read() if patch == "-" else Path(patch).read_bytes()
    except OSError as error:
        raise click.UsageError(f"cannot read patch {patch}: {error.strerror or error}") from None
    return data.decode("utf-8", errors="replace")


@click.command("review")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--diff", "diff", metavar="REV", help="Review the lines changed since REV (or in A..B).")
@click.option("--staged", is_flag=True, help="Review the lines staged for the next commit (git diff --cached).")
@click.option("--patch", "patch", metavar="FILE", help="Review the lines a unified diff adds ('-' reads stdin).")
@click.option(
    "--context",
    "context",
    multiple=True,
    metavar="PATH",
    help="Read for the project's wrappers and request helpers, not reviewed (repeatable) [the git work tree].",
)
@click.option("--engine", type=click.Choice(["static", "llm", "hybrid"]), help="Which engines review [hybrid].")
@click.option("--strategy", type=click.Choice(STRATEGIES), help="How the model is asked [structured].")
@click.option("--model", help="Local model name or GGUF file; with --base-url, the remote model id.")
@click.option("--base-url", help="OpenAI-compatible endpoint (default: the embedded local model).")
@click.option("--samples", type=click.IntRange(1, 50), help="Model answers per window, put to the vote [1].")
@click.option("--min-support", type=click.IntRange(1), metavar="K", help="Samples a finding needs [more than half].")
@click.option("--temperature", type=click.FloatRange(0.0, 2.0), help="Sampling temperature [0 for 1 sample, else 0.7].")
@click.option("--seed", type=int, help="Seed of sample 0; sample i uses seed + i [0].")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), help="Report format [md].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), help="Exit 1 at this severity [high].")
@click.option(
    "--exit-zero",
    is_flag=True,
    default=None,
    help="Exit 0 even with findings at or above --fail-on (report-only jobs); usage errors and incomplete "
    "reviews still exit 2 and 3.",
)
@click.option("--max-file-size", type=int, metavar="BYTES", help="Skip (and report) larger files.")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="gitignore-style pattern to leave out.")
@click.option(
    "--all",
    "route",
    flag_value="all",
    default=None,
    help="Send every file whole to the model [only the functions with input, sinks, findings or changes].",
)
@click.option(
    "--model-findings",
    type=click.Choice(["confirmed", "all"]),
    help="all: every finding the model alone reports is a defect [confirmed: only with a sink of its kind on its "
    "lines or a second agreeing sample; the others are observations].",
)
@click.option(
    "--cache/--no-cache",
    default=None,
    help="Log model calls and static results; reuse them for unchanged code [cache]; --no-cache: neither.",
)
@click.option(
    "--redact/--no-redact",
    default=None,
    help="Replace secrets by placeholders in what is sent to a --base-url endpoint [redact].",
)
@click.option("--jobs", type=click.IntRange(1), metavar="N", help="Files the model reviews at once [1].")
@click.option(
    "--rate-limit",
    type=click.FloatRange(0, min_open=True),
    metavar="R",
    help="At most R model requests per second, all jobs together [no limit].",
)
@click.option(
    "--max-tokens-total",
    type=click.IntRange(1),
    metavar="N",
    help="Stop calling the model once the review's calls would pass N tokens (prompt + answer) [no limit].",
)
@click.option("--max-tokens-unit", type=click.IntRange(1), metavar="N", help="The same limit for each file [no limit].")
@click.option(
    "--suppress/--no-suppress",
    default=None,
    help="Honour `secreview: ignore[CWE-n]` and `# nosec` comments [suppress]; --no-suppress: report all (audit).",
)
@click.option(
    "--fix/--no-fix",
    default=None,
    help="Ask the model to fix each defect; show the fixes the analyzers verify [on with a model].",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Leave out the findings this baseline lists (secreview baseline create).",
)
@click.option(
    "--verify",
    type=click.Choice(["on", "off"]),
    help="The model checks each static finding; unlikely ones become likely false alarms [on].",
)
@click.option(
    "--verify-threshold",
    type=click.FloatRange(0.0, 1.0),
    metavar="P",
    help="Checked findings below this probability are likely false alarms [the model's calibrated threshold].",
)
@click.option(
    "--deep/--no-deep",
    default=None,
    help="The model also reviews the code open-ended (slow on a CPU) [on with --base-url, else off].",
)
def review_command(
    paths: tuple[str, ...],
    diff: str | None,
    staged: bool,
    patch: str | None,
    context: tuple[str, ...],
    output_format: str | None,
    **options: Any,
) -> None:
    """Review PATHS (files or directories), a git revision range, the staged changes, or a patch.

    Exit codes: 0 no finding at or above --fail-on (or --exit-zero); 1 findings at or above it; 2 usage or
    configuration error (also a path that does not exist, an unknown revision, --diff or --staged outside a git
    repository); 3 the review is incomplete (something asked for was not reviewed, e.g. after Ctrl-C, which
    writes the report of what was finished; a second Ctrl-C quits at once).
    """
    if sum((bool(paths), diff is not None, staged, patch is not None)) != 1:
        raise click.UsageError("name one thing to review: PATH..., --diff REV, --staged or --patch FILE")
    options["exclude"] = list(options["exclude"]) or None
    options["verify"] = None if options["verify"] is None else options["verify"] == "on"
    try:
        settings = load_settings(Path.cwd(), {"format": output_format, **options})
    except ConfigError as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    request = ReviewRequest(paths=list(paths), diff=diff, staged=staged, context=list(context) or None)
    try:
        if patch is not None:
            request.patch_text, request.patch_label = _read_patch(patch), patch
        with ReviewProgress() as progress:  # on a terminal only; pipes and CI stay quiet
            review = run_review(request, settings, progress=progress.callback)
    except ReviewInterrupted as interrupted:  # Ctrl-C: report what was finished; a re-run reuses it from the cache
        review = interrupted.review
        warn("interrupted: the report holds what was finished; the rest is marked 'interrupted'")
    except KeyboardInterrupt:  # while the patch was read or the engines started
        exit_interrupted_early()
    except USAGE_ERRORS as error:
        warn(f"error: {error}")
        sys.exit(EXIT_USAGE)
    report_gaps(review)
    _report_budget(review, settings)
    emit(REPORTERS[settings.format].render(review), settings)
    if settings.output is not None and sys.stderr.isatty():  # the report went to a file: say how it ended
        warn(f"wrote {settings.output}: {review.verdict}")
    sys.exit(exit_code(review, settings))


def exit_code(review: Review, settings: Settings) -> int:
    """The review's exit code; with `exit-zero`, findings do not fail (an incomplete review still does)."""
    if settings.exit_zero:
        return 0 if review.complete else EXIT_INCOMPLETE
    return review.exit_code(settings.fail_on)
