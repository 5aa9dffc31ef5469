"""Iterative nets: Rumelhart, Hinton & Williams (1986), Nature 323, Fig. 5, and PDP Vol. 1, Ch. 8.

A synchronous iterative net run for T steps is a layered net with T copies of
the same weights, and the gradient for a weight is the sum of the gradients of
its T copies. In this engine that needs no code of its own: the net below uses
the same weight Values at every step, and ``backward`` adds up what flows back
through each use, so the sum over time steps happens by itself.

The task is the chapter's "learning to be a shift register": three fully
connected logistic units, each of which also sees an external input bit x_t.
After step t unit 1 should hold x_t, unit 2 the previous bit x_{t-1} and unit 3
the one before, x_{t-2}: each unit must copy its neighbour's state of one step
earlier. Trained on all 2^T input sequences of T = 4 bits, by the paper's rule
(the gradient of E = ½ Σ (s − d)² summed over all sequences and steps, then
Δw(t) = −ε ∂E/∂w + α Δw(t−1)); learned means every unit within 0.1 of its target
at every step where it has one.

    python -m demos.iterative [--seed S] [--sweeps N] [--lr E] [--momentum A] [--quiet]
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd import Value, explain, no_grad
from demos.common import (
    OUT_DIR,
    Panel,
    ResultTable,
    accumulate_sweep,
    add_training_flags,
    format_matrix,
    make_parser,
    plot_hinton,
    plot_learning_curve,
    report_written,
    save_graph_svg,
    spread,
    sweeps,
)

N_UNITS = 3
STEPS = 4
LR, MOMENTUM = 0.1, 0.9  # the Nature paper's full-sweep ε and α (symmetry net)
INIT_RANGE = 0.5
TOLERANCE = 0.1
MAX_SWEEPS = 3000
DEFAULT_SEED = 1

Sequence_ = tuple[float, ...]


class ShiftRegisterNet(nn.Module):
    """Three logistic units, each fed by all three units' previous states and the input bit.

    ``units`` is one `nn.Layer` (4 inputs → 3 units): 12 weights and 3 biases,
    the only parameters. Running the net for T steps calls that same layer T
    times, so every step uses the very same weight Values.
    """

    def __init__(self, seed: int | None = None, init_range: float = INIT_RANGE) -> None:
        self.units = nn.Layer(
            N_UNITS + 1, N_UNITS, init=nn.init.uniform(init_range), rng=random.Random(seed)
        )

    def __call__(self, bits: Sequence[float]) -> list[list[Value]]:
        """The three units' states after each step, for input ``bits`` (all units start at 0)."""
        return unroll([self.units] * len(bits), bits)


def unroll(steps: Sequence[nn.Layer], bits: Sequence[float]) -> list[list[Value]]:
    """Run the net one step per layer of ``steps``: layer t maps (states, x_t) to new states.

    Passing the same layer T times is the iterative net; passing T separate
    layers is the equivalent layered net with untied weights (Fig. 5).
    """
    state: list[float | Value] = [0.0] * N_UNITS
    states = []
    for layer, x in zip(steps, bits, strict=True):
        new = layer([*state, x])
        states.append(new)
        state = list(new)
    return states


def all_sequences(steps: int = STEPS) -> list[Sequence_]:
    """Every sequence of ``steps`` input bits (0.0 or 1.0): 2^steps of them."""
    return [tuple(float(b) for b in bits) for bits in itertools.product((0, 1), repeat=steps)]


def targets(bits: Sequence[float]) -> list[list[float | None]]:
    """What each unit should hold after each step: unit k the bit of k steps before (None
    where there is no such bit yet, so no error)."""
    return [[bits[t - k] if t >= k else None for k in range(N_UNITS)] for t in range(len(bits))]


def sequence_error(states: Sequence[Sequence[Value]], bits: Sequence[float]) -> Value:
    """E = ½ Σ_t Σ_k (s_t,k − d_t,k)² over the steps and units that have a target."""
    terms = [
        (s - d) * (s - d)
        for row, want in zip(states, targets(bits))
        for s, d in zip(row, want)
        if d is not None
    ]
    return 0.5 * sum(terms[1:], terms[0])


def sweep(net: ShiftRegisterNet, sequences: Sequence[Sequence_]) -> float:
    """One sweep: Σ E over ``sequences``, leaving ∂E/∂w summed over them in each ``.grad``."""

    def errors() -> Iterator[Value]:
        for bits in sequences:
            yield sequence_error(net(bits), bits)

    return accumulate_sweep(errors())


def worst_miss(net: ShiftRegisterNet, sequences: Sequence[Sequence_]) -> float:
    """The largest |s − d| over every sequence, step and unit with a target."""
    with no_grad():
        return max(
            abs(s.data - d)
            for bits in sequences
            for row, want in zip(net(bits), targets(bits))
            for s, d in zip(row, want)
            if d is not None
        )


@dataclass
class Run:
    net: ShiftRegisterNet
    errors: list[float]
    sweeps: int | None  # sweeps made before every unit was within TOLERANCE; None: never


def train(
    seed: int,
    lr: float = LR,
    momentum: float = MOMENTUM,
    max_sweeps: int = MAX_SWEEPS,
    quiet: bool = True,
) -> Run:
    """Full sweeps over all sequences until every unit is within `TOLERANCE` of its target."""
    net = ShiftRegisterNet(seed)
    data = all_sequences()
    opt = nn.SGD(net.parameters(), lr=lr, momentum=momentum)
    errors: list[float] = []
    for t in sweeps(max_sweeps, quiet, desc="shift register"):
        if worst_miss(net, data) < TOLERANCE:
            return Run(net, errors, t)
        opt.zero_grad()
        errors.append(sweep(net, data))
        opt.step()
    return Run(net, errors, None)


def copy_weights(net: ShiftRegisterNet) -> list[list[list[float]]]:
    """Each unit's incoming weights as [from unit 1, unit 2, unit 3, input, bias]."""
    return [[[*(w.data for w in n.w), n.b.data]] for n in net.units.neurons]


def chain(net: ShiftRegisterNet) -> list[int]:
    """For each unit, the input it leans on most: 0-2 a unit, 3 the external bit."""
    return [max(range(N_UNITS + 1), key=lambda i: abs(n.w[i].data)) for n in net.units.neurons]


def report(
    run: Run, seed: int, lr: float, momentum: float, quiet: bool, plots: bool
) -> ResultTable:
    net = run.net
    data = all_sequences()
    strongest = chain(net)
    is_register = strongest == [N_UNITS, 0, 1]
    if not quiet:
        names = ["unit 1", "unit 2", "unit 3"]
        print("Incoming weights (from unit 1, unit 2, unit 3, input x; bias):")
        rows = [[*(w.data for w in n.w), n.b.data] for n in net.units.neurons]
        print(format_matrix(rows, names))
        print()
    source = ["unit 1", "unit 2", "unit 3", "the input"]
    t = ResultTable(
        f"Shift register, 3 recurrent logistic units, T = {STEPS}, "
        f"ε = {lr:g}, α = {momentum:g} (seed {seed})"
    )
    t.add(
        "sweeps to learn (every unit within 0.1)",
        "not found",
        "not reached" if run.sweeps is None else f"{run.sweeps:,}",
        note="the chapter's figure could not be looked up here",
    )
    t.add("sequences", None, f"all {len(data)} of {STEPS} bits")
    t.add("largest miss |s − d| at the end", None, f"{worst_miss(net, data):.3f}")
    t.add(
        "each unit copies",
        "input → 1 → 2 → 3",
        " ; ".join(f"unit {u + 1} ← {source[i]}" for u, i in enumerate(strongest)),
        agrees=is_register,
        note="" if is_register else "not a clean chain",
    )
    t.add(
        "weights shared by the steps",
        "T copies",
        f"{len(net.parameters())} Values used at all {STEPS} steps",
        agrees=True,
    )
    if plots:
        paths = [
            plot_hinton(
                [
                    Panel(
                        f"unit {u + 1}",
                        [[*(w.data for w in n.w), n.b.data]],
                        col_labels=["u1", "u2", "u3", "x", "b"],
                    )
                    for u, n in enumerate(net.units.neurons)
                ],
                "iterative_weights.png",
                f"Shift register: incoming weights of the three units (seed {seed})",
            ),
            plot_learning_curve(
                {"E": run.errors},
                "iterative_error.png",
                f"Shift register: error per sweep (seed {seed})",
            ),
        ]
        report_written(paths, quiet)
    return t


# -- Fig. 5: the unrolled net, drawn, and the chain rule for one shared weight --


def figure5(steps: int = 3) -> tuple[Value, list[Value]]:
    """The paper's Fig. 5 net: two units a and b and four weights, run for ``steps`` steps.

    a_t = σ(w1·a_{t−1} + w2·b_{t−1}), b_t = σ(w3·a_{t−1} + w4·b_{t−1}), from
    a_0 = 1, b_0 = 0; E = ½ (a_T − 1)² + ½ b_T². Returns (E, [w1, w2, w3, w4]): each
    weight is one Value, used once per step.
    """
    w = [Value(x, label=f"w{i + 1}") for i, x in enumerate((0.5, -0.4, 0.8, 0.3))]
    a, b = Value(1.0, label="a0"), Value(0.0, label="b0")
    for t in range(1, steps + 1):
        a, b = (w[0] * a + w[1] * b).sigmoid(), (w[2] * a + w[3] * b).sigmoid()
        a.label, b.label = f"a{t}", f"b{t}"
    error = 0.5 * (a - 1.0) ** 2 + 0.5 * b**2
    error.label = "E"
    return error, w


def show_figure5(quiet: bool, svg: bool, out_dir: Path = OUT_DIR) -> None:
    """Print the chain rule for w1 (a sum over the three steps) and draw the unrolled net."""
    error, weights = figure5()
    if not quiet:
        step = next(
            s for s in explain(error, wrt=weights[0], params=weights) if s.node is weights[0]
        )
        print("Fig. 5 net run for 3 steps: ∂E/∂w1 sums one path per step that uses w1:")
        print(step)
        print()
    if not svg:
        return
    error.backward()
    save_graph_svg(error, weights, "iterative_unrolled.svg", quiet, out_dir)


def report_runs(runs: Sequence[Run], seed: int, lr: float, momentum: float) -> ResultTable:
    """The table of ``--runs N``: how many seeds learned, how fast, and with the chain."""
    done = [r.sweeps for r in runs if r.sweeps is not None]
    chains = sum(chain(r.net) == [N_UNITS, 0, 1] for r in runs)
    t = ResultTable(
        f"Shift register over {len(runs)} seeds ({seed}..{seed + len(runs) - 1}), "
        f"ε = {lr:g}, α = {momentum:g}"
    )
    t.add("runs that learned (every unit within 0.1)", None, f"{len(done)} of {len(runs)}")
    t.add(
        "sweeps to learn, min / median / max",
        "not found",
        spread(done),
        note="the chapter's figure could not be looked up here",
    )
    t.add("runs whose units copy input → 1 → 2 → 3", None, f"{chains} of {len(runs)}")
    return t


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.iterative", __doc__.splitlines()[0], DEFAULT_SEED)
    add_training_flags(parser, MAX_SWEEPS, LR, MOMENTUM)
    args: argparse.Namespace = parser.parse_args(argv)
    show_figure5(args.quiet, not args.no_plots)
    if args.runs > 1:
        seeds = range(args.seed, args.seed + args.runs)
        runs = [train(s, args.lr, args.momentum, args.sweeps, quiet=True) for s in seeds]
        report_runs(runs, args.seed, args.lr, args.momentum).print()
        return 0
    run = train(args.seed, args.lr, args.momentum, args.sweeps, args.quiet)
    report(run, args.seed, args.lr, args.momentum, args.quiet, not args.no_plots).print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
