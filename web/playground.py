"""The playground's Python side: what its Web Worker calls in Pyodide (web/worker.js).

Nothing here re-implements the library: `command` runs the ``autograd`` command line itself
(explain, --nudge, --mistake, --html, practice, worksheet) and hands back what it printed
and the page it wrote; `Network` trains an `nn.MLP` with `nn.fit` a few sweeps at a time
(so the page can pause between slices) and explains one case with ``explain(...,
view="neurons")`` and the stepper. The same functions run under CPython in the tests.
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
from autograd.teach.check import KINDS
from nn.datasets import mirror_symmetry, two_moons, xor

__all__ = ["DATASETS", "KINDS", "Network", "command"]

TOLERANCE = 0.1  # learned: every output within 0.1 of its target, the paper's criterion
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

    def train(self, sweeps: int) -> list[float]:
        """Train up to ``sweeps`` more sweeps, stopping after the one at which every output
        comes within `TOLERANCE` of its target; the error E of each (before its weight change)."""
        new = nn.fit(
            self.model,
            self.inputs,
            self.targets,
            optimizer=self.optimizer,
            epochs=sweeps,
            progress=False,
            stop=self.learned,
        )
        self.errors += new
        return new

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
