"""The family-trees demo: the paper's network, its sweep (compiled or not), the recipe that
learns, the flags, the table and the person units of Fig. 4."""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
from pathlib import Path

import pytest

import nn
from autograd import Value, no_grad
from demos import common, family_trees, kinship
from demos.kinship import PEOPLE, RELATIONSHIPS


def test_family_tree_network_has_the_papers_shapes() -> None:
    net = family_trees.FamilyTreeNet(seed=0)
    layers = [net.person, net.relationship, net.central, net.decoder, net.output]
    shapes = [(len(layer.neurons), len(layer.neurons[0].w)) for layer in layers]
    assert shapes == [(6, 24), (6, 12), (12, 12), (6, 12), (24, 6)]
    assert len(net.parameters()) == 6 * 25 + 6 * 13 + 12 * 13 + 6 * 13 + 24 * 7
    out = net(PEOPLE.index("Colin"), RELATIONSHIPS.index("aunt"))
    assert len(out) == 24 and all(0.0 < y.data < 1.0 for y in out)


def test_family_tree_one_hot_shortcut_equals_the_full_layers() -> None:
    net = family_trees.FamilyTreeNet(seed=5)
    rng = random.Random(0)
    for case in rng.sample(kinship.cases(), 10):
        e = family_trees.encode(case)
        fast = net(e.person, e.relationship)
        dense = net.dense_call(
            family_trees.one_hot(e.person, 24), family_trees.one_hot(e.relationship, 12)
        )
        assert [y.data for y in fast] == [y.data for y in dense]
        grads = []
        for out in (fast, dense):
            net.zero_grad()
            sum(out[1:], out[0]).backward()
            grads.append([p.grad for p in net.parameters()])
        assert grads[0] == grads[1]


def test_margin_error_ignores_units_inside_the_margins() -> None:
    ys = [Value(0.9), Value(0.1), Value(0.5), Value(0.3)]
    e = family_trees.margin_error(ys, [1.0, 0.0, 1.0, 0.0])
    assert e.data == pytest.approx(0.5 * (0.5**2 + 0.3**2))
    e.backward()
    assert [y.grad for y in ys] == pytest.approx([0.0, 0.0, 0.5 - 1.0, 0.3])
    inside = [Value(0.81), Value(0.19)]
    e = family_trees.margin_error(inside, [1.0, 0.0])
    e.backward()
    assert e.data == 0.0 and [y.grad for y in inside] == [0.0, 0.0]


def test_margin_cross_entropy_is_zero_inside_the_margins_and_y_minus_d_outside() -> None:
    xs = [Value(x) for x in (2.0, -2.0, 0.3, -0.4, 1.0)]  # total inputs of output units
    ys = [x.sigmoid() for x in xs]  # 0.88 (on: inside), 0.12 (off: inside), 0.57, 0.40, 0.73
    target = [1.0, 0.0, 1.0, 1.0, 0.0]
    e = family_trees.margin_cross_entropy(ys, target)
    y = [v.data for v in ys]
    expected = math.log(0.8) * 3 - math.log(y[2]) - math.log(y[3]) - math.log(1 - y[4])
    assert e.data == pytest.approx(expected, rel=1e-12)
    e.backward()
    # ∂E/∂x = y − d outside the margins, 0 inside: no σ' to vanish
    assert [x.grad for x in xs] == pytest.approx([0.0, 0.0, y[2] - 1, y[3] - 1, y[4]], rel=1e-12)
    # continuous at the margin's edge: a unit just inside or just outside adds about 0
    near = [family_trees.margin_cross_entropy([Value(0.8 + d)], [1.0]).data for d in (-1e-9, 1e-9)]
    assert near[0] == pytest.approx(0.0, abs=1e-8) and near[1] == 0.0
    with pytest.raises(ValueError, match="must be 0 or 1"):
        family_trees.margin_cross_entropy([Value(0.5)], [0.5])


def test_family_tree_starting_ranges_and_zero_biases() -> None:
    paper = family_trees.FamilyTreeNet(3, 0.3)
    recipe = family_trees.FamilyTreeNet.for_schedule(3, family_trees.RECIPE)
    encoders = recipe.person.neurons + recipe.relationship.neurons
    later = recipe.central.neurons + recipe.decoder.neurons + recipe.output.neurons
    assert max(abs(w.data) for n in encoders for w in n.w) > 2.5  # ±3
    assert all(abs(w.data) <= 3.0 for n in encoders for w in n.w)
    assert all(abs(w.data) <= 1.0 for n in later for w in n.w)
    assert all(n.b.data == 0.0 for n in encoders + later)
    assert all(abs(p.data) <= 0.3 for p in paper.parameters())
    # the biases are drawn and then set to 0: the weights are those of random biases
    drawn = dataclasses.replace(family_trees.RECIPE, biases="random")
    same = family_trees.FamilyTreeNet.for_schedule(3, drawn)
    assert [w.data for n in same.central.neurons for w in n.w] == [
        w.data for n in recipe.central.neurons for w in n.w
    ]
    assert any(n.b.data != 0.0 for n in same.output.neurons)


def test_wilson_interval_and_binomial_tail_known_numbers() -> None:
    wilson = family_trees.wilson_interval
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    assert wilson(40, 80) == pytest.approx((0.3930, 0.6070), abs=1e-4)  # by hand
    with pytest.raises(ValueError):
        wilson(3, 2)
    at_least = family_trees.at_least
    assert at_least(7, 8, 0.5) == pytest.approx(9 / 256)
    assert at_least(4, 4, 0.5) == pytest.approx(1 / 16)
    assert at_least(0, 8, 0.3) == pytest.approx(1.0)


def test_held_out_summary_and_its_rows() -> None:
    held = family_trees.HeldOutSummary([4, 3, 2, 2, 1])
    assert (held.total, held.cases, held.rate) == (12, 20, 0.6)
    assert (held.runs_with(4), held.runs_with(3)) == (1, 2)
    # ≥ 7 of 8 at p = 0.6: 0.6^8 + 8·0.6^7·0.4
    assert held.paper_chance() == pytest.approx(0.6**8 + 8 * 0.6**7 * 0.4)
    t = common.ResultTable("t")
    family_trees.add_held_out_rows(t, held)
    rows = {r.quantity: r for r in t.rows}
    assert rows["held-out cases correct, total"].this_run.startswith(
        "12 of 20: 60% (95% interval 39%"
    )
    assert rows["held-out cases correct, per run"].this_run == "4 3 2 2 1"
    assert rows["runs with 4 of 4 held out right / 3 or more"].this_run == "1 / 2 of 5"
    assert rows["chance of ≥ 7 of 8 in two runs, at this rate"].this_run.startswith("10.6% (")


def _summary(seed: int, learned: bool, clean: tuple[bool, bool, bool]) -> family_trees.RunSummary:
    features = [
        family_trees.Feature(name, 0, 0.9, 0.0 if ok else 0.01)
        for name, ok in zip(family_trees.FEATURES, clean)
    ]
    return family_trees.RunSummary(seed, 700 if learned else None, 100, 3, features)


def test_fig4_rows_count_the_learned_runs_with_a_clean_unit() -> None:
    runs = [
        _summary(1, True, (True, True, True)),
        _summary(2, True, (True, False, True)),
        _summary(3, True, (False, False, False)),
        _summary(4, False, (True, True, True)),  # not learned: not counted
    ]
    t = common.ResultTable("t")
    family_trees.add_fig4_rows(t, runs)
    got = {r.quantity: r.this_run for r in t.rows}
    assert got == {
        "learned runs with a unit that separates nationality": "2 of 3 cleanly; |r| median 0.90",
        "learned runs with a unit that separates generation": "1 of 3 cleanly; |r| median 0.90",
        "learned runs with a unit that separates family branch": "2 of 3 cleanly; |r| median 0.90",
        "learned runs with all three separated cleanly": "1 of 3",
    }


def test_family_tree_split_holds_out_four_cases() -> None:
    train, test = family_trees.split(seed=3)
    assert len(train) == 100 and len(test) == 4
    keys = {(e.case.person, e.case.relationship) for e in train + test}
    assert len(keys) == 104
    assert family_trees.split(seed=3)[1] == test


def test_correctness_rule() -> None:
    target = [1.0, 0.0, 1.0]
    assert family_trees.is_correct([0.6, 0.4, 0.9], target)
    assert not family_trees.is_correct([0.6, 0.6, 0.9], target)
    assert not family_trees.is_correct([0.4, 0.1, 0.9], target)


def test_family_tree_sweep_sums_error_and_gradient_over_the_cases() -> None:
    net = family_trees.FamilyTreeNet(seed=2, init_range=1.5)
    cases = family_trees.split(seed=2)[0][:6]
    total, correct = family_trees.sweep(net, cases)
    swept = [p.grad for p in net.parameters()]
    # the same sums, one case at a time through the full (dense) layers
    net.zero_grad()
    expected = 0.0
    for e in cases:
        out = net.dense_call(
            family_trees.one_hot(e.person, 24), family_trees.one_hot(e.relationship, 12)
        )
        err = family_trees.margin_error(out, e.target)
        err.backward()
        expected += err.data
    assert total == pytest.approx(expected, rel=1e-12) and total > 0
    assert swept == pytest.approx([p.grad for p in net.parameters()], rel=1e-9, abs=1e-15)
    assert correct == sum(
        family_trees.is_correct(family_trees.predict(net, e), e.target) for e in cases
    )


def _dropping_margin_error(outputs: list[Value], target: list[float]) -> Value | None:
    """The demo's margin error as first written: the terms inside the margins left out."""
    terms = [
        (y - d) * (y - d)
        for y, d in zip(outputs, target)
        if not (y.data > 0.8 if d == 1.0 else y.data < 0.2)
    ]
    return 0.5 * sum(terms[1:], terms[0]) if terms else None


@pytest.mark.parametrize("error", ["squared", "cross-entropy"])
def test_family_tree_compiled_sweep_is_the_interpreted_one_bit_for_bit(error: str) -> None:
    """CompiledSweep gives sweep's error, count and every gradient, to the last bit, for
    both errors; so does the squared error that leaves the inside-margin terms out."""
    net = family_trees.FamilyTreeNet(seed=7, init_range=1.5)
    cases = family_trees.split(seed=7)[0]
    for p in net.parameters()[::5]:  # weights the sweep's margins cut both ways
        p.data *= 1.7
    loss = family_trees.ERRORS[error]
    compiled = family_trees.CompiledSweep(net, cases, loss)
    net.zero_grad()
    by_code = compiled()
    code_grads = [p.grad for p in net.parameters()]
    net.zero_grad()
    by_graph = family_trees.sweep(net, cases, loss)
    graph_grads = [p.grad for p in net.parameters()]
    assert by_code == by_graph and by_code[0] > 0
    assert code_grads == graph_grads
    assert sum(g != 0.0 for g in code_grads) > len(code_grads) // 2
    if error != "squared":
        return
    # an independent count and the first formulation of the error, on the same weights
    outs = [family_trees.predict(net, e) for e in cases]
    correct = sum(family_trees.is_correct(y, e.target) for y, e in zip(outs, cases))
    inside = sum(
        (y > 0.8 if d == 1.0 else y < 0.2)
        for ys, e in zip(outs, cases)
        for y, d in zip(ys, e.target)
    )
    assert by_code[1] == correct and 0 < inside < 24 * len(cases)
    net.zero_grad()
    total = 0.0
    for e in cases:
        err = _dropping_margin_error(net(e.person, e.relationship), e.target)
        if err is not None:
            err.backward()
            total += err.data
    assert (total, [p.grad for p in net.parameters()]) == (by_code[0], code_grads)


def test_family_tree_numba_bookkeeping_is_the_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the numba backend, NumPy adds each case's gradients for its selected weights
    and counts the right answers: the same numbers as the python backend's loop, also
    when the gradients do not start at 0 (two sweeps, nothing zeroed in between)."""
    pytest.importorskip("numba", reason="make test-native installs Numba")
    # A net part-way through learning, so that some cases are right and some wrong.
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=400)
    result = family_trees.train(1, schedule)
    net, loss = result.model, family_trees.ERRORS[schedule.error]
    runs = []
    for backend in ("python", "numba"):
        monkeypatch.setattr(family_trees, "fastest_backend", lambda b=backend: b)
        compiled = family_trees.CompiledSweep(net, result.train, loss)
        assert (compiled._arrays is not None) == (backend == "numba")
        net.zero_grad()
        results = [compiled(), compiled()]
        runs.append((results, [p.grad for p in net.parameters()]))
    assert runs[0] == runs[1]
    assert 0 < runs[0][0][0][1] < len(result.train)


def test_family_tree_training_compiled_is_the_interpreter() -> None:
    # through the gentle start, the switch and the decay from sweep 22
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=24, decay_from=21)
    compiled = family_trees.train(3, schedule, compile=True)
    interpreted = family_trees.train(3, schedule, compile=False)
    assert compiled.errors == interpreted.errors and len(compiled.errors) == 24
    assert compiled.errors[-1] < compiled.errors[0]
    assert [p.data for p in compiled.model.parameters()] == [
        p.data for p in interpreted.model.parameters()
    ]


def test_family_tree_decay_schedules() -> None:
    paper, recipe = family_trees.PAPER, family_trees.RECIPE
    assert paper.decaying(0, None) and paper.decaying(1499, None)
    assert not recipe.decaying(800, None)
    assert recipe.decaying(800, 726) and recipe.decaying(726, 726)
    late = dataclasses.replace(paper, decay_from=10)
    assert not late.decaying(9, None) and late.decaying(10, None)


def test_family_tree_recipe_decays_only_once_learned() -> None:
    def weights(schedule: family_trees.Schedule) -> list[float]:
        return [p.data for p in family_trees.train(6, schedule).model.parameters()]

    for base, decays in ((family_trees.RECIPE, False), (family_trees.PAPER, True)):
        short = dataclasses.replace(base, sweeps=3)
        with_decay, without = weights(short), weights(dataclasses.replace(short, decay=0.0))
        assert (with_decay != without) == decays


def _schedule(argv: list[str]) -> family_trees.Schedule:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paper-settings", action="store_true")
    family_trees.add_schedule_flags(parser)
    return family_trees.schedule_from(parser.parse_args(argv))


def test_family_tree_flags_set_every_knob() -> None:
    assert _schedule([]) == family_trees.RECIPE
    assert _schedule(["--paper-settings"]) == family_trees.PAPER
    assert _schedule(
        ["--paper-settings", "--lr", "0.03", "--decay-from", "learned", "--init-range", "1"]
    ) == dataclasses.replace(family_trees.PAPER, lr=0.03, decay_from="learned", init_range=1.0)
    given = _schedule(
        ["--momentum", "0.5", "--decay", "0.001", "--decay-from", "21", "--sweeps", "9"]
    )
    assert given == family_trees.Schedule(
        1.0, 0.01, 0.5, 0.001, 20, 9, 3.0, "zero", "cross-entropy"
    )
    assert _schedule(
        ["--error", "squared", "--biases", "random", "--encoder-range", "0.5"]
    ) == dataclasses.replace(
        family_trees.RECIPE, error="squared", biases="random", encoder_range=0.5
    )


@pytest.mark.parametrize("bad", [["--decay-from", "soon"], ["--decay-from", "0"], ["--lr", "0"]])
def test_family_tree_bad_flags_are_refused(
    bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        family_trees.main(bad)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert bad[0] in err and (repr(bad[1]) in err or f"got {bad[1]}" in err)
    if bad[0] == "--decay-from":
        assert "or 'learned'" in err


def test_family_tree_table_lists_each_deviation_from_the_paper() -> None:
    def deviations(schedule: family_trees.Schedule) -> list[str]:
        t = common.ResultTable("t")
        family_trees.add_schedule_rows(t, schedule, learned_at=700)
        return [r.quantity for r in t.rows if r.note.startswith("deviation")]

    assert deviations(family_trees.PAPER) == []
    assert deviations(family_trees.RECIPE) == [
        "error, with the margins 0.2 / 0.8",
        "starting weights of the later units",
        "starting weights of the 12 encoding units",
        "starting biases",
        "weight decay from",
    ]
    assert deviations(dataclasses.replace(family_trees.PAPER, momentum=0.8)) == ["α after sweep 20"]


def test_family_tree_runs_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--runs", "2", "--sweeps", "2", "--seed", "3", "--quiet", "--no-plots"]
    assert family_trees.main(argv) == 0
    rows = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "0 of 2" in rows["runs that learned all 100 training cases"]
    assert "of 8" in rows["held-out cases correct, total"]
    cells = [c for c in rows["held-out cases correct, per run"].split("  ") if c]
    assert [int(n) for n in cells[2].split()] == [0, 0]  # one count per run


def test_person_features_find_planted_codes() -> None:
    net = family_trees.FamilyTreeNet(seed=0)
    rng = random.Random(1)
    italian = [kinship.nationality(p) == "Italian" for p in PEOPLE]
    branch = [kinship.branch(p) for p in PEOPLE]
    planted = [
        [1.0 if i else -1.0 for i in italian],
        [kinship.generation(p) - 2.0 for p in PEOPLE],
        # the branch, with opposite signs in the two trees; 0 for the youngest
        [0.0 if b is None else (1.0 if b ^ i else -1.0) for b, i in zip(branch, italian)],
    ]
    for u, neuron in enumerate(net.person.neurons):
        for k, w in enumerate(neuron.w):
            noise = rng.uniform(-0.1, 0.1)
            w.data = (planted[u][k] if u < 3 else 0.0) + noise
    found = family_trees.person_features(net)
    assert [f.unit for f in found] == [0, 1, 2]
    assert all(f.clean and abs(f.r) > 0.95 for f in found)
    assert found[2].name == "family branch (mirrored in the Italian tree)"
    # and noise alone encodes nothing cleanly
    for neuron in net.person.neurons:
        for w in neuron.w:
            w.data = rng.uniform(-0.1, 0.1)
    assert not all(f.clean for f in family_trees.person_features(net))


def test_person_features_count_the_pairs_out_of_order() -> None:
    net = family_trees.FamilyTreeNet(seed=0)
    for u, neuron in enumerate(net.person.neurons):
        for p, w in zip(PEOPLE, neuron.w):
            italian = kinship.nationality(p) == "Italian"
            w.data = (1.0 if italian else -1.0) if u == 0 else 0.0
    net.person.neurons[0].w[PEOPLE.index("Angela")].data = -2.0  # below all 12 English
    nationality = family_trees.person_features(net)[0]
    assert nationality.unit == 0
    assert nationality.disorder == pytest.approx(12 / (12 * 12))
    assert not nationality.clean


def test_family_tree_picture_is_fig_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    path = family_trees.plot_person_encoding(family_trees.FamilyTreeNet(seed=1), 1)
    assert path == Path("out/family_trees_person_units.png")
    assert (tmp_path / "out" / "family_trees_person_units.png").read_bytes()[:4] == b"\x89PNG"


def test_explain_prints_one_case_through_every_unit_of_fig_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sweeps", "1", "--seed", "3", "--quiet", "--no-plots", "--explain"]
    assert family_trees.main(argv) == 0
    out = capsys.readouterr().out
    listing = out[out.index("After training, ") :]
    assert "Key: unit 37 is person.neurons.0: w37_1, …, w37_24, b37" in listing
    # 24 + 12 input units, then 6 + 6 + 12 + 6 + 24 units: the output units are 67 to 90.
    assert "1. Unit 90 (output, sigmoid)" in listing and "54. Unit 37 (hidden, sigmoid)" in listing
    assert max(len(line) for line in listing.splitlines()) <= 100


def test_family_tree_timeline_records_the_training_as_it_ran(tmp_path: Path) -> None:
    # Through the switch of ε at sweep 20 and the decay from sweep 22, compiled.
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=24, decay_from=21)
    rec = nn.Recorder(frames=8, early=4)
    result = family_trees.train(3, schedule, compile=True, record=rec)
    assert rec.errors == result.errors
    last = rec.frames[-1]
    assert last.sweep == 24 and last.error == result.errors[-1]
    # Sweep 24's keyframe holds the weights it ran on: a run stopped after 23 sweeps ends there.
    before = family_trees.train(3, dataclasses.replace(schedule, sweeps=23))
    assert last.weights == [p.data for p in before.model.parameters()]
    # Its gradient: the one the training's own (one-hot) sweep left in .grad.
    assert last.grads == [p.grad for p in result.model.parameters()]
    # Every unit of Fig. 3 (6 + 6 + 12 + 6 + 24) for each of the 100 training cases, as the
    # full 0/1 input vectors give them.
    assert last.outputs is not None and len(last.outputs) == 54
    e = result.train[7]
    with no_grad():
        ys = before.model.dense_call(
            family_trees.one_hot(e.person, 24), family_trees.one_hot(e.relationship, 12)
        )
    assert [row[7] for row in last.outputs[-24:]] == [y.data for y in ys]
    path = tmp_path / "trees.html"
    assert (
        family_trees.main(["--sweeps", "3", "--quiet", "--no-plots", "--timeline", str(path)]) == 0
    )
    assert "<html" in path.read_text(encoding="utf-8")[:200]


def test_family_tree_timeline_records_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        family_trees.main(["--runs", "2", "--timeline", "t.html"])
    assert "--timeline records one run" in capsys.readouterr().err
