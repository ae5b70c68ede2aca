import urllib.request
from urllib.parse import quote, urlsplit

import httpx
import requests
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}


@app.route("/preview")
def preview():
    url = request.args.get("url", "")
    # ruleid: python-ssrf
    page = requests.get(url, timeout=10)
    return page.text[:500]


@app.route("/proxy", methods=["POST"])
def proxy():
    target = request.form["target"]
    # ruleid: python-ssrf
    with urllib.request.urlopen(target) as response:
        response.read()
    return "fetched"


@app.route("/hook")
def hook():
    # ruleid: python-ssrf
    httpx.post(request.json["callback"], json={"ok": True})
    return "called"


@app.route("/fetch")
async def fetch():
    async with httpx.AsyncClient() as client:
        # ruleid: python-ssrf
        answer = await client.get(request.args["url"])
    session = requests.Session()
    # ruleid: python-ssrf
    session.post(request.args["callback"], data=answer.content)
    cache = {}
    # ok: python-ssrf (a dict's get)
    cache.get(request.args["url"])
    return "fetched"


@app.route("/avatar")
def avatar():
    name = request.args.get("name", "")
    # ok: python-ssrf
    return requests.get("https://avatars.example.com/" + quote(name), timeout=5).content


@app.route("/user-repos")
def user_repos():
    user = request.args.get("user", "")
    # ok: python-ssrf
    return jsonify(requests.get(f"https://api.github.com/users/{user}/repos", timeout=5).json())


@app.route("/mirror")
def mirror():
    name = request.args.get("name", "")
    # ok: python-ssrf (the configured upstream, then the package's path)
    requests.get(f"{app.config['UPSTREAM']}/simple/{name}/", timeout=5).raise_for_status()
    base = request.args.get("base", "")
    # ruleid: python-ssrf
    requests.get(f"{base}/simple/", timeout=5).raise_for_status()
    return "mirrored"


@app.post("/token")
def token(request):
    # ok: python-ssrf (the framework's request object is no parameter from the route)
    requests.post(request.registry.settings["token_endpoint"], timeout=5).raise_for_status()
    return "traded"


@app.route("/image")
def image():
    url = request.args.get("url", "")
    if urlsplit(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: python-ssrf
    requests.get(url, timeout=5)
    return "checked"


@app.route("/status")
def status():
    # ok: python-ssrf
    return requests.get("https://status.example.com/api", timeout=5).text


def is_safe_url(url):
    """The project's own check: a public http(s) address, after resolving the name."""
    return urlsplit(url).scheme in ("http", "https") and not resolves_to_a_private_address(url)


@app.route("/download")
async def download():
    url = request.args.get("url", "")
    if url.startswith("http") and is_safe_url(url):
        async with httpx.AsyncClient() as client:
            # ok: python-ssrf
            await client.get(url)
    other = request.args.get("mirror", "")
    if not is_safe_url(other):
        raise ValueError("URL not allowed for security reasons")
    # ok: python-ssrf
    requests.get(other, timeout=5)
    third = request.args.get("third", "")
    if is_safe_url(url):
        # ruleid: python-ssrf (another URL was checked)
        requests.get(third, timeout=5)
    logged = request.args.get("logged", "")
    if not is_safe_url(logged):
        app.logger.warning("fetching an odd address: %s", logged)
    # ruleid: python-ssrf (the failed check is only logged)
    requests.get(logged, timeout=5)
    return "downloaded"
