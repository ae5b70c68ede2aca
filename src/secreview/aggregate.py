"""The one place where raw findings are judged before they reach a report.

Grounding (lines inside the file, inside the lines under review), CWE checks against the MITRE
catalog, merging of findings that several engines made about the same defect, fingerprints, order
and the verdict all happen here, so every engine's output is held to the same standard.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from secreview import cwe
from secreview.models import NO_DEFECTS_VERDICT, CodeUnit, Finding, Severity

_MAX_QUOTED_LINES = 12
_MAX_CONFIDENCE = 0.99


def _ground(finding: Finding, unit: CodeUnit) -> Finding | None:
    """Clip the range to the file; None if it lies outside the file or outside the lines under review."""
    last_line = max(unit.line_count, 1)
    if finding.start_line > last_line:
        return None
    end = min(max(finding.end_line, finding.start_line), last_line)
    if not unit.is_under_review(finding.start_line, end):
        return None
    return finding.model_copy(update={"end_line": end})


def _with_catalog_names(finding: Finding) -> Finding:
    """Name the CWE from the catalog; an id that names no weakness is dropped rather than shown wrong."""
    if finding.cwe is None or not cwe.is_weakness(finding.cwe):
        return finding.model_copy(update={"cwe": None, "cwe_name": "", "pillar": None})
    return finding.model_copy(update={"cwe_name": cwe.lookup(finding.cwe).name, "pillar": cwe.pillar(finding.cwe)})


def _same_defect(a: Finding, b: Finding) -> bool:
    overlapping = a.start_line <= b.end_line and b.start_line <= a.end_line
    if not overlapping:
        return False
    if a.cwe is None or b.cwe is None:
        return a.cwe == b.cwe and a.title == b.title
    return cwe.same_family(a.cwe, b.cwe)


def _most_specific(ids: Iterable[int | None]) -> int | None:
    """The CWE deepest in the hierarchy: 328 rather than its parent 327."""
    known = [i for i in ids if i is not None]
    return max(known, key=lambda i: len(cwe.chain_to_pillar(i)), default=None)


def _merge(group: list[Finding]) -> Finding:
    """One finding from several reports of one defect, keeping every report as evidence."""
    if len(group) == 1:
        return group[0]
    best_cwe = _most_specific(f.cwe for f in group)
    # The words come from the report that names the weakness most precisely and explains it best.
    primary = max((f for f in group if f.cwe == best_cwe), key=lambda f: (len(f.description), f.confidence))
    start = max(f.start_line for f in group)  # the ranges overlap, so their intersection is non-empty
    end = min(f.end_line for f in group)
    miss_all = math.prod(1.0 - f.confidence for f in group)
    return primary.model_copy(
        update={
            "start_line": start,
            "end_line": end,
            "severity": max((f.severity for f in group), key=lambda s: s.rank),
            "confidence": round(min(1.0 - miss_all, _MAX_CONFIDENCE), 2),
            "evidence": [e for f in group for e in f.evidence],
        }
    )


def _merge_duplicates(findings: list[Finding]) -> list[Finding]:
    by_path: dict[str, list[list[Finding]]] = defaultdict(list)
    for finding in sorted(findings, key=lambda f: (f.path, f.start_line, f.end_line)):
        groups = by_path[finding.path]
        home = next((g for g in groups if any(_same_defect(finding, member) for member in g)), None)
        if home is None:
            groups.append([finding])
        else:
            home.append(finding)
    return [_merge(group) for groups in by_path.values() for group in groups]


def _fingerprinted(findings: list[Finding]) -> list[Finding]:
    """Content-based ids: the file, the weakness and the flagged code (not line numbers), so a
    baseline survives lines moving; repeats of identical code get an occurrence number."""
    seen: dict[str, int] = defaultdict(int)
    result = []
    for finding in findings:
        code = " ".join(finding.code.split())
        key = f"{finding.path}|{finding.cwe or finding.title}|{code}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        seen[digest] += 1
        result.append(finding.model_copy(update={"fingerprint": f"{digest}:{seen[digest]}"}))
    return result


def judge(raw: Iterable[Finding], units: dict[str, CodeUnit]) -> list[Finding]:
    """Raw engine findings in, reportable findings out (grounded, named, merged, fingerprinted, ordered)."""
    grounded = []
    for finding in raw:
        unit = units[finding.path]
        kept = _ground(finding, unit)
        if kept is not None:
            grounded.append(_with_catalog_names(kept))
    merged = _merge_duplicates(grounded)
    quoted = [
        f.model_copy(
            update={"code": units[f.path].lines(f.start_line, min(f.end_line, f.start_line + _MAX_QUOTED_LINES - 1))}
        )
        for f in merged
    ]
    ordered = sorted(quoted, key=lambda f: (f.path, f.start_line, f.end_line, f.cwe or 0, f.title))
    return _fingerprinted(ordered)


def verdict(findings: list[Finding], complete: bool) -> str:
    """The review's last word; never the no-defect sentence when something was not reviewed."""
    if findings:
        counts = Counter(finding.severity for finding in findings)
        detail = ", ".join(f"{counts[severity]} {severity.value}" for severity in Severity if counts[severity])
        noun = "defect is" if len(findings) == 1 else "defects are"
        tail = "" if complete else "; the review is incomplete (see coverage)"
        return f"{len(findings)} security {noun} detected in the code ({detail}){tail}"
    if complete:
        return NO_DEFECTS_VERDICT
    return "No security defects were found in the code that was reviewed, but the review is incomplete (see coverage)"
