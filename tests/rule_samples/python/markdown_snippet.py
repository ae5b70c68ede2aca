# A method cut out of its file, without its imports (a snippet in a patch).
def get_context_data(self, **kwargs):
    context = super().get_context_data(**kwargs)
    # ruleid: python-markdown-unsanitised-html
    context["md"] = markdown(self.object.content, extensions=["markdown.extensions.extra"])
    # ok: python-markdown-unsanitised-html
    context["summary"] = safe_markdown(self.object.summary)
    return context
