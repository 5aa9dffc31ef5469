"""One training step of micrograd's demo graph, on three engines, in one run.

The graph: an MLP 2-16-16-1 with ReLU, each neuron's sum built from binary
``*`` and ``+`` nodes (``sum((w*x for ...), b)``, exactly as micrograd's Neuron),
on 100 two-moons points wrapped as Values, loss = mean squared error, then
backward and an SGD update. Contenders: this engine, micrograd 0.1.0, and the
same forward and backward pass hand-written on plain floats.

    python -m bench.engine_step [--repeats N]
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.common import init_weights, measure, two_moons

SIZES = [2, 16, 16, 1]
LR = 0.05


class BinaryMLP:
    """micrograd's MLP, written against any Value class with ``*``, ``+`` and relu."""

    def __init__(self, value_cls: Any, weights: list[list[list[float]]]) -> None:
        self.V = value_cls
        self.layers = [[[value_cls(w) for w in neuron] for neuron in layer] for layer in weights]
        self.params = [p for layer in self.layers for neuron in layer for p in neuron]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for neuron in layer:
                act = sum((wi * xi for wi, xi in zip(neuron[:-1], x)), neuron[-1])
                out.append(act.relu() if i != last else act)
            x = out
        return x[0]

    def loss(self, xs: list[list[float]], ys: list[float]) -> Any:
        V = self.V
        losses = [(self([V(a) for a in x]) - y) ** 2 for x, y in zip(xs, ys)]
        return sum(losses) * (1.0 / len(losses))

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        for p in self.params:
            p.grad = 0.0
        loss = self.loss(xs, ys)
        loss.backward()
        for p in self.params:
            p.data -= LR * p.grad
        return float(loss.data)


class FloatMLP:
    """The same forward and backward pass, hand-written on plain floats."""

    def __init__(self, weights: list[list[list[float]]]) -> None:
        self.layers = [[list(neuron) for neuron in layer] for layer in weights]

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        layers = self.layers
        grads = [[[0.0] * len(neuron) for neuron in layer] for layer in layers]
        last = len(layers) - 1
        n = len(xs)
        total = 0.0
        for x, y in zip(xs, ys):
            acts = [x]  # inputs of each layer
            pre = []
            for i, layer in enumerate(layers):
                inp = acts[-1]
                zs = []
                for neuron in layer:
                    z = neuron[-1]
                    for w, a in zip(neuron, inp):
                        z += w * a
                    zs.append(z)
                pre.append(zs)
                acts.append([z if z > 0.0 else 0.0 for z in zs] if i != last else zs)
            out = acts[-1][0]
            total += (out - y) ** 2
            delta = [2.0 * (out - y) / n]
            for i in range(last, -1, -1):
                layer = layers[i]
                inp = acts[i]
                if i != last:
                    delta = [d if z > 0.0 else 0.0 for d, z in zip(delta, pre[i])]
                back = [0.0] * len(inp)
                for j, neuron in enumerate(layer):
                    d = delta[j]
                    g = grads[i][j]
                    for k, a in enumerate(inp):
                        g[k] += d * a
                        back[k] += d * neuron[k]
                    g[-1] += d
                delta = back
        for layer, glayer in zip(layers, grads):
            for neuron, g in zip(layer, glayer):
                for k in range(len(neuron)):
                    neuron[k] -= LR * g[k]
        return total / n


def contenders(weights: list[list[list[float]]]) -> dict[str, Any]:
    from micrograd.engine import Value as MicroValue

    from autograd import Value

    return {
        "autograd": BinaryMLP(Value, weights),
        "micrograd": BinaryMLP(MicroValue, weights),
        "float": FloatMLP(weights),
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    xs, ys = two_moons(100)
    weights = init_weights(SIZES)
    models = contenders(weights)

    times, mem = measure(models, xs, ys, args.repeats)

    print(
        f"one training step, MLP {'-'.join(map(str, SIZES))} (ReLU, binary * and + nodes), "
        f"100 two-moons points, best of {args.repeats}"
    )
    for name, t in times.items():
        print(f"  {name:10s} {t * 1e3:8.1f} ms")
    print(f"  speed-up over micrograd:       {times['micrograd'] / times['autograd']:.1f}x")
    print(f"  time relative to float code:   {times['autograd'] / times['float']:.1f}x")
    print("graph memory (tracemalloc peak while building the loss graph)")
    for name, b in mem.items():
        print(f"  {name:10s} {b / 2**20:8.2f} MiB")
    print(f"  autograd / micrograd memory:   {mem['autograd'] / mem['micrograd']:.2f}")
    return {
        "speedup": times["micrograd"] / times["autograd"],
        "vs_float": times["autograd"] / times["float"],
        "memory_ratio": mem["autograd"] / mem["micrograd"],
    }


if __name__ == "__main__":
    main()
