"""The project's own wrappers that flows.py calls: each passes its parameter to a sink, so a call of it with a
caller's value is a candidate at the call. A query or command taken whole is the wrapper's contract (not a
candidate in the wrapper itself); a URL requested is one wherever it comes from."""

import os
import pickle
import sqlite3
import subprocess
from urllib.parse import urlsplit

import js2py
import requests
from flask import request
from markupsafe import Markup


def run_cmd(command):
    # ok: python-flow-command-injection
    return subprocess.run(command, shell=True, check=True, capture_output=True).stdout


def run_query(sql):
    connection = sqlite3.connect("app.db")
    # ok: python-flow-sql-injection
    return connection.execute(sql).fetchall()


def eval_script(script, es6=False):
    """js2py's JavaScript may import Python modules: a caller's script is a candidate where it is passed in."""
    # ok: python-flow-code-injection
    return (js2py.eval_js6 if es6 else js2py.eval_js)(script)


def fetch_page(address):
    # ruleid: python-flow-ssrf
    return requests.get(address, timeout=10).text


def escape_script_text(value):
    """Named for escaping: a sanitiser where it is called (flows.py), the one place its escaping is judged."""
    # ruleid: python-flow-xss
    return Markup(str(value).replace("</", "<\\/"))


def join_under(root, name):
    # ruleid: python-flow-path-traversal
    return os.path.join(root, name)


def findall(folder, name):
    """A project function named like re.findall (as Mailman's template search is like re.search): a call of
    re.findall(...) is still re's."""
    # ruleid: python-flow-path-traversal
    return os.path.join(folder, name)


class RequestForm:
    """A helper that reads the request for its callers: what get_value() returns is request data at every call
    (flows.py), what get_default() returns is not."""

    def __init__(self, request):
        self.request = request

    def get_value(self, name):
        return self.request.form.get(name)

    def get_default(self, name):
        return "none"


def get_redirect_target(name="next"):
    """Flask's snippet: the request's target where it passes the URL check, else none. What it returns is request
    data checked for a redirect (flows.py), not for anything else."""
    target = request.values.get(name)
    if target and is_safe_url(target):
        return target
    return None


def get_any_target(name="next"):
    target = request.values.get(name)
    if not is_safe_url(target):
        return target
    return None


def is_safe_url(target):
    return urlsplit(target).netloc in ("", "example.com")


def remove_tree(directory, keep=None):
    """A function that calls itself passes its own parameter on: its sinks are its contract, judged at its callers."""
    for entry in os.listdir(directory):
        # ok: python-flow-path-traversal
        remove_tree(os.path.join(directory, entry) if keep is None else directory, keep)
    # ok: python-flow-path-traversal
    os.rmdir(directory)


def deep_copy(value):
    """Bytes pickled here from an object and loaded at once: a copy, so no caller's value is deserialised."""
    # ok: python-insecure-deserialization-pickle, python-flow-deserialization
    return pickle.loads(pickle.dumps(value))
