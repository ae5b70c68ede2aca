"""The C and C++ analyzers by name, as the `c-analyzers` setting lists them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from secreview.engines.clang_tidy import clang_tidy_engine
from secreview.engines.cppcheck import cppcheck_engine
from secreview.engines.gcc_analyzer import gcc_analyzer_engine
from secreview.engines.gcc_warnings import gcc_warnings_engine
from secreview.engines.per_file import FileByFileEngine

ANALYZERS: dict[str, Callable[[], FileByFileEngine]] = {
    "cppcheck": cppcheck_engine,
    "clang-tidy": clang_tidy_engine,
    "gcc-analyzer": gcc_analyzer_engine,
    "gcc-warnings": gcc_warnings_engine,
}


def c_analyzers(names: Sequence[str]) -> list[FileByFileEngine]:
    """The named analyzers, in the order of ANALYZERS (so reports do not depend on the setting's order)."""
    return [make() for name, make in ANALYZERS.items() if name in names]
