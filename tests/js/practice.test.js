// The practice page's logic (autograd/pages/static/practice-logic.js) in Node: the table of
// cases that Python's classifier also passes, then how answers are read and judged.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load } = require("./load.js");

const logic = load("practice-logic.js");
const table = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "data", "practice_cases.json"), "utf8"),
);
const tol = table.tolerance;

test.describe("classify: each case of tests/data/practice_cases.json", () => {
  for (const c of table.cases) {
    test(c.why, () => {
      assert.equal(logic.classify(c.question, logic.dataNumber(c.typed), tol), c.expect);
    });
  }
});

test("the page's spelling of inf and nan reads back as numbers", () => {
  assert.equal(logic.dataNumber("Infinity"), Infinity);
  assert.equal(logic.dataNumber("-Infinity"), -Infinity);
  assert.ok(Number.isNaN(logic.dataNumber("NaN")));
  assert.equal(logic.dataNumber(-0.25), -0.25);
});

test("near: within rtol × |b| with b's sign, 0 only exactly, inf and nan only themselves", () => {
  assert.ok(logic.near(2.019, 2, tol));
  assert.ok(!logic.near(2.021, 2, tol));
  assert.ok(!logic.near(0.0004, 0, tol) && logic.near(-0, 0, tol));
  assert.ok(!logic.near(0, 0.0004, tol) && !logic.near(-0.0005, 0.0004, tol));
  assert.ok(logic.near(NaN, NaN, tol));
  assert.ok(!logic.near(NaN, 0, tol));
  assert.ok(!logic.near(Infinity, -Infinity, tol));
  assert.ok(!logic.near(Number.MAX_VALUE, Infinity, tol));
});

test("readAnswer: numbers, a typographic minus, nan, and ? or reveal", () => {
  assert.deepEqual(logic.readAnswer(" 0.2445 "), { value: 0.2445 });
  assert.deepEqual(logic.readAnswer("\u22122"), { value: -2 });
  assert.deepEqual(logic.readAnswer("1e-3"), { value: 0.001 });
  assert.deepEqual(logic.readAnswer("-Infinity"), { value: -Infinity });
  assert.ok(Number.isNaN(logic.readAnswer("nan").value));
  assert.deepEqual(logic.readAnswer("?"), { reveal: true });
  assert.deepEqual(logic.readAnswer(" Reveal"), { reveal: true });
  for (const text of ["", "   ", "two", "1/2", "x"]) assert.equal(logic.readAnswer(text), null);
});

const q = {
  kind: "grad",
  symbol: "\u2202f/\u2202x",
  answer: 7,
  answer_text: "7.000",
  factors: [[1, 1], [1, 3], [1, 3]],
  working: "\u2202f/\u2202x = 1\u00b71 + 1\u00b73 + 1\u00b73 = 7.000",
  hints: { sign: "S", path: "that is one use's contribution only", some: "M", upstream: "U",
           local: "L", other: "O" },
  use: "",
};

test("judge: right first time or after a hint, else a hint, then the answer", () => {
  assert.deepEqual(logic.judge(q, 7, 1, tol),
                   { how: "first", cls: "right", text: "\u2713 right: \u2202f/\u2202x = 7.000" });
  assert.equal(logic.judge(q, 7.01, 2, tol).how, "second");
  assert.deepEqual(logic.judge(q, 3, 1, tol), {
    how: null, cls: "wrong",
    text: "\u2717 not quite: that is one use's contribution only. Try again (or Reveal).",
  });
  assert.deepEqual(logic.judge(q, 3, 2, tol), {
    how: "revealed", cls: "wrong", text: `\u2717 not quite. The answer to the last one: ${q.working}`,
  });
});

test("promptText and scoreText", () => {
  assert.equal(logic.promptText(q), "gradient \u2202f/\u2202x =");
  const local = { kind: "local", symbol: "\u2202(#1 + x)/\u2202x", use: "use 1 of 3, by f = #1 + x" };
  assert.equal(logic.promptText(local),
               "use 1 of 3, by f = #1 + x: local derivative \u2202(#1 + x)/\u2202x =");
  const score = { first: 3, second: 2, revealed: 1 };
  assert.equal(logic.scoreText(score, 2, 6),
               "3 right first time, 2 after a hint, 1 revealed; question 3 of 6");
  assert.equal(logic.scoreText(score, 6, 6), // all done: the last question stays the count
               "3 right first time, 2 after a hint, 1 revealed; question 6 of 6");
});
