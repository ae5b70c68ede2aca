"""Which language a file is written in, from its name."""

from __future__ import annotations

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


def language_of(path: str | PurePath) -> str | None:
    """The language of a source file, or None if the name says nothing we know."""
    return _BY_SUFFIX.get(PurePath(path).suffix.lower())


def all_languages() -> frozenset[str]:
    return frozenset(_BY_SUFFIX.values())
