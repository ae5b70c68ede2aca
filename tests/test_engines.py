import ast
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
from secreview.engines import semgrep
from secreview.engines.bandit import BanditEngine
from secreview.engines.interface import CANDIDATE_CONFIDENCE
from secreview.engines.semgrep import SemgrepEngine
from secreview.engines.workspace import ToolProcesses, readable_python, tool_path
from secreview.models import CodeUnit, Finding

PYTHON2 = 'import os\nuser = {"name": "x"}\nprint "hello", user\nos.system("ls " + input())\n'


def test_bandit_reports_cwe_severity_and_a_fix(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text("import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False, timeout=5)\n")
    unit = CodeUnit(id="m.py", path="m.py", language="python", text=path.read_text(), disk_path=path)

    result = BanditEngine().review([unit])

    (finding,) = result.findings
    assert (finding.cwe, finding.start_line, finding.severity.value) == (295, 5, "high")  # no certificate check
    assert finding.evidence[0].rule_id == "B501:request_with_no_cert_validation"
    assert "Bandit B501" in finding.solution
    assert not result.skipped


# Bandit tests off by default, each with code it reports: `except: pass` (B110) is a security defect only
# where the try guards a security check, as security rule sets have it; python-weak-hash reads hashlib's MD5/SHA-1 and
# leaves out ETags, which Bandit's B324 would report too.
_OFF_BY_DEFAULT = [
    ("import os\n\n\ndef clean():\n    try:\n        os.remove('x')\n    except:\n        pass\n", 390, "B110"),
    ("import hashlib\n\n\ndef etag(data):\n    return hashlib.sha1(data).hexdigest()\n", 328, "B324"),
]


@pytest.mark.parametrize(("text", "cwe_id", "test_id"), _OFF_BY_DEFAULT)
def test_bandit_tests_off_by_default_report_again_when_enabled(tmp_path: Path, text: str, cwe_id: int, test_id: str):
    path = tmp_path / "m.py"
    path.write_text(text)
    unit = CodeUnit(id="m.py", path="m.py", language="python", text=text, disk_path=path)

    assert BanditEngine().review([unit]).findings == []
    (finding,) = BanditEngine(skipped_tests=[]).review([unit]).findings
    assert finding.cwe == cwe_id and finding.evidence[0].rule_id.startswith(f"{test_id}:")


def test_bandit_names_the_real_weakness_and_leaves_out_review_prompts(tmp_path: Path):
    """A list-argument subprocess call is no defect (B603 only says "check the input"), nor by default a program
    started by a partial path (B607); enabled, the latter is an untrusted search path (CWE-426), not the command
    injection Bandit calls it."""
    text = "import subprocess\n\n\ndef run(arg):\n    subprocess.call(['/bin/ls', '--', arg])\n"
    text += "    subprocess.call(['ls'])\n"
    path = tmp_path / "run.py"
    path.write_text(text)
    unit = CodeUnit(id="run.py", path="run.py", language="python", text=text, disk_path=path)

    assert BanditEngine().review([unit]).findings == []
    (finding,) = BanditEngine(skipped_tests=["B404", "B603"]).review([unit]).findings

    assert (finding.cwe, finding.start_line, finding.evidence[0].rule_id) == (
        426,
        6,
        "B607:start_process_with_partial_path",
    )


def test_fragments_cut_out_of_a_file_are_read_at_their_own_line_numbers(tmp_path: Path):
    """Fragments that start indented do not parse; the tools get the leading lines dedented, numbers unchanged."""
    (tmp_path / "method.py").write_text(
        "    def find(self, name):\n"
        "        cursor = self.db.cursor()\n"
        "        cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
        "        return cursor.fetchall()\n"
    )
    (tmp_path / "window.py").write_text(  # cut from the middle of a function, then a top-level function
        "        digest = hashlib.md5(data).hexdigest()\n"
        "    return digest\n"
        "\n"
        "\n"
        "def run(arg):\n"
        "    os.system('ls ' + arg)\n"
    )
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    assert review.complete, review.coverage
    found = [(f.path, f.cwe, f.start_line) for f in review.findings]
    assert found == [("method.py", 89, 3), ("window.py", 328, 1), ("window.py", 78, 6)]
    assert "SELECT * FROM users" in review.findings[0].code  # quoted from the file as it is


def test_lines_python_cannot_parse_are_left_out_and_the_rest_is_read(tmp_path: Path):
    """Python 2 syntax (or a snippet cut mid-statement): Bandit and the flow engine read the file without the
    lines that do not parse, at their own line numbers, and the coverage says which lines they left out."""
    (tmp_path / "old_syntax.py").write_text(PYTHON2)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    (unit,) = review.coverage.units
    assert {"bandit", "semgrep"} <= set(unit.reviewed_by)
    assert review.complete
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    notes = " ".join(unit.notes)
    assert f"Bandit read it without line 3, which does not parse under Python {version}" in notes
    assert "the flow engine read it without line 3" in notes
    assert any(f.cwe == 78 and f.start_line == 4 and "bandit" in f.engines for f in review.findings)


def test_code_nothing_of_which_parses_is_skipped_by_bandit_and_said(tmp_path: Path):
    """When no line of a file parses, Bandit skips it and says why; Semgrep still reviews it, and the review
    is incomplete."""
    (tmp_path / "old_syntax.py").write_text('print "hello"\nexec "import os"\n')
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    (unit,) = review.coverage.units
    assert "semgrep" in unit.reviewed_by and "bandit" not in unit.reviewed_by
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"Bandit cannot parse it under Python {version}" in unit.skipped_by["bandit"]
    assert "(line 1)" in unit.skipped_by["bandit"]
    assert not review.complete


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        # a snippet that starts inside a docstring: its closing quotes are not an opening
        ('    the end of a docstring\n    """\n    os.system("ls " + name)\n', (1, 2)),
        # a snippet cut inside a string: the string to the end
        ('os.system("ls " + name)\nhelp = """usage:\n  run it\n', (2, 3)),
        # a try whose handlers were cut off: its body is still read
        ("try:\n    os.system(cmd)\n", ()),
        # a block header whose body was cut off
        ("os.system(cmd)\nif ready:\n", (2,)),
        # a snippet that ends with a decorator and its function's header
        ("os.system(cmd)\n\nclass Test:\n  @patch\n  def test(self):\n", (3, 4, 5)),
        # Python 2: a print statement and an old except clause
        ('print "x"\ntry:\n    os.system(cmd)\nexcept OSError, e:\n    pass\n', (1, 4)),
        # indentation mixing tabs and spaces, read as Python 2 read it
        ("def f(cmd):\n    if cmd:\n\tos.system(cmd)\n", ()),
        # a window cut from a function, with a comment at column 0 before its own top level
        ("        os.system(cmd)\n#\n        return 1\n", ()),
    ],
)
def test_readable_python_leaves_out_only_what_does_not_parse(text: str, left_out: tuple[int, ...]) -> None:
    readable = readable_python(CodeUnit(id="s.py", path="s.py", language="python", text=text))
    assert readable is not None
    assert readable.left_out == left_out
    tree = ast.parse(readable.text)
    assert any(isinstance(node, ast.Call) and ast.unparse(node.func) == "os.system" for node in ast.walk(tree))
    assert len(readable.text.splitlines()) == len(text.splitlines())  # line numbers kept


def test_units_without_a_file_on_disk_are_given_to_the_tools_under_their_own_name():
    unit = CodeUnit(id="pkg/m.py", path="pkg/m.py", language="python", text="import os\nos.system(input())\n")
    findings = BanditEngine().review([unit]).findings
    assert findings and all(f.path == "pkg/m.py" for f in findings)


# Bandit reports that secreview drops, beside the ones it keeps: annotated like the rule samples
_SQL_QUERIES = (  # B608 fires on every string with SQL words built by formatting
    'FTS_TABLE = "snapshot_fts"\n'
    'SHARD_RANGE_KEYS = ("name", "lower", "upper")\n'
    "if SEPARATE_DATABASE:\n"
    '    BIND = "?"\n'
    "else:\n"
    '    BIND = "%s"\n'
    "try:\n"
    '    ORDER = "ASC"\n'
    "except ImportError:\n"
    "    ORDER = load_order()\n\n\n"
    "def search(self, cur, term, table):\n"
    "    # ok: B608\n"
    '    cur.execute(f"SELECT * FROM film WHERE title = %s", (term,))\n'
    "    # ruleid: B608\n"
    "    cur.execute(f\"SELECT * FROM film WHERE title = '{term}'\")\n"
    "    # ruleid: B608\n"
    "    cur.execute(\"SELECT * FROM film WHERE title = '%s'\" % term)\n"
    "    # ruleid: B608\n"
    '    query = "SELECT * FROM film WHERE title = \'{title}\' " + "ORDER BY year"\n'
    "    cur.execute(query.format(title=term))\n"
    "    # only the table's name formatted in, from a setting, the value bound: how a configured table is named\n"
    "    # ok: B608\n"
    '    cur.execute(f"SELECT * FROM {self.table} WHERE title = %s" + "", (term,))\n'
    "    # ok: B608\n"
    '    cur.execute("DELETE FROM %s WHERE identifier = $1;" % TABLE_NAME, (term,))\n'
    "    # ok: B608\n"
    '    cur.execute("INSERT INTO {} (title) VALUES (?)".format(CFG("film_table")), (term,))\n'
    "    # a table named by a parameter, a column, a value: still reported\n"
    "    # ruleid: B608\n"
    '    cur.execute("INSERT INTO " + str(table) + " VALUES (?)", (term,))\n'
    "    # ruleid: B608\n"
    '    cur.execute("UPDATE %s SET %s = $1" % (self.table, self.column), (term,))\n'
    "    # ruleid: B608\n"
    '    cur.execute("SELECT * FROM " + self.table + " WHERE title = \'" + term + "\'")\n'
    "    # only what the database layer quoted, and constant text: nothing unquoted goes in\n"
    "    quote_name = self.connection.ops.quote_name\n"
    "    name = quote_name(table)\n"
    "    # ok: B608\n"
    '    cur.execute("SELECT COUNT(*) FROM %s" % name)\n'
    "    # ok: B608\n"
    '    cur.execute("SELECT %s FROM %s WHERE k IN (%s)" % (quote_name("k"), name, ",".join(["%s"] * 3)))\n'
    "    # ok: B608\n"
    '    cur.execute("UPDATE %(table)s SET %(column)s = %%s" % {"table": name, "column": quote_name(term)}, (1,))\n'
    "    # ok: B608\n"
    '    cur.execute("INSERT INTO %s (%s) VALUES (%%s)" % (name, ", ".join(map(quote_name, [term]))), (1,))\n'
    "    # ok: B608\n"
    '    cur.execute("SELECT * FROM %s LIMIT %d" % (name, int(term)))\n'
    "    # ok: B608\n"
    '    cur.execute("DELETE FROM %s_sync WHERE id = ?" % ("incoming" if term else "outgoing"), (1,))\n'
    "    # ok: B608\n"
    '    cur.execute("SELECT %s FROM shard_range" % ", ".join(SHARD_RANGE_KEYS))\n'
    "    # ruleid: B608\n"
    '    cur.execute("DELETE FROM %s_sync WHERE id = ?" % ("incoming" if term else table), (1,))\n'
    "    # a value beside the quoted ones, or a name also bound to something else: still reported\n"
    "    # ruleid: B608\n"
    "    cur.execute(\"SELECT * FROM %s WHERE doc = '%s'\" % (name, json.dumps(term)))\n"
    "    # ruleid: B608\n"
    '    cur.execute("DELETE FROM %s WHERE %s < %%s AND title = \'%s\'" % (name, quote_name("expires"), term))\n'
    "    # ruleid: B608\n"
    '    cur.execute("UPDATE %(table)s SET title = \'%(title)s\'" % {"table": name, "title": term})\n'
    "    other = quote_name(table)\n"
    "    for other in (term,):\n"
    "        # ruleid: B608\n"
    '        cur.execute("SELECT * FROM %s" % other)\n'
    "    # the module's constants and what the project escapes as an identifier: nothing a caller gives\n"
    "    fts = _escape_sqlite3_identifier(FTS_TABLE)\n"
    "    # ok: B608\n"
    '    cur.execute(f"SELECT rowid FROM {fts} WHERE snapshot_id = {BIND}", [term])\n'
    "    # ok: B608\n"
    '    cur.execute(f"SELECT count(*) FROM {escape_sqlite(table)}")\n'
    "    # a database object's own quote() of an identifier (Trac's db.quote(table)); urllib's quote() is no SQL's\n"
    "    quoted_table = self.db.quote(table)\n"
    "    # ok: B608\n"
    '    cur.execute("DELETE FROM " + quoted_table)\n'
    "    # ok: B608\n"
    '    cur.execute("SELECT MAX(%s) FROM %s" % (self.quote(term), src_db.quote(table)))\n'
    "    # ruleid: B608\n"
    "    cur.execute(\"SELECT * FROM film WHERE title = '%s'\" % urllib.parse.quote(term))\n"
    "    # the database layer's own SQL for constants (Trac's db.like(), db.cast()); a value given to it: reported\n"
    "    # ok: B608\n"
    '    cur.execute("SELECT MAX(%s) FROM film WHERE title %s" % (self.db.cast("year", "int"), self.db.like()))\n'
    "    # ruleid: B608\n"
    '    cur.execute("SELECT MAX(%s) FROM film" % self.db.cast(term, "int"))\n'
    "    # a parameter is the caller's, whatever it is bound to afterwards; a row the database answers is data\n"
    "    # ruleid: B608\n"
    '    cur.execute("SELECT * FROM film WHERE year = %i" % table)\n'
    "    table = self.db.quote(self.table)\n"
    "    # ruleid: B608\n"
    "    cur.execute(\"SELECT * FROM film WHERE title = '%s'\" % self.db.fetchone())\n"
    "    # a module name bound to something else than a constant on some way: still reported\n"
    "    # ruleid: B608\n"
    '    cur.execute(f"SELECT rowid FROM {fts} ORDER BY rowid {ORDER}")\n'
    "    # the text of an exception raised or a message logged is no query, though Bandit reads SQL words in it\n"
    "    if table is None:\n"
    "        raise ConfigurationInvalid(\n"
    "            # ok: B608\n"
    '            "Update configuration for {} of type commandline: command set to nothing".format(term)\n'
    "        )\n"
    "    # ok: B608\n"
    '    log.warning("Could not update %s, set it again from %s" % (term, table))\n'
    "    # a query made inside the call that raises or logs is one: still reported\n"
    "    # ruleid: B608\n"
    '    log.warning("%d rows", cur.execute("DELETE FROM film WHERE title = \'%s\'" % term))\n'
)
_CONSTANT_SHELLS = (  # B602/B605 on one constant command say "Seems safe" at low severity: no input reaches it
    "import os\n"
    "import subprocess\n\n\n"
    "def speak(text):\n"
    "    # ok: B605\n"
    '    os.system("espeak --stdin < /dev/null")\n'
    "    # ok: B602\n"
    '    subprocess.call("ls -l /tmp", shell=True)\n'
    "    # ruleid: B605\n"
    '    os.system("espeak " + text)\n'
    "    # ruleid: B602\n"
    '    subprocess.call(f"espeak {text}", shell=True)\n'
    "    # a list of constant words, the first the shell's command (pikepdf's bin/bump_version.py)\n"
    "    # ok: B602\n"
    '    subprocess.run(["git diff-index --quiet HEAD --"], shell=True)\n'
    "    # ruleid: B602\n"
    '    subprocess.run(["espeak " + text], shell=True)\n'
)

_SAFE_MARKS = (  # B308/B703 (mark_safe) and B704 (Markup) fire on every value marked as safe HTML
    "from django.utils.html import escape\n"
    "from django.utils.safestring import mark_safe\n"
    "from markupsafe import Markup\n\n\n"
    "def row(last, title, comment, entry):\n"
    "    # ok: B308, B703\n"
    '    end = mark_safe(\' class="end"\' if last else "")\n'
    "    # ok: B308, B703\n"
    "    shown = mark_safe(escape(title))\n"
    "    # ok: B704\n"
    "    text = Markup(comment).unescape()\n"
    "    # ok: B704\n"
    '    flash = Markup(render_page("exists.html", entry=entry))\n'
    "    # ruleid: B704\n"
    "    page = Markup(render_page(comment, entry=entry))\n"
    "    # ok: B308, B703 (a template file by its name, escaping what it is given: wagtail's blocks)\n"
    "    form = mark_safe(render_to_string(entry.form_template, {'title': title}))\n"
    "    # ruleid: B704\n"
    "    page = Markup(render_template_string(comment, entry=entry))\n"
    "    # a translation of constant text, given as it is or through a variable bound only to one\n"
    '    message = _("Please <b>validate</b> the captcha.")\n'
    "    # ok: B704\n"
    "    hint = Markup(message)\n"
    "    # ruleid: B704\n"
    '    taken = Markup(_("The name %(name)s is taken", name=title))\n'
    "    # text built of escaped values only\n"
    "    # ok: B704\n"
    "    link = Markup(f'<a href=\"{escape(title)}\">{escape(comment)}</a>')\n"
    "    # ok: B704\n"
    "    link = Markup('<b>{}</b>'.format(escape(title)) + \"<i>%s</i>\" % (escape(comment),))\n"
    "    # ruleid: B704\n"
    "    link = Markup(f'<a href=\"{escape(title)}\">{comment}</a>')\n"
    "    # ok: B704 (WTForms' html_params escapes each value)\n"
    "    field = Markup(f'<input {html_params(name=title, value=comment)}>')\n"
    "    # escaped text split and joined with constant markup (DRF 3.15.2's break_long_headers)\n"
    "    # ok: B308, B703\n"
    "    lines = mark_safe('<br> ' + ', <br>'.join(escape(title).split(',')))\n"
    "    # ok: B308, B703\n"
    "    names = mark_safe(', '.join(escape(name) for name in entry.names))\n"
    "    # ruleid: B308, B703\n"
    "    names = mark_safe(', '.join(name.strip() for name in entry.names))\n"
    "    # constant markup repeated (django-cms's page tree), then escaped text\n"
    '    indent = "&nbsp;" * (entry.depth - 1)\n'
    "    # ok: B308, B703\n"
    '    label = mark_safe(f"{indent}{escape(title)}")\n'
    "    # ruleid: B308, B703\n"
    "    label = mark_safe(comment * 2)\n"
    "    # a list that appends fill after it is made (Flask-Admin's form rows)\n"
    "    rows = [escape(title)]\n"
    "    rows.append(comment)\n"
    "    # ruleid: B704\n"
    "    hint = Markup(''.join(rows))\n"
    "    # ruleid: B308, B703\n"
    "    lines = mark_safe('<br>'.join(escape(title).replace('&lt;br&gt;', '<br>').split(',')))\n"
    "    # constant text added to constant text; Markup's format() escapes what it is given (mkdocs's script tag)\n"
    "    tag = '<script src=\"{0}\"'\n"
    "    if last:\n"
    "        tag += ' defer'\n"
    "    tag += '></script>'\n"
    "    # ok: B704\n"
    "    script = Markup(tag).format(comment)\n"
    "    tail = '<i>'\n"
    "    tail += comment\n"
    "    # ruleid: B704\n"
    "    tail = Markup(tail)\n"
    "    # ok: B308, B703 (Django's format_html() escapes what it is given)\n"
    "    bold = mark_safe(format_html('<b>{}</b>', comment))\n"
    "    # a list filled only with escaped text (Review Board's bug links), tested, then joined\n"
    "    bugs = []\n"
    "    for name in entry.names:\n"
    "        bugs.append(format_html('<a href=\"{}\">{}</a>', entry.url, name))\n"
    "    bugs.insert(0, escape(title))\n"
    "    bugs.extend([escape(comment), '<br>'])\n"
    "    if bugs and len(bugs) > 1:\n"
    "        # ok: B308, B703\n"
    "        bold = mark_safe(', '.join(bugs))\n"
    "    # ruleid: B308, B703\n"
    "    bold = mark_safe(format_html(comment))\n"
    "    # a list given to another function, which may fill it\n"
    "    filled = [escape(title)]\n"
    "    fill(filled)\n"
    "    # ruleid: B704\n"
    "    hint = Markup(''.join(filled))\n"
    "    # ruleid: B308, B703\n"
    "    return mark_safe(title), end, shown, text, flash, page, hint, taken, link, field, lines, names, bold\n"
)

_PASSWORD_NAMES = (  # B105-B107 fire where a name has a word for a secret anywhere in it
    "class Reset:\n"
    "    # ok: B105\n"
    '    password_reset_template = "auth/password_reset/form.html"\n'
    "    # ruleid: B105\n"
    '    admin_password = "adminpass"\n\n'
    "    # ok: B107\n"
    '    def check(self, token, token_type="auth"):\n'
    "        # ok: B105\n"
    '        if token_type == "reset":\n'
    "            # ok: B106\n"
    '            return verify_token(token, token_type="reset")\n'
    "        # ruleid: B105\n"
    '        if token == "letmein":\n'
    "            # ruleid: B106\n"
    '            return verify_token(token, token_type="feed", api_token="s3cr3t-t0ken")\n'
    "        # ok: B105\n"
    '        if token == "\\\\" or token in ("(", "{}"):\n'
    "            # ok: B105\n"
    '            if self.update_password == "always":\n'
    "                # ruleid: B105\n"
    '                return self.new_password == "always"\n'
    "        # ok: B105\n"
    '        self.password_field = "pw"\n'
    "        # ruleid: B105\n"
    '        self.form["auth_password"] = "bar"\n'
    "        # ok: B105\n"
    '        login = password = ""\n'
    "        # ok: B105\n"
    '        credentials = {"username": None, "password": None}\n'
    "        # ok: B105\n"
    '        credentials["password"] = "****"\n'
    "        # ok: B105\n"
    '        credentials["password"] = "**SECRET**"\n'
    "        # ok: B105\n"
    '        credentials["password"] = "fake_password"\n'
    "        # ok: B105 (a message: allauth's error texts by their codes)\n"
    '        errors = {"invalid_token": "Invalid token."}\n'
    "        # ok: B105 (the name of an environment variable)\n"
    '        legacy = {"REDIS_PASSWORD": "RQ_DASHBOARD_REDIS_PASSWORD"}\n'
    "        # ok: B105 (a number: a token's lifetime by grant type)\n"
    '        lifetimes = {"implicit": 3600, "password": 864000}\n'
    "        # ruleid: B105\n"
    '        pins = {"implicit": "3600", "password": "864000"}\n'
    "        # ok: B106 (an authorization scheme's name)\n"
    '        endpoint = Endpoint(default_token="Bearer")\n'
    "        # ok: B105 (the name of a setting)\n"
    '        encode_secret = "api_token.jwt.encode.secret"\n'
    "        # ok: B105 (a separator: GitPython's fetch output)\n"
    '        split_token = "..."\n'
    "        # ok: B105\n"
    '        config = {"agent_token": token, "agent_token_required": True}\n'
    "        # ruleid: B105\n"
    '        password = "password"\n\n\n'
    "class Field:\n"
    "    # ok: B105\n"
    '    NO_TOKEN = "NO_TOKEN"\n'
    "    # ok: B105\n"
    '    CLIENT_SECRET = "client_secret"\n'
    "    # ruleid: B105\n"
    '    DEFAULT_SECRET = "client_secret"\n\n\n'
    "class GrantType(enum.Enum):\n"
    "    # ok: B105\n"
    '    password = "password"\n\n\n'
    "def mapping(options):\n"
    "    # ruleid: B105\n"
    '    options["password"] = "password"\n'
    "    # ok: B105\n"
    '    log({"token_type": "sshkey", "serial": options["serial"]})\n'
    "    # ruleid: B105\n"
    '    return {"USER": "postgres", "PASSWORD": "password"}\n\n\n'
    "# a table of names, each naming its key (pikepdf's map of its option names to qpdf's)\n"
    "OPTIONS = {\n"
    '    "input_file": "inputFile",\n'
    "    # ok: B105\n"
    '    "password": "password",\n'
    '    "password_file": "passwordFile",\n'
    "}\n"
    "# ruleid: B105\n"
    'LOGIN = {"user": "user", "password": "password"}\n'
    "# ruleid: B105\n"
    'SETTINGS = {"name": "name", "password": "password", "host": "db.example.com"}\n'
)


_PICKLE_COPIES = (  # B301 fires on every pickle.loads
    "import pickle\n\n\n"
    "def copy(value, blob):\n"
    "    # ok: B301\n"
    "    twin = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))\n"
    "    # ruleid: B301\n"
    "    return twin, pickle.loads(blob)\n"
)


_EXTRA_CALLS = (  # B610 fires on every call named extra, Django's QuerySet.extra() or not
    "def update(opts, args, extra, users, where):\n"
    "    # ok: B610\n"
    "    opts.update(**extra(args))\n"
    "    # ruleid: B610\n"
    "    return users.objects.all().extra(where=[where])\n"
)


_ADDRESSES_COMPARED = (  # B104 fires on every "0.0.0.0" in the code, bound or compared
    "def serve(app, host):\n"
    "    # ok: B104\n"
    '    shown = host if host != "0.0.0.0" else "127.0.0.1"\n'
    "    # ok: B104\n"
    '    if host in ("0.0.0.0", "::"):\n'
    "        # ok: B104\n"
    '        remote_addr = "0.0.0.0"\n'
    "        comment = {\n"
    "            'text': '',\n"
    "            # ok: B104\n"
    "            'remote_addr': anonymize(host or '0.0.0.0'),\n"
    "        }\n"
    "        # ok: B104\n"
    '        record(client_ip="0.0.0.0")\n'
    "        # ruleid: B104\n"
    '        app.run(host="0.0.0.0")\n'
    "    return shown\n"
)

_RANDOM_PAUSES = (  # B311 fires on every draw of the random module, a secret's or a pause's
    "import time\n"
    "from random import choice, getrandbits, randint, random\n\n"
    "try:\n"
    "    from secrets import randbits\n"
    "except ImportError:  # Python 2\n"
    "    from random import getrandbits as randbits\n\n\n"
    "def nonce():\n"
    "    # ok: B311 (the secrets module's, the random module only its fallback)\n"
    "    return str(randbits(64))\n\n\n"
    "def run_forever(interval, fraction, devices):\n"
    "    # ok: B311\n"
    "    time.sleep(random() * interval)\n"
    "    # ok: B311\n"
    "    if random() < fraction:\n"
    "        # ruleid: B311\n"
    "        device = choice(devices)\n"
    "    # ruleid: B311\n"
    "    key = getrandbits(128)\n"
    "    # ruleid: B311\n"
    "    time.sleep(interval) if random() < fraction else randint(0, 9)\n"
    "    return device, key\n"
)

_JINJA_OPTIONS = (  # B701 looks for autoescape in the Environment call alone, not in the options spread into it
    "import jinja2\n\n\n"
    "def environments(loader, settings, by_extension):\n"
    "    options = dict(autoescape=True, enable_async=True)\n"
    "    options.update(settings)\n"
    "    # ok: B701\n"
    "    pages = jinja2.Environment(loader=loader, **options)\n"
    '    chosen = {"autoescape": by_extension, "trim_blocks": True}\n'
    "    # ok: B701\n"
    "    mail = jinja2.Environment(loader=loader, **chosen)\n"
    "    plain = dict(autoescape=False)\n"
    "    # ruleid: B701\n"
    "    text = jinja2.Environment(loader=loader, **plain)\n"
    "    # ruleid: B701\n"
    "    given = jinja2.Environment(loader=loader, **settings)\n"
    "    return pages, mail, text, given\n"
)


_CONSTANT_URLS = (  # B310 fires on every urlopen, urlretrieve and Request
    "import urllib.request\n"
    "from urllib.request import urlopen, urlretrieve\n\n"
    'SKELETON_URL = "https://github.com/dpgaspar/Flask-AppBuilder-Skeleton/archive/refs/heads/v5.zip"\n\n\n'
    "def fetch(url, dest):\n"
    "    # ok: B310\n"
    "    archive = urlopen(SKELETON_URL).read()\n"
    '    mirror = SKELETON_URL + "?mirror=1"\n'
    "    # ok: B310\n"
    "    copy = urllib.request.urlopen(mirror).read()\n"
    "    # ok: B310\n"
    '    urlretrieve(f"{SKELETON_URL}.sha256", dest)\n'
    "    # ruleid: B310\n"
    "    page = urlopen(url).read()\n"
    "    # ruleid: B310\n"
    '    urlretrieve(SKELETON_URL + "?" + url, dest)\n'
    '    for source in ("https://a.example/pkg.zip", "https://b.example/pkg.zip"):\n'
    "        # ok: B310\n"
    "        urlretrieve(source, dest)\n"
    '    for site in ("https://a.example/", url):\n'
    "        # ruleid: B310\n"
    "        urlopen(site)\n"
    "    return archive, copy, page\n"
)


_RESTARTS = (  # B606 fires on every process started without a shell
    "import os\n"
    "import sys\n\n\n"
    "def restart(path, argv):\n"
    "    # ok: B606\n"
    "    os.execv(sys.executable, [sys.executable] + sys.argv)\n"
    "    # ruleid: B606\n"
    "    os.execv(path, [path] + argv)\n"
    "    # ok: B604 (a mapping is built)\n"
    "    fields = dict(command=path, shell=argv[0])\n"
    "    # ruleid: B604\n"
    "    return fields, run_command(path, shell=True)\n"
)


_OWN_SAFE_LOADERS = (  # B506 knows yaml's safe loaders by name only
    "import yaml\n\n\n"
    "class CiLoader(yaml.SafeLoader):\n"
    "    pass\n\n\n"
    "class PluginLoader(yaml.Loader):\n"
    "    pass\n\n\n"
    "def read(text):\n"
    "    # ok: B506\n"
    "    steps = yaml.load(text, Loader=CiLoader)\n"
    "    # ruleid: B506\n"
    "    return steps, yaml.load(text, Loader=PluginLoader)\n"
)


@pytest.mark.parametrize(
    ("text", "cwe_id"),
    [
        (_OWN_SAFE_LOADERS, 502),
        (_RESTARTS, 78),
        (_JINJA_OPTIONS, 79),
        (_CONSTANT_URLS, 918),
        (_ADDRESSES_COMPARED, 1327),
        (_SQL_QUERIES, 89),
        (_CONSTANT_SHELLS, 78),
        (_SAFE_MARKS, 79),
        (_PASSWORD_NAMES, 259),
        (_PICKLE_COPIES, 502),
        (_EXTRA_CALLS, 89),
        (_RANDOM_PAUSES, 338),
    ],
)
def test_bandit_reports_with_nothing_to_inject_are_dropped(text: str, cwe_id: int) -> None:
    unit = CodeUnit(id="s.py", path="s.py", language="python", text=text)
    flagged = {f.start_line for f in BanditEngine().review([unit]).findings if f.cwe == cwe_id}
    lines = text.splitlines()
    assert flagged == {n + 1 for n, line in enumerate(lines, start=1) if "# ruleid:" in line}


def test_a_semgrep_report_on_numbers_from_a_route_is_dropped_for_secreviews_rules_only(tmp_path: Path):
    """`return render_page(book_id)` under `<int:book_id>`: no request text reaches python-reflected-xss's sink (a
    number injects no markup), but a user's rule that flags the call itself is told of every call."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "legacy.yaml").write_text(
        "rules:\n  - id: legacy-render\n    languages: [python]\n    severity: WARNING\n"
        "    message: render_page is deprecated\n    pattern: render_page(...)\n"
    )
    text = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/books/<int:book_id>")\n'
        "def book(book_id):\n"
        "    return render_page(book_id)\n\n\n"
        '@app.route("/books/<name>")\n'
        "def book_by_name(name):\n"
        "    return render_page(name)\n\n\n"
        "def render_page(key):\n"
        '    return "<h1>%s</h1>" % key\n'
    )
    unit = CodeUnit(id="views.py", path="views.py", language="python", text=text)
    findings = SemgrepEngine(max_target_bytes=2_000_000, extra_rules=(rules,)).review([unit]).findings
    reported = sorted((f.start_line, f.evidence[0].rule_id) for f in findings)
    assert reported == [(8, "legacy-render"), (13, "legacy-render"), (13, "python-reflected-xss")]


def _semgrep_findings_in_views(text: str) -> list[Finding]:
    """What the real Semgrep engine reports on `text` as a project's shop/views.py."""
    unit = CodeUnit(id="shop/views.py", path="shop/views.py", language="python", text=text)
    return SemgrepEngine(max_target_bytes=2_000_000).review([unit]).findings


def test_a_view_returning_its_project_helpers_answer_is_a_candidate_unless_the_helper_gives_back_its_input():
    """Semgrep takes any call given request data to return request data: a view returning what a helper of the
    project answered (a login check's redirect or None) is a candidate to check, not a defect, unless the helper is
    in the file and gives back what it is given as text (not in a list, served as JSON); a library's answer and
    text built in the view stay defects. So for exception text, for a Tornado handler's awaited helper, and for JSON
    text whose content type is set elsewhere: a handler's under the project's base class, a response the function did
    not make."""
    text = (
        "from flask import Flask, request\n"
        "from shop.auth import require_login\n"
        "from .pages import render_banner\n"
        "from . import catalog\n\n"
        "app = Flask(__name__)\n\n\n"
        '@app.route("/settings", methods=["POST"])\n'
        "def settings():\n"
        '    response = require_login(user=request.args.get("user"))\n'
        "    if response:\n"
        "        return response\n"
        "    return save_settings(request.get_json())\n\n\n"
        '@app.route("/banner")\n'
        "def banner():\n"
        '    return render_banner(request.args.get("text"))\n\n\n'
        '@app.route("/typeahead")\n'
        "def typeahead():\n"
        '    return catalog.lookup(request.args.get("q"))\n\n\n'
        '@app.route("/hello")\n'
        "def hello():\n"
        '    return greeting(request.args.get("name"))\n\n\n'
        '@app.route("/echo")\n'
        "def echo():\n"
        '    page = "<p>%s</p>" % request.args.get("q")\n'
        "    return page\n\n\n"
        "def save_settings(data):\n"
        "    store(data)\n"
        "    return None\n\n\n"
        "def greeting(name):\n"
        '    return "<h1>Hello %s</h1>" % name\n\n\n'
        '@app.route("/step")\n'
        "def step():\n"
        "    try:\n"
        "        run_step()\n"
        "    except Exception as error:\n"
        "        return catalog.plaintext_response(str(error))\n\n\n"
        '@app.route("/deleted", methods=["POST"])\n'
        "def deleted():\n"
        '    return deletion_result(request.get_json().get("ids"))\n\n\n'
        "def deletion_result(ids):\n"
        '    return [{"deleted": ids}]\n\n\n'
        '@app.route("/upload", methods=["POST"])\n'
        "def upload():\n"
        '    meta, error = catalog.handle_upload(request.files["book"])\n'
        "    if error:\n"
        "        return error\n"
        "    return meta.title\n\n\n"
        "class LoginHandler(BaseHandler):\n"
        "    async def get(self):\n"
        '        self.finish(await self._render(username=self.get_argument("username")))\n\n'
        "    async def post(self):\n"
        '        html = await self._render(error=self.get_argument("user"))\n'
        "        self.finish(html)\n\n"
        "    async def _render(self, **context):\n"
        '        return await self.render_template("login.html", **context)\n\n\n'
        "class UsersHandler(catalog.APIHandler):\n"
        "    def get(self):\n"
        '        self.write(json.dumps({"name": self.get_argument("name")}))\n\n\n'
        "class EchoHandler(web.RequestHandler):\n"
        "    def get(self):\n"
        '        self.write(json.dumps({"name": self.get_argument("name")}))\n\n\n'
        "@app.after_request\n"
        "def echo_query(response):\n"
        "    content = response.json\n"
        '    content["q"] = request.args.get("q")\n'
        "    response.set_data(json.dumps(content))\n"
        "    return response\n\n\n"
        '@app.route("/made")\n'
        "def made():\n"
        "    response = make_response()\n"
        '    response.set_data(json.dumps({"q": request.args.get("q")}))\n'
        "    return response\n\n\n"
        '@app.route("/export")\n'
        "def export():\n"
        '    exporter = catalog.find_exporter(request.args.get("name"))\n'
        '    exporter.day = request.args.get("day")\n'
        "    data = exporter.render()\n"
        "    return make_response(data, 200)\n\n\n"
        '@app.route("/banner/<text>")\n'
        "def banner_or_none(text):\n"
        "    return render_banner(text) or abort(404)\n\n\n"
        '@app.route("/files/<name>")\n'
        "def stored_file(name):\n"
        "    return as_download(name)\n\n\n"
        "def as_download(name):\n"
        "    response = catalog.storage.as_response(name)\n"
        "    return response\n"
    )
    findings = _semgrep_findings_in_views(text)
    kinds = {(f.start_line, f.evidence[0].rule_id.removeprefix("python-")): f.kind for f in findings if f.cwe == 79}
    assert kinds == {
        (13, "reflected-xss"): "candidate",
        (14, "reflected-xss"): "candidate",
        (19, "reflected-xss"): "candidate",
        (24, "reflected-xss"): "candidate",
        (29, "reflected-xss"): "defect",
        (34, "html-built-from-request-data"): "defect",
        (35, "reflected-xss"): "defect",
        (52, "exception-text-in-html-response"): "candidate",
        (57, "reflected-xss"): "candidate",
        (68, "reflected-xss"): "candidate",
        (69, "reflected-xss"): "candidate",
        (74, "reflected-xss"): "candidate",  # an async helper's answer, awaited
        (78, "reflected-xss"): "candidate",
        (86, "reflected-xss"): "candidate",  # JSON text under the project's handler class, which may say so
        (91, "reflected-xss"): "defect",  # Tornado's own: sent as text/html
        (98, "reflected-xss"): "candidate",  # into a response made elsewhere, its content type set there
        (105, "reflected-xss"): "defect",  # into one made here as text/html
        (114, "reflected-xss"): "candidate",  # a response's body: a method's answer of what a helper found
        (119, "reflected-xss"): "candidate",  # abort() answers nothing
        (124, "reflected-xss"): "candidate",  # the helper answers a response, whose body is judged where it is made
    }
    said = next(f for f in findings if f.start_line == 13)
    assert said.confidence <= CANDIDATE_CONFIDENCE and "`require_login()`" in said.description


def test_a_redirect_to_a_project_helpers_answer_is_a_candidate_unless_the_helper_gives_back_its_input():
    """Weblate's views redirect to `parse_path(request, path, types)`, a record looked up from the URL's path, which
    Semgrep takes for the path itself: a redirect to a project function's answer is a candidate to check, unless the
    function is in the file and returns what it is given (a part of its answer, as text too: `str(state["next"])`, a
    method's answer of it, the application's own URL beside it); request data redirected to stays a defect. So for a
    URL put in a template's link (CKAN's `_get_newer_activities_url(...)`)."""
    text = (
        "from django.shortcuts import get_object_or_404, redirect\n"
        "from shop.utils.views import parse_path\n"
        "from .helpers import next_target\n\n\n"
        "def auto_translation(request, path):\n"
        "    obj = parse_path(request, path, (Project,))\n"
        "    return redirect(obj)\n\n\n"
        "def go(request):\n"
        '    target = next_target(request.GET["next"])\n'
        "    return redirect(target)\n\n\n"
        "def back(request):\n"
        '    return redirect(stripped(request.GET["next"]))\n\n\n'
        "def plain(request):\n"
        '    return redirect(request.GET["next"])\n\n\n'
        "def stripped(url):\n"
        "    return url.strip()\n\n\n"
        "def setup(request):\n"
        '    state = next_target(request.GET["state"])\n'
        '    next_url = str(state["next"])\n'
        "    return redirect(next_url)\n\n\n"
        "def new_unit(request, path):\n"
        "    translation = parse_path(request, path, (Project,))\n"
        "    created = translation.add_unit(request)\n"
        "    return redirect(created)\n\n\n"
        "def remove(request, path):\n"
        "    obj = parse_path(request, path, (Project,))\n"
        "    parent = obj.project if obj.kind else reverse('home')\n"
        "    if obj.kind:\n"
        "        parent = reverse('home')\n"
        "    return redirect(parent)\n\n\n"
        "def forward(request, path):\n"
        '    return redirect(request.GET["next"].strip())\n\n\n'
        "def activity(request, path):\n"
        '    newer = next_target(request.GET["after"])\n'
        '    return render(request, "activity.html", {"newer_url": newer})\n'
    )
    findings = _semgrep_findings_in_views(text)
    kinds = {f.start_line: f.kind for f in findings if f.cwe == 601}
    assert kinds == {
        8: "candidate",
        13: "candidate",
        17: "defect",
        21: "defect",
        31: "candidate",
        37: "candidate",  # a method of what a project function answered is the project's too
        45: "candidate",  # the application's own URL beside it is no other source
        49: "defect",  # a method of request data is no project function
    }
    links = {f.start_line: f.kind for f in findings if f.evidence[0].rule_id == "python-request-url-in-template-link"}
    assert links == {54: "candidate"}  # a URL in a template's link, as a redirect's target
    said = next(f for f in findings if f.start_line == 8)
    assert said.confidence <= CANDIDATE_CONFIDENCE and "`parse_path()`" in said.description


def test_a_file_on_which_a_semgrep_rule_ran_out_of_time_is_read_again_with_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Beside the C analyzers a busy machine can slow Semgrep's rules on a large file past `semgrep-timeout`: the
    file is read once more with more time, its findings counted once, and the coverage says so."""
    body = "".join(
        f"    if (n > {i}) {{ local[{i % 64}] = buf[n - {i}]; memcpy(local, buf + {i}, {i % 60}); }}\n"
        for i in range(3000)
    )
    path = tmp_path / "large.c"
    path.write_text(
        f"#include <string.h>\nvoid f(char *buf, int n, size_t size)\n{{\n    char local[64];\n{body}"
        "    memcpy(local, buf, size);\n}\n"
    )
    unit = CodeUnit(id="large.c", path="large.c", language="c", text=path.read_text(), disk_path=path)
    monkeypatch.setattr(semgrep, "RETRY_TIME_FACTOR", 600)  # 1 s, then 10 minutes: a timeout only the first time
    result = SemgrepEngine(max_target_bytes=10_000_000, timeout_s=1).review([unit])
    assert not result.skipped
    assert "read again" in result.notes["large.c"][0]
    copies = [f for f in result.findings if f.evidence[0].rule_id == "c-memcpy-size-not-destination"]
    assert [f.start_line for f in copies] == [3005]  # its rule is one of those that ran out of time


def test_a_file_semgreps_parser_fails_on_whole_is_said_unread_by_it(tmp_path: Path):
    """Semgrep lists such a file as scanned, with a warning, and reads nothing of it (the copy below is missed):
    a gap, not a clean file."""
    path = tmp_path / "api.h"
    path.write_text(
        " * has to return without doing anything when asked to free a NULL pointer.\n"
        " * @returns @c 0 if the parser can not be allocated\n"
        " * @returns pointer to initialized ::ParserState otherwise\n"
        "export_api ParserState* CreateParser(\n"
        "static void copy_it(char *d, const char *s) { strcpy(d, s); }\n"
    )
    unit = CodeUnit(id="api.h", path="api.h", language="c", text=path.read_text(), disk_path=path)
    result = SemgrepEngine(max_target_bytes=1_000_000).review([unit])
    assert result.skipped["api.h"].startswith("Semgrep: Other syntax error")


def test_a_tool_killed_at_its_time_limit_leaves_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A killed tool cannot remove its own scratch files (gcc left an empty /tmp/cc*.s per compile stopped at its
    time limit): each tool run has a TMPDIR of its own, removed when the run ends, however it ends."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(subprocess.TimeoutExpired):
        ToolProcesses().run(["/bin/sh", "-c", 'touch "$TMPDIR/scratch.s"; sleep 30'], timeout_s=1)
    done = ToolProcesses().run(["/bin/sh", "-c", 'touch "$TMPDIR/scratch.s"; echo "$TMPDIR"'])
    assert done.stdout.startswith(str(tmp_path))
    gcc = tool_path("gcc")
    if gcc:  # a compile that finishes still finds a TMPDIR to write its assembly to
        source = tmp_path.parent / f"{tmp_path.name}-unit.c"
        source.write_text("int twice(int x) { return 2 * x; }\n")
        assert ToolProcesses().run([gcc, "-c", "-o", "/dev/null", str(source)]).returncode == 0
    assert list(tmp_path.iterdir()) == []
