"""Detecting mirror symmetry: Rumelhart, Hinton & Williams (1986), Nature 323, Fig. 1.

Six binary inputs, two hidden units, one output; all 64 input vectors, output
1 exactly when the vector is a palindrome (x_i = x_{7−i}). Weights change after
each full sweep through the 64 cases with ε = 0.1 and α = 0.9, starting uniform
in [−0.3, 0.3]. The paper reports 1,425 sweeps and a solution with a striking
structure: each hidden unit weighs mirror-image inputs equally and with
opposite signs, in the ratio 1:2:4 across the three pairs, so its total input is
exactly zero for a palindrome and non-zero otherwise; the two hidden units have
opposite patterns; both hidden biases are negative (a palindrome turns both
off) and the output bias is positive (the output is on only when both are off).

    python -m demos.symmetry [--seed S] [--sweeps N] [--runs N] [--no-compile]
        [--timeline FILE.html] [--quiet]

Training runs compiled code (`nn.fit(..., compile=True)`) unless --no-compile:
the same numbers either way, so 100 runs take well under a minute. --timeline FILE.html
writes the training as a page to scrub through, sweep by sweep (`nn.Recorder`): the
1 : 2 : 4 weights can be watched as they form.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import nn
from autograd import no_grad
from demos.common import (
    Panel,
    ResultTable,
    add_compile_flag,
    add_explain_flag,
    add_timeline_flag,
    add_training_flags,
    fit_until,
    format_matrix,
    make_parser,
    output_reader,
    plot_hinton,
    plot_learning_curve,
    print_units,
    progress,
    report_written,
    save_timeline,
    spread,
    timeline_recorder,
)
from nn.datasets import mirror_symmetry

PAPER_SWEEPS = 1425
LR = 0.1
MOMENTUM = 0.9
INIT_RANGE = 0.3
TOLERANCE = 0.1  # the criterion: every output within 0.1 of its target
DEFAULT_SEED = 1
DEFAULT_MAX_SWEEPS = 5000
PAIRS = ((0, 5), (1, 4), (2, 3))  # mirror positions, outermost first


def patterns() -> list[tuple[list[float], float]]:
    """All 64 six-bit vectors with target 1.0 for a palindrome, else 0.0 (8 palindromes)."""
    return list(zip(*mirror_symmetry(6)))


def build(seed: int) -> nn.MLP:
    """The 6-2-1 logistic net, weights and biases uniform in [−0.3, 0.3]."""
    return nn.MLP(6, [2, 1], init=nn.init.uniform(INIT_RANGE), seed=seed)


def outputs(model: nn.MLP, cases: Sequence[tuple[list[float], float]]) -> list[float]:
    with no_grad():
        return [model(x).data for x, _ in cases]  # type: ignore[union-attr]


@dataclass
class Run:
    seed: int
    sweeps_to_tolerance: int | None  # first sweep after which every output is within 0.1
    sweeps_to_half: int | None  # first sweep after which every output is on the right side
    sweeps_run: int
    errors: list[float]
    model: nn.MLP


def train(
    seed: int,
    max_sweeps: int,
    quiet: bool = True,
    compile: bool = True,
    record: nn.Recorder | None = None,
) -> Run:
    """Full-sweep backprop with momentum (`nn.fit`) until learned or ``max_sweeps`` pass.

    ``compile``: by generated code, checked by its compiled forward pass (the same
    numbers as the interpreter's, bit for bit). ``record``: an `nn.Recorder` that keeps
    the training for a timeline.
    """
    cases = patterns()
    inputs = [x for x, _ in cases]
    targets = [d for _, d in cases]
    model = build(seed)
    half: list[int] = []
    current_outputs = output_reader(model, inputs, compile)

    def done(sweep: int, error: float) -> bool:
        gaps = [abs(y - d) for y, d in zip(current_outputs(), targets)]
        if not half and max(gaps) < 0.5:
            half.append(sweep)
        return max(gaps) < TOLERANCE

    errors, learned_at = fit_until(
        model, inputs, targets, done, LR, MOMENTUM, max_sweeps, quiet, compile, record
    )
    return Run(seed, learned_at, half[0] if half else None, len(errors), errors, model)


@dataclass
class Structure:
    """How close a trained net is to the paper's solution."""

    asymmetry: float  # max over units and pairs of |w_i + w_mirror| / (|w_i| + |w_mirror|)
    ratios: list[list[float]]  # per hidden unit, the pair magnitudes sorted, over the smallest
    opposite_units: bool  # unit 2's weight signs are the negatives of unit 1's
    hidden_biases: list[float]
    output_bias: float

    @property
    def mirror_antisymmetric(self) -> bool:
        return self.asymmetry < 0.1

    @property
    def one_two_four(self) -> bool:
        """Sorted pair magnitudes within 25% of 1 : 2 : 4 for both hidden units."""
        return all(
            abs(r[1] / 2.0 - 1.0) < 0.25 and abs(r[2] / 4.0 - 1.0) < 0.25 for r in self.ratios
        )

    @property
    def found(self) -> bool:
        """All of the paper's structure: antisymmetry, 1:2:4, opposite units, bias signs."""
        return (
            self.mirror_antisymmetric
            and self.one_two_four
            and self.opposite_units
            and all(b < 0.0 for b in self.hidden_biases)
            and self.output_bias > 0.0
        )


def structure(model: nn.MLP) -> Structure:
    hidden = model.layers[0].neurons
    weights = [[w.data for w in n.w] for n in hidden]
    asym = 0.0
    ratios = []
    for w in weights:
        mags = []
        for i, j in PAIRS:
            size = abs(w[i]) + abs(w[j])
            asym = max(asym, abs(w[i] + w[j]) / size if size else 1.0)
            mags.append(size / 2.0)
        mags.sort()
        ratios.append([m / mags[0] if mags[0] else float("inf") for m in mags])
    opposite = all((a > 0) != (b > 0) for a, b in zip(weights[0], weights[1]))
    return Structure(
        asymmetry=asym,
        ratios=ratios,
        opposite_units=opposite,
        hidden_biases=[n.b.data for n in hidden],
        output_bias=model.layers[1].neurons[0].b.data,
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _ratio_text(r: Sequence[float]) -> str:
    return " : ".join(f"{x:.2f}" for x in r)


def report_one(run: Run, max_sweeps: int, quiet: bool, plots: bool) -> ResultTable:
    s = structure(run.model)
    hidden = run.model.layers[0].neurons
    out = run.model.layers[1].neurons[0]
    if not quiet:
        print(f"Sweeps run: {run.sweeps_run}, final error E = {run.errors[-1]:.4f}")
        print("Hidden weights (inputs 1..6), bias:")
        print(
            format_matrix(
                [[*(w.data for w in n.w), n.b.data] for n in hidden], ["hidden 1", "hidden 2"]
            )
        )
        print("Output weights (hidden 1, hidden 2), bias:")
        print(format_matrix([[*(w.data for w in out.w), out.b.data]], ["output"]))
        print()
    t = ResultTable(f"Mirror symmetry, 6-2-1, ε = {LR}, α = {MOMENTUM} (seed {run.seed})")
    solved = run.sweeps_to_tolerance
    t.add(
        "sweeps to learn (every output within 0.1)",
        f"{PAPER_SWEEPS:,}",
        f"{solved:,}" if solved else f"not within {max_sweeps:,}",
        "" if solved else "not learned: the paper's run learned",
    )
    t.add(
        "sweeps until all 64 on the right side of 0.5",
        None,
        f"{run.sweeps_to_half:,}" if run.sweeps_to_half else "never",
    )
    t.add(
        "mirror weights equal and opposite",
        "yes",
        f"{_yes(s.mirror_antisymmetric)} (worst |w_i+w_j|/(|w_i|+|w_j|) = {s.asymmetry:.3f})",
        agrees=s.mirror_antisymmetric,
    )
    t.add(
        "pair magnitudes, hidden 1",
        "1 : 2 : 4",
        _ratio_text(s.ratios[0]),
        agrees=s.one_two_four,
    )
    t.add(
        "pair magnitudes, hidden 2",
        "1 : 2 : 4",
        _ratio_text(s.ratios[1]),
        agrees=s.one_two_four,
    )
    t.add(
        "hidden units have opposite patterns",
        "yes",
        _yes(s.opposite_units),
    )
    hb = ", ".join(f"{b:+.2f}" for b in s.hidden_biases)
    neg = all(b < 0 for b in s.hidden_biases)
    t.add(
        "hidden biases",
        "negative",
        f"{'negative' if neg else 'not both negative'} ({hb})",
        agrees=neg,
    )
    pos = s.output_bias > 0
    t.add(
        "output bias",
        "positive",
        f"{'positive' if pos else 'not positive'} ({s.output_bias:+.2f})",
        agrees=pos,
    )
    t.add("found the paper's structure", "yes", _yes(s.found))
    if plots:
        inputs = ["x1", "x2", "x3", "x4", "x5", "x6", "bias"]
        paths = [
            plot_hinton(
                [
                    Panel(f"hidden {k + 1}", [[*(w.data for w in n.w), n.b.data]], inputs)
                    for k, n in enumerate(hidden)
                ]
                + [
                    Panel(
                        "output",
                        [[*(w.data for w in out.w), out.b.data]],
                        ["hidden 1", "hidden 2", "bias"],
                    )
                ],
                "symmetry_weights.png",
                f"Mirror symmetry: learned weights (seed {run.seed})",
                columns=1,
            ),
            plot_learning_curve(
                {"E": run.errors},
                "symmetry_error.png",
                f"Mirror symmetry: error per sweep (seed {run.seed})",
                log_y=True,
            ),
        ]
        report_written(paths, quiet)
    return t


def report_runs(runs: Sequence[Run], max_sweeps: int) -> ResultTable:
    learned = [r.sweeps_to_tolerance for r in runs if r.sweeps_to_tolerance is not None]
    found = sum(structure(r.model).found for r in runs if r.sweeps_to_tolerance is not None)
    seeds = f"{runs[0].seed}..{runs[-1].seed}"
    t = ResultTable(
        f"Mirror symmetry over {len(runs)} seeds ({seeds}), at most {max_sweeps:,} sweeps"
    )
    t.add("runs that learned (every output within 0.1)", None, f"{len(learned)} of {len(runs)}")
    t.add("sweeps to learn, min / median / max", f"{PAPER_SWEEPS:,} (one run)", spread(learned))
    if learned:
        t.add("mean sweeps to learn", None, f"{statistics.mean(learned):,.0f}")
    t.add("learned runs with the paper's structure", "yes (one run)", f"{found} of {len(learned)}")
    return t


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.symmetry", __doc__.splitlines()[0], DEFAULT_SEED)
    add_training_flags(parser, DEFAULT_MAX_SWEEPS)
    add_compile_flag(parser)
    add_explain_flag(parser)
    add_timeline_flag(parser)
    args: argparse.Namespace = parser.parse_args(argv)
    if args.explain and args.runs > 1:
        parser.error("--explain shows one run's net: give it without --runs")
    if args.timeline and args.runs > 1:
        parser.error("--timeline records one run: give it without --runs")
    plots = not args.no_plots
    compile = not args.no_compile
    if args.runs == 1:
        record = timeline_recorder(args, f"mirror symmetry, 6-2-1 (seed {args.seed})")
        run = train(args.seed, args.sweeps, args.quiet, compile, record)
        report_one(run, args.sweeps, args.quiet, plots).print()
        save_timeline(record, args.timeline, args.quiet)
        if args.explain:
            x, d = next((x, d) for x, d in patterns() if d == 1.0 and any(x))
            error = nn.losses.sum_squared_error(run.model(x), d)
            shown = "".join(str(int(v)) for v in x)
            print_units(f"After training, the symmetric case {shown} → 1:", error, run.model)
        return 0
    seeds = range(args.seed, args.seed + args.runs)
    runs = [
        train(s, args.sweeps, quiet=True, compile=compile)
        for s in progress(seeds, len(seeds), args.quiet, "symmetry runs")
    ]
    report_runs(runs, args.sweeps).print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
