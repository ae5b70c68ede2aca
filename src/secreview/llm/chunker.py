"""Split a unit into windows that fit the model's context, on definition boundaries where possible.

Windows keep file line numbers (a finding never carries a window-local number). In diff mode only
windows that contain changed lines are reviewed.
"""

from __future__ import annotations

import re

from secreview.llm.prompts import Window
from secreview.models import CodeUnit, LineRange

# A line that starts a top-level definition: a good place to cut.
_BOUNDARY = re.compile(r"^(?:(?:async\s+)?def |class |@|(?:public|private|protected|static)\b|\w[\w\s\*]*\([^;]*$)")


def windows(unit: CodeUnit, max_lines: int) -> list[Window]:
    lines = unit.text.splitlines() or [""]
    cuts = [1]
    while len(lines) - cuts[-1] + 1 > max_lines:
        start = cuts[-1]
        limit = start + max_lines  # first line that must not be in this window
        boundary = next(
            (n for n in range(limit - 1, start + max_lines // 2, -1) if _BOUNDARY.match(lines[n - 1])),
            limit,
        )
        cuts.append(boundary)
    ranges = [LineRange(start=a, end=b - 1) for a, b in zip(cuts, [*cuts[1:], len(lines) + 1], strict=True)]
    return [Window(unit, r) for r in ranges if unit.is_under_review(r.start, r.end)]
