import asyncio
import os
import shlex
import subprocess
import sys

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "127.0.0.1")
    # ruleid: python-command-injection
    os.system("ping -c 1 " + host)
    # ok: python-command-injection
    os.system("ping -c 1 " + shlex.quote(host))
    # ok: python-command-injection
    out = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True)
    return out.stdout


@app.route("/convert", methods=["POST"])
def convert():
    name = request.form["name"]
    fmt = request.form.get("format", "png")
    cmd = f"convert /srv/uploads/{name} /srv/out/{name}.{fmt}"
    # ruleid: python-command-injection
    subprocess.check_output(cmd, shell=True)
    # ruleid: python-command-injection
    proc = subprocess.Popen(["/bin/sh", "-c", "gzip -k " + name], stdout=subprocess.PIPE)
    # ruleid: python-command-injection
    subprocess.run(["cmd.exe", "/c", "type " + name])
    # ok: python-command-injection
    subprocess.check_output("convert --version", shell=True)
    return "done"


@app.route("/tool/<tool>")
def run_tool(tool):
    # ruleid: python-command-injection
    result = subprocess.run([tool, "--help"], capture_output=True)
    return result.stdout


def diagnostics(request):
    target = request.GET["target"]
    # ruleid: python-command-injection
    stream = os.popen("traceroute %s" % target)
    # ok: python-command-injection
    stream = os.popen("uptime")
    return stream.read()


def restart_in_place():
    """A server re-executing itself (swift's wsgi): argv[0] is the program as it was started, not input."""
    myself = os.path.realpath(sys.argv[0])
    # ok: python-command-injection
    os.execv(myself, sys.argv)


def restart_under_the_reloader():
    """A reloader starting the program again as it was started (bottle's run(reloader=True)): the interpreter with
    the program's own arguments, which name no command of anyone else's."""
    args = [sys.executable] + sys.argv
    # ok: python-command-injection
    subprocess.Popen(args)
    # ok: python-command-injection
    os.execv(sys.executable, [sys.executable, *sys.argv])
    # ruleid: python-command-injection
    subprocess.Popen([sys.executable, "-c", sys.argv[1]])


def backup_cli():
    path = sys.argv[1]
    # ruleid: python-command-injection
    subprocess.call(shlex.split("tar czf /backups/out.tgz " + path))
    # ok: python-command-injection
    subprocess.call(["tar", "czf", "/backups/out.tgz", "--", path])


async def archive(request):
    folder = (await request.json())["folder"]
    # ruleid: python-command-injection, python-flow-command-injection
    await asyncio.create_subprocess_shell("zip -r out.zip " + request.headers["X-Folder"])
    # ok: python-command-injection
    await asyncio.create_subprocess_exec("zip", "-r", "out.zip", folder)


def make_thumbnail(src_path, size):
    # ruleid: python-command-injection-function-param, python-flow-command-injection
    os.system("convert %s -resize %s /tmp/thumb.png" % (src_path, size))
    # ok: python-command-injection-function-param
    subprocess.run(["convert", src_path, "-resize", size, "/tmp/thumb.png"], check=True)


class PgConfig:
    def query(self, attr_name):
        # ok: python-command-injection-function-param
        return subprocess.run([self.pg_config_exe, "--" + attr_name], stdout=subprocess.PIPE)  # an option, no shell


def start_runner(name, slice_number):
    """The interpreter running the project's own script (Mailman's master starting its runners): the caller's
    values are the script's arguments, no command."""
    switch = "--runner={}:{}".format(name, slice_number)
    args = [sys.executable, sys.executable, RUNNER_SCRIPT, "-C", CONFIG_FILE, switch]
    args.append(dict(os.environ))
    # ok: python-command-injection-function-param
    os.execle(*args)


def run_snippet(snippet_name):
    code = "import {}; {}.main()".format(snippet_name, snippet_name)
    # ruleid: python-command-injection-function-param (the interpreter runs the text given after -c)
    os.execv(sys.executable, [sys.executable, "-c", code])


def compile_styles(command, color):
    command = command + ("--", "--" + color)
    # ok: python-command-injection-function-param (an option appended to the caller's argument vector)
    return subprocess.Popen(command, stdout=subprocess.PIPE)


def compile_styles_in_shell(command, color):
    command = command + " --" + color
    # ruleid: python-command-injection-function-param, python-flow-command-injection
    return subprocess.Popen(command, shell=True)


def git_checkout(branch):
    # ruleid: python-command-injection-function-param, python-flow-command-injection
    return subprocess.check_output(f"git checkout {branch}", shell=True)


def git_checkout_safe(branch):
    # ok: python-command-injection-function-param
    return subprocess.check_output("git checkout " + shlex.quote(branch), shell=True)
