"""Printable worksheets: the graph with its values, a blank box per gradient, and an answer key.

`worksheet_html` writes one HTML page holding one or more sheets; each sheet is
the graph of an expression drawn with its forward values only, and a table
with a blank box for every local derivative and every gradient, in the order
backward fills them. The answer keys follow the sheets, each on its own printed
page (print CSS ``break-before: page``), so a teacher prints the lot and keeps
the last pages. `random_values` draws values for each sheet from a seed, so
every student gets different numbers and the teacher can print them again.

Print is laid out for A4 and Letter alike: a sheet whose graph and table fit one page with
the graph's text at 8 pt or more (`_layout`) is one page, its graph filling what the table
leaves; a larger one prints its graph on a page of its own and the table after it. No
table row is cut across two pages.
"""

from __future__ import annotations

import html
import os
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.core.engine import Value
from autograd.core.files import write_atomically
from autograd.core.notation import delimited, gradient, num
from autograd.pages.assets import asset, fill, html_page, new_prefix
from autograd.pages.draw import RENDER_TIMEOUT, RenderError, draw_graph, inline_svg
from autograd.teach.explain import Explanation, explain
from autograd.teach.expr import Expression, ExpressionError, parse
from autograd.teach.units import UnitExplanation

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


# -- the printed page --

# The page area A4 and Letter paper both hold (A4's width, Letter's height) less the margins
# of worksheet.css's @page rule, 12 mm: what a sheet is laid out for, in points.
_PT_PER_MM = 72 / 25.4
PAGE_WIDTH = (210 - 2 * 12) * _PT_PER_MM
PAGE_HEIGHT = (279.4 - 2 * 12) * _PT_PER_MM
# Every text of the drawing is made at least this size (points) for print, so that printed
# at LEAST_SCALE of its size or more it is at least 8 pt.
LEAST_FONT = 12.0
LEAST_SCALE = 8 / LEAST_FONT
# What the rest of a printed sheet takes (worksheet.css), in points, measured in Chromium
# and rounded up: the heading and instructions, with a name line of up to _NAME_LINE
# characters (a longer list of values takes a line more for each as many); the table's head,
# with the output's row, whose "1 (given: backward starts here)" takes a second line; and a
# line of a row (a row has one per local derivative, one at least).
_HEAD = 76.0
_NAME_LINE = 100
_TEXT_LINE = 13.0
_TABLE_HEAD = 26.0
_ROW_LINE = 20.5

_FONT_SIZE = re.compile(r"\bfontsize=([0-9.]+)")
_OPERAND_LABEL = re.compile(r"([\[\s])label=")
_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


@dataclass(frozen=True)
class _Graph:
    svg: str  # inline, its ids prefixed
    size: tuple[float, float]  # as drawn, in points: print fills the graph's box up to it
    fits: str  # "one-page": the graph and the table share a page; "own-page": they do not


def _outside_strings(line: str, change: Callable[[str], str]) -> str:
    """``line`` of DOT with ``change`` applied to all but its quoted and HTML strings, the
    values that hold user text (names, tooltips), which stay as they are."""
    parts, start, i = [], 0, 0
    while i < len(line):
        if line[i] == '"':
            end = i + 1
            while end < len(line) and line[end] != '"':
                end += 2 if line[end] == "\\" else 1
        elif line[i] == "<":  # <…>, nested: in it, a < or > of user text is &lt; or &gt;
            end, depth = i, 0
            while end < len(line):
                depth += {"<": 1, ">": -1}.get(line[end], 0)
                if depth == 0:
                    break
                end += 1
        else:
            i += 1
            continue
        parts += [change(line[start:i]), line[i : end + 1]]
        start = i = end + 1
    return "".join([*parts, change(line[start:])])


def _for_print(graph: Any) -> None:
    """Make ``graph`` (a `draw_graph` drawing) print larger and more compactly.

    Its smaller texts (operations 11 pt, constants 10, the a/b of an operand 9) are raised
    to LEAST_FONT, so that one scale keeps them all legible; ranks and nodes are closer
    (the screen's spacing is for clicking); and the a/b labels become head labels, at the
    arrow's end: dot gives a mid-edge label a rank of its own, which made a graph with a -
    or a ** half again as tall.
    """
    graph.graph_attr.update(ranksep="0.1", nodesep="0.1")
    for attrs in (graph.node_attr, graph.edge_attr):
        attrs["fontsize"] = f"{LEAST_FONT:g}"

    def larger(text: str) -> str:
        return _FONT_SIZE.sub(lambda m: f"fontsize={max(float(m[1]), LEAST_FONT):g}", text)

    def at_head(text: str) -> str:
        return _OPERAND_LABEL.sub(r"\1headlabel=", larger(text))

    graph.body[:] = [
        _outside_strings(line, at_head if " -> " in line.split("[", 1)[0] else larger)
        for line in graph.body
    ]


Steps = Explanation | UnitExplanation


def _table_height(ex: Steps) -> float:
    if isinstance(ex, UnitExplanation):  # ∂E/∂y_j and ∂E/∂x_j beside a line for each weight
        return _TABLE_HEAD + sum(max(2, len(s.weights) - 1) for s in ex) * _ROW_LINE
    return _TABLE_HEAD + sum(max(1, len(step.terms)) for step in ex) * _ROW_LINE


def _scale(size: tuple[float, float], height: float) -> float:
    """The scale at which a drawing of ``size`` (points) fits the page's width and
    ``height``, at most 1 (a small graph is not blown up)."""
    width, tall = size
    return min(1.0, PAGE_WIDTH / width, height / tall)


def _layout(ex: Steps, given: str, timeout: float | None) -> _Graph:
    """The graph of a sheet for print, and whether it shares its page with the table.

    Drawn left to right, or top to bottom where only that fits (a deep graph is tall
    rather than wide, as a page is); on the table's page when it prints there at
    LEAST_SCALE or more, else on a page of its own, drawn the way that prints it larger.
    ``given`` is the sheet's list of values, on the name line.
    """
    head = _HEAD + len(given) // _NAME_LINE * _TEXT_LINE
    shared = PAGE_HEIGHT - head - _table_height(ex)
    drawn: list[_Graph] = []
    for rankdir in ("LR", "TB"):
        view = "neurons" if isinstance(ex, UnitExplanation) else "values"
        graph = draw_graph(ex.root, rankdir=rankdir, show="data", view=view)
        _for_print(graph)
        svg = inline_svg(graph, new_prefix(), timeout)
        m = _SIZE.search(svg)
        if m is None:
            raise RenderError(f"worksheet: the drawing's SVG has no size in points: {svg[:80]!r}")
        drawn.append(_Graph(svg, (float(m.group(1)), float(m.group(2))), "one-page"))
        if _scale(drawn[-1].size, shared) >= LEAST_SCALE:
            return drawn[-1]
    alone = PAGE_HEIGHT - head
    best = max(drawn, key=lambda g: _scale(g.size, alone))
    return _Graph(best.svg, best.size, "own-page")


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
    return _headed(("node", "value", "local derivatives", "gradient"), rows)


def _headed(heads: tuple[str, str, str, str], rows: list[str]) -> str:
    """The table of ``rows`` under the column heads ``heads``."""
    node, value, locals_, grad = heads
    body = "".join(rows)
    return fill(
        "worksheet.html", "table", node=node, value=value, locals=locals_, gradient=grad, rows=body
    )


def _unit_table(ux: UnitExplanation, key: bool) -> str:
    """One row per unit, output layer first: the unit, y_j, then ∂E/∂y_j and ∂E/∂x_j, then
    ∂E/∂w_ji of each weight into it, in the order they are worked out; on the sheet a blank
    box for each, in the key the working."""
    box = fill("worksheet.html", "box")

    def entry(symbol: str, line: str) -> str:
        worked = line.strip().removeprefix(f"{symbol} = ")  # the symbol is said before it
        cell = fill("worksheet.html", "filled", text=html.escape(worked)) if key else box
        return fill("worksheet.html", "local", symbol=html.escape(symbol), cell=cell)

    rows = []
    for s in ux:
        dy, dx = f"∂{s.output}/∂{s.y_name}", f"∂{s.output}/∂{s.x_name}"
        unit = entry(dy, " ".join(s.dy_lines())) + entry(dx, s.dx_line())
        weights = [
            entry(f"∂{s.output}/∂{w.name}", w.line(s.x_name, s.dx, s.output))
            for w in s.weights[:-1]
        ]
        rows.append(
            fill(
                "worksheet.html",
                "unit-row",
                node=html.escape(f"unit {s.unit} ({s.kind}, {s.activation})"),
                value=f"{s.y_name} = {num(s.y)}",
                unit=unit,
                weights="".join(weights),
            )
        )
    e = ux.output
    return _headed(("unit", "output", f"∂{e}/∂y, then ∂{e}/∂x", f"∂{e}/∂w of its weights"), rows)


def _shown_title(title: str, ex: Steps) -> str:
    """The title with the output's name before it (``f = sigmoid(w*x + b)``), unless it
    names the output itself (``E = 0.5*(y - d)**2``) or is not an expression at all."""
    try:
        named = parse(title).output is not None
    except ExpressionError:
        return title
    return title if named else f"{ex.names[ex.root]} = {title}"


def _heading(number: int, title: str, ex: Steps) -> str:
    shown = html.escape(_shown_title(title, ex))
    return fill("worksheet.html", "heading", number=number, title=shown)


def _sheet(
    number: int,
    title: str,
    values: Mapping[str, float],
    ex: Steps,
    timeout: float | None,
) -> str:
    given = ", ".join(f"{k} = {v:g}" for k, v in values.items())
    if isinstance(ex, UnitExplanation):  # the drawing shows units, not weights: list them
        weights = [line.strip() for line in ex.weight_lines()[1:]]
        given += "; weights and biases: " + "; ".join(w.split(": ", 1)[1] for w in weights)
    graph = _layout(ex, given, timeout)
    return fill(
        "worksheet.html",
        "sheet",
        number=number,
        fits=graph.fits,
        width=f"{graph.size[0]:g}",
        height=f"{graph.size[1]:g}",
        heading=_heading(number, title, ex),
        given=html.escape(given),
        how=(
            fill("worksheet.html", "how-units")
            if isinstance(ex, UnitExplanation)
            else fill(
                "worksheet.html",
                "how-nodes",
                gradient=html.escape(gradient(ex.names[ex.root], "v")),
            )
        ),
        svg=graph.svg,
        table=_any_table(ex, key=False),
    )


def _any_table(ex: Steps, key: bool) -> str:
    return _unit_table(ex, key) if isinstance(ex, UnitExplanation) else _table(ex, key)


def _key(number: int, title: str, ex: Steps) -> str:
    heading = _heading(number, title, ex)
    table = _any_table(ex, key=True)
    return fill("worksheet.html", "key", number=number, heading=heading, table=table)


def worksheet_html(
    sheets: Sequence[tuple[str, Mapping[str, float], Value]],
    timeout: float | None = RENDER_TIMEOUT,
    view: str = "values",
) -> str:
    """The page for ``sheets`` of (title, values, root); answer keys after all the sheets.

    Each graph is drawn as SVG by Graphviz, its ``dot`` program or, without it, the
    WebAssembly Graphviz that pip installs (`autograd.pages.draw.render`). With
    ``view="neurons"`` each root is a net's error and the sheet asks its units, as
    ``explain(E, view="neurons")`` narrates them: ∂E/∂y_j, ∂E/∂x_j and each ∂E/∂w_ji.
    """
    if view not in ("values", "neurons"):
        raise ValueError(f"worksheet_html: view must be 'values' or 'neurons', got {view!r}")
    if not sheets:
        raise ValueError("worksheet_html: no sheets")
    parts = []
    keys = []
    for i, (title, values, root) in enumerate(sheets, start=1):
        ex: Steps = explain(root, view="neurons") if view == "neurons" else explain(root)
        parts.append(_sheet(i, title, values, ex, timeout))
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
    view: str = "values",
) -> None:
    """Write `worksheet_html` to ``path`` atomically."""
    write_atomically(path, worksheet_html(sheets, timeout, view).encode("utf-8"))
