"""Cost control and concurrency: token budgets that stop the model cleanly, --jobs, --rate-limit.

Real parts throughout: the CLI in a subprocess, the HTTP client, a scripted local OpenAI-compatible
server (FaultServer) that reports the token usage each test needs, and SmolLM2 under llama.cpp."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    SQL_INJECTION,
    FaultServer,
    chat_answer,
    run_secreview,
    smollm2_env,
    smollm2_path,
    sql_defect,
    without_timings,
)
from secreview.api import ReviewRequest, open_backend, run_review
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import ChatRequest
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.config import ConfigError, Settings, load_settings
from secreview.engines.budget import BudgetSpentError, TokenBudget

CODE = SQL_INJECTION
DEFECT = sql_defect()


def answer(*defects: dict[str, Any], prompt_tokens: int = 50, completion_tokens: int = 20) -> bytes:
    verdict = "defects" if defects else "no defects"
    content = json.dumps({"hints": [], "defects": list(defects), "verdict": verdict})
    return chat_answer(content, prompt_tokens, completion_tokens)


def url(server: FaultServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/v1"


def write_files(folder: Path, names: list[str], text: str = CODE) -> None:
    for name in names:
        (folder / name).write_text(text)


# 4500 tokens reported for the first call: a 5000-token budget has too little left for any second call.
@pytest.mark.parametrize(
    "fault_server", [([(200, {}, answer(prompt_tokens=4000, completion_tokens=500))],)], indirect=True
)
def test_the_total_budget_stops_the_model_and_says_what_it_left_unreviewed(fault_server: FaultServer, tmp_path: Path):
    write_files(tmp_path, ["a.py", "b.py"])
    done = run_secreview(
        "review",
        "a.py",
        "b.py",
        "--engine",
        "hybrid",
        "--verify",
        "off",
        "--base-url",
        url(fault_server),
        "--max-tokens-total",
        "5000",
        "--no-cache",
        "--format",
        "json",
        "--fail-on",
        "critical",
        cwd=tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert len(fault_server.requests) == 1  # nothing was sent once the budget could not cover a call
    review = json.loads(done.stdout)
    first, second = review["coverage"]["units"]
    assert "llm" in first["reviewed_by"] and "llm" not in first["skipped_by"]
    assert second["skipped_by"] == {"llm": "token budget of 5000 spent (4500 used)"}
    assert {"bandit", "semgrep"} <= set(second["reviewed_by"])
    assert {finding["path"] for finding in review["findings"]} == {"a.py", "b.py"}  # static findings kept
    assert [call["path"] for call in review["model_calls"]] == ["a.py"]
    budget_lines = [line for line in done.stderr.splitlines() if "ran out" in line]
    assert budget_lines == [
        "secreview: the token budget of 5000 ran out (4500 used): 1 of 2 file(s) not reviewed by the model"
    ]
    assert not review["complete"]


LONG = "".join(f"def handler_{i}(request):\n    value = request.args['v{i}']\n    return value\n\n" for i in range(15))


@pytest.mark.parametrize(
    "fault_server", [([(200, {}, answer(prompt_tokens=2400, completion_tokens=100))] * 3,)], indirect=True
)
def test_the_per_unit_budget_stops_only_its_unit(fault_server: FaultServer, tmp_path: Path):
    write_files(tmp_path, ["a.py", "b.py"], LONG)  # 60 lines: several windows at the smallest context
    write_files(tmp_path, ["c.py"])  # one window
    settings = Settings(
        engine="llm",
        base_url=url(fault_server),
        cache=False,
        context_tokens=1024,
        answer_tokens=64,
        max_tokens_unit=3000,
        fix=False,
    )
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), settings, start=tmp_path)
    assert [call.path for call in review.model_calls] == ["a.py", "b.py", "c.py"]  # one window each fitted
    assert len(fault_server.requests) == 3
    units = {unit.path: unit for unit in review.coverage.units}
    for path in ("a.py", "b.py"):
        assert units[path].skipped_by == {"llm": "token budget of 3000 per unit spent (2500 used)"}
        assert any("were reviewed before the token budget ran out" in note for note in units[path].notes)
    assert units["c.py"].reviewed_by == ["llm"] and not units["c.py"].skipped_by
    assert review.exit_code(settings.fail_on) == 3


@pytest.mark.parametrize(
    "fault_server", [([(200, {}, answer(prompt_tokens=4000, completion_tokens=500))] * 2,)], indirect=True
)
def test_answers_from_the_call_log_cost_nothing(fault_server: FaultServer, tmp_path: Path):
    write_files(tmp_path, ["a.py", "b.py"])
    common = ("review", "a.py", "b.py", "--engine", "llm", "--base-url", url(fault_server), "--format", "json")
    first = run_secreview(*common, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert len(fault_server.requests) == 2

    again = run_secreview(*common, "--max-tokens-total", "1", "--max-tokens-unit", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # a budget of 1 token: no real call could fit
    assert len(fault_server.requests) == 2
    review = json.loads(again.stdout)
    assert [call["cached"] for call in review["model_calls"]] == [True, True]
    assert all(unit["reviewed_by"] == ["llm"] for unit in review["coverage"]["units"])
    assert "token budget" not in again.stderr


def test_concurrent_calls_never_promise_more_than_the_budget():
    budget = TokenBudget(total=1000)
    granted: list[int] = []
    lock = threading.Lock()

    def call(unit: int) -> None:
        try:
            with budget.spend(f"u{unit}", 150) as charge:
                time.sleep(0.01)
                charge(100)
                with lock:
                    granted.append(unit)
        except BudgetSpentError:
            pass

    threads = [threading.Thread(target=call, args=(unit,)) for unit in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert budget.used == 100 * len(granted) <= 1000
    assert len(granted) >= 6  # at least 1000 // 150 reservations fit at once
    assert budget.spent


SIX = [f"u{i}.py" for i in range(6)]


@pytest.mark.parametrize("fault_server", [([(200, {}, answer(DEFECT))] * 12, 0.3)], indirect=True)
def test_jobs_review_files_at_once_with_the_report_of_one_job(fault_server: FaultServer, tmp_path: Path):
    write_files(tmp_path, SIX)
    common = ("review", *SIX, "--engine", "llm", "--base-url", url(fault_server), "--no-cache", "--format", "json")
    one = run_secreview(*common, "--jobs", "1", cwd=tmp_path)
    assert fault_server.most_active == 1
    fault_server.most_active = 0
    four = run_secreview(*common, "--jobs", "4", cwd=tmp_path)
    assert 1 < fault_server.most_active <= 4  # requests at once (each takes 0.3 s), never more than the jobs
    assert one.returncode == four.returncode == 1, (one.stderr, four.stderr)
    assert len(fault_server.requests) == 12
    reviews = json.loads(one.stdout), json.loads(four.stdout)
    assert [call["path"] for call in reviews[1]["model_calls"]] == SIX
    assert [finding["path"] for finding in reviews[1]["findings"]] == SIX
    assert without_timings(reviews[0]) == without_timings(reviews[1])


@pytest.mark.parametrize("fault_server", [([],)], indirect=True)
def test_the_rate_limit_spaces_requests_from_all_threads(fault_server: FaultServer):
    backend = open_backend(Settings(base_url=url(fault_server), cache=False, redact=False, jobs=5, rate_limit=10))
    assert isinstance(backend, OpenAICompatibleBackend)
    hello = ChatRequest(messages=[{"role": "user", "content": "Say hi"}], max_tokens=4)
    threads = [threading.Thread(target=backend.complete, args=(hello,)) for _ in range(5)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert len(fault_server.requests) == 5
    assert 0.35 <= elapsed < 5  # 5 requests at 10 per second: 4 intervals of 0.1 s at least


def test_jobs_start_the_embedded_model_with_as_many_slots():
    backend = open_backend(Settings(model=str(smollm2_path()), cache=False, jobs=3, rate_limit=2.5))
    try:
        assert isinstance(backend, EmbeddedBackend)
        assert (backend.parallel, backend.rate_limit) == (3, 2.5)
    finally:
        backend.close()  # never started: nothing was asked


@pytest.mark.parametrize(
    ("variable", "value"),
    [("JOBS", "0"), ("MAX_TOKENS_TOTAL", "0"), ("MAX_TOKENS_UNIT", "-5"), ("RATE_LIMIT", "0")],
)
def test_invalid_budgets_jobs_and_rates_are_configuration_errors(tmp_path: Path, variable: str, value: str):
    shown = variable.lower().replace("_", "-")
    with pytest.raises(ConfigError, match=rf"invalid setting {shown} \(from the environment\)"):
        load_settings(tmp_path, environ={f"SECREVIEW_{variable}": value})


def test_budget_jobs_and_rate_settings_layer_like_the_others(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.secreview]\njobs = 2\nmax-tokens-total = 100000\n")
    settings = load_settings(tmp_path, {"rate_limit": 0.5}, environ={"SECREVIEW_MAX_TOKENS_UNIT": "9000"})
    assert (settings.jobs, settings.max_tokens_total, settings.max_tokens_unit, settings.rate_limit) == (
        2,
        100000,
        9000,
        0.5,
    )
    assert Settings().jobs == 1 and Settings().max_tokens_total is None and Settings().rate_limit is None


def test_the_cli_rejects_zero_jobs(tmp_path: Path):
    write_files(tmp_path, ["a.py"])
    done = run_secreview("review", "a.py", "--jobs", "0", cwd=tmp_path)
    assert done.returncode == 2 and "--jobs" in done.stderr


@pytest.mark.slow
def test_two_jobs_on_the_embedded_model_complete(tmp_path: Path):
    write_files(tmp_path, ["a.py", "b.py"])
    done = run_secreview(
        "review",
        "a.py",
        "b.py",
        "--engine",
        "llm",
        "--jobs",
        "2",
        "--no-cache",
        "--format",
        "json",
        cwd=tmp_path,
        static=False,
        env=smollm2_env(),
    )
    assert done.returncode in (0, 1, 3), done.stderr
    review = json.loads(done.stdout)
    assert {call["path"] for call in review["model_calls"]} == {"a.py", "b.py"}
    assert all(call["prompt_tokens"] > 0 for call in review["model_calls"])
    for unit in review["coverage"]["units"]:  # SmolLM2 writes nonsense: read, or reported as not reviewed
        assert "llm" in unit["reviewed_by"] or unit["skipped_by"]["llm"].startswith("model review failed")
