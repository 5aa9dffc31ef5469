"""The training timeline (autograd.pages.timeline) in headless Chromium, opened from file://."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd.core.notation import num
from autograd.pages.timeline import timeline_fragment, timeline_html
from nn import MLP, SGD, losses
from tests.helpers import ROOT, open_page

XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]
SWEEPS = 400
SCREENS = [(1366, 768), (390, 844)]


def xor_net() -> MLP:
    return MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=2)


def train(model: MLP, sweeps: int, record: nn.Recorder | None = None) -> list[float]:
    opt = SGD(model.parameters(), lr=0.5, momentum=0.9)
    return nn.fit(
        model, XOR_INPUTS, XOR_TARGETS, optimizer=opt, epochs=sweeps, progress=False, record=record
    )


@pytest.fixture(scope="module")
def recorded() -> tuple[nn.Recorder, list[float]]:
    rec = nn.Recorder(title="XOR </script><b>2-2-1</b>", cases=[0, 1, 2, 3])
    return rec, train(xor_net(), SWEEPS, rec)


@pytest.fixture(scope="module")
def page_file(recorded: tuple[nn.Recorder, list[float]], tmp_path_factory: Any) -> Path:
    path: Path = tmp_path_factory.mktemp("timeline") / "xor.html"
    recorded[0].write(path)
    return path


@pytest.fixture
def page(browser: Any, page_file: Path) -> Iterator[Any]:
    pg, problems = open_page(browser, page_file, 1366, 768)
    yield pg
    pg.close()
    assert problems == []


def scrub(pg: Any, keyframe: int) -> None:
    """Move the slider to ``keyframe`` as a user drags it (an input event)."""
    pg.eval_on_selector(
        ".ag-slider",
        "(s, k) => { s.value = String(k); s.dispatchEvent(new Event('input')); }",
        keyframe,
    )


def squares(pg: Any) -> list[tuple[str, float]]:
    return pg.eval_on_selector_all(
        ".ag-weights .ag-sq",
        "qs => qs.map(q => [q.getAttribute('class'), Number(q.getAttribute('width'))])",
    )


@pytest.mark.browser
def test_scrubbing_to_a_sweep_shows_the_error_training_printed_for_it(
    page: Any, recorded: tuple[nn.Recorder, list[float]]
) -> None:
    rec, history = recorded
    frames = rec.frames
    for i in (0, 5, len(frames) // 2, len(frames) - 1):
        scrub(page, i)
        k = frames[i].sweep
        # fit's progress bar prints the loss as f"{loss:.6g}"
        assert page.text_content(".ag-counter") == (
            f"sweep {k} of {SWEEPS} · E = {history[k - 1]:.6g}"
        )
        assert page.get_attribute(".ag-timeline", "data-sweep") == str(k)
    # The marker on the error curve moves with the sweep.
    first = page.get_attribute(".ag-marker", "x1")
    scrub(page, 0)
    assert page.get_attribute(".ag-marker", "x1") != first


@pytest.mark.browser
def test_hinton_squares_show_each_sweeps_weights(
    page: Any, recorded: tuple[nn.Recorder, list[float]]
) -> None:
    rec, _ = recorded
    frames = rec.frames
    seen = []
    for i in (2, len(frames) - 1):
        scrub(page, i)
        shown = squares(page)
        seen.append(shown)
        w = frames[i].weights
        # The weights diagram of the hidden layer: rows y3, y4; columns y1, y2, b.
        hidden = [w[0], w[1], w[2], w[3], w[4], w[5]]
        biggest = max(abs(float(f"{v:.4g}")) for v in hidden)
        for (cls, side), v in zip(shown[:6], hidden):
            assert cls == ("ag-sq ag-pos" if v > 0 else "ag-sq ag-neg")
            cell = 30  # a layer of 3 columns gets the big squares
            assert side == pytest.approx(
                0.95 * math.sqrt(abs(float(f"{v:.4g}")) / biggest) * cell, abs=0.006
            )
    assert seen[0] != seen[1]


@pytest.mark.browser
def test_the_chosen_cases_backward_pass_is_backward_on_that_sweeps_weights(
    page: Any, recorded: tuple[nn.Recorder, list[float]]
) -> None:
    rec, _ = recorded
    frames = rec.frames
    i = len(frames) // 3
    k = frames[i].sweep
    # Sweep k's weights, from a run of its own stopped after k - 1 sweeps.
    model = xor_net()
    train(model, k - 1)
    names = rec.data()["names"]
    scrub(page, i)
    for case in (2, 3):
        page.select_option(".ag-case", str(case))
        text = page.text_content(".ag-backward")
        assert page.get_attribute(".ag-backward", "data-sweep") == str(k)
        model.zero_grad()
        losses.sum_squared_error(model(XOR_INPUTS[case]), XOR_TARGETS[case]).backward()
        assert text.startswith(f"Case {case + 1} of 4:")
        for name, p in zip(names, model.parameters()):
            line = next(
                t.strip() for t in text.splitlines() if t.strip().startswith(f"∂E/∂{name} =")
            )
            # "= ..." or, where the printed factors multiply out only roughly, "≈ ..."
            shown = line.removesuffix(" (6)")
            assert re.search(rf"[=≈] {re.escape(num(p.grad))}$", shown), (name, line, p.grad)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_page_fits_the_screen_and_keys_move_through_the_sweeps(
    browser: Any,
    page_file: Path,
    recorded: tuple[nn.Recorder, list[float]],
    width: int,
    height: int,
) -> None:
    rec, _ = recorded
    pg, problems = open_page(browser, page_file, width, height)
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= width
    rights = pg.eval_on_selector_all(
        ".ag-box:not([hidden])", "bs => bs.map(b => b.getBoundingClientRect().right)"
    )
    assert len(rights) == 6 and max(rights) <= width  # the boundary: two inputs, one output
    # The title is text, never markup.
    assert pg.text_content(".ag-title") == "Watch the network learn: XOR </script><b>2-2-1</b>"
    last = rec.frames[-1].sweep
    pg.keyboard.press("End")
    assert pg.get_attribute(".ag-timeline", "data-sweep") == str(last)
    pg.keyboard.press("ArrowLeft")
    assert pg.get_attribute(".ag-timeline", "data-sweep") == str(rec.frames[-2].sweep)
    pg.keyboard.press("Home")
    assert pg.get_attribute(".ag-timeline", "data-sweep") == "1"
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_play_runs_through_the_keyframes(browser: Any, page_file: Path) -> None:
    pg, problems = open_page(browser, page_file, 1366, 768, fake_clock=True)
    pg.click(".ag-play")
    assert pg.get_attribute(".ag-play", "aria-pressed") == "true"
    pg.clock.run_for(400 * 3)
    assert pg.get_attribute(".ag-timeline", "data-sweep") == "4"
    pg.click(".ag-play")
    assert pg.get_attribute(".ag-play", "aria-pressed") == "false"
    pg.close()
    assert problems == []


@pytest.mark.browser
def test_two_timelines_on_a_page_and_a_frame_added_live(
    browser: Any, recorded: tuple[nn.Recorder, list[float]], tmp_path: Path
) -> None:
    rec, _ = recorded
    other = nn.Recorder(title="another")
    train(xor_net(), 30, other)
    path = tmp_path / "two.html"
    rec.write(path, other)
    pg, problems = open_page(browser, path, 1366, 768)
    ids = pg.eval_on_selector_all("[id]", "es => es.map(e => e.id)")
    assert len(ids) == len(set(ids)) == 4  # each timeline's root and data
    second = pg.locator(".ag-timeline").nth(1)
    second.click(position={"x": 5, "y": 5})
    pg.keyboard.press("End")
    sweeps = pg.eval_on_selector_all(".ag-timeline", "ts => ts.map(t => t.dataset.sweep)")
    assert sweeps == ["1", "30"]  # the keys moved the one clicked, only
    # A frame added live: the sweep after the last, with the errors up to it.
    data = other.data()
    frame = {**data["frames"][-1], "sweep": 32, "error": 0.125}
    pg.evaluate(
        "([f, e]) => document.querySelectorAll('.ag-timeline')[1].agAddFrame(f, e)",
        [frame, [0.25, 0.125]],
    )
    assert second.locator(".ag-counter").text_content() == "sweep 32 of 32 · E = 0.125"
    pg.close()
    assert problems == []


def test_python_formats_the_numbers_of_the_shared_table_as_it_says() -> None:
    table = json.loads((ROOT / "tests" / "data" / "format_g.json").read_text(encoding="utf-8"))
    assert len(table["cases"]) > 50
    for case in table["cases"]:
        assert format(float(case["x"]), f".{case['digits']}g") == case["text"], case


def test_the_page_carries_its_data_as_json_and_its_title_escaped(
    recorded: tuple[nn.Recorder, list[float]],
) -> None:
    rec, _ = recorded
    page = timeline_html(rec.data())
    assert "<b>2-2-1</b>" not in page and "&lt;b&gt;2-2-1&lt;/b&gt;" in page
    (data,) = re.findall(
        r'<script type="application/json" id="ag[0-9a-f]{8}-data">(.*?)</script>', page
    )
    read = json.loads(data)
    assert read["errors"] == rec.errors  # every digit: the page prints them as fit did
    assert [f["sweep"] for f in read["frames"]] == [f.sweep for f in rec.frames]
    # Weights and gradients to 4 digits, outputs to 3: what the drawings need.
    assert read["frames"][-1]["w"] == [float(f"{w:.4g}") for w in rec.frames[-1].weights]


def test_a_recording_without_frames_or_parts_is_refused_in_one_line(
    recorded: tuple[nn.Recorder, list[float]],
) -> None:
    data = recorded[0].data()
    with pytest.raises(ValueError, match=r"^timeline: the recording has no keyframe$"):
        timeline_fragment({**data, "frames": []})
    with pytest.raises(ValueError, match=r"^timeline: the recording lacks units, names$"):
        timeline_fragment({k: v for k, v in data.items() if k not in ("units", "names")})


@pytest.mark.browser
def test_a_wide_net_fits_a_phone(browser: Any, tmp_path: Path) -> None:
    # 36 inputs (family trees' one-hot people and relationships) and 100 cases: its diagrams
    # scroll inside their boxes; the page itself never scrolls sideways.
    model = MLP(36, [12, 24], seed=0)
    inputs = [[float(i == c % 24 or i == 24 + c % 12) for i in range(36)] for c in range(100)]
    targets = [[float(j == (c * 7) % 24) for j in range(24)] for c in range(100)]
    rec = nn.Recorder()
    nn.fit(model, inputs, targets, epochs=3, progress=False, record=rec, compile=True)
    path = tmp_path / "wide.html"
    rec.write(path)
    pg, problems = open_page(browser, path, 390, 844)
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    pg.close()
    assert problems == []
