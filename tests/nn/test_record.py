"""nn.Recorder: a keyframe equals the run stopped at its sweep; both paths agree; bounds; errors."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Value, linear, no_grad
from autograd.core.notation import num
from nn import MLP, SGD, losses

XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]
SWEEPS = 300
# "A few MB": the most a recording's page may take, whatever the length of the run.
SIZE_BOUND = 4_000_000


def xor_net() -> MLP:
    return MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=3)


def train(
    model: MLP, sweeps: int, record: nn.Recorder | None = None, compile: bool = False
) -> list[float]:
    opt = SGD(model.parameters(), lr=0.5, momentum=0.9)
    return nn.fit(
        model, XOR_INPUTS, XOR_TARGETS, optimizer=opt, epochs=sweeps, progress=False,
        record=record, compile=compile,
    )  # fmt: skip


@pytest.fixture(scope="module")
def recorded() -> tuple[nn.Recorder, list[float]]:
    rec = nn.Recorder()
    history = train(xor_net(), SWEEPS, rec)
    return rec, history


def unit_outputs(model: MLP) -> tuple[list[list[float]], list[list[float]]]:
    """Each unit's y_j and x_j per case (units in the paper's order: layer by layer), by the
    model's own layers, without a graph."""
    count = sum(len(layer.neurons) for layer in model.layers)
    ys: list[list[float]] = [[] for _ in range(count)]
    xs: list[list[float]] = [[] for _ in range(count)]
    with no_grad():
        for x in XOR_INPUTS:
            k = 0
            inputs: list[Any] = x
            for layer in model.layers:
                outs = []
                for unit in layer.neurons:
                    y = unit(inputs)
                    ys[k].append(y.data)
                    xs[k].append(linear(unit.w, inputs, unit.b).data)
                    outs.append(y.data)
                    k += 1
                inputs = outs
    return ys, xs


@pytest.mark.parametrize("sweep", [1, 7, 10, "middle", "last"])
def test_a_keyframe_holds_what_the_run_stopped_at_its_sweep_shows(
    recorded: tuple[nn.Recorder, list[float]], sweep: int | str
) -> None:
    rec, history = recorded
    kept = [f.sweep for f in rec.frames]
    k = {"middle": kept[len(kept) // 2], "last": kept[-1]}.get(sweep, sweep)  # type: ignore[call-overload]
    assert isinstance(k, int) and k in kept
    frame = rec.frame(k)
    # The weights sweep k ran on: those of a fresh run stopped after k - 1 sweeps.
    before = xor_net()
    if k > 1:
        train(before, k - 1)
    assert frame.weights == [p.data for p in before.parameters()]
    # Its error and gradient: those of a fresh run stopped after k sweeps (fit leaves the
    # last sweep's gradient in .grad), and the error fit returned for sweep k.
    stopped = xor_net()
    errors = train(stopped, k)
    assert frame.error == errors[-1] == history[k - 1]
    assert frame.grads == [p.grad for p in stopped.parameters()]
    # Each unit's output (and total input) per case at those weights.
    ys, xs = unit_outputs(before)
    assert (frame.outputs, frame.totals) == (ys, xs)
    # The update-to-weight ratio of each layer over the sweep's change.
    after = [p.data for p in stopped.parameters()]
    per_layer = [list(range(0, 6)), list(range(6, 9))]  # 2 hidden units × (2 w + b), 1 output
    for layer, ks in enumerate(per_layer):
        size = math.sqrt(sum(frame.weights[i] ** 2 for i in ks))
        change = math.sqrt(sum((after[i] - frame.weights[i]) ** 2 for i in ks))
        assert frame.ratios is not None
        assert frame.ratios[layer] == pytest.approx(change / size, rel=1e-12)
    # Saturated: σ′(x) = y(1 - y) below a tenth of σ′(0) = 0.25.
    pairs = [y for row in ys for y in row]
    assert frame.saturated == sum(y * (1 - y) < 0.025 for y in pairs) / len(pairs)
    assert frame.dead is None  # no ReLU unit


def test_the_unit_view_at_a_keyframe_is_backward_on_its_weights(
    recorded: tuple[nn.Recorder, list[float]],
) -> None:
    rec, _ = recorded
    names = rec.data()["names"]
    for k in (rec.explained_sweeps()[3], rec.explained_sweeps()[-1]):
        frame = rec.frame(k)
        for c in rec.explained_cases():
            model = xor_net()
            for p, w in zip(model.parameters(), frame.weights):
                p.data = w
            model.zero_grad()
            error = losses.sum_squared_error(model(XOR_INPUTS[c]), XOR_TARGETS[c])
            error.backward()
            lines = frame.explained[c]
            assert lines[0].startswith(f"Case {c + 1} of 4:")
            # The forward pass too is the frame's: its weights, its error.
            assert f"  E = {num(error.data)}" in lines
            bias = num(model.layers[1].neurons[0].b.data)
            assert any(f"+ {bias} " in line or f"+ ({bias}) " in line for line in lines)
            for name, p in zip(names, model.parameters()):
                shown = [line.strip() for line in lines if line.strip().startswith(f"∂E/∂{name} =")]
                assert len(shown) == 1, name
                assert shown[0].removesuffix(" (6)").endswith(num(p.grad)), (name, shown[0])


def test_interpreted_and_compiled_recordings_are_equal() -> None:
    a, b = nn.Recorder(), nn.Recorder()
    train(xor_net(), 120, a)
    train(xor_net(), 120, b, compile=True)
    assert a.data() == b.data()


def test_keyframes_every_sweep_early_then_evenly_spaced_and_always_the_last() -> None:
    rec = nn.Recorder(frames=20, early=5)
    train(xor_net(), 997, rec)
    kept = [f.sweep for f in rec.frames]
    assert kept[:5] == [1, 2, 3, 4, 5] and kept[-1] == 997
    assert 10 <= len(kept) <= 21  # between half and all of them, and the last
    gaps = {b - a for a, b in itertools.pairwise(kept[5:-1])}
    assert len(gaps) == 1  # evenly spaced after the early ones
    assert len(rec.errors) == 997


def test_a_long_run_of_a_family_trees_sized_net_stays_under_the_bound(tmp_path: Path) -> None:
    # The family trees net's size: 36 inputs (24 people + 12 relationships) → 12 → 12 → 6
    # → 24, 100 cases; 1,500 sweeps, the weights moved at random (training is not what is
    # measured: what the recorder keeps is).
    rng = random.Random(0)
    model = MLP(36, [12, 12, 6, 24], seed=0)
    inputs = [[float(i == c % 24 or i == 24 + c % 12) for i in range(36)] for c in range(100)]
    targets = [[float(j == (c * 7) % 24) for j in range(24)] for c in range(100)]
    rec = nn.Recorder().start(model, inputs, targets)
    params = model.parameters()
    for sweep in range(1, 1501):
        for p in params:
            p.grad = rng.uniform(-0.01, 0.01)
        rec.sweep(10.0 / sweep)
        for p in params:
            p.data += rng.uniform(-0.01, 0.01)
    rec.finish()
    kept = [f.sweep for f in rec.frames]
    assert len(kept) <= 61 and kept[-1] == 1500
    assert rec.shows_outputs  # 54 units × 100 cases: kept
    page = tmp_path / "long.html"
    rec.write(page)
    assert page.stat().st_size < SIZE_BOUND


def test_dead_relus_are_counted() -> None:
    model = MLP(2, [3, 1], activation="relu", output_activation="linear", seed=0)
    model.layers[0].neurons[1].b.data = -100.0  # 0 for every case: dead
    rec = nn.Recorder()
    nn.fit(model, XOR_INPUTS, XOR_TARGETS, epochs=3, record=rec, progress=False,
           optimizer=SGD(model.parameters(), lr=0.01))  # fmt: skip
    frame = rec.frames[0]
    assert frame.outputs is not None
    expected = sum(all(y == 0.0 for y in frame.outputs[u]) for u in range(3)) / 3
    assert frame.dead == expected and expected >= 1 / 3
    assert frame.saturated is None  # no sigmoid or tanh unit


def test_a_custom_loop_records_as_fit_does() -> None:
    by_fit = nn.Recorder()
    train(xor_net(), 40, by_fit)
    model = xor_net()
    opt = SGD(model.parameters(), lr=0.5, momentum=0.9)
    run = nn.train.accumulator(model, XOR_INPUTS, XOR_TARGETS, losses.sum_squared_error)
    rec = nn.Recorder().start(model, XOR_INPUTS, XOR_TARGETS)
    for _ in range(40):
        opt.zero_grad()
        rec.sweep(run(range(4)))
        opt.step()
    rec.finish()
    assert rec.data() == by_fit.data()


def test_show_training_gives_an_object_a_notebook_shows(
    recorded: tuple[nn.Recorder, list[float]],
) -> None:
    shown = nn.show_training(recorded[0])
    first, second = shown._repr_html_(), shown._repr_html_()
    assert first != second  # each display has ids of its own
    assert 'class="ag-timeline"' in first and "agTimeline(" in first
    assert repr(shown).startswith(f"<Timeline of {SWEEPS} sweeps")


def one_line(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(excinfo.value)
    assert "\n" not in text and text
    return text


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.Recorder(frames=3), ValueError, "frames must be an integer >= 4, got 3"),
        (lambda: nn.Recorder(early=60), ValueError, "early must be an integer from 0 to"),
        (lambda: nn.Recorder(cases="12"), TypeError, "cases must be a list of case numbers"),
        (lambda: nn.Recorder(title=3), TypeError, "title must be a string, got 3"),
        (lambda: nn.Recorder().sweep(1.0), RuntimeError, "call start(model, inputs, targets)"),
        (lambda: nn.Recorder().finish(), RuntimeError, "nothing was recorded"),
        (lambda: nn.show_training("rec"), TypeError, "expected an nn.Recorder, got 'rec'"),
        (lambda: nn.show_training(nn.Recorder()), ValueError, "no sweep recorded yet"),
        (
            lambda: nn.fit(xor_net(), XOR_INPUTS, XOR_TARGETS, record="rec", progress=False),
            TypeError,
            "fit: record must be an nn.Recorder, got 'rec'",
        ),
        (
            lambda: nn.fit(
                xor_net(),
                XOR_INPUTS,
                XOR_TARGETS,
                batch_size=2,
                record=nn.Recorder(),
                progress=False,
            ),
            ValueError,
            "fit: record needs batch_size=None",
        ),
        (
            lambda: nn.Recorder().start(xor_net(), XOR_INPUTS, XOR_TARGETS[:2]),
            ValueError,
            "4 inputs and 2 targets",
        ),
        (
            lambda: train(xor_net(), 2, nn.Recorder(cases=[9])),
            ValueError,
            "Recorder: case 9 is not one of the 4 cases (0 to 3)",
        ),
    ],
)
def test_bad_arguments_are_one_line_errors(make: Any, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as excinfo:
        make()
    assert words in one_line(excinfo)


def test_a_graph_that_is_no_net_and_a_second_model_are_refused() -> None:
    w = Value(0.5)

    class NoUnits:
        def parameters(self) -> list[Value]:
            return [w]

        def __call__(self, x: list[Any]) -> Value:
            return (w * x[0]).sigmoid()

    with pytest.raises(ValueError) as excinfo:
        nn.Recorder().start(NoUnits(), XOR_INPUTS, XOR_TARGETS)
    assert "Recorder.start: the graph has no unit" in one_line(excinfo)
    rec = nn.Recorder().start(xor_net(), XOR_INPUTS, XOR_TARGETS)
    with pytest.raises(ValueError) as excinfo:
        rec.start(xor_net(), XOR_INPUTS, XOR_TARGETS)
    assert "records another model already" in one_line(excinfo)
    with pytest.raises(TypeError) as excinfo:
        rec.sweep("0.5")  # type: ignore[arg-type]
    assert "error must be a number, got '0.5'" in one_line(excinfo)


def test_a_sweep_that_is_no_keyframe_is_a_key_error_naming_the_kept_ones(
    recorded: tuple[nn.Recorder, list[float]],
) -> None:
    rec, _ = recorded
    missing = next(k for k in range(1, SWEEPS) if k not in {f.sweep for f in rec.frames})
    with pytest.raises(KeyError) as excinfo:
        rec.frame(missing)
    assert f"sweep {missing} is not a keyframe; kept: 1, 2, 3, 4, …" in one_line(excinfo)


def number(x: Any) -> float:
    """A case's input as a number: the recorder traces the net on Values standing for them."""
    return x.data if isinstance(x, Value) else float(x)


class Signed(nn.Module):
    """A 2-2-1 net whose hidden units also read a constant that the case chooses: +1 for
    the case 11 alone. Compiled code, traced once, would bake in one of them; checked on
    the first two cases, both -1, it would pass."""

    def __init__(self) -> None:
        self.hidden = nn.Layer(3, 2, seed=0)
        self.out = nn.Neuron(2, seed=1)

    @staticmethod
    def sign(x: list[Any]) -> float:
        return 1.0 if number(x[0]) + number(x[1]) > 1.5 else -1.0

    def __call__(self, x: list[Any]) -> Value:
        return self.out(self.hidden([x[0], x[1], self.sign(x)]))


def test_a_net_whose_constants_depend_on_the_case_is_read_by_the_interpreter() -> None:
    model = Signed()
    rec = nn.Recorder()
    nn.fit(model, XOR_INPUTS, XOR_TARGETS, epochs=5, record=rec, progress=False)
    frame = rec.frame(5)
    for p, w in zip(model.parameters(), frame.weights):
        p.data = w
    with no_grad():
        hidden = [model.hidden([x[0], x[1], model.sign(x)]) for x in XOR_INPUTS]
        out = [model(x).data for x in XOR_INPUTS]
    assert frame.outputs == [[h[0].data for h in hidden], [h[1].data for h in hidden], out]


def test_a_net_whose_shape_depends_on_the_case_is_refused_in_one_line() -> None:
    unit = nn.Neuron(2, seed=0)

    def skipping(x: list[Any]) -> Value:  # the zero inputs left out of the sum
        kept = [(w, v) for w, v in zip(unit.w, x) if number(v) != 0.0]
        return linear([w for w, _ in kept], [v for _, v in kept], unit.b).sigmoid()

    inputs = [[1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError) as excinfo:
        nn.Recorder().start(skipping, inputs, [0.0, 1.0, 1.0], params=unit.parameters())
    assert "Recorder: case 2's graph has" in one_line(excinfo)
    assert "the net's shape depends on the data" in str(excinfo.value)


def test_outputs_beyond_the_bound_are_not_kept_but_still_counted() -> None:
    # 71 units × 100 cases = 7,100 numbers a keyframe: more than the 6,000 kept.
    rng = random.Random(0)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(100)]
    ys = [float(a * b > 0) for a, b in xs]
    model = MLP(2, [70, 1], seed=0)
    rec = nn.Recorder()
    nn.fit(model, xs, ys, epochs=2, progress=False, record=rec, compile=True)
    assert not rec.shows_outputs
    frame = rec.frame(2)
    assert frame.outputs is None and frame.totals is None
    # The health figures are still computed from them.
    for p, w in zip(model.parameters(), frame.weights):
        p.data = w
    with no_grad():
        hidden = [model.layers[0](x) for x in xs]
        out = [model(x).data for x in xs]
    ys_all = [y.data for h in hidden for y in h] + out  # type: ignore[attr-defined]
    assert frame.saturated == sum(y * (1 - y) < 0.025 for y in ys_all) / len(ys_all)
