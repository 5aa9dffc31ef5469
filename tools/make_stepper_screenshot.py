"""The docs' pictures of the stepper and of the neuron view.

* docs/images/stepper.png (`shoot`): the HTML stepper of a 2-2-1 sigmoid MLP, a few steps into
  backward, in a 1366×768 window (a common laptop screen), after pressing Fit.
* docs/images/neurons_2_16_16_1.png (`neurons`): ``draw_graph(y, view="neurons")`` of an
  MLP(2, [16, 16, 1]).
* docs/images/units_stepper.png (`units`): the neuron-view stepper of a 2-4-1 net under its
  error, at 1366×768, mid-way through the hidden layer (unit 5 of 3 to 6).

Made by ``make figures`` (`tools.figures`, whose table says which function makes which
picture); these three alone: ``.venv/bin/python -m tools.make_stepper_screenshot``.
The screenshots need Chromium on PATH (driven by playwright, `tools.browser`); all three need
Graphviz's ``dot``: the PNG cannot be drawn without it, and without it the pages' graphs would
come from the WebAssembly Graphviz (`autograd.pages.render`), as plain records in another
layout, not the pictures the docs show.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograd import Value, draw_graph
from autograd.pages.draw import render
from autograd.pages.stepper import write_stepper
from nn import MLP
from nn.losses import sum_squared_error
from tools.browser import chromium

STEPS = 5  # key presses before the picture: the gradient has reached the first layer


def output(model: MLP, x: list[float]) -> Value:
    """The one output of ``model`` at ``x`` (an MLP with one output unit)."""
    y = model(x)
    assert isinstance(y, Value)
    return y


def shoot(out: Path) -> str:
    """The 2-2-1 stepper to ``out``; returns the zoom Fit chose (the README's caption gives it)."""
    model = MLP(2, [2, 1], seed=1)
    y = output(model, [1.0, 0.0])
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        page_path = Path(tmp) / "steps.html"
        write_stepper(page_path, y, params=model, title="MLP(2, [2, 1]) at x = (1, 0)")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(page_path.as_uri())
        page.hover(".ag-view")  # keys go to the stepper under the pointer
        for _ in range(STEPS):
            page.keyboard.press("ArrowRight")
        page.click(".ag-fit")  # the whole network in the window (here at 63 %)
        page.mouse.move(0, 0)
        page.screenshot(path=str(out))
        return f"at zoom {page.text_content('.ag-scale')}"


def units(out: Path) -> None:
    model = MLP(2, [4, 1], seed=0)
    error = sum_squared_error(model([1.0, 0.0]), 1.0)
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        page_path = Path(tmp) / "units.html"
        write_stepper(page_path, error, params=model, view="neurons", title="MLP(2, [4, 1])")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(page_path.as_uri())
        page.hover(".ag-view")
        for _ in range(3):  # units 7 (the output), 6 and 5
            page.keyboard.press("ArrowRight")
        page.mouse.move(0, 0)
        page.screenshot(path=str(out))


def neurons(out: Path) -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    y = output(model, [1.0, 0.0])
    y.backward()
    out.write_bytes(render(draw_graph(y, params=model, view="neurons"), "png"))


if __name__ == "__main__":
    from tools.figures import made_by, main

    raise SystemExit(main(made_by("tools.make_stepper_screenshot")))
