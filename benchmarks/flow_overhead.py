#!/usr/bin/env python3
"""What the flow engine (engines/flows.py) adds to `secreview review --engine static` on a large real project,
cold and with a warm cache.

Runs, per repeat, in this order, each in a fresh process under a wrapper that samples the summed RSS of its
process tree every 0.2 s:

  today       the static review with the flow engine left out (Bandit and Semgrep, as before it), empty cache
  flows       the static review as shipped (Bandit, Semgrep and the flow engine), empty cache
  flows warm  the same review again on the cache the previous run filled
  engine      the flow engine alone in one process on the same files: cold (empty call log), then warm
              (the same log), its own time and the process's peak RSS

"today" is the same library and command line with `open_engines` filtered, so only the engine differs. A
warm whole review is bounded below by start-up and reading the files; the engine's own cold/warm ratio is
what its caches save.

    python benchmarks/flow_overhead.py path/to/django-5.1.4/django --repeats 2 --out flow-overhead.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_RUN = r"""
import contextlib, dataclasses, sys
import secreview.api as api
from secreview.cli import main
if sys.argv.pop(1) == "today":
    opened = api.open_engines
    @contextlib.contextmanager
    def without_flows(settings, progress=None):
        with opened(settings, progress) as pipeline:
            yield dataclasses.replace(pipeline, engines=[e for e in pipeline.engines if e.name != "flows"])
    api.open_engines = without_flows
sys.exit(main())
"""


_ENGINE_ONLY = r"""
import json, resource, sys, time
from pathlib import Path
from secreview.backends.call_log import CallLog
from secreview.engines.flows import FlowEngine
from secreview.sources.paths import PathSource
target, cache = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
units = PathSource([str(target)], target, frozenset({"python"}), 2_000_000).collect().units
times = []
for _ in range(2):
    log = CallLog(cache / "calls.sqlite")
    began = time.perf_counter()
    found = FlowEngine(log).review(units).findings
    times.append(time.perf_counter() - began)
    log.close()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"files": len(units), "candidates": len(found), "cold_s": round(times[0], 2),
                  "warm_s": round(times[1], 3), "peak_rss_mib": round(rss)}))
"""


def tree_rss_kib(pid: int) -> int:
    """The summed RSS (KiB) of a process and all its descendants now."""
    rows = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,rss="], capture_output=True, text=True).stdout.splitlines()
    table = [tuple(int(x) for x in row.split()) for row in rows if row.strip()]
    family, grown = {pid}, True
    while grown:
        grown = False
        for child, parent, _ in table:
            if parent in family and child not in family:
                family.add(child)
                grown = True
    return sum(rss for child, _, rss in table if child in family)


def run(variant: str, target: Path, cache: Path, report: Path) -> dict[str, object]:
    command = [sys.executable, "-c", _RUN, variant, "review", str(target), "--engine", "static"]
    command += ["--format", "json", "-o", str(report)]
    env = {"SECREVIEW_CACHE_DIR": str(cache), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    began, peak = time.perf_counter(), 0
    errors = report.with_suffix(".stderr")
    with errors.open("w") as sink:  # a file, not a pipe: nothing to fill while the review runs
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.2)
    wall = time.perf_counter() - began
    if not report.exists():
        raise SystemExit(
            f"{variant}: the review wrote no report (exit {process.returncode}): {errors.read_text()[-2000:]}"
        )
    review = json.loads(report.read_text())
    findings = review["findings"]
    return {
        "variant": variant,
        "exit": process.returncode,
        "wall_s": round(wall, 2),
        "peak_tree_rss_mib": round(peak / 1024),
        "files": len(review["coverage"]["units"]),
        "findings": len(findings),
        "candidates": sum(1 for f in findings if f.get("kind") == "candidate") + len(review.get("candidates", [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("flow-overhead.json"))
    args = parser.parse_args()
    runs = []
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="flow-overhead-") as scratch:
            folder = Path(scratch)
            for variant, cache in (("today", "today"), ("flows", "flows"), ("flows warm", "flows")):
                result = run(variant.split()[0], args.target, folder / cache, folder / "review.json")
                runs.append({**result, "variant": variant, "repeat": repeat + 1})
                print(json.dumps(runs[-1]), flush=True)
        with tempfile.TemporaryDirectory(prefix="flow-overhead-") as scratch:
            done = subprocess.run(
                [sys.executable, "-c", _ENGINE_ONLY, str(args.target), scratch],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append({**json.loads(done.stdout), "variant": "engine", "repeat": repeat + 1})
            print(json.dumps(runs[-1]), flush=True)
    engine = [r for r in runs if r["variant"] == "engine"]
    medians = {
        variant: {
            key: statistics.median(r[key] for r in runs if r["variant"] == variant)  # type: ignore[type-var]
            for key in ("wall_s", "peak_tree_rss_mib")
        }
        for variant in ("today", "flows", "flows warm")
    }
    summary = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "runs": runs,
        "medians": medians,
        "flows / today": round(medians["flows"]["wall_s"] / medians["today"]["wall_s"], 2),
        "cold / warm": round(medians["flows"]["wall_s"] / medians["flows warm"]["wall_s"], 1),
        "engine cold / warm": round(
            statistics.median(r["cold_s"] for r in engine) / statistics.median(r["warm_s"] for r in engine),
            1,  # type: ignore[type-var, operator]
        ),
    }
    args.out.write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
