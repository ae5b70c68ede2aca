"""Every Semgrep rule (and every rule of the flow engine, engines/flows.py) carries its CWE and is proven by an
annotated sample (Semgrep's convention): `ruleid: ID` on the line before a line where the rule must fire,
`ok: ID` before one where it must not, in every language the rule reviews (the C rules in C and in C++)."""

import ast
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from secreview import cwe, sinks
from secreview.engines import bandit_filters, py_text
from secreview.engines.c_text import (
    ended_paths,
    endless_loops,
    expanded_macros,
    expanded_python_calls,
    first_branch_of_split_blocks,
    semgrep_text,
    without_dead_branches,
    without_declaration_macros,
    without_prototype_macros,
)
from secreview.engines.flows import RULES as FLOW_RULES
from secreview.engines.flows import FlowEngine
from secreview.engines.pyflow import rules as pyflow_rules
from secreview.engines.pyflow import syntax
from secreview.engines.pyflow.syntax import TEXT_OR_NUMBER_ATTRIBUTES
from secreview.engines.rulebook import RULES_DIR, load_rules
from secreview.engines.semgrep import SemgrepEngine
from secreview.models import CodeUnit
from secreview.sources.languages import language_of

SAMPLES = Path(__file__).parent / "rule_samples"
ANNOTATION = re.compile(r"(?:#|//)\s*(ruleid|ok):\s*([\w\-, ]+)")

Expectations = dict[tuple[str, int], set[str]]  # (sample path, line) -> rule ids
Reviewed = tuple[Expectations, dict[str, list[str]]]  # what fired, and Semgrep's notes per sample


def sample_files() -> list[Path]:
    return sorted(path for path in SAMPLES.glob("*/*") if language_of(path))


def annotations() -> tuple[Expectations, Expectations]:
    """(must fire, must not fire), each keyed by the line after the annotation."""
    fire: Expectations = defaultdict(set)
    quiet: Expectations = defaultdict(set)
    for path in sample_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = ANNOTATION.search(line)
            if match:
                ids = {rule.strip() for rule in match.group(2).split(",") if rule.strip()}
                (fire if match.group(1) == "ruleid" else quiet)[(path.as_posix(), number + 1)] |= ids
    return fire, quiet


@pytest.fixture(scope="module")
def reviewed() -> Reviewed:
    """What the real Semgrep engine and the flow engine report on the samples: (path, start line) -> rule ids,
    and Semgrep's notes (a sample it parsed only in part)."""
    units = [
        CodeUnit(id=p.as_posix(), path=p.as_posix(), language=language_of(p) or "", text=p.read_text(), disk_path=p)
        for p in sample_files()
    ]
    result = SemgrepEngine(max_target_bytes=2_000_000).review(units)
    assert not result.skipped, result.skipped
    flows = FlowEngine().review([unit for unit in units if unit.language == "python"])
    seen: Expectations = defaultdict(set)
    for finding in result.findings + flows.findings:
        for evidence in finding.evidence:
            seen[(finding.path, finding.start_line)].add(evidence.rule_id)
    return seen, result.notes


@pytest.fixture(scope="module")
def fired(reviewed: Reviewed) -> Expectations:
    return reviewed[0]


def test_every_rule_has_complete_metadata_and_a_real_cwe():
    rules = load_rules()
    assert {rule.language for rule in rules} >= {"python", "c", "java"}
    assert len({rule.id for rule in rules}) == len(rules), "rule ids must be unique"
    for rule in rules:
        assert rule.id.startswith(f"{rule.language}-") and rule.language in rule.languages, rule.id
        assert cwe.is_weakness(rule.cwe), f"{rule.id}: CWE-{rule.cwe} is not a weakness in the catalog"
        assert rule.title and rule.solution and rule.message, rule.id
        assert 0 < rule.confidence <= 1, rule.id


def test_the_semgrep_rules_read_the_request_data_the_flow_engine_and_routing_read():
    """One list of request attributes (secreview.sinks) for every part; the YAML cannot import it, so it is
    checked: a source added on one side only would make the engines disagree on the same line."""
    text = (RULES_DIR / "python" / "request_taint.yaml").read_text()
    attributes = re.search(r"pattern: request\.\$ATTR\n.*?regex: \^\(([\w|]+)\)\$", text, re.DOTALL)
    methods = re.search(r"pattern: request\.\$METHOD\(\.\.\.\)\n.*?regex: \^\(([\w|]+)\)\$", text, re.DOTALL)
    handlers = re.search(r"pattern: \$HANDLER\.\$METHOD\(\.\.\.\)\n.*?regex: \^\(([\w|]+)\)\$", text, re.DOTALL)
    assert attributes and methods and handlers
    assert attributes.group(1).split("|") == list(sinks.REQUEST_ATTRIBUTES)
    assert methods.group(1).split("|") == list(sinks.REQUEST_METHODS)
    assert handlers.group(1).split("|") == list(sinks.HANDLER_METHODS)
    not_data = re.search(r"metavariable: \$PARAM\n\s+regex: \^\(\?!\(([\w|]+)\)\$\)", text)
    assert not_data and set(not_data.group(1).split("|")) == syntax._NOT_DATA


def test_the_semgrep_rules_take_a_lookup_by_identifier_as_the_flow_engine_does():
    """The YAML's lookup sanitiser restates the flow engine's LOOKUPS and IDENTIFIERS (anchored, as Semgrep's
    metavariable-regex is); the same names must pass and fail on both sides."""
    text = (RULES_DIR / "python" / "request_taint.yaml").read_text()
    lookup = re.search(r"metavariable: \$LOOKUP\n\s+regex: (.+)\n", text)
    identifier = re.search(r"metavariable: \$ID\n\s+regex: (.+)\n", text)
    assert lookup and identifier
    lookups = (
        "db.get_book",
        "get_filtered_book",
        "Book.find",
        "store.load_record",
        "cache.fetchAll",
        "getattr",
        "aget",
    )
    for callee in (*lookups, "api.nova.server_get", "db.instance_get_by_uuid", "target_getter", "budget"):
        name = callee.rsplit(".", 1)[-1]
        assert bool(re.match(lookup.group(1), callee)) == bool(pyflow_rules.LOOKUPS.search(name)), callee
    for value in ("book_id", "bookid", "self.pk", "uuid", "userId", "ids", "name", "idea", "paths", "vals[0]"):
        assert bool(re.match(identifier.group(1), value)) == bool(pyflow_rules.IDENTIFIERS.search(value)), value


def test_the_semgrep_rules_and_the_flow_engine_read_the_same_attributes_as_a_url_keyword_arguments():
    """A Django view's parameters are request data unless the function reads one as an object: the YAML lists what
    text and numbers have as the flow engine's is_handler reads it."""
    text = (RULES_DIR / "python" / "request_taint.yaml").read_text()
    attributes = re.search(r"metavariable: \$ATTR\n\s+regex: \^\(\?!_\|\((.+)\)\$\)\n", text)
    assert attributes
    assert set(attributes.group(1).split("|")) == TEXT_OR_NUMBER_ATTRIBUTES


def test_the_semgrep_rules_and_the_filters_name_the_same_sql_words_and_password_placeholders():
    """The YAML restates the flow engine's SQL_WORDS (a formatted text with none is no statement) and Bandit's filter
    restates the placeholders of the password rules' value filter and the actions on a password their comparisons
    leave out, and B606's filter the reloader's shapes python-command-injection's sanitiser takes; a word added on
    one side only would make the engines disagree on the same line."""
    sql = re.search(
        r"metavariable: \$TEXT\n\s+regex: .*?\\b\((.+?)\)\\b\)\n",
        (RULES_DIR / "python" / "request_taint.yaml").read_text(),
    )
    flow_words = re.search(r"\\b\((.+)\)\\b", pyflow_rules.SQL_WORDS.pattern)
    assert sql and flow_words
    assert set(sql.group(1).split("|")) == set(flow_words.group(1).split("|"))
    for text in ("sysctl -w net.ipv4.conf.%s.proxy_arp=1", "DELETE FROM t WHERE k = '%s'", "x ORDER BY %s"):
        assert bool(re.search(f"(?i)\\b({sql.group(1)})\\b", text)) == bool(pyflow_rules.SQL_WORDS.search(text)), text
    credentials = (RULES_DIR / "python" / "hardcoded_credentials.yaml").read_text()
    placeholders = re.search(r"\(\?!\(\?i:\.\*\(([a-z|]+)\)\.\*\)\$\)", credentials)
    assert placeholders
    for word in placeholders.group(1).split("|"):
        assert bandit_filters._NO_PASSWORD.search(f"Possible hardcoded password: 'a_{word}_b'"), word
    schemes = re.search(r"\|object\|([a-z|]+)\)\$\)", credentials)
    assert schemes
    for scheme in schemes.group(1).split("|"):  # an authorization scheme's name, no secret on either side
        assert bandit_filters._NO_PASSWORD.search(f"Possible hardcoded password: '{scheme.title()}'"), scheme
    masks = re.search(r"\(\?!(\[[^]]+\])\+\$\)", credentials)
    assert masks and f"|{masks.group(1)}*|" in bandit_filters._NO_PASSWORD.pattern
    for mask in ("...", "xxxx", "****", "-#-", "??"):
        assert bool(re.fullmatch(f"{masks.group(1)}+", mask)), mask
        assert bandit_filters._NO_PASSWORD.search(f"Possible hardcoded password: '{mask}'"), mask
    for (
        restart
    ) in bandit_filters.RESTARTS:  # the reloader's shapes: python-command-injection's sanitiser, B606's filter
        assert f"- pattern: '{restart}'" in (RULES_DIR / "python" / "request_taint.yaml").read_text(), restart
    actions = re.search(r"\(\?!\.\*\\b\(([a-z|]+)\)_", credentials)
    assert actions
    assert actions.group(1) == re.sub(r"^\(\?i\)\^\((.+)\)\$$", r"\1", bandit_filters._ACTIONS.pattern)


def test_the_semgrep_rules_take_a_safe_redirect_helper_and_a_logged_message_as_the_flow_engine_does():
    """The YAML restates the flow engine's SAFE_REDIRECTS (python-open-redirect's sanitiser) and MESSAGES (HTML in a
    message logged or printed is no page): the same names must pass and fail on both sides."""
    text = (RULES_DIR / "python" / "request_taint.yaml").read_text()
    safe = re.search(r"metavariable: \$MAKE_SAFE\n\s+regex: (.+)\n", text)
    logger = re.search(r"metavariable: \$LOGGER\n\s+regex: (.+)\n", text)
    level = re.search(r"metavariable: \$LEVEL\n\s+regex: (.+)\n", text)
    assert safe and logger and level
    for callee in (
        "get_safe_redirect",
        "utils.safe_next_url",
        "_safe_url",
        "is_safe_url",
        "safe_referrer",
        "redirect_target",
        "safe",
        "self._validate_next_url",
        "sanitize_redirect",
        "validate_form",
        "is_valid_url",
    ):
        assert bool(re.match(safe.group(1), callee)) == bool(pyflow_rules.SAFE_REDIRECTS.search(callee)), callee
    for callee in ("logger.warning", "log.error", "self._log.info", "app.logger.debug", "catalog.warn", "dialog.info"):
        receiver, method = callee.rsplit(".", 1)
        in_yaml = bool(re.match(logger.group(1), receiver)) and bool(re.match(level.group(1), method))
        assert in_yaml == bool(pyflow_rules.MESSAGES.search(callee)), callee


def test_the_semgrep_ssrf_rule_knows_the_http_clients_the_flow_engine_knows():
    """python-ssrf's client methods restate the flow engine's HTTP_CLIENTS: the same makers on both sides."""
    clients = ("httpx.AsyncClient", "httpx.Client", "requests.Session", "requests.session", "aiohttp.ClientSession")
    others = ("Client", "docker.Client", "Session", "db.session")
    _restated_alike("MAKER", pyflow_rules.HTTP_CLIENTS, (*clients, *others))


def test_the_semgrep_sql_rules_take_the_database_layers_quoting_as_the_flow_engine_does():
    """python-sql-injection's sanitiser restates the flow engine's SQL_QUOTERS (also Bandit's B608 filter)."""
    _restated_alike(
        "QUOTER",
        pyflow_rules.SQL_QUOTERS,
        (
            "connection.ops.quote_name",
            "quote_name",
            "psycopg2.sql.Identifier",
            "_escape_sqlite3_identifier",
            "self.db.quote",
            "src_db.quote",
            "self.quote",
            "urllib.parse.quote",
            "quote",
            "html.escape",
            "conn.escape_string",
        ),
    )


def test_the_semgrep_rules_leave_where_the_flow_engine_leaves():
    """A failed check's branch leaves on the same calls in both engines (request_taint.yaml's &leaving_statement
    restates the flow engine's EXITS): abort() and exit() do, a log call does not."""
    _restated_alike(
        "EXIT",
        pyflow_rules.EXITS,
        ("abort", "flask.abort", "sys.exit", "os._exit", "exit", "app.logger.warning", "print", "exit_code"),
    )


def test_the_semgrep_open_redirect_rule_takes_a_validator_of_targets_as_the_flow_engine_does():
    """python-open-redirect's by-side-effect sanitiser restates the flow engine's URL_VALIDATORS."""
    _restated_alike(
        "VALIDATE_URL",
        pyflow_rules.URL_VALIDATORS,
        ("check_redirect_url", "self._validate_next", "utils.verify_target", "check_url_format", "validate_form"),
    )


def _restated_alike(metavariable: str, pattern: re.Pattern[str], callees: tuple[str, ...]) -> None:
    """request_taint.yaml's regex for the metavariable (anchored, as Semgrep's metavariable-regex is) takes the same
    names as the engine's pattern."""
    text = (RULES_DIR / "python" / "request_taint.yaml").read_text()
    restated = re.search(rf"metavariable: \${metavariable}\n\s+regex: (.+)\n", text)
    assert restated, metavariable
    for callee in callees:
        assert bool(re.match(restated.group(1), callee)) == bool(pattern.search(callee)), callee


def test_every_flow_rule_has_a_real_cwe():
    for cwe_id, (rule_id, title) in FLOW_RULES.items():
        assert rule_id.startswith("python-flow-") and title, rule_id
        assert cwe.is_weakness(cwe_id), f"{rule_id}: CWE-{cwe_id} is not a weakness in the catalog"


_POSITIVE = {"pattern", "pattern-inside", "pattern-either", "patterns", "pattern-regex"}


def _texts(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict | list):
        for value in node.values() if isinstance(node, dict) else node:
            yield from _texts(value)


def _binds_over_the_rest(pattern: dict, metavariable: str) -> bool:
    """A pattern-inside (or a choice of them) that binds `metavariable` and reads on to the code after it (`...`)."""
    texts = list(_texts(pattern))
    name = re.compile(re.escape(metavariable) + r"\b")
    return (
        bool({"pattern-inside", "pattern-either"} & pattern.keys())
        and any(name.search(text) for text in texts)
        and any(line.strip() == "..." for text in texts for line in text.splitlines())
    )


def _late_filters(node: object, rule_id: str = "") -> Iterator[str]:
    """Each regex of a `patterns` list on a metavariable a sibling `...` pattern binds, where the list has another
    pattern to meet: Semgrep filters a list only after meeting its patterns."""
    if isinstance(node, dict):
        rule_id = node.get("id", rule_id)
        items = node.get("patterns")
        if isinstance(items, list):
            positives = [item for item in items if _POSITIVE & item.keys()]
            for item in items:
                test = item.get("metavariable-regex")
                if (
                    test
                    and len(positives) > 1
                    and any(_binds_over_the_rest(p, test["metavariable"]) for p in positives)
                ):
                    yield f"{rule_id}: {test['metavariable']}"
    if isinstance(node, dict | list):
        for value in node.values() if isinstance(node, dict) else node:
            yield from _late_filters(value, rule_id)


def test_a_regex_on_a_metavariable_sits_beside_the_pattern_that_binds_it_before_the_code_after_it_is_read():
    """`$IN($BUF, ...); ...` stands for every call and the rest of its function; a regex on $IN beside it in the
    same list ran only after `pattern: $BUF` had been matched in every such region. Nested with it in its own
    `patterns`, the regex keeps only the calls it names first: c-divisor-from-input took 12.9 s on pycurl's
    module.c (one rule, one file of 1,613 lines), 0.5 s so; the reports are the same. (In the Python rules nothing
    measured changed: their `...` follows a `def` or a class, and one regex there is on a value, not a name.)"""
    late = [
        said
        for file in sorted([*RULES_DIR.glob("c/*.yaml"), *RULES_DIR.glob("cpp/*.yaml")])
        for said in _late_filters(yaml.safe_load(file.read_text()))
    ]
    assert late == []


def test_every_rule_is_annotated_where_it_must_and_must_not_fire_in_each_of_its_languages():
    fire, quiet = annotations()
    rules = [(rule.id, rule.languages) for rule in load_rules()]
    for rule_id, languages in [*rules, *((rule_id, frozenset({"python"})) for rule_id, _ in FLOW_RULES.values())]:
        for language in languages:
            for kind, expected in (("ruleid", fire), ("ok", quiet)):
                assert any(
                    rule_id in ids and language_of(Path(path)) == language for (path, _), ids in expected.items()
                ), f"{rule_id} has no {kind}: sample in {language}"


def test_semgrep_parses_every_sample_whole(reviewed: Reviewed):
    """A partial parse would let a rule pass or fail on code Semgrep never read."""
    assert reviewed[1] == {}


def test_semgrep_reads_a_match_statement_as_ifs_on_the_same_lines():
    """Semgrep's fallback parser, which it uses for a file with a match statement, matches no f-string pattern in
    the whole file: it reads the statement as ifs (parenthesised and guarded subjects and cases, cases on several
    lines), every line keeping its number and a file without such syntax or that Python does not parse as it is."""
    text = (
        "def route(kind, url):\n"
        "    match (kind, url):\n"
        "        case ('a', str(u)) if u.startswith('/'):\n"
        "            return f'/a/{u}'\n"
        "        case (\n"
        "            {'b': [1, *rest]} | Point(x=0) as p\n"
        "        ):\n"
        "            return p\n"
        "    match kind, url:\n"
        "        case _:\n"
        "            match = 'é'\n"
    )
    read = py_text.semgrep_text(text)
    assert read.splitlines()[1:4] == ["    if ( (kind, url)):", "        if (True):", "            return f'/a/{u}'"]
    assert read.splitlines()[8:] == ["    if ( kind, url):", "        if (True):", "            match = 'é'"]
    assert read.count("\n") == text.count("\n") and ast.parse(read)
    assert py_text.semgrep_text("match = 1\nprint(match)\n") == "match = 1\nprint(match)\n"
    assert py_text.semgrep_text("match x:\n  case 1 pass\n") == "match x:\n  case 1 pass\n"


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters are Python 3.12's")
def test_semgrep_reads_type_parameters_left_out():
    """Type aliases and a definition's type parameters (Python 3.12) also send a file to Semgrep's fallback
    parser; it reads them without, and type parameters on several lines as written."""
    text = (
        "type Pair[T] = tuple[T, T]\ndef first[T](p: Pair[T]) -> T:\n    return p[0]\nclass Box[\n    T\n]:\n    x: T\n"
    )
    read = py_text.semgrep_text(text)
    assert read.splitlines()[:2] == ["Pair = tuple[T, T]", "def first(p: Pair[T]) -> T:"]
    assert read.splitlines()[3:6] == ["class Box[", "    T", "]:"]


def test_a_c_file_with_windows_line_ends_is_read_whole():
    """What Semgrep reads of a C file (engines/c_text.py) was read line by line up to "\\n": with CRLF line ends no
    macro was expanded and a continued directive's lines were read as code, and Semgrep gave up on mysqlclient's
    _mysql.c at its first line."""
    text = "#include <string.h>\r\n#if defined(A) || \\\r\n    defined(B)\r\n#define COPY strcpy\r\n#endif\r\n\r\n"
    text += "void set(char *name) {\r\n    char copy[16];\r\n    COPY(copy, name);\r\n}\r\n"
    unit = CodeUnit(id="win.c", path="win.c", language="c", text=text)
    result = SemgrepEngine(max_target_bytes=2_000_000).review([unit])
    assert not result.skipped and not result.notes
    assert [(f.start_line, f.cwe) for f in result.findings] == [(9, 120)]


def test_semgreps_notes_name_the_file_as_the_user_named_it_and_the_lines_it_did_not_parse():
    """Semgrep reads a copy in a temporary folder; its message named that copy's path. A partial parse says which
    lines the rules did not see (in rapidjson's schema.h 837 of 3,262)."""
    text = "struct s { struct { int b; } a; };\nstatic long table[] = {\n    offsetof(struct s, a.b),\n};\n"
    unit = CodeUnit(id="lib/odd.c", path="lib/odd.c", language="c", text=text)
    result = SemgrepEngine(max_target_bytes=2_000_000).review([unit])
    said = "Semgrep: PartialParsing: line 3 not parsed, the rest read; Syntax error at line lib/odd.c:3: `a.` was"
    assert result.notes == {"lib/odd.c": [f"{said} unexpected"]}


def test_rules_fire_exactly_where_annotated(fired: Expectations):
    fire, quiet = annotations()
    missed = [f"{path}:{line} {rule}" for (path, line), ids in fire.items() for rule in ids - fired[(path, line)]]
    wrong = [f"{path}:{line} {rule}" for (path, line), ids in quiet.items() for rule in ids & fired[(path, line)]]
    unannotated = [
        f"{path}:{line} {rule}" for (path, line), ids in fired.items() for rule in ids - fire.get((path, line), set())
    ]
    assert not missed, f"rules that did not fire where annotated: {missed}"
    assert not wrong, f"rules that fired on ok: lines: {wrong}"
    assert not unannotated, f"findings on lines without a ruleid: annotation: {unannotated}"


def test_one_name_and_one_string_macros_are_expanded_as_the_preprocessor_would_and_nothing_else():
    text = (
        '#define SHELL "/bin/sh" /* the shell */\n'
        "#define RUN SHELL\n"
        "#define OPEN open\n"
        "#define SIZE 64\n"
        "#define TWICE(x) ((x) * 2)\n"
        "#ifdef RUN\n"
        "int f(void) { return OPEN(RUN, SIZE) + TWICE(1); } /* RUN */ // OPEN\n"
        "const char *s = \"RUN\", c = 'R';\n"
    )
    expanded = expanded_macros(text)
    assert expanded.splitlines()[:6] == text.splitlines()[:6]  # the definitions and directives stay as written
    assert expanded.splitlines()[6] == 'int f(void) { return open("/bin/sh", SIZE) + TWICE(1); } /* RUN */ // OPEN'
    assert expanded.splitlines()[7] == text.splitlines()[7]  # literals are not code
    assert expanded.count("\n") == text.count("\n")


def test_inttypes_format_macros_are_read_as_the_literals_they_are():
    text = 'printf("%" PRId64 " of %" PRIuMAX "\\n", done, total); /* PRId64 */\nscanf("%" SCNx32, &mask);\n'
    assert expanded_macros(text) == (
        'printf("%" "d" " of %" "u" "\\n", done, total); /* PRId64 */\nscanf("%" "x", &mask);\n'
    )


def test_units_help_texts_and_pythons_thread_blocks_are_read_as_the_preprocessor_would():
    """lz4's `64 KB`, ujson's help text on continued lines, Python.h's Py_BEGIN_ALLOW_THREADS ... END: Semgrep gave
    up on the rest of a function at each (a name after a number, a name between literals, an unbalanced brace)."""
    text = (
        "#define KB *(1 << 10)  /* a unit */\n"
        "#define SCALE 2 * 3\n"
        '#define HELP "Set a=1. " \\\n'
        '    "Set b=2."\n'
        "static const size_t sizes[2] = { 64 KB, SCALE };\n"
        'static const char *doc = "encode: " HELP;\n'
        "int run(int n) { Py_BEGIN_ALLOW_THREADS n = work(n); Py_END_ALLOW_THREADS return n; }\n"
    )
    expanded = expanded_macros(text).splitlines()
    assert expanded[:4] == text.splitlines()[:4]
    assert expanded[4] == "static const size_t sizes[2] = { 64 *(1 << 10), SCALE };"  # a plain number stays a name
    assert expanded[5] == 'static const char *doc = "encode: " "Set a=1. " "Set b=2.";'
    assert expanded[6] == "int run(int n) { { n = work(n); } return n; }"


def test_calls_that_do_not_return_end_the_path_for_semgrep_and_nothing_else_changes():
    text = (
        "static void usage(int status)\n"
        "{\n"
        '    fprintf(stderr, "usage: tool FILE\\n");\n'
        "    exit(status);\n"
        "}\n"
        "static int checked(int n) { if (n < 0) exit(1); return n; }\n"
        "int main(int argc, char **argv) {\n"
        "    switch (argc) { case 1: usage(0); default: break; }\n"
        "    if (argc > 9) usage(1); else abort();\n"
        "    int n = argc > 2 ? checked(argc) : 0; /* usage(2); */\n"
        '    puts("exit(3);"); (void)checked(n);\n'
        "}\n"
    )
    ended = ended_paths(text).splitlines()
    assert ended[3] == "    return exit(status);"
    assert ended[7] == "    switch (argc) { case 1: return usage(0); default: break; }"
    assert ended[8] == "    if (argc > 9) return usage(1); else return abort();"
    assert ended[5] == "static int checked(int n) { if (n < 0) return exit(1); return n; }"  # it returns too
    assert ended[9:] == text.splitlines()[9:]  # a function that returns; a comment and a string are not code
    assert len(ended) == len(text.splitlines())


def test_an_endless_loops_own_continue_and_its_end_go_back_to_its_top_for_semgrep():
    """psutil's sysctl retry loops: `free(buf); continue;` in a `while (1)` read as leaving the loop with buf freed."""
    text = (
        "int f(int n) {\n"
        "    while (1) {\n"
        "        if (n) { n--; continue; }\n"
        "        for (int i = 0; i < n; i++) { if (i) continue; }\n"
        "        do { if (n) continue; } while (n > 9);\n"
        "        while (n > 5) continue; /* continue; */\n"
        "        for (;;) { if (n) continue; break; }\n"
        '        puts("continue;"); break;\n'
        "    }\n"
        "    while (n > 1) { n--; continue; }\n"
        "    Py_RETURN_NONE;\n"
        "}\n"
    )
    read = endless_loops(text).splitlines()
    assert read[1] == "    while (1) { secreview_loop_0: ;"
    assert read[2] == "        if (n) { n--; goto secreview_loop_0; }"
    assert read[3:6] == text.splitlines()[3:6]  # an inner loop's own continue, and a comment
    inner = "secreview_loop_1"
    assert read[6] == f"        for (;;) {{ {inner}: ; if (n) goto {inner}; break;  goto {inner}; }}"
    assert read[7] == text.splitlines()[7]  # a string
    assert read[8] == "     goto secreview_loop_0; }"
    assert read[9] == text.splitlines()[9]  # a loop whose condition can fail
    assert expanded_macros(text).splitlines()[10] == "    return Py_None;"  # Python.h's macro returns
    assert len(read) == len(text.splitlines())


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("static BROTLI_INLINE uint32_t Copy(char *d) {", "static               uint32_t Copy(char *d) {"),
        ("LZ4LIB_API int LZ4_compress(const char *s);", "           int LZ4_compress(const char *s);"),
        ("void WINAPI Start(void *arg) {", "void        Start(void *arg) {"),
        ("BROTLI_DEC_API BROTLI_BOOL Set(int x);", "               BROTLI_BOOL Set(int x);"),  # the last names the type
        ("static BROTLI_INLINE void\nSplit(int x) {", "static               void\nSplit(int x) {"),
        ("static FILE *open_log(const char *p) {", None),  # the type alone
        ("struct FOO *make(void);", None),
        ("    return FOO(x) + BAR(y);", None),  # calls, not declarations
        ("    MACRO_CALL(a, b);", None),
        ("/* EXPORT int f( */ int g(void);", None),  # a comment
        ("#define X BROTLI_INLINE int f(", None),  # a directive
        ("extern HIDDEN PyTypeObject asisType;", "extern        PyTypeObject asisType;"),  # a variable's
        ("HIDDEN const char *levels[] = {", "       const char *levels[] = {"),
        ("    return SIZE * count(x);", None),  # statements
        ("    return SIZE * n;", None),
        ("typedef UINT32 counter_t;", None),
        ("    DWORD n, m;", None),
    ],
)
def test_macros_beside_a_declarations_type_are_blanked_for_semgrep(written: str, read: str | None):
    assert without_declaration_macros(written) == (written if read is None else read)


def blanked_lines(written: str, read: str) -> set[int]:
    """The numbers (from 0) of the lines the reading blanked; every other line must read as written."""
    pairs = list(zip(written.split("\n"), read.split("\n"), strict=True))
    changed = {number for number, (before, after) in enumerate(pairs) if before != after}
    assert all(pairs[number][1] == "" for number in changed), [pairs[number] for number in changed]
    return changed


def test_what_only_a_cplusplus_compiler_reads_is_blanked_in_a_c_file():
    text = (
        "#if defined(__cplusplus) || defined(c_plusplus)\n"
        'extern "C" {\n'
        "#endif\n"
        "int f(void);\n"
        "#ifdef __cplusplus\n"
        "}\n"
        "#else\n"
        "typedef int bool_t;\n"
        "#endif\n"
        "#ifndef __cplusplus\n"
        "#define C_ONLY 1\n"
        "#endif\n"
        "#if __cplusplus >= 201103L\n"
        "#define MODERN 1\n"
        "#endif\n"
    )
    # extern "C" { and its }; not the #else part (C's), nor what is not C++ only (or not plainly)
    assert blanked_lines(text, without_dead_branches(text, "c")) == {1, 5}


def test_the_python_2_branch_of_a_cpython_extension_is_blanked():
    """psutil's module files: two init headers, one per Python, before one body made Semgrep give up on them."""
    text = (
        "#if PY_MAJOR_VERSION >= 3\n"
        "#define INITERROR return NULL\n"
        "PyMODINIT_FUNC PyInit__psutil(void)\n"
        "#else\n"
        "#define INITERROR return\n"
        "void init_psutil(void)\n"
        "#endif\n"
        "{\n"
        "#if PY_VERSION_HEX < 0x03000000  /* Python 2 */\n"
        '    PyObject *mod = Py_InitModule("_psutil", methods);\n'
        "#elif PY_VERSION_HEX >= 0x030C0000\n"
        "    PyObject *mod = PyModule_Create(&moduledef);\n"
        "#endif\n"
        "}\n"
    )
    for language in ("c", "cpp"):
        assert blanked_lines(text, without_dead_branches(text, language)) == {4, 5, 9}  # Python 2's


def test_of_an_if_whose_branches_each_open_a_block_or_that_splits_an_expression_semgrep_reads_the_first_branch():
    """psutil's BSD files: a function's header, or an `if (...) {`, per platform before one body; an argument per
    platform."""
    text = (
        "#if __FreeBSD_version >= 1200026\n"  # 0
        "static struct xtcpcb *\n"
        "search(char *buf) {\n"
        "    struct xtcpcb *tp;\n"
        "#else\n"
        "static struct tcpcb *\n"  # 5
        "search(char *buf) {\n"
        "    struct tcpcb *tp;\n"
        "#endif\n"
        "#if defined(FREEBSD)\n"
        "#if FREEBSD_VERSION >= 700000\n"  # 10
        "    if (p->flag & (INMEM | SYSTEM)) {\n"
        "#else\n"
        "    if (p->flag & SYSTEM) {\n"
        "#endif\n"
        "#elif defined(NETBSD)\n"  # 15
        "#define ZOMBIE 1\n"
        "    if (p->stat == ZOMBIE) {\n"
        "#endif\n"
        "        return NULL;\n"
        "    }\n"  # 20
        "#ifdef FREEBSD\n"
        "    tp = first(buf);\n"
        "#else\n"
        "    tp = NULL;\n"
        "#endif\n"  # 25
        "#ifdef DEBUG\n"
        "    if (tp) {\n"
        "#endif\n"
        "    return build(\n"
        "#if VERSION >= 12\n"  # 30
        '        "(Oil)",\n'
        "#else\n"
        '        "(Oii)",\n'
        "#endif\n"
        "        tp);\n"  # 35
        "}\n"
    )
    # the second header, the if-groups but their first if, the second format string, and those groups' and the
    # lone block's directives; the rest as written: both #ifdef FREEBSD assignments (no block), DEBUG's block
    blanked = {0, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 26, 28, 30, 32, 33, 34}
    assert blanked_lines(text, first_branch_of_split_blocks(text)) == blanked


def test_an_if_inside_an_initializer_a_statement_or_an_else_chain_is_read_as_its_first_branch():
    text = (
        "static PyMethodDef methods[] = {\n"  # 0
        "#ifdef HAVE_IOPRIO\n"
        '    {"ioprio", ioprio, METH_VARARGS},\n'
        "#endif\n"
        '#include "more_methods.h"\n'  # a table's entries kept in another file
        "};\n"  # 5
        "int f(PyObject *args, int family) {\n"
        "#ifdef _WIN64\n"
        '    if (!PyArg_ParseTuple(args, "K", &mask))\n'
        "#else\n"
        '    if (!PyArg_ParseTuple(args, "k", &mask))\n'  # 10
        "#endif\n"
        "        return -1;\n"
        "    if (family == AF_INET) {\n"
        "    }\n"
        "#ifdef LINUX\n"  # 15
        "    else if (family == AF_PACKET) {\n"
        "    }\n"
        "#endif\n"
        "    else {\n"
        "    }\n"  # 20
        "#ifdef DEBUG\n"
        "    log(family);\n"
        "#else\n"
        "    count(family);\n"
        "#endif\n"  # 25
        "}\n"
    )
    blanked = {1, 3, 4, 7, 9, 10, 11, 15, 18}  # the directives and the second if; a statement per branch stays both
    assert blanked_lines(text, first_branch_of_split_blocks(text)) == blanked


def test_a_cpython_extensions_type_macros_and_string_macros_of_other_headers_read_as_they_expand():
    text = (
        "typedef struct {\n"
        "    PyObject_HEAD\n"
        "    char *name;\n"
        "} Item;\n"
        "static PyTypeObject ItemType = {\n"
        "    PyVarObject_HEAD_INIT(DEFERRED(&PyType_Type), 0)\n"
        '    "mod.Item",\n'
        "};\n"
        "Py_LOCAL_INLINE(PyObject *)\n"
        "item_dealloc(Item *self) {\n"
        "    Py_TRASHCAN_BEGIN(self,\n"
        "                      item_dealloc)\n"
        '    Dprintf("at %p, refcnt = "\n'
        "        FORMAT_CODE_PY_SSIZE_T, self);\n"
        '    s = Py_BuildValue("OOOd" _Py_PARSE_PID, a, b);\n'
        '    t = L"wide" "text"; u = "a" MACRO_CALL("b"); /* "c" NAME */\n'
        "    Py_TRASHCAN_END\n"
        "}\n"
    )
    read = semgrep_text(text, "c").split("\n")
    assert len(read) == len(text.split("\n"))
    assert read[1] == "    PyObject ob_base;"
    assert read[5] == "    {DEFERRED(&PyType_Type), 0},"
    assert read[8] == "static inline PyObject *"
    assert (read[10], read[11]) == ("    {", "")
    assert (read[13], read[14]) == ('        "", self);', '    s = Py_BuildValue("OOOd" "", a, b);')
    assert read[15] == text.split("\n")[15]  # a wide literal, a call, a comment
    assert read[16] == "    }"
    allocations = "char *a = PyMem_New(char, len + 1);\nItem *i = PyObject_New(Item,\n    &ItemType);\nPyMem_New(x);\n"
    assert expanded_python_calls(allocations) == (
        "char *a = ((char *)PyMem_Malloc((len + 1) * sizeof(char)));\n"
        "Item *i = ((Item *)_PyObject_New(&ItemType))\n;\n"  # the arguments' lines are kept
        "PyMem_New(x);\n"  # not as Python.h writes it: left alone
    )


def test_a_raw_string_literal_is_text_to_every_reading():
    """nanobench.h's HTML and JSON templates in `R"DELIM(...)DELIM"`: the `R` was read as a macro beside a literal
    (three quotes, then `DELIM(`) and their braces as blocks, and Semgrep read nothing of the file."""
    text = (
        "#ifndef GUARD_H\n"
        "#define GUARD_H\n"
        "#define SHELL_NAME sh\n"
        "static const char *page() {\n"
        '    return R"DELIM(<a href="{{x}}">{{#rows}} "SHELL_NAME" </a>\n'
        ')DELIM";\n'
        "}\n"
        'static const char *other = u8R"(")" LR"x(}{)x";\n'
        "#endif\n"
    )
    assert semgrep_text(text, "cpp") == text
    unit = CodeUnit(id="page.hpp", path="page.hpp", language="cpp", text=text)
    result = SemgrepEngine(max_target_bytes=2_000_000).review([unit])
    assert not result.skipped and not result.notes


def test_a_cplusplus_macro_line_at_namespace_or_class_scope_is_blanked_and_nothing_else():
    """rapidjson's headers open their namespace with `RAPIDJSON_NAMESPACE_BEGIN` and silence warnings with
    `RAPIDJSON_DIAG_OFF(effc++)`, Qt's classes declare `Q_OBJECT`: Semgrep's C++ parser gave up on the line and the
    declaration after it (python-rapidjson: 37 of 39 files parsed in part, 14 now). A name may end in `_`:
    rapidjson's `RAPIDJSON_STRING_(Null, 'n', 'u', 'l', 'l')` lines left 802 lines of schema.h's class unread."""
    text = (
        "RAPIDJSON_DIAG_PUSH\n"  # 0
        "RAPIDJSON_DIAG_OFF(c++98-compat)\n"
        "RAPIDJSON_NAMESPACE_BEGIN\n"
        "class Runner : public QObject {\n"
        "    Q_OBJECT\n"  # 4
        "    RAPIDJSON_STRING_(Null, 'n', 'u', 'l', 'l')\n"  # 5: member functions a macro of the file defines
        "public:\n"
        "    void run(const char *cmd) {\n"
        "        LOCK_GUARD(mutex)\n"  # 8: in a function: kept
        "        system(cmd);\n"
        "    }\n"
        "};\n"
        "static const Entry entries[] = {\n"
        "    ENTRY(a)\n"  # 13: in an initializer: kept
        "};\n"
        "static int\n"
        "LEGACY_NAME(int a)\n"  # 16: a function's header: kept
        "{\n"
        "    return a;\n"
        "}\n"
        "RAPIDJSON_NAMESPACE_END\n"  # 20
        "Q_DECLARE_METATYPE(Runner*)\n"
    )
    read = semgrep_text(text, "cpp").split("\n")
    written = text.split("\n")
    assert [n for n, line in enumerate(read) if line != written[n]] == [0, 1, 2, 4, 5, 20, 21]
    assert all(read[n] == "" for n in (0, 1, 2, 4, 5, 20, 21))
    assert [semgrep_text(text, "c").split("\n")[n] for n in (0, 2)] == [written[0], written[2]]  # C++ only
    unit = CodeUnit(id="runner.cpp", path="runner.cpp", language="cpp", text=text)
    result = SemgrepEngine(max_target_bytes=2_000_000).review([unit])
    assert [(f.start_line, f.cwe) for f in result.findings] == [(10, 78)]
    assert not result.notes and not result.skipped


def test_a_macro_where_a_cplusplus_function_says_noexcept_or_override_is_blanked_and_nothing_else():
    """rapidjson writes `Swap(GenericPointer& other) RAPIDJSON_NOEXCEPT {`, Qt `Q_DECL_OVERRIDE`: Semgrep's C++
    parser left out each such function (python-rapidjson: 133 lines unread, 62 now)."""
    text = (
        "class Pointer {\n"
        "public:\n"
        "    Pointer(Pointer&& rhs) RAPIDJSON_NOEXCEPT\n"  # 2
        "        : data_(rhs.data_) {}\n"
        "    void Swap(Pointer& other) RAPIDJSON_NOEXCEPT { data_ = other.data_; }\n"  # 4
        "    bool Empty() const RAPIDJSON_NOEXCEPT;\n"  # 5
        "    void Run(const char *cmd) Q_DECL_OVERRIDE {\n"  # 6
        "        system(cmd);\n"
        "    }\n"
        "    char *data_;\n"
        "};\n"
        "static int limit = (int) MAX_SIZE\n"  # 11: an operand, not before a body: kept
        "    + 1;\n"
        "void check(int n) {\n"
        "    if (n) FAIL;\n"  # 14: in a function: kept
        "}\n"
    )
    read = semgrep_text(text, "cpp").split("\n")
    written = text.split("\n")
    assert [n for n, line in enumerate(read) if line != written[n]] == [2, 4, 5, 6]
    assert all(name not in read[n] and len(read[n]) == len(written[n]) for n, name in ((2, "RAPID"), (6, "Q_DECL")))
    unit = CodeUnit(id="pointer.cpp", path="pointer.cpp", language="cpp", text=text)
    result = SemgrepEngine(max_target_bytes=2_000_000).review([unit])
    assert [(f.start_line, f.cwe) for f in result.findings] == [(8, 78)]
    assert not result.notes and not result.skipped


def test_pre_ansi_prototype_macros_are_read_as_their_parameter_lists():
    text = (
        "void test_inflate OF((Byte *compr, uLong comprLen,\n"
        "                      Byte *uncompr));\n"
        "static int f __P((int a));\n"
        '/* OF((a comment)) */ x = OFFSET((a)); s = "OF((text))";\n'
    )
    assert without_prototype_macros(text) == (
        "void test_inflate    (Byte *compr, uLong comprLen,\n"
        "                      Byte *uncompr) ;\n"
        "static int f     (int a) ;\n"
        '/* OF((a comment)) */ x = OFFSET((a)); s = "OF((text))";\n'
    )
