"""Suppression comments: `secreview: ignore[CWE-n] reason` in any language, and in Python Bandit's `# nosec` and
Ruff's `# noqa: S608` (its flake8-bandit codes, S608 for Bandit's B608).

Bandit runs with --ignore-nosec so that every `# nosec` reaches this module: the decision is made once, here,
for every engine, and `--no-suppress` can audit what the comments hide. A comment applies to a finding on its
own line or on the next one (a `# nosec`, as Bandit reads it, also on any line of the flagged statement). In diff
mode a comment on a line the change adds is not trusted: a change must not silence its own findings.

`parse_suppressions` is pure (text in, comments out) so that it can be tested and fuzzed on its own.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from secreview import cwe
from secreview.engines.rule_cwes import RESTATES
from secreview.models import CodeUnit, Finding, Suppression


@dataclass(frozen=True)
class _Syntax:
    """How a language writes comments and the strings that may hold comment-like text."""

    line: tuple[str, ...]
    block: tuple[str, str] | None = None
    quotes: tuple[str, ...] = ('"', "'")
    spanning_quotes: tuple[str, ...] = ()  # strings that may span lines


_HASH = _Syntax(line=("#",))
_C_LIKE = _Syntax(line=("//",), block=("/*", "*/"))
_SYNTAX = {
    "python": _Syntax(line=("#",), spanning_quotes=('"""', "'''")),
    "ruby": _HASH,
    "bash": _HASH,
    "php": _Syntax(line=("//", "#"), block=("/*", "*/")),
    "javascript": _Syntax(line=("//",), block=("/*", "*/"), spanning_quotes=("`",)),
    "typescript": _Syntax(line=("//",), block=("/*", "*/"), spanning_quotes=("`",)),
    "go": _Syntax(line=("//",), block=("/*", "*/"), spanning_quotes=("`",)),
    "rust": _Syntax(line=("//",), block=("/*", "*/"), quotes=('"',)),  # 'a is a lifetime, not a string
}

_SECREVIEW = re.compile(r"secreview:\s*ignore\b(?:\[(?P<ids>[^\]]*)\])?", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b:?")  # Bandit's own pattern (case-sensitive), with a word boundary
# Ruff's (and flake8's) noqa comment with the codes it names (`noqa: S608, E501`); flake8-bandit's (S) are Bandit's
_NOQA = re.compile(r"#\s*(?i:noqa)\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)")
_CWE_ID = re.compile(r"(?:CWE-)?(\d+)", re.IGNORECASE)
# What Bandit reads after `nosec`: test ids (B602) or test names (subprocess_popen_with_shell_equals_true).
_NOSEC_TEST = re.compile(r"[\s,]*(B\d+|[a-z][a-z\d]*_[a-z\d_]+)\b", re.IGNORECASE)
_LEADING_SEPARATORS = " \t-:;,#\u2013\u2014"


def _string_end(text: str, start: int, delimiter: str, spans_lines: bool) -> int:
    """Where a string opened just before `start` ends; an unterminated one-line string ends with its line."""
    stop = re.compile(r"\\.|" + re.escape(delimiter) + ("" if spans_lines else r"|\n"), re.DOTALL)
    position = start
    while (match := stop.search(text, position)) is not None:
        if match.group() == delimiter:
            return match.end()
        if match.group() == "\n":
            return match.start()
        position = match.end()
    return len(text)


def _comments(text: str, syntax: _Syntax) -> Iterator[tuple[int, str]]:
    """(line, comment text) for each comment line, strings skipped; a line comment keeps its marker."""
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    openers = [*syntax.line, *syntax.spanning_quotes, *syntax.quotes, *(syntax.block or ())[:1]]
    opener = re.compile("|".join(re.escape(token) for token in sorted(openers, key=len, reverse=True)))
    position = 0
    while (match := opener.search(text, position)) is not None:
        token, start = match.group(), match.start()
        line = bisect.bisect_right(line_starts, start)
        if token in syntax.line:
            end = text.find("\n", start)
            position = len(text) if end < 0 else end
            yield line, text[start:position]
        elif syntax.block is not None and token == syntax.block[0]:
            end = text.find(syntax.block[1], match.end())
            body = text[match.end() : len(text) if end < 0 else end]
            yield from ((line + offset, part) for offset, part in enumerate(body.split("\n")))
            position = len(text) if end < 0 else end + len(syntax.block[1])
        else:
            position = _string_end(text, match.end(), token, token in syntax.spanning_quotes)


def _reason(rest: str) -> str:
    return rest.lstrip(_LEADING_SEPARATORS).rstrip().removesuffix("#").rstrip()


def _secreview(match: re.Match[str], rest: str, line: int) -> Suppression | None:
    """`secreview: ignore[CWE-89, CWE-79] reason`; None when the brackets hold anything but CWE ids, so that a
    typo never silences every CWE."""
    ids = match.group("ids")
    cwes: list[int] = []
    if ids is not None:
        items = [item for item in re.split(r"[\s,]+", ids) if item]
        parsed = [_CWE_ID.fullmatch(item) for item in items]
        if not items or any(found is None for found in parsed):
            return None
        cwes = [int(found.group(1)) for found in parsed if found is not None]
    return Suppression(kind="secreview", line=line, cwes=cwes, reason=_reason(rest))


def _nosec(rest: str, line: int) -> Suppression:
    """`# nosec`, `# nosec B602`, `# nosec: B602,B607 reason`: the test ids Bandit reads, then the reason."""
    tests_end = rest.find("#")
    tests = rest if tests_end < 0 else rest[:tests_end]  # Bandit reads test ids up to the next '#'
    rules: list[str] = []
    position = 0
    while (found := _NOSEC_TEST.match(tests, position)) is not None:
        test = found.group(1)
        rules.append(test.upper() if test[0] in "bB" and test[1:].isdigit() else test.lower())
        position = found.end()
    return Suppression(kind="nosec", line=line, rules=rules, reason=_reason(rest[position:]))


def _noqa(match: re.Match[str], rest: str, line: int) -> Suppression | None:
    """`# noqa: S608, E501 reason`: Ruff's codes of flake8-bandit as Bandit's test ids (S608 is B608); None where
    it names none (a noqa for style says nothing about security)."""
    codes = re.split(r"[\s,]+", match.group("codes").upper())
    rules = [f"B{code[1:]}" for code in codes if re.fullmatch(r"S\d{3}", code)]
    return Suppression(kind="noqa", line=line, rules=rules, reason=_reason(rest)) if rules else None


def parse_suppressions(text: str, language: str) -> dict[int, list[Suppression]]:
    """The suppression comments of a file in `language`, by line (1-based); `# nosec` and `# noqa` in Python
    only."""
    found: dict[int, list[Suppression]] = {}
    for line, comment in _comments(text, _SYNTAX.get(language, _C_LIKE)):
        directives = [(match, "secreview") for match in _SECREVIEW.finditer(comment)]
        if language == "python":
            directives += [(match, "nosec") for match in _NOSEC.finditer(comment)]
            directives += [(match, "noqa") for match in _NOQA.finditer(comment)]
        directives.sort(key=lambda item: item[0].start())
        for index, (match, kind) in enumerate(directives):
            end = directives[index + 1][0].start() if index + 1 < len(directives) else len(comment)
            rest = comment[match.end() : end]
            if kind == "nosec":
                suppression: Suppression | None = _nosec(rest, line)
            else:
                suppression = _noqa(match, rest, line) if kind == "noqa" else _secreview(match, rest, line)
            if suppression is not None:
                found.setdefault(line, []).append(suppression)
    return found


def describe(suppression: Suppression) -> str:
    """The comment as a user would write it: `secreview: ignore[CWE-89]`, `nosec B602`, `noqa: S602`."""
    if suppression.kind == "nosec":
        return " ".join(["nosec", ",".join(suppression.rules)]).strip()
    if suppression.kind == "noqa":
        return "noqa: " + ", ".join(f"S{rule[1:]}" for rule in suppression.rules)
    ids = f"[{', '.join(f'CWE-{n}' for n in suppression.cwes)}]" if suppression.cwes else ""
    return f"secreview: ignore{ids}"


def _covers(suppression: Suppression, finding: Finding) -> bool:
    """On the line before the finding or its first line; a nosec (or Ruff's noqa) also on any of its lines, as Bandit
    reads it."""
    last = finding.end_line if suppression.kind in ("nosec", "noqa") else finding.start_line
    return finding.start_line - 1 <= suppression.line <= last


def _matches(suppression: Suppression, finding: Finding) -> bool:
    if suppression.kind in ("nosec", "noqa"):
        # Bandit's comment (or Ruff's for Bandit's tests) silences what Bandit alone reports, or a rule of the
        # project's that restates a Bandit test, with what candidates add on its line (sanic's `urlopen(request)  #
        # nosec B310` that a flow from a parameter also reaches: the comment says the call was checked); a defect
        # another engine also found stays (accept it with `secreview: ignore[CWE-n]`)
        reports = [e for e in finding.evidence if not e.candidate]
        bandit_rules = [
            e.rule_id.lower().split(":")
            if e.engine == "bandit"
            else [word.lower() for test in RESTATES[e.rule_id].items() for word in test]
            for e in reports
            if e.engine == "bandit" or e.rule_id in RESTATES
        ]
        if not bandit_rules or len(bandit_rules) != len(reports):
            return False
        wanted = {rule.lower() for rule in suppression.rules}
        return not wanted or any(wanted.intersection(parts) for parts in bandit_rules)
    if not suppression.cwes:
        return True
    return finding.cwe is not None and any(cwe.same_family(named, finding.cwe) for named in suppression.cwes)


def _added_by_change(suppression: Suppression, unit: CodeUnit) -> bool:
    """In diff mode, a comment on a line the change adds: the change must not silence its own findings."""
    return unit.review_lines is not None and unit.is_under_review(suppression.line, suppression.line)


class Applied(NamedTuple):
    """The findings still reported, those a trusted comment silences, and coverage notes by path."""

    kept: list[Finding]
    suppressed: list[Finding]
    notes: dict[str, list[str]]


def apply_suppressions(findings: list[Finding], units: Mapping[str, CodeUnit]) -> Applied:
    """Attach to each finding the comment that silences it: honoured ones move to `suppressed`; one the change
    under review added (diff mode) stays in `kept`, not honoured. Missing reasons and distrust become notes."""
    comments: dict[str, dict[int, list[Suppression]]] = {}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    notes: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        unit = units[finding.path]
        if finding.path not in comments:
            comments[finding.path] = parse_suppressions(unit.text, unit.language)
        candidates = [
            suppression.model_copy(update={"honoured": not _added_by_change(suppression, unit)})
            for line in range(finding.start_line - 1, finding.end_line + 1)
            for suppression in comments[finding.path].get(line, [])
            if _covers(suppression, finding) and _matches(suppression, finding)
        ]
        if not candidates:
            kept.append(finding)
            continue
        chosen = next((s for s in candidates if s.honoured), candidates[0])
        (suppressed if chosen.honoured else kept).append(finding.model_copy(update={"suppression": chosen}))
        what = f"CWE-{finding.cwe}" if finding.cwe is not None else finding.title
        comment, shown = f"line {chosen.line}: suppression", describe(chosen)
        if not chosen.honoured:
            notes[finding.path].append(
                f"{comment} ({shown}) added by this change is not trusted: {what} at line {finding.start_line} reported"
            )
        if not chosen.reason:
            notes[finding.path].append(f"{comment} without a reason ({shown}); say why the finding is accepted")
    # A comment that covers several findings is named once for its missing reason.
    return Applied(kept, suppressed, {path: list(dict.fromkeys(texts)) for path, texts in notes.items()})
