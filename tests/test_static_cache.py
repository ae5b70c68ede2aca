"""Static results reused from the call log: real Bandit and Semgrep on real files, a real SQLite file per test
(conftest's SECREVIEW_CACHE_DIR), the real CLI."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import FaultServer, run_secreview
from secreview.api import ReviewRequest, open_engines, run_review
from secreview.backends.call_log import CallLog, call_key
from secreview.backends.interface import ChatRequest, Completion
from secreview.config import Settings
from secreview.engines import c_text
from secreview.engines.bandit import BanditEngine
from secreview.engines.cached import CachedEngine, result_keys
from secreview.engines.flows import FlowEngine
from secreview.engines.per_file import FileByFileEngine
from secreview.engines.semgrep import SemgrepEngine
from secreview.models import CodeUnit, Review
from secreview.reporters.markdown import MarkdownReporter

LOGGER = "secreview.backends.call_log"
STATIC = Settings(engine="static")
# app.py and clean.py by Bandit, Semgrep and the flow engine (a summary and a result each), greet.c by Semgrep
# and the four C analyzers
STORED_PER_RUN = 13


def review(project: Path, settings: Settings = STATIC) -> Review:
    return run_review(ReviewRequest(paths=[str(project)]), settings, start=project)


def stats() -> dict[str, int]:
    log = CallLog()
    try:
        return log.stats()
    finally:
        log.close()


def stored() -> list[tuple[str, str, str]]:
    """(engine, path, created) of every stored static result."""
    with sqlite3.connect(CallLog().path) as db:
        return sorted(db.execute("SELECT engine, path, created FROM static_results").fetchall())


def test_a_second_review_of_unchanged_files_runs_neither_tool_and_reports_the_same(project: Path):
    first = review(project)
    assert {f.cwe for f in first.findings} >= {78, 89, 120, 134, 502}
    rows = stored()
    assert (len(rows), stats()["static_hits"]) == (STORED_PER_RUN, 0)

    again = review(project)
    # every result came from the log (each row counted once) and nothing was stored anew: no tool ran
    assert (stats()["static_results"], stats()["static_hits"]) == (STORED_PER_RUN, STORED_PER_RUN)
    assert stored() == rows
    assert MarkdownReporter().render(again) == MarkdownReporter().render(first)
    assert again.coverage == first.coverage and again.complete


def test_only_a_changed_file_is_reviewed_again(project: Path):
    review(project)
    app = project / "src" / "app.py"
    app.write_text(app.read_text().replace("hashlib.md5(password.encode())", "hashlib.sha256(password.encode())"))

    again = review(project)
    assert 328 not in {f.cwe for f in again.findings}  # the new content was reviewed, not the old result reused
    # clean.py by Bandit and Semgrep, its flow summary and result; greet.c five times (app.py's summary is unchanged)
    assert stats()["static_hits"] == 9
    assert [row[:2] for row in stored()].count(("bandit", "src/app.py")) == 2  # the old content's result stays


def test_a_changed_setting_misses_for_that_engine_only(project: Path):
    review(project)
    review(project, Settings(engine="static", bandit_skip=["B101"]))
    # Semgrep's three files, the C analyzers' greet.c and the flow engine's four rows; Bandit's key changed
    assert stats()["static_hits"] == 11
    assert len(stored()) == STORED_PER_RUN + 2


def test_a_unit_the_tool_could_not_review_is_never_stored(tmp_path: Path):
    (tmp_path / "broken.py").write_text("def broken(:\n    return eval(input())\n")
    (tmp_path / "fine.py").write_text("import os\n\n\ndef run(arg):\n    os.system('ls ' + arg)\n")
    for _ in range(2):
        result = review(tmp_path)
        (broken,) = [unit for unit in result.coverage.units if unit.path == "broken.py"]
        assert "bandit" in broken.skipped_by and not result.complete
    assert ("bandit", "broken.py") not in [row[:2] for row in stored()]
    assert ("bandit", "fine.py") in [row[:2] for row in stored()]


def test_the_key_changes_with_the_file_and_what_the_engine_depends_on():
    unit = CodeUnit(id="a.py", path="a.py", language="python", text="x = 1\n")
    bandit, semgrep = BanditEngine(), SemgrepEngine(max_target_bytes=1000)
    (key,) = result_keys(bandit, [unit]).values()
    changed = [
        (bandit, unit.model_copy(update={"path": "b.py", "id": "b.py"})),
        (bandit, CodeUnit(id="a.py", path="a.py", language="python", text="x = 2\n")),
        (bandit, unit.model_copy(update={"language": "c"})),
        (BanditEngine(skipped_tests=["B101"]), unit),
        (semgrep, unit),
        (SemgrepEngine(max_target_bytes=1001), unit),
        (SemgrepEngine(max_target_bytes=1000, timeout_s=5), unit),
    ]
    keys = {next(iter(result_keys(engine, [changed_unit]).values())) for engine, changed_unit in changed}
    assert len(keys) == len(changed) and key not in keys
    assert result_keys(BanditEngine(), [unit]) == {"a.py": key}
    for setting in ("bandit", "python", "skipped_tests", "rules", "source"):
        assert setting in bandit.cache_key()
    for setting in ("semgrep", "max_target_bytes", "timeout_s", "rules", "source"):
        assert setting in semgrep.cache_key()


def test_semgreps_key_changes_with_what_it_reads_of_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A change to c_text changes the text Semgrep reads of every C file: results cached before it must not count."""
    engine = SemgrepEngine(max_target_bytes=1000)
    before = engine.cache_key()["source"]
    changed = tmp_path / "c_text.py"
    changed.write_text(Path(c_text.__file__).read_text() + "\n# changed\n")
    monkeypatch.setattr(c_text, "__file__", str(changed))
    assert engine.cache_key()["source"] != before


def test_the_engines_are_wrapped_only_with_the_cache_setting():
    with open_engines(STATIC) as pipeline:
        names = [engine.name for engine in pipeline.engines]
        assert names == ["bandit", "semgrep", "cppcheck", "clang-tidy", "gcc-analyzer", "gcc-warnings", "flows"]
        assert [type(engine) for engine in pipeline.engines] == [*[CachedEngine] * 6, FlowEngine]
        assert pipeline.verifier is None
    with open_engines(Settings(engine="static", cache=False)) as pipeline:
        expected = [BanditEngine, SemgrepEngine, *[FileByFileEngine] * 4, FlowEngine]
        assert [type(engine) for engine in pipeline.engines] == expected


def test_no_cache_neither_reads_nor_writes(project: Path):
    done = run_secreview("review", ".", "--no-cache", "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr
    assert not CallLog().path.exists()
    assert run_secreview("review", ".", "--format", "json", cwd=project).returncode == 1
    before = stored()
    again = run_secreview("review", ".", "--no-cache", "--format", "json", cwd=project)
    assert json.loads(again.stdout)["findings"] == json.loads(done.stdout)["findings"]
    assert stored() == before and stats()["static_hits"] == 0

    shown = run_secreview("cache", "stats", cwd=project)
    assert f"Static results stored: {STORED_PER_RUN}" in shown.stdout and "reused 0 times" in shown.stdout
    cleared = run_secreview("cache", "clear", cwd=project)
    assert f"Removed 0 logged calls and {STORED_PER_RUN} static results" in cleared.stdout
    assert stats()["static_results"] == 0


def test_a_corrupt_log_warns_and_the_review_completes(project: Path):
    log_path = CallLog().path
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(os.urandom(64) + b"not a database" * 300)
    done = run_secreview("review", ".", "--format", "json", cwd=project)
    assert done.returncode == 1 and done.stderr.count("was corrupt") == 1, done.stderr
    assert json.loads(done.stdout)["complete"] and len(stored()) == STORED_PER_RUN  # a fresh log took its place


def test_an_unusable_log_gives_one_warning_for_tools_and_model_together(
    fault_server: FaultServer,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SECREVIEW_CACHE_DIR", str(blocker / "cache"))
    settings = Settings(engine="hybrid", base_url=f"http://127.0.0.1:{fault_server.server_port}/v1", redact=False)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = review(project, settings)
    assert {"bandit", "semgrep"} <= {e for f in result.findings for e in f.engines} and fault_server.requests
    (warning,) = caplog.records
    assert "going on without the call log" in warning.getMessage()


def test_a_version_1_log_is_upgraded_and_keeps_its_calls(tmp_path: Path):
    path = tmp_path / "calls.sqlite"
    request = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=8)
    answer = Completion("hello", model="m", prompt_tokens=1, completion_tokens=1, latency_s=0.1, finish_reason="stop")
    key = call_key({"model": "m"}, request)
    log = CallLog(path)
    log.record(key, request, answer, backend="b", model="m")
    log.close()
    with sqlite3.connect(path) as db:  # as secreview before static results left it
        db.execute("DROP TABLE static_results")
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    log = CallLog(path)
    assert log.lookup(key) is not None and log.stats()["static_results"] == 0
    log.record_static("k", engine="bandit", path="a.py", result='{"findings": [], "notes": []}')
    assert log.lookup_static("k") is not None
    log.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == ("3",)
