"""Make the README's pictures of the stepper and of the neuron view.

* docs/images/stepper.png: the HTML stepper of a 2-2-1 sigmoid MLP, a few steps into backward,
  in a 1366×768 window (a common laptop screen), after pressing Fit.
* docs/images/neurons_2_16_16_1.png: ``draw_graph(y, view="neurons")`` of an MLP(2, [16, 16, 1]).
* docs/images/units_stepper.png: the neuron-view stepper of a 2-4-1 net under its error, at
  1366×768, mid-way through the hidden layer (unit 5 of 3 to 6).

Run from the top of the repository: ``.venv/bin/python tools/make_stepper_screenshot.py``.
Needs Debian's ``/usr/bin/chromium`` (driven by playwright), and Graphviz's ``dot`` for the
neuron view's PNG (the stepper's SVG renders without it: `autograd.pages.render`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from autograd import draw_graph
from autograd.pages.draw import render
from autograd.pages.stepper import write_stepper
from nn import MLP
from nn.losses import sum_squared_error

STEPS = 5  # key presses before the picture: the gradient has reached the first layer
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def shoot(out: Path) -> None:
    model = MLP(2, [2, 1], seed=1)
    y = model([1.0, 0.0])
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "steps.html"
        write_stepper(page_path, y, params=model, title="MLP(2, [2, 1]) at x = (1, 0)")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(page_path.as_uri())
            page.hover(".ag-view")  # keys go to the stepper under the pointer
            for _ in range(STEPS):
                page.keyboard.press("ArrowRight")
            page.click(".ag-fit")  # the whole network in the window (here at 68 %)
            page.mouse.move(0, 0)
            page.screenshot(path=str(out))
            print("stepper.png at zoom", page.text_content(".ag-scale"))
            browser.close()


def units(out: Path) -> None:
    model = MLP(2, [4, 1], seed=0)
    error = sum_squared_error(model([1.0, 0.0]), 1.0)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "units.html"
        write_stepper(page_path, error, params=model, view="neurons", title="MLP(2, [4, 1])")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(page_path.as_uri())
            page.hover(".ag-view")
            for _ in range(3):  # units 7 (the output), 6 and 5
                page.keyboard.press("ArrowRight")
            page.mouse.move(0, 0)
            page.screenshot(path=str(out))
            browser.close()


def neurons(out: Path) -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    y = model([1.0, 0.0])
    y.backward()
    out.write_bytes(render(draw_graph(y, params=model, view="neurons"), "png"))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent.parent / "docs" / "images"
    shoot(here / "stepper.png")
    neurons(here / "neurons_2_16_16_1.png")
    units(here / "units_stepper.png")
