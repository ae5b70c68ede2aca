"""Routing: which parts of a unit the model reviews, so a repository is reviewed in proportion to its risk.

Most of a large repository has no security relevance (arithmetic, formatting, data classes), and a model
reviews in time proportional to what it is shown. Routing splits a unit into parts (its functions and methods,
and its module-level code as one more part) and sends to the model only the parts that deserve it:

- changed lines: in diff mode, a part the change touches. In diff mode these are the only parts sent,
  whatever they contain: the change is what is under review.
- input source: the part reads untrusted input (HTTP request data, a route handler or its parameters, the
  command line, standard input, the environment, files, sockets).
- dangerous sink: the part calls something where input does harm (SQL, shell and process execution,
  eval/exec, deserialization, file paths, XML parsers, redirects, templates and markup, network requests,
  crypto/hashes/random numbers, C memory and string functions, ...).
- static finding: Bandit or Semgrep reported something in it (the hints the model is asked to judge).

A part with none of these is not sent: routing judged it to need no model review. That is a decision, not a
gap. Coverage says what went to the model and why (`UnitCoverage.routing`); a unit with nothing routed lists
the engine under `UnitCoverage.routed_out`, in neither `reviewed_by` (the model did not read it) nor
`skipped_by` (nothing asked for was left out), so the review stays complete (exit 0, not 3). The setting
`route = "all"` (`--all`) sends every unit whole, as before routing existed.

Each routed part goes to the model with its context: a few lines around it, the file's imports (includes,
package line) and the lines that open its enclosing classes, all with their file line numbers; the lines in
between are left out and marked (see llm.chunker.routed_windows). Units are split into parts by
secreview.sources.parts.

The patterns are secreview.sinks' tables of input sources and dangerous sinks per language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from secreview.llm import prompts
from secreview.llm.chunker import routed_windows, windows
from secreview.models import (
    CodeUnit,
    Finding,
    LineRange,
    Review,
    RoutedPart,
    UnitRouting,
    line_ranges,
    source_lines,
)
from secreview.sinks import SINK, SOURCE, TABLES, Table
from secreview.sources.parts import MODULE_LEVEL, Part, Split, line_set, split_unit

CHANGED = "changed lines"
FINDING = "static finding"
KINDS = (CHANGED, SOURCE, SINK, FINDING)  # the order reasons are listed in
NOT_ROUTED = "no input source, dangerous sink or static finding"
NOT_CHANGED = "not touched by the change"
AROUND = 2  # lines of context shown before and after each routed part


@dataclass(frozen=True)
class Decision:
    """What routing decided for one part: `reasons` (kind, detail) empty means not routed; `lines` are the lines
    sent (for module-level code only its ranges that gave a reason)."""

    part: Part
    reasons: tuple[tuple[str, str], ...]
    lines: tuple[LineRange, ...]

    @property
    def routed(self) -> bool:
        return bool(self.reasons)

    def reason_texts(self) -> list[str]:
        return [f"{kind}: {detail}" if detail else kind for kind, detail in self.reasons]


@dataclass
class Routing:
    unit: CodeUnit
    split: Split
    decisions: list[Decision] = field(default_factory=list)

    @property
    def routed(self) -> list[Decision]:
        return [decision for decision in self.decisions if decision.routed]

    def coverage(self) -> UnitRouting:
        """What coverage reports: how many parts, which were routed and why."""
        routed = [RoutedPart(name=d.part.name, lines=list(d.lines), reasons=d.reason_texts()) for d in self.routed]
        if self.split.problem is not None:
            return UnitRouting(parts=1, routed=routed, split=f"not split: {self.split.problem}")
        diff_mode = self.unit.review_lines is not None
        return UnitRouting(
            parts=len(self.decisions),
            routed=routed,
            not_routed=NOT_CHANGED if diff_mode else NOT_ROUTED,
            split=self.split.method,
        )

    def windows(self, max_lines: int) -> list[prompts.Window]:
        """The windows of the routed parts, each with its context (see chunker.routed_windows)."""
        if self.split.problem is not None:
            return windows(self.unit, max_lines) if self.routed else []
        pieces = [(lines, d.part.context) for d in self.routed for lines in d.lines]
        return routed_windows(self.unit, pieces, self.split.header, max_lines, AROUND)


def route(unit: CodeUnit, hints: Sequence[Finding] = ()) -> Routing:
    """Split the unit and decide, part by part, whether the model reviews it (see the module's docstring)."""
    split = split_unit(unit)
    if split.problem is not None:
        whole = (LineRange(start=1, end=max(unit.line_count, 1)),)
        part = Part("whole file", whole)
        return Routing(unit, split, [Decision(part, (("not split into functions", split.problem),), whole)])
    table = TABLES.get(unit.language, [])
    header = line_set(split.header)
    diff_mode = unit.review_lines is not None
    decisions = []
    for part in split.parts:
        reasons: list[tuple[str, str]] = []
        sent: list[LineRange] = []
        for lines in part.ranges:
            found = _reasons(lines, split, table, header, unit, hints)
            if diff_mode and not any(kind == CHANGED for kind, _ in found):
                found = []
            if found:
                sent.append(lines)
                reasons += [reason for reason in found if reason not in reasons]
        decisions.append(Decision(part, tuple(sorted(reasons, key=_reason_order)), tuple(sent)))
    decisions += _strays(unit, split, decisions, hints)
    return Routing(unit, split, decisions)


def _reason_order(reason: tuple[str, str]) -> tuple[int, str]:
    return KINDS.index(reason[0]), reason[1]


def _reasons(
    lines: LineRange, split: Split, table: Table, header: set[int], unit: CodeUnit, hints: Sequence[Finding]
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if unit.review_lines is not None and any(lines.overlaps(r) for r in unit.review_lines):
        found.append((CHANGED, ""))
    for number in range(lines.start, lines.end + 1):
        if number in header or number > len(split.code):
            continue
        text = split.code[number - 1]
        found += [(kind, category) for kind, category, pattern in table if pattern.search(text)]
    for hint in hints:
        if lines.overlaps(LineRange(start=hint.start_line, end=max(hint.end_line, hint.start_line))):
            found.append((FINDING, f"CWE-{hint.cwe}" if hint.cwe else hint.title))
    return list(dict.fromkeys(found))


def _strays(unit: CodeUnit, split: Split, decisions: list[Decision], hints: Sequence[Finding]) -> list[Decision]:
    """Static findings and changed lines that fall in no part (an import line, say) are still sent: a part of
    their own, at module level."""
    covered = line_set(r for d in decisions for r in d.part.ranges)
    lines = source_lines(unit.text)
    wanted: list[tuple[LineRange, tuple[str, str]]] = []
    for hint in hints:
        span = LineRange(start=hint.start_line, end=max(hint.end_line, hint.start_line))
        if not any(n in covered for n in range(span.start, span.end + 1)):
            wanted.append((span, (FINDING, f"CWE-{hint.cwe}" if hint.cwe else hint.title)))
    for changed in unit.review_lines or []:
        rest = [n for n in range(changed.start, changed.end + 1) if n not in covered and n <= len(lines)]
        rest = [n for n in rest if split.code[n - 1].strip()]
        wanted += [(r, (CHANGED, "")) for r in line_ranges(rest)]
    if not wanted:
        return []
    reasons = tuple(sorted(dict.fromkeys(reason for _, reason in wanted), key=_reason_order))
    spans = tuple(line_ranges(sorted(line_set(span for span, _ in wanted))))
    return [Decision(Part(MODULE_LEVEL, spans), reasons, spans)]


# --- cost ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptCost:
    """What the model engine's structured prompts for some units cost, counted without calling a model."""

    reviewed_lines: int  # lines under review: whole units, or the changed lines in diff mode
    windows: int  # prompts (one sample each)
    shown_lines: int  # code lines the prompts show, context included
    prompt_tokens: int

    @property
    def tokens_per_line(self) -> float:
        return self.prompt_tokens / self.reviewed_lines if self.reviewed_lines else 0.0


def review_windows(
    unit: CodeUnit, hints: Sequence[Finding], max_lines: int, route_parts: bool
) -> tuple[list[prompts.Window], UnitRouting | None]:
    """The windows the model engine reviews for a unit, and (when routing) what routing decided."""
    if not route_parts:
        return windows(unit, max_lines), None
    routing = route(unit, hints)
    return routing.windows(max_lines), routing.coverage()


def reviewed_lines(unit: CodeUnit) -> int:
    if unit.review_lines is None:
        return unit.line_count
    return sum(r.end - r.start + 1 for r in unit.review_lines)


def prompt_cost(
    units: Sequence[CodeUnit],
    hints: dict[str, list[Finding]] | None = None,
    *,
    route_parts: bool,
    max_lines: int,
    count_tokens: Callable[[str], int] = prompts.estimate_tokens,
) -> PromptCost:
    """The prompts the structured strategy would send for `units` (one sample), with routing or whole, and their
    tokens by `count_tokens` (default: the model-free upper estimate; pass the model's tokenizer for exact
    counts). `max_lines` is the engine's window size (LLMEngine.window_lines). Compare `route_parts=True` and
    `False` for the tokens per reviewed line routing saves; a finished review's figure: `tokens_per_reviewed_line`."""
    count = shown = tokens = lines = 0
    for unit in units:
        lines += reviewed_lines(unit)
        unit_hints = (hints or {}).get(unit.path, [])
        chosen, _ = review_windows(unit, unit_hints, max_lines, route_parts) if unit.text.strip() else ([], None)
        for window in chosen:
            inside = [h for h in unit_hints if window.lines.start <= h.start_line <= window.lines.end]
            messages = prompts.structured_messages(window, inside)
            tokens += sum(count_tokens(message["content"]) for message in messages)
            shown += sum(r.end - r.start + 1 for r in window.shown or (window.lines,))
            count += 1
    return PromptCost(reviewed_lines=lines, windows=count, shown_lines=shown, prompt_tokens=tokens)


def tokens_per_reviewed_line(review: Review) -> float:
    """A finished review's model tokens (prompt and answer, every call, cached ones included) per line under
    review (whole files, or changed lines in diff mode): run once with routing and once with --all to compare."""
    lines = sum(
        unit.lines if unit.review_lines is None else sum(r.end - r.start + 1 for r in unit.review_lines)
        for unit in review.coverage.units
    )
    tokens = sum(call.prompt_tokens + call.completion_tokens for call in review.model_calls)
    return tokens / lines if lines else 0.0
