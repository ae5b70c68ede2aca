"""The C and C++ analyzers: real cppcheck, clang-tidy and gcc on annotated samples (tests/data/c_analyzers: `ruleid:
CHECK` on the line before one where the check must report a defect, `candidate: CHECK` where it must report only a
candidate to check, `ok: CHECK` before one where it must not report; every check of the table has one), the CWE
table against the MITRE catalog, include folders and compile_commands.json, a missing gcc, the merge of their
reports, and Ctrl-C."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sysconfig
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_secreview
from secreview import cwe
from secreview.api import ReviewRequest, run_review
from secreview.backends.call_log import CallLog
from secreview.config import Settings
from secreview.engines import c_checks, c_text, cbuild, gcc_analyzer, gcc_warnings, per_file, workspace
from secreview.engines.c_analyzers import ANALYZERS, c_analyzers
from secreview.engines.cached import CachedEngine
from secreview.engines.cbuild import BuildContext
from secreview.engines.interface import EngineResult, source_digest
from secreview.engines.workspace import tool_path
from secreview.models import CodeUnit
from secreview.sources import parts
from secreview.sources.languages import language_of
from test_interrupt import interrupt_when, processes, start, units

SAMPLES = Path(__file__).parent / "data" / "c_analyzers"
ANNOTATION = re.compile(r"//\s*(ruleid|candidate|ok):\s*([\w\-.=, ]+)")
Expectations = dict[tuple[str, int], set[str]]


def unit_of(path: Path, root: Path) -> CodeUnit:
    relative = path.relative_to(root).as_posix()
    return CodeUnit(id=relative, path=relative, language=language_of(path) or "", text=path.read_text(), disk_path=path)


def annotations() -> dict[str, Expectations]:
    """By annotation (ruleid, candidate, ok): the checks it names for each (file, line) it annotates."""
    found: dict[str, Expectations] = {kind: defaultdict(set) for kind in ("ruleid", "candidate", "ok")}
    for path in sorted(SAMPLES.iterdir()):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = ANNOTATION.search(line)
            if match:
                ids = {check.strip() for check in match.group(2).split(",") if check.strip()}
                found[match.group(1)][(path.name, number + 1)] |= ids
    return found


@pytest.fixture(scope="module")
def results() -> dict[str, EngineResult]:
    """Each analyzer's result on the samples."""
    samples = [unit_of(path, SAMPLES) for path in sorted(SAMPLES.iterdir())]
    return {
        engine.name: engine.review([unit for unit in samples if unit.language in engine.languages])
        for engine in c_analyzers(list(ANALYZERS))
    }


def test_every_check_names_a_weakness_of_the_catalog_that_says_what_it_finds():
    for tool, table in c_checks.TABLES.items():
        assert len(table) >= 8, tool  # a table cut short by a bad edit
        for check_id, check in table.items():
            named = [(check.cwe, check.words)] if check.cwe is not None else []
            named += [(cwe_id, words) for _, cwe_id, words in check.by_message if cwe_id is not None]
            assert named, f"{tool} {check_id} reports nothing"
            for cwe_id, words in named:
                assert cwe.is_weakness(cwe_id), f"{tool} {check_id}: CWE-{cwe_id} is not a weakness"
                name = cwe.lookup(cwe_id).name
                assert words and words.lower() in name.lower(), f"{tool} {check_id}: {words!r} not in {name!r}"
            assert 0 < check.confidence <= 1


def test_the_table_corrects_the_ids_the_tools_give():
    def named(table: dict[str, c_checks.Check], check: str, message: str = "") -> int | None:
        found = c_checks.weakness(table, check, message)
        return found.cwe if found else None

    # cppcheck: 788 for any out-of-bounds index, 477 (obsolete) for gets and mktemp
    assert named(c_checks.CPPCHECK, "arrayIndexOutOfBounds") == 119
    assert named(c_checks.CPPCHECK, "getsCalled") == 242
    assert named(c_checks.CPPCHECK, "mktempCalled") == 377
    assert named(c_checks.CPPCHECK, "invalidPrintfArgType_sint") == 686  # a family of ids by prefix
    assert named(c_checks.CPPCHECK, "constVariablePointer") is None  # style: not used
    # a format argument of the right size that differs only in signedness misuses nothing
    unsigned = "%x in format string (no. 1) requires 'unsigned int *' but the argument type is 'signed int *'."
    assert named(c_checks.CPPCHECK, "invalidScanfArgType_int", unsigned) is None
    typedef = "%ld in format string (no. 1) requires 'long' but the argument type is 'DWORD {aka unsigned long}'."
    assert named(c_checks.CPPCHECK, "invalidPrintfArgType_sint", typedef) is None
    narrower = "%d in format string (no. 1) requires 'int *' but the argument type is 'signed short *'."
    assert named(c_checks.CPPCHECK, "invalidScanfArgType_int", narrower) == 686
    malloc = "clang-analyzer-unix.Malloc"
    assert named(c_checks.CLANG_TIDY, malloc, "Use of memory after it is released") == 416
    assert named(c_checks.CLANG_TIDY, malloc, "Attempt to free released memory") == 415
    assert named(c_checks.CLANG_TIDY, malloc, "Potential leak of memory pointed to by 'p'") == 401
    assert (
        named(c_checks.CLANG_TIDY, "clang-analyzer-unix.Stream", "Read function called when stream is in EOF") is None
    )
    gcc = c_checks.GCC_WARNINGS
    assert named(gcc, "-Wstringop-overflow=", "writing 9 bytes into a region of size 8") == 787
    # strncat(d, s, strlen(s)) is strcat(d, s): a copy bounded by nothing that knows the destination
    assert named(gcc, "-Wstringop-overflow=", "'strncat' specified bound depends on the length of the source") == 120
    assert named(gcc, "-Warray-bounds", "array subscript -8 is outside array bounds of 'char[100]'") == 786
    assert named(gcc, "-Warray-bounds", "array subscript 10 is above array bounds of 'char[10]'") == 119
    # an option that takes a level, spelt with or without its "="
    assert named(gcc, "-Warray-bounds=", "array subscript 10 is above array bounds of 'char[10]'") == 119
    assert named(gcc, "-Wstringop-overflow", "writing 9 bytes into a region of size 8") == 787
    # a handle closed twice is not a double free of memory; a buffer smaller than its size argument overflows
    assert named(c_checks.CPPCHECK, "doubleFree", "Resource handle 'out' freed twice.") == 1341
    assert named(c_checks.CPPCHECK, "doubleFree", "Memory pointed to by 'copy' is freed twice.") == 415
    assert named(c_checks.GCC, "-Wanalyzer-double-free", "double-\u2018fclose\u2019 of \u2018out\u2019") == 1341
    assert named(c_checks.GCC, "-Wanalyzer-double-free", "double-\u2018free\u2019 of \u2018copy\u2019") == 415
    stdc = "clang-analyzer-unix.StdCLibraryFunctions"
    assert named(c_checks.CLANG_TIDY, stdc, "The 1st argument to 'fread' is a buffer with size 8 but should be") == 119


def test_every_clang_tidy_check_of_the_table_exists():
    listed = subprocess.run(
        [tool_path("clang-tidy") or "clang-tidy", "--list-checks", f"--checks=-*,{','.join(c_checks.CLANG_TIDY)}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(set(c_checks.CLANG_TIDY) - set(listed)) == []


def test_analyzers_report_exactly_where_annotated(results: dict[str, EngineResult]):
    reported: Expectations = defaultdict(set)
    as_defect: Expectations = defaultdict(set)  # the reports that are not only candidates
    for result in results.values():
        assert not result.skipped and not result.not_run and not result.notes
        for finding in result.findings:
            place, ids = (finding.path, finding.start_line), {e.rule_id for e in finding.evidence}
            reported[place] |= ids
            if finding.kind == "defect":
                as_defect[place] |= ids
    annotated = annotations()
    fire: Expectations = defaultdict(set)
    for kind in ("ruleid", "candidate"):
        for place, ids in annotated[kind].items():
            fire[place] |= ids

    def listed(expected: Expectations, pick: Callable[[set[str], set[str]], set[str]], got: Expectations) -> list[str]:
        return [f"{path}:{line} {c}" for (path, line), ids in expected.items() for c in pick(ids, got[(path, line)])]

    missed = listed(fire, set.difference, reported)
    wrong = listed(annotated["ok"], set.intersection, reported)
    extra = listed(reported, set.difference, fire)
    only_candidates = listed(annotated["ruleid"], set.difference, as_defect)
    defects = listed(annotated["candidate"], set.intersection, as_defect)
    assert not missed, f"checks that did not report where annotated: {missed}"
    assert not wrong, f"checks that reported on ok: lines: {wrong}"
    assert not extra, f"reports on lines without a ruleid: or candidate: annotation: {extra}"
    assert not only_candidates, f"ruleid: checks that reported only a candidate: {only_candidates}"
    assert not defects, f"candidate: checks that reported a defect: {defects}"
    # each analyzer earns its place on the samples
    assert all(result.findings for result in results.values())


# Checks of the table that no sample can make fire with the installed tools, and why. A check that can fire
# gets a `ruleid:` sample instead; the table lists no check that cannot fire with any supported version.
NOT_TRIGGERABLE = {
    "-Wanalyzer-fd-leak": "gcc 12 lacks it (GCC 13)",
    "-Wanalyzer-fd-double-close": "gcc 12 lacks it (GCC 13)",
    "-Wanalyzer-fd-use-after-close": "gcc 12 lacks it (GCC 13)",
    "-Wanalyzer-allocation-size": "gcc 12 lacks it (GCC 13)",
    "-Wanalyzer-out-of-bounds": "gcc 12 lacks it (GCC 13)",
}


def test_every_check_of_the_tables_fires_in_an_annotated_sample():
    found = annotations()
    annotated = set().union(*found["ruleid"].values(), *found["candidate"].values())

    def shown(check: str) -> bool:
        return any(id_ == check or (check.endswith("_") and id_.startswith(check)) for id_ in annotated)

    checks = [check for table in c_checks.TABLES.values() for check in table]
    missing = [check for check in checks if not shown(check) and check not in NOT_TRIGGERABLE]
    assert missing == [], "add a ruleid: sample for these (or say in NOT_TRIGGERABLE why none can fire)"
    assert [check for check in NOT_TRIGGERABLE if shown(check) or check not in checks] == []
    # the list follows the installed gcc: once it has a check, that check needs a sample
    warnings = subprocess.run(
        [tool_path("gcc") or "gcc", "-Q", "--help=warnings"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [check for check in NOT_TRIGGERABLE if check in warnings] == []


def test_findings_carry_the_cwe_the_lines_and_the_path_to_the_defect(results: dict[str, EngineResult]):
    (double_free,) = [f for f in results["gcc-analyzer"].findings if f.cwe == 415]
    assert double_free.title == "Double Free" and double_free.severity.value == "high"
    notes = {step.note for step in double_free.flow}
    assert any("first" in note and "free" in note for note in notes), double_free.flow
    assert [step.line for step in double_free.flow] == sorted(step.line for step in double_free.flow)
    newdelete = "clang-analyzer-cplusplus.NewDelete"
    (after_delete,) = [
        f for f in results["clang-tidy"].findings if f.evidence[0].rule_id == newdelete and f.path == "objects.cpp"
    ]
    assert any("released" in step.note for step in after_delete.flow), after_delete.flow
    assert after_delete.solution  # fix advice from the rules or the catalog
    # gcc's notes after a warning say where it began: the free before the use, the object written before
    text = (SAMPLES / "optimised.c").read_text().splitlines()
    freed_at = next(n for n, line in enumerate(text, 1) if line.strip() == "free(value);")
    (after_free,) = [f for f in results["gcc-warnings"].findings if f.path == "optimised.c" and f.cwe == 416]
    assert [(step.line, "free" in step.note) for step in after_free.flow] == [(freed_at, True)]


def test_reports_of_one_defect_merge_and_name_every_analyzer_that_agreed(tmp_path: Path):
    shutil.copy(SAMPLES / "defects.c", tmp_path / "defects.c")
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    assert review.complete
    by_line = {(f.start_line, f.cwe): f for f in review.findings}
    text = (tmp_path / "defects.c").read_text().splitlines()
    null_line = next(n for n, line in enumerate(text, 1) if line.strip() == "return *target;")
    null = by_line[(null_line, 476)]
    assert null.engines == ["clang-tidy", "cppcheck", "gcc-analyzer", "gcc-warnings"]
    assert null.flow and null.confidence > max(e.confidence for e in null.evidence)
    assert len([f for f in review.findings if f.start_line == null_line]) == 1
    unit = review.coverage.units[0]
    assert unit.reviewed_by == ["semgrep", "cppcheck", "clang-tidy", "gcc-analyzer", "gcc-warnings"]


def test_include_folders_come_from_the_repository_and_compile_commands_wins(tmp_path: Path):
    (tmp_path / "include" / "app").mkdir(parents=True)
    (tmp_path / "include" / "app" / "limits.h").write_text("#define SLOTS 8\n")
    (tmp_path / "src").mkdir()
    main = tmp_path / "src" / "main.c"
    main.write_text(
        '#include <string.h>\n#include "app/limits.h"\n\n'
        "#ifndef CONFIGURED\n#define CONFIGURED 0\n#endif\n\n"
        "int last(void)\n{\n    int slots[SLOTS];\n    memset(slots, 0, sizeof(slots));\n"
        "    slots[SLOTS] = CONFIGURED;\n    return slots[0];\n}\n"
    )
    unit = unit_of(main, tmp_path)
    args = BuildContext.for_units([unit]).args(str(main), unit)
    assert args.includes == (str(tmp_path / "include"),) and not args.from_database
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    covered = next(unit for unit in review.coverage.units if unit.path == "src/main.c")
    assert covered.notes == [] and covered.reviewed_by[-3:] == ["clang-tidy", "gcc-analyzer", "gcc-warnings"]
    assert {"clang-tidy", "cppcheck"} <= {e for f in review.findings if f.start_line == 12 for e in f.engines}

    database = [{"directory": str(tmp_path), "file": "src/main.c", "arguments": ["cc", "-DCONFIGURED=1", "-Ivendor"]}]
    (tmp_path / "compile_commands.json").write_text(json.dumps(database))
    args = BuildContext.for_units([unit]).args(str(main), unit)
    assert (args.includes, args.defines, args.from_database) == ((str(tmp_path / "vendor"),), ("CONFIGURED=1",), True)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static", cache=False), start=tmp_path)
    # its include folders replace the guessed ones: app/limits.h is no longer found, and the coverage says so
    covered = next(unit for unit in review.coverage.units if unit.path == "src/main.c")
    assert any("does not compile as secreview builds it" in note and "limits.h" in note for note in covered.notes)
    assert not {"gcc-analyzer", "gcc-warnings"} & set(covered.reviewed_by) and review.complete


def test_includes_are_followed_through_parent_folders_and_a_librarys_own_headers_win(tmp_path: Path):
    """Brotli's layout: dec/huffman.c includes "huffman.h", which includes "../common/platform.h", which includes
    <brotli/port.h> from c/include. Both were lost (a path with .. was not followed, and the system's older
    brotli/port.h was taken for the repository's), and 33 of its 92 files did not compile."""
    for name, text in {
        "include/mylib/port.h": "#define MYLIB_INTERNAL static\n",
        "include/scsi/sg.h": "#define SG_SHIM 1\n",  # a library's header the system also has: the repository's
        "compat/sys/queue.h": "#define QUEUE_SHIM 1\n",  # a shim for a system header: the system's
        "compat/string.h": "#define STRING_SHIM 1\n",  # (taking either would add compat/ to the folders)
        "common/platform.h": "#include <string.h>\n#include <sys/queue.h>\n#include <mylib/port.h>\n",
        "dec/huffman.h": '#include "../common/platform.h"\n',
        "dec/huffman.c": '#include "huffman.h"\n\nMYLIB_INTERNAL int level(void) { return 1; }\n',
        "dec/scsi.c": "#include <scsi/sg.h>\n\nint shim(void) { return SG_SHIM; }\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    units = [unit_of(tmp_path / "dec" / name, tmp_path) for name in ("huffman.c", "scsi.c")]
    context = BuildContext.for_units(units)
    assert context.args(str(tmp_path / "dec" / "huffman.c"), units[0]).includes == (str(tmp_path / "include"),)
    if Path("/usr/include/scsi/sg.h").is_file():  # the C library's own copy is there (libc6-dev)
        assert context.args(str(tmp_path / "dec" / "scsi.c"), units[1]).includes == (str(tmp_path / "include"),)
    compiled = subprocess.run(
        [tool_path("gcc") or "gcc", "-fsyntax-only", *context.args(str(units[0].disk_path), units[0]).compiler_flags(),
         str(tmp_path / "dec" / "huffman.c")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr


def test_a_file_whose_code_the_build_leaves_out_is_said_unread_by_the_compilers(tmp_path: Path):
    # a codec compiled only with its library: without the library's macro no compiler reads a line of it
    (tmp_path / "codec.c").write_text(
        "/* compiled with the codec library only */\n#include <stdlib.h>\n\n#ifdef HAVE_FANCY_CODEC\n"
        "int decode(void)\n{\n    int *value = malloc(sizeof *value);\n    if (value == NULL)\n        return 0;\n"
        "    *value = 1;\n    free(value);\n    return *value;\n}\n#endif\n"
    )
    compilers = ["clang-tidy", "gcc-analyzer", "gcc-warnings"]
    settings = Settings(engine="static", cache=False)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), settings, start=tmp_path)
    (unit,) = review.coverage.units
    assert unit.reviewed_by == ["semgrep", "cppcheck"] and review.complete  # cppcheck tries the #if blocks
    for name in compilers:
        (note,) = [note for note in unit.notes if note.startswith(f"not reviewed by {name}: ")]
        assert "none of its code is compiled" in note and "`#ifdef HAVE_FANCY_CODEC`" in note

    database = [{"directory": str(tmp_path), "file": "codec.c", "arguments": ["cc", "-DHAVE_FANCY_CODEC"]}]
    (tmp_path / "compile_commands.json").write_text(json.dumps(database))
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), settings, start=tmp_path)
    (unit,) = review.coverage.units
    assert unit.reviewed_by == ["semgrep", "cppcheck", *compilers] and not unit.notes
    (after_free,) = [finding for finding in review.findings if finding.cwe == 416]
    assert set(compilers) <= set(after_free.engines)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("#include <zlib.h>\n#ifdef HAVE_LIBZ\nint inflate_all(void);\n#endif\n", "#ifdef HAVE_LIBZ"),
        ("#ifdef _WIN32\n#define OPEN _open\n#endif\nint run(void);\n", None),  # code after the conditional
        ("#ifndef CODEC_H\n# define CODEC_H\nint decode(void);\n#endif\n", None),  # an include guard
        ("#ifndef CODEC_H\n#define CODEC_H\n#if HAVE_X\nint x;\n#endif\n#endif\n", "#if HAVE_X"),
        ("/* #ifdef NOT_CODE */\n#ifndef A\n#define B\nint x;\n#endif\n", "#ifndef A"),  # not a guard
        ("#ifndef LIMITS_H\n#define LIMITS_H\n#define MAX(a, b) \\\n    ((a) > (b) ? (a) : (b))\n#endif\n", None),
    ],
)
def test_only_a_file_whose_code_starts_inside_a_conditional_is_preprocessed(text: str, asked: str | None):
    assert per_file.leading_conditional(text) == asked


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("#include <zlib.h>\n#ifdef HAVE_LIBZ\nint inflate_all(void);\n#endif\n", True),
        ('#ifdef __cplusplus\nextern "C" {\n#endif\nint run(void);\n', False),
        ("#ifndef CODEC_H\n#define CODEC_H\nint decode(void);\n#endif\n", False),  # an include guard
        ("#define LIMIT 4\n", False),  # no code
    ],
)
def test_a_file_all_of_whose_code_is_inside_conditionals_is_told(text: str, inside: bool):
    assert per_file.all_code_inside_conditionals(text) is inside


@pytest.mark.parametrize(
    ("statement", "through_pointer"),
    [
        ("    im->block = (char *)malloc(1);", True),
        ("    *out = calloc(n, 4);", True),
        ("    state->rows[y] = malloc(n);", True),
        ("    copy = malloc(n);", False),  # a local
        ("    frame.data = malloc(n);", False),  # a local struct's member
        ("    if (im->block == NULL) {", False),  # a comparison, not a store
        ("    total += im->size;", False),
    ],
)
def test_a_store_through_a_pointer_is_told_from_one_into_a_local(statement: str, through_pointer: bool):
    unit = CodeUnit(id="a.c", path="a.c", language="c", text=f"void f(void)\n{{\n{statement}\n}}\n")
    assert c_text.stored_through_pointer(parts.split_unit(unit), 3) is through_pointer


@pytest.mark.parametrize(
    ("declaration", "call", "byte_buffer"),
    [
        ("    unsigned char block[64];", "    memcpy(block, text, n);", "unsigned char block[64]"),
        ("    BYTE encrypted[200];", "    memcpy((char *)encrypted, text, n);", "BYTE encrypted[200]"),
        ("    uint8_t *out = malloc(n);", "    strncpy(out, text, n);", "uint8_t *out"),
        ("    char name[64];", "    memcpy(name, text, n);", None),  # characters: a string
        ("    unsigned char block[64];", "    memcpy(name, block, n);", None),  # bytes are the source
    ],
)
def test_a_copy_into_a_byte_buffer_is_told(declaration: str, call: str, byte_buffer: str | None):
    text = f"void f(const char *text, char *name, size_t n)\n{{\n{declaration}\n{call}\n}}\n"
    unit = CodeUnit(id="a.c", path="a.c", language="c", text=text)
    assert c_text.byte_buffer_copied_into(parts.split_unit(unit), 4) == byte_buffer


def test_a_macro_defined_per_compiler_is_read_as_gcc_configures_it(tmp_path: Path):
    """cppcheck stops at a macro it cannot expand in the #if configuration where no compiler is defined; the file
    is then checked as gcc configures it (a note, not a gap), while a macro defined nowhere stays a gap."""
    decorated = "static int NOINLINE(copy_name)(char *out, const char *name)\n{\n"
    leak = "    char *buffer = malloc(16);\n    if (buffer == NULL)\n        return -1;\n    strcpy(buffer, name);\n"
    (tmp_path / "gated.c").write_text(
        "#include <stdlib.h>\n#include <string.h>\n\n#if defined(__GNUC__) || defined(__clang__)\n"
        "#define NOINLINE(name) __attribute__((noinline)) name\n#elif defined(_MSC_VER)\n"
        "#define NOINLINE(name) __declspec(noinline) name\n#endif\n\n"
        + decorated
        + leak
        + "    strcpy(out, buffer);\n    return 0;\n}\n"
    )
    (tmp_path / "undefined.c").write_text("#include <stdlib.h>\n#include <string.h>\n\n" + decorated + leak + "}\n")
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review([unit_of(tmp_path / name, tmp_path) for name in ("gated.c", "undefined.c")])
    assert "gated.c" not in result.skipped
    (note,) = result.notes["gated.c"]
    assert "stopped at NOINLINE" in note and "again as this machine's gcc configures it" in note
    (leaked,) = [finding for finding in result.findings if finding.path == "gated.c"]
    assert (leaked.cwe, leaked.start_line) == (401, 17)  # the return that leaves `buffer` allocated
    assert "unknown macro" in result.skipped["undefined.c"]


def test_a_file_that_stops_at_an_error_and_that_cppcheck_cannot_read_for_another_compiler_is_read_as_gcc_would(
    tmp_path: Path,
):
    """rapidjson's headers: the configuration with no macro stops at `#error Unknown machine endianness`, and of
    the others cppcheck cannot read MSVC's (`__pragma(...)` before a namespace): six headers were not reviewed
    by cppcheck at all. They are checked as this machine's gcc configures them, and the coverage says so."""
    (tmp_path / "endian.hpp").write_text(
        "#include <stdlib.h>\n#include <string.h>\n\n#if defined(__BYTE_ORDER__) || defined(_MSC_VER)\n"
        "#define LIB_ENDIAN 1\n#else\n#error Unknown machine endianness: define LIB_ENDIAN\n#endif\n\n"
        "#if defined(_MSC_VER)\n#define LIB_DIAG_OFF(x) __pragma(warning(disable: x))\n#else\n"
        "#define LIB_DIAG_OFF(x)\n#endif\n\nLIB_DIAG_OFF(4244)\n\nnamespace lib {\n\n"
        "int copy_name(char *out, const char *name)\n{\n    char *buffer = (char *)malloc(16);\n"
        "    if (buffer == NULL)\n        return -1;\n    strcpy(buffer, name);\n    strcpy(out, buffer);\n"
        "    return 0;\n}\n\n}\n"
    )
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review([unit_of(tmp_path / "endian.hpp", tmp_path)])
    assert not result.skipped
    (note,) = result.notes["endian.hpp"]
    assert "stopped at an #error" in note and "again as this machine's gcc configures it" in note
    assert [(finding.cwe, finding.start_line) for finding in result.findings] == [(401, 27)]


def test_cppcheck_checks_one_configuration_unless_it_leaves_the_code_out(tmp_path: Path):
    """The code as written with no macro defined, as the compilers read one configuration; cppcheck's other #if
    configurations only where that one may leave the code out: all of it is inside #if blocks, or it stops at #error."""
    leak = "int leaky{}(void)\n{{\n    char *buffer = malloc(16);\n    return buffer != NULL;\n}}\n"
    cplusplus = '#ifdef __cplusplus\nextern "C" {\n#endif\n'  # code inside an #if first, as many C files start
    (tmp_path / "options.c").write_text(
        "#include <stdlib.h>\n" + cplusplus + leak.format(1) + "#ifdef EXTRA_CHECKS\n" + leak.format(2) + "#endif\n"
    )
    (tmp_path / "codec.c").write_text("#include <stdlib.h>\n\n#ifdef HAVE_CODEC\n" + leak.format(1) + "#endif\n")
    (tmp_path / "platform.c").write_text(
        "#include <stdlib.h>\n\n#ifndef PLATFORM_OK\n#error define PLATFORM_OK\n#endif\n\n" + leak.format(1)
    )
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review([unit_of(tmp_path / name, tmp_path) for name in ("options.c", "codec.c", "platform.c")])
    assert not result.skipped
    assert sorted((finding.path, finding.cwe, finding.start_line) for finding in result.findings) == [
        ("codec.c", 401, 7),
        ("options.c", 401, 8),  # leaky2, under EXTRA_CHECKS, is not read
        ("platform.c", 401, 10),
    ]


def test_cppcheck_reads_the_headers_the_compilers_find_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """CPATH points gcc and clang at headers outside the repository (Python.h for an extension); cppcheck does not
    read it, so it is given those folders: without them it stops at the macro they define."""
    headers = tmp_path / "outside"
    headers.mkdir()
    (headers / "api.h").write_text("#define BEGIN_UNLOCKED {\n#define END_UNLOCKED }\n")  # as Py_BEGIN_ALLOW_THREADS
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "module.c").write_text(
        '#include <stdlib.h>\n#include "api.h"\n\nint leaky(void)\n{\n    char *buffer;\n    BEGIN_UNLOCKED\n'
        "    buffer = malloc(16);\n    END_UNLOCKED\n    return buffer != NULL;\n}\n"
    )
    unit = unit_of(tmp_path / "repo" / "module.c", tmp_path / "repo")
    (engine,) = c_analyzers(["cppcheck"])
    assert "unknown macro" in engine.review([unit]).skipped["module.c"]
    monkeypatch.setenv("CPATH", str(headers))
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review([unit])
    assert not result.skipped and [(finding.cwe, finding.start_line) for finding in result.findings] == [(401, 10)]
    assert engine.cache_key()["environment"]["CPATH"] == str(headers)  # a cached result is not reused without it


def test_a_python_extension_is_compiled_against_this_pythons_headers_unless_the_environment_names_some(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """setuptools builds a CPython extension against the headers of the Python it runs on; without them no compiler
    reads its sources ('Python.h' file not found). A Python.h the environment names (CPATH) is the user's choice."""
    python = sysconfig.get_paths()["include"]
    if not Path(python, "Python.h").is_file():
        pytest.skip("this Python's C headers are not installed")
    for variable in cbuild.INCLUDE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "repo").mkdir()
    module = tmp_path / "repo" / "module.c"
    module.write_text(
        '#include "Python.h"\n#include <string.h>\n\nstatic PyObject *\nfirst(PyObject *self, PyObject *args)\n{\n'
        '    char name[8];\n    strcpy(name, "extension");\n    return PyUnicode_FromString(name);\n}\n'
    )
    unit = unit_of(module, tmp_path / "repo")
    assert BuildContext.for_units([unit]).args(str(module), unit).includes == (python,)
    assert c_analyzers(["cppcheck"])[0].cache_key()["python_headers"] == python  # another Python's: not reused
    review = run_review(ReviewRequest(paths=[str(module)]), Settings(engine="static"), start=tmp_path / "repo")
    (covered,) = review.coverage.units
    assert covered.notes == [] and {"clang-tidy", "gcc-analyzer", "gcc-warnings"} <= set(covered.reviewed_by)
    assert any(finding.start_line == 8 and finding.cwe in (119, 120, 121, 787) for finding in review.findings)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / "Python.h").write_text("typedef struct _object PyObject;\n")
    monkeypatch.setenv("CPATH", str(chosen))
    assert BuildContext.for_units([unit]).args(str(module), unit).includes == ()


def test_a_header_cppcheck_cannot_read_alone_is_read_where_a_file_includes_it(tmp_path: Path):
    """Template headers written against a macro their includer defines first (Brotli's `hash_*_inc.h`): cppcheck
    stops at the macro alone, so it reads each header inside the file that includes it, one run shared by its
    headers; one nobody includes stays a gap. A header's cached result depends on that file too."""
    template = "static int FN({})(int n)\n{{\n    char *buffer = malloc(n);\n    return buffer != NULL;\n}}\n"
    (tmp_path / "sum_inc.h").write_text("/* included by sum.c with FN defined first */\n" + template.format("sum"))
    (tmp_path / "count_inc.h").write_text(template.format("count"))
    (tmp_path / "orphan_inc.h").write_text(template.format("orphan"))
    (tmp_path / "sum.c").write_text(
        '#include <stdlib.h>\n\n#define FN(name) name##_int\n#include "sum_inc.h"\n#include "count_inc.h"\n#undef FN\n'
        '#define FN(name) name##_again\n#include "sum_inc.h"\n#undef FN\n\n'
        "int total(int n)\n{\n    return sum_int(n) + sum_again(n) + count_int(n);\n}\n"
    )
    names = ("count_inc.h", "orphan_inc.h", "sum.c", "sum_inc.h")
    units = [unit_of(tmp_path / name, tmp_path) for name in names]
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review(units)
    assert list(result.skipped) == ["orphan_inc.h"] and "If FN is a macro" in result.skipped["orphan_inc.h"]
    (note,) = result.notes["sum_inc.h"]
    assert note.startswith("cppcheck could not read it alone (There is an unknown macro") and "where sum.c" in note
    found = sorted((finding.path, finding.cwe, finding.start_line) for finding in result.findings)
    assert found == [("count_inc.h", 401, 4), ("sum_inc.h", 401, 5)]  # each once, however often it is included
    build = BuildContext.for_units(units)
    count, summed = (build.args(str(tmp_path / name), unit_of(tmp_path / name, tmp_path)) for name in names[::3])
    assert count.includer is not None and count.includer is summed.includer  # one run of sum.c for both

    before = engine.dependencies(units)
    (tmp_path / "sum.c").write_text((tmp_path / "sum.c").read_text() + "\n/* changed */\n")
    after = engine.dependencies([unit_of(tmp_path / name, tmp_path) for name in names])
    assert before["sum_inc.h"] != after["sum_inc.h"] and before["orphan_inc.h"] == after["orphan_inc.h"]


def test_a_compiler_feature_test_does_not_stop_cppcheck(tmp_path: Path):
    """`#if defined(__has_attribute) && __has_attribute(unused)`: cppcheck fails on the function-like macro built
    into gcc and clang, so the file is checked again with the feature tests answering 0 (its portable branch);
    Cython's `#ifndef __has_attribute` fallback is read the first time."""
    body = "\nint leaky(int UNUSED flag)\n{\n    char *buffer = malloc(16);\n    return buffer != NULL;\n}\n"
    (tmp_path / "tested.c").write_text(
        "#include <stdlib.h>\n\n#if defined(__has_attribute) && __has_attribute(unused)\n"
        "#define UNUSED __attribute__((unused))\n#else\n#define UNUSED\n#endif\n" + body
    )
    (tmp_path / "fallback.c").write_text(
        "#include <stdlib.h>\n\n#ifndef __has_attribute\n#define __has_attribute(x) 0\n#endif\n\n"
        "#if __has_attribute(unused)\n#define UNUSED __attribute__((unused))\n#else\n#define UNUSED\n#endif\n" + body
    )
    (engine,) = c_analyzers(["cppcheck"])
    result = engine.review([unit_of(tmp_path / name, tmp_path) for name in ("tested.c", "fallback.c")])
    assert not result.skipped
    (note,) = result.notes["tested.c"]
    assert "stopped at __has_attribute" in note and "feature tests answering 0" in note
    assert "fallback.c" not in result.notes
    assert sorted((finding.path, finding.cwe, finding.start_line) for finding in result.findings) == [
        ("fallback.c", 401, 16),
        ("tested.c", 401, 12),
    ]


def test_without_gcc_the_coverage_says_so_and_the_review_stays_complete(tmp_path: Path):
    shutil.copy(SAMPLES / "defects.c", tmp_path / "defects.c")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    done = run_secreview("review", "defects.c", "--format", "json", cwd=tmp_path, env={"PATH": str(tools)})
    assert done.returncode == 1, done.stderr  # findings, and complete: not 3
    review = json.loads(done.stdout)
    (unit,) = review["coverage"]["units"]
    assert unit["reviewed_by"] == ["semgrep", "cppcheck", "clang-tidy"] and review["complete"]
    assert any(note.startswith("not reviewed by gcc-analyzer: no gcc on PATH") for note in unit["notes"])
    assert any(note.startswith("not reviewed by gcc-warnings: no gcc on PATH") for note in unit["notes"])
    assert {
        "name": "gcc-analyzer",
        "version": "not run: no gcc on PATH (GCC's analyzer needs gcc 10 or later; optional)",
    } in review["engines"]


def test_a_gcc_that_cannot_compile_cpp_says_why_and_the_review_stays_complete(tmp_path: Path):
    shutil.copy(SAMPLES / "objects.cpp", tmp_path / "objects.cpp")
    # gcc without its compilers (as where g++ is not installed): the driver's own error, in plain text
    no_compilers = {"GCC_EXEC_PREFIX": f"{tmp_path / 'nowhere'}/"}
    done = run_secreview("review", "objects.cpp", "--format", "json", cwd=tmp_path, env=no_compilers)
    review = json.loads(done.stdout)
    (unit,) = review["coverage"]["units"]
    assert review["complete"] and unit["reviewed_by"] == ["semgrep", "cppcheck", "clang-tidy"], done.stderr
    (note,) = [note for note in unit["notes"] if note.startswith("not reviewed by gcc-warnings")]
    assert "cannot execute" in note and "cc1plus" in note


def test_one_analyzer_alone_through_the_setting(tmp_path: Path):
    shutil.copy(SAMPLES / "defects.c", tmp_path / "defects.c")
    done = run_secreview(
        "review", "defects.c", "--format", "json", cwd=tmp_path, env={"SECREVIEW_C_ANALYZERS": "cppcheck"}
    )
    review = json.loads(done.stdout)
    assert [engine["name"] for engine in review["engines"]] == ["bandit", "semgrep", "cppcheck", "flows"]
    assert {e["engine"] for f in review["findings"] for e in f["evidence"]} == {"cppcheck", "semgrep"}


def test_a_file_that_needs_more_memory_than_the_limit_is_said_unread_and_the_others_are_read(tmp_path: Path):
    # GCC's analyzer models a large initializer that a function reads (about 380 MB for this one, 50 MB to start)
    numbers = ",".join(str(i % 97) for i in range(400_000))
    (tmp_path / "table.c").write_text(f"const int table[] = {{{numbers}}};\nint get(int i) {{ return table[i]; }}\n")
    shutil.copy(SAMPLES / "defects.c", tmp_path / "defects.c")
    settings = {"SECREVIEW_C_ANALYZERS": "gcc-analyzer", "SECREVIEW_ANALYZER_MEMORY_MB": "150"}
    done = run_secreview("review", ".", "--format", "json", "--no-cache", cwd=tmp_path, env=settings)
    review = json.loads(done.stdout)
    units = {unit["path"]: unit for unit in review["coverage"]["units"]}
    assert "gcc-analyzer" in units["defects.c"]["reviewed_by"], done.stderr
    assert "gcc-analyzer" not in units["table.c"]["reviewed_by"]
    assert "not reviewed by gcc-analyzer: needed more than 150 MB of memory" in units["table.c"]["notes"]
    assert any("gcc-analyzer" in {e["engine"] for e in f["evidence"]} for f in review["findings"])


def test_the_cache_key_names_the_tool_version_and_the_check_table():
    keys = [engine.cache_key() for engine in c_analyzers(list(ANALYZERS))]
    assert [key["tool"] for key in keys][:2] == [engine.version() for engine in c_analyzers(["cppcheck", "clang-tidy"])]
    assert len({key["source"] for key in keys}) == len(keys)  # each analyzer's own module is in its key
    # gcc-warnings reads gcc's output with gcc-analyzer's code: a change there must not reuse its cached results
    (warnings_key,) = [key for name, key in zip(ANALYZERS, keys, strict=True) if name == "gcc-warnings"]
    shared = (per_file, cbuild, c_checks, c_text, parts, workspace, cwe)
    assert warnings_key["source"] == source_digest(gcc_warnings, gcc_analyzer, *shared)


def test_a_changed_header_reviews_again_the_files_that_include_it_and_only_those(tmp_path: Path):
    app = tmp_path / "include" / "app"
    app.mkdir(parents=True)
    (app / "limits.h").write_text('#include "sizes.h"\n#define SLOTS SIZE_SMALL\n')
    (app / "sizes.h").write_text("#define SIZE_SMALL 8\n")
    (app / "colors.h").write_text("#define RED 1\n")
    (tmp_path / "src").mkdir()
    main = tmp_path / "src" / "main.c"
    main.write_text(
        '#include "app/limits.h"\n\nint last(void)\n{\n    int slots[SLOTS] = {0};\n    return slots[8];\n}\n'
    )
    log = CallLog(tmp_path / "calls.sqlite")
    (cppcheck,) = c_analyzers(["cppcheck"])
    engine = CachedEngine(cppcheck, log)

    def reported() -> list[int]:
        return [finding.start_line for finding in engine.review([unit_of(main, tmp_path)]).findings]

    try:
        assert reported() == [6]  # slots[8] of 8 slots
        (app / "colors.h").write_text("#define RED 2\n")  # included by nothing: the result is reused
        assert reported() == [6] and log.stats()["static_hits"] == 1
        (app / "sizes.h").write_text("#define SIZE_SMALL 9\n")  # included through limits.h: cppcheck runs again
        assert reported() == [] and log.stats()["static_hits"] == 1
    finally:
        log.close()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_ctrl_c_stops_the_c_analyzers_and_stores_only_finished_results(tmp_path: Path):
    code, cache, report = tmp_path / "code", tmp_path / "cache", tmp_path / "report.json"
    code.mkdir()
    for index in range(60):
        shutil.copy(SAMPLES / "defects.c", code / f"m{index:02}.c")
    first = start(tmp_path, cache, "code", "--engine", "static", "-o", str(report))
    analyzers = {"cppcheck", "clang-tidy", "cc1", "gcc"}

    groups: set[int] = set()

    def analyzer_groups() -> bool:
        """True once an analyzer of this review runs (another review on a shared machine must not count)."""
        table = processes()
        # the review's tools each lead a group of their own; a child in the review's group (git) is in the test's
        groups.update(group for pid, (parent, group, _) in table.items() if parent == first.pid and group == pid)
        for pid, (_, group, _) in table.items():
            try:
                named = Path(f"/proc/{pid}/cmdline").read_bytes()  # analysing a file, not asked for its version
                if group in groups and Path(f"/proc/{pid}/comm").read_text().strip() in analyzers and b".c" in named:
                    return True
            except OSError:
                continue  # it just ended
        return False

    took = interrupt_when(first, analyzer_groups)
    stderr = first.stderr.read() if first.stderr else ""
    assert first.returncode == 3, stderr
    assert took < 10 and "Traceback" not in stderr
    time.sleep(0.5)
    left = [pid for pid, (_, group, state) in processes().items() if group in groups and state not in "ZX"]
    assert left == []  # no analyzer outlives the review
    seen = units(report)
    assert any("interrupted" in unit["skipped_by"].values() for unit in seen.values())
    reviewed = sum(len(unit["reviewed_by"]) for unit in seen.values())
    assert CallLog(cache / "calls.sqlite").stats()["static_results"] == reviewed

    second = start(tmp_path, cache, "code", "--engine", "static", "-o", str(report))
    assert second.wait(timeout=600) in (0, 1), second.stderr.read() if second.stderr else ""
    assert CallLog(cache / "calls.sqlite").stats()["static_hits"] == reviewed
    assert json.loads(report.read_text())["complete"] is True
