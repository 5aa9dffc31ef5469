"""Practice without a browser: the questions, the hints for wrong answers, a session of answers."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain
from autograd.core.notation import num
from autograd.teach.practice import (
    HINTS,
    MAX_USES_TRIED,
    RTOL,
    Question,
    check,
    classify,
    practice_session,
    questions,
    unit_questions,
)
from tests.helpers import neuron, sigmoid


def test_questions_come_in_backward_order_with_their_answers() -> None:
    f, *_ = neuron()
    qs = questions(explain(f))
    s = sigmoid(0.3)
    local = s * (1 - s)
    # #2: its local dσ/d#2 then its gradient; #1, b, x, w: ∂#2/∂#1 = 1 and so on.
    assert [q.kind for q in qs] == ["local", "grad"] * 5
    assert [q.answer for q in qs[:2]] == [pytest.approx(local)] * 2
    answers = {q.symbol: q.answer for q in qs if q.kind == "grad"}
    assert answers["∂f/∂w"] == pytest.approx(local * 1.0)
    assert answers["∂f/∂x"] == pytest.approx(local * 0.5)
    assert answers["∂f/∂b"] == pytest.approx(local)


def test_hints_say_which_factor_is_off() -> None:
    x = Value(0.5, label="x")
    y = Value(-2.0, label="y")
    f = (x * y).tanh() * 2.0 + x  # x is used twice; the tanh path has a non-trivial upstream
    qs = questions(explain(f))
    q = next(q for q in qs if q.kind == "grad" and q.symbol == "∂f/∂x")
    t = math.tanh(-1.0)
    through_tanh = 2.0 * (1 - t * t) * -2.0
    assert q.answer == pytest.approx(through_tanh + 1.0)
    assert check(q, through_tanh + 1.0) == (True, "right")
    assert check(q, (through_tanh + 1.0) * 1.005)[0]  # within 1%
    assert classify(q, 1.0) == "path"  # only the direct path x → f
    assert check(q, 1.0)[1] == (
        "that is one use's contribution only: x has 2 uses, so add its 2 contributions: "
        "∂f/∂x = ∂f/∂f · ∂(#3 + x)/∂x + ∂f/∂#1 · ∂(x·y)/∂x"
    )
    assert classify(q, -(through_tanh + 1.0)) == "sign"
    assert classify(q, -2.0 + 1.0) == "upstream"  # the local derivatives y and 1 alone
    upstreams = sum(u for u, _ in q.factors)
    assert classify(q, upstreams) == "local"  # the upstream gradients alone
    assert check(q, -1.0)[1] == (
        "the upstream factor is missing: multiply each local derivative by its upstream "
        f"gradient (∂f/∂f = 1.000, ∂f/∂#1 = {2.0 * (1 - t * t):.4f})"
    )
    assert classify(q, 123.0) == "other"
    local = next(q for q in qs if q.kind == "local" and q.symbol == "∂tanh(#1)/∂#1")
    assert local.answer == pytest.approx(1 - t * t)
    assert check(local, 0.5)[1] == "the local factor is off: the rule is ∂tanh(#1)/∂#1 = 1 - #2²"
    # The two uses of x are asked as the listing writes them, each saying which use it is.
    uses = [(q.symbol, q.use) for q in qs if q.kind == "local" and q.name == "x"]
    assert uses == [
        ("∂(#3 + x)/∂x", "use 1 of 2, by f = #3 + x"),
        ("∂(x·y)/∂x", "use 2 of 2, by #1 = x * y"),
    ]


def test_a_forgotten_use_among_several_is_named() -> None:
    x = Value(3.0, label="x")
    qs = questions(explain(x * x + x))  # x has 3 uses: contributions 1, 3 and 3
    q = next(q for q in qs if q.kind == "grad" and q.name == "x")
    assert q.answer == 2 * 3.0 + 1
    assert classify(q, 3.0) == "path"  # one use
    assert classify(q, 4.0) == "some" and classify(q, 6.0) == "some"  # two of the three
    assert check(q, 4.0)[1].startswith(
        "that adds only some of the contributions: x has 3 uses, so add all 3: ∂f/∂x = "
    )
    assert classify(q, 5.0) == "other"  # no subset of 1, 3, 3 adds up to 5


def run_practice(answers: list[str]) -> tuple[str, object]:
    x = Value(3.0, label="x")
    f = x * x + x
    feed = iter(answers)
    out: list[str] = []

    def read(prompt: str) -> str | None:
        line = next(feed, None)
        out.append(f"{prompt}{line}")
        return line

    score = practice_session(explain(f), read, out.append)
    return "\n".join(out), score


def test_practice_session_accepts_hints_and_reveals() -> None:
    # #1: local 1, gradient 1; x: locals ∂(#1 + x)/∂x = 1, ∂(x·x)/∂x = 3 (left, right),
    # gradient 7. The 5th answer, 2 for the right x, is wrong.
    text, score = run_practice(["1", "1", "1", "3", "2", "3", "?"])
    assert str(score) == "4 of 6 right first time, 1 after a hint, 1 revealed."
    assert (
        "  use 3 of 3, by #1 = x * x, right operand:\n"
        "  local derivative ∂(x·x)/∂x (right x) = 2\n"
        "  ✗ not quite: the local factor is off: the rule is ∂(x·x)/∂x (right x) = x." in text
    )
    assert (
        "answer: ∂f/∂x = ∂f/∂f · ∂(#1 + x)/∂x + ∂f/∂#1 · ∂(x·x)/∂x (left x) + ∂f/∂#1 · "
        "∂(x·x)/∂x (right x) = 1.000 × 1.000 + 1.000 × 3.000 + 1.000 × 3.000" in text
    )
    text, score = run_practice(["1", "1", "1", "3", "3", "5", "7"])  # 5: no sum of uses
    assert "one use's contribution only" not in text and "upstream factor is missing" not in text
    assert "✗ not quite: check the upstream factor (∂f/∂f = 1.000, ∂f/∂#1 = 1.000" in text
    assert str(score) == "5 of 6 right first time, 1 after a hint, 0 revealed."


def test_practice_session_stops_cleanly_at_the_end_of_input() -> None:
    text, score = run_practice(["1", "oops"])
    assert "type a number, or ? to see the answer" in text
    assert "(no more input: stopping here)" in text
    assert str(score) == "1 of 1 right first time, 0 after a hint, 0 revealed."


# ==== one table of cases for both classifiers (issue 20) ====


TABLE = json.loads(
    (Path(__file__).parent.parent / "data" / "practice_cases.json").read_text(encoding="utf-8")
)


def question(q: dict[str, Any]) -> Question:
    # float() reads the page's spelling of inf and nan ("Infinity", "-Infinity", "NaN").
    factors = tuple((float(u), float(d)) for u, d in q["factors"])
    return Question(1, q["kind"], "∂f/∂x", float(q["answer"]), "the rule", factors)


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: c["why"])
def test_python_classifies_each_case_of_the_table(case: dict[str, Any]) -> None:
    assert classify(question(case["question"]), float(case["typed"])) == case["expect"]


def test_the_table_uses_the_real_tolerances() -> None:
    # The Node test takes them from the table: they must be the ones pages are given.
    assert TABLE["tolerance"] == {"rtol": RTOL, "max_uses": MAX_USES_TRIED}


def test_the_table_reaches_every_outcome_for_both_kinds_of_question() -> None:
    seen = {(c["question"]["kind"], c["expect"]) for c in TABLE["cases"]}
    assert {e for k, e in seen if k == "grad"} == {"right", *HINTS} - {"contribution"}
    assert {e for k, e in seen if k == "local"} == {"right", "sign", "contribution", "local"}
    spelled = json.dumps(TABLE["cases"])
    assert all(f'"{s}"' in spelled for s in ("Infinity", "-Infinity", "NaN"))


# ==== hints that teach rather than tell (issue 19, item 7) ====


def test_a_hint_never_gives_a_constant_rule_away() -> None:
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    f = 3.0 * (a - b)
    by_symbol = {q.symbol: q for q in questions(explain(f)) if q.kind == "local"}
    minus = by_symbol["∂(a - b)/∂b"]
    assert "-1" not in minus.hint and minus.hint.endswith("when b alone grows by 1")
    times = Value(0.5, label="w") * Value(2.0, label="x")
    (w_local,) = [q for q in questions(explain(times)) if q.symbol == "∂(w·x)/∂w"]
    assert w_local.hint == "the rule is ∂(w·x)/∂w = x"  # a rule in names gives nothing away


def test_a_contribution_typed_for_the_local_derivative_is_named() -> None:
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    f = 3.0 * (a - b)
    (q,) = [q for q in questions(explain(f)) if q.symbol == "∂(a - b)/∂b"]
    assert (q.use, classify(q, -3.0), classify(q, -1.0)) == (
        "by #1 = a - b",
        "contribution",
        "right",
    )
    ok, said = check(q, -3.0)
    assert not ok and said.startswith("that is the contribution (upstream gradient × local")


# -- a net, unit by unit (the unit view): the classic exam question --


def _net(sizes: list[int]) -> Any:
    import nn

    model = nn.MLP(2, sizes, seed=0)
    return explain(
        nn.losses.sum_squared_error(model([1.0, 0.0]), [1.0] * sizes[-1]), view="neurons"
    )


def test_unit_questions_ask_dy_dx_and_each_weight_of_every_unit() -> None:
    units = _net([2, 1])
    qs = unit_questions(units)
    assert [q.symbol for q in qs] == [
        "∂E/∂y5", "∂E/∂x5", "∂E/∂w53", "∂E/∂w54",
        "∂E/∂y4", "∂E/∂x4", "∂E/∂w41", "∂E/∂w42",
        "∂E/∂y3", "∂E/∂x3", "∂E/∂w31", "∂E/∂w32",
    ]  # fmt: skip
    by_unit = {s.unit: s for s in units}
    assert [q.answer for q in qs[:4]] == [
        by_unit[5].dy, by_unit[5].dx, by_unit[5].weights[0].grad, by_unit[5].weights[1].grad
    ]  # fmt: skip
    assert all(q.kind == "grad" for q in qs)


def test_unit_hints_name_the_missing_factor_in_the_papers_terms() -> None:
    units = _net([2, 1])
    qs = {q.symbol: q for q in unit_questions(units)}
    s5 = units[0]
    y3 = s5.weights[0].y
    # ∂E/∂w53 = ∂E/∂x5 · y3: typing ∂E/∂x5 alone leaves y3 out, and the other way round.
    assert check(qs["∂E/∂w53"], s5.dx) == (
        False, "the factor y3 is missing: ∂E/∂w53 = ∂E/∂x5 · y3 (6)"
    )  # fmt: skip
    assert check(qs["∂E/∂w53"], y3)[1].startswith("the factor ∂E/∂x5 is missing")
    assert check(qs["∂E/∂x5"], s5.dy)[1].startswith("the factor y5·(1 - y5) is missing")
    assert check(qs["∂E/∂x5"], -s5.dx)[1].startswith("the sign is off (∂E/∂y5 = -0.4938")
    assert check(qs["∂E/∂w53"], s5.weights[0].grad * 1.005) == (True, "right")


def test_a_hidden_unit_that_feeds_two_units_adds_both_terms() -> None:
    units = _net([2, 2])
    q = next(q for q in unit_questions(units) if q.symbol == "∂E/∂y4")
    step = next(s for s in units if s.unit == 4)
    first = step.downstream[0].product
    assert check(q, first) == (
        False,
        "that is one unit's term only: y4 feeds 2 units, so add all 2 terms: "
        "∂E/∂y4 = Σ_j ∂E/∂x_j · w_j4 (7)",
    )
    ws = sum(t.w for t in step.downstream)
    assert check(q, ws)[1].startswith("the factor ∂E/∂x5 / ∂E/∂x6 is missing from each term")


def test_a_unit_practice_session_reads_as_the_paper() -> None:
    units = _net([2, 1])
    answers = iter([num(units[0].dy), num(units[0].dy), num(units[0].dx), "?"])
    out: list[str] = []
    score = practice_session(units, lambda prompt: next(answers, None), out.append)
    text = "\n".join(out)
    assert "Case 1 of 1: y1 = 1, y2 = 0; targets d5 = 1." in text
    assert "Step 1 of 3: Unit 5 (output, sigmoid): y5 = 0.5062" in text
    assert "the factor y5·(1 - y5) is missing" in text
    assert "answer: ∂E/∂w53 = ∂E/∂x5 · y3 = (-0.1234) × 0.5397 ≈ -0.06661 (6)" in text
    assert (score.first, score.second, score.revealed, score.asked) == (1, 1, 1, 3)


# ==== one minus sign (issue 19, item 11) ====

MINUS = "\u2212"  # what the tools never print: "-" is what a learner types and numbers print


def test_the_terminal_texts_write_every_minus_sign_as_a_learner_types_it() -> None:
    from autograd.teach.check import mistake, nudge_test

    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    f = (a + b) * (a - b) + (-a).exp() - b.cos() + (a - a).sqrt()
    ex = explain(f)
    listing = str(ex)
    # The operation, its rule, the numbers and a note: all with the same sign.
    assert "= a - b = 1.000" in listing and "∂(a - b)/∂b = -1" in listing
    assert "∂(-a)/∂a = -1" in listing and "(-1.000)" in listing and "-sin(b)" in listing
    assert "The paths add up inf and -inf, and inf - inf is nan in floats." in listing
    texts = [listing, nudge_test(f).listing(), *(str(mistake(f, k)) for k in ("twice", "order"))]
    units = _net([2, 1])
    texts.append(str(units))
    out: list[str] = []
    answers = iter(["5", "?", "1", "?"] * 20)
    practice_session(ex, lambda prompt: next(answers, None), out.append)
    practice_session(units, lambda prompt: next(answers, None), out.append)
    texts.append("\n".join(out))
    assert "y5 - d5" in texts[-1] and "the sign is off" in texts[-1]
    assert all(MINUS not in text for text in texts)
    hints = [h for q in questions(ex) for h in q.as_dict()["hints"].values()]
    assert all(MINUS not in h for h in hints)


def test_a_hint_names_each_upstream_gradient_once() -> None:
    x = Value(3.0, label="x")
    f = x * x + x
    f.label = "f"
    g = f + f * f  # x's uses: by f (upstream ∂g/∂f) and twice by #1 = x*x (upstream ∂g/∂#1)
    g.label = "g"
    q = next(q for q in questions(explain(g)) if q.symbol == "∂g/∂x")
    assert q.upstream_names == ("∂g/∂f", "∂g/∂#1", "∂g/∂#1")
    # The local derivatives alone (1 + 3 + 3): what a depth-first pass leaves in x.
    assert check(q, 7.0) == (
        False,
        "the upstream factor is missing: multiply each local derivative by its upstream "
        "gradient (∂g/∂f = 25.00, ∂g/∂#1 = 25.00)",
    )


def test_a_wrong_sign_where_there_are_no_factors_gives_the_rule() -> None:
    dy5 = unit_questions(_net([2, 1]))[0]  # ∂E/∂y5 = y5 - d5: no upstream or local factor
    assert (dy5.symbol, dy5.factors) == ("∂E/∂y5", ())
    assert check(dy5, -dy5.answer) == (False, "the sign is off: ∂E/∂y5 = y5 - d5 (4)")
    assert check(dy5, 0.5) == (False, "work it out again: ∂E/∂y5 = y5 - d5 (4)")
