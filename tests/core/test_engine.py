"""The engine: values and derivatives of every op, graph semantics, errors, scale."""

from __future__ import annotations

import math
import sys
import threading

import pytest

from autograd import Value, enable_grad, is_grad_enabled, linear, no_grad, topological_order
from autograd.core.ops import OPS
from tests.helpers import sigmoid


def grads(f, *xs: float) -> tuple[float, list[float]]:
    """f's value and its gradient at xs, through the engine."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


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


def test_fast_path_partials_match_the_op_table() -> None:
    # + - * neg are written out in Value for speed; they must agree with the table,
    # which is what grad(create_graph=True) and explain use.
    a, b = Value(1.25), Value(-0.75)
    for node, operands in [
        (a + b, (1.25, -0.75)),
        (a - b, (1.25, -0.75)),
        (a * b, (1.25, -0.75)),
        (-a, (1.25,)),
        (a.relu(), (1.25,)),
        (b.relu(), (-0.75,)),
        (Value(0.0).relu(), (0.0,)),
        (a + 2.0, (1.25, 2.0)),
        (2.0 - a, (2.0, 1.25)),
        (3.0 * a, (3.0, 1.25)),
        (a - 2.0, (1.25, 2.0)),
        (a * 3.0, (1.25, 3.0)),
        (2.0 + a, (2.0, 1.25)),
        (linear([a, b], [b, a], a), (1.25, -0.75, -0.75, 1.25, 1.25)),  # Value inputs
        (linear([a, b], [0.5, 2.0], b), (1.25, -0.75, 0.5, 2.0, -0.75)),  # float inputs
    ]:
        op = OPS[node.op]
        value_positions = [i for i, x in enumerate(node.operands) if isinstance(x, Value)]
        expected = tuple(op.partial(i, operands, node.data) for i in value_positions)
        assert node.local_grads == expected, node.op
        assert node.data == op.forward(*operands)


# -- graph semantics --


def test_reused_node_gets_the_sum_of_all_paths() -> None:
    assert grads(lambda x: x * x, 3.0)[1] == [6.0]
    assert grads(lambda a: a + a, 3.0)[1] == [2.0]
    assert grads(lambda x: x - x, 3.0)[1] == [0.0]
    assert grads(lambda x: x / x, 3.0)[1] == [0.0]
    # a diamond: y = (x*2) * (x*2) -> dy/dx = 8x
    assert grads(lambda x: (lambda h: h * h)(x * 2), 1.5)[1] == [12.0]


def test_backward_twice_accumulates_leaves_once_per_call() -> None:
    x = Value(2.0)
    h = x * x  # interior
    y = h * 3 + h
    y.backward()
    assert (x.grad, h.grad, y.grad) == (16.0, 4.0, 1.0)
    y.backward()
    # leaves accumulate exactly one more dy/dx; interior nodes hold the latest pass
    assert (x.grad, h.grad, y.grad) == (32.0, 4.0, 1.0)
    x.grad = 0.0
    y.backward()
    assert x.grad == 16.0


def test_backward_of_a_leaf() -> None:
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_from_an_interior_node_only_touches_its_subgraph() -> None:
    a, b = Value(1.0), Value(2.0)
    h = a * b
    y = h + b
    h.backward()
    assert (a.grad, b.grad, y.grad) == (2.0, 1.0, 0.0)


def test_attributes() -> None:
    x = Value(2, label="x")
    assert isinstance(x.data, float) and x.data == 2.0
    assert (x.grad, x.label, x.op, x.parents, x.is_leaf) == (0.0, "x", "", (), True)
    y = x * 3 + x
    assert y.op == "+" and y.parents[1] is x and not y.is_leaf
    assert y.parents[0].op == "*" and y.parents[0].operands == (x, 3.0)
    assert y.data == 8.0  # float(y) refuses: see test_robust's Value semantics


def test_repr_is_short_and_flat() -> None:
    x = Value(1.5, label="w")
    assert repr(x) == "Value(data=1.5, grad=0.0, label='w')"
    y = x * x
    assert repr(y) == "Value(data=2.25, grad=0.0, op='*')"


def test_identity_hashing() -> None:
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"


def test_inplace_operators_make_new_nodes() -> None:
    x = Value(2.0)
    y = x
    y += 1
    y *= x
    y -= 0.5
    y /= 2
    y **= 2
    y.backward()
    # y = (((x+1)·x − 0.5)/2)², dy/dx = 2·((x+1)x − 0.5)/2 · (2x+1)/2
    assert y.data == pytest.approx(((3 * 2 - 0.5) / 2) ** 2)
    assert x.grad == pytest.approx(2 * ((3 * 2 - 0.5) / 2) * (2 * 2 + 1) / 2)
    assert x.data == 2.0


def test_linear_is_one_node_with_the_weighted_sum_partials() -> None:
    w = [Value(0.5), Value(-1.0), Value(2.0)]
    x1 = Value(3.0)
    b = Value(0.25)
    z = linear(w, [2.0, x1, -1.0], b)
    assert z.op == "Σ"
    assert z.data == 0.25 + 0.5 * 2.0 - 1.0 * 3.0 + 2.0 * -1.0
    assert z.parents == (*w, x1, b)
    z.backward()
    assert [v.grad for v in w] == [2.0, 3.0, -1.0]
    assert (x1.grad, b.grad) == (-1.0, 1.0)


def test_linear_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        linear([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0], Value(0.0))


# -- no_grad --


def test_no_grad_records_nothing_and_nests() -> None:
    x = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        y = x * x + 1
        with no_grad():
            z = x.exp()
        with enable_grad():
            w = x * 3
        assert not is_grad_enabled()
        u = x - 1
    assert is_grad_enabled()
    assert y.is_leaf and z.is_leaf and u.is_leaf and y.data == 5.0
    assert w.parents == (x,)
    v = x * x
    assert v.parents == (x, x)


def test_no_grad_is_a_decorator() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        return v * v

    assert f(Value(3.0)).is_leaf


def test_no_grad_does_not_leak_into_other_threads() -> None:
    inside = threading.Event()
    release = threading.Event()
    seen: dict[str, bool] = {}

    def holder() -> None:
        with no_grad():
            inside.set()
            release.wait(5)

    def other() -> None:
        inside.wait(5)
        seen["enabled"] = is_grad_enabled()
        seen["recorded"] = not (Value(1.0) * 2).is_leaf
        release.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"enabled": True, "recorded": True}


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


# -- errors: clear, at the cause, naming the op and the value --


@pytest.mark.parametrize("bad", ["abc", None, 1 + 2j, [1.0], Value(1.0)])
def test_bad_data_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="Value") as info:
        Value(bad)  # type: ignore[arg-type]
    assert repr(bad)[:10] in str(info.value)


@pytest.mark.parametrize(
    "expr",
    [
        lambda x: x + "a",
        lambda x: "a" + x,
        lambda x: x * None,
        lambda x: x - [1],
        lambda x: x / "2",
        lambda x: x ** "2",
        lambda x: 1j * x,
    ],
)
def test_bad_operand_is_a_type_error(expr) -> None:
    with pytest.raises(
        TypeError, match=r"unsupported operand for '(\+|-|\*|/|\*\*)'.*Value\(data=1\.0"
    ):
        expr(Value(1.0))


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


def test_huge_integers_are_an_overflow_error_naming_the_place() -> None:
    with pytest.raises(OverflowError, match=r"Value: 1000.*\(401 digits\) is too large"):
        Value(10**400)
    with pytest.raises(OverflowError, match=r"operand of '\+': 1000.*too large"):
        Value(2.0) + 10**400


def test_relu_of_nan_is_nan_as_in_pytorch() -> None:
    assert math.isnan(Value(math.nan).relu().data)
    with no_grad():
        assert math.isnan(Value(math.nan).relu().data)


def test_pow_with_negative_base_and_integer_exponent_is_fine() -> None:
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0


# -- scale: no recursion anywhere --


def test_million_node_chain_without_recursion() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0, label="x")
    y = x
    for _ in range(500_000):
        y = y * 1.0 + 0.0  # two nodes per round: 1,000,000 interior nodes
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1.0
    assert len(topological_order(y)) == 1_000_001
    assert repr(y) == "Value(data=1.0, grad=1.0, op='+')"
    y.backward()
    assert x.grad == 2.0
