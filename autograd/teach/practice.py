"""Practice mode: the learner works out each step of the backward pass, the program checks.

`questions` turns an explanation into questions, in backward order: for every
step after the output's, the local derivative of each use of the node, written
as in the listing (∂(x·y)/∂y: the consumer's own expression on top), then its
gradient ∂f/∂v (upstream gradient times local derivative, summed over the uses). `check` judges
one answer; a wrong one gets a hint that says which factor is off (upstream or
local, a missing use, a sign), and `practice_session` runs the questions in a
terminal (or any pair of read/write functions: tests pipe answers in).

The same questions and hints drive the practice page (`autograd.pages.practice_page`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from autograd.core.notation import delimited, gradient, num
from autograd.teach.explain import Explanation, Step, Term
from autograd.teach.units import UnitExplanation, UnitStep

__all__ = [
    "HINTS",
    "RTOL",
    "Question",
    "Score",
    "check",
    "classify",
    "hint",
    "introduction",
    "near",
    "practice_session",
    "questions",
    "step_heading",
    "unit_questions",
]

# An answer within 1 % of the right one, with its sign, is right, at every magnitude (4
# digits typed are plenty); an exact 0 needs an exact 0. No absolute tolerance: hidden
# units' gradients are often a few thousandths, where one would accept a wrong answer.
RTOL = 0.01
REVEAL = ("?", "reveal")


@dataclass(frozen=True, slots=True)
class Question:
    """One number to work out: a local derivative or a gradient of one step.

    ``factors`` are the (upstream, local) pairs the answer is made of: one pair
    per use for a gradient, none for a local derivative. ``hint`` is the
    general hint (the rule for a local derivative, the chain rule for a gradient).
    """

    step: int  # the step's number in the explanation
    kind: str  # "local" or "grad"
    symbol: str  # as the listing writes it: "∂(x·x)/∂x (left x)", "∂f/∂x"
    answer: float
    hint: str
    factors: tuple[tuple[float, float], ...] = ()
    upstream_names: tuple[str, ...] = ()  # the upstream gradients' symbols: "∂f/∂#1"
    working: str = ""  # how the answer is formed, shown when it is revealed
    name: str = ""  # the node's name as formulas write it: "x", "[x1*w1]"
    use: str = ""  # which use a local derivative is: "use 2 of 3, by #1 = x * x, left operand"
    # In the unit view, what each factor is called: (("∂E/∂x5", "y3"),) for ∂E/∂w53, so that
    # a hint says "the factor y3 is missing" in the paper's terms.
    factor_names: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "kind": self.kind,
            "symbol": self.symbol,
            "answer": self.answer,
            "hint": self.hint,
            "factors": [list(f) for f in self.factors],
            "upstream_names": list(self.upstream_names),
            "working": self.working,
            "name": self.name,
            "use": self.use,
            "factor_names": [list(f) for f in self.factor_names],
            "hints": {kind: hint(self, kind) for kind in HINTS},
        }


def questions(explanation: Explanation) -> list[Question]:
    """The questions of every step but the output's (∂f/∂f = 1 is given), in backward order."""
    out: list[Question] = []
    for step in explanation:
        if not step.terms:
            continue
        n = len(step.terms)
        for i, t in enumerate(step.terms, start=1):
            out.append(
                Question(
                    step.number,
                    "local",
                    t.symbol,
                    t.local,
                    _rule_hint(t),
                    # The upstream gradient too: to tell a contribution typed for the local
                    # derivative (the classic slip) from a wrong local derivative.
                    factors=((t.upstream, t.local),),
                    working=t.local_text(),
                    name=delimited(step.name),
                    # Always the operation being differentiated: the step's own heading
                    # names the node, whose consumer's rule is asked here.
                    use=f"use {i} of {n}, {t.use}" if n > 1 else t.use,
                )
            )
        out.append(_grad_question(step))
    return out


def unit_questions(units: UnitExplanation) -> list[Question]:
    """The questions of a net's backward pass unit by unit (`explain(E, view="neurons")`):
    for each unit, output layer first, ∂E/∂y_j, ∂E/∂x_j and ∂E/∂w_ji for each weight into it:
    the classic exam question, with hints that name the factor that is off."""
    out: list[Question] = []
    for s in units:
        out.append(_dy_question(s))
        dy, dx = f"∂E/∂{s.y_name}", f"∂E/∂{s.x_name}"
        f = s.local_rule or "1 (a linear unit)"
        out.append(
            Question(
                s.number,
                "grad",
                dx,
                s.dx,
                f"{dx} = {dy} · {f} (5)",
                ((s.dy, s.local),),
                (dy,),
                s.dx_line(),
                name=s.x_name,
                factor_names=((dy, f),),
            )
        )
        for w in s.weights[:-1]:  # the bias's gradient is ∂E/∂x_j itself: not asked again
            out.append(
                Question(
                    s.number,
                    "grad",
                    f"∂E/∂{w.name}",
                    w.grad,
                    f"∂E/∂{w.name} = {dx} · {w.source_name} (6)",
                    ((s.dx, w.y),),
                    (dx,),
                    w.line(s.x_name, s.dx),
                    name=w.name,
                    factor_names=((dx, w.source_name),),
                )
            )
    return out


def _dy_question(s: UnitStep) -> Question:
    symbol = f"∂E/∂{s.y_name}"
    working = "\n".join(s.dy_lines())
    if s.kind == "output":
        rule = f"{symbol} = {s.dy_rule} (4)" if s.dy_rule else "the loss's own derivative"
        return Question(s.number, "grad", symbol, s.dy, rule, working=working, name=s.y_name)
    return Question(
        s.number,
        "grad",
        symbol,
        s.dy,
        f"{symbol} = Σ_j ∂E/∂x_j · w_j{s.unit} (7)",
        tuple((t.dx, t.w) for t in s.downstream),
        tuple(f"∂E/∂{t.x_name}" for t in s.downstream),
        working,
        name=s.y_name,
        factor_names=tuple((f"∂E/∂{t.x_name}", t.w_name) for t in s.downstream),
    )


def _rule_hint(t: Term) -> str:
    """The general hint for a local derivative: its rule in the graph's names
    (∂(x·x)/∂x (left x) = x), unless the rule is the answer itself (∂(a - b)/∂b = -1)."""
    rule = f"{t.symbol} = {t.formula}" if t.formula else t.rule
    if not rule:
        return "see how the operation was computed"
    try:
        float(t.formula)
    except ValueError:
        return f"the rule is {rule}"
    operand = t.symbol.split("/∂")[-1]
    return f"work out how much the operation changes when {operand} alone grows by 1"


def _grad_question(step: Step) -> Question:
    return Question(
        step.number,
        "grad",
        step.symbol,
        step.grad,
        step.equation(),
        tuple((t.upstream, t.local) for t in step.terms),
        tuple(t.upstream_symbol for t in step.terms),
        f"{step.equation()} {step.arithmetic()}",
        name=delimited(step.name),
    )


def step_heading(step: Step | UnitStep, steps: int) -> str:
    """``Step 3 of 3: x = 3.000 (input), 3 uses``: what a practice step is about (for a unit,
    ``Step 1 of 3: Unit 5 (output, sigmoid): y5 = 0.5062``)."""
    if isinstance(step, UnitStep):
        return f"Step {step.number} of {steps}: {step.headline()}"
    uses = len(step.terms)
    return f"Step {step.number} of {steps}: {step.headline()}, {uses} use{'s' * (uses != 1)}"


def near(a: float, b: float) -> bool:
    """Whether ``a`` is right for ``b``: within `RTOL` of it, with its sign (a 0 only for 0)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    if b == 0.0:
        return a == 0.0
    return (a > 0.0) == (b > 0.0) and abs(a - b) <= RTOL * abs(b)


# What a wrong answer looks like, tested in this order (the page's script tests the same).
HINTS = ("sign", "contribution", "path", "some", "upstream", "local", "other")
# Sums of some of a node's contributions are tried up to this many uses (2**n subsets).
MAX_USES_TRIED = 8


def classify(q: Question, answer: float) -> str:
    """ "right", or which of `HINTS` describes a wrong ``answer`` to ``q``."""
    if near(answer, q.answer):
        return "right"
    if near(-answer, q.answer):
        return "sign"
    if q.kind == "local":
        upstream, local = q.factors[0] if q.factors else (1.0, q.answer)
        return "contribution" if upstream != 1.0 and near(answer, upstream * local) else "local"
    products = [u * d for u, d in q.factors]
    if len(products) > 1 and any(near(answer, p) for p in products):
        return "path"
    if 2 < len(products) <= MAX_USES_TRIED and any(
        near(answer, sum(c)) for k in range(2, len(products)) for c in combinations(products, k)
    ):
        return "some"  # a use forgotten: the classic slip where a node feeds several others
    if near(answer, sum(d for _, d in q.factors)):
        return "upstream"  # the local derivatives alone: the upstream factor is missing
    if near(answer, sum(u for u, _ in q.factors)):
        return "local"  # the upstream gradients alone: the local factor is missing
    return "other"


def hint(q: Question, kind: str) -> str:
    """The hint for a wrong answer of kind ``kind`` (see `classify`): which factor is off."""
    if q.kind == "local":
        if kind == "sign":
            return f"the sign is off: {q.hint}"
        if kind == "contribution":
            return (
                "that is the contribution (upstream gradient × local derivative); the local "
                "derivative alone is asked for here"
            )
        return f"the local factor is off: {q.hint}"
    # Each upstream gradient once: the two uses of x in x*x share theirs.
    named = ", ".join(
        dict.fromkeys(f"{n} = {num(u)}" for n, (u, _) in zip(q.upstream_names, q.factors))
    )
    if not q.factors:  # no factors to tell apart: ∂E/∂y5 = y5 - d5 at an output unit
        return f"the sign is off: {q.hint}" if kind == "sign" else f"work it out again: {q.hint}"
    if q.factor_names:
        return _unit_hint(q, kind)
    if kind == "sign":
        return f"the sign is off: look again at the sign of the local factor. {q.hint}"
    if kind == "path":
        n = len(q.factors)
        return (
            f"that is one use's contribution only: {q.name} has {n} uses, so add its {n} "
            f"contributions: {q.hint}"
        )
    if kind == "some":
        n = len(q.factors)
        return (
            f"that adds only some of the contributions: {q.name} has {n} uses, so add all "
            f"{n}: {q.hint}"
        )
    each, its = ("each", "its") if len(q.factors) > 1 else ("the", "the")
    if kind == "upstream":
        return (
            f"the upstream factor is missing: multiply {each} local derivative by {its} upstream "
            f"gradient ({named})"
        )
    if kind == "local":
        return (
            f"the local factor is missing: multiply {each} upstream gradient by {its} local "
            f"derivative you found above. {q.hint}"
        )
    return (
        f"check the upstream factor ({named}, from the steps before) and the local one "
        f"you found above, then multiply: {q.hint}"
    )


def _unit_hint(q: Question, kind: str) -> str:
    """A hint in the paper's terms: which factor of ∂E/∂x_j · y_i (or of a sum over the
    units j) is missing."""
    n = len(q.factors)
    if kind in ("path", "some"):
        only = "one unit's term" if kind == "path" else "some of the terms"
        return f"that is {only} only: {q.name} feeds {n} units, so add all {n} terms: {q.hint}"
    if kind in ("upstream", "local"):
        side = 0 if kind == "upstream" else 1
        missing = " / ".join(sorted({names[side] for names in q.factor_names}))
        return f"the factor {missing} is missing{' from each term' * (n > 1)}: {q.hint}"
    factors = ", ".join(
        f"{a} = {num(u)}, {b} = {num(v)}" for (a, b), (u, v) in zip(q.factor_names, q.factors)
    )
    what = "the sign is off" if kind == "sign" else "check the factors"
    return f"{what} ({factors}): {q.hint}"


def check(q: Question, answer: float) -> tuple[bool, str]:
    """Whether ``answer`` is right for ``q`` and, if not, a hint naming what is off."""
    kind = classify(q, answer)
    return (True, "right") if kind == "right" else (False, hint(q, kind))


@dataclass
class Score:
    """How the practice went: answers right first time, after a hint, and revealed."""

    first: int = 0
    second: int = 0
    revealed: int = 0
    asked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.first} of {self.asked} right first time, {self.second} after a hint, "
            f"{self.revealed} revealed."
        )


def _parse(text: str) -> float | None:
    # The tools write "-"; a minus copied from elsewhere (U+2212) is read as one too.
    try:
        return float(text.replace("−", "-").strip())
    except ValueError:
        return None


def introduction(
    explanation: Explanation | UnitExplanation, reveal: str = "type ? to see the answer"
) -> tuple[str, str]:
    """What practice shows before the questions: the forward pass (for a unit view, the case,
    the naming and the key first), then what to work out and how answers are judged;
    ``reveal`` says how to see an answer."""
    ex = explanation
    judged = f"Answers within {RTOL:.0%} are right; {reveal}."
    if isinstance(ex, UnitExplanation):
        return (
            "\n".join([ex.case_line(), "", *ex.header(), "", *ex.forward_lines()]),
            "\nBackward pass, unit by unit from the output layer down: work out ∂E/∂y_j, "
            "∂E/∂x_j and each ∂E/∂w_ji, with the paper's equations:\n"
            + "\n".join(ex.steps_intro()[1:])
            + f"\n{judged}\n",
        )
    out = ex.names[ex.root]
    return (
        ex.forward_text(),
        f"\nBackward pass, from {out} back to the inputs: work out the local derivative "
        f"of each use of a node (written with the consumer's own expression on top, as "
        f"∂(x·y)/∂y) and each gradient {gradient(out, 'v')}, the sum of upstream gradient "
        f"× local derivative over the uses. {judged}\n",
    )


def practice_session(
    explanation: Explanation | UnitExplanation,
    read: Callable[[str], str | None],
    write: Callable[[str], None],
) -> Score:
    """Ask every question of ``explanation`` in backward order; return the score.

    ``read(prompt)`` returns the learner's line, or None when there is no more input
    (then practice stops there). Each question allows two tries; ``?`` reveals. A unit
    view (`explain(E, view="neurons")`) asks its units' numbers (`unit_questions`).
    """
    score = Score()
    ex = explanation
    for block in introduction(ex):
        write(block)
    asked = unit_questions(ex) if isinstance(ex, UnitExplanation) else questions(ex)
    by_step: dict[int, Step | UnitStep] = {s.number: s for s in ex}
    current = 0
    for q in asked:
        if q.step != current:
            current = q.step
            write(step_heading(by_step[q.step], len(ex)))
        if q.use:
            write(f"  {q.use}:")
        score.asked += 1
        result = _ask(q, read, write)
        if result is None:
            write("\n(no more input: stopping here)")
            score.asked -= 1
            break
        setattr(score, result, getattr(score, result) + 1)
    write(f"\n{score}")
    return score


def _ask(
    q: Question, read: Callable[[str], str | None], write: Callable[[str], None]
) -> str | None:
    """One question, up to two tries: "first", "second" or "revealed"; None at end of input."""
    what = "local derivative" if q.kind == "local" else "gradient"
    tries = 0
    while True:
        line = read(f"  {what} {q.symbol} = ")
        if line is None:
            return None
        if line.strip().lower() in REVEAL:
            write(f"  answer: {q.working}")
            return "revealed"
        value = _parse(line)
        if value is None:
            write("  type a number, or ? to see the answer")
            continue
        tries += 1
        right, hint = check(q, value)
        if right:
            write(f"  ✓ right: {num(q.answer)}")
            return "first" if tries == 1 else "second"
        if tries == 2:
            write(f"  ✗ not quite. The answer: {q.working}")
            return "revealed"
        write(f"  ✗ not quite: {hint}. Try again (? to see the answer).")
