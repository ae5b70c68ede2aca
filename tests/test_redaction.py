"""Secrets never leave the machine: what a remote endpoint receives holds placeholders, never the secrets.

Every secret here is fake and built from parts, so this file itself trips no secret scanner."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import FaultServer, run_secreview, structured_answer
from secreview import aggregate, redaction
from secreview.api import open_backend
from secreview.backends.cached import CachedBackend
from secreview.backends.interface import ChatRequest
from secreview.backends.redacting import RedactingBackend, redacted
from secreview.config import Settings
from secreview.models import CodeUnit, Evidence, Finding, Severity


def fake(
    prefix: str, length: int, seed: str, alphabet: str = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
) -> str:
    """A deterministic random-looking secret: `prefix` and `length` characters of `alphabet`."""
    digest = hashlib.sha256(seed.encode()).digest() * 4
    return prefix + "".join(alphabet[byte % len(alphabet)] for byte in digest[:length])


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
AWS_KEY_ID = fake("AK" + "IA", 16, "aws-id", UPPER)
AWS_SECRET = fake("", 36, "aws-secret") + "/Kq+"
GITHUB = fake("gh" + "p_", 36, "github")
GITLAB = fake("gl" + "pat-", 20, "gitlab")
SLACK = "xo" + "xb-" + fake("", 12, "slack-1", "0123456789") + "-" + fake("", 24, "slack-2")
STRIPE = "sk" + "_live_" + fake("", 24, "stripe")
GOOGLE = "AI" + "za" + fake("", 35, "google")
JWT = ".".join(["ey" + "J" + fake("", 20, "jwt-1"), "ey" + "J" + fake("", 30, "jwt-2"), fake("", 43, "jwt-3")])
DB_PASSWORD = "Pg-" + fake("", 10, "db")
URL_PASSWORD = "Ur1-" + fake("", 8, "url")
KWARG_PASSWORD = "Kw-" + fake("", 9, "kwarg")
COMPARED_TOKEN = "cmp-" + fake("", 12, "compared")
YAML_PASSWORD = "yml-" + fake("", 10, "yaml")
INI_SECRET = "ini-" + fake("", 14, "ini")
ENV_TOKEN = "env-" + fake("", 14, "env")
JSON_SECRET = "js0n-" + fake("", 12, "json")
JS_API_KEY = "k3y-" + fake("", 16, "js")
BEARER = fake("", 32, "bearer")
JAVA_PASSWORD = "J4va-" + fake("", 8, "java")
JDBC_PASSWORD = "jdbc-" + fake("", 8, "jdbc")
C_PASSWORD = "c-" + fake("", 10, "c")
GO_TOKEN = "go-" + fake("", 16, "go")
HMAC_KEY = fake("", 32, "hmac")
PEM_LINES = [base64.b64encode(hashlib.sha512(f"pem-{n}".encode()).digest()[:48]).decode() for n in range(4)]
PEM = "\n".join(["-----BEGIN " + "RSA PRIVATE" + " KEY-----", *PEM_LINES, "-----END " + "RSA PRIVATE" + " KEY-----"])

CORPUS = {
    "settings.py": f'''import os

AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"
aws_secret_access_key = "{AWS_SECRET}"
DATABASE_URL = "postgres://app:{URL_PASSWORD}@db.internal:5432/app"
DB_PASSWORD = "{DB_PASSWORD}"
GITHUB_TOKEN = "{GITHUB}"
GITLAB = {{"private_token": "{GITLAB}"}}
SLACK_BOT_TOKEN = '{SLACK}'
stripe_api_key = "{STRIPE}"
GOOGLE_MAPS_KEY = "{GOOGLE}"
SESSION = "{JWT}"
hmac_key = "{HMAC_KEY}"
PRIVATE_KEY = """{PEM}
"""
YAML = """
database:
  user: app
  password: {YAML_PASSWORD}
"""
INI = """
[service]
client_secret = {INI_SECRET}
"""


def connect(host, password="{KWARG_PASSWORD}"):
    return host, password


def check(request):
    token = request.args.get("token")
    return token == "{COMPARED_TOKEN}"
''',
    "client.js": f"""const config = {{ "clientSecret": "{JSON_SECRET}", region: "eu" }};
const apiKey = '{JS_API_KEY}';

export function load(url) {{
  return fetch(url, {{ headers: {{ Authorization: "Bearer {BEARER}" }} }});
}}
""",
    "Db.java": f"""import java.sql.Connection;
import java.sql.DriverManager;

public class Db {{
    private static final String PASSWORD = "{JAVA_PASSWORD}";

    public Connection open(String url) throws Exception {{
        return DriverManager.getConnection(url, "sa", "{JDBC_PASSWORD}");
    }}
}}
""",
    "auth.c": f"""#include <string.h>

static const char *db_password = "{C_PASSWORD}";

int authenticate(const char *given) {{
    return strcmp(given, db_password) == 0;
}}
""",
    "main.go": f"""package main

import "fmt"

func main() {{
	apiToken := "{GO_TOKEN}"
	fmt.Println(len(apiToken))
}}
""",
    "deploy.sh": f"""#!/bin/sh
export API_TOKEN={ENV_TOKEN}
curl -H "Authorization: Bearer {BEARER}" https://api.internal/deploy
""",
}
SECRETS = {
    name: value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, str) and name not in ("UPPER", "PEM")
}
SECRETS.update({f"PEM_LINE_{n}": line for n, line in enumerate(PEM_LINES)})


def sent_text(body: dict[str, Any]) -> list[str]:
    """A request as it went over the wire (JSON-escaped, both ways) and every string in it (unescaped)."""

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for item in value.values() for s in strings(item)]
        if isinstance(value, list):
            return [s for item in value for s in strings(item)]
        return []

    return [json.dumps(body), json.dumps(body, ensure_ascii=False), *strings(body)]


def leaked(bodies: list[dict[str, Any]]) -> set[str]:
    return {name for name, secret in SECRETS.items() for body in bodies for text in sent_text(body) if secret in text}


def server_url(server: FaultServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/v1"


def user_prompts(server: FaultServer) -> dict[str, str]:
    """The user message of each request, by the file it shows."""
    prompts = {}
    for body in server.requests:
        content = body["messages"][-1]["content"]
        prompts[re.search(r"^File: (\S+)", content, re.MULTILINE).group(1)] = content  # type: ignore[union-attr]
    return prompts


ANSWERS = ([(200, {}, structured_answer())] * 40,)


def review_corpus(folder: Path, server: FaultServer, *extra: str) -> None:
    folder.mkdir()
    for name, text in CORPUS.items():
        (folder / name).write_text(text)
    args = ("review", ".", "--engine", "llm", "--all", "--base-url", server_url(server), "--format", "json")
    done = run_secreview(*args, *extra, cwd=folder, static=False)
    assert done.returncode == 0, done.stderr
    assert set(user_prompts(server)) == set(CORPUS)


@pytest.mark.parametrize("fault_server", [ANSWERS], indirect=True)
def test_no_secret_of_the_corpus_reaches_the_endpoint_or_the_call_log(
    fault_server: FaultServer, tmp_path: Path, isolated_call_log: Path
):
    review_corpus(tmp_path / "repo", fault_server)
    assert len(SECRETS) >= 25
    assert leaked(fault_server.requests) == set()
    assert all(PEM_LINES[0] not in prompt and "<redacted:" in prompt for prompt in user_prompts(fault_server).values())
    log = (isolated_call_log / "calls.sqlite").read_bytes()  # the call log holds what was sent
    with sqlite3.connect(isolated_call_log / "calls.sqlite") as connection:
        logged = [json.loads(row[0]) for row in connection.execute("SELECT request FROM calls")]
    assert logged and not [name for name, secret in SECRETS.items() if secret.encode() in log]
    assert leaked(logged) == set()


@pytest.mark.parametrize("fault_server", [ANSWERS], indirect=True)
def test_no_redact_sends_the_code_as_it_is_with_the_same_lines(fault_server: FaultServer, tmp_path: Path):
    review_corpus(tmp_path / "redacted", fault_server)
    redacted = user_prompts(fault_server)
    fault_server.requests.clear()
    review_corpus(tmp_path / "plain", fault_server, "--no-redact")
    assert leaked(fault_server.requests) == set(SECRETS)  # the test sees every secret when it is sent
    plain = user_prompts(fault_server)
    assert {name: text.count("\n") for name, text in redacted.items()} == {
        name: text.count("\n") for name, text in plain.items()
    }


def test_placeholders_keep_the_code_readable_and_are_deterministic():
    prompt = "\n".join(f"{n:>5} | {line}" for n, line in enumerate(CORPUS["settings.py"].splitlines(), start=1))
    once, again = redaction.redact(prompt), redaction.redact(prompt)
    assert once == again and once.count("\n") == prompt.count("\n")
    assert '    3 | AWS_ACCESS_KEY_ID = "<redacted:aws-access-key-1>"' in once
    assert '    6 | DB_PASSWORD = "<redacted:password-1>"' in once
    assert "   15 | <redacted:private-key-1>" in once and "   18 | <redacted:private-key-1>" in once
    assert "-----END " + "RSA PRIVATE" + " KEY-----" in once


def test_a_secret_a_hint_quotes_gets_the_placeholder_of_the_code():
    request = ChatRequest(
        messages=[
            {"role": "user", "content": f"- H1: line 2-2, CWE-259 Hard-coded password: Possible ('{C_PASSWORD}')"},
            {"role": "user", "content": f'    2 | char *db_password = "{C_PASSWORD}";'},
        ],
        max_tokens=8,
    )
    hint, code = (message["content"] for message in redacted(request).messages)
    assert C_PASSWORD not in hint + code
    assert "<redacted:password-1>" in hint and "<redacted:password-1>" in code


# --- the table: each rule fires on its sample, and not on look-alikes -----------------------------------------

SAMPLES = [
    ("aws-access-key", f"key_id = {AWS_KEY_ID}", AWS_KEY_ID),
    ("aws-secret-key", f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET),
    ("github-token", f"gh auth login --with-token {GITHUB}", GITHUB),
    ("gitlab-token", f"curl --header 'PRIVATE-TOKEN: {GITLAB}'", GITLAB),
    ("slack-token", f"client = WebClient({SLACK!r})", SLACK),
    ("slack-webhook", "post('https://hooks.slack.com/services/" + "T0AB12CD/B0CD34EF/" + f"{BEARER}')", None),
    ("stripe-key", f"stripe.api_key_value({STRIPE!r})", STRIPE),
    ("google-api-key", f"url = base + '?key={GOOGLE}'", GOOGLE),
    ("jwt", f"headers['Cookie'] = 'session={JWT}'", JWT),
    ("private-key", PEM, PEM_LINES[2]),
    ("url-password", f"redis://default:{URL_PASSWORD}@cache:6379/0", URL_PASSWORD),
    ("url-password", f"jdbc:mysql://db/app?user=app&password={JDBC_PASSWORD}", JDBC_PASSWORD),
    ("password-argument", f'DriverManager.getConnection(url, "sa", "{JDBC_PASSWORD}")', JDBC_PASSWORD),
    ("password-argument", f'requests.get(u, auth=("bob", "{KWARG_PASSWORD}"))', KWARG_PASSWORD),
    ("auth-header", f"Authorization: Bearer {BEARER}", BEARER),
    ("password", f'password = "{DB_PASSWORD}"', DB_PASSWORD),  # Python
    ("password", f'password: str = "{DB_PASSWORD}"', DB_PASSWORD),  # annotated
    ("password", f'String dbPassword = "{JAVA_PASSWORD}";', JAVA_PASSWORD),  # Java
    ("password", f'char db_password[] = "{C_PASSWORD}";', C_PASSWORD),  # C
    ("password", f'#define ADMIN_PASSWORD "{C_PASSWORD}"', C_PASSWORD),  # C macro
    ("password", f'cfg["password"] = "{DB_PASSWORD}"', DB_PASSWORD),
    ("password", f"connect(host, password='{KWARG_PASSWORD}')", KWARG_PASSWORD),
    ("password", f'if token_or_password == "{COMPARED_TOKEN}":', COMPARED_TOKEN),
    ("password", f"  password: {YAML_PASSWORD}", YAML_PASSWORD),  # YAML
    ("password", f"DB_PASSWORD={YAML_PASSWORD}", YAML_PASSWORD),  # .env
    ("password", f"spring.datasource.password = {YAML_PASSWORD}", YAML_PASSWORD),  # properties / INI
    ("secret", f'"client_secret": "{JSON_SECRET}",', JSON_SECRET),  # JSON
    ("secret", f"const apiKey = '{JS_API_KEY}';", JS_API_KEY),  # JavaScript
    ("secret", f'apiToken := "{GO_TOKEN}"', GO_TOKEN),  # Go
    ("secret", f"export API_TOKEN={ENV_TOKEN}", ENV_TOKEN),  # shell / .env
    ("secret", f"client_secret = {INI_SECRET}", INI_SECRET),  # INI
    ("secret", f"<accessToken>{INI_SECRET}</accessToken>", INI_SECRET),  # XML
    ("secret", f'key = os.environ.get("SIGNING_KEY", "{JS_API_KEY}")', JS_API_KEY),
    ("high-entropy-secret", f'hmac_key = "{HMAC_KEY}"', HMAC_KEY),
    ("high-entropy-secret", f"session_cookie: '{JS_API_KEY}{HMAC_KEY}'", JS_API_KEY + HMAC_KEY),
]


@pytest.mark.parametrize(("rule", "text", "secret"), SAMPLES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(SAMPLES)])
def test_each_rule_fires_on_its_sample(rule: str, text: str, secret: str | None):
    placeholders = redaction.find_secrets([text])
    assert {placeholder.split(":")[1].rsplit("-", 1)[0] for placeholder in placeholders.values()} == {rule}
    redacted = redaction.redact(text)
    assert f"<redacted:{rule}-1>" in redacted and (secret is None or secret not in redacted)


def test_every_rule_has_a_sample():
    assert {rule.name for rule in redaction.RULES} == {name for name, _, _ in SAMPLES}


LOOK_ALIKES = [
    'password = os.environ["X"]',
    "token = get_token()",
    "password = request.form['password']",
    "password: str",
    "password = None",
    "password = args.password",
    "password: string;",
    "api_key = settings.API_KEY",
    'password_label = "Enter your password"',
    'password = "${DB_PASSWORD}"',
    'password = "{password}"',
    'query = "UPDATE users SET password = %s WHERE id = %s"',
    'password = ""',
    'password = "****"',
    "password: <your-password>",
    'max_tokens = "1024"',
    'cache_key = "user_profile_settings_v2"',
    'bypass = "maintenance-mode"',
    'token_url = "https://auth.example.com/oauth/token"',
    "postgres://app:${DB_PASSWORD}@db/app",
    'signature = "sha256"',
    "import passlib",
    "    1 | password = getpass()",
    '_ENVIRONMENT = {"OPENAI_API_KEY": "api_key"}',
    'token_type = "bearer"',
    "One kind of secret: `regex` captures it",
    'url = "postgres://app:****@db/app"',
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone(text: str):
    assert redaction.redact(text) == text


def test_a_short_secret_is_replaced_as_a_whole_token_only():
    text = 'pw_hint = "admin"\npassword = "admin1"\nrole = "admin1x"; user = "admin1"; self.admin1(); admin1(x)'
    assert redaction.redact(text) == (
        'pw_hint = "admin"\npassword = "<redacted:password-1>"\n'
        'role = "admin1x"; user = "<redacted:password-1>"; self.admin1(); admin1(x)'
    )


# --- where redaction applies ------------------------------------------------------------------------------------


def test_only_a_remote_endpoint_gets_the_redacting_wrapper_outside_the_call_log():
    remote = Settings(engine="llm", base_url="http://127.0.0.1:1/v1")
    backend = open_backend(remote)
    assert isinstance(backend, RedactingBackend) and isinstance(backend.inner, CachedBackend)
    assert not isinstance(open_backend(remote.model_copy(update={"redact": False})), RedactingBackend)


# --- the secret is still reported, and a model quoting a placeholder is still grounded --------------------------

APP = f'''import sqlite3

DB_PASSWORD = "{DB_PASSWORD}"


def connect(path):
    return sqlite3.connect(path), DB_PASSWORD
'''


def test_a_quoted_placeholder_grounds_on_the_real_line():
    unit = CodeUnit(id="app.py", path="app.py", language="python", text=APP)
    quote = 'DB_PASSWORD = "<redacted:password-1>"'
    finding = Finding(
        path="app.py", start_line=4, end_line=4, cwe=798, title="Hard-coded credentials", description="d",
        solution="s", severity=Severity.high, confidence=0.5,
        evidence=[Evidence(engine="llm", rule_id="structured", message="m", severity=Severity.high, confidence=0.5,
                           cwe=798, quote=quote, sample=0)],
    )  # fmt: skip
    (grounded,) = aggregate.judge([finding], {"app.py": unit})
    assert grounded.start_line == 3  # moved from the miscounted line 4 to the quote's line
    wrong = finding.model_copy(
        update={"evidence": [finding.evidence[0].model_copy(update={"quote": 'API_KEY = "<redacted:secret-1>"'})]}
    )
    assert aggregate.judge([wrong], {"app.py": unit}) == []  # the rest of the quote must still be there


ANSWER_QUOTING_A_PLACEHOLDER = (
    [
        (
            200,
            {},
            structured_answer(
                {
                    "weakness": "Hard-coded credentials",
                    "start_line": 4,
                    "end_line": 4,
                    "quoted_code": 'DB_PASSWORD = "<redacted:password-1>"',
                    "cwe": 798,
                    "explanation": "the database password is written in the source",
                    "fix": "read it from the environment",
                    "severity": "high",
                }
            ),
        )
    ]
    * 4,
)


@pytest.mark.parametrize("fault_server", [ANSWER_QUOTING_A_PLACEHOLDER], indirect=True)
def test_a_hybrid_review_reports_the_secret_that_the_endpoint_never_saw(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "Db.java").write_text(CORPUS["Db.java"])
    args = ("review", ".", "--engine", "hybrid", "--verify", "off", "--base-url", server_url(fault_server))
    args += ("--format", "json")
    done = run_secreview(*args, cwd=tmp_path, static=False)
    assert done.returncode == 1, done.stderr
    review = json.loads(done.stdout)
    assert fault_server.requests and leaked(fault_server.requests) == set()
    hints = [body for body in fault_server.requests if "Static analysis hints" in json.dumps(body)]
    assert hints  # the static findings went to the model as hints, their quotes of the secrets redacted
    reported = {(f["path"], f["start_line"]): f for f in review["findings"] if f["cwe"] in (259, 798)}
    assert {("app.py", 3), ("Db.java", 5), ("Db.java", 8)} <= set(reported)
    # the model's quote of the placeholder was grounded on line 3, where Bandit and Semgrep found the secret
    assert {e["engine"] for e in reported["app.py", 3]["evidence"]} == {"bandit", "semgrep", "llm"}
