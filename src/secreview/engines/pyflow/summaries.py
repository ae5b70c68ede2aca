"""One level of summaries per module, for calls of its functions elsewhere in the repository: which of a
function's parameters reach a sink (the project's wrappers), which functions return request data, and which return
what they are given checked."""

from __future__ import annotations

import ast

from secreview.engines.pyflow.rules import ALL, sanitises
from secreview.engines.pyflow.syntax import Module, functions, imported_names, parameter_positions, read_module
from secreview.engines.pyflow.taint import REQUEST_SOURCE, Checker, RequestReader, Summary, Taint
from secreview.engines.pyflow.walker import Walker, walk


def summarise(tree: ast.AST, path: str) -> list[Summary]:
    """What each function in the module passes from its own parameters straight to a sink (one level: sinks
    reached through other wrappers do not count), for calls of it elsewhere in the repository."""
    found: list[Summary] = []
    module = read_module(tree)
    for function in functions(tree):
        positions = parameter_positions(function)
        for hit in walk(function, {}, module, request_sources=False, all_parameters=True):
            param = hit.taint.source
            if param in ("self", "cls") or hit.by_name or hit.cwe in sanitises(function.name):
                continue  # a function named for escaping (escapejs) is a sanitiser where it is called
            summary = Summary(function.name, param, positions.get(param), hit.cwe, hit.what, hit.line, path)
            if summary not in found:
                found.append(summary)
    return found


def returns_what_it_is_given(
    function: ast.FunctionDef | ast.AsyncFunctionDef, modules: frozenset[str], cwe: int = 79
) -> bool:
    """Whether what the function returns carries one of its parameters unchecked for `cwe`: for cross-site
    scripting (79) text, as it is or built into text (`return "<h1>%s</h1>" % key`; not a dict or list, served as
    JSON, nor another function's answer), what a caller gives it comes back out as a page's text; for an open
    redirect (601) any value (`return next_url`; not a record looked up by it, whose URL is the site's own)."""
    walker = _given_back(function, Module(modules))
    returned = walker.returned_text if cwe == 79 else walker.returned
    return any(not taint.safe(cwe) for taint in returned)


def checkers(tree: ast.AST, path: str) -> list[Checker]:
    """The functions in the module whose every answer made from a parameter passed a check (a path joined and
    contained, a name matched against a pattern) or a path sanitiser (`secure_filename`), for calls of them
    elsewhere in the repository. Not what a URL or a page is made safe by inside (`url_for(endpoint)`,
    `render_template(name)`): which argument a caller gives there decides, and the call's own reading says it
    (syntax.builds_own_url, syntax.renders_template_file)."""
    found: list[Checker] = []
    module = read_module(tree)
    for function in functions(tree):
        returned = [taint.safe_for for taint in _given_back(function, module).returned]
        if returned and (checked := frozenset.intersection(*returned) & {ALL, 22}):
            found.append(Checker(function.name, function.lineno, path, tuple(sorted(checked, key=str))))
    return found


def _given_back(function: ast.FunctionDef | ast.AsyncFunctionDef, module: Module) -> Walker:
    """The walk of the function with each of its parameters a source: its `returned` is what it gives back."""
    walker = Walker({}, False, module, built_only=False, private=False, function=function)
    for arg in ast.walk(function.args):
        if isinstance(arg, ast.arg) and arg.arg not in ("self", "cls"):
            walker.env[arg.arg] = Taint(arg.arg, ())
    walker.block(function.body)
    return walker


def request_readers(tree: ast.AST, path: str) -> list[RequestReader]:
    """The functions in the module that return request data they read themselves (one level: not what another
    helper returned), for calls of them elsewhere in the repository."""
    found: list[RequestReader] = []
    module = Module(imported_names(tree))
    for function in functions(tree):
        walker = Walker({}, True, module, built_only=False, private=False)
        walker.block(function.body)
        returned = [taint.safe_for for taint in walker.returned if taint.source == REQUEST_SOURCE]
        if returned:
            checked = sorted(frozenset.intersection(*returned), key=str)
            found.append(RequestReader(function.name, function.lineno, path, tuple(checked)))
    return found
