// What the stepper decides without the page (autograd.pages.stepper): what its panel says at
// each step, which nodes' gradients are known by then, which key does what, and how far it
// zooms. The page inlines this file before stepper.js, in the same scope; Node's tests
// (tests/js/) load it alone.
/* exported panelText, knownNodes, firstSteps, clampStep, stepperKey, clampScale, fitScale,
   isBadGrad, clickedNode, hiddenText, startScale */
"use strict";

// The texts of the panel at step `current` (-1: the forward pass) of the page's data: the
// counter, the headline, the note, the chain rule (math), the nudge test and, with a mistake
// chosen, what the wrong pass leaves in the node (mistakeStep) and why (mistakeWhy).
function panelText(data, current) {
  var wrong = data.mistake, out;
  if (current < 0) {
    out = {
      counter: "forward pass",
      headline: "Forward pass: every box shows its value (data).",
      note: "Press Next (or \u2192) to run backward one " + (data.fold ? "unit" : "node") + " at a time, " +
            "from the output " + data.output + " back to the inputs.",
      math: data.fold ? "" : data.forward.join("\n"),
      nudge: "",
    };
    if (data.fold) {  // a net: the listing is folded away (stepper.js), unfolded on demand
      out.headline = "Forward pass: every unit shows its output y (data).";
    }
    if (wrong) {
      out.mistakeStep = wrong.note ||
        "Step backward: beside each step, what this wrong pass leaves in the node.";
      out.mistakeWhy = "";
    }
    return out;
  }
  var s = data.steps[current];
  out = {
    counter: "step " + s.number + " of " + data.steps.length,
    headline: s.headline,
    note: s.note,
    math: s.lines.join("\n"),
    nudge: s.nudge,
  };
  if (wrong) {
    var mine = wrong.by_step[String(s.number)];
    // Per node when the wrong pass ran on this graph; else the pass's own summary.
    out.mistakeStep = mine ? mine.text : wrong.note;
    out.mistakeWhy = !mine || mine.first ? wrong.why : "";
  }
  return out;
}

// The boxes whose gradient is known at step `current`: those of the steps up to it (and
// the boxes a step `reveals` besides its own: a batch's weights, at the sum over the cases),
// and those `given` from the start (a net's loss box: ∂E/∂E = 1).
function knownNodes(steps, current, given) {
  var known = {};
  function mark(id) { known[id] = true; }
  (given || []).forEach(mark);
  for (var k = 0; k <= current; k++) {
    mark(steps[k].node);
    (steps[k].reveals || []).forEach(mark);
  }
  return known;
}

// A gradient cell not yet found: its label and a "?" ("grad ?", "∂E/∂x ?").
function hiddenText(full) {
  return full.split(" ")[0] + " ?";
}

// The zoom a net's stepper opens at: the fit, but never so small that node text (16 px at
// 100 %) falls below 11 px (70 %: 11.2 px, clear of the rounding of the drawing's size),
// nor above 100 %.
function startScale(fit) {
  return Math.max(0.7, Math.min(1, fit));
}

// Box id → the first step at that box (a unit's box in the neurons view shows several Values).
function firstSteps(steps) {
  var stepOf = {};
  steps.forEach(function (s, k) { if (!(s.node in stepOf)) stepOf[s.node] = k; });
  return stepOf;
}

// Step `to` kept within -1 (the forward pass) … count - 1.
function clampStep(to, count) {
  return Math.max(-1, Math.min(count - 1, to));
}

// What a key does: "next", "prev", "first", "last", "zoom in", "zoom out", or null for a key
// the stepper leaves alone. Space steps forward, Shift+Space back.
function stepperKey(key, shift) {
  if (key === "ArrowRight" || key === "PageDown" || (key === " " && !shift)) return "next";
  if (key === "ArrowLeft" || key === "PageUp" || key === " ") return "prev";
  if (key === "Home") return "first";
  if (key === "End") return "last";
  if (key === "+" || key === "=") return "zoom in";
  if (key === "-") return "zoom out";
  return null;
}

// Zoom is kept within 10 % … 400 %.
function clampScale(s) {
  return Math.max(0.1, Math.min(4, s));
}

// The zoom at which a graph of natural size naturalW × naturalH fits a view of viewW × viewH
// (of which at most 70 % of the window's height counts), up to 150 %.
function fitScale(viewW, viewH, windowH, naturalW, naturalH) {
  var pad = 16;
  return Math.min(1.5, (viewW - pad) / naturalW,
                  (Math.min(viewH, windowH * 0.7) - pad) / naturalH);
}

// Whether a box's gradient text ("grad inf", "grad -nan", as Graphviz drew it) is not finite.
function isBadGrad(text) {
  return /^(grad|\u2202\S*) -?(inf|nan)/.test(text);
}

// The box id (unprefixed) of a clicked node's SVG id, the operation circle "…_op" going to
// its result's box; null for a node of another widget.
function clickedNode(id, prefix) {
  if (id.indexOf(prefix) !== 0) return null;
  return id.slice(prefix.length).replace(/_op$/, "");
}
