"""What the demos share: the paper-vs-run table, the command lines, the pictures."""

from __future__ import annotations

import argparse
import json
import os
import re
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


# -- --timeline FILE.html: the training as a page to scrub through --


def timelines(path: Path) -> list[dict[str, object]]:
    """The recordings a timeline page carries (one per timeline on it)."""
    found = re.findall(
        r'<script type="application/json" id="ag[0-9a-f]{8}-data">(.*?)</script>',
        path.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    return [json.loads(text) for text in found]


def test_xor_writes_both_nets_training_on_one_page(tmp_path: Path) -> None:
    page = tmp_path / "xor.html"
    assert xor.main(["--sweeps", "30", "--quiet", "--no-plots", "--timeline", str(page)]) == 0
    a, b = timelines(page)
    seed = xor.DEFAULT_SEED
    for data, net in ((a, xor.ShortcutNet(seed)), (b, xor.network_b(seed))):
        run = xor.train(net, seed, xor.LR, xor.MOMENTUM, 30)
        assert data["errors"] == run.errors  # the same training, every sweep's error
        assert [f["sweep"] for f in data["frames"]][-1] == 30  # type: ignore[index]
    assert str(a["title"]).startswith("XOR network A") and str(b["title"]).startswith(
        "XOR network B"
    )


def test_symmetry_and_moons_write_their_training(tmp_path: Path) -> None:
    page = tmp_path / "symmetry.html"
    assert symmetry.main(["--sweeps", "25", "--quiet", "--no-plots", "--timeline", str(page)]) == 0
    (data,) = timelines(page)
    assert data["errors"] == symmetry.train(symmetry.DEFAULT_SEED, 25).errors
    page = tmp_path / "moons.html"
    assert moons.main(["--steps", "5", "--quiet", "--no-plots", "--timeline", str(page)]) == 0
    (data,) = timelines(page)
    xs, ys = nn.datasets.two_moons(moons.N_POINTS, noise=0.1, seed=1)
    assert data["errors"] == moons.train(moons.DEFAULT_SEED, xs, ys, 5, quiet=True).losses


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--timeline", "."], "'.' is a folder; give a file, e.g. timeline.html"),
        (["--timeline", "no/such/folder/t.html"], "the folder of 'no/such/folder/t.html' does not"),
        (["--timeline", "t.html", "--runs", "2"], "--timeline records one run: give it without"),
    ],
)
def test_a_bad_timeline_is_refused_before_training(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for demo in (xor, symmetry):
        with pytest.raises(SystemExit) as exc:
            demo.main(["--quiet", *argv])
        assert exc.value.code == 2
        assert said in capsys.readouterr().err


def test_a_page_that_cannot_be_written_ends_the_demo_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "taken.html"
    target.mkdir()  # a folder where the file should go: no one can write it, root included
    (target / "inside").write_text("")
    record = common.timeline_recorder(argparse.Namespace(timeline=target), "t")
    assert record is not None
    nn.fit(nn.MLP(2, [1], seed=0), [[0.0, 1.0]], [1.0], epochs=2, record=record, progress=False)
    with pytest.raises(SystemExit) as exc:
        common.save_timeline(record, target, quiet=True)
    assert str(exc.value).startswith(f"--timeline: cannot write {target}: ")
    assert "\n" not in str(exc.value)
