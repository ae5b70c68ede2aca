"""GCC's static analyzer (-fanalyzer), when a gcc of version 10 or later is on PATH: one C file at a time, its
diagnostics read from -fdiagnostics-format=json, each with the path of events that leads to it.

It is optional: secreview's setup cannot install gcc, so where there is none (or an older one) the coverage says
the analyzer did not run, and the review stays complete on the other analyzers. GCC's analyzer reviews C (for
C++ it is experimental before GCC 13), and it needs the file to compile: when it does not (a header of the
build is missing), the coverage says so for that file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from secreview.engines.cbuild import BuildArgs
from secreview.engines.per_file import (
    FileAnalyzer,
    FileByFileEngine,
    FileOutcome,
    Report,
    does_not_compile,
    version_output,
)
from secreview.engines.workspace import ToolProcesses, resolved, tool_path
from secreview.models import FlowStep

MINIMUM_VERSION = 10  # -fanalyzer came with GCC 10
# Front-end warnings that find a defect too (their options are in the check table; the rest is off by default).
_WARNINGS = ("-Wformat", "-Wformat-security")


@dataclass
class GccAnalyzer:
    name: str = "gcc-analyzer"
    languages: frozenset[str] = frozenset({"c"})
    optional: bool = True

    def missing(self) -> str | None:
        if tool_path("gcc") is None:
            return "no gcc on PATH (GCC's analyzer needs gcc 10 or later; optional)"
        major = self.version().split(".")[0]
        if not major.isdigit() or int(major) < MINIMUM_VERSION:
            return f"gcc {self.version()} is older than {MINIMUM_VERSION} and has no -fanalyzer (optional)"
        return None

    def version(self) -> str:
        return version_output(tool_path("gcc") or "gcc", "-dumpfullversion", "-dumpversion").split()[0]

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        if build.language != "c":
            return FileOutcome(not_run="gcc-analyzer: GCC's analyzer reviews C only and this header reads as C++")
        command = [
            tool_path("gcc") or "gcc",
            *build.compiler_flags(),
            "-fanalyzer",
            "-fdiagnostics-format=json",
            *_WARNINGS,
            "-c",
            "-o",
            os.devnull,
            path,
        ]
        done = processes.run(command, timeout_s=timeout_s)
        try:
            # the JSON array, then (after a fatal error) "compilation terminated."
            diagnostics, _ = json.JSONDecoder().raw_decode(done.stderr[done.stderr.find("[") :] or "[]")
        except json.JSONDecodeError:
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return FileOutcome(not_run=f"gcc-analyzer failed (exit {done.returncode}): {detail[:200]}")
        return _outcome(diagnostics, resolved(path))


def _line(location: dict[str, Any], path: str) -> int | None:
    return int(location["line"]) if location and resolved(str(location.get("file", ""))) == path else None


def _outcome(diagnostics: list[dict[str, Any]], path: str) -> FileOutcome:
    outcome = FileOutcome()
    for diagnostic in diagnostics:
        locations = diagnostic.get("locations") or [{}]
        caret, finish = locations[0].get("caret", {}), locations[0].get("finish", {})
        line = _line(caret, path)
        if "error" in str(diagnostic.get("kind")):
            failure = does_not_compile(line, str(diagnostic.get("message", "")))
            outcome.not_run = outcome.not_run or f"gcc-analyzer: {failure}"
            continue
        if line is None:
            continue  # in a header it includes: that header's own review says it
        flow = [
            FlowStep(line=number, note=str(event.get("description", "")))
            for event in diagnostic.get("path") or []
            if (number := _line(event.get("location", {}), path)) is not None
        ]
        outcome.reports.append(
            Report(
                str(diagnostic.get("option", "")),
                str(diagnostic.get("message", "")),
                line,
                end_line=_line(finish, path),
                flow=tuple(flow),
            )
        )
    if outcome.not_run is not None:
        outcome.reports = []  # a file that does not compile was not analysed: what came before the error is partial
    return outcome


def gcc_analyzer_engine() -> FileByFileEngine:
    analyzer: FileAnalyzer = GccAnalyzer()
    return FileByFileEngine(analyzer)
