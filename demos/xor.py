"""Exclusive-or: the first experiment of Rumelhart, Hinton & Williams (PDP Vol. 1, Ch. 8).

Network A (Ch. 8, Fig. 3): 2 inputs, 1 hidden unit, and 1 output unit that
sees the hidden unit AND both inputs directly. It is wired by hand from two
`nn.Neuron`s: backpropagation needs no layers, only the graph. The chapter
reports it learned in 558 sweeps with learning rate 0.5.

Network B: the usual 2-2-1 net. The chapter reports that in hundreds of runs
it stuck in a local minimum only twice (outputs near 0.5 for two patterns).

Both are trained by the paper's rule: the gradient of E = ½ Σ_c (y_c − d_c)²
summed over the four cases, then Δw(t) = −ε ∂E/∂w + α Δw(t−1). A net has
learned when every output is within 0.1 of its target (0 or 1).

It trains with the interpreter (its graph is the teaching object); --show-code
prints network A's forward and backward pass for one case as the Python code
`autograd.compile` writes from that graph.

--timeline FILE.html writes both nets' training as one page to scrub through, sweep by
sweep (`nn.Recorder`).

    python -m demos.xor [--seed S] [--runs N] [--lr 0.5] [--momentum 0.9] [--show-code]
        [--timeline FILE.html] [--quiet]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd import Compiled, Value, compile, explain, no_grad
from demos.common import (
    OUT_DIR,
    ResultTable,
    add_explain_flag,
    add_timeline_flag,
    add_training_flags,
    fit_until,
    make_parser,
    plot_learning_curve,
    print_units,
    progress,
    pyplot,
    report_written,
    save_figure,
    save_graph_svg,
    save_timeline,
    spread,
    timeline_recorder,
)
from nn.datasets import xor

CASES: list[tuple[list[float], float]] = list(zip(*xor()))
PAPER_SWEEPS_A = 558
LR = 0.5
MOMENTUM = 0.9
INIT_RANGE = 0.3
TOLERANCE = 0.1  # learned: every output within 0.1 of its target
DEFAULT_SEED = 1
DEFAULT_MAX_SWEEPS = 10_000


class ShortcutNet(nn.Module):
    """Network A: y = σ(v₁x₁ + v₂x₂ + u·h + c) with one hidden unit h = σ(w₁x₁ + w₂x₂ + b).

    Two neurons wired by hand: the output neuron's three inputs are the two
    inputs themselves and the hidden unit.
    """

    def __init__(self, seed: int | None = None) -> None:
        rng = random.Random(seed)
        init = nn.init.uniform(INIT_RANGE)
        self.hidden = nn.Neuron(2, init=init, rng=rng)
        self.output = nn.Neuron(3, init=init, rng=rng)

    def __call__(self, x: Sequence[float | Value]) -> Value:
        h = self.hidden(x)
        return self.output([x[0], x[1], h])


def network_b(seed: int) -> nn.MLP:
    """Network B: 2 inputs, 2 hidden units, 1 output, weights uniform in [−0.3, 0.3]."""
    return nn.MLP(2, [2, 1], init=nn.init.uniform(INIT_RANGE), seed=seed)


Net = Callable[[Sequence[float]], Value]


def outputs(model: Net) -> list[float]:
    with no_grad():
        return [model(x).data for x, _ in CASES]


def learned(ys: Sequence[float], tolerance: float = TOLERANCE) -> bool:
    return all(abs(y - d) < tolerance for y, (_, d) in zip(ys, CASES))


@dataclass
class Run:
    seed: int
    sweeps: int | None  # sweeps to learn, None if not learned
    errors: list[float]
    model: nn.Module


def train(
    model: nn.Module,
    seed: int,
    lr: float,
    momentum: float,
    max_sweeps: int,
    quiet: bool = True,
    record: nn.Recorder | None = None,
) -> Run:
    """Full-sweep training by the paper's rule (`nn.fit`) until learned or ``max_sweeps`` pass;
    ``record``: an `nn.Recorder` that keeps the training for a timeline."""
    inputs = [x for x, _ in CASES]
    targets = [d for _, d in CASES]
    done = nn.train.within(TOLERANCE, model, inputs, targets)  # type: ignore[arg-type]
    errors, learned_at = fit_until(
        model, inputs, targets, done, lr, momentum, max_sweeps, quiet, record=record
    )
    return Run(seed, learned_at, errors, model)


def _outputs_text(model: nn.Module) -> str:
    ys = outputs(model)  # type: ignore[arg-type]
    return ", ".join(f"{int(x[0])}{int(x[1])}→{y:.2f}" for y, (x, _) in zip(ys, CASES))


def _at_half(model: nn.Module) -> list[str]:
    """The patterns whose output is within 0.05 of 0.5 (the chapter's stuck outputs)."""
    ys = outputs(model)  # type: ignore[arg-type]
    return [f"{int(x[0])}{int(x[1])}" for y, (x, _) in zip(ys, CASES) if abs(y - 0.5) < 0.05]


def _weights_text(model: nn.Module) -> str:
    named = list(model.named_parameters())
    width = max(len(n) for n, _ in named)
    return "\n".join(f"  {n.ljust(width)}  {p.data:+.3f}" for n, p in named)


def _sweeps_text(run: Run, max_sweeps: int) -> str:
    return f"{run.sweeps:,}" if run.sweeps else f"not learned in {max_sweeps:,}"


def report_one(a: Run, b: Run, args: argparse.Namespace, plots: bool) -> ResultTable:
    if not args.quiet:
        for name, run in (
            ("Network A (2-1-1 with direct connections)", a),
            ("Network B (2-2-1)", b),
        ):
            print(
                f"{name}: {_sweeps_text(run, args.sweeps)} sweeps; final E = {run.errors[-1]:.4f}"
            )
            print(f"  outputs: {_outputs_text(run.model)}")
            print("  learned weights:")
            print(_weights_text(run.model))
        print()
    t = ResultTable(
        f"XOR, ε = {args.lr}, α = {args.momentum}, starting weights ±{INIT_RANGE} "
        f"(seed {args.seed}); learned = every output within {TOLERANCE} of its target"
    )
    t.add("network A: sweeps to learn", f"{PAPER_SWEEPS_A:,}", _sweeps_text(a, args.sweeps))
    t.add("network A: outputs 00, 01, 10, 11", None, _outputs_text(a.model))
    t.add("network B: sweeps to learn", None, _sweeps_text(b, args.sweeps))
    t.add("network B: outputs 00, 01, 10, 11", None, _outputs_text(b.model))
    t.add(
        "learning rate ε",
        LR,
        args.lr,
    )
    t.add(
        "momentum α",
        None,
        args.momentum,
        note="not stated for Fig. 3; 0.9 as in the Nature paper's runs",
    )
    if plots:
        shown = [
            plot_learning_curve(
                {"network A (2-1-1 + direct)": a.errors, "network B (2-2-1)": b.errors},
                "xor_error.png",
                f"XOR: error per sweep (seed {args.seed})",
                log_y=True,
            ),
            plot_network_a(a.model, args.seed),
        ]
        report_written(shown, args.quiet)
    return t


def plot_network_a(model: nn.Module, seed: int, out_dir: Path = OUT_DIR) -> Path | None:
    """Network A drawn as in PDP Ch. 8, Fig. 3: units as circles with their bias inside,
    each connection labelled with its learned weight. None without matplotlib."""
    plt = pyplot()
    if plt is None:
        return None
    assert isinstance(model, ShortcutNet)
    h, o = model.hidden, model.output
    pos = {"x1": (0.0, 0.0), "x2": (2.0, 0.0), "h": (1.0, 1.0), "y": (1.0, 2.0)}
    edges = [
        ("x1", "h", h.w[0].data),
        ("x2", "h", h.w[1].data),
        ("x1", "y", o.w[0].data),
        ("x2", "y", o.w[1].data),
        ("h", "y", o.w[2].data),
    ]
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    for a, b, w in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "-|>", "lw": 1.0, "shrinkA": 17, "shrinkB": 17},
        )
        t = 0.42 if b == "y" and a != "h" else 0.5
        ax.text(
            x0 + t * (x1 - x0),
            y0 + t * (y1 - y0),
            f"{w:+.1f}",
            ha="center",
            va="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    for name, (x, y) in pos.items():
        ax.add_patch(plt.Circle((x, y), 0.22, facecolor="#eeeeee", edgecolor="k"))
        bias = {"h": h.b.data, "y": o.b.data}.get(name)
        label = name if bias is None else f"{name}\n{bias:+.1f}"
        ax.text(x, y, label, ha="center", va="center", fontsize=9)
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(-0.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"XOR network A after learning (seed {seed})\nbias inside each unit", fontsize=10)
    return save_figure(fig, "xor_network_a.png", out_dir)


def report_runs(
    a_runs: Sequence[Run], b_runs: Sequence[Run], args: argparse.Namespace
) -> ResultTable:
    seeds = f"{a_runs[0].seed}..{a_runs[-1].seed}"
    t = ResultTable(
        f"XOR over {len(a_runs)} seeds ({seeds}), ε = {args.lr}, α = {args.momentum}, "
        f"at most {args.sweeps:,} sweeps; learned = every output within {TOLERANCE}"
    )
    for name, runs, paper_solved, paper_sweeps in (
        ("network A", a_runs, None, f"{PAPER_SWEEPS_A:,} (one run)"),
        ("network B", b_runs, "all but 2 of hundreds", None),
    ):
        done = [r.sweeps for r in runs if r.sweeps is not None]
        t.add(
            f"{name}: runs that learned",
            paper_solved,
            f"{len(done)} of {len(runs)}",
            # "hundreds" of runs with 2 stuck: at most 1% stuck
            agrees=None if paper_solved is None else len(runs) - len(done) <= 0.01 * len(runs),
        )
        t.add(f"{name}: sweeps, min / median / max", paper_sweeps, spread(done))
    b_stuck = [r for r in b_runs if r.sweeps is None]
    if b_stuck:
        halves = [_at_half(r.model) for r in b_stuck]
        paper_minimum = sum(h == ["01", "11"] for h in halves)
        t.add(
            "network B: stuck runs with 01 and 11 at 0.5",
            "the chapter's local minimum",
            f"{paper_minimum} of {len(b_stuck)}",
            agrees=paper_minimum == len(b_stuck),
        )
    stuck = [(n, r) for n, runs in (("A", a_runs), ("B", b_runs)) for r in runs if r.sweeps is None]
    if stuck and not args.quiet:
        print("Runs that did not learn (network, seed: outputs for 00, 01, 10, 11):")
        for n, r in stuck:
            print(f"  {n}, seed {r.seed}: {_outputs_text(r.model)}")
        print()
    return t


# -- the gradient graph of one case, and the chain rule for one weight --


def show_backprop(model: ShortcutNet, quiet: bool, svg: bool, out_dir: Path = OUT_DIR) -> None:
    """Print ∂E/∂w for one weight step by step (`autograd.teach.explain`) on the case 10 → 1, and
    write the gradient graph of that case to out/xor_graph.svg (`autograd.draw_graph`)."""
    # The input units' outputs, named as the paper and the unit view name them.
    inputs = [Value(1.0, label="y1"), Value(0.0, label="y2")]
    error = nn.losses.sum_squared_error(model(inputs), 1.0)
    error.label = "E"
    weight = model.hidden.w[0]
    if not quiet:
        steps = explain(error, wrt=weight, params=model)
        symbol = next(s.symbol for s in steps if s.node is weight)  # the net's name: ∂E/∂w31
        print(f"The chain rule for {symbol} on the case y1 = 1, y2 = 0 → 1:")
        print(steps)
        print()
    if not svg:
        return
    model.zero_grad()  # so the drawing shows this case's gradients, not the last sweep's sum
    error.backward()
    save_graph_svg(error, model, "xor_graph.svg", quiet, out_dir)


def compiled_error(model: ShortcutNet) -> Compiled:
    """Network A's error on one case, E = ½ (y − d)², as generated forward and backward code.

    The inputs x1, x2 and the target d are the code's inputs; the five weights and
    two biases its parameters, so it gives E and ∂E/∂w for any case.
    """
    xs = [Value(1.0, label="x1"), Value(0.0, label="x2")]
    target = Value(1.0, label="d")
    error = nn.losses.sum_squared_error.traced(model(xs), [target])
    return compile(error, model.parameters(), [*xs, target])


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.xor", __doc__.splitlines()[0], DEFAULT_SEED)
    add_training_flags(parser, DEFAULT_MAX_SWEEPS, LR, MOMENTUM)
    add_explain_flag(parser)
    add_timeline_flag(parser)
    parser.add_argument(
        "--show-code",
        action="store_true",
        help="print network A's backward pass as the Python code autograd.compile writes",
    )
    args = parser.parse_args(argv)
    if args.explain and args.runs > 1:
        parser.error("--explain shows one run's net: give it without --runs")
    if args.timeline and args.runs > 1:
        parser.error("--timeline records one run: give it without --runs")
    if args.runs == 1:
        record_a = timeline_recorder(
            args, f"XOR network A, 2-1-1 with direct connections (seed {args.seed})"
        )
        record_b = timeline_recorder(args, f"XOR network B, 2-2-1 (seed {args.seed})")
        a = train(
            ShortcutNet(args.seed),
            args.seed,
            args.lr,
            args.momentum,
            args.sweeps,
            args.quiet,
            record_a,
        )
        b = train(
            network_b(args.seed),
            args.seed,
            args.lr,
            args.momentum,
            args.sweeps,
            args.quiet,
            record_b,
        )
        report_one(a, b, args, not args.no_plots).print()
        if record_b is not None:
            save_timeline(record_a, args.timeline, args.quiet, record_b)
        assert isinstance(a.model, ShortcutNet)
        show_backprop(a.model, args.quiet, svg=not args.no_plots)
        if args.show_code:
            print("Network A's forward and backward pass for one case, as generated code:")
            print(compiled_error(a.model).step_source)
        if args.explain:
            for name, model in (("A", a.model), ("B", b.model)):
                assert callable(model)
                error = nn.losses.sum_squared_error(model([1.0, 0.0]), 1.0)
                print_units(f"Network {name} after training, on the case 10 → 1:", error, model)
        return 0
    seeds = range(args.seed, args.seed + args.runs)
    a_runs, b_runs = [], []
    for s in progress(seeds, len(seeds), args.quiet, "xor runs"):
        a_runs.append(train(ShortcutNet(s), s, args.lr, args.momentum, args.sweeps))
        b_runs.append(train(network_b(s), s, args.lr, args.momentum, args.sweeps))
    report_runs(a_runs, b_runs, args).print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
