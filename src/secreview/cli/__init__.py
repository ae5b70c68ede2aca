"""The `secreview` command: a thin layer over the library (secreview.api); one module per subcommand."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click

from secreview.cli.baseline import baseline_group
from secreview.cli.bench import bench_command
from secreview.cli.cache import cache_group
from secreview.cli.cwe import cwe_command
from secreview.cli.fix import fix_command
from secreview.cli.init import init_command
from secreview.cli.model import model_group
from secreview.cli.parse import parse_command
from secreview.cli.review import review_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="secreview")
def main() -> None:
    """Review code for security defects: each with its CWE, lines, explanation, fix and a verdict."""
    signal.signal(signal.SIGTERM, _terminate_like_ctrl_c)


def _terminate_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (how CI cancels a job) stops every command as Ctrl-C does: the tools' process groups are ended
    and what was finished is kept (a review reports it, a bench run resumes from it); after a first interrupt, at
    once. Without this, Python would die at once and leave Semgrep, cppcheck or the model server running. A
    process started with SIGINT ignored (a background job of a script, nohup) has no Ctrl-C handler to call, and
    stops as that handler would."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    if handler == signal.SIG_IGN:
        raise KeyboardInterrupt
    sys.exit(128 + signum)


main.add_command(review_command)
main.add_command(cwe_command)
main.add_command(model_group)
main.add_command(parse_command)
main.add_command(bench_command)
main.add_command(cache_group)
main.add_command(init_command)
main.add_command(baseline_group)
main.add_command(fix_command)
