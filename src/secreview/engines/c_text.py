"""What Semgrep reads of a C or C++ file: the file as written, with what a preprocessor and a compiler know and
Semgrep does not made explicit. Every line keeps its number, so findings point at the file as written.

- Line ends. The readings below go line by line up to "\n": with Windows line ends (CRLF) no macro was expanded
  and a continued directive's lines were read as code, and Semgrep gave up on mysqlclient's `_mysql.c` at its first
  line. The text is read with LF line ends (each line keeps its number).

- Macros. Semgrep reads no preprocessor, so a rule for open() would not see OPEN(path, ...) nor a shell command
  written as COMMAND_ARG1: the object-like macros whose whole body is one name (`#define OPEN open`, how portable
  code calls functions) or one string literal (`#define SHELL "/bin/sh"`) are expanded, as the preprocessor would
  (a comment may follow the body), and so are <inttypes.h>'s format macros, a help text of string literals on
  continued lines, a unit written after a number (`#define KB *(1 << 10)` in `64 KB`), and Python.h's
  `Py_BEGIN_ALLOW_THREADS`/`Py_END_ALLOW_THREADS`, which open and close a block in every CPython extension: Semgrep
  gave up on the rest of a function at each; and its `Py_RETURN_NONE` and kin, which return; and the macros of an
  extension's types (`PyObject_HEAD`, `PyVarObject_HEAD_INIT(NULL, 0)`, the trashcan's block, `Py_LOCAL_INLINE`),
  which made Semgrep give up on most of psycopg2's files. A macro of another header written beside a string
  literal (`"refcnt = " FORMAT_CODE_PY_SSIZE_T`) can only be one: it is read as the empty literal.
- Macros in a declaration. `static BROTLI_INLINE uint32_t f(...)`, `LZ4LIB_API int f(...)`, `void WINAPI f(...)`,
  `extern HIDDEN PyTypeObject t;`: an all-capitals name beside the declaration's type, a macro that expands to
  attributes, export or calling-convention words, made Semgrep give up on whole headers of such declarations
  (Brotli's public headers); it is blanked. The type stays: of a declaration whose only words are such names
  (`BROTLI_DEC_API BROTLI_BOOL f(...)`), the last is kept.
- Macro lines at namespace and class scope (C++). A line that is only a macro's use, `RAPIDJSON_NAMESPACE_BEGIN`,
  `RAPIDJSON_DIAG_OFF(effc++)`, Qt's `Q_OBJECT`, a macro of another header that opens a namespace or silences a
  warning, made Semgrep's C++ parser give up on it and the declaration after it (37 of python-rapidjson's 39 files);
  outside a function, an initializer and an enum, and not a function's header written in capitals, it is blanked.
  So is a macro there where C++ writes noexcept or override after a parameter list (`RAPIDJSON_NOEXCEPT`).
- Prototype macros. Pre-ANSI portable code declares `void f OF((int n));` (zlib), `__P((...))` (BSD),
  `_ANSI_ARGS_((...))` (Tcl), `PARAMS((...))` (GNU), which expand to their inner parameter list; Semgrep gave up on
  whole files of them (zlib's examples). The macro's name and its outer parentheses are blanked.
- C++ in a C file. A C compiler never reads what `#ifdef __cplusplus` (or `#if defined(__cplusplus)`) guards,
  typically `extern "C" {` and its closing `}`, which made Semgrep's C parser give up on whole files (lz4's
  headers); in a C file such a block is blanked, and its `#else` part kept. So is the Python 2 branch of a CPython
  extension's `#if PY_MAJOR_VERSION >= 3 ... #else ... #endif` (no Python 3 build reads it), whose two module init
  headers before one body made Semgrep give up on psutil's module files.
- A block opened per platform, an argument chosen per platform. Portable code writes a function's header, or an
  `if (...) {`, once per branch of an `#if` and its body once after the `#endif`, an `} else {` under an `#if`
  closed by a `}` under another, an `#if` between a call's arguments, an initializer's entries or an `if (...)` and
  its body, an `else if` per platform; Semgrep, which reads an `#if` as a statement of balanced ones, gave up on
  the rest of the function or the whole file (psutil's BSD files, netifaces, method tables). Where a branch of an
  `#if` opens or closes blocks or parentheses, or a directive of it is inside a statement, an expression or an
  initializer, its first branch is read, as a preprocessor choosing it would, and the rest and its directive lines
  are blanked. So is an `#include` inside an initializer (a table's entries kept in another file, psycopg2's).
- Calls that do not return. Semgrep's control flow goes on after `exit(1)` or a program's own `usage()` that
  ends in exit: after `case 'h': free(name); usage(0);` in a getopt loop, the next `free(name)` reads as a double
  free. A statement that is only a call of such a function (the C library's exit, abort, err and kin, and the
  file's own functions whose body ends in one and holds no return) is written `return f(...);`, which ends the
  path for Semgrep as it does for the program.
- Loops that end only by a break. Semgrep's control flow leaves every loop where its condition is tested, a
  `while (1)`'s or `for (;;)`'s too: after `free(buf); continue;` in a retry loop the path went on past the loop with
  buf still freed. In such a loop each `continue` of its own is written as a goto to the top of its body, and its
  body ends in one, so the only way out is a break, a return or a goto, as for the program.

It also finds where a variable's address escapes in a function (`&x` passed or kept, an array's name stored in a
struct), for the analyzers' reports that do not follow writes made through it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from secreview.engines.workspace import edited_text
from secreview.sources.parts import Split, enclosing_function

_STRING = r'(?:\b(?:u8|u|U|L))?"(?:[^"\\\n]|\\.)*"'
# a unit written after a number (`#define KB *(1 << 10)`, used as `64 KB`): an operator, then a constant expression
_UNIT = r"[*/][ \t]*[-+*/%<>()|&~^ \t0-9xXa-fA-FuUlL]*[0-9][-+*/%<>()|&~^ \t0-9xXa-fA-FuUlL]*"
_SIMPLE_MACRO = re.compile(
    r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([A-Za-z_][\w:]*|" + _STRING + r"|" + _UNIT + r")"
    r"[ \t]*(?://[^\n]*|/\*.*?\*/)?[ \t]*$",
    re.MULTILINE,
)
# A macro whose body is string literals on continued lines (`#define HELP "a" \ "b"`): a help text, read as the
# literals it is written with.
_STRINGS_MACRO = re.compile(
    rf"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+((?:\\\n[ \t]*)?{_STRING}(?:[ \t]*\\\n[ \t]*{_STRING})+)[ \t]*$",
    re.MULTILINE,
)
# Python.h's macros that open and close a block around code run without the interpreter's lock, in every CPython
# extension: without Python.h Semgrep reads an unbalanced `}` and gives up on the rest of the function. And those
# that return (`Py_RETURN_NONE` is `return Py_NewRef(Py_None)`): read as a name, the path went on past them, into
# a cleanup label's second free().
_PYTHON_MACROS = {
    "Py_BEGIN_ALLOW_THREADS": "{",
    "Py_END_ALLOW_THREADS": "}",
    "Py_BLOCK_THREADS": "",
    "Py_UNBLOCK_THREADS": "",
    "Py_RETURN_NONE": "return Py_None",
    "Py_RETURN_TRUE": "return Py_True",
    "Py_RETURN_FALSE": "return Py_False",
    "Py_RETURN_NOTIMPLEMENTED": "return Py_NotImplemented",
    "Py_RETURN_RICHCOMPARE": "return Py_RichCompareResult",  # a function-like macro: its arguments follow
    "PyObject_HEAD": "PyObject ob_base;",  # an object's first member, written without its ";"
    "PyObject_VAR_HEAD": "PyVarObject ob_base;",
    "Py_TRASHCAN_END": "}",  # closes Py_TRASHCAN_BEGIN(op, dealloc)'s block
}
# Python.h's function-like macros that Semgrep cannot read as calls, with what they expand to (\1, \2: their
# arguments): a type object's head (`PyVarObject_HEAD_INIT(NULL, 0) "name",`: the macro ends in the comma), a
# function's linkage, the trashcan's block around a deallocator's body, and the allocators whose first argument
# is a type (`PyMem_New(char, n)`).
_PYTHON_CALL_MACROS = {
    "PyVarObject_HEAD_INIT": r"{\1, \2},",
    "PyObject_HEAD_INIT": r"{\1},",
    "Py_LOCAL_INLINE": r"static inline \1",
    "Py_LOCAL": r"static \1",
    "Py_TRASHCAN_BEGIN": "{",
    "Py_TRASHCAN_SAFE_BEGIN": "{",
    "Py_TRASHCAN_SAFE_END": "}",
    "PyMem_New": r"((\1 *)PyMem_Malloc((\2) * sizeof(\1)))",
    "PyMem_NEW": r"((\1 *)PyMem_Malloc((\2) * sizeof(\1)))",
    "PyMem_Resize": r"(\1 = (\2 *)PyMem_Realloc(\1, (\3) * sizeof(\2)))",
    "PyMem_RESIZE": r"(\1 = (\2 *)PyMem_Realloc(\1, (\3) * sizeof(\2)))",
    "PyObject_New": r"((\1 *)_PyObject_New(\2))",
    "PyObject_NEW": r"((\1 *)_PyObject_New(\2))",
    "PyObject_GC_New": r"((\1 *)_PyObject_GC_New(\2))",
    "PyObject_NewVar": r"((\1 *)_PyObject_NewVar(\2, \3))",
    "PyObject_NEW_VAR": r"((\1 *)_PyObject_NewVar(\2, \3))",
    "PyObject_GC_NewVar": r"((\1 *)_PyObject_GC_NewVar(\2, \3))",
}
_ARGUMENT = re.compile(r"\\(\d)")
_PYTHON_CALL_MACRO = re.compile(rf"\b({'|'.join(_PYTHON_CALL_MACROS)})\s*\(")
# What expansion leaves alone: comments, character literals, C++ raw string literals (`R"DELIM(...)DELIM"`, whose
# quotes and braces are text: nanobench.h's HTML templates), preprocessor lines (with their continuations), and
# string literals; then the names it may replace.
_NOT_CODE = (
    r"//[^\n]*|/\*.*?\*/|'(?:[^'\\\n]|\\.)*'"
    r'|\b(?:u8|u|U|L)?R"(?P<delimiter>[^()\\\s"]{0,16})\(.*?\)(?P=delimiter)"'
    r"|^[ \t]*#(?:[^\n]*\\\n)*[^\n]*"
)
_CODE_TOKEN = re.compile(rf"(?P<keep>{_NOT_CODE}|{_STRING})|(?P<name>\b[A-Za-z_]\w*\b)", re.MULTILINE | re.DOTALL)
# <inttypes.h>'s format macros (PRId64, SCNu32, ...) are string literals on every platform: expanded to one, so
# that "%" PRId64 "\n" reads as the one literal it is (Semgrep parses no name between two literals).
_INTTYPES_NAME = re.compile(r"\b(?:PRI|SCN)([diouxX])(?:8|16|32|64|MAX|PTR|LEAST(?:8|16|32|64)|FAST(?:8|16|32|64))\b")
# Any other macro's name (capital or underscore first) written beside a string literal (`"refcnt = "
# FORMAT_CODE_PY_SSIZE_T`, `"OOOd" _Py_PARSE_PID`, macros of other headers): C joins only literals, so it is one,
# read as the empty literal.
_MACRO_BESIDE_LITERAL = re.compile(
    rf"(?P<keep>{_NOT_CODE})"
    rf"|(?P<literal>{_STRING}\s*)(?P<after>\b[A-Z_]\w*\b)(?!\s*\(|\")"  # not a call, nor L"..."
    rf"|(?P<string>{_STRING})"
    rf"|(?P<before>\b[A-Z_]\w*\b)(?=\s*{_STRING})",
    re.MULTILINE | re.DOTALL,
)

_LIBRARY_NORETURN = frozenset(
    {"exit", "_exit", "_Exit", "quick_exit", "abort", "err", "errx", "verr", "verrx", "longjmp", "siglongjmp"}
    | {"pthread_exit", "std::exit", "std::_Exit", "std::quick_exit", "std::abort", "std::terminate"}
)
_CALL_STATEMENT = re.compile(r"\b((?:std::)?[A-Za-z_]\w*)\s*\(")
_DEFINITION = re.compile(r"\b([A-Za-z_]\w*)\s*\([^(){};]*\)\s*\{")
_LAST_CALL = re.compile(r"\b((?:std::)?[A-Za-z_]\w*)\s*\([^;{}]*\)\s*;\s*$")
_LABEL = re.compile(r"\s*(?:case\b[^?]*|default\s*|[A-Za-z_]\w*\s*)")
_LOOKBACK = 2_000  # characters read back from a call to decide whether it starts a statement
_BLOCK_KEYWORDS = frozenset({"if", "while", "for", "switch"})


def semgrep_text(text: str, language: str) -> str:
    """C or C++ text as Semgrep should read it (the module's docstring says what changes)."""
    read_as = first_branch_of_split_blocks(without_dead_branches(text.replace("\r\n", "\n"), language))
    expanded = expanded_python_calls(beside_literals_as_literals(expanded_macros(read_as)))
    declared = without_declaration_macros(without_prototype_macros(expanded))
    return ended_paths(endless_loops(without_scope_macros(declared) if language == "cpp" else declared))


_PROTOTYPE_MACRO = re.compile(r"\b(?:OF|__P|_ANSI_ARGS_|PARAMS)\s*\(\s*\(")


def without_prototype_macros(text: str) -> str:
    """C text with each pre-ANSI prototype macro, `OF((int n))`, read as the parameter list it expands to, `(int
    n)`: the name and the outer parentheses blanked; every line keeps its number."""
    code = _blanked(text)
    spans: list[tuple[int, int]] = []
    for macro in _PROTOTYPE_MACRO.finditer(code):
        opening = code.index("(", macro.start())
        closing = _partner(code, opening)
        if closing is not None and (not spans or macro.start() > spans[-1][1]):
            spans += [(macro.start(), opening + 1), (closing, closing + 1)]
    return _with_spaces(text, spans)


def _with_spaces(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each (start, end) span, in order and apart, written as spaces (line breaks stay)."""
    return edited_text(text, [(start, end, re.sub(r"[^\n]", " ", text[start:end])) for start, end in spans])


_CONDITIONAL = re.compile(r"[ \t]*#[ \t]*(?P<kind>if|ifdef|ifndef|elif|else|endif)\b(?P<condition>.*)")
# a CPython extension's test for Python 3 or for Python 2 (`PY_MAJOR_VERSION >= 3`, `PY_VERSION_HEX < 0x03000000`)
_COMMENT = r"\s*(?://.*|/\*.*\*/)?\s*"
_PYTHON3 = re.compile(r"\s*(?:PY_MAJOR_VERSION\s*(?:>=\s*3|>\s*2|==\s*3)|PY_VERSION_HEX\s*>=\s*0x030+)" + _COMMENT)
_PYTHON2 = re.compile(r"\s*(?:PY_MAJOR_VERSION\s*(?:<\s*3|<=\s*2|==\s*2)|PY_VERSION_HEX\s*<\s*0x030+)" + _COMMENT)
_CPLUSPLUS_ONLY = re.compile(
    r"\s*(?:__cplusplus|defined\s*\(?\s*__cplusplus\s*\)?(?:\s*\|\|\s*defined\s*\(?\s*c_plusplus\s*\)?)?)" + _COMMENT
)


def without_dead_branches(text: str, language: str) -> str:
    """C or C++ text with the lines no compiler of it reads blanked: in a C file those of an `#ifdef __cplusplus` or
    `#if defined(__cplusplus)` block (up to its #else or #endif), and in both the Python 2 branch of a CPython
    extension's `#if PY_MAJOR_VERSION >= 3 ... #else ... #endif`; every line keeps its number."""
    lines = text.split("\n")
    open_blocks: list[tuple[bool, bool]] = []  # for each open #if: (its lines are dead, its #else lines will be)
    for number, line in enumerate(lines):
        directive = _CONDITIONAL.match(line)
        kind, condition = directive.group("kind", "condition") if directive else ("", "")
        if kind.startswith("if"):
            cplusplus = language == "c" and kind != "ifndef" and _CPLUSPLUS_ONLY.fullmatch(condition) is not None
            python2 = kind == "if" and _PYTHON2.fullmatch(condition) is not None
            python3 = kind == "if" and _PYTHON3.fullmatch(condition) is not None
            open_blocks.append((cplusplus or python2, python3))
        elif kind in ("elif", "else") and open_blocks:
            open_blocks[-1] = (open_blocks[-1][1], open_blocks[-1][1])
        elif kind == "endif" and open_blocks:
            open_blocks.pop()
        elif any(dead for dead, _ in open_blocks):
            lines[number] = ""
    return "\n".join(lines)


_FIRST_TOKEN = re.compile(r"\w+|\S")
_INCLUDE = re.compile(r"[ \t]*#[ \t]*include\b")


@dataclass
class _Reading:
    """Where Semgrep's reading of C text stands after a line: the parentheses open, for each open brace whether it
    opens an initializer (`= {`) rather than a block, and the last character read."""

    parentheses: int = 0
    braces: list[bool] = field(default_factory=list)
    last: str = ""

    def read(self, code: str) -> tuple[int, int]:
        """Read a line of code; the blocks and the parentheses it opens (less those it closes)."""
        for character in code:
            if character == "(":
                self.parentheses += 1
            elif character == ")":
                self.parentheses = max(0, self.parentheses - 1)
            elif character == "{":
                self.braces.append(self.last == "=" or bool(self.braces and self.braces[-1]))
            elif character == "}" and self.braces:
                self.braces.pop()
            if not character.isspace():
                self.last = character
        return code.count("{") - code.count("}"), code.count("(") - code.count(")")

    def in_expression(self) -> bool:
        """Whether the reading is inside parentheses or an initializer."""
        return self.parentheses > 0 or bool(self.braces and self.braces[-1])

    def inside_statement(self, next_word: str) -> bool:
        """Whether a directive here is inside an expression, an initializer or a statement: after `if (x)`, before
        an `else`."""
        return self.in_expression() or self.last not in ("", ";", "{", "}", ":") or next_word == "else"

    def copy(self) -> _Reading:
        return _Reading(self.parentheses, list(self.braces), self.last)


@dataclass
class _Group:
    """An `#if` group being read: where it starts, whether a directive of it is inside a statement, its branches so
    far (each [first line, blocks opened, parentheses opened]), and the reading after its first branch."""

    first_line: int
    inside_statement: bool
    branches: list[list[int]]
    after_first: _Reading | None = None


def first_branch_of_split_blocks(text: str) -> str:
    """C or C++ text with an `#if` group read as its first branch (the others and its directive lines blanked) where
    a branch opens or closes blocks or parentheses, or a directive of it is inside a statement, an expression or an
    initializer, and an `#include` inside an initializer blanked (the module's docstring); every line keeps its
    number."""
    lines, code = text.split("\n"), _blanked(text).split("\n")
    next_words, word = [""] * len(lines), ""  # the first word (or sign) of the code after each line
    for number in range(len(lines) - 1, -1, -1):
        next_words[number] = word
        first = _FIRST_TOKEN.search(code[number])
        word = first.group(0) if first else word
    groups: list[_Group] = []
    reading = _Reading()
    blanked: set[int] = set()
    for number, line in enumerate(lines):
        directive = _CONDITIONAL.match(line)
        kind = directive.group("kind") if directive else ""
        inside_statement = bool(directive) and reading.inside_statement(next_words[number])
        if kind.startswith("if"):
            groups.append(_Group(number, inside_statement, [[number, 0, 0]]))
        elif kind in ("elif", "else") and groups:
            groups[-1].inside_statement |= inside_statement
            groups[-1].after_first = groups[-1].after_first or reading.copy()
            groups[-1].branches.append([number, 0, 0])
        elif kind == "endif" and groups:
            group = groups.pop()
            unbalanced = any(blocks or parentheses for _, blocks, parentheses in group.branches)
            kept = group.inside_statement or inside_statement or unbalanced
            if kept:  # its directives too (Semgrep reads them as statements), from its second branch to its #endif
                second = group.branches[1][0] if len(group.branches) > 1 else number
                blanked |= {group.first_line, *range(second, number + 1)}
                reading = group.after_first or reading
            if groups:  # what the enclosing branch opens as Semgrep reads it
                read = group.branches[:1] if kept else group.branches
                groups[-1].branches[-1][1] += sum(blocks for _, blocks, _ in read)
                groups[-1].branches[-1][2] += sum(parentheses for _, _, parentheses in read)
        elif _INCLUDE.match(line) and reading.in_expression():  # a table's entries kept in another file
            blanked.add(number)
        else:
            blocks, parentheses = reading.read(code[number])
            if groups:
                groups[-1].branches[-1][1] += blocks
                groups[-1].branches[-1][2] += parentheses
    return "\n".join("" if number in blanked else line for number, line in enumerate(lines))


def expanded_macros(text: str) -> str:
    """C or C++ text with each use of a one-name or one-string object-like macro (and of <inttypes.h>'s format
    macros) replaced by its body (the last definition wins: `#ifdef _WIN32 ... #else` puts the POSIX one last; a
    macro naming another is followed to the end of the chain); every line keeps its number."""
    macros = {match.group(0): f'"{match.group(1)}"' for match in _INTTYPES_NAME.finditer(text)}
    macros |= {name: body for name, body in _PYTHON_MACROS.items() if name in text}
    macros |= {name: " ".join(re.findall(_STRING, body)) for name, body in _STRINGS_MACRO.findall(text)}
    macros |= {name: body.strip() for name, body in _SIMPLE_MACRO.findall(text) if name != body}
    for name in macros:
        seen = {name}
        while macros[name] in macros and macros[name] not in seen:
            seen.add(macros[name])
            macros[name] = macros[macros[name]]

    def expand(match: re.Match[str]) -> str:
        name: str | None = match.group("name")
        return match.group(0) if name is None else macros.get(name, name)

    return _CODE_TOKEN.sub(expand, text) if macros else text


def beside_literals_as_literals(text: str) -> str:
    """C or C++ text with each macro's name written beside a string literal (a string macro of another file) read as
    the empty literal `""`; every line keeps its number."""

    def literal(match: re.Match[str]) -> str:
        if match.group("after"):
            return match.group("literal") + '""'
        return '""' if match.group("before") else match.group(0)

    return _MACRO_BESIDE_LITERAL.sub(literal, text)


def expanded_python_calls(text: str) -> str:
    """C or C++ text with Python.h's function-like macros that Semgrep cannot read (`PyVarObject_HEAD_INIT(NULL,
    0)`, `PyMem_New(char, n)`) written as what they expand to, on the macro's first line (the lines its arguments
    took are kept as empty lines after it); every line keeps its number."""
    code = _blanked(text)
    edits: list[tuple[int, int, str]] = []
    for macro in _PYTHON_CALL_MACRO.finditer(code):
        closing = _partner(code, macro.end() - 1)
        if closing is None or (edits and macro.start() < edits[-1][1]):
            continue
        commas = [macro.end() - 1, *_top_level_commas(code, macro.end(), closing), closing]
        arguments = [" ".join(text[start + 1 : end].split()) for start, end in itertools.pairwise(commas)]
        written = _expansion(_PYTHON_CALL_MACROS[macro.group(1)], arguments)
        if written is not None:
            edits.append((macro.start(), closing + 1, written + "\n" * code.count("\n", macro.start(), closing)))
    return edited_text(text, edits)


def _expansion(body: str, arguments: list[str]) -> str | None:
    """A function-like macro's body with its arguments put in (\\1 the first); None if it is given too few."""
    if any(int(number) > len(arguments) for number in _ARGUMENT.findall(body)):
        return None
    return _ARGUMENT.sub(lambda argument: arguments[int(argument.group(1)) - 1], body)


def _top_level_commas(code: str, start: int, end: int) -> list[int]:
    """Where the commas between start and end are that separate arguments (not inside nested brackets)."""
    commas, depth = [], 0
    for position in range(start, end):
        depth += code[position] in "([{"
        depth -= code[position] in ")]}"
        if code[position] == "," and depth == 0:
            commas.append(position)
    return commas


# a declaration of a function or a variable from the start of a line: its words and pointer stars (over lines), its
# name, then "(", "[", "=", "," or ";"
_DECLARATION_HEAD = re.compile(r"^[ \t]*((?:[A-Za-z_]\w*[\s*]+)+)[A-Za-z_]\w*\s*[(\[=,;]", re.MULTILINE)
_HEAD_WORD = re.compile(r"\b(?:(?:struct|union|enum|class)\s+)?[A-Za-z_]\w*")
_QUALIFIERS = frozenset(
    {"static", "extern", "inline", "__inline", "__inline__", "const", "volatile", "register", "unsigned", "signed"}
)
_MACRO_NAME = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
# words that start a statement, not a declaration: `return SIZE * count(x);`
_STATEMENT_WORDS = frozenset({"return", "else", "goto", "case", "do", "sizeof", "typedef", "throw", "new", "delete"})


def without_declaration_macros(text: str) -> str:
    """C or C++ text with the all-capitals macros beside the type of a function's or a variable's declaration
    blanked (the module's docstring); every line keeps its number."""
    code = _blanked(text)
    blanks: list[tuple[int, int]] = []
    for head in _DECLARATION_HEAD.finditer(code):
        words = [w for w in _HEAD_WORD.finditer(head.group(1)) if w.group(0) not in _QUALIFIERS]
        if any(w.group(0) in _STATEMENT_WORDS for w in words):
            continue
        macros = [w for w in words if _MACRO_NAME.fullmatch(w.group(0))]
        if len(macros) == len(words):
            macros = macros[:-1]  # nothing else names the type: the last one does
        blanks += [(head.start(1) + w.start(), head.start(1) + w.end()) for w in macros]
    return _with_spaces(text, blanks)


# A line that is only an all-capitals macro's use, its arguments (if any) on the line, no semicolon: at namespace or
# class scope a project's macro of another header (`RAPIDJSON_NAMESPACE_BEGIN`, `RAPIDJSON_DIAG_OFF(effc++)`, Qt's
# `Q_OBJECT`, `Q_DECLARE_METATYPE(T*)`), which Semgrep's C++ parser cannot read.
_MACRO_LINE = re.compile(r"[ \t]*[A-Z][A-Z0-9_]+[ \t]*(?:\([^\n]*\))?[ \t]*")
# an all-capitals macro after a function's parameter list, where C++ writes noexcept or override
# (`Swap(GenericPointer& other) RAPIDJSON_NOEXCEPT {`, Qt's `Q_DECL_OVERRIDE;`): what follows is the body, a
# constructor's initializers or the declaration's end
_SPECIFIER_MACRO = re.compile(r"\)(?:[ \t]*const)?[ \t]+([A-Z][A-Z0-9_]+)[ \t]*(?P<next>\{|:(?!:)|;|$)")
# what opens a block of declarations, not of statements or of an initializer: `namespace x {`, `class X : Y {`,
# `extern "C" {` (its literal blanked)
_DECLARATION_SCOPE = re.compile(r"\b(?:namespace|class|struct|union)\b[^;{}()=]*$|\bextern\s*$")


def without_scope_macros(text: str) -> str:
    """C or C++ text with each line that is only a macro's use at file, namespace or class scope blanked (not in a
    function, an initializer or an enum; not a function's header written in capitals, `FOO(int a)` before `{`),
    and there a macro where a function's header says noexcept; every line keeps its number."""
    lines, code = text.split("\n"), _blanked(text).split("\n")
    scopes: list[bool] = []  # for each open brace: whether it opens declarations
    last, since = "", ""  # the last character of code kept, and the code since the last ; { or }
    for number, line in enumerate(code):
        if all(scopes):
            if (
                _MACRO_LINE.fullmatch(line)
                and line.count("(") == line.count(")")
                and last in ("", ";", "{", "}", ":")
                and _next_code(code, number).strip()[:1] != "{"
            ):
                lines[number] = ""
                continue
            if specifiers := _specifier_macros(code, number):
                lines[number] = _with_spaces(lines[number], [macro.span(1) for macro in specifiers])
        for character in line:
            if character == "{":
                scopes.append(_DECLARATION_SCOPE.search(since) is not None)
            elif character == "}" and scopes:
                scopes.pop()
            since = "" if character in ";{}" else since + character
            last = character if not character.isspace() else last
        since += " "
    return "\n".join(lines)


def _specifier_macros(code: list[str], number: int) -> list[re.Match[str]]:
    """The macros after a parameter list on line `number` where noexcept would stand; one that ends the line only
    where the next line of code opens the body or the initializers."""
    found = list(_SPECIFIER_MACRO.finditer(code[number]))
    if found and not found[-1].group("next"):
        after = _next_code(code, number).strip()
        if not after.startswith(("{", ":")) or after.startswith("::"):
            found.pop()
    return found


def _next_code(code: list[str], number: int) -> str:
    """The first line of code after line `number` (empty at the end)."""
    return next((later for later in itertools.islice(code, number + 1, None) if later.strip()), "")


def ended_paths(text: str) -> str:
    """C or C++ text with each statement that only calls a function that does not return written as a return
    of that call; every line keeps its number."""
    code = _blanked(text)
    noreturn = _LIBRARY_NORETURN | _own_noreturn(code)
    calls = [match.start(1) for match in _CALL_STATEMENT.finditer(code) if match.group(1) in noreturn]
    return edited_text(text, [(call, call, "return ") for call in calls if _starts_statement(code, call)])


# a loop whose condition is always true, opening its block: `while (1) {`, `while (true) {`, `for (;;) {`
_ENDLESS_LOOP = re.compile(r"\b(?:while\s*\(\s*(?:1|true|TRUE)\s*\)|for\s*\(\s*;\s*;\s*\))\s*\{")
_INNER_LOOP = re.compile(r"\b(?:(?:for|while)\s*(?=\()|do\b)")
_CONTINUE = re.compile(r"\bcontinue\s*;")
_SPACE = re.compile(r"\s*")


def endless_loops(text: str) -> str:
    """C or C++ text with each endless loop's own `continue` written as a goto to the top of its body, and a goto
    there at the end of its body (the module's docstring); every line keeps its number."""
    code = _blanked(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in the order of the text
    for number, loop in enumerate(_ENDLESS_LOOP.finditer(code)):
        opening = loop.end() - 1
        closing = _partner(code, opening)
        if closing is None:
            continue
        top = f"secreview_loop_{number}"
        inner = _inner_loops(code, opening + 1, closing)
        edits.append((opening + 1, opening + 1, f" {top}: ;"))
        for jump in _CONTINUE.finditer(code, opening + 1, closing):
            if not any(start <= jump.start() < end for start, end in inner):
                edits.append((jump.start(), jump.end(), f"goto {top};"))
        edits.append((closing, closing, f" goto {top}; "))
    return edited_text(text, sorted(edits, key=lambda edit: edit[0]))  # stable: a label before a goto at one place


def _inner_loops(code: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the loops between start and end (whose `continue` is their own): a block's, or up to the ; of a
    body that is one statement."""
    spans = []
    for loop in _INNER_LOOP.finditer(code, start, end):
        after = loop.end()
        if loop.group(0) != "do":
            after = (_partner(code, after) or after) + 1  # past the condition's ")"
        blank = _SPACE.match(code, after)
        body = blank.end() if blank else after
        body_end = _partner(code, body) if code.startswith("{", body) else code.find(";", body, end)
        spans.append((loop.start(), end if body_end is None or body_end < 0 else body_end))
    return spans


def _blanked(text: str) -> str:
    """The text with comments, literals and preprocessor lines blanked (same length, same line breaks)."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0)) if match.group("keep") else match.group(0)

    return _CODE_TOKEN.sub(blank, text)


def _own_noreturn(code: str) -> set[str]:
    """The file's functions whose body ends in a call of one that does not return and holds no return."""
    last_calls: dict[str, str] = {}  # a function without a return statement -> the call its body ends with
    for match in _DEFINITION.finditer(code):
        end = _partner(code, match.end() - 1) if match.group(1) not in _BLOCK_KEYWORDS else None
        body = code[match.end() : end] if end is not None else ""
        last = _LAST_CALL.search(body)
        if last is not None and not re.search(r"\breturn\b", body):
            last_calls[match.group(1)] = last.group(1)
    found: set[str] = set()
    while more := {name for name, call in last_calls.items() if call in _LIBRARY_NORETURN | found} - found:
        found |= more
    return found


def _partner(code: str, index: int) -> int | None:
    """Where the bracket at index is closed (or, for a closing one, opened); None if nowhere."""
    bracket = code[index]
    partner, step, end = {"{": ("}", 1, len(code)), "(": (")", 1, len(code)), ")": ("(", -1, -1)}[bracket]
    depth = 0
    for position in range(index, end, step):
        if code[position] == bracket:
            depth += 1
        elif code[position] == partner:
            depth -= 1
            if depth == 0:
                return position
    return None


def _starts_statement(code: str, index: int) -> bool:
    """Whether a statement starts at index: after a ; { or }, after `else`, after the condition of an if, while
    or for, or after a case, default or goto label (not after the : of a ?: expression). Reads at most
    _LOOKBACK characters back: a longer condition is not recognised, and the path then goes on as before."""
    start = max(0, index - _LOOKBACK)
    before = code[start:index].rstrip()
    if not before:
        return start == 0
    if before[-1] in ";{}" or re.search(r"(?:^|\W)else$", before[-5:]):
        return True
    if before[-1] == ")":
        opening = _partner(before, len(before) - 1)
        return (
            opening is not None
            and re.search(r"\b(if|while|for)\s*$", before[max(0, opening - 16) : opening]) is not None
        )
    statement = re.split(r"[;{}\n]", before[:-1])[-1]  # what comes before the colon on its line or statement
    return before[-1] == ":" and _LABEL.fullmatch(statement) is not None


def address_escape(split: Split, line: int, name: str) -> int | None:
    """The first line, in the function of the split unit holding `line` and before it, where `name`'s address is
    taken (`&name`, `(void *)&name`) or, for an array declared there, its name is stored (`strm->next_out = name;`):
    a call after it may write the variable through that address. None if there is none, or `line` is in no
    function."""
    home = enclosing_function(split, line)
    if home is None:
        return None
    lines = split.code[home.ranges[0].start - 1 : line - 1]  # comments blanked
    word = re.escape(name)
    declared_array = re.compile(rf"\b[A-Za-z_]\w*[\s*]+{word}\s*\[")
    address_taken = re.compile(rf"(?:^|[(,=;{{?:!]|\breturn)\s*(?:\([^()]*\)\s*)?&\s*{word}\b")
    stored = re.compile(rf"(?<![=!<>])=\s*(?:\([^()]*\)\s*)?{word}\s*[;,]")
    is_array = any(declared_array.search(text) for text in lines)
    for offset, text in enumerate(lines):
        if address_taken.search(text) or (is_array and stored.search(text)):
            return home.ranges[0].start + offset
    return None


# an assignment's target, up to its "=" (not ==, <=, >=, !=, nor a compound +=)
_ASSIGNED = re.compile(r"^\s*([^=;{}()]*?[\w\]\)])\s*=(?!=)")


def stored_through_pointer(split: Split, line: int) -> bool:
    """Whether the statement at `line` stores a value through a pointer (`im->blocks = ...`, `*out = ...`): into
    memory the function may not own, which its caller can still reach after it returns."""
    code = split.code[line - 1] if 0 < line <= len(split.code) else ""
    target = _ASSIGNED.match(code)
    return target is not None and ("->" in target.group(1) or target.group(1).lstrip().startswith("*"))


# the element types that say a buffer holds bytes, not characters
_BYTE_TYPE = r"(?:unsigned\s+char|u_?char|u_?int8_t|std::u?int8_t|std::byte|u8|BYTE|UCHAR|guchar|guint8)"
_FIRST_ARGUMENT = re.compile(r"\b[A-Za-z_][\w:]*\s*\(\s*(?:\([^()]*\)\s*)?&?\s*([A-Za-z_]\w*)\s*[,)]")


def byte_buffer_copied_into(split: Split, line: int) -> str | None:
    """The declaration (`BYTE encrypted[200]`, `uint8_t *out`) of the first argument of the call at `line` where
    the function holding it declares that argument with a byte type; None for any other destination."""
    home = enclosing_function(split, line)
    call = _FIRST_ARGUMENT.search(split.code[line - 1]) if home is not None and 0 < line <= len(split.code) else None
    if home is None or call is None:
        return None
    declaration = re.compile(rf"\b{_BYTE_TYPE}[\s*]+{re.escape(call.group(1))}\s*(?:\[[^\]]*\])?(?=\s*[=;,)])")
    for text in reversed(split.code[home.ranges[0].start - 1 : line - 1]):
        found = declaration.search(text)
        if found:
            return " ".join(found.group(0).split())
    return None
