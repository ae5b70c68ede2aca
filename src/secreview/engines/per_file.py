"""Running a C analyzer file by file: each file compiled on its own with the arguments cbuild.py works out,
several files at once, stoppable (Ctrl-C) like the other tools, and the analyzer's report turned into findings
with the path that leads to each defect (its notes) as the finding's flow.

The C analyzers differ only in their command line and in how their report reads; `FileAnalyzer` is that
difference, `review_file_by_file` the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from secreview import cwe
from secreview.engines import c_checks, c_text, cbuild, workspace
from secreview.engines.cbuild import BuildArgs, BuildContext
from secreview.engines.interface import (
    CANDIDATE_CONFIDENCE,
    EngineResult,
    EngineStoppedError,
    EngineUnavailableError,
    source_digest,
)
from secreview.engines.rulebook import advice_for, rules_digest
from secreview.engines.workspace import MemoryLimitError, ToolProcesses, units_on_disk
from secreview.models import CodeUnit, Evidence, Finding, FlowStep
from secreview.sources import parts
from secreview.sources.parts import Split

DEFAULT_TIMEOUT_S = 120  # per file; a file the analyzer cannot finish in this time is reported, not waited for


@dataclass(frozen=True)
class Report:
    """One analyzer report on the file under review, before it is judged: its check, message and place."""

    check: str
    message: str
    line: int
    end_line: int | None = None
    flow: tuple[FlowStep, ...] = ()


@dataclass
class FileOutcome:
    """What an analyzer made of one file: its reports, and remarks (a note) or why it did not review it."""

    reports: list[Report] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # a gap: the analyzer failed on the file
    not_run: str | None = None  # not a gap: the optional analysis could not run on it (see EngineResult.not_run)


class FileAnalyzer(Protocol):
    name: str
    languages: frozenset[str]
    optional: bool  # True: its absence or a failure on a file is said in the coverage (not_run), not a gap
    compiles: bool  # True: it reads the code a compiler sees, so what the preprocessor leaves out it never reads

    def version(self) -> str:
        """The tool's version; EngineUnavailableError when it is not installed (an optional one: see `missing`)."""
        ...

    def missing(self) -> str | None:
        """Why the tool cannot run here (not installed, too old), or None."""
        ...

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        """Run the tool on the file at `path`; raises EngineStoppedError once stopped, TimeoutExpired past the
        time limit."""
        ...


def compiled_away(path: str, text: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> str | None:
    """Why a compiler reads none of the file's code (`text`) with this build's macros (it is all inside #if blocks
    that they leave out, as a codec's file is without its library's HAVE_ macro), or None: some of it is compiled,
    or there is no gcc to ask. Only a file whose code starts inside a conditional is asked about (gcc -E), once for
    all the compiler-based analyzers."""
    directive = leading_conditional(text)
    gcc = workspace.tool_path("gcc")
    if directive is None or gcc is None:
        return None
    command = (gcc, *build.compiler_flags(), "-E", path)
    key = (*command, hashlib.sha256(text.encode()).hexdigest())
    with _PREPROCESSED_LOCK:
        known = _PREPROCESSED.get(key)
    if known is None:
        known = _compiles_some_of_it(processes.run(command, timeout_s=timeout_s), path)
        with _PREPROCESSED_LOCK:
            _PREPROCESSED[key] = known
    if known:
        return None
    return (
        f"none of its code is compiled with this build's macros (its code starts inside `{directive}`); a "
        "compile_commands.json whose build defines more would let it read the code"
    )


def _compiles_some_of_it(done: subprocess.CompletedProcess[str], path: str) -> bool:
    """Whether gcc -E kept a line of `path` (a file that does not compile is left to the analyzers to say)."""
    if done.returncode != 0:
        return True
    current = None
    for line in done.stdout.splitlines():
        marker = _LINE_MARKER.match(line)
        if marker:
            current = marker.group(1)  # gcc names the file as it was given
        elif current == path and line.strip():
            return True
    return False


# gcc -E's answer per command and file content: the three compiler-based analyzers ask about the same files
_PREPROCESSED: dict[tuple[str, ...], bool] = {}
_PREPROCESSED_LOCK = threading.Lock()


_LINE_MARKER = re.compile(r'^# \d+ "(.*)"')
_OPENS = re.compile(r"^#\s*if")
_CLOSES = re.compile(r"^#\s*endif")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def leading_conditional(text: str) -> str | None:
    """The innermost #if/#ifdef line that the file's first code (after comments, includes and defines) is
    inside, or None when that code is outside every conditional but an include guard (or there is no code, only
    macros): a guard is never left out, so a header inside one alone needs no preprocessor run."""
    return next(_code_lines_inside(text), None)


def all_code_inside_conditionals(text: str) -> bool:
    """Whether every line of the file's code is inside an #if/#ifdef (an include guard aside), so that a reading
    with no macro defined can leave all of it out; `extern "C" {` under `#ifdef __cplusplus` alone is not that."""
    found = list(_code_lines_inside(text))
    return bool(found) and None not in found


def _code_lines_inside(text: str) -> Iterator[str | None]:
    """For each line of code (not a directive, comment or blank), the innermost #if/#ifdef it is inside, or None:
    outside every conditional but include guards."""
    open_conditionals: list[str | None] = []  # None: an include guard (#ifndef NAME, then #define NAME)
    continued = False  # a directive's line ending in a backslash: the next line is still the directive
    previous = ""  # the directive before this one
    for line in _BLOCK_COMMENT.sub("", text).splitlines():
        stripped = line.strip()
        directive, continued = continued or stripped.startswith("#"), stripped.endswith("\\")
        if not stripped or stripped.startswith("//"):
            continue
        if not directive:
            yield next((opened for opened in reversed(open_conditionals) if opened is not None), None)
            continue
        words = stripped.lstrip("#").split()
        if _OPENS.match(stripped):
            open_conditionals.append(" ".join(stripped.split()))
        elif _CLOSES.match(stripped) and open_conditionals:
            open_conditionals.pop()
        elif words[:1] == ["define"] and len(words) > 1 and previous == f"ifndef {words[1]}" and open_conditionals:
            open_conditionals[-1] = None
        previous = " ".join(words[:2])


def does_not_compile(line: int | None, message: str) -> str:
    """Why a compiler-based analyzer did not analyse a file: its first compile error, and what would help."""
    where = f"line {line}: " if line else ""
    return (
        f"it does not compile as secreview builds it (first error: {where}{message}); if its build needs more, "
        "give secreview the repository's compile_commands.json"
    )


@cache
def version_output(command: str, *arguments: str) -> str:
    """What a tool says of its version (`command --version` unless told otherwise), asked once."""
    try:
        return ToolProcesses().run([command, *(arguments or ("--version",))], timeout_s=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EngineUnavailableError(f"cannot run {command}: {error}") from None


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def default_memory_mb() -> int | None:
    """A quarter of this machine's memory for each analyzer run: GCC's analyzer took 2.8 GB on one 4,500-line
    file (lz4.c), and the analyzers run side by side, several files each. None where the size is not known."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 4 // 2**20
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows), or no such name
        return None


@dataclass
class FileByFileEngine:
    """A C analyzer as an engine (CacheableEngine): the analyzer's module says how to run it and read it."""

    analyzer: FileAnalyzer
    jobs: int = field(default_factory=default_jobs)
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int | None = None  # per analyzer run; None: no limit
    name: str = field(init=False)
    languages: frozenset[str] = field(init=False)
    wants_hints: bool = False
    _processes: ToolProcesses = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.name, self.languages = self.analyzer.name, self.analyzer.languages
        self._processes = ToolProcesses(self.memory_mb)

    def version(self) -> str:
        missing = self.analyzer.missing()
        return f"not run: {missing}" if missing else self.analyzer.version()

    def stop(self) -> None:
        self._processes.stop()

    def cache_key(self) -> dict[str, Any]:
        """The tool's version, the time and memory limits, the check table, and the code that runs the tool and
        reads it."""
        return {
            "tool": self.version(),
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
            # the include folders the compilers take from the environment (and cppcheck from them: cbuild)
            "environment": {name: os.environ.get(name) for name in cbuild.INCLUDE_VARIABLES},
            "python_headers": cbuild.python_headers(),  # where an extension's Python.h is read from
            "rules": rules_digest(),
            "source": source_digest(
                *(sys.modules[kind.__module__] for kind in type(self.analyzer).__mro__ if kind is not object),
                sys.modules[__name__],
                cbuild,
                c_checks,
                c_text,
                parts,
                workspace,
                cwe,
            ),
        }

    def dependencies(self, units: Sequence[CodeUnit]) -> dict[str, str]:
        """Unit id -> sha256 of the repository files the analyzer may read with the file (ReadsOtherFiles: the
        headers it includes, and a header's includer, cbuild's `files_read_with`), so a change to one of them must
        review the file again, and a change to another must not."""
        build = BuildContext.for_units(units)
        digests = {}
        for unit in units:
            if unit.disk_path is not None:  # the others are written to a scratch folder, with no headers beside
                named = {name: hashlib.sha256(text).hexdigest() for name, text in build.files_read_with(unit).items()}
                digests[unit.id] = hashlib.sha256(json.dumps(named, sort_keys=True).encode()).hexdigest()
        return digests

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        missing = self.analyzer.missing()
        if missing is not None:
            if not self.analyzer.optional:
                raise EngineUnavailableError(f"{self.name} cannot run: {missing}")
            return EngineResult(not_run=dict.fromkeys((unit.id for unit in units), f"{self.name}: {missing}"))
        return review_file_by_file(self.analyzer, units, self._processes, self.jobs, self.timeout_s)


def review_file_by_file(
    analyzer: FileAnalyzer,
    units: Sequence[CodeUnit],
    processes: ToolProcesses,
    jobs: int,
    timeout_s: float,
) -> EngineResult:
    """Each unit analysed on its own, `jobs` at once; results in the order of `units`, whatever finished first."""
    result = EngineResult()
    with units_on_disk(units) as by_path:
        build = BuildContext.for_units(by_path.values())

        # worked out before the threads start: a header's includer (and its runs) must be one object for them all
        arguments = {path: build.args(path, unit) for path, unit in by_path.items()}

        def one(path: str) -> FileOutcome:
            unit, args = by_path[path], arguments[path]
            try:
                if analyzer.compiles and (reason := compiled_away(path, unit.text, args, processes, timeout_s)):
                    return FileOutcome(not_run=f"{analyzer.name}: {reason}")
                return analyzer.analyse(path, args, processes, timeout_s)
            except subprocess.TimeoutExpired:
                reason = f"did not finish it in {timeout_s:g} s"
            except MemoryLimitError as error:
                reason = str(error)
            return (
                FileOutcome(not_run=f"{analyzer.name}: {reason}") if analyzer.optional else FileOutcome(skipped=reason)
            )

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {path: pool.submit(one, path) for path in by_path}
            for path, future in futures.items():
                unit = by_path[path]
                try:
                    outcome = future.result()
                except EngineStoppedError:
                    result.interrupt([unit.id])
                    continue
                result.extend(_judged(analyzer.name, unit, outcome))
    return result


def _judged(engine: str, unit: CodeUnit, outcome: FileOutcome) -> EngineResult:
    result = EngineResult()
    if outcome.skipped is not None:
        result.skipped[unit.id] = outcome.skipped
    if outcome.not_run is not None:
        result.not_run[unit.id] = outcome.not_run
    if outcome.notes:
        result.notes[unit.id] = list(dict.fromkeys(outcome.notes))
    table = c_checks.TABLES[engine]
    split = cache(lambda: parts.split_unit(unit))  # the file's functions, read once and only if a report needs them
    for report in outcome.reports:
        weakness = c_checks.weakness(table, report.check, report.message, [step.note for step in report.flow])
        if weakness is not None:
            result.findings.append(_finding(engine, unit, report, weakness, _unsure(engine, split, report, weakness)))
    return result


def _unsure(engine: str, split: Callable[[], Split], report: Report, weakness: c_checks.Weakness) -> str:
    """Why the report is only a candidate to check (what the analyzer does not see); empty: a defect as reported."""
    if weakness.unsure:
        return f"{weakness.unsure}: a candidate to check."
    escape = c_text.address_escape(split(), report.line, weakness.unset_variable) if weakness.unset_variable else None
    if escape is not None:
        return (
            f"`{weakness.unset_variable}`'s address escapes at line {escape}, and {engine} does not follow writes "
            "made through it (a library call filling the buffer it was given earlier): a candidate to check."
        )
    allocated = weakness.check.loses_stores_through_pointers and next(
        (step.line for step in report.flow if step.note == "allocated here"), None
    )
    if allocated and c_text.stored_through_pointer(split(), allocated):
        return (
            f"The memory is stored through a pointer where it is allocated (line {allocated}), into memory the "
            f"caller may hold, and {engine} can lose track of such a store: a leak only if nothing frees it from "
            "there; a candidate to check."
        )
    declared = c_text.byte_buffer_copied_into(split(), report.line) if weakness.check.binary_destination else None
    if declared:
        return (
            f"The destination is a byte buffer (`{declared}`): binary data, handled by its length, needs no "
            "terminator; unterminated only if it is read as a string: a candidate to check."
        )
    return ""


def _finding(engine: str, unit: CodeUnit, report: Report, weakness: c_checks.Weakness, unsure: str) -> Finding:
    severity = c_checks.severity(weakness.cwe)
    message = " ".join(report.message.split())
    description = f"{message.rstrip('.')}. {unsure}" if unsure else message
    confidence = min(weakness.confidence, CANDIDATE_CONFIDENCE) if unsure else weakness.confidence
    return Finding(
        path=unit.path,
        start_line=report.line,
        end_line=max(report.end_line or report.line, report.line),
        cwe=weakness.cwe,
        title=cwe.short_name(weakness.cwe) + (" (candidate)" if unsure else ""),
        description=description,
        solution=advice_for(weakness.cwe, unit.language),
        severity=severity,
        confidence=confidence,
        flow=list(report.flow),
        evidence=[
            Evidence(
                engine=engine,
                rule_id=report.check,
                message=description,
                severity=severity,
                confidence=confidence,
                cwe=weakness.cwe,
            )
        ],
        kind="candidate" if unsure else "defect",
    )
