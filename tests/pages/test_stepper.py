"""The HTML stepper in a real browser: headless Chromium, the page opened from file://."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain, topological_order
from autograd.core.notation import delimited, num
from autograd.pages.practice_page import practice_fragment
from autograd.pages.stepper import show_steps, stepper_html, write_stepper
from autograd.pages.worksheet import worksheet_html, write_worksheet
from autograd.teach.expr import parse
from nn import MLP
from nn.losses import mse, sum_squared_error
from tests.helpers import HOSTILE_DOT, hostile_network, open_page, sigmoid, x_squared_plus_x

# Labels that would run code if they reached the page as markup.
HOSTILE = ("</script><script>pwned=1</script>", '<img src=x onerror="pwned=2">\'&')
SCREENS = [(1366, 768), (390, 844), (1920, 1080)]


def graph() -> tuple[Value, Value, list[Value]]:
    """sigmoid(w·x + b) + x·h1·h2: the input x feeds two nodes, h1 and h2 have hostile labels."""
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    hs = [Value(3.0, label=HOSTILE[0]), Value(1.0, label=HOSTILE[1])]
    return (w * x + b).sigmoid() + x * hs[0] * hs[1], x, hs


def mlp_221() -> tuple[MLP, Value]:
    """The 2-2-1 MLP case of the issue: a fixed seed, the input (1, 0)."""
    model = MLP(2, [2, 1], seed=1)
    return model, model([1.0, 0.0])


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    root, _, _ = graph()
    path = tmp_path / "steps.html"
    write_stepper(path, root, title="sigmoid(w*x + b) + x*h")
    pg, problems = open_page(browser, path)
    yield pg
    pg.close()
    assert problems == []


def current(pg: Any, scope: str = ".ag-stepper") -> tuple[str | None, str | None]:
    """The highlighted node's id (without the stepper's prefix) and the gradient it shows."""
    result: list[str | None] = pg.evaluate(
        """(scope) => {
        const root = document.querySelector(scope);
        const g = root.querySelector("g.node.current");
        if (!g) return [null, null];
        const t = [...g.querySelectorAll("text")].filter(t => t.textContent.startsWith("grad "));
        return [g.id.slice(root.dataset.prefix.length),
                t.length ? t[t.length - 1].textContent : null];
    }""",
        scope,
    )
    return result[0], result[1]


def step_of(pg: Any, scope: str = ".ag-stepper") -> int:
    """The step shown: 0 for the forward pass, else N of "step N of M"."""
    return int(pg.eval_on_selector(scope, "e => Number(e.dataset.step)")) + 1


def layout(pg: Any) -> list[list[float]]:
    """Every node's and edge's drawn shape position, relative to the drawing itself."""
    boxes: list[list[float]] = pg.evaluate(
        """() => {
        const o = document.querySelector(".ag-view svg").getBoundingClientRect();
        return [...document.querySelectorAll("g.node, g.edge")].map(g => {
            const s = g.querySelector("polygon, ellipse, path").getBoundingClientRect();
            // to 0.1 px: subtracting page positions leaves float noise
            return [s.x - o.x, s.y - o.y, s.width, s.height].map(n => Math.round(n * 10) / 10);
        });
    }"""
    )
    return boxes


@pytest.mark.browser
def test_next_and_arrow_keys_walk_backward(page: Any) -> None:
    root, x, _ = graph()
    ex = explain(root)
    order = topological_order(root)
    node_of = {s.number: f"v{order.index(s.node)}" for s in ex}
    assert current(page) == (None, None)  # the forward view: nothing highlighted yet
    grads_shown = page.evaluate(
        """() => [...document.querySelectorAll("g.node text")]
        .map(t => t.textContent).filter(t => t.startsWith("grad "))"""
    )
    assert grads_shown and set(grads_shown) == {"grad ?"}
    start = layout(page)

    page.click(".ag-next")
    assert current(page) == (node_of[1], "grad 1.000")
    assert page.text_content(".ag-counter") == f"step 1 of {len(ex)}"

    page.keyboard.press("ArrowRight")  # the click gave the stepper the focus
    assert current(page) == (node_of[2], f"grad {ex[1].grad:#.4g}")
    assert layout(page) == start  # the layout never moves

    # Walk to x, which feeds two nodes: its step sums two paths, and its edges light up.
    k = next(s.number for s in ex if s.node is x)
    for _ in range(k - 2):
        page.keyboard.press("ArrowRight")
    z = 0.5 * 1.0 - 0.2
    dfdx = sigmoid(z) * (1 - sigmoid(z)) * 0.5 + 3.0  # through w·x, and through x·h1·h2
    assert current(page) == (node_of[k], f"grad {dfdx:#.4g}")
    math_text = page.text_content(".ag-math")
    assert math_text.startswith("∂f/∂x = ") and math_text.count("upstream gradient") == 2
    assert f"= {dfdx:#.4g}" in math_text
    active = page.evaluate("() => [...document.querySelectorAll('g.edge.active')].map(e => e.id)")
    assert len(active) == 4  # x → each consumer's op, and each op → its result
    assert layout(page) == start
    # Nodes already visited keep showing their gradients; later ones do not yet.
    assert (
        page.evaluate("""() => [...document.querySelectorAll("g.node text.grad-known")].length""")
        == k
    )

    page.click(".ag-prev")
    assert current(page)[0] == node_of[k - 1]
    page.keyboard.press("ArrowLeft")
    assert current(page)[0] == node_of[k - 2]
    for _ in range(len(ex) + 3):
        page.keyboard.press("ArrowRight")
    assert current(page)[0] == node_of[len(ex)]
    assert page.is_disabled(".ag-next")
    assert layout(page) == start


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_mlp_221_is_readable_and_every_key_steps(
    browser: Any, tmp_path: Path, width: int, height: int
) -> None:
    model, y = mlp_221()
    ex = explain(y, params=model)
    m = len(ex)
    path = tmp_path / "mlp.html"
    write_stepper(path, y, params=model, title="MLP(2, [2, 1]) at x = (1, 0), " * 4)
    pg, problems = open_page(browser, path, width, height)

    # Natural size: the smallest node text is at least 11 CSS px tall, at 100 % zoom.
    heights = pg.evaluate(
        """() => [...document.querySelectorAll(".ag-view svg g.node text")]
        .map(t => t.getBoundingClientRect().height)"""
    )
    assert len(heights) > 20 and min(heights) >= 11
    # The long title wraps: the page never scrolls sideways; neither does the panel.
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= width
    assert pg.eval_on_selector(".ag-panel", "e => e.scrollWidth <= e.clientWidth")

    pg.focus(".ag-stepper")
    moves = [
        ("ArrowRight", 1),
        ("Space", 2),
        ("PageDown", 3),
        ("ArrowLeft", 2),
        ("PageUp", 1),
        ("Shift+Space", 0),
        ("End", m),
        ("ArrowRight", m),  # stays at the last step
        ("Home", 0),
        ("ArrowLeft", 0),  # stays at the forward pass
    ]
    for key, want in moves:
        pg.keyboard.press(key)
        assert step_of(pg) == want, key
        counter = pg.text_content(".ag-counter")
        assert counter == (f"step {want} of {m}" if want else "forward pass")
        # Each step is announced to screen readers.
        live = pg.eval_on_selector(".ag-live", "e => [e.getAttribute('aria-live'), e.textContent]")
        assert live[0] == "polite" and live[1].startswith(counter)

    # Clicking a node goes to its step: the first-layer weight w[1] of neuron 1.
    target = dict(model.named_parameters())["layers.0.neurons.1.w.1"]
    k = next(s.number for s in ex if s.node is target)
    node = f"v{ex.order.index(target)}"
    prefix = pg.eval_on_selector(".ag-stepper", "e => e.dataset.prefix")
    pg.click(f"[id='{prefix}{node}']")
    assert step_of(pg) == k and current(pg)[0] == node
    assert pg.text_content(".ag-headline").startswith("w42 = ")  # unit 4's weight from unit 2

    # The slider and the current node: at the last step, the output is in view.
    pg.eval_on_selector(
        ".ag-slider", f"e => {{ e.value = '{m}'; e.dispatchEvent(new Event('input')); }}"
    )
    assert step_of(pg) == m
    inside = pg.evaluate(
        """() => {
        const v = document.querySelector(".ag-view").getBoundingClientRect();
        const n = document.querySelector("g.node.current").getBoundingClientRect();
        return n.left >= v.left && n.right <= v.right && n.top >= v.top && n.bottom <= v.bottom;
    }"""
    )
    assert inside
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_zoom_pan_and_autoplay(browser: Any, tmp_path: Path) -> None:
    model, y = mlp_221()
    path = tmp_path / "mlp.html"
    write_stepper(path, y, params=model)
    pg, problems = open_page(browser, path, 800, 600, fake_clock=True)

    def width() -> float:
        w: float = pg.eval_on_selector(".ag-view svg", "e => e.getBoundingClientRect().width")
        return w

    natural = width()
    view_box = pg.eval_on_selector(".ag-view svg", "e => e.viewBox.baseVal.width")
    assert natural == pytest.approx(view_box * 4 / 3, abs=0.5)  # Graphviz's pt at 100 %
    pg.click(".ag-in")
    assert width() == pytest.approx(natural * 1.25, abs=0.5)
    assert pg.text_content(".ag-scale") == "125%"
    pg.click(".ag-out")
    pg.click(".ag-out")
    assert width() == pytest.approx(natural / 1.25, abs=0.5)
    pg.click(".ag-fit")
    fits = pg.evaluate(
        """() => { const v = document.querySelector(".ag-view");
                   const s = v.querySelector("svg").getBoundingClientRect();
                   return s.width <= v.clientWidth && s.height <= v.clientHeight; }"""
    )
    assert fits
    # Ctrl + wheel (a trackpad pinch) zooms in at the pointer; a drag pans.
    before = width()
    box = pg.eval_on_selector(
        ".ag-view",
        "e => { const r = e.getBoundingClientRect(); "
        "return [r.x + r.width / 2, r.y + r.height / 2]; }",
    )
    pg.mouse.move(box[0], box[1])
    pg.keyboard.down("Control")
    pg.mouse.wheel(0, -200)
    pg.keyboard.up("Control")
    pg.wait_for_function(
        f"() => document.querySelector('.ag-view svg').getBoundingClientRect().width > {before + 1}"
    )
    pg.click(".ag-in")
    pg.click(".ag-in")
    scroll = pg.eval_on_selector(".ag-view", "e => [e.scrollLeft, e.scrollTop]")
    pg.mouse.move(box[0], box[1])
    pg.mouse.down()
    pg.mouse.move(box[0] - 60, box[1] - 40, steps=4)
    pg.mouse.up()
    moved = pg.eval_on_selector(".ag-view", "e => [e.scrollLeft, e.scrollTop]")
    assert moved[0] == pytest.approx(scroll[0] + 60, abs=2)
    assert moved[1] == pytest.approx(scroll[1] + 40, abs=2)
    assert step_of(pg) == 0  # a drag is not a click on a node
    # Two fingers moving apart from 100 px to 200 px double the zoom (touch pointer events,
    # as a phone sends them; playwright has no multi-touch of its own).
    pg.click(".ag-fit")
    before = width()
    pg.eval_on_selector(
        ".ag-view",
        """(v) => {
        const r = v.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
        const send = (type, id, dx) => v.dispatchEvent(new PointerEvent(type, {
            bubbles: true, pointerId: id, pointerType: "touch", clientX: x + dx, clientY: y}));
        send("pointerdown", 11, -50);
        send("pointerdown", 12, 50);
        send("pointermove", 12, 100);
        send("pointermove", 11, -100);
        send("pointerup", 11, -100);
        send("pointerup", 12, 100);
    }""",
    )
    assert width() == pytest.approx(before * 2, rel=0.01)

    pg.click(".ag-play")
    assert pg.get_attribute(".ag-play", "aria-pressed") == "true"
    pg.clock.run_for(1250)
    assert step_of(pg) == 1
    pg.clock.run_for(1200 * 3)
    assert step_of(pg) == 4
    pg.click(".ag-play")  # pause
    pg.clock.run_for(5000)
    assert step_of(pg) == 4 and pg.get_attribute(".ag-play", "aria-pressed") == "false"
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_two_steppers_on_one_page_and_a_textarea(browser: Any, tmp_path: Path) -> None:
    model, y = mlp_221()
    root, _, _ = graph()
    first, second = show_steps(y, params=model), show_steps(root)
    path = tmp_path / "two.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<textarea id='notes' rows='3'>abcdef</textarea>"
        f"<div id='one'>{first._repr_html_()}</div><div id='two'>{second.html}</div>"
        "</body></html>",
        encoding="utf-8",
    )
    pg, problems = open_page(browser, path, 1366, 768)
    ids = pg.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)) > 50  # every id is unique on the page

    one, two = "#one .ag-stepper", "#two .ag-stepper"
    pg.focus(one)
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")
    assert (step_of(pg, one), step_of(pg, two)) == (2, 0)
    pg.click("#two .ag-next")
    pg.keyboard.press("End")
    assert (step_of(pg, one), step_of(pg, two)) == (2, len(explain(root)))
    assert current(pg, two)[1] == f"grad {explain(root)[-1].grad:#.4g}"
    pg.click("#one .ag-prev")
    assert (step_of(pg, one), step_of(pg, two)) == (1, len(explain(root)))

    # Typing in a text box moves its caret, not a stepper, even with the pointer over one.
    pg.hover(one)
    pg.focus("#notes")
    pg.eval_on_selector("#notes", "e => e.setSelectionRange(3, 3)")
    for key in ("ArrowLeft", "ArrowLeft", "End", "PageDown", "Home", "ArrowRight", "Space"):
        pg.keyboard.press(key)
    assert pg.eval_on_selector("#notes", "e => e.selectionStart") == 2  # Home, →, space
    assert pg.input_value("#notes") == "a bcdef"
    assert (step_of(pg, one), step_of(pg, two)) == (1, len(explain(root)))
    # With the focus nowhere in particular, the stepper under the pointer takes the keys.
    pg.evaluate("() => document.activeElement.blur()")
    pg.hover(one)
    pg.keyboard.press("ArrowRight")
    pg.hover(two)
    pg.keyboard.press("Home")
    assert (step_of(pg, one), step_of(pg, two)) == (2, 0)
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_inf_and_nan_gradients_are_shown_with_their_reasons(browser: Any, tmp_path: Path) -> None:
    x = Value(0.0, label="x")
    root = x.sqrt() - x.sqrt()  # ∂f/∂x = (−1)·inf + 1·inf = nan
    path = tmp_path / "nan.html"
    write_stepper(path, root)
    pg, problems = open_page(browser, path)
    ex = explain(root)
    pg.focus(".ag-stepper")
    pg.keyboard.press("End")
    assert pg.text_content(".ag-counter") == f"step {len(ex)} of {len(ex)}"
    assert current(pg) == (f"v{topological_order(root).index(x)}", "grad nan ⚠")
    assert pg.text_content(".ag-note") == ex[-1].note()
    assert "inf - inf is nan" in pg.text_content(".ag-note")
    assert "= (-inf) + inf = nan" in pg.text_content(".ag-math")
    # Drawn red, not in the green of ordinary gradients.
    colour = pg.evaluate(
        """() => getComputedStyle([...document.querySelectorAll("g.node.current text")]
        .find(t => t.textContent.startsWith("grad "))).fill"""
    )
    assert colour == "rgb(160, 0, 0)"
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_labels_are_text_never_markup(page: Any) -> None:
    root, _, hs = graph()
    ex = explain(root)
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img, script').length") == 2
    page.focus(".ag-stepper")
    for h, label in zip(hs, HOSTILE):
        k = next(s.number for s in ex if s.node is h)
        while step_of(page) != k:
            page.keyboard.press("ArrowRight" if step_of(page) < k else "ArrowLeft")
        assert page.text_content(".ag-headline") == f"{delimited(label)} = {h.data:#.4g} (input)"
    assert page.evaluate("() => window.pwned") is None


def test_page_is_self_contained() -> None:
    root, _, _ = graph()
    text = stepper_html(root)
    assert "<script src" not in text and "<link" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    assert "https://" not in text


def net_241(hidden: int = 4) -> tuple[MLP, Value]:
    model = MLP(2, [hidden, 1], seed=0)
    return model, sum_squared_error(model([1.0, 0.0]), 1.0)


def unit_box(pg: Any) -> tuple[int, str, list[str]]:
    """How many elements say aria-current="step", and the first one's name and cells."""
    found: tuple[int, str, list[str]] = pg.evaluate(
        """() => {
        const marked = document.querySelectorAll('[aria-current="step"]');
        if (!marked.length) return [0, "", []];
        const texts = [...marked[0].querySelectorAll("text")].map(t => t.textContent);
        return [marked.length, texts[0], texts.slice(1)];
    }"""
    )
    return found


@pytest.mark.browser
def test_neuron_view_steps_unit_by_unit_and_marks_the_unit_it_computes(
    browser: Any, tmp_path: Path
) -> None:
    model, E = net_241()
    units = explain(E, params=model, view="neurons")
    path = tmp_path / "units.html"
    write_stepper(path, E, params=model, view="neurons")
    pg, problems = open_page(browser, path, 1366, 768)
    assert unit_box(pg)[0] == 0  # the forward pass computes no gradient
    assert [s.unit for s in units] == [7, 6, 5, 4, 3]
    for k, s in enumerate(units):
        pg.keyboard.press("ArrowRight")
        count, name, cells = unit_box(pg)
        # The one box marked is the unit the step computes, showing the step's result.
        assert count == 1 and name == s.y_name
        assert f"∂E/∂x {num(s.dx)}" in cells and f"∂E/∂y {num(s.dy)}" in cells
        assert pg.text_content(".ag-headline") == s.headline()
        assert pg.text_content(".ag-math") == "\n".join(s.lines()[1:])
        # Units further down are still to be worked out.
        later = pg.evaluate(
            """() => [...document.querySelectorAll("g.node text")].map(t => t.textContent)
                      .filter(t => t.endsWith(" ?")).length"""
        )
        assert later == 2 * (len(units) - k - 1)
    pg.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("hidden", [2, 4])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_a_net_opens_on_its_output_unit_and_the_units_it_reads(
    browser: Any, tmp_path: Path, hidden: int, width: int, height: int, renderer: str
) -> None:
    model, E = net_241(hidden)
    path = tmp_path / "units.html"
    write_stepper(path, E, params=model, view="neurons")
    pg, problems = open_page(browser, path, width, height)
    seen = pg.evaluate(
        """() => {
        const root = document.querySelector(".ag-stepper"), P = root.dataset.prefix;
        const data = JSON.parse(document.getElementById(P + "data").textContent);
        const view = document.querySelector(".ag-view").getBoundingClientRect();
        const svg = document.querySelector(".ag-view svg");
        const px = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const inside = data.focus.map(id => {
            const r = document.getElementById(P + id).getBoundingClientRect();
            return r.left >= view.left && r.right <= view.right && r.top >= view.top
                   && r.bottom <= view.bottom;
        });
        const sizes = [...svg.querySelectorAll("g.node text")]
            .map(t => parseFloat(t.getAttribute("font-size")) * px);
        return {inside, count: data.focus.length, text: Math.min(...sizes),
                view: view.height, forward: !!document.querySelector(".ag-forward[open]")};
    }"""
    )
    # The output unit, the hidden units it reads and the loss: all in the graph's box.
    assert seen["count"] == hidden + 2 and all(seen["inside"]), seen
    assert seen["text"] >= 11 - 1e-9
    assert seen["view"] >= 0.4 * height
    assert not seen["forward"]  # folded; a click unfolds it
    pg.click(".ag-forward summary")
    assert "x3 = y1·w31 + y2·w32 + b3" in pg.text_content(".ag-forward-text")
    pg.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["units", "nodes", "fragment", "practice", "unit-practice"])
def test_without_javascript_no_gradient_is_given_away(
    browser: Any, tmp_path: Path, kind: str
) -> None:
    model, E = net_241(2)
    path = tmp_path / "page.html"
    if kind == "units":
        write_stepper(path, E, params=model, view="neurons")
    elif kind == "nodes":
        write_stepper(path, E, params=model)
    elif kind == "practice":
        write_stepper(path, E, params=model, practice=True)
    elif kind == "unit-practice":
        write_stepper(path, E, params=model, practice=True, view="neurons")
    else:  # a notebook that does not run the widget's script (an untrusted one)
        path.write_text(f"<!DOCTYPE html><body>{show_steps(E, params=model).html}</body>")
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(path.as_uri())
    shown = pg.inner_text("body")
    texts = pg.evaluate("() => [...document.querySelectorAll('svg text')].map(t => t.textContent)")
    ex = explain(E, params=model)
    for step in ex:
        if step.node is not E:
            for t in texts:
                assert not (t.endswith(num(step.grad)) and t.startswith(("grad", "∂"))), t
    assert "needs JavaScript" in shown
    context.close()


@pytest.mark.browser
def test_a_page_shows_a_whole_step_and_keeps_the_graph_still(browser: Any, tmp_path: Path) -> None:
    """At 1366×768 a step with three uses (17 lines) needs no scrolling, and going back to a
    shorter step does not move the graph up: the panel keeps the tallest height seen."""
    x = Value(3.0, label="x")
    root = x * x + x
    path = tmp_path / "uses.html"
    write_stepper(path, root, title="x*x + x")
    pg, problems = open_page(browser, path, 1366, 768)
    pg.hover(".ag-view")
    top = "() => document.querySelector('.ag-view').getBoundingClientRect().top"
    tops = []
    for _ in range(3):
        pg.keyboard.press("ArrowRight")
        tops.append(pg.evaluate(top))
    assert step_of(pg) == 3
    math_text = pg.text_content(".ag-math")
    assert math_text.count("contribution") == 3 and math_text.rstrip().endswith("= 7.000")
    assert pg.eval_on_selector(".ag-panel", "e => e.scrollHeight <= e.clientHeight")
    pg.keyboard.press("ArrowLeft")  # step 2: one use, fewer lines
    # (scrollHeight is whole pixels: the box may settle by a fraction of one)
    assert abs(pg.evaluate(top) - tops[-1]) < 1 and tops == sorted(tops)
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_a_page_of_its_own_takes_the_keys_from_the_start(browser: Any, tmp_path: Path) -> None:
    """No click and no pointer over it: → steps at once (a presenter's clicker, a keyboard)."""
    root, _, _ = graph()
    path = tmp_path / "steps.html"
    write_stepper(path, root)
    pg, problems = open_page(browser, path)
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("PageDown")
    assert step_of(pg) == 2
    pg.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize(
    "kind", ["values", "neurons", "practice", "fragment", "practice-fragment", "worksheet"]
)
def test_clicking_every_node_of_a_hostile_page_runs_nothing(
    browser: Any, tmp_path: Path, kind: str
) -> None:
    from autograd.pages.stepper import stepper_fragment

    root, params = hostile_network()
    path = tmp_path / "page.html"
    if kind in ("values", "neurons"):
        write_stepper(path, root, params=params, view=kind, inputs=list(HOSTILE_DOT))
    elif kind == "practice":
        write_stepper(path, root, params=params, practice=True)
    elif kind == "worksheet":
        write_worksheet(path, [(HOSTILE_DOT[0], {}, root)])
    else:  # what a notebook shows: the fragment alone, in a page of the notebook's
        make = stepper_fragment if kind == "fragment" else practice_fragment
        path.write_text(f"<!DOCTYPE html><body>{make(root, params=params)}</body>", "utf-8")
    pg, problems = open_page(browser, path)
    links = pg.evaluate(
        """() => [...document.querySelectorAll("[href], [*|href]")]
            .map(e => e.getAttribute("href")
                      || e.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
            .filter(h => !h.startsWith("#"))"""
    )
    assert links == []
    pg.on("popup", lambda p: problems.append(f"popup {p.url}"))
    nodes = pg.query_selector_all("svg g.node")
    # A unit and its input each, and (but in the neurons view, where it is one box) the loss.
    assert len(nodes) >= (2 if kind == "neurons" else 3) * len(HOSTILE_DOT)
    for node in nodes:
        node.click(force=True)
    assert pg.url == path.as_uri()
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_the_stepper_shows_the_nudge_and_a_mistake_beside_each_step(
    browser: Any, tmp_path: Path
) -> None:
    root, x = x_squared_plus_x()
    path = tmp_path / "steps.html"
    write_stepper(path, root, mistake="overwrite")  # nudge data in the page, its box unticked
    pg, problems = open_page(browser, path, 1100)
    pg.click(".ag-view")  # focus: keys act on this stepper
    for _ in range(3):
        pg.keyboard.press("ArrowRight")
    column = pg.text_content(".ag-mistake")
    # With '=', x keeps only the last use's contribution, ∂f/∂#1 · x; the right sum is 2x + 1.
    assert f"wrong (=)   ∂f/∂x = {x.data:.3f}  ← first difference" in column
    assert f"right (+=)  ∂f/∂x = {2 * x.data + 1:.3f}" in column
    assert "keeps only the contribution of use 3 of 3" in column
    beside = pg.evaluate(
        """() => {
        const m = document.querySelector(".ag-math").getBoundingClientRect();
        const w = document.querySelector(".ag-mistake").getBoundingClientRect();
        return w.left >= m.right && w.top < m.bottom;
    }"""
    )
    assert beside  # a second column beside the chain rule, not below it
    nudge = ".ag-nudge"
    assert pg.text_content(nudge) == "Nudge x by ±1e-05: (f₊ - f₋)/(2·1e-05) = 7.000 ✓ agrees."
    assert not pg.is_visible(nudge)
    pg.check(".ag-nudge-box")
    assert pg.is_visible(nudge)
    pg.keyboard.press("ArrowLeft")  # keys still step with the checkbox focused
    assert pg.get_attribute(".ag-stepper", "data-step") == "1"
    assert pg.text_content(nudge) == "Nudge #1 by ±1e-05: (f₊ - f₋)/(2·1e-05) = 1.000 ✓ agrees."
    assert pg.text_content(".ag-mistake-step") == (
        "wrong (=)   ∂f/∂#1 = 1.000\nright (+=)  ∂f/∂#1 = 1.000"
    )
    assert pg.text_content(".ag-mistake-why") == ""  # the why only where they part
    ids = pg.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    prefix = pg.get_attribute(".ag-stepper", "data-prefix")
    assert all(i.startswith(prefix) for i in ids) and len(ids) == len(set(ids))
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_the_order_mistake_shows_its_difference_at_the_node_read_too_early(
    browser: Any, tmp_path: Path
) -> None:
    # issue 19, item 3: at h the page showed wrong = right = 4.100, the why only at y.
    root = parse("h = x*y; f = sin(h)*h + exp(h)").build({"x": 0.5, "y": 2.0})
    (h,) = [s for s in explain(root) if s.name == "h"]
    path = tmp_path / "order.html"
    write_stepper(path, root, mistake="order")
    pg, problems = open_page(browser, path, 1100)
    pg.click(".ag-view")
    for _ in range(h.number):
        pg.keyboard.press("ArrowRight")
    assert pg.get_attribute(".ag-stepper", "data-step") == str(h.number - 1)
    # Depth-first, h is reached after n2 = n1*h and n1 = sin(h) gave it sin 1 + cos 1,
    # before exp(h) adds e; the right sum is sin 1 + 1·cos 1 + e.
    early, whole = math.sin(1.0) + math.cos(1.0), math.sin(1.0) + math.cos(1.0) + math.e
    step = pg.text_content(".ag-mistake-step")
    assert f"∂f/∂h = {num(early)}  ← first difference" in step
    assert f"∂f/∂h = {num(whole)}" in step
    why = pg.text_content(".ag-mistake-why") or ""
    assert why.startswith(f"Depth-first, h was visited and passed ∂f/∂h = {num(early)} on")
    pg.keyboard.press("ArrowRight")  # y: marked, but the why stays where it happened
    assert "✗" in (pg.text_content(".ag-mistake-step") or "")
    assert pg.text_content(".ag-mistake-why") == ""
    pg.close()
    assert problems == []


# ==== broken, from the review of the checking tools (issue 19, items 13 and 14) ====


def test_show_steps_takes_wrt_beside_an_explanation() -> None:
    w, x = Value(0.5, label="w"), Value(1.0, label="x")
    y = (w * x + x).sigmoid()
    stepper = show_steps(y, explain(y), wrt=w)
    assert [s.name for s in stepper.explanation] == [s.name for s in explain(y, wrt=w)]
    assert len(stepper.explanation) < len(explain(y))


def test_one_stepper_shown_twice_is_two_widgets_with_ids_of_their_own() -> None:
    import re

    stepper = show_steps((Value(0.5, label="w") * 2.0).sigmoid())
    first, second = stepper._repr_html_(), stepper._repr_html_()
    ids = [set(re.findall(r'\bid="([^"]+)"', page)) for page in (first, second)]
    assert ids[0] and len(ids[0]) == len(ids[1]) and not ids[0] & ids[1]
    # Everything that pointed at an id of the first points at the same id of the second.
    prefix = [re.search(r"ag[0-9a-f]{8}-", page).group(0) for page in (first, second)]  # type: ignore[union-attr]
    assert first.replace(prefix[0], prefix[1]) == second


@pytest.mark.browser
def test_a_unit_output_root_and_a_batch_step_unit_by_unit_too(browser: Any, tmp_path: Path) -> None:
    model = MLP(2, [2, 1], seed=1)
    y = model([1.0, 0.0])
    assert isinstance(y, Value)
    units = explain(y, params=model, view="neurons")
    path = tmp_path / "y.html"
    write_stepper(path, y, units, params=model)  # a unit view: drawn as units, whatever view
    pg, problems = open_page(browser, path, 1366, 768)
    for s in units:
        pg.keyboard.press("ArrowRight")
        count, name, cells = unit_box(pg)
        assert (count, name) == (1, s.y_name) and f"∂y5/∂x {num(s.dx)}" in cells
    pg.close()
    # A batch: the narrated case is stepped through, the others' numbers are shown from the
    # start, and the last step adds up the cases (its weights' boxes fill in then).
    batch = MLP(2, [3, 2], activation="tanh", output_activation="linear", seed=2)
    cases = [([1.0, 0.0], [0.0, 1.0]), ([0.0, 1.0], [1.0, 0.0])]
    E = mse.batch([batch(x) for x, _ in cases], [d for _, d in cases])
    path = tmp_path / "batch.html"
    write_stepper(path, E, params=batch, view="neurons")
    pg, more = open_page(browser, path, 1366, 768)
    pg.keyboard.press("End")
    left = pg.evaluate("() => [...document.querySelectorAll('svg text')].filter(t => "
                       "t.textContent.endsWith(' ?')).length")  # fmt: skip
    assert left == 0
    assert "Over the 2 cases, ∂E/∂w = Σ_c ∂E_c/∂w" in pg.text_content(".ag-math")
    pg.keyboard.press("Home")
    case2 = pg.evaluate(
        """() => [...document.querySelectorAll('g.node')]
                 .filter(g => g.textContent.includes('c2') && !g.textContent.includes(' ?'))
                 .length"""
    )
    assert case2 == 5  # case 2's five units, known at the forward pass already
    pg.close()
    assert problems == [] and more == []


def test_node_steps_are_refused_in_a_nets_neurons_view() -> None:
    model, E = net_241(2)
    with pytest.raises(ValueError, match="view='neurons' steps a net unit by unit; a mistake"):
        stepper_html(E, params=model, view="neurons", mistake="twice")
    with pytest.raises(ValueError, match="a node-level explanation needs view='values'"):
        stepper_html(E, explain(E, params=model), params=model, view="neurons")
    E.label = "loss"
    assert repr(show_steps(E, params=model, view="neurons")) == "<Stepper of 3 steps for loss>"


# ==== one minus sign (issue 19, item 11) ====


def page_text(page: str) -> str:
    """A page without its code: the markup, the SVG and the data the script puts in the page."""
    return re.sub(r"<script>.*?</script>", "", page, flags=re.S)


def test_a_stepper_a_practice_page_and_a_worksheet_write_one_minus_sign() -> None:
    program = "n = a - b; f = n*exp(-a) - cos(b)"
    root = parse(program).build({"a": 0.5, "b": 2.0})
    pages = {
        "stepper": stepper_html(root, nudge=True, mistake="twice"),
        "practice": stepper_html(root, practice=True),
        "worksheet": worksheet_html([(program, {"a": 0.5, "b": 2.0}, root)]),
        "unit stepper": stepper_html(mlp_221()[1], view="neurons"),
    }
    for kind, page in pages.items():
        text = page_text(page)
        assert "-1.000" in text or "- d" in text, kind  # minus signs there are, all alike
        for sign in ("\u2212", "&#8722;", "&minus;", "\\u2212"):
            assert sign not in text, (kind, sign)
    assert "∂(a - b)/∂b = -1" in page_text(pages["stepper"])
