"""The Clang Static Analyzer and clang-tidy's bugprone-/cert- checks, through the `clang-tidy` PyPI wheel, one
file at a time, its diagnostics read from --export-fixes (YAML).

Only the checks of secreview's table run (engines/c_checks.py): the path-sensitive analyzer checks, which report
the events leading to a defect as notes (the finding's flow), and the pattern checks that find a defect rather
than name a function. A repository's own .clang-tidy is not read (--config={}), so a review does not depend on it.
The analyzer needs the file to compile: when it does not (a header of the build is missing), the coverage says
that only the pattern checks ran on it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from secreview.engines import c_checks
from secreview.engines.cbuild import BuildArgs
from secreview.engines.per_file import (
    FileOutcome,
    Report,
    does_not_compile,
    version_output,
)
from secreview.engines.workspace import ToolProcesses, resolved, tool_path
from secreview.models import FlowStep

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ClangTidy:
    name: str = "clang-tidy"
    languages: frozenset[str] = frozenset({"c", "cpp"})
    optional: bool = False
    compiles: bool = True

    def missing(self) -> str | None:
        return None if tool_path("clang-tidy") else "clang-tidy is not installed (pip install clang-tidy)"

    def version(self) -> str:
        """LLVM's version, e.g. 23.1.4 (from "LLVM version 23.1.4")."""
        words = version_output(tool_path("clang-tidy") or "clang-tidy").split()
        return words[words.index("version") + 1] if "version" in words else " ".join(words)

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        with tempfile.TemporaryDirectory(prefix="secreview-clang-tidy-") as scratch:
            exported = Path(scratch, "diagnostics.yaml")
            command = [
                tool_path("clang-tidy") or "clang-tidy",
                "--config={}",
                f"--checks=-*,{','.join(c_checks.CLANG_TIDY)}",
                "--quiet",
                f"--export-fixes={exported}",
                path,
                "--",
                *build.compiler_flags(),
            ]
            done = processes.run(command, timeout_s=timeout_s)
            if not exported.is_file():
                if done.returncode == 0:
                    return FileOutcome()
                detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                return FileOutcome(skipped=f"clang-tidy failed (exit {done.returncode}): {detail[:200]}")
            diagnostics = (yaml.load(exported.read_text(encoding="utf-8"), Loader=_Loader) or {}).get("Diagnostics")
        return _outcome(diagnostics or [], resolved(path))


def _outcome(diagnostics: list[dict[str, Any]], path: str) -> FileOutcome:
    outcome = FileOutcome()
    content = Path(path).read_bytes()

    def line_of(message: dict[str, Any]) -> int | None:
        if resolved(str(message.get("FilePath", ""))) != path:
            return None
        return content.count(b"\n", 0, int(message.get("FileOffset", 0))) + 1

    for diagnostic in diagnostics:
        main = diagnostic.get("DiagnosticMessage", {})
        line = line_of(main)
        if diagnostic.get("Level") == "Error":
            if str(main.get("Message", "")).startswith("too many errors"):
                continue  # clang's closing remark, not the error that says why
            failure = does_not_compile(line, str(main.get("Message", "")))
            outcome.notes.append(f"clang-tidy: the Clang Static Analyzer did not run on it: {failure}")
            continue
        if line is not None:
            notes = diagnostic.get("Notes") or []
            steps = [(line_of(note), str(note.get("Message", ""))) for note in notes]
            flow = [FlowStep(line=number, note=text) for number, text in steps if number is not None]
            check = str(diagnostic.get("DiagnosticName", ""))
            outcome.reports.append(Report(check, str(main.get("Message", "")), line, flow=tuple(flow)))
        # else: in a header it includes, which its own review covers
    outcome.notes = outcome.notes[:1]
    return outcome
