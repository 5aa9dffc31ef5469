"""web/playground.py, the Python the playground's worker calls, here under CPython: the
command line's output and pages as `autograd` gives them, and training in slices as one fit."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from types import ModuleType

import pytest

import nn
from autograd import explain
from nn.datasets import xor
from tests.helpers import ROOT, fit_xor, run_cli, xor_run


def _glue() -> ModuleType:
    # web/ is not a package: the worker writes the file beside Pyodide's working folder.
    spec = importlib.util.spec_from_file_location("playground", ROOT / "web" / "playground.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("playground", module)
    spec.loader.exec_module(module)
    return module


playground = _glue()
LECTURE = ["n = x1*w1 + x2*w2 + b; o = tanh(n)", "--at", "x1=2", "x2=0", "w1=-3", "w2=1"]


def test_a_command_gives_what_the_command_line_prints(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", *LECTURE, "b=6.88", "--nudge"]
    status, out, err = run_cli(capsys, *argv)
    assert playground.command(argv) == {
        "status": status,
        "out": out.strip("\n"),
        "err": "",
        "page": None,
    }
    bad = ["explain", *LECTURE]  # b has no value
    status, out, err = run_cli(capsys, *bad)
    assert status == 2 and out == ""
    assert playground.command(bad) == {"status": 2, "out": "", "err": err.strip(), "page": None}


def test_a_page_is_handed_back_and_no_file_is_left() -> None:
    before = set(os.listdir())
    result = playground.command(["practice", "x*x + x", "--at", "x=3", "--html", playground.PAGE])
    assert result["status"] == 0 and result["out"] == ""  # "wrote the practice page" is dropped
    assert result["page"].startswith("<!DOCTYPE html>") and "ag-practice" in result["page"]
    assert set(os.listdir()) == before


def test_training_in_slices_is_one_fit() -> None:
    net = playground.Network("xor", [2], seed=3, lr=0.5, momentum=0.9)
    sliced = net.train(1) + net.train(7) + net.train(12)
    model, whole = fit_xor(3, 20)
    assert sliced == whole and net.errors == whole
    assert net.outputs() == [model(x).data for x in xor()[0]]  # type: ignore[union-attr]
    error = nn.losses.sum_squared_error(model([1.0, 0.0]), 1.0)
    assert net.listing(3) == str(explain(error, params=model, view="neurons"))
    assert "ag-stepper" in net.stepper(3)


@pytest.mark.parametrize(("data", "cases", "inputs"), [("symmetry", 64, 6), ("moons", 40, 2)])
def test_the_data_sets(data: str, cases: int, inputs: int) -> None:
    net = playground.Network(data, [3], activation="tanh")
    assert len(net.inputs) == cases and net.sizes == [inputs, 3, 1]
    assert set(net.targets) == {0.0, 1.0}  # what a sigmoid output unit can reach


def test_bad_choices_are_one_line_errors() -> None:
    with pytest.raises(ValueError, match=r"^data 'mnist': choose one of xor, symmetry, moons$"):
        playground.Network("mnist", [2])
    net = playground.Network("xor", [2])
    with pytest.raises(ValueError, match=r"^case 5: the data set has cases 1 to 4$"):
        net.listing(5)


def test_training_stops_at_the_sweep_one_fit_stops_at_however_sliced() -> None:
    net = playground.Network("xor", [2], seed=1)
    while not net.done():
        net.train(97)
    _, whole = fit_xor(1, 5000, until_learned=True)
    assert playground.TOLERANCE == 0.1
    assert net.errors == whole and len(whole) < 5000


def test_each_slice_ends_in_a_keyframe_of_the_library_numbered_from_the_runs_start() -> None:
    net = playground.Network("xor", [2], seed=3)
    with pytest.raises(ValueError, match="train a sweep first"):
        net.timeline()
    net.train(5)
    first = net.timeline()  # the page's element, made by autograd.pages.timeline
    assert 'class="ag-timeline' in first and "agTimeline(document.getElementById(" in first
    net.train(7)
    frame = net.frame
    assert frame is not None and frame["sweep"] == 12
    # Its numbers are those of fit's sweep 12: the error it reported, the weights it ran on.
    whole = nn.MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=3)
    opt = nn.SGD(whole.parameters(), lr=0.5, momentum=0.9)
    xs, ds = xor()
    errors = nn.fit(whole, xs, ds, optimizer=opt, epochs=11, progress=False)
    weights = [p.data for p in whole.parameters()]
    errors += nn.fit(whole, xs, ds, optimizer=opt, epochs=1, progress=False)
    assert frame["error"] == errors[-1] == net.errors[-1] and net.errors == errors
    assert frame["w"] == weights
    assert frame["note"] == "ε = 0.5, α = 0.9"
    assert frame["cases"] == xs and frame["targets"] == [[d] for d in ds]
    assert len(frame["y"]) == 3 and len(frame["y"][0]) == 4  # 3 units × 4 cases
    assert playground.LIVE_FRAMES == 120


def test_new_rates_apply_from_the_next_sweep_as_in_a_loop_that_changes_them() -> None:
    net = playground.Network("xor", [2], seed=2)
    net.train(30)
    assert net.set_rates(2.0, 0.5) == "ε = 2, α = 0.5"
    assert net.set_rates(2.0, 0.5) == "ε = 2, α = 0.5"  # no change: nothing logged
    net.train(20)
    net.set_rates(2.0, 0.9)  # α alone: only α is logged
    assert net.errors == xor_run(2, [30, ("rates", 2.0, 0.5), 20])
    assert net.changes == [(31, "ε 0.5 → 2, α 0.9 → 0.5"), (51, "α 0.5 → 0.9")]
    assert net.frame is not None and net.frame["note"] == "ε = 2, α = 0.5"
    with pytest.raises(ValueError) as refused:
        nn.SGD(net.model.parameters(), lr=0.5, momentum=1.5)
    with pytest.raises(ValueError, match=f"^{re.escape(str(refused.value))}$"):
        net.set_rates(0.5, 1.5)
    assert (net.optimizer.lr, net.optimizer.momentum) == (2.0, 0.9)  # a refusal changes nothing


def test_points_added_and_removed_are_trained_on_from_the_next_sweep() -> None:
    net = playground.Network("xor", [2], seed=2)
    net.train(10)
    net.add_point(0.5, 0.5, 1)
    net.train(5)
    net.remove_point(1)
    net.train(5)
    assert net.errors == xor_run(2, [10, ("add", 0.5, 0.5, 1.0), 5, ("remove", 1), 5])
    assert net.inputs == [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]]
    assert net.changes == [
        (11, "added case 5 (0.50, 0.50) → 1"),
        (16, "removed case 1 (0.00, 0.00) → 0"),
    ]
    assert net.frame is not None and net.frame["cases"] == net.inputs
    assert net.frame["note"] == "ε = 0.5, α = 0.9; 4 cases (edited)"
    with pytest.raises(ValueError, match=r"^target 2: a point's class is 0 or 1$"):
        net.add_point(0, 0, 2)
    with pytest.raises(ValueError, match=r"^case 9: the data set has cases 1 to 4$"):
        net.remove_point(9)
    for _ in range(3):
        net.remove_point(1)
    with pytest.raises(ValueError, match="the last case stays"):
        net.remove_point(1)
    symmetry = playground.Network("symmetry", [2])
    with pytest.raises(ValueError, match="two-input data sets only"):
        symmetry.add_point(0, 0, 1)
    assert not symmetry.editable and playground.Network("moons", [2]).editable
