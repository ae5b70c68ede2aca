"""Which language a file is written in, from its name (and for a `.h` header, its text); and Python code parsed
as every stage reads it."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import PurePath

_BY_SUFFIX = {
    ".py": "python",
    ".pyw": "python",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hh": "cpp",
    ".hpp": "cpp",
    ".hxx": "cpp",
    ".java": "java",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".go": "go",
    ".rb": "ruby",
    ".php": "php",
    ".cs": "csharp",
    ".kt": "kotlin",
    ".rs": "rust",
    ".scala": "scala",
    ".swift": "swift",
    ".sh": "bash",
    ".bash": "bash",
}


# What only C++ writes: a `.h` header holding one of these is C++ (a class, a namespace, a template, std::).
_CPP_MARKERS = re.compile(
    r"^\s*(?:class\s+\w+\s*[:{]|namespace\s+\w*\s*\{|template\s*<|(?:public|private|protected):)|std::", re.M
)


def language_of(path: str | PurePath, text: str | None = None) -> str | None:
    """The language of a source file, or None if the name says nothing we know. A `.h` header is C unless its
    `text` is C++ (C++ projects name their headers .h too; the C++ rules and compiler must read them)."""
    suffix = PurePath(path).suffix.lower()
    if suffix == ".h" and text is not None and _CPP_MARKERS.search(text):
        return "cpp"
    return _BY_SUFFIX.get(suffix)


def all_languages() -> frozenset[str]:
    return frozenset(_BY_SUFFIX.values())


def parse_python(text: str) -> ast.Module:
    """ast.parse without the warnings compiling prints (`SyntaxWarning: invalid escape sequence`): the reviewed
    code's own style, not ours to print on the user's terminal. Raises what ast.parse raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
