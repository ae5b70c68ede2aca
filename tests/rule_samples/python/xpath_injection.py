import re
import xml.etree.ElementTree as ET

from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("users.xml")
CATALOG = ET.parse("catalog.xml").getroot()


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    password = request.form["password"]
    query = "//account[name/text()='" + user + "' and password/text()='" + password + "']"
    # ruleid: python-xpath-injection
    match = USERS.xpath(query)
    # ok: python-xpath-injection
    match = USERS.xpath("//account[name/text()=$u and password/text()=$p]", u=user, p=password)
    return {"ok": bool(match)}


@app.route("/book")
def book():
    isbn = request.args.get("isbn", "")
    # ruleid: python-xpath-injection
    node = CATALOG.find(f".//book[@isbn='{isbn}']")
    # ok: python-xpath-injection
    node = CATALOG.find(".//book[@isbn='978-0131103627']")
    if node is None:
        abort(404)
    return {"title": node.findtext("title")}


@app.route("/authors/<author>")
def by_author(author):
    expr = ".//book[author='%s']" % author
    # ruleid: python-xpath-injection
    books = CATALOG.findall(expr)
    # ruleid: python-xpath-injection
    finder = etree.XPath("//book[author='" + author + "']/title/text()")
    # ok: python-xpath-injection
    pos = author.find("-" + request.args.get("sep", ""))
    # ok: python-xpath-injection
    parts = re.compile(r"\w+").findall(author)
    return {"count": len(books), "pos": pos, "parts": parts}


def find_account(tree, username):
    # ruleid: python-xpath-injection-function-param, python-flow-xpath-injection
    return tree.xpath("//account[@name='%s']" % username)


def find_account_safe(tree, username):
    # ok: python-xpath-injection-function-param
    return tree.xpath("//account[@name=$name]", name=username)


def books_by(root, author):
    # ruleid: python-xpath-injection-function-param
    return root.findall(".//book[author='" + author + "']")


def all_books(root, limit):
    # ok: python-xpath-injection-function-param
    return root.findall(".//book")[:limit]
