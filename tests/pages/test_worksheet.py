"""Worksheets: the sheet and its answer key, printed, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain
from autograd.pages.worksheet import write_worksheet
from tests.helpers import open_page


@pytest.mark.browser
def test_worksheet_prints_its_answer_key_on_a_page_of_its_own(browser: Any, tmp_path: Path) -> None:
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    root = (w * x + b).sigmoid()
    path = tmp_path / "sheet.html"
    write_worksheet(path, [("sigmoid(w*x + b)", {"w": 0.5, "x": 1.0, "b": -0.2}, root)])
    pg, problems = open_page(browser, path, 1100)
    sheet_boxes = pg.evaluate("() => document.querySelectorAll('.sheet .box').length")
    ex = explain(root)
    assert sheet_boxes == sum(len(s.terms) + 1 for s in ex if s.terms)  # locals + gradients
    assert pg.evaluate("() => document.querySelectorAll('.key .box').length") == 0
    key = pg.text_content(".key")
    assert "0.2445 × 0.5000 = 0.1222" in key  # ∂f/∂x = σ'(0.3)·w
    assert "0.1222" not in pg.text_content(".sheet")  # no answer on the sheet itself
    pg.emulate_media(media="print")
    assert pg.evaluate("() => getComputedStyle(document.querySelector('.key')).breakBefore") in (
        "page",
        "always",
    )
    pdf = pg.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 2  # the sheet, then the key
    pg.close()
    assert problems == []
