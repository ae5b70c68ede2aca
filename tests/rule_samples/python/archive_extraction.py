"""Archives from a request: tar extraction writes members wherever their names say (python-tarfile-extractall-
traversal, in path_traversal.py); zipfile's extract()/extractall() drop '..' and leading slashes from member
names themselves, so only extraction written by hand from the member names is a traversal (nltk's CVE-2019-14751 was
fixed by switching to extractall)."""

import os
import shutil
import zipfile

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/srv/app/uploads"


@app.route("/import", methods=["POST"])
def import_bundle():
    upload = request.files["bundle"]
    # ok: python-path-traversal, python-flow-path-traversal
    zipfile.ZipFile(upload).extractall(UPLOADS)
    with zipfile.ZipFile(upload) as bundle:
        # ok: python-path-traversal, python-flow-path-traversal
        bundle.extractall(UPLOADS)
    return "imported"


def unpack_by_hand(archive_path, dest):
    bundle = zipfile.ZipFile(archive_path)
    # ok: python-flow-path-traversal
    bundle.extractall(dest)
    for name in bundle.namelist():
        # ruleid: python-flow-path-traversal
        with open(os.path.join(dest, name), "wb") as target, bundle.open(name) as source:
            shutil.copyfileobj(source, target)
