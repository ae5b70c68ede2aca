#!/usr/bin/env python3
"""Secreview's own overhead around the embedded model, and what the prompt cache saves.

The question (from the issue): how long does `secreview review FILE --engine llm` take per file with the
default 1.5B model, for a 60-line and a 300-line Python file, and how much of that is the model's own
compute? Target: wall time / model compute time <= 1.10. Model compute is what llama.cpp itself reports
for the call (timings.prompt_ms + timings.predicted_ms, summed over `model_calls` as `server_ms`).

Loading the model is a fixed cost per process, so it is measured apart: the same command on an empty
file starts the interpreter, resolves and loads the model and stops (no model call), and the ratio is
given both with and without that fixed cost. Each repeat runs empty, 60-line and 300-line files, the
order rotated per repeat so that the shared machine's changing load is spread over all three.

Second question: secreview puts the stable instructions first in every prompt (system message) so that
llama.cpp's server, which keeps the last prompt of its slot, reuses them for the next file. One
EmbeddedBackend reviews file A and then file B with the structured strategy; B's `timings.cache_n` are
the tokens reused from A's prompt. The same B on a fresh server is the baseline. Both servers first
answer a tiny unrelated request, so that paging in the model weights is not counted as a cache effect.

Run it with the Python of secreview's virtualenv:
    python benchmarks/llm_speed.py --repeats 3 --out speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HEADER = '''"""Inventory service: a small HTTP API over a SQLite database."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from dataclasses import dataclass

from flask import Flask, abort, jsonify, request, send_file

app = Flask(__name__)
DB_PATH = os.environ.get("INVENTORY_DB", "inventory.db")
EXPORT_DIR = "/srv/exports"


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    return conn
'''

ENTITY = """

@dataclass
class {cls}:
    id: int
    name: str
    owner: str


def get_{one}(item_id: int) -> {cls} | None:
    with connect() as conn:
        row = conn.execute("SELECT id, name, owner FROM {many} WHERE id = ?", (item_id,)).fetchone()
    return {cls}(**row) if row else None


def search_{many}(term: str) -> list[{cls}]:
    with connect() as conn:
        rows = conn.execute({query}).fetchall()
    return [{cls}(**row) for row in rows]


@app.route("/{many}/<int:item_id>")
def show_{one}(item_id: int):
    item = get_{one}(item_id)
    if item is None:
        abort(404)
    return jsonify(item.__dict__)


@app.route("/{many}")
def list_{many}():
    return jsonify([item.__dict__ for item in search_{many}(request.args.get("q", ""))])
"""
UNSAFE_QUERY = "f\"SELECT id, name, owner FROM {many} WHERE name LIKE '%{{term}}%'\""
SAFE_QUERY = '"SELECT id, name, owner FROM {many} WHERE name LIKE ?", (f"%{{term}}%",)'

EXTRAS = (
    """

@app.route("/exports/<path:name>")
def download_export(name: str):
    path = os.path.join(EXPORT_DIR, name)
    if not os.path.isfile(path):
        abort(404)
    return send_file(path)
""",
    """

@app.route("/exports", methods=["POST"])
def create_export():
    table = request.form.get("table", "products")
    target = os.path.join(EXPORT_DIR, f"{table}.csv")
    command = f"sqlite3 -csv {DB_PATH} 'SELECT * FROM {table}' > {target}"
    subprocess.run(command, shell=True, check=True)
    return jsonify({"export": os.path.basename(target)})
""",
    """

def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


@app.route("/login", methods=["POST"])
def login():
    user = request.form.get("user", "")
    digest = hash_password(request.form.get("password", ""))
    with connect() as conn:
        row = conn.execute("SELECT id FROM accounts WHERE user = ? AND digest = ?", (user, digest)).fetchone()
    if row is None:
        abort(403)
    return jsonify({"account": row["id"]})
""",
)

ENTITIES = (
    ("Product", "product", "products"),
    ("Supplier", "supplier", "suppliers"),
    ("Warehouse", "warehouse", "warehouses"),
    ("Order", "order", "orders"),
    ("Invoice", "invoice", "invoices"),
    ("Customer", "customer", "customers"),
    ("Shipment", "shipment", "shipments"),
    ("Category", "category", "categories"),
)


def make_source(lines: int) -> str:
    """A deterministic Flask/SQLite module of exactly `lines` lines: entity blocks (every other one with
    a SQL query built by string formatting), then the extra blocks that fit (path traversal, shell
    command, MD5 passwords), then an __all__ list that pads to the exact length."""
    names: list[str] = []
    text = HEADER
    blocks = [
        ENTITY.format(cls=cls, one=one, many=many, query=(UNSAFE_QUERY if i % 2 == 0 else SAFE_QUERY).format(many=many))
        for i, (cls, one, many) in enumerate(ENTITIES)
    ]
    extras = list(EXTRAS)
    candidates = [blocks[0]] + [b for pair in zip(extras, blocks[1:], strict=False) for b in pair] + blocks[4:]
    for block in candidates:
        if (text + block).count("\n") + 4 > lines:  # keep room for the __all__ list
            break
        text += block
        names += [line.split("(")[0][4:] for line in block.splitlines() if line.startswith("def ")]
    padding = lines - text.count("\n") - 3  # blank line, "__all__ = [", names..., "]"
    if padding < 0:
        raise ValueError(f"cannot make a {lines}-line file")
    listed = (names * (padding // max(len(names), 1) + 1))[:padding]
    text += "\n__all__ = [\n" + "".join(f'    "{name}",\n' for name in listed) + "]\n"
    assert text.count("\n") == lines, (text.count("\n"), lines)
    return text


@dataclass
class CliRun:
    """One `secreview review FILE --engine llm --format json` process."""

    file: str
    lines: int
    repeat: int
    wall_s: float
    exit_code: int
    review_duration_s: float
    prompt_tokens: int
    completion_tokens: int
    server_ms: float
    client_latency_s: float
    calls: int
    findings: list[str] = field(default_factory=list)
    load_avg: tuple[float, float] = (0.0, 0.0)
    hung: bool = False


def run_cli(secreview: Path, target: Path, lines: int, repeat: int, model: str | None, timeout_s: float) -> CliRun:
    """Time one review process. One that outlives `timeout_s` is killed and recorded as hung: xllamacpp's
    server can hang in its destructor when it is stopped without having answered a request."""
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "SECREVIEW_BASE_URL")}
    command = [str(secreview), "review", target.name, "--engine", "llm", "--format", "json"]
    if model:
        command += ["--model", model]
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=target.parent, env=environment, capture_output=True, text=True, check=False, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        load_after = os.getloadavg()[0]
        return CliRun(
            target.name, lines, repeat, timeout_s, -9, 0.0, 0, 0, 0.0, 0.0, 0, [], (load_before, load_after), True
        )
    wall_s = time.perf_counter() - began
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"secreview failed on {target} ({done.returncode}): {done.stderr[-2000:]}")
    review = json.loads(done.stdout)
    calls = review.get("model_calls", [])
    return CliRun(
        file=target.name,
        lines=lines,
        repeat=repeat,
        wall_s=wall_s,
        exit_code=done.returncode,
        review_duration_s=review.get("duration_s", 0.0),
        prompt_tokens=sum(call["prompt_tokens"] for call in calls),
        completion_tokens=sum(call["completion_tokens"] for call in calls),
        server_ms=sum(call["server_ms"] for call in calls),
        client_latency_s=sum(call["latency_s"] for call in calls),
        calls=len(calls),
        findings=[f"CWE-{f['cwe']}@{f['start_line']}" for f in review.get("findings", [])],
        load_avg=(load_before, os.getloadavg()[0]),
    )


def cache_experiment(
    model_path: Path, first: tuple[str, str], second: tuple[str, str], answer_tokens: int
) -> dict[str, Any]:
    """B's prompt timings after A on one server, against B first on a fresh server."""
    from secreview.backends.embedded import EmbeddedBackend
    from secreview.backends.interface import ChatRequest
    from secreview.llm.prompts import Window, structured_messages, structured_schema
    from secreview.models import CodeUnit, LineRange

    def request(name: str, text: str) -> ChatRequest:
        unit = CodeUnit(id=name, path=name, language="python", text=text)
        window = Window(unit, LineRange(start=1, end=unit.line_count))
        return ChatRequest(structured_messages(window, []), answer_tokens, 0.0, 0, json_schema=structured_schema(0))

    warmup = ChatRequest([{"role": "user", "content": "Say OK."}], 4, 0.0, 0)
    outcome: dict[str, Any] = {"first": first[0], "second": second[0], "load_avg": [os.getloadavg()[0]]}
    for label, sequence in (("after_first", (first, second)), ("fresh", (second,))):
        began = time.perf_counter()
        backend = EmbeddedBackend(model_path, "bench")
        outcome[f"{label}_load_s"] = time.perf_counter() - began
        try:
            backend.complete(warmup)
            for name, text in sequence:
                completion = backend.complete(request(name, text))
                outcome[f"{label}_{'second' if name == second[0] else 'first'}"] = {
                    "prompt_tokens": completion.prompt_tokens,
                    "completion_tokens": completion.completion_tokens,
                    "latency_s": completion.latency_s,
                    **completion.timings,
                }
        finally:
            backend.close()
            del backend
        outcome["load_avg"].append(os.getloadavg()[0])
    return outcome


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(runs: list[CliRun], cache: list[dict[str, Any]]) -> str:
    empty = [run.wall_s for run in runs if run.lines == 0 and not run.hung]
    hung = [run for run in runs if run.hung]
    fixed = _median(empty)
    lines = [
        f"Fixed cost per process (empty file: start, load the model, stop): median {fixed:.2f} s "
        f"over {len(empty)} runs.",
        f"Runs that hung and were killed: {len(hung)} of {len(runs)} "
        f"({', '.join(sorted({f'{run.file} after {run.wall_s:.0f} s' for run in hung})) or 'none'}).",
        "",
        "| file | lines | runs | prompt tok | gen tok | wall s | model compute s | client latency s "
        "| wall / compute | (wall - fixed) / compute | findings |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for size in sorted({run.lines for run in runs if run.lines}):
        mine = [run for run in runs if run.lines == size and not run.hung]
        if not mine:
            continue
        ratios = [run.wall_s / (run.server_ms / 1000) for run in mine if run.server_ms]
        net = [(run.wall_s - fixed) / (run.server_ms / 1000) for run in mine if run.server_ms]
        found = sorted({";".join(run.findings) or "none" for run in mine})
        lines.append(
            f"| {mine[0].file} | {size} | {len(mine)} | {_median([r.prompt_tokens for r in mine]):.0f} "
            f"| {_median([r.completion_tokens for r in mine]):.0f} | {_median([r.wall_s for r in mine]):.1f} "
            f"| {_median([r.server_ms / 1000 for r in mine]):.1f} | {_median([r.client_latency_s for r in mine]):.1f} "
            f"| {_median(ratios):.3f} | {_median(net):.3f} | {' / '.join(found)} |"
        )
    if cache:
        loads = [outcome[key] for outcome in cache for key in ("after_first_load_s", "fresh_load_s")]
        lines[0] += f" Of that, EmbeddedBackend start-up (model load): median {_median(loads):.2f} s."
        lines += [
            "",
            "| B after A on one server vs B on a fresh server | prompt tok | cache_n | prompt_n evaluated "
            "| prompt ms | prompt ms saved |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for outcome in cache:
            warm, cold = outcome["after_first_second"], outcome["fresh_second"]
            for label, data in (("after A", warm), ("fresh", cold)):
                saved = cold.get("prompt_ms", 0) - data.get("prompt_ms", 0)
                lines.append(
                    f"| {outcome['second']} {label} (A = {outcome['first']}) | {data['prompt_tokens']} "
                    f"| {data.get('cache_n', 0):.0f} | {data.get('prompt_n', 0):.0f} | {data.get('prompt_ms', 0):.0f} "
                    f"| {saved:.0f} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=[60, 300], help="file lengths (none: empty file only)")
    parser.add_argument("--model", help="model name or GGUF path (default: secreview's default model)")
    parser.add_argument("--cache-repeats", type=int, default=1, help="0 skips the prompt cache experiment")
    parser.add_argument("--answer-tokens", type=int, default=1024, help="max_tokens in the cache experiment")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a review process is killed")
    parser.add_argument("--empty-timeout", type=float, default=60.0, help="the same for the empty file (normally 4 s)")
    parser.add_argument("--workdir", type=Path, help="where to write the files (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="write the raw numbers here as JSON")
    args = parser.parse_args()

    from secreview.backends import model_store

    model_path = model_store.resolve(args.model or model_store.DEFAULT_MODEL)  # assembled once, outside timing
    secreview = Path(sys.executable).with_name("secreview")
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="llm-speed-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {0: folder / "empty.py"}
    files[0].write_text("", encoding="utf-8")
    for size in args.sizes:
        files[size] = folder / f"inventory_{size}.py"
        files[size].write_text(make_source(size), encoding="utf-8")

    runs: list[CliRun] = []
    order = sorted(files)
    for repeat in range(args.repeats):
        for size in order[repeat % len(order) :] + order[: repeat % len(order)]:
            timeout_s = args.empty_timeout if size == 0 else args.timeout
            run = run_cli(secreview, files[size], size, repeat, args.model, timeout_s)
            runs.append(run)
            print(
                f"repeat {repeat + 1}: {run.file} wall {run.wall_s:.1f} s, model {run.server_ms / 1000:.1f} s, "
                f"{run.prompt_tokens}+{run.completion_tokens} tokens, load {run.load_avg[0]:.2f}"
                + (" HUNG, killed" if run.hung else ""),
                file=sys.stderr,
            )

    cache = []
    if len(args.sizes) >= 2:
        big, small = files[max(args.sizes)], files[min(args.sizes)]
        pair = ((big.name, big.read_text(encoding="utf-8")), (small.name, small.read_text(encoding="utf-8")))
        for _ in range(args.cache_repeats):
            cache.append(cache_experiment(model_path, pair[0], pair[1], args.answer_tokens))
            print(f"cache: {json.dumps(cache[-1])}", file=sys.stderr)

    print(summarise(runs, cache))
    if args.out:
        machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
        raw = {"machine": machine, "model": str(model_path), "runs": [asdict(run) for run in runs], "cache": cache}
        args.out.write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
