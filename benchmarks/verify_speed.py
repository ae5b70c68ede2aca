"""What the model stages cost: the default review (static, the model's checks, its fixes) and the checks alone
against the static engine on the same files, side by side, and the model's time per checked finding.

    python benchmarks/verify_speed.py [PATHS...] [--repeats 3] [--threads 2]

Each repeat runs `--engine static`, the hybrid review with fixes off (the checks alone) and the default hybrid
review (checks and fixes), without the call log so that every question is asked, one after the other through the
library API, each opening its stages afresh as a user's command does; the report gives the median of each, their
ratios to static, and the median model time (latency) per verification call.
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
    configurations = {
        "static": Settings(engine="static", cache=False),
        "checks": Settings(cache=False, threads=args.threads, fix=False),
        "default": Settings(cache=False, threads=args.threads),
    }
    times: dict[str, list[float]] = {name: [] for name in configurations}
    latencies: list[float] = []
    checked = 0
    for repeat in range(1, args.repeats + 1):
        for name, settings in configurations.items():
            seconds, calls, found = timed(args.paths, settings)
            times[name].append(seconds)
            if name == "checks":
                latencies += calls
                checked = found
        line = ", ".join(f"{name} {values[-1]:.1f} s" for name, values in times.items())
        print(f"repeat {repeat}: {line}")
    static = statistics.median(times["static"])
    print(
        f"median of {args.repeats}: "
        + ", ".join(
            f"{name} {statistics.median(v):.1f} s ({statistics.median(v) / static:.1f}x)" for name, v in times.items()
        )
        + f"; {checked} findings checked per review; model time per check: median "
        f"{statistics.median(latencies) if latencies else 0:.2f} s over {len(latencies)} calls"
    )


if __name__ == "__main__":
    main()
