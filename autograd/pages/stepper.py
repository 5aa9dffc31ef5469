"""The HTML stepper: one self-contained page that walks backpropagation step by step.

The page holds the graph as inline SVG (laid out once by Graphviz, so nothing moves,
every gradient cell drawn as ``grad ?``), the steps of `autograd.teach.explain` as
JSON, and a little JavaScript that, on Next/Prev, the keys, the slider, a click
on a node or autoplay, highlights the current node and the edges its gradient
comes through, fills in its gradient from the data, and prints that step's chain
rule with numbers. A net in the neurons view is stepped unit by unit, in the paper's
equations (``explain(E, view="neurons")``): the unit a step computes is marked
``aria-current="step"`` and shows its ∂E/∂y and ∂E/∂x. The graph is shown at its
natural size (Graphviz's 12 pt node text is 16 CSS px at 100 %), with pan and zoom.
No network, no external files: it opens from ``file://``. Its markup, style and
script are the files ``stepper.html``, ``stepper.css``, ``stepper-logic.js``,
``panzoom.js``, ``player.js`` and ``stepper.js`` in ``static/``, inlined by `autograd.pages.assets`.
Without its script (an untrusted notebook) the page shows no gradient and says so.

The same stepper is also an HTML fragment (`stepper_fragment`, `show_steps` in
Jupyter): every id in it carries a prefix of its own, its style is scoped to its
own element, and its keys act only while it has the focus or the pointer, never
in a text field, so several steppers live on one page or notebook.

All user text (labels, expression, title) reaches the page escaped: the SVG is
written by Graphviz from escaped labels, the steps travel as JSON inside a
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and
the script inserts them with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from typing import Any

from autograd.core.engine import Value, topological_order
from autograd.core.files import write_atomically
from autograd.core.graph import consumers
from autograd.core.network import NotANetwork
from autograd.pages.assets import PREFIX, asset, fill, html_page, new_prefix, widget_scripts
from autograd.pages.draw import (
    RENDER_TIMEOUT,
    draw_graph,
    edge_id,
    hide_gradients,
    inline_svg,
    op_edge_id,
)
from autograd.pages.practice_page import practice_fragment, practice_html
from autograd.teach.check import step_checks
from autograd.teach.explain import Explanation, explain
from autograd.teach.units import UnitExplanation

__all__ = [
    "Stepper",
    "show_steps",
    "stepped_nodes",
    "stepper_fragment",
    "stepper_html",
    "write_stepper",
]


Steps = Explanation | UnitExplanation


def stepped_nodes(explanation: Steps) -> list[Value] | None:
    """The nodes an explanation made with ``wrt=`` steps through (the paths from the
    ``wrt`` Values to the root), to pass as `autograd.draw_graph`'s ``wrt`` so that
    the rest is greyed out; None when it steps through every node."""
    # A unit view steps through every unit of its case; a batch's other cases are shown, by
    # their names (y3c2), with their numbers known from the start.
    if isinstance(explanation, UnitExplanation) or len(explanation) == len(explanation.order):
        return None
    return [step.node for step in explanation]


def _steps(
    root: Value,
    explanation: Steps | None,
    params: object,
    view: str,
    wrt: Value | Sequence[Value] | None,
    mistake: str | None,
) -> Steps:
    """What the stepper steps through: in the neurons view of a net, its units (in the
    paper's equations); else the nodes of `autograd.teach.explain`. A net's neurons view
    draws units only, so node steps (a mistake column, ``wrt``, a node-level explanation)
    are refused there: their boxes would hold neither factor nor result."""
    if explanation is not None and explanation.root is not root:
        raise ValueError("stepper_fragment: the explanation is of another root")
    if isinstance(explanation, UnitExplanation) and wrt is None and mistake is None:
        return explanation
    if view == "neurons":
        try:
            units = explain(root, params=params, view="neurons")
        except NotANetwork:  # not a net: one step per node, each Σ and its activation one box
            return explain(root, wrt=wrt, params=params)
        if wrt is None and mistake is None and explanation is None:
            return units
        raise ValueError(
            "stepper_fragment: view='neurons' steps a net unit by unit; a mistake column, "
            "wrt or a node-level explanation needs view='values'"
        )
    if isinstance(explanation, UnitExplanation):
        raise ValueError("stepper_fragment: a unit view's steps need view='neurons'")
    if explanation is not None and wrt is None:
        return explanation
    return explain(root, wrt=wrt, params=params)


def _svg(
    root: Value,
    explanation: Steps,
    prefix: str,
    params: object,
    rankdir: str,
    max_nodes: int,
    timeout: float | None,
    view: str,
    inputs: Sequence[str] | None,
) -> tuple[str, dict[Value, str]]:
    """The graph as inline SVG, every id prefixed; and the (unprefixed) id of the box
    that shows each Value."""
    where: dict[Value, str] = {}
    graph = draw_graph(
        root,
        rankdir=rankdir,
        max_nodes=max_nodes,
        params=params,
        grads=explanation.grads,
        view=view,
        inputs=inputs,
        wrt=stepped_nodes(explanation),
        ids=where,
    )
    return inline_svg(graph, prefix, timeout), where


def _unit_data(units: UnitExplanation, where: dict[Value, str]) -> dict[str, Any]:
    """The page's data for a net's units: one step per unit, its box the unit's, and the
    boxes (and edges) its ∂E/∂y comes from: the units it feeds, or the loss."""
    order = topological_order(units.root)
    index = {v: i for i, v in enumerate(order)}
    users = consumers(order)
    net = units.net
    steps = []
    for s in units:
        unit = net.unit(s.unit)
        y = unit.outputs[s.case]
        assert isinstance(y, Value)
        d = s.as_dict()
        d["node"] = where[y]
        uses = [(c, k) for c in users.get(y, []) for k, x in enumerate(c.operands) if x is y]
        d["edges"] = [edge_id(index[c], k) for c, k in uses]
        d["upstream"] = sorted({where[c] for c, _ in uses})
        feeds = [net.unit(i).outputs[s.case] for i in unit.sources]
        d["around"] = sorted({where[v] for v in feeds if isinstance(v, Value)} | set(d["upstream"]))
        if s.kind == "output":
            d["note"] = (
                f"Output unit {s.unit}: ∂E/∂{s.y_name} comes from the error; (5) turns it "
                f"into ∂E/∂{s.x_name}, and (6) gives each weight into the unit its gradient."
            )
        else:
            d["note"] = (
                f"Hidden unit {s.unit}: ∂E/∂{s.y_name} collects ∂E/∂x_j · w_j{s.unit} from "
                "every unit j it feeds (7); then (5) and (6) as for the units above."
            )
        d["nudge"] = ""
        steps.append(d)
    if net.cases > 1:  # the last step ends with the sum over the cases: the weights' boxes
        steps[-1]["lines"] += ["", *units.batch_lines()]
        weights = [p for u in net.units if not u.is_input for p in (*u.weights, u.bias)]
        steps[-1]["reveals"] = sorted({where[p] for p in weights if p in where})
    first = steps[0]
    # Known from the start: the error's box (∂E/∂E = 1), and the other cases' units, which
    # are not stepped through.
    given = [where[units.root]] if units.root not in net.unit_of else []
    for u in net.units:
        if not u.is_input:
            given += [where[y] for c, y in enumerate(u.outputs) if c != units.case]  # type: ignore[index]
    return {
        "output": units.names.get(units.root, "E"),
        "forward": [
            units.case_line(),
            *units.header(),
            *units.weight_lines(),
            *units.forward_lines(),
            "",
            *units.steps_intro(),
        ],
        "nodes": sorted(set(where.values())),
        "steps": steps,
        "fold": True,
        "given": given,
        "focus": [first["node"], *first["around"]],  # the first step's unit first
    }


def _page_data(explanation: Explanation, where: dict[Value, str]) -> dict[str, Any]:
    index = {v: i for i, v in enumerate(explanation.order)}
    steps = []
    for step in explanation:
        d = step.as_dict()
        d["node"] = where[step.node]
        d["edges"] = [
            e
            for t in step.terms
            for e in (edge_id(index[t.consumer], t.position), op_edge_id(index[t.consumer]))
        ]
        d["upstream"] = [where[t.consumer] for t in step.terms]
        steps.append(d)
    return {
        "output": explanation.names[explanation.root],
        "forward": explanation.forward_text().splitlines()[1:],
        "nodes": sorted(set(where.values())),
        "steps": steps,
    }


def stepper_fragment(
    root: Value,
    explanation: Steps | None = None,
    *,
    title: str | None = None,
    params: object = None,
    rankdir: str = "LR",
    max_nodes: int = 500,
    timeout: float | None = RENDER_TIMEOUT,
    view: str = "values",
    inputs: Sequence[str] | None = None,
    page: bool = False,
    practice: bool = False,
    nudge: bool = False,
    mistake: str | None = None,
    wrt: Value | Sequence[Value] | None = None,
) -> str:
    """The stepper for ``root`` as an HTML fragment, to put into any page (or notebook).

    Its ids all start with a prefix of its own, so a page may hold any number of
    steppers. ``explanation`` defaults to ``explain(root, params=params)`` (for a net
    with ``view="neurons"``, ``explain(root, view="neurons")``: a step per unit); pass
    one made with ``wrt=`` to step only through the paths to some Values (the
    other nodes are greyed out), or give ``wrt`` here (with or without one).
    ``title`` is shown at the top (plain text, escaped). ``view``, ``inputs``,
    ``params`` and ``rankdir`` are as
    `autograd.draw_graph`'s (``view="neurons"``: one box per unit of an MLP);
    ``page`` makes it fill the window (`stepper_html`). The graph is laid out by
    Graphviz, its ``dot`` program or, without it, the WebAssembly Graphviz that pip
    installs (`autograd.pages.render`); raises `autograd.pages.draw.RenderError` if that
    fails or takes more than ``timeout`` seconds (None: no limit).

    With ``practice=True``, the practice page instead (`autograd.pages.practice_page`):
    the learner types each local derivative and gradient (of a net's units, with
    ``view="neurons"``). Each step's nudge test is
    in the page, shown or hidden by a checkbox (``nudge=True``: ticked at first);
    ``mistake=KIND`` adds a second column beside each step: what that wrong backward
    pass leaves in the node (`autograd.teach.check.step_checks`).
    """
    if practice:
        return practice_fragment(
            root, explanation, title=title, params=params, rankdir=rankdir,
            max_nodes=max_nodes, timeout=timeout, view=view,
        )  # fmt: skip
    if isinstance(explanation, UnitExplanation):
        view = "neurons"  # a unit view's steps are units: drawn as units
    explanation = _steps(root, explanation, params, view, wrt, mistake)
    prefix = new_prefix()
    svg, where = _svg(root, explanation, prefix, params, rankdir, max_nodes, timeout, view, inputs)
    # The gradients reach the page only as data, for its script to show step by step.
    svg, cells = hide_gradients(svg, prefix)
    if isinstance(explanation, UnitExplanation):
        data = _unit_data(explanation, where)
        data["mistake"] = None
    else:
        data = _page_data(explanation, where)
        checks = step_checks(explanation, mistake)
        for d in data["steps"]:
            text = checks["nudge"][d["number"]]["text"]
            d["nudge"] = f"{text[0].upper()}{text[1:]}."
        data["mistake"] = checks.get("mistake")
    data["cells"] = cells
    label = f"Backpropagation stepper{': ' + title if title else ''}"
    return (
        fill(
            "stepper.html",
            "stepper",
            page_class=" ag-page" if page else "",
            prefix=prefix,
            label=html.escape(label, quote=True),
            css=asset("stepper.css"),
            titled=fill("widget.html", "titled", title=html.escape(title)) if title else "",
            steps=len(explanation),
            checked=" checked" if nudge else "",
            mistake=(
                fill("stepper.html", "mistake", title=html.escape(data["mistake"]["title"]))
                if mistake
                else ""
            ),
            svg=svg,
            scripts=widget_scripts(
                prefix,
                data,
                ("stepper-logic.js", "panzoom.js", "player.js", "stepper.js"),
                "agStepper",
            ),
        )
        + "\n"
    )


def stepper_html(root: Value, explanation: Steps | None = None, **options: Any) -> str:
    """The stepper as a page of its own, as a string (options as `stepper_fragment`);
    the graph fills the window below the panel. With ``practice=True``, the practice page."""
    if options.get("practice"):
        for key in ("practice", "nudge", "mistake"):  # the practice page asks; it shows no answers
            options.pop(key, None)
        return practice_html(root, explanation, **options)
    fragment = stepper_fragment(root, explanation, page=True, **options)
    return html_page(options.get("title") or "autograd stepper", fragment, "ag-stepper-page")


def write_stepper(
    path: str | os.PathLike[str],
    root: Value,
    explanation: Steps | None = None,
    **options: Any,
) -> None:
    """Write the stepper page for ``root`` to ``path`` atomically (options as `stepper_html`)."""
    page = stepper_html(root, explanation, **options)
    write_atomically(path, page.encode("utf-8"))


class Stepper:
    """The interactive stepper as an object Jupyter shows inline (`_repr_html_`), with no
    server and no extension; ``.html`` is the fragment, ``.save(path)`` writes a page."""

    def __init__(self, root: Value, explanation: Steps, options: dict[str, Any]) -> None:
        self.root, self.explanation, self.options = root, explanation, options
        self.html = stepper_fragment(root, explanation, **options)
        self._prefix = PREFIX.search(self.html).group(0)  # type: ignore[union-attr]

    def _repr_html_(self) -> str:
        # Shown twice in a notebook, it must be two widgets: each display gets ids of its
        # own (the prefix is random and appears nowhere but in ids and references to them).
        return self.html.replace(self._prefix, new_prefix())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the stepper as a page of its own (as `write_stepper`)."""
        write_stepper(path, self.root, self.explanation, **self.options)

    def __repr__(self) -> str:
        ex = self.explanation
        name = ex.output if isinstance(ex, UnitExplanation) else ex.names[self.root]
        return f"<Stepper of {len(ex)} steps for {name}>"


def show_steps(root: Value, explanation: Steps | None = None, **options: Any) -> Stepper:
    """The stepper of ``root``'s backward pass, for a notebook: a cell ending in
    ``show_steps(y)`` shows it inline. Options as `stepper_html`
    (``wrt`` too: ``show_steps(y, wrt=w)`` steps through the paths to ``w`` only;
    ``view="neurons"`` on a net steps unit by unit)."""
    steps = _steps(
        root,
        explanation,
        options.get("params"),
        options.get("view", "values"),
        options.pop("wrt", None),
        options.get("mistake"),
    )
    return Stepper(root, steps, options)
