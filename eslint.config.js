// ESLint (flat config) for the JavaScript of autograd's pages, the playground (web/) and the
// Node tests; `make test` runs it. The pages' scripts are plain browser scripts, each inlined into a page inside one
// function scope (autograd/pages/static/widget.html): what one file uses from another is
// declared in it with /* global */ and /* exported */ comments.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["node_modules/", ".venv/", "mutants/", "build/", "site/"] },
  js.configs.recommended,
  {
    files: ["autograd/pages/static/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: globals.browser },
  },
  {
    // The playground's page scripts (web/): plain scripts sharing the page's global scope.
    files: ["web/*.js"],
    ignores: ["web/worker.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: globals.browser },
  },
  {
    // Its Web Worker: an ES module (it imports Pyodide and viz.js from the built folder).
    files: ["web/worker.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.worker },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
