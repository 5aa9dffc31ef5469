// What the practice page decides without the page (autograd.pages.practice_page): whether an
// answer is right and, if not, what kind of slip it is, and what the page says. The page
// inlines this file before practice.js, in the same scope; Node's tests (tests/js/) load it
// alone, and run tests/data/practice_cases.json through `classify` as pytest runs it through
// autograd.teach.practice.classify.
/* exported dataNumber, near, classify, readAnswer, judge, promptText, scoreText */
"use strict";

// A number of the page's data. JSON has no inf or nan: the page spells them "Infinity",
// "-Infinity" and "NaN" (autograd.pages.assets.json_for_script), which Number reads.
function dataNumber(x) {
  return Number(x);
}

// Whether a is b within the page's tolerance (tol.rtol, relative), with its sign; 0 only
// exactly; inf and nan are near only themselves. As autograd.teach.practice._near.
function near(a, b, tol) {
  if (isNaN(a) || isNaN(b)) return isNaN(a) && isNaN(b);
  if (!isFinite(a) || !isFinite(b)) return a === b;
  if (b === 0) return a === 0;
  return (a > 0) === (b > 0) && Math.abs(a - b) <= tol.rtol * Math.abs(b);
}

// "right", or which kind of slip the answer a to question q is: the same tests, in the same
// order, as autograd.teach.practice.classify. tol.max_uses: sums of some of a node's
// contributions are tried up to that many uses (2**n subsets).
function classify(q, a, tol) {
  var ans = dataNumber(q.answer);
  if (near(a, ans, tol)) return "right";
  if (near(-a, ans, tol)) return "sign";
  if (q.kind === "local") {
    // A contribution (upstream × local) typed for the local derivative: the classic slip.
    var up = q.factors.length ? dataNumber(q.factors[0][0]) : 1;
    var contribution = up * (q.factors.length ? dataNumber(q.factors[0][1]) : ans);
    return up !== 1 && near(a, contribution, tol) ? "contribution" : "local";
  }
  var products = q.factors.map(function (f) { return dataNumber(f[0]) * dataNumber(f[1]); });
  if (products.length > 1 && products.some(function (p) { return near(a, p, tol); })) {
    return "path";
  }
  var n = products.length;
  if (n > 2 && n <= tol.max_uses) {
    for (var mask = 1; mask < (1 << n) - 1; mask++) {
      var sum = 0, k = 0;
      for (var i = 0; i < n; i++) if (mask & (1 << i)) { sum += products[i]; k++; }
      if (k >= 2 && near(a, sum, tol)) return "some";
    }
  }
  var locs = 0, ups = 0;
  q.factors.forEach(function (f) { ups += dataNumber(f[0]); locs += dataNumber(f[1]); });
  if (near(a, locs, tol)) return "upstream";
  if (near(a, ups, tol)) return "local";
  return "other";
}

// What the learner typed: {reveal: true} for "?" or "reveal", {value: x} for a number (a
// typographic minus too, and "nan"), null for anything else.
function readAnswer(text) {
  text = text.trim().replace("\u2212", "-");
  if (text === "?" || text.toLowerCase() === "reveal") return { reveal: true };
  var a = text === "" ? NaN : Number(text);
  if (text === "" || (isNaN(a) && text.toLowerCase() !== "nan")) return null;
  return { value: a };
}

// The page's answer to try number `tries` (1 or 2) at question q: what it says (`text`, in
// style `cls`) and, when it moves on to the next question, how this one counts (`how`:
// "first", "second" or "revealed"; null while a second try is left).
function judge(q, a, tries, tol) {
  var kind = classify(q, a, tol);
  if (kind === "right") {
    return { how: tries === 1 ? "first" : "second", cls: "right",
             text: "\u2713 right: " + q.symbol + " = " + q.answer_text };
  }
  if (tries >= 2) {
    return { how: "revealed", cls: "wrong",
             text: "\u2717 not quite. The answer to the last one: " + q.working };
  }
  return { how: null, cls: "wrong",
           text: "\u2717 not quite: " + q.hints[kind] + ". Try again (or Reveal)." };
}

// The question as the page asks it: "use 2 of 3, by …: local derivative ∂(x·x)/∂x =".
function promptText(q) {
  return (q.use ? q.use + ": " : "") +
    (q.kind === "local" ? "local derivative " : "gradient ") + q.symbol + " =";
}

// The score line, with `at` the index of the question being asked (of `count`).
function scoreText(score, at, count) {
  return score.first + " right first time, " + score.second + " after a hint, " +
    score.revealed + " revealed; question " + Math.min(at + 1, count) + " of " + count;
}
