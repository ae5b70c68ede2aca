import html
import logging

import webapp2
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from flask import Flask, jsonify

app = Flask(__name__)
log = logging.getLogger(__name__)


def quantity(request):
    try:
        amount = int(request.GET["amount"])
    except ValueError as error:
        # ruleid: python-exception-text-in-html-response
        return HttpResponseBadRequest(str(error))
    return HttpResponse("ordered %d" % amount)


def quantity_escaped(request):
    try:
        amount = int(request.GET["amount"])
    except ValueError as error:
        # ok: python-exception-text-in-html-response
        return HttpResponseBadRequest(html.escape(str(error)))
    return HttpResponse("ordered %d" % amount)


def quantity_json(request):
    try:
        amount = int(request.GET["amount"])
    except (KeyError, ValueError) as error:
        # ok: python-exception-text-in-html-response
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"ordered": amount})


def quantity_plain(request):
    try:
        amount = int(request.GET["amount"])
    except ValueError as error:
        # ok: python-exception-text-in-html-response
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    return HttpResponse("ordered %d" % amount)


@app.route("/import")
def import_file():
    try:
        load()
    except Exception as error:
        # ruleid: python-exception-text-in-html-response
        return f"<p>Import failed: {error}</p>", 500
    return "imported"


@app.route("/import-quiet")
def import_file_quietly():
    try:
        load()
    except Exception:
        log.exception("import failed")
        # ok: python-exception-text-in-html-response
        return "<p>Import failed</p>", 500
    return "imported"


@app.route("/import-json")
def import_file_json():
    try:
        load()
    except Exception as error:
        # ok: python-exception-text-in-html-response
        return jsonify(error=str(error)), 500
    return "imported"


class BuildHandler(webapp2.RequestHandler):
    def get(self, build_id):
        try:
            build_id = int(build_id)
        except ValueError as ex:
            # ruleid: python-exception-text-in-html-response
            self.response.write(ex.message)
            self.abort(400)
        # ok: python-exception-text-in-html-response
        self.response.write("build %d" % build_id)


def load():
    raise NotImplementedError
