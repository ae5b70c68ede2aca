"""Where a function's parameters go: a small intra-procedural taint walk over Python's `ast`.

The walk follows each parameter of a function (and request data, see REQUEST_SOURCE) through assignments,
string building and calls, statement by statement, until it reaches a dangerous sink. It answers two
questions for engines/flows.py:

- `summarise`: which of a function's own parameters reach which sink (the project's wrappers such as
  `run_cmd(cmd)`; these summaries are computed per file, so they can be cached by the file's content), and
  `request_readers`: which functions return request data (helpers such as `get_form_parameter(name)`), and
  `checkers`: which return what they are given checked (Django's `target_filename(to_path, name)`);
- `walk`: in a function, which values from a parameter (or request data) reach a sink, either directly or
  through a wrapper whose summary says it passes that argument to a sink; a call of a request reader is
  request data there, and what a checker answers is checked.

Sinks are found with the category patterns of secreview.sinks (the table routing and confirmation read), on
the called name; `SINK_RULES` says which of their calls are dangerous with which argument, and which
weakness they cause. Recognised sanitisers (secure_filename, basename, shlex.quote, escaping, numeric
conversion, project helpers named like them) and guards (a containment, allow-list or pattern check whose
failing branch leaves the function) stop a flow. The walk is deliberately simple: no types, no aliasing,
branches merged (a value tainted on either branch stays tainted), one level of wrappers.

Modules: `rules` (what calls do: sinks, sanitisers, checks), `syntax` (what a module's code says: names, functions,
entry points), `taint` (what the walk tracks and finds), `walker` (the walk of one function), `summaries` (what
other files learn of a module's functions).
"""

from secreview.engines.pyflow.summaries import checkers, request_readers, summarise
from secreview.engines.pyflow.syntax import Module, functions, read_module
from secreview.engines.pyflow.taint import REQUEST_SOURCE, Checker, Hit, RequestReader, Summary
from secreview.engines.pyflow.walker import walk

__all__ = [
    "REQUEST_SOURCE",
    "Checker",
    "Hit",
    "Module",
    "RequestReader",
    "Summary",
    "checkers",
    "functions",
    "read_module",
    "request_readers",
    "summarise",
    "walk",
]
