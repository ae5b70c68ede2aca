"""What the flow walk knows about calls, matched on the called name (`ast.unparse` of the callee): which are
dangerous sinks for input and how (SINK_RULES), which make a value safe (SANITISERS), which check it (CHECKS,
VALIDATORS), and the other call shapes the walk treats on their own (path joins, formatting, file reads,
command wrappers known by name)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from secreview.sinks import PYTHON_SINKS

CONTENT_TYPES = ("content_type", "mimetype", "media_type")  # a response's keywords that say what its body is
ALL = "*"  # a sanitiser that makes a value safe for every sink (int(), len(), a failed allow-list check exits)


# The application's own URL for a route (Flask's url_for, Django's reverse, Starlette's url_path_for) or a record
# (Django's Model.get_absolute_url() reverses one): whatever follows it in a URL stays on the application's host
OWN_URLS = re.compile(r"(^|\.)(url_for|reverse|reverse_lazy|url_path_for|get_absolute_url)$")
# PyYAML's loaders that build only plain data (yaml.load(text, Loader=yaml.SafeLoader))
SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader")


@dataclass(frozen=True)
class SinkRule:
    """A dangerous use of a sink category: the weakness it causes and the argument that must not carry input."""

    category: str  # a category of secreview.sinks.PYTHON_SINKS
    cwe: int
    what: str  # "runs it as a shell command", for the finding's text
    name: re.Pattern[str]  # the called name (ast.unparse of the callee) this rule is for
    argument: int | None = 0  # the positional argument that matters (None: the receiver, e.g. tar.extractall)
    keywords: tuple[str, ...] = ()  # keyword names of that argument
    needs_shell: bool = False  # subprocess.*: only with shell=True (an argument list runs no shell)
    safe_keywords: tuple[str, ...] = ()  # keywords that make the call safe when given (members=, Loader=Safe...)
    safe_receivers: re.Pattern[str] | None = None  # calls whose result is safe to call it on (zipfile.ZipFile)
    # the sink reads what the value names (an archive's members), not the name: used whole it is still a candidate
    contents: bool = False


def _rule(category: str, cwe: int, what: str, name: str, **options: object) -> SinkRule:
    return SinkRule(category, cwe, what, re.compile(name), **options)  # type: ignore[arg-type]


# Archives whose extraction checks member names itself: zipfile drops '..' and leading slashes, tarsafe (a drop-in
# for tarfile) refuses members that leave the folder or link out of it
SAFE_ARCHIVES = re.compile(r"(^|\.)(ZipFile|TarSafe\.open)$|^tarsafe\.open$")
# HTTP clients whose request methods are their module's functions with the client's settings (client.get(url))
HTTP_CLIENTS = re.compile(r"(^|\.)(httpx\.(Async)?Client|requests\.[Ss]ession|ClientSession)$")

# Which calls of each sink category are dangerous with input, in order (the first rule whose name matches is
# taken). Calls a category matches but no rule names (os.path.join, Path(), render_template) carry input on
# without harm by themselves.
SINK_RULES: tuple[SinkRule, ...] = (
    _rule(
        "SQL execution",
        89,
        "runs it as SQL",
        r"\.(execute|executemany|executescript|raw|extra|mogrify)$",
        keywords=("sql", "query", "operation"),
    ),
    _rule(
        "shell or process execution",
        78,
        "runs it as a shell command",
        r"(^|\.)(system|popen\d?|getoutput|getstatusoutput)$|^commands\.|^pexpect\.(spawn|run)$",
    ),
    _rule(
        "shell or process execution",
        78,
        "runs it as a shell command",
        r"^subprocess\.|(^|\.)(Popen|check_output|check_call|call|run)$",
        needs_shell=True,
        keywords=("args",),
    ),
    _rule("code evaluation", 95, "evaluates it as Python code", r"^(eval|exec)$", keywords=("source",)),
    # js2py runs JavaScript that may import Python modules (pyimport) unless js2py.disable_pyimport() was called
    _rule("code evaluation", 95, "evaluates it as JavaScript, which may import Python modules", r"^js2py\.eval_js6?$"),
    _rule(
        "deserialization",
        502,
        "deserialises it",
        r"(^|\.)yaml\.(load|load_all|unsafe_load|full_load)$",
        safe_keywords=SAFE_YAML_LOADERS,
        # a variable named `yaml` holding ruamel's YAML(typ=...) object: its load() is ruamel's, safe unless made
        # with typ="unsafe" (python-yaml-unsafe-load reports that where it is made)
        safe_receivers=re.compile(r"(^|\.)YAML$"),
    ),
    _rule(
        "deserialization",
        502,
        "deserialises it",
        r"(c?[Pp]ickle|marshal|shelve|dill|jsonpickle|joblib)\.(loads?|Unpickler|open)$|^Unpickler$|torch\.load$",
    ),
    # zipfile's and tarsafe's extraction check member names themselves (SAFE_ARCHIVES): tarfile's is a sink
    _rule(
        "file path",
        22,
        "extracts the archive without checking its members",
        r"\.extractall$",
        argument=None,
        safe_keywords=("members", "filter"),
        safe_receivers=SAFE_ARCHIVES,
        contents=True,
    ),
    # shutil unpacks a tar archive as extractall does (a zip archive's '..' names it skips: see walker._made_safe)
    _rule(
        "file path",
        22,
        "unpacks the archive without checking its members",
        r"^shutil\.unpack_archive$",
        keywords=("filename",),
        safe_keywords=("filter",),
        contents=True,
    ),
    _rule(
        "file path",
        22,
        "uses it as a file path",
        r"(^|\.)(open|send_file|FileResponse)$|^(os\.(remove|unlink|rename|replace|makedirs|mkdir|rmdir|chmod|"
        r"chown|listdir|scandir)|shutil\.\w+|(tarfile|zipfile)\.(open|TarFile|ZipFile))$",
        keywords=("file", "path", "filename", "path_or_file", "name", "filename_or_fp"),
    ),
    _rule(
        "file path",
        22,
        "uses it as the directory to serve files from",
        r"(^|\.)send_from_directory$",
        keywords=("directory",),
    ),
    _rule(
        "redirect",
        601,
        "redirects the user to it",
        r"(^|\.)(redirect|HttpResponseRedirect|RedirectResponse)$",
        keywords=("location", "redirect_to", "url"),
    ),
    _rule(
        "template or markup",
        1336,
        "renders it as a template",
        # an environment's from_string, not a class's of another library (passlib's CryptContext.from_string)
        r"(^|\.)(render_template_string|Template)$|^(?!(.*\.)?[A-Z]\w*\.from_string$).*\.from_string$",
        keywords=("source",),
        # Jinja2's sandbox lets a template call no unsafe method (the fix of llama-cpp-python's CVE-2024-34359)
        safe_receivers=re.compile(r"SandboxedEnvironment$"),
    ),
    _rule(
        "template or markup",
        79,
        "marks it as safe HTML",
        r"(^|\.)(Markup|SafeString|mark_safe|format_html|make_response|HttpResponse)$",
        keywords=("content",),
        safe_keywords=CONTENT_TYPES,  # a content type no browser renders as a page: see walker._made_safe
    ),
    _rule(
        "network request",
        918,
        "sends a request to it",
        r"(^|\.)(urlopen|Request)$|^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$|"
        r"(^|\.)HTTPS?Connection$",
        keywords=("url",),
    ),
    _rule(
        "LDAP or XPath query",
        90,
        "runs it as an LDAP filter",
        r"\.search(_s|_st|_ext|_ext_s)?$",
        argument=2,
        keywords=("filterstr", "search_filter"),
    ),
    _rule("LDAP or XPath query", 643, "evaluates it as an XPath expression", r"\.xpath$", keywords=("_path",)),
)
_SINK_PATTERNS = {category: pattern for _, category, pattern in PYTHON_SINKS}
# What a check that lets a parent folder through (`^[\w./-]+$`) still rules out: every sink's weakness but a path's
NOT_PATHS: frozenset[int | str] = frozenset(rule.cwe for rule in SINK_RULES if rule.category != "file path")
PARENT = "../x"  # a name out of its folder: a pattern that checks a path refuses it

# A database connection, cursor or dialect by its usual names (db, src_db, conn, connection, cursor, preparer)
DATABASE_OBJECT = r"(\w*db|\w*conn(ection)?|cnx|\w*database|\w*cursor|\w*dialect|\w*preparer)"
# What the database layer quotes an identifier or a literal with (Bandit's B608 filter reads it too).
SQL_QUOTERS = re.compile(
    r"(^|\.)(sql\.Identifier|sql\.Literal|\w*quote_(ident|identifier|name|value)|\w*escape\w*_(ident(ifier)?|sql\w*)|escape_string|literal"
    # a database object's (or a database layer's own) quote(): Trac's db.quote(table), SQLAlchemy's preparer.quote()
    rf"|(self|{DATABASE_OBJECT})\.quote)$"
)
# Serialisers whose output is loaded back at once (`pickle.loads(pickle.dumps(obj))`, a deep copy): Bandit's B301
# filter and python-insecure-deserialization-pickle read the same round trip.
# A project's function named for making a redirect target safe (get_safe_redirect(url), safe_next_url(next)) or for
# validating one and answering it (jupyterhub's `next_url = self._validate_next_url(next_url)`, which answers "" for
# a URL off the site): it answers a checked URL or a fallback. python-open-redirect's sanitiser restates it
# (tests/test_rules.py checks).
SAFE_REDIRECTS = re.compile(
    r"(?i)(^|\.)_?((get_)?safe_|(validate|sanitize|sanitise)_)\w*(url|redirect|next|target|location|referr?er)\w*$"
)
SERIALISERS = re.compile(r"^(pickle|_pickle|cPickle|dill|cloudpickle|marshal)\.dumps$")
# A Django model's manager answers records (Language.objects.fuzzy_get(code)), as do a record's related manager
# (project.component_set.get(slug=slug)) and get_object_or_404 by any field: redirect() given one goes to its
# get_absolute_url(), the site's own page. python-open-redirect's sanitisers say the same.
RECORDS = re.compile(r"(^|\.)(objects|\w+_set)\.\w+$|(^|\.)a?get_object_or_404$")
# What passed a signature check was signed by the application (Django's Signer.unsign(), signing.loads()): a URL in it
# is one the application chose. python-open-redirect's sanitisers say the same.
SIGNED = re.compile(r"(^|\.)(unsign|unsign_object)$|^(django\.core\.)?signing\.loads$")
# Calls whose result is safe for the listed weaknesses (ALL: for every one); matched on the called name.
SANITISERS: tuple[tuple[re.Pattern[str], frozenset[int | str]], ...] = (
    (
        re.compile(
            r"^(int|float|bool|len|abs|round|ord|hash|id|isinstance|hasattr|callable|uuid\.UUID|UUID|"
            r"(os\.path\.)?(exists|isfile|isdir|islink|getsize)|type|range)$|\.(hexdigest|digest)$"
        ),
        frozenset({ALL}),
    ),
    # Jinja2's split_template_path() refuses a name with a parent or a separator in a piece
    (re.compile(r"(^|\.)(basename|secure_filename|safe_join|split_template_path)$"), frozenset({22})),
    (re.compile(r"^(io\.)?(BytesIO|StringIO)$"), frozenset({22})),  # a file object over data in memory: not a path
    (re.compile(r"(^|\.)(shlex\.quote|pipes\.quote|quote_plus)$|^shlex\.join$"), frozenset({78, 22, 918})),
    (
        re.compile(r"(?i)(^|\.)\w*(escape|sanitiz|sanitis|bleach\.clean|strip_tags)\w*$"),
        frozenset({79, 1336, 89, 90, 643}),
    ),
    (re.compile(r"(^|\.)html_params$"), frozenset({79})),  # WTForms' attributes, each value escaped
    (SQL_QUOTERS, frozenset({89})),
    (re.compile(rf"(^|\.)(url_has_allowed_host_and_scheme|is_safe_url)$|{OWN_URLS.pattern}"), frozenset({601})),
    (SAFE_REDIRECTS, frozenset({601})),
    (RECORDS, frozenset({601})),
    (SIGNED, frozenset({601})),
    (re.compile(r"^(json\.dumps|json\.loads|ast\.literal_eval)$"), frozenset({95, 78, 89})),
    # bytes a serialiser made here from an object: loading them again is a deep copy, not untrusted data
    (SERIALISERS, frozenset({502})),
)
# Calls named for passing a URL as safe to go to (Django's url_has_allowed_host_and_scheme, Flask's is_safe_url
# snippet): in the branch where `if is_safe_url(target):` passed, the URL is checked for a redirect and a request
URL_CHECKS = re.compile(
    r"(?i)(^|\.)(?!\w*(invalid|unsafe|disallow|untrusted))\w*(safe|allowed|valid|trusted)\w*"
    r"(url|redirect|host|next|target|location)\w*$"
)
URL_WEAKNESSES = frozenset({601, 918})
# Calls in an `if` test that check a value (containment, allow-list, pattern): when the branch for a failed
# check leaves the function, the value is checked afterwards. A project's containment helper by its name too
# (`is_within_directory(path, target)`, the fix of tarfile's CVE-2007-4559 copied into many projects; litellm's
# `_is_within(real, root)`, `_is_inside`, `is_subpath`)
CHECKS = re.compile(
    r"(?i)(^|\.)(startswith|endswith|commonpath|commonprefix|is_relative_to|relative_to|realpath|abspath|samefile|issubset|"
    r"match|fullmatch|search|isalnum|isalpha|isdigit|isdecimal|isnumeric|isidentifier|\w*valid\w*|\w*allowed\w*|"
    r"\w*safe\w*|\w*check\w*|url_has_allowed_host_and_scheme|\w*within\w*|\w*inside\w*|_?is_sub_?path|"
    r"_?is_(child|descendant)\w*)$"
)
# The string's own predicates among CHECKS, which judge the text they are called on (`name.isalnum()`)
STRING_CHECKS = re.compile(r"\.(isalnum|isalpha|isdigit|isdecimal|isnumeric|isidentifier)$")
# Checks that raise when they fail, made in a `try` whose handlers leave (pathlib's relative_to: ValueError)
RAISING_CHECKS = re.compile(r"(^|\.)relative_to$")
# Calls that raise unless a name or path is allowed (validate_filename(name), validateKeyName(data["key"])): made as
# a statement or assigned (`name = validate_file_name(name)`), the value is checked afterwards. Not any validator:
# validate_new_key_data(data) checks a record's shape, not that its name is safe in a path.
VALIDATORS = re.compile(
    r"(?i)(^|\.)_?(validate|verify|ensure_valid|ensure_safe|assert_valid|assert_safe)_?\w*"
    r"(name|path|file|filename|slug|identifier)$"
)
# The same for a redirect target (check_redirect_url(url), raising unless the target is allowed, the fix of a
# webapp2 handler's open redirect): checked from there on for a redirect and a request. python-open-redirect's
# sanitiser restates it (tests/test_rules.py checks).
URL_VALIDATORS = re.compile(
    r"(?i)(^|\.)_?(check|validate|verify|ensure_valid|ensure_safe|assert_valid|assert_safe)_?\w*"
    r"(url|redirect|next|target|location)$"
)
EXITS = re.compile(r"(^|\.)(abort|exit|_exit)$")
# A lookup by an identifier (calibre_db.get_book(book_id), Book.objects.get(pk=pk)) returns the stored record the
# identifier names, not data made from it: `book.path` is what the database holds. The identifier itself, used in a
# path or query, is still followed.
# get_book, Book.find, fetchAll, and the noun first as OpenStack names them (api.nova.server_get, instance_get_by_uuid)
LOOKUPS = re.compile(r"^_?(\w+_)?a?(get|find|fetch|load|lookup|retrieve)([_A-Z]\w*)?$")
IDENTIFIERS = re.compile(r"(?i)(^|[._])(id|ids|uuid|pk)$|[a-z]Id$")
MESSAGES = re.compile(r"(?i)(^|\.)_*log(ger)?\.(debug|info|warning|warn|error|exception|critical|fatal|log)$|^print$")
NORMALISERS = re.compile(r"^(os\.path|posixpath)\.normpath$")  # see walker._normalised_under_root
JOINS = re.compile(r"^((os\.|posix)?path\.join|join|\w*\.joinpath|(pathlib\.)?(Pure|Posix)?Path)$")
# What holds a filesystem path, for `/`: pathlib's join where the left side is a path, a division elsewhere. Calls
# that make or return a Path, and names that say they hold one (BASE_DIR, self.storage_path, MEDIA_ROOT).
PATH_MAKERS = re.compile(
    r"(^|\.)(Pure|Posix|Windows|PurePosix|PureWindows)?Path$|"
    r"\.(cwd|home|resolve|absolute|expanduser|joinpath|with_name|with_suffix|with_stem|relative_to)$"
)
PATH_ANNOTATION = re.compile(r"\b(Pure\w*|Posix|Windows)?Path(Like)?\b")  # Path, pathlib.PurePath, os.PathLike[str]
PATH_NAMES = re.compile(r"(?i)(path|dir|directory|folder|root|home|location)s?$|(^|_)base$|^(parent|parents)$")
READS = re.compile(r"^(io\.|codecs\.)?open$|\.(read|read_text|read_bytes|readlines|readline)$")
FORMATTERS = re.compile(r"\.(format|format_map)$|^format$")
# Project wrappers that no summary covers, recognised by name (`self._run_ssh(cmd)`, `run_cmd(...)`): a
# string built from a parameter and handed to one of them is a candidate for command or SQL injection.
COMMAND_WRAPPER = re.compile(
    r"(?i)^_*(run|exec|execute|cmd|command|shell|ssh|system|popen|spawn|cli)(_|$)|"
    r"(^|_)(run|exec|execute|cmd|command|shell|ssh|system|popen|spawn)$"
)
# Django's format_html(): it escapes what it is given, so its answer holds no markup from outside when its format is
# the code's (a format from outside is its own sink, "template or markup"). Bandit's mark_safe filter reads it too.
FORMATS_HTML = re.compile(r"(^|\.)format_html$")
# Methods that put a value into a container (a list, a dict, a set)
ADDS = frozenset({"append", "extend", "insert", "update", "add"})
# Calls that build a web framework's response object: what they return is not the page's text (its body is judged
# where it is built), so it is safe for XSS wherever it goes then (returned from a view, passed to make_response).
# So is a function named for making one (`storage.as_response(data)`, `json_response(...)`).
RESPONSE_BUILDERS = re.compile(
    r"(^|\.)(\w+_response|Response|HTMLResponse|JSONResponse|HttpResponse|jsonify|render_template|redirect|"
    r"send_file|send_from_directory)$"
)
# A template file's name (a project's base_render_template("popup.html", ...)): what renders it escapes what it is
# given, as render_template does; python-reflected-xss says the same.
TEMPLATE_FILES = re.compile(r"\.(html?|xhtml|xml|jinja2?|j2)$")
# Django's and Flask's renderers of a template file by its name, whatever expression gives the name (wagtail's
# `render_to_string(self.meta.form_template, context)`); render_template_string renders source and is not one
FILE_RENDERERS = re.compile(r"(^|\.)(render_to_string|render_template)$")
# Methods that turn marked-up text back into plain text (Markup(text).unescape()): the mark before them marks nothing
# a page shows; Bandit's filter of its mark_safe/Markup reports reads them too.
PLAIN_TEXT = frozenset({"unescape", "striptags"})
_SQL_VERBS = "select|insert|update|delete|replace|create|drop|alter|with|explain|pragma|truncate|grant|revoke"
SQL_TEXT = re.compile(rf"(?i)^\s*\(?\s*({_SQL_VERBS})\b")
# The methods that build a statement in SQLAlchemy's expression language (select(...).where(...).limit(1)), and a
# project's helper adding a filter to one (ironic's add_identity_filter(query, node_id)): the values given to them
# are bound parameters, not text of the statement
SQL_EXPRESSIONS = re.compile(
    r"(^|\.)(select|insert|update|delete|where|filter|filter_by|limit|offset|values|order_by|group_by|join|outerjoin|"
    r"returning|with_for_update|execution_options|options|params|distinct|select_from|\w+_filters?)$"
)
# SQL's words anywhere in a text (a statement or a part of one: "WHERE name = '%s'")
SQL_WORDS = re.compile(
    rf"(?i)\b({_SQL_VERBS}|where|from|values|set|into|order\s+by|group\s+by|join|limit|union|having)\b"
)

# Sinks whose argument a function commonly takes whole from its caller (a query runner, a command runner, an
# expression evaluator, a file reader): there only a value built from a parameter is a candidate.
# Deserialising, rendering, marking safe, redirecting to or requesting a caller's value is one by itself.
BUILT = frozenset({89, 78, 95, 22, 90, 643})


def sink_rule(callee: str) -> SinkRule | None:
    """The rule for a call of `callee`, if the sink table lists it as a sink and a rule says how it is one."""
    text = f"{callee}("
    for rule in SINK_RULES:
        if rule.name.search(callee) and _SINK_PATTERNS[rule.category].search(text):
            return rule
    return None


def sanitises(callee: str) -> frozenset[int | str]:
    for pattern, weaknesses in SANITISERS:
        if pattern.search(callee):
            return weaknesses
    return frozenset()
