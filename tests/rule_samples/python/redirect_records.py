"""Django's redirect() given a record goes to the record's get_absolute_url(), the site's own page: a record looked
up, answered by a model's manager or saved by a form is no URL from the request."""

from asgiref.sync import sync_to_async
from django.shortcuts import get_object_or_404, redirect
from rest_framework.response import Response
from rest_framework.settings import api_settings

from translations.forms import AddonForm, ConfirmForm, RecordSerializer
from translations.models import Language, Project, Unit
from translations.screenshots import aget_screenshot
from translations.views import path_object


def django_unit(request, unit_id):
    unit = get_object_or_404(Unit.objects.filter_access(request.user), pk=unit_id)
    # ok: python-open-redirect, python-flow-open-redirect (a record: redirect() goes to its get_absolute_url())
    return redirect(unit)


async def django_screenshot(request, pk):
    shot = await aget_screenshot(request, pk)
    # ok: python-open-redirect, python-flow-open-redirect (Django's async lookups are named aget...)
    return redirect(shot)


def django_language(request, code):
    language = Language.objects.fuzzy_get(code)
    # ok: python-open-redirect, python-flow-open-redirect (a model's manager answers records)
    return redirect(language)


def django_add_addon(request):
    form = AddonForm(request.POST)
    instance = form.save()
    # ok: python-open-redirect, python-flow-open-redirect (the record the form saved: its own page)
    return redirect(instance)


def django_confirm(request):
    form = ConfirmForm(request.POST)
    form.is_valid()
    # ok: python-open-redirect, python-flow-open-redirect (the record the form saved: its own page)
    return redirect(form.instance)


async def django_category(request, path):
    category = path_object(request, path)
    # ok: python-open-redirect, python-flow-open-redirect (its own page, resolved in a thread: Django's async views)
    return redirect(await sync_to_async(category.get_absolute_url)())


def django_other(request):
    form = ConfirmForm(request.POST)
    form.is_valid()
    # ruleid: python-open-redirect
    return redirect(form.cleaned_data["other"])


def api_create(request):
    """Django REST framework's CreateModelMixin: the created record's URL field (reverse()) as its Location."""
    serializer = RecordSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    data = serializer.data
    # ok: python-open-redirect, python-flow-open-redirect (the serializer's URL field, the site's own URL)
    return Response(data, status=201, headers={"Location": str(data[api_settings.URL_FIELD_NAME])})


def api_moved(request):
    serializer = RecordSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    # ruleid: python-open-redirect
    return Response(status=303, headers={"Location": str(serializer.data["next"])})


def django_project(request, slug):
    project = get_object_or_404(Project, slug=slug)
    # ok: python-open-redirect, python-flow-open-redirect (a record, whatever field found it: its own page)
    return redirect(project)


def django_component(request, project, slug):
    record = get_object_or_404(Project, slug=project)
    component = record.component_set.get(slug=slug)
    # ok: python-open-redirect, python-flow-open-redirect (a related record: its own page)
    return redirect(component)
