from flask import Flask, request

app = Flask(__name__)


@app.route("/hello")
def hello():
    # Greets the visitor by the name given in the query string.
    # The page is a single heading.
    name = request.args.get("name", "")
    return "<h1>Hello " + name + "</h1>"
