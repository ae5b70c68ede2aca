"""A folder's containment checked by a common prefix: os.path.commonprefix() works a character at a time
(Starlette's StaticFiles, CVE-2023-29159)."""

import os
import posixpath
import os.path
from pathlib import Path

STATIC = "/srv/static"


def lookup(name):
    full_path = os.path.realpath(os.path.join(STATIC, name))
    # ruleid: python-commonprefix-containment-check
    if os.path.commonprefix([full_path, STATIC]) != STATIC:
        return None
    return full_path


def lookup_kept(name):
    # (the flow engine reads the check kept in a variable as in the test; the rule below says what is weak in it)
    # ok: python-flow-path-traversal
    full_path = os.path.realpath(os.path.join(STATIC, name))
    common = os.path.commonprefix([full_path, STATIC])
    # ruleid: python-commonprefix-containment-check
    if common == STATIC:
        return full_path
    return None


def lookup_by_folder(name):
    full_path = os.path.realpath(os.path.join(STATIC, name))
    # ok: python-commonprefix-containment-check
    if os.path.commonpath([full_path, STATIC]) != STATIC:
        return None
    # ok: python-commonprefix-containment-check
    if not Path(full_path).is_relative_to(STATIC):
        return None
    return full_path


def content_url(tree, path):
    """Lists of path components: commonprefix compares them element by element, folder by folder (Lektor)."""
    content_path = os.path.normpath(tree).split(os.path.sep) + ["content"]
    file_path = os.path.normpath(path).split(os.path.sep)
    prefix = os.path.commonprefix([content_path, file_path])
    # ok: python-commonprefix-containment-check
    if prefix == content_path:
        return "/" + "/".join(file_path[len(content_path) :])
    return None


def shared_folder(paths):
    """The longest common start of several names, shown, not compared: no check."""
    # ok: python-commonprefix-containment-check
    return os.path.dirname(os.path.commonprefix(paths))


def common_ancestor(paths, steplen):
    """wagtail's tree: the common prefix of materialised paths ("00010002"), compared with nothing but the empty text."""
    common = posixpath.commonprefix(paths)
    common = common[: len(common) - len(common) % steplen]
    # ok: python-commonprefix-containment-check
    if common == "":
        raise LookupError("no common ancestor")
    return common


def without_seam(text, seam):
    """How much of a streamed text repeats what was already sent (litellm's continuation check): a length of a
    common start of two strings, no folder's containment."""
    matched = len(os.path.commonprefix((text, seam)))
    # ok: python-commonprefix-containment-check
    if matched == len(text):
        return ""
    # ok: python-commonprefix-containment-check
    return text[matched:] if len(os.path.commonprefix([text, seam])) != len(seam) else text


DOCS = {"intro": "Introduction", "usage": "Usage"}


def read_doc(name):
    try:
        title = DOCS[name]
    except KeyError:
        raise ValueError(name)
    # ok: python-flow-path-traversal (a key of the table: where it is none, the function raised)
    return title, open(os.path.join(STATIC, name)).read()


def read_doc_or_any(name):
    try:
        title = DOCS[name]
    except KeyError:
        title = name
    # ruleid: python-flow-path-traversal
    return title, open(os.path.join(STATIC, name)).read()
