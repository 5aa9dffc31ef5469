"""nn.layers: Neuron, Layer and MLP: their structure and names, outputs, errors and gradients."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, no_grad, topological_order
from nn import MLP, Layer, Neuron, losses
from tests.helpers import sigmoid

# -- structure and names --


def test_parameter_names_are_dotted_paths_and_labels() -> None:
    model = MLP(2, [3, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == 3 * 3 + 4
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(set(names)) == len(names)
    assert [p.label for p in model.parameters()] == names
    assert model.layers[1].neurons[0].w[2].label == "layers.1.neurons.0.w.2"


def test_a_free_standing_layer_names_its_own_parameters() -> None:
    layer = Layer(2, 2, seed=0)
    assert [p.label for p in layer.parameters()] == [
        "neurons.0.w.0",
        "neurons.0.w.1",
        "neurons.0.b",
        "neurons.1.w.0",
        "neurons.1.w.1",
        "neurons.1.b",
    ]
    layer.label_parameters("hidden")
    assert layer.parameters()[0].label == "hidden.neurons.0.w.0"


def test_weighted_sum_is_one_node_with_weights_inputs_and_bias_as_parents() -> None:
    neuron = Neuron(3, "tanh", seed=0)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    y = neuron(x)
    assert y.op == "tanh"
    (total,) = y.parents
    assert total.op == "Σ"
    assert list(total.parents) == [*neuron.w, *x, neuron.b]
    assert total.data == pytest.approx(
        sum(w.data * v.data for w, v in zip(neuron.w, x)) + neuron.b.data, rel=1e-12
    )
    assert len(topological_order(y)) == 3 + 3 + 1 + 2


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("sigmoid", sigmoid),
        ("tanh", math.tanh),
        ("relu", lambda x: max(0.0, x)),
        ("linear", lambda x: x),
    ],
)
def test_neuron_output_is_activation_of_weighted_sum(activation: str, f: object) -> None:
    neuron = Neuron(2, activation, init=nn.init.uniform(1.0), seed=3)
    x = [0.7, -0.4]
    total = neuron.w[0].data * 0.7 + neuron.w[1].data * -0.4 + neuron.b.data
    assert neuron(x).data == pytest.approx(f(total), rel=1e-12)  # type: ignore[operator]
    assert neuron(x).op == ("Σ" if activation == "linear" else activation)


def test_mlp_returns_a_value_for_one_output_and_a_list_otherwise() -> None:
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    # Internal one-unit layers still pass lists (micrograd fails on this shape).
    y = MLP(2, [16, 1, 1], seed=0)([Value(1.0), 2])
    assert isinstance(y, Value)
    assert isinstance(MLP(1, [1], seed=0)(0.5), Value)  # a lone input needs no list


def test_output_activation_defaults_to_hidden_and_can_differ() -> None:
    model = MLP(2, [4, 1], activation="relu", output_activation="linear", seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "linear"]
    assert model([1.0, 1.0]).op == "Σ"  # type: ignore[union-attr]
    assert [layer.activation for layer in MLP(2, [4, 1], "tanh").layers] == ["tanh", "tanh"]


def test_seeded_models_are_identical_and_seeds_differ() -> None:
    a, b, c = MLP(3, [4, 2], seed=7), MLP(3, [4, 2], seed=7), MLP(3, [4, 2], seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()


def test_models_do_not_touch_the_global_random_generator() -> None:
    random.seed(123)
    expected = random.random()
    random.seed(123)
    MLP(2, [8, 1], seed=0)
    MLP(2, [8, 1])
    assert random.random() == expected


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MLP(2, [3, 1], activation="softmax"), "unknown activation 'softmax'"),
        (lambda: MLP(2, [3, 1], output_activation="Relu"), "unknown activation 'Relu'"),
        (lambda: MLP(0, [1]), "nin must be an integer >= 1, got 0"),
        (lambda: MLP(2, []), "nouts must be a non-empty list"),
        (lambda: MLP(2, 3), "nouts must be a non-empty list"),  # type: ignore[arg-type]
        (lambda: MLP(2, [3, 0]), "got 0"),
        (lambda: Layer(2, 2.5), "nout must be an integer >= 1, got 2.5"),  # type: ignore[arg-type]
        (lambda: Neuron(2, "sigmoid", rng=random.Random(0), seed=1), "rng or seed, not both"),
        (lambda: nn.init.uniform(-1.0), "got -1.0"),
    ],
)
def test_bad_construction_is_a_clear_error(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        build()  # type: ignore[operator]


def test_wrong_inputs_are_clear_errors() -> None:
    model = MLP(3, [2, 1], seed=0)
    with pytest.raises(ValueError, match=r"MLP: expected 3 inputs, got 2"):
        model([1.0, 2.0])
    with pytest.raises(TypeError, match=r"expected a list of 3 inputs"):
        model("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'x'"):
        model([1.0, 2.0, "x"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"Layer: expected 2 inputs, got 1"):
        Layer(2, 1, seed=0)([1.0])


# -- gradients --


def loss_of(model: MLP, xs: list[list[float]], targets: list[list[float]]) -> Value:
    return losses.sum_squared_error.batch([model(x) for x in xs], targets)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.sampled_from([(1, [1]), (2, [3, 1]), (3, [4, 2]), (2, [3, 3, 2]), (2, [4, 1, 1])]),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    output_activation=st.sampled_from([None, "linear", "sigmoid"]),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_mlp_gradients_match_central_differences(
    sizes: tuple[int, list[int]],
    activation: str,
    output_activation: str | None,
    seed: int,
    data: st.DataObject,
) -> None:
    nin, nouts = sizes
    model = MLP(nin, nouts, activation, output_activation, init=nn.init.uniform(1.0), seed=seed)
    unit = st.floats(-2.0, 2.0, allow_nan=False)
    xs = [data.draw(st.lists(unit, min_size=nin, max_size=nin)) for _ in range(2)]
    ds = [data.draw(st.lists(unit, min_size=nouts[-1], max_size=nouts[-1])) for _ in range(2)]
    loss = loss_of(model, xs, ds)
    # Central differences are meaningless across relu's kink: keep away from it.
    assume(all(abs(v.data) > 1e-3 for v in topological_order(loss) if v.op == "Σ"))
    model.zero_grad()
    loss.backward()
    h = 1e-6
    for name, p in model.named_parameters():
        x0 = p.data
        with no_grad():
            p.data = x0 + h
            up = loss_of(model, xs, ds).data
            p.data = x0 - h
            down = loss_of(model, xs, ds).data
        p.data = x0
        numeric = (up - down) / (2 * h)
        assert p.grad == pytest.approx(numeric, rel=1e-5, abs=1e-7), name


def test_gradient_of_sigmoid_net_matches_the_papers_delta_rule() -> None:
    # One sigmoid output unit on a float input: ∂E/∂w_i = (y − d)·y(1 − y)·x_i.
    neuron = Neuron(2, seed=4)
    x, d = [0.3, -1.2], 1.0
    y = neuron(x)
    losses.sum_squared_error(y, d).backward()
    delta = (y.data - d) * y.data * (1.0 - y.data)
    assert [w.grad for w in neuron.w] == pytest.approx([delta * 0.3, delta * -1.2], rel=1e-12)
    assert neuron.b.grad == pytest.approx(delta, rel=1e-12)
