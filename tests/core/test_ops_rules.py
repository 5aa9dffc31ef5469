"""Each derivative rule is one text: the engine runs it and a learner reads it, shown."""

from __future__ import annotations

import math
from typing import Any

import pytest

from autograd import Op, Value, apply, explain, grad
from autograd.core.ops import OPS, shown_rule


def test_the_table_shows_each_rule_in_notation() -> None:
    shown = {name: op.local_rules for name, op in OPS.items() if op.partial_code}
    assert shown == {
        "+": ("1", "1"),
        "-": ("1", "−1"),
        "*": ("{1}", "{0}"),
        "/": ("1/{1}", "−{0}/{1}²"),
        "neg": ("−1",),
        "exp": ("{out}",),
        "log": ("1/{0}",),
        "sqrt": ("1/(2·{out})",),
        "sin": ("cos({0})",),
        "cos": ("−sin({0})",),
        "tanh": ("1 − {out}²",),
        "sigmoid": ("{out}·(1 − {out})",),
        "relu": ("(1 if {0} > 0 else 0)",),
        "margin_sq": (
            "(0 if {1} − {2} < {0} < {1} + {2} else 2·({0} − {1}))",
            "(0 if {1} − {2} < {0} < {1} + {2} else −2·({0} − {1}))",
            "0",
        ),
        "abs": ("(1 if {0} > 0 else −1 if {0} < 0 else 0)",),
        "recip": ("−{out}²",),
    }
    # Only ** keeps rules as functions (its limits at 0), with its notation beside them.
    assert [n for n, op in OPS.items() if not op.partial_code] == ["**", "Σ"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{0} - ({1} - {2})", "{0} − ({1} − {2})"),  # the right side keeps its brackets
        ("({0} - {1}) - {2}", "{0} − {1} − {2}"),
        ("{0} / ({1} * {2})", "{0}/({1}·{2})"),
        ("-({0} + {1})", "−({0} + {1})"),
        ("({0} + {1}) * ({0} + {1})", "({0} + {1})²"),
        ("0.5 * {0} ** 2.0", "0.5·{0}**2"),
        ("{0} >= 1.0", "{0} ≥ 1"),
    ],
)
def test_brackets_and_symbols(text: str, shown: str) -> None:
    assert shown_rule(text) == shown


def test_at_numbers_a_condition_shows_the_branch_taken() -> None:
    relu = OPS["relu"].partial_code[0]
    assert (shown_rule(relu, [2.0, 2.0]), shown_rule(relu, [-1.0, 0.0])) == ("1", "0")
    sign = OPS["abs"].partial_code[0]
    assert [shown_rule(sign, [x, abs(x)]) for x in (3.0, -3.0, 0.0)] == ["1", "−1", "0"]
    # In explain: the rule in names in full, in numbers the branch those numbers take.
    x = Value(-2.0, label="x")
    (term,) = explain(abs(x))[1].terms
    assert (term.formula, term.worked) == ("(1 if x > 0 else −1 if x < 0 else 0)", "−1")


def test_step_rules_made_from_text_compare_numbers_on_the_value_path() -> None:
    # relu, abs and the margin compare their operands; under create_graph those are
    # Values, so the comparison reads their numbers, and the slope is a plain float.
    for make, at, slope in (
        (lambda v: v.relu(), 1.5, 1.0),
        (lambda v: v.relu(), -1.5, 0.0),
        (lambda v: abs(v), -1.5, -1.0),
        (lambda v: apply(OPS["margin_sq"], v, 1.0, 0.2), 0.5, 2.0 * (0.5 - 1.0)),
        (lambda v: apply(OPS["margin_sq"], v, 1.0, 0.2), 0.9, 0.0),
    ):
        x = Value(at)
        (d,) = grad(make(x), [x], create_graph=True)
        assert d.data == slope
    x = Value(4.0)
    (d,) = grad(x.sqrt(), [x], create_graph=True)
    assert (d.data, grad(d, [x])[0].data) == (0.25, -1 / 32)


@pytest.mark.parametrize(
    ("make", "first", "second"),
    [
        (lambda v: v.sqrt(), math.inf, -math.inf),
        (lambda v: v**0.5, math.inf, -math.inf),
        (lambda v: v**0.25, math.inf, -math.inf),
        (lambda v: v**1.5, 0.0, math.inf),
    ],
)
def test_at_zero_the_derivatives_are_the_limits(make: Any, first: float, second: float) -> None:
    # The slope of sqrt at 0 is the limit inf, not 1/0 raising; its derivative the limit
    # −inf (as PyTorch gives, see test_against_torch), not the 0 of a constant inf.
    z = Value(0.0)
    (d1,) = grad(make(z), [z], create_graph=True)
    (d2,) = grad(d1, [z])
    assert (d1.data, d2.data) == (first, second)
    assert grad(make(z), [z])[0].data == first


def test_a_custom_text_the_notation_cannot_show_still_runs() -> None:
    op = Op("first", lambda a: a, (), partial_code=("[1.0, 2.0][0]",))
    assert (op.local_rules, op.formulas) == ((), ())
    x = Value(3.0)
    apply(op, x).backward()
    assert x.grad == 1.0
