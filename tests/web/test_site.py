"""The playground (web/, built by `make site` into build/play/) in Chromium, served on 127.0.0.1.

Every number the page shows is compared with what the Python package computes here for the
same expression, net, seed and sweeps. One browser and one page for the module: Pyodide
starts once (a few seconds), and each test changes the page's URL or its forms. Any request
that leaves 127.0.0.1, any page error and any console error fails the test that caused it.
"""

from __future__ import annotations

import contextlib
import io
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

import nn
from autograd import Value, cli, explain
from autograd.cli.common import build
from autograd.teach.practice import questions
from tests.helpers import ROOT, fit_xor, xor_run
from tools.browser import served

SITE = ROOT / "build" / "play"
LECTURE = {
    "expr": "n = x1*w1 + x2*w2 + b; o = tanh(n)",
    "at": "x1=2 x2=0 w1=-3 w2=1 b=6.88",
    "params": "w1 w2 b",
}
# Pyodide's exp and tanh (musl's) may round differently from the machine's (glibc's) in the
# last bit: numbers that went through them are compared to a few units in the last place.
ULPS = 8 * 2**-52
READY_MS = 120_000  # Pyodide's start on a loaded CI machine: seconds, but never a minute


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """build/play/ served on 127.0.0.1 (a free port), as `python -m http.server` serves it."""
    if not (SITE / "index.html").is_file():
        pytest.skip("the playground is not built: run `make site` (or `make test-site`) first")
    with served(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def play(browser: Any, site: str) -> Iterator[tuple[Any, list[str]]]:
    """The playground's page, Python ready in it, and the list of problems seen so far."""
    # bypass_csp: playwright's wait_for_function evaluates its predicate as a string, which the
    # page's policy (no eval) refuses; the route below still catches any request that leaves.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    problems: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(site):
            r.continue_()
        else:
            problems.append(f"request outside the page's origin: {r.request.url}")
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    # Opened once, at a link: the first test reads what it shows without a click.
    pg.goto(f"{site}?{urllib.parse.urlencode(LECTURE, quote_via=urllib.parse.quote)}")
    pg.wait_for_selector("body[data-ready]", timeout=READY_MS)
    pg.wait_for_function("document.querySelector('#listing').textContent.length > 0")
    yield pg, problems
    context.close()


@pytest.fixture
def pg(play: tuple[Any, list[str]]) -> Iterator[Any]:
    page, problems = play
    yield page
    assert problems == []


def native(*argv: str) -> tuple[str, str]:
    """What ``autograd ARGV`` prints here, under CPython: stdout and stderr, stripped."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        cli.main(list(argv))
    return out.getvalue().strip("\n"), err.getvalue().strip()


def visit(pg: Any, site: str, **state: str) -> str:
    """Go to the link of ``state`` as the back button does (Python is not started again);
    the listing it then shows (or "" after an error, or with a page)."""
    query = urllib.parse.urlencode(state, quote_via=urllib.parse.quote)
    pg.evaluate("document.querySelector('#listing').textContent = ''")
    pg.evaluate("document.querySelector('#error').textContent = ''")
    pg.evaluate(
        "(q) => { history.pushState(null, '', q); dispatchEvent(new PopStateEvent('popstate')); }",
        f"{site}?{query}",
    )
    if state.get("tab") == "net":
        pg.wait_for_function(
            "!document.querySelector('#sweep').disabled && !window.playground.errors.length"
        )
        return ""
    pg.wait_for_function(
        "!document.querySelector('#run').disabled && "
        "(document.querySelector('#listing').textContent || "
        "document.querySelector('#error').textContent || "
        "!document.querySelector('#page').hidden)",
        timeout=READY_MS,
    )
    return str(pg.text_content("#listing"))


def lecture_args(*extra: str) -> list[str]:
    return [LECTURE["expr"], "--at", *LECTURE["at"].split(), "--params", "w1", "w2", "b", *extra]


@pytest.mark.browser
def test_a_link_shows_the_listing_with_the_gradients_backward_computes(pg: Any, site: str) -> None:
    # The link the page was opened at: its listing, as the command line prints it.
    assert pg.text_content("#listing") == native("explain", *lecture_args())[0]
    assert pg.is_hidden("#page")  # the listing alone: no page was written
    root, named, _ = build(LECTURE["expr"], LECTURE["at"].split())
    root.backward()
    for name in ("w1", "w2", "b", "x1"):
        listing = visit(pg, site, **LECTURE, wrt=name)
        *shown, so = listing.split("\n")
        here, so_here = native("explain", *lecture_args("--wrt", name))[0].rsplit("\n", 1)
        assert shown == here.split("\n")  # every step, as printed, as the command line's
        # In full precision, equal up to the last bit of tanh, which Pyodide's C library
        # (musl) and glibc round differently at some inputs (here tanh(0.88)).
        assert so.startswith(f"So ∂o/∂{name} = ") and so_here.startswith(f"So ∂o/∂{name} = ")
        grad = float(so.rpartition(" = ")[2])
        assert grad == pytest.approx(named[name].grad, rel=ULPS, abs=0)
    # With + * / and ** alone, every bit is the same.
    root, named, _ = build("f = x*x*y + y/x - x**3", ["x=0.7", "y=-1.3"])
    root.backward()
    listing = visit(pg, site, expr="f = x*x*y + y/x - x**3", at="x=0.7 y=-1.3", params="", wrt="x")
    assert listing.endswith(f"So ∂f/∂x = {named['x'].grad!r}")
    # The field shows the command line it runs, in the shell's words.
    command = "$ autograd explain 'f = x*x*y + y/x - x**3' --at x=0.7 y=-1.3 --wrt x"
    assert pg.text_content("#command") == command


@pytest.mark.browser
def test_the_nudge_test_the_mistakes_and_the_unit_view_are_the_command_lines(
    pg: Any, site: str
) -> None:
    assert (
        visit(pg, site, **LECTURE, mode="nudge") == native("explain", *lecture_args("--nudge"))[0]
    )
    for kind in ("overwrite", "twice"):
        listing = visit(pg, site, **LECTURE, mode="mistake", mistake=kind)
        assert listing == native("explain", *lecture_args("--mistake", kind))[0]
    listing = visit(pg, site, **LECTURE, view="units", net="2-2-1", seed="3", input="1 0")
    assert listing == native("explain", "--net", "2-2-1", "--seed", "3", "--input", "1", "0")[0]
    assert "(4)" in listing and "∂E/∂w53" in listing  # the paper's equations, unit by unit
    # "Link to this" is the link of what is shown (the default net left out).
    share = str(pg.get_attribute("#share", "href"))
    shown = {**LECTURE, "view": "units", "seed": "3", "input": "1 0"}
    assert dict(urllib.parse.parse_qsl(share.removeprefix("?"))) == shown


@pytest.mark.browser
def test_practice_on_a_net_asks_in_the_papers_terms(pg: Any, site: str) -> None:
    visit(pg, site, **LECTURE, view="units", net="2-2-1", seed="3", mode="practice")
    frame = pg.frame_locator("#page")
    assert frame.locator("[data-part='prompt']").text_content() == "gradient ∂E/∂y5 ="
    model = nn.MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=3)
    y5 = model([1.0, 0.0])
    assert isinstance(y5, Value)  # one output unit: one Value
    answer = frame.locator("[data-part='answer']")
    answer.fill(repr(y5.data - 1.0))  # ∂E/∂y5 = y5 - d5 (4), at the default case 1 0 → 1
    answer.press("Enter")
    assert str(frame.locator("[data-part='feedback']").text_content()).startswith("✓ right")


@pytest.mark.browser
def test_an_error_is_the_command_lines_one_line_beside_the_field(pg: Any, site: str) -> None:
    visit(pg, site, expr="x*y + ", at="x=1", params="")
    shown = pg.text_content("#error")
    assert shown == native("explain", "x*y + ", "--at", "x=1")[1]
    assert shown.startswith("autograd: error: in the expression:") and "\n" not in shown
    visit(pg, site, expr="x*y", at="x=1 z=2", params="")
    assert pg.text_content("#error") == native("explain", "x*y", "--at", "x=1", "z=2")[1]


@pytest.mark.browser
def test_the_stepper_steps_through_the_backward_pass(pg: Any, site: str) -> None:
    visit(pg, site, **LECTURE, mode="stepper")
    root, _, params = build(LECTURE["expr"], LECTURE["at"].split(), ["w1", "w2", "b"])
    ex = explain(root, params=params)
    frame = pg.frame_locator("#page")
    frame.locator(".ag-next").click()
    assert frame.locator(".ag-counter").text_content() == f"step 1 of {len(ex)}"
    frame.locator(".ag-next").click()
    assert f"{ex[1].grad:#.4g}" in str(frame.locator(".ag-math").text_content())
    # The graph is drawn by viz.js in the page: one box per node of the expression.
    assert frame.locator("svg g.node").count() >= len(ex)


@pytest.mark.browser
def test_practice_takes_answers_and_moves_on(pg: Any, site: str) -> None:
    visit(pg, site, expr="x*x + x", at="x=3", params="", mode="practice")
    root, _, _ = build("x*x + x", ["x=3"])
    qs = questions(explain(root))
    frame = pg.frame_locator("#page")
    answer = frame.locator("[data-part='answer']")
    answer.fill(repr(qs[0].answer))
    answer.press("Enter")
    assert str(frame.locator("[data-part='feedback']").text_content()).startswith("✓ right")
    assert frame.locator("[data-part='prompt']").text_content() == f"gradient {qs[1].symbol} ="
    answer.fill(repr(qs[1].answer + 5))
    answer.press("Enter")
    assert str(frame.locator("[data-part='feedback']").text_content()).startswith("✗")


@pytest.mark.browser
def test_a_worksheet_to_print_with_its_answer_key(pg: Any, site: str) -> None:
    visit(pg, site, expr="sigmoid(w*x + b)", at="w=0.5 x=1 b=-0.2", params="w b", mode="worksheet")
    frame = pg.frame_locator("#page")
    root, named, _ = build("sigmoid(w*x + b)", ["w=0.5", "x=1", "b=-0.2"])
    root.backward()
    text = str(frame.locator("body").text_content())
    assert frame.locator("section.key").count() == 1  # the answer key, on a page of its own
    assert f"∂f/∂w = 0.2445 × 1.000 = {named['w'].grad:.4f}" in text
    assert pg.is_visible("#print")


@pytest.mark.browser
def test_a_net_trains_in_the_page_as_nn_fit_trains_it(pg: Any, site: str) -> None:
    visit(pg, site, **LECTURE, tab="net", data="xor", hidden="2", netseed="2", lr="0.5")
    pg.wait_for_function("!document.querySelector('#sweep').disabled", timeout=READY_MS)
    for _ in range(3):
        pg.click("#sweep")
    pg.wait_for_function("window.playground.errors.length === 3")
    # Seed 2 sticks in a local minimum (no 0.1 criterion within 5000 sweeps), so training
    # goes on in slices until paused.
    pg.click("#train")
    pg.wait_for_function("window.playground.errors.length >= 40", timeout=READY_MS)
    assert pg.text_content("#train") == "Pause", pg.text_content("#net-status")
    pg.click("#train")
    # "Pausing…" until the slice under way is done, then every sweep trained is shown.
    pg.wait_for_function("document.querySelector('#train').textContent === 'Train'")
    shown = pg.evaluate("window.playground.errors")

    model, expected = fit_xor(2, len(shown))
    # Sweep after sweep, musl's and glibc's last bits of exp feed into the next weights: after
    # hundreds of sweeps the two runs part at about 1e-14, far below any mistake's size.
    assert shown == pytest.approx(expected, rel=1e-12, abs=0)
    # The table shows the latest sweep's E as the page computed it.
    assert float(pg.text_content("#errors tbody tr td:nth-child(2)")) == shown[-1]

    # One case's backward pass at the weights reached, in the paper's terms.
    pg.fill("#case", "2")
    pg.click("#explain-case")
    pg.wait_for_function("document.querySelector('#net-listing').textContent.length > 0")
    error = nn.losses.sum_squared_error(model([0.0, 1.0]), 1.0)
    assert pg.text_content("#net-listing") == str(explain(error, params=model, view="neurons"))
    frame = pg.frame_locator("#net-page")
    frame.locator(".ag-next").click()
    assert str(frame.locator(".ag-counter").text_content()).startswith("step 1 of")

    # Seed 4 learns: training stops by itself at the sweep nn.fit's criterion stops at.
    pg.fill("#netseed", "4")
    pg.click("#build")
    pg.wait_for_function(
        "!window.playground.errors.length && !document.querySelector('#train').disabled"
    )
    pg.click("#train")
    pg.wait_for_function("document.querySelector('#net-status').textContent.includes('within')")
    _, learned = fit_xor(4, 5000, until_learned=True)
    assert pg.evaluate("window.playground.errors.length") == len(learned) < 5000
    assert pg.text_content("#train") == "Train"


@pytest.mark.browser
def test_the_other_data_sets_and_activations_build_and_train(pg: Any, site: str) -> None:
    for data, hidden, activation in (("symmetry", "2", "sigmoid"), ("moons", "4 4", "tanh")):
        visit(pg, site, **LECTURE, tab="net", data=data, hidden=hidden, activation=activation)
        pg.wait_for_function("!document.querySelector('#sweep').disabled", timeout=READY_MS)
        pg.click("#sweep")
        pg.wait_for_function("window.playground.errors.length === 1")
        rows = pg.locator("#cases tbody tr").count()
        assert rows == (64 if data == "symmetry" else 40)
    pg.fill("#hidden", "0")
    pg.click("#build")
    assert "hidden layers" in str(pg.text_content("#net-error"))
    # What nn refuses comes back as nn's own one line, with its exception's name.
    pg.fill("#hidden", "2")
    pg.fill("#lr", "-1")
    pg.click("#build")
    pg.wait_for_function("document.querySelector('#net-error').textContent.includes('SGD')")
    with pytest.raises(ValueError) as refused:
        nn.SGD(nn.MLP(2, [2, 1]).parameters(), lr=-1)
    assert pg.text_content("#net-error") == f"ValueError: {refused.value}"


def live_keyframes(pg: Any) -> int:
    """How many keyframes the network tab's live timeline holds (its slider's positions)."""
    return int(pg.get_attribute("#live .ag-slider", "max")) + 1


def pause(pg: Any) -> None:
    pg.click("#train")
    pg.wait_for_function("document.querySelector('#train').textContent === 'Train'")


@pytest.mark.browser
def test_the_timeline_grows_live_with_frames_of_the_librarys_numbers(pg: Any, site: str) -> None:
    visit(pg, site, **LECTURE, tab="net", data="xor", hidden="2", netseed="2", lr="0.5")
    assert pg.locator("#live .ag-timeline").count() == 0  # none before a sweep
    pg.click("#sweep")
    pg.wait_for_function("window.playground.errors.length === 1")
    # The library's element, its scripts run in the page (its picture drawn, its counter set).
    pg.wait_for_selector("#live .ag-timeline[data-ready]")
    assert live_keyframes(pg) == 1 and pg.is_visible("#live .ag-boundary")
    pg.click("#train")
    pg.wait_for_function("window.playground.errors.length >= 60", timeout=READY_MS)
    grown = live_keyframes(pg)
    pg.wait_for_function(f"+document.querySelector('#live .ag-slider').max + 1 > {grown}")
    pause(pg)
    shown, frame = pg.evaluate("[window.playground.errors, window.playground.frame]")
    n = len(shown)
    assert 2 < live_keyframes(pg) <= 120
    _, expected = fit_xor(2, n)
    # The frame is the library's keyframe of the last sweep: fit's error for that sweep.
    assert frame["sweep"] == n and frame["error"] == shown[-1]
    assert frame["error"] == pytest.approx(expected[-1], rel=1e-12, abs=0)
    assert pg.text_content("#live .ag-counter") == f"sweep {n} of {n} · E = {shown[-1]:.6g}"
    assert str(pg.text_content("#live .ag-error-text")).endswith("; ε = 0.5, α = 0.9")
    assert pg.get_attribute("#live .ag-timeline", "data-sweep") == str(n)

    # ε changed while paused: from the next sweep on, as a loop that sets lr there.
    pg.fill("#lr", "2")
    pg.press("#lr", "Tab")
    pg.wait_for_function("document.querySelector('#changes').textContent.includes('ε 0.5 → 2')")
    assert pg.text_content("#changes li") == f"from sweep {n + 1}: ε 0.5 → 2"
    pg.click("#train")
    pg.wait_for_function(f"window.playground.errors.length >= {n + 40}", timeout=READY_MS)
    pause(pg)
    after = pg.evaluate("window.playground.errors")
    assert after == pytest.approx(xor_run(2, [n, ("rates", 2.0, 0.9), len(after) - n]), rel=1e-12)
    assert str(pg.text_content("#live .ag-error-text")).endswith("; ε = 2, α = 0.9")
    assert "lr=2" in str(pg.get_attribute("#share", "href")) or "lr=2" in pg.url


@pytest.mark.browser
def test_points_added_and_removed_on_the_picture_change_the_training_set(
    pg: Any, site: str
) -> None:
    visit(pg, site, **LECTURE, tab="net", data="xor", hidden="2", netseed="2")
    assert pg.is_visible("#edit-row")
    for _ in range(3):
        pg.click("#sweep")
    pg.wait_for_function("window.playground.errors.length === 3")
    pg.wait_for_selector("#live .ag-timeline[data-ready]")
    picture = "#live .ag-boundary"  # 240 px square over [-0.25, 1.25]² for XOR's cases

    def cases() -> int:
        return int(pg.evaluate("window.playground.cases.inputs.length"))

    pg.click(picture, position={"x": 120, "y": 120})  # no point there: adds a white one
    pg.wait_for_function("window.playground.cases.inputs.length === 5")
    pg.click(picture, position={"x": 120, "y": 60}, modifiers=["Shift"])  # a black one
    pg.wait_for_function("window.playground.cases.inputs.length === 6")
    set_now = pg.evaluate("window.playground.cases")
    (a1, a2), (b1, b2) = set_now["inputs"][4], set_now["inputs"][5]
    assert set_now["targets"][4:] == [1, 0]
    assert a1 == pytest.approx(0.5, abs=0.01) and b2 == pytest.approx(0.875, abs=0.01)
    assert pg.locator("#cases tbody tr").count() == 6
    for _ in range(2):
        pg.click("#sweep")
    pg.wait_for_function("window.playground.errors.length === 5")
    pg.click(picture, position={"x": 121, "y": 119})  # on the white point: removes it
    pg.wait_for_function("window.playground.cases.inputs.length === 5")
    assert cases() == 5
    assert pg.locator("#changes li").all_text_contents() == [
        f"from sweep 4: added case 5 ({a1:.2f}, {a2:.2f}) → 1",
        f"from sweep 4: added case 6 ({b1:.2f}, {b2:.2f}) → 0",
        f"from sweep 6: removed case 5 ({a1:.2f}, {a2:.2f}) → 1",
    ]
    for _ in range(2):
        pg.click("#sweep")
    pg.wait_for_function("window.playground.errors.length === 7")
    shown = pg.evaluate("window.playground.errors")
    steps: list[int | tuple[Any, ...]] = [3, ("add", a1, a2, 1.0), ("add", b1, b2, 0.0)]
    steps += [2, ("remove", 5), 2]
    # Each sweep after an edit is the error over the edited set, as nn.fit computes it.
    assert shown == pytest.approx(xor_run(2, steps), rel=1e-12, abs=0)
    assert shown[3:5] != pytest.approx(xor_run(2, [5])[3:5], rel=1e-6)  # not the old set's
    assert str(pg.text_content("#live .ag-error-text")).endswith("; 5 cases (edited)")
    # The symmetry set has six inputs: no picture, nothing to edit.
    visit(pg, site, **LECTURE, tab="net", data="symmetry")
    assert pg.is_hidden("#edit-row")


# How far the page's controls reach past the right edge of its text column (px; <= 0 inside).
OVERHANG = """() => {
    const main = document.querySelector("main");
    const padding = parseFloat(getComputedStyle(main).paddingRight);
    const edge = main.getBoundingClientRect().right - padding;
    const shown = [...document.querySelectorAll("input, select, button, pre, iframe, canvas")]
        .filter((e) => e.offsetParent);
    return Math.max(...shown.map((e) => e.getBoundingClientRect().right)) - edge;
}"""


@pytest.mark.browser
def test_on_a_phone_every_control_fits_the_column(pg: Any, site: str) -> None:
    pg.set_viewport_size({"width": 390, "height": 844})
    try:
        for state in (
            {**LECTURE, "mode": "stepper"},
            {**LECTURE, "view": "units"},
            {**LECTURE, "tab": "net", "data": "symmetry"},
            {**LECTURE, "tab": "net", "data": "moons"},
        ):
            visit(pg, site, **state)
            if state.get("tab") == "net":  # with the live timeline
                pg.click("#sweep")
                pg.wait_for_selector("#live .ag-timeline[data-ready]")
            assert pg.evaluate("document.documentElement.scrollWidth") == 390
            assert pg.evaluate(OVERHANG) <= 0.5
    finally:
        pg.set_viewport_size({"width": 1366, "height": 768})
