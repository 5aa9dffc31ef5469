"""Printable worksheets: the graph with its values, a blank box per gradient, and an answer key.

`worksheet_html` writes one HTML page holding one or more sheets; each sheet is
the graph of an expression drawn with its forward values only, and a table
with a blank box for every local derivative and every gradient, in the order
backward fills them. The answer keys follow the sheets, each on its own printed
page (print CSS ``break-before: page``), so a teacher prints the lot and keeps
the last pages. `random_values` draws values for each sheet from a seed, so
every student gets different numbers and the teacher can print them again.
"""

from __future__ import annotations

import html
import os
import random
from collections.abc import Mapping, Sequence

from autograd.core.engine import Value
from autograd.core.files import write_atomically
from autograd.core.notation import delimited, gradient, num
from autograd.pages.assets import asset, fill, html_page
from autograd.pages.draw import RENDER_TIMEOUT, draw_graph, render
from autograd.teach.explain import Explanation, explain
from autograd.teach.expr import Expression, ExpressionError

__all__ = ["random_values", "worksheet_html", "write_worksheet"]

# Values drawn for a random sheet: tenths in [-2, 2] except 0, easy to work with by hand.
_CHOICES = [k / 10 for k in range(-20, 21) if k != 0]
_TRIES = 200


def random_values(
    expression: Expression, fixed: Mapping[str, float], rng: random.Random
) -> dict[str, float]:
    """Values for the names of ``expression`` not in ``fixed``, drawn from ``rng``.

    Draws again where the expression is undefined (log of a negative number);
    raises `ExpressionError` if no draw of 200 works.
    """
    for _ in range(_TRIES):
        values = {n: fixed[n] if n in fixed else rng.choice(_CHOICES) for n in expression.names}
        try:
            expression.build(values)
        except ExpressionError:
            continue
        return values
    raise ExpressionError(
        f"no values drawn from -2.0 … 2.0 make {expression.text!r} defined "
        f"({_TRIES} draws); give some with --at"
    )


def _table(ex: Explanation, key: bool) -> str:
    """One table row per step: the node, its value, its local derivatives and its gradient;
    on the sheet a blank box for each number to work out, in the key the working."""
    box = fill("worksheet.html", "box")
    rows = []
    for step in ex:
        name = delimited(step.name)
        node = f"{name} = {step.definition}" if step.definition else f"{name} ({step.kind})"
        locals_ = []
        for t in step.terms:
            worked = t.local_text().removeprefix(f"{t.symbol} = ")  # the symbol is said before it
            cell = fill("worksheet.html", "filled", text=html.escape(worked)) if key else box
            locals_.append(fill("worksheet.html", "local", symbol=html.escape(t.symbol), cell=cell))
        if not step.terms:
            grad = "1 (given: backward starts here)"
        elif key:
            worked = step.arithmetic().removeprefix("= ")
            grad = fill("worksheet.html", "filled", text=html.escape(worked))
        else:
            grad = box
        rows.append(
            fill(
                "worksheet.html",
                "row",
                node=html.escape(node),
                value=num(step.data),
                locals="".join(locals_) or "—",
                symbol=html.escape(step.symbol),
                gradient=grad,
            )
        )
    return fill("worksheet.html", "table", rows="".join(rows))


def _heading(number: int, title: str, ex: Explanation) -> str:
    output = html.escape(ex.names[ex.root])
    return fill("worksheet.html", "heading", number=number, output=output, title=html.escape(title))


def _sheet(number: int, title: str, values: Mapping[str, float], ex: Explanation, svg: str) -> str:
    return fill(
        "worksheet.html",
        "sheet",
        number=number,
        heading=_heading(number, title, ex),
        given=html.escape(", ".join(f"{k} = {v:g}" for k, v in values.items())),
        gradient=html.escape(gradient(ex.names[ex.root], "v")),
        svg=svg,
        table=_table(ex, key=False),
    )


def _key(number: int, title: str, ex: Explanation) -> str:
    heading = _heading(number, title, ex)
    return fill("worksheet.html", "key", number=number, heading=heading, table=_table(ex, key=True))


def worksheet_html(
    sheets: Sequence[tuple[str, Mapping[str, float], Value]],
    timeout: float | None = RENDER_TIMEOUT,
) -> str:
    """The page for ``sheets`` of (title, values, root); answer keys after all the sheets.

    Each graph is drawn as SVG by Graphviz, its ``dot`` program or, without it, the
    WebAssembly Graphviz that pip installs (`autograd.pages.draw.render`).
    """
    if not sheets:
        raise ValueError("worksheet_html: no sheets")
    parts = []
    keys = []
    for i, (title, values, root) in enumerate(sheets, start=1):
        ex = explain(root)
        svg = render(draw_graph(root, show="data"), "svg", timeout).decode("utf-8")
        svg = svg[svg.index("<svg") :]
        parts.append(_sheet(i, title, values, ex, svg))
        keys.append(_key(i, title, ex))
    body = fill(
        "worksheet.html",
        "worksheet",
        css=asset("worksheet.css"),
        sheets="".join(parts),
        keys="".join(keys),
    )
    # Laid out for paper, a sheet is shown on a phone as a desktop page, zoomed out (980 px is
    # what phones give a page that does not say), not squeezed to the screen's width.
    return html_page(f"Worksheet: {sheets[0][0]}", body, "ag-worksheet-page", "width=980")


def write_worksheet(
    path: str | os.PathLike[str],
    sheets: Sequence[tuple[str, Mapping[str, float], Value]],
    timeout: float | None = RENDER_TIMEOUT,
) -> None:
    """Write `worksheet_html` to ``path`` atomically."""
    write_atomically(path, worksheet_html(sheets, timeout).encode("utf-8"))
