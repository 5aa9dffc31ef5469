// The playground page: the forms, the URL and what the worker (worker.js, Python in Pyodide)
// answers. Everything the page shows is computed by the library in the worker: the listing
// and the pages are the command line's own, the training is nn.fit's.
/* global DEFAULTS, fromQuery, toQuery, argvFor, commandLine, nearestCase */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const PAGE = "page.html"; // the name --html writes in the worker (web/playground.py)
  const SLICE_MS = 150; // a training slice's target length: Pause answers within about this
  const MAX_SWEEPS = 5000;
  const SHOWN_ERRORS = 100; // rows of the error table: the latest sweeps

  let state = fromQuery(location.search);
  const worker = new Worker("worker.js", { type: "module" });
  const waiting = new Map();
  let nextId = 0;
  let ready = false;

  function call(message) {
    const id = ++nextId;
    worker.postMessage(Object.assign({ id }, message));
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  }

  worker.onmessage = (event) => {
    const m = event.data;
    if (m.id === undefined) return started(m);
    const promise = waiting.get(m.id);
    waiting.delete(m.id);
    if ("error" in m) promise.reject(new Error(m.error));
    else promise.resolve(m.result);
  };

  function started(m) {
    if (!m.ready) {
      $("status").textContent = `Python did not start: ${m.error}`;
      return;
    }
    ready = true;
    $("status").textContent = `Python is ready (${m.seconds.toFixed(1)} s), running in this tab.`;
    document.body.dataset.ready = "true";
    for (const kind of m.kinds) $("mistake").add(new Option(kind, kind));
    $("mistake").value = state.mistake;
    $("build").disabled = false;
    run();
    // The network is built as soon as Python is ready, so Train is one click away.
    build();
  }

  // -- the state: form fields <-> state <-> URL --

  const EXPR_FIELDS = ["expr", "at", "params", "wrt", "net", "seed", "input", "target", "view", "mode", "mistake"];
  const NET_FIELDS = ["data", "hidden", "activation", "netseed", "lr", "momentum"];

  function show() {
    for (const key of [...EXPR_FIELDS, ...NET_FIELDS]) $(key).value = state[key];
    const units = state.view === "units";
    $("view-nodes").hidden = units;
    $("view-units").hidden = !units;
    $("mistake-field").hidden = state.mode !== "mistake";
    for (const tab of ["expr", "net"]) {
      $(`tab-${tab}`).setAttribute("aria-selected", String(state.tab === tab));
      $(`panel-${tab}`).hidden = state.tab !== tab;
    }
  }

  function read(fields) {
    for (const key of fields) state[key] = $(key).value;
    const query = toQuery(state);
    // A new entry for each new state, so the back button steps back through them.
    if (query !== location.search) history.pushState(null, "", query);
    $("share").href = query;
  }

  // -- the Expression tab: the command line, run in the worker --

  async function run() {
    show();
    const argv = argvFor(state, PAGE);
    $("command").textContent = "$ " + commandLine(argv);
    $("share").href = toQuery(state);
    if (!ready || state.tab !== "expr") return;
    $("run").disabled = true;
    try {
      const r = await call({ call: "command", argv });
      const page = r.page ?? null; // Python's None arrives as undefined
      $("error").textContent = r.err;
      $("expr-form").classList.toggle("failed", r.status !== 0);
      $("listing").textContent = r.out;
      $("listing").hidden = !r.out;
      $("page").hidden = page === null;
      $("page").className = state.mode;
      $("print").hidden = !(page !== null && state.mode === "worksheet");
      if (page !== null) $("page").srcdoc = page;
    } catch (e) {
      $("error").textContent = e.message;
    } finally {
      $("run").disabled = false;
    }
  }

  $("expr-form").addEventListener("submit", (event) => {
    event.preventDefault();
    read(EXPR_FIELDS);
    run();
  });
  for (const id of ["view", "mode", "mistake"]) {
    $(id).addEventListener("change", () => {
      read(EXPR_FIELDS);
      run();
    });
  }
  $("print").addEventListener("click", () => $("page").contentWindow.print());

  for (const tab of ["expr", "net"]) {
    $(`tab-${tab}`).addEventListener("click", () => {
      state.tab = tab;
      read([]);
      run();
    });
  }

  // -- the Network tab: build, train in slices, explain a case --

  let errors = [];
  let training = false;
  let timeline = null; // the live timeline's element (autograd.pages.timeline), after a sweep
  let liveFrames = 120; // the most keyframes it keeps (playground.LIVE_FRAMES)
  let lastFrame = null; // the keyframe of the last slice's last sweep, as the worker sent it
  let perSweep = 5; // ms per sweep, measured as training goes; sizes the slices

  function netProblem(text) {
    $("net-error").textContent = text;
  }

  function outputsTable(inputs, targets, outputs) {
    const rows = outputs.map((y, c) =>
      `<tr><td>${c + 1}</td><td>${inputs[c].map((v) => +v.toFixed(2)).join(" ")}</td>` +
      `<td>${targets[c]}</td><td>${y.toFixed(3)}</td></tr>`);
    $("cases").tBodies[0].innerHTML = rows.join("");
  }

  let cases = null;

  async function build() {
    read(NET_FIELDS);
    stop();
    netProblem("");
    const hidden = state.hidden.trim().split(/[\s,-]+/).filter(Boolean).map(Number);
    const numbers = { seed: Number(state.netseed), lr: Number(state.lr), momentum: Number(state.momentum) };
    for (const [name, value] of Object.entries(numbers)) {
      if (!Number.isFinite(value)) return netProblem(`${name} ${JSON.stringify(state[name === "seed" ? "netseed" : name])}: not a number`);
    }
    if (!hidden.length || !hidden.every((n) => Number.isInteger(n) && n >= 1 && n <= 32)) {
      return netProblem(`hidden layers ${JSON.stringify(state.hidden)}: give each layer's units, 1 to 32, e.g. 2 or 4 4`);
    }
    try {
      cases = await call({ call: "network", options: Object.assign({ data: state.data, hidden, activation: state.activation }, numbers) });
    } catch (e) {
      return netProblem(e.message);
    }
    errors = [];
    timeline = null;
    lastFrame = null;
    liveFrames = cases.liveFrames;
    $("live").replaceChildren();
    showChanges([]);
    $("edit-row").hidden = !cases.editable;
    $("case").max = cases.cases;
    $("case").value = Math.min(Number($("case").value) || 1, cases.cases);
    outputsTable(cases.inputs, cases.targets, cases.outputs);
    drawErrors();
    for (const id of ["train", "sweep", "explain-case"]) $(id).disabled = false;
    $("net-status").textContent = `a ${cases.sizes.join("-")} net, untrained`;
  }

  function drawErrors() {
    const rows = [];
    const first = Math.max(0, errors.length - SHOWN_ERRORS);
    for (let k = errors.length - 1; k >= first; k--) rows.push(`<tr><td>${k + 1}</td><td>${errors[k]}</td></tr>`);
    $("errors").tBodies[0].innerHTML = rows.join("");
    const canvas = $("curve");
    const g = canvas.getContext("2d");
    const w = (canvas.width = canvas.clientWidth * devicePixelRatio);
    const h = (canvas.height = canvas.clientHeight * devicePixelRatio);
    g.clearRect(0, 0, w, h);
    $("curve-caption").textContent = "";
    if (!errors.length) return;
    const top = Math.max(...errors);
    g.strokeStyle = "#1f5fa8";
    g.lineWidth = 2 * devicePixelRatio;
    g.beginPath();
    errors.forEach((e, k) => {
      const x = errors.length === 1 ? 0 : (k / (errors.length - 1)) * w;
      const y = h - (e / top) * (h - 4) - 2;
      if (k === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
    $("curve-caption").textContent =
      `E from ${errors[0].toPrecision(4)} (sweep 1) to ${errors[errors.length - 1].toPrecision(4)}` +
      ` (sweep ${errors.length}); the top of the box is ${top.toPrecision(4)}, the bottom 0`;
  }

  async function train(sweeps) {
    const begun = performance.now();
    const r = await call({ call: "train", sweeps, timeline: !timeline });
    perSweep = Math.max(0.05, (performance.now() - begun) / sweeps);
    errors.push(...r.errors);
    lastFrame = r.frame;
    if (r.timeline) {
      // The library's timeline, made once in the worker; its scripts run as it is inserted
      // (a contextual fragment's scripts do, as the page's policy allows inline ones).
      const range = document.createRange();
      range.selectNodeContents($("live"));
      $("live").replaceChildren(range.createContextualFragment(r.timeline));
      timeline = $("live").querySelector(".ag-timeline");
    } else {
      timeline.agAddFrame(r.frame, r.errors, liveFrames);
    }
    outputsTable(cases.inputs, cases.targets, r.outputs);
    drawErrors();
    $("net-status").textContent = `sweep ${errors.length}: E = ${errors[errors.length - 1].toFixed(4)}` +
      (r.learned ? " (every output within 0.1 of its target)" : "");
    return r.learned;
  }

  function stop() {
    training = false;
  }

  function showChanges(changes) {
    $("changes").replaceChildren(...changes.map(([sweep, what]) => {
      const li = document.createElement("li");
      li.textContent = `from sweep ${sweep}: ${what}`;
      return li;
    }));
  }

  async function rates() {
    // ε and α from the next sweep on (the slice under way finishes with the old ones).
    if (!cases) return;
    read(NET_FIELDS);
    const lr = Number(state.lr);
    const momentum = Number(state.momentum);
    if (!Number.isFinite(lr) || !Number.isFinite(momentum)) return netProblem("ε and α: give numbers");
    try {
      showChanges((await call({ call: "rates", lr, momentum })).changes);
      netProblem("");
    } catch (e) {
      netProblem(e.message);
    }
  }

  async function edit(event) {
    // A click on the live timeline's picture: remove the point it falls on, else add one.
    if (!cases || !cases.editable) return;
    const { x, reach, shift } = event.detail;
    const hit = nearestCase(cases.inputs, x, reach);
    const kind = Number($("point-class").value);
    const message = hit >= 0 ? { call: "edit", remove: hit + 1 } : { call: "edit", add: [x[0], x[1], shift ? 1 - kind : kind] };
    try {
      const r = await call(message);
      Object.assign(cases, r);
      $("case").max = cases.cases;
      outputsTable(cases.inputs, cases.targets, cases.outputs);
      showChanges(r.changes);
      if (timeline) timeline.agCases(cases.inputs, cases.targets.map((d) => [d]));
      netProblem("");
    } catch (e) {
      netProblem(e.message);
    }
  }

  async function loop() {
    // Slices of about SLICE_MS each, so a Pause or a click answers at once between them.
    $("train").textContent = "Pause";
    while (training) {
      const slice = Math.max(1, Math.min(200, Math.round(SLICE_MS / perSweep)));
      let learned;
      try {
        learned = await train(Math.min(slice, MAX_SWEEPS - errors.length));
      } catch (e) {
        netProblem(e.message);
        return stop();
      }
      if (learned || errors.length >= MAX_SWEEPS) stop();
    }
    $("train").textContent = "Train";
    $("train").disabled = false;
  }

  $("lr").addEventListener("change", rates);
  $("momentum").addEventListener("change", rates);
  $("live").addEventListener("ag-plane-click", edit);

  $("net-form").addEventListener("submit", (event) => {
    event.preventDefault();
    build();
  });
  $("train").addEventListener("click", () => {
    if (training) {
      // The slice under way finishes first (Python cannot be stopped mid-call): until then
      // the button says so, and every sweep trained is in the table.
      stop();
      $("train").textContent = "Pausing…";
      $("train").disabled = true;
      return;
    }
    training = true;
    loop();
  });
  $("sweep").addEventListener("click", async () => {
    stop();
    try {
      await train(1);
    } catch (e) {
      netProblem(e.message);
    }
  });
  $("explain-case").addEventListener("click", async () => {
    try {
      const r = await call({ call: "case", number: Number($("case").value), page: true });
      $("net-listing").textContent = r.listing;
      $("net-page").srcdoc = r.page;
      $("net-page").hidden = false;
      netProblem("");
    } catch (e) {
      netProblem(e.message);
    }
  });

  // Back and forward (and a link pushed by a script) give another state: show it, without
  // starting Python again.
  window.addEventListener("popstate", () => {
    const before = NET_FIELDS.map((key) => state[key]).join("\n");
    state = fromQuery(location.search);
    run();
    if (ready && NET_FIELDS.map((key) => state[key]).join("\n") !== before) build();
  });

  show();
  $("build").disabled = true;
  run();
  // Exposed for the console: DEFAULTS shows every field a link may carry.
  window.playground = {
    DEFAULTS,
    get errors() { return errors.slice(); },
    get cases() { return cases && { inputs: cases.inputs, targets: cases.targets }; },
    get frame() { return lastFrame; },
  };
})();
