"""Semgrep reports that say nothing about the code under review, or less than they claim, read from the code's syntax
tree. Semgrep's rules cannot tie a view's parameter to the converter its route gives it
(`@app.route("/book/<int:book_id>")`): to them `book_id` is request text, though Flask hands the view a number. And
they take a call given request data to return request data, whatever the function does: a view returning its project
helper's answer (`response = require_login(user=request.args["user"])`) is a page only if that helper builds one from
what it is given."""

from __future__ import annotations

import ast
import re
from typing import Any, cast

from secreview.engines.pyflow.rules import EXITS, JOINS, RESPONSE_BUILDERS
from secreview.engines.pyflow.summaries import returns_what_it_is_given
from secreview.engines.pyflow.syntax import (
    bound_calls,
    builds_own_url,
    callee_of,
    defined_functions,
    enclosing_function,
    functions,
    imported_names,
    is_management_command,
    loads_yaml_safely,
    module_constants,
    number_route_parameters,
    safe_yaml_loaders,
    unparsed,
)
from secreview.engines.pyflow.walker import served_as_no_page

_HARMLESS_CALLS = re.compile(f"{JOINS.pattern}|^(str|int|float|format)$")  # path joins and conversions


def rule_id(item: dict[str, Any]) -> str:
    """A Semgrep report's rule id, without the folder of the rule file Semgrep puts before it."""
    return cast(str, item["check_id"]).rsplit(".", 1)[-1]


def _matched(item: dict[str, Any], text: str) -> ast.expr | None:
    """The expression a report matched, or None where it is a statement or a part of one (not judged here)."""
    matched = text.encode()[item["start"]["offset"] : item["end"]["offset"]].decode(errors="replace")
    try:
        return ast.parse(f"(\n{matched}\n)", mode="eval").body
    except SyntaxError:
        return None


def says_nothing(item: dict[str, Any], text: str, tree: ast.AST | None) -> bool:
    """A report on a Python file (`text`, parsed as `tree`) that reads only numbers (below), YAML loaded with a
    loader the module derives from yaml.SafeLoader (Semgrep's patterns know the safe loaders by name only), a
    redirect through the class's own method, a response later told it is no page, or a caller's value in a
    management command (below)."""
    if rule_id(item) == "python-yaml-unsafe-load":
        loaded = _matched(item, text)
        return tree is not None and isinstance(loaded, ast.Call) and loads_yaml_safely(loaded, safe_yaml_loaders(tree))
    return (
        _reads_only_numbers(item, text, tree)
        or _redirects_through_its_own(item, tree)
        or _operators_own(item, tree)
        or _served_as_no_page(item, tree)
    )


def _served_as_no_page(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A page rule's report inside a response the function then tells its content type is no page (`resp =
    make_response(body)` ... `resp.headers["Content-Type"] = "application/json"`), read as the flow engine reads it
    (walker.served_as_no_page): Semgrep's statement patterns for it, led by every assignment of a call, cost seconds
    of matching on a large module."""
    function = enclosing_function(tree, item["start"]["line"]) if rule_id(item) in _PAGE_RULES and tree else None
    if function is None:
        return False
    start, end = (item["start"]["line"], item["start"]["col"] - 1), (item["end"]["line"], item["end"]["col"] - 1)
    no_pages = served_as_no_page(function)
    calls = (node for node in ast.walk(function) if isinstance(node, ast.Call) and id(node) in no_pages)
    return any(
        (call.lineno, call.col_offset) <= start <= end <= (call.end_lineno or 0, call.end_col_offset or 0)
        for call in calls
    )


def _operators_own(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A *-function-param report in a Django management command's module (label-studio's locked_migrate building
    its lock's SQL from its lock id): its functions run from manage.py with the operator's own arguments; the flow
    engine follows none of them there either."""
    return rule_id(item).endswith("-function-param") and tree is not None and is_management_command(tree)


def _redirects_through_its_own(item: dict[str, Any], tree: ast.AST | None) -> bool:
    """A python-open-redirect report of `self.redirect(url, ...)` in a class that defines `redirect`, or inherits it
    from a class of the module (django-oauth-toolkit's views check the target's scheme against the application's in
    theirs): Semgrep takes every handler's redirect() for Tornado's or webapp2's; this one is the project's, which
    decides on its own lines (where it hands its parameter to a redirect unchecked, the flow engine reports the call
    as a candidate)."""
    if rule_id(item) != "python-open-redirect" or tree is None:
        return False
    line = item["start"]["line"]
    classes = _classes(tree)
    around = _class_around(classes, line)
    lineage = [around] if around is not None else []
    for owner in lineage:  # grows as the module's own bases are found
        lineage += [
            classes[base] for base in map(unparsed, owner.bases) if base in classes and classes[base] not in lineage
        ]
    defines = any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "redirect"
        for owner in lineage
        for node in owner.body
    )
    return defines and any(
        isinstance(node, ast.Call)
        and unparsed(node.func) == "self.redirect"
        and node.lineno <= line <= (node.end_lineno or node.lineno)
        for node in ast.walk(tree)
    )


def _reads_only_numbers(item: dict[str, Any], text: str, tree: ast.AST | None) -> bool:
    """Matched code that reads no variable but numbers from the view's route and the module's constants, and calls
    none but the module's own functions, path joins and conversions (`return render_edit_book(book_id)`,
    `open(os.path.join(BASE, str(year)))` under `/book/<int:book_id>/<int:year>`). Semgrep follows taint within a
    function, so nothing else can have brought request data there; a number injects no markup, path or query."""
    function = enclosing_function(tree, item["start"]["line"]) if tree is not None else None
    numbers = number_route_parameters(function) if function is not None else frozenset()
    if tree is None or not numbers:
        return False
    expression = _matched(item, text)
    if expression is None:
        return False
    calls = [node for node in ast.walk(expression) if isinstance(node, ast.Call)]
    own = defined_functions(tree)
    if not all(callee_of(call) in own or _HARMLESS_CALLS.search(callee_of(call)) for call in calls):
        return False
    called = {id(root) for call in calls if (root := _root_name(call.func)) is not None}
    values = {node.id for node in ast.walk(expression) if isinstance(node, ast.Name) and id(node) not in called}
    return bool(values & numbers) and values <= numbers | module_constants(tree)


def _root_name(callee: ast.expr) -> ast.Name | None:
    """`os` of `os.path.join`: the name a called attribute chain starts from."""
    root = _chain_root(callee)
    return root if isinstance(root, ast.Name) else None


def _chain_root(value: ast.expr) -> ast.expr:
    """What an attribute or item chain starts from: `meta` of `meta.title`, the call of `load(x)["html"]`, of
    `await self._render(x)`."""
    while isinstance(value, (ast.Attribute, ast.Subscript, ast.Await)):
        value = value.value
    return value


# the rules whose sinks are a view's page (its return, a response body): request data, exception text, form errors
_PAGE_RULES = frozenset(
    {
        "python-reflected-xss",
        "python-exception-text-in-html-response",
        "python-form-errors-in-html-response",
        "python-html-built-from-request-data",
    }
)
# what the sink of each rule whose value may be a project function's answer is, and the weakness it causes there
_ANSWER_SINKS: dict[str, tuple[str, int]] = {rule: ("page", 79) for rule in _PAGE_RULES} | {
    "python-open-redirect": ("redirect's target", 601),
    "python-request-url-in-template-link": ("template's link", 601),  # a URL, as a redirect's target
}


def unsure(item: dict[str, Any], text: str, tree: ast.AST | None, path: str) -> str:
    """Why a report of cross-site scripting at a view's page (`_PAGE_RULES`), of an open redirect or of a URL in a
    template's link, is only a candidate to check (empty: a defect as reported): the tainted value reaches it only as
    the answer of project functions, or a part of one (`return response` after `response = _save_settings(data)`,
    `return meta.title`, `redirect(obj)` after `obj = parse_path(request, path)`; in the file at `path`), that are
    not seen to give back what they are given (as text, for a page). Where such a helper is in this file and does
    (`return "<h1>%s</h1>" % key`), the report stands. So for JSON text whose content type is set elsewhere
    (`_json_typed_elsewhere`)."""
    if rule_id(item) not in _ANSWER_SINKS or tree is None:
        return ""
    sink, cwe = _ANSWER_SINKS[rule_id(item)]
    function = enclosing_function(tree, item["start"]["line"])
    expression = _matched(item, text)
    if function is None or expression is None:
        return ""
    line = item["start"]["line"]
    imported = _imported_from_the_project(tree, path)  # `self.store.get` starts from self: not among them
    if cwe == 79 and (typed_elsewhere := _json_typed_elsewhere(tree, function, line, imported)):
        return typed_elsewhere
    own = {node.name: node for node in functions(tree)}
    project = frozenset(own) | imported
    helpers = _answering(function, expression, line, project)
    body = _response_body(expression) if cwe == 79 else None
    if helpers is None and body is not None:  # `HttpResponse(data, content_type=kind)`: its body is the page
        helpers = _answering(function, body, line, project)
    if not helpers:
        return ""
    modules = imported_names(tree)
    if any(_bare(helper) in own and returns_what_it_is_given(own[_bare(helper)], modules, cwe) for helper in helpers):
        return ""
    named = ", ".join(f"`{helper}()`" for helper in dict.fromkeys(helpers))
    made = (
        "a page built from it only if the function builds one"
        if cwe == 79
        else "what it was given only if it returns that"
    )
    return (
        f"The value reaches this {sink} only as the answer of {named}, a function of the project given it; that "
        f"answer is {made} (not visible here): a candidate to check."
    )


def _response_body(expression: ast.expr) -> ast.expr | None:
    """`data` of a response made of it, `HttpResponse(data, ...)` (Semgrep matches the whole call)."""
    if isinstance(expression, ast.Call) and expression.args and RESPONSE_BUILDERS.search(callee_of(expression)):
        return expression.args[0]
    return None


def _json_typed_elsewhere(
    tree: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef, line: int, imported: frozenset[str]
) -> str:
    """Why JSON text written on `line` may not be a page (empty: nothing says so): a Tornado handler under the
    project's base class (`self.write(json.dumps(data))` in JupyterHub's APIHandler, which answers JSON whatever its
    methods write), or the body set into a response the function did not make (`response.set_data(json.dumps(c))`
    in a decorator given the view's jsonify() answer): its content type is set where it was made."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and getattr(node, "lineno", 0) == line and node.args):
            continue
        if not (isinstance(node.args[0], ast.Call) and callee_of(node.args[0]) in ("json.dumps", "dumps")):
            continue
        callee = callee_of(node)
        if callee in ("self.write", "self.finish") and (base := _project_base(tree, line, imported)):
            return (
                f"The page is JSON text, written by a Tornado handler whose base class `{base}` is the project's and "
                "may set a JSON content type (Tornado sends text/html unless one is set; not visible here): a "
                "candidate to check."
            )
        receiver = callee.removesuffix(".set_data")
        if receiver != callee and receiver not in bound_calls(function):  # not `response = make_response()`
            return (
                f"The page is JSON text set into `{receiver}`, a response this function did not make: its content "
                "type is set where it was made (not visible here): a candidate to check."
            )
    return ""


def _project_base(tree: ast.AST, line: int, imported: frozenset[str]) -> str:
    """A base class of the class around `line` that the project defines (in this file, or imported from the
    project: JupyterHub's `APIHandler`, which answers JSON whatever its methods write); empty where none is."""
    classes = _classes(tree)
    around = _class_around(classes, line)
    bases = [unparsed(base) for base in around.bases] if around is not None else []
    return next((base for base in bases if base in classes or base.split(".")[0] in imported), "")


def _classes(tree: ast.AST) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def _class_around(classes: dict[str, ast.ClassDef], line: int) -> ast.ClassDef | None:
    """The innermost of the module's `classes` whose lines hold `line`."""
    around = [node for node in classes.values() if node.lineno <= line <= (node.end_lineno or 0)]
    return max(around, key=lambda node: node.lineno, default=None)


def _answering(
    function: ast.AST, value: ast.expr, line: int, project: frozenset[str], seen: frozenset[str] = frozenset()
) -> list[str] | None:
    """The project's functions (named in `project`, or methods of what they answered) whose answers `value` on
    `line` is, or a part of (`meta.title`, `result["html"]`, as text: `str(state["next"])`), there or through the
    variables the function binds to them before `line` (anywhere, where `line` is in a loop); the application's own
    URLs (`reverse("home")`) beside them name none. None where any of it is something else (a parameter, request
    data read there, a library's answer)."""
    while isinstance(value, ast.Call) and callee_of(value) == "str" and len(value.args) == 1:
        value = value.args[0]
    # `obj.project if obj.kind else reverse("home")`, `_serve_locale(locale) or abort(404)`: any of the answers
    if isinstance(value, (ast.IfExp, ast.BoolOp)):
        choices = [value.body, value.orelse] if isinstance(value, ast.IfExp) else value.values
        answers = [_answering(function, choice, line, project, seen) for choice in choices]
        return None if None in answers else [helper for answer in answers if answer for helper in answer]
    held = _chain_root(value)
    if isinstance(held, ast.Call):
        callee = callee_of(held)
        if builds_own_url(held) or EXITS.search(callee):
            return []  # the application's own URL; abort(404) answers nothing
        if _bare(callee) in project or callee.split(".")[0] in project:
            return [callee]
        receiver = held.func.value if isinstance(held.func, ast.Attribute) else None
        made = _answering(function, receiver, line, project, seen) if receiver is not None else None
        return [*made, callee] if made else None  # `translation.add_unit(...)` of `translation = parse_path(...)`
    if not isinstance(held, ast.Name) or held.id in seen:
        return None
    bound = _bound_values(function, held.id, line)
    helpers: list[str] = []
    for answer in (_answering(function, value, line, project, seen | {held.id}) for value in bound):
        if answer is None:
            return None
        helpers += answer
    return helpers if bound else None


def _bound_values(function: ast.AST, name: str, line: int) -> list[ast.expr]:
    """The values (awaited or not) the function binds to `name` before `line` (anywhere, where `line` is in a loop),
    whole or a part of one unpacked (`meta, error = handle_upload(file)`); empty where any binding of it is no
    assignment (a loop's variable, an augmented assignment)."""
    looped = any(
        isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and node.lineno < line <= (node.end_lineno or 0)
        for node in ast.walk(function)
    )
    values: list[ast.expr] = []
    for node in ast.walk(function):
        if not looped and getattr(node, "lineno", line) >= line:
            continue
        if isinstance(node, ast.Assign) and any(_binds(target, name) for target in node.targets):
            values.append(node.value.value if isinstance(node.value, ast.Await) else node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
            if _binds(node.target, name):
                return []
        elif isinstance(node, ast.withitem) and node.optional_vars is not None and _binds(node.optional_vars, name):
            return []
    return values


def _binds(target: ast.expr, name: str) -> bool:
    """Whether assigning to `target` binds `name` (`name = ...`, `a, name = ...`); setting an attribute or item of
    it (`exporter.schedule = schedule`) keeps the object it names."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_binds(element, name) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(target.value, name)
    return isinstance(target, ast.Name) and target.id == name


def _bare(callee: str) -> str:
    """`_save` of `self._save` or `cls._save`."""
    return callee.removeprefix("self.").removeprefix("cls.")


def _imported_from_the_project(tree: ast.AST, path: str) -> frozenset[str]:
    """The names the file at `path` imports from the project under review: from a relative module, or from a package
    whose folder is on the file's path (`from octoprint.server.util import require_fresh_login_with` in
    octoprint/server/api/settings.py; `from . import calibre_db`, whose methods are the project's too)."""
    folders = set(path.replace("\\", "/").split("/")[:-1])
    return frozenset(
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").split(".")[0] in folders)
        for alias in node.names
    )
