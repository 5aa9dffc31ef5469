"""Make docs/images/practice.png: the README's practice example in the browser, a hint showing.

Run from the top of the repository: ``.venv/bin/python tools/make_practice_screenshot.py``.
Needs Debian's ``/usr/bin/chromium`` (driven by playwright); the page's graph is SVG, which
renders without Graphviz's ``dot`` too (`autograd.pages.render`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from make_stepper_screenshot import CHROMIUM_ARGS  # tools/, the folder of this script
from playwright.sync_api import sync_playwright

from autograd.cli.commands import main

EXPRESSION = "sigmoid(w*x + b)"
# Answers typed before the picture: #2's local and gradient, #1's, b's, then x's local
# derivative right and x's gradient wrong (the local derivative alone, a classic), so the
# picture shows the hint.
ANSWERS = ["0.2445", "0.2445", "1", "0.2445", "1", "0.2445", "0.5", "0.5"]


def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "practice.html"
        argv = ["practice", EXPRESSION, "--at", "w=0.5", "x=1", "b=-0.2", "--html", str(page_path)]
        status = main(argv)
        if status != 0:
            raise SystemExit(status)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(
                viewport={"width": 1200, "height": 400}, device_scale_factor=1.5
            )
            page.goto(page_path.as_uri())
            for answer in ANSWERS:
                page.fill(".ag-practice input", answer)
                page.press(".ag-practice input", "Enter")
            page.locator(".ag-practice").screenshot(path=str(out))
            browser.close()


if __name__ == "__main__":
    shoot(Path(__file__).resolve().parent.parent / "docs" / "images" / "practice.png")
