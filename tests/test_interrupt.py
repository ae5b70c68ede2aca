"""Ctrl-C during a review: the report of what was finished, exit 3, no tool left running, a consistent cache,
and a re-run that does only the rest.

Real parts throughout: the CLI in a subprocess sent a real SIGINT, Bandit and Semgrep, the HTTP client, and a
slow scripted local OpenAI-compatible server (FaultServer) so that the interrupt lands mid-review."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import SQL_INJECTION, FaultServer, clean_environment, serving, sql_defect, structured_answer
from secreview.backends.call_log import CACHE_DIR_ENV, CallLog
from secreview.engines.interface import wait_all

NAMES = ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"]


def start(folder: Path, cache: Path, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """The real CLI, as a user starts it: SIGINT at its default (a test run in the background ignores it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "secreview", "review", *args, "--format", "json", "--fail-on", "critical"],
        cwd=folder,
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean_environment(), CACHE_DIR_ENV: str(cache)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def interrupt_when(
    process: subprocess.Popen[str], ready: Callable[[], bool], signum: int = signal.SIGINT, timeout_s: float = 120
) -> float:
    """Send `signum` (SIGINT: what Ctrl-C sends) once `ready()`; how many seconds the CLI then took to exit."""
    deadline = time.monotonic() + timeout_s
    try:
        while not ready():
            assert process.poll() is None, "the review ended before the interrupt"
            assert time.monotonic() < deadline, "the review never got to the point of the interrupt"
            time.sleep(0.05)
    except BaseException:
        process.send_signal(signal.SIGINT)  # no review left running after a failed test
        raise
    process.send_signal(signum)
    sent = time.monotonic()
    process.wait(timeout=60)
    return time.monotonic() - sent


def test_a_ctrl_c_the_kernel_hands_to_a_worker_thread_is_heard_while_the_main_thread_waits():
    """The kernel may deliver SIGINT to any thread; Python runs its handler in the main thread, which must not
    sleep through it until the workers finish (a review then ran its analyzers to the end and called itself
    complete, exit 0)."""
    release = threading.Event()

    def worker() -> None:
        time.sleep(0.5)  # the main thread is waiting by now
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        release.wait(60)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            try:
                with pytest.raises(KeyboardInterrupt):
                    future = pool.submit(worker)
                    wait_all([future])
                assert not future.done()
            finally:
                release.set()
    finally:
        signal.signal(signal.SIGINT, previous)


def units(report: Path) -> dict[str, dict[str, Any]]:
    return {unit["path"]: unit for unit in json.loads(report.read_text())["coverage"]["units"]}


def asked_about(server: FaultServer, name: str) -> int:
    return sum(name in json.dumps(body["messages"]) for body in server.requests)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])  # SIGTERM: how CI cancels a job
def test_ctrl_c_keeps_the_finished_model_reviews_and_a_rerun_does_only_the_rest(tmp_path: Path, signum: int):
    code, cache, report = tmp_path / "code", tmp_path / "cache", tmp_path / "report.json"
    code.mkdir()
    for name in NAMES:
        (code / name).write_text(SQL_INJECTION)
    # One request per file (--all: the whole file in one window); each answer takes 1.5 s.
    server = FaultServer([(200, {}, structured_answer(sql_defect()))] * 20, delay_s=1.5)
    with serving(server) as url:
        args = (".", "--engine", "llm", "--all", "--no-fix", "--base-url", url, "--no-redact", "-o", str(report))
        first = start(code, cache, *args)
        # Files go in path order: a.py and b.py answered, c.py's request under way.
        took = interrupt_when(first, lambda: len(server.requests) == 3, signum)
        stderr = first.stderr.read() if first.stderr else ""
        assert first.returncode == 3, stderr
        assert took < 10
        assert "Traceback" not in stderr
        assert "secreview: interrupted: the report holds what was finished" in stderr
        assert "llm skipped f.py: interrupted" in stderr
        partial = json.loads(report.read_text())
        assert partial["complete"] is False
        assert "the review is incomplete" in partial["verdict"]
        assert {f["path"] for f in partial["findings"]} == {"a.py", "b.py"}
        seen = units(report)
        assert [seen[name]["reviewed_by"] for name in ("a.py", "b.py")] == [["llm"], ["llm"]]
        assert all(seen[name]["skipped_by"] == {"llm": "interrupted"} for name in NAMES[2:])
        assert CallLog(cache / "calls.sqlite").stats()["calls"] == 2  # the answers received, c.py's never came

        second = start(code, cache, *args)
        assert second.wait(timeout=120) == 0, second.stderr.read() if second.stderr else ""
    # The re-run asked only about the four files left, once each; the first two came from the call log.
    assert [asked_about(server, name) for name in NAMES] == [1, 1, 2, 1, 1, 1]
    assert len(server.requests) == 7
    complete = json.loads(report.read_text())
    assert complete["complete"] is True
    assert {f["path"] for f in complete["findings"]} == set(NAMES)


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, process group, state) of every process, from /proc."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or one that just ended
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def a_tool_is_scanning(cli_pid: int, tools: set[int]) -> bool:
    """True once a tool the CLI started has a child of its own (Semgrep's semgrep-core); `tools` collects the
    CLI's children, each the leader of a process group of its own."""
    table = processes()
    tools.update(pid for pid, (parent, _, _) in table.items() if parent == cli_pid)
    return any(group in tools and pid not in tools for pid, (_, group, _) in table.items())


def still_running(tools: set[int]) -> list[int]:
    """The processes of the tools' groups that are alive (not zombies) half a second after the CLI exited."""
    time.sleep(0.5)
    return [pid for pid, (_, group, state) in processes().items() if group in tools and state not in "ZX"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_ctrl_c_stops_bandit_and_semgrep_and_stores_only_finished_results(tmp_path: Path):
    code, cache, report = tmp_path / "code", tmp_path / "cache", tmp_path / "report.json"
    code.mkdir()
    for index in range(120):  # each with a Bandit finding (B602, high)
        text = f"import subprocess\n\n\ndef run{index}(cmd):\n    return subprocess.call(cmd, shell=True)\n"
        (code / f"m{index:03}.py").write_text(text)
    first = start(tmp_path, cache, "code", "--engine", "static", "-o", str(report))
    tools: set[int] = set()
    took = interrupt_when(first, lambda: a_tool_is_scanning(first.pid, tools))
    stderr = first.stderr.read() if first.stderr else ""
    assert first.returncode == 3, stderr
    assert took < 10
    assert "Traceback" not in stderr
    assert still_running(tools) == []  # no tool, nor any of its children, outlives the review
    seen = units(report)
    assert len(seen) == 120
    assert all(unit["skipped_by"].get("semgrep") == "interrupted" for unit in seen.values())
    # The cache holds exactly the results that came back whole (Bandit's and the flow engine's, if they had
    # finished; the flow engine stores each file's summary beside its result).
    reviewed = sum(len(unit["reviewed_by"]) for unit in seen.values())
    summarised = sum("flows" in unit["reviewed_by"] for unit in seen.values())
    assert CallLog(cache / "calls.sqlite").stats()["static_results"] == reviewed + summarised

    second = start(tmp_path, cache, "code", "--engine", "static", "-o", str(report))
    assert second.wait(timeout=300) == 0, second.stderr.read() if second.stderr else ""
    stats = CallLog(cache / "calls.sqlite").stats()
    assert stats["static_hits"] == reviewed + summarised  # what the first run stored was reused
    assert stats["static_results"] == 480  # and the rest stored now (Bandit, Semgrep, flows with summaries)
    rerun = json.loads(report.read_text())
    assert rerun["complete"] is True
    assert {f["path"] for f in rerun["findings"]} == set(seen)


def waits_for_input(pid: int) -> bool:
    """True once the process sleeps and has used no CPU for a second: done starting, blocked in a read."""

    def state_and_ticks() -> tuple[str, int]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])  # state, user + system clock ticks

    before = state_and_ticks()
    time.sleep(1)
    return before[0] == "S" and state_and_ticks() == before


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_ctrl_c_before_the_review_began_says_so_and_exits_3(tmp_path: Path):
    """A Ctrl-C before the engines run (here while the patch is read from standard input) leaves nothing to
    report: the review is incomplete (exit 3, as after any Ctrl-C), not click's 'Aborted!' with exit 1, which
    reads as findings."""
    waiting = start(tmp_path, tmp_path / "cache", "--patch", "-", "--engine", "static", stdin=subprocess.PIPE)
    interrupt_when(waiting, lambda: waits_for_input(waiting.pid))
    stderr = waiting.stderr.read() if waiting.stderr else ""
    assert waiting.returncode == 3, stderr
    assert "nothing was reviewed and no report was written" in stderr and "Traceback" not in stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_sigterm_stops_a_bench_run_and_its_tools_and_keeps_the_finished_cases(tmp_path: Path, sigint_ignored: bool):
    """Every command, not only review: a cancelled CI job (SIGTERM) ended Python at once and left Semgrep
    scanning. Now the tools stop as on Ctrl-C, the run says what it kept, and exits 3; also when it was started
    with SIGINT ignored, as a script's background job is (there it exited 143 and said nothing)."""
    data, out = tmp_path / "data", tmp_path / "out"
    (data / "files").mkdir(parents=True)
    rows = []
    for index in range(30):
        (data / "files" / f"c{index:02}.py").write_text(SQL_INJECTION)
        row = {"id": f"c{index:02}", "path": f"files/c{index:02}.py", "language": "python", "vulnerable": True}
        rows.append({**row, "cwe": [89], "lines": [], "pair": None, "category": "sqli"})
    (data / "cases.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    bench = subprocess.Popen(
        [sys.executable, "-m", "secreview", "bench", str(data), "--engine", "static", "--out", str(out)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean_environment(), CACHE_DIR_ENV: str(tmp_path / "cache")},
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None,
    )
    tools: set[int] = set()
    took = interrupt_when(bench, lambda: a_tool_is_scanning(bench.pid, tools), signal.SIGTERM)
    stderr = bench.stderr.read() if bench.stderr else ""
    assert bench.returncode == 3, stderr
    assert took < 10
    assert f"interrupted: the cases finished are kept in {out}" in stderr and "Traceback" not in stderr
    assert still_running(tools) == []
