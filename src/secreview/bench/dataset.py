"""The common dataset format (`cases.jsonl` + `files/`), read and checked, and stratified sampling."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


class DatasetError(Exception):
    """The folder is not a dataset in the common format; str(error) says what is wrong and where."""


@dataclass(frozen=True)
class Case:
    id: str
    path: str  # relative to the dataset folder, under files/
    language: str
    vulnerable: bool
    cwe: tuple[int, ...]  # expected ids; for a non-vulnerable case the CWE it looks like
    lines: tuple[int, ...] = ()  # labelled vulnerable lines, 1-based; () when unknown
    pair: str | None = None  # shared by the vulnerable and the fixed version of one piece of code
    category: str | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    root: Path
    cases: tuple[Case, ...]

    def file(self, case: Case) -> Path:
        return self.root / case.path

    @cached_property
    def support_files(self) -> list[Path]:
        """The files under files/ that are no case: code the cases need for context (owasp's helpers/), which a
        tool may read but whose findings are not scored."""
        cases = {self.file(case) for case in self.cases}
        return sorted(p for p in (self.root / "files").rglob("*") if p.is_file() and p not in cases)


def _case(raw: dict[str, object], where: str) -> Case:
    try:
        path = str(raw["path"])
        if not path.startswith("files/") or ".." in Path(path).parts:
            raise ValueError(f"path {path!r} is not under files/")
        return Case(
            id=str(raw["id"]),
            path=path,
            language=str(raw["language"]),
            vulnerable=bool(raw["vulnerable"]),
            cwe=tuple(int(c) for c in raw.get("cwe") or ()),  # type: ignore[attr-defined]
            lines=tuple(int(n) for n in raw.get("lines") or ()),  # type: ignore[attr-defined]
            pair=None if raw.get("pair") is None else str(raw["pair"]),
            category=None if raw.get("category") is None else str(raw["category"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DatasetError(f"{where}: not a valid case ({error})") from None


def load_dataset(root: Path) -> Dataset:
    """Read `root/cases.jsonl`; every case's file must exist and ids must be unique."""
    listing = root / "cases.jsonl"
    if not listing.is_file():
        raise DatasetError(f"{root} is not a dataset: it has no cases.jsonl (see the format in docs/bench.md)")
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{listing}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: not JSON ({error})") from None
        if not isinstance(raw, dict):
            raise DatasetError(f"{where}: not a JSON object")
        case = _case(raw, where)
        if case.id in seen:
            raise DatasetError(f"{where}: case id {case.id} appears twice")
        if not (root / case.path).is_file():
            raise DatasetError(f"{where}: the file {case.path} does not exist")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise DatasetError(f"{listing} lists no cases")
    return Dataset(name=root.resolve().name, root=root, cases=tuple(cases))


def stratified_sample(cases: Sequence[Case], limit: int, seed: int) -> list[Case]:
    """About `limit` cases in the proportions of each (category, verdict) stratum, the same for every
    configuration. The two halves of a pair are drawn together, so pair metrics stay computable."""
    if limit >= len(cases):
        return list(cases)
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[case.pair or case.id].append(case)
    strata: dict[tuple[str, str], list[list[Case]]] = defaultdict(list)
    for members in groups.values():
        verdicts = {case.vulnerable for case in members}
        verdict = "pair" if len(verdicts) > 1 else ("vulnerable" if verdicts.pop() else "not vulnerable")
        strata[(members[0].category or "", verdict)].append(members)
    rng = random.Random(seed)
    for key in sorted(strata):
        rng.shuffle(strata[key])
    # largest remainder: each stratum gets its share of `limit` cases, rounded so the total is right
    shares = {key: limit * sum(len(g) for g in strata[key]) / len(cases) for key in strata}
    quota = {key: int(share) for key, share in shares.items()}
    for key in sorted(shares, key=lambda k: (quota[k] - shares[k], k))[: limit - sum(quota.values())]:
        quota[key] += 1
    chosen: list[Case] = []
    for key in sorted(strata):
        taken = 0
        for members in strata[key]:
            if taken >= quota[key]:
                break
            chosen.extend(members)
            taken += len(members)
    order = {case.id: index for index, case in enumerate(cases)}
    return sorted(chosen, key=lambda case: order[case.id])
