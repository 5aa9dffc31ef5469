"""Make docs/stepper.png: the README's teaching example in the HTML stepper, a few steps in.

Run from the top of the repository: ``.venv/bin/python docs/make_stepper_screenshot.py``.
Needs Graphviz's ``dot`` and Debian's ``/usr/bin/chromium`` (driven by playwright).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from autograd.cli import main

EXPRESSION = "sigmoid(w*x + b)"
STEPS = 5  # Next presses before the picture
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "steps.html"
        status = main(
            ["explain", EXPRESSION, "--at", "w=0.5", "x=1", "b=-0.2", "--html", str(page_path)]
        )
        if status != 0:
            raise SystemExit(status)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(
                viewport={"width": 1400, "height": 400}, device_scale_factor=1.5
            )
            page.goto(page_path.as_uri())
            for _ in range(STEPS):
                page.keyboard.press("ArrowRight")
            height = page.evaluate("() => document.documentElement.scrollHeight")
            page.set_viewport_size({"width": 1400, "height": height})
            page.screenshot(path=str(out))
            browser.close()


if __name__ == "__main__":
    shoot(Path(__file__).with_name("stepper.png"))
