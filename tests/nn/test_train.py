"""Tests of nn.fit and the optimizers."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value
from nn import MLP, SGD, Adam, losses
from nn.train import accumulate

CASES = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.0, 1.0], [1.0, 1.0]]
TARGETS = [[0.2, 0.9], [0.7, 0.1], [0.4, 0.4], [1.0, 0.0], [0.3, 0.6]]


def grads(model: MLP) -> list[float]:
    return [p.grad for p in model.parameters()]


@pytest.mark.parametrize("loss", [losses.sum_squared_error, losses.mse])
def test_case_by_case_accumulation_equals_the_gradient_of_the_summed_loss(
    loss: losses.Loss,
) -> None:
    model = MLP(2, [3, 2], seed=1)
    model.zero_grad()
    total = accumulate(model, CASES, TARGETS, loss, range(len(CASES)))
    per_case = grads(model)
    model.zero_grad()
    whole = loss.batch([model(x) for x in CASES], TARGETS)
    whole.backward()
    assert per_case == pytest.approx(grads(model), rel=1e-12, abs=1e-15)
    n = len(CASES) if loss.reduction == "mean" else 1
    assert total / n == pytest.approx(whole.data, rel=1e-12)
    assert any(g != 0.0 for g in per_case)


def manual_step(model: MLP, opt: SGD, cases: list[int], loss: losses.Loss) -> float:
    opt.zero_grad()
    batch = loss.batch([model(CASES[c]) for c in cases], [TARGETS[c] for c in cases])
    batch.backward()
    opt.step()
    return batch.data


@pytest.mark.parametrize("loss", [losses.sum_squared_error, losses.mse])
def test_a_full_sweep_is_one_step_on_the_loss_of_all_cases(loss: losses.Loss) -> None:
    a, b = MLP(2, [3, 2], seed=2), MLP(2, [3, 2], seed=2)
    history = nn.fit(
        a, CASES, TARGETS, loss, SGD(a.parameters(), lr=0.3, momentum=0.5), 2, progress=False
    )
    opt = SGD(b.parameters(), lr=0.3, momentum=0.5)
    expected = [manual_step(b, opt, list(range(5)), loss) for _ in range(2)]
    assert history == pytest.approx(expected, rel=1e-12)
    assert list(a.state_dict().values()) == pytest.approx(list(b.state_dict().values()), 1e-12)
    assert history[1] < history[0]


def test_mini_batches_change_the_weights_after_every_batch() -> None:
    a, b = MLP(2, [3, 2], seed=3), MLP(2, [3, 2], seed=3)
    loss = losses.mse
    history = nn.fit(
        a, CASES, TARGETS, loss, SGD(a.parameters(), lr=0.3), 1, batch_size=2, progress=False
    )
    opt = SGD(b.parameters(), lr=0.3)
    parts = [manual_step(b, opt, cases, loss) for cases in ([0, 1], [2, 3], [4])]
    assert list(a.state_dict().values()) == pytest.approx(list(b.state_dict().values()), 1e-12)
    assert history == pytest.approx([(2 * parts[0] + 2 * parts[1] + parts[2]) / 5], rel=1e-12)


def test_shuffled_training_is_reproducible_with_a_seed() -> None:
    runs = []
    for _ in range(2):
        model = MLP(2, [3, 2], seed=4)
        h = nn.fit(
            model, CASES, TARGETS, epochs=3, batch_size=2, shuffle=True, seed=9, progress=False
        )
        runs.append((h, model.state_dict()))
    assert runs[0] == runs[1]


def test_fit_stops_at_a_loss_threshold_or_when_the_callable_says_so() -> None:
    model = MLP(2, [3, 2], seed=5)
    assert len(nn.fit(model, CASES, TARGETS, epochs=50, stop=1e9, progress=False)) == 1
    calls: list[tuple[int, float]] = []

    def third(sweep: int, loss: float) -> bool:
        calls.append((sweep, loss))
        return sweep == 3

    history = nn.fit(model, CASES, TARGETS, epochs=50, stop=third, progress=False)
    assert len(history) == 3
    assert calls == list(zip([1, 2, 3], history))
    assert len(nn.fit(model, CASES, TARGETS, epochs=4, progress=False)) == 4


def echo(x: list[float]) -> list[Value]:
    """A "model" whose outputs are its inputs."""
    return [Value(t) for t in x]


def test_within_checks_every_output_of_every_case() -> None:
    near = [[a + 0.05, b - 0.05] for a, b in CASES]
    assert nn.train.within(0.1, echo, CASES, near)(1, 0.0) is True
    near[-1][1] += 0.2
    assert nn.train.within(0.1, echo, CASES, near)(1, 0.0) is False


def test_within_refuses_outputs_and_targets_of_different_lengths() -> None:
    firsts = [[a] for a, _ in CASES]  # the first output of each case matches exactly
    stop = nn.train.within(0.1, echo, CASES, firsts)
    with pytest.raises(ValueError, match=r"within: case 0 gives 2 outputs but has 1 targets"):
        stop(1, 0.0)
    with pytest.raises(ValueError, match=r"within: 5 inputs but 2 targets"):
        nn.train.within(0.1, echo, CASES, TARGETS[:2])


def test_progress_bar_shows_the_loss(capsys: pytest.CaptureFixture[str]) -> None:
    nn.fit(MLP(2, [2, 2], seed=0), CASES, TARGETS, epochs=2, progress=True)
    assert "loss=" in capsys.readouterr().err
    nn.fit(MLP(2, [2, 2], seed=0), CASES, TARGETS, epochs=2, progress=False)
    assert capsys.readouterr().err == ""


def test_a_non_finite_loss_stops_fit_with_a_clear_error() -> None:
    model = MLP(1, [1], activation="linear", seed=0)
    with pytest.raises(FloatingPointError, match=r"sum_squared_error of case 0 is inf"):
        nn.fit(model, [[math.inf]], [0.0], progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"targets": TARGETS[:2]}, ValueError, "5 inputs but 2 targets"),
        ({"inputs": [], "targets": []}, ValueError, "no cases"),
        ({"epochs": 0}, ValueError, "epochs must be an integer >= 1, got 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be None or an integer >= 1"),
        ({"loss": len}, TypeError, "loss must be one of nn.losses"),
        ({"stop": "soon"}, TypeError, "stop must be a number or a callable"),
    ],
)
def test_bad_fit_arguments_are_clear_errors(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    args: dict[str, object] = {"inputs": CASES, "targets": TARGETS, "progress": False}
    with pytest.raises(error, match=message):
        nn.fit(MLP(2, [2], seed=0), **(args | kwargs))  # type: ignore[arg-type]


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


def test_adam_trains_a_regression_net() -> None:
    model = MLP(2, [8, 2], activation="tanh", output_activation="linear", seed=0)
    history = nn.fit(
        model, CASES, TARGETS, losses.mse, Adam(model.parameters(), lr=0.02), 300, progress=False
    )
    assert history[-1] < 0.05 * history[0]


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
