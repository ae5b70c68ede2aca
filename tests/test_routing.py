"""Routing: the model reviews only the functions that deserve it (input, sinks, static findings, changes).

Real parts: the splitters on real source text, the CLI in a subprocess, a scripted OpenAI-compatible server
(FaultServer) that records the prompts, and real git repositories for diff mode."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FaultServer, chat_answer, commit_all, make_git_repo, run_secreview
from secreview.api import ReviewRequest, run_review
from secreview.config import Settings, load_settings
from secreview.llm.routing import prompt_cost, review_windows, route, tokens_per_reviewed_line
from secreview.models import CodeUnit, Evidence, Finding, LineRange, ModelCall, Severity
from secreview.sources.parts import MODULE_LEVEL, split_unit

NO_DEFECTS = chat_answer(json.dumps({"hints": [], "defects": [], "verdict": "no defects"}), 100, 10)

PYTHON = '''"""Orders service."""
import os
import sqlite3

from flask import Flask, request

app = Flask(__name__)
RATE = 0.2


def total(prices):
    return sum(prices) * (1 + RATE)


def label(name, amount):
    return f"{name}: {amount:.2f}"


@app.route("/orders")
def orders():
    customer = request.args["customer"]
    db = sqlite3.connect("shop.db")
    return db.execute("SELECT * FROM orders WHERE customer = '%s'" % customer).fetchall()


class Report:
    """A printable report."""

    title = "Report"

    def heading(self):
        return self.title.upper()

    def save(self, path):
        os.system("lpr " + path)
'''


def unit_of(text: str, language: str = "python", path: str = "app.py", **extra: object) -> CodeUnit:
    return CodeUnit(id=path, path=path, language=language, text=text, **extra)  # type: ignore[arg-type]


def parts_of(text: str, language: str = "python") -> dict[str, list[tuple[int, int]]]:
    split = split_unit(unit_of(text, language))
    assert split.problem is None, split.problem
    return {part.name: [(r.start, r.end) for r in part.ranges] for part in split.parts}


def numbers_in(prompt: str) -> set[int]:
    """The file line numbers a prompt shows."""
    return {int(match) for match in re.findall(r"^\s*(\d+) \|", prompt, flags=re.MULTILINE)}


def url(server: FaultServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/v1"


def prompts_of(server: FaultServer) -> list[str]:
    return [request["messages"][-1]["content"] for request in server.requests]


# --- splitting -----------------------------------------------------------------------------------------------

NESTED = """import functools


def outer(x):
    def inner(y):
        return y + 1

    return inner(x)


@functools.lru_cache
@other_decorator
async def fetch(url):
    return url


class Shape:
    sides = 0

    @property
    def area(self):
        return 0

    class Inner:
        def method(self):
            return 1

    async def draw(self):
        return None


print(outer(1))
"""


def test_python_splits_functions_methods_decorators_and_keeps_nested_functions_inside():
    parts = parts_of(NESTED)
    assert parts == {
        "outer": [(4, 8)],  # inner stays inside outer
        "fetch": [(11, 14)],  # the decorators belong to the function
        "Shape.area": [(20, 22)],
        "Shape.Inner.method": [(25, 26)],
        "Shape.draw": [(28, 29)],
        MODULE_LEVEL: [(18, 18), (32, 32)],  # class attribute, top-level call; imports and class lines aside
    }
    split = split_unit(unit_of(NESTED))
    assert split.method == "python-ast"
    assert [(r.start, r.end) for r in split.header] == [(1, 1)]
    shape = next(part for part in split.parts if part.name == "Shape.Inner.method")
    assert [(r.start, r.end) for r in shape.context] == [(17, 17), (24, 24)]  # the class lines it is in


def test_python_the_interpreter_cannot_parse_is_split_on_its_tokens():
    text = NESTED.replace("return url", 'print "fetching"\n    return url')  # Python 2: no parser accepts it
    split = split_unit(unit_of(text))
    assert split.method == "python-tokens"
    parts = {part.name: [(r.start, r.end) for r in part.ranges] for part in split.parts}
    assert parts["outer"] == [(4, 8)] and parts["fetch"] == [(11, 15)]
    assert parts["Shape.area"] == [(21, 23)] and parts["Shape.Inner.method"] == [(26, 27)]
    assert parts["Shape.draw"] == [(29, 30)]


C_CODE = r"""#include <stdio.h>
#include <string.h>
#define SIZE 16
/* a brace in a comment { */
static const char *BRACES = "}{";
struct point { int x; int y; };

static int
add(int a, int b)
{
    return a + b; // }
}

void copy(char *dst, const char *src) {
    char c = '{';
    strcpy(dst, src);
}

int main(int argc, char **argv) {
    char buf[SIZE];
    if (argc > 1) {
        copy(buf, argv[1]);
    }
    return 0;
}
"""


def test_c_splits_on_braces_ignoring_strings_comments_and_character_literals():
    assert parts_of(C_CODE, "c") == {
        "add": [(8, 12)],  # the return type on the line before belongs to the function
        "copy": [(14, 17)],
        "main": [(19, 25)],
        MODULE_LEVEL: [(5, 5)],
    }
    header = split_unit(unit_of(C_CODE, "c", "a.c")).header
    assert [(r.start, r.end) for r in header] == [(1, 1), (2, 2), (3, 3)]


JAVA_CODE = r'''package demo;

import java.io.*;

@WebServlet("/x")
public class Demo extends HttpServlet {
    private static final String S = "}{";

    /* { */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public int add(int a, int b) {
        return a + b; // {
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        String name = req.getParameter("name");
        Runtime.getRuntime().exec("ls " + name);
        Runnable r = () -> { System.out.println("}"); };
    }

    static class Inner {
        String fmt(String s) { return "[" + s + "]"; }
    }

    String block = """
        text { block
        """;
}
'''


def test_java_splits_methods_in_nested_classes_with_braces_in_strings_annotations_and_text_blocks():
    assert parts_of(JAVA_CODE, "java") == {
        "Demo.add": [(10, 13)],  # from its annotation
        "Demo.doGet": [(15, 21)],
        "Demo.Inner.fmt": [(24, 24)],
        MODULE_LEVEL: [(7, 7), (27, 29)],
    }
    split = split_unit(unit_of(JAVA_CODE, "java", "Demo.java"))
    get = next(part for part in split.parts if part.name == "Demo.doGet")
    assert [(r.start, r.end) for r in get.context] == [(5, 6)]
    assert [(r.start, r.end) for r in split.header] == [(1, 1), (3, 3)]


def test_a_unit_that_cannot_be_split_goes_to_the_model_whole_and_says_why():
    other = unit_of("function f(a) { return eval(a); }\n", "javascript", "f.js")
    nested = "".join(f"namespace n{i} {{\n" for i in range(3000)) + "void f() {}\n" + "}\n" * 3000
    deep = unit_of(nested, "cpp", "deep.cpp")  # the walk goes one level per level: Python's recursion limit
    for unit, why in (
        (other, "no function splitter for javascript"),
        (deep, "declarations nested too deeply to split"),
    ):
        routing = route(unit)
        coverage = routing.coverage()
        assert coverage.split == f"not split: {why}"
        assert [part.name for part in coverage.routed] == ["whole file"]
        windows = routing.windows(100)
        assert (windows[0].lines.start, windows[-1].lines.end, windows[0].shown) == (1, unit.line_count, ())
        assert coverage.describe("llm") == f"llm: the whole file was sent to the model (not split: {why})"


# C, C++ and Java samples where tree-sitter and the brace matcher it replaced disagreed (docs/benchmarks.md)

C_IFDEF = r"""#include <string.h>

#ifdef WIDE
int put(const wchar_t *s, int n) {
#else
int put(const char *s, int n) {
#endif
    return n;
}

int old_style(a, b)
    int a;
    char *b;
{
    strcpy(b, "x");
    return a;
}

struct record *alloc_records(size_t count)
{
    return malloc(count * sizeof(struct record));
}

FAKE_INIT(sha)

typedef struct {
    int x;
} state;

BLOCK(x) {
    run(x);
}
"""


def test_c_two_headers_under_if_else_k_and_r_and_macros_before_a_definition():
    split = split_unit(unit_of(C_IFDEF, "c", "a.c"))
    assert split.method == "tree-sitter"
    assert {part.name: [(r.start, r.end) for r in part.ranges] for part in split.parts} == {
        "put": [(6, 9)],  # the #else header with the body: braces do not balance per branch, the file still splits
        "old_style": [(11, 17)],  # K&R: parameter declarations between the header and the body
        "alloc_records": [(19, 22)],  # `struct record` is not a Java record
        MODULE_LEVEL: [(3, 5), (24, 31)],  # the first header; the macro call, the struct and BLOCK as one run
    }  # BLOCK(x) { ... } declares no parameter list: a macro opening a block, not a function
    assert [(r.start, r.end) for r in split.header] == [(1, 1)]


CPP_CODE = r"""#include <cstdlib>
namespace app {
template <typename T>
T biggest(T a, T b) {
    return a > b ? a : b;
}

class Session {
public:
    Session() : id_(0) {}
    explicit operator bool() const { return id_ != 0; }
    bool operator==(const Session &other) const { return id_ == other.id_; }
    void run(const char *cmd) {
        auto call = [&](const char *c) { std::system(c); };
        call(cmd);
    }
private:
    int id_;
};

int Session::count() { return 1; }
}  // namespace app

extern "C" int c_entry(const char *s) { return s != nullptr; }

extern "C" {
int c_other(void) { return 0; }
}

EXPORT_API(1)
namespace more {
template <class T> class Box {
    Box(T *it) : Base<T, int>(it) {}
};
}
"""


def test_cpp_templates_operators_out_of_line_methods_extern_c_and_lambdas():
    split = split_unit(unit_of(CPP_CODE, "cpp", "a.cpp"))
    assert {part.name: [(r.start, r.end) for r in part.ranges] for part in split.parts} == {
        "app.biggest": [(3, 6)],  # from its template line
        "app.Session.Session": [(10, 10)],
        "app.Session.operator bool": [(11, 11)],
        "app.Session.operator==": [(12, 12)],
        "app.Session.run": [(13, 16)],  # the lambda stays inside
        "app.Session::count": [(21, 21)],
        "c_entry": [(24, 24)],  # extern "C" before a definition
        "c_other": [(27, 27)],  # in an extern "C" block
        "more.Box.Box": [(33, 33)],  # the namespace after a macro call, a template class's constructor
        MODULE_LEVEL: [(9, 9), (17, 18), (30, 30)],  # public:, the field, the macro call
    }
    run = next(part for part in split.parts if part.name == "app.Session.run")
    assert [(r.start, r.end) for r in run.context] == [(2, 2), (8, 8)]


JAVA_MORE = r"""package demo;

import java.sql.*;

@Entity
public class Account {
    private final Runnable hook = new Runnable() {
        @Override
        public void run() { System.out.println("x"); }
    };

    public void save(Connection c, String q) throws SQLException {
        c.createStatement().execute(q);
        Comparator<String> cmp = new Comparator<String>() {
            public int compare(String a, String b) { return a.compareTo(b); }
        };
    }

    enum Kind {
        A, B;
        String label() { return name(); }
    }

    record Pair(int a, int b) {
        Pair {
            if (a > b) throw new IllegalArgumentException();
        }
    }
}
"""


def test_java_anonymous_classes_stay_where_they_are_and_compact_constructors_are_methods():
    assert parts_of(JAVA_MORE, "java") == {
        "Account.save": [(12, 17)],  # its anonymous class inside
        "Account.Kind.label": [(21, 21)],
        "Account.Pair.Pair": [(25, 27)],  # a record's compact constructor
        MODULE_LEVEL: [(7, 9), (20, 20)],  # a field's anonymous class is the field's code
    }


# --- routing decisions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "body", "kind", "category"),
    [
        ("python", "    return request.form['q']", "input source", "HTTP request data"),
        ("python", "    return sys.argv[1]", "input source", "command line"),
        ("python", "    return input('name? ')", "input source", "standard input"),
        ("python", "    return os.environ['HOME']", "input source", "environment"),
        ("python", "    return conn.recv(1024)", "input source", "file or socket read"),
        ("python", "    cursor.execute(query)", "dangerous sink", "SQL execution"),
        ("python", "    subprocess.run(cmd, shell=True)", "dangerous sink", "shell or process execution"),
        ("python", "    return eval(text)", "dangerous sink", "code evaluation"),
        ("python", "    return pickle.loads(blob)", "dangerous sink", "deserialization"),
        ("python", "    return yaml.load(blob)", "dangerous sink", "deserialization"),
        ("python", "    return open(name).name", "dangerous sink", "file path"),
        ("python", "    return etree.fromstring(doc)", "dangerous sink", "XML parsing"),
        ("python", "    return redirect(target)", "dangerous sink", "redirect"),
        ("python", "    return render_template_string(page)", "dangerous sink", "template or markup"),
        ("python", "    return hashlib.md5(data).hexdigest()", "dangerous sink", "crypto, hash or random"),
        ("python", "    return random.randint(0, 9)", "dangerous sink", "crypto, hash or random"),
        ("c", "    gets(line);", "input source", "standard input"),
        ("c", '    return getenv("HOME");', "input source", "environment"),
        ("c", "    strcpy(dst, src);", "dangerous sink", "string or memory copy"),
        ("c", '    sprintf(out, "%s", src);', "dangerous sink", "string or memory copy"),
        ("c", "    memcpy(dst, src, n);", "dangerous sink", "string or memory copy"),
        ("c", "    printf(msg);", "dangerous sink", "non-literal format string"),
        ("c", "    p = malloc(n * size);", "dangerous sink", "memory allocation"),
        ("c", "    system(cmd);", "dangerous sink", "process execution"),
        ("java", '    String q = req.getParameter("q");', "input source", "HTTP request data"),
        ("java", "    Runtime.getRuntime().exec(cmd);", "dangerous sink", "process execution"),
        ("java", "    stmt.executeQuery(sql);", "dangerous sink", "SQL execution"),
        ("java", "    Object o = new ObjectInputStream(in).readObject();", "dangerous sink", "deserialization"),
        (
            "java",
            "    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();",
            "dangerous sink",
            "XML parsing",
        ),
        ("java", "    resp.sendRedirect(target);", "dangerous sink", "redirect or forward"),
        (
            "java",
            '    MessageDigest md = MessageDigest.getInstance("MD5");',
            "dangerous sink",
            "crypto, hash or random",
        ),
    ],
)
def test_each_category_routes_its_function(language: str, body: str, kind: str, category: str):
    if language == "python":
        text = f"def helper(a, b):\n    return a + b\n\n\ndef target(x):\n{body}\n"
    elif language == "c":
        text = f"int helper(int a, int b) {{\n    return a + b;\n}}\n\nvoid target(char *x) {{\n{body}\n}}\n"
    else:
        text = (
            "class T {\n    int helper(int a, int b) {\n        return a + b;\n    }\n\n"
            f"    void target(String x) throws Exception {{\n    {body}\n    }}\n}}\n"
        )
    routing = route(unit_of(text, language, f"t.{language}"))
    decisions = {decision.part.name.split(".")[-1]: decision for decision in routing.decisions}
    assert not decisions["helper"].routed
    assert (kind, category) in decisions["target"].reasons


def test_route_handlers_are_input_sources():
    flask = '@app.get("/items/<item_id>")\ndef item(item_id):\n    return item_id\n'
    django = "def detail(request, slug):\n    return slug\n"
    spring = (
        'class C {\n    @GetMapping("/x")\n    public String x(@RequestParam String q) {\n        return q;\n    }\n}\n'
    )
    for text, language in ((flask, "python"), (django, "python"), (spring, "java")):
        (decision,) = route(unit_of(text, language, f"h.{language}")).decisions
        assert ("input source", "route handler") in decision.reasons


def test_a_static_finding_routes_its_function_and_one_outside_every_function_routes_its_lines():
    text = "import pickle\n\n\ndef answer():\n    return 42\n\n\ndef other():\n    return 1\n"
    hints = [
        Finding(
            path="app.py",
            start_line=line,
            end_line=line,
            cwe=cwe,
            title="t",
            description="d",
            solution="s",
            severity=Severity.low,
            confidence=0.5,
            evidence=[Evidence(engine="bandit", rule_id="B1", message="m", severity=Severity.low, confidence=0.5)],
        )
        for line, cwe in ((5, 798), (1, 502))
    ]
    routing = route(unit_of(text), hints)
    routed = {decision.part.name: decision.reasons for decision in routing.routed}
    assert routed == {"answer": (("static finding", "CWE-798"),), MODULE_LEVEL: (("static finding", "CWE-502"),)}
    assert routing.coverage().parts == 3  # answer, other, and the import line's finding


def test_pure_helpers_are_not_routed_and_the_coverage_says_what_was():
    routing = route(unit_of(PYTHON))
    decisions = {decision.part.name: decision for decision in routing.decisions}
    not_routed = ["total", "label", "Report.heading", MODULE_LEVEL]  # app = Flask(...), RATE, the class attribute
    assert [name for name, d in decisions.items() if not d.routed] == not_routed
    assert decisions["orders"].reason_texts() == [
        "input source: HTTP request data",
        "input source: route handler",
        "dangerous sink: SQL execution",
    ]
    assert decisions["Report.save"].reason_texts() == ["dangerous sink: shell or process execution"]
    assert routing.coverage().describe("llm") == (
        "llm: 2 of 6 parts (functions, methods, module-level code) routed to the model (lines 19-23, 34-35: "
        "input source, dangerous sink); 4 not routed (no input source, dangerous sink or static finding)"
    )


def test_a_routed_window_shows_the_routed_functions_their_context_and_file_line_numbers():
    (window,) = route(unit_of(PYTHON)).windows(200)
    shown = numbers_in(window.numbered_code)
    assert set(range(17, 26)) <= shown  # orders, with two lines either side
    assert {2, 3, 5} <= shown  # the imports
    assert 26 in shown and set(range(32, 36)) <= shown  # Report's class line, save with two lines before it
    assert not shown & {11, 12, 15, 16, 29, 30}  # total, label and most of heading are left out
    assert "(lines 6-16 not shown)" in window.numbered_code


def test_a_routed_function_larger_than_a_window_is_still_split_with_its_header():
    body = "".join(f"    value_{i} = request.args['v{i}']\n" for i in range(60))
    text = f"import flask\n\n\ndef big():\n{body}    return None\n\n\ndef small(a):\n    return a\n"
    chosen = route(unit_of(text)).windows(30)
    assert len(chosen) >= 3
    for window in chosen:
        shown = numbers_in(window.numbered_code)
        assert 1 in shown and len(shown) <= 30
    covered = set().union(*(numbers_in(w.numbered_code) for w in chosen))
    assert set(range(4, 66)) <= covered and not covered & {68, 69}


def test_diff_mode_routes_only_the_functions_the_change_touches():
    unit = unit_of(PYTHON, review_lines=[LineRange(start=12, end=12)])  # a line of total(), the pure helper
    routing = route(unit)
    assert [(d.part.name, d.reason_texts()) for d in routing.routed] == [("total", ["changed lines"])]
    assert routing.coverage().not_routed == "not touched by the change"


def test_all_sends_every_unit_whole(tmp_path: Path):
    chosen, routing = review_windows(unit_of(PYTHON), [], 200, route_parts=False)
    assert routing is None
    assert [(w.lines.start, w.lines.end, w.shown) for w in chosen] == [(1, PYTHON.count("\n"), ())]
    assert load_settings(tmp_path, {"route": "all"}, environ={}).route == "all"
    assert load_settings(tmp_path, environ={"SECREVIEW_ROUTE": "all"}).route == "all"
    assert Settings().route == "security"


def test_prompt_cost_compares_tokens_per_reviewed_line_with_and_without_routing():
    helpers = "".join(f"def helper_{i}(a, b):\n    return a * {i} + b\n\n\n" for i in range(40))
    units = [unit_of(PYTHON + "\n\n" + helpers)]
    routed = prompt_cost(units, route_parts=True, max_lines=500)
    whole = prompt_cost(units, route_parts=False, max_lines=500)
    assert routed.reviewed_lines == whole.reviewed_lines == units[0].line_count
    assert routed.shown_lines < whole.shown_lines / 3
    assert routed.tokens_per_line < whole.tokens_per_line / 2


# --- end to end ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault_server", [([(200, {}, NO_DEFECTS)] * 4,)], indirect=True)
def test_the_model_is_shown_only_the_routed_functions(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "app.py").write_text(PYTHON)
    settings = Settings(engine="llm", base_url=url(fault_server), cache=False, fix=False)
    review = run_review(ReviewRequest(paths=[str(tmp_path / "app.py")]), settings, start=tmp_path)
    (prompt,) = prompts_of(fault_server)
    assert "Only the parts of the file to review are shown" in prompt
    assert '   21 |     customer = request.args["customer"]' in prompt  # file line numbers
    assert "    2 | import os" in prompt and '   35 |         os.system("lpr " + path)' in prompt
    assert "def total" not in prompt and "def label" not in prompt and "def heading" not in prompt
    (unit,) = review.coverage.units
    assert unit.reviewed_by == ["llm"] and not unit.routed_out and review.complete
    routing = unit.routing["llm"]
    assert (routing.parts, [part.name for part in routing.routed]) == (6, ["orders", "Report.save"])
    assert [(r.start, r.end) for r in routing.routed[0].lines] == [(19, 23)]


@pytest.mark.parametrize("fault_server", [([(200, {}, NO_DEFECTS)] * 4,)], indirect=True)
def test_cli_all_sends_the_whole_file_and_reports_no_routing(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "app.py").write_text(PYTHON)
    common = ("review", "app.py", "--engine", "llm", "--base-url", url(fault_server), "--no-cache")
    done = run_secreview(*common, "--all", "--format", "json", cwd=tmp_path, static=False)
    assert done.returncode == 0, done.stderr
    (prompt,) = prompts_of(fault_server)
    assert numbers_in(prompt) == set(range(1, PYTHON.count("\n") + 1))
    assert "Only the parts" not in prompt
    (unit,) = json.loads(done.stdout)["coverage"]["units"]
    assert (unit["reviewed_by"], unit["routed_out"], unit["routing"]) == (["llm"], [], {})


@pytest.mark.parametrize("fault_server", [([(200, {}, NO_DEFECTS)] * 4,)], indirect=True)
def test_cli_markdown_and_json_say_what_was_routed(fault_server: FaultServer, tmp_path: Path):
    (tmp_path / "app.py").write_text(PYTHON)
    common = ("review", "app.py", "--engine", "llm", "--base-url", url(fault_server), "--no-cache")
    markdown = run_secreview(*common, cwd=tmp_path, static=False)
    assert markdown.returncode == 0, markdown.stderr
    assert (
        "- `app.py` (35 lines, whole file): reviewed by llm; llm: 2 of 6 parts (functions, methods, module-level "
        "code) routed to the model (lines 19-23, 34-35: input source, dangerous sink); 4 not routed (no input "
        "source, dangerous sink or static finding)"
    ) in markdown.stdout
    as_json = run_secreview(*common, "--format", "json", cwd=tmp_path, static=False)
    (unit,) = json.loads(as_json.stdout)["coverage"]["units"]
    assert unit["routing"]["llm"]["routed"][1] == {
        "name": "Report.save",
        "lines": [{"start": 34, "end": 35}],
        "reasons": ["dangerous sink: shell or process execution"],
    }
    assert unit["routing"]["llm"]["split"] == "python-ast"


HELPERS = "def total(prices):\n    return sum(prices)\n\n\ndef label(name):\n    return name.title()\n"


@pytest.mark.parametrize("fault_server", [([],)], indirect=True)
def test_a_file_the_model_alone_was_to_review_and_routing_sent_none_of_is_not_reviewed(
    fault_server: FaultServer, tmp_path: Path
):
    (tmp_path / "util.py").write_text(HELPERS)
    common = ("review", "util.py", "--engine", "llm", "--base-url", url(fault_server), "--no-cache")
    done = run_secreview(*common, "--format", "json", cwd=tmp_path, static=False)
    assert done.returncode == 3, done.stderr
    assert fault_server.requests == []  # no model call at all
    review = json.loads(done.stdout)
    (unit,) = review["coverage"]["units"]
    assert (unit["reviewed_by"], unit["routed_out"]) == ([], [])
    assert unit["skipped_by"] == {"llm": "routing sent none of it to the model (no input source, dangerous sink or "
                                  "static finding)"}  # fmt: skip
    assert unit["routing"]["llm"]["routed"] == [] and unit["routing"]["llm"]["parts"] == 2
    assert not review["complete"] and "No security defects" not in review["verdict"]


@pytest.mark.parametrize("fault_server", [([],)], indirect=True)
def test_beside_the_static_engines_a_file_with_nothing_routed_is_complete_and_says_the_model_did_not_read_it(
    fault_server: FaultServer, tmp_path: Path
):
    (tmp_path / "util.py").write_text(HELPERS)
    common = ("review", "util.py", "--engine", "hybrid", "--deep", "--base-url", url(fault_server), "--no-cache")
    done = run_secreview(*common, "--format", "json", cwd=tmp_path, static=False)
    assert done.returncode == 0, done.stderr
    assert fault_server.requests == []  # no model call at all: no static finding to check, nothing routed
    review = json.loads(done.stdout)
    (unit,) = review["coverage"]["units"]
    assert (unit["reviewed_by"], unit["skipped_by"], unit["routed_out"]) == (
        ["bandit", "semgrep", "flows"],
        {},
        ["llm"],
    )
    assert review["complete"] and review["verdict"] == "No security defects are detected in the code"
    markdown = run_secreview(*common, cwd=tmp_path, static=False)
    assert markdown.returncode == 0
    assert (
        "- `util.py` (6 lines, whole file): reviewed by bandit, semgrep, flows; llm: none of its 2 parts (functions, "
        "methods, module-level code) routed to the model (no input source, dangerous sink or static finding); not "
        "reviewed by llm"
    ) in markdown.stdout


@pytest.mark.parametrize("fault_server", [([(200, {}, NO_DEFECTS)] * 4,)], indirect=True)
def test_diff_mode_sends_only_the_touched_function_with_context(fault_server: FaultServer, tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "app.py").write_text(PYTHON)
    commit_all(repo, "orders service")
    changed = PYTHON.replace("return self.title.upper()", "return self.title.upper().strip()")
    (repo / "app.py").write_text(changed)
    commit_all(repo, "strip the heading")
    done = run_secreview(
        "review", "--diff", "HEAD~1", "--engine", "llm", "--base-url", url(fault_server), "--no-cache",
        "--format", "json", cwd=repo, static=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (prompt,) = prompts_of(fault_server)
    shown = numbers_in(prompt)
    assert {30, 31, 32} <= shown and {2, 3, 5, 26} <= shown  # heading, its class line and the imports
    assert not shown & {21, 23, 35}  # orders and save have sinks but were not changed
    assert "Lines changed by the commit under review: 32-32." in prompt
    (unit,) = json.loads(done.stdout)["coverage"]["units"]
    assert unit["routing"]["llm"]["routed"] == [
        {"name": "Report.heading", "lines": [{"start": 31, "end": 32}], "reasons": ["changed lines"]}
    ]
    assert unit["routing"]["llm"]["not_routed"] == "not touched by the change"


def test_tokens_per_reviewed_line_of_a_review(tmp_path: Path):
    (tmp_path / "util.py").write_text(HELPERS)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    assert tokens_per_reviewed_line(review) == 0.0
    review.model_calls = [
        ModelCall(path="util.py", step="structured", model="m", prompt_tokens=50, completion_tokens=10, latency_s=0.1)
    ]
    assert tokens_per_reviewed_line(review) == 60 / 6
