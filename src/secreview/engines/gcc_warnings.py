"""GCC's warnings that need the optimizer, when a gcc of version 12 or later is on PATH: one C or C++ file at a
time compiled with -O2, its diagnostics read from -fdiagnostics-format=json.

These warnings come from the passes that track sizes and pointers through the optimised code, so they see what
the front end and the analyzer do not: an index, copy or sprintf outside an object whose size is known
(-Warray-bounds, -Wstringop-overflow, -Wstringop-overread, -Wformat-overflow), a pointer used after free or
delete or after the block of the local it points to, a free of a stack object, a deallocator that does not
match the allocator, a NULL that a path returns dereferenced, sizeof of a pointer as a length, a function that
can only call itself. They run apart from gcc-analyzer because -O2 changes what the analyzer reports (on
juliet-c-dev, for 28 of its 544 C files). Only the warnings of secreview's table (engines/c_checks.py) are
read; the rest of gcc's warnings are not security reports. Optional like gcc-analyzer: without gcc 12 the
coverage says it did not run.
"""

from __future__ import annotations

from dataclasses import dataclass

from secreview.engines.cbuild import BuildArgs
from secreview.engines.gcc_analyzer import GccAnalyzer
from secreview.engines.per_file import FileOutcome
from secreview.engines.workspace import ToolProcesses

# The table's warnings (those in -Wall at its levels: -Wuse-after-free=3 would add comparisons of freed pointers).
WARNINGS = (
    "-Warray-bounds=1",
    "-Wstringop-overflow=2",
    "-Wstringop-overread",
    "-Wuse-after-free=2",
    "-Wfree-nonheap-object",
    "-Wmismatched-dealloc",
    "-Winfinite-recursion",
    "-Wdangling-pointer=2",
    "-Wformat-overflow=1",
    "-Wsizeof-pointer-memaccess",
    "-Wnull-dereference",
)
_CXX_WARNINGS = ("-Wmismatched-new-delete",)


@dataclass
class GccWarnings(GccAnalyzer):
    """gcc found and checked as for its analyzer (a subclass, so its cache key covers the shared reading)."""

    name: str = "gcc-warnings"
    languages: frozenset[str] = frozenset({"c", "cpp"})
    minimum_version: int = 12  # -Wuse-after-free and -Winfinite-recursion came with GCC 12
    analysis: str = "GCC's optimizer warnings"

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        options = ("-O2", *WARNINGS, *(_CXX_WARNINGS if build.language == "c++" else ()))
        return self.compile(path, build, options, processes, timeout_s)
