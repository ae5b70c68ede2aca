from urllib.parse import urlparse

from django.http import HttpResponseRedirect
from django.shortcuts import redirect as dj_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "www.example.com"}


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
