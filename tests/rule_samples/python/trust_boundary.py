from flask import Flask, abort, redirect, request, session
from myapp.models import User
from werkzeug.security import check_password_hash

app = Flask(__name__)
THEMES = {"light", "dark"}


@app.route("/impersonate")
def impersonate():
    # ruleid: python-trust-boundary-session
    session["role"] = request.args.get("role", "user")
    # ok: python-trust-boundary-session
    session["page_size"] = int(request.args.get("page_size", 20))
    return redirect("/")


@app.route("/profile", methods=["POST"])
def save_profile():
    data = request.get_json()
    # ruleid: python-trust-boundary-session
    session["display_name"] = data["display_name"]
    # ok: python-trust-boundary-session
    session["last_action"] = "profile_saved"
    return {"ok": True}


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    user = User.query.filter_by(username=username).first()
    if user is None or not check_password_hash(user.password_hash, request.form["password"]):
        abort(401)
    # ok: python-trust-boundary-session
    session["user_id"] = user.id
    # ok: python-trust-boundary-session
    session["username"] = username
    return redirect("/")


@app.route("/theme")
def theme():
    choice = request.args.get("theme", "light")
    if choice not in THEMES:
        abort(400)
    # ok: python-trust-boundary-session
    session["theme"] = choice
    return redirect("/")


def django_set_cart_owner(request):
    owner = request.POST.get("owner")
    # ruleid: python-trust-boundary-session
    request.session["cart_owner"] = owner
    return redirect("/cart")


@app.route("/prefs", methods=["POST"])
def prefs():
    if "lang" in request.form:
        # ruleid: python-trust-boundary-session
        session["lang"] = request.form["lang"]
    # ruleid: python-trust-boundary-session
    session.update(request.json)
    return {"ok": True}
