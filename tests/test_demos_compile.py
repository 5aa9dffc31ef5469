"""The demos that train by compiled code: the same numbers as with --no-compile, bit for bit."""

from __future__ import annotations

import pytest

import nn
from autograd import Value
from bench.common import two_moons
from demos import moons, symmetry, xor


def test_symmetry_compiled_is_the_interpreter() -> None:
    compiled = symmetry.train(3, 40, quiet=True, compile=True)
    interpreted = symmetry.train(3, 40, quiet=True, compile=False)
    assert compiled.errors == interpreted.errors and len(compiled.errors) == 40
    assert [p.data for p in compiled.model.parameters()] == [
        p.data for p in interpreted.model.parameters()
    ]


def test_moons_compiled_is_the_interpreter() -> None:
    xs, ys = two_moons(30, seed=2)
    compiled = moons.train(1, xs, ys, 4, quiet=True, compile=True)
    interpreted = moons.train(1, xs, ys, 4, quiet=True, compile=False)
    assert compiled.losses == interpreted.losses
    assert compiled.accuracies == interpreted.accuracies
    assert [p.data for p in compiled.model.parameters()] == [
        p.data for p in interpreted.model.parameters()
    ]


def test_demo_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert symmetry.main(["--sweeps", "3", "--quiet", "--no-compile", "--no-plots"]) == 0
    assert moons.main(["--steps", "2", "--quiet", "--no-compile", "--no-plots"]) == 0
    assert xor.main(["--sweeps", "5", "--quiet", "--no-plots", "--show-code"]) == 0
    out = capsys.readouterr().out
    assert "def step(params, inputs, seed):" in out and "# p0 = hidden.w.0" in out


def test_xor_code_gives_the_interpreters_error_and_gradient() -> None:
    model = xor.ShortcutNet(5)
    step = xor.compiled_error(model)
    for x1, x2, d in ((0.0, 1.0, 1.0), (1.0, 1.0, 0.0)):
        model.zero_grad()
        error = nn.losses.sum_squared_error(model([Value(x1), Value(x2)]), d)
        error.backward()
        value, grads = step([p.data for p in model.parameters()], [x1, x2, d])
        assert value == error.data
        assert grads == [p.grad for p in model.parameters()]
