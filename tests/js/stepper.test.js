// The stepper's logic (autograd/pages/static/stepper-logic.js) in Node: what the panel says
// at each step, which gradients are known, keys, zoom and clicks.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

const logic = load("stepper-logic.js");

function stepData(mistake) {
  return {
    output: "f",
    forward: ["  x = 3.000", "  f = x * x = 9.000"],
    steps: [
      { number: 1, node: "v1", headline: "f = 9.000 (output)", note: "N1", lines: ["\u2202f/\u2202f = 1"],
        nudge: "Nudge f." },
      { number: 2, node: "v0", headline: "x = 3.000 (input)", note: "N2", lines: ["a", "b"],
        nudge: "Nudge x." },
    ],
    mistake: mistake,
  };
}

test("the forward pass: the listing, and how to start", () => {
  const text = logic.panelText(stepData(null), -1);
  assert.deepEqual(text, {
    counter: "forward pass",
    headline: "Forward pass: every box shows its value (data).",
    note: "Press Next (or \u2192) to run backward one node at a time, from the output f back to " +
          "the inputs.",
    math: "  x = 3.000\n  f = x * x = 9.000",
    nudge: "",
  });
});

test("a step: its counter, headline, note, chain rule and nudge test", () => {
  const text = logic.panelText(stepData(null), 1);
  assert.deepEqual(text, {
    counter: "step 2 of 2", headline: "x = 3.000 (input)", note: "N2", math: "a\nb",
    nudge: "Nudge x.",
  });
});

test("a mistake's column: per node where the wrong pass ran on this graph, its why once", () => {
  const mistake = {
    note: "", why: "WHY",
    by_step: { 1: { text: "same", first: false }, 2: { text: "differs", first: true } },
  };
  const forward = logic.panelText(stepData(mistake), -1);
  assert.equal(forward.mistakeStep,
               "Step backward: beside each step, what this wrong pass leaves in the node.");
  assert.equal(forward.mistakeWhy, "");
  assert.deepEqual([logic.panelText(stepData(mistake), 0).mistakeStep,
                    logic.panelText(stepData(mistake), 0).mistakeWhy], ["same", ""]);
  assert.deepEqual([logic.panelText(stepData(mistake), 1).mistakeStep,
                    logic.panelText(stepData(mistake), 1).mistakeWhy], ["differs", "WHY"]);
  // Run on another graph: the pass's own summary and why at every step.
  const elsewhere = { note: "SUMMARY", why: "WHY", by_step: {} };
  assert.equal(logic.panelText(stepData(elsewhere), -1).mistakeStep, "SUMMARY");
  assert.deepEqual([logic.panelText(stepData(elsewhere), 0).mistakeStep,
                    logic.panelText(stepData(elsewhere), 0).mistakeWhy], ["SUMMARY", "WHY"]);
});

test("known gradients, and the first step at each box", () => {
  const steps = [{ node: "v4" }, { node: "v3" }, { node: "v3" }, { node: "v0" }];
  assert.deepEqual(logic.knownNodes(steps, -1), {});
  assert.deepEqual(logic.knownNodes(steps, 1), { v4: true, v3: true });
  assert.deepEqual(logic.firstSteps(steps), { v4: 0, v3: 1, v0: 3 });
  assert.deepEqual([-5, -1, 2, 3, 9].map((to) => logic.clampStep(to, 4)), [-1, -1, 2, 3, 3]);
});

test("keys: arrows, pages, Space and Shift+Space step; Home End; + = and - zoom", () => {
  const cases = [
    ["ArrowRight", false, "next"], ["PageDown", false, "next"], [" ", false, "next"],
    ["ArrowLeft", false, "prev"], ["PageUp", false, "prev"], [" ", true, "prev"],
    ["Home", false, "first"], ["End", false, "last"],
    ["+", false, "zoom in"], ["=", false, "zoom in"], ["-", false, "zoom out"],
    ["Enter", false, null], ["a", false, null], ["ArrowUp", false, null],
  ];
  for (const [key, shift, action] of cases) assert.equal(logic.stepperKey(key, shift), action, key);
});

test("zoom: kept within 10 % and 400 %, fit up to 150 % within 70 % of the window", () => {
  assert.deepEqual([0.01, 0.5, 9].map(logic.clampScale), [0.1, 0.5, 4]);
  assert.equal(logic.fitScale(1016, 10000, 1000, 500, 100), 1.5); // small graph: 150 % at most
  assert.equal(logic.fitScale(516, 10000, 1000, 1000, 100), 0.5); // as wide as the view allows
  assert.equal(logic.fitScale(5000, 10000, 1000, 100, 684), 1); // 70 % of the window's height
  assert.equal(logic.fitScale(5000, 358, 1000, 100, 684), 0.5); // or the view's, if lower
});

test("a gradient drawn inf or nan is marked; a clicked node is found by its box id", () => {
  assert.deepEqual(["grad inf", "grad -inf", "grad nan", "grad 1.000", "grad 0.0inf"]
    .map(logic.isBadGrad), [true, true, true, false, false]);
  assert.equal(logic.clickedNode("ag12ab34cd-v3", "ag12ab34cd-"), "v3");
  assert.equal(logic.clickedNode("ag12ab34cd-v3_op", "ag12ab34cd-"), "v3");
  assert.equal(logic.clickedNode("agffffffff-v3", "ag12ab34cd-"), null);
});

test("a net's forward pass is folded away, and its steps are units", () => {
  const data = stepData(null);
  data.fold = true;
  const text = logic.panelText(data, -1);
  assert.equal(text.math, "");
  assert.equal(text.headline, "Forward pass: every unit shows its output y (data).");
  assert.match(text.note, /one unit at a time/);
});

test("a gradient not yet found keeps its label; given boxes are known from the start", () => {
  assert.equal(logic.hiddenText("grad -0.4938"), "grad ?");
  assert.equal(logic.hiddenText("\u2202E/\u2202x -0.1234"), "\u2202E/\u2202x ?");
  assert.equal(logic.hiddenText("grad inf \u26a0"), "grad ?");
  const steps = stepData(null).steps;
  assert.deepEqual(logic.knownNodes(steps, -1, ["v9"]), { v9: true });
  assert.deepEqual(logic.knownNodes(steps, 0, ["v9"]), { v9: true, v1: true });
  steps[1].reveals = ["v5", "v6"];
  assert.deepEqual(logic.knownNodes(steps, 1, []), { v1: true, v0: true, v5: true, v6: true });
  assert.equal(logic.isBadGrad("\u2202E/\u2202x -inf"), true);
  assert.equal(logic.isBadGrad("\u2202E/\u2202x -0.5"), false);
});

test("a net opens at the fit, but with node text of 11 px at least and 100 % at most", () => {
  assert.equal(logic.startScale(0.2), 0.7);  // 11.2 px text
  assert.equal(logic.startScale(0.8), 0.8);
  assert.equal(logic.startScale(1.4), 1);
});
