from secreview.schemas import render_schema

print(render_schema(), end="")
