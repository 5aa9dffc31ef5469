"""A float64 numpy replica of `demos.family_trees` training, for trying schedules on many seeds.

The engine runs 1,500 sweeps in about a minute; this replica does the same
sweeps (same network, starting weights, cases, margins, momentum and decay
rule; the whole sweep as matrix products) in about a quarter of a second,
which is what made a search over schedules and seeds affordable. `tests/test_demos.py` checks
that it follows the engine's training step for step. It needs numpy (installed
with matplotlib by the ``plot`` extra).

    python -m demos.family_trees_numpy [--seeds 101-120] [--paper-settings]
        [--sweeps N] [--lr E] [--momentum A] [--init-range R] [--decay D]
        [--decay-from SWEEP|learned]

Only the training cases decide anything here: the held-out cases are not even
looked at, so a schedule chosen with this cannot be tuned to them.
"""

from __future__ import annotations

import argparse
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
    model = ft.FamilyTreeNet(seed, schedule.init_range)
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
        outside = np.where(on, y <= ft.ON_MARGIN, y >= ft.OFF_MARGIN)
        diff = np.where(outside, y - target, 0.0)
        errors.append(float(0.5 * np.sum(diff * diff)))
        wp, wr, wc, wd, wo = params[0::2]  # the biases' gradients need no weights
        d_out = diff * y * (1 - y)
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
    ft.add_schedule_flags(parser)
    args = parser.parse_args(argv)
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
