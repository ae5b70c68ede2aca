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

import re
import textwrap
from dataclasses import dataclass

from secreview.llm.freetext.fields import (
    CWE,
    FIELD_LABELS,
    INLINE_SOLUTION,
    LOCATION_LABELS,
    NUMBERED_HEADING,
    SENTENCE_END,
    SEVERITY_LABELS,
    SOLUTION_LABELS,
    TITLE_LABELS,
    catalog_name,
    clean_title,
    clip,
    first_cwe,
    first_lines,
    first_sentence,
    has_refs,
    is_generic,
    label,
    line_refs,
    says_something,
    severity_of,
    squash,
)
from secreview.llm.freetext.structure import (
    blocks,
    code_flags,
    head_of,
    indent_of,
    is_fence,
    is_table_row,
    split_list,
    strip_marker,
)
from secreview.llm.freetext.verdicts import (
    ASSERTS_DEFECT,
    NOTHING_HERE,
    any_verdict,
    equivalent_verdict,
    exact_verdict,
    hedged,
)
from secreview.models import CodeUnit, Evidence, Finding, Severity

CONFIDENCE = 0.5
_MAX_SPLIT_DEPTH = 3

# --- patterns (all bounded: linear time on any input) ---------------------------------------------


@dataclass(frozen=True)
class ParsedReview:
    findings: list[Finding]  # defects the review asserts (each with a CWE if one was named)
    observations: list[Finding]  # concerns listed in a review whose verdict is "no defects" (severity info)
    says_no_defects: bool  # the review's verdict is the no-defect sentence (or clearly equivalent)


@dataclass
class _Candidate:
    """One item before its fields are read: a heading, the rest of its first line, the lines below."""

    heading: str
    rest: str
    body: list[str]
    inherited: _Item | None = None


@dataclass
class _Item:
    title: str
    cwe: int | None
    cwe_name: str
    lines: tuple[int, int] | None
    description: str
    solution: str
    severity: Severity
    negative: bool = False


# --- small helpers ----------------------------------------------------------------------------------


def _normalise(text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    # pydantic (Rust) strings cannot hold lone surrogates.
    clean = text.encode("utf-8", "replace").decode("utf-8")
    return clean.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


# --- structure -------------------------------------------------------------------------------------------


def _render(pieces: list[tuple[bool, str]]) -> str:
    """Prose pieces squashed into running text; code blocks (True) kept as fenced blocks of their own."""
    out: list[str] = []
    prose: list[str] = []
    for is_code, text in pieces:
        if is_code:
            out.append(squash(" ".join(prose)))
            prose = []
            out.append(text)
        else:
            prose.append(text)
    out.append(squash(" ".join(prose)))
    return "\n".join(piece for piece in out if piece)


def _fields(candidate: _Candidate) -> tuple[str, str, str, str, str]:
    """(description, solution, located text, severity text, title label) of a candidate.

    Fenced code is left out of the description (it restates the flagged code, which aggregate quotes from
    the file) and kept, as a fenced block, in the solution (where it is the fix).
    """
    description: list[tuple[bool, str]] = []
    solution: list[tuple[bool, str]] = []
    located: list[str] = [candidate.heading]
    severity_text: list[str] = [candidate.heading]
    title = ""
    target = description
    code: list[str] | None = None
    for raw, in_code in code_flags([candidate.rest, *candidate.body]):
        if in_code:
            if code is None:
                code = [raw.strip()]
            elif is_fence(raw):
                block = "\n".join([code[0], textwrap.dedent("\n".join(code[1:])).strip("\n"), "```"])
                if target is solution:
                    solution.append((True, block))
                code = None
            else:
                code.append(raw)
            continue
        text = strip_marker(raw)
        if not text:
            continue
        labelled = label(text)
        if labelled is not None:
            name, value = labelled
            if name in SOLUTION_LABELS:
                target = solution
                text = value
            elif name in LOCATION_LABELS:
                located.append(text)
                continue
            elif name in SEVERITY_LABELS:
                if name != "confidence":  # how sure the reviewer is says nothing about impact
                    severity_text.append(f"severity: {value}")
                continue
            elif name in TITLE_LABELS:
                title = title or value
                located.append(value)
                continue
            else:
                target = description
                text = value
        if target is description:
            inline = INLINE_SOLUTION.search(text)
            said = text[: inline.start()] if inline else text
            located.append(said)
            severity_text.append(said)
            if inline:
                description.append((False, said))
                target = solution
                text = text[inline.end() :]
        target.append((False, text))
    return (
        _render(description),
        _render(solution),
        "\n".join(located),
        "\n".join(severity_text),
        squash(title),
    )


def _build(candidate: _Candidate) -> _Item:
    description, solution, located, severity_text, title_label = _fields(candidate)
    title, cwe_id, cwe_name = clean_title(candidate.heading)
    if cwe_id is None:
        found = first_cwe(located, solution)
        if found:
            cwe_id, cwe_name = found
    elif not cwe_name:
        found = first_cwe(located)
        cwe_name = found[1] if found and found[0] == cwe_id else ""
    lines = first_lines(candidate.heading, located, solution)
    parent = candidate.inherited
    if parent is not None:
        if cwe_id is None and parent.cwe is not None:
            cwe_id, cwe_name = parent.cwe, parent.cwe_name
        elif not title and cwe_id is not None and cwe_id != parent.cwe:  # a weakness of its own: its name
            title = cwe_name or catalog_name(cwe_id)
        lines = lines or parent.lines
        solution = solution or parent.solution
        title = title or parent.title
    if is_generic(title):  # "Potential Issue", "Security Defect 1": says nothing about the defect
        title = ""
    if not title and title_label:
        title = clean_title(title_label)[0]
    if not title and cwe_id is not None:
        title = cwe_name or catalog_name(cwe_id)
    if not title:
        title = clip(first_sentence(description), 80) or "Security concern"
    opening = description.lstrip(" :-\u2013\u2014*")
    nothing = NOTHING_HERE.match(opening)
    negative = (
        nothing is not None
        and not hedged(opening, nothing.start(), nothing.end())
        and not ASSERTS_DEFECT.search(opening)
    )
    return _Item(
        title=clip(title),
        cwe=cwe_id,
        cwe_name=cwe_name,
        lines=lines,
        description=description if says_something(description) else title,
        solution=solution,
        severity=severity_of(severity_text),
        negative=negative,
    )


def _expand(candidate: _Candidate, depth: int = 0) -> list[_Item]:
    """The candidate as one item, or its sub-items when they point at different places."""
    item = _build(candidate)
    if depth >= _MAX_SPLIT_DEPTH or not candidate.body:
        return [item]
    children, _ = split_list(candidate.body)
    pointed: list[list[str]] = []
    keys: set[tuple[int | None, tuple[int, int] | None]] = set()
    for child in children:
        head = strip_marker(child[0])
        if label(head) is not None:
            continue
        child_text = "\n".join(child)
        found = first_cwe(child_text)
        lines = first_lines(child_text)
        if found or lines:
            pointed.append(child)
            keys.add((found[0] if found else None, lines))
    if len(pointed) < 2 or len(keys) < 2:
        return [item]
    # What the sub-items inherit comes from the parent's own text, not from its first sub-item. A label
    # line at the sub-items' own indentation after the last one ("   Solution: ...") is the parent's.
    own = _without(candidate.body, pointed)
    last = pointed[-1]
    marker_indent = indent_of(last[0])
    for index in range(1, len(last)):
        line = last[index]
        if line.strip() and indent_of(line) <= marker_indent and label(line.strip()) is not None:
            own.extend(last[index:])
            pointed[-1] = last[:index]
            break
    shell = _build(_Candidate(candidate.heading, candidate.rest, own))
    expanded: list[_Item] = []
    for child in pointed:
        heading, rest = head_of(child[0])
        expanded.extend(_expand(_Candidate(heading, rest, child[1:], inherited=shell), depth + 1))
    return expanded


def _without(body: list[str], children: list[list[str]]) -> list[str]:
    """The body's lines outside the children (runs of the body's own line objects, in order)."""
    remainder: list[str] = []
    position = 0
    for child in children:
        while position < len(body) and body[position] is not child[0]:
            remainder.append(body[position])
            position += 1
        position += len(child)
    remainder.extend(body[position:])
    return remainder


def _table_items(rows: list[str]) -> list[_Item]:
    """One item per table row that names a CWE or a line; the header row says which cell is what."""
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    header: list[str] = []
    if len(cells) >= 2 and all(set(cell) <= set("-: ") and "-" in cell for cell in cells[1] if cell):
        header = [" ".join(re.sub(r"[^a-z ]", "", cell.lower().replace("(s)", "s")).split()) for cell in cells[0]]
        cells = cells[2:]
    items: list[_Item] = []
    for row in cells:
        body: list[str] = []
        for index, value in enumerate(row):
            name = header[index] if index < len(header) else ""
            if not value or set(value) <= set("-: "):
                continue
            if name in LOCATION_LABELS and not name.startswith("cwe"):
                body.append(f"Lines: {value}")
            elif name in FIELD_LABELS:
                body.append(f"{name}: {value}")
            else:
                body.append(value)
        if has_refs("\n".join(body)):
            items.append(_build(_Candidate("", "", body)))
    return items


def _sentence_runs(text: str) -> list[str]:
    """The text cut before each sentence that names a new CWE; text before the first CWE joins it."""
    segments: list[list[str]] = []
    current_cwe: int | None = None
    for sentence in SENTENCE_END.split(text):
        match = CWE.search(sentence)
        named = int(match.group(1)) if match else None
        if not segments or (named is not None and current_cwe not in (None, named)):
            segments.append([sentence])
        else:
            segments[-1].append(sentence)
        if named is not None:
            current_cwe = named
    return [" ".join(segment) for segment in segments]


def _prose_items(paragraphs: list[list[str]]) -> list[_Item]:
    """Items from paragraphs outside lists: CWE-bearing sentence runs, or located defect statements."""
    items: list[_Item] = []
    previous_was_item = False
    for paragraph in paragraphs:
        if all(is_table_row(line) for line in paragraph):
            table = _table_items(paragraph)
            items.extend(table)
            previous_was_item = bool(table)
            continue
        text = " ".join(line.strip() for line in paragraph)
        labelled = label(text)
        if labelled is not None and labelled[0] in SOLUTION_LABELS and previous_was_item:
            last = items[-1]
            last.solution = last.solution or squash(labelled[1])
            continue
        previous_was_item = False
        if any_verdict(text):
            continue
        segments = _sentence_runs(text)
        for segment in segments:
            located_defect = bool(line_refs(segment)) and bool(ASSERTS_DEFECT.search(segment))
            if CWE.search(segment) or located_defect:
                if len(segments) == 1:  # one weakness: read it line by line, so labels on lines count
                    heading, rest = head_of(paragraph[0])
                    items.append(_build(_Candidate(heading, rest, paragraph[1:])))
                else:
                    items.append(_build(_Candidate("", segment, [])))
                previous_was_item = True
    return items


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    for heading, body in blocks(text.split("\n")):
        if heading is not None and (has_refs(heading) or NUMBERED_HEADING.match(heading.lstrip("*_ "))):
            items.extend(_expand(_Candidate(heading, "", body)))
            continue
        listed, paragraphs = split_list(body)
        found: list[_Item] = []
        for entry in listed:
            head, rest = head_of(entry[0])
            found.extend(_expand(_Candidate(head, rest, entry[1:])))
        found.extend(_prose_items(paragraphs))
        if (
            not any(item.cwe is not None or item.lines is not None for item in found)
            and heading
            and not is_generic(heading)
            and not listed
            and line_refs("\n".join(body))
            and not any_verdict("\n".join(body))
        ):
            found = [_build(_Candidate(heading, "", body))]
        items.extend(found)
    return items


# --- the entry point --------------------------------------------------------------------------------


def _finding(
    item: _Item, unit: CodeUnit, *, engine: str, rule_id: str, severity: Severity, sample: int | None
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
    counted = [item for item in _items(clean) if (item.cwe is not None or item.lines is not None) and not item.negative]
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
