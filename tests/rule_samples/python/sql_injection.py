import sqlite3
import sys
import urllib.parse

import pandas as pd
import tornado.web
from django.db import connection
from flask import Flask, request
from myapp.models import Article
from sqlalchemy import text

app = Flask(__name__)
db = sqlite3.connect("app.db")


async def search_titles(request):
    """aiohttp: request.query is the query string's values (request.match_info the path's)"""
    term = request.query.get("q", "")
    cur = db.cursor()
    # ruleid: python-sql-injection
    cur.execute("SELECT id FROM articles WHERE title = '" + term + "'")
    # ok: python-sql-injection
    cur.execute("SELECT id FROM articles WHERE title = ?", (term,))
    return cur.fetchall()


def find_by_name_query(name):
    return "SELECT id, email FROM users WHERE name = '%s'" % name


@app.route("/users")
def list_users():
    name = request.args.get("name", "")
    cur = db.cursor()
    # ruleid: python-sql-injection
    cur.execute("SELECT * FROM users WHERE name = '" + name + "'")
    # ok: python-sql-injection
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return {"users": cur.fetchall()}


@app.route("/orders", methods=["POST"])
def orders():
    status = request.form["status"]
    sort = request.form.get("sort", "id")
    query = f"SELECT * FROM orders WHERE status = '{status}' ORDER BY {sort}"
    cur = db.cursor()
    # ruleid: python-sql-injection
    cur.execute(query)
    limit = int(request.form.get("limit", 10))
    # ok: python-sql-injection
    cur.execute("SELECT * FROM orders LIMIT %d" % limit)
    # ruleid: python-sql-injection
    cur.execute(find_by_name_query(request.form["customer"]))
    action = make_action(db)
    # ok: python-sql-injection (a starred argument list is no statement: an action's execute)
    action.execute(*request.form.getlist("argument"))
    return {"rows": cur.fetchall()}


@app.route("/items/<category>")
def items(category):
    # ruleid: python-sql-injection, python-flow-sql-injection
    rows = db.session.execute(text(f"SELECT * FROM items WHERE category = '{category}'"))
    # ok: python-sql-injection
    rows = db.session.execute(text("SELECT * FROM items WHERE category = :c"), {"c": category})
    return {"items": [dict(r) for r in rows]}


@app.route("/report")
def report():
    year = request.args["year"]
    # ruleid: python-sql-injection
    frame = pd.read_sql("SELECT * FROM sales WHERE year = " + year, db)
    # ok: python-sql-injection
    frame = pd.read_sql("SELECT * FROM sales WHERE year = ?", db, params=(year,))
    return frame.to_html()


def article_search(request):
    term = request.GET.get("q", "")
    # ruleid: python-sql-injection
    results = Article.objects.raw("SELECT * FROM blog_article WHERE title LIKE '%%%s%%'" % term)
    # ok: python-sql-injection
    results = Article.objects.raw("SELECT * FROM blog_article WHERE title LIKE %s", ["%" + term + "%"])
    with connection.cursor() as cursor:
        sql = "UPDATE blog_article SET views = views + 1 WHERE slug = '%s'"
        sql = sql % request.POST["slug"]
        # ruleid: python-sql-injection
        cursor.execute(sql)
    return results


def admin_cli():
    table = sys.argv[1]
    cur = db.cursor()
    # ruleid: python-sql-injection
    cur.executescript("DROP TABLE IF EXISTS " + table)
    # ok: python-sql-injection
    cur.execute("SELECT COUNT(*) FROM audit_log")



def dispatch(command):
    """wagtail's command-line entry point: the command class's execute() takes the program's argument list."""
    # ok: python-sql-injection
    command.execute(sys.argv)
    # ruleid: python-sql-injection
    command.execute(sys.argv[1])


class UserRepository:
    def __init__(self, conn):
        self.conn = conn

    def find_by_email(self, email):
        cur = self.conn.cursor()
        # ruleid: python-sql-injection-function-param, python-flow-sql-injection
        cur.execute("SELECT id, name FROM users WHERE email = '%s'" % email)
        return cur.fetchone()

    def search(self, name, order_by):
        sql = f"SELECT id, name FROM users WHERE name LIKE '%{name}%' ORDER BY {order_by}"
        cur = self.conn.cursor()
        # ruleid: python-sql-injection-function-param, python-flow-sql-injection
        cur.execute(sql)
        return cur.fetchall()

    def find_by_id(self, user_id):
        cur = self.conn.cursor()
        # ok: python-sql-injection-function-param
        cur.execute("SELECT id, name FROM users WHERE id = %s", (user_id,))
        return cur.fetchone()

    def run(self, sql, params=()):
        cur = self.conn.cursor()
        # ok: python-sql-injection-function-param
        cur.execute(sql, params)
        return cur

    def archive(self, table):
        archive = table + "_old"
        cur = self.conn.cursor()
        # ok: python-sql-injection-function-param (both names quoted by the database layer)
        cur.execute("CREATE TABLE %s AS SELECT * FROM %s" % (self.conn.quote(archive), self.quote(table)))
        # ruleid: python-sql-injection-function-param, python-flow-sql-injection
        cur.execute("DROP TABLE %s" % urllib.parse.quote(archive))


class OrdersHandler(tornado.web.RequestHandler):
    def get(self):
        customer = self.get_argument("customer")
        cur = db.cursor()
        # ruleid: python-sql-injection
        cur.execute("SELECT * FROM orders WHERE customer = '%s'" % customer)
        # ok: python-sql-injection
        cur.execute("SELECT * FROM orders WHERE customer = ?", (customer,))


def pyramid_orders(request):
    """Pyramid: the route's placeholders are request.matchdict."""
    customer = request.matchdict["customer"]
    cur = db.cursor()
    # ruleid: python-sql-injection
    cur.execute("SELECT * FROM orders WHERE customer = '" + customer + "'")
    # ok: python-sql-injection
    cur.execute("SELECT * FROM orders WHERE customer = ?", (customer,))


SORTABLE = ("id", "name", "created")


@app.route("/users/sorted")
def sorted_users():
    """A column and a direction checked against allow-lists: replaced by a fixed text, rejected, or used inside the
    check; a check that lets the value through, or puts other input in its place, checks nothing."""
    sort = request.args.get("sort", "id")
    if sort not in SORTABLE:
        sort = "id"
    order = request.args.get("order", "asc").lower()
    if not order in ("asc", "desc"):
        order = "asc"
    # ok: python-sql-injection
    users = db.execute(text("SELECT * FROM users ORDER BY " + sort + " " + order))
    group = request.args.get("group", "")
    if group in SORTABLE:
        # ok: python-sql-injection
        users = db.execute(text("SELECT * FROM users GROUP BY " + group))
    elif group and order in SORTABLE:
        # ruleid: python-sql-injection (the check is of another value)
        users = db.execute(text("SELECT * FROM users GROUP BY " + group))
    elif order and group in SORTABLE:
        # ok: python-sql-injection
        users = db.execute(text("SELECT * FROM users GROUP BY " + group + " " + order))
    else:
        # ruleid: python-sql-injection (the branch where the check failed)
        users = db.execute(text("SELECT * FROM users GROUP BY " + group))
    # ruleid: python-sql-injection
    users = db.execute(text("SELECT * FROM users ORDER BY " + group))
    column = request.args.get("column", "")
    if column not in SORTABLE:
        log_odd_column(column)
    # ruleid: python-sql-injection
    users = db.execute(text("SELECT %s FROM users" % column))
    fallback = request.args.get("fallback", "")
    if fallback not in SORTABLE:
        fallback = request.args.get("other", "id")
    # ruleid: python-sql-injection
    users = db.execute(text("SELECT %s FROM users" % fallback))
    if column not in SORTABLE:
        abort(400)
    # ok: python-sql-injection
    return db.execute(text("SELECT %s FROM users" % column))
