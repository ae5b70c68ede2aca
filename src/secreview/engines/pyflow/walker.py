"""The walk of one function body: statement by statement, which values carry a parameter's (or request data's)
content, through assignments, string building and calls, to which sinks (see secreview.engines.pyflow)."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import cast

from secreview.engines.pyflow.rules import (
    ADDS,
    ALL,
    BUILT,
    CHECKS,
    COMMAND_WRAPPER,
    CONTENT_TYPES,
    EXITS,
    FORMATS_HTML,
    FORMATTERS,
    HTTP_CLIENTS,
    IDENTIFIERS,
    JOINS,
    LOOKUPS,
    MESSAGES,
    NORMALISERS,
    NOT_PATHS,
    PARENT,
    PATH_ANNOTATION,
    PATH_MAKERS,
    PATH_NAMES,
    PLAIN_TEXT,
    RAISING_CHECKS,
    READS,
    RESPONSE_BUILDERS,
    SAFE_YAML_LOADERS,
    SQL_EXPRESSIONS,
    SQL_TEXT,
    SQL_WORDS,
    STRING_CHECKS,
    URL_CHECKS,
    URL_VALIDATORS,
    URL_WEAKNESSES,
    VALIDATORS,
    SinkRule,
    sanitises,
    sink_rule,
)
from secreview.engines.pyflow.syntax import (
    Module,
    bindings,
    bound_calls,
    bound_only_to,
    builds_own_url,
    callee_of,
    constant_text,
    data_parameters,
    is_command_line,
    is_flask_view,
    is_handler,
    is_public,
    is_test,
    loads_yaml_safely,
    renders_template_file,
    unparsed,
)
from secreview.engines.pyflow.taint import (
    NOT_CALLS,
    PATH_OPERATOR,
    REQUEST_SOURCE,
    RETURN,
    Checker,
    Hit,
    RequestReader,
    Summary,
    Taint,
    parameter_taint,
)
from secreview.models import FlowStep
from secreview.sinks import HANDLER_METHODS, REQUEST_DATA

# Standard modules count as imported (a function cut out of its module has no imports): os.path.join(...).
_STANDARD_MODULES = frozenset(getattr(sys, "stdlib_module_names", ()))  # Python 3.10+
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")  # a module's table, as request_taint.yaml's allow-listed key reads it
_TRY: tuple[type[ast.stmt], ...] = (ast.Try, *([ast.TryStar] if sys.version_info >= (3, 11) else []))
_WRITES = frozenset({"write", "writelines"})  # methods that write text into a buffer


@dataclass
class Walker:
    """One walk of one function body. `env` maps a variable (or `self.attr`) to the taint it carries."""

    summaries: dict[str, list[Summary]]  # wrapper name -> what its parameters reach
    # request data counts as a source: at wrapper sinks, and at direct sinks when a project function returned
    # it (what Semgrep's rules read themselves they report themselves)
    request_sources: bool
    module: Module  # what the function's module says: its imports (calls through them pass data on), functions
    built_only: bool  # direct sinks count only a value built into a query, command or path (see walk)
    private: bool  # a private function: every sink counts only a value built from a parameter (see walk)
    readers: Mapping[str, RequestReader] = field(default_factory=dict)  # function name -> it returns request data
    checkers: Mapping[str, Checker] = field(default_factory=dict)  # function name -> it returns its input checked
    html_view: bool = False  # a Flask view: what it returns is the page (see returned_as_html)
    env: dict[str, Taint] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)  # variables given a pathlib path here (`/` joins onto them)
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the function walked, for _maker
    returned: list[Taint] = field(default_factory=list)  # what the function's return statements give back
    returned_text: list[Taint] = field(default_factory=list)  # of those, what they give as text (see _page_body)
    hits: list[Hit] = field(default_factory=list)
    joins: dict[ast.expr, Hit] = field(default_factory=dict)  # candidates at path joins, unless checked later
    checked: set[int] = field(default_factory=set)  # indexes into `joins` of paths checked afterwards

    @cached_property
    def no_pages(self) -> frozenset[int]:
        """The calls whose response is then told its content type is no page (see served_as_no_page)."""
        return served_as_no_page(self.function) if self.function is not None else frozenset()

    @cached_property
    def made_by(self) -> dict[str, str]:
        """Each variable the function binds to a call's result, and each attribute its class's methods bind to one,
        -> that call's name (see bound_calls)."""
        if self.function is None:
            return {}
        return {**self.module.attributes_made.get(id(self.function), {}), **bound_calls(self.function)}

    @cached_property
    def argument_vectors(self) -> frozenset[str]:
        """The variables the function binds only to lists or tuples (`cmd = ["sysctl", "-w", setting]`)."""
        return bound_only_to(self.function, _vector) if self.function is not None else frozenset()

    # expressions --------------------------------------------------------------------------------------
    def taint(self, node: ast.AST | None) -> Taint | None:
        """The taint the value of `node` carries (the first one found), or None."""
        if node is None:
            return None
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            key = unparsed(node)
            if key in self.env:
                return self.env[key]
            if self.request_sources and REQUEST_DATA.match(key):
                return Taint(REQUEST_SOURCE, (FlowStep(line=node.lineno, note=f"{key} is request data"),))
            if isinstance(node, ast.Name):
                return None
            return self.taint(node.value)
        if isinstance(node, ast.Call):
            return self._call_taint(node)
        if isinstance(node, (ast.Compare, ast.Constant, ast.Lambda)):
            return None
        if isinstance(node, ast.BoolOp) and all(isinstance(value, ast.Compare) for value in node.values):
            return None
        if isinstance(node, ast.BinOp):
            found = self.taint(node.left) or self.taint(node.right)
            if found is not None and (isinstance(node.op, ast.Mod) or (isinstance(node.op, ast.Add) and _text(node))):
                return self._formatted(found, node.left, node.lineno)
            if found is not None and isinstance(node.op, ast.Div) and self._path_valued(node.left):
                return self._path_join(node, PATH_OPERATOR, [node.left], [node.right]) or found
            return found
        if isinstance(node, ast.JoinedStr):
            found = self._first(node.values)
            return self._formatted(found, node, node.lineno) if found is not None else None
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._first(generator.iter for generator in node.generators)
        if isinstance(node, ast.NamedExpr):
            return self.taint(node.value)
        if isinstance(node, ast.IfExp):  # `"incoming" if incoming else "outgoing"`: the test chooses, is not given
            return self._first([node.body, node.orelse])
        return self._first(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))

    def _path_valued(self, node: ast.expr) -> bool:
        """Whether `node` holds a pathlib path, so that `node / name` joins a name onto it rather than divides
        numbers (`total / count`): a Path made or returned by pathlib, a name that says it holds a path, a
        variable given one here, or a `/` chain with a text part (`BASE / "static" / name`)."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._path_valued(node.left) or constant_text(node.right) is not None
        if isinstance(node, ast.Call):
            return bool(PATH_MAKERS.search(callee_of(node)))
        if isinstance(node, ast.Subscript):
            return self._path_valued(node.value)  # path.parents[1]
        if isinstance(node, (ast.Name, ast.Attribute)):
            key = unparsed(node)
            return key in self.paths or bool(PATH_NAMES.search(key.rsplit(".", 1)[-1]))
        return False

    def _first(self, nodes: object) -> Taint | None:
        """The taint of the first node that carries one, one that no sanitiser made safe before any other:
        in `(quote_name(table), ",".join(types))` what reaches the query is `types`."""
        first = None
        for child in nodes:  # type: ignore[attr-defined]
            found = self.taint(child)
            if found is not None and not found.safe_for:
                return found
            first = first or found
        return first

    def _path_join(self, node: ast.expr, how: str, base: object, parts: list[ast.expr]) -> Taint | None:
        """A caller's value joined onto a directory that does not come from it (os.path.join(root, name),
        root / name): a candidate for path traversal where it is joined, whatever the path is then used for (a
        name with `..` or an absolute path leaves the directory), unless the path is checked afterwards. None
        when no part after the base carries such a value."""
        bases = [base] if isinstance(base, ast.expr) else list(base)  # type: ignore[call-overload]
        fixed = self._first(bases)
        found = next(
            (
                taint
                for taint in map(self.taint, parts)
                if taint is not None and (fixed is None or taint.source != fixed.source)
            ),
            None,
        )
        if found is None:
            return None
        # a base joined from a caller's value before (`ROOT / key / name`) is part of this path: checking the path
        # checks that join too
        joined = replace(found, joined=True, joins=found.joins | (fixed.joins if fixed is not None else frozenset()))
        if not found.safe(22) and not found.seen_by_rules:
            if node not in self.joins:
                self._hit(22, node, how, "joins it onto a directory path", joined)
                self.joins[node] = self.hits.pop()
            joined = replace(joined, joins=joined.joins | {list(self.joins).index(node)})
        return joined.then(node.lineno, f"joined into a path by {how}")

    def _by_identifier(self, call: ast.Call) -> bool:
        """Whether every value of the caller's that the call is given is named as an identifier (`book_id`,
        `pk=pk`): a lookup given one returns the record it names."""
        given = [(unparsed(value), value) for value in call.args]
        given += [(keyword.arg or unparsed(keyword.value), keyword.value) for keyword in call.keywords]
        tainted = [name for name, value in given if self.taint(value) is not None]
        return bool(tainted) and all(IDENTIFIERS.search(name) for name in tainted)

    def _maker(self, value: ast.expr) -> str:
        """The name of the call that made `value`: called there, or bound to its variable in the function."""
        if isinstance(value, ast.Call):
            return callee_of(value)
        return self.made_by.get(unparsed(value), "")

    def _sink_name(self, call: ast.Call, callee: str) -> str:
        """The name sink rules know a call by: a request method of an HTTP client made in the function (`async with
        httpx.AsyncClient() as client: await client.get(url)`) is the module's function of that name."""
        if isinstance(call.func, ast.Attribute) and HTTP_CLIENTS.search(self._maker(call.func.value)):
            return f"httpx.{call.func.attr}"
        return callee

    def _passes_on(self, receiver: ast.expr) -> bool:
        """Whether a method called with a tainted argument returns data made from it: a function of an imported
        module, a string method or the class's own method does; another object's method (`db.get(key)`,
        `self.cache.fetch(name)`) returns what that object holds."""
        root = receiver
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            root = root.func if isinstance(root, ast.Call) else root.value
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
            return True  # the class's own helper (self._format(value))
        return isinstance(root, ast.Constant) or (
            isinstance(root, ast.Name) and (root.id in self.module.imported or root.id in _STANDARD_MODULES)
        )

    @staticmethod
    def _formatted(found: Taint, template: ast.AST, line: int) -> Taint:
        text = found.text
        if not text:
            constants = [
                n.value for n in ast.walk(template) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            text = next((value for value in constants if value.strip()), "")
        return replace(found, formatted=True, joined=True, text=text).then(line, "built into a string")

    def _call_taint(self, call: ast.Call) -> Taint | None:
        callee = callee_of(call)
        name = callee.rsplit(".", 1)[-1]
        reader = self.readers.get(name) if self.request_sources else None
        if reader is not None:
            note = f"{callee}() returns request data ({reader.path}:{reader.line})"
            steps = (FlowStep(line=call.lineno, note=note),)
            return Taint(REQUEST_SOURCE, steps, read_by_helper=True, safe_for=frozenset(reader.checked_for))
        # Tornado's self.get_argument(), and the request's own readers (`await request.form()`, `request.get_json()`)
        if self.request_sources and (name in HANDLER_METHODS or REQUEST_DATA.match(callee)):
            return Taint(REQUEST_SOURCE, (FlowStep(line=call.lineno, note=f"{callee}() is request data"),))
        sanitised = frozenset({22}) if _normalised_under_root(call) else sanitises(callee)
        if (checker := self.checkers.get(name)) is not None:
            sanitised |= frozenset(checker.checked_for)  # the project's own check (Django's target_filename)
        if FORMATS_HTML.search(callee) and call.args and self.taint(call.args[0]) is None:
            sanitised |= {79}  # format_html("<b>{}</b>", name) escapes the name
        if ALL in sanitised or (LOOKUPS.search(name) and self._by_identifier(call)):
            return None
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        found = self.taint(receiver) if receiver is not None else None
        if found is None and (receiver is None or self._passes_on(receiver)):
            found = self._first(arguments)
        if found is None:
            return None
        if sanitised:
            return replace(found, safe_for=found.safe_for | sanitised).then(call.lineno, f"checked by {callee}()")
        if FORMATTERS.search(callee) or (
            callee.endswith(".join") and receiver is not None and constant_text(receiver) is not None
        ):
            return self._formatted(found, receiver if receiver is not None else call, call.lineno)
        if JOINS.search(callee):
            base, parts = (receiver, call.args) if callee.endswith("joinpath") else (call.args[:1], call.args[1:])
            return self._path_join(call, callee, base, parts) or found
        if READS.search(callee):
            return None  # what a file at that path holds is not the value itself
        if RESPONSE_BUILDERS.search(callee):  # its body is judged as a page where it is built, not again
            return replace(found, safe_for=found.safe_for | {79})
        if renders_template_file(call):
            return replace(found, safe_for=found.safe_for | {79}).then(call.lineno, f"rendered by {callee}()")
        if builds_own_url(call):  # a project's helper of url_for (which SANITISERS name)
            return replace(found, safe_for=found.safe_for | {601}).then(call.lineno, f"a route's URL from {callee}()")
        return found

    # sinks ----------------------------------------------------------------------------------------------
    def check_calls(self, node: ast.AST) -> None:
        """Record every call in `node` (not in nested functions) that passes a tainted value to a sink; a
        comprehension's variable holds what its iterable gives while they are checked (`[fetch(v) for v in
        form.getlist(k)]`), and only then (its scope is the comprehension)."""
        comprehensions = [n for n in _local_nodes(node) if isinstance(n, ast.comprehension)]
        outside = {key: self.env.get(key) for c in comprehensions for key in _names_in([c.target])}
        for comprehension in comprehensions:
            self.assign(comprehension.target, self.taint(comprehension.iter), comprehension.iter.lineno)
        self._check_calls(node)
        for key, found in outside.items():
            self.env.pop(key, None)
            if found is not None:
                self.env[key] = found

    def _check_calls(self, node: ast.AST) -> None:
        messages = {id(inner) for call in _calls(node) if MESSAGES.search(callee_of(call)) for inner in _calls(call)}
        unmarked = undone_marks(_calls(node))
        for call in _calls(node):
            callee = callee_of(call)
            if JOINS.search(callee) and id(call) not in messages:
                self._call_taint(call)  # a caller's value joined onto a directory is a candidate wherever it goes,
                # but into a log message (log.error("not found: %s", os.path.join(root, name))) it is only text
            own = callee in self.module.defined or callee in self.module.classes
            rule = sink_rule(self._sink_name(call, callee)) if not own else None
            if rule is not None:
                if not (rule.cwe == 79 and id(call) in unmarked):
                    self._direct(call, callee, rule)
                continue
            bare = callee.rsplit(".", 1)[-1]
            if self._calls_itself(callee):
                continue
            if bare in self.summaries and not self._of_a_standard_module(callee):
                self._through_wrapper(call, callee, self.summaries[bare])
            elif COMMAND_WRAPPER.search(bare) and not sanitises(callee) and bare not in self.module.runs_nothing:
                self._by_name(call, callee)

    def _of_a_standard_module(self, callee: str) -> bool:
        """`re.search(...)` where the module imports re: the standard library's function, not the project's function
        of that name (Mailman's template `search`)."""
        module, _, rest = callee.partition(".")
        return bool(rest) and module in _STANDARD_MODULES and module in self.module.imported

    def _calls_itself(self, callee: str) -> bool:
        """A recursive call: the function's sinks are its contract, its callers are checked through its summary. Only
        the function itself (bare, `self.`, `cls.`); another object's method of the same name is that method."""
        if self.function is None:
            return False
        return callee in {f"{owner}{self.function.name}" for owner in ("", "self.", "cls.")}

    def _direct(self, call: ast.Call, callee: str, rule: SinkRule) -> None:
        if rule.safe_keywords and _made_safe(call, rule, self.no_pages, self.module.yaml_loaders):
            return
        if rule.needs_shell and not any(
            keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value)
            for keyword in call.keywords
        ):
            return
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if receiver is not None and rule.safe_receivers and rule.safe_receivers.search(self._maker(receiver)):
            return
        value = receiver if rule.argument is None else _argument(call, rule.argument, rule.keywords)
        if rule.cwe == 22 and receiver is not None and self._opens_itself(call, receiver, value):
            value = receiver
        if value is None or isinstance(value, (ast.Constant, ast.List, ast.Tuple)):
            return  # a constant query or command, or an argument list (no shell): nothing to inject into
        if isinstance(value, ast.Name) and value.id in self.argument_vectors:
            return  # the same, bound to a variable first (neutron's `netns.execute(cmd)` runs a command, not SQL)
        found = self.taint(value)
        if found is None or found.safe(rule.cwe) or found.seen_by_rules:
            return
        if rule.cwe == 89 and self._no_sql_in(value, found):
            return  # text with no SQL in it, or a statement built by an expression language that binds its values
        if found.source != REQUEST_SOURCE and not rule.contents:  # a parameter, not request data
            if self.private and not (found.formatted or found.joined):
                return
            if self.built_only and rule.cwe in BUILT and not (found.joined if rule.cwe == 22 else found.formatted):
                return  # a query, command or path used whole is the function's contract (callers: see its summary)
        if rule.cwe in (601, 918) and self._starts_fixed(value):
            return  # "/users/" + name, url_for("login") + "?next=" + url: the value cannot choose where it goes
        self._hit(rule.cwe, call, callee, rule.what, found)

    def _opens_itself(self, call: ast.Call, receiver: ast.expr, given: ast.expr | None) -> bool:
        """`entry.open(mode="r")`, `(base / name).open("rb")`: an object made here, by a class or a path join, opened
        with a mode only: the object is the file opened (moin's `CacheEntry(request, arena, key + ".data")`, pathlib's
        path), not its mode. A module's `open` (`tarfile.open`) and an object looked up (an upload's own `open()`
        after `request.files.get("file")`) are neither."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "open"):
            return False
        if given is not None and not _OPEN_MODE.match(constant_text(given) or ""):
            return False
        if _CLASS.search(self._maker(receiver)):  # made here, or bound to a variable here, by a class
            return True
        made = [receiver, *self._assigned_to(receiver)]
        return any(isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div) for value in made)

    def _starts_fixed(self, value: ast.expr) -> bool:
        """Whether a URL built by concatenation or formatting (here, or where the function binds the variable once)
        starts where the code says: a fixed path or scheme and host, the application's own URL for a route
        (`f"{request.url_for('login')}?{query}"`), or a value from nowhere the walk follows (a configured base)
        followed by a path, query or fragment (`f"{config.fallback_url}/{project}/"`)."""
        assigned = self._assigned_to(value)
        if len(assigned) == 1 and self.function is not None and bindings(self.function)[unparsed(value)] == 1:
            value = assigned[0]
        pieces = _pieces(value)
        if len(pieces) < 2:
            return False
        first, then = pieces[0], constant_text(pieces[1]) or ""
        if (text := constant_text(first)) is not None:
            return bool(_FIXED_START.match(text))
        if isinstance(first, ast.Call) and builds_own_url(first):
            return True
        return self.taint(first) is None and then.startswith(("/", "?", "#")) and not then.startswith("//")

    @cached_property
    def assignments(self) -> dict[str, list[ast.expr]]:
        """What the function assigns or adds to each variable (`cmd = ...`, `cmd += ...`), read once: every exiting
        `if` test asks it of its names."""
        found: dict[str, list[ast.expr]] = {}
        for node in ast.walk(self.function) if self.function is not None else ():
            if isinstance(node, ast.Assign | ast.AugAssign):
                for name in {unparsed(target) for target in _targets(node)}:
                    found.setdefault(name, []).append(node.value)
        return found

    def _assigned_to(self, value: ast.expr) -> list[ast.expr]:
        """What the function assigns or adds to a variable; nothing for other values."""
        return self.assignments.get(value.id, []) if isinstance(value, ast.Name) else []

    def _no_sql_in(self, value: ast.expr, found: Taint) -> bool:
        """Whether the text a value was built into, in the expression or where the function binds its variable,
        holds no word of SQL (neutron's `netns.execute("sysctl -w net.ipv4.conf.%s.proxy_arp=1" % name)`), or no
        text at all went into a statement that SQLAlchemy's expression language built (ironic's
        `session.execute(add_identity_filter(sa.select(...), node_id).limit(1))`: the value is bound)."""
        built = [value, *self._assigned_to(value)]
        texts = [found.text] if found.text else []
        texts += [
            text
            for node in built
            for n in ast.walk(node)
            if isinstance(n, ast.expr) and (text := constant_text(n)) and text.strip()
        ]
        if not texts:
            return bool(SQL_EXPRESSIONS.search(self._maker(value)))
        return not any(SQL_WORDS.search(text) for text in texts)

    def _through_wrapper(self, call: ast.Call, callee: str, summaries: list[Summary]) -> None:
        method_call = isinstance(call.func, ast.Attribute)
        for summary in summaries:
            value = _argument(call, summary.position, (summary.param,)) if summary.position is not None else None
            if value is None:
                value = next((kw.value for kw in call.keywords if kw.arg == summary.param), None)
            if value is None or isinstance(value, ast.Constant) or (method_call and summary.position is None):
                continue
            found = self.taint(value)
            if found is not None and not found.safe(summary.cwe) and not (self.private and not found.formatted):
                what = f"passes it to {summary.function}(), which {summary.what} ({summary.path}:{summary.line})"
                self._hit(summary.cwe, call, callee, what, found, via=summary)

    def _by_name(self, call: ast.Call, callee: str) -> None:
        program = constant_text(call.args[0]) if len(call.args) >= 2 else None
        if program and _PROGRAM.match(program) and not _SHELLS.search(program):
            return  # an argument vector spread over the arguments (ironic's `execute("dd", "if=%s" % src)`)
        for value in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if (
                _vector(value)
                or isinstance(value, ast.Starred)  # `execute(*cmd)`: the sequence's items are the arguments
                or _text(value) is False
                or (isinstance(value, ast.Name) and value.id in self.argument_vectors)
            ):
                continue  # an argument vector: no shell splits it
            found = self.taint(value)
            if found is None or not found.formatted:
                continue
            cwe = 89 if SQL_TEXT.match(found.text) else 78
            if not found.safe(cwe):
                what = f"passes a {'query' if cwe == 89 else 'command line'} built from it to {callee}()"
                self._hit(cwe, call, callee, what, found, by_name=True)
                return

    def _returned_as_html(self, node: ast.Return, found: Taint) -> None:
        """A Flask view's string (`_page_body`) is served as text/html: request data returned as it is, or built
        into the text, is cross-site scripting unless escaped. Request data the view reads itself and its route
        parameters are Semgrep's (python-reflected-xss); this is for what a project helper returned, which Semgrep
        cannot see."""
        if found.read_by_helper and not found.safe(79):
            self._hit(79, node, RETURN, "returns it as the page's HTML", found)

    def _hit(self, cwe: int, node: ast.AST, callee: str, what: str, found: Taint, **how: object) -> None:
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", None) or line
        taint = found.then(line, what if callee in NOT_CALLS else f"{callee}() {what}")
        self.hits.append(Hit(cwe, line, end, callee, what, taint, **how))  # type: ignore[arg-type]

    # statements -------------------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> bool:
        """Walk statements in order; True when the block always leaves (return, raise, abort())."""
        return any(self.statement(statement) for statement in body)

    def statement(self, node: ast.stmt) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False  # walked on their own
        if isinstance(node, ast.If):
            return self._branch(node)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.check_calls(node.iter if not isinstance(node, ast.While) else node.test)
            if not isinstance(node, ast.While):
                self.assign(node.target, self.taint(node.iter), node.lineno)
            self._merged(node.body, node.orelse)
            return False
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.check_calls(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, self.taint(item.context_expr), node.lineno)
            return self.block(node.body)
        if isinstance(node, _TRY):
            node = cast(ast.Try, node)  # try/except* (3.11+) has the same fields
            exits = self.block(node.body)
            self._merged([], *(handler.body for handler in node.handlers), node.orelse)
            if node.handlers and all(handler.body and _leaves(handler.body[-1]) for handler in node.handlers):
                # `try: path.resolve().relative_to(root) except ValueError: raise Forbidden()`
                checks = (call for part in node.body for call in _calls(part) if RAISING_CHECKS.search(callee_of(call)))
                self._checked(_names_in(checks))
                if any(_catches_missing_keys(handler) for handler in node.handlers):
                    self._checked(_table_keys(node.body))  # `try: label = LINKS[link] except KeyError: raise`
            return self.block(node.finalbody) or (exits and not node.handlers)
        if isinstance(node, ast.Match):
            self.check_calls(node.subject)
            self._merged(*(case.body for case in node.cases))
            return False
        self.check_calls(node)
        if isinstance(node, ast.Assign):
            if isinstance(node.value, ast.Call):
                self._validated(node.value)  # name = validate_file_name(name)
            found = self.taint(node.value)
            for target in node.targets:
                self.assign(target, found, node.lineno)
                self._note_path(target, self._path_valued(node.value))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign(node.target, self.taint(node.value), node.lineno)
            self._note_path(node.target, _names_path(node.annotation) or self._path_valued(node.value))
        elif isinstance(node, ast.AugAssign):
            key, found = unparsed(node.target), self.taint(node.value)
            if found is not None:
                self.env[key] = self._formatted(found, node.value, node.lineno).then(node.lineno, f"added to {key}")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if not self._validated(node.value):
                self._mutation(node.value)
        elif isinstance(node, ast.Return):
            found = self.taint(node.value)
            if found is not None:
                self.returned.append(found)
                if _page_body(node.value) is not None:
                    self.returned_text.append(found)
                    if self.html_view:
                        self._returned_as_html(node, found)
        return _leaves(node)

    def assign(self, target: ast.AST, found: Taint | None, line: int) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign(element, found, line)
            return
        if isinstance(target, ast.Starred):
            target = target.value
        if isinstance(target, ast.Subscript):  # d[k] = tainted taints d; d[k] = clean leaves d as it was
            if found is not None:
                self.env[unparsed(target.value)] = found.then(line, f"stored in {unparsed(target.value)}")
            return
        key = unparsed(target)
        if found is None:
            self.env.pop(key, None)
        else:
            self.env[key] = found.then(line, f"assigned to {key}")

    def _validated(self, call: ast.Call) -> bool:
        """A validator raises unless the values it is given are allowed: they are checked from here on (the names
        in its arguments, not `self` of self.validate_name), a redirect target's for a redirect and a request.
        False when `call` is no validator."""
        callee = callee_of(call)
        weaknesses: frozenset[int | str]
        if VALIDATORS.search(callee):
            weaknesses = frozenset({ALL})
        elif URL_VALIDATORS.search(callee):
            weaknesses = URL_WEAKNESSES
        else:
            return False
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        self._checked(_names_in(arguments), weaknesses)
        return True

    def _note_path(self, target: ast.AST, is_path: bool) -> None:
        """Remember whether a variable now holds a path (for `/`), or forget that it did."""
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return
        if is_path:
            self.paths.add(unparsed(target))
        else:
            self.paths.discard(unparsed(target))

    def _mutation(self, call: ast.Call) -> None:
        """`items.append(tainted)` and the like taint the container; `buffer.write(tainted)` builds text in a
        buffer (io.StringIO), as formatting does, though what is written names no path: a file's name is not its
        contents (`scratch.write(html)`, then `os.unlink(scratch.name)`)."""
        if not isinstance(call.func, ast.Attribute):
            return
        method, key = call.func.attr, unparsed(call.func.value)
        found = self._first(call.args) if method in ADDS or method in _WRITES else None
        if found is not None and method in _WRITES:
            written = self._formatted(found, call, call.lineno).then(call.lineno, f"written into {key}")
            self.env[key] = replace(written, safe_for=written.safe_for | {22})
        elif found is not None:
            self.env[key] = found.then(call.lineno, f"added to {key}")

    def _merged(self, *bodies: list[ast.stmt]) -> None:
        """Walk alternative blocks from the same state (an empty one: the state as it is); afterwards a value
        is tainted, and as unchecked as, on the worst of them."""
        start, merged = dict(self.env), dict(self.env)
        for body in bodies:
            self.env = dict(start)
            self.block(body)
            merged = _joined(merged, self.env)
        self.env = merged

    def _branch(self, node: ast.If) -> bool:
        self.check_calls(node.test)
        start = dict(self.env)
        self._passed_checks(node.test)
        body_exits = self.block(node.body)
        after_body = self.env
        self.env = dict(start)
        else_exits = self.block(node.orelse)
        after_else = self.env
        if body_exits and else_exits:
            return True
        if body_exits:  # the rest runs only where the test failed: a value the test checks is checked
            self.env = after_else
            self._checked_by(node.test, passed=False)
        elif else_exits:
            self.env = after_body
            self._checked_by(node.test, passed=True)
        else:
            self.env = _joined(after_body, after_else)
        return False

    def _passed_checks(self, test: ast.expr) -> None:
        """In the branch of `if target and is_safe_url(target):` the URL passed the check (URL_CHECKS), for a
        redirect and a request; in that of `if valid_key(key) and ...:` (or `valid = valid_key(key)`, `if valid and
        ...:`, or `if name in ALLOWED:`) the value passed any other check, as after an exiting `if not ...:`. Only
        what every conjunct says: a check that may have failed (`or`, `not`, `not in`) says nothing, nor one that
        only tells kinds apart (_judges_a_value), nor a call that only has a checked value in it (`isinstance(obj,
        SafeData)` where `obj = mark_safe(...)` comes later in the loop)."""
        for part in test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]:
            check = part if isinstance(part, ast.Call) else None
            if isinstance(part, ast.Name):
                check = next((value for value in self._assigned_to(part) if isinstance(value, ast.Call)), None)
            if check is not None and URL_CHECKS.search(callee_of(check)):
                self._checked(_names_in([check]), URL_WEAKNESSES)
            elif check is not None and CHECKS.search(callee_of(check)) and self._judges_a_value(check):
                joins_checked = set(self.checked)
                parent_passes = _lets_a_parent_through(check, part, part, passed=True)
                self._checked(_names_in([check]), NOT_PATHS if parent_passes else frozenset({ALL}))
                self.checked = joins_checked  # a path joined before may be used unchecked outside the branch
            elif isinstance(part, ast.Compare) and _in_fixed_table(part):
                self._checked(_names_in([part.left]))

    def _judges_a_value(self, check: ast.Call) -> bool:
        """Whether a check that passed says a value is allowed: not a form's own `form.is_valid()` (its fields judged
        by their types, not by what a path or a page may hold); `startswith` only of a path made whole
        (`os.path.realpath(path).startswith(root)`, or a path joined here): of a name before it is joined
        (whitenoise's `url.startswith(prefix)`, then `os.path.join(root, url[len(prefix):])`) or a kind of value
        (`url.startswith("http")`) it says nothing of `..` in it, nor does `endswith` ever. A string's
        `name.isalnum()` is a check."""
        callee = callee_of(check)
        if STRING_CHECKS.search(callee):
            return True
        if isinstance(check.func, ast.Attribute) and check.func.attr == "endswith":
            return False
        if isinstance(check.func, ast.Attribute) and check.func.attr == "startswith":
            receiver = check.func.value
            if isinstance(receiver, ast.Call):
                return bool(_RESOLVERS.search(callee_of(receiver)))
            found = self.taint(receiver)
            return found is not None and found.joined
        return bool(check.args or check.keywords)

    def _checked_by(self, test: ast.expr, passed: bool) -> None:
        """The values an exiting `if` test checks (containment, allow-list, pattern) are safe after it (`passed`:
        whether the values that go on made the test true). A pattern that lets `../` through checks no path."""
        # each check and what stands for it in the test: itself, or the variable its answer was kept in first
        # (`common = os.path.commonpath([root, path])`, `if common != root:`; `m = re.fullmatch(P, path)`, `if m:`)
        stood_for: list[tuple[ast.Call, ast.expr]] = [
            (n, n) for n in ast.walk(test) if isinstance(n, ast.Call) and CHECKS.search(callee_of(n))
        ]
        stood_for += [
            (value, n)
            for n in ast.walk(test)
            if isinstance(n, ast.Name)
            for value in self._assigned_to(n)
            if isinstance(value, ast.Call) and CHECKS.search(callee_of(value))
        ]
        allow_list = [
            n
            for n in ast.walk(test)
            if isinstance(n, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in n.ops)
        ]
        no_path_checks = [n for n, stand_in in stood_for if _lets_a_parent_through(n, stand_in, test, passed)]
        checks = [n for n, _ in stood_for]
        checked = _names_in([n for n in [*checks, *allow_list] if n not in no_path_checks])
        self._checked(checked)
        self._checked(_names_in(no_path_checks) - checked, NOT_PATHS)

    def _checked(self, names: set[str], weaknesses: frozenset[int | str] = frozenset({ALL})) -> None:
        """The values of these variables (and of their attributes and items) are checked from here on, for these
        weaknesses."""
        if not names:
            return  # most `if` tests check nothing: no need to read every value
        for key in list(self.env):
            if key.split(".")[0].split("[")[0] in names:
                self.env[key] = replace(self.env[key], safe_for=self.env[key].safe_for | weaknesses)
                if ALL in weaknesses:
                    self.checked.update(self.env[key].joins)


def _leaves(statement: ast.stmt) -> bool:
    """Whether a simple statement leaves its block (return, raise, continue, break, abort())."""
    return isinstance(statement, (ast.Return, ast.Raise, ast.Continue, ast.Break)) or (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and bool(EXITS.search(callee_of(statement.value)))
    )


def _catches_missing_keys(handler: ast.ExceptHandler) -> bool:
    """`except KeyError:` (or LookupError, alone or among others)."""
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(error is not None and unparsed(error) in ("KeyError", "LookupError") for error in caught)


def _table_keys(body: list[ast.stmt]) -> set[str]:
    """The variables used as keys of a constant table (`PROFILE_LINKS[link]`, an upper-case name) in the statements
    of a `try`: where they are none of its keys, KeyError is raised."""
    return {
        node.slice.id
        for statement in body
        for node in ast.walk(statement)
        if isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Name)
        and _CONSTANT_NAME.match(unparsed(node.value).rsplit(".", 1)[-1])
    }


def _in_fixed_table(test: ast.Compare) -> bool:
    """`name in ALLOWED`, `mode in ("r", "w")`: a value found among those the code fixed. Not `"path" in data` (a
    key in a table says nothing of the value under it), nor `name in changed` (a collection a caller gave)."""
    if not (len(test.ops) == 1 and isinstance(test.ops[0], ast.In)) or constant_text(test.left) is not None:
        return False
    table = test.comparators[0]
    if isinstance(table, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(item, ast.Constant) for item in table.elts)
    return isinstance(table, (ast.Name, ast.Attribute)) and bool(_CONSTANT_NAME.match(unparsed(table).rsplit(".")[-1]))


def _names_in(nodes: Iterable[ast.AST]) -> set[str]:
    """The variables the expressions read."""
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _lets_a_parent_through(check: ast.Call, stand_in: ast.expr, test: ast.expr, passed: bool) -> bool:
    """Whether a regular expression check lets `../` through: what goes on after `if not re.match(P, name): abort()`
    matches P, after `if re.search(P, name): abort()` does not. An allow-list of `[A-Za-z0-9_./-]` is no path check
    (langchain's LocalFileStore, CVE-2024-3571), nor a route's pattern that what goes on failed (mkdocs' `m =
    re.fullmatch(r"/livereload/([0-9]+)/[0-9]+", path)`, `if m: return ...`). `stand_in`: the check in the test, or
    the variable its answer was kept in."""
    how = callee_of(check).removeprefix("re.")
    pattern = constant_text(check.args[0]) if check.args else None
    if how not in ("match", "fullmatch", "search") or pattern is None:
        return False
    if test is stand_in:
        matched = passed
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and test.operand is stand_in:
        matched = not passed
    else:
        return False
    try:
        return (getattr(re, how)(pattern, PARENT) is not None) == matched
    except re.error:
        return False


def _page_body(value: ast.expr | None) -> ast.expr | None:
    """What a return statement gives as a page's text, of `body` or `(body, status)`: a value or text built from one.
    Dicts and lists are served as JSON; a call (jsonify, render_template, make_response, a project helper) is
    judged where its answer is made, a value put into a response object by one where the response is built; a body
    given with headers is not judged here."""
    body = value
    if isinstance(body, ast.Tuple) and len(body.elts) == 2 and not isinstance(body.elts[1], ast.Dict):
        body = body.elts[0]
    return body if isinstance(body, (ast.Name, ast.Attribute, ast.Subscript, ast.JoinedStr, ast.BinOp)) else None


def _text(node: ast.expr) -> bool | None:
    """Whether `a + b` is string concatenation: True when a side is a string literal or f-string, False when
    a side is a list, None when it cannot be told without types."""
    sides: list[ast.expr] = []
    pending = [node]
    while pending:  # the operands of a chain a + b + c
        current = pending.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            pending += [current.left, current.right]
        else:
            sides.append(current)
    if any(isinstance(side, (ast.List, ast.ListComp, ast.Tuple)) for side in sides):
        return False
    if any(isinstance(side, ast.JoinedStr) or constant_text(side) is not None for side in sides):
        return True
    return None


_PROGRAM = re.compile(r"^[\w./+-]+$")  # one word: a program's name or path, not a command line
_SHELLS = re.compile(r"(^|/)(sh|bash|dash|zsh|ksh|csh|tcsh|fish|cmd(\.exe)?|powershell(\.exe)?|pwsh)$", re.IGNORECASE)
_RESOLVERS = re.compile(r"(^|\.)(realpath|abspath|normpath|resolve|absolute)$")  # a path made whole
_OPEN_MODE = re.compile(r"^[rwxabt+]{1,3}$")  # open()'s mode: "r", "rb", "w+", "xb"
_CLASS = re.compile(r"(^|\.)[A-Z]\w*$")  # a class's name, as called to make an object (`caching.CacheEntry`)
_FIXED_START = re.compile(r"^(/(?!/)|[a-z][a-z0-9+.-]*://[^/]+/)", re.IGNORECASE)


def _names_path(annotation: ast.expr | None) -> bool:
    """An annotation that says the value is a path (`Path`, `pathlib.PurePath`, `os.PathLike[str]`)."""
    return annotation is not None and bool(PATH_ANNOTATION.search(unparsed(annotation)))


def _pieces(node: ast.expr) -> list[ast.expr]:
    """The parts a text is built of, in order: of a concatenation, an f-string (the formatted values themselves), or
    `"...%s" % x` (its template only); one part for anything else."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _pieces(node.left) + _pieces(node.right)
    if isinstance(node, ast.JoinedStr):
        return [part.value if isinstance(part, ast.FormattedValue) else part for part in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and constant_text(node.left) is not None:
        return [node.left, node.right]
    return [node]


def _normalised_under_root(call: ast.Call) -> bool:
    """`posixpath.normpath("/" + name).lstrip("/")`: normalised as a path under the root, no `..` is left to
    climb with, and taking the slash off makes it relative again (how mkdocs fixed CVE-2021-40978)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("lstrip", "strip") and isinstance(func.value, ast.Call)):
        return False
    normalised = func.value
    return (
        [constant_text(argument) for argument in call.args] == ["/"]
        and bool(NORMALISERS.search(callee_of(normalised)))
        and len(normalised.args) == 1
        and (constant_text(_pieces(normalised.args[0])[0]) or "").startswith("/")
    )


def _joined(one: dict[str, Taint], other: dict[str, Taint]) -> dict[str, Taint]:
    """Two states where control flow meets: each value as tainted and as unchecked as on either way."""
    joined = {**other, **one}
    for key in one.keys() & other.keys():
        if one[key].safe_for > other[key].safe_for:
            joined[key] = other[key]
        joined[key] = replace(joined[key], joins=one[key].joins | other[key].joins)  # a check clears either way's
    return joined


def _made_safe(call: ast.Call, rule: SinkRule, no_pages: frozenset[int], yaml_loaders: frozenset[str]) -> bool:
    """A keyword (or argument) that makes this sink call safe: members= or filter="data" for extractall and
    shutil.unpack_archive (or the zip format for the latter), a safe YAML loader (the module's own too:
    `yaml_loaders`), a content type no browser renders as a page (text/plain, application/json) for a response,
    given as a keyword, in its headers (`make_response(message, 400, {"Content-Type": "text/plain"})`) or set on
    the response afterwards (`no_pages`), or a dict that Flask's make_response serves as JSON."""
    if rule.safe_keywords == SAFE_YAML_LOADERS:
        return loads_yaml_safely(call, yaml_loaders)
    archive_format = _argument(call, 2, ("format",)) if callee_of(call) == "shutil.unpack_archive" else None
    if archive_format is not None and constant_text(archive_format) == "zip":
        return True  # shutil.unpack_archive(archive, dest, "zip"): its zip unpacking skips '..' and absolute names
    if set(rule.safe_keywords) & set(CONTENT_TYPES):
        if id(call) in no_pages or _headers_say_no_page(call):
            return True
        if callee_of(call).endswith("make_response") and call.args and isinstance(call.args[0], ast.Dict):
            return True  # (a list is no page to any sink: see _direct)
    for keyword in call.keywords:
        if keyword.arg not in rule.safe_keywords:
            continue
        if keyword.arg == "filter":
            safe = constant_text(keyword.value) != "fully_trusted"
        elif keyword.arg in CONTENT_TYPES:
            safe = _no_page(constant_text(keyword.value))
        else:
            safe = True
        if safe:
            return True
    given = tuple(name for name in rule.safe_keywords if name not in CONTENT_TYPES)  # tar.extractall(dest, members)
    return any(unparsed(value).endswith(given) for value in [*call.args[1:], *(k.value for k in call.keywords)])


def _no_page(content_type: str | None) -> bool:
    """A content type no browser renders as a page: any given but HTML, XML and SVG (as the Semgrep rules say)."""
    return content_type is not None and not re.search(r"(?i)html|xml|svg", content_type)


def _targets(node: ast.Assign | ast.AugAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def _vector(value: ast.expr | None) -> bool:
    """A list, a tuple or a comprehension of one, one added to something (`["sysctl", "-w"] + settings`), or one
    made by list() or tuple() (neutron's `list(map(str, env + cmd))`)."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _vector(value.left) or _vector(value.right)
    if isinstance(value, ast.Call) and callee_of(value) in ("list", "tuple"):
        return True
    return isinstance(value, ast.List | ast.Tuple | ast.ListComp)


def served_as_no_page(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[int]:
    """The ids of the calls whose result a variable takes and whose content type the function then sets to one no
    browser renders as a page: `resp = make_response(body)` and later `resp.headers["Content-Type"] =
    "application/json"`, `resp.mimetype = "text/plain"` or `resp.headers.set("Content-Type", ...)`."""
    named: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, given = node.targets[0], constant_text(node.value)
            if isinstance(target, ast.Attribute) and target.attr in CONTENT_TYPES and _no_page(given):
                named.add(unparsed(target.value))
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "headers"
                and (constant_text(target.slice) or "").lower() == "content-type"
                and _no_page(given)
            ):
                named.add(unparsed(target.value.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("set", "add", "__setitem__")
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "headers"
            and len(node.args) == 2
            and (constant_text(node.args[0]) or "").lower() == "content-type"
            and _no_page(constant_text(node.args[1]))
        ):
            named.add(unparsed(node.func.value.value))
    return frozenset(
        id(node.value)
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and any(unparsed(target) in named for target in node.targets)
    )


def _headers_say_no_page(call: ast.Call) -> bool:
    """A response given headers (a dict, positional or `headers=`) whose Content-Type is no page."""
    for given in [*call.args, *(keyword.value for keyword in call.keywords if keyword.arg == "headers")]:
        if not isinstance(given, ast.Dict):
            continue
        pairs = zip(given.keys, given.values, strict=True)
        types = [
            value for key, value in pairs if key is not None and (constant_text(key) or "").lower() == "content-type"
        ]
        if types and all(_no_page(constant_text(value)) for value in types):
            return True
    return False


def undone_marks(calls: Iterable[ast.Call]) -> set[int]:
    """The ids of the calls among `calls` whose result is turned back into plain text at once
    (`Markup(text).unescape()`, `.striptags()`): marked as HTML, then nothing marked for a page."""
    return {
        id(call.func.value)
        for call in calls
        if isinstance(call.func, ast.Attribute)
        and call.func.attr in PLAIN_TEXT
        and isinstance(call.func.value, ast.Call)
    }


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """The calls in an expression or simple statement, outermost first, not inside lambdas or nested defs."""
    return (current for current in _local_nodes(node) if isinstance(current, ast.Call))


def _local_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of an expression or simple statement, outermost first, not inside lambdas or nested defs."""
    stack = [node]
    while stack:
        current = stack.pop(0)
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


def _argument(call: ast.Call, position: int, keywords: tuple[str, ...]) -> ast.expr | None:
    if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return next((keyword.value for keyword in call.keywords if keyword.arg in keywords), None)


def walk(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    summaries: dict[str, list[Summary]],
    module: Module,
    *,
    all_parameters: bool = False,
    request_sources: bool = True,
    readers: Mapping[str, RequestReader] | None = None,
    checkers: Mapping[str, Checker] | None = None,
) -> list[Hit]:
    """The sinks that data reaches in the function's body: from its parameters (those that carry a caller's
    data, or all of them with `all_parameters`, for summaries), and from request data (with
    `request_sources`: at wrapper sinks, and anywhere when one of the `readers` returned it); what one of the
    `checkers` answers is checked.

    For candidates, a parameter used whole as a query, command or path at a direct sink (`def run(sql):
    cur.execute(sql)`) is the function's contract, not a finding: its callers are checked through its
    summary (see BUILT). A value built into one from it is a candidate; in a route or view handler any use
    is. In a private function (`_helper`), whose callers are in its module, only built values count. In a module
    that imports Flask, what a view returns is its page. In a Django management command's module and in a click
    command the parameters are the operator's, in a pytest test or fixture pytest's: only request data is
    followed."""
    handler = is_handler(function)
    private = not all_parameters and not handler and not is_public(function)
    view = not all_parameters and module.flask and is_flask_view(function)
    built_only = not all_parameters and not handler
    walker = Walker(
        summaries,
        request_sources,
        module,
        built_only,
        private,
        readers or {},
        checkers or {},
        html_view=view,
        function=function,
    )
    if all_parameters:
        params = [arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg)]
    else:
        callers_data = not (
            module.management_command or is_command_line(function) or is_test(function, module.imported)
        )
        params = data_parameters(function) if callers_data else []
    for name in params:
        walker.env[name] = parameter_taint(name, function.name, function.lineno)
    walker.paths.update(
        arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg) and _names_path(arg.annotation)
    )
    walker.block(function.body)
    unchecked = [hit for index, hit in enumerate(walker.joins.values()) if index not in walker.checked]
    return walker.hits + unchecked
