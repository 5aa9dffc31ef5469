"""web/playground.py, the Python the playground's worker calls, here under CPython: the
command line's output and pages as `autograd` gives them, and training in slices as one fit."""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

import pytest

import nn
from autograd import explain
from nn.datasets import xor
from tests.helpers import ROOT, fit_xor, run_cli


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
