"""A file with a match statement (Python 3.10): Semgrep reads such a file with its fallback parser, where no f-string
pattern matches anything; secreview gives Semgrep the file with the statement written as ifs (engines/py_text.py)."""

from django.shortcuts import redirect
from django.urls import reverse


def profile(request, path):
    # ok: python-open-redirect (a fixed path before the value)
    return redirect(f"/users/{path}")


def mute(request, path):
    obj = parse_path(request, path)
    # ok: python-open-redirect (the site's own path, then the query string)
    return redirect(f"{reverse('profile')}?notify={obj.pk}#notifications")


def jump(request, path):
    # ruleid: python-open-redirect, python-flow-open-redirect
    return redirect(path)


def by_kind(request, kind, path):
    match kind:
        case "user" | "team" if path:
            # ok: python-open-redirect (a fixed path before the value)
            return redirect(f"/teams/{path}")
        case _:
            # ruleid: python-open-redirect, python-flow-open-redirect
            return redirect(path)
