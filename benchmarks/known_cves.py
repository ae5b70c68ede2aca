#!/usr/bin/env python3
"""Known CVEs in real PyPI projects: does a review of the vulnerable release's file report the weakness on its
lines, and is the fixed release's file quiet there?

Each line of known_cves.jsonl (beside this script) names a CVE, the last vulnerable and the first fixed release on
PyPI, the file and the lines the fix changed (with the sink), found by diffing the two releases. `part` says which
file of the flow the line is: where the fix is, the caller that takes the attacker's value in, or the sink.
`batch` says how the entry was used: "dev" entries were read while the rules were changed, "held-out",
"held-out-2" and "held-out-3" ones were scored before anyone read them.

    python benchmarks/known_cves.py --work /tmp/cves                 # every entry, the static engine
    python benchmarks/known_cves.py --work /tmp/cves --batch held-out --engine hybrid

A release already under --work (a folder PACKAGE-VERSION) is used as it is, offline. Each other release is downloaded
once from PyPI's index (a pure-Python wheel where there is one, else the sdist; nothing
is built or installed) into --work. The file is reviewed with the folder holding its package as `--context`, as a
review inside the project would read it. A report counts when its CWE is of the CVE's family and it lies within 3
lines of one of the entry's lines, or a step of its flow is within 1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from secreview.cwe import same_family

ENTRIES = Path(__file__).with_name("known_cves.jsonl")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"  # PEP 691: the package index's file list as JSON
KINDS = {"findings": "finding", "candidates": "candidate", "likely_false_alarms": "demoted"}


def release(package: str, version: str, work: Path) -> Path:
    """The release's files, extracted under `work` (downloaded from PyPI the first time)."""
    folder = work / f"{package}-{version}"
    if folder.is_dir():
        return folder
    index = urllib.request.Request(f"https://pypi.org/simple/{package}/", headers={"Accept": SIMPLE_JSON})
    with urllib.request.urlopen(index, timeout=60) as answer:
        files = json.load(answer)["files"]
    wheels = [f for f in files if f["filename"].endswith("-none-any.whl") and f["filename"].split("-")[1] == version]
    sdists = [f for f in files if f["filename"].endswith((f"-{version}.tar.gz", f"-{version}.zip"))]
    chosen = (wheels or sdists)[0]
    archive = work / chosen["filename"]
    with urllib.request.urlopen(chosen["url"], timeout=600) as download, archive.open("wb") as out:
        shutil.copyfileobj(download, out)
    partial = folder.with_name(folder.name + ".partial")
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(partial)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(partial, filter="data")
    archive.unlink()
    partial.rename(folder)
    return folder


def located(folder: Path, relative: str) -> Path:
    """The file whose path ends with `relative` (an sdist puts the package under its own top folder)."""
    found = [path for path in folder.rglob(Path(relative).name) if path.as_posix().endswith("/" + relative)]
    if not found:
        raise FileNotFoundError(f"{relative} is not in {folder}")
    return min(found, key=lambda path: len(path.parts))


def review(path: Path, context: Path, engine: str, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "secreview", "review", str(path), "--engine", engine, "--format", "json"]
    command += ["-o", str(out), "--context", str(context), "--exit-zero"]
    done = subprocess.run(command, capture_output=True, text=True)
    if not out.is_file():
        raise RuntimeError(f"secreview failed on {path}: {done.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def near(report: dict[str, Any], lines: list[int]) -> bool:
    first = report["start_line"]
    last = report.get("end_line") or first
    steps = [step["line"] for step in report.get("flow") or [] if step.get("line")]
    return any(first - 3 <= line <= last + 3 for line in lines) or any(
        abs(step - line) <= 1 for step in steps for line in lines
    )


def what_reports(report: dict[str, Any], cwe: int, lines: list[int]) -> str:
    """The first finding or candidate of the CWE's family on the lines, as "candidate CWE-22 L189 (flows:rule)"."""
    for key, kind in KINDS.items():
        for found in report.get(key, []):
            if found.get("cwe") and same_family(found["cwe"], cwe) and near(found, lines):
                evidence = found["evidence"][0]
                return f"{kind} CWE-{found['cwe']} L{found['start_line']} ({evidence['engine']}:{evidence['rule_id']})"
    return "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="where releases and reports are kept")
    parser.add_argument("--engine", default="static")
    parser.add_argument(
        "--batch", choices=("dev", "held-out", "held-out-2", "held-out-3"), help="only the entries of this batch"
    )
    parser.add_argument("--only", help="only the entries of this CVE")
    parser.add_argument("--entries", type=Path, default=ENTRIES, help="another list of entries, same format")
    arguments = parser.parse_args()
    arguments.work.mkdir(parents=True, exist_ok=True)
    entries = [json.loads(line) for line in arguments.entries.read_text().splitlines() if line.strip()]
    entries = [e for e in entries if arguments.batch in (None, e["batch"]) and arguments.only in (None, e["cve"])]
    print("| CVE | batch | project, file: function (part) | CWE | vulnerable release | fixed release |")
    print("|---|---|---|--:|---|---|")
    found = quiet = 0
    for number, entry in enumerate(entries):
        verdicts = []
        for side in ("vulnerable", "fixed"):
            path = located(release(entry["package"], entry[side], arguments.work), entry["file"])
            context = Path(*path.parts[: len(path.parts) - len(Path(entry["file"]).parts)])
            out = arguments.work / "reports" / f"{number:02d}-{entry['cve']}-{side}.json"
            out.parent.mkdir(exist_ok=True)
            report = review(path, context, arguments.engine, out)
            verdicts.append(what_reports(report, entry["cwe"], entry[f"{side}_lines"]))
        found += verdicts[0] != "-"
        quiet += verdicts[1] == "-"
        where = f"{entry['package']} {entry['vulnerable']}, {entry['file']}: {entry['function']} ({entry['part']})"
        print(f"| {entry['cve']} | {entry['batch']} | {where} | {entry['cwe']} | {verdicts[0]} | {verdicts[1]} |")
    print(f"\n{found} of {len(entries)} entries reported on the vulnerable lines; the fixed release quiet in {quiet}.")


if __name__ == "__main__":
    main()
