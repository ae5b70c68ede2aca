"""The deterministic checks a proposed fix must pass before anyone sees it, and the edit they are made on.

Which lines the model may rewrite (`region`): the flagged statements, whole, and the simple statement right after
them at the same indentation (a query is often built on one line and run on the next), inside the enclosing
function. A proposal is a fix only if the patched file parses (Python: `ast`; C and C++: the compiler's syntax
check, new errors only, when gcc is there), every function keeps its signature, the edit stays small, and the
static engines, run again on the patched file, no longer report the defect (same CWE family near those lines)
and report nothing that was not there before.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import importlib
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from textwrap import shorten

from secreview import cwe
from secreview.engines.workspace import tool_text  # what the analyzers read: a method cut out of its class parses
from secreview.fixes.interface import Proposal
from secreview.models import CodeUnit, Finding, LineRange, source_lines
from secreview.sources.languages import parse_python
from secreview.sources.parts import split_unit

UNCHECKABLE = "the file as it is does not parse (under this Python), so no change to it can be checked"
CHECKED_LANGUAGES = frozenset({"python", "c", "cpp"})
MAX_ADDED_LINES = 8  # a replacement may be this many lines longer than what it replaces
BUILDERS = 2  # assignments right above the flagged statements that the region takes in
NEAR = 3  # lines either side of the rewritten ones where the same weakness still counts as the defect
_AROUND_WITHOUT_FUNCTION = 10
_MAX_SHOWN = 120  # a longer function is shown around the lines to rewrite only
_COMPILERS = {"c": ("gcc", "c"), "cpp": ("g++", "c++")}
_GCC_ERROR = re.compile(r"^<stdin>:\d+:\d+: (?:fatal )?error: (.*)$", re.MULTILINE)
_LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*"')
_COMPILE_TIMEOUT_S = 60
_CALL = re.compile(r"\w\s*\(")
_EXITS = re.compile(r"\b(return|raise|yield|throw|break|continue|goto|exit)\b")
_SILENCER = re.compile(r"\bnosec\b|nosemgrep|secreview:\s*ignore|NOLINT|cppcheck-suppress", re.IGNORECASE)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _python_statements(tree: ast.AST) -> list[ast.stmt]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]


def _header_end(node: ast.stmt) -> int:
    """The last line of a statement, or of a compound statement's header (the lines before its body)."""
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return max(body[0].lineno - 1, node.lineno)
    return node.end_lineno or node.lineno


def _compound(node: ast.stmt) -> bool:
    return isinstance(getattr(node, "body", None), list)


def _statement_receiver(statement: ast.stmt) -> ast.AST | None:
    """The object whose method the statement calls (`cursor` in `rows = cursor.execute(query)`): what it reads
    to act, not data it passes on, so the lines that made it (`cursor = db.cursor()`) are no builders."""
    call = statement.value if isinstance(statement, ast.Expr | ast.Assign | ast.AnnAssign | ast.Return) else None
    if isinstance(call, ast.Await):
        call = call.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        return call.func.value
    return None


def _read_names(statements: list[ast.stmt], lines: LineRange) -> set[str]:
    names = set()
    for statement in statements:
        if lines.start <= statement.lineno <= lines.end:
            receiver = _statement_receiver(statement)
            names |= {
                node.id
                for node in ast.walk(statement)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node is not receiver
            }
    return names


def _builders(statements: list[ast.stmt], first: ast.stmt, start: int, end: int) -> int:
    """Where the region starts once the assignments right before it that build what it reads are in (a query
    built on the lines before the one that runs it): up to BUILDERS statements, each directly above the last."""
    read = _read_names(statements, LineRange(start=start, end=end))
    for _ in range(BUILDERS):
        above = [
            s
            for s in statements
            if isinstance(s, ast.Assign | ast.AugAssign | ast.AnnAssign)
            and s.col_offset == first.col_offset
            and start - 2 <= (s.end_lineno or s.lineno) < start
        ]
        if not above:
            break
        builder = max(above, key=lambda s: s.lineno)
        targets = builder.targets if isinstance(builder, ast.Assign) else [builder.target]
        if not any(isinstance(t, ast.Name) and t.id in read for t in targets):
            break
        start, first = builder.lineno, builder
        read |= _read_names([builder], LineRange(start=builder.lineno, end=builder.lineno))
    return start


def _python_region(lines: list[str], wanted: LineRange) -> LineRange | None:
    try:
        statements = _python_statements(parse_python("\n".join(lines)))
    except (SyntaxError, ValueError):
        return None
    start, end, first, last = wanted.start, wanted.end, None, None
    for number in range(wanted.start, wanted.end + 1):
        around = [s for s in statements if s.lineno <= number <= _header_end(s)]
        if around:
            innermost = max(around, key=lambda s: s.lineno)
            start, end = min(start, innermost.lineno), max(end, _header_end(innermost))
            first, last = first or innermost, innermost
    if first is not None:
        start = _builders(statements, first, start, end)
    following = []
    if last is not None and wanted.start == wanted.end:  # one flagged statement: the one after may complete it
        following = [
            s for s in statements if end < s.lineno <= end + 2 and s.col_offset == last.col_offset and not _compound(s)
        ]
    if following:
        end = following[0].end_lineno or following[0].lineno
    return LineRange(start=start, end=end)


def _c_region(lines: list[str], wanted: LineRange) -> LineRange:
    """Line based: the flagged lines up to the end of their statement, and one more simple statement."""
    end = wanted.end
    while end < min(len(lines), wanted.end + 3) and not lines[end - 1].rstrip().endswith((";", "{", "}")):
        end += 1
    after = end + 1
    simple = wanted.start == wanted.end and after <= len(lines) and lines[after - 1].rstrip().endswith(";")
    if simple and _indent(lines[after - 1]) == _indent(lines[wanted.start - 1]):
        end = after
    return LineRange(start=wanted.start, end=end)


def enclosing_function(unit: CodeUnit, lines: LineRange) -> LineRange | None:
    """The function or method around `lines`, if they are inside one."""
    for part in split_unit(unit).parts:
        if part.is_module_level:
            continue
        for span in part.ranges:
            if span.start <= lines.start and lines.end <= span.end:
                return span
    return None


def region(unit: CodeUnit, finding: Finding) -> LineRange:
    """The lines the model is asked to rewrite for this finding (see the module's docstring)."""
    lines = source_lines(unit.text)
    wanted = LineRange(start=min(finding.start_line, len(lines)), end=min(finding.end_line, len(lines)))
    if unit.language == "python":
        found = _python_region(source_lines(tool_text(unit)), wanted)
    else:
        found = _c_region(lines, wanted)
    found = found or wanted
    function = enclosing_function(unit, wanted)
    if function is not None:  # never into the next function, never the signature line itself
        first_body = function.start + 1 if function.start < wanted.start else function.start
        found = LineRange(start=max(found.start, first_body), end=min(found.end, function.end))
    return found


def shown_lines(unit: CodeUnit, lines: LineRange) -> LineRange:
    """What the model sees of the file: the enclosing function (or the lines around), bounded."""
    total = len(source_lines(unit.text))
    function = enclosing_function(unit, lines) or LineRange(
        start=max(lines.start - _AROUND_WITHOUT_FUNCTION, 1), end=min(lines.end + _AROUND_WITHOUT_FUNCTION, total)
    )
    if function.end - function.start + 1 <= _MAX_SHOWN:
        return function
    half = _MAX_SHOWN // 2
    return LineRange(start=max(function.start, lines.start - half), end=min(function.end, lines.end + half))


def with_text(unit: CodeUnit, text: str) -> CodeUnit:
    """The unit with other text (its digest recomputed), read whole: what the engines re-run on."""
    return CodeUnit(id=unit.id, path=unit.path, language=unit.language, text=text, commit_message=unit.commit_message)


def patched(unit: CodeUnit, proposal: Proposal) -> str:
    """The file's text with the proposal's lines replaced (the file's own line break kept)."""
    lines = source_lines(unit.text)
    newline = "\r\n" if "\r\n" in unit.text else "\n"
    new = source_lines(proposal.replacement) if proposal.replacement else []
    out = lines[: proposal.lines.start - 1] + new + lines[proposal.lines.end :]
    ending = newline if unit.text.endswith(("\n", "\r")) else ""
    return newline.join(out) + ending


def unified_diff(unit: CodeUnit, new_text: str) -> str:
    """The change as `git apply` and people read it."""
    return "".join(
        difflib.unified_diff(
            unit.text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{unit.path}",
            tofile=f"b/{unit.path}",
        )
    )


def _python_signatures(text: str) -> Counter[str] | str:
    try:
        tree = parse_python(text)
    except SyntaxError as error:
        return f"the patched file does not parse: {error.msg} (line {error.lineno})"
    except ValueError as error:
        return f"the patched file does not parse: {error}"
    return Counter(
        f"{node.name}{ast.dump(node.args)}{ast.dump(node.returns) if node.returns else ''}"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def _braces_signatures(unit: CodeUnit) -> Counter[str]:
    """Each function's name and header (the lines from its first to its opening brace), spaces squashed."""
    lines = source_lines(unit.text)
    out: Counter[str] = Counter()
    for part in split_unit(unit).parts:
        if part.is_module_level:
            continue
        span = part.ranges[0]
        header = []
        for line in lines[span.start - 1 : span.end]:
            header.append(line.split("{")[0])
            if "{" in line:
                break
        out[part.name + " ".join(" ".join(header).split())] += 1
    return out


def compiler_errors(text: str, language: str) -> Counter[str] | None:
    """The compiler's syntax errors (messages without line numbers), None without a compiler. Local headers
    (#include "...") are blanked: they are seldom next to the code reviewed, and a missing one stops the check."""
    compiler, flag = _COMPILERS[language]
    binary = shutil.which(compiler)
    if binary is None:
        return None
    code = "\n".join("" if _LOCAL_INCLUDE.match(line) else line for line in source_lines(text))
    try:
        result = subprocess.run(
            [binary, "-fsyntax-only", "-x", flag, "-"],
            input=code,
            capture_output=True,
            text=True,
            timeout=_COMPILE_TIMEOUT_S,
            env={**os.environ, "LC_ALL": "C"},  # plain quotes in the messages, whatever the user's locale
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Counter(_GCC_ERROR.findall(result.stderr))


def _syntax_problem(unit: CodeUnit, new_text: str) -> str | None:
    if unit.language == "python":
        before = _python_signatures(tool_text(unit))
        if isinstance(before, str):
            return UNCHECKABLE
        signatures = _python_signatures(tool_text(with_text(unit, new_text)))
        if isinstance(signatures, str):
            return signatures
        if before != signatures:
            return "it changes a function's signature or adds a function"
        return None
    before_errors = compiler_errors(unit.text, unit.language)
    after_errors = compiler_errors(new_text, unit.language)
    if before_errors is not None and after_errors is not None:
        new = after_errors - before_errors
        if new:
            return f"the patched file does not compile: {next(iter(new))}"
    if _braces_signatures(unit) != _braces_signatures(with_text(unit, new_text)):
        return "it changes a function's signature or adds a function"
    return None


def _names(tree: ast.AST, lines: LineRange, context: type[ast.expr_context]) -> set[str]:
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, context) and lines.start <= node.lineno <= lines.end
    }


def _unset_names(unit: CodeUnit, new_text: str, proposal: Proposal) -> list[str]:
    """Names the replaced lines set and later lines of the function read that the replacement no longer sets."""
    function = enclosing_function(unit, proposal.lines)
    if function is None or function.end <= proposal.lines.end:
        return []
    before, after = parse_python(tool_text(unit)), parse_python(tool_text(with_text(unit, new_text)))
    needed = _names(before, proposal.lines, ast.Store) & _names(
        before, LineRange(start=proposal.lines.end + 1, end=function.end), ast.Load
    )
    new_last = proposal.lines.start + max(len(source_lines(proposal.replacement)), 1) - 1
    return sorted(needed - _names(after, LineRange(start=proposal.lines.start, end=new_last), ast.Store))


def _undefined_names(tree: ast.AST) -> set[str]:
    """Names read that nothing in the file binds (no assignment, import, definition or parameter) and that are
    no builtins: a fix that adds one fails at run time (`subprocess.run` where only `os` is imported)."""
    bound = set(dir(builtins))
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            if node.name == "*":  # `from m import *` may bind any name: none can be called unbound
                return set()
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
    return read - bound


def _names_it_adds_unbound(unit: CodeUnit, new_text: str) -> set[str]:
    """Names the patched file reads and never binds that the file as it is did not (raises SyntaxError)."""
    return _undefined_names(parse_python(tool_text(with_text(unit, new_text)))) - _undefined_names(
        parse_python(tool_text(unit))
    )


_IMPORT_HAS_EFFECTS = frozenset({"antigravity", "this", "turtle", "turtledemo", "tkinter", "idlelib"})


def _module_provides(name: str, code: str) -> bool:
    """Whether `name` is a standard-library module and every use of it in `code` is one of its attributes
    (`datetime.now()` is not: the module has no `now`, the class does)."""
    if name not in sys.stdlib_module_names or name in _IMPORT_HAS_EFFECTS:
        return False
    uses = re.findall(rf"(?<![\w.]){re.escape(name)}\b(?:\.(\w+))?", code)
    try:
        module = importlib.import_module(name)
    except ImportError:
        return False
    return bool(uses) and all(attribute and hasattr(module, attribute) for attribute in uses)


def with_imports(unit: CodeUnit, proposal: Proposal) -> Proposal:
    """The proposal with an `import` for each standard-library module it uses and the file does not import
    (`html.escape(...)`, `shlex.quote(...)`: the model rewrites only its lines and cannot reach the file's
    imports), placed first in the rewritten lines; unchanged when there is none or the result would not parse."""
    if unit.language != "python":
        return proposal
    try:
        missing = _names_it_adds_unbound(unit, patched(unit, proposal))
    except (SyntaxError, ValueError):
        return proposal
    modules = sorted(name for name in missing if _module_provides(name, proposal.replacement))
    if not modules:
        return proposal
    first = next((line for line in proposal.replacement.split("\n") if line.strip()), "")
    indent = first[: _indent(first)]
    imports = "".join(f"{indent}import {module}\n" for module in modules)
    extended = Proposal(lines=proposal.lines, replacement=imports + proposal.replacement)
    try:
        parse_python(tool_text(with_text(unit, patched(unit, extended))))
    except (SyntaxError, ValueError):
        return proposal
    return extended


def uncheckable(unit: CodeUnit) -> str | None:
    """Why no change to the file could be checked (then the model is not asked), or None."""
    if unit.language == "python" and isinstance(_python_signatures(tool_text(unit)), str):
        return UNCHECKABLE
    return None


def _has_code(text: str, language: str) -> bool:
    comment = "#" if language == "python" else "//"
    return any(line.strip() and not line.strip().startswith(comment) for line in text.splitlines())


def _describe(findings: Sequence[Finding]) -> str:
    """The first finding with what its engine says (the retry's hint: "string-based query construction" tells a
    small model what is still wrong better than a CWE number)."""
    first = findings[0]
    more = f" and {len(findings) - 1} more" if len(findings) > 1 else ""
    said = shorten(first.description.split(". ")[0].rstrip("."), width=120, placeholder="...")
    return f"CWE-{first.cwe} at line {first.start_line} ({', '.join(first.engines)}: {said}){more}"


def _untouched(before: Sequence[Finding], proposal: Proposal) -> set[tuple[int | None, int]]:
    """(CWE, line in the patched file) of the findings the file had outside the rewritten lines: other defects,
    which a fix of this one need not remove (those after the edit move by the lines it adds or removes)."""
    grown = len(source_lines(proposal.replacement)) - (proposal.lines.end - proposal.lines.start + 1)
    return {
        (f.cwe, f.start_line if f.end_line < proposal.lines.start else f.start_line + grown)
        for f in before
        if f.end_line < proposal.lines.start or f.start_line > proposal.lines.end
    }


def problem(unit: CodeUnit, proposal: Proposal) -> str | None:
    """Why the proposal cannot be a fix, as far as can be told without the engines (None: they decide, see
    `still_reported`): it changes nothing, silences or deletes, loses an exit, grows too much, does not parse, or
    (Python) leaves a name unset or unbound."""
    old = "\n".join(source_lines(unit.text)[proposal.lines.start - 1 : proposal.lines.end])
    if proposal.replacement.strip() == old.strip():
        return "it changes nothing"
    if _SILENCER.search(proposal.replacement):
        return "it silences the analyzers (a suppression comment) instead of fixing the defect"
    if not _has_code(proposal.replacement, unit.language):
        return "it deletes the code instead of fixing it"
    if _CALL.search(old) and not _CALL.search(proposal.replacement):
        return "it removes the calls the lines made instead of fixing them"
    exits = Counter(_EXITS.findall(proposal.replacement))
    lost = Counter(_EXITS.findall(old)) - exits
    if lost:
        return f"it drops a `{next(iter(lost))}` statement the lines had"
    added = len(source_lines(proposal.replacement)) - (proposal.lines.end - proposal.lines.start + 1)
    if added > MAX_ADDED_LINES:
        return f"it adds {added} lines; a fix here should be a small edit"
    new_text = patched(unit, proposal)
    syntax = _syntax_problem(unit, new_text)
    if syntax is not None:
        return syntax
    if unit.language == "python":
        unset = _unset_names(unit, new_text, proposal)
        if unset:
            return f"it no longer sets `{unset[0]}`, which later lines use"
        unknown = _names_it_adds_unbound(unit, new_text)
        if unknown:
            return f"it uses `{min(unknown)}`, which the file neither imports nor defines"
    return None


def still_reported(
    finding: Finding, proposal: Proposal, before: Sequence[Finding], after: Sequence[Finding]
) -> str | None:
    """Why the engines say the proposal is not a fix of `finding` (None: it is one): they still report the defect
    near the rewritten lines, or something new. `before` and `after`: their findings on the file as it is and as
    patched."""
    last = proposal.lines.start + len(source_lines(proposal.replacement)) - 1
    if finding.cwe is not None:
        others = _untouched(before, proposal)  # e.g. a second query two lines above: a defect of its own
        still = [
            f
            for f in after
            if f.cwe is not None
            and cwe.same_family(f.cwe, finding.cwe)
            and f.start_line <= last + NEAR
            and f.end_line >= proposal.lines.start - NEAR
            and (f.cwe, f.start_line) not in others
        ]
        if still:
            return f"the engines still report {_describe(still)}"
    counted = Counter(f.cwe for f in before)
    grown = [f for f in after if Counter(g.cwe for g in after)[f.cwe] > counted[f.cwe]]
    if grown:
        return f"the engines report a new finding: {_describe(grown)}"
    return None
