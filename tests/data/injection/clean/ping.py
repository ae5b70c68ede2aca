import subprocess

from flask import Flask, request

app = Flask(__name__)

# Network diagnostics for the status page.
# Pings one host and returns the raw output of ping.


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    output = subprocess.check_output("ping -c 1 " + host, shell=True)
    return output
