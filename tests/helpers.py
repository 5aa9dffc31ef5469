"""What several test modules share: small graphs, a fake ``dot``, the command line, Chromium.

Fixtures live in ``tests/conftest.py`` (the ``browser`` one among them); the random
expressions of the property tests, and their plain-float reference, in ``tests/strategies.py``.
"""

from __future__ import annotations

import math
import shutil
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import nn
from autograd import Value, cli, linear
from nn.datasets import xor
from tools import browser

ROOT = Path(__file__).resolve().parent.parent  # the project: README.md, autograd/, nn/


def sigmoid(z: float) -> float:
    """σ(z) on a float, written out: the number a test expects, not the engine's."""
    return 1.0 / (1.0 + math.exp(-z))


def bits(x: float) -> bytes:
    """The exact float, with every nan alike (the engine never promises a nan's payload)."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def grads(f: Callable[..., Value], *xs: float) -> tuple[float, list[float]]:
    """f's value and its gradient at xs, through the engine."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


# -- small graphs --


def neuron() -> tuple[Value, Value, Value, Value]:
    """sigmoid(w·x + b) at w = 0.5, x = 1, b = -0.2, and its three labelled leaves."""
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    return (w * x + b).sigmoid(), w, x, b


def x_squared_plus_x(at: float = 3.0) -> tuple[Value, Value]:
    """x*x + x and its x: three uses of one leaf, with contributions 1, x and x."""
    x = Value(at, label="x")
    return x * x + x, x


def sum_of(n: int) -> Value:
    """x + x + … + x with n additions: one input feeding every + of a long chain."""
    x = Value(1.0, label="x")
    y = x + x
    for _ in range(n - 1):
        y = y + x
    return y


# Labels that spell DOT and HTML-like syntax: each once made a javascript: link in the drawing.
def fit_xor(seed: int, epochs: int, until_learned: bool = False) -> tuple[nn.MLP, list[float]]:
    """XOR on a 2-2-1 sigmoid net as the playground trains it: weights uniform in ±0.3,
    ε = 0.5, α = 0.9, `nn.fit`; stopping when every output is within 0.1 if ``until_learned``.
    The net and the error of each sweep."""
    model = nn.MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=seed)
    xs, ds = xor()
    errors = nn.fit(
        model,
        xs,
        ds,
        optimizer=nn.SGD(model.parameters(), lr=0.5, momentum=0.9),
        epochs=epochs,
        progress=False,
        stop=nn.train.within(0.1, model, xs, ds) if until_learned else None,
    )
    return model, errors


def xor_run(seed: int, steps: Sequence[int | tuple[Any, ...]]) -> list[float]:
    """XOR as `fit_xor` trains it (stopping when learned), done with `nn.fit` piece by piece:
    each int of ``steps`` trains that many sweeps more; ``("rates", lr, momentum)`` sets the
    optimizer's ε and α, ``("add", x1, x2, d)`` adds a case and ``("remove", case)`` removes
    one (counted from 1) before the next piece. The error of each sweep."""
    model = nn.MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=seed)
    inputs, targets = xor()
    xs: list[list[float]] = [list(x) for x in inputs]
    ds: list[float] = [float(d) for d in targets]
    opt = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
    errors: list[float] = []
    for step in steps:
        if isinstance(step, int):
            errors += nn.fit(
                model,
                xs,
                ds,
                optimizer=opt,
                epochs=step,
                progress=False,
                stop=nn.train.within(0.1, model, xs, ds),
            )
        elif step[0] == "rates":
            opt.lr, opt.momentum = step[1], step[2]
        elif step[0] == "add":
            xs.append([step[1], step[2]])
            ds.append(step[3])
        else:
            del xs[step[1] - 1], ds[step[1] - 1]
    return errors


HOSTILE_DOT = (
    "<.layers.0.>URL=<javascript:alert(1)>",
    '<a>"] v99 [URL="javascript:alert(2)" label="x"',
    "</TABLE>> href=<javascript:alert(3)> label=<<TABLE><TR><TD>",
    "\\N\\G<b>&amp;\u2028<x>",
)


def hostile_network() -> tuple[Value, list[Value]]:
    """A sigmoid unit per hostile label, summed; the labels name parameters and units (the
    first weight's label is the reported one, whole: a tooltip of the form <…>)."""
    outs, params = [], []
    for i, text in enumerate(HOSTILE_DOT):
        w = Value(0.5, label=text if i == 0 else f"{text}.layers.0.neurons.{i}.w.{text}")
        b = Value(0.1, label=f"{text}.layers.0.neurons.{i}.b")
        params += [w, b]
        outs.append(linear([w], [float(i + 1)], b).sigmoid())
        outs[-1].label = text
    return sum(outs[1:], outs[0]), params


# -- Graphviz's dot, real or fake --

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz 'dot' is not installed")


def notebook_tools() -> tuple[ModuleType, ModuleType]:
    """nbformat and nbclient, with ipykernel to run a notebook; called at a test module's top,
    it skips the whole module, saying which is missing, when one is."""
    found = [
        pytest.importorskip(
            name, reason=f"{name} is not installed (pip install -e '.[dev]' installs it)"
        )
        for name in ("nbformat", "nbclient", "ipykernel")
    ]
    return found[0], found[1]


def fake_dot(directory: Path, script: str) -> None:
    """A ``dot`` on PATH that runs ``script`` (sh) instead of Graphviz."""
    directory.mkdir(exist_ok=True)
    dot = directory / "dot"
    dot.write_text(f"#!/bin/sh\n{script}\n")
    dot.chmod(0o755)


# fake_dot scripts that exit 0 with garbage (nothing, not SVG, not UTF-8, without end) and
# the end of the one-line complaint each must give.
BROKEN_DOTS = [
    ("cat >/dev/null", "returned nothing for format 'svg'"),
    (
        "cat >/dev/null; echo 'Warning: all is well'",
        "returned something that is not a whole SVG picture",
    ),
    ("cat >/dev/null; printf '<svg>\\377\\376</svg>'", "returned SVG that is not UTF-8 (byte 5)"),
    ("cat >/dev/null; echo '<svg>'; exec yes '<g/>'", "wrote more than 1 MB; gave up"),
]


# -- the autograd command, in this process --


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``autograd ARGV...`` through `autograd.cli.main`: exit status, stdout, stderr."""
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- Chromium, for the tests marked ``browser`` (the fixture is in conftest.py) --

# Found on PATH, as the screenshots find it (tools.browser), so that
# PATH=$(../shared/bare-path) shows what a machine without it does.
FOUND = browser.find()
CHROMIUM = Path(FOUND or "/usr/bin/chromium")
CHROMIUM_ARGS = browser.ARGS
open_page = browser.open_page
