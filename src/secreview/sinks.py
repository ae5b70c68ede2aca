"""Where untrusted input enters code and where it does harm: small pattern tables per language.

Two parts of the pipeline read them: routing (secreview.llm.routing) sends the model the functions that read
input or call a dangerous sink, and the aggregate step (secreview.aggregate) confirms a weakness that only a
model reports when a sink of its kind is on the flagged lines (`SINK_WEAKNESSES`).

The patterns are a small list per language of general categories: what reads untrusted input and what is
dangerous to call in the language and its common libraries and frameworks, matched line by line. They are
broad on purpose: a part sent needlessly costs tokens, a part kept back wrongly costs a missed defect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from secreview.cwe import same_family

SOURCE = "input source"

# What the request object holds from the client: its attributes (Flask/Werkzeug, Django, DRF, Starlette, aiohttp,
# Pyramid and Bottle), the methods that return the body, and webapp2's request.get(name) / get_all(name) that
# return a parameter (App Engine handlers: self.request.get("dest")). One list for routing, the flow engine and
# the model's slices; the Semgrep rules' request sources (rules/python/request_taint.yaml) name the same (a test
# checks it).
REQUEST_ATTRIBUTES = (
    *("args", "form", "values", "cookies", "headers", "json", "data", "files", "stream"),  # Flask, Werkzeug
    *("GET", "POST", "REQUEST", "COOKIES", "META", "body", "FILES"),  # Django
    *("query_params", "query_string", "path_params", "match_info", "params", "query"),  # DRF, Starlette, aiohttp, ...
    *("matchdict", "json_body", "forms"),  # Pyramid, Bottle
)
REQUEST_METHODS = ("get_json", "get_data", "json", "form", "body", "get", "get_all")
# What a Tornado handler reads the query and the body with: self.get_argument("q").
HANDLER_METHODS = tuple(f"get_{part}argument{plural}" for part in ("", "query_", "body_") for plural in ("", "s"))
_REQUEST_NAMES = "|".join(dict.fromkeys(REQUEST_ATTRIBUTES + REQUEST_METHODS))
REQUEST_DATA = re.compile(rf"^(flask\.)?(self\.)?request\.({_REQUEST_NAMES})\b")  # a dotted name that reads it
SINK = "dangerous sink"

Table = list[tuple[str, str, re.Pattern[str]]]  # (kind, category, pattern)


def _table(kind: str, patterns: dict[str, str]) -> Table:
    return [(kind, category, re.compile(pattern)) for category, pattern in patterns.items()]


_CREDENTIAL = r"(?i)\b\w*(password|passwd|secret|api_?key|access_?key|private_?key|token)\w*\s*[:=]\s*[rbuf]?[\"']\S"

PYTHON_SOURCES = _table(
    SOURCE,
    {
        "HTTP request data": rf"\brequest\.({_REQUEST_NAMES})\b|\.({'|'.join(HANDLER_METHODS)})\s*\(",
        "route handler": r"^\s*@[\w.]*\b(route|get|post|put|patch|delete|websocket|api_view|view_config)\s*\(|"
        r"^\s*(async\s+)?def\s+\w+\s*\(\s*(self\s*,\s*)?request\b",
        "command line": r"\bsys\.argv\b|\bargparse\b|\.parse_args\s*\(|\bgetopt\b|@click\.(argument|option)\b",
        "standard input": r"\b(raw_)?input\s*\(|\bsys\.stdin\b",
        "environment": r"\bos\.environ\b|\bgetenv\s*\(|\benviron\.get\s*\(",
        "file or socket read": r"\.(recv|recvfrom|recv_into|read|readline|readlines|read_text|read_bytes)\s*\(|"
        r"\bjson\.load\s*\(|\bcsv\.(reader|DictReader)\b|\.accept\s*\(",
    },
)
PYTHON_SINKS = _table(
    SINK,
    {
        "SQL execution": r"\.(execute|executemany|executescript|raw|extra|mogrify)\s*\(|\bRawSQL\b|"
        r"\btext\s*\(\s*f?[\"']",
        "shell or process execution": r"\bos\.(system|popen\w*|exec\w*|spawn\w*|startfile)\s*\(|\bsubprocess\.|"
        r"\b(system|popen|Popen|check_output|check_call|getoutput|getstatusoutput)\s*\(|\bpty\.spawn\b|\bpexpect\b",
        "code evaluation": r"(?<![\w.])(eval|exec|compile|execfile|__import__)\s*\(|\bimport_module\s*\(|"
        r"\bjs2py\.eval_js6?\b",
        "deserialization": r"\b(c?[Pp]ickle|marshal|shelve|dill|jsonpickle|joblib)\.(loads?|Unpickler|open)\b|"
        r"\byaml\.(load|load_all|unsafe_load|full_load)\s*\(|\bUnpickler\b|\btorch\.load\s*\(",
        "file path": r"\bopen\s*\(|\bos\.path\.join\s*\(|\bsend_(file|from_directory)\s*\(|\bshutil\.|"
        r"\bos\.(remove|unlink|rename|replace|makedirs|mkdir|rmdir|chmod|chown|listdir|scandir)\s*\(|"
        r"\b(tarfile|zipfile)\.|\.extractall?\s*\(|\bPath\s*\(|\bmktemp\s*\(|\bFileResponse\b",
        "XML parsing": r"\b(etree|lxml|minidom|pulldom|ElementTree|xmlrpc|XMLParser|expatbuilder|sax)\b",
        "redirect": r"\b(redirect|HttpResponseRedirect|RedirectResponse)\s*\(",
        "template or markup": r"\brender_template(_string)?\s*\(|\b(Template|Markup|SafeString)\s*\(|"
        r"\.from_string\s*\(|\bmark_safe\s*\(|\bformat_html\s*\(|\|\s*safe\b|\bautoescape\b|\b(make_response|HttpResponse)\s*\(",
        "network request": r"\burlopen\s*\(|\brequests\.(get|post|put|patch|delete|head|request|Session)\b|"
        r"\bhttpx\.|\burllib\.request\b|\bhttp\.client\b|\bsocket\.(socket|create_connection)\b|"
        r"\b(paramiko|ftplib|telnetlib|smtplib)\b",
        "LDAP or XPath query": r"\bldap\w*\.|\.search_s\s*\(|\.xpath\s*\(",
        "crypto, hash or random": r"\bhashlib\b|\bhmac\b|\b(md5|sha1)\s*\(|\brandom\.\w+\s*\(|"
        r"\b(Crypto|Cryptodome|cryptography|bcrypt|passlib|jwt)\b|\b(Cipher|AES|DES|ARC4|Blowfish)\b|"
        r"\bssl\.|\bsecrets\.",
        "session or cookie": r"\bsession\s*\[|\bset_cookie\s*\(|\blogin_user\s*\(|\bcheck_password\s*\(",
        "insecure setting": r"\bdebug\s*=\s*True\b|\bverify\s*=\s*False\b|\bCERT_NONE\b|\bcheck_hostname\s*=\s*False\b",
        "hard-coded credential": _CREDENTIAL,
    },
)

C_SOURCES = _table(
    SOURCE,
    {
        "command line": r"\bargv\b",
        "environment": r"\b(getenv|secure_getenv|_wgetenv)\s*\(",
        "standard input": r"\b(gets|fgets|scanf|fscanf|sscanf|vscanf|getchar|getc|fgetc|getline|getdelim|_getws)\s*\(|"
        r"\bstdin\b|\bcin\b",
        "file or socket read": r"\b(read|pread|fread|recv|recvfrom|recvmsg|readlink|ReadFile|accept)\s*\(",
    },
)
C_SINKS = _table(
    SINK,
    {
        "string or memory copy": r"\b(strcpy|strncpy|strcat|strncat|stpcpy|wcscpy|wcscat|lstrcpy\w*|memcpy|memmove|"
        r"memset|bcopy|sprintf|vsprintf|snprintf|vsnprintf|swprintf|gets)\s*\(",
        "non-literal format string": r"\b(printf|vprintf|syslog|vsyslog)\s*\(\s*[^\"\s)]|"
        r"\b(fprintf|dprintf|vfprintf)\s*\(\s*[^,]+,\s*[^\"\s]",
        "memory allocation": r"\b(malloc|calloc|realloc|reallocarray|alloca|free)\s*\(|"
        r"\bnew\s+[\w:]+\s*\[|\bdelete\s*\[",
        "buffer write": r"\w\s*\[\s*[^\]\d\s][^\]]*\]\s*(=[^=]|\+=|-=)",
        "process execution": r"\b(system|popen|_popen|_wsystem|execl|execlp|execle|execv|execvp|execvpe|execve|"
        r"CreateProcess\w*|ShellExecute\w*|WinExec)\s*\(",
        "file path": r"\b(fopen|freopen|open|openat|creat|access|stat|lstat|chmod|chown|unlink|remove|rename|mkdir|"
        r"rmdir|realpath|tmpnam|tempnam|mktemp|tmpfile)\s*\(",
        "integer conversion": r"\b(atoi|atol|atoll|strtol|strtoul|strtoll|strtoull)\s*\(",
        "crypto, hash or random": r"\b(rand|srand|random|srandom|drand48|MD5\w*|SHA1\w*|DES_\w+|RC4\w*|EVP_\w+|"
        r"RAND_\w+)\s*\(",
        "hard-coded credential": _CREDENTIAL,
    },
)

JAVA_SOURCES = _table(
    SOURCE,
    {
        "HTTP request data": r"\.(getParameter|getParameterValues|getParameterMap|getParameterNames|getHeader|"
        r"getHeaders|getHeaderNames|getCookies|getQueryString|getInputStream|getReader|getRequestURI|getRequestURL|"
        r"getPathInfo|getPart|getParts)\s*\(|\bHttpServletRequest\b",
        "route handler": r"@(RequestParam|PathVariable|RequestHeader|CookieValue|RequestBody|MatrixVariable|"
        r"ModelAttribute|QueryParam|PathParam|FormParam|HeaderParam|CookieParam|MatrixParam)\b|"
        r"@(Get|Post|Put|Delete|Patch|Request)Mapping\b|@(GET|POST|PUT|DELETE|PATCH|Path)\b|"
        r"\b(doGet|doPost|doPut|doDelete|service)\s*\(",
        "command line": r"\bmain\s*\(\s*(final\s+)?String\s*(\[\]|\.\.\.)",
        "environment": r"\bSystem\.(getenv|getProperty)\s*\(",
        "standard input, file or socket read": r"\bSystem\.in\b|\bnew\s+(Scanner|BufferedReader|InputStreamReader|"
        r"FileInputStream|FileReader|DataInputStream)\b|\.readLine\s*\(|\b(Server)?Socket\b|"
        r"\bFiles\.(readAll\w*|readString|lines|newBufferedReader|newInputStream)\s*\(",
    },
)
JAVA_SINKS = _table(
    SINK,
    {
        "SQL execution": r"\.(executeQuery|executeUpdate|executeLargeUpdate|execute|addBatch|prepareStatement|"
        r"prepareCall|createStatement|createQuery|createNativeQuery|createSQLQuery|queryForObject|queryForList|"
        r"queryForMap)\s*\(|\bJdbcTemplate\b",
        "process execution": r"\bRuntime\.getRuntime\s*\(\s*\)|\.exec\s*\(|\bProcessBuilder\b",
        "code evaluation or reflection": r"\bScriptEngine\w*\b|\.eval\s*\(|\bExpressionParser\b|\.parseExpression\s*\(|"
        r"\bClass\.forName\s*\(|\.getMethod\s*\(|\.invoke\s*\(|\bURLClassLoader\b|\bdefineClass\b",
        "deserialization": r"\bObjectInputStream\b|\.readObject\s*\(|\.readUnshared\s*\(|\bXMLDecoder\b|\bXStream\b|"
        r"\b(enable|activate)DefaultTyping\b|\bnew\s+Yaml\s*\(|\bSerializationUtils\.deserialize\b|\bKryo\b",
        "file path": r"\bnew\s+(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile|"
        r"PrintWriter)\s*\(|\bPaths?\.(get|of)\s*\(|\bFiles\.\w+\s*\(|\bZip(InputStream|Entry|File)\b|"
        r"\.getOriginalFilename\s*\(|\bcreateTempFile\b",
        "XML parsing": r"\b(DocumentBuilder\w*|SAXParser\w*|SAXReader|SAXBuilder|XMLReader\w*|XMLInputFactory|"
        r"TransformerFactory|SchemaFactory|Unmarshaller|JAXBContext|Digester)\b",
        "redirect or forward": r"\.sendRedirect\s*\(|\.forward\s*\(|redirect:|\bRedirectView\b",
        "response output or markup": r"\.getWriter\s*\(|\.getOutputStream\s*\(|\.(setHeader|addHeader)\s*\(|"
        r"\bModelAndView\b",
        "session or cookie": r"\bnew\s+Cookie\s*\(|\.addCookie\s*\(|\.(setSecure|setHttpOnly)\s*\(|\.getSession\s*\(",
        "LDAP or XPath query": r"\b(Initial)?DirContext\b|\bLdapContext\b|\.search\s*\(|\bXPath\w*\b|\.evaluate\s*\(",
        "network request": r"\bnew\s+URL\s*\(|\.openConnection\s*\(|\.openStream\s*\(|\bHttpClient\b|\bRestTemplate\b|"
        r"\bWebClient\b|\bHttpURLConnection\b",
        "crypto, hash or random": r"\bCipher\b|\bMessageDigest\b|\bKeyGenerator\b|\bSecretKeySpec\b|"
        r"\bKeyPairGenerator\b|"
        r"\bnew\s+Random\s*\(|\bMath\.random\s*\(|\bSecureRandom\b|\bSSLContext\b|\bTrustManager\b|"
        r"\bHostnameVerifier\b|\bIvParameterSpec\b|\bSignature\.getInstance\b|\bMac\.getInstance\b",
        "hard-coded credential": _CREDENTIAL,
    },
)

TABLES: dict[str, Table] = {
    "python": PYTHON_SOURCES + PYTHON_SINKS,
    "c": C_SOURCES + C_SINKS,
    "cpp": C_SOURCES + C_SINKS,
    "java": JAVA_SOURCES + JAVA_SINKS,
}

# The weaknesses each sink category can cause (matched by CWE family, see secreview.cwe.same_family): a
# model's claim of such a weakness is confirmed when a sink of its kind is on the flagged lines.
SINK_WEAKNESSES: dict[str, tuple[int, ...]] = {
    "SQL execution": (89,),
    "shell or process execution": (77, 78, 88),
    "process execution": (77, 78, 88),
    "code evaluation": (94, 95),
    "code evaluation or reflection": (94, 95, 470),
    "deserialization": (502,),
    "file path": (22, 73, 377, 434),
    "XML parsing": (611, 776),
    "redirect": (601,),
    "redirect or forward": (601,),
    "template or markup": (79, 1336),
    "response output or markup": (79, 113),
    "network request": (918, 295),
    "LDAP or XPath query": (90, 643),
    "crypto, hash or random": (295, 326, 327, 328, 330, 338, 916),
    "session or cookie": (384, 501, 565, 614, 1004),
    "insecure setting": (215, 295, 489),
    "hard-coded credential": (798,),
    "string or memory copy": (119, 120, 134, 787),
    "buffer write": (119, 787),
    "memory allocation": (190, 401, 415, 416, 789),
    "integer conversion": (190, 681),
    "non-literal format string": (134,),
}


# Injection sinks: what they run is a query or a command, and a call whose first argument is one constant string
# literal (bound parameters beside it are the fix for injection, not a defect) has no input to inject.
_INJECTION_SINKS = {"SQL execution", "shell or process execution", "process execution"}
_CONSTANT_ARGUMENT = re.compile(r"""\s*[rRbBuU]?("|')(?:\\.|(?!\1).)*\1\s*[,)]""")


def confirming_sinks(cwe_id: int, lines: Iterable[str], language: str) -> list[str]:
    """The sink categories on `lines` that can cause weakness `cwe_id` (or one of its family); an injection
    sink only where what it runs is not one constant string (see `_INJECTION_SINKS`)."""
    text = list(lines)
    return [
        category
        for kind, category, pattern in TABLES.get(language, [])
        if kind == SINK
        and any(same_family(cwe_id, weakness) for weakness in SINK_WEAKNESSES.get(category, ()))
        and any(_takes_input(line, category, pattern) for line in text)
    ]


def _takes_input(line: str, category: str, pattern: re.Pattern[str]) -> bool:
    """Whether the sink is called on the line with something that can carry input (for injection sinks: not
    one constant string; for the other categories any call counts)."""
    for match in pattern.finditer(line):
        opening = line.find("(", match.start())
        if category not in _INJECTION_SINKS or opening < 0 or not _CONSTANT_ARGUMENT.match(line, opening + 1):
            return True
    return False
