// The playground's Web Worker: Pyodide with the library's wheel, and Graphviz as WebAssembly
// (@viz-js/viz), off the page's thread so that rendering and training never freeze it.
// Everything is loaded from this folder (build/play/): no package repository, no micropip.
//
// Messages in: {id, call: "command", argv} | {id, call: "network", options}
//              {id, call: "train", sweeps, timeline} | {id, call: "case", number, page}
//              {id, call: "rates", lr, momentum} | {id, call: "edit", add: [x1, x2, d] | remove: case}
// Messages out: {ready: true, seconds} once, then {id, result} or {id, error} per call.
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { instance as vizInstance } from "./viz/viz.js";

const started = performance.now();

async function boot() {
  const [pyodide, viz] = await Promise.all([
    loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href }),
    vizInstance(),
  ]);
  // What autograd/pages/render.py calls under Pyodide (sys.platform == "emscripten"): DOT in,
  // SVG out, synchronously, as `dot -Tsvg` would answer.
  globalThis.autogradRenderDot = (source) => {
    const result = viz.render(source, { format: "svg", engine: "dot" });
    if (result.status !== "success") {
      throw new Error(result.errors.map((e) => e.message).join("; ") || "viz.js failed");
    }
    return result.output;
  };
  const names = await (await fetch("./wheels/index.json")).json();
  for (const name of names) {
    const wheel = await (await fetch(`./wheels/${name}`)).arrayBuffer();
    pyodide.unpackArchive(wheel, "wheel");
  }
  const glue = await (await fetch("./playground.py")).text();
  pyodide.FS.writeFile("/home/pyodide/playground.py", glue);
  pyodide.runPython("import playground");
  return pyodide.pyimport("playground");
}

const ready = boot();
let network = null;

function plain(value) {
  // A Python dict or list as JavaScript objects, so it can be posted to the page.
  if (value && typeof value.toJs === "function") {
    const js = value.toJs({ dict_converter: Object.fromEntries });
    value.destroy();
    return js;
  }
  return value;
}

function cases() {
  // The training set as it is now (after any edit) and the net's outputs on it.
  return {
    cases: network.inputs.length,
    inputs: plain(network.inputs),
    targets: plain(network.targets),
    outputs: plain(network.outputs()),
  };
}

async function answer(message, glue) {
  switch (message.call) {
    case "command":
      return plain(glue.command(message.argv));
    case "network": {
      const o = message.options;
      if (network) network.destroy();
      network = glue.Network.callKwargs(o.data, o.hidden, {
        activation: o.activation,
        seed: o.seed,
        lr: o.lr,
        momentum: o.momentum,
      });
      return Object.assign(cases(), {
        sizes: plain(network.sizes),
        editable: network.editable,
        liveFrames: glue.LIVE_FRAMES,
      });
    }
    case "train": {
      const errors = plain(network.train(message.sweeps));
      return {
        errors,
        outputs: plain(network.outputs()),
        learned: network.done(),
        // The keyframe of the slice's last sweep; the timeline's HTML once, when asked.
        frame: plain(network.frame),
        timeline: message.timeline ? network.timeline() : null,
      };
    }
    case "rates":
      network.set_rates(message.lr, message.momentum);
      return { changes: plain(network.changes) };
    case "edit":
      if (message.add) network.add_point(...message.add);
      else network.remove_point(message.remove);
      return Object.assign(cases(), { changes: plain(network.changes) });
    case "case":
      return {
        listing: network.listing(message.number),
        page: message.page ? network.stepper(message.number) : null,
      };
    default:
      throw new Error(`unknown call ${message.call}`);
  }
}

ready.then(
  (glue) =>
    postMessage({
      ready: true,
      seconds: (performance.now() - started) / 1000,
      kinds: plain(glue.KINDS),
    }),
  (e) => postMessage({ ready: false, error: String(e) })
);

onmessage = async (event) => {
  const message = event.data;
  try {
    const glue = await ready;
    postMessage({ id: message.id, result: await answer(message, glue) });
  } catch (e) {
    // A Python exception arrives as a PythonError whose message ends with the traceback's last
    // line ("ValueError: ..."): that line is the error to show.
    const lines = String(e.message || e).trim().split("\n");
    postMessage({ id: message.id, error: lines[lines.length - 1] });
  }
};
