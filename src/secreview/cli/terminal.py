"""What the CLI draws on a terminal with rich, and only there: the review rendered from its Markdown, and a
progress bar per engine on stderr. Text from users, rules, code and models is shown as it is, never read as
markup: rich drops `[bold]`-like tags and Markdown drops inline HTML such as `<script>`."""

from __future__ import annotations

import sys
from types import TracebackType

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from secreview.progress import ProgressCallback, ProgressEvent


class LiteralMarkdown(Markdown):
    """Markdown whose HTML is shown as text: a finding about `<script>` must say `<script>`."""

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        self.parsed = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table").parse(markup)


def print_markdown(text: str, console: Console | None = None) -> None:
    (console or Console()).print(LiteralMarkdown(text))


def status_text(text: str) -> str:
    """A label for a rich progress bar or status line, shown literally (paths and names may hold brackets)."""
    return escape(text)


class ReviewProgress:
    """On a terminal: one progress row per engine on stderr (files done of its total, elapsed time and an
    estimate), removed when the review ends. Elsewhere (pipes, CI logs) it draws nothing: `callback` is None."""

    def __init__(self) -> None:
        self._tasks: dict[str, TaskID] = {}
        self._bar: Progress | None = None
        if sys.stderr.isatty():  # not rich's own test, which FORCE_COLOR (set in some CI setups) turns on
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    @property
    def callback(self) -> ProgressCallback | None:
        return self._update if self._bar is not None else None

    def _update(self, event: ProgressEvent) -> None:
        assert self._bar is not None
        task = self._tasks.get(event.engine)
        if task is None:
            task = self._tasks[event.engine] = self._bar.add_task(status_text(event.engine), total=event.total)
        self._bar.update(task, completed=event.done, total=event.total)

    def __enter__(self) -> ReviewProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
