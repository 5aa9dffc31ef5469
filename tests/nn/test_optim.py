"""nn.optim: SGD with momentum and Adam, against the updates written out on floats."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value
from nn import MLP, SGD, Adam, losses


def test_sgd_momentum_follows_the_papers_rule_for_three_steps() -> None:
    # E(w) = ½(2w − 1)², ∂E/∂w = 2(2w − 1); ε = 0.1, α = 0.9, w(0) = 1:
    #   Δ1 = −0.1·2             = −0.2   → w = 0.8
    #   Δ2 = −0.1·1.2 + 0.9·Δ1  = −0.3   → w = 0.5
    #   Δ3 = −0.1·0   + 0.9·Δ2  = −0.27  → w = 0.23
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.9)
    seen = []
    for _ in range(3):
        opt.zero_grad()
        losses.sum_squared_error(w * 2.0, 1.0).backward()
        opt.step()
        seen.append(w.data)
    assert seen == pytest.approx([0.8, 0.5, 0.23], abs=1e-12)
    assert opt.deltas == pytest.approx([-0.27], abs=1e-12)


def test_sgd_weight_decay_adds_lambda_w_to_the_gradient() -> None:
    w = Value(2.0)
    w.grad = 0.5
    SGD([w], lr=0.1, weight_decay=0.25).step()
    assert w.data == pytest.approx(2.0 - 0.1 * (0.5 + 0.25 * 2.0))


def test_a_non_finite_gradient_stops_the_step_with_nothing_changed() -> None:
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    opt = SGD(model.parameters(), lr=0.1)
    for p in model.parameters():
        p.grad = 1.0
    model.layers[1].neurons[0].w[1].grad = math.nan
    with pytest.raises(FloatingPointError, match=r"layers\.1\.neurons\.0\.w\.1 is nan"):
        opt.step()
    assert model.state_dict() == before


def test_a_failing_sgd_step_changes_neither_the_model_nor_the_momentum() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b], lr=0.1, momentum=0.5, weight_decay=0.1)
    a.grad, b.grad = 1.0, 1.0
    opt.step()
    # An int too large for a float, poked into b's slot past the check of b.data = ...:
    # λ·w then raises OverflowError, after a's new value is known.
    b._data = 10**400  # type: ignore[assignment]
    state = (a.data, list(opt.deltas))
    with pytest.raises(OverflowError):
        opt.step()
    assert (a.data, opt.deltas) == state
    assert a.data == pytest.approx(1.0 - 0.1 * (1.0 + 0.1 * 1.0))  # the first step did happen


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=0.0), "lr must be a finite number > 0"),
        (lambda p: SGD(p, lr=10**400), r"SGD: lr must be a finite number > 0, got 1000"),
        (lambda p: nn.Adam(p, lr=-(10**400)), r"Adam: lr must be a finite number > 0, got -1000"),
        (lambda p: nn.Adam(p, lr=True), r"Adam: lr must be a finite number > 0, got True"),
        (lambda p: SGD(p, lr=0.1, momentum=1.0), "momentum must be a number in"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1.0), "weight_decay must be"),
        (lambda p: SGD([], lr=0.1), "no parameters"),
        (lambda p: SGD([*p, p[0]], lr=0.1), "listed twice"),
    ],
)
def test_bad_optimizer_settings_are_clear_errors(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(MLP(1, [1], seed=0).parameters())  # type: ignore[operator]


def test_adam_against_a_hand_computation_of_two_steps() -> None:
    w = Value(1.0)
    opt = Adam([w], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    w.grad = 0.5
    opt.step()
    # m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025; m̂ = 0.5, v̂ = 0.25
    assert w.data == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-14)
    w1 = w.data
    opt.zero_grad()
    assert w.grad == 0.0
    w.grad = -1.0
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -1.0  # −0.055
    v = 0.999 * 0.00025 + 0.001 * 1.0  # 0.00124975
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert w.data == pytest.approx(w1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-14)
    assert opt.t == 2


def test_adam_refuses_eps_zero_which_would_divide_zero_by_zero() -> None:
    a, b = Value(1.0), Value(1.0)
    with pytest.raises(ValueError, match=r"Adam: eps must be a finite number > 0, got 0\.0"):
        Adam([a, b], lr=0.1, eps=0.0)


def test_a_failing_adam_step_changes_neither_the_model_nor_the_moments() -> None:
    a, b = Value(1.0), Value(1.0)
    opt = Adam([a, b], lr=0.1)
    a.grad, b.grad = 1.0, 0.0
    opt.step()
    opt.eps = 0.0  # bypassing the check: b's m̂/(√v̂ + eps) is then 0/0
    state = (a.data, b.data, list(opt.m), list(opt.v), opt.t)
    with pytest.raises(ZeroDivisionError):
        opt.step()
    assert (a.data, b.data, opt.m, opt.v, opt.t) == state
    assert a.data == pytest.approx(0.9, abs=1e-7)  # the first step did happen


def test_bad_adam_settings_are_clear_errors() -> None:
    params = MLP(1, [1], seed=0).parameters()
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got -1e-08"):
        Adam(params, eps=-1e-8)
    with pytest.raises(ValueError, match=r"betas\[1\] must be a number in \[0.0, 1.0\)"):
        Adam(params, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        Adam(params, lr=math.nan)
    with pytest.raises(TypeError, match=r"params\[1\] is 3"):
        Adam([params[0], 3])  # type: ignore[list-item]


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


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
