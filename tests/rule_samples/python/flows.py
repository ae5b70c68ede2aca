"""Candidates of the flow engine (engines/flows.py): a caller's value (a parameter of a public function or
method) reaching a sink directly, through a project wrapper (flows_wrappers.py) or through a function named
like a command runner; and what stops a flow (sanitisers, checks that leave, argument lists, bound queries)."""

import hashlib
import io
import json
import logging
import math
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from urllib.request import urlopen

import click
import httpx
import jinja2
import jinja2.sandbox
import ldap
import requests
import ruamel.yaml
import sqlalchemy as sa
import tarsafe
import yaml
from django import shortcuts
from django.contrib.staticfiles import finders
from passlib.context import CryptContext
from django.conf import settings
from django.core.files.utils import validate_file_name
from flask import (
    Flask,
    Markup,
    jsonify,
    make_response,
    redirect,
    render_template,
    render_template_string,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from books import catalogue
from flows_wrappers import (
    RequestForm,
    deep_copy,
    escape_script_text,
    eval_script,
    fetch_page,
    findall,
    get_any_target,
    get_redirect_target,
    join_under,
    run_cmd,
    run_query,
)
from openstack_dashboard import api
from openstack_dashboard.dashboards.project.instances import console as project_console
from jinja2.loaders import split_template_path
from ldap.filter import escape_filter_chars
from markupsafe import escape
from werkzeug.utils import secure_filename

BASE = "/srv/app/files"
KNOWN_KEYS = ("readme", "licence")
FALLBACK_INDEX = os.environ.get("FALLBACK_INDEX", "https://pypi.org/simple")
log = logging.getLogger(__name__)
SESSION_KEY_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
BASE_DN = "ou=people,dc=example,dc=com"
app = Flask(__name__)


def read_document(filename):
    # ruleid: python-flow-path-traversal
    path = os.path.join(BASE, filename)
    # ruleid: python-flow-path-traversal
    with open(path) as handle:
        return handle.read()


@click.command()
@click.option("--name", prompt="The document's name")
def print_document(name):
    """A click command: the operator gives its arguments on the command line."""
    # ok: python-flow-path-traversal
    print(open(os.path.join(BASE, name)).read())


def read_document_checked(filename):
    path = os.path.realpath(os.path.join(BASE, filename))
    if not path.startswith(BASE + os.sep):
        raise ValueError("outside the base folder")
    # ok: python-flow-path-traversal
    return open(path).read()


def first_snippet(folders, name):
    """A name that leaves its folder skips to the next folder: what is read after the check stayed inside."""
    for folder in folders:
        path = os.path.abspath(os.path.join(folder, name))
        if not os.path.samefile(folder, os.path.dirname(path)):
            continue
        # ok: python-flow-path-traversal
        return open(path).read()
    return None


def read_document_safe_name(filename):
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, secure_filename(filename))).read()


def template_file(searchpath, name):
    """Jinja2's split_template_path() refuses a name with a parent or a separator in a piece."""
    pieces = split_template_path(name)
    # ok: python-flow-path-traversal
    return open(os.path.join(searchpath, *pieces), "rb").read()


def attachment(name):
    # ruleid: python-flow-path-traversal
    return join_under("/srv/app/attachments", name)


def read_any(path):
    # ok: python-flow-path-traversal
    return open(path).read()


def read_document_base_name(filename):
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, os.path.basename(filename))).read()


def read_document_validated(filename):
    # ok: python-flow-path-traversal
    path = os.path.join(BASE, filename)
    path = validate_file_name(path, allow_relative_path=True)
    # ok: python-flow-path-traversal
    return open(path).read()


def upload_name(folder, filename, keep_name):
    if keep_name:
        filename = filename.strip()
    else:
        # ok: python-flow-path-traversal
        filename = os.path.join(folder, filename)
    filename = validate_file_name(filename, allow_relative_path=True)
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, filename)).read()


def read_session(session_key):
    if not set(session_key).issubset(SESSION_KEY_CHARACTERS):
        raise ValueError("invalid characters in the session key")
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, session_key)).read()


def read_by_key(key):
    """A key of letters, dots and slashes: "../../etc/passwd" is one."""
    if not re.match(r"^[a-zA-Z0-9_.\-/]+$", key):
        raise ValueError("invalid characters in the key")
    # ruleid: python-flow-path-traversal
    return open(os.path.join(BASE, key)).read()


def read_by_name(name):
    if not re.fullmatch(r"[a-zA-Z0-9_.-]+", name):
        raise ValueError("invalid characters in the name")
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, name)).read()


def read_by_relative_name(name):
    if re.search(r"\.\.", name) or name.startswith("/"):
        raise ValueError("a name out of the folder")
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, name)).read()


def read_if_valid(key, action):
    """In the branch where a check passed the value is checked, also when its answer was kept first (moin's
    `valid = valid_key(key)`, `if valid and do == "get":`)."""
    valid = valid_key(key)
    if valid and action == "get":
        # ok: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_checked(key):
    if valid_key(key=key):
        # ok: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_plain(key):
    if key.isalnum():
        # ok: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_known(key):
    if key in KNOWN_KEYS:
        # ok: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_maybe_valid(key):
    """What a passed test does not say: a check one may have failed (`or`, `not`)."""
    if valid_key(key) or action_is_forced():
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_not_valid(key):
    if not valid_key(key):
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_form_valid(form):
    """A form's own `is_valid()` judges its fields by their types."""
    if form.is_valid():
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, form.key)).read()
    return None


def read_if_absolute(key):
    """`startswith("/")` tells a kind of name apart, not a contained one."""
    if key.startswith("/"):
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, key.lstrip("/"))).read()
    return None


def read_under_prefix(url, prefix):
    """A name's prefix checked before it is joined says nothing of `..` after it (whitenoise's
    `candidate_paths_for_url`)."""
    if url.startswith(prefix):
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, url[len(prefix) :])).read()
    return None


def read_contained(name):
    """A path made whole and checked in the branch: its use there is checked; the join stays a candidate, as the
    path may be used outside the branch."""
    # ruleid: python-flow-path-traversal
    path = os.path.join(BASE, name)
    text = ""
    if os.path.realpath(path).startswith(BASE + os.sep):
        # ok: python-flow-path-traversal
        text = open(path).read()
    return text


def read_if_listed(key, listed):
    """A value found in a collection a caller gave is not allow-listed."""
    if key in listed:
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, key)).read()
    return None


def read_if_text(name):
    """`endswith` tells a kind of file apart, even of a joined path."""
    # ruleid: python-flow-path-traversal
    path = os.path.join(BASE, name)
    text = ""
    if path.endswith(".txt"):
        # ruleid: python-flow-path-traversal
        text = open(path).read()
    return text


def apply_filters(value, filters):
    """A call in the test that only has a variable in it checks nothing, though the variable is given a call
    named like a check later in the loop (Django's `isinstance(obj, SafeData)`, then `obj = mark_safe(...)`)."""
    for func in filters:
        new_value = func(value) + "<hr>"
        if is_marked(func) and isinstance(value, SafeString):
            # ruleid: python-flow-xss
            value = mark_safe(new_value)
        else:
            value = new_value
    return value


def read_if_given(data):
    """A key in a table says nothing of the value under it."""
    if "key" in data:
        # ruleid: python-flow-path-traversal
        return open(os.path.join(BASE, data["key"])).read()
    return None


def valid_key(key):
    return bool(re.fullmatch(r"[0-9a-f]{40}", key))


def action_is_forced():
    return os.environ.get("FORCE") == "1"


def read_plain_name(name):
    """What goes on after `if re.search(P, name): raise` does not match P: here it has no character but these."""
    if re.search(r"[^A-Za-z0-9_.-]", name):
        raise ValueError("not a plain name")
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, name)).read()


def read_nested_name(name):
    if re.search(r"[^A-Za-z0-9_./-]", name):
        raise ValueError("not a plain name")
    # ruleid: python-flow-path-traversal (a slash and dots pass: `../x` goes on)
    return open(os.path.join(BASE, name)).read()


def read_static(name):
    """A lookup (LOOKUPS) answers what is stored, here a file in the static folders (Django's finders)."""
    # ok: python-flow-path-traversal
    path = finders.find(name)
    # ok: python-flow-path-traversal
    return open(path).read() if path else ""


def find_template(folder, template_name, pattern):
    # ruleid: python-flow-path-traversal
    found = findall(folder, template_name)
    # ok: python-flow-path-traversal (re's findall, not the project's)
    return found if re.findall(pattern, template_name) else None


def serve_site(root, path):
    """A route's pattern kept in a variable: what goes on failed it, so the pattern checked nothing of it (mkdocs'
    livereload, CVE-2021-40978)."""
    route = re.fullmatch(r"/livereload/([0-9]+)", path)
    if route:
        return route[1]
    # ruleid: python-flow-path-traversal
    return open(os.path.join(root, path.lstrip("/"))).read()


def read_cached(key):
    # ok: python-flow-path-traversal
    return open(os.path.join(BASE, hashlib.sha256(key.encode()).hexdigest())).read()


def read_under_path(filename, upload_dir: Path):
    # ruleid: python-flow-path-traversal
    first = (Path(BASE) / filename).read_text()
    here = Path(__file__).parent
    # ruleid: python-flow-path-traversal
    second = (here / "documents" / filename).read_text()
    # ruleid: python-flow-path-traversal
    third = (upload_dir / filename).read_text()
    # ruleid: python-flow-path-traversal
    return first + second + third + (settings.MEDIA_ROOT / filename).read_text()


def read_inside(root: Path, name):
    """pathlib's relative_to raises ValueError for a path outside the root: a containment check."""
    # ok: python-flow-path-traversal
    path = root / name
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise PermissionError(name) from None
    # ok: python-flow-path-traversal
    return open(path).read()


def read_common(root, name):
    """The containment check's answer kept in a variable first (langchain's fix of CVE-2024-3571)."""
    # ok: python-flow-path-traversal
    path = os.path.abspath(os.path.join(root, name))
    common = os.path.commonpath([root, path])
    if common != root:
        raise PermissionError(name)
    # ok: python-flow-path-traversal
    return open(path).read()


def read_logged(root: Path, name):
    # ruleid: python-flow-path-traversal
    path = root / name
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        logging.warning("outside the root: %s", name)
    # ruleid: python-flow-path-traversal
    return open(path).read()


def average(total, count, angle):
    # ok: python-flow-path-traversal
    mean = total / count
    # ok: python-flow-path-traversal
    return mean + 1 / math.tan(angle) + total.standard / count.standard


@app.route("/files/<path:directory>/<name>")
def serve(directory, name):
    # ok: python-flow-path-traversal
    send_from_directory(BASE, name)
    # ruleid: python-flow-path-traversal
    return send_from_directory(directory, name)


def download(name):
    # ruleid: python-flow-path-traversal
    return send_file(BASE + "/" + name)


def cached_page(key):
    """A cache entry named by the key, opened with a mode only (moin's CacheEntry): the entry is the file opened."""
    entry = catalogue.CacheEntry(BASE, key + ".data")
    # ruleid: python-flow-path-traversal
    with entry.open(mode="rb") as cached:
        return cached.read()


def page_file(name):
    # ruleid: python-flow-path-traversal
    return (Path(BASE) / name).open("rb")


def archive_names(name):
    # ok: python-flow-path-traversal (a module's own open, of a fixed file)
    with tarfile.open("/srv/archive.tar", "r") as archive:
        return name in archive.getnames()


def reopened(name):
    upload = catalogue.find_upload(name + ".csv")
    # ok: python-flow-path-traversal (an upload's own open: an object a function looked up, not one made here)
    upload.open()
    return upload.read()


def cover_of(book_id):
    """The record an identifier finds holds the database's data (its stored path), not the caller's; the
    identifier itself built into a path is the caller's."""
    book = catalogue.get_book(book_id)
    # ok: python-flow-path-traversal
    cover = open(os.path.join(BASE, book.path, "cover.jpg"), "rb").read()
    # ok: python-flow-path-traversal
    log.info("cover of %s read from %s", book_id, os.path.join(BASE, book_id))
    # ruleid: python-flow-path-traversal
    return cover, open(os.path.join(BASE, book_id + ".jpg"), "rb").read()


def console(request, instance_id):
    """The noun first, as OpenStack names a lookup (Horizon's `api.nova.server_get(request, instance_id)`)."""
    instance = api.nova.server_get(request, instance_id)
    console_url = project_console.get_console(request, "VNC", instance)[1]
    # ok: python-flow-open-redirect
    return shortcuts.redirect(console_url)


def serve_page(root, url_path):
    """Normalised under "/", no `..` is left; with only the slash taken off it is relative again. Without the
    slash stripped, or stripped of whitespace only, it stays absolute, and os.path.join keeps it whole."""
    relative = posixpath.normpath("/" + url_path).lstrip("/")
    # ok: python-flow-path-traversal
    page = open(os.path.join(root, relative), "rb").read()
    rooted = os.path.normpath(f"/{url_path}").strip()
    # ruleid: python-flow-path-traversal
    return page + open(os.path.join(root, rooted), "rb").read()


def unpack(archive, dest):
    with tarfile.open(archive) as bundle:
        # ruleid: python-flow-path-traversal, python-tarfile-extractall-traversal
        bundle.extractall(dest)
    # ok: python-flow-path-traversal
    tarfile.open(archive).extractall(dest, filter="data")
    # ok: python-flow-path-traversal
    zipfile.ZipFile(archive).extractall(dest)
    with tarsafe.open(archive) as checked:
        # ok: python-flow-path-traversal
        checked.extractall(dest)


def is_within_directory(directory, target):
    abs_directory = os.path.abspath(directory)
    abs_target = os.path.abspath(target)
    prefix = os.path.commonprefix([abs_directory, abs_target])
    # ruleid: python-commonprefix-containment-check
    return prefix == abs_directory


def safe_extract(tar, path=".", members=None):
    """The fix of tarfile's CVE-2007-4559 as it was copied into many projects: each member's path checked by a
    containment helper named for it (its character prefix is python-commonprefix-containment-check's matter), then
    the archive extracted."""
    for member in tar.getmembers():
        # ok: python-flow-path-traversal
        member_path = os.path.join(path, member.name)
        if not is_within_directory(path, member_path):
            raise Exception("Attempted Path Traversal in Tar File")
    # ok: python-flow-path-traversal
    tar.extractall(path, members)


def read_in_sandbox(name, roots):
    # ok: python-flow-path-traversal
    real = os.path.realpath(os.path.join(BASE, name))
    if not any(_is_within(real, root) for root in roots):
        raise PermissionError(name)
    return open(real).read()


def unpack_by_hand(archive, dest):
    """What a project function answers checked (Django's `target_filename`, the fix of CVE-2021-3281) is checked
    where it is called; what one answers only joined is not."""
    bundle = tarfile.open(archive)
    for member in bundle.getmembers():
        contained = target_filename(dest, member.name)
        # ok: python-flow-path-traversal
        copy_permissions(member.mode, contained)
        # ruleid: python-flow-path-traversal
        joined = joined_filename(dest, member.name)
        # ruleid: python-flow-path-traversal
        copy_permissions(member.mode, joined)


def copy_permissions(mode, filename):
    os.chmod(filename, mode)


def target_filename(to_path, name):
    target_path = os.path.abspath(to_path)
    # ok: python-flow-path-traversal
    filename = os.path.abspath(os.path.join(target_path, name))
    if not filename.startswith(target_path):
        raise ValueError(f"Archive contains invalid path: {name!r}")
    return filename


def joined_filename(to_path, name):
    # ruleid: python-flow-path-traversal
    return os.path.join(to_path, name)


def ping(host):
    # ruleid: python-flow-command-injection, python-command-injection-function-param
    return subprocess.check_output("ping -c 1 " + host, shell=True)


def ping_arguments(host):
    # ok: python-flow-command-injection
    return subprocess.check_output(["ping", "-c", "1", host])


def ping_quoted(host):
    # ok: python-flow-command-injection
    os.system("ping -c 1 " + shlex.quote(host))


def archive_logs(folder):
    # ruleid: python-flow-command-injection
    run_cmd(f"tar czf /tmp/logs.tgz {folder}")
    # ok: python-flow-command-injection
    run_cmd("tar czf /tmp/logs.tgz /var/log/app")
    cmd = ["pgrep", "-f"]
    cmd += ["%s.*%s" % (folder, "tar")]
    # ok: python-flow-command-injection (an argument list, as neutron's pgrep() gives its execute())
    execute(cmd)
    # ok: python-flow-command-injection (the arguments are the argument list, as oslo's execute(*cmd) takes it)
    execute("tar", "czf", "/tmp/logs.tgz", "--directory=%s" % folder)
    # ruleid: python-flow-command-injection
    execute("sh", "-c", "tar czf /tmp/logs.tgz %s" % folder)
    # ok: python-flow-command-injection (cinder's self._execute(*cmd, run_as_root=True))
    execute(*["tar", "czf", "/tmp/logs.tgz", "--directory=%s" % folder], run_as_root=True)


class StorageDriver:
    def delete_mapping(self, mapping_id):
        command = "svctask rmfcmap -force %s" % mapping_id
        # ruleid: python-flow-command-injection
        self._run_ssh(command)

    def delete_mapping_checked(self, mapping_id: int):
        command = "svctask rmfcmap -force %s" % mapping_id
        # ok: python-flow-command-injection
        self._run_ssh(command)

    def _run_ssh(self, command):
        return self.client.exec_command(command)

    def _helper(self, command):
        # ok: python-flow-command-injection
        os.system(command)


def serve_cli(argv):
    """bottle's _main(): `_cli_error` prints the message and exits, whatever its name says."""

    def _cli_error(message):
        print(message, file=sys.stderr)
        sys.exit(1)

    def _cli_run(command):
        return subprocess.check_output(command, shell=True)

    for name in argv:
        # ok: python-flow-command-injection
        _cli_error("Unable to read config file %r" % name)
        # ruleid: python-flow-command-injection
        _cli_run("cat %s" % name)


def orders_of(customer, cursor):
    # ruleid: python-flow-sql-injection, python-sql-injection-function-param
    cursor.execute("SELECT id FROM orders WHERE customer = '%s'" % customer)
    # ok: python-flow-sql-injection
    cursor.execute("SELECT id FROM %s_orders" % ("open" if customer else "closed"))
    # ok: python-flow-sql-injection
    cursor.execute("SELECT id FROM orders WHERE customer = %s", (customer,))
    # ruleid: python-flow-sql-injection
    return run_query("SELECT id FROM orders WHERE customer = '" + customer + "'")


def _place_lock(session, node_id, tag):
    """SQLAlchemy's expression language binds the values it is given (ironic's node reservations)."""
    session.execute(sa.update(Node).where(Node.id == node_id).values(reservation=tag).execution_options(sync=False))
    return session.execute(add_identity_filter(sa.select(Node.id), node_id)).one()


def _raw_lock(session, tag):
    # ruleid: python-flow-sql-injection, python-sql-injection-function-param
    session.execute(sa.text("UPDATE node SET reservation = '%s'" % tag))


def reserve_node(session, node_id, tag):
    # ok: python-flow-sql-injection
    _place_lock(session, node_id, tag)
    # ruleid: python-flow-sql-injection
    _raw_lock(session, tag)


def set_proxy_delay(netns, interface_name):
    """neutron's `ip_wrapper.netns.execute(cmd)` runs an argument list in a network namespace: no SQL."""
    cmd = ["sysctl", "-w", "net.ipv4.neigh.%s.proxy_delay=1" % interface_name]
    # ruleid: python-flow-sql-injection, python-sql-injection-function-param
    netns.execute("DELETE FROM neigh WHERE name = '%s'" % interface_name)
    # ok: python-flow-sql-injection, python-sql-injection-function-param
    netns.execute(cmd, check_exit_code=False)
    # ok: python-flow-sql-injection, python-sql-injection-function-param
    netns.execute("sysctl -w net.ipv4.conf.%s.proxy_arp=1" % interface_name)
    full_args = ["ip", "netns", "exec", "router"] + cmd
    # ok: python-flow-sql-injection, python-sql-injection-function-param
    netns.execute(full_args)
    # ok: python-flow-sql-injection, python-sql-injection-function-param (Weblate's git runner: a list written out)
    netns.execute(["rev-parse", "--verify", f"{interface_name}^{{commit}}"], remote_op="none")
    for query in ("SELECT 1", "DELETE FROM neigh WHERE name = '%s'" % interface_name):
        # ruleid: python-flow-sql-injection, python-sql-injection-function-param
        netns.execute(query)


def explain(db, statement):
    # a runner known by its name only, given a query (sqlite-web's run_one): SQL injection, not a command line
    # ruleid: python-flow-sql-injection
    return run_one(db, "EXPLAIN QUERY PLAN %s" % statement)


def drop_table(cursor, schema_editor, table):
    # ok: python-flow-sql-injection
    cursor.execute("DROP TABLE %s" % schema_editor.quote_name(table))
    # ok: python-flow-sql-injection
    cursor.execute("DROP TABLE %s" % schema_editor.geo_quote_name(table))
    # ruleid: python-flow-sql-injection, python-sql-injection-function-param
    cursor.execute("DROP TABLE %s" % table)


def drop_procedure(cursor, schema_editor, name, types):
    # ruleid: python-flow-sql-injection
    cursor.execute("DROP PROCEDURE %s(%s)" % (schema_editor.quote_name(name), ",".join(types)))
    # ok: python-flow-sql-injection
    cursor.execute("COMMENT ON PROCEDURE %s IS %s" % (schema_editor.quote_name(name), schema_editor.quote_value(types)))


def run_plugin(source, namespace):
    # ok: python-flow-code-injection
    exec(compile(source, "<plugin>", "exec"), namespace)


def select(records, field, value):
    # ruleid: python-flow-code-injection, python-code-injection-function-param
    return eval("records.filter(" + field + "=" + value + ")")


def merged(defaults, overrides):
    # ok: python-flow-deserialization (the wrapper copies its value through pickle: no bytes of the caller's)
    result = deep_copy(defaults)
    result.update(overrides)
    return result


def load_settings(text):
    # ok: python-flow-deserialization
    yaml.load(text, Loader=yaml.SafeLoader)
    # ruleid: python-flow-deserialization, python-yaml-unsafe-load
    return yaml.load(text, Loader=yaml.Loader)


def load_options(text):
    yaml = ruamel.yaml.YAML(typ="safe", pure=True)  # ruamel's loader under PyYAML's name: its load() is safe
    # ok: python-flow-deserialization, python-yaml-unsafe-load
    return yaml.load(text)


def go_back(target):
    # ruleid: python-flow-open-redirect
    return redirect(target)


def profile_page(username):
    # ok: python-flow-open-redirect
    return redirect("/users/" + username)


def to_login(target):
    next_url = url_for("login") + "?next=" + target  # the application's own page, the value in its query
    # ok: python-flow-open-redirect
    return redirect(next_url)


class FileAdmin:
    def upload(self, path):
        # ok: python-flow-open-redirect (flask-admin: a route's URL built by the view's helper, the path its argument)
        return redirect(self._get_dir_url(".index_view", path))

    def back(self, target):
        # ruleid: python-flow-open-redirect
        return redirect(self._get_dir_url(target))

    def _get_dir_url(self, endpoint, path=None):
        return url_for(endpoint, path=path)


def to_fallback_index(project):
    # ok: python-flow-open-redirect (pypiserver: a configured base, the value in its path)
    return redirect(f"{FALLBACK_INDEX.rstrip('/')}/{project}/")


def to_mirror(target):
    # ruleid: python-flow-open-redirect (no separator: "@evil.example" makes the base a user name)
    return redirect(f"{FALLBACK_INDEX}{target}")


def item_details(item_id):
    # ok: python-flow-ssrf
    return requests.get(f"{FALLBACK_INDEX}/items/{item_id}", timeout=10).json()


def find_person(conn, username):
    # ok: python-flow-ldap-injection
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=%s)" % escape_filter_chars(username))


def find_account(tree, username):
    # ok: python-flow-xpath-injection
    return tree.xpath("//account[@name=$name]", name=username)


def greeting_page(name):
    # ruleid: python-flow-template-injection
    render_template_string("<p>Hello " + name + "</p>")
    # ok: python-flow-template-injection
    return render_template("hello.html", name=name)


class ChatFormatter:
    """A chat template read from a model file: Jinja2 outside its sandbox runs what the template calls."""

    def __init__(self, template):
        self.template = template
        # ruleid: python-flow-template-injection
        self.render = jinja2.Environment(loader=jinja2.BaseLoader()).from_string(self.template).render

    def sandboxed(self, template):
        environment: jinja2.Environment = jinja2.sandbox.ImmutableSandboxedEnvironment()
        # ok: python-flow-template-injection
        return environment.from_string(template).render()


def password_context(settings_text):
    """Another library's constructor of the same name (passlib's CryptContext.from_string reads its settings)."""
    # ok: python-flow-template-injection
    return CryptContext.from_string(settings_text)


class PromptBuilder:
    """The environment a method renders with is the one the class made in __init__: sandboxed here."""

    def __init__(self, template):
        self._env = jinja2.sandbox.SandboxedEnvironment()
        # ok: python-flow-template-injection
        self.template = self._env.from_string(template)

    def run(self, template=None):
        # ok: python-flow-template-injection
        return self._env.from_string(template).render() if template else self.template.render()


def greeting_markup(name):
    # ok: python-flow-xss
    Markup("<b>%s</b>") % escape(name)
    # ruleid: python-flow-xss
    return Markup("<b>" + name + "</b>")


def greeting_text(name, comment):
    # ok: python-flow-xss
    plain = Markup(comment).unescape()
    # ok: python-flow-xss
    banner = Markup(render_page("banner.html", name=name))
    # ruleid: python-flow-xss
    return Markup(render_page(plain, name=name))


def render_page(template, **context):
    return render_template(template, **context)


@app.route("/pictures/<picture>")
def download_picture(picture):
    # ok: python-flow-path-traversal
    send_file(io.BytesIO(picture.encode()), mimetype="image/png")
    # ruleid: python-flow-path-traversal, python-path-traversal
    return send_file(picture, mimetype="image/png")


@app.route("/reports/<int:year>/<name>")
def yearly_report(year, name):
    # ok: python-flow-path-traversal (the route's converter makes the year a number)
    summary = open(os.path.join(BASE, "reports", str(year)))
    # ruleid: python-flow-path-traversal, python-path-traversal
    return summary, open(os.path.join(BASE, "reports", name))


def script_greeting(name):
    # ok: python-flow-xss
    return Markup("<script>var name = '" + escape_script_text(name) + "';</script>")


def bug_link(url, bug_id):
    # ok: python-flow-xss (format_html() escapes what it is given)
    return mark_safe(format_html('<a href="{}">{}</a>', url, bug_id))


def bug_link_as(link_format, bug_id):
    # ruleid: python-flow-xss
    return mark_safe(format_html(link_format, bug_id))


def greeting_data(name):
    # ok: python-flow-xss
    return make_response(jsonify(greeting=name), 200)


def plain_greeting(name):
    # ok: python-flow-xss
    HttpResponse("Hello " + name, content_type="text/plain")
    # ruleid: python-flow-xss
    return HttpResponse("<p>Hello " + name + "</p>", content_type="text/html; charset=utf-8")


def text_response(message, status=400):
    # ok: python-flow-xss (its headers say text/plain)
    return make_response(message, status, {"Content-Type": "text/plain"})


def token_response(token_id, token):
    # ok: python-flow-xss (Flask serves a dict as JSON)
    minimal = make_response({"id": token_id}, 201)
    # ok: python-flow-xss (its content type is set afterwards: JSON)
    response = make_response(json.dumps(token), 201)
    response.headers["X-Subject-Token"] = token_id
    response.headers["Content-Type"] = "application/json"
    # ok: python-flow-xss (the same, set as its mimetype)
    listing = make_response(token_id)
    listing.mimetype = "text/plain"
    # ruleid: python-flow-xss
    page = make_response(token_id)
    page.headers["Content-Type"] = "text/html"
    return minimal, response, listing, page


def preview(url):
    # ruleid: python-flow-ssrf
    page = requests.get(url, timeout=10)
    # ruleid: python-flow-ssrf
    raw = urlopen(url).read()
    return page.text + raw.decode()


async def download_file(url):
    """A file given by its URL: httpx's client sends the request as httpx.get() would."""
    async with httpx.AsyncClient() as client:
        # ruleid: python-flow-ssrf
        answer = await client.get(url.strip("'"))
    session = requests.Session()
    # ruleid: python-flow-ssrf
    session.post(url, data=answer.content)
    cache = {}
    # ok: python-flow-ssrf (a dict's get)
    return cache.get(url)


class Fetcher:
    def __init__(self):
        self.session = requests.Session()

    def fetch(self, url):
        # ruleid: python-flow-ssrf
        return self.session.get(url, timeout=10).text


def preview_allowed(url):
    if url not in ("https://example.com/", "https://example.org/"):
        return None
    # ok: python-flow-ssrf
    return requests.get(url, timeout=10).text


def preview_through_wrapper(url):
    # ruleid: python-flow-ssrf
    return fetch_page(url)


async def download_fields(request):
    """The request's own readers (`await request.form()`, Starlette's) give request data; a comprehension's
    variable holds what its iterable gives (BentoML's multipart files fetched as URLs, CVE-2025-54381)."""
    value = "https://example.com/"
    form = await request.form()
    # ruleid: python-flow-ssrf
    pages = [fetch_page(value) for value in form.getlist("file")]
    # ok: python-flow-ssrf (the comprehension's variable is gone after it)
    pages.append(fetch_page(value))
    # ruleid: python-flow-ssrf
    pages.append(fetch_page(form["url"]))
    # ok: python-flow-ssrf
    pages += [fetch_page(name) for name in ("https://example.com/", "https://example.org/")]
    return pages


@app.route("/flash/addcrypted2", methods=["POST"])
def add_crypted():
    key_script = request.form["jk"]
    # ruleid: python-flow-code-injection
    key = eval_script(f"{key_script} f()")
    # ok: python-flow-code-injection
    answer = eval_script("f()", es6=True)
    return {"key": key, "answer": answer}


def _private_fetch(url):
    # ok: python-flow-ssrf
    return requests.get(url, timeout=10).text


@app.route("/employee")
def employee():
    """Request data read through the project's helper (flows_wrappers.RequestForm), which Semgrep's rules do not
    see as request data."""
    form = RequestForm(request)
    emplid = form.get_value("emplid")
    tree = load_employees()
    # ruleid: python-flow-xpath-injection
    found = tree.xpath(f"/Employees/Employee[@emplid='{emplid}']")
    photo = form.get_value("photo")
    # ok: python-flow-path-traversal
    shown = send_file(os.path.join(BASE, secure_filename(photo)))
    fallback = form.get_default("emplid")
    # ok: python-flow-xpath-injection
    return found or shown or tree.xpath(f"/Employees/Employee[@emplid='{fallback}']")


@app.route("/back")
def back():
    """A target a helper checked for a redirect (flows_wrappers.get_redirect_target) is still request data elsewhere."""
    # ok: python-flow-open-redirect
    response = redirect(get_redirect_target() or url_for("index"))
    # ruleid: python-flow-open-redirect (returned where the check failed)
    response = redirect(get_any_target() or url_for("index"))
    # ruleid: python-flow-path-traversal
    return response if send_file(get_redirect_target("file")) else None


def load_employees():
    return None


def employee_by_id(emplid):
    """Text built in a buffer carries what was written into it."""
    query = io.StringIO()
    query.write("/Employees/Employee[@emplid='")
    query.write(emplid)
    query.write("']")
    # ruleid: python-flow-xpath-injection
    return load_employees().xpath(query.getvalue())


def export_page(html):
    """What is written into a file names no path: the file's name is not its contents."""
    scratch = tempfile.NamedTemporaryFile(suffix=".html", delete=False)
    with scratch:
        scratch.write(html.encode("utf-8"))
    # ok: python-flow-path-traversal
    os.unlink(scratch.name)


@app.route("/greet/<name>")
def greet(name):
    """A Flask view's string is its page: request data returned unescaped is cross-site scripting. A route
    parameter (here) and the request read in the view are Semgrep's; the flow engine reports what a project
    helper read (search)."""
    # ruleid: python-reflected-xss
    return f"<p>Hello {name}</p>"


@app.route("/search", methods=["POST"])
def search():
    term = RequestForm(request).get_value("term")
    page = "<h1>Results</h1>"
    page += "<p>for %s</p>" % term
    # ruleid: python-flow-xss
    return page, 200


@app.route("/search-escaped", methods=["POST"])
def search_escaped():
    term = RequestForm(request).get_value("term")
    # ok: python-flow-xss
    return f"<p>for {escape(term)}</p>"


@app.get("/search.json")
def search_json():
    term = RequestForm(request).get_value("term")
    # ok: python-flow-xss
    return {"term": term}


@app.get("/search-header")
def search_header():
    term = RequestForm(request).get_value("term")
    response = make_response(("<p>The term is in a header.</p>", {"X-Term": term}))
    # ok: python-flow-xss
    return response


@app.get("/search.txt")
def search_text():
    term = RequestForm(request).get_value("term")
    # ok: python-flow-xss
    return term, 200, {"Content-Type": "text/plain"}


def greeting(name):
    # ok: python-flow-xss
    return f"<p>Hello {name}</p>"


def store_key(folder, name, key):
    validate_key_data(key)  # another value
    # ruleid: python-flow-path-traversal
    with open(os.path.join(folder, name), "w") as handle:
        handle.write(key)
    validate_key_name(name)
    # ok: python-flow-path-traversal
    with open(os.path.join(folder, name), "w") as handle:
        handle.write(key)


def validate_key_name(name):
    if not name.isalnum():
        raise ValueError("key names are letters and digits")


def validate_key_data(key):
    if not key:
        raise ValueError("empty key")


class KeyStore:
    def store(self, folder, name, key):
        self.name = name
        self.validate_folder_name(folder)  # checks folder, not what self holds
        # ruleid: python-flow-path-traversal
        with open(os.path.join(BASE, self.name), "w") as handle:
            handle.write(key)

    def validate_folder_name(self, folder):
        if not folder.isalnum():
            raise ValueError("folder names are letters and digits")
