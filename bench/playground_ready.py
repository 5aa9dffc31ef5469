"""How long the playground (`make site`, build/play/) takes to become ready in Chromium.

Served on 127.0.0.1 by http.server, as `python -m http.server -d build/play` serves it. Cold:
a new browser context (empty cache) opens the page; warm: the same context opens it again
(files from the cache, revalidated; WebAssembly compiled code cached by Chromium). Ready is
the moment the lecture neuron's listing is on the page: Pyodide started, the wheels
unpacked, the library imported and the first command run. Wall-clock seconds, best and
median of N.

    python -m bench.playground_ready [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from tools.browser import chromium, served
from tools.build_site import OUT


def _ready(page: Any, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=120_000)
    page.wait_for_selector("#listing:not(:empty)", timeout=120_000)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, metavar="N", help="runs of each (5)")
    args = parser.parse_args(argv)
    if not (OUT / "index.html").is_file():
        print("the playground is not built: run `make site` first")
        return 1
    cold, warm = [], []
    with served(OUT) as url, chromium() as browser:
        for _ in range(args.repeats):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            cold.append(_ready(page, url))
            warm.append(_ready(page, url))
            context.close()
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(
        f"the playground, {size / 2**20:.1f} MB, ready in Chromium (seconds, {args.repeats} runs):"
    )
    for name, times in (("cold", cold), ("warm", warm)):
        print(f"  {name}: best {min(times):.2f}, median {statistics.median(times):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
