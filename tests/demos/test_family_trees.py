"""The 1986 demos: their data, their networks, and that they really learn what they claim."""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
from pathlib import Path

import pytest

import nn
from autograd import Value, draw_graph, explain, no_grad
from demos import common, encoder, family_trees, iterative, kinship, moons, symmetry, xor
from demos.kinship import ENGLISH, ITALIAN, PEOPLE, RELATIONSHIPS
from nn.datasets import two_moons
from tests.helpers import ROOT

# -- the result table --


def test_table_notes_every_difference_from_the_paper() -> None:
    t = common.ResultTable("t")
    t.add("same", "558", "558")
    t.add("different", "558", "612")
    t.add("not in the paper", None, "7")
    t.add("explained", "yes", "no", note="because")
    t.add("detail agrees", "yes", "yes (0.001)", agrees=True)
    text = t.render()
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "paper" in text and "this run" in text
    assert "differs from the paper" not in lines["same"]
    assert lines["different"].endswith("differs from the paper")
    assert "—" in lines["not in the paper"] and "differs" not in lines["not in the paper"]
    assert lines["explained"].endswith("because")
    assert "differs" not in lines["detail agrees"]


def test_spread_gives_min_median_max() -> None:
    assert common.spread([5, 1, 3, 100]) == "1 / 4 / 100"
    assert common.spread([]) == "none"


# -- XOR --


def test_xor_network_a_is_two_hand_wired_neurons_with_direct_connections() -> None:
    net = xor.ShortcutNet(seed=1)
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "hidden.w.0",
        "hidden.w.1",
        "hidden.b",
        "output.w.0",
        "output.w.1",
        "output.w.2",
        "output.b",
    ]
    # y = σ(v₁x₁ + v₂x₂ + u·h + c), h = σ(w₁x₁ + w₂x₂ + b), computed by hand
    x = [1.0, 0.0]
    h = Value(net.hidden.w[0].data * x[0] + net.hidden.w[1].data * x[1] + net.hidden.b.data)
    v = net.output.w
    expected = (
        v[0].data * x[0] + v[1].data * x[1] + v[2].data * h.sigmoid().data + net.output.b.data
    )
    assert net(x).data == pytest.approx(Value(expected).sigmoid().data, rel=1e-12)


def test_xor_network_a_learns_xor() -> None:
    run = xor.train(xor.ShortcutNet(seed=1), 1, xor.LR, xor.MOMENTUM, 5000)
    assert run.sweeps is not None
    ys = xor.outputs(run.model)  # type: ignore[arg-type]
    assert ys[0] < 0.1 and ys[1] > 0.9 and ys[2] > 0.9 and ys[3] < 0.1
    assert len(run.errors) == run.sweeps
    assert run.errors[-1] < run.errors[0]


def test_xor_learned_means_every_output_within_tolerance() -> None:
    assert xor.learned([0.05, 0.95, 0.91, 0.09])
    assert not xor.learned([0.05, 0.95, 0.89, 0.09])
    assert not xor.learned([0.5, 0.5, 0.5, 0.5])


# -- mirror symmetry --


def test_symmetry_patterns_are_all_64_vectors_with_8_palindromes() -> None:
    cases = symmetry.patterns()
    assert len(cases) == 64
    assert len({tuple(x) for x, _ in cases}) == 64
    palindromes = [x for x, d in cases if d == 1.0]
    assert len(palindromes) == 8
    assert [1.0, 0.0, 1.0, 1.0, 0.0, 1.0] in palindromes
    assert all(d == 0.0 for x, d in cases if x == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_symmetry_finds_the_papers_antisymmetric_solution() -> None:
    run = symmetry.train(seed=8, max_sweeps=1500)
    assert run.sweeps_to_tolerance is not None
    s = symmetry.structure(run.model)
    assert s.mirror_antisymmetric and s.one_two_four and s.opposite_units
    assert all(b < 0 for b in s.hidden_biases) and s.output_bias > 0
    assert s.found
    # and the net really computes symmetry on every pattern
    ys = symmetry.outputs(run.model, symmetry.patterns())
    assert all((y > 0.5) == (d == 1.0) for y, (_, d) in zip(ys, symmetry.patterns()))


def test_symmetry_structure_check_rejects_a_random_net() -> None:
    s = symmetry.structure(symmetry.build(seed=3))
    assert not s.found


# -- family trees: the data --


def test_family_trees_give_104_cases_and_the_multi_answer_ones() -> None:
    cases = kinship.cases()
    assert len(cases) == 104
    assert len({(c.person, c.relationship) for c in cases}) == 104
    two = {(c.person, c.relationship): c.answers for c in cases if len(c.answers) == 2}
    # Colin's and Charlotte's uncles and aunts, and their Italian counterparts'
    assert two == {
        ("Colin", "uncle"): {"Arthur", "Charles"},
        ("Colin", "aunt"): {"Jennifer", "Margaret"},
        ("Charlotte", "uncle"): {"Arthur", "Charles"},
        ("Charlotte", "aunt"): {"Jennifer", "Margaret"},
        ("Alfonso", "uncle"): {"Emilio", "Tomaso"},
        ("Alfonso", "aunt"): {"Angela", "Gina"},
        ("Sophia", "uncle"): {"Emilio", "Tomaso"},
        ("Sophia", "aunt"): {"Angela", "Gina"},
    }
    assert all(len(c.answers) in (1, 2) for c in cases)


@pytest.mark.parametrize(
    ("person", "relationship", "answers"),
    [
        ("Colin", "aunt", {"Jennifer", "Margaret"}),
        ("Sophia", "father", {"Marco"}),
        ("Penelope", "husband", {"Christopher"}),
        ("Victoria", "brother", {"Arthur"}),
        ("Arthur", "niece", {"Charlotte"}),
        ("Margaret", "nephew", {"Colin"}),  # through her husband's sister
        ("Charles", "wife", {"Jennifer"}),
        ("Christopher", "daughter", {"Victoria"}),
        ("Angela", "nephew", {"Alfonso"}),
        ("Pierro", "son", {"Marco"}),
        ("Christopher", "uncle", set()),
        ("Colin", "son", set()),
        ("Gina", "father", set()),  # married in: her parents are not in the tree
    ],
)
def test_family_tree_facts(person: str, relationship: str, answers: set[str]) -> None:
    tree = ENGLISH if person in ENGLISH.people else ITALIAN
    assert tree.relatives(person, relationship) == answers


def test_the_two_trees_are_isomorphic_in_display_order() -> None:
    counterpart = dict(zip(ENGLISH.people, ITALIAN.people))
    for person in ENGLISH.people:
        for r in RELATIONSHIPS:
            english = {counterpart[p] for p in ENGLISH.relatives(person, r)}
            assert english == ITALIAN.relatives(counterpart[person], r)
    assert len(ENGLISH.cases()) == len(ITALIAN.cases()) == 52


def test_family_tree_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="cousin"):
        ENGLISH.relatives("Colin", "cousin")
    with pytest.raises(ValueError, match="Marco"):
        ENGLISH.relatives("Marco", "father")


def test_person_features_for_the_encoding_picture() -> None:
    assert [kinship.generation(p) for p in ("Christopher", "Margaret", "Colin", "Gina")] == [
        1,
        2,
        3,
        2,
    ]
    assert kinship.branch("Christopher") == kinship.branch("Arthur") == kinship.branch("Margaret")
    assert kinship.branch("Andrew") == kinship.branch("Jennifer") == kinship.branch("Charles")
    assert kinship.branch("Arthur") != kinship.branch("James")
    assert kinship.branch("Colin") is None


# -- family trees: the network --


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


def test_family_tree_compiled_sweep_is_the_interpreted_one_bit_for_bit() -> None:
    """CompiledSweep gives sweep's error, count and every gradient, to the last bit;
    so does the error that leaves the inside-margin terms out of the graph."""
    net = family_trees.FamilyTreeNet(seed=7, init_range=1.5)
    cases = family_trees.split(seed=7)[0]
    for p in net.parameters()[::5]:  # weights the sweep's margins cut both ways
        p.data *= 1.7
    compiled = family_trees.CompiledSweep(net, cases)
    net.zero_grad()
    by_code = compiled()
    code_grads = [p.grad for p in net.parameters()]
    net.zero_grad()
    by_graph = family_trees.sweep(net, cases)
    graph_grads = [p.grad for p in net.parameters()]
    assert by_code == by_graph and by_code[0] > 0
    assert code_grads == graph_grads
    assert sum(g != 0.0 for g in code_grads) > len(code_grads) // 2
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


def test_family_tree_numpy_replica_follows_the_engine_sweep_by_sweep() -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy

    # 25 sweeps: through the gentle start and the switch, with the decay from sweep 22
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=25, decay_from=21)
    engine = family_trees.train(4, schedule)
    replica = family_trees_numpy.train(4, schedule)
    assert replica.errors == pytest.approx(engine.errors, rel=1e-9)
    mine = [x for a in replica.weights for x in a.ravel().tolist()]
    theirs = [x for a in family_trees_numpy.weights_of(engine.model) for x in a.ravel().tolist()]
    assert mine == pytest.approx(theirs, rel=1e-9)
    assert replica.learned_at is engine.learned_at is None


def test_family_tree_recipe_learns_where_the_papers_schedule_stays_on_the_plateau() -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy

    # the default seed, 1,500 sweeps each, at numpy speed (the engine gives the same run)
    seed = family_trees.DEFAULT_SEED
    recipe = family_trees_numpy.train(seed, family_trees.RECIPE)
    assert recipe.learned_at is not None and recipe.train_correct == 100
    paper = family_trees_numpy.train(seed, family_trees.PAPER)
    assert paper.learned_at is None and paper.train_correct == 0
    assert paper.errors[-1] > 10 * recipe.errors[-1]


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
    assert given == family_trees.Schedule(1.5, 0.05, 0.5, 0.001, 20, 9)


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
        "starting weights, uniform in",
        "ε after sweep 20",
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


# -- encoder --


def test_encoder_invents_eight_distinct_codes() -> None:
    run = encoder.train(seed=5, lr=encoder.LR, momentum=encoder.MOMENTUM, max_sweeps=3000)
    assert run.sweeps is not None
    codes = encoder.hidden_codes(run.model)
    summary = encoder.summarize(codes)
    assert summary.distinct == 8
    outputs = encoder.outputs(run.model)
    for i, row in enumerate(outputs):
        assert max(range(8), key=row.__getitem__) == i


# -- moons --


def test_moons_net_learns_the_two_moons() -> None:
    xs, ys = two_moons(100, noise=0.1, seed=1)
    run = moons.train(1, xs, ys, steps=40, quiet=True)
    _, acc = moons.loss_and_accuracy(run.model, xs, ys)
    assert acc >= 0.9
    assert run.losses[-1] < run.losses[0]


# -- iterative nets (Fig. 5) --


def test_shift_register_targets_are_the_input_delayed() -> None:
    assert iterative.targets((1.0, 0.0, 1.0, 1.0)) == [
        [1.0, None, None],
        [0.0, 1.0, None],
        [1.0, 0.0, 1.0],
        [1.0, 1.0, 0.0],
    ]
    assert len(set(iterative.all_sequences())) == 16


def test_shared_weight_gradient_is_the_sum_of_its_untied_copies_gradients() -> None:
    net = iterative.ShiftRegisterNet(seed=4)
    bits = (1.0, 0.0, 1.0, 1.0)
    tied = iterative.sequence_error(net(bits), bits)
    tied.backward()
    # the equivalent layered net: one separate copy of every weight per step
    copies = [nn.Layer(4, 3, seed=99) for _ in bits]
    for copy in copies:
        for mine, original in zip(copy.parameters(), net.parameters()):
            mine.data = original.data
    untied = iterative.sequence_error(iterative.unroll(copies, bits), bits)
    untied.backward()
    assert untied.data == tied.data
    for i, shared in enumerate(net.parameters()):
        per_step = [copy.parameters()[i].grad for copy in copies]
        assert shared.grad == pytest.approx(sum(per_step), rel=1e-12, abs=1e-15)
    # the steps really differ, so the sum is not one step's gradient counted four times
    first = [p.grad for p in copies[0].parameters()]
    last = [p.grad for p in copies[-1].parameters()]
    assert first != last


def test_shift_register_learns_to_delay_its_input() -> None:
    run = iterative.train(seed=1, max_sweeps=300)
    assert run.sweeps is not None and run.errors[-1] < run.errors[0]
    with no_grad():
        for bits in iterative.all_sequences():
            for t, row in enumerate(run.net(bits)):
                for k, s in enumerate(row):
                    if t >= k:
                        assert abs(s.data - bits[t - k]) < 0.1
    assert iterative.chain(run.net) == [3, 0, 1]  # input → unit 1 → unit 2 → unit 3


def test_fig5_chain_rule_for_a_shared_weight_sums_over_the_steps() -> None:
    error, weights = iterative.figure5()
    w1 = weights[0]
    step = next(s for s in explain(error, wrt=w1, params=weights) if s.node is w1)
    assert len(step.terms) == 3  # one use per step
    assert sum(t.product for t in step.terms) == pytest.approx(step.grad, rel=1e-12)

    def by_hand(w: list[float]) -> float:
        a, b = 1.0, 0.0
        for _ in range(3):
            a, b = (
                1 / (1 + math.exp(-(w[0] * a + w[1] * b))),
                1 / (1 + math.exp(-(w[2] * a + w[3] * b))),
            )
        return 0.5 * (a - 1.0) ** 2 + 0.5 * b**2

    w = [x.data for x in weights]
    h = 1e-6
    slope = (by_hand([w[0] + h, *w[1:]]) - by_hand([w[0] - h, *w[1:]])) / (2 * h)
    assert error.data == pytest.approx(by_hand(w), rel=1e-12)
    assert step.grad == pytest.approx(slope, rel=1e-6)
    # The README shows this very step, as the demo prints it.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert str(step) in readme


def test_fig5_drawing_shows_each_shared_weight_once_feeding_every_step() -> None:
    error, weights = iterative.figure5()
    source = draw_graph(error, params=weights).source
    for w in ("w1", "w2", "w3", "w4"):
        nodes = [line for line in source.splitlines() if f"<B>{w}</B>" in line]
        assert len(nodes) == 1
        node = nodes[0].split()[0]
        assert sum(line.split()[0] == node and "->" in line for line in source.splitlines()) == 3


# -- the command lines --


@pytest.mark.parametrize(
    "argv",
    [
        ["xor", "--sweeps", "20"],
        ["xor", "--sweeps", "20", "--runs", "2"],
        ["symmetry", "--sweeps", "5"],
        ["symmetry", "--sweeps", "5", "--runs", "2"],
        ["family_trees", "--sweeps", "2"],
        ["family_trees", "--sweeps", "2", "--paper-settings"],
        ["iterative", "--sweeps", "2"],
        ["iterative", "--sweeps", "2", "--runs", "2"],
        ["encoder", "--sweeps", "5"],
        ["encoder", "--sweeps", "5", "--runs", "2"],
        ["moons", "--steps", "2"],
    ],
)
def test_demo_command_lines_print_a_paper_vs_run_table(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    module = {
        "xor": xor,
        "symmetry": symmetry,
        "family_trees": family_trees,
        "iterative": iterative,
        "encoder": encoder,
        "moons": moons,
    }[argv[0]]
    assert module.main([*argv[1:], "--seed", "2", "--quiet", "--no-plots"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "this run" in line)
    assert "paper" in header
    assert "Traceback" not in out


def test_demos_write_pictures_when_matplotlib_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    assert xor.main(["--sweeps", "30", "--quiet"]) == 0
    assert symmetry.main(["--sweeps", "3", "--quiet"]) == 0
    assert (tmp_path / "out" / "xor_graph.svg").read_text().lstrip().startswith("<?xml")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    for name in (
        "xor_error.png",
        "xor_network_a.png",
        "xor_graph.svg",
        "symmetry_weights.png",
        "symmetry_error.png",
    ):
        assert name in written
        if name.endswith(".png"):
            assert (tmp_path / "out" / name).read_bytes().startswith(b"\x89PNG")
    assert not [n for n in written if n.startswith(".")]  # no temporary files left behind
    umask = os.umask(0)
    os.umask(umask)
    for name in written:  # ordinary permissions, not mkstemp's private 0600
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("bad", [["--sweeps", "0"], ["--lr", "-1"], ["--momentum", "1.5"]])
def test_bad_arguments_are_refused(bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        xor.main(bad)
    assert exc.value.code == 2
    assert bad[0] in capsys.readouterr().err


def test_every_sweep_accumulates_gradients_over_all_cases() -> None:
    w = Value(2.0)
    total = common.accumulate_sweep(w * x for x in (1.0, 3.0))
    assert total == 8.0 and w.grad == 4.0


def test_nn_sgd_is_the_papers_rule_used_by_the_demos() -> None:
    # Δw(t) = −ε g + α Δw(t−1): two steps with g = 1 give −ε, then −ε − αε
    w = Value(0.0)
    opt = nn.SGD([w], lr=0.5, momentum=0.9)
    for expected in (-0.5, -0.5 - 0.95):
        w.grad = 1.0
        opt.step()
        assert w.data == pytest.approx(expected)
