// The playground's state (web/state.js) in Node: a link's state, the link of a state, and the
// `autograd` command line each state runs.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load, WEB } = require("./load.js");

const { DEFAULTS, fromQuery, toQuery, argvFor, commandLine, nearestCase } = load("state.js", WEB);

test("a link with nothing in it is the lecture neuron's listing", () => {
  const state = fromQuery("");
  assert.deepEqual(state, Object.assign({}, DEFAULTS));
  assert.deepEqual(argvFor(state, "page.html"), [
    "explain", "n = x1*w1 + x2*w2 + b; o = tanh(n)",
    "--at", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.88", "--params", "w1", "w2", "b",
  ]);
});

test("a state survives its link, URL-encoded, and a link keeps only what differs", () => {
  const state = Object.assign(fromQuery(""), {
    expr: "f = a/b + c**2; g = f*f", at: "a=1 b=-0.5 c=3", params: "", mode: "stepper",
  });
  const query = toQuery(state);
  assert.match(query, /^\?expr=f\+%3D\+a%2Fb\+%2B\+c\*\*2%3B\+g\+%3D\+f\*f&at=a%3D1/);
  assert.ok(!query.includes("view=") && query.includes("mode=stepper"));
  assert.deepEqual(fromQuery(query), state);
  // %20 for a space (the issue's own links) reads the same as +.
  assert.equal(fromQuery("?expr=x%20*%20y").expr, "x * y");
});

test("a value outside a field's choices falls back to its default", () => {
  const state = fromQuery("?mode=delete&view=graph&data=mnist&activation=gelu");
  assert.equal(state.mode, "listing");
  assert.equal(state.view, "nodes");
  assert.equal(state.data, "xor");
  assert.equal(state.activation, "sigmoid");
});

test("each mode is the command line's own flag or subcommand", () => {
  const base = fromQuery("?expr=x*x%2Bx&at=x=3&params=");
  const argv = (more) => argvFor(Object.assign({}, base, more), "page.html");
  assert.deepEqual(argv({}), ["explain", "x*x+x", "--at", "x=3"]);
  assert.deepEqual(argv({ mode: "nudge" }), ["explain", "x*x+x", "--at", "x=3", "--nudge"]);
  assert.deepEqual(argv({ mode: "mistake", mistake: "twice" }),
    ["explain", "x*x+x", "--at", "x=3", "--mistake", "twice"]);
  assert.deepEqual(argv({ mode: "stepper", wrt: " x " }),
    ["explain", "x*x+x", "--at", "x=3", "--wrt", "x", "--html", "page.html"]);
  assert.deepEqual(argv({ mode: "practice", wrt: "x" }),
    ["practice", "x*x+x", "--at", "x=3", "--html", "page.html"]);
  assert.deepEqual(argv({ mode: "worksheet" }),
    ["worksheet", "x*x+x", "--at", "x=3", "--html", "page.html"]);
  assert.deepEqual(argv({ view: "units", net: "2-3-1", seed: "7", input: "1  0", target: "" }),
    ["explain", "--net", "2-3-1", "--seed", "7", "--input", "1", "0"]);
});

test("the command line is shown as a shell would need it", () => {
  assert.equal(commandLine(["explain", "x*x + x", "--at", "x=3"]),
    "autograd explain 'x*x + x' --at x=3");
  assert.equal(commandLine(["explain", "it's"]), "autograd explain 'it'\\''s'");
});

test("a click on the plane falls on the nearest case within reach, else on none", () => {
  const inputs = [[0, 0], [0, 1], [1, 0], [1, 1], [0.05, 0.02]];
  assert.equal(nearestCase(inputs, [0.04, 0.03], [0.1, 0.1]), 4); // nearer than (0, 0)
  assert.equal(nearestCase(inputs, [0.9, 1.08], [0.1, 0.1]), 3);
  assert.equal(nearestCase(inputs, [0.5, 0.5], [0.1, 0.1]), -1);
  // Each axis has a reach of its own (the picture's scales differ).
  assert.equal(nearestCase(inputs, [1.15, 0], [0.2, 0.01]), 2);
  assert.equal(nearestCase(inputs, [1, 0.05], [0.2, 0.01]), -1);
  assert.equal(nearestCase([], [0, 0], [1, 1]), -1);
});
