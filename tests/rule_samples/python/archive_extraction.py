import os
import zipfile

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/srv/app/uploads"


@app.route("/import", methods=["POST"])
def import_bundle():
    upload = request.files["bundle"]
    # ruleid: python-zipfile-extractall-traversal
    zipfile.ZipFile(upload).extractall(UPLOADS)
    with zipfile.ZipFile(upload) as bundle:
        # ruleid: python-zipfile-extractall-traversal
        bundle.extractall(UPLOADS)
    return "imported"


def unpack_checked(archive_path, dest):
    bundle = zipfile.ZipFile(archive_path)
    root = os.path.realpath(dest)
    members = [
        info for info in bundle.infolist() if os.path.realpath(os.path.join(root, info.filename)).startswith(root + os.sep)
    ]
    # ok: python-zipfile-extractall-traversal, python-flow-path-traversal
    bundle.extractall(dest, members=members)
    # ok: python-zipfile-extractall-traversal
    bundle.extractall(dest, members)
