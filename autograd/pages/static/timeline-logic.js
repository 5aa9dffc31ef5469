// The training timeline's logic (autograd.pages.timeline), apart from drawing: numbers as
// Python prints them, which keyframe shows what, the layers of the net, the error curve's
// points, the net's forward pass for the decision boundary, and the health sentences.
// Pure functions of their arguments, tested under Node (tests/js/timeline.test.js).
/* exported formatG, explainedFrame, netLayers, hintonSide, curvePoints,
   curveX, forwardPass, middleOf, healthLines, appendFrame, outputScale */

// Python's format(x, ".<digits>g"): what training printed (fit's progress bar shows 6 digits).
function formatG(x, digits) {
  x = Number(x);
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  var exp = Number(x.toExponential(digits - 1).split("e")[1]);
  var strip = function (s) { return s.indexOf(".") < 0 ? s : s.replace(/\.?0+$/, ""); };
  if (exp < -4 || exp >= digits) {
    var parts = x.toExponential(digits - 1).split("e");
    var e = Number(parts[1]);
    return strip(parts[0]) + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
  }
  return strip(x.toFixed(Math.max(0, digits - 1 - exp)));
}

// The keyframe whose backward pass of ``caseKey`` is shown at keyframe ``k``: k itself when
// it was kept there, else the nearest one that has it (in sweeps; the earlier on a tie); -1
// when no keyframe has it.
function explainedFrame(frames, k, caseKey) {
  var best = -1;
  frames.forEach(function (f, j) {
    if (!(f.explained && f.explained[caseKey])) return;
    var gap = Math.abs(f.sweep - frames[k].sweep);
    if (best < 0 || gap < Math.abs(frames[best].sweep - frames[k].sweep)) best = j;
  });
  return best;
}

// The net's layers above the inputs, each with its units and the units they read (in
// number order, the sources of all its units): the rows and columns of its Hinton diagram.
function netLayers(units, inputs) {
  var names = {};
  inputs.forEach(function (u) { names[u.number] = u.name; });
  units.forEach(function (u) { names[u.number] = u.name; });
  var byLayer = {};
  units.forEach(function (u) { (byLayer[u.layer] = byLayer[u.layer] || []).push(u); });
  return Object.keys(byLayer).map(Number).sort(function (a, b) { return a - b; })
    .map(function (layer) {
      var rows = byLayer[layer], seen = {};
      rows.forEach(function (u) { u.sources.forEach(function (i) { seen[i] = true; }); });
      var sources = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
      var output = rows.every(function (u) { return u.output; });
      return {
        layer: layer, units: rows, sources: sources, output: output,
        sourceNames: sources.map(function (i) { return names[i]; }),
        name: (output ? "output layer" : "hidden layer " + layer) + " (" +
              rows[0].activation + ")",
      };
    });
}

// A Hinton square's side, as a fraction of its cell: area ∝ |w| (side ∝ √(|w| / biggest)).
function hintonSide(w, biggest) {
  w = Number(w);
  if (!(biggest > 0) || !Number.isFinite(w)) return Number.isFinite(w) ? 0 : 0.95;
  return 0.95 * Math.sqrt(Math.min(1, Math.abs(w) / biggest));
}

// The scale of a frame's unit outputs: 1 for units within [-1, 1], else the largest |y|.
function outputScale(rows) {
  var biggest = 1;
  rows.forEach(function (row) {
    row.forEach(function (y) { if (Number.isFinite(y)) biggest = Math.max(biggest, Math.abs(y)); });
  });
  return biggest;
}

// The error curve as points in a width × height box (x: sweep 1 … n; y: log10 of the error
// when every error is positive, else the error), at most one point per pixel column.
function curvePoints(errors, width, height) {
  var values = errors.map(Number);
  var finite = values.filter(Number.isFinite);
  var log = finite.length > 0 && finite.every(function (e) { return e > 0; });
  var ys = values.map(function (e) { return log ? Math.log10(e) : e; });
  var fin = ys.filter(Number.isFinite);
  var lo = Math.min.apply(null, fin.length ? fin : [0]), hi = Math.max.apply(null, fin.length ? fin : [1]);
  if (hi === lo) { hi += 1; lo -= 1; }
  var n = values.length, step = Math.max(1, Math.ceil(n / Math.max(1, width)));
  var points = [];
  for (var k = 0; k < n; k += step) {
    var last = Math.min(n - 1, k + step - 1);
    [k, last].forEach(function (i) {
      if (!Number.isFinite(ys[i])) return;
      points.push([curveX(i + 1, n, width), height - (ys[i] - lo) / (hi - lo) * height]);
    });
  }
  return { points: points, log: log, lo: lo, hi: hi };
}

// The x of sweep ``sweep`` (1 … n) in a box ``width`` wide.
function curveX(sweep, n, width) {
  return n <= 1 ? width / 2 : (sweep - 1) / (n - 1) * width;
}

var ACTIVATIONS = {
  sigmoid: function (x) { return 1 / (1 + Math.exp(-x)); },
  tanh: Math.tanh,
  relu: function (x) { return x > 0 ? x : 0; },
  linear: function (x) { return x; },
};

// Every unit's output for the inputs ``xs`` at the weights ``w`` (a keyframe's), by the
// paper's (1) and (2): x_j = Σ_i y_i·w_ji + b_j, y_j = f(x_j), units in number order. Only
// for drawing (the boundary): the numbers the page prints all come from Python.
function forwardPass(units, inputs, w, xs) {
  var y = {};
  inputs.forEach(function (u, k) { y[u.number] = xs[k]; });
  units.forEach(function (u) {
    var x = Number(w[u.bias]);
    u.sources.forEach(function (i, k) { x += y[i] * Number(w[u.weights[k]]); });
    y[u.number] = ACTIVATIONS[u.activation](x);
  });
  return y;
}

// Where a unit's output is "in the middle": 0.5 for a sigmoid unit, 0 for the others.
function middleOf(activation) {
  return activation === "sigmoid" ? 0.5 : 0;
}

function percent(share) {
  return (Math.round(Number(share) * 1000) / 10) + " %";
}

// The health figures of a frame, each with the sentence that says why it matters.
function healthLines(frame, layers) {
  var out = [];
  if (frame.saturated !== null && frame.saturated !== undefined) {
    out.push({ name: "Saturated units: " + percent(frame.saturated),
      why: "of sigmoid and tanh outputs (unit × case) sit where the slope f\u2032(x) is under a " +
           "tenth of its top (\u03C3\u2032 \u2264 0.25 at best): there a weight's gradient is " +
           "multiplied by almost 0, so those units barely learn." });
  }
  if (frame.dead !== null && frame.dead !== undefined) {
    out.push({ name: "Dead ReLUs: " + percent(frame.dead),
      why: "of hidden ReLU units give 0 for every case: their slope is 0 everywhere, so no " +
           "gradient reaches their weights and they stay dead." });
  }
  if (frame.ratios) {
    var parts = layers.map(function (l, k) {
      var r = Number(frame.ratios[k]);
      return l.name + " " + (Number.isFinite(r) ? r.toExponential(1) : String(frame.ratios[k]));
    });
    out.push({ name: "Update / weight: " + parts.join("; "),
      why: "how much this sweep's change moved each layer's weights, \u2016\u0394w\u2016 / " +
           "\u2016w\u2016: far below 1e-3 the layer hardly learns, far above 1e-2 it may be " +
           "thrashing." });
  }
  return out;
}

// A frame added live (a network training in the page): its sweep must come after the last
// one, and the errors of the sweeps up to it come with it. With ``limit``, a recording that
// would keep more frames than that drops every other one between its first and its last (the
// errors all stay), so a long live run stays as small as a Recorder's. Returns the frame's index.
function appendFrame(data, frame, errors, limit) {
  var last = data.frames.length ? data.frames[data.frames.length - 1].sweep : 0;
  if (!(frame.sweep > last)) {
    throw new Error("addFrame: sweep " + frame.sweep + " is not after the last keyframe's, " + last);
  }
  (errors || []).forEach(function (e) { data.errors.push(e); });
  if (data.errors.length < frame.sweep) {
    throw new Error("addFrame: sweep " + frame.sweep + " but only " + data.errors.length +
                    " errors; pass the errors of the sweeps since the last keyframe");
  }
  data.frames.push(frame);
  var fs = data.frames;
  if (limit >= 2 && fs.length > limit) {
    // In place: the page's script holds this array.
    var kept = fs.filter(function (f, k) { return k === 0 || k === fs.length - 1 || k % 2 === 0; });
    fs.splice.apply(fs, [0, fs.length].concat(kept));
  }
  return fs.length - 1;
}
