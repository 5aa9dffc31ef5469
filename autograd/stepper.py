"""The HTML stepper: one self-contained page that walks backpropagation node by node.

The page holds the graph as inline SVG (laid out once by Graphviz, with every
gradient already known, so nothing moves), the steps of `autograd.explain` as
JSON, and a little JavaScript that, on Next/Prev or the arrow keys, highlights
the current node and the edges its gradient comes through, shows its gradient
in its box, and prints that step's chain rule with numbers. No network, no
external files: it opens from ``file://``.

All user text (labels, expression, title) reaches the page escaped: the SVG is
written by Graphviz from escaped labels, the steps travel as JSON inside a
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and
the script inserts them with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from typing import Any

from autograd.check import step_notes
from autograd.draw import RENDER_TIMEOUT, draw_graph, edge_id, node_id, op_edge_id, render
from autograd.engine import Value
from autograd.explain import Explanation, explain
from autograd.files import write_atomically
from autograd.notation import num
from autograd.practice_page import practice_html

__all__ = ["stepper_html", "write_stepper"]


def _finite(data: object) -> object:
    """``data`` with inf and nan as the strings "inf", "-inf", "nan": JSON has no such
    numbers, and the browser's JSON.parse rejects the ``NaN`` Python would write."""
    if isinstance(data, float) and not math.isfinite(data):
        return str(data)
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def _json_for_script(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment, whatever it holds."""
    text = json.dumps(_finite(data), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _svg(
    root: Value,
    explanation: Explanation,
    params: object,
    rankdir: str,
    max_nodes: int,
    timeout: float | None,
) -> str:
    graph = draw_graph(
        root, rankdir=rankdir, max_nodes=max_nodes, params=params, grads=explanation.grads
    )
    svg = render(graph, "svg", timeout).decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: this is inline SVG
    # Graphviz titles every node with its id, which browsers show as a tooltip: noise here.
    return re.sub(r"<title>[^<]*</title>\n?", "", svg)


def _page_data(explanation: Explanation) -> dict[str, Any]:
    index = {v: i for i, v in enumerate(explanation.order)}
    steps = []
    for step in explanation:
        d = step.as_dict()
        d["node"] = node_id(index[step.node])
        d["edges"] = [
            e
            for t in step.terms
            for e in (edge_id(index[t.consumer], t.position), op_edge_id(index[t.consumer]))
        ]
        d["upstream"] = [node_id(index[t.consumer]) for t in step.terms]
        d["grad_text"] = f"grad {num(step.grad)}"
        steps.append(d)
    return {
        "output": explanation.names[explanation.root],
        "forward": explanation.forward_text().splitlines()[1:],
        "nodes": [node_id(i) for i in range(len(explanation.order))],
        "steps": steps,
    }


_CSS = """
body { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 0; color: #222; background: #fafafa; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd;
         padding: 10px 16px; z-index: 1; }
h1 { font-size: 17px; margin: 0 0 6px; }
h1 code { font-size: 16px; background: #f0f0f0; padding: 1px 5px; border-radius: 3px; }
.controls { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
button { font: inherit; padding: 3px 14px; border: 1px solid #888; border-radius: 4px;
         background: #f4f4f4; cursor: pointer; }
button:disabled { opacity: 0.4; cursor: default; }
#counter { color: #555; margin-left: 6px; }
/* A fixed height, so that the graph below never moves when the text changes. */
#panel { height: 10.5em; overflow-y: auto; }
#headline { font-weight: 600; }
#note { color: #555; }
#math { font: 14px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
        margin: 4px 0 0; white-space: pre-wrap; }
#graph { padding: 12px 16px; overflow: auto; }
#graph svg { display: block; max-width: 100%; height: auto; }
.legend { font-size: 13px; color: #555; padding: 0 16px 16px; }
.swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #999;
          vertical-align: -1px; margin: 0 3px 0 12px; }
g.node.current polygon { stroke: #d62728; stroke-width: 2.5px; }
g.node.current polygon:first-of-type { fill: #ffe9a8; }
g.node.upstream polygon { stroke: #ff7f0e; stroke-width: 1.8px; }
g.edge.active path { stroke: #d62728; stroke-width: 2.5px; }
g.edge.active polygon { stroke: #d62728; fill: #d62728; }
g.node text.grad-hidden { fill: #aaa; }
g.node text.grad-known { fill: #0b6e2b; }
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("autograd-steps").textContent);
  var steps = data.steps;
  var current = -1;
  var grads = {};
  data.nodes.forEach(function (id) {
    var g = document.getElementById(id);
    if (!g) return;
    var texts = g.querySelectorAll("text"), found = null;
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].textContent.indexOf("grad ") === 0) found = texts[i];
    }
    if (found) grads[id] = { el: found, full: found.textContent };
  });
  function byId(id) { return document.getElementById(id); }
  function set(id, text) { byId(id).textContent = text; }
  function render() {
    ["current", "active", "upstream"].forEach(function (cls) {
      document.querySelectorAll("." + cls).forEach(function (el) { el.classList.remove(cls); });
    });
    var known = {};
    for (var k = 0; k <= current; k++) known[steps[k].node] = true;
    Object.keys(grads).forEach(function (id) {
      var g = grads[id];
      g.el.textContent = known[id] ? g.full : "grad ?";
      g.el.classList.toggle("grad-known", !!known[id]);
      g.el.classList.toggle("grad-hidden", !known[id]);
    });
    if (current < 0) {
      set("counter", "forward pass");
      set("headline", "Forward pass: every box shows its value (data).");
      set("note", "Press Next (or \\u2192) to run backward one node at a time, " +
                  "from the output " + data.output + " back to the inputs.");
      set("math", data.forward.join("\\n"));
    } else {
      var s = steps[current];
      var node = byId(s.node);
      if (node) node.classList.add("current");
      s.edges.forEach(function (id) { var e = byId(id); if (e) e.classList.add("active"); });
      s.upstream.forEach(function (id) { var u = byId(id); if (u) u.classList.add("upstream"); });
      set("counter", "step " + s.number + " of " + steps.length);
      set("headline", s.headline);
      set("note", s.note);
      var lines = [s.equation];
      if (s.terms.length) {
        lines.push(" ".repeat(s.equation.indexOf(" = ") + 1) + s.arithmetic);
        s.terms.forEach(function (t, i) { lines.push((i ? "      " : "where ") + t.local_text); });
      }
      set("math", lines.join("\\n"));
    }
    byId("prev").disabled = current < 0;
    byId("next").disabled = current >= steps.length - 1;
    document.body.setAttribute("data-step", String(current));
  }
  function go(delta) {
    var to = Math.max(-1, Math.min(steps.length - 1, current + delta));
    if (to !== current) { current = to; render(); }
  }
  byId("next").addEventListener("click", function () { go(1); });
  byId("prev").addEventListener("click", function () { go(-1); });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "ArrowRight") { go(1); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft") { go(-1); ev.preventDefault(); }
  });
  render();
})();
"""

_LEGEND = (
    '<span class="swatch" style="background:#fddcb5"></span>parameter'
    '<span class="swatch" style="background:#cfe5f7"></span>input'
    '<span class="swatch" style="border-style:dashed"></span>constant'
    '<span class="swatch" style="background:#ffe9a8;border-color:#d62728"></span>current step'
    '<span class="swatch" style="border-color:#ff7f0e"></span>where its gradient comes from'
)


def stepper_html(
    root: Value,
    explanation: Explanation | None = None,
    *,
    title: str | None = None,
    params: object = None,
    rankdir: str = "LR",
    max_nodes: int = 500,
    timeout: float | None = RENDER_TIMEOUT,
    practice: bool = False,
    nudge: bool = False,
    mistake: str | None = None,
) -> str:
    """The stepper page for ``root`` as a string (see the module docstring).

    With ``practice=True``, the practice page instead (`autograd.practice_page`):
    the learner types each local derivative and gradient. ``nudge=True`` adds each
    step's nudge test to its note, ``mistake=KIND`` what that wrong backward pass
    leaves in the node (`autograd.check.step_notes`).

    ``explanation`` defaults to ``explain(root, params=params)``; pass one made
    with ``wrt=`` to step only through the paths to some Values. ``title`` is
    shown at the top (plain text, escaped). Needs Graphviz's ``dot`` to lay out
    the graph, and raises `autograd.draw.RenderError` if it fails or takes more
    than ``timeout`` seconds (None: no limit).
    """
    if practice:
        return practice_html(
            root, explanation, title=title, params=params, rankdir=rankdir,
            max_nodes=max_nodes, timeout=timeout,
        )  # fmt: skip
    if explanation is None:
        explanation = explain(root, params=params)
    elif explanation.root is not root:
        raise ValueError("stepper_html: the explanation is of another root")
    svg = _svg(root, explanation, params, rankdir, max_nodes, timeout)
    data = _page_data(explanation)
    notes = step_notes(explanation, nudge, mistake)
    for d in data["steps"]:
        d["note"] = " ".join(filter(None, [d["note"], notes.get(d["number"])]))
    steps_json = _json_for_script(data)
    heading = "Backpropagation, step by step"
    if title:
        heading += f": <code>{html.escape(title)}</code>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title or "autograd stepper")}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{heading}</h1>
<div class="controls">
<button id="prev" type="button">&#9664; Prev</button>
<button id="next" type="button">Next &#9654;</button>
<span id="counter"></span>
</div>
<div id="panel">
<div id="headline"></div>
<div id="note"></div>
<pre id="math"></pre>
</div>
</header>
<div id="graph">
{svg}
</div>
<div class="legend">{_LEGEND}</div>
<script type="application/json" id="autograd-steps">{steps_json}</script>
<script>{_JS}</script>
</body>
</html>
"""


def write_stepper(
    path: str | os.PathLike[str],
    root: Value,
    explanation: Explanation | None = None,
    **options: Any,
) -> None:
    """Write the stepper page for ``root`` to ``path`` atomically (options as `stepper_html`)."""
    page = stepper_html(root, explanation, **options)
    write_atomically(path, page.encode("utf-8"))
