"""What a review read, unit by unit: the coverage book-keeping, beside the judge (secreview.aggregate).

One place decides what counts as reviewed, as skipped (a gap: the review is incomplete) or only as a note
(an optional analyzer that did not run, routing's decision, what judging left out), so that no report says
"clean" for code that nothing read. The API layer (secreview.api) only hands over what the stages returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from secreview.aggregate import Judged, fixtures_note, left_out_note, unconfirmed_note, unplaced_note
from secreview.engines.interface import Engine, EngineResult
from secreview.llm.freetext import ParsedReview
from secreview.llm.routing import NOT_ROUTED
from secreview.models import CodeUnit, Coverage, Finding, UnitCoverage
from secreview.sources.interface import SourceResult
from secreview.verification.interface import STAGE, VerificationResult


def _scope(unit: CodeUnit, notes: Sequence[str]) -> UnitCoverage:
    """A unit's entry before any engine is counted: what it is and the lines under review."""
    return UnitCoverage(
        path=unit.path,
        language=unit.language,
        lines=unit.line_count,
        review_lines=unit.review_lines,
        notes=list(notes),
    )


def engine_coverage(
    collected: SourceResult,
    engines: Sequence[Engine],
    results: Sequence[EngineResult],
    checked: VerificationResult | None,
) -> Coverage:
    """Which engine (`results` in the order of `engines`) reviewed, skipped or was routed out of each unit, and
    what the verifier checked. A skip is a gap; an optional analyzer that did not run, a part routing kept from
    the model, and a finding the model could not check are notes. A unit that routing kept from the model and
    that no other engine reviewed was read by nothing: a gap."""
    units = []
    for unit in collected.units:
        entry = _scope(unit, collected.notes.get(unit.path, []))
        for engine, result in zip(engines, results, strict=True):
            if unit.language not in engine.languages:
                continue
            routing = result.routing.get(unit.id)
            if routing is not None:
                entry.routing[engine.name] = routing
            if unit.id in result.skipped:
                entry.skipped_by[engine.name] = result.skipped[unit.id]
            elif unit.id in result.not_run:  # an optional analyzer: said, not a gap
                entry.notes.append(f"not reviewed by {result.not_run[unit.id]}")
            elif routing is not None and not routing.routed:
                entry.routed_out.append(engine.name)  # routing's decision, not a gap: the review stays complete
            else:
                entry.reviewed_by.append(engine.name)
            entry.notes.extend(result.notes.get(unit.id, []))
        if entry.routed_out and not entry.reviewed_by:  # the model alone, and it read none of it: not reviewed
            for engine_name in entry.routed_out:
                entry.skipped_by[engine_name] = f"routing sent none of it to the model ({NOT_ROUTED})"
            entry.routed_out = []
        if checked is not None:  # a finding the model could not check stays as reported: a note, not a gap
            if unit.path in checked.notes:
                entry.reviewed_by.append(STAGE)
                entry.notes.extend(checked.notes[unit.path])
            if unit.path in checked.unchecked:
                entry.notes.append(f"{STAGE}: {checked.unchecked[unit.path]} (they are reported as found)")
        units.append(entry)
    return Coverage(units=units, skipped=collected.skipped, out_of_scope=collected.out_of_scope)


def reviews_coverage(unit: CodeUnit, names: Sequence[str], parsed: Sequence[ParsedReview]) -> Coverage:
    """The coverage of free-text reviews of one file (their names, and each review as parsed): every review read
    all of it; with several, a note counts which of them conclude that there are no defects."""
    entry = _scope(unit, _verdict_tally(names, parsed))
    entry.reviewed_by = list(names)
    return Coverage(units=[entry])


def _verdict_tally(names: Sequence[str], parsed: Sequence[ParsedReview]) -> list[str]:
    """How many of several reviews conclude 'no defects', and which: the reviews' own verdicts, counted."""
    if len(names) < 2:
        return []
    clean = [name for name, one in zip(names, parsed, strict=True) if one.says_no_defects]
    which = f": {', '.join(clean)}" if clean else ""
    return [f"{len(clean)} of {len(names)} reviews conclude that no security defects are detected{which}"]


def note_judged(coverage: Coverage, judged: Judged, min_support: int) -> None:
    """Name in their units' notes the findings judging did not report as defects: those the vote left out, and the
    model's claims listed as observations (nothing confirmed them, or they could not be placed in the code), and the
    credentials written in a test file, listed as observations too."""
    note_left_out(coverage, judged.left_out, min_support, "samples")
    _note_per_unit(coverage, [f for f in judged.unconfirmed if not f.remark], unconfirmed_note)
    _note_per_unit(coverage, [f for f in judged.unconfirmed if f.remark], unplaced_note)
    _note_per_unit(coverage, judged.fixtures, fixtures_note)


def note_left_out(coverage: Coverage, left_out: list[Finding], min_support: int, noun: str) -> None:
    """Name the findings the vote left out in their unit's coverage notes: left out, never silently dropped."""
    _note_per_unit(coverage, left_out, lambda mine: left_out_note(mine, min_support, noun))


def add_notes(coverage: Coverage, notes: Mapping[str, Sequence[str]]) -> None:
    """Notes of a later stage (suppressions, fixes), unit path -> texts, after each unit's own; each text once."""
    for unit in coverage.units:
        unit.notes.extend(dict.fromkeys(notes.get(unit.path, [])))


def _note_per_unit(coverage: Coverage, findings: list[Finding], note: Callable[[list[Finding]], str]) -> None:
    """Add one coverage note to each unit that has some of `findings`, naming them."""
    for unit in coverage.units:
        mine = [finding for finding in findings if finding.path == unit.path]
        if mine:
            unit.notes.append(note(mine))
