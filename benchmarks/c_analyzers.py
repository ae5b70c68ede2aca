#!/usr/bin/env python3
"""Which C analyzer earns its place: one `secreview bench DATASET --engine static` run re-scored per analyzer.

Every stored finding names the engines that reported it (merged findings name each one that agreed), so the
findings one analyzer made alone are the stored findings that name it; scoring those is the analyzer run alone
(up to the line range of a merged finding, which is where the engines agreed). Prints a Markdown table overall
(with line hit ±1 counted over the true positives, as the issue's target reads) and one per expected CWE.
`--by-check` prints instead one row per check (engine:rule), which is what shows a noisy check: the vulnerable
files where it names the expected CWE's family against the fixed files it flags, and of those how many it alone
flags (without it the fixed file would be clean).

    python benchmarks/c_analyzers.py /work/shared/bench/juliet-c-dev bench-results/juliet-c-dev/results/static.jsonl
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from secreview.bench.dataset import Case, load_dataset
from secreview.bench.interface import CaseResult
from secreview.bench.metrics import Summary, cwe_matches, score
from secreview.bench.runner import load_results
from secreview.engines.c_analyzers import ANALYZERS

ENGINES = ("semgrep", *ANALYZERS)  # the C rules, then each analyzer alone


def only(results: Mapping[str, CaseResult], engines: set[str] | None) -> dict[str, CaseResult]:
    """The results as if only `engines` had run (None: all of them)."""
    if engines is None:
        return dict(results)
    return {
        case_id: result.model_copy(update={"findings": [f for f in result.findings if engines & set(f.engines)]})
        for case_id, result in results.items()
    }


def line_hits_of_true_positives(cases: list[Case], results: Mapping[str, CaseResult]) -> tuple[int, int]:
    """(true positives with labelled lines whose CWE-matching findings touch a labelled line ±1, such TPs)."""
    hits = total = 0
    for case in cases:
        if not case.vulnerable or not case.lines:
            continue
        matching = [f for f in results[case.id].findings if cwe_matches(case.cwe, f.cwe, "family")]
        if not matching:
            continue
        total += 1
        hits += any(
            f.start_line is not None and (f.start_line - 1) <= line <= ((f.end_line or f.start_line) + 1)
            for f in matching
            for line in case.lines
        )
    return hits, total


def by_check(cases: list[Case], results: Mapping[str, CaseResult]) -> list[str]:
    """Per check, over files: vulnerable with the expected family / vulnerable with another CWE only / fixed
    flagged / fixed flagged by it alone / fixed flagged with its look-alike family."""
    counts: dict[str, Counter[str]] = {}
    for case in cases:
        findings = results[case.id].findings
        flagged_by: dict[str, set[str]] = {}
        for finding in findings:
            matches = cwe_matches(case.cwe, finding.cwe, "family")
            for rule in finding.rules or [f"{engine}:?" for engine in finding.engines]:
                flagged_by.setdefault(rule, set()).add("match" if matches else "other")
        every_rule = {rule for finding in findings for rule in finding.rules}
        for rule, kinds in flagged_by.items():
            count = counts.setdefault(rule, Counter())
            if case.vulnerable:
                count["tp" if "match" in kinds else "vuln other"] += 1
            else:
                count["fp"] += 1
                count["fp alone"] += every_rule == {rule}
                count["fp fam"] += "match" in kinds
    columns = ("tp", "vuln other", "fp", "fp alone", "fp fam")
    lines = [
        "| check | vulnerable, its CWE family | vulnerable, other CWE | fixed flagged | by it alone | fixed, family |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for rule, count in sorted(counts.items(), key=lambda item: (-item[1]["fp"], -item[1]["tp"], item[0])):
        lines.append(f"| {rule} | " + " | ".join(str(count[column]) for column in columns) + " |")
    return lines


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def row(name: str, summary: Summary, tp_lines: tuple[int, int]) -> str:
    hits, total = tp_lines
    return (
        f"| {name} | {pct(summary.tpr('family'))} | {pct(summary.tpr('exact'))} | {pct(summary.fpr('any'))} | "
        f"{pct(summary.fpr('family'))} | {pct(summary.pair_correct_rate('family'))} | "
        f"{pct(summary.line_hit_tolerant_rate)} | {pct(hits / total if total else None)} ({hits}/{total}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("results", type=Path, help="a static configuration's results file (results/static.jsonl)")
    parser.add_argument("--by-check", action="store_true", help="one row per check instead (engine:rule)")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    stored = load_results(args.results)
    cases = [case for case in dataset.cases if case.id in stored]
    if args.by_check:
        print("\n".join(by_check(cases, stored)))
        return
    configurations: dict[str, set[str] | None] = {"all (static)": None, **{e: {e} for e in ENGINES}}
    configurations["C analyzers (no semgrep)"] = set(ENGINES) - {"semgrep"}
    scored = {name: score(cases, only(stored, engines)) for name, engines in configurations.items()}
    print(f"{len(cases)} cases\n")
    print("| engines | TPR fam | TPR exact | FPR any | FPR fam | pairs ok | line ±1 | line ±1 of TPs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, engines in configurations.items():
        print(row(name, scored[name].overall, line_hits_of_true_positives(cases, only(stored, engines))))
    print("\nPer expected CWE: TPR family / FPR any (each analyzer's findings alone)\n")
    names = list(configurations)
    print("| CWE | cases | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for cwe_id in scored[names[0]].by_cwe:
        cells = [
            f"{pct(scored[n].by_cwe[cwe_id].tpr('family'))} / {pct(scored[n].by_cwe[cwe_id].fpr('any'))}" for n in names
        ]
        print(f"| {cwe_id} | {scored[names[0]].by_cwe[cwe_id].cases} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
