from django.http import JsonResponse
from flask import Flask, make_response, request

app = Flask(__name__)
# Django-style settings module values
# ruleid: python-cookie-missing-secure
CSRF_COOKIE_SECURE = False
# ok: python-cookie-missing-secure, python-cookie-missing-httponly
SESSION_COOKIE_HTTPONLY = True
# ruleid: python-cookie-missing-secure
app.config["SESSION_COOKIE_SECURE"] = False
# ok: python-cookie-missing-secure
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
# ruleid: python-cookie-missing-httponly
app.config.update(SESSION_COOKIE_HTTPONLY=False, PERMANENT_SESSION_LIFETIME=3600)


@app.route("/login", methods=["POST"])
def login():
    token = issue_token(request.form["user"], request.form["password"])
    resp = make_response({"ok": True})
    # ruleid: python-cookie-missing-secure, python-cookie-missing-httponly
    resp.set_cookie("auth_token", token)
    # ok: python-cookie-missing-secure, python-cookie-missing-httponly
    resp.set_cookie("auth_token", token, secure=True, httponly=True, samesite="Lax")
    return resp


@app.route("/remember", methods=["POST"])
def remember():
    resp = make_response("saved")
    # ruleid: python-cookie-missing-secure
    resp.set_cookie("remember_me", request.form["device"], max_age=2592000, secure=False, httponly=True)
    # ruleid: python-cookie-missing-httponly
    resp.set_cookie("session_hint", "1", secure=True)
    # ok: python-cookie-missing-httponly
    resp.set_cookie("csrf_token", new_csrf_token(), secure=True, samesite="Strict")
    return resp


@app.route("/logout")
def logout():
    resp = make_response("bye")
    # ok: python-cookie-missing-secure, python-cookie-missing-httponly
    resp.set_cookie("auth_token", "", expires=0)
    # ok: python-cookie-missing-secure, python-cookie-missing-httponly
    resp.set_cookie("remember_me", request.cookies["remember_me"], expires=0, max_age=0)
    # ruleid: python-cookie-missing-httponly
    resp.set_cookie("session_hint", "0", secure=True, httponly=False)
    # ok: python-cookie-missing-httponly (a double-submit CSRF cookie is read by the page's script)
    resp.set_cookie("csrf_token", new_csrf_token(), secure=True, httponly=False)
    return resp


def django_preferences(request):
    response = JsonResponse({"saved": True})
    # ruleid: python-cookie-missing-secure, python-cookie-missing-httponly
    response.set_signed_cookie("prefs", request.POST["prefs"], salt="prefs", max_age=86400)
    # ok: python-cookie-missing-secure, python-cookie-missing-httponly
    response.set_cookie("sessionid", request.session.session_key, secure=True, httponly=True)
    return response


def issue_token(user, password):
    return "..."


def new_csrf_token():
    return "..."
