"""docs/images/practice.png: the README's practice example in the browser, a hint showing.

Made by ``make figures`` (`tools.figures`); this one alone:
``.venv/bin/python -m tools.make_practice_screenshot``. Needs Chromium on PATH (driven by
playwright, `tools.browser`), and Graphviz's ``dot``: the page's graph renders without it
(`autograd.pages.render`'s WebAssembly Graphviz), but as plain records, not the docs' picture.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograd.cli.commands import main as autograd_main
from tools.browser import chromium

EXPRESSION = "sigmoid(w*x + b)"
# Answers typed before the picture: #2's local and gradient, #1's, b's, then x's local
# derivative right and x's gradient wrong (the local derivative alone, a classic), so the
# picture shows the hint.
ANSWERS = ["0.2445", "0.2445", "1", "0.2445", "1", "0.2445", "0.5", "0.5"]


def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "practice.html"
        argv = ["practice", EXPRESSION, "--at", "w=0.5", "x=1", "b=-0.2", "--html", str(page_path)]
        status = autograd_main(argv)
        if status != 0:
            raise RuntimeError(f"autograd {' '.join(argv)} exited with status {status}")
        with chromium() as browser:
            page = browser.new_page(
                viewport={"width": 1200, "height": 400}, device_scale_factor=1.5
            )
            page.goto(page_path.as_uri())
            for answer in ANSWERS:
                page.fill(".ag-practice input", answer)
                page.press(".ag-practice input", "Enter")
            page.locator(".ag-practice").screenshot(path=str(out))


if __name__ == "__main__":
    from tools.figures import made_by, main

    raise SystemExit(main(made_by("tools.make_practice_screenshot")))
