"""One item read into its fields: a Candidate (a heading, the rest of its first line, the lines below) becomes
an Item with title, CWE, lines, description, solution and severity, taking from its parent item what it does not say
itself. Kept apart from itemize so that "what is an item" and "what an item says" can be read one at a time."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from secreview.llm.freetext.fields import (
    INLINE_SOLUTION,
    LOCATION_LABELS,
    SEVERITY_LABELS,
    SOLUTION_LABELS,
    TITLE_LABELS,
    catalog_name,
    clean_title,
    clip,
    first_cwe,
    first_lines,
    first_sentence,
    is_generic,
    label,
    says_something,
    severity_of,
    squash,
)
from secreview.llm.freetext.structure import code_flags, is_fence, strip_marker
from secreview.llm.freetext.verdicts import ASSERTS_DEFECT, NOTHING_HERE, hedged
from secreview.models import Severity


@dataclass
class Candidate:
    """One item before its fields are read: a heading, the rest of its first line, the lines below."""

    heading: str
    rest: str
    body: list[str]
    inherited: Item | None = None


@dataclass
class Item:
    title: str
    cwe: int | None
    cwe_name: str
    lines: tuple[int, int] | None
    description: str
    solution: str
    severity: Severity
    negative: bool = False


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


def _fields(candidate: Candidate) -> tuple[str, str, str, str, str]:
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


def build_item(candidate: Candidate) -> Item:
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
    return Item(
        title=clip(title),
        cwe=cwe_id,
        cwe_name=cwe_name,
        lines=lines,
        description=description if says_something(description) else title,
        solution=solution,
        severity=severity_of(severity_text),
        negative=negative,
    )
