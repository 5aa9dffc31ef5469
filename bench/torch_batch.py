"""The batched PyTorch function against the compiled scalar sweep, by rows: where a batch pays.

`autograd.compile(..., backend="torch")` runs a graph's straight-line code once, on tensors
over all the rows; `Compiled.sweep` runs the same code on floats, row after row. Both give
one full-batch step's gradient (of the mean error, ``seed = 1 / rows``), and they are checked
against each other before anything is timed. Two graphs: XOR's 2-2-1 sigmoid network with
its squared error (the 1986 paper's network B), and micrograd's demo MLP 2-16-16-1 (ReLU,
linear output, squared error; each unit one Σ node). The data: two-moons points with their
labels as targets, ``rows`` of them.

Wall time (PyTorch uses every core for large tensors), best of N interleaved rounds with a
``gc.collect()`` before each timed call. The scalar sweep at a million rows would take
minutes: it is extrapolated from its time at 10,000 rows (its time grows linearly with the
rows), and the output says so. At a million rows the batch is also timed in passes of
16,384 rows (``chunk=``), whose tensors stay in the CPU's cache. The crossover is found on
a finer grid of rows, between the two sizes where the ratio passes 1 (interpolated on log
scales).

    python -m bench.torch_batch [--repeats N] [--device cpu|cuda] [--threads N] [--cpu-time]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import itertools
import math
import time
from collections.abc import Callable
from typing import Any

from autograd import Value, compile, linear
from bench.common import best_times, init_weights, two_moons

TABLE = [100, 10_000, 1_000_000]  # the rows of the main table
GRID = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]  # where the crossover is sought
SCALAR_MAX = 10_000  # rows beyond which the scalar sweep's time is extrapolated
CHUNK = 16_384  # rows per pass of the chunked contender (``chunk=``), on larger batches
XOR_WEIGHTS = [[[0.3, -0.4, 0.1], [0.2, 0.5, -0.2]], [[-0.1, 0.6, 0.05]]]


def network(weights: list[list[list[float]]], activation: str, last: str) -> Graph:
    """The squared error of one case of an MLP with ``weights`` (per layer, per unit: the
    weights then the bias): each unit one Σ node, ``activation`` on the hidden units and
    ``last`` on the output."""
    params: list[Value] = []
    inputs = [Value(0.0, label=f"x{k + 1}") for k in range(len(weights[0][0]) - 1)]
    target = Value(0.0, label="d")
    ys: list[Value] = list(inputs)
    for depth, layer in enumerate(weights):
        outs = []
        for unit in layer:
            ws = [Value(w) for w in unit[:-1]]
            b = Value(unit[-1])
            params += [*ws, b]
            x = linear(ws, ys, b)
            kind = last if depth == len(weights) - 1 else activation
            outs.append(x if kind == "linear" else getattr(x, kind)())
        ys = outs
    return Graph(0.5 * (ys[0] - target) ** 2, params, [*inputs, target])


class Graph:
    """A one-case error graph, its params and inputs, compiled both ways."""

    def __init__(self, error: Value, params: list[Value], inputs: list[Value]) -> None:
        self.scalar = compile(error, params, inputs)
        self.batched = compile(error, params, inputs, backend="torch")
        self.numbers = [p.data for p in params]
        self.nodes = self.scalar.nodes


def contenders(
    graph: Graph, torch: Any, rows: int, device: str
) -> dict[str, Callable[[], list[float]]]:
    """The two full-batch gradients of ``rows`` two-moons points: scalar (when not too
    many rows) and batched, each returning the summed gradients as floats."""
    xs, ys = two_moons(rows)
    columns = torch.tensor([[x[0] for x in xs], [x[1] for x in xs], ys], dtype=torch.float64)
    columns = columns.to(device)
    numbers, seed = graph.numbers, 1.0 / rows

    def batched(chunk: int | None = None) -> list[float]:
        _, grads = graph.batched(numbers, columns, seed, chunk=chunk)
        if device != "cpu":
            torch.cuda.synchronize()
        return grads

    steps: dict[str, Callable[[], Any]] = {"torch": batched}
    if rows > CHUNK:
        steps["chunks"] = functools.partial(batched, CHUNK)
    if rows <= SCALAR_MAX:
        table = [[*x, y] for x, y in zip(xs, ys)]
        sweep = functools.partial(graph.scalar.sweep, numbers, table, seed)
        steps["scalar"] = lambda: sweep()[1]
    return steps


def timed(
    graph: Graph, torch: Any, rows: int, device: str, repeats: int, clock: Callable[[], float]
) -> dict[str, float]:
    """Best times of both contenders at ``rows``, after checking that they agree."""
    steps = contenders(graph, torch, rows, device)
    results = {name: [float(g) for g in step()] for name, step in steps.items()}
    want = results.get("scalar", results["torch"])
    for name, got in results.items():
        for g, w in zip(got, want):
            assert abs(g - w) <= 1e-9 * max(1.0, abs(w)), f"{name} {g} != {w} at {rows} rows"
    return best_times(steps, repeats, clock)


def crossover(ratios: dict[int, float]) -> str:
    """Where scalar / torch passes 1, interpolated between grid points on log scales."""
    sizes = sorted(ratios)
    if ratios[sizes[0]] >= 1.0:
        return f"the batch is faster already at {sizes[0]} rows"
    for low, high in itertools.pairwise(sizes):
        if ratios[low] < 1.0 <= ratios[high]:
            a, b = math.log(ratios[low]), math.log(ratios[high])
            at = math.exp(math.log(low) + (math.log(high) - math.log(low)) * -a / (b - a))
            return f"about {at:,.0f} rows (between {low:,} and {high:,})"
    return f"none up to {sizes[-1]:,} rows: the scalar sweep stays faster"


def report(
    name: str, graph: Graph, torch: Any, device: str, repeats: int, clock: Callable[[], float]
) -> dict[str, Any]:
    print(f"{name}: {graph.nodes} nodes, {len(graph.numbers)} params")
    print(
        f"  {'rows':>10} {'scalar sweep':>14} {'torch batch':>13} {'scalar / torch':>15}"
        f" {f'torch, chunk={CHUNK:,}':>27}"
    )
    table: dict[int, dict[str, float]] = {}
    for rows in TABLE:
        best = timed(graph, torch, rows, device, repeats, clock)
        if "scalar" not in best:  # extrapolated linearly from the largest measured size
            best["scalar"] = table[SCALAR_MAX]["scalar"] * rows / SCALAR_MAX
        table[rows] = best
        mark = "*" if rows > SCALAR_MAX else " "
        chunks = best.get("chunks")
        shown = "" if chunks is None else f"{chunks * 1e3:.2f} ms ({best['scalar'] / chunks:.2f}x)"
        print(
            f"  {rows:>10,} {best['scalar'] * 1e3:>12.2f}{mark} ms {best['torch'] * 1e3:>10.2f} ms"
            f" {best['scalar'] / best['torch']:>14.2f}x {shown:>27}"
        )
    print(f"  * extrapolated from the scalar sweep's time at {SCALAR_MAX:,} rows (linear in rows)")
    ratios = {}
    for rows in GRID:
        best = timed(graph, torch, rows, device, repeats, clock)
        ratios[rows] = best["scalar"] / best["torch"]
    shown = "  ".join(f"{rows:,}: {r:.2f}x" for rows, r in ratios.items())
    print(f"  scalar / torch by rows: {shown}")
    print(f"  crossover: {crossover(ratios)}")
    return {"table": table, "ratios": ratios}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default="cpu", help="where the tensors are (cpu, cuda)")
    parser.add_argument("--threads", type=int, help="PyTorch's CPU threads (default: its own)")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="this process's CPU time, not wall time: steadier on a shared machine, and fair "
        "to PyTorch only with --threads 1 (its threads' times add up)",
    )
    args = parser.parse_args(argv)
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        print("bench.torch_batch skipped: PyTorch is not installed (pip install torch)")
        return {}
    if args.threads:
        torch.set_num_threads(args.threads)
    clock = time.process_time if args.cpu_time else time.perf_counter
    print(
        f"one full-batch gradient (mean squared error), compiled scalar sweep against the "
        f"batched PyTorch function; torch {torch.__version__}, {torch.get_num_threads()} "
        f"thread(s), float64 on {args.device}; {'CPU' if args.cpu_time else 'wall'} time, "
        f"best of {args.repeats} interleaved rounds"
    )
    results = {
        "xor": report(
            "XOR 2-2-1 sigmoid network, squared error",
            network(XOR_WEIGHTS, "sigmoid", "sigmoid"),
            torch,
            args.device,
            args.repeats,
            clock,
        ),
        "mlp": report(
            "micrograd's MLP 2-16-16-1 (ReLU, linear output), squared error",
            network(init_weights([2, 16, 16, 1]), "relu", "linear"),
            torch,
            args.device,
            args.repeats,
            clock,
        ),
    }
    return results


if __name__ == "__main__":
    main()
