// ESLint (flat config) for the JavaScript of autograd's pages and its Node tests; `make test`
// runs it. The pages' scripts are plain browser scripts, each inlined into a page inside one
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
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
