#!/usr/bin/env python3
"""Which library should run secreview's embedded model: llama-cpp-python or xllamacpp?

Both wrap llama.cpp, so the question is what each costs a user and what it gives secreview: the time
to install it on a fresh machine (llama-cpp-python ships an sdist that compiles llama.cpp; xllamacpp a
prebuilt wheel), prompt and generation speed on the same prompts, and whether the schema-constrained
JSON answer is valid and names the right CWE (the two convert a JSON schema to a grammar differently).

The prompts are secreview's own: `structured_messages` and `structured_schema` over three small Python
files written here (a Flask route with SQL injection, a safe helper, a shell command built from a
request argument). Each backend runs in its own process, under its own interpreter, so the two
libraries never share a virtualenv (llama-cpp-python's [server] extra clashes with semgrep's pins):

  llama-cpp-python  Llama.create_chat_completion(messages, response_format={"type": "json_object",
                    "schema": schema}), streamed, so the time to the first token is the prompt time;
  xllamacpp         llama.cpp's own server on 127.0.0.1, the request body secreview sends
                    (openai_http.request_body: response_format json_schema), timings from the server.

Prompt caching is turned off for every call (llama-cpp-python: reset(); server: cache_prompt false) so
repeated runs of a prompt measure a full prompt evaluation. Each worker process loads the model, warms
it up with a tiny untimed request, then answers every prompt once; workers alternate order per run so
a change in the machine's load hits both backends alike. Speeds are medians over prompts and runs.

Run it with the Python of secreview's virtualenv (it builds the prompts and validates the answers):
    python benchmarks/llm_backends.py --model "$(secreview model path qwen2.5-coder-1.5b)" \\
        --llama-python /tmp/lb-l/bin/python --runs 3 --threads 2 \\
        --install-seconds xllamacpp=1.1 --install-seconds llama-cpp-python=592 --out backends.json
Several llama-cpp-python builds compare side by side with labels (install seconds go by the same label):
    --llama-python native=/tmp/lb-l/bin/python --llama-python portable=/tmp/lb-l2/bin/python \\
    --install-seconds "llama-cpp-python (portable)=600"
`--measure-install DIR` instead creates fresh venvs under DIR and times both pip installs itself. A worker
that crashes is reported as such (a llama-cpp-python built with -march=native can die in llama.cpp).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LLAMA_CPP_PYTHON = "llama-cpp-python"
XLLAMACPP = "xllamacpp"


@dataclass(frozen=True)
class Backend:
    """One library in one interpreter; `label` names it in the tables (a build variant gets its own)."""

    label: str
    kind: str
    python: str


@dataclass(frozen=True)
class Sample:
    """A small file to review and the CWE ids that count as naming its defect (empty: a safe file)."""

    name: str
    code: str
    expected_cwes: frozenset[int]


SAMPLES = (
    Sample(
        "flask_sqli.py",
        """import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/users")
def find_user():
    name = request.args.get("name", "")
    conn = sqlite3.connect("app.db")
    query = f"SELECT id, email FROM users WHERE name = '{name}'"
    rows = conn.execute(query).fetchall()
    conn.close()
    return {"users": [{"id": row[0], "email": row[1]} for row in rows]}
""",
        frozenset({89}),
    ),
    Sample(
        "slug.py",
        '''import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, max_length: int = 64) -> str:
    """Lower-case ASCII slug of a title, for URLs."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"
''',
        frozenset(),
    ),
    Sample(
        "ping.py",
        """import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    result = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)
    return {"output": result.stdout}
""",
        frozenset({78, 77}),
    ),
)

WARMUP_MESSAGES = [{"role": "user", "content": "Say OK."}]


# --- workers: run inside the backend's own interpreter, standard library plus the backend only ----------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_xllamacpp(job: dict[str, Any]) -> dict[str, Any]:
    """llama.cpp's server inside this process, configured as secreview's EmbeddedBackend configures it."""
    from importlib import metadata

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = job["model"]
    params.n_ctx = job["n_ctx"]
    params.n_parallel = 1
    params.cpuparams.n_threads = job["threads"]
    params.cpuparams_batch.n_threads = job["threads"]
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.verbosity = -1
    params.warmup = False
    began = time.perf_counter()
    server = xllamacpp.Server(params)
    load_s = time.perf_counter() - began
    url = str(server.listening_address).rstrip("/") + "/v1/chat/completions"

    def post(body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        data = json.dumps({**body, "cache_prompt": False}).encode()
        started = time.perf_counter()
        request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=1800) as response:
            payload = json.loads(response.read())
        return payload, time.perf_counter() - started

    post({"model": "warmup", "messages": WARMUP_MESSAGES, "max_tokens": 4, "temperature": 0.0})
    calls = []
    for prompt in job["prompts"]:
        payload, wall_s = post(prompt["body"])
        timings = payload.get("timings") or {}
        choice = payload["choices"][0]
        calls.append(
            {
                "name": prompt["name"],
                "text": choice["message"].get("content") or "",
                "finish_reason": choice.get("finish_reason"),
                "prompt_n": timings.get("prompt_n"),
                "prompt_ms": timings.get("prompt_ms"),
                "predicted_n": timings.get("predicted_n"),
                "predicted_ms": timings.get("predicted_ms"),
                "wall_s": wall_s,
            }
        )
    del server
    return {"version": metadata.version("xllamacpp"), "load_s": load_s, "calls": calls}


def _run_llama_cpp_python(job: dict[str, Any]) -> dict[str, Any]:
    """Llama.create_chat_completion with the schema as a json_object response format, streamed.

    The stream gives the time to the first token (prompt evaluation, grammar set-up and the first
    sample), the rest is generation: the same split llama.cpp's server reports as prompt_ms and
    predicted_ms. Token counts come from llama.cpp's own performance counters.
    """
    import llama_cpp  # type: ignore[import-not-found]

    began = time.perf_counter()
    llm = llama_cpp.Llama(
        model_path=job["model"],
        n_ctx=job["n_ctx"],
        n_threads=job["threads"],
        n_threads_batch=job["threads"],
        seed=job["seed"],
        verbose=False,
    )
    load_s = time.perf_counter() - began

    def complete(messages: list[dict[str, str]], schema: dict[str, Any] | None, max_tokens: int) -> dict[str, Any]:
        llm.reset()  # no prefix reuse from the previous call: every run evaluates its whole prompt
        llama_cpp.llama_perf_context_reset(llm.ctx)
        response_format = {"type": "json_object", "schema": schema} if schema is not None else None
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        finish_reason = None
        for chunk in llm.create_chat_completion(
            messages=messages,
            response_format=response_format,
            max_tokens=max_tokens,
            temperature=0.0,
            seed=job["seed"],
            stream=True,
        ):
            choice = chunk["choices"][0]
            if first is None:
                first = time.perf_counter()
            pieces.append(choice.get("delta", {}).get("content") or "")
            finish_reason = choice.get("finish_reason") or finish_reason
        ended = time.perf_counter()
        perf = llama_cpp.llama_perf_context(llm.ctx)
        first = first or ended
        return {
            "text": "".join(pieces),
            "finish_reason": finish_reason,
            "prompt_n": perf.n_p_eval,
            "prompt_ms": (first - started) * 1000,
            # the first token is sampled before the first chunk: the server counts it the same way
            "predicted_n": perf.n_eval,
            "predicted_ms": (ended - first) * 1000,
            "wall_s": ended - started,
            "decode_prompt_ms": perf.t_p_eval_ms,
            "decode_gen_ms": perf.t_eval_ms,
        }

    complete(WARMUP_MESSAGES, None, 4)
    calls = [
        {"name": prompt["name"], **complete(prompt["messages"], prompt["schema"], job["max_tokens"])}
        for prompt in job["prompts"]
    ]
    return {"version": llama_cpp.__version__, "load_s": load_s, "calls": calls}


def worker_main(job_path: str, result_path: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    run = _run_xllamacpp if job["kind"] == XLLAMACPP else _run_llama_cpp_python
    result = run(job)
    result.update(backend=job["backend"], python=sys.version.split()[0], peak_rss_mb=_peak_rss_mb())
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")


# --- the driver: secreview's venv ----------------------------------------------------------------------------


def build_prompts(max_tokens: int, seed: int) -> list[dict[str, Any]]:
    """secreview's structured prompt and schema for each sample, and the HTTP body secreview would send."""
    from secreview.backends.interface import ChatRequest
    from secreview.backends.openai_http import request_body
    from secreview.llm.prompts import Window, structured_messages, structured_schema
    from secreview.models import CodeUnit, LineRange

    prompts = []
    for sample in SAMPLES:
        unit = CodeUnit(id=sample.name, path=sample.name, language="python", text=sample.code)
        window = Window(unit, LineRange(start=1, end=unit.line_count))
        messages = structured_messages(window, [])
        schema = structured_schema(0)
        request = ChatRequest(messages=messages, max_tokens=max_tokens, temperature=0.0, seed=seed, json_schema=schema)
        prompts.append(
            {"name": sample.name, "messages": messages, "schema": schema, "body": request_body("secreview", request)}
        )
    return prompts


def run_worker(backend: Backend, job: dict[str, Any]) -> dict[str, Any]:
    """One backend, one process, one pass over the prompts; the load average is noted before and after.

    A worker that dies (a native build can crash inside llama.cpp) is recorded with its exit status."""
    with tempfile.TemporaryDirectory(prefix="llm-backends-") as folder:
        job_path, result_path = Path(folder, "job.json"), Path(folder, "result.json")
        job_path.write_text(json.dumps({**job, "backend": backend.label, "kind": backend.kind}), encoding="utf-8")
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        done = subprocess.run(
            [backend.python, str(Path(__file__).resolve()), "--worker", str(job_path), str(result_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        result: dict[str, Any] = {"backend": backend.label}
        if done.returncode == 0 and result_path.is_file():
            result = json.loads(result_path.read_text(encoding="utf-8"))
        else:
            status = f"signal {signal.Signals(-done.returncode).name}" if done.returncode < 0 else done.returncode
            tail = [line for line in done.stderr.splitlines() if line.strip()][-3:]
            result["error"] = f"worker died ({status})" + (f": {' | '.join(tail)}" if tail else "")
    result.update(process_s=time.perf_counter() - began, load_avg=[load_before, os.getloadavg()[0]])
    return result


def judge(call: dict[str, Any], schema: dict[str, Any], sample: Sample) -> dict[str, Any]:
    """Does the answer parse, validate against the schema, name the expected CWE (or stay clean)?"""
    import jsonschema  # type: ignore[import-untyped]

    try:
        answer = json.loads(call["text"])
    except ValueError:
        return {"parses": False, "valid": False, "cwes": [], "cwe_found": False, "clean": False}
    valid = jsonschema.Draft202012Validator(schema).is_valid(answer)
    defects = answer.get("defects", []) if isinstance(answer, dict) else []
    cwes = sorted({d["cwe"] for d in defects if isinstance(d, dict) and isinstance(d.get("cwe"), int)})
    return {
        "parses": True,
        "valid": valid,
        "cwes": cwes,
        "cwe_found": bool(sample.expected_cwes & set(cwes)),
        "clean": isinstance(answer, dict) and not defects and answer.get("verdict") == "no defects",
    }


def _rate(tokens: Any, ms: Any) -> float | None:
    return tokens / ms * 1000 if tokens and ms else None


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def measure_install(folder: Path) -> dict[str, float]:
    """Fresh venvs under `folder`; seconds of `pip install` alone (llama-cpp-python without pip's cache)."""
    seconds = {}
    for package, venv, extra in ((XLLAMACPP, "lb-x", []), (LLAMA_CPP_PYTHON, "lb-l", ["--no-cache-dir"])):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder / venv)], check=True)
        began = time.perf_counter()
        subprocess.run([str(folder / venv / "bin" / "pip"), "install", "--quiet", *extra, package], check=True)
        seconds[package] = time.perf_counter() - began
        print(f"{package}: pip install took {seconds[package]:.1f} s ({folder / venv})", file=sys.stderr)
    return seconds


def summarise(
    backends: list[Backend], results: list[dict[str, Any]], prompts: list[dict[str, Any]], install: dict[str, float]
) -> str:
    """The Markdown tables: one line per backend, then one per backend and prompt."""
    samples = {sample.name: sample for sample in SAMPLES}
    schemas = {prompt["name"]: prompt["schema"] for prompt in prompts}
    head = (
        "| backend | version | install s | load s | prompt tok/s | gen tok/s | wall s/call | peak RSS MB "
        "| valid JSON | expected CWE found | safe file clean |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    )
    detail = [
        "| backend | file | prompt tok | prompt tok/s | gen tok | gen tok/s | finish | CWEs named (per run) |",
        "|---|---|--:|--:|--:|--:|---|---|",
    ]
    lines = [head]
    for backend in (b.label for b in backends):
        crashed = [r["error"] for r in results if r["backend"] == backend and "error" in r]
        mine = [r for r in results if r["backend"] == backend and "error" not in r]
        if crashed:
            lines.append(f"| {backend} | | {_fmt(install.get(backend))} | {crashed[0]} | | | | | | | |")
        if not mine:
            continue
        calls = [(call, judge(call, schemas[call["name"]], samples[call["name"]])) for r in mine for call in r["calls"]]
        vulnerable = [verdict for call, verdict in calls if samples[call["name"]].expected_cwes]
        safe = [verdict for call, verdict in calls if not samples[call["name"]].expected_cwes]
        lines.append(
            f"| {backend} | {mine[0]['version']} | {_fmt(install.get(backend))} "
            f"| {_fmt(_median([r['load_s'] for r in mine]), 2)} "
            f"| {_fmt(_median([_rate(c['prompt_n'], c['prompt_ms']) for c, _ in calls]))} "
            f"| {_fmt(_median([_rate(c['predicted_n'], c['predicted_ms']) for c, _ in calls]))} "
            f"| {_fmt(_median([c['wall_s'] for c, _ in calls]))} "
            f"| {_fmt(max(r['peak_rss_mb'] for r in mine), 0)} "
            f"| {sum(v['valid'] for _, v in calls)}/{len(calls)} "
            f"| {sum(v['cwe_found'] for v in vulnerable)}/{len(vulnerable)} "
            f"| {sum(v['clean'] for v in safe)}/{len(safe)} |"
        )
        for name in samples:
            runs = [(c, v) for c, v in calls if c["name"] == name]
            named = "; ".join(",".join(f"CWE-{n}" for n in v["cwes"]) or "none" for _, v in runs)
            finishes = ",".join(sorted({str(c["finish_reason"]) for c, _ in runs}))
            detail.append(
                f"| {backend} | {name} | {_fmt(_median([c['prompt_n'] for c, _ in runs]), 0)} "
                f"| {_fmt(_median([_rate(c['prompt_n'], c['prompt_ms']) for c, _ in runs]))} "
                f"| {_fmt(_median([c['predicted_n'] for c, _ in runs]), 0)} "
                f"| {_fmt(_median([_rate(c['predicted_n'], c['predicted_ms']) for c, _ in runs]))} "
                f"| {finishes} | {named} |"
            )
    return "\n".join([*lines, "", *detail])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", nargs=2, metavar=("JOB", "RESULT"), help=argparse.SUPPRESS)
    parser.add_argument("--model", help="the GGUF file (secreview model path qwen2.5-coder-1.5b)")
    parser.add_argument(
        "--llama-python",
        action="append",
        metavar="[LABEL=]PYTHON",
        help="python of a venv with llama-cpp-python installed (repeat for several builds, each with a label)",
    )
    parser.add_argument("--xllamacpp-python", default=sys.executable, help="python with xllamacpp (default: this)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--install-seconds", action="append", default=[], metavar="BACKEND=S")
    parser.add_argument("--measure-install", type=Path, metavar="DIR", help="time both pip installs in fresh venvs")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    install = {key: float(value) for key, _, value in (item.partition("=") for item in args.install_seconds)}
    if args.measure_install:
        install.update(measure_install(args.measure_install))
        args.llama_python = args.llama_python or [str(args.measure_install / "lb-l" / "bin" / "python")]
    if not args.model or not args.llama_python:
        parser.error("--model and --llama-python (or --measure-install) are required")
    backends = [Backend(XLLAMACPP, XLLAMACPP, args.xllamacpp_python)]
    for item in args.llama_python:
        label, _, python = item.rpartition("=")
        backends.append(
            Backend(f"{LLAMA_CPP_PYTHON} ({label})" if label else LLAMA_CPP_PYTHON, LLAMA_CPP_PYTHON, python)
        )
    prompts = build_prompts(args.max_tokens, args.seed)
    job = {
        "model": str(Path(args.model).resolve()),
        "threads": args.threads,
        "n_ctx": args.n_ctx,
        "max_tokens": args.max_tokens,
        "seed": args.seed,
        "prompts": prompts,
    }
    results: list[dict[str, Any]] = []
    for run in range(args.runs):
        for backend in backends if run % 2 == 0 else backends[::-1]:
            if any(r["backend"] == backend.label and "error" in r for r in results):
                continue  # it crashed once: the same build crashes again
            result = {**run_worker(backend, job), "run": run}
            results.append(result)
            print(
                f"run {run + 1}/{args.runs} {backend.label}: {result['process_s']:.0f} s, "
                f"load average {result['load_avg'][0]:.2f} -> {result['load_avg'][1]:.2f} {result.get('error', '')}",
                file=sys.stderr,
            )
    table = summarise(backends, results, prompts, install)
    print(table)
    if args.out:
        machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
        raw = {"machine": machine, "job": {k: v for k, v in job.items() if k != "prompts"}, "install_s": install}
        args.out.write_text(json.dumps({**raw, "prompts": prompts, "results": results}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
