from urllib.parse import urlparse

import webapp2
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView
from flask import Flask, render_template, request

app = Flask(__name__)


class ArticleView(DetailView):
    def get_context_data(self, *args, **kwargs):
        data = super().get_context_data(*args, **kwargs)
        if self.request.GET.get("back", None) is not None:
            # ruleid: python-request-url-in-template-link
            data["back_link"] = self.request.GET["back"]
        # ok: python-request-url-in-template-link
        data["query"] = self.request.GET.get("q", "")
        return data


class CheckedArticleView(DetailView):
    def get_context_data(self, *args, **kwargs):
        data = super().get_context_data(*args, **kwargs)
        back = self.request.GET.get("back", None)
        parsed = urlparse(back)
        if back is not None and parsed.scheme == "":
            # ok: python-request-url-in-template-link
            data["back_link"] = back
        return data


class LoginPage(webapp2.RequestHandler):
    def get(self):
        self.render(
            "login.html",
            {
                "apiKey": "public-key",
                # ruleid: python-request-url-in-template-link
                "dest": self.request.get("dest"),
            },
        )


def login(request):
    next_url = request.GET.get("next_url", "/")
    context = {"title": "Sign in"}
    # ruleid: python-request-url-in-template-link
    context["next_url"] = next_url
    return render(request, "login.html", context)


def search_again(request):
    context = {"title": "Search"}
    # ok: python-request-url-in-template-link (the request's text only in the query string)
    context["url"] = f"{reverse('search')}?q={request.GET.get('q')}&sort={request.GET.get('sort')}"
    return render(request, "search.html", context)


def checked_login(request):
    next_url = request.GET.get("next_url", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    # ok: python-request-url-in-template-link
    return render(request, "login.html", {"next_url": next_url})


class WorkflowView(DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        redirect_to = self.request.GET.get("next")
        if redirect_to and not url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts=[self.request.get_host()]):
            redirect_to = None
        # ok: python-request-url-in-template-link (checked by keyword and replaced, as Horizon's workflows do)
        context["REDIRECT_URL"] = redirect_to
        return context


class LoggedWorkflowView(DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        redirect_to = self.request.GET.get("next")
        if redirect_to and not url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts=None):
            print("not a local URL:", redirect_to)
        # ruleid: python-request-url-in-template-link
        context["REDIRECT_URL"] = redirect_to
        return context


@app.route("/done")
def done():
    # ruleid: python-request-url-in-template-link
    return render_template("done.html", return_url=request.args.get("return_url", "/"))


@app.route("/done-local")
def done_local():
    target = request.args.get("return_url", "/")
    if target.startswith("/") and not target.startswith("//"):
        # ok: python-request-url-in-template-link
        return render_template("done.html", return_url=target)
    # ok: python-request-url-in-template-link
    return render_template("done.html", return_url="/", message=target)


PROFILE_LINKS = {"github": "GitHub", "website": "Website"}


def profile_link(request, user, link):
    try:
        label = PROFILE_LINKS[link]
    except KeyError as error:
        raise Http404 from error
    # ok: python-request-url-in-template-link (a key of the table: where it is none, the view left)
    return render(request, "link.html", {"link_field": link, "label": label})


def profile_link_logged(request, user, link):
    try:
        label = PROFILE_LINKS[link]
    except KeyError:
        label = link
    # ruleid: python-request-url-in-template-link
    return render(request, "link.html", {"link_field": link, "label": label})
