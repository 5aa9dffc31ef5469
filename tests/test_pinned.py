"""Behaviour that mutation testing found unpinned: each test fails if the code is wrong.

Every expected number is computed here with plain `math` on floats (or by hand),
never by the code under test, so a wrong rule cannot be checked against itself.
"""

from __future__ import annotations

import ast
import dataclasses
import math
from fractions import Fraction

import pytest

from autograd import Op, Value, apply, grad, is_grad_enabled, linear, no_grad, topological_order
from autograd.core.ops import OPS
from autograd.teach.expr import FUNCTIONS, Expression, ExpressionError, parse, parse_number
from nn import SGD, Adam, losses
from nn.losses import EPSILON, Loss
from tests.helpers import sigmoid

# -- constants folded into a node keep their value and their place --


@pytest.mark.parametrize(
    ("make", "operands", "value"),
    [
        (lambda x: x + 2, ("x", 2.0), 3.25 + 2.0),
        (lambda x: 2 + x, (2.0, "x"), 2.0 + 3.25),
        (lambda x: x - 2, ("x", 2.0), 3.25 - 2.0),
        (lambda x: 2 - x, (2.0, "x"), 2.0 - 3.25),
        (lambda x: x * 2, ("x", 2.0), 3.25 * 2.0),
        (lambda x: 2 * x, (2.0, "x"), 2.0 * 3.25),
        (lambda x: x / 2, ("x", 2.0), 3.25 / 2.0),
        (lambda x: 2 / x, (2.0, "x"), 2.0 / 3.25),
        (lambda x: x**2, ("x", 2.0), 3.25**2.0),
        (lambda x: 2**x, (2.0, "x"), 2.0**3.25),
    ],
)
def test_a_folded_constant_is_an_operand(make, operands, value) -> None:
    x = Value(3.25)
    node = make(x)
    assert node.operands == tuple(x if o == "x" else o for o in operands)
    assert all(type(o) is float for o in node.operands if o != "x" and not isinstance(o, Value))
    assert node.parents == (x,)
    assert node.data == value


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


def test_linear_with_a_number_bias_differentiates_twice() -> None:
    w, x = Value(0.5), Value(3.0)
    z = linear([w], [x], 0.25)
    assert z.data == 0.5 * 3.0 + 0.25
    assert z.operands == (w, x, 0.25)
    dw, dx = grad(z, [w, x], create_graph=True)
    assert (dw.data, dx.data) == (3.0, 0.5)
    # ∂z/∂w = x and ∂z/∂x = w: their derivatives are the identity, crossed.
    assert [g.data for g in grad(dw, [w, x])] == [0.0, 1.0]
    assert [g.data for g in grad(dx, [w, x])] == [1.0, 0.0]


@pytest.mark.parametrize(
    ("inputs", "bias", "expected"),
    [
        ([1.0], 2, 0.75 * 1.0 + 2.0),  # an int bias, float input
        ([1.0], 0.5, 0.75 * 1.0 + 0.5),
        (["x"], 0.5, 0.75 * -2.0 + 0.5),
        (["x"], -3, 0.75 * -2.0 - 3.0),
        ([4], 0.5, 0.75 * 4.0 + 0.5),  # an int input
    ],
)
def test_linear_with_a_plain_number_bias(inputs, bias, expected) -> None:
    w, x = Value(0.75), Value(-2.0)
    ins = [x if i == "x" else i for i in inputs]
    z = linear([w], ins, bias)
    assert z.data == expected and z.op == "Σ"
    assert z.operands[-1] == float(bias) and type(z.operands[-1]) is float
    assert z.parents == ((w, x) if "x" in inputs else (w,))
    assert z.grad == 0.0
    z.backward()
    assert w.grad == (-2.0 if "x" in inputs else float(inputs[0]))
    assert x.grad == (0.75 if "x" in inputs else 0.0)


def test_linear_rejects_a_weight_that_is_not_a_value() -> None:
    with pytest.raises(TypeError, match=r"linear: weights must be Values, got 2\.0 at position 1"):
        linear([Value(1.0), 2.0], [1.0, 2.0], 0.0)  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^linear bias: .*'b'"):
        linear([Value(1.0)], [1.0], "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^linear input: .*None"):
        linear([Value(1.0)], [None], 0.0)  # type: ignore[list-item]


# -- nodes start with a zero gradient; a labelled interior node shows both --


def test_fresh_nodes_have_zero_grad() -> None:
    a, b = Value(1.5), Value(-0.5)
    nodes = [
        a + b,
        a - b,
        a * b,
        a / b,
        a**b,
        a**2,
        -a,
        a + 1,
        1 + a,
        a - 1,
        1 - a,
        a * 2,
        2 * a,
        a.exp(),
        a.relu(),
        b.relu(),
        linear([a, b], [b, a], a),
        linear([a, b], [1.0, 2.0], b),
        linear([a], [b], 0.5),
        apply(OPS["*"], a, 2),
    ]
    assert [n.grad for n in nodes] == [0.0] * len(nodes)
    assert all(n.label == "" for n in nodes)


def test_repr_of_a_labelled_interior_node() -> None:
    x = Value(1.5)
    y = x * x
    y.label = "y"
    assert repr(y) == "Value(data=2.25, grad=0.0, op='*', label='y')"


def test_is_grad_enabled_is_a_bool() -> None:
    assert is_grad_enabled() is True
    with no_grad():
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True


# -- values made under no_grad, then used in a graph --


@pytest.mark.parametrize(
    ("make", "value"),
    [
        (lambda a, b: a + b, 1.5 + -0.5),
        (lambda a, b: a - b, 1.5 - -0.5),
        (lambda a, b: a * b, 1.5 * -0.5),
        (lambda a, b: a / b, 1.5 / -0.5),
        (lambda a, b: a**b, 1.5**-0.5),
        (lambda a, b: a + 2, 1.5 + 2),
        (lambda a, b: 2 + a, 2 + 1.5),
        (lambda a, b: a - 2, 1.5 - 2),
        (lambda a, b: 2 - a, 2 - 1.5),
        (lambda a, b: a * 3, 1.5 * 3),
        (lambda a, b: 3 * a, 3 * 1.5),
        (lambda a, b: -a, -1.5),
        (lambda a, b: a.exp(), math.exp(1.5)),
        (lambda a, b: a.relu(), 1.5),
        (lambda a, b: b.relu(), 0.0),
        (lambda a, b: linear([a], [b], a), 1.5 * -0.5 + 1.5),
        (lambda a, b: linear([a, b], [2.0, 4.0], b), 1.5 * 2.0 + -0.5 * 4.0 - 0.5),
        (lambda a, b: linear([a], [b], 0.25), 1.5 * -0.5 + 0.25),
        (lambda a, b: apply(OPS["*"], a, 2), 3.0),
    ],
)
def test_a_value_made_under_no_grad_is_a_fresh_leaf(make, value) -> None:
    a, b = Value(1.5), Value(-0.5)
    with no_grad():
        y = make(a, b)
    assert y.data == pytest.approx(value, rel=1e-15)
    assert (y.grad, y.parents, y.operands, y.label, y.op, y.is_leaf) == (0.0, (), (), "", "", True)
    later = Value(4.0)
    z = later * y
    # ids are creation order, so y (made before `later`) comes first
    assert topological_order(z) == [y, later, z]
    assert [g.data for g in grad(z, [y, later, a])] == [4.0, y.data, 0.0]
    z.backward()
    assert (y.grad, later.grad, a.grad, b.grad) == (4.0, y.data, 0.0, 0.0)


def test_a_leaf_made_under_no_grad_takes_a_label_later() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x
    y.label = "y"
    assert repr(y) == "Value(data=4.0, grad=0.0, label='y')"
    y.backward()
    assert (y.grad, x.grad) == (1.0, 0.0)


# -- apply with plain-number operands --


@pytest.mark.parametrize(
    ("symbol", "operands", "value", "partials"),
    [
        ("*", ("x", 2), 6.0, (2.0,)),
        ("*", (2.5, "x"), 7.5, (2.5,)),
        ("-", (5, "x"), 2.0, (-1.0,)),
        ("/", ("x", 4), 0.75, (0.25,)),
        ("/", (6, "x"), 2.0, (-6 / 9,)),
        ("**", ("x", 2), 9.0, (6.0,)),
        ("**", (2, "x"), 8.0, (8 * math.log(2),)),
    ],
)
def test_apply_with_a_number_operand(symbol, operands, value, partials) -> None:
    x = Value(3.0)
    args = [x if o == "x" else o for o in operands]
    y = apply(OPS[symbol], *args)
    assert y.data == value and y.op == symbol
    assert y.operands == tuple(x if o == "x" else float(o) for o in operands)
    assert y.parents == (x,)
    assert y.local_grads == pytest.approx(partials, rel=1e-15)
    y.backward()
    assert x.grad == pytest.approx(partials[0], rel=1e-15)


def test_apply_checks_its_op_and_operands() -> None:
    with pytest.raises(TypeError, match=r"apply: expected an autograd Op, got '\*'"):
        apply("*", Value(1.0), 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'\*' takes 2 operand\(s\).*got 3"):
        apply(OPS["*"], Value(1.0), 2, 3)
    with pytest.raises(TypeError, match=r"apply\('\*'\) operand 1.*'two'"):
        apply(OPS["*"], Value(1.0), "two")
    # a custom op whose forward rule returns an int is read as a float
    count = Op("count", lambda a: 3, (lambda a, out: 0.0,), ("0",))
    y = apply(count, Value(1.0))
    assert y.data == 3.0 and type(y.data) is float


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


# -- errors name the operation and the bad operand, in the order written --


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**"])
def test_a_bad_operand_is_named_in_place(symbol) -> None:
    x = Value(1.0)
    forward = {"+": x.__add__, "-": x.__sub__, "*": x.__mul__, "/": x.__truediv__}
    reverse = {"+": x.__radd__, "-": x.__rsub__, "*": x.__rmul__, "/": x.__rtruediv__}
    forward["**"], reverse["**"] = x.__pow__, x.__rpow__
    with pytest.raises(TypeError) as left:
        forward[symbol]("oops")
    assert f"'{symbol}': {x!r} {symbol} 'oops'" in str(left.value)
    with pytest.raises(TypeError) as right:
        reverse[symbol]("oops")
    assert f"'{symbol}': 'oops' {symbol} {x!r}" in str(right.value)
    for e in (left, right):
        assert str(e.value).endswith("; expected a Value or a real number")


# -- Adam: every hyperparameter, against the update written out on floats --


def adam_by_hand(w, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-8, decay=0.0):
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        g = g + decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    return w


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.5},
        {"lr": 0.05, "betas": (0.5, 0.75), "eps": 0.1, "weight_decay": 2.0},
        {"lr": 0.05, "betas": [0.0, 0.0]},
    ],
)
def test_adam_steps_match_the_formula(kwargs) -> None:
    grads = [0.5, -2.0, 0.25]
    w = Value(1.5)
    opt = Adam([w], **kwargs)
    for g in grads:
        w.grad = g
        opt.step()
    names = {"lr": "lr", "eps": "eps", "weight_decay": "decay"}
    hand = {names[k]: v for k, v in kwargs.items() if k in names}
    if "betas" in kwargs:
        hand["b1"], hand["b2"] = kwargs["betas"]
    assert w.data == pytest.approx(adam_by_hand(1.5, grads, **hand), rel=1e-12)
    assert opt.t == 3


def test_adam_weight_decay_pulls_towards_zero_with_no_gradient() -> None:
    # With g = 0 only λw drives the step: m̂ = λw, v̂ = (λw)², so w moves by lr·λw/(|λw| + eps).
    a, b = Value(2.0), Value(-2.0)
    Adam([a, b], lr=0.1, weight_decay=0.5).step()
    step = 0.1 * 1.0 / (1.0 + 1e-8)
    assert (a.data, b.data) == (pytest.approx(2.0 - step), pytest.approx(-2.0 + step))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"betas": (1.0, 0.999)}, r"Adam: betas\[0\] must be a number in \[0\.0, 1\.0\), got 1\.0"),
        ({"betas": (0.9, 1.5)}, r"Adam: betas\[1\] must be a number in \[0\.0, 1\.0\), got 1\.5"),
        ({"betas": (-0.1, 0.9)}, r"betas\[0\] must be .* got -0\.1"),
        ({"betas": (0.9, 0.99, 0.5)}, r"Adam: betas must be a pair .*got \(0\.9, 0\.99, 0\.5\)"),
        ({"betas": (0.9,)}, r"betas must be a pair"),
        ({"betas": 0.9}, r"betas must be a pair"),
        ({"lr": 0.0}, r"Adam: lr must be a finite number > 0, got 0\.0"),
        ({"weight_decay": -0.5}, r"Adam: weight_decay must be a finite number >= 0, got -0\.5"),
        ({"weight_decay": math.inf}, r"weight_decay must be a finite number >= 0, got inf"),
    ],
)
def test_adam_rejects_bad_hyperparameters(kwargs, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        Adam([Value(1.0)], **kwargs)


def test_adam_defaults() -> None:
    opt = Adam([Value(1.0)])
    assert (opt.lr, opt.beta1, opt.beta2, opt.eps, opt.weight_decay, opt.t) == (
        0.001,
        0.9,
        0.999,
        1e-8,
        0.0,
        0,
    )


def test_a_failed_step_changes_nothing() -> None:
    a, b = Value(1.0, label="a"), Value(2.0)
    for opt in (Adam([a, b], lr=0.1), SGD([a, b], lr=0.1, momentum=0.5)):
        name = type(opt).__name__
        a.grad, b.grad = 1.0, math.nan
        with pytest.raises(FloatingPointError) as e:
            opt.step()
        assert str(e.value) == (
            f"{name}.step: gradient of params[1] is nan; "
            "no parameter was changed (lower the learning rate?)"
        )
        a.grad, b.grad = math.inf, 1.0
        with pytest.raises(FloatingPointError, match=rf"^{name}\.step: gradient of a is inf"):
            opt.step()
        assert (a.data, b.data) == (1.0, 2.0)
    assert (opt.deltas, Adam([a], lr=0.1).m) == ([0.0, 0.0], [0.0])


def test_sgd_with_momentum_and_decay_over_steps() -> None:
    w = Value(1.0)
    opt = SGD([w], lr=0.5, momentum=0.25, weight_decay=0.1)
    hand, delta = 1.0, 0.0
    for g in [1.0, -0.5, 2.0]:
        w.grad = g
        opt.step()
        delta = -0.5 * (g + 0.1 * hand) + 0.25 * delta
        hand += delta
    assert w.data == pytest.approx(hand, rel=1e-15)
    assert opt.deltas == [pytest.approx(delta, rel=1e-15)]
    opt.zero_grad()
    assert w.grad == 0.0


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"lr": 0.1, "momentum": -0.1},
            r"SGD: momentum must be a number in \[0\.0, 1\.0\), got -0\.1",
        ),
        ({"lr": -1}, r"SGD: lr must be a finite number > 0, got -1"),
        ({"lr": math.inf}, r"SGD: lr must be a finite number > 0, got inf"),
        ({"lr": "0.1"}, r"SGD: lr must be a finite number > 0, got '0\.1'"),
        (
            {"lr": 0.1, "weight_decay": math.nan},
            r"^SGD: weight_decay must be a finite number >= 0, got nan",
        ),
    ],
)
def test_sgd_rejects_bad_hyperparameters(kwargs, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        SGD([Value(1.0)], **kwargs)


def test_optimizer_params_are_checked() -> None:
    with pytest.raises(TypeError, match=r"Adam: params must be a list of Values"):
        Adam(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"SGD: params\[1\] is 3, not a Value"):
        SGD([Value(1.0), 3], lr=0.1)  # type: ignore[list-item]
    w = Value(1.0)
    assert SGD(iter([w]), lr=0.1).params == [w]
    assert SGD([w], lr=1).lr == 1.0 and SGD([w], lr=0.1, momentum=0).momentum == 0.0


# -- losses: values and gradients against math, custom losses, odd inputs --


@pytest.mark.parametrize(
    ("loss", "ys", "ds", "value", "grads"),
    [
        (losses.sum_squared_error, [0.8, -0.5], [1.0, 0.0], 0.5 * (0.2**2 + 0.5**2), [-0.2, -0.5]),
        (losses.mse, [0.8, -0.5], [1.0, 0.0], (0.2**2 + 0.5**2) / 2, [-0.2, -0.5]),
        (
            losses.binary_cross_entropy,
            [0.6, 0.3],
            [0.25, 1.0],
            -(0.25 * math.log(0.6) + 0.75 * math.log(0.4) + math.log(0.3)) / 2,
            [-(0.25 / 0.6 - 0.75 / 0.4) / 2, -(1 / 0.3) / 2],
        ),
        (
            losses.binary_cross_entropy,
            [0.2],
            [0.0],
            -math.log(0.8),
            [1 / 0.8],
        ),
        (
            losses.binary_cross_entropy_with_logits,
            [1.5, -2.0, 0.0],
            [0.25, 1.0, 0.0],
            -(
                0.25 * math.log(sigmoid(1.5))
                + 0.75 * math.log(1 - sigmoid(1.5))
                + math.log(sigmoid(-2.0))
                + math.log(0.5)
            )
            / 3,
            [(sigmoid(1.5) - 0.25) / 3, (sigmoid(-2.0) - 1.0) / 3, 0.5 / 3],
        ),
        (
            losses.hinge,
            [0.25, -2.0, 3.0],
            [1.0, -1.0, -1.0],
            (0.75 + 0.0 + 4.0) / 3,
            [-1 / 3, 0.0, 1 / 3],
        ),
    ],
)
def test_loss_values_and_gradients(loss, ys, ds, value, grads) -> None:
    outputs = [Value(y) for y in ys]
    e = loss(outputs, ds)
    e.backward()
    assert e.data == pytest.approx(value, rel=1e-12)
    assert [y.grad for y in outputs] == pytest.approx(grads, rel=1e-12)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_batch_combines_cases_by_reduction(reduction) -> None:
    ys = [Value(0.5), Value(2.0), Value(-1.0)]
    e = losses.Loss("sq", reduction, lambda o, d: (o[0] - d[0]) ** 2).batch(ys, [1.0, 1.0, 1.0])
    total = 0.25 + 1.0 + 4.0
    assert e.data == (total if reduction == "sum" else pytest.approx(total / 3, rel=1e-15))
    e.backward()
    scale = 1.0 if reduction == "sum" else 1 / 3
    assert [y.grad for y in ys] == pytest.approx([-1.0 * scale, 2.0 * scale, -4.0 * scale])


def test_a_custom_loss() -> None:
    seen = []

    def first_error(outputs: list[Value], targets: list[float]) -> Value:
        seen.append((outputs, targets))
        return outputs[1] - targets[1]

    loss = Loss("first_error", "mean", first_error, lambda d: d >= 0.0, "must be >= 0")
    assert repr(loss) == "nn.losses.first_error" and loss.name == "first_error"
    assert loss.reduction == "mean"
    y = Value(0.75)
    out = loss([0.5, y], [1, 0.25])  # a plain-number prediction and an int target
    assert out.data == 0.5
    ((outputs, targets),) = seen
    assert outputs[0].data == 0.5 and outputs[1] is y and targets == [1.0, 0.25]
    assert all(type(t) is float for t in targets)
    with pytest.raises(ValueError, match=r"first_error: target -1\.0 must be >= 0"):
        loss([0.5, y], [-1, 0.25])
    with pytest.raises(ValueError, match=r"first_error: 2 outputs but 1 targets \(\[1\.0\]\)"):
        loss([0.5, y], [1.0])
    with pytest.raises(ValueError, match=r"Loss l1: reduction must be 'sum' or 'mean', got 'max'"):
        Loss("l1", "max", first_error)
    # no check_target: any finite target is accepted
    assert Loss("free", "sum", first_error)([0.0, y], [-5.0, -5.0]).data == 5.75


def test_plain_number_predictions() -> None:
    assert losses.mse([0.5], [1.0]).data == 0.25
    assert losses.mse(0.5, 1.0).data == 0.25
    assert losses.mse([1, 3], [0, 1]).data == (1 + 4) / 2
    assert losses.sum_squared_error([Value(1.0), 2.0], [0.0, 0.0]).data == 2.5
    assert losses.mse.batch([[0.5], [1.0]], [[1.0], [2.0]]).data == (0.25 + 1.0) / 2


@pytest.mark.parametrize(
    ("prediction", "target", "error", "pattern"),
    [
        (Value(0.5), True, TypeError, r"mse: a target must be a real number, got True"),
        (Value(0.5), [False], TypeError, r"mse: a target must be a real number, got False"),
        (Value(0.5), "1", TypeError, r"mse: a target must be a real number, got '1'"),
        (Value(0.5), None, TypeError, r"mse: a target must be a real number, got None"),
        (Value(0.5), math.inf, ValueError, r"mse: target inf is not finite"),
        (Value(0.5), math.nan, ValueError, r"mse: target nan is not finite"),
        (Value(0.5), [-math.inf], ValueError, r"mse: target -inf is not finite"),
        (True, 1.0, TypeError, r"mse: a prediction must be a Value or a number, got True"),
        ("ab", 1.0, TypeError, r"mse: a prediction must be a Value or a number, got 'a'"),
        ([Value(0.5), None], [1.0, 1.0], TypeError, r"got None"),
    ],
)
def test_bad_predictions_and_targets(prediction, target, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        losses.mse(prediction, target)


def test_batch_checks_its_cases() -> None:
    with pytest.raises(ValueError, match=r"mse: 2 predictions but 1 targets"):
        losses.mse.batch([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match=r"mse: no cases"):
        losses.mse.batch([], [])


def test_binary_cross_entropy_clamps_at_epsilon() -> None:
    # At p = EPSILON the log is still taken (its slope −1/p flows); below it the log is
    # held at ln(EPSILON) and no gradient flows.
    p = Value(EPSILON)
    e = losses.binary_cross_entropy(p, 1.0)
    e.backward()
    assert e.data == pytest.approx(-math.log(1e-7), rel=1e-15)
    assert p.grad == pytest.approx(-1 / 1e-7, rel=1e-12)
    for below in (1e-7 / 2, 0.0):
        p = Value(below)
        e = losses.binary_cross_entropy(p, 1.0)
        e.backward()
        assert (e.data, p.grad) == (pytest.approx(-math.log(1e-7), rel=1e-15), 0.0)
    # the other side: 1 − p below EPSILON
    p = Value(1.0)
    e = losses.binary_cross_entropy(p, 0.0)
    e.backward()
    assert (e.data, p.grad) == (pytest.approx(-math.log(1e-7), rel=1e-15), 0.0)
    # a certain, right prediction costs nothing, at either end
    assert losses.binary_cross_entropy(Value(1.0), 1.0).data == 0.0
    assert losses.binary_cross_entropy(Value(0.0), 0.0).data == 0.0


@pytest.mark.parametrize(
    ("loss", "prediction", "target", "pattern"),
    [
        (
            losses.binary_cross_entropy,
            1.5,
            1.0,
            r"prediction 1\.5 is not a probability in \[0, 1\]",
        ),
        (losses.binary_cross_entropy, -0.25, 1.0, r"prediction -0\.25 is not a probability"),
        (
            losses.binary_cross_entropy,
            0.5,
            1.5,
            r"binary_cross_entropy: target 1\.5 must be in \[0, 1\]",
        ),
        (losses.binary_cross_entropy, 0.5, -0.5, r"target -0\.5 must be in \[0, 1\]"),
        (losses.binary_cross_entropy_with_logits, 0.5, 2.0, r"target 2\.0 must be in \[0, 1\]"),
        (losses.hinge, 0.5, 0.0, r"hinge: target 0\.0 must be -1 or \+1"),
        (losses.hinge, 0.5, 0.5, r"hinge: target 0\.5 must be -1 or \+1"),
    ],
)
def test_losses_reject_what_they_are_not_defined_for(loss, prediction, target, pattern) -> None:
    with pytest.raises(ValueError, match=pattern) as e:
        loss(Value(prediction), target)
    if "probability" in pattern:
        assert str(e.value).endswith("; for raw scores use binary_cross_entropy_with_logits")


# -- the expression language: unary plus, functions of constants, error columns --


@pytest.mark.parametrize(
    ("text", "x", "value", "slope"),
    [
        ("+x", 2.0, 2.0, 1.0),
        ("-+x", 2.0, -2.0, -1.0),
        ("+x * 3", 2.0, 6.0, 3.0),
        ("+(x - 5)", 2.0, -3.0, 1.0),
        ("relu(0.5) * x", 2.0, 1.0, 0.5),
        ("relu(-0.5) + x", 2.0, 2.0, 1.0),
        ("sin(0) + x", 2.0, 2.0, 1.0),
        ("x * exp(1)", 2.0, 2.0 * math.e, math.e),
        ("x * log(2)", 2.0, 2.0 * math.log(2), math.log(2)),
        ("sqrt(9) * x", 2.0, 6.0, 3.0),
        ("x * cos(0) + tanh(0)", 2.0, 2.0, 1.0),
        ("x * sigmoid(0)", 2.0, 1.0, 0.5),
        ("x - 2 ** 3", 2.0, -6.0, 1.0),
        ("x + 6 / 4 - 1", 2.0, 2.5, 1.0),
        ("x * (2 - -1)", 2.0, 6.0, 3.0),
        ("2 * 3", 2.0, 6.0, None),
        ("+relu(2)", 2.0, 2.0, None),
    ],
)
def test_expression_values(text, x, value, slope) -> None:
    out = parse(text).build({"x": x})
    assert out.data == pytest.approx(value, rel=1e-15)
    if slope is not None:
        leaf = next(v for v in topological_order(out) if v.label == "x")
        out.backward()
        assert leaf.grad == pytest.approx(slope, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "values", "column"),
    [
        ("log(x)", {"x": -1.0}, 1),
        ("x + log(y)", {"x": 1.0, "y": 0.0}, 5),
        ("x / y", {"x": 1.0, "y": 0.0}, 3),
        ("(x) / y", {"x": 1.0, "y": 0.0}, 5),
        ("  x / y", {"x": 1.0, "y": 0.0}, 5),
        ("x ** 1000", {"x": 10.0}, 3),
        ("x + y", {"x": 1.0}, 5),
        ("exp(x) * exp(x)", {"x": 400.0}, 8),
        ("x * sqrt(0 - 1)", {"x": 1.0}, 5),
        ("1 / (x - x)", {"x": 1.0}, 3),
    ],
)
def test_expression_errors_point_at_their_column(text, values, column) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text).build(values)
    assert e.value.column == column
    assert str(e.value).startswith(f"column {column}: ")


def test_an_unknown_name_is_named() -> None:
    with pytest.raises(ExpressionError, match="'y'") as e:
        parse("x + y").build({"x": 1.0})
    assert e.value.column == 5


def test_relu_of_negative_zero_is_positive_zero() -> None:
    # "0 if a <= 0": -0.0 becomes +0.0, recording or not, as the table's rule says.
    with no_grad():
        off = Value(-0.0).relu()
    on = Value(-0.0).relu()
    for y in (on, off, apply(OPS["relu"], Value(-0.0))):
        assert math.copysign(1.0, y.data) == 1.0


def test_one_term_is_not_wrapped_in_an_extra_node() -> None:
    y = Value(0.5)
    e = losses.mse(y, 1.0)  # (y − 1)², with no "· 1/1" node on top
    assert e.op == "**" and e.parents[0].parents == (y,)
    assert losses.mse.batch([y], [1.0]).op == "**"
    two = losses.mse.batch([y, y], [1.0, 0.0])
    assert two.op == "*" and two.operands[1] == 0.5


@pytest.mark.parametrize(
    ("text", "column", "named"),
    [
        ("x.y", 2, "attribute"),
        ("  x[0]", 4, "subscript"),
        ("x.exp()", 2, "attribute"),
        ("x + True", 5, "True"),
        ("x + 1e999", 5, "1e999"),
        ("x + " + "9" * 400, 5, "9" * 39 + "…"),  # long values are shortened in messages
        ("exp + 1", 1, "'exp'"),
        ("not x", 1, "'not'"),
        ("-~x", 2, "'~'"),
        ("x // 2", 3, "'//'"),
        ("x  %  2", 4, "'%'"),
        ("x @(y)", 3, "'@'"),
        ("f(x)", 1, "'f'"),
        ("exp(x, 1)", 1, "exp()"),
        ("exp(x=1)", 1, "exp()"),
        ("x\t+ 1", 2, r"'\t'"),
        ("é.y", 2, "attribute"),
        ("   ", 1, "empty"),
    ],
)
def test_rejections_point_at_their_column(text, column, named) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert e.value.column == column
    assert named in e.value.message


def test_limits_are_inclusive() -> None:
    assert parse("(" * 50 + "x" + ")" * 50).names == ("x",)  # MAX_DEPTH = 50
    # depth is the current nesting, not the number of brackets seen
    assert parse("+".join(["(" * 30 + "x" + ")" * 30] * 3)).names == ("x",)
    text = "x" + "+1" * 499 + "+"  # 1000 characters: MAX_LENGTH, the limit itself
    assert len(text) == 1000
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert "syntax" in e.value.message  # too short to complain about the length
    with pytest.raises(ExpressionError) as e:
        parse(text + "1")
    assert e.value.column == 1001
    with pytest.raises(ExpressionError) as e:
        parse(3)  # type: ignore[arg-type]
    assert e.value.column is None and str(e.value) == e.value.message


def test_names_are_normalized_and_columns_count_characters() -> None:
    # Python reads ﬁ as fi (NFKC); a value given under either spelling binds it.
    assert parse("ﬁ * 2").build({"ﬁ": 3.0}).data == 6.0
    assert parse("fi * 2").build({"ﬁ": 3.0}).data == 6.0
    with pytest.raises(ExpressionError) as e:
        parse("é + log(y)").build({"é": 1.0, "y": 0.0})
    assert e.value.column == 5  # characters, not UTF-8 bytes


class _HugeNumber(Fraction):
    """A real number beyond the floats whose repr is whatever the test sets."""

    shown = ""

    def __repr__(self) -> str:
        return self.shown


@pytest.mark.parametrize("width", [39, 40, 41, 45])
def test_a_huge_number_is_shown_whole_up_to_40_characters(width) -> None:
    x = _HugeNumber(10**400)
    x.shown = "".join(str(i % 10) for i in range(width))
    with pytest.raises(OverflowError) as e:
        Value(x)
    digits = x.shown
    shown = digits if width <= 40 else f"{digits[:20]}...{digits[-10:]} ({width} digits)"
    assert str(e.value) == f"Value: {shown} is too large for a float"


def test_table_operators_are_named_and_documented_for_help() -> None:
    for method, name, doc in [
        (Value.__truediv__, "__truediv__", "self / other"),
        (Value.__rtruediv__, "__rtruediv__", "other / self"),
        (Value.__pow__, "__pow__", "self ** other"),
        (Value.__rpow__, "__rpow__", "other ** self"),
    ]:
        assert (method.__name__, method.__qualname__, method.__doc__) == (name, name, doc)


def test_three_value_operands_all_get_their_gradient() -> None:
    w1, w2, b = Value(0.5), Value(-1.5), Value(0.25)
    z = linear([w1, w2], [1, 2], b)  # int inputs: the general path
    assert z.parents == (w1, w2, b) and z.data == 0.5 * 1 - 1.5 * 2 + 0.25
    z.backward()
    assert (w1.grad, w2.grad, b.grad) == (1.0, 2.0, 1.0)
    fma = Op(
        "fma",
        lambda a, b, c: a * b + c,
        (lambda a, b, c, out: b, lambda a, b, c, out: a, lambda a, b, c, out: 1.0),
        ("b", "a", "1"),
    )
    x, y, c = Value(3.0), Value(4.0), Value(5.0)
    out = apply(fma, x, y, c)
    assert out.data == 17.0 and out.parents == (x, y, c)
    assert [g.data for g in grad(out, [x, y, c])] == [4.0, 3.0, 1.0]
    out.backward()
    assert (x.grad, y.grad, c.grad) == (4.0, 3.0, 1.0)


def test_bad_data_and_labels_are_named_with_their_type() -> None:
    with pytest.raises(TypeError) as e:
        Value("abc")  # type: ignore[arg-type]
    assert str(e.value) == "Value: expected a real number (int or float), got 'abc' (str)"
    with pytest.raises(TypeError) as e:
        Value(1.0, label=3)  # type: ignore[arg-type]
    assert str(e.value) == "Value: label must be a str, got 3"


def test_a_target_rule_is_optional() -> None:
    positive = Loss("positive", "sum", lambda o, d: o[0] * d[0], lambda d: d > 0.0)
    with pytest.raises(ValueError) as e:
        positive(Value(1.0), -1.0)
    assert str(e.value).rstrip() == "positive: target -1.0"


@pytest.mark.parametrize(
    ("target", "ops"),
    [
        (1.0, ["", "log", "*", "neg"]),  # −1·ln p: no (1 − p) term
        (0.0, ["", "-", "log", "*", "neg"]),  # −1·ln(1 − p): no ln p term
        (0.5, ["", "log", "*", "-", "log", "*", "+", "neg"]),
    ],
)
def test_binary_cross_entropy_builds_only_the_terms_it_needs(target, ops) -> None:
    # What draw and explain show a learner: a certain target has one term, not two.
    e = losses.binary_cross_entropy(Value(0.75), target)
    assert [v.op for v in topological_order(e)] == ops


@pytest.mark.parametrize("blanks", [1, 2])
def test_an_excerpt_of_up_to_40_characters_is_quoted_whole(blanks) -> None:
    text = "(x" + "+0" * 12 + ")" + " " * blanks + "*1e300*1e300"  # 40 or 41 characters
    with pytest.raises(ExpressionError) as e:
        parse(text).build({"x": 1.0})
    quoted = text if len(text) <= 40 else text[:26] + "…" + text[-13:]
    assert e.value.message.startswith(f"{quoted} = inf")
    assert e.value.column == len(text) - 5  # the last "*"


@pytest.mark.parametrize(
    ("text", "values", "column", "named"),
    [
        ("   aé+x", {"aé": 1.0}, 7, "'x'"),  # columns count characters after leading blanks
        ("  x + 1e999", None, 7, "number 1e999 "),  # the literal as written, not its neighbours
        ("1 + x", {"x": math.inf}, 5, "x = inf"),  # a name bound to a non-finite number
        ("2(x)", None, 1, ", ".join(FUNCTIONS)),
        ("(x + 1)(2)", None, 1, ", ".join(FUNCTIONS)),
        ("f(x)", None, 1, ", ".join(FUNCTIONS)),
    ],
)
def test_more_errors_name_the_place_and_the_operand(text, values, column, named) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text).build(values or {})
    assert (e.value.column, e.value.args) == (column, (e.value.message,))
    assert named in e.value.message


def test_an_expression_made_directly_binds_its_names_when_met() -> None:
    parsed = parse("x * x + y")
    direct = Expression(parsed.text, parsed.tree, names=())  # no list of names up front
    out = direct.build({"x": 3.0, "y": 0.5})
    assert out.data == 9.5
    x = out.parents[0].parents[0]
    assert (x.label, x.data) == ("x", 3.0) and out.parents[0].parents == (x, x)


@pytest.mark.parametrize(("text", "column"), [("x +* 2", 4), ("  x +* 2", 6), ("x + (", 5)])
def test_syntax_errors_point_at_their_column(text, column) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert e.value.column == column and "syntax" in e.value.message


def test_only_brackets_count_towards_the_nesting_limit() -> None:
    assert parse("X" * 60 + " + 1").names == ("X" * 60,)  # letters are not brackets
    assert parse("(x)+" + "(" * 50 + "x" + ")" * 50).names == ("x",)  # ")" closes one
    deep = "(" * 40 + "(x)" + "+" + "(" * 11 + "x" + ")" * 11 + ")" * 40  # 51 deep at the 11th
    with pytest.raises(ExpressionError) as e:
        parse(deep)
    assert e.value.column == 40 + 3 + 1 + 11 and "nested" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse("X" * 60 + "+" + "(" * 51 + "x" + ")" * 51)
    assert e.value.column == 60 + 1 + 51


def test_characters_are_checked_up_to_the_length_limit() -> None:
    at_limit = "x" * 999 + "\t"  # 1000 characters: the tab is the first problem
    with pytest.raises(ExpressionError) as e:
        parse(at_limit)
    assert e.value.column == 1000 and r"'\t'" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse("x" * 1001 + "\t")  # too long is the first problem here
    assert e.value.column == 1001 and "1002" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse(3)  # type: ignore[arg-type]
    assert "int" in e.value.message


def test_the_losses_are_named_as_imported() -> None:
    # The name is what errors and progress bars show.
    for name in ("sum_squared_error", "mse", "binary_cross_entropy", "hinge"):
        assert repr(getattr(losses, name)) == f"nn.losses.{name}"
    logits = losses.binary_cross_entropy_with_logits
    assert repr(logits) == "nn.losses.binary_cross_entropy_with_logits"
    assert (losses.sum_squared_error.reduction, logits.reduction) == ("sum", "mean")
    assert losses.EPSILON == 1e-7


def test_a_parsed_expression_is_immutable() -> None:
    e = parse("x * 2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.text = "y"  # type: ignore[misc]
    assert {e: 1}[e] == 1  # frozen, so hashable: usable as a cache key


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


def test_a_loss_compiles_unless_it_says_not() -> None:
    mine = Loss("first", "sum", lambda o, d: o[0] - d[0])
    assert mine.compiles is True
    assert Loss("clamped", "sum", lambda o, d: o[0], compiles=False).compiles is False


@pytest.mark.parametrize(
    ("text", "what"), [("n = 2; n*x", "a constant"), ("n = x; n*2", "already 'x'")]
)
def test_a_name_for_a_constant_or_an_input_is_refused_at_its_place(text: str, what: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text).build({"x": 1.0})
    rhs = text.split("=")[1].split(";")[0].strip()
    assert caught.value.column == text.index(rhs) + 1
    advice = "name only a computed node (write constants inline, inputs with --at)"
    assert caught.value.message == f"n = {rhs} is {what}: {advice}"


def test_a_number_not_in_decimal_is_refused_at_its_column() -> None:
    text = "x + 0x10"
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.column == text.index("0x10") + 1
    assert caught.value.message.startswith("number 0x10 is not allowed")


@pytest.mark.parametrize("text", ["X1", "x2", "+X1"])
def test_a_number_for_at_takes_only_a_sign_before_its_digits(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_number(text)
    assert str(caught.value) == f"{text!r} is not a number (write digits 0-9, like 1.5, -2 or 1e-3)"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2x + 1", "; write 2*x to multiply"),
        ("1e5 +", ""),  # 1e5 looks like a number and a name, but the error is elsewhere
        ("x + ١", "; write numbers with the digits 0-9"),
        ("x € 2", ""),
        ("x = 1 = ", "; a statement is NAME = expression"),
        ("(x = 2)", "; a statement is NAME = expression"),
        ("x + 1 = 2", "; a statement is NAME = expression"),
    ],
)
def test_a_syntax_error_is_python_s_message_and_our_hint(text: str, hint: str) -> None:
    with pytest.raises(SyntaxError) as python:
        ast.parse(text)
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.message == f"syntax error: {python.value.msg}{hint}"
    assert caught.value.column == python.value.offset


_LAST = "only the last statement is the output; name the others: n = ..."
_ONLY = "only statements NAME = expression are allowed, separated by ';'"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", None, "the expression is empty"),
        ("   ", None, "the expression is empty"),
        ("n = x*2; n*3; x", "n*3", _LAST),
        ("n = 2*x; pass; n", "pass", _ONLY),
        ("n = 2*x; a, b = n; n", "a, b", _ONLY),
    ],
)
def test_statement_errors_point_at_their_statement(
    text: str, where: str | None, message: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.column == (1 if where is None else text.index(where) + 1)


def test_target_numbers_checks_as_a_call_does_and_names_the_loss() -> None:
    bce = losses.binary_cross_entropy
    assert bce.target_numbers(0.25) == [0.25]
    assert bce.target_numbers([1, 0.5]) == [1.0, 0.5]
    for bad, error in (("ab", TypeError), ([True], TypeError), (math.nan, ValueError)):
        with pytest.raises(error, match=r"^binary_cross_entropy: ") as caught:
            bce.target_numbers(bad)
        with pytest.raises(error) as in_a_call:
            bce([Value(0.5)], bad)
        assert str(caught.value) == str(in_a_call.value)
    with pytest.raises(
        ValueError, match=r"^binary_cross_entropy: target 2\.0 must be in \[0, 1\]$"
    ):
        bce.target_numbers(2.0)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("sin = x*2; sin", "sin", "'sin' is a function and cannot be a name"),
        ("n = x*3; n = 2*x; n", "n", "'n' is named twice"),
        ("n = n*2; n", "n*2", "'n' is used before it is computed"),
        ("n = x*m; m = x*2; n*m", "m;", "'m' is used before it is computed"),
        ("n = x*2; x", "n", "'n' is computed but never used (the last statement is the output)"),
        ("x # a # b", "#", "'#' is not allowed: the language has no comments"),
    ],
)
def test_naming_errors_point_at_the_name(text: str, where: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert (caught.value.message, caught.value.column) == (message, text.index(where) + 1)


def test_traced_loss_checks_and_refuses_as_a_call_does() -> None:
    out = losses.mse.traced([Value(0.5), Value(0.2)], [Value(1.0), Value(0.0)])
    assert out.data == ((0.5 - 1.0) ** 2 + 0.2**2) / 2
    with pytest.raises(ValueError) as caught:
        losses.binary_cross_entropy.traced([Value(0.5)], [Value(1.0)])
    assert str(caught.value) == (
        "binary_cross_entropy: its graph depends on the data (a branch on values), so it "
        "cannot be compiled; use compile=False"
    )
    with pytest.raises(
        TypeError, match=r"^mse: a prediction must be a Value or a number, got 'a'$"
    ):
        losses.mse.traced("a", [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^mse: 2 outputs but 1 targets \(\[1\.0\]\)$"):
        losses.mse.traced([Value(0.5), Value(0.2)], [Value(1.0)])


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


# -- Value semantics (comparisons, conversions, pickling): values at the edges, whole messages --


@pytest.mark.parametrize("other", [2.0, 2, Value(2.0)])
def test_orderings_at_equal_data(other: object) -> None:
    v = Value(2.0)
    assert (v < other, v <= other, v > other, v >= other) == (False, True, False, True)
    w = Value(2.5)
    assert (w < other, w <= other, w > other, w >= other) == (False, False, True, True)


@pytest.mark.parametrize("symbol", ["<", "<=", ">", ">="])
def test_an_ordering_with_a_non_number_names_it(symbol: str) -> None:
    compare = {"<": Value.__lt__, "<=": Value.__le__, ">": Value.__gt__, ">=": Value.__ge__}
    with pytest.raises(TypeError) as caught:
        compare[symbol](Value(1.0), "a")  # type: ignore[operator]
    assert str(caught.value) == f"'{symbol}' compares a Value with a Value or a number, got 'a'"


@pytest.mark.parametrize("symbol", ["==", "!="])
def test_equality_with_a_number_says_how_to_compare_numbers(symbol: str) -> None:
    v = Value(1.5)
    with pytest.raises(TypeError) as caught:
        (Value.__eq__ if symbol == "==" else Value.__ne__)(v, 1.5)
    assert str(caught.value) == (
        f"Value(data=1.5, grad=0.0) {symbol} 1.5: {symbol} between Values is identity (they "
        f"are graph nodes); to compare numbers write v.data {symbol} 1.5"
    )


@pytest.mark.parametrize(
    ("convert", "what"),
    [(float, "float(v)"), (round, "round(v)"), (math.trunc, "math.trunc(v)")],
)
def test_conversions_that_would_leave_the_graph_say_what_to_use(convert, what: str) -> None:
    with pytest.raises(TypeError) as caught:
        convert(Value(1.5))
    assert str(caught.value) == (
        f"{what} would turn a Value into a plain number and cut it out of the graph; use "
        "v.data for the number, or the Value's own methods (v.sqrt(), v.exp(), abs(v), ...) "
        "to stay in the graph"
    )


def test_pickling_an_interior_node_says_what_to_save() -> None:
    import pickle

    with pytest.raises(TypeError) as caught:
        pickle.dumps(Value(1.5) * 2)
    assert str(caught.value) == (
        "cannot pickle Value(data=3.0, grad=0.0, op='*'): it is an interior node of a graph; "
        "pickle its number (v.data) instead, and save models with Module.save()"
    )


def test_grad_modes_decorate_only_callables() -> None:
    from autograd import enable_grad

    for mode in (no_grad, enable_grad):
        with pytest.raises(TypeError) as caught:
            mode()(3)  # type: ignore[arg-type]
        assert str(caught.value) == f"@{mode.__name__}() decorates a function, got 3"


@pytest.mark.parametrize(("symbol", "dunder"), [("/", "truediv"), ("**", "pow")])
def test_binary_writes_an_operator_and_its_reflection(symbol: str, dunder: str) -> None:
    from autograd.core import engine

    forward, reverse = engine._binary(symbol)  # runs at import: called here to test it
    names = (forward.__name__, forward.__qualname__, reverse.__name__, reverse.__qualname__)
    assert names == (f"__{dunder}__", f"__{dunder}__", f"__r{dunder}__", f"__r{dunder}__")
    assert (forward.__doc__, reverse.__doc__) == (f"self {symbol} other", f"other {symbol} self")
    f = {"/": lambda a, b: a / b, "**": lambda a, b: a**b}[symbol]
    x, y = Value(3.0), Value(0.5)
    both = forward(x, y)
    both.backward()
    d = {"/": (1 / 0.5, -3.0 / 0.5**2), "**": (0.5 * 3.0**-0.5, 3.0**0.5 * math.log(3.0))}
    assert (both.data, both.parents, (x.grad, y.grad)) == (f(3.0, 0.5), (x, y), d[symbol])
    right, left = forward(x, 2), reverse(x, 2)
    assert (right.data, right.operands) == (f(3.0, 2.0), (x, 2.0))
    assert (left.data, left.operands) == (f(2.0, 3.0), (2.0, x))
    with pytest.raises(TypeError) as caught:
        forward(Value(3.0), "a")  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"unsupported operand for '{symbol}': Value(data=3.0, grad=0.0) {symbol} 'a'; "
        "expected a Value or a real number"
    )
    with pytest.raises(TypeError) as caught:
        reverse(Value(3.0), "a")  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"unsupported operand for '{symbol}': 'a' {symbol} Value(data=3.0, grad=0.0); "
        "expected a Value or a real number"
    )
