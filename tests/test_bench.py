"""`secreview bench` end to end on a tiny dataset made here: sampling, storage and resume, reports, a real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_secreview, smollm2_path
from secreview.bench.dataset import Case, DatasetError, load_dataset, stratified_sample
from secreview.bench.interface import CaseResult
from secreview.bench.report import markdown
from secreview.bench.runner import ResumeError, Slot, load_results, run_slots
from secreview.bench.suite import run_bench

SQL_INJECTION = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(name):\n"
    "    cursor = sqlite3.connect('app.db').cursor()\n"
    "    cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
    "    return cursor.fetchall()\n"
)
PARAMETERISED = SQL_INJECTION.replace(
    "\"SELECT * FROM users WHERE name = '%s'\" % name", '"SELECT * FROM users WHERE name = ?", (name,)'
)
COMMAND_INJECTION = "import subprocess\n\n\ndef run(arg):\n    subprocess.call('ls ' + arg, shell=True)\n"
SAFE_COMMAND = "import subprocess\n\n\ndef run(arg):\n    subprocess.call(['/bin/ls', '--', arg])\n"


def make_dataset(root: Path) -> Path:
    """Two pairs in two categories: vulnerable and fixed versions, with labelled lines."""
    files = {
        "case_1.py": (SQL_INJECTION, True, [89], [6], "p1", "sqli"),
        "case_2.py": (PARAMETERISED, False, [89], [], "p1", "sqli"),
        "case_3.py": (COMMAND_INJECTION, True, [78], [5], "p2", "cmdi"),
        "case_4.py": (SAFE_COMMAND, False, [78], [], "p2", "cmdi"),
    }
    (root / "files").mkdir(parents=True)
    rows = []
    for number, (name, (text, vulnerable, cwe, lines, pair, category)) in enumerate(files.items(), start=1):
        (root / "files" / name).write_text(text)
        rows.append(
            {
                "id": f"t-{number}",
                "path": f"files/{name}",
                "language": "python",
                "vulnerable": vulnerable,
                "cwe": cwe,
                "lines": lines,
                "pair": pair,
                "category": category,
            }
        )
    (root / "cases.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return root


def case(number: int, category: str, vulnerable: bool, pair: str | None = None) -> Case:
    return Case(f"c{number}", f"files/{number}.py", "python", vulnerable, (89,), (), pair, category)


def test_a_stratified_sample_keeps_proportions_and_pairs_and_is_repeatable():
    cases = [case(i, "a" if i < 60 else "b", i % 3 == 0) for i in range(90)]
    cases += [case(100 + i, "c", i % 2 == 0, pair=f"p{i // 2}") for i in range(30)]
    sample = stratified_sample(cases, 40, seed=7)
    assert sample == stratified_sample(cases, 40, seed=7)
    assert sample != stratified_sample(cases, 40, seed=8)
    assert len(sample) == 40
    by_category = {name: sum(c.category == name for c in sample) for name in "abc"}
    assert by_category == {"a": 20, "b": 10, "c": 10}
    assert sum(c.vulnerable for c in sample if c.category == "a") == 7  # a third of a's 20, rounded
    pairs = [c.pair for c in sample if c.pair]
    assert all(pairs.count(p) == 2 for p in pairs)  # both halves, always
    assert stratified_sample(cases, 500, seed=0) == cases


def test_a_folder_that_is_not_a_dataset_is_refused_with_the_reason(tmp_path: Path):
    with pytest.raises(DatasetError, match=r"no cases\.jsonl"):
        load_dataset(tmp_path)
    root = make_dataset(tmp_path / "d")
    with (root / "cases.jsonl").open("a") as listing:
        listing.write('{"id": "t-9", "path": "files/missing.py", "language": "python", "vulnerable": true}\n')
    with pytest.raises(DatasetError, match=r"cases.jsonl:5: the file files/missing.py does not exist"):
        load_dataset(root)
    (root / "cases.jsonl").write_text(
        '{"id": "x", "path": "../etc/passwd", "language": "python", "vulnerable": true}\n'
    )
    with pytest.raises(DatasetError, match="not under files/"):
        load_dataset(root)


class CountingReviewer:
    """Flags every case, and counts what it was asked to review (to see what a resumed run redoes)."""

    name = "counting"
    batch_size = 2

    def __init__(self) -> None:
        self.reviewed: list[str] = []

    def review(self, dataset, cases):
        for one in cases:
            self.reviewed.append(one.id)
            yield CaseResult(case_id=one.id)

    def close(self) -> None:
        pass


def test_an_interrupted_run_resumes_and_a_foreign_folder_is_refused(tmp_path: Path):
    dataset = load_dataset(make_dataset(tmp_path / "d"))
    out = tmp_path / "out"
    first = CountingReviewer()
    run_slots(dataset, dataset.cases[:2], [Slot(first, 1)], out)
    stored = out / "results" / "counting.jsonl"
    with stored.open("a") as results:
        results.write('{"case_id": "t-3", "findi')  # the process was killed mid-write
    again = CountingReviewer()
    results = run_slots(dataset, dataset.cases[:2], [Slot(again, 1)], out)
    assert again.reviewed == [] and set(results[Slot(again, 1)]) == {"t-1", "t-2"}
    with pytest.raises(ResumeError, match="holds results for other cases"):
        run_slots(dataset, dataset.cases, [Slot(CountingReviewer(), 1)], out)
    assert set(load_results(stored)) == {"t-1", "t-2"}  # the cut line is ignored, not an error


def test_one_report_shows_the_configurations_earlier_invocations_stored_in_the_folder(tmp_path: Path):
    root = make_dataset(tmp_path / "d")
    dataset, out = load_dataset(root), tmp_path / "out"
    stopped = CountingReviewer()
    stopped.name = "stopped"
    run_slots(dataset, dataset.cases, [Slot(CountingReviewer(), 1), Slot(stopped, 1)], out)  # earlier invocations
    kept = (out / "results" / "stopped.jsonl").read_text().splitlines()[:1]
    (out / "results" / "stopped.jsonl").write_text(kept[0] + "\n")  # as if "stopped" was interrupted after a case

    outcome = run_bench(root, [], out)  # this invocation runs only the Bandit reference row
    assert [config.name for config in outcome.configurations] == ["bandit (defaults)", "counting"]
    assert set(outcome.configurations[1].results) == {"t-1", "t-2", "t-3", "t-4"}
    assert outcome.unfinished == {"stopped": 1}  # counted, never scored on fewer cases
    assert "stopped (1 of 4 cases)" in markdown(outcome)


@pytest.mark.slow
def test_bench_scores_bandit_and_the_static_engine_side_by_side_and_resumes(tmp_path: Path):
    root = make_dataset(tmp_path / "tiny")
    out = tmp_path / "out"
    done = run_secreview("bench", str(root), "--engine", "static", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "results.json").read_text())
    rows = {config["name"]: config for config in report["configurations"]}
    assert list(rows) == ["bandit (defaults)", "static"]
    static = rows["static"]["scores"]["overall"]
    assert static["tpr"]["exact"] == 1.0 and static["fpr"]["any"] == 0.0  # both defects found, fixes quiet
    assert static["pair_correct_rate"]["family"] == 1.0 and static["line_hit_rate"] == 1.0
    assert rows["static"]["scores"]["by_category"]["sqli"]["score"]["family"] == 1.0
    assert {r["case_id"] for r in rows["static"]["results"]} == {"t-1", "t-2", "t-3", "t-4"}
    assert "| static | 100.0 |" in done.stdout and (out / "report.md").read_text() == done.stdout
    assert (out / "tpr_fpr.png").read_bytes()[:4] == b"\x89PNG" and (out / "categories.png").exists()

    stored = (out / "results" / "static.jsonl").read_text()
    again = run_secreview("bench", str(root), "--engine", "static", "--out", str(out), cwd=tmp_path)
    assert again.returncode == 0 and (out / "results" / "static.jsonl").read_text() == stored  # nothing redone


@pytest.mark.slow
def test_bench_runs_a_real_model_configuration_into_the_table_of_an_earlier_invocation(tmp_path: Path):
    root = make_dataset(tmp_path / "tiny")
    out = tmp_path / "out"
    assert run_secreview("bench", str(root), "--engine", "static", "--out", str(out), cwd=tmp_path).returncode == 0
    done = run_secreview(
        "bench",
        str(root),
        "--engine",
        "llm",
        "--model",
        str(smollm2_path()),
        "--out",
        str(out),
        cwd=tmp_path,
        env={"SECREVIEW_ANSWER_TOKENS": "64", "SECREVIEW_CONTEXT_TOKENS": "2048"},
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "results.json").read_text())["configurations"]
    model_row = f"llm/structured/{smollm2_path().name}"
    assert [c["name"] for c in rows] == ["bandit (defaults)", model_row, "static"]  # static: the earlier invocation
    config = rows[1]
    assert len(config["results"]) == 4
    assert config["cost"]["model_calls"] >= 2 and config["cost"]["prompt_tokens"] > 0
    # every case was put to the model, or is marked incomplete: never silently clean
    assert all(r["model_calls"] > 0 or not r["complete"] for r in config["results"])
