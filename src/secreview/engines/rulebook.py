"""The project's own Semgrep rules, and the review knowledge their metadata carries.

Each rule file lives in rules/<language>/ (the prefix of its rules' ids) and every rule has metadata: cwe,
title, severity, confidence and solution. A rule's own `languages` say which files it reviews: the C rules
list C++ too wherever the idiom is the same, so a folder's rules run on every language they name. The
solutions double as fix advice for other engines' findings of the same weakness (Bandit says what is wrong but
not how to fix it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from secreview import cwe
from secreview.models import Severity

RULES_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class Rule:
    id: str
    language: str  # the folder: the id's prefix
    languages: frozenset[str]  # Semgrep's `languages`: the units it reviews
    cwe: int
    title: str
    severity: Severity
    confidence: float
    solution: str
    message: str
    file: Path
    traces: bool  # a taint rule: it reports data from a source reaching the sink, not a call's shape


# the taint rules whose source is a parameter of the enclosing function, not data from outside the program
PARAMETER_RULE_SUFFIX = "-function-param"


@cache
def load_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for file in sorted(RULES_DIR.glob("*/*.yaml")):
        for raw in yaml.safe_load(file.read_text(encoding="utf-8"))["rules"]:
            meta = raw["metadata"]
            rules.append(
                Rule(
                    id=raw["id"],
                    language=file.parent.name,
                    languages=frozenset(raw["languages"]),
                    cwe=int(meta["cwe"]),
                    title=meta["title"],
                    severity=Severity(meta["severity"]),
                    confidence=float(meta["confidence"]),
                    solution=" ".join(meta["solution"].split()),
                    message=" ".join(raw["message"].split()),
                    file=file,
                    traces=raw.get("mode") == "taint",
                )
            )
    return tuple(rules)


def traces_outside_data(rule_id: str) -> bool:
    """Whether a report of this Semgrep rule says data from outside the program (a request, input(), argv) reaches
    its sink: one of the project's taint rules but those from a function's own parameter; a user's rule, which
    secreview cannot read, is taken to."""
    rule = next((rule for rule in load_rules() if rule.id == rule_id), None)
    return rule is None or (rule.traces and not rule_id.endswith(PARAMETER_RULE_SUFFIX))


@cache
def rules_digest() -> str:
    """sha256 of every rule file's name and content: what Semgrep matches and the advice both engines give."""
    digest = hashlib.sha256()
    for file in sorted(RULES_DIR.glob("*/*.yaml")):
        digest.update(f"{file.relative_to(RULES_DIR).as_posix()}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def rule_dirs(languages: frozenset[str]) -> list[Path]:
    """The folders holding a rule for any of these languages (rules/c for C++ too)."""
    folders = {rule.file.parent for rule in load_rules() if rule.languages & languages}
    return sorted(folders)


def languages_with_rules() -> frozenset[str]:
    return frozenset().union(*(rule.languages for rule in load_rules()))


def solution_for(cwe_id: int, language: str) -> str | None:
    """Fix advice for a weakness: from a rule for the same CWE (same language first), else the family."""
    rules = sorted(load_rules(), key=lambda rule: language not in rule.languages)
    for matches in (lambda r: r.cwe == cwe_id, lambda r: cwe.same_family(r.cwe, cwe_id)):
        for rule in rules:
            if matches(rule):
                return rule.solution
    return None


def advice_for(cwe_id: int, language: str) -> str:
    """Fix advice for a weakness: a rule's (solution_for), else the catalog's first mitigation, else nothing."""
    return solution_for(cwe_id, language) or (cwe.lookup(cwe_id).mitigation if cwe.is_weakness(cwe_id) else "")
