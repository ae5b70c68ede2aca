"""A file's path from the URL: FastAPI's, Starlette's and aiohttp's FileResponse send the file a path names, and a
Django class-based view's self.kwargs are the URL's keyword arguments."""

import os
from pathlib import Path

from aiohttp import web
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views import View
from django.views.generic import DetailView
from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.responses import FileResponse as StarletteFileResponse

api = FastAPI()
FILES = Path("/srv/files")


@api.get("/files/{name}")
def read_file(name: str):
    # ruleid: python-path-traversal, python-flow-path-traversal
    return FileResponse(FILES / name)


@api.get("/safe/{name}")
def read_safe_file(name: str):
    # ok: python-path-traversal
    return FileResponse(FILES / os.path.basename(name))


@api.get("/report")
def read_report():
    # ok: python-path-traversal
    return StarletteFileResponse(FILES / "report.pdf")


async def static_file(request: web.Request):
    filename = request.match_info["filename"]
    # ruleid: python-path-traversal
    return web.FileResponse(FILES.joinpath(filename).resolve())


class TemplateSourceView(View):
    def get(self, request, **kwargs):
        template = self.kwargs["template"]
        # ruleid: python-path-traversal
        return HttpResponse((Path("/srv/templates") / template).read_text())


class ExportView(DetailView):
    def get(self, request, *args, **kwargs):
        name = self.kwargs.get("name", "")
        # ruleid: python-path-traversal
        with open(os.path.join("/srv/exports", name)) as export:
            return HttpResponse(export.read())


class Job:
    """Not a view: its kwargs are what the code that made it passed."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def run(self):
        # ok: python-path-traversal
        with open(self.kwargs["log_path"], "a") as log:
            log.write("done\n")


@login_required
def _attachment_of(request, name):
    # ok: python-path-traversal, python-flow-path-traversal (private: a helper of the views, decorated or not)
    return open(name)
