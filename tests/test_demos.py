"""The 1986 demos: their data, their networks, and that they really learn what they claim."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import nn
from autograd import Value
from demos import common, encoder, family_trees, kinship, moons, symmetry, xor
from demos.kinship import ENGLISH, ITALIAN, PEOPLE, RELATIONSHIPS
from nn.datasets import two_moons

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
    assert e is not None
    assert e.data == pytest.approx(0.5 * (0.5**2 + 0.3**2))
    e.backward()
    assert [y.grad for y in ys] == pytest.approx([0.0, 0.0, 0.5 - 1.0, 0.3])
    assert family_trees.margin_error([Value(0.81), Value(0.19)], [1.0, 0.0]) is None


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


# -- the command lines --


@pytest.mark.parametrize(
    "argv",
    [
        ["xor", "--sweeps", "20"],
        ["xor", "--sweeps", "20", "--runs", "2"],
        ["symmetry", "--sweeps", "5"],
        ["symmetry", "--sweeps", "5", "--runs", "2"],
        ["family_trees", "--sweeps", "2"],
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
