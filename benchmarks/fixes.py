#!/usr/bin/env python3
"""How often does the model's fix pass secreview's checks, and what does a fix cost? (issue 17)

For a seeded sample of a labelled dataset's vulnerable cases: each case file is reviewed statically (Bandit and
Semgrep: what the hybrid flags on these sets, docs/benchmarks.md) until `--limit` flagged ones are found; each of
their findings goes through the fix stage (secreview.fixes: the model, two attempts, the checks) one at a time,
so each fix's model time and tokens are its own. Then per case the verified fixes are applied together and the
engines re-run on the result ("clean": no finding at all), and, where the case has a pair, the dataset's real
fixed version is reviewed the same way. Every verified fix's patched file is parsed again (Python `ast`, C/C++
the compiler) to count fixes that break parsing.

One JSON line per finding goes to --out as it finishes (a run can be stopped and resumed: findings already in
the file are skipped); --report prints the summary of such a file.

    nice -n 10 .venv/bin/python benchmarks/fixes.py /work/shared/bench/sven-python-dev --limit 20 --out sven.jsonl
    .venv/bin/python benchmarks/fixes.py --report sven.jsonl
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from secreview.api import ReviewRequest, open_backend, open_engines, run_review, static_recheck
from secreview.backends.call_log import CallLog
from secreview.config import Settings
from secreview.engines.workspace import tool_text
from secreview.fixes import apply, check
from secreview.fixes.model import ModelProposer
from secreview.fixes.stage import fix_findings
from secreview.models import CodeUnit
from secreview.sources.languages import all_languages
from secreview.sources.paths import PathSource


def _parses(unit: CodeUnit, text: str) -> bool:
    """Whether the patched file parses as the file did: a method cut out of its class (sven's cases) is parsed
    the way the analyzers read it (engines.workspace.tool_text), not as a module, which it never was."""
    if unit.language == "python":
        try:
            ast.parse(tool_text(check.with_text(unit, text)))
        except (SyntaxError, ValueError):
            return False
        return True
    before, after = check.compiler_errors(unit.text, unit.language), check.compiler_errors(text, unit.language)
    return before is None or after is None or not (after - before)


def run(dataset: Path, limit: int, scan: int, seed: int, out: Path, threads: int) -> None:
    cases = [json.loads(line) for line in (dataset / "cases.jsonl").read_text().splitlines() if line.strip()]
    by_pair = {(c["pair"], c["vulnerable"]): c for c in cases if c.get("pair")}
    vulnerable = [c for c in cases if c["vulnerable"]]
    random.Random(seed).shuffle(vulnerable)
    done = set()
    if out.exists():
        done = {json.loads(line)["case"] for line in out.read_text().splitlines() if line.strip()}
    # A loaded shared machine answers slowly: a long timeout, so that a slow answer is not asked for again.
    settings = Settings(engine="static", threads=threads, request_timeout=3600)
    with open_engines(settings) as pipeline:
        recheck = static_recheck(pipeline.engines, settings)
        scanned = vulnerable[:scan]  # one review of them all: Bandit and Semgrep start once
        review = run_review(
            ReviewRequest(paths=[str(dataset / c["path"]) for c in scanned]), settings, dataset, pipeline
        )
        found = defaultdict(list)
        for finding in review.findings:
            found[finding.path].append(finding)
        chosen = [c for c in scanned if found[c["path"]]][:limit]
        print(f"{len(chosen)} flagged of {len(scanned)} scanned", file=sys.stderr, flush=True)
        reals = [r for c in chosen if (r := by_pair.get((c.get("pair"), False))) is not None]
        real_review = run_review(
            ReviewRequest(paths=[str(dataset / r["path"]) for r in reals]), settings, dataset, pipeline
        )
        real_flagged = {f.path for f in real_review.findings}
        backend = open_backend(settings, CallLog())
        try:
            for case in chosen:
                if case["id"] in done:
                    continue
                (unit,) = PathSource([str(dataset / case["path"])], dataset, all_languages(), 2_000_000).collect().units
                fixed = []
                rows = []
                for finding in found[case["path"]]:
                    proposer = ModelProposer(backend, answer_tokens=settings.answer_tokens)
                    began = time.perf_counter()
                    outcome = fix_findings([finding], {unit.path: unit}, proposer, recheck)
                    (result,) = outcome.findings
                    rows.append(
                        {
                            "case": case["id"],
                            "cwe": finding.cwe,
                            "expected_cwe": case["cwe"],
                            "category": case.get("category"),
                            "lines": [finding.start_line, finding.end_line],
                            "fixed": result.fix is not None,
                            "diff": result.fix.diff if result.fix else "",
                            "notes": outcome.notes.get(unit.path, []),
                            "model_s": sum(c.latency_s for c in proposer.calls if not c.cached),
                            "tokens": sum(c.prompt_tokens + c.completion_tokens for c in proposer.calls),
                            "calls": len(proposer.calls),
                            "cached": all(c.cached for c in proposer.calls),
                            "stage_s": round(time.perf_counter() - began, 1),
                            "parses": _parses(unit, apply.plan(unit, [result]).text) if result.fix else None,
                        }
                    )
                    fixed.append(result)
                together = apply.plan(unit, fixed)
                patched_clean = None
                if together.applied:
                    (after,) = recheck([check.with_text(unit, together.text)])
                    patched_clean = after.problem is None and not after.findings
                real = by_pair.get((case.get("pair"), False))
                real_clean = None if real is None else real["path"] not in real_flagged
                with out.open("a") as sink:
                    for row in rows:
                        row.update(patched_clean=patched_clean, real_clean=real_clean)
                        sink.write(json.dumps(row) + "\n")
                print(case["id"], [r["fixed"] for r in rows], patched_clean, real_clean, file=sys.stderr, flush=True)
        finally:
            backend.close()


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    cases: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        cases[row["case"]].append(row)
    with_fix = [c for c, found in cases.items() if any(r["fixed"] for r in found)]
    print(
        f"cases flagged: {len(cases)}; findings: {len(rows)}; findings with a verified fix: "
        f"{sum(r['fixed'] for r in rows)}"
    )
    print(
        f"cases with a verified fix (at least one finding): {len(with_fix)} of {len(cases)} "
        f"({100 * len(with_fix) / max(len(cases), 1):.0f}%)"
    )
    all_fixed = [c for c, found in cases.items() if all(r["fixed"] for r in found)]
    print(f"cases with every finding fixed: {len(all_fixed)} of {len(cases)}")
    clean = [c for c in with_fix if cases[c][0]["patched_clean"]]
    real = [c for c in with_fix if cases[c][0]["real_clean"] is not None]
    real_clean = [c for c in real if cases[c][0]["real_clean"]]
    both = [c for c in real if cases[c][0]["real_clean"] == cases[c][0]["patched_clean"]]
    print(
        f"of those with a fix: engines find the patched function clean in {len(clean)} of {len(with_fix)}; "
        f"the dataset's real fixed version clean in {len(real_clean)} of {len(real)}; same answer in "
        f"{len(both)} of {len(real)}"
    )
    print(f"verified fixes that do not parse: {sum(r['parses'] is False for r in rows)}")
    per_cwe: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        per_cwe[f"CWE-{row['cwe']}"].append(row["fixed"])
    for name, results in sorted(per_cwe.items(), key=lambda item: -len(item[1])):
        print(f"  {name}: {sum(results)} of {len(results)}")
    fresh = [r for r in rows if not r["cached"]]
    if fresh:
        print(
            f"model time per finding (all attempts): median {statistics.median(r['model_s'] for r in fresh):.1f} s; "
            f"tokens per finding: median {statistics.median(r['tokens'] for r in fresh):.0f}; "
            f"calls per finding: mean {statistics.mean(r['calls'] for r in fresh):.2f} ({len(fresh)} findings)"
        )
        verified = [r for r in fresh if r["fixed"]]
        if verified:
            print(
                f"per verified fix: median {statistics.median(r['model_s'] for r in verified):.1f} s, "
                f"{statistics.median(r['tokens'] for r in verified):.0f} tokens"
            )
    reasons: dict[str, int] = defaultdict(int)
    for row in rows:
        for note in row["notes"]:
            for part in note.split("attempt ")[1:]:
                reasons[part.split(": ", 1)[1].split(" (")[0].split(" at line")[0].rstrip(", ")] += 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1])[:12]:
        print(f"  failed attempts: {count} x {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=20, help="flagged vulnerable cases to fix")
    parser.add_argument("--scan", type=int, default=60, help="vulnerable cases reviewed to find the flagged ones")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("fixes.jsonl"))
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    if args.report:
        report(args.report)
    else:
        run(args.dataset, args.limit, args.scan, args.seed, args.out, args.threads)


if __name__ == "__main__":
    main()
