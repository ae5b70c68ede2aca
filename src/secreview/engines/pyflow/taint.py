"""What the walk tracks (a Taint: where a value came from and what checked it), what it finds (a Hit at a
sink), and the facts about a function that calls of it in other files use (Summary, RequestReader)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from secreview.engines.pyflow.rules import ALL
from secreview.models import FlowStep

REQUEST_SOURCE = "request data"
PARAMETER = "parameter"  # the first word of a flow's first step where it starts at a parameter of the function


def parameter_taint(name: str, function: str, line: int) -> Taint:
    """The value of a function's parameter, where its flow starts."""
    return Taint(name, (FlowStep(line=line, note=f"{PARAMETER} {name} of {function}()"),))


def starts_at_parameter(steps: Sequence[FlowStep]) -> bool:
    """Whether a flow (a finding's `flow`) starts at a parameter of its function, not at request data."""
    return bool(steps) and steps[0].note.startswith(f"{PARAMETER} ")


# The sinks of a Hit that are not calls: a path built with the `/` operator, a view's `return`.
PATH_OPERATOR = "/"
RETURN = "return"
NOT_CALLS = frozenset({PATH_OPERATOR, RETURN})


@dataclass(frozen=True)
class Taint:
    """A value that carries a parameter's (or request data's) content, and how it got there."""

    source: str  # the parameter's name, or REQUEST_SOURCE
    steps: tuple[FlowStep, ...]
    safe_for: frozenset[int | str] = frozenset()  # weaknesses a sanitiser on the way rules out
    formatted: bool = False  # built into a string with constant text (a command line or a query)
    joined: bool = False  # joined onto a path (os.path.join, a string or Path built from it)
    read_by_helper: bool = False  # request data a project function returned (Semgrep's rules cannot see it)
    joins: frozenset[int] = frozenset()  # the walker's pending candidates at its joins (dropped if checked later)
    text: str = ""  # that constant text, first part

    @property
    def seen_by_rules(self) -> bool:
        """Request data read in the function itself: Semgrep's taint rules report where it goes."""
        return self.source == REQUEST_SOURCE and not self.read_by_helper

    def then(self, line: int, note: str) -> Taint:
        if self.steps and self.steps[-1].line == line and self.steps[-1].note == note:
            return self
        return replace(self, steps=(*self.steps, FlowStep(line=line, note=note)))

    def safe(self, cwe: int) -> bool:
        return ALL in self.safe_for or cwe in self.safe_for


@dataclass(frozen=True)
class Summary:
    """A function passes its parameter `param` (position `position` among those a caller gives) to a sink."""

    function: str
    param: str
    position: int | None  # None: keyword-only
    cwe: int
    what: str
    line: int
    path: str = ""


@dataclass(frozen=True)
class RequestReader:
    """A function that returns request data it reads (`return self.request.form.get(name)`): one level, calls
    of it elsewhere in the repository read request data."""

    function: str
    line: int
    path: str = ""
    checked_for: tuple[int | str, ...] = ()  # weaknesses every request datum it returns was checked for (a redirect's)


@dataclass(frozen=True)
class Checker:
    """A function that returns what it is given checked (Django's `target_filename(to_path, name)`: the name joined
    onto the folder, refused by a raise unless it stays inside): one level, what a call of it answers is checked for
    these weaknesses."""

    function: str
    line: int
    path: str = ""
    checked_for: tuple[int | str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A value from a parameter or request data reaches a sink at `line` (a call of `callee`)."""

    cwe: int
    line: int
    end_line: int
    callee: str
    what: str
    taint: Taint
    via: Summary | None = None  # the wrapper whose summary makes the call a sink
    by_name: bool = False  # the callee is a wrapper recognised by its name only

    @property
    def sink(self) -> str:
        """The sink as a report names it."""
        if self.callee == PATH_OPERATOR:
            return "the path operator `/`"
        if self.callee == RETURN:
            return "the view's `return`"
        return f"`{self.callee}()`"
