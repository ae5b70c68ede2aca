"""What the verification stage costs: the default review (static + the model's checks) against the static engine
on the same files, side by side, and the model's time per checked finding.

    python benchmarks/verify_speed.py [PATHS...] [--repeats 3] [--threads 2]

Each repeat runs `--engine static` and the default hybrid review (without the call log, so every check is asked)
one after the other through the library API, each opening its stages afresh as a user's command does; the report
gives the median of each, their ratio per repeat, and the median model time (latency) per verification call.
Default PATHS: examples/webapp.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from secreview.api import ReviewRequest, run_review
from secreview.config import Settings


def timed(paths: list[str], settings: Settings) -> tuple[float, list[float], int]:
    """Wall time of one review, the latency of each verification call, and the findings it checked."""
    began = time.perf_counter()
    review = run_review(ReviewRequest(paths=paths), settings, start=Path.cwd())
    latencies = [call.latency_s for call in review.model_calls if call.step == "verify" and not call.cached]
    checked = sum(1 for f in [*review.findings, *review.likely_false_alarms] if f.verification is not None)
    return time.perf_counter() - began, latencies, checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["examples/webapp"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    static = Settings(engine="static", cache=False)
    default = Settings(cache=False, threads=args.threads)
    static_times, default_times, latencies, ratios = [], [], [], []
    checked = 0
    for repeat in range(1, args.repeats + 1):
        static_s, _, _ = timed(args.paths, static)
        default_s, calls, checked = timed(args.paths, default)
        static_times.append(static_s)
        default_times.append(default_s)
        latencies += calls
        ratios.append(default_s / static_s)
        print(f"repeat {repeat}: static {static_s:.1f} s, default {default_s:.1f} s ({default_s / static_s:.1f}x), "
              f"{len(calls)} checks, median {statistics.median(calls) if calls else 0:.2f} s each")  # fmt: skip
    print(
        f"median of {args.repeats}: static {statistics.median(static_times):.1f} s, default "
        f"{statistics.median(default_times):.1f} s, ratio {statistics.median(ratios):.1f}x; {checked} findings checked "
        f"per review; model time per check: median {statistics.median(latencies):.2f} s over {len(latencies)} calls"
    )


if __name__ == "__main__":
    main()
