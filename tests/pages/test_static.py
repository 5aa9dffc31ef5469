"""The pages' web files (autograd/pages/static/): each used, none inlined in Python again."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import autograd
from autograd.pages.assets import asset, fill

PACKAGE = Path(autograd.__file__).parent
STATIC = PACKAGE / "pages" / "static"

# Markup, a style rule or script, as it would look in a Python string. Tags in lower case:
# Graphviz's HTML-like labels, which draw.py writes, are in upper case (<TABLE>, <TD>).
WEB_CODE = re.compile(
    r"<(?:!DOCTYPE|html|head|body|div|span|p|h1|section|table|tr|td|style|script|code|input"
    r"|button|label|details)\b|\bfunction\s*\(|addEventListener|querySelector"
    r"|[{;]\s*(?:margin|padding|font|color|display|border)\s*:"
)


def strings(tree: ast.AST) -> Iterator[ast.Constant]:
    """The string constants of ``tree`` but its docstrings (which may name an element)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node


def test_no_html_css_or_javascript_is_left_in_python_strings() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in strings(ast.parse(path.read_text(encoding="utf-8"))):
            if WEB_CODE.search(node.value):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


def test_the_pattern_finds_web_code() -> None:
    # Not a pattern that can never match: each kind of web code that was in Python strings.
    for text in ('<div class="x">', "body { margin: 0; }", "(function () {", "<style>", "<p>"):
        assert WEB_CODE.search(text), text
    for text in ("<TD>", "<B>", "grad ?", "Worksheet 1", "1 (given: backward starts here)"):
        assert not WEB_CODE.search(text), text  # DOT's HTML-like labels and plain text


def test_every_static_file_is_used_by_the_pages() -> None:
    users = "".join(p.read_text(encoding="utf-8") for p in (PACKAGE / "pages").glob("*.py"))
    for path in STATIC.iterdir():
        assert f'"{path.name}"' in users, path.name


def test_every_template_part_is_filled_somewhere() -> None:
    users = "".join(p.read_text(encoding="utf-8") for p in (PACKAGE / "pages").glob("*.py"))
    for path in STATIC.glob("*.html"):
        for part in re.findall(r'<template id="([\w-]+)">', asset(path.name)):
            assert f'"{path.name}",\n' in users or f'"{path.name}", "{part}"' in users
            assert f'"{part}"' in users, f"{path.name}: part {part}"
    assert fill("worksheet.html", "box") == "<span class=box></span>"
