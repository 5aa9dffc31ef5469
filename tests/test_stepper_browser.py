"""The HTML stepper in a real browser: headless Chromium, the page opened from file://."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, explain, topological_order
from autograd.stepper import stepper_html, write_stepper

# Found on PATH, so that PATH=$(../shared/bare-path) shows what a machine without it does.
FOUND = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM = Path(FOUND or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Without Graphviz's dot the page still renders (autograd.render's WebAssembly Graphviz).
pytestmark = pytest.mark.skipif(
    FOUND is None,
    reason="Chromium is not on PATH: install it (apt install chromium) to run the browser "
    "tests; CI's .ci/run does",
)

# Labels that would run code if they reached the page as markup.
HOSTILE = ("</script><script>pwned=1</script>", '<img src=x onerror="pwned=2">\'&')


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def graph() -> tuple[Value, Value, list[Value]]:
    """sigmoid(w·x + b) + x·h1·h2: the input x feeds two nodes, h1 and h2 have hostile labels."""
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    hs = [Value(3.0, label=HOSTILE[0]), Value(1.0, label=HOSTILE[1])]
    return (w * x + b).sigmoid() + x * hs[0] * hs[1], x, hs


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    root, _, _ = graph()
    path = tmp_path / "steps.html"
    write_stepper(path, root, title="sigmoid(w*x + b) + x*h")
    pg = browser.new_page(viewport={"width": 1200, "height": 800})
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on(
        "request",
        lambda r: None if r.url.startswith("file://") else problems.append(f"request {r.url}"),
    )
    pg.goto(path.as_uri())
    yield pg
    pg.close()
    assert problems == []


def current(pg: Any) -> tuple[str | None, str | None]:
    """The highlighted node's id and the gradient text shown in it."""
    result: list[str | None] = pg.evaluate(
        """() => {
        const g = document.querySelector("g.node.current");
        if (!g) return [null, null];
        const t = [...g.querySelectorAll("text")].filter(t => t.textContent.startsWith("grad "));
        return [g.id, t.length ? t[t.length - 1].textContent : null];
    }"""
    )
    return result[0], result[1]


def layout(pg: Any) -> list[list[float]]:
    """Every node's and edge's drawn shape position, in page coordinates."""
    boxes: list[list[float]] = pg.evaluate(
        """() => [...document.querySelectorAll("g.node, g.edge")].map(g => {
        const s = g.querySelector("polygon, ellipse, path").getBoundingClientRect();
        return [s.x, s.y, s.width, s.height];
    })"""
    )
    return boxes


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

    page.click("#next")
    assert current(page) == (node_of[1], "grad 1.000")
    assert page.text_content("#counter") == f"step 1 of {len(ex)}"

    page.keyboard.press("ArrowRight")
    assert current(page) == (node_of[2], f"grad {ex[1].grad:#.4g}")
    assert layout(page) == start  # the layout never moves

    # Walk to x, which feeds two nodes: its step sums two paths, and its edges light up.
    k = next(s.number for s in ex if s.node is x)
    for _ in range(k - 2):
        page.keyboard.press("ArrowRight")
    z = 0.5 * 1.0 - 0.2
    dfdx = sigmoid(z) * (1 - sigmoid(z)) * 0.5 + 3.0  # through w·x, and through x·h1·h2
    assert current(page) == (node_of[k], f"grad {dfdx:#.4g}")
    math_text = page.text_content("#math")
    assert math_text.startswith("∂f/∂x = ") and math_text.count("where") == 1
    assert f"= {dfdx:#.4g}" in math_text
    active = page.evaluate("() => [...document.querySelectorAll('g.edge.active')].map(e => e.id)")
    assert len(active) == 4  # x → each consumer's op, and each op → its result
    assert layout(page) == start
    # Nodes already visited keep showing their gradients; later ones do not yet.
    assert (
        page.evaluate("""() => [...document.querySelectorAll("g.node text.grad-known")].length""")
        == k
    )

    page.click("#prev")
    assert current(page)[0] == node_of[k - 1]
    page.keyboard.press("ArrowLeft")
    assert current(page)[0] == node_of[k - 2]
    for _ in range(len(ex) + 3):
        page.keyboard.press("ArrowRight")
    assert current(page)[0] == node_of[len(ex)]
    assert page.is_disabled("#next")
    assert layout(page) == start


def test_inf_and_nan_gradients_are_shown_with_their_reasons(browser: Any, tmp_path: Path) -> None:
    x = Value(0.0, label="x")
    root = x.sqrt() - x.sqrt()  # ∂f/∂x = (−1)·inf + 1·inf = nan
    path = tmp_path / "nan.html"
    write_stepper(path, root)
    pg = browser.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.goto(path.as_uri())
    ex = explain(root)
    for _ in range(len(ex)):
        pg.keyboard.press("ArrowRight")
    assert pg.text_content("#counter") == f"step {len(ex)} of {len(ex)}"
    assert current(pg) == (f"v{topological_order(root).index(x)}", "grad nan")
    assert pg.text_content("#note") == ex[-1].note()
    assert "inf − inf is nan" in pg.text_content("#note")
    assert "= (-inf) + inf = nan" in pg.text_content("#math")
    pg.close()
    assert problems == []


def test_labels_are_text_never_markup(page: Any) -> None:
    root, _, hs = graph()
    ex = explain(root)
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img, script').length") == 2
    for h, label in zip(hs, HOSTILE):
        k = next(s.number for s in ex if s.node is h)
        while page.text_content("#counter") != f"step {k} of {len(ex)}":
            page.keyboard.press("ArrowRight" if current_number(page) < k else "ArrowLeft")
        assert page.text_content("#headline") == f"{label} = {h.data:#.4g} (input)"
    assert page.evaluate("() => window.pwned") is None


def current_number(pg: Any) -> int:
    text = pg.text_content("#counter")
    return int(text.split()[1]) if text.startswith("step") else 0


def test_page_is_self_contained() -> None:
    root, _, _ = graph()
    text = stepper_html(root)
    assert "<script src" not in text and "<link" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    assert "https://" not in text
