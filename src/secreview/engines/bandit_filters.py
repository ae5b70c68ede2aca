"""Bandit reports that say nothing about the code under review, read from the code's syntax tree: a shell started
with a constant command, a query with nothing a caller passes formatted in or a message that is no query (B608), a
value marked as safe HTML that cannot carry markup from outside (B308, B703, B704), a "password" that a name says is
something else about one, that is empty or that names itself (B105-B107: `token_type == "reset"`, `password = ""`,
`NO_TOKEN = "NO_TOKEN"`), an object pickled and unpickled at once (B301: a deep copy), a function of the module's own
named like Django's QuerySet.extra (B610), an address compared with, not bound to (B104), a Jinja2 Environment given
its autoescape in a dict of options (B701), a random number that is a pause's length or a draw against a probability
(B311), YAML loaded with the module's own safe loader (B506), a reloader starting the program again (B603, B606), a
mapping built with a `shell` field (B604).
Bandit flags these shapes whatever is in them; a reviewer would not."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any, cast

from secreview.engines.pyflow.rules import (
    ADDS,
    ALL,
    DATABASE_OBJECT,
    FORMATS_HTML,
    MESSAGES,
    SERIALISERS,
    SQL_QUOTERS,
    sanitises,
)
from secreview.engines.pyflow.syntax import (
    bindings,
    bound_only_to,
    callee_of,
    constant_text,
    enclosing_function,
    loads_yaml_safely,
    module_constants,
    renders_template_file,
    safe_yaml_loaders,
    unparsed,
)
from secreview.engines.pyflow.walker import undone_marks

_MARK_TESTS = frozenset({"B308", "B703", "B704"})  # mark_safe() (B308, B703) and markupsafe's Markup() (B704)
_MARKERS = re.compile(r"(^|\.)(mark_safe|SafeString|SafeText|Markup)$")
# gettext's names for a translation of its text (`_("Saved")`, `lazy_gettext`, Django's `gettext_lazy`)
_TRANSLATIONS = re.compile(r"^(.*\.)?(_|_l|lazy_gettext|u?n?p?gettext(_lazy|_noop)?)$")
# the tests whose reports are read on the tree
_SYNTAX_TESTS = frozenset(
    {"B104", "B608", "B301", "B310", "B311", "B506", "B602", "B603", "B604", "B605", "B606", "B610", "B701"}
)
_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})  # a string assigned, passed or defaulted to a password's name
_SECRET_WORD = re.compile(r"(?i)^(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)$")  # Bandit's words for one
# what Bandit's message quotes: nothing, None, a mask (`****`, designate's `**SECRET**` in a logged request's place),
# a placeholder (ironic's `"agent_token": "fake_token"`; the words python-hardcoded-password's value filter skips),
# one or two characters (a lexer's `token == "\\"`; that filter takes three or more), text with a space in it (a
# message: allauth's `"invalid_token": "Invalid token."`; that filter leaves those out too), a mask or a separator
# (`"****"`, `"xxxx"`, GitPython's `split_token = "..."`; that filter's characters), the name of an environment
# variable or a setting for one (rq-dashboard's `"REDIS_PASSWORD": "RQ_DASHBOARD_REDIS_PASSWORD"`, CKAN's
# `_config_encode_secret = "api_token.jwt.encode.secret"`; that filter takes no name with the secret's word in it), an
# authorization scheme's name (oauthlib's `default_token="Bearer"`; that filter's words)
_NO_PASSWORD = re.compile(
    r": '(None|.{1,2}|[*xX#.?_-]*|\*+\w*\*+|.*\s.*|(?i:[^']*(example|dummy|fake|placeholder|redacted|sample)[^']*)"
    r"|(?=[A-Z0-9_]*(PASS|PWD|SECRET|TOKEN|KEY|AUTH))[A-Z][A-Z0-9]*(_[A-Z0-9]+)+"
    r"|(?i:(?=[\w.-]*(pass|pwd|secret|token|key|auth))[\w-]+(\.[\w-]+)+)|(?i:bearer|basic|digest|negotiate))'$"
)
# what a setting's name says is done with a password, not what it is (`update_password == "always"`)
_ACTIONS = re.compile(r"(?i)^(update|reset|change|check|verify|validate|require|prompt|ask|remember|expire|rotate)$")
_WORD_BREAKS = re.compile(r"[_.\-]+|(?<=[a-z0-9])(?=[A-Z])")


def reads_the_code(item: dict[str, Any]) -> bool:
    """Whether deciding on this report needs the file's syntax tree."""
    return item["test_id"] in _SYNTAX_TESTS | _MARK_TESTS | _PASSWORD_TESTS


def says_nothing(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A report to drop: one of the shapes above (`tree` is the file Bandit read, None where it does not parse)."""
    return (
        _runs_a_constant(item, tree)
        or _injects_nothing(item, tree)
        or _is_a_message(item, tree)
        or _marks_nothing_from_outside(item, tree)
        or _names_something_else(item, tree)
        or _names_itself(item, tree)
        or _empty_password(item)
        or _given_no_text(item, tree)
        or _loads_its_own_dump(item, tree)
        or _no_query_set(item, tree)
        or _compared_not_bound(item, tree)
        or _escapes_by_its_options(item, tree)
        or _opens_a_constant_url(item, tree)
        or _draws_no_secret(item, tree)
        or _loads_with_a_safe_loader(item, tree)
        or _restarts_itself(item, tree)
        or _builds_a_mapping(item, tree)
    )


def _lines(item: dict[str, Any]) -> range:
    """The lines a report spans."""
    lines = item.get("line_range") or [item["line_number"]]
    return range(min(lines), max(lines) + 1)


def _on_lines(tree: ast.AST, lines: range) -> list[ast.AST]:
    """The nodes of `tree` that start on `lines`."""
    return [node for node in ast.walk(tree) if getattr(node, "lineno", 0) in lines]


def _runs_a_constant(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A shell started with one constant command (`os.system("espeak hello")`): Bandit reports it at low severity
    ("Seems safe, but may be changed in the future"); no input reaches the command, so it is no injection. So is a
    list of constant words (`subprocess.run(["git diff-index --quiet HEAD --"], shell=True)`), which Bandit reports
    at high severity."""
    if item["test_id"] not in ("B602", "B605"):
        return False
    if item["issue_severity"] == "LOW":
        return True
    calls = [node for node in _on_lines(tree, _lines(item)) if isinstance(node, ast.Call)] if tree else []
    return bool(calls) and all(
        bool(call.args)
        and isinstance(call.args[0], ast.List | ast.Tuple)
        and all(constant_text(word) is not None for word in call.args[0].elts)
        for call in calls
    )


# the argument vector of a program started again as it was started (request_taint.yaml's sanitiser says the same)
RESTARTS = ("[sys.executable] + sys.argv", "[sys.executable, *sys.argv]")


def _restarts_itself(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B603/B606 report (a process started without a shell) of a reloader starting the program again as it was
    started (celery's `os.execv(sys.executable, [sys.executable] + sys.argv)`): no one else's command runs, as
    python-command-injection's sanitiser says."""
    if item["test_id"] not in ("B603", "B606") or tree is None:
        return False
    calls = [node for node in _on_lines(tree, _lines(item)) if isinstance(node, ast.Call)]
    return any(unparsed(argument) in RESTARTS for call in calls for argument in call.args)


def _builds_a_mapping(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B604 report (a function given `shell=` something true) on `dict(command=command, shell=self.opts["shell"])`
    (invoke's result's fields): a mapping is built, nothing runs."""
    if item["test_id"] != "B604" or tree is None:
        return False
    calls = [
        node
        for node in _on_lines(tree, _lines(item))
        if isinstance(node, ast.Call) and any(keyword.arg == "shell" for keyword in node.keywords)
    ]
    return bool(calls) and all(callee_of(call) == "dict" for call in calls)


_SETTING = "\x00"  # where a setting's value is put into the query text
_QUOTED = "\x02"  # where a value quoted for SQL is (quote_name(table), a constant)
_VALUE = "\x01"  # where anything else is
_PRINTF_SLOT = re.compile(r"%%|%(\((?P<key>[^)]*)\))?[-#0 +]*\d*(\.\d+)?[sdirfx]")  # "%%" is a literal %
_FORMAT_SLOT = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
# a table's name: what cannot be a bound parameter, so code that names its table by a setting formats it in
_TABLE_SLOT = re.compile(r"(?i)\b(from|into|update|join|table|exists)\s+[\"`\[]?$")
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
# a database connection's or dialect's builder of SQL text (Trac's db.prefix_match(), db.cast(column, "int")), not
# a method that answers data (db.fetchone(), db.get("key"))
_DATABASE_METHOD = re.compile(rf"(^|\.){DATABASE_OBJECT}\.(cast|i?like|prefix_match|concat|quote\w*)$")


def _is_setting(node: ast.expr) -> bool:
    """An object's or a class's attribute (`self.table`), a constant's name (`TABLE_NAME`, `settings.TABLE`), or a
    lookup by constant keys (`CFG("poll_table_name")`): a setting, not data a caller or a user passes."""
    if isinstance(node, ast.Attribute):
        return _CONSTANT_NAME.match(node.attr) is not None or (
            isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        )
    if isinstance(node, ast.Name):
        return _CONSTANT_NAME.match(node.id) is not None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return bool(arguments) and all(isinstance(argument, ast.Constant) for argument in arguments)
    return False


def _is_quoted(node: ast.expr, quoted_names: frozenset[str]) -> bool:
    """Quoted for SQL by the database layer (`quote_name(table)`, `", ".join(map(self.quote_name, columns))`, a
    variable bound only to such a value), or constant text (`", ".join(["%s"] * len(keys))`, a choice between two
    such values): nothing unquoted."""
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and node.id in quoted_names):
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return all(_is_quoted(element, quoted_names) for element in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # ["%s"] * n
        return _is_quoted(node.left, quoted_names)
    if isinstance(node, ast.IfExp):  # swift's `"incoming" if incoming else "outgoing"`: the test is not put in
        return _is_quoted(node.body, quoted_names) and _is_quoted(node.orelse, quoted_names)
    if not isinstance(node, ast.Call):
        return False
    callee = callee_of(node)
    if SQL_QUOTERS.search(callee) or ALL in sanitises(callee):  # quote_name(table), int(limit)
        return True
    if _DATABASE_METHOD.search(callee) and all(isinstance(argument, ast.Constant) for argument in node.args):
        return not node.keywords  # the database layer's own SQL for a constant (db.like(), db.cast("value", "int"))
    if not (callee.endswith(".join") and len(node.args) == 1):
        return False
    parts = node.args[0]
    if isinstance(parts, ast.Call) and callee_of(parts) == "map" and parts.args:
        return SQL_QUOTERS.search(unparsed(parts.args[0])) is not None
    if isinstance(parts, ast.GeneratorExp | ast.ListComp):
        return _is_quoted(parts.elt, quoted_names)
    return _is_quoted(parts, quoted_names)


def _quoted_names(tree: ast.AST, function: ast.AST | None) -> frozenset[str]:
    """The variables bound only to a value quoted for SQL or to constant text (`table = quote_name(self._table)`)."""
    return _names_bound_only_to(tree, function, lambda value: _is_quoted(value, frozenset()))


def _names_bound_only_to(tree: ast.AST, function: ast.AST | None, kind: Callable[[ast.expr], bool]) -> frozenset[str]:
    """The variables bound only to values of a `kind`: those the function binds so (syntax.bound_only_to), and the
    module's constants it does not bind itself (`SQLITE_BIND = "?"`)."""
    constants = module_constants(tree)
    if function is None:
        return constants
    return bound_only_to(function, kind) | (constants - bindings(function).keys())


def _marker(value: ast.expr, quoted_names: frozenset[str]) -> str:
    if _is_quoted(value, quoted_names):
        return _QUOTED
    return _SETTING if _is_setting(value) else _VALUE


def _printf_text(node: ast.BinOp, template: str, quoted_names: frozenset[str]) -> str:
    """`template % values` with each slot marked by the value put there: by position for a tuple, by key for a
    dict (any slot of a dict with a `**` part is a value), the one value for every slot otherwise."""
    right = node.right
    by_key: dict[Any, ast.expr] | None = None
    if isinstance(right, ast.Dict) and all(isinstance(key, ast.Constant) for key in right.keys):
        by_key = {cast(ast.Constant, key).value: value for key, value in zip(right.keys, right.values, strict=True)}
    values = iter(right.elts) if isinstance(right, ast.Tuple) else None

    def mark(slot: re.Match[str]) -> str:
        if slot.group() == "%%":
            return "%"
        if isinstance(right, ast.Dict):
            value = by_key.get(slot["key"]) if by_key is not None else None
            return _VALUE if value is None else _marker(value, quoted_names)
        return _marker(next(values, right) if values else right, quoted_names)

    return _PRINTF_SLOT.sub(mark, template)


def _query_text(node: ast.AST, quoted_names: frozenset[str] = frozenset()) -> str | None:
    """The text of a query built by `node` (`"... FROM %s" % t`, `"... FROM {}".format(t)`, an f-string, `+`),
    each formatted value marked _SETTING, _QUOTED or _VALUE; None when `node` builds no string."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return _printf_text(node, str(node.left.value), quoted_names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = node.func.value
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
        if not isinstance(template, ast.Constant):
            return None
        markers = {_marker(value, quoted_names) for value in values}
        return _FORMAT_SLOT.sub(markers.pop() if len(markers) == 1 else _VALUE, str(template.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value)
            if isinstance(part, ast.Constant)
            else _marker(cast(ast.FormattedValue, part).value, quoted_names)
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = [(side, _query_text(side, quoted_names)) for side in (node.left, node.right)]
        if all(text is None for _, text in sides):
            return None
        return "".join(_marker(side, quoted_names) if text is None else text for side, text in sides)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _injects_nothing(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B608 report whose query gets nothing a caller or a user passes formatted in. Bandit flags every string
    with SQL words built by formatting; three kinds put no data in:
    - an f-string without a single placeholder (`cursor.execute(f"SELECT ... = %s", (name,))`: a constant, the
      value bound), whose report would also reject the model's correct fix of it;
    - only the table's name formatted in, from a setting (`"SELECT data FROM %s WHERE id = $1" % self.table`,
      `"... FROM {}".format(CFG("table"))`), the values bound: a table's name cannot be a bound parameter, so
      this is how such code is written. A table named by a variable, a parameter or an item of data stays
      reported (`"insert into " + str(tag)`);
    - only what the database layer quoted (`"SELECT * FROM %s" % connection.ops.quote_name(table)`), as the flow
      engine's SQL sanitisers take it."""
    if item["test_id"] != "B608" or tree is None:
        return False
    lines = _lines(item)
    quoted_names = _quoted_names(tree, enclosing_function(tree, lines.start))
    on_lines = _on_lines(tree, lines)
    built = [
        text for node in on_lines if not isinstance(node, ast.Constant) and (text := _query_text(node, quoted_names))
    ]
    slots = [match for text in built for match in re.finditer(f"[{_SETTING}{_QUOTED}{_VALUE}]", text)]
    # constant pieces joined with + (a template whose {player} is filled in later) are not "nothing formatted in"
    fstring = any(isinstance(node, ast.JoinedStr) for node in on_lines)
    return (bool(slots) or fstring) and all(
        match.group() == _QUOTED or (match.group() == _SETTING and _TABLE_SLOT.search(match.string[: match.start()]))
        for match in slots
    )


def _is_a_message(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B608 report on the text an exception is raised with or a message is logged with (`raise
    ConfigurationInvalid("Update configuration for {} needs command set".format(target))`): Bandit took the English
    for SQL words, and text raised or logged is never run as a query. The text must be the call's own argument
    (formatted in place), not an argument of a call inside it."""
    if item["test_id"] != "B608" or tree is None:
        return False
    lines = _lines(item)
    around = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and callee_of(node).rsplit(".", 1)[-1] != "format"
        and node.lineno <= lines.start
        and lines.stop - 1 <= (node.end_lineno or node.lineno)
    ]
    if not around:
        return False
    innermost = max(around, key=lambda call: (call.lineno, call.col_offset))  # they nest: the last to start
    raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None}
    return id(innermost) in raised or MESSAGES.search(callee_of(innermost)) is not None


def _marks_nothing_from_outside(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A mark_safe()/Markup() report whose every mark on its lines is of a value that cannot carry markup from
    outside, or is undone at once:
    - constant text, or a choice between constants (`mark_safe(' class="end"' if last else "")`), or its
      translation (`Markup(_("Please validate the captcha."))`: the project's translators write it), or a variable
      the function binds only to such values;
    - a value escaped (the flow engine's HTML sanitisers: `escape()`, `conditional_escape()`, `bleach.clean()`,
      and Django's `format_html()` of such a format), a number (`int()`), or a template file rendered
      (`Markup(render_title_template("flash.html", entry=entry))`), which escapes what it is given, or a list
      filled only with such values, joined (`_lists_without_markup`);
    - text turned back into plain text (`Markup(text).unescape()`, `.striptags()`): nothing is marked for a page.
    The flow engine and python-reflected-xss read the same shapes."""
    if item["test_id"] not in _MARK_TESTS or tree is None:
        return False
    lines = _lines(item)
    on_lines = [node for node in _on_lines(tree, lines) if isinstance(node, ast.Call)]
    unmarked = undone_marks(on_lines)
    marks = [node for node in on_lines if _MARKERS.search(callee_of(node))]
    function = enclosing_function(tree, lines.start)
    plain = _names_bound_only_to(tree, function, _text_without_markup)
    plain |= _lists_without_markup(function, plain) if function is not None else frozenset()
    return bool(marks) and all(
        id(mark) in unmarked or (len(mark.args) == 1 and _holds_no_markup(mark.args[0], plain)) for mark in marks
    )


_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _lists_without_markup(function: ast.AST, plain: frozenset[str]) -> frozenset[str]:
    """The lists the function fills only with text without markup (Review Board's `result = []`, then
    `result.append(format_html('<a href="{}">{}</a>', url, bug_id))`, then `mark_safe(", ".join(result))`): bound only
    to list literals of such text, given only to their own append(), insert() or extend() of such text (or a list of
    it) and to a join(); a list given to anything else may be filled there."""
    parents = {id(child): node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    lists = set(bindings(function))
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id in lists):
            continue
        parent = parents.get(id(node))
        if isinstance(node.ctx, ast.Store):
            made = parent.value if isinstance(parent, ast.Assign) and parent.targets == [node] else None
            if not (isinstance(made, ast.List) and _holds_no_markup(made, plain)):
                lists.discard(node.id)
        elif isinstance(parent, ast.Attribute) and parent.attr in ADDS:
            call = parents.get(id(parent))
            given = call.args[-1:] if isinstance(call, ast.Call) and call.func is parent else []
            if not (given and _holds_no_markup(given[0], plain)):
                lists.discard(node.id)
        elif not (_joins(parent) or _tested(node, parents)):
            lists.discard(node.id)
    return frozenset(lists)


def _joins(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"


def _tested(value: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """Whether `value` is only tested by an `if` or `while` (`if rows and len(rows) > 1:`, `not rows`): it is read
    there, no alias of it made."""
    node: ast.AST = value
    while isinstance(parent := parents.get(id(node)), ast.BoolOp | ast.UnaryOp | ast.Compare | ast.Call):
        if isinstance(parent, ast.Call) and not (callee_of(parent) == "len" and parent.args == [node]):
            return False
        node = parent
    return isinstance(parent, ast.If | ast.While) and parent.test is node


def _text_without_markup(value: ast.expr) -> bool:
    """What a name may be bound to and still be taken for text without markup: not a list or another container,
    which appends after the binding can fill with markup (`cols = []`, then `cols.append(html)`)."""
    return not isinstance(value, _CONTAINERS) and _holds_no_markup(value)


# str methods whose result from escaped text is escaped text, given constants (not replace(): it may unescape)
_TEXT_METHODS = frozenset({"split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper", "title"})


def _holds_no_markup(value: ast.expr, plain: frozenset[str] = frozenset()) -> bool:
    """Constant text, a choice between such values, a translation of constant text, an escaped value, a template
    file rendered, a variable among the `plain` ones, or text built of such values only (`f'<a href="{escape(url)}">'`,
    `'<b>{}</b>'.format(escape(name))`, `"<i>%s</i>" % escape(name)`, `", ".join(escape(n) for n in names)`,
    `"<br>".join(escape(text).split(","))`)."""
    return _built_of(value, lambda part: _holds_no_markup_itself(part, plain))


def _holds_no_markup_itself(value: ast.expr, plain: frozenset[str]) -> bool:
    if isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id in plain):
        return True
    if isinstance(value, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        return _holds_no_markup(value.elt, plain)
    if isinstance(value, ast.List | ast.Tuple):
        return all(_holds_no_markup(part, plain) for part in value.elts)
    if not isinstance(value, ast.Call):
        return False
    given = [*value.args, *(keyword.value for keyword in value.keywords)]
    if isinstance(value.func, ast.Attribute) and value.func.attr in ("format", "join"):
        return _holds_no_markup(value.func.value, plain) and all(_holds_no_markup(part, plain) for part in given)
    if isinstance(value.func, ast.Attribute) and value.func.attr in _TEXT_METHODS:
        return all(isinstance(part, ast.Constant) for part in given) and _holds_no_markup(value.func.value, plain)
    if _TRANSLATIONS.search(callee_of(value)) and all(isinstance(part, ast.Constant) for part in given):
        return True
    if FORMATS_HTML.search(callee_of(value)) and value.args:  # Django's format_html() escapes what it is given
        return _holds_no_markup(value.args[0], plain)
    return renders_template_file(value) or bool({ALL, 79} & sanitises(callee_of(value)))


def _built_of(value: ast.expr, is_part: Callable[[ast.expr], bool]) -> bool:
    """Text made only of parts `is_part` accepts: such a part, a choice between two, an f-string's pieces, a
    concatenation or %-format of them (`"<i>%s</i>" % (a, b)`), or constant text repeated (`"&nbsp;" * depth`)."""
    if is_part(value):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        return any(isinstance(side, ast.Constant) and isinstance(side.value, str) for side in (value.left, value.right))
    if isinstance(value, ast.IfExp):
        return _built_of(value.body, is_part) and _built_of(value.orelse, is_part)
    if isinstance(value, ast.JoinedStr):
        parts = [part.value if isinstance(part, ast.FormattedValue) else part for part in value.values]
        return all(_built_of(part, is_part) for part in parts)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add | ast.Mod):
        right = value.right.elts if isinstance(value.right, ast.Tuple) else [value.right]
        return _built_of(value.left, is_part) and all(_built_of(part, is_part) for part in right)
    return False


def _loads_its_own_dump(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B301 report where every load on its lines loads what a serialiser made there from an object
    (`pickle.loads(pickle.dumps(obj))`, a deep copy): no bytes from anyone else are unpickled."""
    if item["test_id"] != "B301" or tree is None:
        return False
    loads = [
        node
        for node in _on_lines(tree, _lines(item))
        if isinstance(node, ast.Call) and callee_of(node).rsplit(".", 1)[-1] in ("load", "loads", "Unpickler")
    ]
    return bool(loads) and all(
        node.args and isinstance(made := node.args[0], ast.Call) and SERIALISERS.search(callee_of(made))
        for node in loads
    )


def _empty_password(item: dict[str, Any]) -> bool:
    """A B105-B107 report of an empty string (`password = ""` before it is read, `old_token: str = ""`), of None
    (Bandit 1.9 reports `{"username": None, "password": None}`, httpie's empty credentials, as the text 'None') or
    of a mask (`kwargs["password"] = "****"` before a command is logged): no password is written there; the
    project's credential rules leave such values out too."""
    return item["test_id"] in _PASSWORD_TESTS and _NO_PASSWORD.search(item["issue_text"]) is not None


def _names_something_else(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B105-B107 report where every name on its lines with a word for a secret in it goes on past that word
    (`token_type == "reset"`, `password_col = "password"`, `password_reset_template = "auth/reset.html"`) or, compared
    with a text, names an action on it (`update_password == "always"`, `_is_the_secret`): the name says what kind
    of token, which column, which template, which mode of updating, not that the text is the secret. Bandit reads the
    word anywhere in the name; the project's python-hardcoded-password and python-hardcoded-secret take a name that
    ends with it (`db_password`, `auth_token`, `SECRET_KEY`), and report those themselves."""
    if item["test_id"] not in _PASSWORD_TESTS or tree is None:
        return False
    # a default's report spans its function's body: only its own line says which parameter
    lines = range(item["line_number"], item["line_number"] + 1) if item["test_id"] == "B107" else _lines(item)
    named = [
        (node, [part for part in _WORD_BREAKS.split(name) if part])
        for node in _on_lines(tree, lines)
        for name in _given_names(node)
    ]
    secret = [(node, parts) for node, parts in named if any(_SECRET_WORD.match(part) for part in parts)]
    return bool(secret) and not any(_is_the_secret(node, parts) for node, parts in secret)


def _is_the_secret(node: ast.AST, parts: list[str]) -> bool:
    """Whether a name's words end with the word for a secret and, where the name is compared with a text, no word
    for an action on it comes right before (`update_password == "always"` compares a setting with its mode)."""
    if not _SECRET_WORD.match(parts[-1]):
        return False
    return not (isinstance(node, ast.Compare) and len(parts) > 1 and _ACTIONS.match(parts[-2]))


def _names_itself(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B105 report where every text given a secret's name on its lines is that name, as a constant's or an enum
    member's (`NO_TOKEN = "NO_TOKEN"`, `CLIENT_SECRET = "client_secret"`, a GrantType enum's `password =
    "password"`), or of an entry of a table of names (`_names_its_keys`): the name of a field or a kind, not a
    secret. A variable or a key bound so (`password = "password"`, `{"PASSWORD": "password"}` in a database's
    settings) stays reported: that one may be a password."""
    if item["test_id"] != "B105" or tree is None:
        return False
    members = {id(node) for enum in _enums(tree) for node in enum.body}
    pairs = [
        (name, text, name.isupper() or id(node) in members)
        for node in _on_lines(tree, _lines(item))
        if isinstance(node, ast.Assign) and (text := constant_text(node.value)) is not None
        for target in node.targets
        if not isinstance(target, ast.Subscript)
        for name in _name_of(target)
    ]
    secret = [pair for pair in pairs if any(_SECRET_WORD.match(part) for part in _WORD_BREAKS.split(pair[0]) if part)]
    if secret:
        return all(named and _bare_word(name) == _bare_word(text) for name, text, named in secret)
    return any(_names_its_keys(node) for node in ast.walk(tree) if isinstance(node, ast.Dict) and _keys_on(node, item))


def _keys_on(table: ast.Dict, item: dict[str, Any]) -> bool:
    """Whether the report is of an entry of this dict (Bandit's line range spans the outermost dict)."""
    return any(key is not None and key.lineno == item["line_number"] for key in table.keys)


def _names_its_keys(table: ast.Dict) -> bool:
    """A table of names: three or more entries, each a text naming its text key (`{"input_file": "inputFile",
    "password": "password", ...}`, pikepdf's map of its option names to qpdf's). A dict of settings (`{"USER":
    "app", "PASSWORD": "password"}`) is not one."""
    names = [
        (key and constant_text(key), constant_text(value)) for key, value in zip(table.keys, table.values, strict=True)
    ]
    return len(names) >= 3 and all(key and value and _bare_word(key) == _bare_word(value) for key, value in names)


def _bare_word(name: str) -> str:
    return _WORD_BREAKS.sub("", name).lower()


def _enums(tree: ast.AST) -> list[ast.ClassDef]:
    """The module's enum classes (`class GrantType(enum.Enum)`, Django's `TextChoices`): their members name kinds."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(re.search(r"(Enum|Choices)$", unparsed(base)) for base in node.bases)
    ]


def _given_names(node: ast.AST) -> list[str]:
    """The names Bandit's password tests read at `node`: one a constant is assigned to or compared with, a keyword
    argument or a dict's key given a constant, a parameter with a constant default (Bandit quotes any constant:
    ironic's `"agent_token_required": True` is reported as the password 'True')."""
    if isinstance(node, ast.Compare) and any(map(_is_text, [node.left, *node.comparators])):
        return [name for side in [node.left, *node.comparators] for name in _name_of(side)]
    return [name for name, value in _named_values(node) if _is_constant(value)]


def _named_values(node: ast.AST) -> list[tuple[str, ast.expr]]:
    """The values `node` gives to names: assigned (`password = ...`), a keyword argument, a dict's text key, a
    parameter's default."""
    if isinstance(node, ast.Assign):
        return [(name, node.value) for target in node.targets for name in _name_of(target)]
    if isinstance(node, ast.Call):
        return [(keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg]
    if isinstance(node, ast.Dict):
        return [
            (key.value, value)
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        ]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        positional = [*node.args.posonlyargs, *node.args.args]
        defaults = zip(positional[len(positional) - len(node.args.defaults) :], node.args.defaults, strict=True)
        keyword_only = zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
        return [(arg.arg, default) for arg, default in [*defaults, *keyword_only] if default is not None]
    return []


def _given_no_text(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B105-B107 report of a number or a truth value (authlib's lifetimes by grant type, `"password": 864000`; a
    settings table's `"PKCE_REQUIRED": True`): Bandit quotes every constant as text, but a password the code holds as
    a number is none it could be typed as."""
    quoted = re.search(r": '(.*)'$", item["issue_text"])
    if item["test_id"] not in _PASSWORD_TESTS or tree is None or quoted is None:
        return False
    given = [
        node.value
        for node in _on_lines(tree, range(item["line_number"], item["line_number"] + 1))
        if isinstance(node, ast.Constant) and str(node.value) == quoted.group(1)
    ]
    return bool(given) and not any(isinstance(value, str | bytes) for value in given)


def _is_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is not None


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _name_of(node: ast.expr) -> list[str]:
    """A variable's name, an attribute's, a key's in brackets (`form["password"]`)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Subscript) and _is_text(node.slice):
        return [str(cast(ast.Constant, node.slice).value)]
    return []


def _no_query_set(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B610 report (Django's QuerySet.extra()) where no call on its lines is a method named extra: a function of
    the module's own called `extra(args)` builds no query."""
    if item["test_id"] != "B610" or tree is None:
        return False
    return not any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "extra"
        for node in _on_lines(tree, _lines(item))
    )


def _compared_not_bound(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B104 report ("0.0.0.0" written in the code) where every such string on its lines is compared with
    (`host if host != "0.0.0.0" else "127.0.0.1"`, `if addr in ("0.0.0.0", "::")`), or given to a name for the
    other end's address (pyramid's `remote_addr = "0.0.0.0"` in a ticket when the client's is not checked, isso's
    imported comments' `'remote_addr'`): a check or a record of an address, which binds nothing."""
    if item["test_id"] != "B104" or tree is None:
        return False
    nodes = _on_lines(tree, _lines(item))
    compared = {
        id(operand)
        for node in nodes
        if isinstance(node, ast.Compare)
        for side in (node.left, *node.comparators)
        for operand in (side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side])
    }
    compared |= {id(inner) for value in _recorded_addresses(tree, _lines(item)) for inner in ast.walk(value)}
    addresses = [node for node in nodes if isinstance(node, ast.Constant) and node.value == "0.0.0.0"]
    return bool(addresses) and all(id(address) in compared for address in addresses)


_OTHER_END = re.compile(r"(?i)(^|_)(remote|client|peer)_")  # remote_addr, client_ip, peer_address


def _recorded_addresses(tree: ast.AST, lines: range) -> list[ast.expr]:
    """The values on `lines` given to a name for the other end's address (`_named_values`: `remote_addr = ...`, a
    keyword argument, or isso's `{..., 'remote_addr': anonymize(ip.text if ip is not None else '0.0.0.0')}` in a dict
    opened on an earlier line)."""
    return [
        value
        for node in ast.walk(tree)
        for name, value in _named_values(node)
        if value.lineno in lines and _OTHER_END.search(name)
    ]


# what B311 reports: the random module's draws, called through the module or imported by name (`from random import
# random`)
_RANDOM_DRAWS = re.compile(r"(^|\.)(random|randrange|randint|choice|choices|uniform|triangular|randbytes|getrandbits)$")
_PAUSES = re.compile(r"(^|\.)sleep$")  # time.sleep, eventlet.sleep, asyncio.sleep


def _draws_no_secret(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B311 report (the random module) whose every draw on its lines is a pause's length (`sleep(random() *
    interval)`, jitter that spreads out servers' work) or compared with a probability (`if random.random() <
    fraction`): a value no one gains by guessing. Swift 2.38.3: 12 of its 22. Or a draw of a name the module imports
    from `secrets`, the random module only its fallback where that import fails (oauthlib's `randbits`)."""
    if item["test_id"] != "B311" or tree is None:
        return False
    nodes = _on_lines(tree, _lines(item))
    harmless = set()
    for node in nodes:
        if isinstance(node, ast.Call) and _PAUSES.search(callee_of(node)):
            harmless |= {
                id(inner) for given in [*node.args, *(k.value for k in node.keywords)] for inner in ast.walk(given)
            }
        elif isinstance(node, ast.Compare) and all(
            isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops
        ):
            harmless |= {id(inner) for side in (node.left, *node.comparators) for inner in ast.walk(side)}
    secure = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "secrets"
        for alias in node.names
    }
    draws = [
        node
        for node in nodes
        if isinstance(node, ast.Call) and (_RANDOM_DRAWS.search(callee_of(node)) or callee_of(node) in secure)
    ]
    return bool(draws) and all(id(draw) in harmless or callee_of(draw) in secure for draw in draws)


def _escapes_by_its_options(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B701 report (a Jinja2 Environment without autoescape) of `Environment(loader=loader, **options)` where the
    function binds `options` only to a dict that sets autoescape (`dict(autoescape=True)`, `{"autoescape":
    select_autoescape()}`, a function of the template's name): Bandit looks for the keyword in the call alone."""
    if item["test_id"] != "B701" or tree is None:
        return False
    spread = [
        keyword.value.id
        for node in _on_lines(tree, _lines(item))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg is None and isinstance(keyword.value, ast.Name)
    ]
    escaping = _names_bound_only_to(tree, enclosing_function(tree, item["line_number"]), _sets_autoescape)
    return any(name in escaping for name in spread)


_URL_OPENERS = re.compile(r"(^|\.)(urlopen|urlretrieve|Request|(Fancy)?URLopener)$")  # what B310 reports


def _opens_a_constant_url(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B310 report (urlopen, urlretrieve, Request) whose every URL on its lines is constant text, a module constant
    (Flask-AppBuilder's `urlopen(SQLA_REPO_URL)`), text built of those, or a variable the function binds only to
    such text: the code's author chose where it goes and its scheme, so no one can forge the request."""
    if item["test_id"] != "B310" or tree is None:
        return False
    lines = _lines(item)
    constants = module_constants(tree)
    constant = _names_bound_only_to(
        tree, enclosing_function(tree, lines.start), lambda value: _is_constant_text(value, constants)
    )
    opened = [
        node.args[0]
        for node in _on_lines(tree, lines)
        if isinstance(node, ast.Call) and node.args and _URL_OPENERS.search(callee_of(node))
    ]
    return bool(opened) and all(_is_constant_text(url, constant) for url in opened)


def _loads_with_a_safe_loader(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A B506 report (yaml.load) whose loader is one the module derives from yaml.SafeLoader: Bandit knows only
    the safe loaders by name."""
    if item["test_id"] != "B506" or tree is None:
        return False
    calls = [node for node in _on_lines(tree, _lines(item)) if isinstance(node, ast.Call)]
    loads = [call for call in calls if callee_of(call).endswith(("yaml.load", "yaml.load_all"))]
    loaders = safe_yaml_loaders(tree)
    return bool(loads) and all(loads_yaml_safely(call, loaders) for call in loads)


def _is_constant_text(value: ast.expr, names: frozenset[str] = frozenset()) -> bool:
    """Constant text, a name among `names`, or text built of those (`f"{BASE}/archive.zip"`, `BASE + "/x"`)."""

    def constant(part: ast.expr) -> bool:
        return isinstance(part, ast.Constant) or (isinstance(part, ast.Name) and part.id in names)

    return _built_of(value, constant)


def _sets_autoescape(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict):
        options = {
            key.value: given
            for key, given in zip(value.keys, value.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }
    elif isinstance(value, ast.Call) and callee_of(value) == "dict":
        options = {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg}
    else:
        return False
    given = options.get("autoescape")
    return given is not None and not (isinstance(given, ast.Constant) and not given.value)
