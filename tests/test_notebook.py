"""The stepper and the training timeline inline in Jupyter: notebooks executed by nbclient, then
their outputs in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain
from tests.helpers import notebook_tools, open_page

nbformat, nbclient = notebook_tools()

SETUP = """\
from autograd import Value
from autograd.pages.stepper import show_steps
w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
y = (w * x + b).sigmoid()
"""


def neuron() -> tuple[Value, Value]:
    """The notebook's neuron, built here again to compute what it must show."""
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    return (w * x + b).sigmoid(), w


def steps_data(fragment: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="[^"]*">(.*?)</script>', fragment, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The text/html outputs of a notebook whose last two cells each end in show_steps."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell("show_steps(y)"),
        nbformat.v4.new_code_cell("show_steps(y, wrt=w)"),
    ]
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}
    )
    client.execute()
    htmls = []
    for cell in nb.cells[1:]:
        (output,) = cell.outputs  # one result, no error, nothing on stderr
        assert output["output_type"] == "execute_result"
        assert output["data"]["text/plain"].startswith("<Stepper of ")
        htmls.append(output["data"]["text/html"])
    return htmls


def test_notebook_output_is_the_stepper(outputs: list[str]) -> None:
    y, w = neuron()
    full, only_w = outputs
    assert all(h.startswith('<div class="ag-stepper"') for h in outputs)
    for html, ex in ((full, explain(y)), (only_w, explain(y, wrt=w))):
        data = steps_data(html)
        # The steps the kernel computed are those of explain here, number for number.
        assert [s["grad"] for s in data["steps"]] == [s.grad for s in ex]
        assert [s["headline"] for s in data["steps"]] == [s.headline() for s in ex]
        assert "<svg" in html and "<script>" in html
    # Two outputs on one notebook page: no id in common.
    ids = [set(re.findall(r'\bid="([^"]+)"', h)) for h in outputs]
    assert ids[0] and not ids[0] & ids[1]
    assert len(steps_data(only_w)["steps"]) < len(steps_data(full)["steps"])


@pytest.mark.browser
def test_notebook_outputs_step_independently_in_chromium(
    outputs: list[str], browser: Any, tmp_path: Path
) -> None:
    page_path = tmp_path / "notebook.html"
    cells = "".join(f"<div class='output' id='out{i}'>{h}</div>" for i, h in enumerate(outputs))
    page_path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{cells}</body></html>",
        encoding="utf-8",
    )
    y, w = neuron()
    n_full, n_w = len(explain(y)), len(explain(y, wrt=w))
    pg, errors = open_page(browser, page_path, 1366, 768)

    def counters() -> list[str]:
        found: list[str] = pg.eval_on_selector_all(
            ".ag-counter", "es => es.map(e => e.textContent)"
        )
        return found

    assert counters() == ["forward pass", "forward pass"]
    pg.click("#out1 .ag-next")
    pg.keyboard.press("End")
    pg.click("#out0 .ag-next")
    pg.keyboard.press("ArrowRight")
    assert counters() == [f"step 2 of {n_full}", f"step {n_w} of {n_w}"]
    # The second stepper went through the paths to w only: the rest is greyed out.
    headline = pg.text_content("#out1 .ag-headline")
    assert headline.startswith("w = 0.5000")
    pg.close()
    assert errors == []


# -- the training timeline inline (nn.show_training) --

TRAINING = """\
import nn
model = nn.MLP(2, [2, 1], seed=4)
rec = nn.Recorder()
errors = nn.fit(model, [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0],
                optimizer=nn.SGD(model.parameters(), lr=0.5, momentum=0.9), epochs=40,
                progress=False, record=rec)
"""


@pytest.fixture(scope="module")
def timelines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The text/html outputs of two cells that each end in nn.show_training(rec)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(TRAINING)] + [
        nbformat.v4.new_code_cell("nn.show_training(rec)") for _ in range(2)
    ]
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}
    )
    client.execute()
    htmls = []
    for cell in nb.cells[1:]:
        (output,) = cell.outputs
        assert (
            output["data"]["text/plain"] == "<Timeline of 40 sweeps, 40 keyframes (sweeps 1 to 40)>"
        )
        htmls.append(output["data"]["text/html"])
    return htmls


@pytest.mark.browser
def test_two_timelines_in_a_notebook_scrub_independently(
    timelines: list[str], browser: Any, tmp_path: Path
) -> None:
    assert all(h.startswith('<div class="ag-timeline"') for h in timelines)
    ids = [set(re.findall(r'\bid="([^"]+)"', h)) for h in timelines]
    assert ids[0] and not ids[0] & ids[1]
    page_path = tmp_path / "notebook.html"
    cells = "".join(f"<div class='output' id='out{i}'>{h}</div>" for i, h in enumerate(timelines))
    page_path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{cells}</body></html>",
        encoding="utf-8",
    )
    pg, errors = open_page(browser, page_path, 1366, 768)
    pg.click("#out1 .ag-next")
    pg.keyboard.press("End")
    sweeps = pg.eval_on_selector_all(".ag-timeline", "ts => ts.map(t => t.dataset.sweep)")
    assert sweeps == ["1", "40"]
    pg.close()
    assert errors == []
