"""nn.Module: finding and naming the parameters of any module."""

from __future__ import annotations

import random

import pytest

from autograd import Value
from nn import Layer, Module
from tests.helpers import sigmoid


class Shortcut(Module):
    """2-1-1 with direct input → output connections (the paper's Fig. 2 XOR net)."""

    def __init__(self, seed: int | None = None) -> None:
        rng = random.Random(seed)
        self.hidden = Layer(2, 1, rng=rng)
        self.out = Layer(3, 1, rng=rng)

    def __call__(self, x: list[float]) -> Value:
        return self.out([*x, *self.hidden(x)])[0]


def test_custom_modules_find_and_name_parameters_of_their_layers() -> None:
    net = Shortcut(seed=0)
    assert [p.label for p in net.parameters()] == [
        "hidden.neurons.0.w.0",
        "hidden.neurons.0.w.1",
        "hidden.neurons.0.b",
        "out.neurons.0.w.0",
        "out.neurons.0.w.1",
        "out.neurons.0.w.2",
        "out.neurons.0.b",
    ]
    y = net([1.0, 0.0])
    h = net.hidden.neurons[0]
    o = net.out.neurons[0]
    hy = sigmoid(h.w[0].data + h.b.data)
    expected = sigmoid(o.w[0].data + o.w[2].data * hy + o.b.data)
    assert y.data == pytest.approx(expected, rel=1e-12)


def test_a_shared_parameter_is_listed_once() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            self.a = Layer(1, 1, seed=0)
            self.b = self.a

    assert len(Tied().parameters()) == 2


def test_containers_that_hold_themselves_are_searched_once() -> None:
    class Loops(Module):
        def __init__(self) -> None:
            self.w = Value(1.0)
            self.items: list[object] = [Value(2.0)]
            self.items.append(self.items)
            self.table: dict[str, object] = {"b": Value(3.0)}
            self.table["again"] = self.table
            self.pair = (self.items, self.table, Value(4.0))

    net = Loops()
    assert [(name, p.data) for name, p in net.named_parameters()] == [
        ("w", 1.0),
        ("items.0", 2.0),
        ("table.b", 3.0),
        ("pair.2", 4.0),
    ]


def test_two_parameters_with_one_name_are_an_error_naming_both() -> None:
    class Clash(Module):
        def __init__(self, table: dict[object, object]) -> None:
            self.p = table

    with pytest.raises(ValueError, match=r"Clash\.p\[1\] and Clash\.p\['1'\] .* same name 'p\.1'"):
        Clash({1: Value(1.0), "1": Value(2.0)})
    with pytest.raises(
        ValueError,
        match=r"Clash\.p\['0'\]\['w'\] and Clash\.p\['0\.w'\] .* same name 'p\.0\.w'",
    ):
        Clash({"0": {"w": Value(1.0)}, "0.w": Value(2.0)})
    # One Value under two names is a shared weight, not a clash.
    v = Value(1.0)
    assert Clash({1: v, "1": v}).state_dict() == {"p.1": 1.0}
