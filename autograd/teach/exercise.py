"""Exercises in a notebook: practice questions a learner answers in a cell, checked at once.

`Exercises` numbers the practice questions of an expression (or, with
``view="neurons"``, of a net in the 1986 paper's terms) and judges an answer with
`autograd.teach.practice.check`: the same tolerance and the same hints as ``autograd
practice`` and the practice page. A learner types::

    ex = Exercises(E, params=net, view="neurons")
    ex                    # the forward pass, then the numbered questions
    ex.check(3, -0.12)    # ✗ not quite: the factor y3 is missing: ∂E/∂w53 = ∂E/∂x5 · y3 (6).
    ex.reveal(3)          # the worked answer

Two checks need no graph: `check_slope`, a derivative found by nudging (lesson 1 of
``docs/lessons``), and `check_number`, a number with the classic slips a teacher names.

Every result (a `Verdict`, a `Note`, `Exercises` itself) is plain text: printed, or shown
by Jupyter as a cell's result, as `explain`'s listings are. (No HTML: this layer writes
text only, and a notebook shows text in a monospaced block, where the listing's columns line
up.) An answer left as ``...`` (the exercise notebooks' placeholder) is not judged: the
verdict asks for a number, so a notebook still runs top to bottom.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from types import EllipsisType
from typing import Any, Literal

from autograd.core.engine import Value
from autograd.core.notation import num
from autograd.teach.explain import Explanation, explain
from autograd.teach.practice import (
    Question,
    classify,
    hint,
    introduction,
    near,
    questions,
    step_heading,
    unit_questions,
)
from autograd.teach.units import UnitExplanation

__all__ = ["SLOPE_HINTS", "Exercises", "Note", "Verdict", "check_number", "check_slope"]

UNANSWERED = "replace ... with your answer, a number"
WIDTH = 88  # the listing's paragraphs are wrapped at this many characters

# What a wrong slope found by nudging usually is, tested in this order after its sign.
SLOPE_HINTS = {
    "sign": "the sign is off: does f go up or down when x grows?",
    "double": (
        "that is twice the slope: the central difference (f(x + h) - f(x - h)) divides "
        "by 2h, the whole width of the nudge"
    ),
    "change": (
        "that is the change in f, not the slope: divide it by how far x moved "
        "(h for (f(x + h) - f(x)), 2h for (f(x + h) - f(x - h)))"
    ),
    "value": (
        "that is the function's value (at x, or nudged), not how fast it changes: the "
        "slope is (f(x + h) - f(x)) / h for a small h"
    ),
    "close": (
        "close, but more than 1% off: a smaller nudge h (0.001, say) gives a closer "
        "estimate, and the central difference (f(x + h) - f(x - h)) / 2h a closer one still"
    ),
    "other": (
        "work it out again: the slope is (f(x + h) - f(x)) / h for a small nudge h, e.g. 0.001"
    ),
}
# The nudges tried when telling a change (not divided by h) or a nudged value from a slope.
_NUDGES = tuple(10.0**-k for k in range(1, 9))
_CLOSE = 0.1  # within 10 %: an estimate with too large a nudge


@dataclass(frozen=True, repr=False)
class Note:
    """A line or more of text for a notebook: its repr is the text itself, so that a cell
    ending in one shows it as ``print`` would."""

    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text)


@dataclass(frozen=True, repr=False)
class Verdict(Note):
    """The judgement of one answer: ``✓ right: …`` or ``✗ not quite: <hint>.``

    ``kind`` is "right", the kind of slip (`autograd.teach.practice.HINTS` for a
    question, `SLOPE_HINTS` for a slope, "slip" for one of `check_number`'s), or
    "unanswered" for the placeholder ``...``. ``hint`` is the hint alone ("" when right),
    ``question`` the practice question judged, if there is one. True when right.
    """

    right: bool = False
    kind: str = "other"
    hint: str = ""
    question: Question | None = None

    def __bool__(self) -> bool:
        return self.right


def _wrong(kind: str, hint: str, question: Question | None = None) -> Verdict:
    return Verdict(f"✗ not quite: {hint}.", False, kind, hint, question)


def _number(answer: object, where: str, what: str = "the answer") -> float | None:
    """The answer as a float; None for the placeholder ``...``; else a ValueError naming it."""
    if answer is Ellipsis:
        return None
    if isinstance(answer, bool) or not isinstance(answer, Real):
        raise ValueError(
            f"{where}: {what} must be a number, got {answer!r} ({type(answer).__name__})"
        )
    return float(answer)


def _unanswered() -> Verdict:
    return Verdict(f"… not answered yet: {UNANSWERED}.", False, "unanswered", UNANSWERED)


class Exercises:
    """The practice questions of an expression, numbered from 1, for a notebook.

    Takes what `autograd.explain` takes (``root``, ``wrt``, ``params``, ``view``,
    ``case``), or an explanation already made. Shown in a notebook (or printed), it
    lists the forward pass and then every question in backward order; a question
    answered right is ticked. `check` judges an answer exactly as practice does
    (`autograd.teach.practice.check`), `reveal` shows the worked answer.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> ex = Exercises(x * x + x)
    >>> len(ex), ex.question(6).symbol
    (6, '∂f/∂x')
    >>> ex.check(6, 7.0)
    ✓ right: ∂f/∂x = 7.000
    >>> ex.check(6, 3.0)  # doctest: +ELLIPSIS
    ✗ not quite: that is one use's contribution only: x has 3 uses, so add its 3 contributions: ...
    """

    def __init__(
        self,
        root: Value | Explanation | UnitExplanation,
        wrt: Value | Iterable[Value] | None = None,
        params: object = None,
        *,
        view: Literal["values", "neurons"] = "values",
        case: int = 1,
    ) -> None:
        if isinstance(root, Explanation | UnitExplanation):
            if (wrt, params, view, case) != (None, None, "values", 1):
                raise ValueError(
                    "Exercises: wrt, params, view and case are for a root; "
                    "an explanation is already made"
                )
            self.explanation: Explanation | UnitExplanation = root
        elif isinstance(root, Value):
            if view == "neurons":
                self.explanation = explain(root, wrt, params, view="neurons", case=case)
            else:
                self.explanation = explain(root, wrt, params, view="values", case=case)
        else:
            raise TypeError(f"Exercises: root must be a Value or an explanation, got {root!r}")
        ex = self.explanation
        self.questions: list[Question] = (
            unit_questions(ex) if isinstance(ex, UnitExplanation) else questions(ex)
        )
        self.solved: set[int] = set()  # the numbers of the questions answered right

    def __len__(self) -> int:
        return len(self.questions)

    def question(self, number: int) -> Question:
        """Question ``number`` (from 1, as the listing numbers them)."""
        n = len(self.questions)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= n:
            raise ValueError(
                f"Exercises: there is no question {number!r}; the questions are numbered 1 to {n}"
            )
        return self.questions[number - 1]

    def check(self, number: int, answer: float | EllipsisType) -> Verdict:
        """Judge ``answer`` to question ``number``, with practice's tolerance and hints."""
        q = self.question(number)
        value = _number(answer, "Exercises.check", f"the answer to question {number}")
        if value is None:
            return _unanswered()
        kind = classify(q, value)
        if kind != "right":
            return _wrong(kind, hint(q, kind), q)  # practice.check's judgement, classified once
        self.solved.add(number)
        return Verdict(f"✓ right: {q.symbol} = {num(q.answer)}", True, "right", "", q)

    def reveal(self, number: int) -> Note:
        """The worked answer to question ``number``, as practice reveals it."""
        q = self.question(number)
        return Note(f"answer: {q.working}")

    def listing(self) -> str:
        """The forward pass, then the questions by step, numbered, a ✓ on those answered."""
        how = "check an answer with .check(number, answer); .reveal(number) shows the working"
        forward, backward = introduction(self.explanation, how)
        # The paragraph on what to work out, in lines a notebook shows without scrolling.
        wrapped = [textwrap.fill(line, WIDTH) for line in backward.split("\n")]
        lines = [forward, "\n".join(wrapped), "Questions:"]
        by_step = {s.number: s for s in self.explanation}
        step = 0
        for i, q in enumerate(self.questions, start=1):
            if q.step != step:
                step = q.step
                lines.append(step_heading(by_step[step], len(self.explanation)))
            what = "local derivative" if q.kind == "local" else "gradient"
            use = f"{q.use}: " if q.use else ""
            mark = "  ✓" if i in self.solved else ""
            lines.append(f"  {i:>2}. {use}{what} {q.symbol}{mark}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.listing()

    def __repr__(self) -> str:
        return f"<Exercises: {len(self.questions)} questions, {len(self.solved)} answered right>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.listing())


def check_number(
    answer: float | EllipsisType, right: float, slips: Mapping[float, str] | None = None
) -> Verdict:
    """Judge a plain number: right within `RTOL` (practice's tolerance), with its sign.

    ``slips`` maps the numbers that classic slips give to the hint each deserves; a
    wrong sign is told as such, anything else asks to work it out again.

    >>> check_number(14.0, 14.0)
    ✓ right: 14.00
    >>> check_number(7.0, 14.0, {7.0: "that is one call's gradient"})
    ✗ not quite: that is one call's gradient.
    """
    value = _number(answer, "check_number")
    if value is None:
        return _unanswered()
    if near(value, right):
        return Verdict(f"✓ right: {num(right)}", True, "right")
    for slip, told in (slips or {}).items():
        if near(value, slip):
            return _wrong("slip", told)
    if near(-value, right):
        return _wrong("sign", "the sign is off")
    return _wrong("other", "work it out again")


def check_slope(answer: float | EllipsisType, f: Callable[[Value], Value], at: float) -> Verdict:
    """Judge a slope of ``f`` at ``at`` found by nudging, against backpropagation's exact one.

    ``f`` must build its result with Value operations (``x**3 - 2*x``, ``x.exp()``); the
    exact slope is ∂f/∂x from the graph. An answer within `RTOL` is right; a wrong one is
    told which classic slip it looks like (`SLOPE_HINTS`): the sign, twice the slope, the
    change not divided by h, the value of f, or an estimate whose nudge is too large.

    >>> f = lambda x: x**3 - 2 * x
    >>> check_slope((f(2.001) - f(2.0)) / 0.001, f, 2.0)
    ✓ right: 10.01 (the exact slope, by backpropagation: 10.00)
    >>> check_slope(f(2.001) - f(2.0), f, 2.0)  # doctest: +ELLIPSIS
    ✗ not quite: that is the change in f, not the slope: divide it by how far x moved ...
    """
    value = _number(answer, "check_slope")
    if isinstance(at, bool) or not isinstance(at, Real):
        raise ValueError(f"check_slope: at must be a number, got {at!r} ({type(at).__name__})")
    x = Value(float(at))
    y = f(x)
    if not isinstance(y, Value):
        raise ValueError(
            f"check_slope: f must build its result from x with Value operations; "
            f"f(Value({float(at)!r})) gave {y!r}"
        )
    if value is None:
        return _unanswered()
    y.backward()
    slope = x.grad
    kind = _slope_kind(value, slope, lambda v: f(Value(v)).data, float(at))
    if kind == "right":
        return Verdict(
            f"✓ right: {num(value)} (the exact slope, by backpropagation: {num(slope)})",
            True,
            "right",
        )
    return _wrong(kind, SLOPE_HINTS[kind])


def _slope_kind(value: float, slope: float, f: Callable[[float], float], at: float) -> str:
    """Which of "right" or `SLOPE_HINTS` describes ``value`` as the slope of f at ``at``."""
    if near(value, slope):
        return "right"
    if near(-value, slope):
        return "sign"
    if near(value, 2 * slope):
        return "double"
    here = f(at)
    for h in _NUDGES:
        if near(value, f(at + h) - here) or near(value, f(at + h) - f(at - h)):
            return "change"
    if near(value, here) or any(near(value, f(at + h)) for h in _NUDGES):
        return "value"
    if math.isfinite(value) and abs(value - slope) <= _CLOSE * abs(slope):
        return "close"
    return "other"
