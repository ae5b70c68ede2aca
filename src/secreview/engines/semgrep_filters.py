"""Semgrep reports that say nothing about the code under review, read from the code's syntax tree. Semgrep's rules
cannot tie a view's parameter to the converter its route gives it (`@app.route("/book/<int:book_id>")`): to them
`book_id` is request text, though Flask hands the view a number."""

from __future__ import annotations

import ast
import re
from typing import Any

from secreview.engines.pyflow.rules import JOINS
from secreview.engines.pyflow.syntax import (
    callee_of,
    defined_functions,
    enclosing_function,
    module_constants,
    number_route_parameters,
)

_HARMLESS_CALLS = re.compile(f"{JOINS.pattern}|^(str|int|float|format)$")  # path joins and conversions


def says_nothing(item: dict[str, Any], text: str, tree: ast.AST | None) -> bool:
    """A report on a Python file (`text`, parsed as `tree`) whose matched code reads no variable but numbers from
    the view's route and the module's constants, and calls none but the module's own functions, path joins and
    conversions (`return render_edit_book(book_id)`, `open(os.path.join(BASE, str(year)))` under
    `/book/<int:book_id>/<int:year>`). Semgrep follows taint within a function, so nothing else can have brought
    request data there; a number injects no markup, path or query."""
    function = enclosing_function(tree, item["start"]["line"]) if tree is not None else None
    numbers = number_route_parameters(function) if function is not None else frozenset()
    if tree is None or not numbers:
        return False
    matched = text.encode()[item["start"]["offset"] : item["end"]["offset"]].decode(errors="replace")
    try:
        expression = ast.parse(f"(\n{matched}\n)", mode="eval")
    except SyntaxError:
        return False  # a statement or a part of one: not judged here
    calls = [node for node in ast.walk(expression) if isinstance(node, ast.Call)]
    own = defined_functions(tree)
    if not all(callee_of(call) in own or _HARMLESS_CALLS.search(callee_of(call)) for call in calls):
        return False
    called = {id(root) for call in calls if (root := _root_name(call.func)) is not None}
    values = {node.id for node in ast.walk(expression) if isinstance(node, ast.Name) and id(node) not in called}
    return bool(values & numbers) and values <= numbers | module_constants(tree)


def _root_name(callee: ast.expr) -> ast.Name | None:
    """`os` of `os.path.join`: the name a called attribute chain starts from."""
    while isinstance(callee, ast.Attribute):
        callee = callee.value
    return callee if isinstance(callee, ast.Name) else None
