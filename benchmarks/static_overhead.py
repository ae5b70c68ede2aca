#!/usr/bin/env python3
"""Secreview's own overhead over running Bandit and Semgrep directly, on a big real Python project.

The question (from the issue): what does `secreview review --engine static` cost on top of the two
tools it wraps? Target: at most 1.3x the time of running them directly, and under 1 GB peak memory.

It installs a package from PyPI into a temporary folder (or takes --source DIR), then times, in
interleaved order per repeat,

  A. secreview review --engine static PKGDIR --format json -o FILE
  B. Bandit directly, the same command line secreview builds, on the files A reviewed
  C. Semgrep directly, the same command line and rules secreview uses, on the files A reviewed

and compares A with B+C (the tools one after the other) and with max(B, C) (the tools side by side,
which is what secreview does). Each command runs under a tiny wrapper process that reports its
children's wall time, CPU time and largest RSS; this script samples the summed RSS/PSS of the whole
process tree from /proc meanwhile.

Run it with the Python of secreview's virtualenv:
    python benchmarks/static_overhead.py --package django==5.1.4 --repeats 3 --out results.json
    python benchmarks/static_overhead.py --source path/to/project --repeats 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from secreview.api import review_root
from secreview.config import Settings, load_settings
from secreview.engines.bandit import BanditEngine
from secreview.engines.rulebook import RULES_DIR, languages_with_rules, rule_dirs
from secreview.engines.semgrep import semgrep_command
from secreview.engines.workspace import argument_batches

MIB = 1024 * 1024
GB_IN_MIB = 1e9 / MIB  # the target says 1 GB; 10^9 bytes is the stricter reading
OVERHEAD_TARGET = 1.3
SECREVIEW, BANDIT, SEMGREP = "secreview", "bandit", "semgrep"

# Runs in its own process so that getrusage(RUSAGE_CHILDREN) covers exactly one command's processes.
# Reads {"cwd", "steps": [{"argv", "stdout", "stderr"}]} on stdin, runs the steps one after the other.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
spec = json.load(sys.stdin)
codes = []
began = time.perf_counter()
for step in spec["steps"]:
    with open(step["stdout"], "wb") as out, open(step["stderr"], "wb") as err:
        done = subprocess.run(step["argv"], cwd=spec["cwd"], stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    codes.append(done.returncode)
wall = time.perf_counter() - began
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"wall_s": wall, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
           "max_rss_kib": usage.ru_maxrss, "returncodes": codes}, sys.stdout)
"""

MEMORY_NOTE = (
    "Peak RSS 'largest process' is getrusage(RUSAGE_CHILDREN).ru_maxrss read by a wrapper after its "
    "children exit: the maximum over any single descendant process, not the sum. 'Tree' peaks are "
    "the sum over all descendants of the wrapper, sampled from /proc every {interval} s (RSS counts "
    "shared pages once per process, PSS splits them; a spike shorter than the interval can be missed, "
    "so the RSS sum is never reported below the largest process; PSS is n/a when no sample caught the run)."
)


def log(text: str) -> None:
    print(f"[static_overhead] {text}", file=sys.stderr, flush=True)


@dataclass
class Command:
    """One benchmarked command: its processes (one per argument batch) run one after the other."""

    name: str
    steps: list[list[str]]
    ok_codes: frozenset[int]


@dataclass
class Measurement:
    """One timed run of one command, as its wrapper and the /proc sampler saw it."""

    command: str
    repeat: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    max_process_rss_mib: float
    tree_rss_peak_mib: float
    tree_pss_peak_mib: float | None
    samples: int
    returncodes: list[int]
    outputs: list[str] = field(default_factory=list, repr=False)  # JSON reports in the temporary folder


# --- the package under test -------------------------------------------------------------------


# --no-compile: no __pycache__ folders, which secreview would not look at anyway.
PIP_INSTALL = (sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "--no-compile")


def install_package(spec: str, target: Path) -> tuple[Path, str, str]:
    """pip install --no-deps --target; returns the folder to review, the distribution name and version."""
    log(f"installing {spec} into {target}")
    subprocess.run([*PIP_INSTALL, "--target", str(target), spec], check=True)
    dists = list(metadata.distributions(path=[str(target)]))
    if len(dists) != 1:
        raise SystemExit(f"expected one distribution in {target}, found {len(dists)}")
    dist = dists[0]
    top_level = (dist.read_text("top_level.txt") or "").split()
    if not top_level:
        top_level = [p.name for p in target.iterdir() if p.is_dir() and (p / "__init__.py").is_file()]
    folders = [target / name for name in top_level if (target / name).is_dir()]
    return (folders[0] if len(folders) == 1 else target), dist.metadata["Name"], dist.version


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if path.is_file() and "__pycache__" not in path.parts)


def count_lines(paths: Sequence[Path]) -> int:
    """Lines on disk; reading every file here also puts them in the page cache before any timing."""
    total = 0
    for path in paths:
        data = path.read_bytes()
        total += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return total


# --- the commands, built as secreview builds them -------------------------------------------------


def secreview_argv() -> list[str]:
    """The `secreview` script of this virtualenv, as a user would run it."""
    script = shutil.which("secreview", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "secreview"]


def bandit_command(files: Sequence[str], settings: Settings) -> Command:
    """Mirrors BanditEngine._run: one process per argument batch, the configured skip list."""
    base = [sys.executable, "-m", "bandit", "--format", "json", "--quiet"]
    if settings.bandit_skip:
        base += ["--skip", ",".join(settings.bandit_skip)]
    steps = [[*base, "--", *batch] for batch in argument_batches(list(files))]
    return Command(BANDIT, steps, frozenset({0, 1}))  # 1: issues found


def semgrep_command_for(files: Sequence[str], configs: Sequence[Path], settings: Settings) -> Command:
    """Mirrors SemgrepEngine._run: our rule folders only, offline, one process per argument batch."""
    base = [semgrep_command(), "scan"]
    for folder in configs:
        base += ["--config", str(folder)]
    base += ["--json", "--quiet", "--metrics=off", "--disable-version-check", "--no-git-ignore"]
    base += [f"--max-target-bytes={settings.max_file_size}", f"--timeout={settings.semgrep_timeout}"]
    steps = [[*base, "--", *batch] for batch in argument_batches(list(files))]
    return Command(SEMGREP, steps, frozenset({0}))


def secreview_command(target: str, report: Path) -> Command:
    argv = [*secreview_argv(), "review", "--engine", "static", target, "--format", "json", "-o", str(report)]
    return Command(SECREVIEW, [argv], frozenset({0, 1, 3}))  # 1: findings, 3: something left unreviewed


def rule_snapshot() -> dict[str, str]:
    """Rule file -> content hash, recorded with the results so a run names the rules it measured."""
    return {
        str(path.relative_to(RULES_DIR)): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(RULES_DIR.glob("*/*.yaml"))
    }


def direct_commands(units: Sequence[dict[str, Any]], settings: Settings) -> tuple[list[Command], dict[str, list[str]]]:
    """Bandit and Semgrep on exactly the files secreview gave each of them, as engines.api would."""
    bandit_files = [unit["disk"] for unit in units if unit["language"] in BanditEngine().languages]
    semgrep_languages = languages_with_rules()
    semgrep_files = [unit["disk"] for unit in units if unit["language"] in semgrep_languages]
    configs = rule_dirs(frozenset(unit["language"] for unit in units) & semgrep_languages)
    commands = [bandit_command(bandit_files, settings)]
    if semgrep_files and configs:
        commands.append(semgrep_command_for(semgrep_files, configs, settings))
    return commands, {BANDIT: bandit_files, SEMGREP: semgrep_files if configs else []}


# --- measuring ---------------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def _pss_bytes(pid: int) -> int | None:
    """PSS of one process; 0 if it has just exited, None if the kernel will not tell us."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except PermissionError:
        return None
    except OSError:
        return 0
    return None


def descendants(root: int) -> dict[int, int]:
    """Every descendant of root (root itself excluded) -> its RSS in bytes, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    found: dict[int, int] = {}
    pending = list(children.get(root, []))
    while pending:
        pid = pending.pop()
        found[pid] = rss[pid]
        pending.extend(children.get(pid, []))
    return found


def tree_memory(root: int) -> tuple[int, int | None]:
    """Summed RSS and PSS (None if unreadable) of every descendant of root, root itself excluded."""
    tree = descendants(root)
    pss = [_pss_bytes(pid) for pid in tree]
    pss_total = None if any(value is None for value in pss) else sum(value or 0 for value in pss)
    return sum(tree.values()), pss_total


def measure(command: Command, cwd: Path, logs: Path, repeat: int, interval: float) -> Measurement:
    """Run one command under the wrapper, sampling its process tree's memory until it ends."""
    steps: list[dict[str, Any]] = []
    for index, argv in enumerate(command.steps):
        stem = logs / f"{command.name}-r{repeat}-b{index}"
        steps.append({"argv": argv, "stdout": f"{stem}.out", "stderr": f"{stem}.err"})
    wrapper = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert wrapper.stdin is not None and wrapper.stdout is not None
    wrapper.stdin.write(json.dumps({"cwd": str(cwd), "steps": steps}))
    wrapper.stdin.close()
    peak_rss, peak_pss, pss_readable, samples = 0, 0, True, 0
    while wrapper.poll() is None:
        rss, pss = tree_memory(wrapper.pid)
        if rss:  # the tree is empty until the wrapper has started the command
            samples += 1
            peak_rss = max(peak_rss, rss)
            pss_readable = pss_readable and pss is not None
            peak_pss = max(peak_pss, pss or 0)
        time.sleep(interval)
    reported = wrapper.stdout.read()
    if wrapper.returncode != 0 or not reported:
        raise SystemExit(f"the measuring wrapper failed for {command.name} (exit {wrapper.returncode})")
    result: dict[str, Any] = json.loads(reported)
    for code, step in zip(result["returncodes"], steps, strict=True):
        if code not in command.ok_codes:
            detail = Path(step["stderr"]).read_text(errors="replace").strip().splitlines()[-5:]
            raise SystemExit(f"{command.name} failed (exit {code}):\n" + "\n".join(detail))
    return Measurement(
        command=command.name,
        repeat=repeat,
        wall_s=result["wall_s"],
        cpu_s=result["user_s"] + result["sys_s"],
        user_s=result["user_s"],
        sys_s=result["sys_s"],
        max_process_rss_mib=result["max_rss_kib"] / 1024,
        tree_rss_peak_mib=max(peak_rss / MIB, result["max_rss_kib"] / 1024),  # a sum is at least its largest term
        tree_pss_peak_mib=peak_pss / MIB if pss_readable and samples else None,
        samples=samples,
        returncodes=result["returncodes"],
        outputs=[step["stdout"] for step in steps],
    )


# --- what secreview reviewed, and what the direct runs saw -------------------------------------------


def reviewed_units(report: Path, cwd: Path) -> list[dict[str, Any]]:
    """coverage.units of a secreview JSON report, each with 'disk' set to its resolved file path."""
    root = review_root(cwd)  # report paths are relative to it (or absolute when outside it)
    units: list[dict[str, Any]] = json.loads(report.read_text())["coverage"]["units"]
    for unit in units:
        unit["disk"] = str((root / unit["path"]).resolve())
    return units


def _count(items: Iterable[str]) -> dict[str, int]:
    return dict(Counter(items))


def secreview_summary(report: Path) -> dict[str, Any]:
    data = json.loads(report.read_text())
    units = data["coverage"]["units"]
    return {
        "units": len(units),
        "languages": _count(unit["language"] for unit in units),
        "lines": sum(unit["lines"] for unit in units),
        "reviewed_by": _count(engine for unit in units for engine in unit["reviewed_by"]),
        "skipped_by": _count(engine for unit in units for engine in unit["skipped_by"]),
        "findings": len(data["findings"]),
        "complete": data["complete"],
        "duration_s_reported": data["duration_s"],
    }


def direct_summary(measurement: Measurement, expected: Sequence[str]) -> dict[str, Any]:
    """What a direct run's JSON says it scanned, and whether that is exactly the expected file set."""
    scanned: set[str] = set()
    results = errors = 0
    for output in measurement.outputs:
        report = json.loads(Path(output).read_text())
        results += len(report.get("results", []))
        errors += len(report.get("errors", []))
        if measurement.command == BANDIT:
            names = [name for name in report.get("metrics", {}) if name != "_totals"]
        else:
            names = report.get("paths", {}).get("scanned", [])
        scanned.update(str(Path(name).resolve()) for name in names)
    return {
        "files_given": len(expected),
        "files_scanned": len(scanned),
        "same_files": scanned == set(expected),
        "results": results,
        "errors": errors,
    }


# --- reporting -----------------------------------------------------------------------------------


def _proc_value(path: str, key: str) -> str:
    """The value of the first 'key: value' line of a /proc file, or 'unknown'."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_info() -> dict[str, Any]:
    model = _proc_value("/proc/cpuinfo", "model name")
    memory = _proc_value("/proc/meminfo", "MemTotal")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_total": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: metadata.version(name) for name in ("secreview", "bandit", "semgrep")},
    }


def _stats(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _row(label: str, walls: Sequence[float], cpus: Sequence[float], memory: Sequence[str]) -> str:
    stats = _stats(walls)
    timing = f"{stats['median']:.2f} | {stats['min']:.2f} | {stats['max']:.2f} | {statistics.median(cpus):.2f}"
    return f"| {label} | {len(walls)} | {timing} | " + " | ".join(memory) + " |"


def _mib(value: float | None, prefix: str = "") -> str:
    return "n/a" if value is None else f"{prefix}{value:.0f}"


def _peak(runs: Sequence[Measurement], key: Callable[[Measurement], float | None]) -> float | None:
    values = [key(run) for run in runs]
    return None if any(v is None for v in values) else max(v or 0.0 for v in values)


def summarize(runs: list[Measurement], repeats: int, has_semgrep: bool) -> tuple[list[str], dict[str, Any]]:
    """The Markdown table and the ratios, from the raw measurements."""
    by: dict[str, list[Measurement]] = {}
    for run in runs:
        by.setdefault(run.command, []).append(run)
    tools = [BANDIT, SEMGREP] if has_semgrep else [BANDIT]
    memory_keys: list[Callable[[Measurement], float | None]] = [
        lambda m: m.max_process_rss_mib,
        lambda m: m.tree_rss_peak_mib,
        lambda m: m.tree_pss_peak_mib,
    ]
    lines = [
        "| command | runs | median wall s | min s | max s | median CPU s "
        "| peak RSS MiB, largest process | peak RSS MiB, tree sum | peak PSS MiB, tree sum |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        SECREVIEW: "secreview review --engine static",
        BANDIT: "bandit (direct)",
        SEMGREP: "semgrep (direct)",
    }
    for name in [SECREVIEW, *tools]:
        group = by[name]
        memory = [_mib(_peak(group, key)) for key in memory_keys]
        lines.append(_row(labels[name], [m.wall_s for m in group], [m.cpu_s for m in group], memory))
    per_repeat = [[by[name][i] for name in tools] for i in range(repeats)]
    sequential = [sum(m.wall_s for m in runs_i) for runs_i in per_repeat]
    parallel = [max(m.wall_s for m in runs_i) for runs_i in per_repeat]
    cpus = [sum(m.cpu_s for m in runs_i) for runs_i in per_repeat]
    if has_semgrep:
        peaks = [[_peak(by[name], key) for name in tools] for key in memory_keys]
        seq_memory = [_mib(None if None in p else max(v or 0.0 for v in p)) for p in peaks]
        par_memory = [_mib(None if None in p else sum(v or 0.0 for v in p), "≤ ") for p in peaks]
        lines.append(_row("bandit + semgrep, one after the other", sequential, cpus, seq_memory))
        lines.append(_row("max(bandit, semgrep), side by side", parallel, cpus, par_memory))
    ours = [m.wall_s for m in by[SECREVIEW]]
    vs_sequential = statistics.median(ours) / statistics.median(sequential)
    vs_parallel = statistics.median(ours) / statistics.median(parallel)
    cpu_ratio = statistics.median(m.cpu_s for m in by[SECREVIEW]) / statistics.median(cpus)
    ratios = {
        "vs_sequential": vs_sequential,
        "vs_parallel": vs_parallel,
        "cpu_vs_tools": cpu_ratio,
        "per_repeat_vs_sequential": [a / b for a, b in zip(ours, sequential, strict=True)],
        "per_repeat_vs_parallel": [a / b for a, b in zip(ours, parallel, strict=True)],
    }
    tree_rss = _peak(by[SECREVIEW], lambda m: m.tree_rss_peak_mib) or 0.0
    tree_pss = _peak(by[SECREVIEW], lambda m: m.tree_pss_peak_mib)
    largest = _peak(by[SECREVIEW], lambda m: m.max_process_rss_mib) or 0.0

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    lines += [
        "",
        f"- secreview / (bandit + semgrep one after the other): **{vs_sequential:.2f}x** "
        f"(target ≤ {OVERHEAD_TARGET}x: {verdict(vs_sequential <= OVERHEAD_TARGET)})",
        f"- secreview / max(bandit, semgrep), i.e. against the tools side by side: "
        f"**{vs_parallel:.2f}x** (target ≤ {OVERHEAD_TARGET}x: {verdict(vs_parallel <= OVERHEAD_TARGET)})",
        f"- CPU time (user + sys), less sensitive to other load on the machine: secreview / (bandit + semgrep) "
        f"= {cpu_ratio:.2f}x",
        f"- secreview peak memory: {tree_rss:.0f} MiB RSS summed over its process tree"
        + (f", {tree_pss:.0f} MiB PSS" if tree_pss is not None else "")
        + f", {largest:.0f} MiB in its largest process "
        f"(target < 1 GB = {GB_IN_MIB:.0f} MiB: {verdict(tree_rss < GB_IN_MIB)})",
    ]
    if not has_semgrep:
        lines.append("- Semgrep has no rules for the reviewed languages, so neither secreview nor this script ran it.")
    summary = {
        "wall_s": {name: _stats([m.wall_s for m in by[name]]) for name in [SECREVIEW, *tools]},
        "sequential_wall_s": sequential,
        "parallel_wall_s": parallel,
        "ratios": ratios,
        "secreview_peak_mib": {"tree_rss": tree_rss, "tree_pss": tree_pss, "largest_process": largest},
        "targets_met": {
            "overhead_vs_sequential": vs_sequential <= OVERHEAD_TARGET,
            "overhead_vs_parallel": vs_parallel <= OVERHEAD_TARGET,
            "memory_under_1gb": tree_rss < GB_IN_MIB,
        },
    }
    return lines, summary


# --- the benchmark -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--package", default="django==5.1.4", help="pip requirement to install and review")
    what.add_argument("--source", type=Path, help="review this local folder instead (no network)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds of the three commands")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between /proc memory samples")
    parser.add_argument("--out", type=Path, help="write every raw number here as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


@dataclass
class Benchmark:
    """Everything measured in one invocation, for the report and the JSON."""

    runs: list[Measurement] = field(default_factory=list)
    direct: list[Command] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)  # of the last repeat
    reviewed: list[str] = field(default_factory=list)

    @property
    def has_semgrep(self) -> bool:
        return any(command.name == SEMGREP for command in self.direct)


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """The folder to review and what it is: --source as given, else the package freshly installed."""
    if args.source is None:
        target, name, version = install_package(args.package, scratch / "site")
        package: dict[str, Any] = {"name": name, "version": version, "requirement": args.package}
    else:
        target = args.source.resolve()
        if not target.is_dir():
            raise SystemExit(f"--source {args.source}: not a directory")
        package = {"name": target.name, "version": None}
    files = python_files(target)
    if not files:
        raise SystemExit(f"no .py files under {target}")
    package.update(source=str(target), py_files=len(files), py_lines=count_lines(files))
    log(f"{package['py_files']} .py files, {package['py_lines']} lines under {target}")
    return target, package


def warm_up(target: Path, cwd: Path, settings: Settings, scratch: Path, interval: float) -> None:
    """Each command once, untimed, on one file: imports, plugin and rule loading, binaries into the page cache."""
    sample = [str(python_files(target)[0].resolve())]
    commands = [secreview_command(sample[0], scratch / "warmup.json"), bandit_command(sample, settings)]
    python_rules = rule_dirs(frozenset({"python"}))
    if python_rules:
        commands.append(semgrep_command_for(sample, python_rules, settings))
    for command in commands:
        log(f"warm-up: {command.name}")
        measure(command, cwd, scratch, 0, interval)


def run_repeats(target: Path, cwd: Path, settings: Settings, scratch: Path, args: argparse.Namespace) -> Benchmark:
    """Secreview, then the tools directly on exactly the files it reviewed, once per repeat."""
    bench = Benchmark()
    for repeat in range(1, args.repeats + 1):
        report = scratch / f"secreview-r{repeat}.json"
        log(f"repeat {repeat}/{args.repeats}: secreview")
        measured = [measure(secreview_command(str(target), report), cwd, scratch, repeat, args.interval)]
        units = reviewed_units(report, cwd)
        direct, expected = direct_commands(units, settings)
        paths = [unit["disk"] for unit in units]
        if bench.direct and paths != bench.reviewed:
            raise SystemExit(f"secreview reviewed a different file set in repeat {repeat}")
        bench.direct, bench.reviewed = direct, paths
        for command in direct:
            log(f"repeat {repeat}/{args.repeats}: {command.name} ({len(command.steps)} process(es))")
            measured.append(measure(command, cwd, scratch, repeat, args.interval))
        bench.runs.extend(measured)
        bench.checks = {SECREVIEW: secreview_summary(report)}
        for run in measured[1:]:
            bench.checks[run.command] = direct_summary(run, expected[run.command])
    return bench


def describe(package: dict[str, Any], machine: dict[str, Any], bench: Benchmark, rules: dict[str, str]) -> list[str]:
    """The lines above the table: what was measured, on what, and whether the direct runs saw the same files."""
    ours = bench.checks[SECREVIEW]
    by_language = ", ".join(f"{language} {n}" for language, n in sorted(ours["languages"].items()))
    rule_languages = ", ".join(f"{lang} {n}" for lang, n in sorted(_count(r.split("/")[0] for r in rules).items()))
    lines = [
        f"## secreview static overhead: {package['name']} {package['version'] or '(local folder)'}",
        "",
        f"- machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['memory_total']} RAM, "
        f"{machine['platform']}; load average (1 min) {machine['load_start']:.1f} at the start, "
        f"{machine['load_end']:.1f} at the end (other work skews wall times)",
        f"- Python {machine['python']}; " + ", ".join(f"{name} {v}" for name, v in machine["versions"].items()),
        f"- files: {package['py_files']} .py files, {package['py_lines']} lines in the package; secreview "
        f"reviewed {len(bench.reviewed)} files, {ours['lines']} lines ({by_language})",
        f"- repeats: {len(bench.runs) // (1 + len(bench.direct))}, interleaved (secreview, bandit, semgrep, ...), "
        f"after an untimed warm-up on one file; semgrep rule files: {len(rules)} ({rule_languages})",
    ]
    for name in (BANDIT, SEMGREP):
        if name in bench.checks:
            check = bench.checks[name]
            lines.append(
                f"- {name} direct: {check['files_scanned']}/{check['files_given']} files scanned, same set as "
                f"secreview: {check['same_files']}; {check['results']} results, {check['errors']} errors"
            )
    lines.append(
        f"- secreview: reviewed_by {ours['reviewed_by']}, skipped_by {ours['skipped_by']}, "
        f"{ours['findings']} findings after merging"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="static-overhead-") as scratch_name:
        scratch = Path(scratch_name)
        target, package = prepare(args, scratch)
        cwd = target.parent  # secreview's report paths are relative to the git root of cwd, or to cwd
        settings = load_settings(cwd)  # what the secreview process will see: pyproject and SECREVIEW_*
        rules = rule_snapshot()
        load_start = os.getloadavg()[0]
        warm_up(target, cwd, settings, scratch, args.interval)
        bench = run_repeats(target, cwd, settings, scratch, args)

    table, summary = summarize(bench.runs, args.repeats, bench.has_semgrep)
    machine = {**machine_info(), "load_start": load_start, "load_end": os.getloadavg()[0]}
    memory_note = MEMORY_NOTE.format(interval=args.interval)
    print("\n".join([*describe(package, machine, bench, rules), "", *table, "", memory_note]))
    if args.out is not None:
        raw = {
            "machine": machine,
            "package": {**package, "reviewed_files": len(bench.reviewed)},
            "settings": settings.model_dump(mode="json"),
            "rules": rules,
            "commands": {
                command.name: {
                    "argv_without_files": command.steps[0][: command.steps[0].index("--")],
                    "processes": len(command.steps),
                    "files": sum(len(step) - step.index("--") - 1 for step in command.steps),
                }
                for command in bench.direct
            },
            "checks_last_repeat": bench.checks,
            "runs": [{k: v for k, v in asdict(run).items() if k != "outputs"} for run in bench.runs],
            "summary": summary,
            "memory_note": memory_note,
        }
        args.out.write_text(json.dumps(raw, indent=2) + "\n")
        log(f"raw numbers written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
