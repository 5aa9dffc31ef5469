"""`nn.fit(..., compile=True)` against `fit`: same history and weights, bit for bit."""

from __future__ import annotations

import math
from typing import Any

import pytest

import nn
from autograd import Value
from autograd.core.compiler import ShapeError
from nn import train
from tests.helpers import bits

XOR_IN = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_OUT = [0.0, 1.0, 1.0, 0.0]


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
    interpreted, compiled = both(lambda: nn.MLP(2, [2, 1], seed=3), XOR_IN, XOR_OUT, epochs=40)
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


def test_margin_loss_numbers() -> None:
    """½ Σ (y − d)² over the units outside 0.2 of their target, worked by hand."""
    ys = [Value(0.9), Value(0.5), Value(0.1), Value(0.3)]
    e = nn.losses.margin_squared_error(ys, [1.0, 1.0, 0.0, 0.0])
    e.backward()
    assert e.data == pytest.approx(0.5 * (0.5**2 + 0.3**2), rel=1e-15)
    assert [y.grad for y in ys] == pytest.approx([0.0, -0.5, 0.0, 0.3], rel=1e-15)


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
        nn.fit(model, XOR_IN, XOR_OUT, loss=nn.losses.binary_cross_entropy, compile=True)


def test_compiled_step_is_cached_until_the_parameters_change() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, XOR_IN, XOR_OUT, epochs=1, progress=False, compile=True)
    first = train._COMPILED[model][1]
    nn.fit(model, XOR_IN, XOR_OUT, epochs=2, progress=False, compile=True)
    assert train._COMPILED[model][1] is first
    model.layers[0].neurons[0].b = Value(0.25)  # a new parameter object
    nn.fit(model, XOR_IN, XOR_OUT, epochs=1, progress=False, compile=True)
    rebuilt = train._COMPILED[model][1]
    assert rebuilt is not first and rebuilt.params[2] is model.layers[0].neurons[0].b
    nn.fit(model, XOR_IN, XOR_OUT, loss=nn.losses.mse, epochs=1, progress=False, compile=True)
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
