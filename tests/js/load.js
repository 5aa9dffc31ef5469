// Loads one of the pages' scripts (autograd/pages/static/) for a test. In a page each is
// inlined into one function scope with the others and exports nothing, so here it is run as
// the body of a function that returns what its /* exported */ comment names.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const STATIC = path.join(__dirname, "..", "..", "autograd", "pages", "static");
const WEB = path.join(__dirname, "..", "..", "web"); // the playground's scripts

function load(name, folder = STATIC) {
  const file = path.join(folder, name);
  const code = fs.readFileSync(file, "utf8");
  const exported = /\/\* exported ([^*]*)\*\//.exec(code);
  if (!exported) throw new Error(`${name} has no /* exported */ comment`);
  const names = exported[1].split(",").map((n) => n.trim()).filter(Boolean);
  // Compiled in this context (not a new one), so that its objects compare as ours do.
  return vm.compileFunction(`${code}\nreturn { ${names.join(", ")} };`, [], { filename: file })();
}

module.exports = { load, WEB };
