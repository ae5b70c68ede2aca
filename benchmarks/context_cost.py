#!/usr/bin/env python3
"""What reading the repository around a change costs a review: `--diff` of a git repository, static engine, with
the files around the change read for the flow engine's summaries (the default) and without them
(`ReviewRequest.context = []`), each cold (an empty call log) and warm (the same log again), every run in a
fresh process, in the order alone cold, alone warm, around cold, around warm, per repeat.

    python benchmarks/context_cost.py REPO --diff HEAD~1..HEAD --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = r"""
import json, sys, time
from pathlib import Path
from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
repo, diff, around = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "around"
began = time.perf_counter()
review = run_review(ReviewRequest(diff=diff, context=None if around else []), Settings(engine="static"), start=repo)
print(json.dumps({"wall_s": time.perf_counter() - began, "findings": len(review.findings),
                  "candidates": len(review.candidates), "units": len(review.coverage.units)}))
"""


def _run(repo: Path, diff: str, variant: str, cache: Path) -> dict[str, float]:
    env = {**os.environ, "SECREVIEW_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(repo), diff, variant], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--diff", default="HEAD~1..HEAD")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.repeats):
        for variant in ("alone", "around"):
            with tempfile.TemporaryDirectory() as cache:
                rows.setdefault(f"{variant} cold", []).append(_run(args.repo, args.diff, variant, Path(cache)))
                rows.setdefault(f"{variant} warm", []).append(_run(args.repo, args.diff, variant, Path(cache)))
    print(f"{args.repo} {args.diff}, static, {args.repeats} repeats (median wall s)")
    print("| run | wall s (median) | findings | candidates | units reviewed |")
    print("|---|--:|--:|--:|--:|")
    for name, runs in rows.items():
        last = runs[-1]
        wall = statistics.median(run["wall_s"] for run in runs)
        print(f"| {name} | {wall:.2f} | {last['findings']:.0f} | {last['candidates']:.0f} | {last['units']:.0f} |")


if __name__ == "__main__":
    main()
