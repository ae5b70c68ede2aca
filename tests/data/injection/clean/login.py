from flask import Flask, redirect, request

app = Flask(__name__)

MAINTENANCE = "The site is read-only between 02:00 and 03:00 UTC."


@app.route("/login")
def login():
    target = request.args.get("next", "/")
    return redirect(target)
