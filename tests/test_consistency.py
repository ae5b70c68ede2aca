"""Consistency: several samples per window put to the vote, free-text reviews reconciled the same way, and
the same input giving the same report byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    DATA,
    SQL_INJECTION,
    FaultServer,
    chat_answer,
    run_secreview,
    smollm2_env,
    sql_defect,
    without_timings,
)
from secreview import aggregate, sinks
from secreview.api import Pipeline, ReviewRequest, run_review
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.config import ConfigError, Settings, load_settings
from secreview.engines.bandit import BanditEngine
from secreview.engines.interface import Engine
from secreview.engines.llm import LLMEngine
from secreview.models import CodeUnit, Evidence, Finding, Review, Severity

CODE = SQL_INJECTION + '\n\ndef greet(name):\n    return "<p>Hello " + name + "</p>"\n'
SQL_5_6 = {"start_line": 5, "end_line": 6, "quoted_code": "query = \"SELECT * FROM users WHERE name = '%s'\" % name"}
SQL_6 = {"start_line": 6, "end_line": 6, "quoted_code": "cursor.execute(query)"}
XSS_11 = {
    "weakness": "Cross-site scripting",
    "start_line": 11,
    "end_line": 11,
    "quoted_code": 'return "<p>Hello " + name + "</p>"',
    "cwe": 79,
}
NO_CACHE = {"SECREVIEW_CACHE": "false"}  # every sample really reaches the scripted server


def answer(*defects: dict[str, object]) -> tuple[int, dict[str, str], bytes]:
    verdict = "defects" if defects else "no defects"
    return 200, {}, chat_answer(json.dumps({"hints": [], "defects": list(defects), "verdict": verdict}), 50, 20)


# Three samples of one window: two see the SQL injection (at slightly different lines), one also sees XSS.
THREE_SAMPLES = [answer(sql_defect(**SQL_5_6), sql_defect(**XSS_11)), answer(sql_defect(**SQL_6)), answer()]


def write_code(folder: Path) -> Path:
    path = folder / "db.py"
    path.write_text(CODE)
    return path


def model_engine(server: FaultServer, samples: int, seed: int = 0, temperature: float = 0.7) -> LLMEngine:
    backend = OpenAICompatibleBackend(f"http://127.0.0.1:{server.server_port}/v1", "m", backoff_s=0.01, max_retries=0)
    return LLMEngine(
        backend, context_tokens=4096, answer_tokens=256, temperature=temperature, seed=seed, samples=samples
    )


def review_with(engines: list[Engine], folder: Path, **settings: Any) -> Review:
    path = write_code(folder)
    settings = Settings(**{"fix": False, **settings})
    return run_review(ReviewRequest(paths=[str(path)]), settings, start=folder, pipeline=Pipeline(engines))


def by_cwe(review: Review) -> dict[int | None, Finding]:
    return {finding.cwe: finding for finding in review.findings}


# --- voting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES,)], indirect=True)
def test_a_majority_keeps_a_finding_and_a_lone_sample_does_not(fault_server: FaultServer, tmp_path: Path):
    review = review_with([model_engine(fault_server, 3)], tmp_path, engine="llm", samples=3)
    (sql,) = review.findings  # CWE-79 was said by one sample of three: below the default min-support (2)
    assert (sql.cwe, sql.start_line, sql.end_line) == (89, 6, 6)  # lines 5-6 and line 6: one defect
    assert (sql.support, sql.samples) == (2, 3)
    assert sorted(e.sample for e in sql.evidence) == [0, 1]
    assert review.voting is not None and (review.voting.samples, review.voting.min_support) == (3, 2)
    (unit,) = review.coverage.units
    assert unit.notes == ["left out by the vote (reported by fewer than 2 samples): CWE-79 at line 11 (1 of 3)"]
    assert [call.sample for call in review.model_calls] == [0, 1, 2]


@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES,)], indirect=True)
def test_min_support_one_keeps_what_any_sample_said(fault_server: FaultServer, tmp_path: Path):
    settings = {"engine": "llm", "samples": 3, "min_support": 1, "model_findings": "all"}
    review = review_with([model_engine(fault_server, 3)], tmp_path, **settings)
    found = by_cwe(review)
    assert sorted(found, key=str) == [79, 89]  # clustered by CWE family: the XSS is not the SQL injection
    assert (found[79].support, found[79].samples) == (1, 3)
    assert (found[89].support, found[89].samples) == (2, 3)
    assert found[89].confidence > found[79].confidence  # more samples agree, more confidence
    assert not review.coverage.units[0].notes


@pytest.mark.parametrize("fault_server", [([answer()] * 3,)], indirect=True)
def test_a_static_finding_survives_without_model_support(fault_server: FaultServer, tmp_path: Path):
    engines: list[Engine] = [BanditEngine(), model_engine(fault_server, 3)]
    review = review_with(engines, tmp_path, engine="hybrid", samples=3)
    sql = by_cwe(review)[89]
    assert sql.engines == ["bandit"]
    assert (sql.support, sql.samples) == (0, 3)
    assert "H1" in fault_server.requests[0]["messages"][1]["content"]  # the model was asked about it, 3 times


@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES,)], indirect=True)
def test_each_sample_has_its_own_seed(fault_server: FaultServer, tmp_path: Path):
    write_code(tmp_path)
    done = run_secreview(
        "review",
        "db.py",
        "--engine",
        "llm",
        "--base-url",
        f"http://127.0.0.1:{fault_server.server_port}/v1",
        "--samples",
        "3",
        "--seed",
        "40",
        "--format",
        "json",
        cwd=tmp_path,
        env={**NO_CACHE, "SECREVIEW_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 1, done.stderr
    assert [request["seed"] for request in fault_server.requests] == [40, 41, 42]
    assert [request["temperature"] for request in fault_server.requests] == [0.7] * 3  # the default for samples
    review = json.loads(done.stdout)
    assert review["voting"] == {
        "source": "model",
        "samples": 3,
        "min_support": 2,
        "temperature": 0.7,
        "seed": 40,
    }
    assert [(f["cwe"], f["support"], f["samples"]) for f in review["findings"]] == [(89, 2, 3)]
    assert [e["sample"] for e in review["findings"][0]["evidence"]] == [0, 1]


def test_temperature_defaults_to_zero_for_one_sample_and_an_explicit_one_wins(tmp_path: Path):
    assert load_settings(tmp_path, environ={}).sampling_temperature == 0.0
    assert load_settings(tmp_path, environ={"SECREVIEW_SAMPLES": "3"}).sampling_temperature == 0.7
    explicit = load_settings(tmp_path, {"samples": 3, "temperature": 0.2}, environ={})
    assert explicit.sampling_temperature == 0.2
    zero = load_settings(tmp_path, {"samples": 3, "temperature": 0.0}, environ={})
    assert zero.sampling_temperature == 0.0


def test_min_support_defaults_to_more_than_half_and_cannot_exceed_the_samples(tmp_path: Path):
    settings = load_settings(tmp_path, environ={})
    assert [settings.required_support(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 2, 3, 3]
    assert settings.required_support(3, default=1) == 1
    with pytest.raises(ConfigError, match="min-support: 4 is more than the 3"):
        load_settings(tmp_path, {"min_support": 4}, environ={}).required_support(3)


# --- clustering and confidence, in the aggregate step -----------------------------------------------------

UNIT = CodeUnit(id="db.py", path="db.py", language="python", text=CODE)


def sampled(sample: int, cwe: int, start: int, end: int | None = None, engine: str = "llm") -> Finding:
    return Finding(
        path="db.py", start_line=start, end_line=end or start, cwe=cwe, title=f"CWE-{cwe}", description="d",
        solution="s", severity=Severity.medium, confidence=0.5,
        evidence=[Evidence(engine=engine, rule_id="structured", message="m", severity=Severity.medium,
                           confidence=0.5, cwe=cwe, sample=sample)],
    )  # fmt: skip


def test_samples_cluster_by_cwe_family_and_overlapping_lines():
    raw = [sampled(0, 89, 5, 6), sampled(1, 89, 6), sampled(1, 79, 11), sampled(2, 89, 6, 7)]
    findings = aggregate.judge(raw, {"db.py": UNIT}, {"db.py": 3}, min_support=1)
    assert [(f.cwe, f.start_line, f.end_line, f.support) for f in findings] == [(89, 6, 6, 3), (79, 11, 11, 1)]


def test_a_model_only_finding_needs_a_sink_of_its_kind_or_a_second_sample():
    # db.py: lines 5-6 build and run an SQL query (cursor.execute); line 11 returns markup (no sink)
    raw = [sampled(0, 89, 6), sampled(0, 79, 11), sampled(0, 200, 5), sampled(1, 22, 11), sampled(2, 22, 11)]
    findings, left_out, unconfirmed, *_ = aggregate.judge_votes(raw, {"db.py": UNIT}, {"db.py": 3}, 1, confirm=True)
    assert [(f.cwe, f.start_line, f.support) for f in findings] == [
        (89, 6, 1),  # one sample, but cursor.execute is on its line: a sink of its kind
        (22, 11, 2),  # no sink of its kind, but two samples agree
    ]
    assert [(f.cwe, f.start_line) for f in unconfirmed] == [(200, 5), (79, 11)]  # one sample, nothing backs it
    assert not left_out
    without = aggregate.judge_votes(raw, {"db.py": UNIT}, {"db.py": 3}, 1)  # confirm off: every finding stays
    assert len(without.findings) == 4 and not without.unconfirmed


@pytest.mark.parametrize(
    ("line", "cwe", "confirms"),
    [
        ('cur.execute("SELECT * FROM t WHERE id = %s" % user_id)', 89, True),
        ("cur.execute(f'SELECT * FROM t WHERE id = {user_id}')", 89, True),
        ("cur.execute(query)", 89, True),  # built elsewhere: the model may be right
        ("cur.execute('SELECT * FROM t WHERE id = ?', (user_id,))", 89, False),  # bound parameters: the fix
        ('cur.execute("SELECT count(*) FROM t")', 89, False),
        ("os.system('ls ' + directory)", 78, True),
        ("subprocess.run(['ls', directory])", 78, True),
        ("subprocess.run('make clean', shell=True)", 78, False),
    ],
)
def test_an_injection_sink_confirms_only_where_what_it_runs_is_not_one_constant_string(
    line: str, cwe: int, confirms: bool
):
    assert bool(sinks.confirming_sinks(cwe, [line], "python")) is confirms


def test_a_static_finding_needs_no_confirmation():
    backed = [sampled(0, 79, 11), *(f.model_copy(update={"evidence": [e.model_copy(update={"engine": "semgrep",
              "sample": None}) for e in f.evidence]}) for f in [sampled(0, 79, 11)])]  # fmt: skip
    (finding,) = aggregate.judge_votes(backed, {"db.py": UNIT}, {"db.py": 1}, 1, confirm=True).findings
    assert finding.engines == ["llm", "semgrep"]


def test_one_sample_saying_it_twice_is_one_vote():
    (finding,) = aggregate.judge([sampled(0, 89, 5), sampled(0, 89, 6)], {"db.py": UNIT}, {"db.py": 3})
    assert (finding.support, finding.samples) == (1, 3)


def test_confidence_grows_with_support():
    def confidence(support: int, samples: int) -> float:
        raw = [sampled(i, 89, 6) for i in range(support)]
        (finding,) = aggregate.judge(raw, {"db.py": UNIT}, {"db.py": samples})
        return finding.confidence

    assert confidence(1, 3) < confidence(2, 3) < confidence(3, 3)
    assert confidence(1, 1) == 0.5  # a single sample keeps the model's own confidence
    assert confidence(3, 3) > confidence(1, 1)


# --- determinism -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES * 2,)], indirect=True)
@pytest.mark.parametrize("output_format", ["md", "sarif", "json"])
def test_the_same_answers_give_the_same_report_byte_for_byte(
    fault_server: FaultServer, tmp_path: Path, output_format: str
):
    write_code(tmp_path)
    reports = []
    for _ in range(2):
        done = run_secreview(
            "review",
            "db.py",
            "--engine",
            "llm",
            "--base-url",
            f"http://127.0.0.1:{fault_server.server_port}/v1",
            "--samples",
            "3",
            "--min-support",
            "1",
            "--format",
            output_format,
            cwd=tmp_path,
            env={**NO_CACHE, "SECREVIEW_CACHE_DIR": str(tmp_path / "cache")},
        )
        assert done.returncode == 1, done.stderr
        reports.append(done.stdout)
    assert len(fault_server.requests) == 6  # both runs asked the model
    if output_format == "json":
        first, second = (json.loads(report) for report in reports)
        assert without_timings(first) == without_timings(second)
        assert [f["fingerprint"] for f in first["findings"]] == [f["fingerprint"] for f in second["findings"]]
    else:
        assert reports[0] == reports[1]
    if output_format == "md":
        assert "**agreed by**: 2 of 3 samples" in reports[0] and "**agreed by**: 1 of 3 samples" in reports[0]
        assert reports[0].index("## Observations (not defects)") < reports[0].index("1 of 3 samples")
    if output_format == "sarif":
        results = json.loads(reports[0])["runs"][0]["results"]
        assert [(r["ruleId"], r["properties"]["support"], r["properties"]["samples"]) for r in results] == [
            ("CWE-89", 2, 3),  # the XSS one sample saw, with no sink of its kind on its line, is an observation
        ]


# --- free-text reviews reconciled like samples ----------------------------------------------------------

SEEDS = sorted((DATA / "seeds").glob("0*.txt"))
NEUTRON_FILE = Path(__file__).parents[1] / "examples" / "neutron" / "test_revision_plugin.py"


def test_parse_reconciles_the_three_seed_reviews_with_their_support(tmp_path: Path):
    assert len(SEEDS) == 3
    as_json = run_secreview("parse", *map(str, SEEDS), "--code", str(NEUTRON_FILE), "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    review = json.loads(as_json.stdout)
    assert review["voting"] == {"source": "reviews", "samples": 3, "min_support": 1, "temperature": None, "seed": None}
    assert sorted((f["cwe"], f["start_line"], f["end_line"]) for f in review["findings"]) == [
        (664, 72, 78),
        (691, 66, 79),
        (703, 63, 80),
    ]
    assert len(review["observations"]) == 5  # 000's two and 001's three: no two reviews say the same thing
    for item in review["findings"] + review["observations"]:
        assert (item["support"], item["samples"]) == (1, 3)
    (unit,) = review["coverage"]["units"]
    assert unit["notes"] == [
        f"2 of 3 reviews conclude that no security defects are detected: {SEEDS[0].name}, {SEEDS[1].name}"
    ]

    as_markdown = run_secreview("parse", *map(str, SEEDS), "--code", str(NEUTRON_FILE), cwd=tmp_path)
    assert as_markdown.stdout.count("**agreed by**: 1 of 3 reviews") == 8
    assert "3 reviews reconciled: a finding is shown when at least 1 state it." in as_markdown.stdout

    majority = run_secreview(
        "parse", *map(str, SEEDS), "--code", str(NEUTRON_FILE), "--min-support", "2", "--format", "json", cwd=tmp_path
    )
    voted = json.loads(majority.stdout)
    assert voted["findings"] == [] and voted["observations"] == []  # no two reviews agree on anything
    assert voted["verdict"] == "No security defects are detected in the code"  # as two of the three conclude
    assert (
        "left out by the vote (reported by fewer than 2 reviews): CWE-703 at line 63 (1 of 3)"
        in (voted["coverage"]["units"][0]["notes"][1])
    )


# --- the real embedded model -------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_samples_on_the_embedded_model(tmp_path: Path):
    write_code(tmp_path)
    done = run_secreview(
        "review",
        "db.py",
        "--engine",
        "llm",
        "--samples",
        "2",
        "--format",
        "json",
        cwd=tmp_path,
        static=False,
        env={
            **smollm2_env(SECREVIEW_CACHE_DIR=str(tmp_path / "cache")),
            **NO_CACHE,
        },
    )
    review = json.loads(done.stdout)
    first_calls = [call for call in review["model_calls"] if call["step"] == "structured"]
    assert [call["sample"] for call in first_calls] == [0, 1], done.stderr  # one window, two samples
    assert all(call["prompt_tokens"] > 0 for call in first_calls)
    assert review["voting"]["samples"] == 2 and review["voting"]["temperature"] == 0.7
    (unit,) = review["coverage"]["units"]
    if review["complete"]:  # SmolLM2 writes nonsense: read, voted on, or honestly reported as not reviewed
        assert unit["reviewed_by"] == ["llm"] and done.returncode in (0, 1)
        assert all(f["samples"] == 2 and 1 <= f["support"] <= 2 for f in review["findings"])
    else:
        assert "model review failed" in unit["skipped_by"]["llm"] and done.returncode in (1, 3)
        assert "No security defects are detected in the code" not in review["verdict"]


@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES,)], indirect=True)
def test_model_findings_all_reports_what_nothing_confirms(fault_server: FaultServer, tmp_path: Path):
    write_code(tmp_path)
    url = f"http://127.0.0.1:{fault_server.server_port}/v1"
    done = run_secreview(
        "review", "db.py", "--engine", "llm", "--base-url", url, "--samples", "3", "--min-support", "1",
        "--model-findings", "all", "--format", "json", cwd=tmp_path, env=NO_CACHE,
    )  # fmt: skip
    review = json.loads(done.stdout)
    assert [f["cwe"] for f in review["findings"]] == [89, 79] and review["observations"] == []


@pytest.mark.parametrize("fault_server", [(THREE_SAMPLES,)], indirect=True)
def test_a_suppression_comment_also_quiets_an_unconfirmed_observation(fault_server: FaultServer, tmp_path: Path):
    # The XSS one sample of three saw (line 12 once the comment is in) is an observation; the comment before it
    # accepts it, so it is listed as suppressed, not as an observation.
    lines = CODE.splitlines()
    lines.insert(10, "    # secreview: ignore[CWE-79] greet() output is escaped by the caller's template")
    (tmp_path / "db.py").write_text("\n".join(lines) + "\n")
    xss = {**XSS_11, "start_line": 12, "end_line": 12}
    fault_server.script = [answer(sql_defect(**SQL_5_6), sql_defect(**xss)), answer(sql_defect(**SQL_6)), answer()]
    settings = Settings(engine="llm", samples=3, min_support=1, fix=False)
    review = run_review(
        ReviewRequest(paths=[str(tmp_path / "db.py")]),
        settings,
        start=tmp_path,
        pipeline=Pipeline([model_engine(fault_server, 3)]),
    )
    assert [f.cwe for f in review.findings] == [89] and review.observations == []
    (quiet,) = review.suppressed
    assert quiet.cwe == 79 and quiet.suppression is not None and quiet.suppression.line == 11
