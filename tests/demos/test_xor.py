"""The XOR demo: network A of the paper, hand-wired, learns XOR; its generated code."""

from __future__ import annotations

import pytest

import nn
from autograd import Value
from demos import xor


def test_xor_network_a_is_two_hand_wired_neurons_with_direct_connections() -> None:
    net = xor.ShortcutNet(seed=1)
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "hidden.w.0",
        "hidden.w.1",
        "hidden.b",
        "output.w.0",
        "output.w.1",
        "output.w.2",
        "output.b",
    ]
    # y = σ(v₁x₁ + v₂x₂ + u·h + c), h = σ(w₁x₁ + w₂x₂ + b), computed by hand
    x = [1.0, 0.0]
    h = Value(net.hidden.w[0].data * x[0] + net.hidden.w[1].data * x[1] + net.hidden.b.data)
    v = net.output.w
    expected = (
        v[0].data * x[0] + v[1].data * x[1] + v[2].data * h.sigmoid().data + net.output.b.data
    )
    assert net(x).data == pytest.approx(Value(expected).sigmoid().data, rel=1e-12)


def test_xor_network_a_learns_xor() -> None:
    run = xor.train(xor.ShortcutNet(seed=1), 1, xor.LR, xor.MOMENTUM, 5000)
    assert run.sweeps is not None
    ys = xor.outputs(run.model)  # type: ignore[arg-type]
    assert ys[0] < 0.1 and ys[1] > 0.9 and ys[2] > 0.9 and ys[3] < 0.1
    assert len(run.errors) == run.sweeps
    assert run.errors[-1] < run.errors[0]


def test_xor_learned_means_every_output_within_tolerance() -> None:
    assert xor.learned([0.05, 0.95, 0.91, 0.09])
    assert not xor.learned([0.05, 0.95, 0.89, 0.09])
    assert not xor.learned([0.5, 0.5, 0.5, 0.5])


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


def test_explain_prints_both_nets_unit_by_unit_with_the_trained_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from autograd import explain

    assert xor.main(["--sweeps", "40", "--quiet", "--no-plots", "--explain"]) == 0
    out = capsys.readouterr().out
    # The same training again (seeded): the listing is explain's of the trained nets.
    for name, net in (
        ("A", xor.ShortcutNet(xor.DEFAULT_SEED)),
        ("B", xor.network_b(xor.DEFAULT_SEED)),
    ):
        run = xor.train(net, xor.DEFAULT_SEED, xor.LR, xor.MOMENTUM, 40)
        error = nn.losses.sum_squared_error(run.model([1.0, 0.0]), 1.0)  # type: ignore[operator]
        listing = str(explain(error, params=run.model, view="neurons"))
        assert f"Network {name} after training, on the case 10 → 1:\n{listing}\n" in out
    assert "1. Unit 4 (output, sigmoid)" in out and "1. Unit 5 (output, sigmoid)" in out


def test_explain_is_for_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        xor.main(["--runs", "2", "--explain", "--quiet"])
    assert exit.value.code == 2
    assert "--explain shows one run's net: give it without --runs" in capsys.readouterr().err
