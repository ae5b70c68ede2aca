import ast
import sys

import jinja2
import js2py
from django.http import HttpResponse
from django.template import Context, Template
from flask import Flask, request
from jinja2 import Environment

from myapp.mail import send_mail

app = Flask(__name__)
jinja_env = Environment(autoescape=True)


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "1+1")
    # ruleid: python-code-injection
    result = eval(expr)
    # ok: python-code-injection
    numbers = ast.literal_eval(request.args.get("numbers", "[]"))
    return {"result": result, "sum": sum(numbers)}


@app.route("/hooks", methods=["POST"])
def run_hook():
    body = request.get_json()
    snippet = "def hook(ctx):\n    " + body["code"]
    # ruleid: python-code-injection
    exec(snippet, {"__builtins__": {}})
    # ok: python-code-injection
    exec("def hook(ctx):\n    return ctx", {})
    return "ok"


@app.route("/unlock", methods=["POST"])
def unlock():
    key_script = request.form["jk"]
    # ruleid: python-code-injection
    key = js2py.eval_js(key_script + " f()")
    # ok: python-code-injection
    answer = js2py.eval_js("(function f() { return 42; })()")
    return {"key": key, "answer": answer}


def plugin_loader():
    # ruleid: python-code-injection
    code = compile(sys.argv[1], "<plugin>", "exec")
    # ok: python-code-injection
    settings = eval("dict(debug=False, workers=4)")
    return code, settings


@app.route("/welcome-mail", methods=["POST"])
def welcome_mail():
    name = request.form.get("name", "guest")
    # ruleid: python-template-injection
    body = jinja2.Template("Hello " + name + ", welcome aboard!").render()
    # ok: python-template-injection
    body = jinja2.Template("Hello {{ name }}, welcome aboard!").render(name=name)
    send_mail(request.form["email"], body)
    return {"sent": True}


@app.route("/preview", methods=["POST"])
def preview():
    tpl = request.form["template"]
    # ruleid: python-template-injection
    return jinja_env.from_string(tpl).render(user="demo")


def signature_preview(request):
    sig = request.POST.get("signature", "")
    # ruleid: python-template-injection
    template = Template("<div class='sig'>%s</div>" % sig)
    # ok: python-template-injection
    template = Template("<div class='sig'>{{ sig }}</div>")
    return HttpResponse(template.render(Context({"sig": sig})))


def evaluate_formula(formula):
    # ruleid: python-code-injection-function-param
    return eval(formula)


def apply_filter(field, value):
    # ruleid: python-code-injection-function-param, python-flow-code-injection
    exec("result = records.filter(" + field + "=" + repr(value) + ")")


def parse_literal(text):
    # ok: python-code-injection-function-param
    return ast.literal_eval(text)


def run_plugin(source, namespace):
    # ok: python-code-injection-function-param
    exec(compile(source, "<plugin>", "exec"), namespace)
