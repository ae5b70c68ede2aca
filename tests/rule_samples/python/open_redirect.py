import http.server
import json
from urllib.parse import urlparse

import tornado.web

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect
from django.utils.encoding import iri_to_uri
from django.shortcuts import redirect as dj_redirect
from django.urls import reverse as dj_reverse
from django.views import View as DjangoView
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "www.example.com"}
ADD_URL = "/records/add"


@app.route("/login", methods=["POST"])
def login():
    next_url = request.args.get("next", "/")
    # ruleid: python-open-redirect
    return redirect(next_url)


@app.route("/logout")
def logout():
    target = request.args.get("return_to")
    if target:
        # ruleid: python-open-redirect
        return redirect("https://" + target)
    # ok: python-open-redirect
    return redirect(url_for("index", msg=request.args.get("msg")))


@app.route("/go")
def go():
    target = request.args.get("url", "")
    host = urlparse(target).netloc
    if host and host not in ALLOWED_HOSTS:
        return redirect(url_for("index"))
    # ok: python-open-redirect
    return redirect(target)


@app.route("/profile/<username>")
def profile_alias(username):
    # ok: python-open-redirect
    return redirect(f"/users/{username}/profile")


@app.route("/simple/<project>/")
def fallback(project):
    # ok: python-open-redirect
    return redirect(f"{app.config['FALLBACK_URL'].rstrip('/')}/{project}/")


@app.route("/mirror/<project>/")
def mirror(project):
    site = request.args.get("mirror", "")
    # ruleid: python-open-redirect
    return redirect(f"{site}/{project}/")


@app.route("/records/new", methods=["POST"])
def new_record():
    record = save_record(request.form)
    # ok: python-open-redirect (the record's own page)
    return redirect(record.get_absolute_url())


@app.route("/records/clone")
def clone_record():
    fields = request.args.get("fields", "")
    # ok: python-open-redirect (the request's data is the query string)
    return redirect(f"{ADD_URL}?{fields}")


@app.route("/moved/<path:rest>")
def moved(rest):
    # ok: python-open-redirect (a configured base, then the path)
    return redirect(settings.NEW_HOME + "/" + rest)


@app.route("/legacy")
def legacy():
    resp = app.make_response("")
    resp.status_code = 302
    # ruleid: python-open-redirect
    resp.headers["Location"] = request.values["to"]
    return resp


def django_login_done(request):
    next_url = request.POST.get("next", "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        # ok: python-open-redirect
        return HttpResponseRedirect(next_url)
    # ruleid: python-open-redirect
    return HttpResponseRedirect(request.GET["fallback"])


def django_switch_language(request):
    # ruleid: python-open-redirect
    return dj_redirect(request.META.get("HTTP_REFERER"))


@app.route("/continue")
def continue_to():
    if "next" in request.args:
        # ruleid: python-open-redirect
        return redirect(request.args["next"])
    dest = request.args.get("dest", "")
    if dest in {"/", "/account", "/billing"}:
        # ok: python-open-redirect
        return redirect(dest)
    return redirect("/")


class NextPage(tornado.web.RequestHandler):
    def get(self):
        # ruleid: python-open-redirect
        self.redirect(self.get_argument("next", "/"))


class MovedPage(tornado.web.RequestHandler):
    def get(self):
        target = "/pages/moved"
        if self.request.query:
            target += "?" + self.request.query
        # ok: python-open-redirect
        self.redirect(target)
        # ok: python-open-redirect
        self.redirect("/pages/moved?" + self.request.query)


class StaticPages(tornado.web.RequestHandler):
    """A folder's URL without its trailing slash is sent to the one with it: any path reaches here."""

    def get(self, path):
        if not self.request.path.endswith("/"):
            # ruleid: python-redirect-to-own-path
            self.redirect(self.request.path + "/", permanent=True)


class CheckedStaticPages(tornado.web.RequestHandler):
    def get(self, path):
        if not self.request.path.endswith("/"):
            if self.request.path.startswith("//"):
                raise tornado.web.HTTPError(403)
            # ok: python-redirect-to-own-path
            self.redirect(self.request.path + "/", permanent=True)


class TrailingSlash(tornado.web.RequestHandler):
    def get(self):
        # ruleid: python-redirect-to-own-path
        self.redirect(self.request.uri.rstrip("/"))


class OneLeadingSlash(tornado.web.RequestHandler):
    def get(self):
        path, *rest = self.request.uri.partition("?")
        # ok: python-redirect-to-own-path
        self.redirect("".join(["/" + path.strip("/"), *rest]))


class Folders(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if not self.path.endswith("/"):
            self.send_response(301)
            # ruleid: python-redirect-to-own-path
            self.send_header("Location", self.path + "/")
            self.end_headers()


def django_saved(request):
    # ok: python-redirect-to-own-path
    return dj_redirect(request.path)


def django_next(request):
    target = request.GET.get("next", "/")
    if target and not url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()}):
        target = "/"
    # ok: python-open-redirect (replaced where the check failed)
    return HttpResponseRedirect(iri_to_uri(target))


def django_next_unchecked(request):
    target = request.GET.get("next", "/")
    if not target:
        target = "/"
    # ruleid: python-open-redirect
    return HttpResponseRedirect(iri_to_uri(target))


def django_jump(request, slug):
    # ruleid: python-open-redirect, python-flow-open-redirect
    return HttpResponseRedirect(slug)


def finish_login(request, login):
    # ruleid: python-flow-open-redirect (a candidate; no view: `login` is an object, no URL keyword argument)
    return HttpResponseRedirect(login.get_redirect_url(request) or "/")


@app.route("/<path:page>")
def add_slash(page):
    # ok: python-redirect-to-own-path
    return redirect("/" + request.path.strip("/") + "/")


@app.route("/signed-in")
def signed_in():
    # ok: python-open-redirect (the project's helper answers a checked target or its fallback)
    return redirect(get_safe_redirect(request.args.get("next", "")))


def back_to_referrer(request, default):
    # ok: python-open-redirect, python-flow-open-redirect (django-oscar's helper: the referrer if safe, else the default)
    return dj_redirect(safe_referrer(request, default))


class LoginHandler(tornado.web.RequestHandler):
    def get(self):
        next_url = self._validate_next_url(self.get_argument("next", ""))
        # ok: python-open-redirect, python-flow-open-redirect (jupyterhub's validator answers "" for a URL off the site)
        self.redirect(next_url or "/home")

    def _validate_next_url(self, next_url):
        return next_url if next_url.startswith("/") and not next_url.startswith("//") else ""


class BaseHandler(tornado.web.RequestHandler):
    """A webapp2 handler's redirect given its fix (a validator of targets that raises unless one is allowed)."""

    def redirect(self, url, **kwargs):
        url = str(url)
        check_redirect_url(url)
        # ok: python-flow-open-redirect
        super().redirect(url, **kwargs)

    def redirect_anywhere(self, url, **kwargs):
        # ruleid: python-flow-open-redirect
        super().redirect(str(url), **kwargs)


@app.route("/continue")
def continue_to():
    target = request.args.get("next", "/")
    check_redirect_url(target)
    # ok: python-open-redirect
    return redirect(target)


@app.route("/signed-out")
def signed_out():
    # ruleid: python-open-redirect (a helper named for something else checks nothing)
    return redirect(get_redirect_target(request.args.get("next", "")))


def get_safe_redirect(url):
    return url if url.startswith("/") and not url.startswith("//") else "/"


class GrantView(DjangoView):
    def redirect(self, target, application):
        return ResponseRedirect(target, application.allowed_schemes())


class AuthorizeView(GrantView):
    def get(self, request):
        target = request.GET["redirect_uri"]
        # ok: python-open-redirect (the view's own redirect, which checks the scheme)
        return self.redirect(target, self.application)


def github_app_setup(request):
    # ruleid: python-flow-open-redirect
    response = _missing_app_access(request, request.GET.get("next", ""))
    return response or dj_redirect(ADD_URL)


def _missing_app_access(request, next_url):
    """A private helper of the module's views, not a view: its callers' values are what its summary follows."""
    if request.user.is_staff:
        return None
    # ok: python-open-redirect, python-flow-open-redirect (the caller's line reports what it gives)
    return HttpResponseRedirect(next_url)


def submit_start(request, event):
    url = dj_reverse("cfp:submit", kwargs={"event": event})
    if request.GET:
        url += f"?{request.GET.urlencode()}"
    # ok: python-open-redirect (the query string after the application's own URL)
    return dj_redirect(url)


def login_redirect(request):
    params = "&" + request.GET.urlencode() if request.GET else ""
    # ok: python-open-redirect (what follows a "?" is the query string)
    return dj_redirect(settings.LOGIN_URL + f"?next={request.GET.get('next', '')}" + params)


def login_redirect_from(request, login_url):
    # ruleid: python-open-redirect
    return dj_redirect(login_url + f"?next={request.GET.get('next', '')}")


def login_redirect_built(request):
    params = f"?next={request.GET.get('next', '')}&{request.GET.urlencode()}"
    # ok: python-open-redirect (a query string alone stays on the page)
    return dj_redirect(dj_reverse("login") + params)


def login_redirect_anywhere(request):
    target = f"{request.GET.get('next', '')}?{request.GET.urlencode()}"
    # ruleid: python-open-redirect
    return dj_redirect(target)


def exit_page(request):
    signer = signing.Signer(salt="safe-redirect")
    try:
        url = signer.unsign(request.GET.get("url", ""))
    except signing.BadSignature:
        return None
    # ok: python-open-redirect (a URL the application signed)
    return HttpResponseRedirect(url)


def resume_setup(request, state):
    payload = signing.loads(state, salt="setup")
    # ok: python-open-redirect, python-flow-open-redirect (what the application signed)
    return HttpResponseRedirect(payload["next"])


def resume_unsigned(request, state):
    payload = json.loads(state)
    # ruleid: python-open-redirect, python-flow-open-redirect
    return HttpResponseRedirect(payload["next"])
