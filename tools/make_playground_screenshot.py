"""The docs' pictures of the playground's network tab with its live training timeline.

* docs/images/playground_live.png (`desktop`): 1366 × 768, two moons on a 2-8-1 tanh net
  (ε 0.05), paused after about 150 sweeps, ε then raised to 0.1, two points added by clicks
  on the picture, trained on to the end: the tab scrolled to the timeline.
* docs/images/playground_live_phone.png (`phone`): the same at 390 × 844.

Needs the built playground (`make site`, build/play/), served here on 127.0.0.1, and
Chromium on PATH (`tools.browser`). Made by ``make figures`` (`tools.figures`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.browser import chromium, served

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "play"
STATE = "?tab=net&data=moons&hidden=8&activation=tanh&lr=0.05"
READY_MS = 120_000


@contextmanager
def _served() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        raise FileNotFoundError("the playground is not built: run `make site` first")
    with served(SITE) as url:
        yield url


def _wait(page: Any, predicate: str) -> None:
    # The page's policy forbids eval, which wait_for_function uses: poll with evaluate.
    for _ in range(READY_MS // 100):
        if page.evaluate(f"() => Boolean({predicate})"):
            return
        page.wait_for_timeout(100)
    raise TimeoutError(f"the playground never showed {predicate}")


def shoot(out: Path, width: int, height: int) -> str:
    """The network tab at ``width`` × ``height`` after a live run with edits; returns a note."""
    with _served() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url + STATE)
        _wait(page, "document.body.dataset.ready && !document.querySelector('#sweep').disabled")
        page.click("#train")
        _wait(page, "window.playground.errors.length >= 150")
        page.click("#train")
        _wait(page, "document.querySelector('#train').textContent === 'Train'")
        page.fill("#lr", "0.1")
        page.press("#lr", "Tab")
        _wait(page, "document.querySelector('#changes').textContent.includes('ε')")
        picture = "#live .ag-boundary"
        box = page.locator(picture).bounding_box()
        for x, y, shift in ((0.2, 0.8, False), (0.85, 0.15, True)):
            before = page.evaluate("window.playground.cases.inputs.length")
            page.click(
                picture,
                position={"x": box["width"] * x, "y": box["height"] * y},
                modifiers=["Shift"] if shift else [],
            )
            _wait(page, f"window.playground.cases.inputs.length === {before + 1}")
        page.click("#train")
        _wait(page, "document.querySelector('#train').textContent === 'Train'")
        # From the row of ε, α and Train down: the settings, the log of changes, the timeline.
        page.locator("#lr").evaluate(
            "(e) => { e.closest('.row').scrollIntoView({block: 'start'}); scrollBy(0, -8); }"
        )
        page.screenshot(path=str(out))
        sweeps = page.evaluate("window.playground.errors.length")
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            raise ValueError(f"the page is {wide} px wide in a {width} px window")
    return f"{sweeps} sweeps"


def desktop(out: Path) -> str:
    return shoot(out, 1366, 768)


def phone(out: Path) -> str:
    return shoot(out, 390, 844)


if __name__ == "__main__":
    print(desktop(ROOT / "docs" / "images" / "playground_live.png"))
    print(phone(ROOT / "docs" / "images" / "playground_live_phone.png"))
