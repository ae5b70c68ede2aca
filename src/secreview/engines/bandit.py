"""Bandit, the standard Python security linter, run as a subprocess with JSON output."""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, cast

from secreview import cwe
from secreview.engines import rule_cwes, rulebook, workspace
from secreview.engines.interface import EngineResult, EngineStoppedError, EngineUnavailableError, source_digest
from secreview.engines.pyflow.rules import ALL, SQL_QUOTERS, sanitises
from secreview.engines.pyflow.walker import callee_of, unparsed
from secreview.engines.rule_cwes import rule_cwe
from secreview.engines.rulebook import advice_for, rules_digest
from secreview.engines.workspace import (
    ToolProcesses,
    argument_batches,
    readable_python,
    resolved,
    syntax_error,
    tool_text,
    units_on_disk,
)
from secreview.models import CodeUnit, Evidence, Finding, Severity
from secreview.sources.languages import parse_python

# Checks that flag an import, an assert, or every subprocess call without a shell ("check for untrusted
# input": a prompt to look, not a defect) rather than a defect in the code: noise in a review. B607 (a program
# started by name, found through PATH, e.g. ["git", "--version"]) is a defect only where PATH is not the
# program's own (setuid programs, privileged services): a reviewer would not flag it in ordinary code.
DEFAULT_SKIPPED_TESTS = (
    "B101",
    "B401",
    "B402",
    "B403",
    "B404",
    "B405",
    "B406",
    "B407",
    "B408",
    "B409",
    "B410",
    "B411",
    "B412",
    "B603",
    "B607",
)
_SEVERITY = {"HIGH": Severity.high, "MEDIUM": Severity.medium, "LOW": Severity.low}
_CONFIDENCE = {"HIGH": 0.9, "MEDIUM": 0.6, "LOW": 0.3}


def _unparsable_reason(unit: CodeUnit, bandit_reason: str) -> str:
    """Say why Bandit could not read a file, with the line, since it only says 'syntax error'."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    error = syntax_error(unit)
    if error:
        return (
            f"Bandit cannot parse it under Python {version}: {error}; the syntax may be newer than this Python "
            "or invalid"
        )
    return f"Bandit failed on it: {bandit_reason}"


def _runs_a_constant(item: dict[str, Any]) -> bool:
    """A shell started with one constant command (`os.system("espeak hello")`): Bandit reports it at low severity
    ("Seems safe, but may be changed in the future"); no input reaches the command, so it is no injection."""
    return item["test_id"] in ("B602", "B605") and item["issue_severity"] == "LOW"


_SETTING = "\x00"  # where a setting's value is put into the query text
_QUOTED = "\x02"  # where a value quoted for SQL is (quote_name(table), a constant)
_VALUE = "\x01"  # where anything else is
_PRINTF_SLOT = re.compile(r"%%|%(\((?P<key>[^)]*)\))?[-#0 +]*\d*(\.\d+)?[sdirfx]")  # "%%" is a literal %
_FORMAT_SLOT = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
# a table's name: what cannot be a bound parameter, so code that names its table by a setting formats it in
_TABLE_SLOT = re.compile(r"(?i)\b(from|into|update|join|table|exists)\s+[\"`\[]?$")
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _is_setting(node: ast.expr) -> bool:
    """An object's or a class's attribute (`self.table`), a constant's name (`TABLE_NAME`, `settings.TABLE`), or a
    lookup by constant keys (`CFG("poll_table_name")`): a setting, not data a caller or a user passes."""
    if isinstance(node, ast.Attribute):
        return _CONSTANT_NAME.match(node.attr) is not None or (
            isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        )
    if isinstance(node, ast.Name):
        return _CONSTANT_NAME.match(node.id) is not None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return bool(arguments) and all(isinstance(argument, ast.Constant) for argument in arguments)
    return False


def _is_quoted(node: ast.expr, quoted_names: frozenset[str]) -> bool:
    """Quoted for SQL by the database layer (`quote_name(table)`, `", ".join(map(self.quote_name, columns))`, a
    variable bound only to such a value), or constant text (`", ".join(["%s"] * len(keys))`): nothing unquoted."""
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and node.id in quoted_names):
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return all(_is_quoted(element, quoted_names) for element in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # ["%s"] * n
        return _is_quoted(node.left, quoted_names)
    if not isinstance(node, ast.Call):
        return False
    callee = callee_of(node)
    if SQL_QUOTERS.search(callee) or ALL in sanitises(callee):  # quote_name(table), int(limit)
        return True
    if not (callee.endswith(".join") and len(node.args) == 1):
        return False
    parts = node.args[0]
    if isinstance(parts, ast.Call) and callee_of(parts) == "map" and parts.args:
        return SQL_QUOTERS.search(unparsed(parts.args[0])) is not None
    if isinstance(parts, ast.GeneratorExp | ast.ListComp):
        return _is_quoted(parts.elt, quoted_names)
    return _is_quoted(parts, quoted_names)


def _quoted_names(function: ast.AST | None) -> frozenset[str]:
    """The variables the function binds only to a value quoted for SQL (`table = quote_name(self._table)`): each
    of their bindings is such an assignment, none a loop variable, `+=`, `with ... as` or unpacking."""
    if function is None:
        return frozenset()
    bindings = Counter(
        node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    return frozenset(
        name
        for name, values in assigned.items()
        if len(values) == bindings[name] and all(_is_quoted(value, frozenset()) for value in values)
    )


def _marker(value: ast.expr, quoted_names: frozenset[str]) -> str:
    if _is_quoted(value, quoted_names):
        return _QUOTED
    return _SETTING if _is_setting(value) else _VALUE


def _printf_text(node: ast.BinOp, template: str, quoted_names: frozenset[str]) -> str:
    """`template % values` with each slot marked by the value put there: by position for a tuple, by key for a
    dict (any slot of a dict with a `**` part is a value), the one value for every slot otherwise."""
    right = node.right
    by_key: dict[Any, ast.expr] | None = None
    if isinstance(right, ast.Dict) and all(isinstance(key, ast.Constant) for key in right.keys):
        by_key = {cast(ast.Constant, key).value: value for key, value in zip(right.keys, right.values, strict=True)}
    values = iter(right.elts) if isinstance(right, ast.Tuple) else None

    def mark(slot: re.Match[str]) -> str:
        if slot.group() == "%%":
            return "%"
        if isinstance(right, ast.Dict):
            value = by_key.get(slot["key"]) if by_key is not None else None
            return _VALUE if value is None else _marker(value, quoted_names)
        return _marker(next(values, right) if values else right, quoted_names)

    return _PRINTF_SLOT.sub(mark, template)


def _query_text(node: ast.AST, quoted_names: frozenset[str] = frozenset()) -> str | None:
    """The text of a query built by `node` (`"... FROM %s" % t`, `"... FROM {}".format(t)`, an f-string, `+`),
    each formatted value marked _SETTING, _QUOTED or _VALUE; None when `node` builds no string."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return _printf_text(node, str(node.left.value), quoted_names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = node.func.value
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
        if not isinstance(template, ast.Constant):
            return None
        markers = {_marker(value, quoted_names) for value in values}
        return _FORMAT_SLOT.sub(markers.pop() if len(markers) == 1 else _VALUE, str(template.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value)
            if isinstance(part, ast.Constant)
            else _marker(cast(ast.FormattedValue, part).value, quoted_names)
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = [(side, _query_text(side, quoted_names)) for side in (node.left, node.right)]
        if all(text is None for _, text in sides):
            return None
        return "".join(_marker(side, quoted_names) if text is None else text for side, text in sides)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _enclosing_function(tree: ast.AST, line: int) -> ast.AST | None:
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    return max(functions, key=lambda function: function.lineno, default=None)


def _injects_nothing(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B608 report whose query gets nothing a caller or a user passes formatted in. Bandit flags every string
    with SQL words built by formatting; three kinds put no data in:
    - an f-string without a single placeholder (`cursor.execute(f"SELECT ... = %s", (name,))`: a constant, the
      value bound), whose report would also reject the model's correct fix of it;
    - only the table's name formatted in, from a setting (`"SELECT data FROM %s WHERE id = $1" % self.table`,
      `"... FROM {}".format(CFG("table"))`), the values bound: a table's name cannot be a bound parameter, so
      this is how such code is written. A table named by a variable, a parameter or an item of data stays
      reported (`"insert into " + str(tag)`);
    - only what the database layer quoted (`"SELECT * FROM %s" % connection.ops.quote_name(table)`), as the flow
      engine's SQL sanitisers take it."""
    if item["test_id"] != "B608" or tree is None:
        return False
    lines = item.get("line_range") or [item["line_number"]]
    quoted_names = _quoted_names(_enclosing_function(tree, min(lines)))
    on_lines = [node for node in ast.walk(tree) if min(lines) <= getattr(node, "lineno", 0) <= max(lines)]
    built = [
        text for node in on_lines if not isinstance(node, ast.Constant) and (text := _query_text(node, quoted_names))
    ]
    slots = [match for text in built for match in re.finditer(f"[{_SETTING}{_QUOTED}{_VALUE}]", text)]
    # constant pieces joined with + (a template whose {player} is filled in later) are not "nothing formatted in"
    fstring = any(isinstance(node, ast.JoinedStr) for node in on_lines)
    return (bool(slots) or fstring) and all(
        match.group() == _QUOTED or (match.group() == _SETTING and _TABLE_SLOT.search(match.string[: match.start()]))
        for match in slots
    )


def _finding(item: dict[str, Any], unit: CodeUnit) -> Finding:
    # The reviewed CWE (engines/rule_cwes.py); Bandit's own only for a test the table does not know yet
    cwe_id = rule_cwe(item["test_id"]) or item.get("issue_cwe", {}).get("id") or None
    lines = item.get("line_range") or [item["line_number"]]
    title = cwe.short_name(cwe_id) if cwe_id else item["test_name"].replace("_", " ")
    solution = advice_for(cwe_id, unit.language) if cwe_id else ""
    severity = _SEVERITY.get(item["issue_severity"], Severity.low)
    confidence = _CONFIDENCE.get(item["issue_confidence"], 0.3)
    rule_id = f"{item['test_id']}:{item['test_name']}"
    return Finding(
        path=unit.path,
        start_line=min(lines),
        end_line=max(lines),
        cwe=cwe_id,
        title=title,
        description=item["issue_text"],
        solution=f"{solution} (Bandit {item['test_id']}: {item['more_info']})".strip(),
        severity=severity,
        confidence=confidence,
        evidence=[
            Evidence(
                engine="bandit",
                rule_id=rule_id,
                message=item["issue_text"],
                severity=severity,
                confidence=confidence,
                cwe=cwe_id,
            )
        ],
    )


@dataclass
class BanditEngine:
    skipped_tests: Sequence[str] = field(default_factory=lambda: list(DEFAULT_SKIPPED_TESTS))
    name: str = "bandit"
    languages: frozenset[str] = frozenset({"python"})
    wants_hints: bool = False
    _processes: ToolProcesses = field(default_factory=ToolProcesses, init=False, repr=False)

    def version(self) -> str:
        return metadata.version("bandit")

    def stop(self) -> None:
        self._processes.stop()

    def cache_key(self) -> dict[str, Any]:
        """Bandit's version, the Python it parses with, the checks skipped, the rules the fix advice comes
        from, and the code that turns its report into findings."""
        return {
            "bandit": self.version(),
            "python": f"{sys.version_info.major}.{sys.version_info.minor}",
            "skipped_tests": sorted(self.skipped_tests),
            "rules": rules_digest(),
            "source": source_digest(sys.modules[__name__], workspace, rulebook, rule_cwes, cwe),
        }

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """Bandit on what the tools read; the files it cannot parse once more without the lines that do not
        parse (workspace.readable_python), so the common case costs no parse of ours."""
        result = EngineResult()
        unparsed = self._run(units, tool_text, result)
        readings = {unit.id: reading for unit in unparsed if (reading := readable_python(unit)) is not None}
        for unit_id, reading in readings.items():
            note = reading.note("Bandit")
            if note:
                result.notes.setdefault(unit_id, []).append(note)
        again = [unit for unit in unparsed if unit.id in readings]
        still = self._run(again, lambda unit: readings[unit.id].text, result)
        for unit in still + [unit for unit in unparsed if unit.id not in readings]:
            result.skipped[unit.id] = _unparsable_reason(unit, "a syntax error")
        return result

    def _run(
        self, units: Sequence[CodeUnit], text_of: Callable[[CodeUnit], str], result: EngineResult
    ) -> list[CodeUnit]:
        """Bandit on `text_of` each unit, its findings and stops added to `result`; the units it could not parse
        (any other error of Bandit's is a skip, with its reason)."""
        unparsed: list[CodeUnit] = []
        with units_on_disk(units, text_of) as by_path:
            batches = list(argument_batches(list(by_path)))
            for index, batch in enumerate(batches):
                try:
                    # Every `# nosec` reaches secreview.suppression, which decides (and --no-suppress audits).
                    report = run_bandit(batch, self.skipped_tests, ignore_nosec=True, processes=self._processes)
                except EngineStoppedError:
                    result.interrupt(by_path[path].id for rest in batches[index:] for path in rest)
                    return []
                trees: dict[str, ast.AST] = {}  # what Bandit read parses
                for item in report.get("results", []):
                    unit = by_path[resolved(item["filename"])]
                    if item["test_id"] == "B608" and unit.id not in trees:
                        trees[unit.id] = parse_python(text_of(unit))
                    tree = trees.get(unit.id)
                    if not (_runs_a_constant(item) or _injects_nothing(item, tree)):
                        result.findings.append(_finding(item, unit))
                for error in report.get("errors", []):
                    unit = by_path[resolved(error["filename"])]
                    if "syntax error" in error["reason"]:
                        unparsed.append(unit)
                    else:
                        result.skipped[unit.id] = _unparsable_reason(unit, error["reason"])
        return unparsed


def run_bandit(
    files: list[str],
    skipped_tests: Sequence[str] = (),
    ignore_nosec: bool = False,
    processes: ToolProcesses | None = None,
) -> dict[str, Any]:
    """Bandit's JSON report on `files` (EngineUnavailableError when it cannot run or answers no JSON); with
    `ignore_nosec` it also reports the lines a `# nosec` comment marks, as its --ignore-nosec does. Run among
    `processes` (EngineStoppedError once they are stopped)."""
    command = [sys.executable, "-m", "bandit", "--format", "json", "--quiet"]
    if skipped_tests:
        command += ["--skip", ",".join(skipped_tests)]
    if ignore_nosec:
        command.append("--ignore-nosec")
    try:
        done = (processes or ToolProcesses()).run([*command, "--", *files])
    except OSError as error:
        raise EngineUnavailableError(f"cannot run Bandit: {error}") from None
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineUnavailableError(f"Bandit failed (exit {done.returncode}): {detail}") from None
    return report
