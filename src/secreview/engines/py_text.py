"""What Semgrep reads of a Python file: the file as written, with the syntax Semgrep's Python parser does not take
written in the syntax it does. Every line keeps its number, so findings point at the file as written.

Semgrep (1.187) reads a file with `match` statements (Python 3.10) or type parameters (`type X = ...`, `def
f[T]()`, `class C[T]:`, Python 3.12) with its fallback parser, which says nothing of it: no error, the same rules
run, but no f-string pattern matches anything in the whole file, so every sanitiser written as one (a fixed path
before a value, `f"/users/{name}"`; a query string after a checked URL, `f"{reverse('profile')}?id={obj.pk}"`)
stops nothing there. Weblate's accounts/views.py had five redirects reported for one `match` at its end, and a
tenth of litellm's files hold one. So, where the file has such syntax:

- `match SUBJECT:` is read as `if SUBJECT:` (a tuple in parentheses), and each `case PATTERN if GUARD:` as `if
  (True):`: every branch's statements stay where they are, read as if each ran; what a pattern binds is not traced.
- `type X = ...` is read as `X = ...`, and a definition's type parameters (`[T]`) are left out.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Protocol

from secreview.engines.workspace import edited_text
from secreview.sources.languages import parse_python

_Span = tuple[int, int, str]  # start and end offsets in the text, and what replaces that part


class _Positioned(Protocol):
    """A node with its place in the text (an expression, a statement, a pattern, a type parameter)."""

    @property
    def lineno(self) -> int: ...
    @property
    def col_offset(self) -> int: ...
    @property
    def end_lineno(self) -> int | None: ...
    @property
    def end_col_offset(self) -> int | None: ...


# a line that may start such syntax (the file is parsed only where one does)
_MAY_NEED_IT = re.compile(r"^[ \t]*(match\b|type[ \t]+\w|(async[ \t]+)?(def|class)[ \t]+\w+[ \t]*\[)", re.MULTILINE)
# Python 3.12's type aliases (`type X = ...`); on an older Python such a file does not parse
_TYPE_ALIAS: Any = getattr(ast, "TypeAlias", ())


def semgrep_text(text: str) -> str:
    """The Python text as Semgrep should read it (the module's docstring says what changes); the text itself where
    nothing needs to, or where Python's parser does not take it."""
    if not _MAY_NEED_IT.search(text):
        return text
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError, RecursionError):
        return text
    offsets = _line_offsets(text)
    return edited_text(text, sorted(span for node in ast.walk(tree) for span in _rewritten(node, text, offsets)))


def _line_offsets(text: str) -> list[int]:
    """The offset in `text` of each line's start (index 0 for line 1)."""
    offsets, total = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    return [*offsets, total]


def _start(node: _Positioned, text: str, offsets: list[int]) -> int:
    """The text's offset where the node starts (ast's columns count UTF-8 bytes)."""
    return _offset(text, offsets, node.lineno, node.col_offset)


def _end(node: _Positioned, text: str, offsets: list[int]) -> int:
    return _offset(text, offsets, node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


def _offset(text: str, offsets: list[int], line: int, column: int) -> int:
    start = offsets[line - 1]
    return start + len(text[start : start + column].encode("utf-8")[:column].decode("utf-8", errors="ignore"))


def _only_lines(part: str) -> str:
    """What keeps a replaced part's line breaks (inside parentheses, where they may be)."""
    return "\n" * part.count("\n")


def _rewritten(node: ast.AST, text: str, offsets: list[int]) -> list[_Span]:
    """The parts of `text` to replace for this node, as the module's docstring says."""
    if isinstance(node, ast.Match):
        keyword = _start(node, text, offsets)
        colon = text.index(":", _end(node.subject, text, offsets))
        spans: list[_Span] = [(keyword, keyword + len("match"), "if ("), (colon, colon, ")")]
        for case in node.cases:
            case_keyword = text.rindex("case", 0, _start(case.pattern, text, offsets))
            case_colon = text.index(":", _end(case.guard or case.pattern, text, offsets))
            spans.append((case_keyword, case_colon, f"if (True{_only_lines(text[case_keyword:case_colon])})"))
        return spans
    if isinstance(node, _TYPE_ALIAS):
        keyword, name = _start(node, text, offsets), _start(node.name, text, offsets)
        return [(keyword, name, ""), *_type_parameters(node, text, offsets, name)]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return _type_parameters(node, text, offsets, _start(node, text, offsets))
    return []


def _type_parameters(node: ast.AST, text: str, offsets: list[int], after: int) -> list[_Span]:
    """The brackets of a definition's type parameters (`[T]`, `[K, V: str]`), left out where they are on one line
    (outside parentheses a line break may not be)."""
    parameters = getattr(node, "type_params", [])
    if not parameters:
        return []
    opening = text.rindex("[", after, _start(parameters[0], text, offsets))
    closing = text.index("]", _end(parameters[-1], text, offsets))
    return [] if "\n" in text[opening:closing] else [(opening, closing + 1, "")]
