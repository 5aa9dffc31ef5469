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
import re
from typing import Any

from autograd.core.engine import Value
from autograd.core.notation import num
from autograd.pages.assets import asset, fill, html_page, new_prefix, widget_scripts
from autograd.pages.draw import RENDER_TIMEOUT, draw_graph, inline_svg, node_id
from autograd.teach.explain import Explanation, explain
from autograd.teach.practice import MAX_USES_TRIED, RTOL, questions, step_heading

__all__ = ["practice_fragment", "practice_html"]


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


# Where each node, edge or cluster of an SVG drawing begins (nested groups stay inside).
_ITEM = re.compile(r'(?=<g id="[^"]*" class="(?:node|edge|cluster)">)')
_TEXT = re.compile(r"(<text\b[^>]*)>(grad [^<]*)<")


def _hide_gradients(svg: str) -> str:
    """Every gradient starts hidden (``grad ?``); the script shows each once it is found.

    A box's gradient is its last cell: only that text is hidden, so a node named
    ``grad 5`` keeps its name.
    """
    parts = _ITEM.split(svg)
    for k, part in enumerate(parts):
        if part.startswith("<g ") and 'class="node"' in part[:200]:
            texts = list(_TEXT.finditer(part))
            if texts:
                t = texts[-1]
                hidden = f'{t.group(1)} class="grad-hidden">grad ?<'
                parts[k] = part[: t.start()] + hidden + part[t.end() :]
    return "".join(parts)


def practice_fragment(
    root: Value,
    explanation: Explanation | None = None,
    *,
    title: str | None = None,
    params: object = None,
    rankdir: str = "LR",
    max_nodes: int = 500,
    timeout: float | None = RENDER_TIMEOUT,
) -> str:
    """The practice widget as an HTML fragment (a ``<div>`` with its style and script)."""
    if explanation is None:
        explanation = explain(root, params=params)
    elif explanation.root is not root:
        raise ValueError("practice_fragment: the explanation is of another root")
    prefix = new_prefix()
    graph = draw_graph(
        root, rankdir=rankdir, max_nodes=max_nodes, params=params, grads=explanation.grads
    )
    svg = inline_svg(graph, prefix, timeout)
    svg = _hide_gradients(svg)
    return fill(
        "practice.html",
        "practice",
        prefix=prefix,
        css=asset("practice.css"),
        titled=fill("widget.html", "titled", title=html.escape(title)) if title else "",
        output=html.escape(explanation.names[explanation.root]),
        rtol=f"{RTOL:.0%}",
        svg=svg,
        scripts=widget_scripts(
            prefix,
            _data(explanation),
            # The stepper's zoom limits and Fit (stepper-logic.js), with its pan and zoom.
            ("stepper-logic.js", "panzoom.js", "practice-logic.js", "practice.js"),
            "agPractice",
        ),
    )


def practice_html(root: Value, explanation: Explanation | None = None, **options: Any) -> str:
    """The practice page for ``root`` (options as `practice_fragment`)."""
    fragment = practice_fragment(root, explanation, **options)
    return html_page(options.get("title") or "autograd practice", fragment, "ag-practice-page")
