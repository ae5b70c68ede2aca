"""Which parts of a review are items: blocks whose heading names a CWE, a line or a number; top-level list
entries; table rows; prose sentence runs that name a CWE or state a located defect. An item whose sub-items point at
different places is split here into one item per sub-item. The text's shape comes from structure, each item's
fields from item."""

from __future__ import annotations

import re

from secreview.llm.freetext.fields import (
    CWE,
    FIELD_LABELS,
    LOCATION_LABELS,
    NUMBERED_HEADING,
    SENTENCE_END,
    SOLUTION_LABELS,
    first_cwe,
    first_lines,
    has_refs,
    is_generic,
    label,
    line_refs,
    squash,
)
from secreview.llm.freetext.item import Candidate, Item, build_item
from secreview.llm.freetext.structure import blocks, head_of, indent_of, is_table_row, split_list, strip_marker
from secreview.llm.freetext.verdicts import ASSERTS_DEFECT, any_verdict

_MAX_SPLIT_DEPTH = 3


def _expand(candidate: Candidate, depth: int = 0) -> list[Item]:
    """The candidate as one item, or its sub-items when they point at different places."""
    item = build_item(candidate)
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
    shell = build_item(Candidate(candidate.heading, candidate.rest, own))
    expanded: list[Item] = []
    for child in pointed:
        heading, rest = head_of(child[0])
        expanded.extend(_expand(Candidate(heading, rest, child[1:], inherited=shell), depth + 1))
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


def _table_items(rows: list[str]) -> list[Item]:
    """One item per table row that names a CWE or a line; the header row says which cell is what."""
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    header: list[str] = []
    if len(cells) >= 2 and all(set(cell) <= set("-: ") and "-" in cell for cell in cells[1] if cell):
        header = [" ".join(re.sub(r"[^a-z ]", "", cell.lower().replace("(s)", "s")).split()) for cell in cells[0]]
        cells = cells[2:]
    items: list[Item] = []
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
            items.append(build_item(Candidate("", "", body)))
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


def _prose_items(paragraphs: list[list[str]]) -> list[Item]:
    """Items from paragraphs outside lists: CWE-bearing sentence runs, or located defect statements."""
    items: list[Item] = []
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
                    items.append(build_item(Candidate(heading, rest, paragraph[1:])))
                else:
                    items.append(build_item(Candidate("", segment, [])))
                previous_was_item = True
    return items


def find_items(text: str) -> list[Item]:
    items: list[Item] = []
    for heading, body in blocks(text.split("\n")):
        if heading is not None and (has_refs(heading) or NUMBERED_HEADING.match(heading.lstrip("*_ "))):
            items.extend(_expand(Candidate(heading, "", body)))
            continue
        listed, paragraphs = split_list(body)
        found: list[Item] = []
        for entry in listed:
            head, rest = head_of(entry[0])
            found.extend(_expand(Candidate(head, rest, entry[1:])))
        found.extend(_prose_items(paragraphs))
        if (
            not any(item.cwe is not None or item.lines is not None for item in found)
            and heading
            and not is_generic(heading)
            and not listed
            and line_refs("\n".join(body))
            and not any_verdict("\n".join(body))
        ):
            found = [build_item(Candidate(heading, "", body))]
        items.extend(found)
    return items
