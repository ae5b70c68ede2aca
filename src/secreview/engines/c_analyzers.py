"""The C and C++ analyzers by name, as the `c-analyzers` setting lists them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from secreview.engines.clang_tidy import ClangTidy
from secreview.engines.cppcheck import Cppcheck
from secreview.engines.gcc_analyzer import GccAnalyzer
from secreview.engines.gcc_warnings import GccWarnings
from secreview.engines.per_file import DEFAULT_TIMEOUT_S, FileAnalyzer, FileByFileEngine, default_memory_mb

ANALYZERS: dict[str, Callable[[], FileAnalyzer]] = {
    "cppcheck": Cppcheck,
    "clang-tidy": ClangTidy,
    "gcc-analyzer": GccAnalyzer,
    "gcc-warnings": GccWarnings,
}


def c_analyzers(
    names: Sequence[str], timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int | None = None
) -> list[FileByFileEngine]:
    """The named analyzers, in the order of ANALYZERS (so reports do not depend on the setting's order), each
    run on a file for at most `timeout_s` and with at most `memory_mb` of memory (None: a quarter of the
    machine's; 0: no limit)."""
    limit = default_memory_mb() if memory_mb is None else memory_mb or None
    return [
        FileByFileEngine(make(), timeout_s=timeout_s, memory_mb=limit)
        for name, make in ANALYZERS.items()
        if name in names
    ]
