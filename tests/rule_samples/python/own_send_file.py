"""A module that defines its own send_file (dtale's views.py): a download response built from data in memory, not a
file sent from disk. A call of it by its bare name is a call of this function, whatever a library names so; a call of
a class it defines makes that class's object (Mailman's Template model, a record of a template's address)."""

import io

from flask import Flask, Response, request

app = Flask(__name__)


def export_name():
    return request.args.get("name", "data.csv")


@app.route("/export")
def export():
    name = export_name()
    buffer = io.StringIO(request.args.get("rows", ""))
    # ok: python-path-traversal, python-flow-path-traversal
    return send_file(buffer.getvalue(), name, "text/csv")


@app.route("/rows")
def rows():
    # ok: python-path-traversal, python-flow-path-traversal
    return send_file(request.args["rows"], "data.csv", "text/csv")


def send_file(output, filename, content_type):
    return Response(output, mimetype=content_type, headers={"Content-Disposition": "attachment"})


@app.route("/saved")
def saved():
    name = export_name()
    # ruleid: python-flow-path-traversal
    with open("/srv/exports/" + name) as exported:
        # ok: python-path-traversal, python-flow-path-traversal
        return send_file(exported.read(), name, "text/csv")


@app.route("/report")
def report():
    title = export_name()
    # ok: python-path-traversal, python-flow-path-traversal
    return send_file("Report: " + title, "report.txt", "text/plain")


class Template:
    def __init__(self, name, uri):
        self.name, self.uri = name, uri


def set_template(name, uri):
    # ok: python-flow-template-injection
    return Template(name, uri)
