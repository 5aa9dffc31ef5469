"""One full-batch training step of an MLP with the nn package, micrograd's nn and plain floats.

The model: ``MLP(2, [16, 16, 1], activation="relu", output_activation="linear")``
on 100 two-moons points, loss = mean squared error, one SGD update. Contenders,
all from the same initial weights and checked to give the same losses first:

* ``nn``: ``nn.fit(model, xs, ys, loss=nn.losses.mse, optimizer=SGD(...), epochs=1)``,
  i.e. exactly what a user runs (one "Σ" node per unit, gradient accumulated
  case by case);
* ``nn 1-graph``: the same model, but the loss of all 100 cases built as one
  graph and differentiated once (for comparison);
* ``nn compiled``: the same `nn.fit` call with ``compile=True``: the case's
  graph traced once and run as generated Python (`autograd.compile`);
* ``micrograd``: micrograd 0.1.0's own ``micrograd.nn.MLP(2, [16, 16, 1])``;
* ``float``: the same forward and backward pass hand-written on plain floats
  (`bench.engine_step.FloatMLP`).

    python -m bench.nn_step [--repeats N]
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import nn
from bench.common import init_weights, measure, two_moons
from bench.engine_step import LR, FloatMLP

SIZES = [2, 16, 16, 1]


def nn_model(weights: list[list[list[float]]]) -> nn.MLP:
    model = nn.MLP(2, SIZES[1:], activation="relu", output_activation="linear", seed=0)
    model.load_state_dict(
        {
            f"layers.{i}.neurons.{j}.{'b' if k == len(neuron) - 1 else f'w.{k}'}": x
            for i, layer in enumerate(weights)
            for j, neuron in enumerate(layer)
            for k, x in enumerate(neuron)
        }
    )
    return model


class NN:
    """The nn package used as documented: `nn.fit` for one sweep."""

    def __init__(self, weights: list[list[list[float]]]) -> None:
        self.model = nn_model(weights)
        self.opt = nn.SGD(self.model.parameters(), lr=LR)

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        history = nn.fit(
            self.model, xs, ys, loss=nn.losses.mse, optimizer=self.opt, epochs=1, progress=False
        )
        return history[0]

    def loss(self, xs: list[list[float]], ys: list[float]) -> Any:
        """The loss of one case: all the graph that ever exists at once in `fit`."""
        return nn.losses.mse(self.model(xs[0]), ys[0])


class NNCompiled(NN):
    """`nn.fit(..., compile=True)`: generated forward and backward code, cached per model."""

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        history = nn.fit(
            self.model,
            xs,
            ys,
            loss=nn.losses.mse,
            optimizer=self.opt,
            epochs=1,
            progress=False,
            compile=True,
        )
        return history[0]


def compile_time(weights: list[list[list[float]]], xs: list[list[float]]) -> tuple[float, int]:
    """CPU seconds to compile the one-case loss graph of the model (best of 5), and its nodes.

    CPU time rather than wall time: the other jobs of a shared machine do not count.
    """
    import time

    from autograd import Value, compile

    model = nn_model(weights)
    inputs = [Value(v) for v in [*xs[0], 0.0]]
    loss = nn.losses.mse.traced(model(inputs[:2]), inputs[2:])
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        step = compile(loss, model.parameters(), inputs)
        best = min(best, time.process_time() - t0)
    return best, step.nodes


class NNOneGraph(NN):
    """The same model, with the loss of all cases as one graph and one backward pass."""

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        self.opt.zero_grad()
        loss = self.loss(xs, ys)
        loss.backward()
        self.opt.step()
        return float(loss.data)

    def loss(self, xs: list[list[float]], ys: list[float]) -> Any:
        model = self.model
        return nn.losses.mse.batch([model(x) for x in xs], ys)


class Micrograd:
    """micrograd 0.1.0's own MLP, trained as in its demo notebook (with a squared error)."""

    def __init__(self, weights: list[list[list[float]]]) -> None:
        from micrograd.nn import MLP

        state = random.getstate()  # micrograd draws from the global generator
        self.model = MLP(2, SIZES[1:])
        random.setstate(state)
        for layer, wl in zip(self.model.layers, weights):
            for neuron, wn in zip(layer.neurons, wl):
                for p, x in zip(neuron.w, wn[:-1]):
                    p.data = x
                neuron.b.data = wn[-1]

    def loss(self, xs: list[list[float]], ys: list[float]) -> Any:
        model = self.model
        losses = [(model(x) - y) ** 2 for x, y in zip(xs, ys)]
        return sum(losses) * (1.0 / len(losses))

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        self.model.zero_grad()
        loss = self.loss(xs, ys)
        loss.backward()
        for p in self.model.parameters():
            p.data -= LR * p.grad
        return float(loss.data)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    xs, ys = two_moons(100)
    weights = init_weights(SIZES)
    models: dict[str, Any] = {
        "nn": NN(weights),
        "nn 1-graph": NNOneGraph(weights),
        "nn compiled": NNCompiled(weights),
        "micrograd": Micrograd(weights),
        "float": FloatMLP(weights),
    }

    # Same losses for two steps (so the updates agree too) before any timing counts.
    times, mem = measure(models, xs, ys, args.repeats, checked_steps=2)

    print(
        f"one full-batch training step, MLP {'-'.join(map(str, SIZES))} (ReLU, linear output), "
        f"100 two-moons points, mean squared error, best of {args.repeats}"
    )
    for name, t in times.items():
        print(f"  {name:12s} {t * 1e3:8.1f} ms")
    speedup = times["micrograd"] / times["nn"]
    vs_float = times["nn"] / times["float"]
    print(f"  nn speed-up over micrograd's nn:   {speedup:.1f}x   (target >= 40x)")
    print(f"  nn time relative to float code:    {vs_float:.2f}x  (target <= 4x)")
    print(f"  nn 1-graph relative to float code: {times['nn 1-graph'] / times['float']:.2f}x")
    compiled_vs_float = times["nn compiled"] / times["float"]
    compiled_speedup = times["micrograd"] / times["nn compiled"]
    print(f"  nn compiled relative to float code: {compiled_vs_float:.2f}x  (target <= 0.5x)")
    print(f"  nn compiled speed-up over micrograd: {compiled_speedup:.0f}x  (target >= 200x)")
    seconds, nodes = compile_time(weights, xs)
    print(
        f"  compile time (CPU): {seconds * 1e3:.1f} ms for {nodes} nodes = "
        f"{seconds * 1e3 * 1000 / nodes:.1f} ms per 1,000 nodes"
    )
    print("graph memory (tracemalloc peak while building the loss graph that exists at once)")
    for name, b in mem.items():
        print(f"  {name:12s} {b / 2**20:8.3f} MiB")
    return {
        "speedup": speedup,
        "vs_float": vs_float,
        "compiled_vs_float": compiled_vs_float,
        "compiled_speedup": compiled_speedup,
    }


if __name__ == "__main__":
    main()
