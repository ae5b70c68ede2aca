"""The call log and the cache on it: real SQLite files, a real local HTTP server, the real CLI."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from conftest import FaultServer, chat_answer, run_secreview, smollm2_env
from secreview.api import open_backend
from secreview.backends import model_store
from secreview.backends.cached import CachedBackend, backend_identity
from secreview.backends.call_log import CallLog, call_key
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import BackendError, ChatRequest, Completion
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.bench.dataset import load_dataset
from secreview.bench.secreview_config import SecreviewReviewer
from secreview.config import Settings, load_settings

LOGGER = "secreview.backends.call_log"
SCHEMA = {
    "type": "object",
    "properties": {"weakness": {"type": "string"}, "cwe": {"type": "integer"}},
    "required": ["weakness", "cwe"],
}
REQUEST = ChatRequest(
    messages=[{"role": "system", "content": "Review."}, {"role": "user", "content": "x = eval(input())"}],
    max_tokens=64,
    temperature=0.0,
    seed=0,
    json_schema=SCHEMA,
)
IDENTITY = {"kind": "endpoint", "base_url": "http://127.0.0.1:1/v1", "model": "m"}
ANSWER = Completion(
    text='{"weakness": "code injection", "cwe": 95}',
    model="m-2024",
    prompt_tokens=40,
    completion_tokens=12,
    latency_s=1.25,
    finish_reason="stop",
    attempts=2,
    timings={"prompt_ms": 10.5, "predicted_ms": 80.0},
)
CODE = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(cursor, name):\n"
    "    cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
)
REVIEW_ANSWER = json.dumps(
    {
        "hints": [],
        "defects": [
            {
                "weakness": "SQL injection",
                "start_line": 5,
                "end_line": 5,
                "quoted_code": "cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)",
                "cwe": 89,
                "explanation": "name is formatted into the SQL text",
                "fix": "cursor.execute('SELECT * FROM users WHERE name = ?', (name,))",
                "severity": "high",
            }
        ],
        "verdict": "defects",
    }
)


def server_url(server: FaultServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/v1"


def cached_client(server: FaultServer, log: CallLog) -> CachedBackend:
    return CachedBackend(OpenAICompatibleBackend(server_url(server), "m", backoff_s=0.01, max_retries=0), log)


def ask(text: str) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": text}], max_tokens=8)


# --- the log itself ------------------------------------------------------------------------------------------


def test_a_logged_answer_comes_back_as_it_was_and_only_for_the_same_key(tmp_path: Path):
    log = CallLog(tmp_path / "calls.sqlite")
    key = call_key(IDENTITY, REQUEST)
    assert log.lookup(key) is None
    log.record(key, REQUEST, ANSWER, backend=IDENTITY["base_url"], model="m")
    assert log.lookup(key) == ANSWER
    reordered = {"type": "object", "properties": dict(reversed(SCHEMA["properties"].items())), "required": ["cwe"]}
    changes = [
        ({**IDENTITY, "model": "other"}, REQUEST),
        ({**IDENTITY, "base_url": "http://127.0.0.1:2/v1"}, REQUEST),
        ({"kind": "embedded", "file": "a.gguf", "size": 1}, REQUEST),
        (IDENTITY, dataclasses.replace(REQUEST, messages=[*REQUEST.messages[:1], {"role": "user", "content": "x"}])),
        (IDENTITY, dataclasses.replace(REQUEST, max_tokens=65)),
        (IDENTITY, dataclasses.replace(REQUEST, temperature=0.7)),
        (IDENTITY, dataclasses.replace(REQUEST, seed=1)),
        (IDENTITY, dataclasses.replace(REQUEST, seed=None)),
        (IDENTITY, dataclasses.replace(REQUEST, json_schema=None)),
        (IDENTITY, dataclasses.replace(REQUEST, json_schema={**SCHEMA, "required": ["cwe"]})),
        (IDENTITY, dataclasses.replace(REQUEST, json_schema=reordered)),  # property order steers the model
    ]
    keys = {call_key(identity, request) for identity, request in changes}
    assert len(keys) == len(changes) and key not in keys
    assert all(log.lookup(other) is None for other in keys)
    assert call_key(dict(reversed(IDENTITY.items())), REQUEST) == key  # the identity's own order does not count
    assert stat.S_IMODE((tmp_path / "calls.sqlite").stat().st_mode) == 0o600  # it holds the reviewed code
    with sqlite3.connect(tmp_path / "calls.sqlite") as db:
        (row,) = db.execute("SELECT model, backend, request, response, prompt_tokens, created FROM calls").fetchall()
        assert row[:2] == ("m-2024", IDENTITY["base_url"]) and json.loads(row[2])["json_schema"] == SCHEMA
        assert row[3] == ANSWER.text and row[4] == 40 and row[5].endswith("+00:00")
        assert db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == ("3",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    log.close()


def test_only_finished_or_token_cut_answers_are_reused(tmp_path: Path):
    log = CallLog(tmp_path / "calls.sqlite")
    for reason in ("stop", "length", "content_filter", ""):
        key = call_key(IDENTITY, ask(reason))
        log.record(key, ask(reason), dataclasses.replace(ANSWER, finish_reason=reason), backend="b", model="m")
        assert (log.lookup(key) is not None) == (reason in ("stop", "length")), reason
    assert log.stats()["calls"] == 4  # every answer is logged


def test_stats_count_calls_and_what_reuse_saved_and_clear_removes_them(tmp_path: Path):
    log = CallLog(tmp_path / "calls.sqlite")
    assert log.stats()["calls"] == 0 and not (tmp_path / "calls.sqlite").exists()  # looking creates nothing
    for text in ("a", "b", "a"):
        log.record(call_key(IDENTITY, ask(text)), ask(text), ANSWER, backend="b", model="m")
    log.lookup(call_key(IDENTITY, ask("a")))
    stats = log.stats()
    assert (stats["calls"], stats["distinct_keys"]) == (3, 2)
    assert (stats["prompt_tokens"], stats["completion_tokens"]) == (120, 36)
    assert (stats["hits"], stats["tokens_saved"]) == (1, 52) and stats["size_bytes"] > 0
    assert log.clear() == {"calls": 3, "static_results": 0}
    assert log.stats()["calls"] == 0 and log.lookup(call_key(IDENTITY, ask("a"))) is None
    log.close()


def test_concurrent_writers_share_one_log(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    def write(worker: int) -> None:
        log = CallLog(tmp_path / "calls.sqlite")  # its own connection, as another process would have
        for i in range(25):
            request = ask(f"{worker}-{i}")
            log.record(call_key(IDENTITY, request), request, ANSWER, backend="b", model="m")
        log.close()

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not caplog.records
    assert CallLog(tmp_path / "calls.sqlite").stats()["distinct_keys"] == 100


def test_a_log_opened_while_another_connection_creates_it_waits_for_that_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    """SQLite refuses the switch to WAL mode at once, without its busy timeout, while another connection
    writes a file not yet in WAL mode: four writers starting together on a new log met it in 15 of 200 runs."""
    path = tmp_path / "calls.sqlite"
    creator = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    creator.execute("BEGIN IMMEDIATE")
    creator.execute("CREATE TABLE unrelated (x)")
    done = threading.Timer(0.3, lambda: creator.execute("COMMIT"))
    done.start()
    log = CallLog(path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        log.record(call_key(IDENTITY, ask("a")), ask("a"), ANSWER, backend="b", model="m")
    done.join()
    creator.close()
    assert not caplog.records and log.problem is None
    assert log.stats()["calls"] == 1
    log.close()


# --- the cache in front of a backend -------------------------------------------------------------------------


@pytest.mark.parametrize("fault_server", [([(200, {}, chat_answer("one"))],)], indirect=True)
def test_the_same_call_twice_reaches_the_server_once(fault_server: FaultServer, tmp_path: Path):
    backend = cached_client(fault_server, CallLog(tmp_path / "calls.sqlite"))
    first = backend.complete(ask("hello"))
    again = backend.complete(ask("hello"))
    assert len(fault_server.requests) == 1
    assert (first.text, first.cached, again.text, again.cached) == ("one", False, "one", True)
    assert again.attempts == 0 and again.latency_s < 0.5 and again.prompt_tokens == first.prompt_tokens
    backend.complete(ask("something else"))
    assert len(fault_server.requests) == 2
    backend.close()


@pytest.mark.parametrize("fault_server", [([(400, {}, b"bad request")],)], indirect=True)
def test_an_error_is_never_cached(fault_server: FaultServer, tmp_path: Path):
    backend = cached_client(fault_server, CallLog(tmp_path / "calls.sqlite"))
    with pytest.raises(BackendError, match="HTTP 400"):
        backend.complete(ask("hello"))
    assert backend.complete(ask("hello")).cached is False  # asked again, and answered this time
    assert backend.complete(ask("hello")).cached is True
    assert len(fault_server.requests) == 2


def test_a_fresh_sample_is_always_drawn_but_logged(fault_server: FaultServer, tmp_path: Path):
    log = CallLog(tmp_path / "calls.sqlite")
    backend = cached_client(fault_server, log)
    sample = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=8, temperature=0.7, seed=None)
    assert not backend.complete(sample).cached and not backend.complete(sample).cached
    assert len(fault_server.requests) == 2 and log.stats()["calls"] == 2


def test_the_embedded_model_is_not_started_for_a_logged_answer(tmp_path: Path):
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF but not really")  # starting llama.cpp on it would fail
    embedded = EmbeddedBackend(model, "tiny")
    log = CallLog(tmp_path / "calls.sqlite")
    identity = backend_identity(embedded)
    assert identity == {"kind": "embedded", "file": "tiny.gguf", "size": 19}
    log.record(call_key(identity, ask("hello")), ask("hello"), ANSWER, backend="embedded:tiny.gguf", model="tiny")
    backend = CachedBackend(embedded, log)
    assert backend.complete(ask("hello")).cached
    assert embedded._client is None  # never started (it would have failed on this file)
    backend.close()


def test_the_embedded_model_identity_changes_with_the_file(tmp_path: Path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"one")
    before = backend_identity(EmbeddedBackend(model, "m"))
    model.write_bytes(b"four")
    assert backend_identity(EmbeddedBackend(model, "m")) != before
    renamed = model.rename(tmp_path / "n.gguf")
    assert backend_identity(EmbeddedBackend(renamed, "m"))["file"] == "n.gguf"
    # a file the model store has verified is known by its hash too
    marker = {"sha256": "ab" * 32, "size": 4, "mtime_ns": renamed.stat().st_mtime_ns, "inode": renamed.stat().st_ino}
    (tmp_path / "n.gguf.sha256").write_text(json.dumps(marker))
    assert model_store.recorded_sha256(renamed) == "ab" * 32
    assert backend_identity(EmbeddedBackend(renamed, "m"))["sha256"] == "ab" * 32


# --- a cache that cannot be used never stops a review --------------------------------------------------------


def test_a_corrupt_log_is_moved_aside_and_a_fresh_one_started(
    fault_server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    path = tmp_path / "calls.sqlite"
    garbage = os.urandom(64) + b"not a database" * 300
    path.write_bytes(garbage)
    backend = cached_client(fault_server, CallLog(path))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert backend.complete(ask("hello")).text == "hi"
        assert backend.complete(ask("hello")).cached
    (warning,) = caplog.records
    assert "corrupt" in warning.getMessage() and "moved it to" in warning.getMessage()
    (aside,) = tmp_path.glob("calls.sqlite.corrupt-*")
    assert aside.read_bytes() == garbage
    assert len(fault_server.requests) == 1
    backend.close()


def test_a_locked_log_gives_one_warning_and_the_calls_go_on(
    fault_server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    path = tmp_path / "calls.sqlite"
    CallLog(path).record("k", ask("x"), ANSWER, backend="b", model="m")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("DELETE FROM calls")
    try:
        backend = cached_client(fault_server, CallLog(path, timeout_s=0.2))
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            answers = [backend.complete(ask(text)) for text in ("one", "two", "one")]
        assert [answer.text for answer in answers] == ["hi"] * 3 and not any(a.cached for a in answers)
        (warning,) = caplog.records
        assert "locked" in warning.getMessage() and "going on without the call log" in warning.getMessage()
        assert len(fault_server.requests) == 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_log_that_cannot_be_created_gives_one_warning(
    fault_server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    backend = cached_client(fault_server, CallLog(blocker / "cache" / "calls.sqlite"))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert [backend.complete(ask("hello")).text for _ in range(2)] == ["hi", "hi"]
    assert len(caplog.records) == 1 and len(fault_server.requests) == 2


def test_a_read_only_folder_gives_one_warning(
    fault_server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        try:
            (folder / "probe").touch()
        except PermissionError:
            pass
        else:
            pytest.skip("this user writes into read-only folders (root)")
        backend = cached_client(fault_server, CallLog(folder / "calls.sqlite"))
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert [backend.complete(ask("hello")).text for _ in range(2)] == ["hi", "hi"]
        assert len(caplog.records) == 1 and len(fault_server.requests) == 2
    finally:
        folder.chmod(0o755)


# --- settings and the bench ----------------------------------------------------------------------------------


def test_the_cache_setting_decides_whether_the_backend_is_wrapped(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.secreview]\ncache = false\n")
    assert load_settings(tmp_path, environ={}).cache is False
    assert load_settings(tmp_path, environ={"SECREVIEW_CACHE": "1"}).cache is True
    assert load_settings(tmp_path, {"cache": False}, environ={"SECREVIEW_CACHE": "1"}).cache is False
    remote = Settings(engine="llm", base_url="http://127.0.0.1:1/v1", redact=False)  # test_redaction: the wrapper
    assert isinstance(open_backend(remote), CachedBackend)
    assert isinstance(open_backend(remote.model_copy(update={"cache": False})), OpenAICompatibleBackend)


def test_the_bench_counts_answers_from_the_log_as_cache_hits(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "files").mkdir()
    rows = []
    for number in (1, 2):
        (tmp_path / "files" / f"case_{number}.py").write_text(CODE.replace("find", f"find{number}"))
        row = {"id": f"t-{number}", "path": f"files/case_{number}.py", "language": "python", "vulnerable": True}
        rows.append(json.dumps({**row, "cwe": [89], "lines": [5]}) + "\n")
    (tmp_path / "cases.jsonl").write_text("".join(rows))
    dataset = load_dataset(tmp_path)
    settings = Settings(engine="llm", base_url=server_url(fault_server))  # the log is this test's own (conftest)
    runs = []
    for _ in range(2):
        reviewer = SecreviewReviewer(settings)
        runs.append({result.case_id: result for result in reviewer.review(dataset, dataset.cases)})
        reviewer.close()
    first, again = runs
    assert all(r.model_calls >= 1 and r.cache_hits == 0 for r in first.values())
    assert {k: (r.model_calls, r.cache_hits) for k, r in again.items()} == {
        k: (0, r.model_calls) for k, r in first.items()
    }
    assert {k: r.prompt_tokens for k, r in again.items()} == {k: r.prompt_tokens for k, r in first.items()}


# --- the command line ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault_server", [([(200, {}, chat_answer(REVIEW_ANSWER, 50, 20))] * 2,)], indirect=True)
def test_reviewing_unchanged_code_again_makes_no_model_call(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "db.py").write_text(CODE)
    cache = {"SECREVIEW_CACHE_DIR": str(tmp_path / "cache")}
    args = ("review", "db.py", "--engine", "llm", "--base-url", server_url(fault_server), "--format", "json")

    first = run_secreview(*args, cwd=tmp_path, env=cache)
    assert first.returncode == 1, first.stderr
    seen = len(fault_server.requests)
    again = run_secreview(*args, cwd=tmp_path, env=cache)
    assert again.returncode == 1, again.stderr
    assert len(fault_server.requests) == seen
    before, after = json.loads(first.stdout), json.loads(again.stdout)
    assert [call["cached"] for call in before["model_calls"]] == [False] * seen
    assert after["model_calls"] and all(call["cached"] and call["attempts"] == 0 for call in after["model_calls"])
    assert after["findings"] == before["findings"] and 89 in {f["cwe"] for f in after["findings"]}

    fresh = run_secreview(*args, "--no-cache", cwd=tmp_path, env=cache)
    assert fresh.returncode == 1 and len(fault_server.requests) == 2 * seen
    assert not any(call["cached"] for call in json.loads(fresh.stdout)["model_calls"])

    path = run_secreview("cache", "path", cwd=tmp_path, env=cache)
    assert path.stdout.strip() == str(tmp_path / "cache" / "calls.sqlite")
    stats = run_secreview("cache", "stats", cwd=tmp_path, env=cache)
    assert stats.returncode == 0, stats.stderr
    assert f"Calls logged: {seen} ({seen} distinct prompts)" in stats.stdout
    assert f"Answered from the log: {seen} calls" in stats.stdout
    cleared = run_secreview("cache", "clear", cwd=tmp_path, env=cache)
    assert cleared.returncode == 0 and f"Removed {seen} logged call" in cleared.stdout
    assert "No model calls logged yet" in run_secreview("cache", "stats", cwd=tmp_path, env=cache).stdout


def test_a_corrupt_log_does_not_stop_the_command_line(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "db.py").write_text(CODE)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "calls.sqlite").write_bytes(b"\x00garbage" * 500)
    cache = {"SECREVIEW_CACHE_DIR": str(tmp_path / "cache")}
    args = ("review", "db.py", "--engine", "llm", "--base-url", server_url(fault_server), "--format", "json")
    done = run_secreview(*args, cwd=tmp_path, env=cache)
    assert done.returncode == 3 and "was corrupt" in done.stderr  # the fake model's "hi" is no review
    assert json.loads(done.stdout)["model_calls"]
    cleared = run_secreview("cache", "clear", cwd=tmp_path, env=cache)
    assert cleared.returncode == 0 and not list((tmp_path / "cache").glob("*.corrupt-*"))


@pytest.mark.slow
def test_the_embedded_model_is_not_asked_again_for_unchanged_code(tmp_path: Path):
    (tmp_path / "db.py").write_text(CODE)
    env = smollm2_env(SECREVIEW_CACHE_DIR=str(tmp_path / "cache"))
    args = ("review", "db.py", "--engine", "llm", "--format", "json")
    first = json.loads(run_secreview(*args, cwd=tmp_path, env=env).stdout)
    again = json.loads(run_secreview(*args, cwd=tmp_path, env=env).stdout)
    assert first["model_calls"] and not any(call["cached"] for call in first["model_calls"])
    assert len(again["model_calls"]) == len(first["model_calls"])
    assert all(call["cached"] for call in again["model_calls"])
    assert again["findings"] == first["findings"] and again["coverage"] == first["coverage"]
