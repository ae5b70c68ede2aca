import html
import traceback

import webapp2
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from markupsafe import Markup


def subscribe(request):
    tags = request.GET.get("tags", "")
    # ruleid: python-html-built-from-request-data
    message = _('Subscription cancelled (<a href="%(url)s">undo</a>).') % {"url": "/subscribe?tags=" + tags}
    request.user.message_set.create(message=message)
    # ok: python-html-built-from-request-data
    message = _('Subscription cancelled (<a href="%(url)s">undo</a>).') % {"url": "/subscribe?tags=" + html.escape(tags)}
    request.user.message_set.create(message=message)
    # ok: python-html-built-from-request-data
    notice = format_html('<a href="/subscribe?tags={}">undo</a>', tags)
    # ok: python-html-built-from-request-data
    title = Markup("<b>{}</b>").format(tags)
    # ok: python-html-built-from-request-data
    plain = "Subscribed to %s" % tags
    # ok: python-html-built-from-request-data
    comparison = "%s < %d tags" % (tags, 10)
    return notice, title, plain, comparison


def greeting_card(request):
    name = request.POST["name"]
    # ruleid: python-html-built-from-request-data
    card = "<div class='card'>" + name + "</div>"
    # ruleid: python-html-built-from-request-data
    header = f"<h2>Hello {name}</h2>"
    # ruleid: python-html-built-from-request-data
    footer = "<p>Sent by {}</p>".format(name)
    store(card, header, footer)
    # ok: python-html-built-from-request-data, python-reflected-xss
    return HttpResponse("<p>Saved</p>")


class ErrorPage(webapp2.RequestHandler):
    def respond_error(self, context):
        stack = traceback.format_exc()
        # ruleid: python-exception-text-in-html-response
        return """
        <html><body><pre>%s</pre></body></html>
        """ % stack

    def respond_error_escaped(self, context):
        stack = traceback.format_exc()
        # ok: python-exception-text-in-html-response
        return "<html><body><pre>%s</pre></body></html>" % html.escape(stack)

    def log_error(self, error):
        # ok: python-exception-text-in-html-response
        return "failed: %s" % traceback.format_exc()


def store(*pages):
    return pages
