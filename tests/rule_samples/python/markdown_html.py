import html

import bleach
import markdown
import markdown2
import markupsafe
import mistune
import nh3
from markdown import markdown as render_markdown


def comment_html(comment):
    # ruleid: python-markdown-unsanitised-html
    return markdown.markdown(comment.text, extensions=["extra"])


def article_context(article, context):
    # ruleid: python-markdown-unsanitised-html
    context["body"] = render_markdown(article.content)
    return context


def profile_html(profile):
    # ruleid: python-markdown-unsanitised-html
    return markdown2.markdown(profile.about)


def preview(text):
    # ruleid: python-markdown-unsanitised-html
    return mistune.html(text)


def comment_html_clean(comment):
    # ok: python-markdown-unsanitised-html
    return bleach.clean(markdown.markdown(comment.text), tags=["p", "a", "em"])


def article_html_clean(article):
    # ok: python-markdown-unsanitised-html
    html = markdown.markdown(article.content)
    return nh3.clean(html)


def help_page():
    # ok: python-markdown-unsanitised-html
    return markdown.markdown("# Help\n\nWrite *Markdown* here.")


def sanitised_with_a_cleaner(cleaner, text):
    # ok: python-markdown-unsanitised-html
    return cleaner.clean(markdown2.markdown(text))


def escaped_first(comment):
    text = markupsafe.escape(comment.text)
    # ok: python-markdown-unsanitised-html
    return markdown.markdown(text)


def escaped_inline(comment):
    # ok: python-markdown-unsanitised-html
    return markdown2.markdown(html.escape(comment.text))


def escaped_elsewhere(comment, other):
    text = markupsafe.escape(other)
    # ruleid: python-markdown-unsanitised-html
    return markdown.markdown(comment.text + text)
