"""The markdown shape of a review, line by line: headings (markdown, bold-only, CWE-led or numbered), fenced
code, top-level list items and where each ends, table rows, prose paragraphs, and the heading of an item's first
line. It says where things are, not what they mean: which blocks, entries and paragraphs are items is decided in
itemize, what an item says in item and fields."""

from __future__ import annotations

import re
from collections.abc import Iterator

from secreview.llm.freetext.fields import CWE, NUMBERED_HEADING, SEVERITY_WORDS, label

_LIST_MARKER = re.compile(r"\s*(?:\d{1,3}[.)]|\(\d{1,3}\)|[-*+\u2022\u25cf\u25aa\u25e6\u2023])\s+")
_MD_HEADING = re.compile(r"\s{0,3}#{1,6}\s+(.*)")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def strip_marker(line: str) -> str:
    match = _LIST_MARKER.match(line)
    return line[match.end() :].strip() if match else line.strip()


def _heading_of(line: str, previous_blank: bool) -> str | None:
    """The heading text if the line is a heading (markdown, bold-only, or a CWE/numbered lead)."""
    stripped = line.strip()
    if not stripped:
        return None
    indent = indent_of(line)
    if indent > 3:
        return None
    markdown = _MD_HEADING.match(line)
    if markdown:
        return markdown.group(1).strip().strip("#").strip()
    if indent or not previous_blank:  # bold or CWE-led lines inside an item or paragraph are not headings
        return None
    core = stripped.rstrip(":").strip()
    for mark in ("**", "__"):
        if len(core) > 4 and core.startswith(mark) and core.endswith(mark) and mark not in core[2:-2]:
            inner = core[2:-2].strip().rstrip(":").strip()
            return None if label(inner + ":") is not None else inner
    if not _LIST_MARKER.match(line):
        lead = stripped.lstrip("*_ ")
        # "CWE-89: SQL Injection" is a heading; "CWE-89 on line 4: the query is built from input." a sentence.
        headline = not stripped.endswith(".") and len(stripped.split()) <= 16
        if headline and (CWE.match(lead) or NUMBERED_HEADING.match(lead)) and label(stripped) is None:
            return stripped
    return None


def blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """The text cut at headings: (heading, the lines under it), the first with heading None."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    previous_blank = True
    for line, code in code_flags(lines):
        heading = None if code else _heading_of(line, previous_blank)
        if heading is not None:
            blocks.append((heading, []))
        else:
            blocks[-1][1].append(line)
        previous_blank = not line.strip()
    return blocks


def is_fence(line: str) -> bool:
    return line.lstrip().startswith(("```", "~~~"))


def code_flags(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Each line with whether it is code (a fence line or a line between fences): code is never markup."""
    inside = False
    for line in lines:
        fence = is_fence(line)
        yield line, inside or fence
        inside = inside != fence


def is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def split_list(lines: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Top-level list items (each a list of lines) and prose paragraphs outside them."""
    items: list[list[str]] = []
    paragraphs: list[list[str]] = [[]]  # the last one is open; empty ones are dropped at the end
    current: list[str] | None = None
    current_indent = 0
    previous_blank = True
    for line, code in code_flags(lines):
        stripped = line.strip()
        indent = indent_of(line)
        if code:  # code belongs to the item (or paragraph) it follows
            (current if current is not None else paragraphs[-1]).append(line)
        elif not stripped:
            if current is not None:
                current.append(line)
            else:
                paragraphs.append([])
        elif _LIST_MARKER.match(line) and (current is None or indent <= current_indent):
            paragraphs.append([])
            current = [line]
            items.append(current)
            current_indent = indent
        elif current is not None and (indent > current_indent or not previous_blank or label(stripped)):
            current.append(line)
        else:
            current = None
            if paragraphs[-1] and is_table_row(paragraphs[-1][-1]) != is_table_row(line):  # a table is a paragraph
                paragraphs.append([])
            paragraphs[-1].append(line)
        previous_blank = not stripped and not code
    return items, [paragraph for paragraph in paragraphs if paragraph]


def head_of(line: str) -> tuple[str, str]:
    """(heading, rest) of an item's first line, list marker removed."""
    text = strip_marker(line)
    if label(text) is not None:
        return "", text
    for mark in ("**", "__"):
        if text.startswith(mark):
            close = text.find(mark, 2)
            if close > 2:
                rest = text[close + 2 :].lstrip(":-\u2013\u2014 ").strip()
                return text[2:close].strip().rstrip(":").strip(), rest
    colon = text.find(": ", 0, 200)
    if colon > 0:
        lead = text[:colon]
        words = lead.split()
        named = bool(CWE.search(lead))
        if (
            not SEVERITY_WORDS.issuperset(word.lower().strip("*_()[]") for word in words)
            and len(words) <= (16 if named else 6)
            and "," not in lead
            and words[0].lower() not in {"in", "on", "at", "the", "this", "a", "an"}
        ):
            return lead.strip(), text[colon + 2 :].strip()
    return "", text
