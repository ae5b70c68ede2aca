"""Giving command-line tools files to read, running them, and mapping the paths they report back to units."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from secreview.engines.interface import EngineStoppedError
from secreview.models import CodeUnit, line_ranges, spans
from secreview.sources.languages import parse_python

_MAX_ARGUMENT_CHARS = 100_000  # well under Linux's ARG_MAX, so long file lists are split instead
# A tool given a memory limit runs under the shell's `ulimit -v` (its address space, in KiB); where the system
# has no such limit (ulimit fails) the tool runs without one. Python's preexec_fn would do it without a shell,
# but is unsafe with the threads the engines run tools from.
_UNDER_MEMORY_LIMIT = ("/bin/sh", "-c", 'ulimit -v "$0" 2>/dev/null; exec "$@"')
# What gcc ("cc1: out of memory allocating ..."), LLVM ("LLVM ERROR: out of memory") and C++ tools
# (std::bad_alloc) say when an allocation fails
_OUT_OF_MEMORY = re.compile(r"out of memory|memory exhausted|bad_alloc|Cannot allocate memory")


@contextmanager
def units_on_disk(
    units: Sequence[CodeUnit], text_of: Callable[[CodeUnit], str] | None = None
) -> Iterator[dict[str, CodeUnit]]:
    """Resolved file path -> unit; units whose text is not on disk (git blobs, patches) or must be shown
    to tools otherwise (`text_of`, by default `tool_text`: dedented) are written to a temporary directory
    under their own relative path, so tools see the right file names."""
    with tempfile.TemporaryDirectory(prefix="secreview-") as scratch:
        by_path: dict[str, CodeUnit] = {}
        for unit in units:
            text = (text_of or tool_text)(unit)
            if unit.disk_path is not None and text == unit.text:
                path = unit.disk_path
            else:
                relative = PurePosixPath(unit.path.lstrip("/")).parts
                path = Path(scratch, *(part for part in relative if part not in ("..", ".")))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            by_path[str(path.resolve())] = unit
        yield by_path


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _code_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]


def edited_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    """The text with each (start, end, replacement) edit made; the edits in the order of the text, apart (an
    insertion is an edit whose start is its end). What engines/c_text.py and engines/py_text.py give Semgrep."""
    pieces, done = [], 0
    for start, end, replacement in edits:
        pieces += [text[done:start], replacement]
        done = end
    return "".join([*pieces, text[done:]])


def tool_text(unit: CodeUnit) -> str:
    """What the tools read: a Python fragment that starts indented (a method cut out of its class, a window
    cut from the middle of a function, a snippet from a patch) does not parse. The lines before its first
    top-level line are re-indented: each run cut from a deeper block is lifted to the level that follows it,
    then the whole run is dedented. Relative indentation inside a run and every line number are kept."""
    if unit.language != "python":
        return unit.text
    lines = unit.text.splitlines(keepends=True)
    code = _code_lines(lines)
    top = next((i for i in code if _indent(lines[i]) == 0), len(lines))
    head = [i for i in code if i < top]
    while head:
        first = _indent(lines[head[0]])
        outer = next((i for i in head if _indent(lines[i]) < first), None)
        if outer is None:
            break
        shift = first - _indent(lines[outer])
        lines[head[0] : outer] = [line[min(shift, _indent(line)) :] for line in lines[head[0] : outer]]
    margin = min((_indent(lines[i]) for i in code if i < top), default=0)  # comments at column 0 do not count
    return "".join(line[min(margin, _indent(line)) :] for line in lines[:top]) + "".join(lines[top:])


@dataclass(frozen=True)
class ReadablePython:
    """What a parser-based tool (Bandit, the flow engine) reads of a Python unit: `tool_text`, with the lines
    that keep it from parsing left out (blank), so that one Python 2 print statement or a snippet cut in the
    middle of a string does not hide the rest of the file. `left_out` is empty when the unit parses as it is."""

    text: str
    left_out: tuple[int, ...] = ()
    first_error: str = ""

    def note(self, reader: str) -> str | None:
        """What the coverage says of the lines left out, or None."""
        if not self.left_out:
            return None
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        noun, verb = ("line", "does") if len(self.left_out) == 1 else ("lines", "do")
        return (
            f"{reader} read it without {noun} {spans(line_ranges(self.left_out))}, which {verb} not parse under Python "
            f"{version} ({self.first_error})"
        )


# Each left-out line costs a parse of the whole text: a file needing more repairs than these is left unread (and
# said so) rather than read slowly, e.g. a 5,000-line Python 2 module with a print statement in every function.
_MAX_REPAIRS = 200
_MAX_LINES_PARSED = 200_000
_HEADER_LINE = re.compile(r"on line (\d+)$")


def readable_python(unit: CodeUnit) -> ReadablePython | None:
    """`tool_text` as Python can parse it (see ReadablePython), or None when nothing of it parses: each syntax
    error leaves out the lines it names, until the text parses. Indentation that mixes tabs and spaces is read
    as Python 2 did (a tab to the next multiple of 8), and an unterminated triple-quoted string may be the end
    of one that began before a snippet's first line: of the two readings, the one that leaves out less wins."""
    text = tool_text(unit)
    try:
        parse_python(text)
        return ReadablePython(text)
    except TabError:
        text = tool_text(unit.model_copy(update={"text": _python2_indentation(unit.text)}))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    reading, string_cut = _repaired(text, string_began_before=False)
    if not string_cut:
        return reading
    readings = [reading, _repaired(text, string_began_before=True)[0]]
    read = [reading for reading in readings if reading is not None]
    return min(read, key=lambda reading: len(reading.left_out)) if read else None


def syntax_error(unit: CodeUnit) -> str:
    """Why Python cannot parse what the tools read of the unit ("invalid syntax (line 3)"), or "" if it can."""
    try:
        parse_python(tool_text(unit))
    except SyntaxError as error:
        return f"{error.msg} (line {error.lineno})"
    except (ValueError, RecursionError, MemoryError) as error:
        return type(error).__name__
    return ""


def _python2_indentation(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(line[: _indent(line)].expandtabs(8) + line[_indent(line) :] for line in lines)


def _repaired(text: str, string_began_before: bool) -> tuple[ReadablePython | None, bool]:
    """The text with the lines that do not parse left out (None: it took too many repairs, or nothing is left),
    and whether an unterminated triple-quoted string was among the errors."""
    lines = text.splitlines(keepends=True)
    left_out: set[int] = set()
    first_error = ""
    string_cut = False
    for _ in range(min(_MAX_REPAIRS, _MAX_LINES_PARSED // max(len(lines), 1))):
        try:
            parse_python("".join(lines))
        except SyntaxError as error:
            first_error = first_error or f"{error.msg}, line {error.lineno}"
            string_cut = string_cut or "unterminated triple-quoted" in (error.msg or "")
            repairs = _repairs(error, lines, string_began_before)
            if not repairs or all(lines[number - 1] == line for number, line in repairs.items()):
                return None, string_cut
            for number, line in repairs.items():
                lines[number - 1] = line
            left_out |= {number for number, line in repairs.items() if not line.strip()}
            continue
        except (ValueError, RecursionError, MemoryError):
            return None, string_cut
        if not _code_lines(lines):
            return None, string_cut
        return ReadablePython("".join(lines), tuple(sorted(left_out)), first_error), string_cut
    return None, string_cut


def _repairs(error: SyntaxError, lines: list[str], string_began_before: bool) -> dict[int, str]:
    """Line number (1-based) -> what to read there instead, for one syntax error: a block header without a
    body (its body was cut off) left out, a `try:` whose handlers were cut off read as `if True:` (its body
    still read), an unterminated string left out to the end (or from the start), the last code line when the
    text ended too soon, otherwise the lines the error names."""
    message = error.msg or ""
    if error.lineno is None:
        return {}
    header = _HEADER_LINE.search(message)
    if header:
        return {int(header.group(1)): "\n"}
    if message.startswith("expected 'except' or 'finally' block"):
        return _open_try(lines, error.lineno)
    first, last = error.lineno, error.end_lineno or error.lineno
    if "unterminated triple-quoted" in message:
        first, last = (1, error.lineno) if string_began_before else (error.lineno, len(lines))
    named = [number for number in range(first, min(max(last, first), len(lines)) + 1) if lines[number - 1].strip()]
    if not named:  # nothing left there: the text ended too soon (a decorator without its function)
        code = _code_lines(lines)
        named = [code[-1] + 1] if code else []
    return {number: "\n" for number in named}


def _open_try(lines: list[str], after: int) -> dict[int, str]:
    """The `try:` whose handlers were cut off (nearest above line `after`, not deeper than it) as `if True:`."""
    depth = _indent(lines[after - 1]) if after <= len(lines) else 0
    for number in range(min(after, len(lines) + 1) - 1, 0, -1):
        line = lines[number - 1]
        if line.strip() == "try:" and _indent(line) <= depth:
            return {number: line[: _indent(line)] + "if True:\n"}
    return {}


def tool_path(name: str) -> str | None:
    """A command-line tool's path: the one next to this Python first (our virtualenv), then the one on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def resolved(path: str) -> str:
    return str(Path(path).resolve())


def argument_batches(paths: Sequence[str]) -> Iterator[list[str]]:
    """Split a file list into command lines that the OS accepts."""
    batch: list[str] = []
    size = 0
    for path in paths:
        if batch and size + len(path) + 1 > _MAX_ARGUMENT_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += len(path) + 1
    if batch:
        yield batch


class MemoryLimitError(Exception):
    """A tool failed for want of memory under the limit it was given (ToolProcesses' memory_mb)."""

    def __init__(self, memory_mb: int) -> None:
        super().__init__(f"needed more than {memory_mb} MB of memory")


class ToolProcesses:
    """The tool processes (Bandit, Semgrep) an engine runs, so that `stop` (Ctrl-C) can end them all. Each
    runs in a process group of its own: killing the group also ends the tool's own children (Semgrep's
    semgrep-core workers), which killing the tool alone would leave running. With `memory_mb` each tool may use
    that much memory and no more, so one large file cannot take the machine's memory (the kernel's OOM killer
    would then end the review itself, or another job)."""

    def __init__(self, memory_mb: int | None = None) -> None:
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def run(self, command: Sequence[str], timeout_s: float | None = None) -> subprocess.CompletedProcess[str]:
        """Run a tool to its end, its output captured (OSError when it cannot start). EngineStoppedError once
        stopped: its output, cut short by the kill, is never read. subprocess.TimeoutExpired when it ran longer
        than `timeout_s` (it is killed, with its children); MemoryLimitError when it failed for want of memory
        under the limit. The tool's temporary files go to a directory of its own, removed when it ends: a tool
        killed at its time limit cannot clean up (gcc left an empty /tmp/cc*.s per killed compile)."""
        limited = self.memory_mb is not None and os.name == "posix"
        argv = [*_UNDER_MEMORY_LIMIT, str((self.memory_mb or 0) * 1024), *command] if limited else list(command)
        with tempfile.TemporaryDirectory(prefix="secreview-tool-", ignore_cleanup_errors=True) as scratch:
            with self._lock:
                if self._stopped:
                    raise EngineStoppedError
                process = subprocess.Popen(
                    argv,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    errors="replace",
                    env={**os.environ, "TMPDIR": scratch},
                    start_new_session=True,
                )
                self._running.add(process)
            try:
                stdout, stderr = process.communicate(timeout=timeout_s)
            finally:
                with self._lock:
                    self._running.discard(process)
                if process.poll() is None:  # Ctrl-C in this very thread: the tool must not outlive the review
                    _kill_group(process)
                    process.wait()
        if self._stopped:
            raise EngineStoppedError
        if limited and process.returncode != 0 and _OUT_OF_MEMORY.search(stderr):
            raise MemoryLimitError(self.memory_mb or 0)
        return subprocess.CompletedProcess(list(command), process.returncode, stdout, stderr)

    def stop(self) -> None:
        """Kill the running tools and refuse new ones."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                _kill_group(process)


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.killpg(process.pid, signal.SIGKILL)
