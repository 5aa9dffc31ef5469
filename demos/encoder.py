"""The 8-3-8 encoder problem (Rumelhart, Hinton & Williams, PDP Vol. 1, Ch. 8).

Eight input units, three hidden units, eight output units; the eight patterns
each turn one input unit on, and the output must copy the input. All the
information has to squeeze through three hidden units, and the chapter's point
is that backpropagation invents a code for them: roughly binary, a different
corner of the cube for each pattern, as if it had rediscovered 3-bit numbers.

"Roughly binary" is checked as: at least 3/4 of the 24 hidden values within
0.2 of 0 or 1 (a threshold of this demo, not the paper's).

Trained by the paper's rule: the gradient of E = ½ Σ (y − d)² summed over the
eight patterns, then Δw(t) = −ε ∂E/∂w + α Δw(t−1), with the ε = 0.1, α = 0.9
of the Nature paper's symmetry run (the chapter gives no ε for this net).
Learned means every output within 0.1 of its target. --timeline FILE.html writes the
training as a page to scrub through, sweep by sweep (`nn.Recorder`): the hidden units'
code for each pattern can be watched as it moves to the corners of the cube.

    python -m demos.encoder [--seed S] [--sweeps N] [--lr 0.1] [--momentum 0.9]
        [--timeline FILE.html] [--quiet]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import nn
from autograd import no_grad
from demos.common import (
    Panel,
    ResultTable,
    add_explain_flag,
    add_timeline_flag,
    add_training_flags,
    fit_until,
    format_matrix,
    make_parser,
    plot_hinton,
    plot_learning_curve,
    print_units,
    progress,
    report_written,
    save_timeline,
    spread,
    timeline_recorder,
)

N = 8
HIDDEN = 3
LR = 0.1  # the Nature paper's ε for full-sweep training; 0.5 with α = 0.9 overshoots here
MOMENTUM = 0.9
INIT_RANGE = 0.3
TOLERANCE = 0.1
DEFAULT_SEED = 1
DEFAULT_MAX_SWEEPS = 10_000


def patterns(n: int = N) -> list[list[float]]:
    """The ``n`` one-hot patterns: pattern i has unit i on; each is its own target."""
    return [[1.0 if j == i else 0.0 for j in range(n)] for i in range(n)]


def build(seed: int) -> nn.MLP:
    return nn.MLP(N, [HIDDEN, N], init=nn.init.uniform(INIT_RANGE), seed=seed)


def hidden_codes(model: nn.MLP) -> list[list[float]]:
    """The three hidden activities for each of the eight patterns."""
    with no_grad():
        return [[h.data for h in model.layers[0](x)] for x in patterns()]


def outputs(model: nn.MLP) -> list[list[float]]:
    with no_grad():
        return [[y.data for y in model(x)] for x in patterns()]  # type: ignore[union-attr]


@dataclass
class Run:
    seed: int
    sweeps: int | None
    errors: list[float]
    model: nn.MLP


def train(
    seed: int,
    lr: float,
    momentum: float,
    max_sweeps: int,
    quiet: bool = True,
    record: nn.Recorder | None = None,
) -> Run:
    """Full-sweep training by the paper's rule (`nn.fit`) until learned or ``max_sweeps``
    pass; ``record``: an `nn.Recorder` that keeps the training for a timeline."""
    model = build(seed)
    cases = patterns()
    done = nn.train.within(TOLERANCE, model, cases, cases)
    errors, learned_at = fit_until(
        model, cases, cases, done, lr, momentum, max_sweeps, quiet, record=record
    )
    return Run(seed, learned_at, errors, model)


@dataclass
class CodeSummary:
    binary: list[str]  # each code rounded to 0/1, as "101"
    distinct: int  # how many different rounded codes
    mean_distance: float  # mean |h − round(h)| over all 24 hidden values (0 = exactly binary)
    near_binary: int  # hidden values within 0.2 of 0 or 1


def summarize(codes: Sequence[Sequence[float]]) -> CodeSummary:
    binary = ["".join("1" if h > 0.5 else "0" for h in code) for code in codes]
    flat = [h for code in codes for h in code]
    dist = [min(h, 1.0 - h) for h in flat]
    return CodeSummary(
        binary=binary,
        distinct=len(set(binary)),
        mean_distance=sum(dist) / len(dist),
        near_binary=sum(d < 0.2 for d in dist),
    )


def report(run: Run, args: argparse.Namespace) -> ResultTable:
    codes = hidden_codes(run.model)
    s = summarize(codes)
    if not args.quiet:
        done = f"{run.sweeps:,}" if run.sweeps else f"not learned in {args.sweeps:,}"
        print(f"Sweeps: {done}; final E = {run.errors[-1]:.4f}")
        print("Hidden codes (pattern: h1 h2 h3, rounded):")
        rows = format_matrix(codes, [f"pattern {i + 1}" for i in range(N)]).splitlines()
        for row, b in zip(rows, s.binary):
            print(f"  {row}   {b}")
        print()
    t = ResultTable(
        f"8-3-8 encoder, ε = {args.lr}, α = {args.momentum} (seed {run.seed}); "
        f"learned = every output within {TOLERANCE} of its target"
    )
    t.add(
        "sweeps to learn",
        None,
        f"{run.sweeps:,}" if run.sweeps else f"not learned in {args.sweeps:,}",
    )
    t.add(
        "distinct hidden codes (rounded to 0/1)",
        None,
        f"{s.distinct} of {N}",
    )
    t.add(
        "hidden values within 0.2 of 0 or 1",
        "roughly binary",
        f"{s.near_binary} of {N * HIDDEN} (mean distance {s.mean_distance:.2f})",
        agrees=s.near_binary >= N * HIDDEN * 3 // 4,
        note="" if s.near_binary >= N * HIDDEN * 3 // 4 else "less binary than the paper's",
    )
    t.add("codes", None, " ".join(s.binary))
    if not args.no_plots:
        shown = [
            plot_hinton(
                [
                    Panel(
                        "hidden activities (0 to 1)",
                        codes,
                        ["h1", "h2", "h3"],
                        [f"pattern {i + 1}" for i in range(N)],
                        scale=1.0,
                    ),
                    Panel(
                        "input → hidden weights",
                        [[n.w[i].data for n in run.model.layers[0].neurons] for i in range(N)],
                        ["h1", "h2", "h3"],
                        [f"x{i + 1}" for i in range(N)],
                    ),
                ],
                "encoder_codes.png",
                f"8-3-8 encoder (seed {run.seed})",
            ),
            plot_learning_curve(
                {"E": run.errors},
                "encoder_error.png",
                f"8-3-8 encoder: error per sweep (seed {run.seed})",
                log_y=True,
            ),
        ]
        report_written(shown, args.quiet)
    return t


def report_runs(runs: Sequence[Run], args: argparse.Namespace) -> ResultTable:
    done = [r.sweeps for r in runs if r.sweeps is not None]
    distinct = sum(summarize(hidden_codes(r.model)).distinct == N for r in runs)
    seeds = f"{runs[0].seed}..{runs[-1].seed}"
    t = ResultTable(
        f"8-3-8 encoder over {len(runs)} seeds ({seeds}), ε = {args.lr}, α = {args.momentum}, "
        f"at most {args.sweeps:,} sweeps"
    )
    t.add("runs that learned (every output within 0.1)", None, f"{len(done)} of {len(runs)}")
    t.add("sweeps to learn, min / median / max", None, spread(done))
    t.add("runs with 8 distinct rounded codes", None, f"{distinct} of {len(runs)}")
    return t


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.encoder", __doc__.splitlines()[0], DEFAULT_SEED)
    add_training_flags(parser, DEFAULT_MAX_SWEEPS, LR, MOMENTUM)
    add_explain_flag(parser)
    add_timeline_flag(parser)
    args = parser.parse_args(argv)
    if args.explain and args.runs > 1:
        parser.error("--explain shows one run's net: give it without --runs")
    if args.timeline and args.runs > 1:
        parser.error("--timeline records one run: give it without --runs")
    if args.runs > 1:
        seeds = range(args.seed, args.seed + args.runs)
        runs = [
            train(s, args.lr, args.momentum, args.sweeps)
            for s in progress(seeds, len(seeds), args.quiet, "encoder runs")
        ]
        report_runs(runs, args).print()
        return 0
    record = timeline_recorder(args, f"the 8-3-8 encoder (seed {args.seed})")
    run = train(args.seed, args.lr, args.momentum, args.sweeps, args.quiet, record)
    report(run, args).print()
    save_timeline(record, args.timeline, args.quiet)
    if args.explain:
        first = patterns()[0]
        error = nn.losses.sum_squared_error(run.model(first), first)
        print_units(
            "After training, the first pattern (unit 1 on) through the net:", error, run.model
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
