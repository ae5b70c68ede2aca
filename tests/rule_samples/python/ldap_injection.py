import re

import ldap
from flask import Flask, request
from ldap.filter import escape_filter_chars, filter_format
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars as ldap3_escape

app = Flask(__name__)
BASE_DN = "ou=people,dc=example,dc=com"


@app.route("/directory")
def directory_lookup():
    uid = request.args.get("uid", "")
    # ok: python-ldap-injection
    if not re.search(r"^[a-z0-9._-]+$", uid, re.IGNORECASE):
        return {"error": "invalid uid"}, 400
    conn = ldap.initialize("ldap://ldap.example.com")
    conn.simple_bind_s()
    # ruleid: python-ldap-injection
    entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=" + uid + ")")
    # ok: python-ldap-injection
    entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=%s)" % escape_filter_chars(uid))
    # ok: python-ldap-injection
    entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [uid]))
    return {"count": len(entries)}


@app.route("/groups", methods=["POST"])
def group_members():
    group = request.form["group"]
    ou = request.form["ou"]
    server = Server("ldap.example.com")
    conn = Connection(server, auto_bind=True)
    search_filter = f"(&(objectClass=groupOfNames)(cn={group}))"
    # ruleid: python-ldap-injection
    conn.search(BASE_DN, search_filter, SUBTREE, attributes=["member"])
    # ruleid: python-ldap-injection
    conn.search(search_base="ou=" + ou + ",dc=example,dc=com", search_filter="(objectClass=person)")
    # ok: python-ldap-injection
    conn.search(BASE_DN, "(cn=%s)" % ldap3_escape(group), SUBTREE)
    return {"members": [str(e.member) for e in conn.entries]}


def find_user_dn(conn, username):
    # ruleid: python-ldap-injection-function-param, python-flow-ldap-injection
    results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(&(objectClass=person)(uid=%s))" % username)
    return results[0][0] if results else None


def find_group(conn, group):
    # ok: python-ldap-injection-function-param
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(cn=%s)" % escape_filter_chars(group))


def members_of(conn, group_cn):
    query = "(&(objectClass=groupOfNames)(cn=" + group_cn + "))"
    # ruleid: python-ldap-injection-function-param
    conn.search(BASE_DN, query, SUBTREE)
    # ok: python-ldap-injection-function-param
    conn.search(BASE_DN, "(objectClass=groupOfNames)", SUBTREE)
    return conn.entries
