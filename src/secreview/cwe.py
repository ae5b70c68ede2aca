"""The MITRE CWE catalog (shipped offline by the `cwe2` package), indexed for fast lookups.

Every CWE id that reaches a report is checked here; the CWE-1000 "Research Concepts" view gives each
weakness its parents and its pillar, which is how findings from different tools are recognised as the
same family of defect.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cwe2.database

RESEARCH_VIEW = 1000
PILLARS = frozenset({284, 435, 664, 682, 691, 693, 697, 703, 707, 710})
_RELATION = re.compile(r"NATURE:(\w+):CWE ID:(\d+):VIEW ID:(\d+)(?::ORDINAL:(\w+))?(?::CHAIN ID:(\d+))?")


@dataclass(frozen=True)
class CweEntry:
    id: int
    name: str
    kind: str  # Pillar, Class, Base, Variant, Compound, Category or View
    description: str
    parents: tuple[int, ...]  # direct ChildOf parents in CWE-1000, primary parent first
    mitigation: str
    precedes: tuple[tuple[int, int], ...] = ()  # (a weakness it can lead to, the chain that names the two)


class UnknownCweError(KeyError):
    """The id is not in the MITRE catalog."""


def _catalog_dir() -> Path:
    return Path(cwe2.database.__file__).parent / "database_v49"


def _first_mitigation(field: str) -> str:
    match = re.search(r"DESCRIPTION:(.*?)(?:::|$)", field or "")
    return match.group(1).strip() if match else ""


def _parents(relations: str) -> tuple[int, ...]:
    primary: list[int] = []
    others: list[int] = []
    for nature, cwe_id, view, ordinal, _ in _RELATION.findall(relations or ""):
        if nature == "ChildOf" and int(view) == RESEARCH_VIEW:
            (primary if ordinal == "Primary" else others).append(int(cwe_id))
    return tuple(dict.fromkeys(primary + others))


def _chain_links(relations: str) -> tuple[tuple[int, int], ...]:
    return tuple(
        (int(cwe_id), int(chain))
        for nature, cwe_id, _, _, chain in _RELATION.findall(relations or "")
        if nature == "CanPrecede" and chain
    )


@cache
def _weaknesses() -> dict[int, CweEntry]:
    """All weaknesses of the CWE-1000 view (every weakness is in it), read once."""
    entries: dict[int, CweEntry] = {}
    with open(_catalog_dir() / "navigate_cwe" / "1000.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cwe_id = int(row["CWE-ID"])
            entries[cwe_id] = CweEntry(
                id=cwe_id,
                name=row["Name"],
                kind=row["Weakness Abstraction"],
                description=row["Description"].strip(),
                parents=_parents(row["Related Weaknesses"]),
                mitigation=_first_mitigation(row["Potential Mitigations"]),
                precedes=_chain_links(row["Related Weaknesses"]),
            )
    return entries


@cache
def _categories_and_views() -> dict[int, CweEntry]:
    """Categories (e.g. CWE-16) and views are only in the XML; parsed on first need."""
    root = ET.parse(_catalog_dir() / "cwec_v4.14.xml").getroot()
    entries: dict[int, CweEntry] = {}
    for kind, tag in (("Category", "Categories"), ("View", "Views")):
        section = next((child for child in root if child.tag.endswith(tag)), None)
        for child in section if section is not None else []:
            summary = next((c.text or "" for c in child if c.tag.endswith(("Summary", "Objective"))), "")
            cwe_id = int(child.attrib["ID"])
            entries[cwe_id] = CweEntry(cwe_id, child.attrib.get("Name", ""), kind, summary.strip(), (), "")
    return entries


def lookup(cwe_id: int) -> CweEntry:
    """The catalog entry for an id; raises UnknownCweError if MITRE has no such id."""
    entry = _weaknesses().get(cwe_id) or _categories_and_views().get(cwe_id)
    if entry is None:
        raise UnknownCweError(cwe_id)
    return entry


def is_weakness(cwe_id: int) -> bool:
    """True for ids that name a weakness (not a category or view): the only ids findings may carry."""
    return cwe_id in _weaknesses()


def chain_to_pillar(cwe_id: int) -> list[int]:
    """The id, its primary parent, and so on up to its CWE-1000 pillar (first element is cwe_id)."""
    chain = [cwe_id]
    while (parents := lookup(chain[-1]).parents) and parents[0] not in chain:
        chain.append(parents[0])
    return chain


def pillar(cwe_id: int) -> int | None:
    """The CWE-1000 pillar of a weakness, or None for ids outside the view."""
    if not is_weakness(cwe_id):
        return None
    top = chain_to_pillar(cwe_id)[-1]
    return top if top in PILLARS else None


@cache
def ancestors(cwe_id: int) -> frozenset[int]:
    """All ChildOf ancestors in CWE-1000 (every parent, transitively), pillars excluded."""
    seen: set[int] = set()
    stack = list(_weaknesses()[cwe_id].parents) if cwe_id in _weaknesses() else []
    while stack:
        parent = stack.pop()
        if parent in seen:
            continue
        seen.add(parent)
        stack.extend(_weaknesses()[parent].parents if parent in _weaknesses() else ())
    return frozenset(seen - PILLARS)


@cache
def _chains() -> dict[int, frozenset[int]]:
    """Each chain the catalog names (a Compound weakness: CWE-690, an unchecked return value, 252, leading to a NULL
    pointer dereference, 476) and the weaknesses it links."""
    links: dict[int, set[int]] = {}
    for entry in _weaknesses().values():
        for following, chain in entry.precedes:
            links.setdefault(chain, set()).update((entry.id, following))
    return {chain: frozenset(linked) for chain, linked in links.items()}


def _related(a: int, b: int) -> bool:
    return a == b or a in ancestors(b) or b in ancestors(a)


def same_family(a: int, b: int) -> bool:
    """Equal, or one is a non-pillar ancestor of the other: 328 ~ 327, but not 79 ~ 89 (siblings); or one is a chain
    and the other of the family of one of its links: an analyzer's NULL pointer dereference (476) and a rule's
    unchecked result dereferenced (690) on one line are one defect."""
    if _related(a, b):
        return True
    return any(_related(link, b) for link in _chains().get(a, ())) or any(
        _related(link, a) for link in _chains().get(b, ())
    )


def short_name(cwe_id: int) -> str:
    """A heading-sized name: the catalogue's own short form in ('...') if it has one, else the name."""
    name = lookup(cwe_id).name if cwe_id in _weaknesses() else f"CWE-{cwe_id}"
    match = re.search(r"\('([^']+)'\)", name)
    return match.group(1) if match else name
