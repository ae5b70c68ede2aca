"""The entry point: the review's text normalised, its items found, its verdict read, and the counted items
turned into findings (or, under a no-defect verdict, observations). This is the one place that decides what
`parse_review` returns; everything it calls only reads text."""

from __future__ import annotations

from dataclasses import dataclass

from secreview.llm.freetext.item import Item
from secreview.llm.freetext.itemize import find_items
from secreview.llm.freetext.verdicts import equivalent_verdict, exact_verdict
from secreview.models import CodeUnit, Evidence, Finding, Severity

CONFIDENCE = 0.5


@dataclass(frozen=True)
class ParsedReview:
    findings: list[Finding]  # defects the review asserts (each with a CWE if one was named)
    observations: list[Finding]  # concerns listed in a review whose verdict is "no defects" (severity info)
    says_no_defects: bool  # the review's verdict is the no-defect sentence (or clearly equivalent)


def _normalise(text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    # pydantic (Rust) strings cannot hold lone surrogates.
    clean = text.encode("utf-8", "replace").decode("utf-8")
    return clean.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


def _finding(
    item: Item, unit: CodeUnit, *, engine: str, rule_id: str, severity: Severity, sample: int | None
) -> Finding:
    first = min((r.start for r in unit.review_lines or ()), default=1)
    start, end = item.lines or (first, first)
    description = item.description
    if item.lines is None:
        description += f" (The review gave no line number; placed at line {first}.)"
    return Finding(
        path=unit.path,
        start_line=start,
        end_line=end,
        cwe=item.cwe,
        cwe_name=item.cwe_name,
        title=item.title,
        description=description,
        solution=item.solution,
        severity=severity,
        confidence=CONFIDENCE,
        evidence=[
            Evidence(
                engine=engine,
                rule_id=rule_id,
                message=item.title,
                severity=severity,
                confidence=CONFIDENCE,
                cwe=item.cwe,
                sample=sample,
            )
        ],
    )


def parse_review(
    text: str, unit: CodeUnit, *, engine: str = "llm", rule_id: str = "freetext", sample: int | None = None
) -> ParsedReview:
    """Findings (or, under a no-defect verdict, observations) from a free-text review of `unit`; `sample` says
    which of several samples of the same code the review is (aggregate counts their agreement)."""
    clean = _normalise(text)
    counted = [
        item for item in find_items(clean) if (item.cwe is not None or item.lines is not None) and not item.negative
    ]
    names_cwe = any(item.cwe is not None for item in counted)
    says_no_defects = exact_verdict(clean) or (not names_cwe and equivalent_verdict(clean))
    if says_no_defects:
        observations = [
            _finding(item, unit, engine=engine, rule_id=rule_id, severity=Severity.info, sample=sample)
            for item in counted
            if item.lines is not None
        ]
        return ParsedReview(findings=[], observations=observations, says_no_defects=True)
    findings = [
        _finding(item, unit, engine=engine, rule_id=rule_id, severity=item.severity, sample=sample) for item in counted
    ]
    return ParsedReview(findings=findings, observations=[], says_no_defects=False)
