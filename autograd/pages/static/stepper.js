// The stepper in the browser (autograd.pages.stepper), after stepper-logic.js. It only ever
// looks inside its own element (and up its own prefixed ids), so any number of steppers
// share a page or a notebook.
/* global panelText, knownNodes, firstSteps, clampStep, stepperKey, isBadGrad, clickedNode,
   hiddenText, startScale, agPanZoom, agPlayer */
/* exported agStepper */

function agStepper(root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var P = root.getAttribute("data-prefix");
  var data = JSON.parse(document.getElementById(P + "data").textContent);
  var steps = data.steps, M = steps.length, current = -1;
  var tallest = 0;
  function q(cls) { return root.querySelector("." + cls); }
  function el(id) { return document.getElementById(P + id); }
  function set(cls, text) { q(cls).textContent = text; }
  var view = q("ag-view"), forward = q("ag-forward");
  var prevB = q("ag-prev"), nextB = q("ag-next"), playB = q("ag-play");
  var slider = q("ag-slider"), live = q("ag-live"), nudgeBox = q("ag-nudge-box");
  var wrong = data.mistake;
  var grads = {}, stepOf = firstSteps(steps);
  // A net's steps are units, which have no nudge test: the checkbox would do nothing.
  if (data.fold) q("ag-nudge-toggle").hidden = true;
  // The page came with every gradient cell hidden ("grad ?"): their texts are in the data,
  // so that without this script nothing gives an answer away. The script says it runs.
  var nojs = q("ag-nojs");
  if (nojs) nojs.remove();
  Object.keys(data.cells).forEach(function (id) {
    var g = el(id);
    if (!g) return;
    var texts = g.querySelectorAll("text.ag-grad");
    grads[id] = { texts: [], cells: g.querySelectorAll('polygon[fill="#f8c4c4"]') };
    data.cells[id].forEach(function (full, k) {
      if (texts[k]) grads[id].texts.push({ el: texts[k], full: full, bad: isBadGrad(full) });
    });
  });

  var graph = agPanZoom(view, function (s) { set("ag-scale", Math.round(s * 100) + "%"); });
  function zoomTo(s) { graph.zoomTo(s); }
  function scaleNow() { return graph.scale(); }

  function render() {
    ["current", "active", "upstream"].forEach(function (cls) {
      root.querySelectorAll("." + cls).forEach(function (e) { e.classList.remove(cls); });
    });
    root.querySelectorAll("[aria-current]").forEach(function (e) {
      e.removeAttribute("aria-current");
    });
    var known = knownNodes(steps, current, data.given);
    Object.keys(grads).forEach(function (id) {
      var g = grads[id], seen = !!known[id];
      g.texts.forEach(function (t) {
        t.el.textContent = seen ? t.full : hiddenText(t.full);
        t.el.classList.toggle("grad-known", seen && !t.bad);
        t.el.classList.toggle("grad-bad", seen && t.bad);
        t.el.classList.toggle("grad-hidden", !seen);
      });
      g.cells.forEach(function (c) { c.classList.toggle("ag-unseen", !seen); });
    });
    var text = panelText(data, current), node = null;
    if (current >= 0) {
      var s = steps[current];
      node = el(s.node);
      if (node) {
        node.classList.add("current");
        node.setAttribute("aria-current", "step");  // what assistive technology reads out
      }
      s.edges.forEach(function (id) { var e = el(id); if (e) e.classList.add("active"); });
      s.upstream.forEach(function (id) { var u = el(id); if (u) u.classList.add("upstream"); });
    }
    set("ag-note", text.note);
    set("ag-math", text.math);
    if (data.fold) {
      // A net's forward pass is long: folded, so that the graph keeps its height, and
      // there to unfold at every step (the weights are not drawn).
      forward.hidden = false;
      q("ag-forward-text").textContent = data.forward.join("\n");
    }
    set("ag-nudge", text.nudge);
    if (wrong) {
      set("ag-mistake-step", text.mistakeStep);
      set("ag-mistake-why", text.mistakeWhy);
    }
    graph.reveal(node, current >= 0 ? (steps[current].around || []).map(el).filter(Boolean) : []);
    set("ag-counter", text.counter);
    set("ag-headline", text.headline);
    live.textContent = text.counter + ": " + text.headline;
    prevB.disabled = current < 0;
    nextB.disabled = current >= M - 1;
    slider.value = String(current + 1);
    slider.setAttribute("aria-valuetext", text.counter);
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
    to = clampStep(to, M);
    if (to !== current) { current = to; render(); }
  }
  var player = agPlayer(playB, 1200, function () { return current >= M - 1; },
                       function () { goTo(-1); }, function () { goTo(current + 1); });
  function user(to) { player.stop(); goTo(to); }

  nextB.addEventListener("click", function () { user(current + 1); });
  prevB.addEventListener("click", function () { user(current - 1); });
  slider.addEventListener("input", function () { user(Number(slider.value) - 1); });
  q("ag-in").addEventListener("click", function () { zoomTo(scaleNow() * 1.25); });
  q("ag-out").addEventListener("click", function () { zoomTo(scaleNow() / 1.25); });
  q("ag-fit").addEventListener("click", graph.fit);
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
    var action = stepperKey(key, ev.shiftKey);
    if (action === null) return;
    if (action === "next") user(current + 1);
    else if (action === "prev") user(current - 1);
    else if (action === "first") user(-1);
    else if (action === "last") user(M - 1);
    else if (action === "zoom in") zoomTo(scaleNow() * 1.25);
    else zoomTo(scaleNow() / 1.25);
    ev.preventDefault();
  });

  view.addEventListener("click", function (ev) {
    if (graph.dragged()) return;
    var g = ev.target.closest ? ev.target.closest("g.node") : null;
    var id = g ? clickedNode(g.id, P) : null;
    if (id !== null && id in stepOf) { root.focus({ preventScroll: true }); user(stepOf[id]); }
  });

  zoomTo(data.fold ? startScale(graph.fitScale()) : 1);
  render();
  // A net opens on its output units and the units they read: the first step's neighbourhood.
  if (data.focus) graph.reveal(el(data.focus[0]), data.focus.slice(1).map(el).filter(Boolean));
  // A page of its own has one stepper: it takes the keys from the start (a presenter's
  // clicker, a keyboard user) without a click or the pointer over it first.
  if (root.classList.contains("ag-page") && document.activeElement === document.body) {
    root.focus({ preventScroll: true });
  }
}
