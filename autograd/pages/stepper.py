"""The HTML stepper: one self-contained page that walks backpropagation node by node.

The page holds the graph as inline SVG (laid out once by Graphviz, with every
gradient already known, so nothing moves), the steps of `autograd.teach.explain` as
JSON, and a little JavaScript that, on Next/Prev, the keys, the slider, a click
on a node or autoplay, highlights the current node and the edges its gradient
comes through, shows its gradient in its box, and prints that step's chain rule
with numbers. The graph is shown at its natural size (Graphviz's 12 pt node text
is 16 CSS px at 100 %), with pan and zoom. No network, no external files: it
opens from ``file://``.

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
import json
import math
import os
import secrets
from collections.abc import Sequence
from typing import Any

from autograd.core.engine import Value
from autograd.core.files import write_atomically
from autograd.core.notation import num
from autograd.pages.draw import RENDER_TIMEOUT, draw_graph, edge_id, inline_svg, op_edge_id
from autograd.pages.practice_page import practice_fragment, practice_html
from autograd.teach.check import step_checks
from autograd.teach.explain import Explanation, explain

__all__ = [
    "Stepper",
    "show_steps",
    "stepped_nodes",
    "stepper_fragment",
    "stepper_html",
    "write_stepper",
]


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


def stepped_nodes(explanation: Explanation) -> list[Value] | None:
    """The nodes an explanation made with ``wrt=`` steps through (the paths from the
    ``wrt`` Values to the root), to pass as `autograd.draw_graph`'s ``wrt`` so that
    the rest is greyed out; None when it steps through every node."""
    if len(explanation) == len(explanation.order):
        return None
    return [step.node for step in explanation]


def _svg(
    root: Value,
    explanation: Explanation,
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
        d["grad_text"] = f"grad {num(step.grad)}"
        steps.append(d)
    return {
        "output": explanation.names[explanation.root],
        "forward": explanation.forward_text().splitlines()[1:],
        "nodes": sorted(set(where.values())),
        "steps": steps,
    }


# Scoped to the stepper's own element: in a notebook or a course page, nothing leaks out.
_CSS = """
.ag-stepper { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  color: #222; background: #fafafa; border: 1px solid #ddd; border-radius: 6px;
  box-sizing: border-box; max-width: 100%; position: relative; text-align: left; }
/* As a page of its own, the stepper fills the window and only the graph's box scrolls. */
.ag-stepper.ag-page { border: 0; border-radius: 0; height: 100vh; display: flex;
  flex-direction: column; }
/* There the panel takes the height its text needs and the graph the rest (at least 220 px);
   only when both cannot fit does the panel scroll. */
.ag-stepper.ag-page .ag-view { flex: 1 1 0; min-height: 220px; max-height: none; }
.ag-stepper.ag-page .ag-head { flex: 0 1 auto; min-height: 0; display: flex;
  flex-direction: column; }
.ag-stepper.ag-page .ag-panel { flex: 0 1 auto; max-height: none; }
.ag-stepper:focus { outline: none; }
.ag-stepper:focus-visible { outline: 2px solid #4a7fd6; outline-offset: -2px; }
.ag-stepper .ag-head { background: #fff; border-bottom: 1px solid #ddd; padding: 8px 14px;
  border-radius: 6px 6px 0 0; }
.ag-stepper .ag-title { font-size: 17px; font-weight: 600; margin: 0 0 6px;
  overflow-wrap: anywhere; }
.ag-stepper .ag-title code { font-size: 16px; background: #f0f0f0; padding: 1px 5px;
  border-radius: 3px; white-space: pre-wrap; overflow-wrap: anywhere; }
.ag-stepper .ag-controls { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; }
.ag-stepper button { font: inherit; padding: 3px 12px; min-height: 32px; border: 1px solid #888;
  border-radius: 4px; background: #f4f4f4; color: #222; cursor: pointer; }
.ag-stepper button:disabled { opacity: 0.4; cursor: default; }
.ag-stepper .ag-slider { flex: 1 1 140px; min-width: 100px; margin: 0; }
.ag-stepper .ag-counter { color: #555; white-space: nowrap; min-width: 8.5em; }
.ag-stepper .ag-zoom { display: flex; gap: 4px; align-items: center; }
.ag-stepper .ag-zoom button { padding: 3px 9px; }
.ag-stepper .ag-scale { color: #555; min-width: 3.2em; text-align: right; font-size: 13px; }
/* Embedded, the panel grows with its text up to 30 % of the window, then scrolls: no line is
   cut. A page of its own lets it take what it needs (see .ag-page above). */
.ag-stepper .ag-panel { margin-top: 6px; min-height: 6.5em; max-height: 30vh; overflow: auto; }
.ag-stepper .ag-headline { font-weight: 600; overflow-wrap: anywhere; }
.ag-stepper .ag-note { color: #555; }
.ag-stepper .ag-math { font: 14px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
/* A chosen mistake is a second column beside the chain rule, apart from it in colour. */
.ag-stepper .ag-cols { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: flex-start; }
.ag-stepper .ag-cols .ag-math { flex: 1 1 24em; }
.ag-stepper .ag-mistake { flex: 1 1 18em; margin-top: 4px; padding: 4px 10px;
  border-left: 4px solid #c0392b; background: #fdf0ee; }
.ag-stepper .ag-mistake-title { font-weight: 600; color: #8e2a1f; }
.ag-stepper .ag-mistake-step, .ag-stepper .ag-nudge { font: 14px/1.45 ui-monospace,
  "DejaVu Sans Mono", Menlo, Consolas, monospace; margin: 2px 0; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.ag-stepper .ag-mistake-why { color: #555; }
.ag-stepper .ag-nudge { color: #1d5e8c; }
.ag-stepper.ag-hide-nudge .ag-nudge { display: none; }
.ag-stepper .ag-nudge-toggle { white-space: nowrap; color: #333; }
.ag-stepper .ag-view { overflow: auto; max-height: 70vh; touch-action: none; cursor: grab;
  background: #fff; padding: 8px; box-sizing: border-box; }
.ag-stepper .ag-view.ag-dragging { cursor: grabbing; }
.ag-stepper .ag-view svg { display: block; max-width: none; }
.ag-stepper .ag-legend { font-size: 13px; color: #555; padding: 6px 14px 10px;
  border-top: 1px solid #eee; }
.ag-stepper .ag-keys { margin-top: 2px; }
.ag-stepper .ag-keys summary { cursor: pointer; }
.ag-stepper .ag-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #999;
  vertical-align: -1px; margin: 0 3px 0 12px; }
.ag-stepper .ag-sr { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.ag-stepper g.node[id] { cursor: pointer; }
.ag-stepper g.node.current polygon { stroke: #d62728; stroke-width: 2.5px; }
.ag-stepper g.node.current polygon:first-of-type { fill: #ffe9a8; }
.ag-stepper g.node.upstream polygon { stroke: #ff7f0e; stroke-width: 1.8px; }
.ag-stepper g.edge.active path { stroke: #d62728; stroke-width: 2.5px; }
.ag-stepper g.edge.active polygon { stroke: #d62728; fill: #d62728; }
.ag-stepper g.node text.grad-hidden { fill: #aaa; }
.ag-stepper g.node text.grad-known { fill: #0b6e2b; }
.ag-stepper g.node text.grad-bad { fill: #a00000; font-weight: bold; }
.ag-stepper g.node polygon.ag-unseen { fill: transparent; }
"""

# One closure per stepper, given its root element: it only ever looks inside it (and up
# its own prefixed ids), so any number of steppers share a page.
_JS = """
(function (root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var P = root.getAttribute("data-prefix");
  var data = JSON.parse(document.getElementById(P + "steps").textContent);
  var steps = data.steps, M = steps.length, current = -1, scale = 1, timer = null;
  var tallest = 0;
  function q(cls) { return root.querySelector("." + cls); }
  function el(id) { return document.getElementById(P + id); }
  function set(cls, text) { q(cls).textContent = text; }
  var view = q("ag-view"), svg = view.querySelector("svg");
  var prevB = q("ag-prev"), nextB = q("ag-next"), playB = q("ag-play");
  var slider = q("ag-slider"), live = q("ag-live"), nudgeBox = q("ag-nudge-box");
  var wrong = data.mistake;
  var grads = {}, stepOf = {};
  steps.forEach(function (s, k) { if (!(s.node in stepOf)) stepOf[s.node] = k; });
  data.nodes.forEach(function (id) {
    var g = el(id);
    if (!g) return;
    var texts = g.querySelectorAll("text"), found = null;
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].textContent.indexOf("grad ") === 0) found = texts[i];
    }
    if (found) {
      grads[id] = { el: found, full: found.textContent,
                    bad: /^grad -?(inf|nan)/.test(found.textContent),
                    cells: g.querySelectorAll('polygon[fill="#f8c4c4"]') };
    }
  });

  // The graph at its natural size (Graphviz's points are 4/3 CSS px), zoomed by `scale`.
  var box = svg.viewBox.baseVal, naturalW = box.width * 4 / 3, naturalH = box.height * 4 / 3;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  function zoomTo(s, cx, cy) {
    s = Math.max(0.1, Math.min(4, s));
    var r = view.getBoundingClientRect();
    if (cx === undefined) {
      cx = r.left + view.clientWidth / 2;
      cy = r.top + view.clientHeight / 2;
    }
    var x = view.scrollLeft + cx - r.left, y = view.scrollTop + cy - r.top, k = s / scale;
    scale = s;
    svg.style.width = naturalW * s + "px";
    svg.style.height = naturalH * s + "px";
    view.scrollLeft = x * k - (cx - r.left);
    view.scrollTop = y * k - (cy - r.top);
    set("ag-scale", Math.round(s * 100) + "%");
  }
  function fit() {
    var pad = 16;
    zoomTo(Math.min(1.5, (view.clientWidth - pad) / naturalW,
                    (Math.min(view.clientHeight, window.innerHeight * 0.7) - pad) / naturalH));
  }
  // The current node is scrolled into the view, within the graph's box only (never the page).
  function reveal(g) {
    if (!g) return;
    var r = g.getBoundingClientRect(), v = view.getBoundingClientRect(), m = 16;
    if (r.left < v.left + m || r.right > v.right - m) {
      view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
    }
    if (r.top < v.top + m || r.bottom > v.bottom - m) {
      view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
    }
  }

  function render() {
    ["current", "active", "upstream"].forEach(function (cls) {
      root.querySelectorAll("." + cls).forEach(function (e) { e.classList.remove(cls); });
    });
    var known = {};
    for (var k = 0; k <= current; k++) known[steps[k].node] = true;
    Object.keys(grads).forEach(function (id) {
      var g = grads[id], seen = !!known[id];
      g.el.textContent = seen ? g.full : "grad ?";
      g.el.classList.toggle("grad-known", seen && !g.bad);
      g.el.classList.toggle("grad-bad", seen && g.bad);
      g.el.classList.toggle("grad-hidden", !seen);
      g.cells.forEach(function (c) { c.classList.toggle("ag-unseen", !seen); });
    });
    var counter, headline;
    if (current < 0) {
      counter = "forward pass";
      headline = "Forward pass: every box shows its value (data).";
      set("ag-note", "Press Next (or \\u2192) to run backward one node at a time, " +
                     "from the output " + data.output + " back to the inputs.");
      set("ag-math", data.forward.join("\\n"));
      set("ag-nudge", "");
      if (wrong) {
        set("ag-mistake-step", wrong.note ||
            "Step backward: beside each step, what this wrong pass leaves in the node.");
        set("ag-mistake-why", "");
      }
    } else {
      var s = steps[current];
      var node = el(s.node);
      if (node) node.classList.add("current");
      s.edges.forEach(function (id) { var e = el(id); if (e) e.classList.add("active"); });
      s.upstream.forEach(function (id) { var u = el(id); if (u) u.classList.add("upstream"); });
      counter = "step " + s.number + " of " + M;
      headline = s.headline;
      set("ag-note", s.note);
      set("ag-math", s.lines.join("\\n"));
      set("ag-nudge", s.nudge);
      if (wrong) {
        var mine = wrong.by_step[String(s.number)];
        // Per node when the wrong pass ran on this graph; else the pass's own summary.
        set("ag-mistake-step", mine ? mine.text : wrong.note);
        set("ag-mistake-why", !mine || mine.first ? wrong.why : "");
      }
      reveal(node);
    }
    set("ag-counter", counter);
    set("ag-headline", headline);
    live.textContent = counter + ": " + headline;
    prevB.disabled = current < 0;
    nextB.disabled = current >= M - 1;
    slider.value = String(current + 1);
    slider.setAttribute("aria-valuetext", counter);
    root.setAttribute("data-step", String(current));
    // A page's panel keeps the height of the tallest step seen so far, so that the graph
    // below it moves down a few times at most instead of jumping at every step (the
    // forward pass, a listing of every node, does not count: it may take what it needs).
    if (root.classList.contains("ag-page")) {
      var panel = q("ag-panel");
      panel.style.minHeight = "";
      if (current >= 0) {
        tallest = Math.max(tallest, panel.scrollHeight);
        panel.style.minHeight = Math.min(tallest, window.innerHeight * 0.6) + "px";
      }
    }
  }
  function goTo(to) {
    to = Math.max(-1, Math.min(M - 1, to));
    if (to !== current) { current = to; render(); }
  }
  function stop() {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    playB.textContent = "\\u25B6 Play";
    playB.setAttribute("aria-pressed", "false");
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= M - 1) goTo(-1);
    timer = setInterval(function () { if (current >= M - 1) stop(); else goTo(current + 1); },
                        1200);
    playB.textContent = "\\u275A\\u275A Pause";
    playB.setAttribute("aria-pressed", "true");
  }
  function user(to) { stop(); goTo(to); }

  nextB.addEventListener("click", function () { user(current + 1); });
  prevB.addEventListener("click", function () { user(current - 1); });
  playB.addEventListener("click", play);
  slider.addEventListener("input", function () { user(Number(slider.value) - 1); });
  q("ag-in").addEventListener("click", function () { zoomTo(scale * 1.25); });
  q("ag-out").addEventListener("click", function () { zoomTo(scale / 1.25); });
  q("ag-fit").addEventListener("click", fit);
  function showNudge() { root.classList.toggle("ag-hide-nudge", !nudgeBox.checked); }
  nudgeBox.addEventListener("change", showNudge);
  showNudge();

  // Keys act only for the stepper that has the focus, or else the one under the pointer,
  // and never while the user types (a text field, a notebook's cell editor).
  var hovered = false;
  root.addEventListener("pointerenter", function () { hovered = true; });
  root.addEventListener("pointerleave", function () { hovered = false; });
  function typing(t) {
    if (!t || t === slider || t === nudgeBox) return false;
    var tag = t.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || !!t.isContentEditable;
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) return;
    var active = document.activeElement;
    var owner = active && active.closest ? active.closest(".ag-stepper") : null;
    if (owner ? owner !== root : !hovered) return;
    if (typing(ev.target)) return;
    var key = ev.key;
    var pressable = ev.target.tagName === "BUTTON" || ev.target === nudgeBox;
    if (pressable && (key === " " || key === "Enter")) return;
    if (key === "ArrowRight" || key === "PageDown" || (key === " " && !ev.shiftKey)) {
      user(current + 1);
    } else if (key === "ArrowLeft" || key === "PageUp" || key === " ") {
      user(current - 1);
    } else if (key === "Home") {
      user(-1);
    } else if (key === "End") {
      user(M - 1);
    } else if (key === "+" || key === "=") {
      zoomTo(scale * 1.25);
    } else if (key === "-") {
      zoomTo(scale / 1.25);
    } else {
      return;
    }
    ev.preventDefault();
  });

  // Pan by dragging (mouse or one finger), zoom by pinching or by Ctrl + wheel (which is
  // also what a trackpad pinch sends); a plain wheel scrolls, as everywhere else.
  view.addEventListener("wheel", function (ev) {
    if (!ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    zoomTo(scale * Math.exp(-ev.deltaY * 0.002), ev.clientX, ev.clientY);
  }, { passive: false });
  var pointers = {}, pinch = null, dragged = false;
  function spread() {
    var ids = Object.keys(pointers), a = pointers[ids[0]], b = pointers[ids[1]];
    return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  view.addEventListener("pointerdown", function (ev) {
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    pointers[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
    dragged = false;
    if (Object.keys(pointers).length === 2) pinch = { d: spread().d, s: scale };
  });
  view.addEventListener("pointermove", function (ev) {
    var p = pointers[ev.pointerId];
    if (!p) return;
    var dx = ev.clientX - p.x, dy = ev.clientY - p.y;
    if (pinch) {
      p.x = ev.clientX; p.y = ev.clientY;
      var now = spread();
      if (pinch.d > 0) zoomTo(pinch.s * now.d / pinch.d, now.x, now.y);
      dragged = true;
      return;
    }
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
    if (!dragged) { dragged = true; view.classList.add("ag-dragging"); }
    view.scrollLeft -= dx;
    view.scrollTop -= dy;
    p.x = ev.clientX; p.y = ev.clientY;
  });
  function lift(ev) {
    delete pointers[ev.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    view.classList.remove("ag-dragging");
  }
  view.addEventListener("pointerup", lift);
  view.addEventListener("pointercancel", lift);
  view.addEventListener("click", function (ev) {
    if (dragged) { dragged = false; return; }
    var g = ev.target.closest ? ev.target.closest("g.node") : null;
    if (!g || g.id.indexOf(P) !== 0) return;
    var id = g.id.slice(P.length).replace(/_op$/, "");
    if (id in stepOf) { root.focus({ preventScroll: true }); user(stepOf[id]); }
  });

  zoomTo(1);
  render();
  // A page of its own has one stepper: it takes the keys from the start (a presenter's
  // clicker, a keyboard user) without a click or the pointer over it first.
  if (root.classList.contains("ag-page") && document.activeElement === document.body) {
    root.focus({ preventScroll: true });
  }
})(document.getElementById(ROOT_ID));
"""

_LEGEND = (
    '<span class="ag-swatch" style="background:#fddcb5"></span>parameter'
    '<span class="ag-swatch" style="background:#cfe5f7"></span>input'
    '<span class="ag-swatch" style="border-style:dashed"></span>constant'
    '<span class="ag-swatch" style="background:#ffe9a8;border-color:#d62728"></span>current step'
    '<span class="ag-swatch" style="border-color:#ff7f0e"></span>where its gradient comes from'
    '<span class="ag-swatch" style="background:#f8c4c4"></span>gradient inf or nan (⚠)'
    '<span class="ag-swatch" style="background:#f4f4f4;border-color:#ccc"></span>'
    "not on the paths stepped through"
    # Folded, so that a phone keeps its height for the graph.
    '<details class="ag-keys"><summary>Keys and pointer</summary>With the pointer over the '
    "stepper, or after a click in it: ← → Space PageUp PageDown step (Shift+Space back), "
    "Home End first and last, + − zoom. Drag to pan, pinch or Ctrl + wheel to zoom, click "
    "a node to go to its step.</details>"
)


def stepper_fragment(
    root: Value,
    explanation: Explanation | None = None,
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
) -> str:
    """The stepper for ``root`` as an HTML fragment, to put into any page (or notebook).

    Its ids all start with a prefix of its own, so a page may hold any number of
    steppers. ``explanation`` defaults to ``explain(root, params=params)``; pass
    one made with ``wrt=`` to step only through the paths to some Values (the
    other nodes are greyed out). ``title`` is shown at the top (plain text,
    escaped). ``view``, ``inputs``, ``params`` and ``rankdir`` are as
    `autograd.draw_graph`'s (``view="neurons"``: one box per unit of an MLP);
    ``page`` makes it fill the window (`stepper_html`). Needs Graphviz's ``dot``
    to lay out the graph, and raises `autograd.pages.draw.RenderError` if it fails or
    takes more than ``timeout`` seconds (None: no limit).

    With ``practice=True``, the practice page instead (`autograd.pages.practice_page`):
    the learner types each local derivative and gradient. Each step's nudge test is
    in the page, shown or hidden by a checkbox (``nudge=True``: ticked at first);
    ``mistake=KIND`` adds a second column beside each step: what that wrong backward
    pass leaves in the node (`autograd.teach.check.step_checks`).
    """
    if practice:
        return practice_fragment(
            root, explanation, title=title, params=params, rankdir=rankdir,
            max_nodes=max_nodes, timeout=timeout,
        )  # fmt: skip
    if explanation is None:
        explanation = explain(root, params=params)
    elif explanation.root is not root:
        raise ValueError("stepper_html: the explanation is of another root")
    prefix = f"ag{secrets.token_hex(4)}-"
    svg, where = _svg(root, explanation, prefix, params, rankdir, max_nodes, timeout, view, inputs)
    data = _page_data(explanation, where)
    checks = step_checks(explanation, mistake)
    for d in data["steps"]:
        text = checks["nudge"][d["number"]]["text"]
        d["nudge"] = f"{text[0].upper()}{text[1:]}."
    data["mistake"] = checks.get("mistake")
    mistake_column = (
        '<div class="ag-mistake" role="note">'
        f'<div class="ag-mistake-title">{html.escape(data["mistake"]["title"])}</div>'
        '<pre class="ag-mistake-step"></pre><div class="ag-mistake-why"></div></div>'
        if mistake
        else ""
    )
    steps_json = _json_for_script(data)
    heading = "Backpropagation, step by step"
    if title:
        heading += f": <code>{html.escape(title)}</code>"
    label = html.escape(f"Backpropagation stepper{': ' + title if title else ''}", quote=True)
    steps = len(explanation)
    script = _JS.replace("ROOT_ID", json.dumps(prefix + "root"))
    return f"""<div class="ag-stepper{" ag-page" if page else ""}" id="{prefix}root" \
data-prefix="{prefix}" tabindex="0" role="region" aria-label="{label}">
<style>{_CSS}</style>
<div class="ag-head">
<div class="ag-title">{heading}</div>
<div class="ag-controls">
<button class="ag-prev" type="button" aria-label="previous step">&#9664; Prev</button>
<button class="ag-play" type="button" aria-pressed="false">&#9654; Play</button>
<button class="ag-next" type="button" aria-label="next step">Next &#9654;</button>
<input class="ag-slider" type="range" min="0" max="{steps}" step="1" value="0" \
aria-label="step (0 is the forward pass)">
<span class="ag-counter"></span>
<span class="ag-zoom">
<button class="ag-out" type="button" aria-label="zoom out">&#8722;</button>
<button class="ag-in" type="button" aria-label="zoom in">+</button>
<button class="ag-fit" type="button" aria-label="fit the graph in view">Fit</button>
<span class="ag-scale">100%</span>
</span>
<label class="ag-nudge-toggle"><input class="ag-nudge-box" type="checkbox"\
{" checked" if nudge else ""}> nudge test</label>
</div>
<div class="ag-panel">
<div class="ag-headline"></div>
<div class="ag-note"></div>
<div class="ag-nudge"></div>
<div class="ag-cols">
<pre class="ag-math"></pre>
{mistake_column}
</div>
</div>
<div class="ag-live ag-sr" aria-live="polite" aria-atomic="true"></div>
</div>
<div class="ag-view">
{svg}
</div>
<div class="ag-legend">{_LEGEND}</div>
<script type="application/json" id="{prefix}steps">{steps_json}</script>
<script>{script}</script>
</div>
"""


def stepper_html(root: Value, explanation: Explanation | None = None, **options: Any) -> str:
    """The stepper as a page of its own, as a string (options as `stepper_fragment`);
    the graph fills the window below the panel. With ``practice=True``, the practice page."""
    if options.get("practice"):
        for key in ("practice", "nudge", "mistake"):  # the practice page asks; it shows no answers
            options.pop(key, None)
        return practice_html(root, explanation, **options)
    fragment = stepper_fragment(root, explanation, page=True, **options)
    title = options.get("title")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title or "autograd stepper")}</title>
<style>body {{ margin: 0; background: #fafafa; }}</style>
</head>
<body>
{fragment}</body>
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


class Stepper:
    """The interactive stepper as an object Jupyter shows inline (`_repr_html_`), with no
    server and no extension; ``.html`` is the fragment, ``.save(path)`` writes a page."""

    def __init__(self, root: Value, explanation: Explanation, options: dict[str, Any]) -> None:
        self.root, self.explanation, self.options = root, explanation, options
        self.html = stepper_fragment(root, explanation, **options)

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the stepper as a page of its own (as `write_stepper`)."""
        write_stepper(path, self.root, self.explanation, **self.options)

    def __repr__(self) -> str:
        return f"<Stepper of {len(self.explanation)} steps for {self.explanation.names[self.root]}>"


def show_steps(root: Value, explanation: Explanation | None = None, **options: Any) -> Stepper:
    """The stepper of ``root``'s backward pass, for a notebook: a cell ending in
    ``show_steps(y)`` shows it inline. Options as `stepper_html`
    (``wrt`` too: ``show_steps(y, wrt=w)`` steps through the paths to ``w`` only)."""
    if explanation is None:
        wrt = options.pop("wrt", None)
        explanation = explain(root, wrt=wrt, params=options.get("params"))
    return Stepper(root, explanation, options)
