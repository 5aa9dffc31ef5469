"""The iterative nets of Fig. 5: shared weights sum their gradients over the steps."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import draw_graph, explain, no_grad
from demos import iterative
from tests.helpers import ROOT


def test_shift_register_targets_are_the_input_delayed() -> None:
    assert iterative.targets((1.0, 0.0, 1.0, 1.0)) == [
        [1.0, None, None],
        [0.0, 1.0, None],
        [1.0, 0.0, 1.0],
        [1.0, 1.0, 0.0],
    ]
    assert len(set(iterative.all_sequences())) == 16


def test_shared_weight_gradient_is_the_sum_of_its_untied_copies_gradients() -> None:
    net = iterative.ShiftRegisterNet(seed=4)
    bits = (1.0, 0.0, 1.0, 1.0)
    tied = iterative.sequence_error(net(bits), bits)
    tied.backward()
    # the equivalent layered net: one separate copy of every weight per step
    copies = [nn.Layer(4, 3, seed=99) for _ in bits]
    for copy in copies:
        for mine, original in zip(copy.parameters(), net.parameters()):
            mine.data = original.data
    untied = iterative.sequence_error(iterative.unroll(copies, bits), bits)
    untied.backward()
    assert untied.data == tied.data
    for i, shared in enumerate(net.parameters()):
        per_step = [copy.parameters()[i].grad for copy in copies]
        assert shared.grad == pytest.approx(sum(per_step), rel=1e-12, abs=1e-15)
    # the steps really differ, so the sum is not one step's gradient counted four times
    first = [p.grad for p in copies[0].parameters()]
    last = [p.grad for p in copies[-1].parameters()]
    assert first != last


def test_shift_register_learns_to_delay_its_input() -> None:
    run = iterative.train(seed=1, max_sweeps=300)
    assert run.sweeps is not None and run.errors[-1] < run.errors[0]
    with no_grad():
        for bits in iterative.all_sequences():
            for t, row in enumerate(run.net(bits)):
                for k, s in enumerate(row):
                    if t >= k:
                        assert abs(s.data - bits[t - k]) < 0.1
    assert iterative.chain(run.net) == [3, 0, 1]  # input → unit 1 → unit 2 → unit 3


def test_fig5_chain_rule_for_a_shared_weight_sums_over_the_steps() -> None:
    error, weights = iterative.figure5()
    w1 = weights[0]
    step = next(s for s in explain(error, wrt=w1, params=weights) if s.node is w1)
    assert len(step.terms) == 3  # one use per step
    assert sum(t.product for t in step.terms) == pytest.approx(step.grad, rel=1e-12)

    def by_hand(w: list[float]) -> float:
        a, b = 1.0, 0.0
        for _ in range(3):
            a, b = (
                1 / (1 + math.exp(-(w[0] * a + w[1] * b))),
                1 / (1 + math.exp(-(w[2] * a + w[3] * b))),
            )
        return 0.5 * (a - 1.0) ** 2 + 0.5 * b**2

    w = [x.data for x in weights]
    h = 1e-6
    slope = (by_hand([w[0] + h, *w[1:]]) - by_hand([w[0] - h, *w[1:]])) / (2 * h)
    assert error.data == pytest.approx(by_hand(w), rel=1e-12)
    assert step.grad == pytest.approx(slope, rel=1e-6)
    # The docs page on iterative nets shows this very step, as the demo prints it.
    page = (ROOT / "docs" / "paper" / "iterative.md").read_text(encoding="utf-8")
    assert str(step) in page


def test_fig5_drawing_shows_each_shared_weight_once_feeding_every_step() -> None:
    error, weights = iterative.figure5()
    source = draw_graph(error, params=weights).source
    for w in ("w1", "w2", "w3", "w4"):
        nodes = [line for line in source.splitlines() if f"<B>{w}</B>" in line]
        assert len(nodes) == 1
        node = nodes[0].split()[0]
        assert sum(line.split()[0] == node and "->" in line for line in source.splitlines()) == 3
