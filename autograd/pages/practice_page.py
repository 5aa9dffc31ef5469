"""The practice page: the stepper's graph, with the learner typing each number of backward.

One self-contained HTML fragment-and-page (no network, works from ``file://``,
no server keeps any state): the graph with its forward values, gradients hidden
as ``grad ?``, and a panel that asks the questions of `autograd.teach.practice` in
backward order. A right answer (within `autograd.teach.practice.RTOL`) moves on; a
wrong one gets the hint of `autograd.teach.practice.hint` (which factor is off) and a
second try; **Reveal** shows the answer. When a step's gradient is found, it
appears in the node's box.

Several pages can share one document (a notebook with two practice cells): every
id carries a prefix unique to the instance, the script only looks inside its own
element, and keys are handled only while focus is inside it. The graph pans and zooms, with
a Fit button, as the stepper's does. Its markup, style and script are the files
``practice.html``, ``practice.css``, ``practice-logic.js`` and ``practice.js`` in ``static/``,
with the stepper's zoom limits (``stepper-logic.js``) and ``panzoom.js``, inlined by
`autograd.pages.assets`.
"""

from __future__ import annotations

import html
from typing import Any

from autograd.core.engine import Value
from autograd.core.notation import num
from autograd.pages.assets import asset, fill, html_page, new_prefix, widget_scripts
from autograd.pages.draw import RENDER_TIMEOUT, draw_graph, hide_gradients, inline_svg, node_id
from autograd.teach.explain import Explanation, explain
from autograd.teach.practice import (
    MAX_USES_TRIED,
    RTOL,
    questions,
    step_heading,
    unit_questions,
)
from autograd.teach.units import UnitExplanation

__all__ = ["practice_fragment", "practice_html"]


def _unit_data(units: UnitExplanation, where: dict[Value, str]) -> dict[str, Any]:
    """The questions of a net's units (`unit_questions`), each at its unit's box."""
    steps = {s.number: s for s in units}
    net = units.net
    qs = []
    for q in unit_questions(units):
        d = q.as_dict()
        step = steps[q.step]
        y = net.unit(step.unit).outputs[step.case]
        assert isinstance(y, Value)
        d["answer_text"] = num(q.answer)
        d["node"] = where[y]
        d["upstream"] = []
        d["headline"] = step_heading(step, len(units))
        # ∂E/∂y and ∂E/∂x are in the unit's box; a weight's gradient is not drawn.
        label = q.symbol.split("/∂")[-1]
        cell = {step.y_name: "∂E/∂y", step.x_name: "∂E/∂x"}.get(label)
        d["grad_text"] = f"{cell} {num(q.answer)}" if cell else ""
        qs.append(d)
    return {
        "rtol": RTOL,
        "max_uses": MAX_USES_TRIED,
        "questions": qs,
        "start": where[units.root],
        "start_text": "grad 1.000",
        "forward": "\n".join([units.case_line(), *units.header(), *units.forward_lines()]),
        # The drawing shows units, not weights: the page lists them, and the case's targets.
        "given": "\n".join([units.case_line(), *units.weight_lines()]),
        "output": units.names.get(units.root, "E"),
    }


def _data(explanation: Explanation) -> dict[str, Any]:
    index = {v: i for i, v in enumerate(explanation.order)}
    steps = {s.number: s for s in explanation}
    qs = []
    for q in questions(explanation):
        d = q.as_dict()
        step = steps[q.step]
        d["answer_text"] = num(q.answer)
        d["node"] = node_id(index[step.node])
        d["upstream"] = [node_id(index[t.consumer]) for t in step.terms]
        d["headline"] = step_heading(step, len(explanation))
        d["grad_text"] = f"grad {num(step.grad)}"
        qs.append(d)
    root_step = explanation[0]
    return {
        "rtol": RTOL,
        "max_uses": MAX_USES_TRIED,
        "questions": qs,
        "start": node_id(index[root_step.node]),
        "start_text": f"grad {num(root_step.grad)}",
        "forward": explanation.forward_text(),
        "output": explanation.names[explanation.root],
    }


def practice_fragment(
    root: Value,
    explanation: Explanation | UnitExplanation | None = None,
    *,
    title: str | None = None,
    params: object = None,
    rankdir: str = "LR",
    max_nodes: int = 500,
    timeout: float | None = RENDER_TIMEOUT,
    view: str = "values",
) -> str:
    """The practice widget as an HTML fragment (a ``<div>`` with its style and script).

    ``view="neurons"`` (or a unit view from ``explain(E, view="neurons")``) asks a net's
    units: ∂E/∂y_j, ∂E/∂x_j and each ∂E/∂w_ji, on the neuron-view drawing."""
    if explanation is not None and explanation.root is not root:
        raise ValueError("practice_fragment: the explanation is of another root")
    if explanation is None:
        explanation = explain(
            root, params=params, view="neurons" if view == "neurons" else "values"
        )
    units = isinstance(explanation, UnitExplanation)
    prefix = new_prefix()
    where: dict[Value, str] = {}
    graph = draw_graph(
        root,
        rankdir=rankdir,
        max_nodes=max_nodes,
        params=params,
        grads=explanation.grads,
        view="neurons" if units else "values",
        ids=where,
    )
    # Every gradient is hidden (in a unit's box, ∂E/∂y and ∂E/∂x); the script shows each
    # once it is found. The answers are in the page's data only.
    svg, _ = hide_gradients(inline_svg(graph, prefix, timeout), prefix, last_only=not units)
    if isinstance(explanation, UnitExplanation):
        data = _unit_data(explanation, where)
    else:
        data = _data(explanation)
    return fill(
        "practice.html",
        "practice",
        prefix=prefix,
        css=asset("practice.css"),
        titled=fill("widget.html", "titled", title=html.escape(title)) if title else "",
        output=html.escape(data["output"]),
        rtol=f"{RTOL:.0%}",
        svg=svg,
        scripts=widget_scripts(
            prefix,
            data,
            # The stepper's zoom limits and Fit (stepper-logic.js), with its pan and zoom.
            ("stepper-logic.js", "panzoom.js", "practice-logic.js", "practice.js"),
            "agPractice",
        ),
    )


def practice_html(
    root: Value, explanation: Explanation | UnitExplanation | None = None, **options: Any
) -> str:
    """The practice page for ``root`` (options as `practice_fragment`)."""
    fragment = practice_fragment(root, explanation, **options)
    return html_page(options.get("title") or "autograd practice", fragment, "ag-practice-page")
