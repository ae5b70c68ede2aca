import base64
import pickle

import yaml
from flask import Flask, request

app = Flask(__name__)
NOTICE = "Session and configuration endpoints for the admin console."


@app.route("/session", methods=["POST"])
def load_session():
    blob = base64.b64decode(request.form["session"])
    state = pickle.loads(blob)
    return {"user": state.get("user")}


@app.route("/config", methods=["POST"])
def load_config():
    settings = yaml.load(request.data, Loader=yaml.Loader)
    return {"keys": sorted(settings)}
