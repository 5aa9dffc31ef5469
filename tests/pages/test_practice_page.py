"""The practice page in a real browser: headless Chromium, pages opened from file://."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain
from autograd.pages.practice_page import practice_fragment
from autograd.pages.stepper import write_stepper
from autograd.teach.practice import check, questions
from tests.helpers import open_page, x_squared_plus_x


def state(pg: Any, scope: str = ".ag-practice") -> dict[str, Any]:
    result: dict[str, Any] = pg.evaluate(
        """(scope) => {
        const root = document.querySelector(scope);
        const part = (n) => root.querySelector(`[data-part='${n}']`).textContent;
        const cur = root.querySelector("g.node.current");
        const known = [...root.querySelectorAll("g.node text.grad-known")].map(t => t.textContent);
        return {question: Number(root.getAttribute("data-question")), prompt: part("prompt"),
                feedback: part("feedback"), score: part("score"), current: cur && cur.id,
                known: known};
    }""",
        scope,
    )
    return result


def answer(pg: Any, text: str, scope: str = ".ag-practice") -> None:
    pg.fill(f"{scope} input", text)
    pg.press(f"{scope} input", "Enter")


@pytest.mark.browser
def test_practice_page_right_wrong_hint_and_reveal(browser: Any, tmp_path: Path) -> None:
    root, _ = x_squared_plus_x()
    path = tmp_path / "practice.html"
    write_stepper(path, root, title="x*x + x", practice=True)
    pg, problems = open_page(browser, path, 1100)
    qs = questions(explain(root))
    s = state(pg)
    assert s["question"] == 0 and s["prompt"] == "by f = #1 + x: local derivative ∂(#1 + x)/∂#1 ="
    assert s["known"] == ["grad 1.000"]  # only the output's gradient is given
    n1_box = s["current"]

    answer(pg, "1")  # ∂(#1 + x)/∂#1 = 1: right, moves on to #1's gradient
    s = state(pg)
    assert s["question"] == 1 and s["feedback"].startswith("✓ right")
    assert s["prompt"] == "gradient ∂f/∂#1 =" and s["current"] == n1_box
    answer(pg, "1")
    s = state(pg)
    assert s["question"] == 2 and sorted(s["known"]) == ["grad 1.000", "grad 1.000"]
    assert s["current"] != n1_box  # x is the current node now

    assert state(pg)["prompt"] == "use 1 of 3, by f = #1 + x: local derivative ∂(#1 + x)/∂x ="
    answer(pg, "1")  # ∂(#1 + x)/∂x = 1
    answer(pg, "2")  # ∂(x·x)/∂x (left x) = x = 3: wrong, the hint names the local factor
    s = state(pg)
    assert s["question"] == 3
    assert s["prompt"] == (
        "use 2 of 3, by #1 = x * x, left operand: local derivative ∂(x·x)/∂x (left x) ="
    )
    assert s["feedback"] == f"✗ not quite: {check(qs[3], 2.0)[1]}. Try again (or Reveal)."
    assert "local factor is off" in s["feedback"]
    answer(pg, "3.001")  # second try, within 1%
    assert state(pg)["question"] == 4
    pg.click(".ag-practice [data-part='reveal']")
    s = state(pg)
    assert s["question"] == 5 and s["feedback"] == f"The answer to the last one: {qs[4].working}"
    answer(pg, "3")  # one use's contribution only: the hint says to add all three
    assert state(pg)["feedback"] == f"✗ not quite: {check(qs[5], 3.0)[1]}. Try again (or Reveal)."
    assert "one use's contribution only: x has 3 uses" in state(pg)["feedback"]
    answer(pg, "7")
    s = state(pg)
    assert s["question"] == 6 and "grad 7.000" in s["known"]
    assert s["score"].startswith("3 right first time, 2 after a hint, 1 revealed")
    assert pg.is_disabled(".ag-practice input")
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_two_practice_widgets_in_one_document_keep_to_themselves(
    browser: Any, tmp_path: Path
) -> None:
    (a, _), b = x_squared_plus_x(), (Value(0.5, label="w") * 2.0).sigmoid()
    page = "<!DOCTYPE html><meta charset='utf-8'><body><p id='outside' tabindex='-1'>text</p>"
    page += practice_fragment(a, title="a") + practice_fragment(b, title="b") + "</body>"
    path = tmp_path / "two.html"
    path.write_text(page, encoding="utf-8")
    pg, problems = open_page(browser, path, 1100)
    ids = pg.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)) and len(ids) > 10  # every id unique in the document
    widgets = pg.evaluate("() => [...document.querySelectorAll('.ag-practice')].map(e => e.id)")
    first, second = (f"#{w}" for w in widgets)
    answer(pg, "1", first)
    assert state(pg, first)["question"] == 1
    assert state(pg, second)["question"] == 0  # Enter in one widget moves only that one
    # A key pressed outside both widgets does nothing to either, even with an answer typed.
    pg.fill(f"{first} input", "1")
    pg.click("#outside")
    pg.keyboard.press("Enter")
    assert (state(pg, first)["question"], state(pg, second)["question"]) == (1, 0)
    sig = 1 / (1 + 2.718281828459045**-1.0)
    answer(pg, f"{sig * (1 - sig):.4f}", second)
    assert state(pg, second)["question"] == 1 and state(pg, first)["question"] == 1
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_practice_page_names_a_forgotten_use_as_python_does(browser: Any, tmp_path: Path) -> None:
    root, _ = x_squared_plus_x()  # x*x + x: x's three uses contribute 1, 3 and 3
    path = tmp_path / "practice.html"
    write_stepper(path, root, practice=True)
    pg, problems = open_page(browser, path, 1100)
    for text in ("1", "1", "1", "3", "3"):  # every local derivative and #1's gradient: right
        answer(pg, text)
    assert state(pg)["prompt"] == "gradient ∂f/∂x ="
    answer(pg, "4")  # two of the three uses
    q = next(q for q in questions(explain(root)) if q.kind == "grad" and q.name == "x")
    assert state(pg)["feedback"] == f"✗ not quite: {check(q, 4.0)[1]}. Try again (or Reveal)."
    assert "adds only some of the contributions" in state(pg)["feedback"]
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_practice_page_is_readable_on_a_phone(browser: Any, tmp_path: Path) -> None:
    """At 390 px the graph is not shrunk to the width: its box text stays >= 11 px."""
    path = tmp_path / "practice.html"
    x, w, b = Value(1.0, label="x"), Value(0.5, label="w"), Value(-0.2, label="b")
    write_stepper(path, (w * x + b).sigmoid(), practice=True)
    pg, problems = open_page(browser, path, 390, 844)
    smallest = pg.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.ag-practice g.node text')]
                 .map(t => t.getBoundingClientRect().height))"""
    )
    assert smallest >= 11
    pg.close()
    assert problems == []


# ==== a node named like a gradient keeps its name (issue 26, item 11) ====


def test_only_each_boxs_gradient_is_hidden_not_a_name_that_looks_like_one() -> None:
    import re

    from autograd.pages.practice_page import practice_fragment

    x, w = Value(2.0, label="grad 5"), Value(0.5, label="w")
    page = practice_fragment((x * w).sigmoid())
    texts = re.findall(r"<text\b[^>]*>([^<]*)<", page)
    assert "grad 5" in texts  # the name, drawn as it is
    assert texts.count("grad ?") == 4 == page.count('class="ag-grad grad-hidden"')  # one a box
    assert not [t for t in texts if t.startswith("grad ") and t not in ("grad 5", "grad ?")]


@pytest.mark.browser
def test_a_node_named_grad_5_keeps_its_name_while_its_gradient_is_found(
    browser: Any, tmp_path: Path
) -> None:
    x = Value(2.0, label="grad 5")
    y = x * x
    page = "<!DOCTYPE html><meta charset='utf-8'><body>" + practice_fragment(y) + "</body>"
    path = tmp_path / "named.html"
    path.write_text(page, encoding="utf-8")
    pg, problems = open_page(browser, path, 1100)
    for q in questions(explain(y)):
        answer(pg, repr(q.answer))
    texts = pg.evaluate(
        "() => [...document.querySelectorAll('g.node text')].map(t => t.textContent)"
    )
    assert "grad 5" in texts and "grad 4.000" in texts  # the name, and x's gradient 2·2
    assert state(pg)["known"] == ["grad 4.000", "grad 1.000"]  # x and the output
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_the_practice_page_is_ready_to_type_but_a_widget_takes_no_focus(
    browser: Any, tmp_path: Path
) -> None:
    from autograd.pages.practice_page import practice_html

    y = (Value(0.5, label="w") * 2.0).sigmoid()
    page, widget = tmp_path / "page.html", tmp_path / "widget.html"
    page.write_text(practice_html(y), encoding="utf-8")
    widget.write_text("<!DOCTYPE html><body>" + practice_fragment(y) + "</body>", encoding="utf-8")
    focused = "() => document.activeElement && document.activeElement.getAttribute('data-part')"
    for path, expected in ((page, "answer"), (widget, None)):
        pg, problems = open_page(browser, path, 1100)
        assert pg.evaluate(focused) == expected
        pg.close()
        assert problems == []


# ==== on a phone (issue 19, item 8) ====

LOSS = "E = 0.5*(sigmoid(w1*x1+w2*x2+b) - d)**2"
LOSS_AT = {"w1": -0.5, "x1": 1.8, "w2": 1.5, "x2": -1.2, "b": 0.4, "d": 1.0}


def graph_view(pg: Any) -> dict[str, float]:
    result: dict[str, float] = pg.evaluate(
        """() => {
        const view = document.querySelector(".ag-practice [data-part='graph']");
        const r = view.getBoundingClientRect(), s = view.querySelector("svg");
        const g = s.getBoundingClientRect();
        const scale = document.querySelector(".ag-practice [data-part='scale']");
        return {top: r.top, bottom: r.bottom, width: view.clientWidth, height: view.clientHeight,
                left: view.scrollLeft, svg_width: g.width, svg_height: g.height,
                scale: scale && scale.textContent};
    }"""
    )
    return result


@pytest.mark.browser
def test_on_a_phone_the_graph_fills_the_screen_and_zooms_pans_and_fits(
    browser: Any, tmp_path: Path
) -> None:
    from autograd.pages.practice_page import practice_html
    from autograd.teach.expr import parse

    path = tmp_path / "practice.html"
    path.write_text(practice_html(parse(LOSS).build(LOSS_AT), title=LOSS), encoding="utf-8")
    size = re.search(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', path.read_text())
    assert size is not None
    natural_w, natural_h = (float(v) * 4 / 3 for v in size.groups())  # Graphviz's pt → px
    pg, problems = open_page(browser, path, 390, 844)
    v = graph_view(pg)
    # The graph's box reaches the foot of the screen (the page's 12 px margin and the
    # widget's border and padding below it): it was a strip, with the lower half empty.
    assert v["bottom"] >= 844 - 40 and v["height"] >= 300, v
    # At first 3/4 of the natural size (the box is far narrower than the graph): text 12 px.
    assert v["scale"] == "75%" and v["svg_width"] == pytest.approx(natural_w * 0.75, abs=0.5)
    pg.click(".ag-practice [data-part='zoom-in']")
    v = graph_view(pg)
    assert v["scale"] == "94%" and v["svg_width"] == pytest.approx(natural_w * 0.9375, abs=0.5)
    # Dragging pans the graph inside its box: 120 px to the left shows 120 px more.
    before = v["left"]
    pg.mouse.move(300, v["top"] + 100)
    pg.mouse.down()
    pg.mouse.move(240, v["top"] + 100, steps=4)
    pg.mouse.move(180, v["top"] + 100, steps=4)
    pg.mouse.up()
    assert graph_view(pg)["left"] == pytest.approx(before + 120, abs=1)
    pg.click(".ag-practice [data-part='fit']")
    v = graph_view(pg)
    # The stepper's Fit: the whole graph in the box, less 16 px, at most 70 % of the window high.
    fit = min(1.5, (v["width"] - 16) / natural_w, (min(v["height"], 844 * 0.7) - 16) / natural_h)
    assert v["svg_width"] == pytest.approx(natural_w * fit, abs=0.5)
    assert v["svg_width"] <= v["width"] - 16 and v["svg_height"] <= v["height"] - 16
    assert v["scale"] == f"{round(fit * 100)}%"
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_the_answer_box_asks_for_a_keyboard_with_a_minus_key(browser: Any, tmp_path: Path) -> None:
    # inputmode="decimal" is iOS's decimal pad: digits and a point, no minus (nor the ? that
    # reveals). A text keyboard has both on every phone; no capitals or corrections in it.
    root, _ = x_squared_plus_x()
    path = tmp_path / "practice.html"
    write_stepper(path, root, practice=True)
    pg, problems = open_page(browser, path, 390, 844)
    box = ".ag-practice [data-part='answer']"
    attributes = pg.eval_on_selector(
        box,
        """(e) => [e.type, e.getAttribute("inputmode"), e.getAttribute("autocapitalize"),
                   e.getAttribute("autocorrect"), e.spellcheck]""",
    )
    assert attributes == ["text", "text", "off", "off", False]
    pg.keyboard.type("-1")  # typed (the box has the focus), minus first: a wrong sign
    pg.keyboard.press("Enter")
    s = state(pg)
    assert s["question"] == 0 and s["feedback"].startswith("✗ not quite: ")
    assert check(questions(explain(root))[0], -1.0)[1] in s["feedback"]
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_a_nets_units_are_practised_with_the_papers_hints(browser: Any, tmp_path: Path) -> None:
    import nn
    from autograd.core.notation import num
    from autograd.teach.practice import unit_questions

    model = nn.MLP(2, [2, 1], seed=0)
    error = nn.losses.sum_squared_error(model([1.0, 0.0]), 1.0)
    units = explain(error, params=model, view="neurons")
    path = tmp_path / "net.html"
    write_stepper(path, error, params=model, view="neurons", practice=True)
    pg, problems = open_page(browser, path)
    qs = unit_questions(units)
    at_load = state(pg)
    assert at_load["prompt"] == "gradient ∂E/∂y5 =" and at_load["known"] == ["grad 1.000"]
    answer(pg, num(qs[0].answer))  # ∂E/∂y5 right: shown in unit 5's box
    assert f"∂E/∂y {num(units[0].dy)}" in state(pg)["known"]
    answer(pg, num(units[0].dy))  # ∂E/∂x5 without y5(1 - y5): the hint says so, as in Python
    said = state(pg)["feedback"]
    assert said == f"✗ not quite: {check(qs[1], units[0].dy)[1]}. Try again (or Reveal)."
    assert "the factor y5·(1 - y5) is missing" in said
    answer(pg, num(units[0].dx))
    answer(pg, num(units[0].weights[0].grad))  # ∂E/∂w53: no box of its own to fill
    s = state(pg)
    assert s["question"] == 3 and f"∂E/∂x {num(units[0].dx)}" in s["known"]
    assert s["prompt"] == "gradient ∂E/∂w54 ="
    # Nothing of unit 4 or 3 is shown yet.
    hidden = pg.evaluate("() => [...document.querySelectorAll('text.grad-hidden')].length")
    assert hidden == 4
    pg.close()
    assert problems == []
