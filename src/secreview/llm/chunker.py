"""Split a unit into windows that fit the model's context, on definition boundaries where possible.

Windows keep file line numbers (a finding never carries a window-local number). In diff mode only
windows that contain changed lines are reviewed. With routing (llm.routing), routed_windows builds the windows
from the routed functions and their context alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from secreview.llm.prompts import Window
from secreview.models import CodeUnit, LineRange, source_lines

# A line that starts a top-level definition: a good place to cut.
_BOUNDARY = re.compile(r"^(?:(?:async\s+)?def |class |@|(?:public|private|protected|static)\b|\w[\w\s\*]*\([^;]*$)")


# Inside a function: a blank line, a nested definition, a decorator or annotation, a closing brace.
_INNER_BOUNDARY = re.compile(r"^\s*(?:(?:async\s+)?def |class |@|\}?\s*$|(?:public|private|protected|static)\b)")


def windows(unit: CodeUnit, max_lines: int) -> list[Window]:
    lines = source_lines(unit.text) or [""]
    ranges = _cuts(lines, 1, len(lines), max_lines, _BOUNDARY)
    return [Window(unit, r) for r in ranges if unit.is_under_review(r.start, r.end)]


def _cuts(lines: list[str], first: int, last: int, max_lines: int, boundaries: re.Pattern[str]) -> list[LineRange]:
    """Lines first..last in ranges of at most max_lines, each cut at a boundary line in its second half if any."""
    cuts = [first]
    while last - cuts[-1] + 1 > max_lines:
        start = cuts[-1]
        limit = start + max_lines  # first line that must not be in this window
        boundary = next(
            (n for n in range(limit - 1, start + max_lines // 2, -1) if boundaries.match(lines[n - 1])),
            limit,
        )
        cuts.append(boundary)
    return [LineRange(start=a, end=b - 1) for a, b in zip(cuts, [*cuts[1:], last + 1], strict=True)]


def routed_windows(
    unit: CodeUnit,
    pieces: Sequence[tuple[LineRange, tuple[LineRange, ...]]],
    header: Sequence[LineRange],
    max_lines: int,
    around: int = 2,
) -> list[Window]:
    """Windows of the routed code only: each piece (a routed function, or module-level code, with the lines that
    open its enclosing classes) with `around` lines either side and the file's header (imports; at most a quarter
    of a window). Pieces that overlap or touch merge; pieces share a window while it fits; a piece larger than a
    window is cut like a unit. The lines in between are left out of the prompt (Window.shown)."""
    lines = source_lines(unit.text) or [""]
    last = len(lines)
    merged: list[tuple[LineRange, set[int]]] = []
    for lines_range, context in sorted(pieces, key=lambda piece: piece[0].start):
        wide = LineRange(start=max(lines_range.start - around, 1), end=min(lines_range.end + around, last))
        if merged and wide.start <= merged[-1][0].end + 1:
            previous, previous_context = merged[-1]
            merged[-1] = (LineRange(start=previous.start, end=max(previous.end, wide.end)), previous_context)
            previous_context |= _numbers(context)
        else:
            merged.append((wide, _numbers(context)))
    top = set(sorted(_numbers(header))[: max(max_lines // 4, 1)])
    out: list[Window] = []
    current: set[int] = set()
    for wide, shown_with in merged:
        base = top | shown_with
        own = _numbers([wide])
        if len(base | own) > max_lines:
            if current:
                out.append(_window(unit, current))
                current = set()
            room = max(max_lines - len(base - own), max_lines // 2)
            pieces_of_it = _cuts(lines, wide.start, wide.end, room, _INNER_BOUNDARY)
            out += [_window(unit, base | _numbers([piece])) for piece in pieces_of_it]
            continue
        if current and len(current | base | own) > max_lines:
            out.append(_window(unit, current))
            current = set()
        current |= base | own
    if current:
        out.append(_window(unit, current))
    return out


def _numbers(ranges: Iterable[LineRange]) -> set[int]:
    return {n for r in ranges for n in range(r.start, r.end + 1)}


def _window(unit: CodeUnit, numbers: set[int]) -> Window:
    """The window showing these lines; a gap of one or two lines is shown rather than marked."""
    ranges: list[LineRange] = []
    for n in sorted(numbers):
        if ranges and n <= ranges[-1].end + 3:
            ranges[-1] = LineRange(start=ranges[-1].start, end=n)
        else:
            ranges.append(LineRange(start=n, end=n))
    span = LineRange(start=ranges[0].start, end=ranges[-1].end)
    return Window(unit, span, tuple(ranges) if len(ranges) > 1 else ())
