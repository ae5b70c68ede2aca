"""The checks secreview uses from the C and C++ analyzers (cppcheck, clang-tidy, GCC's -fanalyzer), each with
its reviewed CWE: the one place that says which of their reports count and as which weakness.

A check not listed here is not used: the analyzers also report style, portability and performance issues that
are not security defects. Each listed check has been seen to fire: the samples in tests/data/c_analyzers show
where it must report and, on a look-alike line, where it must not. Each entry names the words of the catalog
name that state the check's meaning (tests/test_c_analyzers.py checks them against the MITRE catalog). Where a
tool's own id is off, the table says so and wins:
- cppcheck gives CWE-788 (access after the end of a buffer) for every out-of-bounds index, whichever side;
  CWE-119 is what the check knows, and it is the family the other analyzers' bounds reports (787, 125, 786)
  share, so the judge merges them into one finding;
- cppcheck gives CWE-477 (obsolete function) for gets, tmpnam and mktemp: the defect is an inherently
  dangerous function (CWE-242) and an insecure temporary file (CWE-377);
- cppcheck's invalidscanf (a %s without a width) and invalidScanfFormatWidth have no CWE: it is CWE-120;
- a FILE or a descriptor closed twice is CWE-1341 (multiple releases of a handle), not a double free (415) of
  memory: cppcheck's doubleFree says "Resource handle 'f' freed twice" for it, and GCC reports a double fclose
  as -Wanalyzer-double-free too ("double-'fclose'"), beside its -Wanalyzer-double-fclose;
- unix.StdCLibraryFunctions on a buffer smaller than the size passed with it (fread(buf, 1, 16, f) on 8 bytes)
  is an overflow, CWE-119 like cppcheck's bufferAccessOutOfBounds on the same call, not a wrong argument (628);
- cppcheck's invalidPrintfArgType_/invalidScanfArgType_ for a type that differs only in signedness (%x with an
  int, %d with an unsigned) is not reported: the value is read and written with the right size, so no memory
  or format is misused (a different size, %x with an unsigned long, still is one).

One check of the Clang Static Analyzer covers several defects (unix.Malloc reports a use after free, a double
free and a leak); `by_message` picks the weakness from its message, and a message none matches (with no
default), or one it maps to no weakness (None), is not a security report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from secreview.models import Severity


@dataclass(frozen=True)
class Check:
    cwe: int | None  # None: only the messages `by_message` lists are reported
    words: str = ""  # words of the CWE's catalog name that say what the check finds
    confidence: float = 0.8  # how often such a report is a real defect (path-sensitive: high)
    # (regex, CWE or None: not a security report, words), first match wins
    by_message: tuple[tuple[str, int | None, str], ...] = field(default=())
    # (regex over the message and the path notes, why such a report is only a candidate to check): reports whose
    # truth hangs on what the analyzer does not see
    unsure_when: tuple[tuple[str, str], ...] = field(default=())
    # messages naming (in group 1) a variable the check finds unset where the analyzer does not follow writes made
    # through the variable's address once stored or passed (cppcheck: `strm->next_out = outbuf;` then a library
    # call fills outbuf); such a report after the address escaped is a candidate
    misses_writes_to: str = ""
    # a leak report whose memory, where it was allocated, was stored through a pointer (`im->blocks = calloc(...)`)
    # into memory the caller may hold: GCC 12's analyzer loses such stores, so such a report is a candidate
    loses_stores_through_pointers: bool = False
    # a report that a copy leaves its destination unterminated, which matters only for a string: a copy into a
    # byte buffer (unsigned char, uint8_t: binary data, handled by its length) is a candidate
    binary_destination: bool = False


@dataclass(frozen=True)
class Weakness:
    """A report's weakness as the table names it, and what would make it only a candidate to check."""

    cwe: int
    confidence: float
    check: Check  # the table's entry, for what the report's code says (see Check)
    unsure: str = ""  # why the report is only a candidate to check (the table's reason); empty: a defect
    unset_variable: str = ""  # the variable reported unset, if the analyzer misses writes through its address


_BOUNDS = (119, "Bounds of a Memory Buffer")
_BEFORE_START = (786, "Before Start of Buffer")
_NULL = (476, "NULL Pointer Dereference")
_UNCHECKED_NULL = (690, "Unchecked Return Value to NULL Pointer Dereference")
_UNINIT = (457, "Uninitialized Variable")
_UNINIT_MEMORY = (908, "Uninitialized Resource")
_LEAK = (401, "Missing Release of Memory")
_HANDLE_LEAK = (775, "Missing Release of File Descriptor or Handle")
_DOUBLE_FREE = (415, "Double Free")
_USE_AFTER_FREE = (416, "Use After Free")
_MISMATCHED_FREE = (762, "Mismatched Memory Management Routines")
_FREE_NOT_HEAP = (590, "Free of Memory not on the Heap")
_FREE_OFFSET = (761, "Free of Pointer not at Start of Buffer")
_DIVIDE_BY_ZERO = (369, "Divide By Zero")
_OVERFLOW = (190, "Integer Overflow")
_SIGN = (195, "Signed to Unsigned Conversion Error")
_STACK_ADDRESS = (562, "Return of Stack Variable Address")
_EXPIRED = (825, "Expired Pointer Dereference")
_FORMAT = (134, "Format String")
_ARG_COUNT = (685, "Incorrect Number of Arguments")
_ARG_TYPE = (686, "Incorrect Argument Type")
_BAD_ARGS = (628, "Incorrectly Specified Arguments")
_DANGEROUS = (242, "Inherently Dangerous Function")
_TEMP_FILE = (377, "Insecure Temporary File")
_UNCHECKED = (252, "Unchecked Return Value")
_BAD_CHECK = (253, "Incorrect Check of Function Return Value")
_CLOSED = (910, "Expired File Descriptor")
_RELEASED_TWICE = (1341, "Multiple Releases of Same Resource")
_SHIFT = (1335, "Bitwise Shift")
_NULL_TERMINATION = (170, "Null Termination")
_WRITE = (787, "Out-of-bounds Write")
_READ = (125, "Out-of-bounds Read")
_UNBOUNDED_COPY = (120, "Buffer Copy without Checking Size of Input")
_COMMAND = (78, "OS Command Injection")
_INDEX = (129, "Validation of Array Index")
_HUGE_ALLOCATION = (789, "Memory Allocation with Excessive Size Value")
_BUFFER_SIZE = (131, "Incorrect Calculation of Buffer Size")
_SIZEOF_POINTER = (467, "sizeof() on a Pointer Type")
_SIGNAL = (479, "Signal Handler Use of a Non-reentrant Function")
_ORDER = (696, "Incorrect Behavior Order")
_CHROOT = (243, "chroot Jail Without Changing Working Directory")
_AFTER_RELEASE = (672, "Operation on a Resource after Expiration or Release")


def _check(
    weakness: tuple[int, str],
    confidence: float = 0.8,
    *,
    unsure_when: tuple[tuple[str, str], ...] = (),
    misses_writes_to: str = "",
    loses_stores_through_pointers: bool = False,
    binary_destination: bool = False,
) -> Check:
    return Check(
        weakness[0],
        weakness[1],
        confidence,
        unsure_when=unsure_when,
        misses_writes_to=misses_writes_to,
        loses_stores_through_pointers=loses_stores_through_pointers,
        binary_destination=binary_destination,
    )


def _kept_not_read(pattern: str) -> tuple[tuple[str, str], ...]:
    """Reports (matching `pattern`) of an address kept where it outlives its object (a global, the caller's struct),
    not of a read of it."""
    return (
        (
            pattern,
            "The address is kept where it outlives the variable; the report is of it being kept, not read. It is a "
            "defect if anything reads it after the function returns, which is not visible here",
        ),
    )


# clang's bounds check naming no index ("at an overflowing index", "at a negative index"): the index was found out
# of range only under the assumptions of one path through the loops and branches before it; on real code such
# reports lost a relation the code keeps (a loop bound tied to the buffer's size, docs/benchmarks.md), where a
# concrete or tainted index ("at index 10", "with a tainted index") stands on its own
_SYMBOLIC_INDEX = (
    (
        r"^Access of .* at (?:an overflowing|a negative) index",
        "The analyzer names no index: it found one out of range only under the assumptions it made on one path "
        "through the loops and branches before (the flow), which can contradict what the code keeps true, such as "
        "a loop bound tied to the buffer's size",
    ),
)


def _by_message(
    *pairs: tuple[str, tuple[int, str] | None],
    default: tuple[int, str] | None = None,
    confidence: float = 0.8,
    unsure_when: tuple[tuple[str, str], ...] = (),
) -> Check:
    return Check(
        default[0] if default else None,
        default[1] if default else "",
        confidence,
        tuple((pattern, *(weakness or (None, ""))) for pattern, weakness in pairs),
        unsure_when,
    )


# cppcheck's message for a printf/scanf argument whose type differs from the format's only in signedness (a
# typedef's type is given as "'DWORD {aka unsigned long}'")
_SIGNEDNESS_ONLY = (
    r"requires '(?:(?:un)?signed )?([a-z ]+?)( \*|)' but the argument type is "
    r"'(?:\w+ \{aka )?(?:(?:un)?signed )?\1\2\}?'"
)


# cppcheck's message for a variable it finds unset: "Uninitialized variable: outbuf"
_UNSET_NAMED = r"^Uninitialized variable: ([A-Za-z_]\w*)$"

# cppcheck ids (ending in "_": every id with that prefix). Its "warning" severity ids (a condition elsewhere
# suggests the value) are less often right than its "error" ones.
CPPCHECK: dict[str, Check] = {
    "arrayIndexOutOfBounds": _check(_BOUNDS),  # cppcheck: 788
    "arrayIndexOutOfBoundsCond": _check(_BOUNDS, 0.6),  # cppcheck: 788
    "bufferAccessOutOfBounds": _check(_BOUNDS),  # cppcheck: 788
    "containerOutOfBounds": _check(_BOUNDS),  # cppcheck: 398
    "algorithmOutOfBounds": _check(_BOUNDS),
    "objectIndex": _check(_BOUNDS),
    "argumentSize": _check(_BOUNDS, 0.6),
    "negativeIndex": _check(_BEFORE_START),
    "negativeMemoryAllocationSize": _check(_BUFFER_SIZE),
    "invalidscanf": _check(_UNBOUNDED_COPY, 0.6),
    "invalidScanfFormatWidth": _check(_UNBOUNDED_COPY),
    "nullPointer": _check(_NULL),
    "ctunullpointer": _check(_NULL, 0.6),
    "nullPointerDefaultArg": _check(_NULL, 0.6),
    "nullPointerRedundantCheck": _check(_NULL, 0.6),
    "nullPointerOutOfMemory": _check(_UNCHECKED_NULL, 0.6),
    "nullPointerOutOfResources": _check(_UNCHECKED_NULL, 0.6),
    "uninitvar": _check(_UNINIT, misses_writes_to=_UNSET_NAMED),
    "legacyUninitvar": _check(_UNINIT, misses_writes_to=_UNSET_NAMED),
    "ctuuninitvar": _check(_UNINIT, 0.6),
    "uninitStructMember": _check(_UNINIT),
    "uninitdata": _check(_UNINIT_MEMORY),
    "memleak": _check(_LEAK),
    "memleakOnRealloc": _check(_LEAK),
    "leakReturnValNotUsed": _check(_LEAK),
    "leakNoVarFunctionCall": _check(_LEAK),
    "resourceLeak": _check(_HANDLE_LEAK),
    "doubleFree": _by_message((r"resource handle", _RELEASED_TWICE), default=_DOUBLE_FREE),
    "deallocuse": _check(_USE_AFTER_FREE),
    "deallocret": _check(_USE_AFTER_FREE),
    "mismatchAllocDealloc": _check(_MISMATCHED_FREE),
    "invalidFree": _check(_FREE_OFFSET),
    "autovarInvalidDeallocation": _check(_FREE_NOT_HEAP),
    "zerodiv": _check(_DIVIDE_BY_ZERO),
    "zerodivcond": _check(_DIVIDE_BY_ZERO, 0.6),
    "integerOverflow": _check(_OVERFLOW),
    "integerOverflowCond": _check(_OVERFLOW, 0.6),
    "signConversion": _check(_SIGN, 0.6),
    "signConversionCond": _check(_SIGN, 0.5),
    "shiftTooManyBits": _check(_SHIFT),
    "shiftTooManyBitsSigned": _check(_SHIFT),
    "shiftNegative": _check(_SHIFT),
    "autoVariables": _check(_STACK_ADDRESS, unsure_when=_kept_not_read(r"assigned to a function parameter")),
    "returnDanglingLifetime": _check(_STACK_ADDRESS),
    "returnReference": _check(_STACK_ADDRESS),
    "returnTempReference": _check(_STACK_ADDRESS),
    "invalidLifetime": _check(_EXPIRED),
    "danglingLifetime": _check(_EXPIRED, unsure_when=_kept_not_read(r"^Non-local variable .* will use ")),
    "danglingReference": _check(_EXPIRED),
    "danglingTempReference": _check(_EXPIRED),
    "danglingTemporaryLifetime": _check(_EXPIRED),
    "wrongPrintfScanfArgNum": _check(_ARG_COUNT),
    "invalidPrintfArgType_": _by_message((_SIGNEDNESS_ONLY, None), default=_ARG_TYPE, confidence=0.6),
    "invalidScanfArgType_": _by_message((_SIGNEDNESS_ONLY, None), default=_ARG_TYPE, confidence=0.6),
    "invalidFunctionArg": _check(_BAD_ARGS),
    "invalidFunctionArgStr": _check(_BAD_ARGS),
    "invalidFunctionArgBool": _check(_BAD_ARGS),
    "sprintfOverlappingData": _check(_BAD_ARGS),
    "overlappingWriteFunction": _check(_BAD_ARGS),
    "useClosedFile": _check(_CLOSED),
    "getsCalled": _check(_DANGEROUS, 0.9),  # cppcheck: 477
    "tmpnamCalled": _check(_TEMP_FILE),  # cppcheck: 477
    "tempnamCalled": _check(_TEMP_FILE),  # cppcheck: 477
    "mktempCalled": _check(_TEMP_FILE),  # cppcheck: 477
    "ignoredReturnValue": _check(_UNCHECKED, 0.3),  # mostly pure functions (strlen, abs): a useless call
    "pointerSize": _check(_SIZEOF_POINTER, 0.6),
    "sizeofwithsilentarraypointer": _check(_SIZEOF_POINTER, 0.6),
}

_FREED = (
    (r"after it is released|after it is freed|use of memory after", _USE_AFTER_FREE),
    (r"free released memory|released memory again|freed twice", _DOUBLE_FREE),
    (r"leak", _LEAK),
    (r"is offset by", _FREE_OFFSET),
    (r"address of the (local|parameter)|constant address|label|is a block|not (?:allocated|owned)", _FREE_NOT_HEAP),
    (r"should be deallocated by|deallocated by", _MISMATCHED_FREE),
)
_ANALYZER = "clang-analyzer-"
# clang-tidy checks: the Clang Static Analyzer's path-sensitive checks, and bugprone-/cert- checks that find
# a security defect (those that only name a function, such as every strcpy, rand or system call, are left out).
CLANG_TIDY: dict[str, Check] = {
    _ANALYZER + "core.NullDereference": _check(_NULL),
    _ANALYZER + "core.NonNullParamChecker": _check(_NULL),
    _ANALYZER + "core.CallAndMessage": _by_message((r"garbage|uninitiali[sz]ed|undefined", _UNINIT), (r"null", _NULL)),
    _ANALYZER + "core.DivideZero": _check(_DIVIDE_BY_ZERO),
    _ANALYZER + "core.StackAddressEscape": _check(_STACK_ADDRESS, unsure_when=_kept_not_read(r"still referred to by")),
    _ANALYZER + "core.BitwiseShift": _check(_SHIFT),
    _ANALYZER + "core.UndefinedBinaryOperatorResult": _by_message(
        (r"garbage|uninitiali[sz]ed", _UNINIT), (r"shift", _SHIFT)
    ),
    _ANALYZER + "core.uninitialized.ArraySubscript": _check(_UNINIT),
    _ANALYZER + "core.uninitialized.Assign": _check(_UNINIT),
    _ANALYZER + "core.uninitialized.Branch": _check(_UNINIT),
    _ANALYZER + "core.uninitialized.UndefReturn": _check(_UNINIT),
    _ANALYZER + "core.uninitialized.NewArraySize": _check(_UNINIT),
    _ANALYZER + "core.VLASize": _by_message((r"tainted|untrusted", _HUGE_ALLOCATION), (r"negative|zero", _BUFFER_SIZE)),
    _ANALYZER + "security.ArrayBound": _by_message(
        (r"before the beginning|negative", _BEFORE_START), default=_BOUNDS, unsure_when=_SYMBOLIC_INDEX
    ),
    # putenv(stack array): the environment keeps the pointer, which outlives the frame (CERT POS34-C, an instance
    # of DCL30-C, a stack address escaping): the weakness of StackAddressEscape, so their reports merge
    _ANALYZER + "security.PutenvStackArray": _check(_STACK_ADDRESS),
    _ANALYZER + "security.SetgidSetuidOrder": _check(_ORDER),
    _ANALYZER + "security.insecureAPI.gets": _check(_DANGEROUS, 0.9),
    _ANALYZER + "security.insecureAPI.mktemp": _check(_TEMP_FILE),
    _ANALYZER + "security.insecureAPI.UncheckedReturn": _check(_UNCHECKED, 0.6),
    _ANALYZER + "unix.Malloc": _by_message(*_FREED),
    _ANALYZER + "unix.MallocSizeof": _check(_BUFFER_SIZE, 0.6),
    _ANALYZER + "unix.MismatchedDeallocator": _check(_MISMATCHED_FREE),
    _ANALYZER + "unix.Chroot": _check(_CHROOT),
    _ANALYZER + "unix.Stream": _by_message(
        (r"never closed|resource leak", _HANDLE_LEAK), (r"might be NULL|is NULL", _UNCHECKED_NULL), (r"closed", _CLOSED)
    ),
    _ANALYZER + "unix.StdCLibraryFunctions": _by_message(
        (r"\bNULL\b", _NULL), (r"buffer with size", _BOUNDS), default=_BAD_ARGS, confidence=0.6
    ),
    _ANALYZER + "unix.cstring.NullArg": _check(_NULL),
    _ANALYZER + "unix.cstring.BadSizeArg": _check(_BOUNDS),
    _ANALYZER + "unix.cstring.NotNullTerminated": _check(_NULL_TERMINATION),
    _ANALYZER + "unix.cstring.UninitializedRead": _check(_UNINIT_MEMORY),
    _ANALYZER + "cplusplus.NewDelete": _by_message(*_FREED),
    _ANALYZER + "cplusplus.NewDeleteLeaks": _check(_LEAK),
    _ANALYZER + "cplusplus.InnerPointer": _check(_USE_AFTER_FREE),
    _ANALYZER + "optin.taint.GenericTaint": _by_message(
        (r"system call|command", _COMMAND),
        (r"format string", _FORMAT),
        (r"index", _INDEX),
        (r"size|length", _HUGE_ALLOCATION),
    ),
    _ANALYZER + "optin.taint.TaintedAlloc": _check(_HUGE_ALLOCATION),
    _ANALYZER + "optin.taint.TaintedDiv": _check(_DIVIDE_BY_ZERO),
    "bugprone-not-null-terminated-result": _check(_NULL_TERMINATION, 0.6, binary_destination=True),
    "bugprone-signal-handler": _check(_SIGNAL, 0.7),
    "bugprone-sizeof-expression": _check(_SIZEOF_POINTER, 0.5),
    "bugprone-misplaced-operator-in-strlen-in-alloc": _check(_BUFFER_SIZE, 0.7),
    "bugprone-suspicious-realloc-usage": _check(_LEAK, 0.6),
    "bugprone-use-after-move": _check(_AFTER_RELEASE, 0.7),
    "bugprone-dangling-handle": _check(_EXPIRED, 0.7),
    "bugprone-shared-ptr-array-mismatch": _check(_MISMATCHED_FREE),
    "bugprone-unique-ptr-array-mismatch": _check(_MISMATCHED_FREE),
    "bugprone-posix-return": _check(_BAD_CHECK, 0.7),
    "bugprone-unused-return-value": _check(_UNCHECKED, 0.5),
}

# GCC warning options (-fdiagnostics-format=json's "option"): the analyzer's, and front-end ones on by default
# or turned on by gcc_analyzer.py.
GCC: dict[str, Check] = {
    "-Wanalyzer-double-free": _by_message((r"close", _RELEASED_TWICE), default=_DOUBLE_FREE),
    "-Wanalyzer-use-after-free": _check(_USE_AFTER_FREE),
    # Pillow: `im->blocks = calloc(...)`, `c->starttab = calloc(...)`, all false, reported as leaks at the next line
    "-Wanalyzer-malloc-leak": _check(_LEAK, 0.7, loses_stores_through_pointers=True),
    "-Wanalyzer-file-leak": _check(_HANDLE_LEAK, 0.7),
    "-Wanalyzer-fd-leak": _check(_HANDLE_LEAK, 0.7),
    "-Wanalyzer-double-fclose": _check(_RELEASED_TWICE),
    "-Wanalyzer-fd-double-close": _check(_RELEASED_TWICE),
    "-Wanalyzer-fd-use-after-close": _check(_CLOSED),
    "-Wanalyzer-free-of-non-heap": _check(_FREE_NOT_HEAP),
    "-Wanalyzer-mismatching-deallocation": _check(_MISMATCHED_FREE),
    "-Wanalyzer-null-argument": _check(_NULL),
    "-Wanalyzer-null-dereference": _check(_NULL),
    "-Wanalyzer-possible-null-argument": _check(_UNCHECKED_NULL, 0.5),
    "-Wanalyzer-possible-null-dereference": _check(_UNCHECKED_NULL, 0.5),
    "-Wanalyzer-use-of-uninitialized-value": _check(
        _UNINIT,
        # a local read through a cast of its own address, as memcpy(out, &v, sizeof(v)) copies its bytes (the portable
        # unaligned or type-punned store): gcc 12 reports it unset right after `v = ...;` (Pillow: 9 of 9 read false)
        unsure_when=(
            (
                r"^use of uninitialized value [\u2018']\*\([^()]*\*\)&\w+[\u2019']",
                "gcc's analyzer read the variable through a cast of its address (its bytes copied, as memcpy does) and "
                "can miss the assignment just before it: every such report read on real code was of a variable set "
                "right before the copy",
            ),
        ),
    ),
    "-Wanalyzer-use-of-pointer-in-stale-stack-frame": _check(_EXPIRED),
    "-Wanalyzer-unsafe-call-within-signal-handler": _check(_SIGNAL),
    "-Wanalyzer-shift-count-negative": _check(_SHIFT),
    "-Wanalyzer-shift-count-overflow": _check(_SHIFT),
    "-Wanalyzer-allocation-size": _check(_BUFFER_SIZE, 0.6),
    "-Wanalyzer-out-of-bounds": _by_message(
        (r"under-?read", (127, "Buffer Under-read")),
        (r"under-?write|underflow", (124, "Buffer Underwrite")),
        (r"over-?read", _READ),
        (r"overflow", _WRITE),
        default=_BOUNDS,
    ),
    "-Wformat-security": _check(_FORMAT, 0.6),
    "-Wdiv-by-zero": _check(_DIVIDE_BY_ZERO),
    "-Wreturn-local-addr": _check(_STACK_ADDRESS),
}

# GCC's warnings from the optimised code (gcc_warnings.py turns them on, at -O2), where sizes and pointers are
# tracked through the function: an object's known size against the index or length used on it.
GCC_WARNINGS: dict[str, Check] = {
    "-Warray-bounds": _by_message((r"subscript -\d", _BEFORE_START), default=_BOUNDS),
    # strncat(d, s, strlen(s)) is strcat(d, s): bounded by nothing that knows the destination (c-strcpy-unbounded)
    "-Wstringop-overflow=": _by_message(
        (r"bound depends on the length of the source", _UNBOUNDED_COPY), default=_WRITE
    ),
    "-Wstringop-overread": _check(_READ),
    "-Wuse-after-free": _by_message((r"close", _CLOSED), default=_USE_AFTER_FREE),
    "-Wfree-nonheap-object": _check(_FREE_NOT_HEAP),
    "-Wmismatched-dealloc": _check(_MISMATCHED_FREE),
    "-Wmismatched-new-delete": _check(_MISMATCHED_FREE),
    "-Winfinite-recursion": _check((674, "Uncontrolled Recursion")),
    "-Wdangling-pointer=": _check(_EXPIRED, unsure_when=_kept_not_read(r"^storing the address")),
    "-Wformat-overflow=": _check(_WRITE),
    "-Wsizeof-pointer-memaccess": _check(_SIZEOF_POINTER),
    # "potential null pointer dereference": a path on which the pointer is NULL (a callee returned it) reaches it
    "-Wnull-dereference": _check(_NULL, 0.5),
}

TABLES: dict[str, dict[str, Check]] = {
    "cppcheck": CPPCHECK,
    "clang-tidy": CLANG_TIDY,
    "gcc-analyzer": GCC,
    "gcc-warnings": GCC_WARNINGS,
}


def weakness(table: dict[str, Check], check_id: str, message: str, notes: Sequence[str] = ()) -> Weakness | None:
    """The weakness a report of `check_id` saying `message` (with the path `notes`) is, by the table; None: not a
    security report. gcc names an option that takes a level with or without its "=" (-Warray-bounds,
    -Wstringop-overflow=)."""
    check = (
        table.get(check_id)
        or table.get(check_id.rstrip("="))
        or next(
            (c for key, c in table.items() if key.endswith(("_", "=")) and check_id.startswith(key.rstrip("="))), None
        )
    )
    if check is None:
        return None
    cwe_id = next(
        (cwe_id for pattern, cwe_id, _ in check.by_message if re.search(pattern, message, re.IGNORECASE)), check.cwe
    )
    if cwe_id is None:
        return None
    unset = re.search(check.misses_writes_to, message) if check.misses_writes_to else None
    said = (message, *notes)
    unsure = next((why for pattern, why in check.unsure_when if any(re.search(pattern, text) for text in said)), "")
    return Weakness(cwe_id, check.confidence, check, unsure=unsure, unset_variable=unset.group(1) if unset else "")


def severity(cwe_id: int) -> Severity:
    """Memory corruption and injection are high; crashes, wrong arguments and unsafe functions medium; leaks and
    unchecked results low."""
    if cwe_id in _HIGH:
        return Severity.high
    return Severity.low if cwe_id in _LOW else Severity.medium


_HIGH = frozenset({119, 120, 124, 125, 127, 786, 787, 415, 416, 134, 78, 562, 590, 761, 762, 825})
_LOW = frozenset({401, 775, 252, 253, 467, 696})
