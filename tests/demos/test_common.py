"""What the demos share: the paper-vs-run table, the command lines, the pictures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nn
from autograd import Value
from demos import common, encoder, family_trees, iterative, moons, symmetry, xor

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


# -- the training rule every demo uses --


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


# -- compiled training, and the flags that choose it --


def test_demo_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert symmetry.main(["--sweeps", "3", "--quiet", "--no-compile", "--no-plots"]) == 0
    assert moons.main(["--steps", "2", "--quiet", "--no-compile", "--no-plots"]) == 0
    assert xor.main(["--sweeps", "5", "--quiet", "--no-plots", "--show-code"]) == 0
    out = capsys.readouterr().out
    assert "def step(params, inputs, seed):" in out and "# p0 = hidden.w.0" in out
