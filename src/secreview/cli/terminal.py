"""What the CLI draws on a terminal with rich, and only there: the review rendered from its Markdown, and a
progress bar per engine on stderr. Text from users, rules, code and models is shown as it is, never read as
markup: rich drops `[bold]`-like tags and Markdown drops inline HTML such as `<script>`."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TypeVar

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
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


_Shown = TypeVar("_Shown", bound="TerminalProgress")


class TerminalProgress:
    """A rich progress display on stderr while it is a terminal, removed when done; in pipes and CI logs nothing
    (`_bar` is None). Tested with isatty, not rich's own test, which FORCE_COLOR (set in some CI setups) turns on."""

    def __init__(self, *columns: ProgressColumn) -> None:
        self._bar = Progress(*columns, console=Console(stderr=True), transient=True) if sys.stderr.isatty() else None

    def __enter__(self: _Shown) -> _Shown:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()


class ReviewProgress(TerminalProgress):
    """One row per engine: files done of its total, elapsed time and an estimate. `callback` is None off a
    terminal, so the library has nobody to tell."""

    def __init__(self) -> None:
        super().__init__(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        )
        self._tasks: dict[str, TaskID] = {}

    @property
    def callback(self) -> ProgressCallback | None:
        return self._update if self._bar is not None else None

    def _update(self, event: ProgressEvent) -> None:
        assert self._bar is not None
        task = self._tasks.get(event.engine)
        if task is None:
            task = self._tasks[event.engine] = self._bar.add_task(status_text(event.engine), total=event.total)
        self._bar.update(task, completed=event.done, total=event.total)
