"""A float64 numpy replica of `demos.family_trees` training, for trying schedules on many seeds.

The engine runs 1,500 sweeps in several seconds (compiled); this replica does
the same sweeps (same network, starting weights, cases, errors, margins,
momentum and decay rule; the whole sweep as matrix products) in about a third
of a second, which is what makes a search over schedules and seeds affordable.
`tests/demos/test_family_trees_numpy.py` checks that it follows the engine's
training step for step, for both errors. It needs numpy (installed with
matplotlib by the ``plot`` extra).

    python -m demos.family_trees_numpy [--seeds 101-120] [--paper-settings]
        [--sweeps N] [--lr E] [--momentum A] [--init-range R] [--encoder-range R]
        [--biases random|zero] [--error squared|cross-entropy] [--decay D]
        [--decay-from SWEEP|learned] [--search]

``--search`` trains every schedule of `SEARCH_GRID` on the seeds (seeds 101-120
unless ``--seeds``), picks the one that learns all training cases in the most
of them (then in the fewest sweeps), and trains it again with each of its
deviations from the paper undone in turn: the search that chose the demo's
recipe, in about four minutes.

Only the training cases decide anything here: the held-out cases are not even
looked at, so a schedule chosen with this cannot be tuned to them.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from demos import family_trees as ft

Array = NDArray[np.float64]


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def weights_of(model: ft.FamilyTreeNet) -> list[Array]:
    """The model's parameters as [W, b] per layer, from the inputs to the outputs."""
    out: list[Array] = []
    for layer in (model.person, model.relationship, model.central, model.decoder, model.output):
        out.append(np.array([[w.data for w in n.w] for n in layer.neurons]))
        out.append(np.array([n.b.data for n in layer.neurons]))
    return out


@dataclass
class Replica:
    errors: list[float]
    learned_at: int | None
    train_correct: int
    weights: list[Array]


def train(seed: int, schedule: ft.Schedule = ft.RECIPE) -> Replica:
    """`demos.family_trees.train` on the training cases of ``seed``, in numpy."""
    cases, _ = ft.split(seed)
    model = ft.FamilyTreeNet.for_schedule(seed, schedule)
    cross_entropy = schedule.error == ft.CROSS_ENTROPY
    params = weights_of(model)
    deltas = [np.zeros_like(p) for p in params]
    person = np.array([e.person for e in cases])
    relation = np.array([e.relationship for e in cases])
    target = np.array([e.target for e in cases])
    on = target == 1.0
    n_codes = len(model.person.neurons)

    def forward(params: list[Array]) -> list[Array]:
        wp, bp, wr, br, wc, bc, wd, bd, wo, bo = params
        codes = np.concatenate(
            [_sigmoid(wp[:, person].T + bp), _sigmoid(wr[:, relation].T + br)], axis=1
        )
        central = _sigmoid(codes @ wc.T + bc)
        decoded = _sigmoid(central @ wd.T + bd)
        return [codes, central, decoded, _sigmoid(decoded @ wo.T + bo)]

    def n_correct(y: Array) -> int:
        return int(np.all((y > 0.5) == on, axis=1).sum())

    errors: list[float] = []
    learned_at: int | None = None
    keep = 1.0 - schedule.decay
    for t in range(schedule.sweeps):
        codes, central, decoded, y = forward(params)
        if learned_at is None and n_correct(y) == len(cases):
            learned_at = t
        if cross_entropy:  # ∂E/∂x = y − d outside the margins (`ft.margin_cross_entropy`)
            excess = np.log(ft.ON_MARGIN) - np.log(np.where(on, y, 1 - y))
            outside = excess > 0
            errors.append(float(np.sum(np.where(outside, excess, 0.0))))
            d_out = np.where(outside, y - target, 0.0)
        else:
            outside = np.where(on, y <= ft.ON_MARGIN, y >= ft.OFF_MARGIN)
            diff = np.where(outside, y - target, 0.0)
            errors.append(float(0.5 * np.sum(diff * diff)))
            d_out = diff * y * (1 - y)
        wp, wr, wc, wd, wo = params[0::2]  # the biases' gradients need no weights
        d_dec = (d_out @ wo) * decoded * (1 - decoded)
        d_cen = (d_dec @ wd) * central * (1 - central)
        d_codes = (d_cen @ wc) * codes * (1 - codes)
        d_person, d_relation = d_codes[:, :n_codes], d_codes[:, n_codes:]
        g_wp = np.zeros_like(wp)
        np.add.at(g_wp.T, person, d_person)  # one-hot inputs: only the unit that is on
        g_wr = np.zeros_like(wr)
        np.add.at(g_wr.T, relation, d_relation)
        grads = [
            *(g_wp, d_person.sum(0), g_wr, d_relation.sum(0)),
            *(d_cen.T @ codes, d_cen.sum(0), d_dec.T @ central, d_dec.sum(0)),
            *(d_out.T @ decoded, d_out.sum(0)),
        ]
        lr, momentum = (
            (ft.WARMUP_LR, ft.WARMUP_MOMENTUM)
            if t < ft.WARMUP_SWEEPS
            else (schedule.lr, schedule.momentum)
        )
        deltas = [-lr * g + momentum * d for g, d in zip(grads, deltas)]
        params = [p + d for p, d in zip(params, deltas)]
        if schedule.decaying(t, learned_at):
            params = [p * keep for p in params]
    return Replica(errors, learned_at, n_correct(forward(params)[-1]), params)


#: The schedules ``--search`` tries: each error with its own steps ε, starting weights
#: ±1 with the encoding units' at ±1, ±2 or ±3, biases drawn or 0; α = 0.9, and the
#: decay once the training cases are learned (the paper's from sweep 1 leaves every
#: schedule on the plateau). The paper's schedule and the recipe before this search
#: are tried as well.
SEARCH_GRID: list[ft.Schedule] = [
    dataclasses.replace(ft.RECIPE, error=error, lr=lr, encoder_range=encoder, biases=biases)
    for error, lrs in ((ft.SQUARED, (0.03, 0.05)), (ft.CROSS_ENTROPY, (0.005, 0.01, 0.02)))
    for lr, encoder, biases in itertools.product(lrs, (1.0, 2.0, 3.0), (ft.RANDOM, ft.ZERO))
]
#: The demo's recipe until this search (±1.5 everywhere, the squared error, ε = 0.05).
FORMER_RECIPE = ft.Schedule(1.5, 0.05, 0.9, 0.002, ft.LEARNED)


@dataclass
class Tried:
    """One schedule over the search's seeds: the sweeps each needed to learn (None: never)."""

    schedule: ft.Schedule
    learned_at: list[int | None]

    @property
    def learned(self) -> int:
        return sum(t is not None for t in self.learned_at)

    @property
    def median(self) -> float | None:
        done = [t for t in self.learned_at if t is not None]
        return statistics.median(done) if done else None

    def rank(self) -> tuple[int, float]:
        """Best first: the most seeds learned, then the fewest sweeps."""
        return (-self.learned, self.median if self.median is not None else float("inf"))


def describe(schedule: ft.Schedule) -> str:
    """A schedule in a few words: error, ε, starting weights, biases, decay."""
    if dataclasses.replace(schedule, sweeps=ft.PAPER.sweeps) == ft.PAPER:
        return "the paper's schedule"
    encoder = f"±{schedule.encoder_start:g}"
    decay = "once learned" if schedule.decay_from == ft.LEARNED else f"from {schedule.decay_from}"
    return (
        f"{schedule.error:<13}  ε {schedule.lr:<5g}  encoders {encoder:<4}  "
        f"others ±{schedule.init_range:<3g}  biases {schedule.biases:<6}  decay {decay}"
    )


def try_all(schedules: Sequence[ft.Schedule], seeds: Sequence[int]) -> list[Tried]:
    return [Tried(s, [train(seed, s).learned_at for seed in seeds]) for s in schedules]


def undone(schedule: ft.Schedule) -> list[tuple[str, ft.Schedule]]:
    """``schedule`` with each of its deviations from the paper undone, one at a time."""
    paper = ft.PAPER
    knobs: list[tuple[str, dict[str, object]]] = [
        ("the squared error (the paper's)", {"error": paper.error}),
        (f"ε = {paper.lr:g} (the paper's)", {"lr": paper.lr}),
        (f"α = {paper.momentum:g} (the paper's)", {"momentum": paper.momentum}),
        (
            f"the encoding units' weights as the others' (±{schedule.init_range:g})",
            {"encoder_range": None},
        ),
        (
            f"all weights ±{paper.init_range:g}",
            {"init_range": paper.init_range, "encoder_range": None},
        ),
        ("biases drawn like the weights", {"biases": paper.biases}),
        ("the decay from sweep 1 (the paper's)", {"decay_from": paper.decay_from}),
    ]
    out = []
    for what, change in knobs:
        changed = dataclasses.replace(schedule, **change)  # type: ignore[arg-type]
        if changed != schedule:
            out.append((what, changed))
    return out


def _row(label: str, t: Tried, n: int) -> str:
    median = "" if t.median is None else f"median {t.median:,g} sweeps"
    return f"{label}  {t.learned:>2} of {n}  {median}"


def search(
    seeds: Sequence[int],
    schedules: Sequence[ft.Schedule] = SEARCH_GRID,
    references: Sequence[ft.Schedule] = (ft.PAPER, FORMER_RECIPE),
) -> ft.Schedule:
    """Print the search's table and return the schedule it picks (see module docstring).

    ``references`` are trained and shown too, but not chosen from.
    """
    n = len(seeds)
    print(f"Seeds {seeds[0]}-{seeds[-1]}: runs that learned all training cases within the sweeps")
    tried = try_all([*references, *schedules], seeds)
    best = min(tried[len(references) :], key=Tried.rank)
    width = max(len(describe(t.schedule)) for t in tried)
    for t in tried:
        mark = "  ← chosen" if t is best else ""
        label = describe(t.schedule) + (" (former recipe)" if t.schedule == FORMER_RECIPE else "")
        label += "" if t.schedule.sweeps == ft.PAPER_SWEEPS else f" ({t.schedule.sweeps} sweeps)"
        print(_row(label.ljust(width + 16), t, n) + mark)
    print()
    print("The chosen schedule with one of its deviations from the paper undone:")
    changes = undone(best.schedule)
    width = max(len(what) for what, _ in changes)
    for (what, _), t in zip(changes, try_all([s for _, s in changes], seeds)):
        print(_row(what.ljust(width), t, n))
    return best.schedule


def seed_range(text: str) -> range:
    """An argparse type: "A-B" (both included) or a single seed "A"."""
    first, _, last = text.partition("-")
    try:
        return range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seeds as A-B, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos.family_trees_numpy", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seeds", type=seed_range, default=range(101, 121))
    parser.add_argument("--paper-settings", action="store_true")
    parser.add_argument(
        "--search",
        action="store_true",
        help="try every schedule of the search grid, pick the best, undo its deviations in turn",
    )
    ft.add_schedule_flags(parser)
    args = parser.parse_args(argv)
    if args.search:
        chosen = search(args.seeds)
        print(f"\nchosen: {chosen}" + (" (the demo's recipe)" if chosen == ft.RECIPE else ""))
        return 0
    schedule = ft.schedule_from(args)
    results = [train(seed, schedule) for seed in args.seeds]
    learned = [r.learned_at for r in results if r.learned_at is not None]
    print(f"{schedule}")
    print(
        f"learned all training cases: {len(learned)} of {len(results)}"
        + (f", median {statistics.median(learned):g} sweeps" if learned else "")
    )
    print("per seed (sweeps to learn / training cases right at the end):")
    for seed, r in zip(args.seeds, results):
        print(f"  {seed}: {r.learned_at if r.learned_at is not None else '-'} / {r.train_correct}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
