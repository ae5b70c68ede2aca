"""Read a free-text security review (an LLM's answer, a colleague's notes) into findings.

Reviews come as markdown-ish prose: numbered or bulleted items, headings, bold labels, CWE ids with or
without their names, line references in many spellings, a "Solution:" per item, and often a verdict
sentence. `parse_review` turns one into findings without judging them: line numbers are taken as
written (grounding against the file, CWE checks and voting happen later, in secreview.aggregate).

Rules (each one a decision; the tests pin them down):

- Structure. The text is cut into blocks at headings: markdown `#` headings, lines that are bold and nothing
  else, and (after a blank line) headline-like lines (no final period, at most 16 words) that start with a CWE
  id or with "Issue 2:"-style numbering. Lines inside ``` fences are code, never markup. A heading that names
  a CWE, a line or is numbered makes its whole block one item; any other heading is a section title, and the
  top-level list items (`1.`, `1)`, `(1)`, `-`, `*`, `+`, `•`) under it are the items. An item runs to the
  next list marker at its own indentation or less, or to an unindented paragraph after a blank line (unless
  that paragraph starts with a field label such as "Solution:", which still belongs to the item; so does a
  fenced code block). Outside items, a prose paragraph (or a markdown table row, read through its header:
  "Line(s)", "Fix", ...) becomes an item when it names a CWE (one item per CWE-bearing sentence run), or when
  it gives a line and says outright that code is vulnerable / introduces a vulnerability. An item whose
  sub-items name at least two different (CWE, line) places is split into one item per sub-item; the sub-items
  inherit the parent's CWE, title and solution where they give none.
- Which items count. An item counts only if it names a CWE or a line; anything else ("Key points: input
  validation is important") is generic advice and is dropped. An item whose text starts by saying there is
  nothing there ("CWE-284: Not applicable", "Line 40: no issue found") is dropped too.
- Verdict. `says_no_defects` is True when the text contains NO_DEFECTS_VERDICT (case-insensitive, "were" for
  "are" accepted, any qualification after it accepted: "... in the context of its usage as test cases"),
  unless the sentence is hedged before it ("other than the above, ...", "cannot say that ...", "if ...") or
  narrowed after it ("... except ..."). A clearly equivalent statement ("there are no security vulnerabilities
  ...", "no vulnerabilities were found", "the code does not introduce security defects") also counts, but only
  when no counted item names a CWE: a review that names CWEs and says "no other issues" asserts defects. The
  exact sentence itself wins even over items that name CWEs: the reviewer concluded "no defects", so those
  items are observations. With no such sentence, says_no_defects is False, even when nothing is found ("The
  code looks fine." gives no findings and no verdict).
- Findings and observations. If the verdict is "no defects", the counted items that give a line become
  `observations` (severity info) and there are no findings; line-less items are dropped, since a concern
  nobody located is not worth showing. Otherwise the counted items are `findings` (cwe None when the item
  named none).
- Lines. The first line reference of an item is used, looked for in its heading, then its explanatory text,
  then its solution: "lines 84-87, 92-107" gives 84-87 (the span could cover unrelated code and would be
  quoted as evidence; the other ranges stay in the description). Recognised forms: "line 12", "Line 70-78",
  "lines 12 to 15", "lines 12 through 15", "line 12 - line 15", "(Line 94-97)", "Lines: 12-14", "line no. 12",
  "line #12", "L12-L15", "#L12", and a lone "L12" where it points ("at L12", "(L12)", "L12:"), so that "the L3
  agent" is not a line. A reversed range is swapped; line 0 is ignored; nothing is clipped to the file here. A
  finding that names a CWE but no line is placed at the first line under review (line 1 for a whole file), and
  its description says that the review gave no line.
- Fields. Title: the item's heading (bold lead, "Title: ..." lead, or markdown heading) with CWE ids and line
  references taken out, unless that leaves only generic words ("Potential Issue 2"); the CWE's stated name (or
  the catalog's short name) when the heading is just a CWE or there is no heading; else the first sentence of
  the description. Description: the explanatory text, labels, markdown emphasis and fenced code removed (the
  title if nothing is left but a line reference). Solution: the text after the first
  Solution/Fix/Recommendation/Mitigation/Remediation label, fenced code kept as a block, "" if none. CWE: the
  first id in heading, text, solution; `cwe_name` is the name the review wrote next to it, if any (the
  catalog's name is set by aggregate). Severity: medium for findings unless the item says critical, high or
  low ("Severity: High", "high-risk", "(Low)"); info for observations. Confidence 0.5.
- Robustness. Any str is accepted (lone surrogates are replaced, line ends normalised). Every regex repeat is
  bounded or unambiguous (no nested or adjacent unbounded repeats over the same characters), so time is
  linear in the length of the text: a megabyte of adversarial text takes a second or two.
"""

from __future__ import annotations

from dataclasses import dataclass

from secreview.llm.freetext.item import Item
from secreview.llm.freetext.itemize import find_items
from secreview.llm.freetext.verdicts import equivalent_verdict, exact_verdict
from secreview.models import CodeUnit, Evidence, Finding, Severity

CONFIDENCE = 0.5

# --- patterns (all bounded: linear time on any input) ---------------------------------------------


@dataclass(frozen=True)
class ParsedReview:
    findings: list[Finding]  # defects the review asserts (each with a CWE if one was named)
    observations: list[Finding]  # concerns listed in a review whose verdict is "no defects" (severity info)
    says_no_defects: bool  # the review's verdict is the no-defect sentence (or clearly equivalent)


# --- small helpers ----------------------------------------------------------------------------------


def _normalise(text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    # pydantic (Rust) strings cannot hold lone surrogates.
    clean = text.encode("utf-8", "replace").decode("utf-8")
    return clean.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


# --- the entry point --------------------------------------------------------------------------------


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
