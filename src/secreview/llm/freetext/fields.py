"""Reading one field out of an item's text: line references in their many spellings, CWE ids and the names
written next to them, field labels ("Solution:", "Severity:"), severity words, and titles cleaned of ids, line
references and numbering. Each function takes a string and returns a value and knows nothing of blocks or items, so
every spelling the parser accepts for a field is in this one place."""

from __future__ import annotations

import re

from secreview import cwe as cwe_catalog
from secreview.models import Severity

_MAX_TITLE = 120

# --- patterns (all bounded: linear time on any input) ---------------------------------------------

CWE = re.compile(r"\bCWE[\s:_\-\u2010-\u2015]{0,3}(?:ID[\s:#]{0,3})?#?(\d{1,5})(?!\d)", re.IGNORECASE)
# The name a review writes right after an id: "CWE-664 (Improper Control ...)", one level of nesting.
_NAME_IN_PARENS = re.compile(r"\s{0,3}\(([^()\n]{1,200}(?:\([^()\n]{0,120}\)[^()\n]{0,80})?)\)")
_NAME_AFTER_SEPARATOR = re.compile(r"\s{0,3}(?:[:\-\u2013\u2014]|\*\*:?)\s{0,3}(.{1,200})")
_LINE_WORD = re.compile(
    r"(?<!\w)(?:lines?|ln)(?:\s{1,2}(?:numbers?|nos?\.?))?(?:\*\*|__)?\s{0,3}[:#]?\s{0,3}(\d{1,7})(?!\d)"
    r"(?:\s{0,3}(?:[-\u2010-\u2014]|to|through|thru|until|\.\.\.?)\s{0,3}"
    r"(?:lines?\s{0,2})?(\d{1,7})(?!\d))?",
    re.IGNORECASE,
)
_LINE_L = re.compile(r"(?<!\w)(#?)L(\d{1,7})(?:\s{0,2}[-\u2013\u2014]\s{0,2}L?(\d{1,7}))?(?![\w])")
# More ranges after the first one ("lines 84-87, 92-107"): removed from titles along with the first.
_MORE_RANGES = re.compile(r"(?:\s{0,2}(?:,|and|&)\s{0,2}\d{1,7}(?:\s{0,2}[-\u2013]\s{0,2}\d{1,7})?){1,20}")
# "2. ", "2) ", "Issue 2", "Finding #2": a numbered heading (its number prefix is left out of titles).
_ISSUE_NUMBER = r"(?:issue|finding|defect|vulnerability|weakness|problem|concern)\s{0,2}#?\d{1,3}"
NUMBERED_HEADING = re.compile(rf"\d{{1,3}}[.):]\s|{_ISSUE_NUMBER}\b", re.IGNORECASE)
_NUMBER_PREFIX = re.compile(
    rf"\d{{1,3}}[.):]\s{{1,3}}|{_ISSUE_NUMBER}\s{{0,2}}[:.\-\u2013\u2014]?\s{{0,3}}", re.IGNORECASE
)
_LABEL = re.compile(
    r"(?:\*\*|__)?\s{0,2}([A-Za-z][A-Za-z /-]{0,28}?)\s{0,2}(?:\*\*|__)?\s{0,2}:(?!//)\s{0,2}(?:\*\*|__)?"
)
INLINE_SOLUTION = re.compile(
    r"(?<!\w)(?:\*\*|__)?(?:Solution|Fix|Recommendation|Recommended fix|Mitigation|Remediation|Suggested fix)"
    r"(?:\*\*|__)?\s{0,2}:(?:\*\*|__)?"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SEVERITY = (
    re.compile(
        r"\b(?:severity|risk(?:\s{1,2}level)?|priority|impact)\b[^\w\n]{0,6}(?:is\s{1,2}|level\s{1,2})?"
        r"(critical|high|medium|moderate|low)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(critical|high|medium|moderate|low)[\s-]{1,2}(?:severity|risk|impact|priority)\b", re.IGNORECASE),
    re.compile(r"[\[(](critical|high|medium|moderate|low)[\])]", re.IGNORECASE),
)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split(", "))


# Field labels ("**Solution:** ...", "- Severity: High"), lowercased, by what the field is.
SOLUTION_LABELS = _names(
    "solution, solutions, fix, fixes, recommendation, recommendations, recommended fix, recommended solution, "
    "mitigation, mitigations, remediation, suggested fix, suggestion, suggestions, suggested solution, how to fix, "
    "remedy, proposed fix, proposed solution, resolution"
)
_DESCRIPTION_LABELS = _names(
    "description, issue, problem, details, detail, explanation, impact, risk, reason, why, analysis, evidence, "
    "code, context, summary, vulnerability description, issue description, note, notes"
)
TITLE_LABELS = _names("title, name, vulnerability, weakness, type, category, defect, finding")
LOCATION_LABELS = _names(
    "line, lines, line number, line numbers, location, lines affected, affected lines, cwe, cwe id"
)
SEVERITY_LABELS = _names("severity, risk level, priority, confidence")
SEVERITY_WORDS = _names("critical, high, medium, moderate, low, severity, risk, priority")
FIELD_LABELS = SOLUTION_LABELS | _DESCRIPTION_LABELS | TITLE_LABELS | LOCATION_LABELS | SEVERITY_LABELS

# Headings made only of these words are section titles ("Potential Security Issues"), not defect names.
_GENERIC_WORDS = (
    "analysis summary conclusion conclusions verdict overview introduction recommendation recommendations notes "
    "note observations observation findings finding issues issue defects defect vulnerabilities vulnerability "
    "concerns concern assessment evaluation results result review context considerations consideration details "
    "potential security identified key the of and code detected possible found other additional general points "
    "reviewed final overall list detailed in a an areas area"
)
_GENERIC_HEADING_WORDS = frozenset(_GENERIC_WORDS.split())
_DANGLING_PREPOSITION = re.compile(r"\s(?:at|on|in|near)(?=\s{0,3}(?:[(\[]\s{0,2}[)\]]|[:,.;]|$))", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"[(\[]\s{0,3}[)\]]")
_FILLER_TITLE = re.compile(r"^[\s:;,.\-\u2013\u2014()\[\]*_`]+|[\s:;,.\-\u2013\u2014()\[\]*_`]+$")


def squash(text: str) -> str:
    """One line of plain text: markdown emphasis removed, whitespace collapsed."""
    return " ".join(text.replace("**", "").replace("__", "").split())


def label(line: str) -> tuple[str, str] | None:
    """("solution", text after the label) when the line starts with a known field label."""
    match = _LABEL.match(line)
    if not match:
        return None
    name = " ".join(match.group(1).lower().split())
    if name not in FIELD_LABELS:
        return None
    return name, line[match.end() :].strip()


def line_refs(text: str) -> list[tuple[int, int, int, int]]:
    """Every line reference as (offset, end offset, first line, last line), in text order."""
    refs: list[tuple[int, int, int, int]] = []
    for match in _LINE_WORD.finditer(text):
        refs.append((match.start(), match.end(), int(match.group(1)), int(match.group(2) or match.group(1))))
    for match in _LINE_L.finditer(text):
        # "L12" alone is a line only where it points: "#L12", "L12-L15", "at L12", "(L12)", "L12:"; not "L3 agent".
        after = text[match.end() : match.end() + 2]
        before = text[max(0, match.start() - 5) : match.start()].lower()
        pointed = (
            match.group(1)
            or match.group(3)
            or after[:1] in (")", "]", ":", ",", ";", "")
            or after in (". ", ".")
            or before.endswith(("at ", "on ", "see ", "near "))
        )
        if pointed:
            refs.append((match.start(), match.end(), int(match.group(2)), int(match.group(3) or match.group(2))))
    refs.sort()
    return [(s, e, min(a, b), max(a, b)) for s, e, a, b in refs if min(a, b) >= 1]


def first_lines(*texts: str) -> tuple[int, int] | None:
    for text in texts:
        refs = line_refs(text)
        if refs:
            return refs[0][2], refs[0][3]
    return None


def first_cwe(*texts: str) -> tuple[int, str] | None:
    """The first CWE id in the texts, with the name written right after it in parentheses, if any."""
    for text in texts:
        match = CWE.search(text)
        if match:
            named = _NAME_IN_PARENS.match(text, match.end())
            name = squash(named.group(1)) if named and not line_refs(named.group(1)) else ""
            return int(match.group(1)), name
    return None


def catalog_name(cwe_id: int) -> str:
    try:
        return cwe_catalog.short_name(cwe_id)
    except Exception:  # the catalog is an optimisation for titles here, never a reason to fail
        return f"CWE-{cwe_id}"


def severity_of(text: str) -> Severity:
    for pattern in _SEVERITY:
        match = pattern.search(text)
        if match:
            word = match.group(1).lower()
            return Severity.medium if word == "moderate" else Severity(word)
    return Severity.medium


def first_sentence(text: str) -> str:
    sentence = SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    return clip(sentence.rstrip("."))


def clip(text: str, limit: int = _MAX_TITLE) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]) + "..."


def _without_line_refs(text: str) -> str:
    """The text with its line references (and "at"/"on" before them, and emptied brackets) taken out."""
    refs = line_refs(text)
    if not refs:
        return text
    pieces: list[str] = []
    position = 0
    for start, end, _, _ in refs:
        if start < position:
            continue
        more = _MORE_RANGES.match(text, end)
        pieces.append(text[position:start])
        position = more.end() if more else end
    pieces.append(text[position:])
    return _EMPTY_BRACKETS.sub("", _DANGLING_PREPOSITION.sub("", "".join(pieces)))


def _looks_like_name(text: str) -> bool:
    """A weakness name is short and is not a sentence."""
    return len(text.split()) <= 14 and not text.rstrip("*_ ").endswith(".")


def clean_title(heading: str) -> tuple[str, int | None, str]:
    """(title, cwe id, the CWE name written in the heading) from an item's heading."""
    text = squash(heading.replace("`", ""))
    prefix = _NUMBER_PREFIX.match(text)
    if prefix and prefix.end() < len(text):
        text = text[prefix.end() :]
    text = _without_line_refs(text)
    cwe_id: int | None = None
    name = ""
    match = CWE.search(text)
    if match:
        cwe_id = int(match.group(1))
        before, after = text[: match.start()], text[match.end() :]
        in_parens = _NAME_IN_PARENS.match(after)
        separated = _NAME_AFTER_SEPARATOR.match(after)
        if in_parens:
            name = squash(in_parens.group(1))
            after = after[in_parens.end() :]
        elif separated and not before.strip(" ([-:") and _looks_like_name(separated.group(1)):
            name = _FILLER_TITLE.sub("", separated.group(1))
            after = ""
        # "SQL Injection (CWE-89)", "[CWE-89] SQL Injection", "SQL Injection - CWE-89"
        before = re.sub(r"[(\[]\s{0,3}$", "", before)
        after = re.sub(r"^\s{0,3}[)\]]", "", after)
        text = f"{before} {after}"
    title = _FILLER_TITLE.sub("", " ".join(text.split()))
    return title, cwe_id, name


def is_generic(heading: str) -> bool:
    words = re.findall(r"[a-z]+", heading.lower())
    return all(word in _GENERIC_HEADING_WORDS for word in words)


def says_something(description: str) -> bool:
    """False for an empty description or one that only points somewhere ("at line 14:")."""
    words = re.findall(r"[A-Za-z]{2,}", _without_line_refs(description))
    return any(word.lower() not in {"at", "on", "in", "near", "see", "line", "lines"} for word in words)


def has_refs(text: str) -> bool:
    return bool(CWE.search(text)) or bool(line_refs(text))
