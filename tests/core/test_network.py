"""Finding the net in a graph: units numbered as the paper numbers them, short names, refusals."""

from __future__ import annotations

import pytest

import nn
from autograd import Value, linear
from autograd.core.engine import topological_order
from autograd.core.network import NotANetwork, find_network, network_names
from autograd.core.notation import parameter_names


def found(root: Value, params: object = None) -> tuple[list[Value], dict[Value, str]]:
    order = topological_order(root)
    return order, parameter_names(params, order)


def test_units_are_numbered_inputs_first_then_layer_by_layer() -> None:
    model = nn.MLP(3, [2, 2], seed=0)
    E = nn.losses.sum_squared_error(model([1.0, 2.0, 3.0]), [0.0, 1.0])
    order, named = found(E)
    net = find_network(E, order, named, "t")
    assert [(u.number, u.layer, u.activation, u.sources) for u in net.units] == [
        (1, 0, "", ()), (2, 0, "", ()), (3, 0, "", ()),
        (4, 1, "sigmoid", (1, 2, 3)), (5, 1, "sigmoid", (1, 2, 3)),
        (6, 2, "sigmoid", (4, 5)), (7, 2, "sigmoid", (4, 5)),
    ]  # fmt: skip
    assert [u.output for u in net.units] == [False] * 5 + [True] * 2
    assert [u.outputs for u in net.units[:3]] == [(1.0,), (2.0,), (3.0,)]
    names = {name: net.names[p] for name, p in model.named_parameters()}
    assert names["layers.0.neurons.1.w.2"] == "w53" and names["layers.1.neurons.0.b"] == "b6"
    n6 = model.layers[1].neurons[0]
    assert net.unit_of[n6.w[1]].number == 6 and net.names[E] == "E"


def test_several_cases_name_their_nodes_by_case() -> None:
    model = nn.MLP(1, [1], seed=0)
    ys = [model([x]) for x in (0.0, 1.0, 2.0)]
    E = nn.losses.sum_squared_error.batch(ys, [0.0, 1.0, 0.0])
    order, named = found(E)
    net = find_network(E, order, named, "t")
    assert net.cases == 3
    assert [net.names[y] for y in ys] == ["y2c1", "y2c2", "y2c3"]  # type: ignore[index]
    assert net.units[0].outputs == (0.0, 1.0, 2.0)
    assert [net.case_of[y] for y in ys] == [0, 1, 2]  # type: ignore[index]


def test_the_users_own_labels_stay() -> None:
    w, b = Value(0.5, label="weight"), Value(0.1)
    y = linear([w], [2.0], b).sigmoid()
    order, named = found(y, [w, b])
    names = network_names(y, order, named)
    assert w in names  # a parameter given as such is named by the net
    order, named = found(y)  # w is not a parameter now: its label is the user's
    assert w not in network_names(y, order, named) and names[b] == "b2"


def test_wide_nets_separate_the_unit_numbers_of_a_weight() -> None:
    model = nn.MLP(9, [1], seed=0)
    y = model([0.0] * 9)
    order, named = found(y)
    net = find_network(y, order, named, "t")
    assert net.wide and net.names[model.layers[0].neurons[0].w[8]] == "w10_9"


def test_what_is_not_a_net_is_refused_in_one_line() -> None:
    x = Value(1.0)
    w = Value(0.5, label="w")
    with pytest.raises(NotANetwork, match=r"^t: the graph has no unit"):
        find_network(x * 2, *found(x * 2), "t")
    inner = linear([w], [x * 3], Value(0.0))  # fed by a node that is no unit's output
    with pytest.raises(NotANetwork, match=r"^t: a \* node feeds a unit but is not a unit's output"):
        find_network(inner, *found(inner), "t")
    computed = linear([w * 2], [1.0], Value(0.0))
    with pytest.raises(NotANetwork, match="a weight or bias of a Σ node is not a parameter"):
        find_network(computed, *found(computed), "t")
    model = nn.MLP(1, [1], seed=0)
    a, b = model([1.0]), model([2.0])
    lone = linear([Value(1.0)], [1.0], Value(0.0))
    uneven = a + b + lone  # one unit in two cases, another in one
    with pytest.raises(
        NotANetwork, match="one unit is used 2 times and another 1: the graph is not the same net"
    ):
        find_network(uneven, *found(uneven), "t")
    assert network_names(uneven, *found(uneven)) == {}


def test_weights_shared_or_penalised_and_outputs_read_twice_are_refused() -> None:
    w, b1, b2 = Value(0.5), Value(0.1), Value(0.2)
    y = linear([w], [1.0], b1).sigmoid()
    tied = linear([w], [y], b2).sigmoid()  # the same weight in two units
    with pytest.raises(NotANetwork, match="is also used outside its unit"):
        find_network(tied, *found(tied), "t")
    model = nn.MLP(2, [2, 1], seed=0)
    E = nn.losses.sum_squared_error(model([1.0, 0.0]), 1.0)
    decay = E + 0.5 * sum(p * p for p in model.parameters())  # a penalty on the weights
    with pytest.raises(NotANetwork, match=r"^t: layers\.0\.neurons\.0\.w\.0 is also used"):
        find_network(decay, *found(decay, model), "t")
    h = nn.Neuron(2, seed=1)
    o = nn.Neuron(1, seed=2)
    y3 = h([1.0, 0.5])
    both = 0.5 * (o([y3]) - 1) ** 2 + 0.5 * (y3 - 0) ** 2  # y3 feeds unit 4 and E
    with pytest.raises(NotANetwork, match="feeds other units and the loss too"):
        find_network(both, *found(both), "t")


def test_inputs_given_as_values_are_told_apart_by_identity_and_keep_their_labels() -> None:
    a, b = Value(1.0, label="a"), Value(0.0, label="b")
    h, o = nn.Neuron(2, seed=1), nn.Neuron(2, seed=2)
    # A shortcut that reads the second input only: it is the same input unit, b.
    out = o([b, h([a, b])])
    net = find_network(out, *found(out), "t")
    assert [(u.number, u.name) for u in net.units[:2]] == [(1, "a"), (2, "b")]
    assert net.units[3].sources == (2, 3) and len(net.units) == 4
