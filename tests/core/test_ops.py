"""The operation table: each op's value and derivative, its domain errors, ops from text."""

from __future__ import annotations

import math
from typing import Any

import pytest

from autograd import Op, Value, apply, compile, explain, grad, no_grad
from autograd.core.ops import OPS, fill, shown_rule
from tests.helpers import bits, grads, sigmoid
from tests.strategies import ARITH_ERRORS

# -- each op against its analytic value and derivative --


UNARY = [
    # (name, f on Values, value formula, derivative formula, sample points)
    ("exp", lambda v: v.exp(), math.exp, math.exp, [-2.0, 0.0, 1.5]),
    ("log", lambda v: v.log(), math.log, lambda x: 1 / x, [0.1, 1.0, 7.0]),
    ("sqrt", lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.25, 2.0, 9.0]),
    ("sin", lambda v: v.sin(), math.sin, math.cos, [-1.0, 0.0, 2.5]),
    ("cos", lambda v: v.cos(), math.cos, lambda x: -math.sin(x), [-1.0, 0.0, 2.5]),
    ("tanh", lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, [-3.0, 0.0, 0.7]),
    (
        "sigmoid",
        lambda v: v.sigmoid(),
        sigmoid,
        lambda x: sigmoid(x) * (1 - sigmoid(x)),
        [-4.0, 0.0, 2.0],
    ),
    ("relu", lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0), [-1.0, 0.0, 3.0]),
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, [-1.0, 2.0]),
    ("pow3", lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2, [-2.0, 0.5, 1.5]),
    ("rpow", lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2), [-1.0, 0.0, 3.0]),
    ("rdiv", lambda v: 3 / v, lambda x: 3 / x, lambda x: -3 / x**2, [-2.0, 0.5, 4.0]),
    ("rsub", lambda v: 2 - v, lambda x: 2 - x, lambda x: -1.0, [1.0]),
    ("radd", lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0, [1.0]),
    ("rmul", lambda v: 2 * v, lambda x: 2 * x, lambda x: 2.0, [1.0]),
]


@pytest.mark.parametrize(
    ("name", "f", "value", "deriv", "points"), UNARY, ids=[u[0] for u in UNARY]
)
def test_unary_value_and_derivative(name, f, value, deriv, points) -> None:
    for x in points:
        y, (dx,) = grads(f, x)
        assert y == pytest.approx(value(x), rel=1e-12, abs=1e-15), (name, x)
        assert dx == pytest.approx(deriv(x), rel=1e-12, abs=1e-15), (name, x)


BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a)),
    ("div", lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    (
        "pow",
        lambda a, b: a**b,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1), a**b * math.log(a)),
    ),
]


@pytest.mark.parametrize(("name", "f", "value", "deriv"), BINARY, ids=[b[0] for b in BINARY])
def test_binary_value_and_derivatives(name, f, value, deriv) -> None:
    for a, b in [(1.5, 2.0), (0.3, -1.7), (4.0, 0.5)]:
        y, (da, db) = grads(f, a, b)
        assert y == pytest.approx(value(a, b), rel=1e-12)
        assert (da, db) == pytest.approx(deriv(a, b), rel=1e-12)


def test_pow_limits_at_zero_base() -> None:
    # d/dx x**b at x = 0: 0 for b > 1, 1 for b = 1, inf for 0 < b < 1 (as PyTorch).
    assert grads(lambda x: x**2, 0.0)[1] == [0.0]
    assert grads(lambda x: x**1, 0.0)[1] == [1.0]
    assert grads(lambda x: x**0.5, 0.0)[1] == [math.inf]
    assert grads(lambda x: x.sqrt(), 0.0)[1] == [math.inf]
    # d/db 0**b = 0 for b > 0; a negative base with an integer Value exponent: nan.
    assert grads(lambda a, b: a**b, 0.0, 2.0)[1] == [0.0, 0.0]
    y, (da, db) = grads(lambda a, b: a**b, -2.0, 3.0)
    assert (y, da) == (-8.0, 12.0) and math.isnan(db)


# -- numerical stability --


@pytest.mark.parametrize("x", [-1e6, -745.0, -30.0, -1.0, 0.0, 1.0, 30.0, 745.0, 1e6])
def test_sigmoid_and_tanh_finite_everywhere(x: float) -> None:
    s = Value(x).sigmoid()
    t = Value(x).tanh()
    s.backward()
    t.backward()
    assert 0.0 <= s.data <= 1.0 and math.isfinite(s.grad)
    assert -1.0 <= t.data <= 1.0 and math.isfinite(t.grad)


def test_sigmoid_full_precision_far_left() -> None:
    # e^-30 / (1 + e^-30) to full relative precision (1 - 1/(1+e^-30) would lose it all)
    assert Value(-30.0).sigmoid().data == pytest.approx(
        math.exp(-30) / (1 + math.exp(-30)), rel=1e-15
    )
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


@pytest.mark.parametrize(
    ("f", "error", "pattern"),
    [
        (lambda: Value(0.0).log(), ValueError, r"log: log\(0\.0\)"),
        (lambda: Value(-1.0).log(), ValueError, r"log: log\(-1\.0\)"),
        (lambda: Value(-4.0).sqrt(), ValueError, r"sqrt: sqrt\(-4\.0\)"),
        (
            lambda: Value(-8.0) ** (1 / 3),
            ValueError,
            r"negative base -8\.0 to the non-integer power",
        ),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, r"negative base -8\.0"),
        (lambda: (-2.0) ** Value(0.5), ValueError, r"negative base -2\.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero in '/': 1\.0 / 0\.0"),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, r"division by zero in '/': 1\.0 / 0\.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0\.0 \*\* -1\.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp: exp\(1000\.0\) overflows"),
        (lambda: Value(10.0) ** 400, OverflowError, r"10\.0 \*\* 400\.0 overflows"),
        (lambda: Value(math.inf).sin(), ValueError, r"sin: sin\(inf\)"),
    ],
)
def test_domain_errors_name_the_op_and_value(f, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        f()


def test_derivatives_that_overflow_are_infinite_like_float_arithmetic() -> None:
    # The value 1e200 is fine; its slope -1/x² = -1e400 is not a float: -inf, as
    # 1/Value(tiny) also gives, rather than an error from inside the derivative.
    y = Value(1e-200) ** -1.0
    assert y.data == pytest.approx(1e200) and y.local_grads == (-math.inf,)
    assert (Value(-1e-100) ** -3.0).local_grads == (-math.inf,)


def test_relu_of_nan_is_nan_as_in_pytorch() -> None:
    assert math.isnan(Value(math.nan).relu().data)
    with no_grad():
        assert math.isnan(Value(math.nan).relu().data)


def test_pow_with_negative_base_and_integer_exponent_is_fine() -> None:
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0


def test_every_code_text_agrees_with_its_rule() -> None:
    """Each code text, run as compiled code runs it, gives the numbers of the interpreter's
    rule made from it (which reads comparisons on floats, see `ops._OnFloats`)."""
    env = {"cos": math.cos, "sin": math.sin, "log": math.log, "inf": math.inf}
    env["recip"] = lambda a: math.copysign(math.inf, a) if a == 0.0 else 1.0 / a
    for op in OPS.values():
        for i, text in enumerate(op.partial_code):
            for a in (-1.5, -0.0, 0.0, 0.75, 0.3, 0.1, 2.0):
                args = (a, 0.5, 0.2)[: len(op.partial_code)]
                try:
                    out = op.forward(*args)
                except ARITH_ERRORS:
                    continue
                source = text.format(*(f"({x!r})" for x in args), out=f"({out!r})")
                assert bits(eval(source, env)) == bits(op.partial(i, args, out)), (op.name, a)


# ==== faults and hostile input (issue 12; the numbers are the items) ====


def test_custom_ops_need_a_formula_per_partial_and_numeric_partials() -> None:
    with pytest.raises(TypeError, match=r"^Op 'square': 2 partial rule\(s\) but 1 formula"):
        Op("square", lambda a: a * a, (lambda a, out: 2 * a, lambda a, out: 0.0), ("∂/∂a",))
    with pytest.raises(TypeError, match=r"^Op 'square': formulas must be strings"):
        Op("square", lambda a: a * a, (lambda a, out: 2 * a,), (2,))  # type: ignore[arg-type]
    bare = apply(Op("square", lambda a: a * a, (lambda a, out: 2 * a,)), Value(3.0))
    assert explain(bare)[1].terms[0].local_text().endswith("= 6.000")  # no formula: the value
    text = Op("text", lambda a: a, (lambda a, out: "one",), ("∂/∂a = 'one'",))
    with pytest.raises(TypeError, match=r"^the partial rule 0 of 'text' returned: .* 'one'"):
        apply(text, Value(1.0))
    square = Op("square", lambda a: a * a, (lambda a, out: 2 * a,), ("∂(a²)/∂a = 2a",))
    y = apply(square, Value(3.0))
    assert "2a" in str(explain(y))


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


# -- overflowing derivatives keep the sign of b·a^(b−1) --


@pytest.mark.parametrize(
    ("base", "exponent"),
    [(-1e-120, -2.0), (1e-120, -2.0), (-1e-100, -3.0), (1e-100, -3.0), (-1e-70, -4.0)],
)
def test_overflowing_pow_derivative_has_the_right_sign(base, exponent) -> None:
    # a^b is a float but b·a^(b−1) overflows; its sign is sign(b)·sign(a)^(b−1).
    sign = math.copysign(1.0, exponent) * (-1.0 if base < 0 and int(exponent - 1) % 2 else 1.0)
    y = Value(base) ** exponent
    assert y.local_grads == (sign * math.inf,)
    x = Value(base)
    (dy,) = grad(Value(1.0) * x**exponent, [x])
    assert dy.data == sign * math.inf


def test_relu_of_negative_zero_is_positive_zero() -> None:
    # "0 if a <= 0": -0.0 becomes +0.0, recording or not, as the table's rule says.
    with no_grad():
        off = Value(-0.0).relu()
    on = Value(-0.0).relu()
    for y in (on, off, apply(OPS["relu"], Value(-0.0))):
        assert math.copysign(1.0, y.data) == 1.0


# -- found by the re-run on the merged code (ops made from text, abs, Loss.compiles) --


def test_an_op_given_only_text_makes_its_partials_and_formulas_from_it() -> None:
    # x²·y: one rule per operand as code text (slots {0}, {1}) and as notation.
    op = Op(
        "x2y",
        lambda a, b: a * a * b,
        (),
        local_rules=("2·{0}·{1}", "{0}²"),
        partial_code=("2.0 * {0} * {1}", "{0} * {0}"),
    )
    assert op.formulas == ("∂x2y(a, b)/∂a = 2·a·b", "∂x2y(a, b)/∂b = a²")
    x, y = Value(3.0), Value(-0.5)
    out = apply(op, x, y)
    out.backward()
    assert (out.data, x.grad, y.grad) == (-4.5, 2 * 3.0 * -0.5, 3.0 * 3.0)
    # The rules made from text work on Values too: second derivatives 2y and 2x.
    dx, dy = grad(out, [x, y], create_graph=True)
    assert (dx.data, dy.data) == (-3.0, 9.0)
    assert [d.data for d in grad(dx, [x, y])] == [2 * -0.5, 2 * 3.0]
    assert [d.data for d in grad(dy, [x, y])] == [2 * 3.0, 0.0]
    # A text may use the result {out}: e^(2a) has ∂/∂a = 2·out and ∂²/∂a² = 4·out.
    e2 = Op("e2", lambda a: math.exp(2.0 * a), (), partial_code=("2.0 * {out}",))
    a = Value(0.5)
    (d1,) = grad(apply(e2, a), [a], create_graph=True)
    assert (d1.data, grad(d1, [a])[0].data) == (2.0 * math.exp(1.0), 4.0 * math.exp(1.0))
    # Rules given as functions are the ones used, even with a text for compiled code.
    given = (lambda a, out: 2.0 * out,)
    assert (
        Op("e2", lambda a: math.exp(2.0 * a), given, partial_code=("2.0 * {out}",)).partials
        == given
    )


def test_text_partials_call_cos_sin_and_log_on_floats_and_values() -> None:
    # sin(log a): first derivative cos(log a)/a, second −(sin(log a) + cos(log a))/a².
    op = Op("sinlog", lambda a: math.sin(math.log(a)), (), partial_code=("cos(log({0})) / {0}",))
    a = Value(2.0)
    out = apply(op, a)
    out.backward()
    assert a.grad == math.cos(math.log(2.0)) / 2.0
    (d1,) = grad(out, [a], create_graph=True)
    (d2,) = grad(d1, [a])
    expected = -(math.sin(math.log(2.0)) + math.cos(math.log(2.0))) / 4.0
    assert d2.data == pytest.approx(expected, rel=1e-12)
    # A one-operand rule in words names its operand x and the result y.
    three = Op(
        "e3", lambda a: math.exp(3 * a), (lambda a, out: 3 * out,), shows="e³({0})",
        local_rules=("3·{out}",),
    )  # fmt: skip
    assert three.formulas == ("∂e³(x)/∂x = 3·y",)
    first = (lambda a, b, c, out: 1.0, lambda a, b, c, out: 0.0, lambda a, b, c, out: 0.0)
    pick = Op("pick", lambda a, b, c: a, first, local_rules=("1", "0", "0"))
    assert pick.formulas == tuple(f"∂pick(a, b, c)/∂{s} = {r}" for s, r in zip("abc", "100"))


def test_forward_rules_made_from_code_text() -> None:
    from autograd.core import ops

    relu = ops._float_rule(ops._RELU_CODE)
    assert [relu(-2.0), relu(0.0), relu(1.5)] == [0.0, 0.0, 1.5]
    assert math.isnan(relu(math.nan))
    sigmoid = ops._float_rule(ops._SIGMOID_CODE)
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == 1.0 / (1.0 + math.exp(-2.0))
    assert sigmoid(-30.0) == math.exp(-30.0) / (1.0 + math.exp(-30.0))
    sin, cos = ops._trig("sin"), ops._trig("cos")
    assert (sin(0.5), cos(0.5)) == (math.sin(0.5), math.cos(0.5))
    assert type(sin(0)) is float
    for bad in (math.inf, -math.inf):
        with pytest.raises(ValueError, match=rf"^cos: cos\({bad!r}\) is undefined$"):
            cos(bad)


@pytest.mark.parametrize("x", [0.5, 2.0, -0.5, -2.0, 0.0])
def test_abs_differentiates_to_the_sign(x: float) -> None:
    v = Value(x)
    y = abs(v)
    y.backward()
    assert (y.data, v.grad) == (math.fabs(x), (x > 0) - (x < 0))


@pytest.mark.parametrize("y", [0.75, 1.25, 0.5, 1.0, 0.875, 1.125])
def test_margin_sq_counts_the_margin_s_edge_as_outside(y: float) -> None:
    d, m = 1.0, 0.25  # exact in binary, so y = d ± m is exactly on the edge
    yv, dv = Value(y), Value(d)
    out = apply(OPS["margin_sq"], yv, dv, m)
    out.backward()
    inside = abs(y - d) < m
    assert out.data == (0.0 if inside else (y - d) ** 2)
    assert (yv.grad, dv.grad) == ((0.0, 0.0) if inside else (2 * (y - d), -2 * (y - d)))


def test_linear_code_for_a_compensated_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd.core import ops

    # Python >= 3.12's sum() of floats compensates rounding; this branch writes a call to it.
    monkeypatch.setattr(ops, "_PLAIN_SUM", False)
    text = ops.LINEAR.forward_text(["w1", "w2", "y1", "y2", "b"])
    assert text == "sum((w1 * y1, w2 * y2, ), b)"
    assert eval(text, {"w1": 0.5, "w2": -2.0, "y1": 3.0, "y2": 0.25, "b": 0.125}) == 1.125


@pytest.mark.parametrize("n", [1, 3, 4, 6])
def test_a_sum_node_is_written_out_up_to_three_products(n: int) -> None:
    ws, ys = [f"w{i}" for i in range(1, n + 1)], [f"y{i}" for i in range(1, n + 1)]
    products = [f"w{i}·y{i}" for i in range(1, n + 1)]
    shown = products if n <= 3 else [products[0], products[1], "…", products[-1]]
    assert OPS["Σ"].expression([*ws, *ys, "b"]) == "(" + " + ".join([*shown, "b"]) + ")"


def test_formulas_given_are_kept_and_their_count_is_checked() -> None:
    rule = (lambda a, out: 2 * a,)
    square = Op("sq", lambda a: a * a, rule, ("∂(a²)/∂a = 2a",), local_rules=("2·{0}",))
    assert square.formulas == ("∂(a²)/∂a = 2a",)
    with pytest.raises(TypeError) as caught:
        Op("sq", lambda a: a * a, rule, ("∂(a²)/∂a = 2a", "one too many"))
    assert str(caught.value) == (
        "Op 'sq': 1 partial rule(s) but 2 formula(s); give one formula per partial, "
        "e.g. '∂(a²)/∂a = 2a'"
    )


# ==== each rule one text, shown in notation (issue 20) ====


def test_the_table_shows_each_rule_in_notation() -> None:
    shown = {name: op.local_rules for name, op in OPS.items() if op.partial_code}
    # The table's notation is made at import; shown_rule is called again here, so that a
    # change to it is seen (mutation testing switches a change on after the import).
    assert shown == {n: tuple(map(shown_rule, OPS[n].partial_code)) for n in shown}
    assert shown == {
        "+": ("1", "1"),
        "-": ("1", "-1"),
        "*": ("{1}", "{0}"),
        "/": ("1/{1}", "-{0}/{1}²"),
        "neg": ("-1",),
        "exp": ("{out}",),
        "log": ("1/{0}",),
        "sqrt": ("1/(2·{out})",),
        "sin": ("cos({0})",),
        "cos": ("-sin({0})",),
        "tanh": ("1 - {out}²",),
        "sigmoid": ("{out}·(1 - {out})",),
        "relu": ("(1 if {0} > 0 else 0)",),
        "margin_sq": (
            "(0 if {1} - {2} < {0} < {1} + {2} else 2·({0} - {1}))",
            "(0 if {1} - {2} < {0} < {1} + {2} else -2·({0} - {1}))",
            "0",
        ),
        "abs": ("(1 if {0} > 0 else -1 if {0} < 0 else 0)",),
        "recip": ("-{out}²",),
    }
    # Only ** keeps rules as functions (its limits at 0), with its notation beside them.
    assert [n for n, op in OPS.items() if not op.partial_code] == ["**", "Σ"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{0} - ({1} - {2})", "{0} - ({1} - {2})"),  # the right side keeps its brackets
        ("({0} - {1}) - {2}", "{0} - {1} - {2}"),
        ("{0} / ({1} * {2})", "{0}/({1}·{2})"),
        ("-({0} + {1})", "-({0} + {1})"),
        ("({0} + {1}) * ({0} + {1})", "({0} + {1})²"),
        ("0.5 * {0} ** 2.0", "0.5·{0}²"),
        ("({0} + 1.0) ** 12", "({0} + 1)¹²"),  # integer powers as a calculator takes them
        ("{0} ** -2.0", "{0}**(-2)"),
        ("{0} >= 1.0", "{0} ≥ 1"),
        ("{0} <= {1} == {2} != {out}", "{0} ≤ {1} = {2} ≠ {out}"),
        ("{0} / ({1} / {2})", "{0}/({1}/{2})"),
        ("({0} / {1}) / {2}", "{0}/{1}/{2}"),
        ("-({0} + 1.0) / {1} / {1}", "-({0} + 1)/{1}²"),
        ("({0} + {1}) / {2} / {2}", "({0} + {1})/{2}²"),
        ("{0} ** ({1} - 1.0)", "{0}**({1} - 1)"),
        ("({0} * {1}) ** 2.5", "({0}·{1})**2.5"),
        ("-{0} * {1}", "-{0}·{1}"),
        ("-({0} * {1})", "-({0}·{1})"),
        ("--{0}", "--{0}"),
        ("recip({0})", "1/{0}"),
        ("recip({0} + {1})", "1/({0} + {1})"),
        ("2.0 * recip({0})", "2·(1/{0})"),
        ("cos({0} + {1}) * sin({out})", "cos({0} + {1})·sin({out})"),
        ("log({0}, {1})", "ln({0}, {1})"),
        ("inf", "∞"),
        ("-inf", "-∞"),
        ("3", "3"),
        ("0.25 + {0}", "0.25 + {0}"),
        ("(1.0 if {0} > 0.0 else 2.0) * {1}", "(1 if {0} > 0 else 2)·{1}"),
        ("{0} * {0} - {1} * {1}", "{0}² - {1}²"),
    ],
)
def test_brackets_and_symbols(text: str, shown: str) -> None:
    assert shown_rule(text) == shown


def test_at_numbers_a_condition_shows_the_branch_taken() -> None:
    relu = OPS["relu"].partial_code[0]
    assert (shown_rule(relu, [2.0, 2.0]), shown_rule(relu, [-1.0, 0.0])) == ("1", "0")
    sign = OPS["abs"].partial_code[0]
    assert [shown_rule(sign, [x, abs(x)]) for x in (3.0, -3.0, 0.0)] == ["1", "-1", "0"]
    # In explain: the rule in names in full, in numbers the branch those numbers take.
    x = Value(-2.0, label="x")
    (term,) = explain(abs(x))[1].terms
    assert (term.formula, term.worked) == ("(1 if x > 0 else -1 if x < 0 else 0)", "-1")


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


# ==== bad templates refused when the Op is made (issue 26, item 10) ====


def _one(a: float, out: float) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"shows": "{x}({0})"}, r"shows '\{x\}\(\{0\}\)' cannot be filled in: \{x\} is not an"),
        ({"local_rules": ("{5}",)}, r"local_rules\[0\] '\{5\}' .*operand beyond its 1;"),
        ({"local_rules": ("{",)}, r"local_rules\[0\] '\{' .*: single '\{' encountered"),
        ({"code": "{1} + 1.0"}, r"code '\{1\} \+ 1.0' .*beyond its 1"),
        ({"partial_code": ("{out} * {2}",)}, r"partial_code\[0\] .*beyond its 1"),
    ],
)
def test_a_template_that_cannot_be_filled_is_refused_in_one_line(
    given: dict[str, object], message: str
) -> None:
    partials = () if "partial_code" in given else (_one,)
    with pytest.raises(ValueError, match=rf"^Op 'sq': {message}") as caught:
        Op("sq", lambda a: a * a, partials, **given)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value) and "write operands as {0}," in str(caught.value)


def test_a_long_template_is_shortened_in_the_error() -> None:
    with pytest.raises(ValueError) as caught:
        Op("sq", lambda a: a * a, (_one,), shows="{" + "x" * 10_000 + "}")
    assert len(str(caught.value)) < 250


def test_templates_with_braces_written_twice_and_out_are_fine() -> None:
    op = Op("sq", lambda a: a * a, (), shows="{{{0}}}²", partial_code=("2.0 * {0}",))
    x = Value(3.0, label="x")
    y = apply(op, x)
    assert op.expression(["x"]) == "{x}²"
    assert explain(y)[1].terms[0].formula == "2·x"
    assert compile(y, [x])([3.0]) == (9.0, [6.0])


@pytest.mark.parametrize(
    ("text", "at", "shown"),
    [
        ("1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0", [2.0, 2.0], "1"),
        ("1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0", [-2.0, 2.0], "-1"),
        ("1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0", [0.0, 0.0], "0"),
        ("{1} if {out} >= 1.0 else cos({0})", [0.5, 3.0, 2.0], "{1}"),
        ("{1} if {out} >= 1.0 else cos({0})", [0.5, 3.0, 0.5], "cos({0})"),
        ("2.0 * (1.0 if {0} > 0.0 else 0.0)", [-1.0, 0.0], "2·0"),
        ("0.0 if {0} != 0.0 else inf", [0.0, 0.0], "∞"),
    ],
)
def test_at_numbers_each_condition_takes_its_branch(text: str, at: list[float], shown: str) -> None:
    assert shown_rule(text, at) == shown
    assert shown_rule(text).startswith("(") or "(" in shown_rule(text)  # all branches, unbound


def test_a_text_beyond_the_notation_is_a_value_error() -> None:
    for text in ("[1.0][0]", "{0}.real", "{0} % 2.0", "lambda: 1.0", "{0} in {1}"):
        with pytest.raises(ValueError, match=r"^a rule text the notation cannot show: "):
            shown_rule(text)


# ==== found by mutation testing of the round's ops.py (issue 20) ====


def test_fill_reads_format_specs_and_the_result_as_str_format_does() -> None:
    assert fill("{0!r} and {out}", ["a"], "y") == "'a' and y"
    assert fill("{0:>3} {out}", ["a"], "y") == "  a y"
    assert fill("{{{0}}} }}", ["a"], "y") == "{a} }"


def test_a_forward_rule_of_three_operands_made_from_text() -> None:
    from autograd.core import ops

    margin = ops._float_rule(ops._MARGIN_SQ_CODE, 3)
    assert (margin(0.5, 1.0, 0.2), margin(0.9, 1.0, 0.2)) == (0.25, 0.0)


def test_the_interpreter_gives_rule_texts_inf() -> None:
    step = Op("step", lambda a: 0.0, (), partial_code=("0.0 if {0} != 0.0 else inf",))
    x = Value(0.0)
    apply(step, x).backward()
    assert x.grad == math.inf


def test_a_long_template_is_cut_in_the_middle() -> None:
    template = "{" + "x" * 10_000 + "}"
    with pytest.raises(ValueError) as caught:
        Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), shows=template)
    shown = repr(template)
    cut = f"{shown[:30]}…{shown[-15:]}"
    assert str(caught.value).startswith(f"Op 'sq': shows {cut} cannot be filled in: ")
    exact = "{" + "x" * 56 + "}"  # its repr is 60 characters: the longest shown whole
    with pytest.raises(ValueError, match=rf"shows '{exact}' cannot"):
        Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), shows=exact)


_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.5, 1e-300, 1e300, -1e300, 710.0]
_EDGES += [math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.fails_code], ids=str)
def test_fails_code_is_true_wherever_the_forward_rule_raises(op: Op) -> None:
    # Machine code hands a case back to the interpreter where fails_code is true: it must
    # be true at every failing case (and may be true at others).
    names = {n: getattr(math, n) for n in ("inf", "isfinite", "isinf", "floor", "nan")}
    arity = 2 if "{1}" in op.fails_code else 1
    points = [(a,) for a in _EDGES] if arity == 1 else [(a, b) for a in _EDGES for b in _EDGES]
    failing = 0
    for args in points:
        try:
            out = op.forward(*args)
        except ARITH_ERRORS as e:
            # What C computes instead of raising: ±inf on an overflow, else nan.
            out = math.inf if isinstance(e, OverflowError) else math.nan
            test = op.fails_code.format(*map(repr, args), out=repr(out))
            assert eval(test, {"__builtins__": {}}, names), (op.name, args)
            failing += 1
    assert failing > 0  # the edges reach the op's failures
