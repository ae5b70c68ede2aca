import json

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse

from .forms import BatchForm


def batch_edit(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        # ruleid: python-form-errors-in-html-response, python-reflected-xss
        return HttpResponseBadRequest(form.errors.as_json())
    return JsonResponse({"count": 0})


def batch_edit_text(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        errors = form.errors.as_text()
        # ruleid: python-form-errors-in-html-response, python-reflected-xss
        return HttpResponse(errors, status=400)
    return JsonResponse({"count": 0})


def batch_edit_escaped(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        # ok: python-form-errors-in-html-response, python-reflected-xss
        return HttpResponseBadRequest(form.errors.as_json(escape_html=True))
    return JsonResponse({"count": 0})


def batch_edit_json(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        # ok: python-form-errors-in-html-response
        return HttpResponseBadRequest(form.errors.as_json(), content_type="application/json")
    if form.cleaned_data["dry_run"]:
        # ok: python-form-errors-in-html-response
        return JsonResponse(form.errors.get_json_data(), status=400)
    # ok: python-form-errors-in-html-response
    return HttpResponse(json.dumps({"count": 0}))


def batch_edit_view(view):
    """A form the view did not build from request data here (a class view's get_form())."""
    form = view.get_form()
    if not form.is_valid():
        # ruleid: python-form-errors-in-html-response
        return HttpResponseBadRequest(form.errors.as_json())
    return JsonResponse({"count": 0})


def batch_edit_listed(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        if "__all__" in form.errors:
            # ok: python-reflected-xss (an error list whole is rendered escaped)
            return HttpResponseBadRequest(str(form.errors.get("__all__", "error")))
        # ruleid: python-reflected-xss
        return HttpResponseBadRequest(str(form.errors["name"][0]))
    return JsonResponse({"count": 0})
