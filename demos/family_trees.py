"""Learning family relationships: Rumelhart, Hinton & Williams (1986), Nature 323, Figs 2-4.

The input is a person (one of 24 units on) and a relationship (one of 12 units
on); the output should turn on the unit(s) of the person(s) who stand in that
relationship (Colin's aunts → Jennifer and Margaret). The facts come from the
two family trees in `demos.kinship`, 104 (person, relationship) cases.

The network, all logistic units: 24 person units → 6 units; 12 relationship
units → 6 units; both groups of 6 → 12 central units → 6 units → 24 output
units. Trained on 100 cases (4 held out) for 1,500 sweeps, the weights changed
after each sweep: ε = 0.005, α = 0.5 for the first 20 sweeps, then ε = 0.01,
α = 0.9, and after every change each weight decays by 0.2% (w ← 0.998·w). An
output unit's error counts as zero when a should-be-on unit is above 0.8 or a
should-be-off unit is below 0.2. A case is correct when its answer unit(s) are
above 0.5 and all others below.

    python -m demos.family_trees [--seed S] [--sweeps N] [--quiet]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import nn
from autograd import Value, no_grad
from demos import kinship
from demos.common import (
    Panel,
    ResultTable,
    accumulate_sweep,
    fraction,
    make_parser,
    plot_hinton,
    plot_learning_curve,
    positive_float,
    positive_int,
    report_written,
    sweeps,
)
from demos.kinship import PEOPLE, RELATIONSHIPS, Case

PAPER_SWEEPS = 1500
WARMUP_SWEEPS = 20
WARMUP_LR, WARMUP_MOMENTUM = 0.005, 0.5
LR, MOMENTUM = 0.01, 0.9
DECAY = 0.002  # each weight shrinks by 0.2% after each change
ON_MARGIN, OFF_MARGIN = 0.8, 0.2
INIT_RANGE = 0.3
N_HELD_OUT = 4
DEFAULT_SEED = 1


class FamilyTreeNet(nn.Module):
    """The paper's five-layer network (Fig. 3), every unit logistic.

    Attributes, in order from the inputs: ``person`` (24 → 6), ``relationship``
    (12 → 6), ``central`` (6 + 6 → 12), ``decoder`` (12 → 6), ``output`` (6 → 24).
    """

    def __init__(self, seed: int | None = None, init_range: float = INIT_RANGE) -> None:
        rng = random.Random(seed)
        init = nn.init.uniform(init_range)
        self.person = nn.Layer(len(PEOPLE), 6, init=init, rng=rng)
        self.relationship = nn.Layer(len(RELATIONSHIPS), 6, init=init, rng=rng)
        self.central = nn.Layer(12, 12, init=init, rng=rng)
        self.decoder = nn.Layer(12, 6, init=init, rng=rng)
        self.output = nn.Layer(6, len(PEOPLE), init=init, rng=rng)

    def __call__(self, person: int, relationship: int) -> list[Value]:
        """The 24 output activities for person number ``person`` and relationship ``relationship``.

        The input is a local code: one person unit and one relationship unit on,
        all others 0. So the total input of an encoding unit j is just
        w_j,person + b_j; the 23 (or 11) zero inputs add exactly 0 to it and get
        a gradient of exactly 0. Picking the one weight instead of summing 24
        products gives bit-identical numbers (see `dense_call`) with a fraction
        of the graph, which is most of what makes 1,500 sweeps take a minute.
        """
        codes = [(n.w[person] + n.b).sigmoid() for n in self.person.neurons] + [
            (n.w[relationship] + n.b).sigmoid() for n in self.relationship.neurons
        ]
        return self.output(self.decoder(self.central(codes)))

    def dense_call(self, person: Sequence[float], relationship: Sequence[float]) -> list[Value]:
        """The same network fed full 0/1 input vectors through every layer (slower)."""
        codes = [*self.person(person), *self.relationship(relationship)]
        return self.output(self.decoder(self.central(codes)))


def one_hot(index: int, size: int) -> list[float]:
    v = [0.0] * size
    v[index] = 1.0
    return v


@dataclass(frozen=True)
class Example:
    case: Case
    person: int  # index of the one person unit that is on
    relationship: int  # index of the one relationship unit that is on
    target: list[float]  # 1.0 for each correct answer, 0.0 for the other people


def encode(case: Case) -> Example:
    """A case as the network's input unit numbers and its (multi-hot) target vector."""
    target = [1.0 if p in case.answers else 0.0 for p in PEOPLE]
    return Example(case, PEOPLE.index(case.person), RELATIONSHIPS.index(case.relationship), target)


def split(seed: int, n_held_out: int = N_HELD_OUT) -> tuple[list[Example], list[Example]]:
    """(training, held out): ``n_held_out`` of the 104 cases chosen at random by ``seed``."""
    examples = [encode(c) for c in kinship.cases()]
    held = set(random.Random(seed).sample(range(len(examples)), n_held_out))
    train = [e for i, e in enumerate(examples) if i not in held]
    test = [e for i, e in enumerate(examples) if i in held]
    return train, test


def margin_error(outputs: Sequence[Value], target: Sequence[float]) -> Value | None:
    """E = ½ Σ_j (y_j − d_j)² over the units outside the margin; None when all are inside.

    A should-be-on unit above 0.8 and a should-be-off unit below 0.2 count as
    right (error zero), so the net is not pushed towards huge weights for
    outputs of exactly 1 and 0.
    """
    terms = [
        (y - d) * (y - d)
        for y, d in zip(outputs, target)
        if not (y.data > ON_MARGIN if d == 1.0 else y.data < OFF_MARGIN)
    ]
    if not terms:
        return None
    return 0.5 * sum(terms[1:], terms[0])


def is_correct(outputs: Sequence[float], target: Sequence[float]) -> bool:
    """Every answer unit above 0.5 and every other unit below 0.5."""
    return all((y > 0.5) == (d == 1.0) for y, d in zip(outputs, target))


def predict(model: FamilyTreeNet, example: Example) -> list[float]:
    with no_grad():
        return [y.data for y in model(example.person, example.relationship)]


def _errors(model: FamilyTreeNet, examples: Sequence[Example]) -> Iterator[Value]:
    for e in examples:
        err = margin_error(model(e.person, e.relationship), e.target)
        if err is not None:
            yield err


@dataclass
class Result:
    model: FamilyTreeNet
    errors: list[float]
    seconds: float
    train: list[Example]
    test: list[Example]


def train(
    seed: int,
    n_sweeps: int = PAPER_SWEEPS,
    quiet: bool = True,
    init_range: float = INIT_RANGE,
    decay: float = DECAY,
) -> Result:
    """The paper's schedule: 20 gentle sweeps, then faster ones, weight decay after each."""
    train_set, test_set = split(seed)
    model = FamilyTreeNet(seed, init_range)
    params = model.parameters()
    opt = nn.SGD(params, lr=WARMUP_LR, momentum=WARMUP_MOMENTUM)
    keep = 1.0 - decay
    errors = []
    start = time.perf_counter()
    for t in sweeps(n_sweeps, quiet, desc="family trees"):
        if t == WARMUP_SWEEPS:
            opt.lr, opt.momentum = LR, MOMENTUM
        opt.zero_grad()
        errors.append(accumulate_sweep(_errors(model, train_set)))
        opt.step()
        for p in params:
            p.data *= keep
    seconds = time.perf_counter() - start
    return Result(model, errors, seconds, train_set, test_set)


# -- what the six person-encoding units learned (the paper's Fig. 4) --


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r (0.0 if either side is constant)."""
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return 0.0


@dataclass
class Feature:
    name: str
    unit: int  # 0-based index of the person unit that encodes it best
    r: float  # correlation of that unit's incoming weights with the feature
    clean: bool  # the unit's weights separate the groups with no overlap


def person_features(model: FamilyTreeNet) -> list[Feature]:
    """Which person unit best encodes nationality, generation and family branch.

    For each feature, each unit's 24 incoming weights are correlated with the
    feature's value per person (English 0 / Italian 1; generation 1, 2, 3;
    branch 0 / 1, leaving out the youngest generation, who belong to both).
    """
    weights = [[w.data for w in n.w] for n in model.person.neurons]
    features = {
        "nationality (English / Italian)": {
            p: float(kinship.nationality(p) == "Italian") for p in PEOPLE
        },
        "generation": {p: float(kinship.generation(p)) for p in PEOPLE},
        "family branch": {p: float(b) for p in PEOPLE if (b := kinship.branch(p)) is not None},
    }
    found = []
    for name, values in features.items():
        people = list(values)
        xs = [values[p] for p in people]
        best_unit, best_r = 0, 0.0
        for u, w in enumerate(weights):
            r = _correlation([w[PEOPLE.index(p)] for p in people], xs)
            if abs(r) > abs(best_r):
                best_unit, best_r = u, r
        w = weights[best_unit]
        groups: dict[float, list[float]] = {}
        for p in people:
            groups.setdefault(values[p], []).append(w[PEOPLE.index(p)])
        ordered = [groups[k] for k in sorted(groups)]
        if best_r < 0:
            ordered = [[-x for x in g] for g in ordered]
        clean = all(max(a) < min(b) for a, b in itertools.pairwise(ordered))
        found.append(Feature(name, best_unit, best_r, clean))
    return found


# -- the report --


def _names(people: Sequence[str]) -> str:
    return " and ".join(people) if people else "nobody"


def _answer(outputs: Sequence[float]) -> list[str]:
    return [p for p, y in zip(PEOPLE, outputs) if y > 0.5]


def report(
    result: Result,
    n_sweeps: int,
    quiet: bool,
    plots: bool,
    seed: int,
    init_range: float = INIT_RANGE,
    decay: float = DECAY,
) -> ResultTable:
    model = result.model
    train_ok = [is_correct(predict(model, e), e.target) for e in result.train]
    test_out = [predict(model, e) for e in result.test]
    test_ok = [is_correct(y, e.target) for y, e in zip(test_out, result.test)]
    if not quiet:
        print(f"Trained {n_sweeps:,} sweeps in {result.seconds:.1f} s")
        wrong = [e.case for e, ok in zip(result.train, train_ok) if not ok]
        if wrong:
            shown = ", ".join(f"{c.person}'s {c.relationship}" for c in wrong[:8])
            more = f" and {len(wrong) - 8} more" if len(wrong) > 8 else ""
            print(f"Training cases still wrong: {shown}{more}")
        print("Held-out cases:")
        for e, y, ok in zip(result.test, test_out, test_ok):
            c = e.case
            levels = ", ".join(f"{y[PEOPLE.index(p)]:.2f}" for p in sorted(c.answers))
            print(
                f"  {c.person}'s {c.relationship}: should be {_names(sorted(c.answers))}, "
                f"network says {_names(_answer(y))} ({'right' if ok else 'wrong'}); "
                f"answer units at {levels}"
            )
        print()
    features = person_features(model)
    t = ResultTable(
        f"Family trees, 24-6 / 12-6 → 12 → 6 → 24, starting weights ±{init_range}, "
        f"decay {decay:.1%} per change (seed {seed})"
    )
    t.add("sweeps", f"{PAPER_SWEEPS:,}", f"{n_sweeps:,}")
    t.add("final error E (after the margins)", None, f"{result.errors[-1]:.3f}")
    n_train = sum(train_ok)
    t.add(
        "training cases correct",
        None,
        f"{n_train} of {len(result.train)}",
    )
    n_test = sum(test_ok)
    t.add(
        "held-out cases correct",
        f"{N_HELD_OUT} of {N_HELD_OUT}",
        f"{n_test} of {len(result.test)}",
    )
    spread_ = output_spread(model)
    t.add(
        "largest change of an output unit across cases",
        None,
        f"{spread_:.2f}",
        note="the net ignores its input: stuck on a plateau" if spread_ < 0.1 else "",
    )
    for f in features:
        t.add(
            f"person unit for {f.name}",
            "one unit",
            f"unit {f.unit + 1} (r = {f.r:+.2f}{', separates cleanly' if f.clean else ''})",
            agrees=f.clean,
            note="" if f.clean else "no unit separates it cleanly",
        )
    t.add("training time", None, f"{result.seconds:.1f} s")
    if plots:
        paths = [
            plot_person_encoding(model, seed),
            plot_learning_curve(
                {"E": result.errors},
                "family_trees_error.png",
                f"Family trees: error per sweep (seed {seed})",
                log_y=True,
            ),
        ]
        report_written(paths, quiet)
    return t


def output_spread(model: FamilyTreeNet) -> float:
    """max over output units of (max − min of its activity over all 104 cases).

    Near 0 means every case gets the same answer: the net has not (yet) left
    the plateau where each output just sits at its average.
    """
    outs = [predict(model, encode(c)) for c in kinship.cases()]
    columns: list[tuple[float, ...]] = list(zip(*outs))
    return max(max(col) - min(col) for col in columns)


def plot_person_encoding(model: FamilyTreeNet, seed: int) -> object:
    """The weights from the 24 person units to each of the 6 units, laid out as Fig. 4.

    Each panel is one unit: the top row the English people, the bottom row
    their Italian counterparts in the same positions.
    """
    n = len(kinship.ENGLISH.people)
    names = [f"{e}/{i}" for e, i in zip(kinship.ENGLISH.people, kinship.ITALIAN.people)]
    neurons = model.person.neurons
    panels = [
        Panel(
            f"unit {u + 1}",
            [[x.data for x in neuron.w[:n]], [x.data for x in neuron.w[n:]]],
            col_labels=names if u == len(neurons) - 1 else None,
            row_labels=["English", "Italian"],
        )
        for u, neuron in enumerate(neurons)
    ]
    return plot_hinton(
        panels,
        "family_trees_person_units.png",
        f"Family trees: weights from the 24 people to the 6 person units (seed {seed})",
        columns=1,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("demos.family_trees", __doc__.splitlines()[0], DEFAULT_SEED)
    parser.add_argument(
        "--sweeps", type=positive_int, default=PAPER_SWEEPS, help="sweeps through the 100 cases"
    )
    parser.add_argument(
        "--init-range",
        type=positive_float,
        default=INIT_RANGE,
        help="starting weights uniform in ±this (the paper gives no range for this net)",
    )
    parser.add_argument(
        "--decay",
        type=fraction,
        default=DECAY,
        help="fraction by which every weight shrinks after each change (paper: 0.002)",
    )
    args: argparse.Namespace = parser.parse_args(argv)
    result = train(args.seed, args.sweeps, args.quiet, args.init_range, args.decay)
    report(
        result, args.sweeps, args.quiet, not args.no_plots, args.seed, args.init_range, args.decay
    ).print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
