import html
import json
import logging

import tornado.web
import webapp2
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from flask import Flask, Response, jsonify, make_response

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


def extract_title(html):
    try:
        return parse_title(html)
    except Exception as error:
        # ok: python-exception-text-in-html-response (a message logged is no page)
        logger.warning(f"Exception when extracting <title> - {error}")
        # ok: python-exception-text-in-html-response
        print("<title> not found: %s" % error)
        # ruleid: python-exception-text-in-html-response
        return f"<title>{error}</title>"


@app.route("/import-json")
def import_file_json():
    try:
        load()
    except Exception as error:
        # ok: python-exception-text-in-html-response
        return jsonify(error=str(error)), 500
    return "imported"


@app.route("/import-dict")
def import_file_dict():
    try:
        load()
    except Exception as error:
        # ok: python-exception-text-in-html-response
        return make_response({"error": str(error)}, 500)
    return "imported"


@app.route("/import-response")
def import_file_response():
    try:
        load()
    except Exception as error:
        response = Response(mimetype="application/json")
        # ok: python-exception-text-in-html-response
        response.set_data(json.dumps({"error": str(error)}))
        return response
    return "imported"


@app.route("/import-page")
def import_file_page():
    try:
        load()
    except Exception as error:
        response = Response()
        # ruleid: python-exception-text-in-html-response
        response.set_data("<p>%s</p>" % error)
        return response
    return "imported"


@app.route("/import-record")
def import_file_record():
    try:
        load()
    except Exception as error:
        page = make_response()
        # ruleid: python-exception-text-in-html-response
        page.set_data("<p>%s</p>" % error)
        record = ImportRecord.query.first()
        # ok: python-exception-text-in-html-response (a model's data, no page)
        record.set_data({"error": str(error)})
        return page
    return "imported"


class ApiHandler(tornado.web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "application/json")
        try:
            load()
        except Exception as error:
            # ok: python-exception-text-in-html-response
            self.finish(json.dumps({"message": str(error)}))


class PageHandler(tornado.web.RequestHandler):
    def get(self):
        try:
            load()
        except Exception as error:
            # ruleid: python-exception-text-in-html-response
            self.finish(json.dumps({"message": str(error)}))


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
