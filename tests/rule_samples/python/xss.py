import html
import json

import tornado.web
from django.http import HttpResponse, JsonResponse
from django.utils.safestring import mark_safe
from flask import Flask, Response, abort, jsonify, make_response, render_template, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/search")
def search():
    q = request.args.get("q", "")
    if not q:
        # ok: python-reflected-xss
        return render_template("search.html", q=q)
    # ruleid: python-reflected-xss
    return f"<h1>Results for {q}</h1>"


@app.route("/welcome")
def welcome():
    name = request.args.get("name", "guest")
    # ruleid: python-xss-template-string
    page = render_template_string("<h1>Welcome " + name + "</h1>")
    # ok: python-xss-template-string, python-reflected-xss
    page = render_template_string("<h1>Welcome {{ name }}</h1>", name=name)
    return page


@app.route("/motd")
def motd():
    # ruleid: python-xss-template-string
    return render_template_string(f"<marquee>{request.cookies.get('motd', '')}</marquee>")


@app.route("/motd-safe")
def motd_safe():
    # ok: python-xss-template-string
    return render_template_string("<marquee>{{ motd }}</marquee>", motd=request.cookies.get("motd", ""))


@app.route("/hello/<name>")
def hello(name):
    # ok: python-reflected-xss
    return "<p>Hello, " + escape(name) + "</p>"


@app.route("/greet/<name>")
def greet(name):
    # ruleid: python-reflected-xss
    return "<p>Hello, %s</p>" % name


@app.route("/api/echo")
def echo():
    msg = request.args.get("msg", "")
    # ok: python-reflected-xss
    return jsonify(message=msg)


@app.route("/api/echo2")
def echo2():
    msg = request.args.get("msg", "")
    # ok: python-reflected-xss
    return {"message": msg}


@app.route("/api/echo-or-fail")
def echo_or_fail():
    name = request.args.get("name", "")
    if not name.isidentifier():
        # ok: python-reflected-xss (abort raises; Werkzeug escapes the description)
        return abort(400, "Not a name: %s" % name)
    return jsonify(name=name)


@app.route("/api/echo3")
def echo3():
    msg = request.args.get("msg", "")
    reply = dict(message=msg)
    if msg:
        reply["length"] = len(msg)
    # ok: python-reflected-xss (a dict, sent as JSON)
    return reply


@app.route("/api/echo4")
def echo4():
    msg = request.args.get("msg", "")
    reply = {"message": msg}
    if request.args.get("html"):
        # ruleid: python-html-built-from-request-data
        reply = "<p>" + msg + "</p>"
    # ruleid: python-reflected-xss
    return reply


@app.route("/error")
def error():
    reason = request.args.get("reason", "unknown")
    # ruleid: python-reflected-xss
    resp = make_response("<div class='error'>" + reason + "</div>", 400)
    # ok: python-reflected-xss
    plain = Response("error: " + reason, mimetype="text/plain")
    return resp


@app.route("/banner")
def banner():
    text = request.cookies.get("banner", "")
    # ruleid: python-reflected-xss
    banner_html = Markup("<marquee>" + text + "</marquee>")
    # ok: python-reflected-xss
    safe_html = Markup("<marquee>%s</marquee>") % text
    return render_template("index.html", banner=banner_html, safe=safe_html)


def make_json_response(data=None, status=200):
    return Response(json.dumps({"data": data}), status=status, mimetype="application/json")


@app.route("/api/status")
def api_status():
    msg = request.args.get("msg", "")
    # ok: python-reflected-xss (the project's helper answers with JSON)
    return make_json_response(data=msg, status=200)


@app.route("/popup/<title>")
def popup(title):
    if "<" in title:
        # ruleid: python-reflected-xss
        return render_fragment(title, "fragment.html")
    # ok: python-reflected-xss (the project's helper renders a template file, which escapes the title)
    return base_render_template("popup.html", title=title)


@app.route("/book/<book_id>")
def book_sort(book_id):
    book = books.get_book(book_id)
    # ok: python-reflected-xss (a record looked up by its identifier: what is stored, not the reflected value)
    return json.dumps({"sort": book.sort})


@app.route("/books/<int:book_id>")
@app.route("/books/<int:book_id>/<uuid:copy>")
def edit_book(book_id, copy=None):
    # ok: python-reflected-xss (the route's converters make both numbers: no markup in them)
    return render_edit_book(book_id, copy)


@app.route("/books/<int:book_id>/formats/<book_format>")
def book_format(book_id, book_format):
    # ruleid: python-reflected-xss
    return render_edit_book(book_id, book_format)


@app.route("/books/<book_id>/notes")
@app.route("/books/<int:book_id>/notes/<int:page>")
def book_notes(book_id, page=1):
    # ruleid: python-reflected-xss (the first route hands book_id over as text)
    return render_edit_book(book_id, page)


def render_edit_book(book_id, extra):
    return "<h1>%s %s</h1>" % (book_id, extra)


@app.route("/label/<name>")
def label(name):
    # ruleid: python-reflected-xss
    return "<p>" + labels.find_label(name) + "</p>"


@app.route("/api/delete/<name>", methods=["POST"])
def delete_json(name):
    # ok: python-reflected-xss (a response built with a JSON type, judged where it is built)
    return Response(delete_record(name), mimetype="application/json")


@app.route("/api/rename/<name>", methods=["POST"])
def rename(name):
    # ok: python-reflected-xss (Markup(text).unescape() decodes entities into plain text)
    store_title(Markup(request.form["title"]).unescape(), name)
    # ruleid: python-reflected-xss
    return Response(rename_record(name))


def django_comment_preview(request):
    body = request.POST.get("body", "")
    # ruleid: python-reflected-xss
    return HttpResponse("<div class='preview'>" + body + "</div>")


def django_comment_preview_safe(request):
    body = request.POST.get("body", "")
    # ok: python-reflected-xss
    return HttpResponse("<div class='preview'>" + html.escape(body) + "</div>")


def django_legacy_search(request):
    query = request.REQUEST.get("q", "")  # GET and POST merged (Django before 1.9)
    # ruleid: python-reflected-xss
    return HttpResponse("<p>Results for " + query + "</p>")


def django_signature(request):
    sig = request.GET["sig"]
    # ruleid: python-reflected-xss
    context = {"signature": mark_safe(sig)}
    # ok: python-reflected-xss
    return JsonResponse({"signature": sig})


def django_profile(request, username):
    # ruleid: python-reflected-xss, python-flow-xss
    return HttpResponse("<h2>Profile of " + username + "</h2>")


def test_mail_settings(request, address):
    # a view named test_* in a module that does not import pytest: a view like any other
    # ruleid: python-reflected-xss, python-flow-xss
    return HttpResponse("<p>A test mail went to " + address + "</p>")


def django_profile_safe(request, username):
    # ok: python-reflected-xss
    return HttpResponse("<h2>Profile of %s</h2>" % escape(username))


def escape_for_html(text):
    return "".join(c if c.isalnum() or c in " .,-_" else f"&#x{ord(c):x};" for c in text)


@app.route("/echo")
def echo():
    word = request.args.get("word", "")
    # ok: python-reflected-xss
    return f"<p>You said: {escape_for_html(word)}</p>"


@app.route("/echo-raw")
def echo_raw():
    word = request.args.get("word", "")
    # ruleid: python-reflected-xss
    return f"<p>You said: {html.unescape(word)}</p>"


class SearchHandler(tornado.web.RequestHandler):
    """Tornado: the handler's own methods read the request, self.write() sends a string as text/html."""

    def get(self):
        query = self.get_argument("q", "")
        if not query:
            # ok: python-reflected-xss
            self.write({"results": [], "query": query})
            return
        if query.startswith("#"):
            # ok: python-reflected-xss
            self.finish(dict(message=f"No tag {query}"))
            return
        # ok: python-reflected-xss
        self.write("<h1>Results for %s</h1>" % html.escape(query))
        # ruleid: python-reflected-xss
        self.finish("<p>No more results for %s</p>" % query)


@app.route("/uploads/check", methods=["POST"])
def check_upload():
    name = request.values["name"]
    # ok: python-reflected-xss (a lambda's value is no page)
    kinds = list(filter(lambda ext: name.lower().endswith(ext), [".zip", ".tar"]))
    # ruleid: python-reflected-xss
    return "<p>" + ", ".join(kinds) + name + "</p>"


@app.route("/api/tokens", methods=["POST"])
def create_token():
    token = request.form["token"]
    response = jsonify(token=token)
    response.status_code = 201
    response.headers["X-Token"] = token
    # ok: python-reflected-xss (a JSON response: the headers set on it are no page)
    return response


@app.route("/logs/<path:filename>")
def download_log(filename):
    # ok: python-reflected-xss (the project's helper answers with a redirect)
    return redirect_to_downloads(request, "/downloads/logs/" + filename)


@app.route("/export/<name>")
def export(name):
    if name.endswith(".zip"):
        # ok: python-reflected-xss (a zip archive is no page)
        return Response(build_archive(name), mimetype="application/zip")
    # ruleid: python-reflected-xss
    return Response(build_archive(name), mimetype="application/xhtml+xml")


class BundleHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_argument("name")
        self.set_header("Content-Type", "application/zip")
        # ok: python-reflected-xss (declared a zip archive first)
        self.write(bundle(name))


class PreviewHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_argument("name")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        # ruleid: python-reflected-xss
        self.write(bundle(name))


@app.route("/api/validate")
def validate():
    reason = request.args.get("reason", "")
    if reason:
        # ok: python-reflected-xss (its headers say text/plain)
        return make_response("Invalid: " + reason, 400, {"Content-Type": "text/plain"})
    # ruleid: python-reflected-xss
    return make_response("<p>Invalid: " + reason + "</p>", 400, {"Content-Type": "text/html"})


@app.route("/api/validate-token")
def validate_token():
    token = lookup_token(request.headers.get("X-Subject-Token"))
    # ok: python-reflected-xss (its content type is set afterwards: JSON)
    response = make_response(json.dumps(token), 200)
    response.headers["Content-Type"] = "application/json"
    # ok: python-reflected-xss (the same, through the headers' set())
    listing = make_response(token["name"])
    listing.headers.set("Content-Type", "text/plain")
    # ruleid: python-reflected-xss
    page = make_response(token["name"])
    page.headers["Content-Type"] = "text/html; charset=utf-8"
    if token.get("html"):
        return page
    if token.get("plain"):
        return listing
    return response


@app.route("/api/summary/<key>")
def summary(key):
    body, code = summary_for(key, request.args.get("lang", "en"))
    if code != 200:
        # ok: python-reflected-xss (the status is no page, and the body is JSON)
        return jsonify(body), code
    # ruleid: python-reflected-xss
    return "<p>%s</p>" % body, code, {"Cache-Control": "no-store"}
