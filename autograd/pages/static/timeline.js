// The training timeline in the browser (autograd.pages.timeline), after timeline-logic.js
// and stepper-logic.js (for the keys). It only ever looks inside its own element, so any
// number of timelines share a page or a notebook. root.agAddFrame(frame, errors, limit) appends
// a keyframe (for a network that trains in the page; a frame may carry the cases and targets
// it trained on, when they were edited); root.agCases(cases, targets) shows an edited set on
// the last frame's picture until the next frame comes. A click on the decision boundary's
// picture sends an "ag-plane-click" event (detail: the point x, and how far 8 pixels reach).
/* global formatG, explainedFrame, netLayers, hintonSide, curvePoints, curveX, forwardPass,
   middleOf, healthLines, appendFrame, outputScale, stepperKey, agPlayer */
/* exported agTimeline */

function agTimeline(root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var P = root.getAttribute("data-prefix");
  var data = JSON.parse(document.getElementById(P + "data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var frames = data.frames, current = 0;
  var layers = netLayers(data.units, data.inputs);
  function q(cls) { return root.querySelector("." + cls); }
  var slider = q("ag-slider"), playB = q("ag-play"), caseBox = q("ag-case");
  var nojs = q("ag-nojs");
  if (nojs) nojs.remove();

  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, cls, anchor) {
    var t = svg("text", { x: x, y: y, "class": cls || "", "text-anchor": anchor || "start" }, parent);
    t.textContent = s;
    return t;
  }

  // -- the error curve: drawn once (and again when a frame is added), a marker moves --
  var curveBox = q("ag-curve"), marker = null, curveW = 460, curveH = 120;
  function drawCurve() {
    curveBox.textContent = "";
    var pad = { l: 58, r: 8, t: 8, b: 22 };
    // As wide as its box (on a phone too), so that its text keeps its size.
    curveW = Math.max(160, Math.min(560, (curveBox.clientWidth || 526) - pad.l - pad.r));
    var s = svg("svg", { viewBox: "0 0 " + (curveW + pad.l + pad.r) + " " + (curveH + pad.t + pad.b),
                         role: "img", "aria-label": "error per sweep" }, curveBox);
    var g = svg("g", { transform: "translate(" + pad.l + "," + pad.t + ")" }, s);
    var c = curvePoints(data.errors, curveW, curveH);
    svg("rect", { x: 0, y: 0, width: curveW, height: curveH, "class": "ag-plot" }, g);
    var d = c.points.map(function (p, k) {
      return (k ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
    }).join("");
    svg("path", { d: d, "class": "ag-line" }, g);
    var label = function (v) { return c.log ? formatG(Math.pow(10, v), 2) : formatG(v, 2); };
    text(g, -4, 10, label(c.hi), "ag-axis", "end");
    text(g, -4, curveH, label(c.lo), "ag-axis", "end");
    text(g, 0, curveH + 16, "sweep 1", "ag-axis");
    text(g, curveW, curveH + 16, "sweep " + data.errors.length + (c.log ? " (log scale)" : ""),
         "ag-axis", "end");
    marker = svg("line", { y1: 0, y2: curveH, "class": "ag-marker" }, g);
  }

  // -- Hinton diagrams: one per layer for the weights, one for their gradients --
  function hinton(parent, title, rows, colNames, rowNames, size) {
    var wrap = document.createElement("figure");
    wrap.className = "ag-hinton";
    var cap = document.createElement("figcaption");
    cap.textContent = title;
    wrap.appendChild(cap);
    var left = 34, top = 16;
    var W = left + colNames.length * size + 2, H = top + rows.length * size + 2;
    var s = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
                         "aria-label": title }, wrap);
    var every = Math.ceil(22 / size);  // narrow columns: a label on every other one, or fewer
    colNames.forEach(function (n, j) {
      if (j % every === 0) text(s, left + (j + 0.5) * size, 11, n, "ag-axis", "middle");
    });
    rowNames.forEach(function (n, i) { text(s, left - 4, top + (i + 0.68) * size, n, "ag-axis", "end"); });
    svg("rect", { x: left, y: top, width: colNames.length * size, height: rows.length * size,
                  "class": "ag-ground" }, s);
    var squares = rows.map(function (row, i) {
      return row.map(function (_, j) {
        return svg("rect", { "class": "ag-sq", "data-row": i, "data-col": j,
                             x: left + (j + 0.5) * size, y: top + (i + 0.5) * size,
                             width: 0, height: 0 }, s);
      });
    });
    parent.appendChild(wrap);
    return { squares: squares, cap: cap, title: title, left: left, top: top, size: size };
  }
  function paint(d, values, biggest) {
    var size = d.size;
    d.squares.forEach(function (row, i) {
      row.forEach(function (sq, j) {
        var v = values[i][j];
        if (v === null || v === undefined) { sq.setAttribute("width", 0); return; }
        var side = hintonSide(v, biggest) * size;
        sq.setAttribute("x", (d.left + (j + 0.5) * size - side / 2).toFixed(2));
        sq.setAttribute("y", (d.top + (i + 0.5) * size - side / 2).toFixed(2));
        sq.setAttribute("width", side.toFixed(2));
        sq.setAttribute("height", side.toFixed(2));
        sq.setAttribute("class", "ag-sq " + (Number(v) > 0 ? "ag-pos" : "ag-neg"));
        var t = sq.firstChild || svg("title", {}, sq);
        t.textContent = formatG(v, 4);
      });
    });
  }
  function largest(rows) {
    var m = 0;
    rows.forEach(function (r) { r.forEach(function (v) { if (v !== null && Number.isFinite(Number(v))) m = Math.max(m, Math.abs(Number(v))); }); });
    return m;
  }
  function layerMatrix(layer, values) {
    return layer.units.map(function (u) {
      var row = layer.sources.map(function (i) {
        var k = u.sources.indexOf(i);
        return k < 0 ? null : values[u.weights[k]];
      });
      row.push(values[u.bias]);
      return row;
    });
  }
  var weightsBox = q("ag-weights"), diagrams = [];
  layers.forEach(function (layer) {
    var cols = layer.sourceNames.concat(["b"]);
    var rowNames = layer.units.map(function (u) { return u.name; });
    var cell = cols.length <= 8 ? 30 : cols.length <= 16 ? 22 : 14;  // small layers, big squares
    var group = document.createElement("div");
    group.className = "ag-layer";
    weightsBox.appendChild(group);
    diagrams.push({
      layer: layer,
      w: hinton(group, layer.name + ": weights", layerMatrix(layer, frames[0].w), cols, rowNames, cell),
      g: hinton(group, "\u2202E/\u2202w", layerMatrix(layer, frames[0].g), cols, rowNames, cell),
    });
  });

  // -- each unit's output per case --
  var outBox = q("ag-outputs"), outDiagram = null;
  function outputsDiagram(cases, y) {
    var caseNames = cases.map(function (xs) { return xs.map(function (v) { return formatG(v, 3); }).join(""); });
    var shortCases = caseNames.every(function (n) { return n.length <= 3; });
    var colNames = cases.map(function (_, c) { return shortCases ? caseNames[c] : String(c + 1); });
    var outCell = Math.max(9, Math.min(24, Math.floor(900 / cases.length)));
    outBox.textContent = "";
    return hinton(outBox, "units (rows) \u00D7 cases (columns)", y, colNames,
                  data.units.map(function (u) { return u.name; }), outCell);
  }
  if (frames[0].y) {
    outDiagram = outputsDiagram(frames[0].cases || data.cases, frames[0].y);
  } else {
    q("ag-outputs-note").textContent = "Not kept for a net this size: more than 6,000 numbers per keyframe.";
  }

  // -- the decision boundary, for a net of two inputs and one output, from the weights --
  var outputs = data.units.filter(function (u) { return u.output; });
  var canvas = q("ag-boundary"), plane = null;
  if (data.inputs.length === 2 && outputs.length === 1 && canvas.getContext) {
    q("ag-boundary-box").hidden = false;
    var xs0 = data.cases.map(function (c) { return c[0]; }), xs1 = data.cases.map(function (c) { return c[1]; });
    var span = function (v) {
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v), m = (hi - lo) * 0.25 || 0.5;
      return [lo - m, hi + m];
    };
    plane = { a: span(xs0), b: span(xs1), out: outputs[0] };
  }
  function drawBoundary(frame) {
    if (!plane) return;
    // The set the frame trained on; on the last frame, an edited set waiting for the next.
    var set = frame === frames[frames.length - 1] && data.next ? data.next : frame.cases ? frame : data;
    var ctx = canvas.getContext("2d"), N = 60, W = canvas.width, H = canvas.height;
    var mid = middleOf(plane.out.activation), vals = [], lo = Infinity, hi = -Infinity;
    for (var i = 0; i < N; i++) {
      for (var j = 0; j < N; j++) {
        var a = plane.a[0] + (plane.a[1] - plane.a[0]) * (j + 0.5) / N;
        var b = plane.b[1] - (plane.b[1] - plane.b[0]) * (i + 0.5) / N;
        var y = forwardPass(data.units, data.inputs, frame.w, [a, b])[plane.out.number];
        vals.push(y);
        if (Number.isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
      }
    }
    var range = Math.max(hi - mid, mid - lo) || 1;
    vals.forEach(function (y, k) {
      var t = Number.isFinite(y) ? 0.5 + 0.5 * (y - mid) / range : 0.5;
      var level = Math.round(70 + 160 * t);
      ctx.fillStyle = (y >= mid ? "rgb(" + level + "," + level + ",255)" : "rgb(255," + level + "," + level + ")");
      ctx.fillRect((k % N) * W / N, Math.floor(k / N) * H / N, W / N + 1, H / N + 1);
    });
    set.cases.forEach(function (c, k) {
      var px = (c[0] - plane.a[0]) / (plane.a[1] - plane.a[0]) * W;
      var py = H - (c[1] - plane.b[0]) / (plane.b[1] - plane.b[0]) * H;
      var high = Number(set.targets[k][0]) > mid;
      ctx.beginPath();
      ctx.arc(px, py, set.cases.length > 40 ? 3.5 : 6, 0, 2 * Math.PI);
      ctx.fillStyle = high ? "#fff" : "#000";
      ctx.strokeStyle = high ? "#000" : "#fff";
      ctx.fill();
      ctx.stroke();
    });
  }

  // -- the chosen case's backward pass --
  data.explained.forEach(function (c) {
    var o = document.createElement("option");
    o.value = String(c);
    var xs = data.cases[c];  // its inputs, when they are few enough to read in a list
    o.textContent = (c + 1) + (xs.length > 8 ? "" : " (" + xs.map(function (v) { return formatG(v, 3); }).join(", ") + ")");
    caseBox.appendChild(o);
  });
  if (!data.explained.length) q("ag-backward-box").hidden = true;

  function render() {
    var f = frames[current], n = data.errors.length;
    var counter = "sweep " + f.sweep + " of " + n + " \u00B7 E = " + formatG(f.error, 6);
    q("ag-counter").textContent = counter;
    slider.value = String(current);
    slider.setAttribute("aria-valuetext", counter);
    root.setAttribute("data-sweep", String(f.sweep));
    var x = curveX(f.sweep, n, curveW).toFixed(1);
    marker.setAttribute("x1", x);
    marker.setAttribute("x2", x);
    q("ag-error-text").textContent = "Sweep " + f.sweep + ": " + data.loss + " " + formatG(f.error, 6) +
      " (keyframe " + (current + 1) + " of " + frames.length + ")" + (f.note ? "; " + f.note : "");
    diagrams.forEach(function (d) {
      var w = layerMatrix(d.layer, f.w), g = layerMatrix(d.layer, f.g);
      var bw = largest(w), bg = largest(g);
      paint(d.w, w, bw);
      paint(d.g, g, bg);
      d.w.cap.textContent = d.w.title + " (largest " + formatG(bw, 3) + ")";
      d.g.cap.textContent = d.g.title + " (largest " + formatG(bg, 3) + ")";
    });
    if (outDiagram && f.y) {
      if (f.y[0].length !== outDiagram.squares[0].length) outDiagram = outputsDiagram(f.cases || data.cases, f.y);
      paint(outDiagram, f.y, outputScale(f.y));
    }
    drawBoundary(f);
    var list = q("ag-health");
    list.textContent = "";
    healthLines(f, layers).forEach(function (h) {
      var li = document.createElement("li"), b = document.createElement("strong");
      b.textContent = h.name;
      li.appendChild(b);
      li.appendChild(document.createTextNode(" \u2014 " + h.why));
      list.appendChild(li);
    });
    if (data.explained.length) {
      var k = explainedFrame(frames, current, caseBox.value);
      var note = q("ag-backward-note"), pre = q("ag-backward");
      if (k < 0) { note.textContent = "Not kept for this case."; pre.textContent = ""; }
      else {
        var at = frames[k].sweep;
        note.textContent = at === f.sweep
          ? "At sweep " + at + "'s weights (computed in Python by explain(..., view=\"neurons\"))."
          : "Kept at fewer keyframes: this is sweep " + at + "'s, the nearest kept.";
        pre.textContent = frames[k].explained[caseBox.value].join("\n");
        pre.setAttribute("data-sweep", String(at));
      }
    }
  }

  function goTo(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    if (k !== current) { current = k; render(); }
  }
  var player = agPlayer(playB, 400, function () { return current >= frames.length - 1; },
                       function () { goTo(0); }, function () { goTo(current + 1); });
  function user(k) { player.stop(); goTo(k); }
  q("ag-next").addEventListener("click", function () { user(current + 1); });
  q("ag-prev").addEventListener("click", function () { user(current - 1); });
  slider.addEventListener("input", function () { user(Number(slider.value)); });
  caseBox.addEventListener("change", render);

  // Keys act only for the timeline that has the focus, or else the one under the pointer,
  // and never while the user types.
  var hovered = false;
  root.addEventListener("pointerenter", function () { hovered = true; });
  root.addEventListener("pointerleave", function () { hovered = false; });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) return;
    var active = document.activeElement;
    var owner = active && active.closest ? active.closest(".ag-timeline") : null;
    if (owner ? owner !== root : !hovered) return;
    var t = ev.target, tag = t && t.tagName;
    if (t !== slider && (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable))) return;
    if (tag === "BUTTON" && (ev.key === " " || ev.key === "Enter")) return;
    var action = stepperKey(ev.key, ev.shiftKey);
    if (action === "next") user(current + 1);
    else if (action === "prev") user(current - 1);
    else if (action === "first") user(0);
    else if (action === "last") user(frames.length - 1);
    else return;
    ev.preventDefault();
  });

  root.agAddFrame = function (frame, errors, limit) {
    var k = appendFrame(data, frame, errors, limit);
    data.next = null;
    slider.max = String(frames.length - 1);
    drawCurve();
    current = k;
    render();
    return k;
  };
  root.agCases = function (cases, targets) {
    data.next = { cases: cases, targets: targets };
    drawBoundary(frames[current]);
  };
  if (plane) {
    canvas.addEventListener("click", function (ev) {
      var r = canvas.getBoundingClientRect(), da = plane.a[1] - plane.a[0], db = plane.b[1] - plane.b[0];
      var x = [plane.a[0] + (ev.clientX - r.left) / r.width * da, plane.b[1] - (ev.clientY - r.top) / r.height * db];
      root.dispatchEvent(new CustomEvent("ag-plane-click", { bubbles: true, detail: {
        x: x, reach: [8 / r.width * da, 8 / r.height * db], shift: ev.shiftKey, sweep: frames[current].sweep } }));
    });
  }

  drawCurve();
  render();
  if (root.classList.contains("ag-page") && document.activeElement === document.body) {
    root.focus({ preventScroll: true });
  }
}
