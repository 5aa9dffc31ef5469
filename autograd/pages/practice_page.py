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
element, and keys are handled only while focus is inside it.
"""

from __future__ import annotations

import html
import json
import math
import re
import secrets
from typing import Any

from autograd.core.engine import Value
from autograd.core.notation import num
from autograd.pages.draw import RENDER_TIMEOUT, draw_graph, inline_svg, node_id
from autograd.teach.explain import Explanation, explain
from autograd.teach.practice import ATOL, MAX_USES_TRIED, RTOL, questions, step_heading

__all__ = ["practice_fragment", "practice_html"]


def _number(x: float) -> float | str:
    """JSON has no inf or nan: write them as the strings JavaScript's Number() reads."""
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _data(explanation: Explanation) -> dict[str, Any]:
    index = {v: i for i, v in enumerate(explanation.order)}
    steps = {s.number: s for s in explanation}
    qs = []
    for q in questions(explanation):
        d = q.as_dict()
        step = steps[q.step]
        d["answer"] = _number(q.answer)
        d["answer_text"] = num(q.answer)
        d["factors"] = [[_number(u), _number(loc)] for u, loc in q.factors]
        d["node"] = node_id(index[step.node])
        d["upstream"] = [node_id(index[t.consumer]) for t in step.terms]
        d["headline"] = step_heading(step, len(explanation))
        d["grad_text"] = f"grad {num(step.grad)}"
        qs.append(d)
    root_step = explanation[0]
    return {
        "rtol": RTOL,
        "atol": ATOL,
        "max_uses": MAX_USES_TRIED,
        "questions": qs,
        "start": node_id(index[root_step.node]),
        "start_text": f"grad {num(root_step.grad)}",
        "forward": explanation.forward_text(),
        "output": explanation.names[explanation.root],
    }


_CSS = """
.ag-practice { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  color: #222; background: #fafafa; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px;
  outline: none; }
.ag-practice:focus-within { border-color: #7aa7d9; }
.ag-practice h1 { font-size: 17px; margin: 0 0 6px; }
.ag-practice h1 code { font-size: 16px; background: #f0f0f0; padding: 1px 5px; border-radius: 3px; }
.ag-practice .panel { min-height: 8.5em; }
.ag-practice .headline { font-weight: 600; }
.ag-practice .ask { margin: 6px 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.ag-practice .prompt { font: 14px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.ag-practice input { font: inherit; width: 8em; padding: 2px 6px; }
.ag-practice button { font: inherit; padding: 2px 12px; border: 1px solid #888;
  border-radius: 4px; background: #f4f4f4; cursor: pointer; }
.ag-practice .feedback { min-height: 1.4em; }
.ag-practice .feedback.right { color: #0b6e2b; }
.ag-practice .feedback.wrong { color: #b3261e; }
.ag-practice .feedback.shown { color: #444; }
.ag-practice .score { color: #555; font-size: 13px; }
/* The graph shrinks to the page's width, but not below 3/4 of its natural size: on a phone
   it scrolls inside its box instead, and the current node is scrolled into view. */
.ag-practice .graph { overflow: auto; max-height: 75vh; }
.ag-practice .graph svg { display: block; max-width: 100%; height: auto; }
.ag-practice g.node.current polygon { stroke: #d62728; stroke-width: 2.5px; }
.ag-practice g.node.current polygon:first-of-type { fill: #ffe9a8; }
.ag-practice g.node.upstream polygon { stroke: #ff7f0e; stroke-width: 1.8px; }
.ag-practice g.node text.grad-hidden { fill: #aaa; }
.ag-practice g.node text.grad-known { fill: #0b6e2b; }
"""

# Everything is looked up inside the instance's own element (``root``), never the document.
_JS = """
(function () {
  "use strict";
  var root = document.getElementById("__UID__");
  var data = JSON.parse(root.getAttribute("data-practice"));
  var qs = data.questions, at = 0, tries = 0;
  var score = { first: 0, second: 0, revealed: 0 };
  function part(name) { return root.querySelector("[data-part='" + name + "']"); }
  (function () {
    var svg = part("graph").querySelector("svg");
    if (svg && svg.viewBox.baseVal) {
      // 3/4 of the natural size keeps the boxes' 16 px text at 12 px, the smallest at 11.
      svg.style.minWidth = svg.viewBox.baseVal.width * 4 / 3 * 0.75 + "px";
    }
  })();
  function node(id) { return root.querySelector("[id='__UID__-" + id + "']"); }
  function num(x) { return Number(x); }
  var grads = {};
  root.querySelectorAll("g.node").forEach(function (g) {
    g.querySelectorAll("text").forEach(function (t) {
      if (t.textContent.indexOf("grad ") === 0) grads[g.id] = t;
    });
  });
  function showGrad(id, text) {
    var t = grads["__UID__-" + id];
    if (!t) return;
    t.textContent = text;
    t.classList.add("grad-known");
    t.classList.remove("grad-hidden");
  }
  function near(a, b) {
    if (isNaN(a) || isNaN(b)) return isNaN(a) && isNaN(b);
    if (!isFinite(a) || !isFinite(b)) return a === b;
    return Math.abs(a - b) <= data.atol + data.rtol * Math.abs(b);
  }
  // The same tests, in the same order, as autograd.teach.practice.classify.
  function classify(q, a) {
    var ans = num(q.answer);
    if (near(a, ans)) return "right";
    if (near(-a, ans)) return "sign";
    if (q.kind === "local") return "local";
    var products = q.factors.map(function (f) { return num(f[0]) * num(f[1]); });
    if (products.length > 1 && products.some(function (p) { return near(a, p); })) return "path";
    var n = products.length;
    if (n > 2 && n <= data.max_uses) {
      for (var mask = 1; mask < (1 << n) - 1; mask++) {
        var sum = 0, k = 0;
        for (var i = 0; i < n; i++) if (mask & (1 << i)) { sum += products[i]; k++; }
        if (k >= 2 && near(a, sum)) return "some";
      }
    }
    var locs = 0, ups = 0;
    q.factors.forEach(function (f) { ups += num(f[0]); locs += num(f[1]); });
    if (near(a, locs)) return "upstream";
    if (near(a, ups)) return "local";
    return "other";
  }
  function feedback(text, cls) {
    var f = part("feedback");
    f.textContent = text;
    f.className = "feedback " + cls;
  }
  function render() {
    root.querySelectorAll(".current, .upstream").forEach(function (el) {
      el.classList.remove("current"); el.classList.remove("upstream");
    });
    var input = part("answer");
    if (at >= qs.length) {
      part("headline").textContent = "All done: every gradient is found.";
      part("prompt").textContent = "";
      input.disabled = true; part("check").disabled = true; part("reveal").disabled = true;
    } else {
      var q = qs[at];
      var n = node(q.node);
      if (n) {
        n.classList.add("current");
        var box = part("graph"), r = n.getBoundingClientRect(), v = box.getBoundingClientRect();
        if (r.left < v.left || r.right > v.right) {
          box.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
        }
        if (r.top < v.top || r.bottom > v.bottom) {
          box.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
        }
      }
      q.upstream.forEach(function (id) { var u = node(id); if (u) u.classList.add("upstream"); });
      part("headline").textContent = q.headline;
      part("prompt").textContent = (q.use ? q.use + ": " : "") +
        (q.kind === "local" ? "local derivative " : "gradient ") + q.symbol + " =";
      input.disabled = false; part("check").disabled = false; part("reveal").disabled = false;
    }
    part("score").textContent = score.first + " right first time, " + score.second +
      " after a hint, " + score.revealed + " revealed; question " + Math.min(at + 1, qs.length) +
      " of " + qs.length;
    root.setAttribute("data-question", String(at));
  }
  function advance(how, text, cls) {
    var q = qs[at];
    score[how] += 1;
    if (q.kind === "grad") showGrad(q.node, q.grad_text);
    feedback(text, cls);
    at += 1; tries = 0;
    part("answer").value = "";
    render();
  }
  function reveal() {
    // Said after the next question is asked: so it says which one it answers.
    if (at < qs.length) {
      advance("revealed", "The answer to the last one: " + qs[at].working, "shown");
    }
  }
  function submit() {
    if (at >= qs.length) return;
    var text = part("answer").value.trim().replace("\\u2212", "-");
    if (text === "?" || text.toLowerCase() === "reveal") { reveal(); return; }
    var a = text === "" ? NaN : Number(text);
    if (text === "" || (isNaN(a) && text.toLowerCase() !== "nan")) {
      feedback("Type a number (or ? to see the answer).", "wrong"); return;
    }
    var q = qs[at];
    tries += 1;
    var kind = classify(q, a);
    if (kind === "right") {
      var said = "\\u2713 right: " + q.symbol + " = " + q.answer_text;
      advance(tries === 1 ? "first" : "second", said, "right");
    } else if (tries >= 2) {
      advance("revealed", "\\u2717 not quite. The answer to the last one: " + q.working, "wrong");
    } else {
      feedback("\\u2717 not quite: " + q.hints[kind] + ". Try again (or Reveal).", "wrong");
      part("answer").select();
    }
  }
  part("check").addEventListener("click", submit);
  part("reveal").addEventListener("click", reveal);
  root.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "Enter") { submit(); ev.preventDefault(); }
  });
  showGrad(data.start, data.start_text);
  render();
})();
"""


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
    uid = f"agp-{secrets.token_hex(4)}"
    graph = draw_graph(
        root, rankdir=rankdir, max_nodes=max_nodes, params=params, grads=explanation.grads
    )
    svg = inline_svg(graph, f"{uid}-", timeout)
    # Every gradient starts hidden; the script shows each once it is found.
    svg = re.sub(r">grad [^<]*<", ' class="grad-hidden">grad ?<', svg)
    data = html.escape(json.dumps(_data(explanation), ensure_ascii=False, allow_nan=False))
    heading = "Practice backpropagation"
    if title:
        heading += f": <code>{html.escape(title)}</code>"
    out = html.escape(explanation.names[explanation.root])
    return f"""<div class="ag-practice" id="{uid}" tabindex="-1" data-practice="{data}">
<style>{_CSS}</style>
<h1>{heading}</h1>
<div class="panel">
<div class="headline" data-part="headline"></div>
<div>Work out each number of the backward pass, from {out} back to the inputs. Answers within
{RTOL:.0%} are right; a wrong one gets a hint and a second try.</div>
<div class="ask"><label class="prompt" data-part="prompt" for="{uid}-answer"></label>
<input data-part="answer" id="{uid}-answer" autocomplete="off" inputmode="decimal">
<button type="button" data-part="check">Check</button>
<button type="button" data-part="reveal">Reveal</button></div>
<div class="feedback" data-part="feedback"></div>
<div class="score" data-part="score"></div>
</div>
<div class="graph" data-part="graph">{svg}</div>
<script>{_JS.replace("__UID__", uid)}</script>
</div>"""


def practice_html(root: Value, explanation: Explanation | None = None, **options: Any) -> str:
    """The practice page for ``root`` (options as `practice_fragment`)."""
    title = options.get("title")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title or "autograd practice")}</title>
</head>
<body style="margin: 12px; background: #fff;">
{practice_fragment(root, explanation, **options)}
</body>
</html>
"""
