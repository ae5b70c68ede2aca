"""The smallest code that decides a finding: its enclosing function, the lines its value flows through, the
definitions of same-file functions it calls, and the file's imports, with file line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from secreview.llm import prompts
from secreview.models import CodeUnit, Finding, LineRange
from secreview.sources.parts import Part, Split, enclosing_function, split_unit

MAX_LINES = 120  # a slice longer than this keeps the lines nearest the finding
AROUND = 12  # lines either side of a finding outside any function


def _called_helpers(split: Split, home: Part, code: list[str]) -> list[Part]:
    """Same-file functions the enclosing function calls (by their short name): their definitions decide whether a
    value is cleaned on the way."""
    body = " ".join(code[n - 1] for r in home.ranges for n in range(r.start, r.end + 1) if n <= len(code))
    found = []
    for part in split.parts:
        short = part.name.rsplit(".", 1)[-1]
        if part is not home and not part.is_module_level and re.search(rf"\b{re.escape(short)}\s*\(", body):
            found.append(part)
    return found


def _merged(ranges: Iterable[LineRange], last_line: int) -> tuple[LineRange, ...]:
    numbers = sorted({n for r in ranges for n in range(max(r.start, 1), min(r.end, last_line) + 1)})
    out: list[LineRange] = []
    for n in numbers:
        if out and n <= out[-1].end + 1:
            out[-1] = LineRange(start=out[-1].start, end=n)
        else:
            out.append(LineRange(start=n, end=n))
    return tuple(out)


def _trimmed(ranges: tuple[LineRange, ...], finding: Finding) -> tuple[LineRange, ...]:
    """At most MAX_LINES lines, those nearest the finding kept first."""
    numbers = [n for r in ranges for n in range(r.start, r.end + 1)]
    if len(numbers) <= MAX_LINES:
        return ranges
    keep = sorted(numbers, key=lambda n: (abs(n - finding.start_line), n))[:MAX_LINES]
    return _merged((LineRange(start=n, end=n) for n in keep), max(numbers))


def code_slice(unit: CodeUnit, finding: Finding, split: Split | None = None) -> prompts.Window:
    """The window shown to the model for `finding` (pass `split` to split a unit once for all its findings)."""
    split = split or split_unit(unit)
    last = max(unit.line_count, 1)
    home = enclosing_function(split, finding.start_line)
    wanted = list(split.header)
    wanted.append(LineRange(start=finding.start_line, end=max(finding.end_line, finding.start_line)))
    wanted += [LineRange(start=step.line, end=step.line) for step in finding.flow]
    if home is None:
        wanted.append(LineRange(start=max(finding.start_line - AROUND, 1), end=finding.end_line + AROUND))
    else:
        wanted += [*home.context, *home.ranges]
        for helper in _called_helpers(split, home, split.code):
            wanted += helper.ranges
    shown = _trimmed(_merged(wanted, last), finding)
    return prompts.Window(unit, LineRange(start=shown[0].start, end=shown[-1].end), shown)


def flow_text(finding: Finding) -> str:
    """The analyzer's trace, one line per step."""
    return "\n".join(f"- line {step.line}: {step.note}" for step in finding.flow if step.note)
