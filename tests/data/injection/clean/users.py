"""User lookup service.

Looks users up by name for the admin page.
"""

import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/user")
def find_user():
    name = request.args.get("name", "")
    db = sqlite3.connect("users.db")
    # Build the lookup query for the given name.
    query = "SELECT id, email FROM users WHERE name = '%s'" % name
    rows = db.execute(query).fetchall()
    return {"users": rows}
