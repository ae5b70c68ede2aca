"""The call log: every model call (prompt, answer, model, parameters, tokens, latency, time) in SQLite.

Like simonw/llm's log, one row per call; unlike it, also a cache: a call whose key (the model's identity
and the whole request, see `call_key`) is already logged with a finished answer is answered from the log
(backends/cached.py), so re-reviewing unchanged code makes no model call. The same file keeps the static
engines' results per file (table `static_results`, engines/cached.py), so such a re-review runs no Bandit
or Semgrep either.

Where: `$SECREVIEW_CACHE_DIR/calls.sqlite`, else `platformdirs.user_cache_dir("secreview")/calls.sqlite`.
The prompts contain the reviewed code, so the file is as sensitive as the code: it is created readable
by its owner only, and `clear` rewrites it (VACUUM) so deleted prompts do not linger in free pages.

A security tool must not break because of its cache. A locked, corrupt or unwritable database gives one
warning (logger `secreview.backends.call_log`) and the calls go on without the log; a corrupt file is
first moved aside to `calls.sqlite.corrupt-<timestamp>` and a fresh one started. Concurrent processes
share one file: WAL mode, and each waits up to `timeout_s` for another's write.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from secreview.backends.interface import ChatRequest, Completion

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "SECREVIEW_CACHE_DIR"
FILE_NAME = "calls.sqlite"
SCHEMA_VERSION = 3
_UPGRADABLE_VERSIONS = ("1", "2")
"""Older schemas that the current one only adds tables to: upgraded in place (version 2 adds static_results,
version 3 call_logprobs)."""
KEY_VERSION = 1
REUSABLE_FINISH_REASONS = ("stop", "length")
"""Answers that finished normally or were cut by the token limit; anything else is logged, never reused."""

_T = TypeVar("_T")

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    created TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    request TEXT NOT NULL,
    response TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    latency_s REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    timings TEXT NOT NULL DEFAULT '{{}}',
    hits INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS calls_key ON calls (key);
CREATE TABLE IF NOT EXISTS static_results (
    key TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    engine TEXT NOT NULL,
    path TEXT NOT NULL,
    result TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS call_logprobs (
    call_id INTEGER PRIMARY KEY REFERENCES calls (id),
    logprobs TEXT NOT NULL
);
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE name = 'schema_version' AND CAST(value AS INTEGER) < {SCHEMA_VERSION};
COMMIT;
"""


class CallLogError(Exception):
    """The call log cannot be used; str(error) says which file and why."""


def default_path() -> Path:
    """`$SECREVIEW_CACHE_DIR/calls.sqlite`, else `calls.sqlite` in the user's cache folder for secreview."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    folder = Path(configured).expanduser() if configured else Path(platformdirs.user_cache_dir("secreview"))
    return folder / FILE_NAME


def call_key(identity: Mapping[str, Any], request: ChatRequest) -> str:
    """sha256 (hex) of the canonical JSON of the model's identity and everything the request asks.

    Only the identity's keys are sorted: the order of a JSON schema's properties changes what a
    constrained model writes, so the request is kept exactly as it is sent."""
    payload = {
        "key_version": KEY_VERSION,
        "model": {name: identity[name] for name in sorted(identity)},
        "messages": request.messages,
        "max_tokens": request.max_tokens,
        "temperature": float(request.temperature),
        "seed": request.seed,
        "json_schema": request.json_schema,
    }
    if request.top_logprobs is not None:  # only then: keys of calls logged before logprobs existed stay valid
        payload["top_logprobs"] = request.top_logprobs
    canonical = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _use_wal(connection: sqlite3.Connection, timeout_s: float) -> None:
    """Switch to WAL mode, waiting up to `timeout_s` for other connections: SQLite answers "database is
    locked" at once, without its busy timeout, while another connection opens or switches the same new file."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _is_corrupt(error: sqlite3.Error) -> bool:
    name = str(getattr(error, "sqlite_errorname", ""))  # Python 3.11+
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return True
    text = str(error).lower()
    return "file is not a database" in text or "malformed" in text


def _is_busy(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_BUSY")


def _describe(error: sqlite3.Error | OSError) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if _is_busy(error):
        return f"{error} (another process holds it)"
    return str(error)


class CallLog:
    """One SQLite file of model calls. `lookup` and `record` never raise: on a problem they warn once and
    the log is off for the rest of this object's life. `stats` and `clear` raise CallLogError."""

    def __init__(self, path: Path | str | None = None, timeout_s: float = 5.0) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout_s = timeout_s
        self.problem: str | None = None
        """Why the log was turned off (None while it works)."""
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    # --- the cache side: never raises ------------------------------------------------------------------

    def lookup(self, key: str) -> Completion | None:
        """The latest logged answer for `key` that finished normally or at the token limit, else None."""

        def find(connection: sqlite3.Connection) -> Completion | None:
            row = connection.execute(
                "SELECT id, model, response, finish_reason, prompt_tokens, completion_tokens, latency_s, attempts,"
                " timings, logprobs FROM calls LEFT JOIN call_logprobs ON call_id = id"
                " WHERE key = ? AND finish_reason IN (?, ?) ORDER BY id DESC LIMIT 1",
                (key, *REUSABLE_FINISH_REASONS),
            ).fetchone()
            if row is None:
                return None
            connection.execute("UPDATE calls SET hits = hits + 1 WHERE id = ?", (row[0],))
            timings = json.loads(row[8]) if row[8] else {}
            return Completion(
                text=row[2],
                model=row[1],
                prompt_tokens=row[4],
                completion_tokens=row[5],
                latency_s=row[6],
                finish_reason=row[3],
                attempts=row[7],
                timings={name: float(value) for name, value in timings.items()},
                logprobs=tuple(
                    tuple((str(token), float(logprob)) for token, logprob in position)
                    for position in json.loads(row[9] or "[]")
                ),
            )

        return self._guarded(find, None)

    def lookup_static(self, key: str) -> str | None:
        """The stored result (JSON text) of a static engine on one file for `key` (engines/cached.py), else None."""

        def find(connection: sqlite3.Connection) -> str | None:
            row = connection.execute("SELECT rowid, result FROM static_results WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            connection.execute("UPDATE static_results SET hits = hits + 1 WHERE rowid = ?", (row[0],))
            return str(row[1])

        return self._guarded(find, None)

    def record_static(self, key: str, *, engine: str, path: str, result: str) -> None:
        """Store a static engine's result (JSON text) on the file at `path` under `key`."""
        row = (key, datetime.now(timezone.utc).isoformat(timespec="milliseconds"), engine, path, result)

        def insert(connection: sqlite3.Connection) -> None:
            connection.execute(
                "INSERT OR REPLACE INTO static_results (key, created, engine, path, result) VALUES (?, ?, ?, ?, ?)",
                row,
            )

        self._guarded(insert, None)

    def record(self, key: str, request: ChatRequest, completion: Completion, *, backend: str, model: str) -> None:
        """Log one call: `backend` is the base URL or `embedded:<gguf file name>`; `model` the configured name
        (the answer's own model name wins when it has one)."""
        asked = {
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "seed": request.seed,
            "json_schema": request.json_schema,
            "top_logprobs": request.top_logprobs,
        }
        row = (
            key,
            datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            completion.model or model,
            backend,
            json.dumps(asked, ensure_ascii=False),
            completion.text,
            completion.finish_reason,
            completion.prompt_tokens,
            completion.completion_tokens,
            completion.latency_s,
            completion.attempts,
            json.dumps(completion.timings),
        )

        def insert(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")  # a call and its logprobs are logged together or not at all
            try:
                _insert_call(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

        def _insert_call(connection: sqlite3.Connection) -> None:
            cursor = connection.execute(
                "INSERT INTO calls (key, created, model, backend, request, response, finish_reason, prompt_tokens,"
                " completion_tokens, latency_s, attempts, timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if completion.logprobs:
                connection.execute(
                    "INSERT INTO call_logprobs (call_id, logprobs) VALUES (?, ?)",
                    (cursor.lastrowid, json.dumps(completion.logprobs)),
                )

        self._guarded(insert, None)

    # --- maintenance: raises CallLogError ----------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What the log holds: calls, distinct keys, tokens, answers reused and the tokens they saved, static
        results stored and how often they were reused, size."""
        empty = {"calls": 0, "distinct_keys": 0, "prompt_tokens": 0, "completion_tokens": 0, "hits": 0}
        counts: dict[str, Any] = {**empty, "tokens_saved": 0, "first": None, "last": None}
        counts.update(static_results=0, static_hits=0)
        if self.path.exists():

            def count(connection: sqlite3.Connection) -> tuple[Any, ...]:
                row: tuple[Any, ...] = connection.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT key), TOTAL(prompt_tokens), TOTAL(completion_tokens),"
                    " TOTAL(hits), TOTAL(hits * (prompt_tokens + completion_tokens)), MIN(created), MAX(created)"
                    " FROM calls"
                ).fetchone()
                static: tuple[Any, ...] = connection.execute(
                    "SELECT COUNT(*), TOTAL(hits) FROM static_results"
                ).fetchone()
                return row + static

            with self._lock:
                row = self._run(count)
            names = ("calls", "distinct_keys", "prompt_tokens", "completion_tokens", "hits", "tokens_saved")
            counts.update({name: int(value) for name, value in zip(names, row[:6], strict=True)})
            counts.update(first=row[6], last=row[7], static_results=int(row[8]), static_hits=int(row[9]))
        return {"path": str(self.path), "size_bytes": self.size_bytes(), **counts}

    def size_bytes(self) -> int:
        """The database with its write-ahead log and index files."""
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += self.path.with_name(self.path.name + suffix).stat().st_size
        return total

    def clear(self) -> dict[str, int]:
        """Delete every logged call and static result (and copies of a corrupt log set aside); how many of
        each were removed (`calls`, `static_results`)."""
        removed = {"calls": 0, "static_results": 0}
        if self.path.exists():

            def delete(connection: sqlite3.Connection) -> dict[str, int]:
                counts = {table: int(connection.execute(f"DELETE FROM {table}").rowcount) for table in removed}
                connection.execute("DELETE FROM call_logprobs")
                connection.execute("VACUUM")  # no deleted prompt or path stays behind in free pages
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                return counts

            with self._lock:
                removed = self._run(delete)
        for stale in self.path.parent.glob(f"{glob.escape(self.path.name)}.corrupt-*"):
            try:
                stale.unlink()
            except OSError as error:
                raise CallLogError(f"cannot delete {stale}: {error.strerror or error}") from None
        return removed

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    # --- internals ---------------------------------------------------------------------------------------

    def _guarded(self, operation: Callable[[sqlite3.Connection], _T], fallback: _T) -> _T:
        with self._lock:
            if self.problem is not None:
                return fallback
            try:
                return self._run(operation)
            except CallLogError as error:
                self.problem = str(error)
                log.warning("%s; going on without the call log (results are neither reused nor stored)", error)
                return fallback

    def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `operation` on the open database; a corrupt file is set aside and a fresh one tried, once."""
        for attempt in (1, 2):
            try:
                return operation(self._connect())
            except sqlite3.Error as error:
                self._disconnect()
                if attempt == 1 and _is_corrupt(error):
                    self._set_aside(error)
                    continue
                raise CallLogError(f"the call log {self.path} cannot be used: {_describe(error)}") from None
            except (OSError, ValueError) as error:  # ValueError: a row whose JSON does not parse
                self._disconnect()
                problem = _describe(error) if isinstance(error, OSError) else f"unreadable row ({error})"
                raise CallLogError(f"the call log {self.path} cannot be used: {problem}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.path.exists():  # sqlite would create it readable by everyone (umask): it holds code
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(
                self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False
            )
            try:
                _prepare(connection, self.path, self.timeout_s)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def _set_aside(self, error: sqlite3.Error) -> None:
        """Move a corrupt database (and its WAL files) aside, so a fresh one can be made in its place."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return  # another process moved it already
        except OSError as move_error:
            raise CallLogError(
                f"the call log {self.path} is corrupt ({error}) and cannot be moved aside: "
                f"{move_error.strerror or move_error}"
            ) from None
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(self.path.with_name(self.path.name + suffix), target.with_name(target.name + suffix))
        log.warning("the call log %s was corrupt (%s); moved it to %s and started a new one", self.path, error, target)


def _prepare(connection: sqlite3.Connection, path: Path, timeout_s: float) -> None:
    """WAL mode, then the schema: created when missing, upgraded from an older version that it only adds
    tables to; a newer secreview's schema is left alone."""
    _use_wal(connection, timeout_s)
    connection.execute("PRAGMA synchronous=NORMAL")
    version_query = "SELECT value FROM meta WHERE name = 'schema_version'"
    present = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    row = connection.execute(version_query).fetchone() if present else None
    if row is None or row[0] in _UPGRADABLE_VERSIONS:  # only now take the write lock (readers need none)
        connection.executescript(_SCHEMA)
        row = connection.execute(version_query).fetchone()
    if row is None or row[0] != str(SCHEMA_VERSION):
        version = row[0] if row is not None else "unknown"
        raise CallLogError(
            f"the call log {path} has schema version {version}; this secreview reads version {SCHEMA_VERSION}"
        )
