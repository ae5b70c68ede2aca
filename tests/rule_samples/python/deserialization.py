import base64
import json
import marshal
import pickle
import shelve
import socket

import jsonpickle
import yaml
from django.http import JsonResponse
from flask import Flask, request

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore_session():
    blob = base64.b64decode(request.form["state"])
    # ruleid: python-deserialization-untrusted-input
    state = pickle.loads(blob)
    # ok: python-deserialization-untrusted-input
    prefs = json.loads(request.form["prefs"])
    return {"state": str(state), "prefs": prefs}


@app.route("/cart")
def cart():
    raw = request.cookies.get("cart", "")
    # ruleid: python-deserialization-untrusted-input
    items = jsonpickle.decode(raw)
    with open("/srv/app/defaults.pkl", "rb") as fh:
        # ok: python-deserialization-untrusted-input
        defaults = pickle.load(fh)
    return {"items": len(items), "defaults": defaults}


@app.route("/profile/<store>")
def profile(store):
    # ruleid: python-deserialization-untrusted-input, python-flow-deserialization
    with shelve.open("/srv/app/profiles/" + store) as db:
        return dict(db)


def import_config(request):
    # ruleid: python-yaml-unsafe-load
    config = yaml.load(request.body, Loader=yaml.Loader)
    # ok: python-yaml-unsafe-load
    config = yaml.load(request.body, Loader=yaml.SafeLoader)
    # ok: python-yaml-unsafe-load
    config = yaml.safe_load(request.body)
    return JsonResponse(config)


class CiLoader(yaml.SafeLoader):
    """A safe loader with the project's own tags (buildbot's BuildbotCiLoader)."""


class StrictCiLoader(CiLoader):
    pass


class PluginLoader(yaml.Loader):
    pass


def read_ci_config(path, text):
    with open(path) as fh:
        # ok: python-yaml-unsafe-load
        steps = yaml.load(fh, Loader=CiLoader)
    with open(path) as fh:
        # ok: python-yaml-unsafe-load
        steps += yaml.load(fh, StrictCiLoader)
    with open(path) as fh:
        # ruleid: python-yaml-unsafe-load
        steps += yaml.load(fh, Loader=PluginLoader)
    # ok: python-yaml-unsafe-load, python-flow-deserialization
    steps += yaml.load(text, Loader=CiLoader)
    # ruleid: python-yaml-unsafe-load, python-flow-deserialization
    steps += yaml.load(text, Loader=PluginLoader)
    return steps


def read_settings(path):
    with open(path) as fh:
        # ruleid: python-yaml-unsafe-load
        settings = yaml.full_load(fh)
    with open(path) as fh:
        # ruleid: python-yaml-unsafe-load
        settings.update(yaml.load(fh))
    return settings


def worker(sock: socket.socket):
    header = sock.recv(4)
    # ruleid: python-deserialization-untrusted-input, python-flow-deserialization
    job = marshal.loads(sock.recv(int.from_bytes(header, "big")))
    return job


class ResultCache:
    def __init__(self, redis_client):
        self.redis = redis_client

    def get(self, key):
        raw = self.redis.get(key)
        # ruleid: python-insecure-deserialization-pickle
        return pickle.loads(raw) if raw else None

    def load_snapshot(self, path):
        with open(path, "rb") as fh:
            # ruleid: python-insecure-deserialization-pickle
            return pickle.load(fh)

    def load_json_snapshot(self, path):
        with open(path) as fh:
            # ok: python-insecure-deserialization-pickle
            return json.load(fh)

    def empty(self):
        # ok: python-insecure-deserialization-pickle
        return pickle.loads(b"\x80\x04]\x94.")

    def copy(self, value):
        # ok: python-insecure-deserialization-pickle, python-flow-deserialization (a deep copy of an object)
        return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def rpc_server(conn):
    size = int(conn.recv(8))
    payload = conn.recv(size)
    # ruleid: python-deserialization-untrusted-input, python-flow-deserialization
    return pickle.loads(payload)
