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


_CSS = """
body { font: 14px/1.45 system-ui, "Segoe UI", Helvetica, Arial, sans-serif; color: #111;
       margin: 24px; }
h1 { font-size: 19px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 6px; }
code { font: 14px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.graph svg { max-width: 100%; height: auto; max-height: 9cm; }
table { border-collapse: collapse; margin-top: 6px; }
th, td { border: 1px solid #999; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
.box { display: inline-block; min-width: 7em; height: 1.5em; border: 1.5px solid #333;
       vertical-align: middle; margin: 2px 0; }
.filled { display: inline-block; min-width: 7em; font-weight: 600; }
.local { display: block; white-space: nowrap; }
.name { margin: 2px 0 10px; color: #333; }
.key h1::after { content: " — answer key"; }
.noprint { color: #555; }
@media print {
  body { margin: 0; }
  .noprint { display: none; }
  .sheet + .sheet, .key { break-before: page; page-break-before: always; }
  .key table, .sheet table { break-inside: avoid; }
}
"""


def _rows(ex: Explanation, key: bool) -> str:
    """One table row per step: the node, its value, its local derivatives and its gradient."""
    rows = []
    for step in ex:
        name = delimited(step.name)
        node = f"{name} = {step.definition}" if step.definition else f"{name} ({step.kind})"
        locals_ = []
        for t in step.terms:
            worked = t.local_text().removeprefix(f"{t.symbol} = ")  # the symbol is said before it
            cell = f"<span class='filled'>{html.escape(worked)}</span>"
            locals_.append(
                f"<span class='local'>{html.escape(t.symbol)} = "
                f"{cell if key else '<span class=box></span>'}</span>"
            )
        if step.terms:
            grad = (
                f"<span class='filled'>{html.escape(step.arithmetic().removeprefix('= '))}</span>"
                if key
                else "<span class=box></span>"
            )
        else:
            grad = "1 (given: backward starts here)"
        rows.append(
            f"<tr><td><code>{html.escape(node)}</code></td><td>{num(step.data)}</td>"
            f"<td>{''.join(locals_) or '—'}</td>"
            f"<td><code>{html.escape(step.symbol)}</code> = {grad}</td></tr>"
        )
    return (
        "<table><tr><th>node</th><th>value</th><th>local derivatives</th>"
        "<th>gradient</th></tr>" + "".join(rows) + "</table>"
    )


def _sheet(number: int, title: str, values: Mapping[str, float], ex: Explanation, svg: str) -> str:
    given = ", ".join(f"{k} = {v:g}" for k, v in values.items())
    out = ex.names[ex.root]
    return (
        f"<section class='sheet' id='sheet-{number}'>"
        f"<h1>Worksheet {number}: <code>{html.escape(out)} = {html.escape(title)}</code></h1>"
        f"<p class='name'>Name: ______________________ &nbsp; Values: {html.escape(given)}</p>"
        "<p>The graph shows every value of the forward pass. Fill in each local derivative "
        f"and each gradient {html.escape(gradient(out, 'v'))}, from the output back to the "
        "inputs (row by row: each gradient is the upstream gradient times the local "
        "derivative, summed over the node's uses).</p>"
        f"<div class='graph'>{svg}</div>{_rows(ex, key=False)}</section>"
    )


def _key(number: int, title: str, ex: Explanation) -> str:
    out = ex.names[ex.root]
    return (
        f"<section class='key' id='key-{number}'>"
        f"<h1>Worksheet {number}: <code>{html.escape(out)} = {html.escape(title)}</code></h1>"
        f"{_rows(ex, key=True)}</section>"
    )


def worksheet_html(
    sheets: Sequence[tuple[str, Mapping[str, float], Value]],
    timeout: float | None = RENDER_TIMEOUT,
) -> str:
    """The page for ``sheets`` of (title, values, root); answer keys after all the sheets.

    Needs Graphviz's ``dot`` to draw each graph (`autograd.pages.draw.render`).
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
    title = html.escape(sheets[0][0])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Worksheet: {title}</title><style>{_CSS}</style></head><body>"
        "<p class='noprint'>Print this page: each sheet, then each answer key, starts on a "
        "page of its own.</p>" + "".join(parts) + "".join(keys) + "</body></html>\n"
    )


def write_worksheet(
    path: str | os.PathLike[str],
    sheets: Sequence[tuple[str, Mapping[str, float], Value]],
    timeout: float | None = RENDER_TIMEOUT,
) -> None:
    """Write `worksheet_html` to ``path`` atomically."""
    write_atomically(path, worksheet_html(sheets, timeout).encode("utf-8"))
