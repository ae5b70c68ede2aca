#!/usr/bin/env python3
"""Score a static bench run with and without the flow engine's candidates (and beside other tools' results).

`secreview bench DATASET --engine static --out DIR` stores every case's findings with the engines that
reported each (DIR/results/static.jsonl), and apart from them the candidates no model checked (the bench counts
only the findings). This script scores the same run three ways, so one run gives the rows:

  today            findings that some engine other than `flows` reports (Bandit and Semgrep, as before)
  with candidates  every finding and every candidate (what the static engine lists without a model)
  flows alone      the flow engine's findings and candidates

and, with --also NAME=FILE.jsonl (CaseResult lines, e.g. from benchmarks/pysa_compare.py), NAME's
findings added to today's, and alone. Columns: pairs ok, TPR per CWE (family match), FPR any (not-vulnerable
cases with any finding: for sven-python-dev the fixed functions), line hit, OWASP score (family).

    python benchmarks/flow_candidates.py ../shared/bench/sven-python-dev DIR/results/static.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from secreview.bench.dataset import load_dataset
from secreview.bench.interface import CaseResult, ReportedFinding
from secreview.bench.metrics import Summary, score
from secreview.bench.runner import load_results
from secreview.engines.flows import ENGINE

CWES = (22, 79, 78, 89, 918, 502)


def _filtered(results: dict[str, CaseResult], keep: Callable[[ReportedFinding], bool]) -> dict[str, CaseResult]:
    return {
        case_id: result.model_copy(update={"findings": [f for f in result.findings if keep(f)]})
        for case_id, result in results.items()
    }


def _with_candidates(results: dict[str, CaseResult]) -> dict[str, CaseResult]:
    return {
        case_id: result.model_copy(update={"findings": [*result.findings, *result.candidates]})
        for case_id, result in results.items()
    }


def _added(results: dict[str, CaseResult], other: dict[str, CaseResult]) -> dict[str, CaseResult]:
    return {
        case_id: result.model_copy(
            update={"findings": [*result.findings, *(other[case_id].findings if case_id in other else [])]}
        )
        for case_id, result in results.items()
    }


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}"


def _row(name: str, overall: Summary, by_cwe: dict[int, Summary], owasp: float | None) -> str:
    cells = [
        name,
        _percent(overall.pair_correct_rate("family")),
        _percent(overall.tpr("family")),
        *(_percent(by_cwe[cwe].tpr("family")) if cwe in by_cwe else "n/a" for cwe in CWES),
        _percent(overall.fpr("any")),
        _percent(overall.line_hit_rate),
        "n/a" if owasp is None else f"{100 * owasp:+.1f}",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("results", type=Path, help="the static configuration's results (results/static.jsonl)")
    parser.add_argument("--also", action="append", default=[], help="NAME=FILE.jsonl: another tool's findings")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    results = load_results(args.results)
    cases = [case for case in dataset.cases if case.id in results]
    today = _filtered(results, lambda finding: finding.engines != [ENGINE])
    variants = {
        "today (Bandit + Semgrep)": today,
        "with candidates": _with_candidates(results),
        "flows alone": _filtered(_with_candidates(results), lambda finding: ENGINE in finding.engines),
    }
    for spec in args.also:
        name, _, path = spec.partition("=")
        other = load_results(Path(path))
        variants[f"today + {name}"] = _added(today, other)
        variants[f"{name} alone"] = _added(_filtered(results, lambda finding: False), other)
    header = ["variant", "pairs ok", "TPR fam", *(f"TPR CWE-{c}" for c in CWES), "FPR any", "line hit", "OWASP"]
    print(f"{dataset.name}: {len(cases)} cases")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|")
    for name, variant in variants.items():
        scores = score(cases, variant)
        print(_row(name, scores.overall, scores.by_cwe, scores.owasp["family"]))


if __name__ == "__main__":
    main()
