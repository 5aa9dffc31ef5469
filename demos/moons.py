"""micrograd's two-moons demo, with this library.

A 2-16-16-1 net (ReLU hidden units, a linear output unit whose sign is the
class) on 100 points of two interleaving half circles, trained full-batch for
100 steps on the max-margin (hinge) loss plus an L2 penalty,

    L = mean_i max(0, 1 − d_i·y_i) + 10⁻⁴ Σ_w w²,

by plain gradient descent with a learning rate falling from 1.0 to 0.1 (as in
micrograd's ``demo.ipynb``). Prints the loss and accuracy at each step and
draws the decision boundary.

Each step adds up the hinge loss case by case (`nn.train.accumulator`), by
compiled code unless --no-compile (the same numbers, bit for bit), then the
penalty's gradient from its own small graph.

--timeline FILE.html writes the training as a page to scrub through, step by step
(`nn.Recorder`), the boundary redrawn at each keyframe.

    python -m demos.moons [--seed S] [--data-seed S] [--steps N] [--no-compile]
        [--timeline FILE.html] [--quiet]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd import Value, no_grad
from demos.common import (
    OUT_DIR,
    ResultTable,
    add_compile_flag,
    add_timeline_flag,
    fastest_backend,
    log,
    make_parser,
    output_reader,
    positive_int,
    pyplot,
    report_written,
    save_figure,
    save_timeline,
    sweeps,
    timeline_recorder,
)
from nn.datasets import two_moons

ALPHA = 1e-4
STEPS = 100
N_POINTS = 100
DEFAULT_SEED = 1


def build(seed: int) -> nn.MLP:
    return nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=seed)


def loss_and_accuracy(
    model: nn.MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]
) -> tuple[Value, float]:
    """The hinge loss plus L2 penalty over all points, and the fraction classified right."""
    scores: list[Value] = [model(x) for x in xs]  # type: ignore[misc]
    data_loss = nn.losses.hinge.batch(scores, ys)
    penalty = ALPHA * sum((p * p for p in model.parameters()), Value(0.0))
    right = sum((s.data > 0) == (d > 0) for s, d in zip(scores, ys))
    return data_loss + penalty, right / len(ys)


@dataclass
class Run:
    model: nn.MLP
    losses: list[float]
    accuracies: list[float]
    seconds: float


def train(
    seed: int,
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    steps: int,
    quiet: bool,
    compile: bool = True,
    record: nn.Recorder | None = None,
) -> Run:
    """Full-batch steps on L; the hinge part case by case, compiled unless ``compile`` is False.
    ``record``: an `nn.Recorder` that keeps the training for a timeline (its error is L)."""
    model = build(seed)
    params = model.parameters()
    opt = nn.SGD(params, lr=1.0)
    data_gradient = nn.train.accumulator(
        model, xs, ys, nn.losses.hinge, compile and fastest_backend()
    )
    if record is not None:
        record.start(model, xs, ys, nn.losses.hinge, params)
    scores = output_reader(model, xs, compile)
    everyone = range(len(xs))
    losses, accs = [], []
    start = time.perf_counter()
    for k in sweeps(steps, quiet, desc="moons"):
        right = sum((s > 0) == (d > 0) for s, d in zip(scores(), ys))
        opt.zero_grad()
        data_loss = data_gradient(everyone) / len(xs)
        penalty = ALPHA * sum((p * p for p in params), Value(0.0))
        penalty.backward()
        loss = data_loss + penalty.data
        if record is not None:  # the step's gradient is in .grad; the weights not yet changed
            record.sweep(loss)
        opt.lr = 1.0 - 0.9 * k / steps  # micrograd's schedule: 1.0 down to 0.1
        opt.step()
        losses.append(loss)
        accs.append(right / len(ys))
        log(f"step {k:3d}  loss {loss:.4f}  accuracy {accs[-1]:.0%}", quiet)
    if record is not None:
        record.finish()  # the last step's gradient is still in .grad
    return Run(model, losses, accs, time.perf_counter() - start)


def plot_boundary(
    model: nn.MLP,
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    seed: int,
    out_dir: Path = OUT_DIR,
) -> Path | None:
    """The points and the regions the net assigns to each class; None without matplotlib."""
    plt = pyplot()
    if plt is None:
        return None
    x0s = [p[0] for p in xs]
    x1s = [p[1] for p in xs]
    lo0, hi0 = min(x0s) - 0.5, max(x0s) + 0.5
    lo1, hi1 = min(x1s) - 0.5, max(x1s) + 0.5
    n = 80
    g0 = [lo0 + (hi0 - lo0) * i / (n - 1) for i in range(n)]
    g1 = [lo1 + (hi1 - lo1) * j / (n - 1) for j in range(n)]
    with no_grad():
        z = [[model([a, b]).data for a in g0] for b in g1]  # type: ignore[union-attr]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.contourf(g0, g1, z, levels=[-1e9, 0.0, 1e9], colors=["#f4b6b6", "#b6cdf4"], alpha=0.8)
    ax.contour(g0, g1, z, levels=[0.0], colors="k", linewidths=0.8)
    for label, color in ((1.0, "#1f4fb4"), (-1.0, "#b41f1f")):
        pts = [p for p, d in zip(xs, ys) if d == label]
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=18,
            c=color,
            edgecolors="k",
            linewidths=0.4,
            label=f"class {label:+.0f}",
        )
    ax.set_title(f"Two moons: decision boundary of a 2-16-16-1 net (seed {seed})")
    ax.legend(loc="upper right", fontsize=8)
    return save_figure(fig, "moons_boundary.png", out_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.moons", __doc__.splitlines()[0], DEFAULT_SEED)
    parser.add_argument("--data-seed", type=int, default=1, help="seed of the 100 points")
    parser.add_argument("--steps", type=positive_int, default=STEPS, help="gradient steps")
    add_compile_flag(parser)
    add_timeline_flag(parser)
    args: argparse.Namespace = parser.parse_args(argv)
    xs, ys = two_moons(N_POINTS, noise=0.1, seed=args.data_seed)
    record = timeline_recorder(args, f"two moons, 2-16-16-1 ReLU (seed {args.seed})")
    run = train(args.seed, xs, ys, args.steps, args.quiet, not args.no_compile, record)
    _, final_acc = loss_and_accuracy(run.model, xs, ys)
    t = ResultTable(
        f"Two moons, 2-16-16-1 ReLU, hinge + L2, {args.steps} steps "
        f"(seed {args.seed}, data seed {args.data_seed})"
    )
    t.add(
        "accuracy after training",
        None,
        f"{final_acc:.0%}",
        note="micrograd's demo notebook ends at 100% on its own draw of the points",
    )
    t.add("final loss", None, f"{run.losses[-1]:.4f}")
    t.add("steps to 100% accuracy", None, _first_full(run.accuracies))
    t.add(
        "training time",
        None,
        f"{run.seconds:.1f} s ({run.seconds / args.steps * 1000:.0f} ms per step)",
    )
    if not args.no_plots:
        report_written([plot_boundary(run.model, xs, ys, args.seed)], args.quiet)
    t.print()
    save_timeline(record, args.timeline, args.quiet)
    return 0


def _first_full(accs: Sequence[float]) -> str:
    for k, a in enumerate(accs):
        if a == 1.0:
            return f"step {k}"
    return "never"


if __name__ == "__main__":
    raise SystemExit(main())
