"""`secreview cache path|stats|clear`: the call log that also answers repeated model calls and keeps the
static engines' results per file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click

from secreview.backends.call_log import CallLog, CallLogError

EXIT_FAILED = 1
T = TypeVar("T")


def _with_log(action: Callable[[CallLog], T]) -> tuple[T, CallLog]:
    """Run one action on the call log, closing it; a log that cannot be read ends the command with exit 1."""
    log = CallLog()
    try:
        return action(log), log
    except CallLogError as error:
        click.echo(f"secreview: error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        log.close()


def _size(size: int) -> str:
    if size >= 1e9:
        return f"{size / 1e9:.2f} GB"
    if size >= 1e6:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.0f} kB" if size >= 1e3 else f"{size} bytes"


@click.group("cache")
def cache_group() -> None:
    """The call log: every model call (prompt, answer, tokens, time), reused when asked again, and the
    Bandit and Semgrep results per file, reused while the file, the tool and the settings stay the same.

    It is in the user's cache folder, or in $SECREVIEW_CACHE_DIR. The prompts contain the reviewed code,
    so the log is as sensitive as the code. `secreview review --no-cache` neither reads nor writes it.
    """


@cache_group.command("path")
def path_command() -> None:
    """Print where the call log is."""
    click.echo(str(CallLog().path))


@cache_group.command("stats")
def stats_command() -> None:
    """What the call log holds and what it saved."""
    stats, _ = _with_log(CallLog.stats)
    click.echo(f"Call log: {stats['path']} ({_size(stats['size_bytes'])})")
    if stats["calls"]:
        click.echo(f"Calls logged: {stats['calls']} ({stats['distinct_keys']} distinct prompts)")
        click.echo(f"Tokens logged: {stats['prompt_tokens']} prompt, {stats['completion_tokens']} generated")
        click.echo(f"Answered from the log: {stats['hits']} calls, {stats['tokens_saved']} tokens saved")
        click.echo(f"First call: {stats['first']}; last: {stats['last']}")
    else:
        click.echo("No model calls logged yet.")
    static, reused = stats["static_results"], stats["static_hits"]
    click.echo(f"Static results stored: {static} (Bandit, Semgrep: one per file version), reused {reused} times")


@cache_group.command("clear")
def clear_command() -> None:
    """Delete every logged call (the prompts, and so the reviewed code, with them) and static result."""
    removed, log = _with_log(CallLog.clear)
    calls, static = removed["calls"], removed["static_results"]
    click.echo(
        f"Removed {calls} logged call{'' if calls == 1 else 's'} and {static} static result{'' if static == 1 else 's'}"
        f" from {log.path}"
    )
