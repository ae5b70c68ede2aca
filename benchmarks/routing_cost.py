#!/usr/bin/env python3
"""How many prompt tokens per reviewed line does routing save on a real project? (issue 5)

Builds, without asking a model anything, the structured prompts the model engine would send for every file
of a project twice: routed (only functions with an input source, a dangerous sink or a static finding, with
their context) and whole (`--all`). Static findings come from a real static review of the project (they
route functions and travel as hints). Tokens are counted by the default model's own tokenizer, through
llama.cpp's /tokenize on an embedded server (no generation).

    python benchmarks/routing_cost.py --source path/to/project
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from secreview.api import ReviewRequest, review_root, run_review
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.model_store import DEFAULT_MODEL, resolve
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.config import Settings
from secreview.engines.llm import LLMEngine
from secreview.llm.routing import PromptCost, prompt_cost
from secreview.models import Finding
from secreview.sources.languages import all_languages
from secreview.sources.paths import PathSource


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    args = parser.parse_args()
    root = review_root(args.source)
    settings = Settings(engine="static")
    began = time.perf_counter()
    review = run_review(ReviewRequest(paths=[str(args.source)]), settings, start=args.source)
    static_s = time.perf_counter() - began
    hints: dict[str, list[Finding]] = defaultdict(list)
    for finding in review.findings:
        hints[finding.path].append(finding)
    units = PathSource([str(args.source)], root, all_languages(), settings.max_file_size).collect().units
    server = EmbeddedBackend(resolve(DEFAULT_MODEL), DEFAULT_MODEL, threads=1)
    tokenize_url = server.base_url.removesuffix("/v1") + "/tokenize"

    def count_tokens(text: str) -> int:
        body = json.dumps({"content": text}).encode()
        request = urllib.request.Request(tokenize_url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return len(json.load(response)["tokens"])

    sizer = LLMEngine(OpenAICompatibleBackend("http://127.0.0.1:9/v1", DEFAULT_MODEL))  # window sizes only
    totals: dict[str, list[PromptCost]] = {"routed": [], "whole files (--all)": []}
    for unit in units:
        for label, routed in (("routed", True), ("whole files (--all)", False)):
            cost = prompt_cost(
                [unit], hints, route_parts=routed, max_lines=sizer.window_lines(unit), count_tokens=count_tokens
            )
            totals[label].append(cost)
    server.close()
    lines = sum(unit.line_count for unit in units)
    found = len(review.findings)
    print(f"{len(units)} files, {lines} lines, {found} static findings (static review {static_s:.0f} s)\n")
    print("| prompts | windows | code lines shown | prompt tokens | tokens per reviewed line |")
    print("|---|--:|--:|--:|--:|")
    for label, costs in totals.items():
        tokens = sum(c.prompt_tokens for c in costs)
        print(
            f"| {label} | {sum(c.windows for c in costs)} | {sum(c.shown_lines for c in costs)} | {tokens} "
            f"| {tokens / max(sum(c.reviewed_lines for c in costs), 1):.2f} |"
        )


if __name__ == "__main__":
    main()
