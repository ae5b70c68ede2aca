"""Giving command-line tools files to read, running them, and mapping the paths they report back to units."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from secreview.engines.interface import EngineStoppedError
from secreview.models import CodeUnit

_MAX_ARGUMENT_CHARS = 100_000  # well under Linux's ARG_MAX, so long file lists are split instead


@contextmanager
def units_on_disk(units: Sequence[CodeUnit]) -> Iterator[dict[str, CodeUnit]]:
    """Resolved file path -> unit; units whose text is not on disk (git blobs, patches) or must be shown
    to tools dedented are written to a temporary directory under their own relative path, so tools see
    the right file names."""
    with tempfile.TemporaryDirectory(prefix="secreview-") as scratch:
        by_path: dict[str, CodeUnit] = {}
        for unit in units:
            text = tool_text(unit)
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
    return textwrap.dedent("".join(lines[:top])) + "".join(lines[top:])


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


class ToolProcesses:
    """The tool processes (Bandit, Semgrep) an engine runs, so that `stop` (Ctrl-C) can end them all. Each
    runs in a process group of its own: killing the group also ends the tool's own children (Semgrep's
    semgrep-core workers), which killing the tool alone would leave running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def run(
        self, command: Sequence[str], env: Mapping[str, str] | None = None, timeout_s: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a tool to its end, its output captured (OSError when it cannot start). EngineStoppedError once
        stopped: its output, cut short by the kill, is never read. subprocess.TimeoutExpired when it ran longer
        than `timeout_s` (it is killed, with its children)."""
        with self._lock:
            if self._stopped:
                raise EngineStoppedError
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                env=env,
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
        if self._stopped:
            raise EngineStoppedError
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
