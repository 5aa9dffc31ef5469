"""micrograd's demo step on six engines side by side, and the numba backend's compile times.

The step: MLP 2-16-16-1 (ReLU, linear output) on 100 two-moons points, mean squared
error, forward and backward, one SGD update, from the same initial weights (each
contender checked to give the same losses first). Contenders: micrograd 0.1.0, this
engine's interpreter (`nn.fit`), the same pass hand-written on floats, the generated
Python code (`autograd.compile`), the same code compiled by Numba (``backend="numba"``)
and PyTorch's tensors on one thread (float64). CPU time (`time.process_time`), best of N
interleaved rounds, as ratios to PyTorch.

Then the compile times against the graph's size, each in a fresh process: the first
compile (an empty cache folder) and the load of the cached code by a second process
(``import numba`` included), each up to the first sweep's result.

    python -m bench.native_step [--repeats N] [--sizes 2-4-1 2-16-16-1 ...]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import nn
from autograd import Value, compile
from bench.common import best_times, init_weights, two_moons
from bench.engine_step import LR, FloatMLP
from bench.nn_step import NN, SIZES, Micrograd, nn_model

SWEEPS = 20  # sweeps per nn.fit call for its per-sweep figure


class Generated:
    """The model's one-case loss compiled once; a step is one ``sweep`` and an update."""

    def __init__(self, weights: list[list[list[float]]], backend: str) -> None:
        model = nn_model(weights)
        self.params = [p.data for p in model.parameters()]
        inputs = [Value(0.0), Value(0.0), Value(0.0)]
        loss = nn.losses.mse.traced(model(inputs[:2]), inputs[2:])
        self.step_code = (
            compile(loss, model.parameters(), inputs, backend="numba")
            if backend == "numba"
            else compile(loss, model.parameters(), inputs)
        )
        self.rows: list[list[float]] = []

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        if not self.rows:
            self.rows = [[*x, y] for x, y in zip(xs, ys)]
        n = len(self.rows)
        total, grads = self.step_code.sweep(self.params, self.rows, 1.0 / n)
        self.params = [p - LR * g for p, g in zip(self.params, grads)]
        return total / n


class Torch:
    """The same MLP as PyTorch tensors (float64, one thread), trained by its autograd."""

    def __init__(self, weights: list[list[list[float]]], torch: Any) -> None:
        self.torch = torch
        self.layers = [
            (
                torch.tensor([n[:-1] for n in layer], dtype=torch.float64, requires_grad=True),
                torch.tensor([n[-1] for n in layer], dtype=torch.float64, requires_grad=True),
            )
            for layer in weights
        ]
        self.data: tuple[Any, Any] | None = None

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        torch = self.torch
        if self.data is None:  # a PyTorch user holds the data as tensors already
            self.data = (
                torch.tensor(xs, dtype=torch.float64),
                torch.tensor(ys, dtype=torch.float64),
            )
        x, y = self.data
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            x = x @ w.T + b
            if i != last:
                x = x.relu()
        loss = ((x.squeeze(1) - y) ** 2).mean()
        for w, b in self.layers:
            w.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            for w, b in self.layers:
                w -= LR * w.grad
                b -= LR * b.grad
        return float(loss.item())


def side_by_side(repeats: int) -> dict[str, float]:
    """Each contender's best CPU time per step, printed as ratios to PyTorch's."""
    xs, ys = two_moons(100)
    weights = init_weights(SIZES)
    models: dict[str, Any] = {
        "micrograd": Micrograd(weights),
        "interpreter (nn.fit)": NN(weights),
        "hand-written floats": FloatMLP(weights),
        "generated Python": Generated(weights, "python"),
        "numba backend": Generated(weights, "numba"),
    }
    torch = _torch()
    if torch is not None:
        torch.set_num_threads(1)
        models["PyTorch, 1 thread"] = Torch(weights, torch)
    for _ in range(2):  # the same losses (so the same updates) before any timing counts
        losses = {name: m.step(xs, ys) for name, m in models.items()}
        ref = losses["hand-written floats"]
        for name, loss in losses.items():
            assert abs(loss - ref) <= 1e-9 * max(1.0, abs(ref)), f"{name} loss {loss} != {ref}"
    steps: dict[str, Callable[[], Any]] = {
        name: (lambda m=m: m.step(xs, ys)) for name, m in models.items()
    }
    fit_model = nn_model(weights)
    opt = nn.SGD(fit_model.parameters(), lr=LR)

    def fit_numba() -> None:
        nn.fit(fit_model, xs, ys, loss=nn.losses.mse, optimizer=opt, epochs=SWEEPS,
               progress=False, compile="numba")  # fmt: skip

    fit_numba()  # compiled (or loaded) once, outside the timing
    steps[f"nn.fit(compile='numba'), per sweep of {SWEEPS}"] = fit_numba
    best = best_times(steps, repeats, clock=time.process_time)
    best[f"nn.fit(compile='numba'), per sweep of {SWEEPS}"] /= SWEEPS
    base = best.get("PyTorch, 1 thread")
    print(
        f"micrograd's demo step (MLP {'-'.join(map(str, SIZES))}, ReLU, 100 points, forward, "
        f"backward, SGD), CPU time, best of {repeats}"
        + (f"; torch {torch.__version__}" if torch is not None else "; PyTorch not installed")
    )
    print(f"  {'contender':44s} {'ms':>8s} {'x PyTorch':>10s}")
    for name, t in best.items():
        ratio = f"{t / base:9.2f}x" if base else "         -"
        print(f"  {name:44s} {t * 1e3:8.3f} {ratio}")
    return best


def _torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


# One compile in a child process: its CPU seconds from `compile` to the first sweep's result.
CHILD = """
import json, sys, time
t0 = time.process_time()
import nn
from autograd import Value, compile
sizes = [int(s) for s in sys.argv[1].split("-")]
model = nn.MLP(sizes[0], sizes[1:], activation="relu", output_activation="linear", seed=0)
inputs = [Value(0.0) for _ in range(sizes[0] + 1)]
loss = nn.losses.mse.traced(model(inputs[:-1]), inputs[-1:])
params = model.parameters()
t1 = time.process_time()
f = compile(loss, params, inputs, backend="numba")
f.sweep([p.data for p in params], [[0.5] * (sizes[0] + 1)])
t2 = time.process_time()
print(json.dumps({"seconds": t2 - t1, "nodes": f.nodes, "python_lines": len(f.source.splitlines()),
                  "numba_lines": len(f.module_source.splitlines())}))
"""


def compile_times(sizes: list[str]) -> list[dict[str, Any]]:
    """First compile and cached load of each size's step, each in a fresh process."""
    rows = []
    print("numba backend: CPU seconds from compile() to the first sweep, each in a new process")
    print(
        f"  {'MLP':>12s} {'nodes':>6s} {'python lines':>13s} {'numba lines':>12s} "
        f"{'first compile':>14s} {'cached':>8s}"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "AUTOGRAD_CACHE_DIR": folder}
            runs = [
                json.loads(
                    subprocess.check_output([sys.executable, "-c", CHILD, size], env=env, text=True)
                )
                for _ in range(2)
            ]
        first, cached = runs
        row = {"size": size, **first, "first": first["seconds"], "cached": cached["seconds"]}
        rows.append(row)
        print(
            f"  {size:>12s} {first['nodes']:6d} {first['python_lines']:13,d} "
            f"{first['numba_lines']:12,d} {first['seconds']:12.2f} s {cached['seconds']:6.2f} s"
        )
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument(
        "--sizes", nargs="*", default=["2-4-1", "2-8-8-1", "2-16-16-1", "2-32-32-1", "2-64-64-1"]
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("numba") is None:
        print(
            "bench.native_step skipped: Numba is not installed (pip install 'autograd-1986[fast]')"
        )
        return {}
    best = side_by_side(args.repeats)
    return {"best": best, "compile": compile_times(args.sizes)}


if __name__ == "__main__":
    main()
