"""nn.torch_bridge: networks carried over to PyTorch and back, trained the same way in both,
their gradients compared (issue 24, items 1, 2, 4 and 6).

PyTorch is not a dependency: the tests that need it are skipped without it, saying how to
get it (``make test-torch``); those of what happens without it run everywhere.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import nn
from autograd import Op, Value, apply, linear
from autograd.core.ops import OPS
from nn import MLP, Layer, Module, Neuron, losses
from nn.train import accumulate
from tests.strategies import ARITH_ERRORS, expressions, points, uses_variable
from tests.strategies import evaluate as build_expression

HAVE_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(
    not HAVE_TORCH, reason="PyTorch is not installed: make test-torch installs it"
)
if HAVE_TORCH:
    import torch

XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]
LOSSES = [
    losses.sum_squared_error,
    losses.mse,
    losses.binary_cross_entropy,
    losses.binary_cross_entropy_with_logits,
    losses.hinge,
    losses.margin_squared_error,
]


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _one_line(e: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(e.value)
    assert "\n" not in text and e.value.__cause__ is None, text
    return text


# ==== without PyTorch: import nothing heavy, and say in one line what to install ====


def test_import_nn_and_the_bridge_never_imports_torch() -> None:
    code = "import sys, nn, nn.torch_bridge; nn.to_torch; nn.compare; print('torch' in sys.modules)"
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "False"


def test_every_lazy_name_resolves_and_is_listed() -> None:
    assert nn._LAZY == set(importlib.import_module("nn.torch_bridge").__all__)
    for name in nn._LAZY:
        assert name in nn.__all__ and name in dir(nn)
        assert getattr(nn, name) is getattr(nn.torch_bridge, name)
    with pytest.raises(AttributeError, match="no_such_name"):
        nn.no_such_name  # noqa: B018


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.to_torch(MLP(2, [2, 1], seed=0)),
        lambda: nn.from_torch(object()),  # type: ignore[arg-type]
        lambda: nn.torch_loss(losses.mse),
        lambda: nn.torch_optimizer(
            nn.SGD((m := MLP(2, [1], seed=0)).parameters(), lr=0.1),
            m,
            object(),  # type: ignore[arg-type]
        ),
        lambda: nn.compare(MLP(2, [1], seed=0), XOR_INPUTS, XOR_TARGETS),
        lambda: nn.compare(Value(1.0) * Value(2.0)),
    ],
    ids=["to_torch", "from_torch", "torch_loss", "torch_optimizer", "compare model", "graph"],
)
def test_without_torch_each_function_says_what_to_install(
    call: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError) as e:
        call()
    text = _one_line(e)
    assert "needs PyTorch" in text and "pip install torch" in text
    assert "autograd-1986[torch]" in text


def test_the_name_mapping_needs_no_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    names = nn.torch_names(MLP(3, [4, 2, 1], seed=0))
    assert names["layers.0.neurons.3.w.1"] == ("0.weight", (3, 1))
    assert names["layers.1.neurons.1.b"] == ("2.bias", (1,))
    assert names["layers.2.neurons.0.w.1"] == ("4.weight", (0, 1))
    assert list(names) == [n for n, _ in MLP(3, [4, 2, 1], seed=0).named_parameters()]
    assert nn.torch_names(Layer(2, 3, seed=0))["neurons.2.w.0"] == ("0.weight", (2, 0))
    assert nn.torch_names(Neuron(2, seed=0)) == {
        "w.0": ("0.weight", (0, 0)),
        "w.1": ("0.weight", (0, 1)),
        "b": ("0.bias", (0,)),
    }


class Shortcut(Module):
    def __init__(self) -> None:
        self.hidden = Layer(2, 1, seed=0)
        self.out = Layer(3, 1, seed=1)

    def __call__(self, x: list[float]) -> Value:
        return self.out([*x, *self.hidden(x)])[0]


def test_a_model_of_your_own_and_a_loss_of_your_own_are_refused_in_one_line() -> None:
    for call in (nn.to_torch, nn.torch_names):
        with pytest.raises(TypeError) as e:
            call(Shortcut())  # type: ignore[arg-type]
        assert "got a Shortcut" in _one_line(e) and "compare(loss_value)" in str(e.value)
    own = losses.Loss("own", "sum", lambda ys, ds: ys[0] * ds[0])
    with pytest.raises(ValueError) as e2:
        nn.torch_loss(own)
    assert "no PyTorch code for nn.losses.own" in _one_line(e2)
    assert "margin_squared_error" in str(e2.value)


# ==== the same network: outputs and gradients ====


@st.composite
def networks(draw: st.DrawFn) -> tuple[MLP, losses.Loss, list[list[float]], list[list[float]]]:
    """A random MLP (shape, activations, weights), a loss it suits, cases and targets."""
    nin = draw(st.integers(1, 4))
    nouts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    loss = draw(st.sampled_from(LOSSES))
    out = "sigmoid" if loss is losses.binary_cross_entropy else None
    out = out or draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    seed = draw(st.integers(0, 2**32))
    model = MLP(nin, nouts, activation, out, init=nn.init.uniform(1.0), seed=seed)
    n = draw(st.integers(1, 5))
    number = st.floats(-3.0, 3.0, allow_nan=False)
    xs = draw(st.lists(st.lists(number, min_size=nin, max_size=nin), min_size=n, max_size=n))
    if loss is losses.hinge:
        target: st.SearchStrategy[float] = st.sampled_from([-1.0, 1.0])
    elif loss in (losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits):
        target = st.floats(0.0, 1.0)
    else:
        target = number
    k = nouts[-1]
    ds = draw(st.lists(st.lists(target, min_size=k, max_size=k), min_size=n, max_size=n))
    return model, loss, xs, ds


def _away_from_kinks(module: Any, loss: losses.Loss, x: Any, d: Any) -> bool:
    """No relu, hinge or margin at (or within rounding of) its kink, where the slope jumps
    and the two libraries' last-bit differences could take different sides."""
    kinks = []
    h = x
    for part in module:
        h = part(h)
        if isinstance(part, torch.nn.Linear):
            kinks.append(h)
    y = h
    if loss is losses.hinge:
        kinks.append(1.0 - d * y)
    if loss is losses.margin_squared_error:
        kinks += [y - d - losses.MARGIN, y - d + losses.MARGIN]
    return all(float(t.abs().min()) > 1e-9 for t in kinks)


@needs_torch
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=networks())
def test_outputs_and_gradients_equal_pytorchs_in_float64(case: Any) -> None:
    model, loss, xs, ds = case
    module = nn.to_torch(model)
    x = torch.tensor(xs, dtype=torch.float64)
    d = torch.tensor(ds, dtype=torch.float64)
    with torch.no_grad():
        assume(_away_from_kinks(module, loss, x, d))
    y = module(x)
    values = y.detach()
    for c, row in enumerate(xs):
        out = model(row)
        ours = [out.data] if isinstance(out, Value) else [v.data for v in out]
        for j, value in enumerate(ours):
            assert _close(value, float(values[c, j]), 1e-12), (c, j, value, values[c, j])
    # The loss over the cases, case by case here (as fit does), as one batch there.
    total = accumulate(model, xs, ds, loss, range(len(xs)))
    theirs = nn.torch_loss(loss)(y, d)
    mean = total / (len(xs) if loss.reduction == "mean" else 1)
    assert _close(mean, theirs.item(), 1e-12)
    theirs.backward()
    tensors = dict(module.named_parameters())
    for name, p in model.named_parameters():
        key, index = nn.torch_names(model)[name]
        g = tensors[key].grad
        assert g is not None
        assert _close(p.grad, float(g[index]), 1e-12), (name, p.grad, float(g[index]))


@needs_torch
@pytest.mark.parametrize("kind", [Layer, Neuron])
def test_a_layer_or_a_neuron_is_one_linear(kind: type) -> None:
    model = Layer(3, 2, "tanh", seed=1) if kind is Layer else Neuron(3, "relu", seed=1)
    module = nn.to_torch(model)
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh" if kind is Layer else "ReLU"]
    xs = [0.5, -1.25, 2.0]
    out = model(xs)
    ours = [out.data] if isinstance(out, Value) else [v.data for v in out]
    theirs = module(torch.tensor([xs], dtype=torch.float64))[0].tolist()
    assert all(_close(a, b, 1e-15) for a, b in zip(ours, theirs))
    prefix = "layers.0." if kind is Layer else "layers.0.neurons.0."
    expected = {prefix + name: x for name, x in model.state_dict().items()}
    assert nn.from_torch(module).state_dict() == expected


@needs_torch
def test_to_torch_copies_the_weights_and_leaves_torchs_random_generator_alone() -> None:
    model = MLP(2, [3, 1], "relu", "linear", seed=4)
    state = torch.get_rng_state()
    module = nn.to_torch(model)
    assert torch.equal(state, torch.get_rng_state())
    assert [type(m).__name__ for m in module] == ["Linear", "ReLU", "Linear", "Identity"]
    assert module[0].weight.dtype == torch.float64 and module[0].weight.requires_grad
    with torch.no_grad():
        module[0].weight.zero_()
    assert model.layers[0].neurons[0].w[0].data != 0.0  # a copy: the model is unchanged
    small = nn.to_torch(model, dtype=torch.float32)
    assert small[0].weight.dtype == torch.float32
    with pytest.raises(TypeError, match="floating-point"):
        nn.to_torch(model, dtype=torch.int64)


# ==== and back: names and state dicts ====


@needs_torch
def test_carried_over_and_back_the_model_is_the_same_to_the_last_bit() -> None:
    model = MLP(3, [4, 4, 2], "tanh", "sigmoid", seed=7)
    back = nn.from_torch(nn.to_torch(model))
    assert back.config() == model.config()
    assert back.state_dict() == model.state_dict()  # every float, exactly


@needs_torch
def test_a_state_dict_round_trips_by_the_documented_names() -> None:
    model = MLP(2, [3, 2], seed=1)
    module = nn.to_torch(MLP(2, [3, 2], seed=2))  # the same shape, other weights
    names = nn.torch_names(model)
    # This library's state dict into PyTorch's ...
    state = {key: t.clone() for key, t in module.state_dict().items()}
    for name, x in model.state_dict().items():
        key, index = names[name]
        state[key][index] = x
    module.load_state_dict(state)
    assert nn.from_torch(module).state_dict() == model.state_dict()
    # ... and PyTorch's back, as the docstring writes it.
    other = MLP(2, [3, 2], seed=3)
    theirs = module.state_dict()
    other.load_state_dict({n: theirs[key][index].item() for n, (key, index) in names.items()})
    assert other.state_dict() == model.state_dict()
    assert set(theirs) == {"0.weight", "0.bias", "2.weight", "2.bias"}


@needs_torch
def test_a_pytorch_network_comes_over_and_goes_back_unchanged() -> None:
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2)
    )  # float32, no activation at the end
    model = nn.from_torch(module)
    assert model.config() == {
        "nin": 3,
        "nouts": [5, 2],
        "activation": "relu",
        "output_activation": "linear",
    }
    again = nn.to_torch(model, dtype=torch.float32)
    for key, t in module.state_dict().items():
        assert torch.equal(again.state_dict()[key], t), key
    x = torch.randn(8, 3)
    assert torch.equal(again(x), module(x))
    first = module[0].weight[4, 2].item()
    assert model.layers[0].neurons[4].w[2].data == first  # float32 → float, exactly
    # A Sequential with other keys, and a bare Linear.
    named = torch.nn.Sequential(
        OrderedDict(
            {"fc1": torch.nn.Linear(2, 2), "act": torch.nn.Tanh(), "fc2": torch.nn.Linear(2, 1)}
        )
    )
    assert nn.from_torch(named).config()["activation"] == "tanh"
    assert nn.from_torch(torch.nn.Linear(4, 3)).config() == {
        "nin": 4,
        "nouts": [3],
        "activation": "linear",
        "output_activation": "linear",
    }


REFUSALS: dict[str, tuple[Callable[[Any], Any], str]] = {
    # what: (the module, made from torch.nn; words of the one-line refusal)
    "dropout": (
        lambda t: t.Sequential(t.Linear(2, 2), t.Dropout(0.5), t.Linear(2, 1)),
        "layer 1, Dropout(p=0.5, inplace=False), has no counterpart here",
    ),
    "convolution": (lambda t: t.Sequential(t.Conv1d(1, 1, 3)), "layer 0, Conv1d(1, 1, kernel"),
    "no bias": (
        lambda t: t.Sequential(t.Linear(2, 2, bias=False)),
        "layer 0, Linear(in_features=2, out_features=2, bias=False), has no bias",
    ),
    "activation first": (
        lambda t: t.Sequential(t.Sigmoid(), t.Linear(2, 1)),
        "layer 0, Sigmoid(), comes before any Linear",
    ),
    "two activations": (
        lambda t: t.Sequential(t.Linear(2, 2), t.Sigmoid(), t.Tanh()),
        "layer 2, Tanh(), follows another activation",
    ),
    "sizes": (
        lambda t: t.Sequential(t.Linear(2, 3), t.Linear(2, 1)),
        "takes 2 inputs but the Linear before it gives 3",
    ),
    "two hidden activations": (
        lambda t: t.Sequential(t.Linear(2, 2), t.Tanh(), t.Linear(2, 2), t.ReLU(), t.Linear(2, 1)),
        "layer 2, Linear(in_features=2, out_features=2, bias=True), is followed by relu",
    ),
    "nested": (lambda t: t.Sequential(t.Sequential(t.Linear(2, 1))), "layer 0, Sequential()"),
    "leaky relu": (
        lambda t: t.Sequential(t.Linear(2, 2), t.LeakyReLU()),
        "layer 1, LeakyReLU(negative_slope=0.01), has no counterpart",
    ),
    "empty": (lambda t: t.Sequential(), "the module has no Linear layer"),
    "not a Sequential": (
        lambda t: t.Tanh(),
        "expected a torch.nn.Sequential or a Linear, got Tanh()",
    ),
}


@needs_torch
@pytest.mark.parametrize("what", REFUSALS)
def test_from_torch_refuses_in_one_line_naming_the_layer(what: str) -> None:
    make, words = REFUSALS[what]
    with pytest.raises(ValueError) as e:
        nn.from_torch(make(torch.nn))
    text = _one_line(e)
    assert text.startswith("from_torch: ") and words in text, text


# ==== training the same way ====


def _train_in_torch(module: Any, opt: Any, sweeps: int) -> None:
    """XOR full batch, the paper's E = ½ Σ (y − d)², in plain PyTorch."""
    x = torch.tensor(XOR_INPUTS, dtype=torch.float64)
    d = torch.tensor(XOR_TARGETS, dtype=torch.float64).reshape(-1, 1)
    for _ in range(sweeps):
        opt.zero_grad()
        error = 0.5 * ((module(x) - d) ** 2).sum()
        error.backward()
        opt.step()


def _largest_difference(model: MLP, module: Any) -> float:
    ours, theirs = model.state_dict(), nn.from_torch(module).state_dict()
    return max(abs(ours[k] - theirs[k]) for k in ours)


OPTIMIZERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    # name: (this library's, PyTorch's), with the same hyperparameters
    "SGD": (
        lambda p: nn.SGD(p, lr=0.5, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9),
    ),
    "Adam": (lambda p: nn.Adam(p, lr=0.1), lambda p: torch.optim.Adam(p, lr=0.1)),
}


@needs_torch
@pytest.mark.parametrize("name", ["SGD", "Adam"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_xor_trained_200_sweeps_in_both_ends_with_the_same_weights(name: str, seed: int) -> None:
    ours, theirs = OPTIMIZERS[name]
    model = MLP(2, [2, 1], seed=seed)  # network B: 2-2-1, sigmoid, the paper's ±0.3
    module = nn.to_torch(model)
    nn.fit(
        model, XOR_INPUTS, XOR_TARGETS, losses.sum_squared_error, ours(model.parameters()),
        epochs=200, progress=False,
    )  # fmt: skip
    _train_in_torch(module, theirs(module.parameters()), 200)
    assert _largest_difference(model, module) < 1e-9
    assert _largest_difference(model, nn.to_torch(MLP(2, [2, 1], seed=seed))) > 1e-3  # it moved


@needs_torch
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_torch_optimizer_carries_the_state_so_training_can_change_sides(name: str) -> None:
    make = {
        "SGD": lambda p: nn.SGD(p, lr=0.5, momentum=0.9, weight_decay=1e-3),
        "Adam": lambda p: nn.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-3),
    }[name]
    here = MLP(2, [2, 1], seed=5)
    opt_here = make(here.parameters())
    nn.fit(here, XOR_INPUTS, XOR_TARGETS, optimizer=opt_here, epochs=200, progress=False)
    # The same start, 100 sweeps here, then 100 in PyTorch with the optimizer carried over.
    both = MLP(2, [2, 1], seed=5)
    opt = make(both.parameters())
    nn.fit(both, XOR_INPUTS, XOR_TARGETS, optimizer=opt, epochs=100, progress=False)
    module = nn.to_torch(both)
    carried = nn.torch_optimizer(opt, both, module)
    assert type(carried).__name__ == name
    _train_in_torch(module, carried, 100)
    assert _largest_difference(here, module) < 1e-9
    # Without the state (a fresh PyTorch optimizer) the path is another one.
    fresh = nn.to_torch(both)
    _train_in_torch(fresh, type(carried)(fresh.parameters(), **carried.defaults), 100)
    assert _largest_difference(here, fresh) > 1e-6


@needs_torch
def test_torch_optimizer_states_the_correspondence_and_refuses_what_it_cannot() -> None:
    model = MLP(2, [2, 1], seed=0)
    module = nn.to_torch(model)
    sgd = nn.torch_optimizer(nn.SGD(model.parameters(), lr=0.25, momentum=0.9), model, module)
    expected = {"lr": 0.25, "momentum": 0.9, "dampening": 0.0, "nesterov": False}
    assert expected.items() <= sgd.defaults.items() and sgd.state == {}
    with pytest.raises(ValueError) as e:
        nn.torch_optimizer(nn.SGD(model.parameters()[:3], lr=0.1), model, module)
    assert "every parameter of the model and no other" in _one_line(e)
    with pytest.raises(ValueError) as e:
        nn.torch_optimizer(nn.SGD(model.parameters(), lr=0.1), model, torch.nn.Linear(2, 2))
    assert "the module has no 0.weight" in _one_line(e)

    class Other(nn.optim.Optimizer):
        pass

    with pytest.raises(TypeError, match=r"expected an nn\.SGD or nn\.Adam, got Other"):
        nn.torch_optimizer(Other(model.parameters(), "Other"), model, module)


# ==== compare ====


@needs_torch
def test_compare_a_model_prints_one_line_per_weight_matrix_and_bias_vector(
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = MLP(2, [2, 1], seed=0)
    rows = nn.compare(model, XOR_INPUTS, XOR_TARGETS, backward=True)
    lines = capsys.readouterr().out.splitlines()
    assert [r.name for r in rows] == [
        "layers.0.neurons.j.w.i (0.weight[j, i])",
        "layers.0.neurons.j.b (0.bias[j])",
        "layers.1.neurons.j.w.i (2.weight[j, i])",
        "layers.1.neurons.j.b (2.bias[j])",
    ]
    assert len(lines) == 4 and all(r.approximate and r.max_difference < 1e-15 for r in rows)
    assert lines[0].startswith("layers.0.neurons.j.w.i (0.weight[j, i]) | exact: ")
    assert "| approximate: True  | maxdiff: " in lines[0]
    assert lines[1].startswith("layers.0.neurons.j.b (0.bias[j])        | exact: ")


@needs_torch
def test_compare_finds_a_wrong_gradient_and_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    model = MLP(2, [2, 1], seed=0)
    nn.compare(model, XOR_INPUTS, XOR_TARGETS, echo=False)  # nothing computed yet: all 0
    assert capsys.readouterr().out == ""
    nn.compare(model, XOR_INPUTS, XOR_TARGETS)
    assert "every .grad is 0: run the backward pass first" in capsys.readouterr().out
    nn.compare(model, XOR_INPUTS, XOR_TARGETS, backward=True, echo=False)
    model.layers[0].neurons[1].w[0].grad *= 2.0  # a hand-written pass that got one wrong
    rows = nn.compare(model, XOR_INPUTS, XOR_TARGETS)
    out = capsys.readouterr().out
    assert not rows[0].approximate and rows[0].worst == "layers.0.neurons.1.w.0"
    assert "(at layers.0.neurons.1.w.0)" in out.splitlines()[0]
    assert all(r.approximate for r in rows[1:]) and "every .grad" not in out


@needs_torch
@pytest.mark.parametrize("loss", LOSSES, ids=[loss.name for loss in LOSSES])
def test_compare_a_model_for_every_loss(loss: losses.Loss) -> None:
    model = MLP(2, [3, 1], "tanh", "sigmoid", seed=3)
    targets = [-1.0, 1.0, 1.0, -1.0] if loss is losses.hinge else XOR_TARGETS
    rows = nn.compare(model, XOR_INPUTS, targets, loss, backward=True, echo=False)
    assert all(r.approximate and r.max_difference < 1e-14 for r in rows), rows


@needs_torch
def test_compare_a_graph_by_hand_as_in_backprop_ninja(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    n = (a * b).tanh()
    n.label = "n"
    out = n * n + a
    # The backward pass by hand, with one slip: ∂out/∂a forgets the direct path.
    out.grad = 1.0
    n.grad = 2 * n.data
    a.grad = n.grad * (1 - n.data**2) * b.data  # + 1.0 forgotten
    b.grad = n.grad * (1 - n.data**2) * a.data
    rows = nn.compare(out)
    lines = capsys.readouterr().out.splitlines()
    assert [r.name for r in rows] == ["f", "n", "b", "a"]  # from the output back, as backward goes
    assert rows[0].exact and all(r.approximate and r.max_difference < 1e-15 for r in rows[:3])
    assert not rows[3].approximate and rows[3].max_difference == pytest.approx(1.0)
    assert lines[3].startswith("a | exact: False | approximate: False | maxdiff: 1")
    rows = nn.compare(out, backward=True, echo=False)  # this library's own pass
    assert all(r.approximate and r.max_difference < 1e-15 for r in rows)


@needs_torch
def test_compare_a_graph_of_your_own_model_by_its_parameter_names() -> None:
    model = Shortcut()
    loss = losses.sum_squared_error.batch([model(x) for x in XOR_INPUTS], XOR_TARGETS)
    loss.backward()
    rows = nn.compare(loss, nodes=model, echo=False)
    assert [r.name for r in rows] == [name for name, _ in model.named_parameters()]
    assert all(r.approximate and r.max_difference < 1e-15 for r in rows)
    unused = Value(1.0, label="unused")
    (row,) = nn.compare(loss, nodes=[unused], echo=False)  # ∂loss/∂unused = 0 in both
    assert row.exact and row.name == "unused"


@needs_torch
@settings(max_examples=200, deadline=None)
@given(expr=expressions(max_leaves=6), point=points)
def test_compare_replays_graphs_of_every_op(expr: Any, point: list[float]) -> None:
    assume(uses_variable(expr))
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
    try:
        out = build_expression(expr, xs)
        assert isinstance(out, Value)
        # The ops the expressions lack: |·|, 1/·, the margin, a Σ node.
        out = linear([xs[0], xs[1]], [abs(out), xs[2]], apply(OPS["recip"], xs[1] + 3.0))
        out = apply(OPS["margin_sq"], out, xs[2], 0.2) + out
        out.backward()
    except ARITH_ERRORS:
        assume(False)
    assume(all(math.isfinite(x.grad) for x in xs) and abs(out.data) < 1e6)
    for row in nn.compare(out, nodes=xs, echo=False):
        assert row.approximate, row
        assert row.max_difference <= 1e-9 * max(1.0, abs(float(_grad_of(xs, row.name))))


def _grad_of(xs: list[Value], name: str) -> float:
    return next(x.grad for x in xs if x.label == name)


def test_compare_refuses_in_one_line() -> None:
    with pytest.raises(ValueError) as e:
        nn.compare(MLP(2, [1], seed=0))
    assert "a model needs the inputs and targets" in _one_line(e)
    with pytest.raises(ValueError) as e:
        nn.compare(Value(1.0) * 2.0, XOR_INPUTS, XOR_TARGETS)
    assert "a graph is compared as it is" in _one_line(e)
    with pytest.raises(TypeError) as e2:
        nn.compare(Shortcut(), XOR_INPUTS, XOR_TARGETS)  # type: ignore[arg-type]
    assert "compare(loss_value)" in _one_line(e2)


@needs_torch
def test_compare_refuses_cases_that_do_not_fit_the_model_in_one_line() -> None:
    model = MLP(2, [2, 2], seed=0)
    with pytest.raises(ValueError) as e:
        nn.compare(model, XOR_INPUTS, XOR_TARGETS)  # one target per case, two outputs
    assert "case 0 has 2 inputs and 1 targets; the model takes 2 and gives 2" in _one_line(e)
    with pytest.raises(ValueError) as e:
        nn.compare(model, [[1.0, 2.0, 3.0]], [[0.0, 1.0]])
    assert "case 0 has 3 inputs" in _one_line(e)


@needs_torch
def test_compare_refuses_an_op_of_your_own_in_one_line() -> None:
    square = Op("square", lambda a: a * a, (lambda a, out: 2 * a,), ("∂(a²)/∂a = 2a",))
    x = Value(3.0, label="x")
    with pytest.raises(ValueError) as e:
        nn.compare(apply(square, x) + 1.0)
    assert "node #1 is made by the op 'square', which has no PyTorch code" in _one_line(e)
