"""nn.fit: case-by-case accumulation, batches, stop rules, and the compiled path (compile=True)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import nn
from autograd import Value, no_grad
from autograd.core.compiler import ShapeError
from nn import MLP, SGD, Adam, losses, train
from nn.train import accumulate
from tests.helpers import bits

CASES = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.0, 1.0], [1.0, 1.0]]
TARGETS = [[0.2, 0.9], [0.7, 0.1], [0.4, 0.4], [1.0, 0.0], [0.3, 0.6]]
XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]


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


def test_adam_trains_a_regression_net() -> None:
    model = MLP(2, [8, 2], activation="tanh", output_activation="linear", seed=0)
    history = nn.fit(
        model, CASES, TARGETS, losses.mse, Adam(model.parameters(), lr=0.02), 300, progress=False
    )
    assert history[-1] < 0.05 * history[0]


# -- learning --


def train_xor(seed: int, sweeps: int = 2000) -> bool:
    """The paper's XOR net and settings: ε = 0.5, α = 0.9, weights ±0.3, full sweeps."""
    model = MLP(2, [2, 1], seed=seed)
    history = nn.fit(
        model,
        XOR_INPUTS,
        XOR_TARGETS,
        optimizer=SGD(model.parameters(), lr=0.5, momentum=0.9),
        epochs=sweeps,
        stop=nn.train.within(0.1, model, XOR_INPUTS, XOR_TARGETS),
        progress=False,
    )
    outputs = [model(x).data for x in XOR_INPUTS]  # type: ignore[union-attr]
    learned = all(abs(y - d) < 0.1 for y, d in zip(outputs, XOR_TARGETS))
    if len(history) < sweeps:  # fit stopped early: only the criterion does that
        assert learned
    return learned


def test_xor_is_learned_by_a_2_2_1_sigmoid_net_for_most_seeds() -> None:
    learned = [seed for seed in range(10) if train_xor(seed)]
    assert len(learned) >= 8, learned


# -- fit(..., compile=True) against fit: the same history and weights, bit for bit --


def both(make: Any, inputs: Any, targets: Any, **kw: Any) -> list[tuple[list[float], list[float]]]:
    """(history, final weights) of fit with the interpreter and with compile=True."""
    runs = []
    for compile_ in (False, True):
        model = make()
        opt = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
        history = nn.fit(
            model, inputs, targets, optimizer=opt, progress=False, compile=compile_, **kw
        )
        runs.append(([*map(bits, history)], [bits(p.data) for p in model.parameters()]))
    return runs  # type: ignore[return-value]


def test_paper_xor_net_bit_for_bit() -> None:
    interpreted, compiled = both(
        lambda: nn.MLP(2, [2, 1], seed=3), XOR_INPUTS, XOR_TARGETS, epochs=40
    )
    assert interpreted == compiled


@pytest.mark.parametrize("batch_size", [None, 3])
def test_relu_mean_loss_and_uneven_batches_bit_for_bit(batch_size: int | None) -> None:
    """mse scales by 1/(batch size); a last batch of 1 case scales differently."""
    xs = [[0.1 * i, 1.0 - 0.07 * i] for i in range(7)]
    ys = [math.sin(i) for i in range(7)]
    interpreted, compiled = both(
        lambda: nn.MLP(2, [5, 4, 1], activation="relu", output_activation="linear", seed=1),
        xs,
        ys,
        loss=nn.losses.mse,
        epochs=15,
        batch_size=batch_size,
        shuffle=True,
        seed=4,
    )
    assert interpreted == compiled


def test_margin_loss_several_outputs_bit_for_bit() -> None:
    xs = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    ys = [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]
    interpreted, compiled = both(
        lambda: nn.MLP(3, [4, 3], seed=2), xs, ys, loss=nn.losses.margin_squared_error, epochs=60
    )
    assert interpreted == compiled


class Branchy(nn.Module):
    """A model whose graph shape depends on its input: it cannot be compiled."""

    def __init__(self) -> None:
        self.w = Value(0.5)

    def __call__(self, x: list[Value]) -> Value:
        return x[0] * self.w if x[0].data > 0 else (x[0] + self.w).sigmoid()


def test_data_dependent_shape_is_refused_naming_the_node() -> None:
    message = r"fit: .*node n1 is \*\(i0, p0\) in the first .*\+\(i0, p0\)"
    with pytest.raises(ShapeError, match=message):
        nn.fit(Branchy(), [[1.0], [-1.0]], [0.0, 1.0], progress=False, compile=True)


def test_losses_that_branch_on_values_are_refused() -> None:
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="binary_cross_entropy: its graph depends on the data"):
        nn.fit(model, XOR_INPUTS, XOR_TARGETS, loss=nn.losses.binary_cross_entropy, compile=True)


def test_compiled_step_is_cached_until_the_parameters_change() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, XOR_INPUTS, XOR_TARGETS, epochs=1, progress=False, compile=True)
    first = train._COMPILED[model][1]
    nn.fit(model, XOR_INPUTS, XOR_TARGETS, epochs=2, progress=False, compile=True)
    assert train._COMPILED[model][1] is first
    model.layers[0].neurons[0].b = Value(0.25)  # a new parameter object
    nn.fit(model, XOR_INPUTS, XOR_TARGETS, epochs=1, progress=False, compile=True)
    rebuilt = train._COMPILED[model][1]
    assert rebuilt is not first and rebuilt.params[2] is model.layers[0].neurons[0].b
    nn.fit(
        model, XOR_INPUTS, XOR_TARGETS, loss=nn.losses.mse, epochs=1, progress=False, compile=True
    )
    assert train._COMPILED[model][1] is not rebuilt  # another loss, another graph


def test_divergence_names_the_case_as_the_interpreter_does() -> None:
    messages = []
    for compile_ in (False, True):
        model = nn.MLP(1, [1], activation="linear", seed=0)
        opt = nn.SGD(model.parameters(), lr=1e150)
        with pytest.raises(FloatingPointError) as error:
            nn.fit(
                model,
                [[1e150], [2.0]],
                [0.0, 1.0],
                optimizer=opt,
                epochs=5,
                progress=False,
                compile=compile_,
            )
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "case 0" in messages[0]


# ==== faults and hostile input (issue 12; the numbers are the items) ====


# -- 5, 6: training and model files that could only train nothing or crash --


def test_fit_refuses_no_grad_and_an_optimizer_of_another_model() -> None:
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    before = model.state_dict()
    with no_grad(), pytest.raises(RuntimeError, match=r"^fit: called inside no_grad\(\)"):
        nn.fit(model, [[0.0, 1.0]], [1.0], progress=False)
    with pytest.raises(ValueError, match=r"^fit: the optimizer changes none of the model's"):
        nn.fit(model, [[0.0, 1.0]], [1.0], optimizer=SGD(other.parameters(), lr=0.5))
    assert model.state_dict() == before
    history = nn.fit(model, [[0.0, 1.0]], [1.0], epochs=3, progress=False)
    assert history[-1] < history[0] and model.state_dict() != before


# ==== compile="numba": the same training as machine code (issue 25) ====


def test_fit_with_numba_is_the_interpreters_training_bit_for_bit(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("numba", reason="Numba is optional: `make test-native` installs it")
    monkeypatch.setenv("AUTOGRAD_CACHE_DIR", str(tmp_path))
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [0.0, 1.0, 1.0, 0.0]
    runs = []
    for compile_ in (False, "numba"):
        model = MLP(2, [3, 1], seed=4)
        opt = SGD(model.parameters(), lr=0.5, momentum=0.9)
        history = nn.fit(model, xs, ys, optimizer=opt, epochs=30, progress=False,
                         compile=compile_)  # fmt: skip
        runs.append(([bits(e) for e in history], [bits(p.data) for p in model.parameters()]))
    assert runs[0] == runs[1]
    # batches and a mean loss too: each batch is a sweep of its own cases
    model = MLP(2, [3, 1], seed=4)
    twin = MLP(2, [3, 1], seed=4)
    for m, c in ((model, True), (twin, "numba")):
        nn.fit(m, xs, ys, loss=losses.mse, epochs=5, batch_size=3, shuffle=True, seed=2,
               progress=False, compile=c)  # fmt: skip
    assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]


def test_fit_names_the_compile_values_it_takes() -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError) as e:
        nn.fit(model, [[0.0, 1.0]], [1.0], progress=False, compile="fast")
    assert str(e.value) == "fit: compile must be True, False, 'python' or 'numba', got 'fast'"
    # "python" is True's backend: the same numbers
    twin = MLP(2, [1], seed=0)
    nn.fit(model, [[0.0, 1.0]], [1.0], epochs=3, progress=False, compile="python")
    nn.fit(twin, [[0.0, 1.0]], [1.0], epochs=3, progress=False, compile=True)
    assert model.state_dict() == twin.state_dict()
