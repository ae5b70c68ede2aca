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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from secreview.engines.cbuild import BuildArgs
from secreview.engines.per_file import (
    FileOutcome,
    Report,
    does_not_compile,
    version_output,
)
from secreview.engines.workspace import ToolProcesses, resolved, tool_path
from secreview.models import FlowStep

# Front-end warnings that find a defect too (their options are in the check table; the rest is off by default).
_WARNINGS = ("-Wformat", "-Wformat-security")


@dataclass
class GccAnalyzer:
    name: str = "gcc-analyzer"
    languages: frozenset[str] = frozenset({"c"})
    optional: bool = True
    compiles: bool = True
    minimum_version: int = 10  # -fanalyzer came with GCC 10
    analysis: str = "GCC's analyzer"

    def missing(self) -> str | None:
        if tool_path("gcc") is None:
            return f"no gcc on PATH ({self.analysis} needs gcc {self.minimum_version} or later; optional)"
        major = self.version().split(".")[0]
        if not major.isdigit() or int(major) < self.minimum_version:
            return f"gcc {self.version()} is older than {self.minimum_version}, which {self.analysis} needs (optional)"
        return None

    def version(self) -> str:
        return version_output(tool_path("gcc") or "gcc", "-dumpfullversion", "-dumpversion").split()[0]

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        if build.language != "c":
            return FileOutcome(not_run="gcc-analyzer: GCC's analyzer reviews C only and this header reads as C++")
        return self.compile(path, build, ("-fanalyzer", *_WARNINGS), processes, timeout_s)

    def compile(
        self, path: str, build: BuildArgs, options: Sequence[str], processes: ToolProcesses, timeout_s: float
    ) -> FileOutcome:
        """gcc -c on `path` with `options`, its diagnostics read as JSON; a failure to compile it is not_run."""
        command = [
            tool_path("gcc") or "gcc",
            *build.compiler_flags(),
            *options,
            "-fdiagnostics-format=json",
            "-c",
            "-o",
            os.devnull,
            path,
        ]
        done = processes.run(command, timeout_s=timeout_s)
        try:
            # the JSON array, then (after a fatal error) "compilation terminated."
            diagnostics, _ = json.JSONDecoder().raw_decode(done.stderr[done.stderr.find("[") :] or "[]")
        except json.JSONDecodeError:  # the driver's own failure, e.g. "cannot execute 'cc1plus'" without g++
            said = done.stderr.strip().splitlines() or ["no output"]
            detail = next((line for line in said if "error" in line), said[-1])
            return FileOutcome(not_run=f"{self.name}: gcc failed (exit {done.returncode}): {detail[:200]}")
        return _outcome(self.name, diagnostics, resolved(path))


def _line(location: dict[str, Any], path: str) -> int | None:
    return int(location["line"]) if location and resolved(str(location.get("file", ""))) == path else None


def _outcome(tool: str, diagnostics: list[dict[str, Any]], path: str) -> FileOutcome:
    outcome = FileOutcome()
    warned_here = False  # whether the last warning was on this file (the notes after it say where things began)
    for diagnostic in diagnostics:
        locations = diagnostic.get("locations") or [{}]
        caret, finish = locations[0].get("caret", {}), locations[0].get("finish", {})
        line, kind, message = _line(caret, path), str(diagnostic.get("kind")), str(diagnostic.get("message", ""))
        if "error" in kind:
            outcome.not_run = outcome.not_run or f"{tool}: {does_not_compile(line, message)}"
            continue
        if kind == "note":  # "call to 'free' here", "at offset -8 into object 'buffer'"
            if warned_here and line is not None:
                last = outcome.reports[-1]
                outcome.reports[-1] = replace(last, flow=(*last.flow, FlowStep(line=line, note=message)))
            continue
        warned_here = line is not None
        if line is None:
            continue  # in a header it includes: that header's own review says it
        flow = [
            FlowStep(line=number, note=str(event.get("description", "")))
            for event in diagnostic.get("path") or []
            if (number := _line(event.get("location", {}), path)) is not None
        ]
        option = str(diagnostic.get("option", ""))
        outcome.reports.append(Report(option, message, line, end_line=_line(finish, path), flow=tuple(flow)))
    if outcome.not_run is not None:
        outcome.reports = []  # a file that does not compile was not analysed: what came before the error is partial
    return outcome
