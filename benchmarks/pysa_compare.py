#!/usr/bin/env python3
"""Pysa (pyre-check) beside the flow engine's own summaries: the same question, "does a parameter of a function
reach a sink", asked of Pysa's whole-program taint analysis.

Pysa needs its own environment: `python3.12 -m venv PYSA && PYSA/bin/pip install pyre-check==0.9.25` (0.10
needs the separate Pyrefly type checker, and with Pyrefly 1.5 it resolved no call in our tests; 0.9.25 ships
its own checker, typeshed and taint models in the wheel, offline). Every parameter of every function and
method (but self/cls) is made a UserControlled source with two model queries; the shipped models (stdlib
sinks) and rules do the rest.

    # a labelled dataset: writes CaseResult lines (for benchmarks/flow_candidates.py --also pysa=FILE)
    python benchmarks/pysa_compare.py dataset ../shared/bench/sven-python-dev --pysa PYSA --out pysa-sven
    # a source tree: time and memory only
    python benchmarks/pysa_compare.py tree django-5.1.4/django --pysa PYSA --out pysa-django

Files are copied as the static tools read them (fragments re-indented, line numbers kept). Wall time, CPU
time and the peak RSS summed over Pysa's process tree (sampled every 0.2 s) go to OUT/measure.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from flow_overhead import tree_rss_kib  # benchmarks/ is on the path of a script run from it

from secreview.bench.dataset import load_dataset
from secreview.bench.interface import CaseResult, ReportedFinding
from secreview.engines.workspace import tool_text
from secreview.models import CodeUnit

MODEL_QUERIES = """
ModelQuery(
  name = "secreview_function_parameters",
  find = "functions",
  where = [fully_qualified_name.matches(".*")],
  model = [Parameters(TaintSource[UserControlled])]
)
ModelQuery(
  name = "secreview_method_parameters",
  find = "methods",
  where = [fully_qualified_name.matches(".*")],
  model = [Parameters(TaintSource[UserControlled], where=[Not(name.equals("self")), Not(name.equals("cls"))])]
)
"""
# Pysa's sink kinds (in the issue message) -> the CWE a reviewer would name.
SINK_CWES = {
    "SQL": 89,
    "StringMayBeSQL": 89,
    "ExecArgSink": 78,
    "RemoteCodeExecution": 78,
    "FileSystem_ReadWrite": 22,
    "FileSystem_Other": 22,
    "HTTPClientRequest_URI": 918,
    "StringMayBeURL": 918,
    "XSS": 79,
    "ReturnedToUser": 79,
    "Redirect": 601,
}


def _cwe(message: str) -> int | None:
    sinks = message.rsplit("[", 1)[0]
    return next((cwe for kind, cwe in SINK_CWES.items() if kind in sinks), None)


def run_pysa(pysa: Path, project: Path) -> dict[str, object]:
    lib = pysa / "lib" / "pyre_check"  # where the wheel puts its typeshed and taint models
    (project / "models").mkdir(exist_ok=True)
    (project / "models" / "parameters.pysa").write_text(MODEL_QUERIES)
    config = {
        "source_directories": ["src"],
        "taint_models_path": [str(lib / "taint"), "models"],
        "typeshed": str(lib / "typeshed"),
    }
    (project / ".pyre_configuration").write_text(json.dumps(config))
    env = {**os.environ, "PATH": f"{pysa / 'bin'}:{os.environ['PATH']}"}
    command = ["pyre", "--noninteractive", "analyze", "--no-verify", "--save-results-to", "out"]
    began, peak = time.perf_counter(), 0
    with open(project / "pysa.log", "w") as log:
        process = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.2)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "returncode": process.returncode,
        "wall_s": round(time.perf_counter() - began, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_tree_rss_mib": round(peak / 1024),
        "largest_process_rss_mib": round(usage.ru_maxrss / 1024),
    }


def issues(project: Path) -> list[dict[str, object]]:
    found = []
    with open(project / "out" / "taint-output.json") as output:
        for line in output:
            record = json.loads(line)
            if record.get("kind") == "issue":
                found.append(record["data"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["dataset", "tree"])
    parser.add_argument("source", type=Path)
    parser.add_argument("--pysa", type=Path, required=True, help="the virtualenv with pyre-check")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    src = args.out / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    by_file: dict[str, str] = {}
    if args.mode == "dataset":
        dataset = load_dataset(args.source)
        for case in dataset.cases:
            path = dataset.file(case)
            unit = CodeUnit(id=case.id, path=case.path, language="python", text=path.read_text(errors="replace"))
            (src / path.name).write_text(tool_text(unit))
            by_file[path.name] = case.id
    else:
        shutil.copytree(args.source, src, dirs_exist_ok=True)
    measured = run_pysa(args.pysa, args.out)
    found = issues(args.out)
    measured["issues"] = len(found)
    (args.out / "measure.json").write_text(json.dumps(measured, indent=1) + "\n")
    print(json.dumps(measured))
    if args.mode == "dataset":
        results = {case_id: CaseResult(case_id=case_id) for case_id in by_file.values()}
        for issue in found:
            case_id = by_file.get(Path(str(issue["filename"])).name)
            if case_id is not None:
                line = int(str(issue["line"]))
                finding = ReportedFinding(
                    cwe=_cwe(str(issue["message"])), start_line=line, end_line=line, engines=["pysa"]
                )
                results[case_id].findings.append(finding)
        with open(args.out / "pysa.jsonl", "w") as out:
            out.writelines(result.model_dump_json() + "\n" for result in results.values())
    sys.exit(0 if measured["returncode"] == 0 else 1)


if __name__ == "__main__":
    main()
