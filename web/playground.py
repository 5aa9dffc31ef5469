"""The playground's Python side: what its Web Worker calls in Pyodide (web/worker.js).

Nothing here re-implements the library: `command` runs the ``autograd`` command line itself
(explain, --nudge, --mistake, --html, practice, worksheet) and hands back what it printed
and the page it wrote; `Network` trains an `nn.MLP` with `nn.fit` a few sweeps at a time
(so the page can pause between slices), records each slice with `nn.Recorder` for the
page's live timeline (`autograd.pages.timeline`), takes new ε and α and edited points between
slices, and explains one case with ``explain(..., view="neurons")`` and the stepper. The same
functions run under CPython in the tests.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nn
from autograd import Value, explain
from autograd.cli import main
from autograd.pages.stepper import stepper_html
from autograd.pages.timeline import timeline_fragment
from autograd.teach.check import KINDS
from nn.datasets import mirror_symmetry, two_moons, xor

__all__ = ["DATASETS", "EDITABLE", "KINDS", "LIVE_FRAMES", "Network", "command"]

TOLERANCE = 0.1  # learned: every output within 0.1 of its target, the paper's criterion
# The live timeline: the page keeps at most this many keyframes of a run (the sweep that ends
# each training slice); past it, timeline.js drops every other one between the first and the
# last. The error of every sweep is kept.
LIVE_FRAMES = 120
EDITABLE = ("xor", "moons")  # the two-input data sets, whose points the page can add and remove
PAGE = "page.html"  # the name the page's argv gives --html; written in a folder of its own


def command(argv: Sequence[str]) -> dict[str, Any]:
    """``autograd ARGV`` as the command line runs it: its exit status, what it printed on
    stdout and stderr, and the page it wrote with ``--html page.html`` (else None)."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="playground-") as folder:
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(list(argv))
            page = Path(PAGE).read_text("utf-8") if Path(PAGE).exists() else None
        finally:
            os.chdir(here)
    lines = out.getvalue().rstrip("\n").split("\n")
    if page is not None:
        # "wrote the stepper to page.html (open it in a browser)": the page shows it instead.
        lines = [line for line in lines if not line.startswith("wrote ")]
    return {
        "status": status,
        "out": "\n".join(lines).strip("\n"),
        "err": err.getvalue().strip(),
        "page": page,
    }


def _moons() -> tuple[list[list[float]], list[float]]:
    # Targets 1 and 0 rather than micrograd's ±1: the paper's sigmoid output unit and its
    # error E = ½Σ(y − d)² need targets a sigmoid can reach.
    xs, labels = two_moons(40, seed=1)
    return xs, [1.0 if d > 0 else 0.0 for d in labels]


DATASETS = {"xor": xor, "symmetry": mirror_symmetry, "moons": _moons}


class Network:
    """An `nn.MLP` of the paper's kind on one data set, trained by `nn.fit` in slices.

    ``fit(epochs=a)`` then ``fit(epochs=b)`` with the same optimizer (its momentum carried
    over) is ``fit(epochs=a + b)`` sweep for sweep, so slicing changes no number.
    """

    def __init__(
        self,
        data: str,
        hidden: Sequence[int],
        activation: str = "sigmoid",
        seed: int = 1,
        lr: float = 0.5,
        momentum: float = 0.9,
    ) -> None:
        if data not in DATASETS:
            raise ValueError(f"data {data!r}: choose one of {', '.join(DATASETS)}")
        self.inputs, self.targets = DATASETS[data]()
        self.model = nn.MLP(
            len(self.inputs[0]),
            [*hidden, 1],
            activation=activation,
            output_activation="sigmoid",
            init=nn.init.uniform(0.3),
            seed=seed,
        )
        self.sizes = [len(self.inputs[0]), *hidden, 1]
        self.optimizer = nn.SGD(self.model.parameters(), lr=lr, momentum=momentum)
        # The paper's criterion, checked after every sweep inside fit, so training stops at
        # the same sweep however the page slices it.
        self.learned = nn.train.within(TOLERANCE, self.model, self.inputs, self.targets)
        self.errors: list[float] = []
        self.editable = data in EDITABLE
        self.edited = False
        # What changed during the run, for the page's log: (the first sweep it applies to, what).
        self.changes: list[tuple[int, str]] = []
        self.recording: dict[str, Any] | None = None  # the last slice's nn.Recorder data
        self.frame: dict[str, Any] | None = None  # its last sweep's keyframe, for the timeline

    def train(self, sweeps: int) -> list[float]:
        """Train up to ``sweeps`` more sweeps, stopping after the one at which every output
        comes within `TOLERANCE` of its target; the error E of each (before its weight change).

        The slice is recorded by an `nn.Recorder`; its last sweep becomes `frame`, the keyframe
        the page's live timeline adds (numbered from the run's start, with `note` saying the
        ε, α and cases it trained with)."""
        before = len(self.errors)
        recorder = nn.Recorder(frames=4, early=0, cases=[])
        new = nn.fit(
            self.model,
            self.inputs,
            self.targets,
            optimizer=self.optimizer,
            epochs=sweeps,
            progress=False,
            stop=self.learned,
            record=recorder,
        )
        self.errors += new
        self.recording = recorder.data()
        frame = dict(self.recording["frames"][-1])
        frame["sweep"] += before
        frame["note"] = self.note()
        if self.editable:
            # Each frame the set it trained on: after an edit, earlier frames keep theirs.
            frame["cases"], frame["targets"] = self.recording["cases"], self.recording["targets"]
        self.frame = frame
        return new

    def note(self) -> str:
        """The settings the next sweep trains with, as the timeline's caption says them."""
        o = self.optimizer
        edited = f"; {len(self.inputs)} cases (edited)" if self.edited else ""
        return f"ε = {o.lr:g}, α = {o.momentum:g}{edited}"

    def timeline(self) -> str:
        """The live timeline as an HTML fragment (`timeline_fragment`): the whole run's errors
        and the last slice's keyframe; later keyframes are added in the page (``agAddFrame``)."""
        if self.recording is None or self.frame is None:
            raise ValueError("timeline: train a sweep first")
        data = {**self.recording, "errors": list(self.errors), "frames": [self.frame]}
        return timeline_fragment(data)

    def set_rates(self, lr: float, momentum: float) -> str:
        """ε and α from the next sweep on (the optimizer's lr and momentum; its last weight
        change, which momentum carries, is kept). nn.SGD's own checks refuse bad values."""
        nn.SGD(self.model.parameters(), lr=lr, momentum=momentum)  # raises what SGD raises
        o = self.optimizer
        changed = [
            f"{name} {old:g} → {new:g}"
            for name, old, new in (("ε", o.lr, lr), ("α", o.momentum, momentum))
            if old != new
        ]
        if changed:
            o.lr, o.momentum = float(lr), float(momentum)
            self.changes.append((len(self.errors) + 1, ", ".join(changed)))
        return self.note()

    def _edited(self, what: str) -> None:
        self.edited = True
        # The paper's criterion, over the new set.
        self.learned = nn.train.within(TOLERANCE, self.model, self.inputs, self.targets)
        self.changes.append((len(self.errors) + 1, what))

    def add_point(self, x1: float, x2: float, target: float) -> None:
        """A case at (x1, x2) with target 0 or 1, trained on from the next sweep."""
        if not self.editable:
            raise ValueError("points can be added to the two-input data sets only (XOR, two moons)")
        if target not in (0, 1):
            raise ValueError(f"target {target!r}: a point's class is 0 or 1")
        self.inputs.append([float(x1), float(x2)])
        self.targets.append(float(target))
        self._edited(f"added case {len(self.inputs)} ({x1:.2f}, {x2:.2f}) → {target:g}")

    def remove_point(self, case: int) -> None:
        """Case ``case`` (counted from 1) left out of training from the next sweep."""
        if not self.editable:
            raise ValueError("points can be removed from the two-input data sets only")
        if not 1 <= case <= len(self.inputs):
            raise ValueError(f"case {case}: the data set has cases 1 to {len(self.inputs)}")
        if len(self.inputs) == 1:
            raise ValueError("the last case stays: a net trains on one case at least")
        (x1, x2), d = self.inputs.pop(case - 1), self.targets.pop(case - 1)
        self._edited(f"removed case {case} ({x1:.2f}, {x2:.2f}) → {d:g}")

    def done(self) -> bool:
        """Whether every output is within `TOLERANCE` of its target now."""
        return self.learned(len(self.errors), self.errors[-1] if self.errors else 0.0)

    def error(self, case: int) -> Value:
        """E of one case (counted from 1), as a graph of the net's units."""
        if not 1 <= case <= len(self.inputs):
            raise ValueError(f"case {case}: the data set has cases 1 to {len(self.inputs)}")
        x, d = self.inputs[case - 1], self.targets[case - 1]
        return nn.losses.sum_squared_error(self.model(x), d)

    def listing(self, case: int) -> str:
        """The case's backward pass unit by unit, in the paper's equations."""
        return str(explain(self.error(case), params=self.model, view="neurons"))

    def stepper(self, case: int) -> str:
        """The unit stepper of the case's backward pass, as a page."""
        error = self.error(case)
        units = explain(error, params=self.model, view="neurons")
        return stepper_html(error, units, title=f"case {case}", params=self.model, view="neurons")

    def outputs(self) -> list[float]:
        """The net's output for every case, at the weights it has now."""
        return [float(self.model(x).data) for x in self.inputs]  # type: ignore[union-attr]
