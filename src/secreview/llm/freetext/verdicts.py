"""What a review concludes, sentence by sentence: the no-defect verdict and its clear equivalents, the hedges
before it and the narrowings after it that take it back, an item that opens by saying there is nothing there, and a
sentence that says code is vulnerable. These decide `says_no_defects` and which items count, so they are kept apart
from the reading of fields: a change here changes what a review means, not what a finding says."""

from __future__ import annotations

import re

# --- patterns (all bounded: linear time on any input) ---------------------------------------------

_EXACT_VERDICT = re.compile(
    r"\bno\W{1,5}security\W{1,5}defects?\W{1,5}(?:(?:are|were|have\W{1,3}been)\W{1,5})?detected\W{1,5}in\W{1,5}"
    r"the\W{1,5}code\b",
    re.IGNORECASE,
)
_NOUNS = r"(?:defects?|vulnerabilit(?:y|ies)|issues?|flaws?|weakness(?:es)?|problems?|concerns?)"
_EQUIVALENT_VERDICTS = (
    re.compile(
        rf"\bno\s((?:[\w-]+\s){{0,3}}?)(?:security\s)?{_NOUNS}\s(?:[\w-]+\s){{0,2}}?"
        r"(?:(?:are|were|was|is|have\sbeen|has\sbeen)\s)?(?:detected|found|identified|present|observed|introduced)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bthere\s(?:are|were|is)\sno\s((?:[\w-]+\s){{0,3}}?)security\s{_NOUNS}", re.IGNORECASE),
    re.compile(
        r"\b(?:does|do|did)\snot\s(?:introduce|contain|have|exhibit|present)\s((?:any\s)?(?:[\w-]+\s){0,2}?)"
        rf"(?:security\s){_NOUNS}",
        re.IGNORECASE,
    ),
)
_NOT_ALL = re.compile(r"\b(?:other|further|additional|more|remaining|new)\b", re.IGNORECASE)
_HEDGE_BEFORE = re.compile(
    r"\b(?:other than|apart from|aside from|besides|except|beyond (?:this|these|that|those|the above)|otherwise"
    r"|cannot|can't|can ?not|not (?:say|conclude|claim|state)|unable to)\b|\bif\s{0,3}$",
    re.IGNORECASE,
)
# Used with .match(text, pos), which anchors at pos (a "^" would only match at the start of the text).
_NARROWED_AFTER = re.compile(r"[^.!?\n]{0,60}?\b(?:except|other than|apart from|besides|aside from)\b", re.IGNORECASE)
NOTHING_HERE = re.compile(
    r"(?:none|n/?a|not applicable|no issues?|nothing|not (?:found|detected|identified|present|applicable|"
    r"observed|vulnerable|an issue)|no (?:[\w-]+\s){0,3}?" + _NOUNS + r")\b",
    re.IGNORECASE,
)
ASSERTS_DEFECT = re.compile(
    r"\b(?:is|are|was|were|be|remains?)\s(?:[\w-]+\s){0,2}?(?:vulnerable|exploitable|insecure)\b"
    r"|\b(?:introduces?|contains?|has|causes?|allows?|leads?\sto|results?\sin)\s(?:an?\s)?(?:[\w-]+\s){0,2}?"
    r"(?:vulnerability|injection|security\s(?:defect|flaw|issue|bug|hole))\b",
    re.IGNORECASE,
)


def hedged(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 160) : start]
    cut = max(before.rfind("."), before.rfind("!"), before.rfind("?"), before.rfind("\n"))
    before = before[cut + 1 :]
    return bool(_HEDGE_BEFORE.search(before)) or bool(_NARROWED_AFTER.match(text, end, min(len(text), end + 80)))


def exact_verdict(text: str) -> bool:
    return any(not hedged(text, m.start(), m.end()) for m in _EXACT_VERDICT.finditer(text))


def equivalent_verdict(text: str) -> bool:
    for pattern in _EQUIVALENT_VERDICTS:
        for match in pattern.finditer(text):
            if not _NOT_ALL.search(match.group(1)) and not hedged(text, match.start(), match.end()):
                return True
    return False


def any_verdict(text: str) -> bool:
    return exact_verdict(text) or equivalent_verdict(text)
