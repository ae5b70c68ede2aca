#!/usr/bin/env python3
"""secreview on a large real repository: bounded memory, a usable report after Ctrl-C, a re-run that resumes.

Three measurements on one source tree (e.g. Django's sdist, thousands of files), each run as a user would
run the CLI, with its own empty SECREVIEW_CACHE_DIR (the interrupted run and its re-run share one):

  static     `--engine static`: wall time, files, peak memory of the process tree
  budget     the default hybrid engine, routing on, `--max-tokens-total N`, SECREVIEW_THREADS=1: the same,
             tokens used, and the files the budget left to the model unreviewed
  interrupt  `--engine static`, SIGINT after S seconds: the partial report and any process left behind; then
             a re-run with the same cache, whose findings must equal the uninterrupted static run's

Memory is the summed RSS (and PSS) of secreview and every process under it, sampled from /proc with
static_overhead.py's sampler; the embedded llama.cpp server runs inside the secreview process, so it counts.

    pip download --no-deps --no-binary :all: django==5.1.4 && tar xzf Django-5.1.4.tar.gz
    python benchmarks/load.py --source Django-5.1.4 --out load.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from static_overhead import MIB, descendants, machine_info, secreview_argv, tree_memory

from secreview.backends.call_log import CACHE_DIR_ENV, CallLog
from secreview.engines.budget import BUDGET_REASON_PREFIX
from secreview.engines.interface import INTERRUPTED


def log(text: str) -> None:
    print(f"[load] {text}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One CLI run: how it ended, how long it took, its memory peak, and its JSON report."""

    label: str
    exit_code: int
    wall_s: float
    peak_rss_mib: float
    peak_pss_mib: float | None
    load_average: tuple[float, float]  # 1-minute load at the start and at the end
    sigint_at_s: float | None
    exit_after_sigint_s: float | None
    left_running: list[str]  # processes that were under secreview and still run after it exited
    stderr_tail: list[str]
    report: dict[str, Any]


def _still_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait is missing


def run(
    label: str,
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    report: Path,
    sigint_after: float | None = None,
    interval: float = 0.5,
) -> Run:
    """Run the CLI, sampling its process tree; with `sigint_after`, send SIGINT (Ctrl-C) then."""
    log(f"{label}: {' '.join(argv)}")
    load_start = os.getloadavg()[0]
    stderr = report.with_suffix(".stderr")
    began = time.perf_counter()
    with stderr.open("w") as errors:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        peak_rss, peak_pss, seen = 0, 0, set[int]()
        pss_readable, sigint_at = True, None
        while process.poll() is None:
            seen.update(descendants(os.getpid()))
            rss, pss = tree_memory(os.getpid())
            peak_rss = max(peak_rss, rss)
            pss_readable = pss_readable and pss is not None
            peak_pss = max(peak_pss, pss or 0)
            if sigint_after is not None and sigint_at is None and time.perf_counter() - began >= sigint_after:
                process.send_signal(signal.SIGINT)
                sigint_at = time.perf_counter() - began
                log(f"{label}: SIGINT sent at {sigint_at:.1f} s")
            time.sleep(interval)
    wall = time.perf_counter() - began
    time.sleep(1.0)  # a process killed along with secreview may take a moment to go
    left = [Path(f"/proc/{pid}/cmdline").read_text(errors="replace")[:120] for pid in seen if _still_running(pid)]
    parsed = json.loads(report.read_text()) if report.exists() else {}
    return Run(
        label=label,
        exit_code=process.returncode,
        wall_s=round(wall, 1),
        peak_rss_mib=round(peak_rss / MIB),
        peak_pss_mib=round(peak_pss / MIB) if pss_readable else None,
        load_average=(load_start, os.getloadavg()[0]),
        sigint_at_s=None if sigint_at is None else round(sigint_at, 1),
        exit_after_sigint_s=None if sigint_at is None else round(wall - sigint_at, 1),
        left_running=left,
        stderr_tail=stderr.read_text(errors="replace").splitlines()[-3:],
        report=parsed,
    )


def _kind(reason: str) -> str:
    if reason.startswith(BUDGET_REASON_PREFIX):
        return reason.split(" (")[0]  # without the tokens used
    return reason if reason == INTERRUPTED else "other"


def summary(run_: Run) -> dict[str, Any]:
    """What a report says: files, who reviewed and skipped them and why, findings, model tokens."""
    units = run_.report.get("coverage", {}).get("units", [])
    reasons = Counter(_kind(reason) for unit in units for reason in unit["skipped_by"].values())
    calls = [call for call in run_.report.get("model_calls", []) if not call["cached"]]
    return {
        "files": len(units),
        "not_read": len(run_.report.get("coverage", {}).get("skipped", [])),
        "reviewed_by": dict(Counter(engine for unit in units for engine in unit["reviewed_by"])),
        "skipped_by": dict(Counter(engine for unit in units for engine in unit["skipped_by"])),
        "skip_reasons": dict(reasons),
        "findings": len(run_.report.get("findings", [])),
        "complete": run_.report.get("complete"),
        "verdict": run_.report.get("verdict"),
        "model_calls": len(calls),
        "model_tokens": sum(call["prompt_tokens"] + call["completion_tokens"] for call in calls),
    }


def findings_of(run_: Run) -> list[str]:
    """The findings as comparable text: all but the report's timing fields."""
    return sorted(json.dumps(finding, sort_keys=True) for finding in run_.report.get("findings", []))


def describe(run_: Run) -> str:
    pss = f", {run_.peak_pss_mib} MiB PSS" if run_.peak_pss_mib is not None else ""
    line = (
        f"- {run_.label}: exit {run_.exit_code}, {run_.wall_s} s, peak {run_.peak_rss_mib} MiB RSS{pss} "
        f"(process tree), load average {run_.load_average[0]:.1f} -> {run_.load_average[1]:.1f}"
    )
    if run_.sigint_at_s is not None:
        line += f"; SIGINT at {run_.sigint_at_s} s, exited {run_.exit_after_sigint_s} s later"
    return line + f"; left running: {len(run_.left_running)}; {json.dumps(summary(run_))}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, required=True, help="the folder to review")
    parser.add_argument(
        "--scenarios", nargs="+", choices=["static", "budget", "interrupt"], default=["static", "budget", "interrupt"]
    )
    parser.add_argument("--max-tokens-total", type=int, default=20000)
    parser.add_argument("--sigint-after", type=float, default=30.0, help="seconds into the interrupted run")
    parser.add_argument("--out", type=Path, help="write every number and the reports' summaries here as JSON")
    args = parser.parse_args(argv)
    # A shell starts background jobs with SIGINT ignored, and secreview would inherit that: restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    source = args.source.resolve()
    cwd, target = source.parent, source.name
    base = [*secreview_argv(), "review", target, "--format", "json"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("SECREVIEW_")}
    runs: dict[str, Run] = {}
    cache: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="secreview-load-") as scratch_name:
        scratch = Path(scratch_name)

        def fresh_cache(name: str) -> dict[str, str]:
            folder = scratch / f"cache-{name}"
            folder.mkdir()
            return {**env, CACHE_DIR_ENV: str(folder)}

        if "static" in args.scenarios:
            report = scratch / "static.json"
            runs["static"] = run(
                "static, cold cache",
                [*base, "--engine", "static", "-o", str(report)],
                cwd,
                fresh_cache("static"),
                report,
            )
        if "budget" in args.scenarios:
            report = scratch / "budget.json"
            budget_env = {**fresh_cache("budget"), "SECREVIEW_THREADS": "1"}
            command = [*base, "--max-tokens-total", str(args.max_tokens_total), "-o", str(report)]
            runs["budget"] = run(
                f"hybrid, routing, --max-tokens-total {args.max_tokens_total}, cold cache",
                command,
                cwd,
                budget_env,
                report,
            )
        if "interrupt" in args.scenarios:
            shared = fresh_cache("interrupt")
            report = scratch / "interrupted.json"
            command = [*base, "--engine", "static", "-o", str(report)]
            runs["interrupted"] = run("static, SIGINT", command, cwd, shared, report, args.sigint_after)
            calls = CallLog(Path(shared[CACHE_DIR_ENV]) / "calls.sqlite")
            cache["stored_by_interrupted_run"] = calls.stats()["static_results"]
            report = scratch / "rerun.json"
            command = [*base, "--engine", "static", "-o", str(report)]
            runs["rerun"] = run("static, re-run on the interrupted run's cache", command, cwd, shared, report)
            cache["reused_by_rerun"] = calls.stats()["static_hits"]
            calls.close()
    lines = [f"machine: {json.dumps(machine_info())}", f"source: {source}"]
    lines += [describe(run_) for run_ in runs.values()]
    if cache:
        lines.append(f"- static results in the cache: {json.dumps(cache)}")
    if "static" in runs and "rerun" in runs:
        same = findings_of(runs["static"]) == findings_of(runs["rerun"])
        lines.append(f"- re-run findings equal to the uninterrupted run's: {same}")
    print("\n".join(lines))
    if args.out is not None:
        raw = {
            name: {**{k: v for k, v in asdict(run_).items() if k != "report"}, "summary": summary(run_)}
            for name, run_ in runs.items()
        }
        args.out.write_text(json.dumps({"machine": machine_info(), "runs": raw, "cache": cache}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
