"""A deliberately vulnerable Flask service, written for secreview's example review.

Every route here has a defect a reviewer should catch; do not deploy it.
"""

import hashlib
import sqlite3
import subprocess

import yaml
from flask import Flask, redirect, request

app = Flask(__name__)
DB_PASSWORD = "hunter2"


def connect():
    return sqlite3.connect("orders.db")


@app.route("/orders")
def orders():
    customer = request.args.get("customer", "")
    cursor = connect().cursor()
    cursor.execute("SELECT id, total FROM orders WHERE customer = '%s'" % customer)
    return {"orders": cursor.fetchall()}


@app.route("/archive")
def archive():
    name = request.args.get("name", "orders")
    subprocess.run(f"tar czf /tmp/{name}.tgz /srv/orders", shell=True, check=True)
    return "archived"


@app.route("/import", methods=["POST"])
def import_settings():
    settings = yaml.load(request.data, Loader=yaml.Loader)
    return {"keys": sorted(settings)}


@app.route("/login")
def login():
    token = hashlib.md5(request.args.get("password", "").encode()).hexdigest()
    response = redirect(request.args.get("next", "/"))
    response.set_cookie("session", token)
    return response
