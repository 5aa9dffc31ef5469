"""The two-moons demo: it learns, compiled or not."""

from __future__ import annotations

from demos import moons
from nn.datasets import two_moons


def test_moons_net_learns_the_two_moons() -> None:
    xs, ys = two_moons(100, noise=0.1, seed=1)
    run = moons.train(1, xs, ys, steps=40, quiet=True)
    _, acc = moons.loss_and_accuracy(run.model, xs, ys)
    assert acc >= 0.9
    assert run.losses[-1] < run.losses[0]


def test_moons_compiled_is_the_interpreter() -> None:
    xs, ys = two_moons(30, seed=2)
    compiled = moons.train(1, xs, ys, 4, quiet=True, compile=True)
    interpreted = moons.train(1, xs, ys, 4, quiet=True, compile=False)
    assert compiled.losses == interpreted.losses
    assert compiled.accuracies == interpreted.accuracies
    assert [p.data for p in compiled.model.parameters()] == [
        p.data for p in interpreted.model.parameters()
    ]
