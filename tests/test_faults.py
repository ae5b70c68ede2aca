"""Faults on the way to and from the model, in the model, in the call log and on the disk, through the real CLI.

Whatever fails, the review keeps every result it already had, names exactly what it could not review and why,
exits 3 (incomplete) and never says "No security defects are detected" (docs/reliability.md, Faults).
"""

from __future__ import annotations

import json
import logging
import random
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from conftest import (
    SQL_INJECTION,
    Fault,
    FaultServer,
    Step,
    chat_answer,
    clean_environment,
    run_secreview,
    serving,
    sql_defect,
    structured_answer,
)
from secreview.api import Pipeline, ReviewRequest, run_review
from secreview.backends import embedded
from secreview.backends.cached import CachedBackend
from secreview.backends.call_log import CallLog
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import BackendError, ChatRequest, Completion
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.config import Settings
from secreview.engines.llm import LLMEngine

FILES = ("alpha.py", "bravo.py", "charlie.py")
FAULTY = "bravo.py"
NO_DEFECTS = "No security defects are detected"
RETRIES = 1
TIMEOUT_S = 2.0
FAST = {"SECREVIEW_REQUEST_TIMEOUT": str(TIMEOUT_S), "SECREVIEW_RETRIES": str(RETRIES)}
"""Short limits keep the faults fast: backoff is 1-1.5 s before the one retry."""

MEDIUM: Step = (200, {}, structured_answer(sql_defect(severity="medium")))
"""The well-behaved files' answer: a finding below --fail-on high, so only completeness decides the exit code."""
HIGH_ANSWER = structured_answer(sql_defect())
HIGH: Step = (200, {}, HIGH_ANSWER)
"""The faulty file's answer once it comes through: its high finding makes the exit code 1."""


@dataclass(frozen=True)
class Case:
    step: Step
    reason: str  # the words the skip reason must contain
    requests: int = RETRIES + 1  # what the faulty file's requests add up to when the fault persists


CASES = {
    "timeout": Case(
        Fault("stall", seconds=2 * TIMEOUT_S, answer=HIGH_ANSWER), f"no answer within the {TIMEOUT_S:g} s timeout"
    ),
    "429-retry-after": Case((429, {"Retry-After": "0"}, b"rate limited"), "HTTP 429"),
    "500": Case((500, {}, b"internal error"), "HTTP 500"),
    "reset": Case(Fault("reset"), "the connection failed"),
    "stream-stops": Case(Fault("cut", answer=HIGH_ANSWER), "the connection closed mid-answer"),
    "invalid-json": Case((200, {}, b'{"choices": [{"message": '), "the answer is not JSON"),
    "2-mb-garbage": Case((200, {}, random.Random(0).randbytes(2_000_000)), "the answer is not JSON"),
    "not-a-chat-completion": Case((200, {}, b'{"error": "busy"}'), "not a chat completion", requests=1),
    "wrong-schema": Case(
        (200, {}, chat_answer(json.dumps({"summary": "fine"}))), "not valid JSON for the schema", requests=2
    ),  # the engine asks once more, with the schema
}
RECOVERABLE = [name for name in CASES if name != "not-a-chat-completion"]  # a protocol error is not retried


def review_three(server: FaultServer, folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """The real CLI on three files with one job, against `server`, with short limits."""
    for name in FILES:
        (folder / name).write_text(SQL_INJECTION)
    with serving(server) as url:
        args = ("review", *FILES, "--engine", "llm", "--base-url", url, "--jobs", "1", *options)
        return run_secreview(*args, cwd=folder, env=FAST)


def units(review: dict) -> dict[str, dict]:
    return {unit["path"]: unit for unit in review["coverage"]["units"]}


@pytest.mark.parametrize("fault", list(CASES))
def test_a_fault_that_persists_leaves_exactly_its_file_not_reviewed(fault: str, tmp_path: Path):
    case = CASES[fault]
    server = FaultServer([], by_text={FAULTY: [case.step] * 10, "alpha.py": [MEDIUM], "charlie.py": [MEDIUM]})
    done = review_three(server, tmp_path, "--format", "json")
    assert done.returncode == 3, done.stderr
    review = json.loads(done.stdout)
    assert {(f["path"], f["cwe"]) for f in review["findings"]} == {("alpha.py", 89), ("charlie.py", 89)}
    covered = units(review)
    reason = covered[FAULTY]["skipped_by"]["llm"]
    assert reason.startswith("model review failed: ") and case.reason in reason
    assert [path for path, unit in covered.items() if unit["skipped_by"]] == [FAULTY]
    assert all(covered[name]["reviewed_by"] == ["llm"] for name in ("alpha.py", "charlie.py"))
    assert f"llm skipped {FAULTY}: model review failed: " in done.stderr and case.reason in done.stderr
    assert "Traceback" not in done.stderr
    assert NO_DEFECTS not in done.stdout and NO_DEFECTS not in done.stderr and not review["complete"]
    assert server.requests_about(FAULTY) == case.requests  # retried, within the limit, then given up


@pytest.mark.parametrize("fault", RECOVERABLE)
def test_a_fault_that_happens_once_is_retried_and_the_review_is_complete(fault: str, tmp_path: Path):
    server = FaultServer([], by_text={FAULTY: [CASES[fault].step, HIGH], "alpha.py": [MEDIUM], "charlie.py": [MEDIUM]})
    done = review_three(server, tmp_path, "--format", "json")
    assert done.returncode == 1, done.stderr
    review = json.loads(done.stdout)
    assert review["complete"] and not any(unit["skipped_by"] for unit in units(review).values())
    assert {(f["path"], f["severity"]) for f in review["findings"]} == {
        ("alpha.py", "medium"),
        ("bravo.py", "high"),
        ("charlie.py", "medium"),
    }
    assert server.requests_about(FAULTY) == 2 and len(server.requests) == 4


def test_the_markdown_report_of_a_fault_is_never_clean(tmp_path: Path):
    """The other files answer 'no defects': only the lost file stands between the report and a clean verdict."""
    clean: Step = (200, {}, structured_answer())
    server = FaultServer([], by_text={FAULTY: [CASES["500"].step] * 10, "alpha.py": [clean], "charlie.py": [clean]})
    done = review_three(server, tmp_path, "--format", "md")
    assert done.returncode == 3, done.stderr
    assert NO_DEFECTS not in done.stdout and NO_DEFECTS not in done.stderr
    assert "incomplete" in done.stdout and FAULTY in done.stdout


# --- the embedded model -----------------------------------------------------------------------------------------
# A missing model: test_llm_engine.py::test_without_the_default_model_the_review_says_how_to_get_it_or_go_static.


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (random.Random(1).randbytes(50_000), "not a GGUF model file"),
        (b"GGUF" + random.Random(2).randbytes(50_000), "llama.cpp could not load it"),
    ],
    ids=["garbage", "gguf-magic-then-garbage"],
)
def test_a_corrupt_model_leaves_every_file_not_reviewed_by_it(content: bytes, reason: str, tmp_path: Path):
    (tmp_path / "broken.gguf").write_bytes(content)
    for name in FILES[:2]:
        (tmp_path / name).write_text(SQL_INJECTION)
    done = run_secreview(
        "review", *FILES[:2], "--engine", "llm", "--model", "broken.gguf", "--format", "json", cwd=tmp_path
    )
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr
    expected = f"model review failed: cannot load the model {tmp_path / 'broken.gguf'}: {reason}"
    assert all(unit["skipped_by"]["llm"].startswith(expected) for unit in units(json.loads(done.stdout)).values())
    assert done.stderr.count(expected) == 2 and NO_DEFECTS not in done.stdout


def test_a_model_that_failed_to_load_is_not_loaded_again_for_each_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(100))
    loads: list[Path] = []
    start = embedded._start_server

    def counted(backend: EmbeddedBackend) -> object:
        loads.append(backend.model_path)
        return start(backend)

    monkeypatch.setattr(embedded, "_start_server", counted)
    backend = EmbeddedBackend(broken, "broken")
    request = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=4)
    errors = []
    for _ in range(3):
        with pytest.raises(BackendError, match="could not load it") as raised:
            backend.complete(request)
        errors.append(str(raised.value))
    assert loads == [broken] and len(set(errors)) == 1


@pytest.mark.slow
@pytest.mark.parametrize("deep", [True, False])
def test_a_corrupt_model_in_a_hybrid_review_keeps_the_static_findings(tmp_path: Path, deep: bool):
    (tmp_path / "broken.gguf").write_bytes(b"GGUF" + bytes(100))
    (tmp_path / "alpha.py").write_text(SQL_INJECTION)
    args = ("review", "alpha.py", "--engine", "hybrid", "--model", "broken.gguf", "--format", "json")
    done = run_secreview(*args, "--deep" if deep else "--no-deep", cwd=tmp_path)
    review = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr  # the static finding is high: findings decide over incompleteness
    assert 89 in {f["cwe"] for f in review["findings"]}  # unchecked: as the static engines found it
    unit = units(review)["alpha.py"]
    assert any("verify: the model could not check 1 finding(s): cannot load the model" in n for n in unit["notes"])
    if deep:  # the open-ended review did not happen: a gap
        assert "cannot load the model" in unit["skipped_by"]["llm"] and not review["complete"]


# --- the call log -----------------------------------------------------------------------------------------------
# A corrupt, locked (from the start), unwritable or uncreatable log: tests/test_call_log.py, test_static_cache.py.


@dataclass
class LocksTheLogAt:
    """A backend that, when it is asked about `subject`, has another connection take the log's write lock."""

    inner: OpenAICompatibleBackend
    log_path: Path
    subject: str
    model: str = "m"
    holder: sqlite3.Connection | None = None

    def complete(self, request: ChatRequest) -> Completion:
        if self.holder is None and self.subject in json.dumps(request.messages):
            self.holder = sqlite3.connect(self.log_path, isolation_level=None)
            self.holder.execute("BEGIN EXCLUSIVE")
        return self.inner.complete(request)

    def close(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()


def test_a_log_locked_during_a_review_gives_one_warning_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    for name in FILES:
        (tmp_path / name).write_text(SQL_INJECTION)
    server = FaultServer([HIGH] * 3)
    log = CallLog(tmp_path / "calls.sqlite", timeout_s=0.2)
    request = ReviewRequest(paths=[str(tmp_path / name) for name in FILES])
    with serving(server) as url, caplog.at_level(logging.WARNING, logger="secreview.backends.call_log"):
        locking = LocksTheLogAt(OpenAICompatibleBackend(url, "m", max_retries=0), log.path, FAULTY)
        engine = LLMEngine(CachedBackend(locking, log), context_tokens=4096, answer_tokens=256)
        try:
            review = run_review(request, Settings(engine="llm", fix=False), start=tmp_path, pipeline=Pipeline([engine]))
        finally:
            engine.backend.close()
    assert review.complete and sorted(f.path for f in review.findings) == sorted(FILES)
    (warning,) = caplog.records
    assert "locked" in warning.getMessage() and "going on without the call log" in warning.getMessage()
    assert len(server.requests) == 3
    logged = sqlite3.connect(log.path).execute("SELECT request FROM calls").fetchall()
    assert len(logged) == 1 and "alpha.py" in logged[0][0]  # what was logged before the lock stays


# --- the disk ---------------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs, filled up: writing a report there fails with 'No space left on device'."""
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        (folder / "report.md").write_text("the last report\n")
        with (folder / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
            while True:
                filler.write(bytes(4096))
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def review_one(
    folder: Path, *options: str, stdout: IO[str] | int = subprocess.PIPE, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI (no call log: only the report is written) on one file with a finding."""
    (folder / "alpha.py").write_text(SQL_INJECTION)
    with serving(FaultServer([HIGH])) as url:
        command = [sys.executable, "-m", "secreview", "review", "alpha.py", "--engine", "llm", "--base-url", url]
        return subprocess.run(
            [*command, "--no-cache", "--no-fix", *options],
            cwd=folder,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_environment(),
            preexec_fn=preexec_fn,
        )


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_report(tiny_tmpfs: Path, tmp_path: Path):
    done = review_one(tmp_path, "-o", str(tiny_tmpfs / "report.md"))
    assert done.returncode == 2, done.stderr
    assert f"secreview: error: cannot write {tiny_tmpfs / 'report.md'}: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(path.name for path in tiny_tmpfs.iterdir()) == ["filler", "report.md"]  # no temporary file
    assert (tiny_tmpfs / "report.md").read_text() == "the last report\n"  # the previous report is intact


def test_a_file_size_limit_is_a_clear_error_and_leaves_no_partial_report(tmp_path: Path):
    """Where no tmpfs can be mounted: RLIMIT_FSIZE makes the write fail the same way (Python ignores SIGXFSZ)."""
    out = tmp_path / "out"
    out.mkdir()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))  # the report is about 800 bytes

    done = review_one(tmp_path, "-o", str(out / "report.md"), preexec_fn=limit)
    assert done.returncode == 2, done.stderr
    assert f"secreview: error: cannot write {out / 'report.md'}: File too large" in done.stderr
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here (it is Linux's)")
def test_a_full_disk_behind_standard_output_is_a_clear_error(tmp_path: Path):
    with open("/dev/full", "w") as full:
        done = review_one(tmp_path, stdout=full)
    assert done.returncode == 2
    assert done.stderr == "secreview: error: cannot write the report to standard output: No space left on device\n"
