import os

from flask import Flask, request

app = Flask(__name__)
BASE = "/srv/reports"


@app.route("/report")
def report():
    """Return a stored report.

    The name is the report's file name under BASE, as listed on the reports page.
    """
    name = request.args.get("name", "")
    with open(os.path.join(BASE, name)) as handle:
        return handle.read()
