// The practice page in the browser (autograd.pages.practice_page), after practice-logic.js.
// Everything is looked up inside the widget's own element (`root`), never the document, so
// several practice widgets share a page or a notebook.
/* global readAnswer, judge, promptText, scoreText, agPanZoom */
/* exported agPractice */

function agPractice(root) {
  "use strict";
  var P = root.getAttribute("data-prefix");
  var data = JSON.parse(document.getElementById(P + "data").textContent);
  var qs = data.questions, at = 0, tries = 0;
  var score = { first: 0, second: 0, revealed: 0 };
  function part(name) { return root.querySelector("[data-part='" + name + "']"); }
  part("nojs").remove();  // the script runs: the line saying it must is not needed
  if (data.given) {  // a net: its drawing shows units only, so its weights are listed
    part("given").textContent = data.given;
    part("given-box").hidden = false;
  }
  var graph = agPanZoom(part("graph"), function (s) {
    part("scale").textContent = Math.round(s * 100) + "%";
  });
  part("zoom-in").addEventListener("click", function () { graph.zoomTo(graph.scale() * 1.25); });
  part("zoom-out").addEventListener("click", function () { graph.zoomTo(graph.scale() / 1.25); });
  part("fit").addEventListener("click", graph.fit);
  // At first the graph is as wide as its box, but not below 3/4 of its natural size, which
  // keeps the boxes' 16 px text at 12 px, the smallest at 11: a phone pans, or Fit shows all.
  graph.zoomTo(Math.max(0.75, Math.min(1, (part("graph").clientWidth - 16) / graph.naturalWidth())));
  function node(id) { return root.querySelector("[id='" + P + id + "']"); }
  var grads = {};
  // The page hid each box's gradients ("grad ?"; a unit's "∂E/∂y ?" and "∂E/∂x ?"); a name
  // such as "grad 5" is not one.
  root.querySelectorAll("g.node").forEach(function (g) {
    grads[g.id] = Array.prototype.slice.call(g.querySelectorAll("text.grad-hidden"));
  });
  // Shows `text` ("∂E/∂x -0.1234") in the hidden cell of the box `id` with the same label.
  function showGrad(id, text) {
    var label = text.split(" ")[0];
    (grads[P + id] || []).forEach(function (t) {
      if (t.textContent.split(" ")[0] !== label) return;
      t.textContent = text;
      t.classList.add("grad-known");
      t.classList.remove("grad-hidden");
    });
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
        graph.reveal(n);
      }
      q.upstream.forEach(function (id) { var u = node(id); if (u) u.classList.add("upstream"); });
      part("headline").textContent = q.headline;
      part("prompt").textContent = promptText(q);
      input.disabled = false; part("check").disabled = false; part("reveal").disabled = false;
    }
    part("score").textContent = scoreText(score, at, qs.length);
    root.setAttribute("data-question", String(at));
  }
  function advance(how, text, cls) {
    var q = qs[at];
    score[how] += 1;
    if (q.kind === "grad" && q.grad_text) showGrad(q.node, q.grad_text);
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
    var typed = readAnswer(part("answer").value);
    if (typed === null) {
      feedback("Type a number (or ? to see the answer).", "wrong"); return;
    }
    if (typed.reveal) { reveal(); return; }
    tries += 1;
    var said = judge(qs[at], typed.value, tries, data);
    if (said.how) {
      advance(said.how, said.text, said.cls);
    } else {
      feedback(said.text, said.cls);
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
  // A page of its own: ready to type. (A widget in a longer page or a notebook does not
  // take the focus, which would scroll the reader away.)
  if (document.body.classList.contains("ag-practice-page")) part("answer").focus();
}
