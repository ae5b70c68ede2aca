"""Secrets out of prompts: keys, tokens, passwords and private keys in text bound for a remote model are
replaced by placeholders before it leaves the machine.

A placeholder takes the place of the secret only (`password = "<redacted:password-1>"`), so the model still
sees that a credential is hard-coded there, and a multi-line private key keeps its lines, so line numbers in
the prompt stay the file's. Placeholders are numbered per kind in order of first appearance over all the
texts of one request, so the same request always becomes the same prompt (the call log keys on it). Every
occurrence of a secret found anywhere in the request is replaced, also where a static-analysis hint quotes it.

The static engines still read the real files, so the hard-coded secret itself is still reported.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"<redacted:[a-z0-9-]+-\d+>")
_MIN_VALUE = 4  # shorter literals are no secret worth hiding, and would match all over the text
_GUARDED_BELOW = 12  # a value shorter than this is replaced only as a whole token (see _occurrences)
_QUOTED = r"""[bru]{0,2}(?P<q>["'`])(?P<secret>[^\r\n]*?)(?<!\\)(?P=q)"""
# A bare value ends its line (INI, YAML, .env, properties); brackets and parentheses are code, not a value.
_BARE = r"""(?P<secret>[^\s'"`#;,()\[\]{}]+)[ \t]*[;,]?[ \t]*$"""
# After the name: a closing quote or bracket (`"password": `, `cfg["password"] = `), C's `[]`, a type
# (`password: str = `, `var password string = `), then the operator, or a space before the literal (#define).
_ASSIGNED = (
    r"""["']?\]?(?:\[\d*\])?(?:(?:[ \t]*:[ \t]*|[ \t]+)[A-Za-z_][\w\[\].,| ]*?(?=[ \t]*=))?"""
    r"""(?:\s*(?::=|==|!=|=>|[:=])\s*|[ \t]+(?=["']))"""
)
_PASSWORD_NAMES = r"[\w.-]*(?:password|passwd|passphrase|pwd)|[\w.-]*(?<![a-z])pass"
_SECRET_NAMES = (
    r"[\w.-]*(?:secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|"
    r"secret[_-]?key|encryption[_-]?key|signing[_-]?key|master[_-]?key|credentials?)"
)
_WEAK_NAMES = r"[\w.-]*(?:key|auth|cred|salt|signature|cookie|session|bearer|hmac|license)"


def _placeholder_like(value: str) -> bool:
    """Templates, masks, prose and field names are not secrets: `${DB_PASSWORD}`, `{pw}`, `%s`, `<token>`,
    `****`, `user:****`, "Enter a password", `"api_key"` (as in `{"OPENAI_API_KEY": "api_key"}`)."""
    return (
        any(char.isspace() for char in value)
        or any(marker in value for marker in ("{", "}", "${", "$(", "%s", "%("))
        or (value.startswith("<") and value.endswith(">"))
        or len(set(value)) <= 2
        or re.fullmatch(r"[a-z_.-]*(?:pass|pwd|secret|token|key|auth|cred)[a-z_.-]*", value, re.IGNORECASE) is not None
    )


def _literal(value: str) -> bool:
    """A literal long enough to be a secret; digits alone would match line numbers."""
    return len(value) >= _MIN_VALUE and not value.isdigit() and not _placeholder_like(value)


def _not_a_name(value: str) -> bool:
    """A literal that is not a word or name. A bare value that reads like code (`None`, `args.password`, `str`)
    is a name, not a secret; so is a word given as a token or key (`token_type = "bearer"`), which are never
    words. One with a digit or a symbol in it (`hunter2`, `s3cr3t!`) is taken for a secret."""
    return _literal(value) and re.fullmatch(r"[A-Za-z_][A-Za-z_.]*", value) is None


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    return -sum(n / len(value) * math.log2(n / len(value)) for n in Counter(value).values())


def _random_looking(value: str) -> bool:
    """Long, from a key alphabet, mixing character classes like a generated key (not `user_profile_v2`)."""
    if len(value) < 16 or not re.fullmatch(r"[A-Za-z0-9+/=_-]+", value) or _entropy(value) < 3.0:
        return False
    classes = sum(any(test(char) for char in value) for test in (str.islower, str.isupper, str.isdigit))
    hexadecimal = re.fullmatch(r"[0-9a-fA-F]+", value) is not None
    return classes == 3 or (hexadecimal and any(c.isdigit() for c in value) and any(c.isalpha() for c in value))


def _base64_runs(block: str) -> list[str]:
    """The base64 runs of a PEM body, each replaced on its own line (an escaped `\\n` is not part of one)."""
    return [m.group("run") for m in re.finditer(r"\\[nrt]|(?P<run>[A-Za-z0-9+/=]{16,})", block) if m.group("run")]


def _always(value: str) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One kind of secret: `regex` captures it as the group `secret`; `accept` judges the capture; `pieces`
    says what of it is replaced (the whole of it, or each base64 line of a private key)."""

    name: str
    regex: re.Pattern[str]
    accept: Callable[[str], bool] = _always
    pieces: Callable[[str], list[str]] = lambda secret: [secret]


def _rule(name: str, pattern: str, accept: Callable[[str], bool] = _always, flags: int = 0) -> Rule:
    return Rule(name, re.compile(pattern, flags), accept)


_I, _IM = re.IGNORECASE, re.IGNORECASE | re.MULTILINE

# Most specific first: a value two rules match is named by the first.
RULES: tuple[Rule, ...] = (
    Rule(
        "private-key",
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----(?P<secret>.*?)"
            r"(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",  # a window may cut the block: to the end
            re.DOTALL,
        ),
        pieces=_base64_runs,
    ),
    _rule("aws-access-key", r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b"),
    _rule(
        "aws-secret-key",
        r"aws[\w.-]*?secret[\w.-]*?key\W{1,6}(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        flags=_I,
    ),
    _rule("github-token", r"\b(?P<secret>(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))"),
    _rule("gitlab-token", r"\b(?P<secret>glpat-[A-Za-z0-9_-]{20,})"),
    _rule("slack-token", r"\b(?P<secret>xox[abposr]-[A-Za-z0-9-]{10,})"),
    _rule("slack-webhook", r"hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+)"),
    _rule("stripe-key", r"\b(?P<secret>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})"),
    _rule("google-api-key", r"\b(?P<secret>AIza[A-Za-z0-9_-]{35})"),
    _rule("jwt", r"\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"),
    _rule("url-password", r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<secret>[^\s@/'\"]+)@", _literal, _I),
    _rule("url-password", r"[?&;](?:password|passwd|pwd|token|api_?key|secret)=(?P<secret>[^&;#\s'\"]+)", _literal, _I),
    _rule(
        "password-argument",  # the password of well-known login/connect calls: getConnection(url, user, "...")
        r"(?:\b(?:getConnection|login|HTTPBasicAuth|HTTPDigestAuth|PasswordAuthentication|simple_bind_s|bind_s)\("
        rf"[^()\n]*,|\bsetPassword\(|\bauth\s*=\s*\([^()\n]*,)\s*{_QUOTED}(?:\.toCharArray\(\))?\s*\)",
        _literal,
    ),
    _rule("auth-header", r"\b(?:Bearer|Basic)\s+(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)", _literal),
    _rule(
        "password",
        rf"(?<![\w.-])(?:{_PASSWORD_NAMES}){_ASSIGNED}{_QUOTED}",
        _literal,
        _I,
    ),
    _rule("password", rf"(?<![\w.-])(?:{_PASSWORD_NAMES})[ \t]*[:=][ \t]*{_BARE}", _not_a_name, _IM),
    _rule("secret", rf"(?<![\w.-])(?:{_SECRET_NAMES}){_ASSIGNED}{_QUOTED}", _not_a_name, _I),
    _rule("secret", rf"(?<![\w.-])(?:{_SECRET_NAMES})[ \t]*[:=][ \t]*{_BARE}", _not_a_name, _IM),
    _rule(
        "secret",
        rf"<(?P<tag>{_PASSWORD_NAMES}|{_SECRET_NAMES})>(?P<secret>[^<\s]+)</(?P=tag)>",  # XML: <password>..</password>
        _literal,
        _I,
    ),
    _rule(
        "secret",
        r"(?:getenv|environ\.get|get)\(\s*[\"'][\w.-]*(?:PASSWORD|SECRET|TOKEN|KEY)[\w.-]*[\"']\s*,\s*" + _QUOTED,
        _literal,
        _I,
    ),  # the fallback of an environment lookup: os.getenv("DB_PASSWORD", "...")
    _rule("high-entropy-secret", rf"(?<![\w.-])(?:{_WEAK_NAMES}){_ASSIGNED}{_QUOTED}", _random_looking, _I),
)


def find_secrets(texts: Sequence[str]) -> dict[str, str]:
    """Each secret in `texts` (for a private key: each base64 line of it) -> its placeholder, numbered per
    kind in order of first appearance."""
    found: list[tuple[int, int, Rule, str]] = []  # (text, position, rule, secret)
    for index, text in enumerate(texts):
        for rule in RULES:
            for match in rule.regex.finditer(text):
                secret = match.group("secret")
                if secret and rule.accept(secret):
                    found.append((index, match.start("secret"), rule, secret))
    placeholders: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for _, _, rule, secret in sorted(found, key=lambda item: (item[0], item[1])):
        pieces = [piece for piece in rule.pieces(secret) if piece not in placeholders]
        if pieces:
            counts[rule.name] += 1
            placeholders.update(dict.fromkeys(pieces, f"<redacted:{rule.name}-{counts[rule.name]}>"))
    return placeholders


def _occurrences(values: Sequence[str]) -> re.Pattern[str]:
    """Any of `values`, longest first; a short one only as a whole token and not as a name in code
    (`rule.regex`, `admin(`), should a password be a word the code also uses."""
    alternatives = []
    for value in sorted(values, key=len, reverse=True):
        escaped = re.escape(value)
        if len(value) < _GUARDED_BELOW:
            escaped = rf"(?<![A-Za-z0-9_.]){escaped}(?![A-Za-z0-9_(])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives))


def redact_all(texts: Sequence[str]) -> list[str]:
    """The texts with every secret any of them holds replaced by its placeholder, line structure kept."""
    placeholders = find_secrets(texts)
    if not placeholders:
        return list(texts)
    occurrences = _occurrences(list(placeholders))
    return [occurrences.sub(lambda match: placeholders[match.group(0)], text) for text in texts]


def redact(text: str) -> str:
    return redact_all([text])[0]


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A model quoting redacted code quotes placeholders: the quote as a pattern in which each placeholder
    stands for any text, to find it in the real code; None when the quote holds no placeholder."""
    parts = PLACEHOLDER.split(quote)
    if len(parts) == 1:
        return None
    return re.compile(".+?".join(re.escape(part) for part in parts))
