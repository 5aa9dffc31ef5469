"""nn.losses: values and gradients against math, custom losses, odd inputs."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value, topological_order
from nn import MLP, losses
from nn.losses import EPSILON, Loss
from tests.helpers import sigmoid


def test_losses_against_hand_values() -> None:
    y = [Value(0.8), Value(0.1)]
    assert losses.sum_squared_error(y, [1.0, 0.0]).data == pytest.approx(0.5 * (0.04 + 0.01))
    assert losses.mse(y, [1.0, 0.0]).data == pytest.approx((0.04 + 0.01) / 2)
    assert losses.hinge(Value(0.3), -1.0).data == pytest.approx(1.3)
    assert losses.hinge(Value(2.0), 1.0).data == 0.0
    assert losses.hinge([Value(0.5), Value(-3.0)], [1.0, -1.0]).data == pytest.approx(0.25)
    bce = losses.binary_cross_entropy([Value(0.8), Value(0.1)], [1.0, 0.0]).data
    assert bce == pytest.approx(-(math.log(0.8) + math.log(0.9)) / 2)
    assert losses.binary_cross_entropy(Value(0.8), 0.25).data == pytest.approx(
        -(0.25 * math.log(0.8) + 0.75 * math.log(0.2))
    )
    z = Value(0.4)
    assert losses.binary_cross_entropy_with_logits(z, 1.0).data == pytest.approx(
        -math.log(sigmoid(0.4))
    )


def test_batch_sums_or_averages_the_cases() -> None:
    ys, ds = [Value(1.0), Value(3.0)], [0.0, 0.0]
    assert losses.sum_squared_error.batch(ys, ds).data == pytest.approx(0.5 + 4.5)
    assert losses.mse.batch(ys, ds).data == pytest.approx((1 + 9) / 2)


def test_loss_gradients_against_hand_formulas() -> None:
    y = Value(0.8)
    losses.sum_squared_error(y, 1.0).backward()
    assert y.grad == pytest.approx(-0.2)  # y − d
    z = Value(-0.7)
    losses.binary_cross_entropy_with_logits(z, 1.0).backward()
    assert z.grad == pytest.approx(sigmoid(-0.7) - 1.0)  # σ(z) − d
    z = Value(3.0)
    losses.binary_cross_entropy_with_logits(z, 0.0).backward()
    assert z.grad == pytest.approx(sigmoid(3.0))


@pytest.mark.parametrize("z", [0.0, -0.0, 1e-300, -1e-300, 0.4, -2.5, 30.0])
@pytest.mark.parametrize("d", [0.0, 0.25, 1.0])
def test_logits_cross_entropy_gradient_is_sigmoid_minus_target(z: float, d: float) -> None:
    # Including z = 0 itself, where max(z, 0) and |z| both have a kink.
    logit = Value(z)
    losses.binary_cross_entropy_with_logits(logit, d).backward()
    assert logit.grad == pytest.approx(sigmoid(z) - d, abs=1e-15)


def test_logits_cross_entropy_at_a_zero_output_of_a_relu_net() -> None:
    model = MLP(2, [4, 1], activation="relu", output_activation="linear", seed=0)
    z = model([0.0, 0.0])
    assert isinstance(z, Value) and z.data == 0.0
    losses.binary_cross_entropy_with_logits(z, 0.0).backward()
    # ∂L/∂b of the output unit is ∂L/∂z = σ(0) − 0.
    assert model.layers[1].neurons[0].b.grad == 0.5


def test_cross_entropy_is_finite_where_probabilities_saturate() -> None:
    for z in (-800.0, -40.0, 40.0, 800.0):
        for d in (0.0, 1.0):
            logit = Value(z)
            loss = losses.binary_cross_entropy_with_logits(logit, d)
            assert math.isfinite(loss.data)
            assert loss.data == pytest.approx(max(z, 0) - z * d + math.log1p(math.exp(-abs(z))))
            loss.backward()
            assert math.isfinite(logit.grad)
            p = Value(z).sigmoid()  # exactly 0.0 or 1.0 at ±800
            prob_loss = losses.binary_cross_entropy(p, d)
            assert math.isfinite(prob_loss.data)
            assert prob_loss.data <= -math.log(losses.EPSILON) + 1e-9


def test_loss_errors_name_the_value() -> None:
    with pytest.raises(ValueError, match=r"2 outputs but 1 targets"):
        losses.mse([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match=r"target 0\.5 must be -1 or \+1"):
        losses.hinge(Value(1.0), 0.5)
    with pytest.raises(ValueError, match=r"target 2\.0 must be in \[0, 1\]"):
        losses.binary_cross_entropy(Value(0.5), 2.0)
    with pytest.raises(ValueError, match=r"prediction 1\.5 is not a probability"):
        losses.binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(ValueError, match=r"target nan is not finite"):
        losses.mse(Value(1.0), math.nan)


def test_margin_loss_numbers() -> None:
    """½ Σ (y − d)² over the units outside 0.2 of their target, worked by hand."""
    ys = [Value(0.9), Value(0.5), Value(0.1), Value(0.3)]
    e = nn.losses.margin_squared_error(ys, [1.0, 1.0, 0.0, 0.0])
    e.backward()
    assert e.data == pytest.approx(0.5 * (0.5**2 + 0.3**2), rel=1e-15)
    assert [y.grad for y in ys] == pytest.approx([0.0, -0.5, 0.0, 0.3], rel=1e-15)


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


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


def test_one_term_is_not_wrapped_in_an_extra_node() -> None:
    y = Value(0.5)
    e = losses.mse(y, 1.0)  # (y − 1)², with no "· 1/1" node on top
    assert e.op == "**" and e.parents[0].parents == (y,)
    assert losses.mse.batch([y], [1.0]).op == "**"
    two = losses.mse.batch([y, y], [1.0, 0.0])
    assert two.op == "*" and two.operands[1] == 0.5


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


def test_the_losses_are_named_as_imported() -> None:
    # The name is what errors and progress bars show.
    for name in ("sum_squared_error", "mse", "binary_cross_entropy", "hinge"):
        assert repr(getattr(losses, name)) == f"nn.losses.{name}"
    logits = losses.binary_cross_entropy_with_logits
    assert repr(logits) == "nn.losses.binary_cross_entropy_with_logits"
    assert (losses.sum_squared_error.reduction, logits.reduction) == ("sum", "mean")
    assert losses.EPSILON == 1e-7


def test_a_loss_compiles_unless_it_says_not() -> None:
    mine = Loss("first", "sum", lambda o, d: o[0] - d[0])
    assert mine.compiles is True
    assert Loss("clamped", "sum", lambda o, d: o[0], compiles=False).compiles is False


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
