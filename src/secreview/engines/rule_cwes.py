"""The reviewed CWE of every static rule: each Bandit test and each of the project's own Semgrep rules, in one table.

Bandit's own ids are not always right (it calls eval "OS Command Injection", CWE-78, and urlopen "Path
Traversal", CWE-22), and a wrong id both misleads the reader and keeps two engines' reports of one defect from
merging. So no tool's id is passed through: each rule's weakness was looked up in the MITRE catalog and is
recorded here with the words of the catalog's name that say what the rule finds; tests/test_rule_cwes.py checks
every row against `secreview.cwe`, that every Bandit test installed and every own Semgrep rule has one, and that
the Semgrep rules' own `cwe` metadata agrees with it.
"""

from __future__ import annotations

from typing import NamedTuple


class RuleCwe(NamedTuple):
    cwe: int
    weakness: str  # words of the catalog name of `cwe` (case-insensitive) that say what the rule finds


_CLEARTEXT = RuleCwe(319, "cleartext transmission")
_DESERIALIZATION = RuleCwe(502, "deserialization of untrusted data")
_ENTITY_EXPANSION = RuleCwe(776, "xml entity expansion")  # the stdlib parsers resolve no external entities (3.7.1+)
_RISKY_CRYPTO = RuleCwe(327, "broken or risky cryptographic algorithm")
_COMMAND = RuleCwe(78, "os command injection")
_SQL = RuleCwe(89, "sql injection")
_XSS = RuleCwe(79, "cross-site scripting")
_EVAL = RuleCwe(95, "eval injection")
_PASSWORD = RuleCwe(259, "hard-coded password")
_NO_ACTION = RuleCwe(390, "error condition without action")

RULE_CWES: dict[str, RuleCwe] = {
    # Bandit tests (bandit 1.9), by test id
    "B101": RuleCwe(703, "exceptional conditions"),  # assert: removed under -O, so checks made with it vanish
    "B102": _EVAL,  # exec: Bandit says CWE-78
    "B103": RuleCwe(732, "incorrect permission assignment"),
    "B104": RuleCwe(1327, "unrestricted ip address"),  # Bandit says CWE-605 (multiple binds to one port)
    "B105": _PASSWORD,
    "B106": _PASSWORD,
    "B107": _PASSWORD,
    "B108": RuleCwe(377, "insecure temporary file"),
    "B110": _NO_ACTION,  # except: pass
    "B112": _NO_ACTION,  # except: continue
    "B113": RuleCwe(1088, "without timeout"),  # requests without a timeout
    "B201": RuleCwe(489, "active debug code"),  # Flask debug=True: Bandit says code injection, its consequence
    "B202": RuleCwe(22, "path traversal"),  # tarfile.extractall without a member filter
    "B301": _DESERIALIZATION,
    "B302": _DESERIALIZATION,
    "B303": RuleCwe(328, "weak hash"),  # MD2/MD4/MD5/SHA-1
    "B304": _RISKY_CRYPTO,
    "B305": _RISKY_CRYPTO,  # ECB mode
    "B306": RuleCwe(377, "insecure temporary file"),  # tempfile.mktemp
    "B307": _EVAL,  # eval: Bandit says CWE-78
    "B308": _XSS,  # django mark_safe
    # urlopen/urlretrieve open any scheme, file:// too: a request the server is made to send where it should not.
    # Bandit says CWE-22 (path traversal); CWE-939 is a handler *for* a custom scheme, not this.
    "B310": RuleCwe(918, "server-side request forgery"),
    "B311": RuleCwe(338, "weak pseudo-random number generator"),
    "B312": _CLEARTEXT,  # telnetlib
    "B313": _ENTITY_EXPANSION,
    "B314": _ENTITY_EXPANSION,
    "B315": _ENTITY_EXPANSION,
    "B316": _ENTITY_EXPANSION,
    "B317": _ENTITY_EXPANSION,
    "B318": _ENTITY_EXPANSION,
    "B319": _ENTITY_EXPANSION,
    "B321": _CLEARTEXT,  # ftplib
    "B323": RuleCwe(295, "improper certificate validation"),
    "B324": RuleCwe(328, "weak hash"),  # hashlib md5/sha1 without usedforsecurity=False
    "B401": _CLEARTEXT,
    "B402": _CLEARTEXT,
    "B403": _DESERIALIZATION,
    "B404": _COMMAND,
    "B405": _ENTITY_EXPANSION,
    "B406": _ENTITY_EXPANSION,
    "B407": _ENTITY_EXPANSION,
    "B408": _ENTITY_EXPANSION,
    "B409": _ENTITY_EXPANSION,
    "B411": _ENTITY_EXPANSION,  # xmlrpc
    "B412": RuleCwe(454, "external initialization of trusted variables"),  # httpoxy: a header becomes HTTP_PROXY
    "B413": RuleCwe(1104, "unmaintained third party components"),  # pycrypto
    "B415": _CLEARTEXT,  # pyghmi (IPMI)
    "B501": RuleCwe(295, "improper certificate validation"),
    "B502": _RISKY_CRYPTO,  # SSLv2/v3, TLS 1.0
    "B503": _RISKY_CRYPTO,
    "B504": _RISKY_CRYPTO,
    "B505": RuleCwe(326, "inadequate encryption strength"),
    "B506": _DESERIALIZATION,  # yaml.load: Bandit says CWE-20
    "B507": RuleCwe(322, "key exchange without entity authentication"),  # paramiko AutoAddPolicy
    "B508": _CLEARTEXT,
    "B509": _CLEARTEXT,
    "B601": _COMMAND,
    "B602": _COMMAND,
    "B603": _COMMAND,
    "B604": _COMMAND,
    "B605": _COMMAND,
    "B606": _COMMAND,
    # A program found through PATH: a defect where PATH is not the program's own (setuid, privileged services);
    # skipped by default (see DEFAULT_SKIPPED_TESTS). Bandit says CWE-78.
    "B607": RuleCwe(426, "untrusted search path"),
    "B608": _SQL,
    "B609": RuleCwe(155, "wildcards"),
    "B610": _SQL,
    "B611": _SQL,
    "B612": RuleCwe(94, "code injection"),  # logging.config.listen runs configuration sent over a socket
    "B613": RuleCwe(451, "misrepresentation of critical information"),  # Trojan Source bidirectional controls
    "B614": _DESERIALIZATION,  # torch.load
    "B615": RuleCwe(494, "download of code without integrity check"),
    "B701": _XSS,  # jinja2 autoescape=False: Bandit says code injection
    "B702": _XSS,
    "B703": _XSS,
    "B704": _XSS,
    # The project's own Semgrep rules (engines/rules/<language>/*.yaml), by rule id
    "c-gets": RuleCwe(242, "inherently dangerous function"),
    "c-strcpy-unbounded": RuleCwe(120, "classic buffer overflow"),
    "c-sprintf-unbounded": RuleCwe(120, "classic buffer overflow"),
    "c-scanf-unbounded-string": RuleCwe(120, "classic buffer overflow"),
    "c-memcpy-size-not-destination": RuleCwe(121, "stack-based buffer overflow"),
    # MITRE discourages 786 (access before the start) where the access is known to be a write or a read
    "c-write-before-buffer": RuleCwe(124, "buffer underwrite"),
    "c-read-before-buffer": RuleCwe(127, "buffer under-read"),
    "c-command-injection": _COMMAND,
    "c-path-traversal": RuleCwe(22, "path traversal"),
    "c-hardcoded-credential": RuleCwe(798, "hard-coded credentials"),
    "c-reachable-assertion": RuleCwe(617, "reachable assertion"),
    "c-format-string": RuleCwe(134, "externally-controlled format string"),
    "c-alloc-size-overflow": RuleCwe(680, "integer overflow to buffer overflow"),
    "c-alloc-size-from-input": RuleCwe(789, "memory allocation with excessive size value"),
    "c-loop-count-from-input": RuleCwe(606, "unchecked input for loop condition"),
    "c-negative-size-from-input": RuleCwe(195, "signed to unsigned conversion error"),
    "c-arithmetic-overflow-from-input": RuleCwe(190, "integer overflow"),
    "c-arithmetic-underflow-from-input": RuleCwe(191, "integer underflow"),
    "c-divisor-from-input": RuleCwe(369, "divide by zero"),
    "c-write-what-where": RuleCwe(123, "write-what-where"),
    "c-prompt-injection": RuleCwe(506, "embedded malicious code"),
    "c-use-after-free": RuleCwe(416, "use after free"),
    "cpp-shell-command": _COMMAND,
    "cpp-qprocess-shell": _COMMAND,
    "cpp-mismatched-delete": RuleCwe(762, "mismatched memory management routines"),
    "cpp-dangling-c-str": RuleCwe(416, "use after free"),
    "cpp-stream-into-char-array": RuleCwe(676, "potentially dangerous function"),
    "cpp-dynamic-cast-unchecked": RuleCwe(690, "unchecked return value to null pointer dereference"),
    "c-double-free": RuleCwe(415, "double free"),
    "c-weak-hash": RuleCwe(328, "weak hash"),
    "c-unchecked-input": RuleCwe(252, "unchecked return value"),
    "c-incorrect-check": RuleCwe(253, "incorrect check of function return value"),
    "c-error-ignored": _NO_ACTION,
    "c-broken-cipher": _RISKY_CRYPTO,
    "c-weak-prng": RuleCwe(338, "cryptographically weak pseudo-random number generator"),
    "c-toctou-path": RuleCwe(367, "time-of-check time-of-use"),  # a path checked, then opened by name
    "c-signal-handler-race": RuleCwe(364, "signal handler race condition"),
    "c-thread-unsynchronized-update": RuleCwe(366, "race condition within a thread"),
    "c-search-path-from-input": RuleCwe(427, "uncontrolled search path element"),  # PATH, LD_* from input
    "java-cookie-missing-secure": RuleCwe(614, "without 'secure' attribute"),
    "java-cookie-missing-httponly": RuleCwe(1004, "without 'httponly' flag"),
    "java-hardcoded-db-password": _PASSWORD,
    "java-hardcoded-password-variable": _PASSWORD,
    "java-prompt-injection": RuleCwe(506, "embedded malicious code"),
    "java-code-injection": _EVAL,
    "java-command-injection": _COMMAND,
    "java-unsafe-deserialization": _DESERIALIZATION,
    "java-ldap-injection": RuleCwe(90, "ldap injection"),
    "java-open-redirect": RuleCwe(601, "open redirect"),
    "java-path-traversal": RuleCwe(22, "path traversal"),
    "java-sql-injection": _SQL,
    "java-trust-boundary-violation": RuleCwe(501, "trust boundary violation"),
    "java-xpath-injection": RuleCwe(643, "xpath injection"),
    "java-reflected-xss": _XSS,
    "java-weak-hash": RuleCwe(328, "weak hash"),
    "java-broken-cipher": _RISKY_CRYPTO,
    "java-cipher-ecb-mode": _RISKY_CRYPTO,
    "java-weak-random": RuleCwe(338, "weak pseudo-random number generator"),
    "java-xxe-documentbuilderfactory": RuleCwe(611, "xml external entity"),
    "java-xxe-saxparserfactory": RuleCwe(611, "xml external entity"),
    "java-xxe-xmlinputfactory": RuleCwe(611, "xml external entity"),
    "python-ssrf": RuleCwe(918, "server-side request forgery"),
    "python-hardcoded-password": _PASSWORD,
    "python-hardcoded-secret": RuleCwe(798, "hard-coded credentials"),
    "python-hardcoded-credentials-in-url": RuleCwe(798, "hard-coded credentials"),
    "python-cookie-missing-secure": RuleCwe(614, "without 'secure' attribute"),
    "python-cookie-missing-httponly": RuleCwe(1004, "without 'httponly' flag"),
    "python-prompt-injection": RuleCwe(506, "embedded malicious code"),
    "python-code-injection": _EVAL,
    "python-code-injection-function-param": _EVAL,
    "python-template-injection": RuleCwe(1336, "template engine"),
    "python-command-injection": _COMMAND,
    "python-command-injection-function-param": _COMMAND,
    "python-deserialization-untrusted-input": _DESERIALIZATION,
    "python-yaml-unsafe-load": _DESERIALIZATION,
    "python-insecure-deserialization-pickle": _DESERIALIZATION,
    "python-ldap-injection": RuleCwe(90, "ldap injection"),
    "python-ldap-injection-function-param": RuleCwe(90, "ldap injection"),
    "python-open-redirect": RuleCwe(601, "open redirect"),
    "python-redirect-to-own-path": RuleCwe(601, "open redirect"),
    "python-path-traversal": RuleCwe(22, "path traversal"),
    "python-commonprefix-containment-check": RuleCwe(22, "path traversal"),  # a prefix of characters, not folders
    "python-tarfile-extractall-traversal": RuleCwe(22, "path traversal"),
    "python-sql-injection": _SQL,
    "python-sql-injection-function-param": _SQL,
    "python-trust-boundary-session": RuleCwe(501, "trust boundary violation"),
    "python-xpath-injection": RuleCwe(643, "xpath injection"),
    "python-xpath-injection-function-param": RuleCwe(643, "xpath injection"),
    "python-reflected-xss": _XSS,
    "python-xss-template-string": _XSS,
    "python-markdown-unsanitised-html": _XSS,
    "python-exception-text-in-html-response": _XSS,
    "python-html-built-from-request-data": _XSS,
    "python-form-errors-in-html-response": _XSS,
    "python-request-url-in-template-link": _XSS,  # javascript: URLs; another host is CWE-601 as well
    "python-xxe-lxml-unsafe-parser": RuleCwe(611, "xml external entity"),
    "python-xxe-sax-external-entities": RuleCwe(611, "xml external entity"),
    "python-xxe-lxml-untrusted-input": RuleCwe(611, "xml external entity"),
    "python-broken-cipher": _RISKY_CRYPTO,
    "python-cipher-ecb-mode": _RISKY_CRYPTO,
    "python-weak-hash": RuleCwe(328, "weak hash"),
    "python-password-fast-hash": RuleCwe(916, "password hash with insufficient computational effort"),
    "python-weak-random-security": RuleCwe(338, "weak pseudo-random number generator"),
}


def rule_cwe(rule_id: str) -> int | None:
    """The reviewed CWE of a rule (a Bandit test id or an own Semgrep rule id); None for a rule not reviewed here
    (a test of a newer Bandit, a user's own Semgrep rule): its tool's own id is used then."""
    row = RULE_CWES.get(rule_id)
    return row.cwe if row else None


# The project's rules that report what a Bandit test reports, with the tests' ids and names: in the test's place where
# secreview skips it (B324, engines/bandit.py), beside it otherwise (hard-coded credentials). A user's `# nosec B324`
# or `# nosec B105`, written for Bandit, silences the project's report of the same thing too (secreview.suppression).
_CREDENTIAL_TESTS = {
    "B105": "hardcoded_password_string",
    "B106": "hardcoded_password_funcarg",
    "B107": "hardcoded_password_default",
}
RESTATES: dict[str, dict[str, str]] = {
    "python-weak-hash": {"B324": "hashlib_insecure_functions"},
    "python-hardcoded-password": _CREDENTIAL_TESTS,
    "python-hardcoded-secret": _CREDENTIAL_TESTS,
}
