"""What a module's syntax says, read the same way by the walk and by the engines' report filters: the name a call
calls, the module's functions and imports, and what kind of entry point a function is (a route or view handler, a
Flask view and the parameters its route makes numbers, a command-line command, a Django management command)."""

from __future__ import annotations

import ast
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from secreview.engines.pyflow.rules import (
    COMMAND_WRAPPER,
    FILE_RENDERERS,
    OWN_URLS,
    SAFE_YAML_LOADERS,
    TEMPLATE_FILES,
    sink_rule,
)
from secreview.sinks import PYTHON_SOURCES

# Parameters that are not a caller's data (the framework's request object is read through its attributes).
_NOT_DATA = frozenset({"self", "cls", "request", "req"})
_DJANGO_COMMANDS = frozenset({"BaseCommand", "AppCommand", "LabelCommand"})  # management commands' base classes
_NUMERIC = re.compile(r"^(int|float|bool|complex|Decimal|datetime|date|UUID)\b")
# What a view's URL keyword argument (text, a number, a UUID) has to read; the Semgrep rules' view parameters
# name the same (tests/test_rules.py).
TEXT_OR_NUMBER_ATTRIBUTES = frozenset(
    name for kind in (str, bytes, int, uuid.UUID) for name in dir(kind) if not name.startswith("_")
)


def unparsed(node: ast.AST) -> str:
    """The node's code, as the name patterns match it ("" for a tree `ast.unparse` cannot write)."""
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - malformed synthetic trees only
        return ""


def callee_of(call: ast.Call) -> str:
    """The called name; of a conditional choice (`(js2py.eval_js6 if es6 else js2py.eval_js)(script)`) the
    branch a sink rule names, else the first."""
    if isinstance(call.func, ast.IfExp):
        branches = [unparsed(call.func.body), unparsed(call.func.orelse)]
        return next((name for name in branches if sink_rule(name)), branches[0])
    return unparsed(call.func)


def is_public(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether callers outside the module may pass it data: not `_private` (dunders such as __init__ are
    public), or a decorated route or view handler."""
    return not _private_name(function.name) or bool(function.decorator_list)


def _private_name(name: str) -> bool:
    """`_helper`, not a dunder such as `__init__`."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def parameter_positions(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """Parameter name -> its position among a caller's positional arguments (self/cls not counted)."""
    positional = [*function.args.posonlyargs, *function.args.args]
    offset = 1 if positional and positional[0].arg in ("self", "cls") else 0
    return {arg.arg: index - offset for index, arg in enumerate(positional)}


def data_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The parameters that can carry a caller's data: not self/cls/request, not annotated as a number or date, not
    made a number by the route's converter."""
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a is not None)]
    numbers = number_route_parameters(function)
    return [
        arg.arg
        for arg in every
        if arg.arg not in _NOT_DATA
        and arg.arg not in numbers
        and not (arg.annotation and _NUMERIC.match(unparsed(arg.annotation)))
    ]


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def bound_calls(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Each variable or attribute the function binds to a call's result (`zf = zipfile.ZipFile(p)`, `with
    ZipFile(p) as zf`, `self._env = SandboxedEnvironment()`) -> that call's name (the last binding, wherever it is)."""
    made: dict[str, str] = {}
    for node in ast.walk(function):
        bound: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign):
            bound = [(target, node.value) for target in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:  # `env: Final = SandboxedEnvironment()`
            bound = [(node.target, node.value)]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bound = [(node.optional_vars, node.context_expr)]
        made.update(
            (unparsed(target), callee_of(value))
            for target, value in bound
            if isinstance(target, (ast.Name, ast.Attribute)) and isinstance(value, ast.Call)
        )
    return made


def attributes_made_in_class(tree: ast.AST) -> dict[int, dict[str, str]]:
    """For each method (by id), the attributes of `self` its class's methods bind to a call's result (`self.session =
    requests.Session()` in __init__) -> that call's name: what another method finds there."""
    made: dict[int, dict[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            methods = [m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            attributes = {
                name: callee for m in methods for name, callee in bound_calls(m).items() if name.startswith("self.")
            }
            made.update((id(method), attributes) for method in methods)
    return made


def enclosing_function(tree: ast.AST, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose lines hold `line`."""
    around = [function for function in functions(tree) if function.lineno <= line <= (function.end_lineno or 0)]
    return max(around, key=lambda function: function.lineno, default=None)


def constant_text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def renders_template_file(call: ast.Call) -> bool:
    """A template file rendered: by Django's or Flask's renderer of one (`render_to_string(name, context)`), or by a
    call given a template file's name first (`base_render_template("popup.html", ...)`): what renders it escapes what
    it is given, as render_template does."""
    if FILE_RENDERERS.search(callee_of(call)):
        return True
    return bool(call.args) and TEMPLATE_FILES.search(constant_text(call.args[0]) or "") is not None


# a route's name as a URL builder takes it: Flask's relative endpoint (".index_view") or Django's namespaced one
# ("admin:index"); "admin.index" could as well be a host's name
_ENDPOINT = re.compile(r"^\.[A-Za-z_]\w*$|^[A-Za-z_]\w*(:[A-Za-z_][\w-]*)+$")


def builds_own_url(call: ast.Call) -> bool:
    """The application's own URL for a route: url_for, reverse or url_path_for, or a project helper named for URLs
    given a route's name first (flask-admin's `self._get_dir_url(".index_view", path)`, `self.get_url(".edit")`)."""
    callee = callee_of(call)
    if OWN_URLS.search(callee):
        return True
    named = "url" in callee.rsplit(".", 1)[-1].lower()
    return named and bool(call.args) and _ENDPOINT.match(constant_text(call.args[0]) or "") is not None


def loads_yaml_safely(call: ast.Call, loaders: frozenset[str]) -> bool:
    """`yaml.load(text, Loader=...)` given one of the safe `loaders` (`safe_yaml_loaders`)."""
    if not re.search(r"(^|\.)load(_all)?$", callee_of(call)):
        return False  # unsafe_load and full_load take no loader
    given = [keyword.value for keyword in call.keywords if keyword.arg == "Loader"] + call.args[1:2]
    return bool(given) and all(unparsed(loader).rsplit(".", 1)[-1] in loaders for loader in given)


def safe_yaml_loaders(tree: ast.AST) -> frozenset[str]:
    """PyYAML's safe loaders and the module's classes derived from them (buildbot's `class
    BuildbotCiLoader(yaml.SafeLoader)` adding its own tags): they build only plain data and those tags."""
    return _derived_from(tree, SAFE_YAML_LOADERS)


def _derived_from(tree: ast.AST, bases: tuple[str, ...]) -> frozenset[str]:
    """The class names `bases` and the module's classes derived from them, directly or through one another."""
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = set(bases)
    grown = True
    while grown:
        new = {c.name for c in classes if any(unparsed(base).rsplit(".", 1)[-1] in found for base in c.bases)}
        grown = not new <= found
        found |= new
    return frozenset(found)


def runs_nothing(tree: ast.AST, imported: frozenset[str]) -> frozenset[str]:
    """The names of the module's functions (methods and nested ones too; every definition of the name) that run
    nothing themselves: they call no sink, nothing named like a command or query runner, no function imported by its
    bare name, and of the module's own functions only such ones (bottle's `_cli_error(msg)` prints a message and
    exits). Read, such a function's name is no reason to take a call of it for a runner's. `imported`: the names the
    module's imports bind."""
    definitions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for function in functions(tree):
        definitions.setdefault(function.name, []).append(function)
    imported = imported - definitions.keys()
    called = {
        name: {callee_of(call) for function in found for call in ast.walk(function) if isinstance(call, ast.Call)}
        for name, found in definitions.items()
    }
    bare = {name: {callee.rsplit(".", 1)[-1] for callee in callees} for name, callees in called.items()}
    quiet = {
        name
        for name, callees in called.items()
        if not any(sink_rule(callee) is not None or callee in imported for callee in callees)
        and not any(COMMAND_WRAPPER.search(other) for other in bare[name] - {name})
    }
    while True:  # of those, the ones whose calls of the module's own functions are only of quiet ones
        kept = {name for name in quiet if (bare[name] & definitions.keys()) <= quiet}
        if kept == quiet:
            return frozenset(quiet)
        quiet = kept


def imported_names(tree: ast.AST) -> frozenset[str]:
    """The names imports bind anywhere in the module (modules, and functions imported from them)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return frozenset(names)


_HANDLER = next(pattern for _, category, pattern in PYTHON_SOURCES if category == "route handler")
_VIEW_ROUTE = re.compile(r"^[\w.]+\.(route|get|post|put|patch|delete)$")  # as Semgrep's flask_view_return_sink
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")  # <name>, <int:id>
_NUMBER_CONVERTERS = frozenset({"int", "float", "uuid"})
_COMMAND_LINE = re.compile(r"^click\.|\.cli\.(command|group)$")  # click's decorators, Flask's app.cli.command


def defined_functions(tree: ast.AST) -> frozenset[str]:
    """The names of the functions the module defines at its top level."""
    body = getattr(tree, "body", [])
    return frozenset(node.name for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def bindings(function: ast.AST) -> Counter[str]:
    """How many times the function binds each name (assignments, loops, `with ... as`, unpacking, parameters)."""
    return Counter(
        node.id if isinstance(node, ast.Name) else node.arg
        for node in ast.walk(function)
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)) or isinstance(node, ast.arg)
    )


def bound_only_to(function: ast.AST, kind: Callable[[ast.expr], bool]) -> frozenset[str]:
    """The variables the function binds only to values of a `kind`: each of their bindings is such an assignment,
    `+=` of such a value (text added to text of a kind stays of it, mkdocs's `html += ' defer'`; a list added to a
    list) or a loop over a literal of such values (`for url in ("https://a", "https://b")`); none a parameter,
    another loop, `with ... as` or unpacking."""
    assigned: dict[str, list[list[ast.expr]]] = {}  # for each binding, the values it may give
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append([node.value])
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append([node.value])
        elif (
            isinstance(node, ast.For | ast.comprehension)
            and isinstance(node.target, ast.Name)
            and isinstance(node.iter, ast.Tuple | ast.List | ast.Set)
        ):
            assigned.setdefault(node.target.id, []).append(node.iter.elts)
    bound = bindings(function)
    return frozenset(
        name
        for name, values in assigned.items()
        if len(values) == bound[name] and all(kind(value) for given in values for value in given)
    )


def module_constants(tree: ast.AST) -> frozenset[str]:
    """The names the module binds only to constants or tuples of them at its top level, in its `if`/`try` blocks too
    (`BASE = "/srv/files"`; `SQLITE_BIND = "?"` under one branch and `"%s"` under the other; swift's `SHARD_RANGE_KEYS
    = ("name", "timestamp", ...)`): text no caller gives."""
    values: dict[str, list[ast.expr | None]] = {}
    pending: list[ast.AST] = list(getattr(tree, "body", []))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Assign) and all(isinstance(target, ast.Name) for target in node.targets):
            for target in node.targets:
                values.setdefault(cast(ast.Name, target).id, []).append(node.value)
        elif isinstance(node, (ast.If, ast.Try, ast.ExceptHandler, ast.With, ast.For, ast.While)):
            blocks = [child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.ExceptHandler))]
            pending += blocks
            for child in ast.iter_child_nodes(node):
                if child not in blocks:
                    _bound_elsewhere(child, values)
            if isinstance(node, ast.ExceptHandler) and node.name:
                values.setdefault(node.name, []).append(None)
        else:
            _bound_elsewhere(node, values)
    return frozenset(name for name, bound in values.items() if all(_constant(value) for value in bound))


def _constant(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Tuple):
        return all(isinstance(element, ast.Constant) for element in value.elts)
    return isinstance(value, ast.Constant)


def _bound_elsewhere(node: ast.AST, values: dict[str, list[ast.expr | None]]) -> None:
    """Record each name `node` binds (a def, a class, an import, any other assignment) as bound to no constant."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names = [node.name]  # what its body binds is its own
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    else:
        names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    for name in names:
        values.setdefault(name, []).append(None)


@dataclass(frozen=True)
class Module:
    """What a function's module says that the walk of the function needs, read once per module (`read_module`);
    what few walks ask for is read when first asked."""

    imported: frozenset[str] = frozenset()  # the names its imports bind: calls through them pass data on
    # its top-level functions: called by the bare name, one is that function (its summary applies), not a library's
    # sink of the same name (dtale's own send_file(data, filename, type) builds a download response)
    defined: frozenset[str] = frozenset()
    management_command: bool = False  # a Django management command's: the parameters are the operator's
    tree: ast.AST | None = field(default=None, compare=False, repr=False)

    @cached_property
    def flask(self) -> bool:
        """It imports Flask: what a view returns is the page."""
        return self.tree is not None and imports_flask(self.tree)

    @cached_property
    def classes(self) -> frozenset[str]:
        """Its top-level classes: called by the bare name, one makes that class's object (Mailman's Template model),
        not a library's sink of the same name."""
        return frozenset(node.name for node in getattr(self.tree, "body", []) if isinstance(node, ast.ClassDef))

    @cached_property
    def runs_nothing(self) -> frozenset[str]:
        """Its functions that run nothing themselves: no command wrappers, whatever their names."""
        return runs_nothing(self.tree, self.imported) if self.tree is not None else frozenset()

    @cached_property
    def attributes_made(self) -> dict[int, dict[str, str]]:
        """The attributes each method's class makes (attributes_made_in_class)."""
        return attributes_made_in_class(self.tree) if self.tree is not None else {}

    @cached_property
    def yaml_loaders(self) -> frozenset[str]:
        """The safe ones, its own too (safe_yaml_loaders)."""
        return safe_yaml_loaders(self.tree) if self.tree is not None else frozenset(SAFE_YAML_LOADERS)


def read_module(tree: ast.AST) -> Module:
    return Module(imported_names(tree), defined_functions(tree), is_management_command(tree), tree=tree)


def imports_flask(tree: ast.AST) -> bool:
    """Whether the module imports Flask (`import flask`, `from flask import ...`): its views serve strings as HTML."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "flask" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "flask":
            return True
    return False


def is_management_command(tree: ast.AST) -> bool:
    """Whether the module is a Django management command (`class Command(BaseCommand)`, or a command's base
    class such as `TemplateCommand(BaseCommand)`): its functions run from `manage.py` with the operator's own
    arguments, not a caller's data."""
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.ClassDef):
            bases = [unparsed(base).rsplit(".", 1)[-1] for base in node.bases]
            if _DJANGO_COMMANDS.intersection(bases) or (
                node.name == "Command" and any(b.endswith("Command") for b in bases)
            ):
                return True
    return False


def is_flask_view(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated as a route (`@app.route(...)`, `@bp.get(...)`): in a module that imports Flask, a view."""
    return any(
        isinstance(decorator, ast.Call) and _VIEW_ROUTE.match(callee_of(decorator))
        for decorator in function.decorator_list
    )


def number_route_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """The parameters every route of a view makes a number (`@app.route("/book/<int:book_id>")`): Flask's int,
    float and uuid converters hand the view an int, a float or a UUID, never text."""
    converters: dict[str, set[str]] = {}
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _VIEW_ROUTE.match(callee_of(decorator)) and decorator.args:
            for match in _ROUTE_PARAMETER.finditer(constant_text(decorator.args[0]) or ""):
                converters.setdefault(match["name"], set()).add(match["converter"] or "string")
    return frozenset(name for name, used in converters.items() if used <= _NUMBER_CONVERTERS)


def is_command_line(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A command of a click (or Flask `app.cli`) command-line interface: the operator gives its arguments."""
    return any(
        _COMMAND_LINE.search(callee_of(decorator) if isinstance(decorator, ast.Call) else unparsed(decorator))
        for decorator in function.decorator_list
    )


def is_test(function: ast.FunctionDef | ast.AsyncFunctionDef, modules: frozenset[str]) -> bool:
    """A pytest test (`test_*` in a module that imports pytest) or fixture: pytest passes its parameters (`request`,
    `tmp_path`), no caller does. A product's `test_share(server, share)` (motioneye) is no test."""
    return (function.name.startswith("test") and "pytest" in modules) or any(
        re.search(r"(^|\.)fixture$", callee_of(decorator) if isinstance(decorator, ast.Call) else unparsed(decorator))
        for decorator in function.decorator_list
    )


def is_handler(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A route or view handler (secreview.sinks' "route handler" source): its parameters are request data. Taking
    the request first makes no view of a function that reads another parameter as an object (allauth's
    `connect(request, sociallogin)` reads `sociallogin.state`): a view's URL keyword arguments are text or numbers;
    nor of a private one, decorated or not unless by a route (Weblate's `_handle_missing_github_app_access(request,
    next_url)`), a helper of the module's views whose callers' values its summary follows, as Semgrep's view-parameter
    source reads it."""
    arguments = ", ".join(arg.arg for arg in [*function.args.posonlyargs, *function.args.args])
    lines = [f"@{unparsed(decorator)}" for decorator in function.decorator_list]
    if any(_HANDLER.search(line) for line in lines):
        return True
    return (
        bool(_HANDLER.search(f"def {function.name}({arguments})"))
        and not _private_name(function.name)
        and not _reads_an_object(function)
    )


def _reads_an_object(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function reads an attribute of one of its data parameters that no text or number has (not of
    `*args` or `**kwargs`, a view's URL arguments themselves: `kwargs.get("pk")`)."""
    spread = {arg.arg for arg in (function.args.vararg, function.args.kwarg) if arg is not None}
    parameters = set(data_parameters(function)) - spread
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in parameters
        and not node.attr.startswith("_")
        and node.attr not in TEXT_OR_NUMBER_ATTRIBUTES
        for node in ast.walk(function)
    )
