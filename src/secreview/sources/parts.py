"""A code unit's parts: its functions and methods, and its module-level code, with the lines that are imports.

Routing sends parts to the model, the verification and fix stages show the model a finding's function, and the
C checks read the function a report is in; all split a unit the same way, here.

Python with the `ast` module (a nested function stays in its function; each method is a part;
decorators belong to their function); a file the running interpreter cannot parse (a newer syntax) is split on
its tokens' indentation instead. C, C++ and Java with tree-sitter's grammars: a function definition, method or
constructor at file, namespace, class or `extern "C"` level is a part (see _split_tree_sitter for code it cannot
parse). A unit in another language is not split: `Split.problem` says why (routing then sends it whole).
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field

import tree_sitter_c
import tree_sitter_cpp
import tree_sitter_java
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from secreview.models import CodeUnit, LineRange, source_lines
from secreview.sources.languages import parse_python

MODULE_LEVEL = "module level"


@dataclass(frozen=True)
class Part:
    """A function or method (one range, decorators and annotations included), or the module-level code: the
    lines outside every function (several ranges), not counting imports and the lines that open classes."""

    name: str
    ranges: tuple[LineRange, ...]
    context: tuple[LineRange, ...] = ()  # the lines opening the classes (namespaces) it is in

    @property
    def is_module_level(self) -> bool:
        return self.name == MODULE_LEVEL


@dataclass(frozen=True)
class Split:
    """A unit split into parts; `method` says how (python-ast, python-tokens, tree-sitter), or `problem` why it was
    not split (then `parts` is empty and the unit goes to the model whole)."""

    parts: list[Part]
    header: list[LineRange]  # imports, includes, package lines: shown with every routed part
    code: list[str]  # the unit's lines with comments removed: what the patterns are matched on
    method: str = ""
    problem: str | None = None


def split_unit(unit: CodeUnit) -> Split:
    """The unit's parts: functions and methods, and the module-level code (see the module's docstring)."""
    lines = source_lines(unit.text)
    if unit.language == "python":
        return _split_python(unit.text, lines)
    if unit.language in _GRAMMARS:
        try:
            return _split_tree_sitter(unit.text, unit.language)
        except RecursionError:  # thousands of nested namespaces or classes: the walk goes one level per level
            return Split([], [], lines, problem="declarations nested too deeply to split")
    return Split([], [], lines, problem=f"no function splitter for {unit.language}")


def enclosing_function(split: Split, line: int) -> Part | None:
    """The innermost function or method holding `line`; None at module level."""
    functions = [p for p in split.parts if not p.is_module_level and any(r.start <= line <= r.end for r in p.ranges)]
    return min(functions, key=lambda p: sum(r.end - r.start for r in p.ranges), default=None)


@dataclass
class _Found:
    """What a splitter found: functions (name, range, enclosing class lines), imports, lines that are not code."""

    functions: list[tuple[str, LineRange, tuple[LineRange, ...]]] = field(default_factory=list)
    header: list[LineRange] = field(default_factory=list)
    not_code: list[LineRange] = field(default_factory=list)  # docstrings, lines opening classes


def _assemble(found: _Found, code: list[str], method: str) -> Split:
    parts = [Part(name, (lines,), context) for name, lines, context in found.functions]
    inside = line_set(lines for _, lines, _ in found.functions)
    skip = inside | line_set(found.header) | line_set(found.not_code)
    module = [n for n, text in enumerate(code, start=1) if n not in skip and _is_code(text)]
    if module:
        # one part, its ranges the runs of module-level code between functions (each routed on its own)
        runs: list[list[int]] = []
        between = skip - inside  # lines that do not end a run: imports, docstrings, class openings
        for n in module:
            if runs and all(m in between or not _is_code(code[m - 1]) for m in range(runs[-1][-1] + 1, n)):
                runs[-1].append(n)
            else:
                runs.append([n])
        parts.append(Part(MODULE_LEVEL, tuple(LineRange(start=run[0], end=run[-1]) for run in runs)))
    return Split(parts, found.header, code, method)


_PUNCTUATION_ONLY = re.compile(r"^[\s{}()\[\];,]*$")


def _is_code(text: str) -> bool:
    return not _PUNCTUATION_ONLY.match(text)


def _split_python(text: str, lines: list[str]) -> Split:
    code = _python_without_comments(text, lines)
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        try:
            return _assemble(_python_tokens(text), code, "python-tokens")
        except (tokenize.TokenError, IndentationError, SyntaxError) as error:
            return Split([], [], code, problem=f"does not parse as Python ({error.__class__.__name__})")
    found = _Found()

    def first_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
        return min([node.lineno, *(d.lineno for d in node.decorator_list)])

    def visit(body: list[ast.stmt], classes: tuple[LineRange, ...], prefix: str) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            found.not_code.append(_span(body[0]))  # a docstring
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.functions.append((prefix + node.name, LineRange(start=first_line(node), end=_end(node)), classes))
            elif isinstance(node, ast.ClassDef):
                first = node.body[0]
                if isinstance(first, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    body_start = first_line(first)
                else:
                    body_start = first.lineno
                opening = LineRange(start=first_line(node), end=max(body_start - 1, node.lineno))
                found.not_code.append(opening)
                visit(node.body, (*classes, opening), f"{prefix}{node.name}.")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                if not classes:
                    found.header.append(_span(node))
            elif isinstance(node, ast.If | ast.Try | ast.With):  # definitions and imports under if/try/with
                for block in ("body", "orelse", "finalbody"):
                    visit(getattr(node, block, []), classes, prefix)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, classes, prefix)

    visit(tree.body, (), "")
    return _assemble(found, code, "python-ast")


def _span(node: ast.stmt) -> LineRange:
    return LineRange(start=node.lineno, end=_end(node))


def _end(node: ast.stmt) -> int:
    return node.end_lineno or node.lineno


def _python_without_comments(text: str, lines: list[str]) -> list[str]:
    """The lines with their comments blanked (by the tokenizer), or as they are if it gives up."""
    out = list(lines)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                if row <= len(out):
                    out[row - 1] = out[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return list(lines)
    return out


@dataclass
class _Block:
    kind: str  # def or class
    depth: int
    start: int
    classes: tuple[LineRange, ...]  # the openings of the classes it is in
    name: str = ""
    opening: LineRange | None = None  # a class's opening lines
    opened: bool = False  # its body is an indented block


def _python_tokens(text: str) -> _Found:
    """Python the running interpreter cannot parse (a newer syntax): functions and classes from the tokens'
    indentation, which the tokenizer still follows."""
    found = _Found()
    stack: list[_Block] = []
    depth = 0
    logical: list[tokenize.TokenInfo] = []
    header: _Block | None = None  # the block whose def/class line is being read
    awaiting: _Block | None = None  # a block whose header ended: an indented body follows, or it is one line
    decorator: int | None = None
    last_newline = 0

    def finish(block: _Block) -> None:
        if block.kind == "def" and not any(b.kind == "def" for b in stack):
            prefix = "".join(f"{b.name}." for b in stack if b.kind == "class")
            found.functions.append(
                (prefix + block.name, LineRange(start=block.start, end=max(last_newline, block.start)), block.classes)
            )

    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if awaiting is not None and token.type not in (tokenize.NL, tokenize.COMMENT):
            if token.type == tokenize.INDENT:
                awaiting.opened = True
            else:
                finish(stack.pop())
            awaiting = None
        if token.type == tokenize.INDENT:
            depth += 1
        elif token.type == tokenize.DEDENT:
            depth -= 1
            while stack and stack[-1].opened and stack[-1].depth >= depth:
                finish(stack.pop())
        elif token.type == tokenize.NEWLINE:
            last_newline = token.start[0]
            if header is not None:
                if header.kind == "class":
                    header.opening = LineRange(start=header.start, end=last_newline)
                    if not any(b.kind == "def" for b in stack):
                        found.not_code.append(header.opening)
                awaiting, header = header, None
            elif logical and not any(b.kind == "def" for b in stack):
                span = LineRange(start=logical[0].start[0], end=last_newline)
                if logical[0].string in ("import", "from") and not stack:
                    found.header.append(span)
                elif all(t.type == tokenize.STRING for t in logical):
                    found.not_code.append(span)  # a docstring
            if logical and logical[0].string != "@":
                decorator = None
            logical = []
        elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER):
            logical.append(token)
            if len(logical) == 1 and token.string == "@":
                decorator = decorator or token.start[0]
            starts_block = len(logical) == 1 or (len(logical) == 2 and logical[0].string == "async")
            if token.type == tokenize.NAME and token.string in ("def", "class") and starts_block:
                classes = tuple(b.opening for b in stack if b.kind == "class" and b.opening is not None)
                header = _Block(token.string, depth, decorator or logical[0].start[0], classes)
                stack.append(header)
                decorator = None
            elif header is not None and not header.name and token.type == tokenize.NAME:
                header.name = token.string
    while stack:
        finish(stack.pop())
    return found


# C, C++ and Java: tree-sitter


_GRAMMARS = {
    "c": Language(tree_sitter_c.language()),
    "cpp": Language(tree_sitter_cpp.language()),
    "java": Language(tree_sitter_java.language()),
}
_C_QUERY = "[(comment) @comment (preproc_include) @header (preproc_def) @header (preproc_function_def) @header]"
_QUERIES = {
    "c": _C_QUERY,
    "cpp": _C_QUERY,
    "java": "[(line_comment) (block_comment)] @comment [(package_declaration) (import_declaration)] @header",
}
_FUNCTIONS = frozenset(
    {"function_definition", "method_declaration", "constructor_declaration", "compact_constructor_declaration"}
)
_CONTAINERS = frozenset(  # blocks whose body is scanned for functions in turn
    {
        *("namespace_definition", "linkage_specification"),  # extern "C"
        *("class_specifier", "struct_specifier", "union_specifier", "enum_specifier"),
        *("class_declaration", "interface_declaration", "enum_declaration", "record_declaration"),
        "annotation_type_declaration",
    }
)
_WRAPPERS = frozenset({"template_declaration", "declaration", "field_declaration", "type_definition"})
_THROUGH = frozenset(  # the items of a file or a container's body, and #if branches around them
    {
        *("declaration_list", "field_declaration_list", "class_body", "interface_body", "enum_body"),
        *("enum_body_declarations", "annotation_type_body", "ERROR"),
        *("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"),
    }
)
_NAMES = frozenset(
    {"identifier", "field_identifier", "qualified_identifier", "operator_name", "destructor_name", "operator_cast"}
    | {"template_function", "template_method", "type_identifier"}
)
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


@functools.cache
def _query(language: str) -> Query:
    return Query(_GRAMMARS[language], _QUERIES[language])


def _split_tree_sitter(text: str, language: str) -> Split:
    """C, C++ and Java with tree-sitter: function definitions, methods and constructors at file, namespace, class
    or `extern "C"` level (a template's or an annotation's lines included; lambdas, local and anonymous classes
    stay in their function). tree-sitter recovers from what it cannot parse (a function split across #if
    branches, a macro it does not know) by wrapping it in an ERROR node; the definitions it still recognises in
    and around such a node are parts as usual, and the lines it could not place are module-level code, routed
    by the same patterns. A "definition" without a parameter list (`MACRO(x) { ... }`, a misread typedef) is
    left to the module-level code too."""
    data = text.encode("utf-8", "surrogatepass")
    starts = [0] + [match.end() for match in _LINE_BREAK_BYTES.finditer(data)]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    def span(first: Node, last: Node) -> LineRange:
        return LineRange(start=line_of(first.start_byte), end=line_of(max(last.end_byte - 1, last.start_byte)))

    tree = Parser(_GRAMMARS[language]).parse(data)
    found = _Found()
    blanked = bytearray(data)
    captures = QueryCursor(_query(language)).captures(tree.root_node)
    for comment in captures.get("comment", []):
        blanked[comment.start_byte : comment.end_byte] = re.sub(
            rb"[^\r\n]", b" ", data[comment.start_byte : comment.end_byte]
        )
    rows = sorted({line_of(node.start_byte) for node in captures.get("header", [])})
    found.header = [LineRange(start=row, end=row) for row in rows]
    code = source_lines(blanked.decode("utf-8", "replace"))

    def visit(node: Node, outer: Node, context: tuple[LineRange, ...], prefix: str) -> None:
        """`outer` is where the definition starts: its template or declaration line."""
        kind = node.type
        if kind in _FUNCTIONS:
            name = _function_name(node)
            if name and node.child_by_field_name("body") is not None:
                found.functions.append((prefix + name, span(outer, node), context))
        elif kind in _CONTAINERS:
            body = node.child_by_field_name("body")
            if body is None:
                return
            if body.type in _FUNCTIONS or body.type in _WRAPPERS:  # extern "C" int f() { ... }
                visit(body, outer, context, prefix)
                return
            opening = LineRange(start=line_of(outer.start_byte), end=line_of(body.start_byte))
            found.not_code.append(opening)
            named = node.child_by_field_name("name")
            inner = f"{prefix}{_text(named)}." if named is not None and kind != "linkage_specification" else prefix
            for child in body.named_children:
                visit(child, child, (*context, opening), inner)
        elif kind in _WRAPPERS:
            for child in node.named_children:
                if child.type in _FUNCTIONS or child.type in _CONTAINERS or child.type in _WRAPPERS:
                    visit(child, outer, context, prefix)
        elif kind in _THROUGH:
            for child in node.named_children:
                visit(child, child, context, prefix)

    for child in tree.root_node.named_children:
        visit(child, child, (), "")
    return _assemble(found, code, "tree-sitter")


def _function_name(node: Node) -> str:
    """A Java method's name; a C or C++ function's declared name (`f`, `A::b`, `operator==`, `operator bool`),
    found through pointer, reference and parenthesised declarators; "" when it declares no parameter list."""
    named = node.child_by_field_name("name")
    if named is not None:
        return _text(named)
    declarator = node.child_by_field_name("declarator")
    after_parameters = False
    while declarator is not None:
        if declarator.type in ("operator_cast", "qualified_identifier") or (
            declarator.type in _NAMES and after_parameters
        ):
            return _declared(declarator)
        after_parameters = after_parameters or declarator.type == "function_declarator"
        declarator = declarator.child_by_field_name("declarator") or next(
            (c for c in declarator.named_children if c.type.endswith("declarator") or c.type in _NAMES), None
        )
    return ""


def _declared(node: Node) -> str:
    if node.type == "operator_cast":  # operator T*() const: the name ends where its parameters start
        end = node.end_byte
        inner: Node | None = node
        while inner is not None and inner.child_by_field_name("parameters") is None:
            inner = inner.child_by_field_name("declarator")
        if inner is not None:
            end = inner.child_by_field_name("parameters").start_byte  # type: ignore[union-attr]
        return " ".join((node.text or b"")[: end - node.start_byte].decode("utf-8", "replace").split())
    name = node.child_by_field_name("name")
    if node.type == "qualified_identifier" and name is not None:
        scope = node.child_by_field_name("scope")
        return f"{_text(scope) if scope is not None else ''}::{_declared(name)}"
    return _text(node)


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def line_set(ranges: Iterable[LineRange]) -> set[int]:
    """Every line number the ranges cover."""
    return {n for r in ranges for n in range(r.start, r.end + 1)}
