// The playground's state and the URL that holds it, in the command line's own words: each
// field is what `autograd` takes after the flag of the same name (expr, at, params, wrt, net,
// seed, input, target), so a shared link reads as the command it runs. Pure logic, no page:
// tests/js/playground.test.js runs it under Node.
/* exported DEFAULTS, MODES, fromQuery, toQuery, argvFor, commandLine, nearestCase */
"use strict";

// The lecture neuron (micrograd's), as the command line's own examples give it.
const DEFAULTS = Object.freeze({
  tab: "expr",
  expr: "n = x1*w1 + x2*w2 + b; o = tanh(n)",
  at: "x1=2 x2=0 w1=-3 w2=1 b=6.88",
  params: "w1 w2 b",
  wrt: "",
  view: "nodes",
  mode: "listing",
  mistake: "overwrite",
  net: "2-2-1",
  seed: "0",
  input: "",
  target: "",
  // The Network tab: a net of the paper's kind to train in the page.
  data: "xor",
  hidden: "2",
  activation: "sigmoid",
  netseed: "1",
  lr: "0.5",
  momentum: "0.9",
});

// What the page shows for an expression or a net, each the command line's option for it.
const MODES = Object.freeze(["listing", "stepper", "nudge", "mistake", "practice", "worksheet"]);
const CHOICES = Object.freeze({
  tab: ["expr", "net"],
  view: ["nodes", "units"],
  mode: MODES,
  data: ["xor", "symmetry", "moons"],
  activation: ["sigmoid", "tanh", "relu"],
});

function fromQuery(search) {
  // The state a link gives: every field it names, the defaults for the rest; a value
  // outside a field's choices (a hand-edited link) falls back to the default.
  const query = new URLSearchParams(search);
  const state = {};
  for (const key of Object.keys(DEFAULTS)) {
    const value = query.get(key);
    const allowed = CHOICES[key];
    state[key] = value === null || (allowed && !allowed.includes(value)) ? DEFAULTS[key] : value;
  }
  return state;
}

function toQuery(state) {
  // The expression and its values always, so a link names its exercise; the rest only
  // where it differs from the default, so links stay short.
  const query = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS)) {
    const value = state[key] === undefined ? DEFAULTS[key] : String(state[key]);
    if (key === "expr" || key === "at" || key === "params" || value !== DEFAULTS[key]) {
      query.set(key, value);
    }
  }
  return "?" + query.toString();
}

function words(text) {
  return String(text).trim().split(/\s+/).filter(Boolean);
}

function argvFor(state, page) {
  // The `autograd` command line of this state; `page` is the file name --html writes.
  const command = state.mode === "practice" ? "practice" : state.mode === "worksheet" ? "worksheet" : "explain";
  const argv = [command];
  if (state.view === "units") {
    argv.push("--net", state.net.trim(), "--seed", state.seed.trim());
    if (words(state.input).length) argv.push("--input", ...words(state.input));
    if (words(state.target).length) argv.push("--target", ...words(state.target));
  } else {
    argv.push(state.expr);
    if (words(state.at).length) argv.push("--at", ...words(state.at));
    if (words(state.params).length) argv.push("--params", ...words(state.params));
    if (command === "explain" && state.wrt.trim()) argv.push("--wrt", state.wrt.trim());
  }
  if (state.mode === "nudge") argv.push("--nudge");
  if (state.mode === "mistake") argv.push("--mistake", state.mistake);
  if (state.mode === "stepper" || state.mode === "practice" || state.mode === "worksheet") {
    argv.push("--html", page);
  }
  return argv;
}

function quoted(word) {
  // A word as a POSIX shell needs it: bare when it is only safe characters, else in single
  // quotes (a single quote inside written '\'').
  return /^[\w@%+=:,./-]+$/.test(word) ? word : "'" + word.replace(/'/g, "'\\''") + "'";
}

function commandLine(argv) {
  return ["autograd", ...argv].map(quoted).join(" ");
}

function nearestCase(inputs, x, reach) {
  // The case (0-based) a click at the point x of the input plane falls on: the nearest whose
  // two inputs are each within reach (how far 8 pixels go along each axis) of x; -1 for none.
  let best = -1;
  let bestGap = Infinity;
  inputs.forEach((c, k) => {
    const da = Math.abs(c[0] - x[0]) / reach[0];
    const db = Math.abs(c[1] - x[1]) / reach[1];
    if (da > 1 || db > 1) return;
    const gap = da * da + db * db;
    if (gap < bestGap) [best, bestGap] = [k, gap];
  });
  return best;
}
