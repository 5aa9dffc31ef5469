"""The unit view: a net's backward pass in the paper's equations, checked against an
independent delta rule on plain floats and against backward() bit for bit."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, explain
from autograd.core.notation import num
from autograd.teach.units import Term, UnitExplanation, WeightGrad

from ..helpers import bits

DATA = Path(__file__).parent.parent / "data"

# -- an independent delta rule on floats: ∂E/∂y at the outputs, then (5), (6), (7) --

ACT: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    # f(x), and f′ as the paper writes it, from x and y = f(x)
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x, y: y * (1 - y)),
    "tanh": (math.tanh, lambda x, y: 1 - y * y),
    "relu": (lambda x: max(x, 0.0), lambda x, y: 1.0 if x > 0 else 0.0),
    "linear": (lambda x: x, lambda x, y: 1.0),
}


def loss_slope(name: str, ys: list[float], ds: list[float]) -> list[float]:
    """∂E/∂y_j of one case for each loss of nn.losses, written out by hand."""
    n = len(ys)
    if name == "sum_squared_error":
        return [y - d for y, d in zip(ys, ds)]
    if name == "mse":
        return [2 * (y - d) / n for y, d in zip(ys, ds)]
    if name == "margin_squared_error":
        return [0.0 if abs(y - d) < 0.2 else y - d for y, d in zip(ys, ds)]
    if name == "binary_cross_entropy_with_logits":
        return [(1 / (1 + math.exp(-y)) - d) / n for y, d in zip(ys, ds)]
    if name == "binary_cross_entropy":
        return [(-d / y + (1 - d) / (1 - y)) / n for y, d in zip(ys, ds)]
    if name == "hinge":
        return [(-d if 1 - d * y > 0 else 0.0) / n for y, d in zip(ys, ds)]
    raise AssertionError(name)


def delta_rule(
    model: nn.MLP, x: list[float], d: list[float], loss: str
) -> tuple[list[list[float]], list[list[list[float]]]]:
    """∂E/∂x_j per layer and unit, and ∂E/∂w_ji per layer, unit and input (bias last)."""
    layers = [
        ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
        for layer in model.layers
    ]
    acts = [layer.activation for layer in model.layers]
    ins, totals, outs = [], [], []
    y = x
    for (w, b), a in zip(layers, acts):
        ins.append(y)
        xs = [sum(wji * yi for wji, yi in zip(wj, y)) + bj for wj, bj in zip(w, b)]
        y = [ACT[a][0](v) for v in xs]
        totals.append(xs)
        outs.append(y)
    dy = loss_slope(loss, y, d)
    dx: list[list[float]] = [[] for _ in layers]
    dw: list[list[list[float]]] = [[] for _ in layers]
    for k in reversed(range(len(layers))):
        dx[k] = [g * ACT[acts[k]][1](xv, yv) for g, xv, yv in zip(dy, totals[k], outs[k])]
        dw[k] = [[dj * yi for yi in ins[k]] + [dj] for dj in dx[k]]
        w = layers[k][0]
        dy = [sum(dx[k][j] * w[j][i] for j in range(len(w))) for i in range(len(ins[k]))]
    return dx, dw


def unit_numbers(model: nn.MLP) -> list[list[int]]:
    """The paper's number of each unit, layer by layer (the inputs come first)."""
    out, n = [], model.nin
    for size in model.nouts:
        out.append(list(range(n + 1, n + 1 + size)))
        n += size
    return out


def close_as_printed(a: float, b: float) -> bool:
    return num(a) == num(b) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


# -- the 2-2-1 sigmoid net and the 2-3-2 tanh net with a linear output --


def net_221() -> tuple[nn.MLP, Value]:
    model = nn.MLP(2, [2, 1], seed=0)
    return model, nn.losses.sum_squared_error(model([1.0, 0.0]), 1.0)


def net_232() -> tuple[nn.MLP, Value]:
    model = nn.MLP(2, [3, 2], activation="tanh", output_activation="linear", seed=1)
    return model, nn.losses.mse(model([1.0, -1.0]), [1.0, 0.0])


@pytest.mark.parametrize(
    ("make", "golden", "x", "d", "loss"),
    [
        (net_221, "units_221.txt", [1.0, 0.0], [1.0], "sum_squared_error"),
        (net_232, "units_232.txt", [1.0, -1.0], [1.0, 0.0], "mse"),
    ],
)
def test_golden_listing_and_the_delta_rule(
    make: Callable[[], tuple[nn.MLP, Value]], golden: str, x: list[float], d: list[float], loss: str
) -> None:
    model, E = make()
    ex = explain(E, view="neurons")
    text = str(ex)
    assert text == (DATA / golden).read_text(encoding="utf-8").rstrip("\n")
    assert max(len(line) for line in text.splitlines()) <= 100
    dx, dw = delta_rule(model, x, d, loss)
    numbers = unit_numbers(model)
    by_unit = {s.unit: s for s in ex}
    for k, layer in enumerate(numbers):
        for j, unit in enumerate(layer):
            assert f"∂E/∂x{unit} = " in text
            # The printed ∂E/∂x_j and ∂E/∂w_ji are the delta rule's as printed.
            line = next(li for li in text.splitlines() if li.strip().startswith(f"∂E/∂x{unit} ="))
            assert re.search(rf"[=≈] {re.escape(num(dx[k][j]))}( |$)", line), line
            for step_w, hand in zip(by_unit[unit].weights, dw[k][j]):
                assert close_as_printed(step_w.grad, hand)
                shown = next(li for li in text.splitlines() if f"∂E/∂{step_w.name} = " in li)
                assert num(hand) in shown


def test_221_reads_as_the_paper() -> None:
    _, E = net_221()
    text = str(explain(E, view="neurons"))
    assert "1. Unit 5 (output, sigmoid): y5 = " in text
    assert "∂E/∂y5 = y5 - d5 = " in text and "∂E/∂x5 = ∂E/∂y5 · y5·(1 - y5) = " in text
    assert "∂E/∂w53 = ∂E/∂x5 · y3 = " in text
    assert "∂E/∂y4 = Σ_j ∂E/∂x_j · w_j4 = ∂E/∂x5 · w54 = " in text
    assert "Key: unit 3 is layers.0.neurons.0: w31, w32, b3 are its w.0, w.1, b" in text
    # Units in the paper's order: output first, then the hidden layer from its last unit.
    assert [s.unit for s in explain(E, view="neurons")] == [5, 4, 3]


def test_steps_equal_backward_bit_for_bit() -> None:
    model, E = net_221()
    ex = explain(E, view="neurons")
    E.backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    for s in ex:
        layer, neuron = (0, s.unit - 3) if s.unit < 5 else (1, 0)
        prefix = f"layers.{layer}.neurons.{neuron}"
        for k, w in enumerate(s.weights[:-1]):
            assert bits(w.grad) == bits(grads[f"{prefix}.w.{k}"])
        assert bits(s.weights[-1].grad) == bits(grads[f"{prefix}.b"])
        assert bits(s.dx) == bits(model.layers[layer].neurons[neuron].b.grad)


def test_a_batch_narrates_one_case_and_sums_the_cases() -> None:
    model = nn.MLP(2, [2, 1], seed=3)
    cases = [([0.0, 0.0], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], 1.0), ([1.0, 1.0], 0.0)]
    E = nn.losses.sum_squared_error.batch([model(x) for x, _ in cases], [d for _, d in cases])
    ex = explain(E, view="neurons", case=3)
    text = str(ex)
    assert "Case 3 of 4: y1 = 1, y2 = 0; targets d5 = 1." in text
    assert "1. Unit 5 (output, sigmoid): y5c3 = " in text
    E.backward()
    # The sum over the cases: each weight's line ends with backward()'s gradient.
    per_case = [delta_rule(model, x, [d], "sum_squared_error")[1] for x, d in cases]
    for name, p in model.named_parameters():
        short = ex.names[p]
        line = next(li for li in text.splitlines() if li.startswith(f"  ∂E/∂{short} = "))
        assert line.split()[-1] == num(p.grad)
        k, j = int(name.split(".")[1]), int(name.split(".")[3])
        i = -1 if name.endswith(".b") else int(name.split(".")[-1])
        parts = [pc[k][j][i] for pc in per_case]
        assert close_as_printed(sum(parts), p.grad)
        assert " + ".join(num(v) if v >= 0 else f"({num(v)})" for v in parts) in line
    # The narrated case's weight gradient is that case's share.
    assert close_as_printed(ex[0].weights[0].grad, per_case[2][1][0][0])
    with pytest.raises(ValueError, match=r"case must be a number from 1 to 4, got 5"):
        explain(E, view="neurons", case=5)


def test_a_wide_hidden_unit_writes_one_term_per_line_and_elides_the_middle() -> None:
    model = nn.MLP(2, [1, 12, 1], seed=0)
    E = nn.losses.sum_squared_error(model([1.0, 0.5]), 0.0)
    text = str(explain(E, view="neurons"))
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "∂E/∂y3 = Σ_j ∂E/∂x_j · w_j3 (7), one term per unit j:" in text
    assert "… 7 more terms …" in text and "the sum of the 12 terms" in text
    assert "w4_3" in text and "w15_3" in text  # two-digit unit numbers: w_ji with a separator


def test_paper_nets_with_shortcuts_and_input_groups() -> None:
    from demos.family_trees import FamilyTreeNet, one_hot
    from demos.xor import ShortcutNet

    a = ShortcutNet(1)
    E = nn.losses.sum_squared_error(a([1.0, 0.0]), 1.0)
    ex = explain(E, view="neurons")
    # Network A: unit 3 is the hidden unit, unit 4 the output sees y1, y2 and y3.
    assert [u.sources for u in ex.net.units[2:]] == [(1, 2), (1, 2, 3)]
    E.backward()
    assert bits(ex[0].weights[2].grad) == bits(a.output.w[2].grad)
    assert "unit 4 is output: w41, w42, w43, b4 are its w.0, w.1, w.2, b" in str(ex)

    f = FamilyTreeNet(0)
    E = nn.losses.sum_squared_error(f.dense_call(one_hot(2, 24), one_hot(3, 12)), one_hot(5, 24))
    ex = explain(E, view="neurons")
    units = ex.net.units
    assert len(units) == 24 + 12 + 6 + 6 + 12 + 6 + 24
    assert units[36].path == "person.neurons.0" and units[36].sources == tuple(range(1, 25))
    assert units[42].path == "relationship.neurons.0"
    assert units[42].sources == tuple(range(25, 37))
    text = str(ex)
    assert "Case 1 of 1: y3 = 1, y28 = 1, the other 34 input units 0;" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_graphs_that_are_not_nets_are_refused_in_one_line() -> None:
    x = Value(2.0)
    with pytest.raises(ValueError, match=r"^explain: the graph has no unit \(no Σ node"):
        explain(x * x, view="neurons")
    from demos.iterative import ShiftRegisterNet

    states = ShiftRegisterNet(seed=0)([1.0, 0.0, 1.0])
    E = nn.losses.sum_squared_error(states[-1], [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="an iterative net, whose weights repeat over time"):
        explain(E, view="neurons")


def test_view_is_checked_and_wrt_is_for_the_node_view() -> None:
    _, E = net_221()
    with pytest.raises(ValueError, match=r"view must be 'values' or 'neurons', got 'units'"):
        explain(E, view="units")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="wrt is for view='values'"):
        explain(E, E, view="neurons")


def test_node_listing_of_a_net_uses_the_short_names() -> None:
    _, E = net_221()
    text = str(explain(E))
    assert "layers." not in text
    assert "  x5  = w53*y3 + w54*y4 + b5 = " in text
    formulas = [li for li in text.splitlines() if " = " in li]
    assert max(len(li) for li in formulas if "one operation's own expression" not in li) <= 100


LOSSES = [
    "sum_squared_error",
    "mse",
    "margin_squared_error",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge",
]


@settings(max_examples=40, deadline=None)
@given(
    nin=st.integers(1, 3),
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    output=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    loss=st.sampled_from(LOSSES),
    seed=st.integers(0, 10**6),
)
def test_every_mlp_and_loss_matches_backward_and_the_delta_rule(
    nin: int, sizes: list[int], activation: str, output: str, loss: str, seed: int
) -> None:
    if loss == "binary_cross_entropy":
        output = "sigmoid"  # its predictions must be probabilities
    model = nn.MLP(nin, sizes, activation=activation, output_activation=output, seed=seed)
    x = [((seed >> k) % 7 - 3) / 2 for k in range(nin)]
    d = [float((seed >> k) % 2) for k in range(sizes[-1])]
    if loss == "hinge":
        d = [2 * v - 1 for v in d]
    out = model(x)
    E = getattr(nn.losses, loss)(out, d)
    ex = explain(E, view="neurons")
    assert isinstance(ex, UnitExplanation)
    text = str(ex)
    assert max(len(line) for line in text.splitlines()) <= 100
    E.backward()
    dx, dw = delta_rule(model, x, d, loss)
    numbers = unit_numbers(model)
    by_unit = {s.unit: s for s in ex}
    for k, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            s = by_unit[numbers[k][j]]
            assert bits(s.dx) == bits(neuron.b.grad)
            for w, p in zip(s.weights, [*neuron.w, neuron.b]):
                assert bits(w.grad) == bits(p.grad)
            if all(math.isfinite(v) for v in dw[k][j]):
                assert close_as_printed(s.dx, dx[k][j])
                for w, hand in zip(s.weights, dw[k][j]):
                    assert close_as_printed(w.grad, hand)
    assert re.search(r"∂E/∂x\d+ = ", text)


def test_the_error_keeps_its_name_and_a_unit_output_root_is_its_own_output() -> None:
    model, E = net_221()
    E.label = "loss"
    text = str(explain(E, view="neurons"))
    assert "∂loss/∂x5 = ∂loss/∂y5 · y5·(1 - y5) = " in text and "∂E/" not in text
    assert "\n  loss = " in text  # the forward pass ends with the error, by its name
    y = model([1.0, 0.0])
    assert isinstance(y, Value)
    text = str(explain(y, view="neurons"))
    assert "∂y5/∂y5 = 1 (y5 is the output itself)" in text
    assert text.count("  y5 = σ(x5) = ") == 1 and "loss's own" not in text
    y.backward()
    assert explain(y, view="neurons")[0].dx == model.layers[1].neurons[0].b.grad


def test_the_case_line_says_only_what_is_so_and_stays_short() -> None:
    wide = nn.MLP(2, [8], seed=0)
    E = nn.losses.sum_squared_error(wide([0.123456, -2.5]), [1.0] * 6 + [0.0, 1.0])
    line = explain(E, view="neurons").case_line()
    # Eight targets, seven of them 1: the first three and the last, never a false "others 0".
    assert "targets d3 = 1, d4 = 1, d5 = 1, …, d10 = 1." in line and "other" not in line
    assert "y1 = 0.1235, y2 = -2.5" in line
    assert max(map(len, line.splitlines())) <= 100


def test_a_negative_target_is_bracketed_and_case_is_for_the_unit_view() -> None:
    model = nn.MLP(1, [1], output_activation="linear", seed=0)
    E = nn.losses.sum_squared_error(model([1.0]), -1.5)
    assert " - (-1.5) = " in str(explain(E, view="neurons"))
    with pytest.raises(ValueError, match="case chooses the case of view='neurons'"):
        explain(E, case=2)


def test_a_tie_at_the_last_printed_digit_is_approximate() -> None:
    # 0.2295 × 1.700 is 0.39015 exactly: printed to 4 digits it could be either neighbour.
    term = Term("x5", "w53", 0.2295, 1.7, 0.2295 * 1.7)
    assert term.text() == f"∂E/∂x5 · w53 = 0.2295 × 1.700 ≈ {num(term.product)}"
    weight = WeightGrad("w53", 3, "y3", 1.7, 0.2295 * 1.7)
    assert (
        weight.line("x5", 0.2295)
        == f"∂E/∂w53 = ∂E/∂x5 · y3 = 0.2295 × 1.700 ≈ {num(weight.grad)} (6)"
    )
