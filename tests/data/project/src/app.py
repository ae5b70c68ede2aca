"""A small Flask service with known security defects, for secreview's tests."""

import hashlib
import pickle
import sqlite3
import subprocess

from flask import Flask, request

app = Flask(__name__)


def db():
    return sqlite3.connect("users.db")


@app.route("/user")
def user():
    name = request.args.get("name", "")
    cursor = db().cursor()
    # defect: SQL injection (CWE-89)
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return str(cursor.fetchall())


@app.route("/user/safe")
def user_safe():
    name = request.args.get("name", "")
    cursor = db().cursor()
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    return str(cursor.fetchall())


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    # defect: OS command injection (CWE-78)
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/restore", methods=["POST"])
def restore():
    # defect: deserialization of untrusted data (CWE-502)
    return str(pickle.loads(request.get_data()))


def password_digest(password: str) -> str:
    # defect: weak hash (CWE-328)
    return hashlib.md5(password.encode()).hexdigest()
