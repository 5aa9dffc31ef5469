"""`grad` with create_graph: second and third derivatives, mixed partials; `gradcheck`."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings

from autograd import GradcheckError, Op, Value, apply, grad, gradcheck, linear, topological_order
from tests.helpers import sigmoid
from tests.strategies import (
    ARITH_ERRORS,
    N_VARS,
    evaluate,
    expressions,
    points,
    smooth_derivative,
    uses_variable,
)


def derivatives(f, x: float, order: int) -> list[float]:
    """[f(x), f'(x), ..., f^(order)(x)] by repeated `grad`."""
    v = Value(x)
    y = f(v)
    out = [y.data]
    for k in range(order):
        (y,) = grad(y, [v], create_graph=k < order - 1)
        out.append(y.data)
    return out


SECOND = [
    # name, f, f'' analytic, points
    ("exp", lambda v: v.exp(), math.exp, [-1.0, 0.5]),
    ("log", lambda v: v.log(), lambda x: -1 / x**2, [0.5, 3.0]),
    ("sqrt", lambda v: v.sqrt(), lambda x: -0.25 * x**-1.5, [0.5, 4.0]),
    ("sin", lambda v: v.sin(), lambda x: -math.sin(x), [0.3, 2.0]),
    ("cos", lambda v: v.cos(), lambda x: -math.cos(x), [0.3, 2.0]),
    (
        "tanh",
        lambda v: v.tanh(),
        lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
        [-0.8, 1.2],
    ),
    (
        "sigmoid",
        lambda v: v.sigmoid(),
        lambda x: sigmoid(x) * (1 - sigmoid(x)) * (1 - 2 * sigmoid(x)),
        [-1.5, 0.7],
    ),
    ("relu", lambda v: v.relu() * v.relu(), lambda x: 2.0 if x > 0 else 0.0, [-1.0, 2.0]),
    ("neg", lambda v: -(v * v), lambda x: -2.0, [1.0]),
    ("mul", lambda v: v * v * v, lambda x: 6 * x, [-1.0, 2.0]),
    ("add/sub", lambda v: (v + 2) * (v - 3) + (1 - v) * (v + v), lambda x: 2.0 - 4.0, [0.5]),
    ("div", lambda v: 1 / v, lambda x: 2 / x**3, [-2.0, 0.5]),
    ("div2", lambda v: v / (v + 1), lambda x: -2 / (x + 1) ** 3, [0.5, 2.0]),
    ("pow const", lambda v: v**3.5, lambda x: 3.5 * 2.5 * x**1.5, [0.5, 2.0]),
    ("rpow", lambda v: 2**v, lambda x: 2**x * math.log(2) ** 2, [-1.0, 1.5]),
    ("pow both", lambda v: v**v, lambda x: x**x * ((math.log(x) + 1) ** 2 + 1 / x), [0.5, 1.7]),
    (
        "linear",
        lambda v: linear([v, v], [v, 2.0], v * v),
        lambda x: 2.0 + 2.0,  # x·x + 2x + x²
        [0.7],
    ),
]


@pytest.mark.parametrize(("name", "f", "d2", "points"), SECOND, ids=[s[0] for s in SECOND])
def test_second_derivative_of_every_op(name, f, d2, points) -> None:
    for x in points:
        assert derivatives(f, x, 2)[2] == pytest.approx(d2(x), rel=1e-10, abs=1e-12), (name, x)


def test_first_derivatives_agree_with_backward() -> None:
    for name, f, _, samples in SECOND:
        for x in samples:
            v = Value(x)
            y = f(v)
            y.backward()
            (g,) = grad(y, [v], create_graph=True)
            assert g.data == pytest.approx(v.grad, rel=1e-12), name


def test_higher_derivatives_of_powers_at_zero() -> None:
    # the special cases at a = 0 must not cut the graph for b >= 1
    assert derivatives(lambda v: v**2, 0.0, 3) == [0.0, 0.0, 2.0, 0.0]
    assert derivatives(lambda v: v**3, 0.0, 3) == [0.0, 0.0, 0.0, 6.0]
    assert derivatives(lambda v: v**1, 0.0, 2) == [0.0, 1.0, 0.0]
    assert derivatives(lambda v: v**0.5, 0.0, 1) == [0.0, math.inf]
    assert derivatives(lambda v: v**0, 0.0, 2) == [1.0, 0.0, 0.0]


def test_third_derivative() -> None:
    assert derivatives(lambda v: v**4, 1.5, 3) == pytest.approx(
        [1.5**4, 4 * 1.5**3, 12 * 1.5**2, 24 * 1.5]
    )
    assert derivatives(lambda v: v.sin(), 0.4, 3)[3] == pytest.approx(-math.cos(0.4))
    # d³/dx³ σ(x) = σ'(1 − 6σ + 6σ²)
    s = sigmoid(0.3)
    expected = s * (1 - s) * (1 - 6 * s + 6 * s * s)
    assert derivatives(lambda v: v.sigmoid(), 0.3, 3)[3] == pytest.approx(expected, rel=1e-10)


def test_mixed_partials() -> None:
    # f(a, b) = a²·b + sin(a·b) + a**b
    a, b = Value(1.3), Value(0.6)
    f = a * a * b + (a * b).sin() + a**b
    da, db = grad(f, [a, b], create_graph=True)
    (dab,) = grad(da, [b])
    (dba,) = grad(db, [a])
    A, B = 1.3, 0.6
    expected = (
        2 * A - A * B * math.sin(A * B) + math.cos(A * B) + A ** (B - 1) * (1 + B * math.log(A))
    )
    assert dab.data == pytest.approx(expected, rel=1e-12)
    assert dba.data == pytest.approx(expected, rel=1e-12)


def test_grad_leaves_grad_fields_untouched() -> None:
    x, y = Value(2.0), Value(3.0)
    x.grad = 7.0
    h = x * y
    f = h.sigmoid()
    gx, gy = grad(f, [x, y], create_graph=True)
    s = 1 / (1 + math.exp(-6.0))
    assert (gx.data, gy.data) == pytest.approx((3 * s * (1 - s), 2 * s * (1 - s)))
    grad(gx, [x, y])
    grad(f, [x])
    assert all(v.grad == 0.0 for v in topological_order(gx) if v is not x)
    assert (x.grad, y.grad, h.grad, f.grad) == (7.0, 0.0, 0.0, 0.0)


def test_unused_input_gets_zero() -> None:
    x, unused = Value(2.0), Value(5.0)
    y = x * x
    gx, gu = grad(y, [x, unused])
    assert (gx.data, gu.data) == (4.0, 0.0)
    (g2,) = grad(grad(y, [x], create_graph=True)[0], [unused])
    assert g2.data == 0.0
    # a second derivative that is identically zero (d²/dx² of a linear function)
    (d1,) = grad(3 * x + 1, [x], create_graph=True)
    (d2,) = grad(d1, [x])
    assert (d1.data, d2.data) == (3.0, 0.0)


def test_grad_of_a_leaf_and_of_an_interior_input() -> None:
    x = Value(2.0)
    assert grad(x, [x])[0].data == 1.0
    h = x * x
    y = h * 3
    assert [g.data for g in grad(y, [h, x])] == [3.0, 12.0]


def test_grad_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="grad: output must be a Value"):
        grad(3.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got 2.0"):
        grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]


# -- gradcheck --


def test_gradcheck_passes_on_correct_functions() -> None:
    assert gradcheck(lambda a, b: (a * b).sigmoid() + a**b / (1 + b.exp()), [0.7, 1.3])
    assert gradcheck(lambda x: x.tanh() * x.sqrt() - x.log(), [Value(2.0)])
    square = Op("square", lambda a: a * a, (lambda a, out: 2 * a,), ("∂(a²)/∂a = 2a",))
    assert gradcheck(lambda x: apply(square, x.sin()), [0.4])


def test_gradcheck_names_the_input_and_both_numbers_for_a_wrong_derivative() -> None:
    wrong = Op("square", lambda a: a * a, (lambda a, out: 3 * a,), ("wrong on purpose",))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: apply(wrong, x) + y, [2.0, 1.0])
    message = str(info.value)
    assert "input 0 (= 2.0)" in message
    assert "analytic 6.0" in message
    assert "numeric 4.0000" in message  # 4 up to finite-difference error
    assert "difference 1.99999" in message or "difference 2.0000" in message


def test_custom_op_second_derivative_uses_its_own_rule() -> None:
    cube = Op("cube", lambda a: a**3, (lambda a, out: 3 * a * a,), ("∂(a³)/∂a = 3a²",))
    assert derivatives(lambda v: apply(cube, v), 2.0, 2) == [8.0, 12.0, 12.0]


# -- property: Hessians of random expressions vs finite differences of grad --


@settings(max_examples=150, deadline=None)
@given(expr=expressions(max_leaves=6), point=points)
def test_hessian_matches_finite_differences_of_grad(expr, point) -> None:
    assume(uses_variable(expr))
    xs = [Value(p) for p in point]
    try:
        out = evaluate(expr, xs)  # a Value: expr uses a variable
        assume(math.isfinite(out.data) and abs(out.data) < 1e6)
        # relu'(0) = 0 by convention, so relu(x·x) has Hessian 0 at x = 0 while the
        # function (x² itself) is smooth there with slope 2: no finite difference sees
        # that kink, so such points are skipped.
        assume(not any(v.op == "relu" and v.parents[0].data == 0.0 for v in topological_order(out)))
        first = grad(out, xs, create_graph=True)
        hessian = [[g.data for g in grad(gi, xs)] for gi in first]
    except ARITH_ERRORS:
        assume(False)

    def gradient_component(i: int):
        def f(p: list[float]) -> float:
            vs = [Value(v) for v in p]
            return grad(evaluate(expr, vs), vs)[i].data  # type: ignore[arg-type]

        return f

    for i in range(N_VARS):
        for j in range(N_VARS):
            numeric = smooth_derivative(gradient_component(i), point, j)
            if numeric is None or abs(numeric) > 1e6 or not math.isfinite(hessian[i][j]):
                continue
            assert hessian[i][j] == pytest.approx(numeric, rel=2e-3, abs=1e-4), (expr, point, i, j)


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


@pytest.mark.parametrize(
    ("make", "d1", "d2"),
    [
        # f, f'(x), f''(x) at x = 1.5, by hand
        (lambda x: (x + 2) * (x + 2), 2 * (1.5 + 2), 2.0),
        (lambda x: (2 + x) * x, 2 * 1.5 + 2, 2.0),
        (lambda x: (x - 2) * (x - 2), 2 * (1.5 - 2), 2.0),
        (lambda x: (2 - x) * (2 - x), -2 * (2 - 1.5), 2.0),
        (lambda x: (2 * x) * x, 4 * 1.5, 4.0),
        (lambda x: (x * 3) * x, 6 * 1.5, 6.0),
        (lambda x: 3 / x, -3 / 1.5**2, 6 / 1.5**3),
        (lambda x: x / 4 * x, 2 * 1.5 / 4, 0.5),
        (lambda x: x**3, 3 * 1.5**2, 6 * 1.5),
        (lambda x: 2**x, 2**1.5 * math.log(2), 2**1.5 * math.log(2) ** 2),
    ],
)
def test_second_derivatives_through_folded_constants(make, d1, d2) -> None:
    x = Value(1.5)
    (dy,) = grad(make(x), [x], create_graph=True)
    (d2y,) = grad(dy, [x])
    assert dy.data == pytest.approx(d1, rel=1e-12)
    assert d2y.data == pytest.approx(d2, rel=1e-12)
