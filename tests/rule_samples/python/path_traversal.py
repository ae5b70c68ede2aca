import hashlib
import io
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpResponse
from flask import Flask, abort, request, send_file, send_from_directory
from jinja2.loaders import split_template_path
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/app/uploads"
REPORT_DIR = Path("/srv/app/reports")


@app.route("/download")
def download():
    name = request.args.get("file", "")
    path = os.path.join(UPLOAD_DIR, name)
    # ruleid: python-path-traversal
    return send_file(path)


@app.route("/download2")
def download_safe():
    name = request.args.get("file", "")
    # ok: python-path-traversal
    return send_from_directory(UPLOAD_DIR, name)


@app.route("/thumbnail")
def thumbnail():
    picture = fetch_picture(request.args.get("url", ""))
    # ok: python-path-traversal
    return send_file(io.BytesIO(picture), mimetype="image/png")


@app.route("/thumbnail-file")
def thumbnail_file():
    picture = request.args.get("name", "")
    # ruleid: python-path-traversal
    return send_file(picture, mimetype="image/png")


@app.route("/uploads", methods=["POST"])
def store_upload():
    upload = request.files["file"]
    data = upload.read()
    folder = Path(UPLOAD_DIR) / hashlib.sha256(data).hexdigest()
    # ok: python-path-traversal (a digest's hex text is no path)
    folder.mkdir(parents=True, exist_ok=True)
    # ruleid: python-path-traversal
    upload.save(folder / upload.filename)
    return "stored"


def attachment_size(request):
    """An uploaded file reopened (Django's UploadedFile.open()) is the upload, not a path to one."""
    # ok: python-path-traversal, python-flow-path-traversal
    data = request.FILES.get("attachment").open().read()
    attachment = request.FILES["attachment"]
    # ok: python-path-traversal, python-flow-path-traversal
    with attachment.open("rb") as handle:
        data += handle.read()
    return HttpResponse(len(data))


def fetch_picture(url):
    raise NotImplementedError


@app.route("/config", methods=["PUT"])
def save_config():
    name = request.args.get("name", "")
    if not re.match(r"^[A-Za-z0-9_.+-]+$", name):
        abort(400)
    # ok: python-path-traversal
    with open(os.path.join(UPLOAD_DIR, name), "w") as saved:
        saved.write(request.get_data(as_text=True))
    return "saved"


BACKUP_NAME = re.compile(r"^[0-9]+/[0-9]+\.zip$")
LOOSE_NAME = re.compile(r"^[\w./-]+$")


@app.route("/backup")
def restore_backup():
    """The pattern compiled first, at the module's level (Weblate's restore_backup)."""
    name = request.args.get("name")
    if not name or not BACKUP_NAME.match(name):
        abort(404)
    # ok: python-path-traversal
    return send_file(os.path.join(UPLOAD_DIR, name))


@app.route("/loose-backup")
def restore_loose_backup():
    name = request.args.get("name")
    if not LOOSE_NAME.match(name):  # dots and slashes in a class: "../../x" passes
        abort(404)
    # ruleid: python-path-traversal
    return send_file(os.path.join(UPLOAD_DIR, name))


@app.route("/config-optional")
def load_config():
    """The name is checked where it is read, inside the branch that reads it (whoogle-search's fix)."""
    name = ""
    if "name" in request.args:
        name = os.path.normpath(request.args["name"])
        if not re.match(r"^[A-Za-z0-9_.+-]+$", name):
            return "Invalid config name", 400
    if name:
        # ok: python-path-traversal
        return open(os.path.join(UPLOAD_DIR, name)).read()
    return ""


@app.route("/config-logged")
def load_config_logged():
    name = request.args.get("name", "")
    if not re.match(r"^[A-Za-z0-9_.+-]+$", name):
        app.logger.warning("odd config name %s", name)
    # ruleid: python-path-traversal (the odd name is only logged)
    return open(os.path.join(UPLOAD_DIR, name)).read()


@app.route("/config-folders", methods=["PUT"])
def save_config_in_folders():
    name = request.args.get("name", "")
    if not re.match(r"^[A-Za-z0-9_.\-/]+$", name):  # dots and slashes: "../../x" passes
        abort(400)
    # ruleid: python-path-traversal
    with open(os.path.join(UPLOAD_DIR, name), "w") as saved:
        saved.write("")
    return "saved"


@app.route("/config-prefix", methods=["PUT"])
def save_config_prefix():
    name = request.args.get("name", "")
    if not re.match(r"^[A-Za-z0-9]", name):  # only the first character: "a/../../x" passes
        abort(400)
    # ruleid: python-path-traversal
    with open(os.path.join(UPLOAD_DIR, name), "w") as saved:
        saved.write("")
    return "saved"


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["document"]
    # ruleid: python-path-traversal
    f.save(os.path.join(UPLOAD_DIR, f.filename))
    # ok: python-path-traversal
    f.save(os.path.join(UPLOAD_DIR, secure_filename(f.filename)))
    return "stored"


@app.route("/theme/<path:name>")
def theme_file(name):
    """Jinja2's split_template_path() refuses a name with a parent or a separator in a piece."""
    # ok: python-path-traversal
    return send_file(os.path.join(UPLOAD_DIR, *split_template_path(name)))


@app.route("/profiles/<name>", methods=["POST"])
def save_profile(name):
    profile = {"id": name, **request.get_json()}
    # ok: python-path-traversal (a manager's save() stores a record: no path is given)
    profile_manager.save(profile, allow_overwrite=False)
    form = ProfileForm(request.form)
    # ok: python-path-traversal
    form.save(profile, name)
    return "saved"


@app.route("/notes/<name>")
def read_note(name):
    # ruleid: python-path-traversal, python-flow-path-traversal
    with open("/srv/app/notes/" + name) as fh:
        text = fh.read()
    # ok: python-path-traversal
    with open(os.path.join("/srv/app/notes", os.path.basename(name))) as fh:
        text += fh.read()
    return text


@app.route("/reports/<report>")
def read_report(report):
    # ruleid: python-path-traversal, python-flow-path-traversal
    return (REPORT_DIR / report).read_text()


@app.route("/notes/<name>/annotate", methods=["POST"])
def annotate(name):
    fields = {"note": name, "text": request.form["text"]}
    # ok: python-path-traversal (a record's fields, no path)
    annotation = AnnotationSerializer(data=fields).save(**fields)
    return {"id": annotation.pk}


def django_download(request, name, **kwargs):
    """A Django view: its URL keyword arguments in `kwargs` are read through the dict's own methods."""
    if kwargs.get("inline"):
        return HttpResponse("")
    # ruleid: python-path-traversal, python-flow-path-traversal
    return FileResponse(open(name, "rb"))


def static_proxy(request):
    """Django's staticfiles finders look the name up in the static folders only (safe_join): what they answer is
    a file there or None (Mezzanine's static_proxy)."""
    path = finders.find(request.GET["u"])
    if not path:
        return HttpResponse(status=404)
    # ok: python-path-traversal, python-flow-path-traversal
    with open(path, "rb") as found:
        return HttpResponse(found.read())


@app.route("/api/file/")
def stored_file():
    """A file stored in the database, looked up by its identifier converted first (Flask-Admin's GridFS view)."""
    file_id = request.args.get("id")
    data = storage.get(ObjectId(file_id))
    # ok: python-path-traversal (what the database holds under that id, no path)
    return send_file(data, download_name=data.filename)


@app.route("/cache/<key>")
def cached(key):
    data_cache = CacheEntry(request, "cache", key + ".data")
    # an object named by the request opens its file (MoinMoin's CVE-2020-25074)
    # ruleid: python-path-traversal, python-flow-path-traversal
    data_cache.open(mode="r")
    return "ok"


@app.route("/attachments/<attachment>")
def attachment(attachment):
    path = os.path.realpath(os.path.join(UPLOAD_DIR, attachment))
    if os.path.commonpath([UPLOAD_DIR, path]) != UPLOAD_DIR:
        abort(403)
    # ok: python-path-traversal
    return send_file(path)


@app.route("/avatars/<avatar>")
def avatar(avatar):
    path = os.path.abspath(os.path.join(UPLOAD_DIR, "avatars", avatar))
    if not path.startswith(UPLOAD_DIR + os.sep):
        abort(404)
    # ok: python-path-traversal
    return send_file(path)


def delete_export(request):
    export = request.POST["export"]
    # ruleid: python-path-traversal
    os.remove("/var/exports/" + export)
    # ruleid: python-path-traversal
    shutil.rmtree(os.path.join("/var/exports/tmp", request.POST["dir"]))
    return HttpResponse(status=204)


def serve_log(request):
    # ruleid: python-path-traversal
    return FileResponse(open("/var/log/app/" + request.GET["log"], "rb"))


def django_report(request, name):
    # ruleid: python-path-traversal, python-flow-path-traversal
    return FileResponse(open(os.path.join("/var/reports", name), "rb"))


@pytest.fixture
def report_folder(request, tmp_path):
    folder = tmp_path / request.param
    # ok: python-path-traversal (a pytest fixture: request is pytest's, the path its own)
    folder.mkdir()
    return folder


def test_report(request, tmp_path):
    # ok: python-path-traversal (a pytest test, not a view)
    with open(os.path.join(tmp_path, "report.txt"), "w") as handle:
        handle.write(request.node.name)


def cli_cat():
    # ok: python-path-traversal
    print(open(sys.argv[1]).read())
    # ok: python-path-traversal
    print(open("/etc/app/config.ini").read())


def restore_backup(archive_path, dest="/srv/app/restore"):
    import tarfile

    with tarfile.open(archive_path, "r:gz") as tar:
        # ruleid: python-tarfile-extractall-traversal, python-flow-path-traversal
        tar.extractall(dest)
    # ruleid: python-tarfile-extractall-traversal, python-flow-path-traversal
    tarfile.open(archive_path).extractall(path=dest, filter="fully_trusted")
    bundle = tarfile.open(archive_path)
    # ok: python-tarfile-extractall-traversal
    bundle.extractall(dest, filter="data")
    safe = [m for m in bundle.getmembers() if m.isfile() and ".." not in m.name]
    # ok: python-tarfile-extractall-traversal
    bundle.extractall(dest, members=safe)


def unpack_download(archive_path, dest):
    """shutil unpacks a tar archive as extractall does (guarddog's CVE-2022-23531); a zip archive it unpacks skips
    names with '..' or a leading slash."""
    # ruleid: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(archive_path, dest)
    # ruleid: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(filename=archive_path, extract_dir=dest, filter="fully_trusted")
    # ok: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(archive_path, dest, filter="data")
    # ok: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(archive_path, dest, "zip")
    # ok: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(archive_path, dest, format="zip")
    # ruleid: python-tarfile-extractall-traversal, python-flow-path-traversal
    shutil.unpack_archive(archive_path, dest, "gztar")


@app.route("/keys", methods=["PUT"])
def store_key():
    data = request.get_json()
    validate_key_data(data)  # the record's shape, not its name
    # ruleid: python-path-traversal
    with open("keys/%s.key" % data["name"], "w") as handle:
        handle.write(data["key"])
    validate_key_name(data["name"])
    # ok: python-path-traversal
    with open("keys/%s.key" % data["name"], "w") as handle:
        handle.write(data["key"])


def validate_key_name(name):
    if not name.isalnum():
        raise ValueError("key names are letters and digits")


def validate_key_data(data):
    if set(data) != {"name", "key"}:
        raise ValueError("a key is a name and a key")


@app.route("/watch/<uuid>/html")
def watch_html(uuid):
    watch = watches.get(uuid)
    # ok: python-path-traversal (a record looked up by its identifier: the store's path, not the request's text)
    with open(os.path.join(watch.data_dir, "latest.html")) as handle:
        page = handle.read()
    # ruleid: python-path-traversal, python-flow-path-traversal
    with open(os.path.join(UPLOAD_DIR, uuid)) as handle:
        return page + handle.read()


@app.route("/resources/<key>/<path:name>")
def resource(key, name):
    """pathlib's relative_to raises ValueError for a path outside the root: the usual check before Python 3.9."""
    # ok: python-flow-path-traversal (both joins are checked: the path checked holds them)
    filepath = REPORT_DIR / key / name
    try:
        filepath.resolve().relative_to(REPORT_DIR.resolve())
    except ValueError as error:
        abort(403, str(error))
        raise
    # ok: python-path-traversal, python-flow-path-traversal
    return send_file(filepath)


@app.route("/resources/<path:name>")
def resource_logged(name):
    """A handler that forgets the error checks nothing."""
    # ruleid: python-flow-path-traversal
    filepath = REPORT_DIR / name
    try:
        relative = filepath.resolve().relative_to(REPORT_DIR.resolve())
    except ValueError:
        relative = None
    # ruleid: python-path-traversal, python-flow-path-traversal
    return send_file(filepath) if relative else send_file(filepath)
