"""The pages' HTML, CSS and JavaScript, kept as files in ``static/`` and put together here.

Every page is one self-contained HTML file (no network: it opens from ``file://``): `html_page`
puts a widget into the one page shell, ``static/page.html``; each widget carries its own
stylesheet and script inline, never linked, so that the same markup also works inside a
notebook. Templates have one placeholder style, ``${name}`` (`string.Template`), and whoever
fills one escapes what goes in: `html.escape` for text, `json_for_script` for data.

Data reaches a page one way: as JSON in ``<script type="application/json" id=PREFIX+"data">``
(`widget_scripts`), read by the script with ``JSON.parse``, whose strings are put in the page
with ``textContent``, never as markup. JSON has no inf or nan: they travel as the strings
"Infinity", "-Infinity" and "NaN", which Python's ``float()`` and JavaScript's ``Number()``
both read.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import json
import math
import re
import secrets
from string import Template

__all__ = [
    "PREFIX",
    "asset",
    "fill",
    "html_page",
    "json_for_script",
    "new_prefix",
    "widget_scripts",
]

# A file of several templates holds each in a <template id="NAME"> element (HTML's own way
# of writing markup that is not shown), the newline after the opening tag and before the
# closing one not included.
_PART = re.compile(r'<template id="([\w-]+)">\n?(.*?)\n?</template>', re.DOTALL)


@functools.cache
def asset(name: str) -> str:
    """The text of ``static/name``, read once (the files are package data: they are in the
    wheel, and `importlib.resources` finds them wherever the package is installed)."""
    return (importlib.resources.files("autograd.pages") / "static" / name).read_text("utf-8")


@functools.cache
def _templates(name: str) -> dict[str, Template]:
    parts = {m.group(1): Template(m.group(2)) for m in _PART.finditer(asset(name))}
    return parts or {"": Template(asset(name))}


def fill(name: str, part: str = "", /, **values: object) -> str:
    """Template ``part`` of ``static/name`` (the whole file when it has no parts) with
    ``values`` put in; a placeholder left without a value is a KeyError, not blank."""
    return _templates(name)[part].substitute(values)


def _json_ready(data: object) -> object:
    if isinstance(data, float) and not math.isfinite(data):
        return "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")
    if isinstance(data, dict):
        return {k: _json_ready(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_json_ready(v) for v in data]
    return data


def json_for_script(data: object) -> str:
    """``data`` as JSON that cannot end its ``<script>`` element or open a comment in it,
    whatever strings it holds; inf and nan as "Infinity", "-Infinity" and "NaN"."""
    # No spaces after , and : (a timeline's numbers are most of its file).
    text = json.dumps(_json_ready(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def new_prefix() -> str:
    """A prefix for every id of one widget, so that a page or notebook holds any number."""
    return f"ag{secrets.token_hex(4)}-"


PREFIX = re.compile(r"ag[0-9a-f]{8}-")  # what new_prefix makes, to find it in a fragment


@functools.cache
def _code(files: tuple[str, ...]) -> str:
    code = "\n".join(asset(f) for f in files)
    # The code is inlined in a <script> element, where these would end it or change how
    # the rest is read; it is ours, so this only guards against a slip in editing it.
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise AssertionError(f"{files}: '</script' or '<!--' in code inlined in a page")
    return code


def widget_scripts(prefix: str, data: object, files: tuple[str, ...], entry: str) -> str:
    """The two scripts of a widget whose root element has the id ``prefix + "root"``: its
    ``data`` as JSON, and the code of ``files``, run in a scope of its own (nothing is added
    to the page's globals) by calling the function ``entry`` with the root element."""
    return fill(
        "widget.html",
        "scripts",
        prefix=prefix,
        data=json_for_script(data),
        code=_code(files),
        entry=entry,
    )


# How wide a phone lays out a page: the screen's width, for the widgets (made to fit it).
FIT_SCREEN = "width=device-width, initial-scale=1"


def html_page(title: str, body: str, kind: str, viewport: str = FIT_SCREEN) -> str:
    """A page of its own holding ``body`` (HTML), titled ``title`` (text); ``kind`` is the
    body's class, which the widget's stylesheet uses for what only its own page sets, and
    ``viewport`` how wide a phone lays the page out (the viewport meta element)."""
    return fill("page.html", title=html.escape(title), body=body, kind=kind, viewport=viewport)
