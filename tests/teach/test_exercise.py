"""Exercises in a notebook: the practice questions numbered, judged as practice judges them."""

from __future__ import annotations

import math

import pytest

import autograd
import nn
from autograd import Value, explain
from autograd.teach import practice
from autograd.teach.exercise import (
    SLOPE_HINTS,
    Exercises,
    Note,
    Verdict,
    check_number,
    check_slope,
)
from tests.helpers import neuron, sigmoid, x_squared_plus_x


def net_error() -> tuple[Value, nn.MLP]:
    """The README's 2-2-1 net (seed 0) on the case (1, 0) → 1."""
    net = nn.MLP(2, [2, 1], seed=0)
    out = net([1.0, 0.0])
    assert isinstance(out, Value)
    return nn.losses.sum_squared_error(out, 1.0), net


def test_the_questions_are_practices_numbered_from_one() -> None:
    f, *_ = neuron()
    ex = Exercises(f)
    asked = practice.questions(explain(f))
    assert len(ex) == len(asked) == 10
    assert [ex.question(i).symbol for i in range(1, 11)] == [q.symbol for q in asked]
    assert [q.answer for q in ex.questions] == [q.answer for q in asked]
    s = sigmoid(0.3)
    assert ex.question(2).symbol == "∂f/∂#2"
    assert ex.question(2).answer == pytest.approx(s * (1 - s))


def test_a_right_answer_is_accepted_within_practices_tolerance() -> None:
    ex = Exercises(x_squared_plus_x()[0])
    q = ex.question(6)
    assert (q.symbol, q.answer) == ("∂f/∂x", 7.0)
    for answer in (7.0, 7, 7.0 * (1 + 0.9 * practice.RTOL)):
        verdict = ex.check(6, answer)
        assert verdict.right and bool(verdict)
        assert (verdict.kind, verdict.hint, verdict.question) == ("right", "", q)
        assert str(verdict) == repr(verdict) == "✓ right: ∂f/∂x = 7.000"
    assert not ex.check(6, 7.0 * (1 + 1.1 * practice.RTOL))


def test_every_hint_is_practices_hint_for_the_same_question_and_kind() -> None:
    f = x_squared_plus_x()[0]  # x has 3 uses: contributions 1, 3 and 3
    ex = Exercises(f)
    q = ex.question(6)
    cases = {-7.0: "sign", 3.0: "path", 4.0: "some", 123.0: "other"}
    for answer, kind in cases.items():
        verdict = ex.check(6, answer)
        assert practice.check(q, answer) == (False, practice.hint(q, kind))
        assert (verdict.right, verdict.kind, verdict.question) == (False, kind, q)
        assert verdict.hint == practice.hint(q, kind)
        assert str(verdict) == f"✗ not quite: {practice.hint(q, kind)}."
    assert ex.check(6, 3.0).hint == (
        "that is one use's contribution only: x has 3 uses, so add its 3 contributions: "
        "∂f/∂x = ∂f/∂f · ∂(#1 + x)/∂x + ∂f/∂#1 · ∂(x·x)/∂x (left x) + ∂f/∂#1 · ∂(x·x)/∂x (right x)"
    )
    # A local derivative: the rule, and the contribution typed for it.
    g, *_ = neuron()
    ex = Exercises(g)
    local = ex.question(7)  # ∂(w·x)/∂x = w = 0.5, upstream σ'(0.3)
    assert (local.kind, local.symbol, local.answer) == ("local", "∂(w·x)/∂x", 0.5)
    upstream = local.factors[0][0]
    assert ex.check(7, 0.5 * upstream).kind == "contribution"
    assert ex.check(7, 0.5 * upstream).hint == practice.hint(local, "contribution")
    assert ex.check(7, 2.0).hint == "the local factor is off: the rule is ∂(w·x)/∂x = w"
    grad_x = ex.question(8)
    assert ex.check(8, 0.5).kind == "upstream"  # the local derivative alone
    assert ex.check(8, 0.5).hint == practice.hint(grad_x, "upstream")


def test_a_net_is_asked_unit_by_unit_in_the_papers_terms() -> None:
    E, net = net_error()
    ex = Exercises(E, params=net, view="neurons")
    asked = practice.unit_questions(explain(E, params=net, view="neurons"))
    assert [q.symbol for q in ex.questions] == [q.symbol for q in asked]
    assert [ex.question(i).symbol for i in (1, 2, 3)] == ["∂E/∂y5", "∂E/∂x5", "∂E/∂w53"]
    dx5 = ex.question(2).answer
    assert ex.check(2, -0.1234)
    assert str(ex.check(3, dx5)) == (
        "✗ not quite: the factor y3 is missing: ∂E/∂w53 = ∂E/∂x5 · y3 (6)."
    )
    assert ex.check(3, dx5).hint == practice.hint(ex.question(3), "local")
    assert ex.check(2, -0.4938).hint == (
        "the factor y5·(1 - y5) is missing: ∂E/∂x5 = ∂E/∂y5 · y5·(1 - y5) (5)"
    )
    # Positional as explain takes them, and case= passes through.
    assert len(Exercises(E, None, net, view="neurons", case=1)) == 12


def test_an_explanation_made_already_is_taken_as_it_is() -> None:
    f, x = x_squared_plus_x()
    ex = explain(f, wrt=x)
    assert Exercises(ex).explanation is ex
    with pytest.raises(ValueError, match="an explanation is already made"):
        Exercises(ex, view="neurons")
    with pytest.raises(TypeError, match=r"root must be a Value or an explanation, got 3\.0"):
        Exercises(3.0)  # type: ignore[arg-type]


def test_the_listing_numbers_the_questions_by_step_and_ticks_those_answered() -> None:
    ex = Exercises(x_squared_plus_x()[0])
    forward, backward = practice.introduction(
        ex.explanation,
        "check an answer with .check(number, answer); .reveal(number) shows the working",
    )
    assert backward.endswith(
        "Answers within 1% are right; check an answer with .check(number, answer); "
        ".reveal(number) shows the working.\n"
    )
    wrapped = [
        "",
        "Backward pass, from f back to the inputs: work out the local derivative of each use of a",
        "node (written with the consumer's own expression on top, as ∂(x·y)/∂y) and each gradient",
        "∂f/∂v, the sum of upstream gradient × local derivative over the uses. Answers within 1%",
        "are right; check an answer with .check(number, answer); .reveal(number) shows the",
        "working.",
        "",
    ]
    assert " ".join(wrapped).split() == backward.split()
    ex.check(6, 7.0)
    ex.check(5, 2.0)  # wrong: no tick
    assert ex.listing() == "\n".join(
        [
            forward,
            *wrapped,
            "Questions:",
            "Step 2 of 3: #1 = x * x = 9.000, 1 use",
            "   1. by f = #1 + x: local derivative ∂(#1 + x)/∂#1",
            "   2. gradient ∂f/∂#1",
            "Step 3 of 3: x = 3.000 (input), 3 uses",
            "   3. use 1 of 3, by f = #1 + x: local derivative ∂(#1 + x)/∂x",
            "   4. use 2 of 3, by #1 = x * x, left operand: local derivative ∂(x·x)/∂x (left x)",
            "   5. use 3 of 3, by #1 = x * x, right operand: local derivative ∂(x·x)/∂x (right x)",
            "   6. gradient ∂f/∂x  ✓",
        ]
    )
    assert str(ex) == ex.listing()
    assert ex.solved == {6}
    assert repr(ex) == "<Exercises: 6 questions, 1 answered right>"


def test_reveal_shows_practices_worked_answer() -> None:
    ex = Exercises(x_squared_plus_x()[0])
    note = ex.reveal(6)
    assert isinstance(note, Note)
    assert str(note) == f"answer: {ex.question(6).working}"
    assert str(note).endswith("= 1.000 + 3.000 + 3.000 = 7.000")


def test_jupyter_shows_the_same_text_as_print() -> None:
    class Printer:  # IPython's pretty printer, as far as _repr_pretty_ uses it
        def __init__(self) -> None:
            self.out = ""

        def text(self, s: str) -> None:
            self.out += s

    ex = Exercises(x_squared_plus_x()[0])
    shown = [ex, ex.check(6, 7.0), ex.check(6, 3.0), ex.reveal(6), ex.check(6, ...)]
    for thing in shown:
        p = Printer()
        thing._repr_pretty_(p, False)
        assert p.out == str(thing)
        assert not hasattr(thing, "_repr_html_")  # text only in this layer
    assert [repr(v) for v in shown[1:]] == [str(v) for v in shown[1:]]


def test_bad_input_is_a_one_line_value_error_naming_it() -> None:
    ex = Exercises(x_squared_plus_x()[0])
    for number in (0, 7, True, 2.0, "3"):
        with pytest.raises(ValueError) as info:
            ex.check(number, 1.0)  # type: ignore[arg-type]
        assert str(info.value) == (
            f"Exercises: there is no question {number!r}; the questions are numbered 1 to 6"
        )
    for answer in ("7", None, [7.0], True, Value(7.0)):
        with pytest.raises(ValueError) as info:
            ex.check(6, answer)  # type: ignore[arg-type]
        message = str(info.value)
        assert "\n" not in message
        assert message == (
            f"Exercises.check: the answer to question 6 must be a number, got {answer!r} "
            f"({type(answer).__name__})"
        )
    with pytest.raises(ValueError, match=r"check_number: the answer must be a number, got 'x'"):
        check_number("x", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"check_slope: at must be a number, got '2'"):
        check_slope(1.0, lambda v: v * v, "2")  # type: ignore[arg-type]


def test_the_placeholder_is_not_judged() -> None:
    ex = Exercises(x_squared_plus_x()[0])
    for verdict in (ex.check(6, ...), check_number(..., 1.0), check_slope(..., lambda v: v, 1.0)):
        assert (verdict.right, verdict.kind) == (False, "unanswered")
        assert str(verdict) == "… not answered yet: replace ... with your answer, a number."
    assert ex.solved == set()


def cubic(x: Value) -> Value:
    """f(x) = x³ - 2x: the slope at 2 is 3·4 - 2 = 10."""
    return x**3 - 2 * x


def f_of(x: float) -> float:
    return x**3 - 2 * x


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ((f_of(2.001) - f_of(2.0)) / 0.001, "right"),  # 10.006: a forward difference
        ((f_of(2.0001) - f_of(1.9999)) / 0.0002, "right"),  # the central difference
        (10.0, "right"),
        (-10.006, "sign"),
        ((f_of(2.001) - f_of(1.999)) / 0.001, "double"),  # forgot the 2 of 2h
        (f_of(2.001) - f_of(2.0), "change"),  # not divided by h
        (f_of(2.01) - f_of(1.99), "change"),
        (f_of(2.0), "value"),  # 4.0
        (f_of(2.001), "value"),
        ((f_of(2.1) - f_of(2.0)) / 0.1, "close"),  # 10.61: h too large
        (3.0, "other"),
    ],
)
def test_a_slope_found_by_nudging_is_told_its_slip(answer: float, kind: str) -> None:
    verdict = check_slope(answer, cubic, 2.0)
    assert verdict.kind == kind
    if kind == "right":
        assert str(verdict) == (
            f"✓ right: {autograd.core.notation.num(answer)} "
            "(the exact slope, by backpropagation: 10.00)"
        )
        assert verdict.hint == ""
    else:
        assert verdict.hint == SLOPE_HINTS[kind]
        assert str(verdict) == f"✗ not quite: {SLOPE_HINTS[kind]}."


def test_check_slope_needs_a_function_of_values() -> None:
    assert check_slope(math.e, lambda x: x.exp(), 1.0)  # Value methods work
    with pytest.raises(ValueError, match=r"f must build its result from x with Value operations"):
        check_slope(1.0, lambda x: 3.0, 1.0)  # type: ignore[arg-type, return-value]


def test_check_number_names_the_slips_it_is_given() -> None:
    slips = {7.0: "that is one call's gradient", 21.0: "that is micrograd's number"}
    assert check_number(14.0, 14.0, slips) == Verdict("✓ right: 14.00", True, "right")
    assert check_number(14.1, 14.0).right  # within 1 %
    assert check_number(7.0, 14.0, slips) == Verdict(
        "✗ not quite: that is one call's gradient.", False, "slip", "that is one call's gradient"
    )
    assert check_number(21.0, 14.0, slips).hint == "that is micrograd's number"
    assert check_number(-14.0, 14.0, slips).kind == "sign"
    assert str(check_number(3.0, 14.0, slips)) == "✗ not quite: work it out again."
    assert check_number(0.0, 0.0).right and not check_number(1e-9, 0.0).right


def test_the_names_are_exported_lazily_from_autograd() -> None:
    assert autograd.Exercises is Exercises
    assert autograd.check_slope is check_slope and autograd.check_number is check_number
