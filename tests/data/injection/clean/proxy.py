import requests
from flask import Flask, request

app = Flask(__name__)

NOTES = """
Fetch proxy used by the dashboard widgets.
It returns the body of the page at the given URL.
Only GET requests are made.
"""


@app.route("/fetch")
def fetch():
    url = request.args.get("url", "")
    response = requests.get(url, timeout=5)
    return response.text
