// The training timeline's logic (autograd/pages/static/timeline-logic.js) in Node: numbers as
// Python prints them, which keyframe shows what, the layers, the curve, the forward pass
// for the boundary, the health sentences and frames added live.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load } = require("./load.js");

const logic = load("timeline-logic.js");
const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "format_g.json"), "utf8"));

test("formatG prints every number of the table as Python's format(x, '.Ng') does", () => {
  for (const c of TABLE.cases) {
    assert.equal(logic.formatG(c.x, c.digits), c.text, `${c.x} to ${c.digits} digits`);
  }
});

// A 2-2-1 net as nn.Recorder.data() describes it: inputs 1 and 2, hidden 3 and 4, output 5.
const INPUTS = [{ number: 1, name: "y1" }, { number: 2, name: "y2" }];
const UNITS = [
  { number: 3, name: "y3", layer: 1, activation: "sigmoid", sources: [1, 2], weights: [0, 1], bias: 2, output: false },
  { number: 4, name: "y4", layer: 1, activation: "sigmoid", sources: [1, 2], weights: [3, 4], bias: 5, output: false },
  { number: 5, name: "y5", layer: 2, activation: "sigmoid", sources: [3, 4], weights: [6, 7], bias: 8, output: true },
];

test("the layers: rows are the units, columns the units they read, named", () => {
  const layers = logic.netLayers(UNITS, INPUTS);
  assert.deepEqual(layers.map((l) => [l.layer, l.units.map((u) => u.number), l.sources, l.sourceNames, l.name]), [
    [1, [3, 4], [1, 2], ["y1", "y2"], "hidden layer 1 (sigmoid)"],
    [2, [5], [3, 4], ["y3", "y4"], "output layer (sigmoid)"],
  ]);
});

test("a unit reading the inputs and a hidden unit (XOR's network A) has both as columns", () => {
  const units = [
    { number: 3, name: "y3", layer: 1, activation: "sigmoid", sources: [1, 2], weights: [0, 1], bias: 2, output: false },
    { number: 4, name: "y4", layer: 2, activation: "sigmoid", sources: [1, 2, 3], weights: [3, 4, 5], bias: 6, output: true },
  ];
  assert.deepEqual(logic.netLayers(units, INPUTS)[1].sourceNames, ["y1", "y2", "y3"]);
});

test("the forward pass for the boundary is the paper's (1) and (2)", () => {
  const w = [1, -2, 0.5, 3, 4, -1, 2, -3, 0.25];
  const x = [0.3, 0.7];
  const s = (v) => 1 / (1 + Math.exp(-v));
  const y3 = s(0.3 * 1 + 0.7 * -2 + 0.5), y4 = s(0.3 * 3 + 0.7 * 4 - 1);
  const y = logic.forwardPass(UNITS, INPUTS, w, x);
  assert.equal(y[3], y3);
  assert.equal(y[4], y4);
  assert.ok(Math.abs(y[5] - s(0.25 + y3 * 2 + y4 * -3)) < 1e-15);
  const relu = [{ ...UNITS[0], activation: "relu" }];
  assert.equal(logic.forwardPass(relu, INPUTS, [-1, -1, 0], [1, 1])[3], 0);
  assert.equal(logic.middleOf("sigmoid"), 0.5);
  assert.equal(logic.middleOf("linear"), 0);
});

test("Hinton squares: area proportional to |w|, the biggest filling 95 % of the side", () => {
  assert.equal(logic.hintonSide(-4, 4), 0.95);
  assert.equal(logic.hintonSide(1, 4), 0.95 * 0.5);
  assert.equal(logic.hintonSide(0, 4), 0);
  assert.equal(logic.hintonSide(1, 0), 0);
  assert.equal(logic.outputScale([[0.2, -0.5], [0.9]]), 1);
  assert.equal(logic.outputScale([[3, -5]]), 5);
});

test("the error curve: log scale for positive errors, a point per pixel column at most", () => {
  const errors = Array.from({ length: 1000 }, (_, k) => 1 / (k + 1));
  const c = logic.curvePoints(errors, 100, 50);
  assert.equal(c.log, true);
  assert.ok(c.points.length <= 200);
  assert.deepEqual(c.points[0], [0, 0]);  // the largest error at the top left
  assert.deepEqual(c.points[c.points.length - 1], [100, 50]);
  assert.equal(logic.curvePoints([1, -1], 10, 10).log, false);
  assert.equal(logic.curveX(1, 5, 100), 0);
  assert.equal(logic.curveX(5, 5, 100), 100);
});

test("which keyframe's backward pass is shown: its own, else the nearest in sweeps", () => {
  const frames = [
    { sweep: 1, explained: { 0: ["a"] } }, { sweep: 2 }, { sweep: 3 }, { sweep: 4 },
    { sweep: 7, explained: { 0: ["b"] } }, { sweep: 9 },
  ];
  // sweep 4 is 3 from both: the earlier; sweep 9 is nearest to 7
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => logic.explainedFrame(frames, k, "0")),
                   [0, 0, 0, 0, 4, 4]);
  assert.equal(logic.explainedFrame([{ sweep: 1 }, { sweep: 2, explained: { 1: ["c"] } }], 0, "1"), 1);
  assert.equal(logic.explainedFrame(frames, 1, "3"), -1);
});

test("the health lines: each figure with its sentence, only those that apply", () => {
  const layers = logic.netLayers(UNITS, INPUTS);
  const lines = logic.healthLines({ saturated: 0.125, dead: null, ratios: [0.0012, "Infinity"] }, layers);
  assert.deepEqual(lines.map((l) => l.name), [
    "Saturated units: 12.5 %",
    "Update / weight: hidden layer 1 (sigmoid) 1.2e-3; output layer (sigmoid) Infinity",
  ]);
  assert.match(lines[0].why, /\u03C3\u2032 \u2264 0\.25/);
  const dead = logic.healthLines({ saturated: null, dead: 0.5, ratios: null }, layers);
  assert.deepEqual(dead.map((l) => l.name), ["Dead ReLUs: 50 %"]);
});

test("frames added live go after the last, with the errors of the sweeps up to them", () => {
  const data = { errors: [0.5, 0.4], frames: [{ sweep: 2 }] };
  assert.equal(logic.appendFrame(data, { sweep: 4 }, [0.3, 0.2]), 1);
  assert.deepEqual(data.errors, [0.5, 0.4, 0.3, 0.2]);
  assert.throws(() => logic.appendFrame(data, { sweep: 4 }, []), /sweep 4 is not after the last keyframe's, 4/);
  assert.throws(() => logic.appendFrame(data, { sweep: 9 }, [0.1]), /only 5 errors/);
});

test("a live recording past its limit drops every other frame between the first and the last", () => {
  const data = { errors: [], frames: [] };
  const frames = [];
  for (let s = 1; s <= 7; s++) {
    frames.push(s);
    const k = logic.appendFrame(data, { sweep: s }, [1 / s], 6);
    assert.equal(k, data.frames.length - 1);
    assert.equal(data.frames[k].sweep, s); // the new frame is always the last
  }
  // 1..6 kept; 7 made seven: 1, 3, 5, 7 stay (the first, the last, every other between).
  assert.deepEqual(data.frames.map((f) => f.sweep), [1, 3, 5, 7]);
  assert.equal(data.errors.length, 7); // every sweep's error stays
  const same = data.frames;
  logic.appendFrame(data, { sweep: 8 }, [0.1], 6);
  assert.equal(data.frames, same); // changed in place: the page's script holds the array
  // Without a limit, nothing is dropped.
  const all = { errors: [], frames: [] };
  for (let s = 1; s <= 9; s++) logic.appendFrame(all, { sweep: s }, [1]);
  assert.equal(all.frames.length, 9);
});
