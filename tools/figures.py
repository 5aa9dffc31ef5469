"""Every picture in docs/images/ made again by one command: ``make figures``.

`FIGURES` is the one table of what makes each picture: either a demo run
(``python -m demos.X`` with the flags the docs' pictures were made with, in a temporary
folder, so that the project's out/ is left alone), or a function of a tools/ module that
writes one picture to the path it is given (the screenshots). tests/test_figures.py checks
the table against docs/images/ and the pages' links, and each demo's flags against its parser.

Each picture goes into docs/images/ through a temporary file and `os.replace`
(`autograd.core.files.write_atomically`), so none is ever half-written; one whose bytes did
not change is left alone. One line per picture says what happened::

    wrote      docs/images/xor_error.png  (python -m demos.xor --seed 1)
    unchanged  docs/images/xor_graph.svg  (python -m demos.xor --seed 1)
    skipped    docs/images/stepper.png: Chromium is not on PATH: apt install chromium ...
    failed     docs/images/practice.png: TimeoutError: ...

A picture whose tool is missing (Chromium, Graphviz's dot, matplotlib) is skipped, saying
what to install, and the others are still made. The exit status is 0 only when every picture
asked for was made: a skipped one is an old picture left in the docs, perhaps out of step
with the code, and whoever runs ``make figures && git commit docs/images`` (a person or a
script) must not take that for a full regeneration. To make only some pictures, name them:
``python -m tools.figures xor_error.png xor_graph.svg`` (``--list`` prints the table).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograd.core.files import write_atomically
from tools import browser

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
DEMO_TIMEOUT = 900.0  # seconds for one demo run; the slowest (family trees) takes about 10


@dataclass(frozen=True)
class Demo:
    """``python -m MODULE FLAGS``, run in a folder of its own: its pictures land in out/."""

    module: str
    flags: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join(("python -m", self.module, *self.flags))


@dataclass(frozen=True)
class Shot:
    """``FUNCTION(path)`` of a tools/ module: writes one picture to ``path`` (a screenshot),
    and may return a short note for the picture's line."""

    module: str
    function: str

    def __str__(self) -> str:
        return f"{self.module}.{self.function}"


@dataclass(frozen=True)
class Figure:
    """How one picture of docs/images/ is made, and what that needs (keys of `NEEDS`)."""

    made_by: Demo | Shot
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Need:
    """A program or package a picture needs: how to tell it is there, and how to get it."""

    missing: str  # what is said when it is not there
    present: Callable[[], bool]
    get: str  # how to get it


def _importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


NEEDS: dict[str, Need] = {
    "matplotlib": Need(
        "matplotlib is not installed",
        lambda: _importable("matplotlib"),
        "pip install -e '.[plot]' (make figures installs it)",
    ),
    "dot": Need(
        "Graphviz's dot is not on PATH",
        lambda: shutil.which("dot") is not None,
        "apt install graphviz (or brew install graphviz; see graphviz.org/download)",
    ),
    "chromium": Need(
        "Chromium is not on PATH", lambda: browser.find() is not None, browser.INSTALL
    ),
    "playwright": Need(
        "playwright is not installed",
        lambda: _importable("playwright"),
        "pip install -e '.[dev]' (make figures installs it)",
    ),
    "site": Need(
        "the playground is not built (build/play/)",
        lambda: (ROOT / "build" / "play" / "index.html").is_file(),
        "make site",
    ),
}

# The README's settings: each demo's seed is the one its section and the picture's title
# name (the other settings are the demo's defaults, which the README describes).
_XOR = Demo("demos.xor", ("--seed", "1"))
_SYMMETRY = Demo("demos.symmetry", ("--seed", "1"))
_FAMILY_TREES = Demo("demos.family_trees", ("--seed", "1"))
_ITERATIVE = Demo("demos.iterative", ("--seed", "1"))
_ENCODER = Demo("demos.encoder", ("--seed", "1"))
_MOONS = Demo("demos.moons", ("--seed", "1", "--data-seed", "1"))
_NEWTON = Demo("demos.newton")  # deterministic: no seed
_STEPPER = "tools.make_stepper_screenshot"
_PRACTICE = "tools.make_practice_screenshot"
_TIMELINE = "tools.make_timeline_screenshot"
_PLAYGROUND = "tools.make_playground_screenshot"

_PLOT = ("matplotlib",)
# Every graph drawing needs dot, the pages' screenshots too: without it the SVGs would come
# from the WebAssembly Graphviz, which draws each node as a plain record without its bold
# name, in another layout, unlike the docs' pictures.
_GRAPH = ("dot",)
_PAGE = ("playwright", "chromium", "dot")

FIGURES: dict[str, Figure] = {
    "xor_network_a.png": Figure(_XOR, _PLOT),
    "xor_error.png": Figure(_XOR, _PLOT),
    "xor_graph.svg": Figure(_XOR, _GRAPH),
    "symmetry_weights.png": Figure(_SYMMETRY, _PLOT),
    "symmetry_error.png": Figure(_SYMMETRY, _PLOT),
    "family_trees_person_units.png": Figure(_FAMILY_TREES, _PLOT),
    "family_trees_error.png": Figure(_FAMILY_TREES, _PLOT),
    "iterative_unrolled.svg": Figure(_ITERATIVE, _GRAPH),
    "encoder_codes.png": Figure(_ENCODER, _PLOT),
    "moons_boundary.png": Figure(_MOONS, _PLOT),
    "newton_rosenbrock.png": Figure(_NEWTON, _PLOT),
    "stepper.png": Figure(Shot(_STEPPER, "shoot"), _PAGE),
    "neurons_2_16_16_1.png": Figure(Shot(_STEPPER, "neurons"), _GRAPH),
    "units_stepper.png": Figure(Shot(_STEPPER, "units"), _PAGE),
    "practice.png": Figure(Shot(_PRACTICE, "shoot"), _PAGE),
    # The timeline draws its own pictures (SVG, canvas): no Graphviz.
    "timeline_symmetry.png": Figure(Shot(_TIMELINE, "symmetry_shot"), ("playwright", "chromium")),
    "timeline_family_trees.png": Figure(
        Shot(_TIMELINE, "family_trees_shot"), ("playwright", "chromium")
    ),
    # The playground's network tab with its live timeline, in the built folder (make site).
    "playground_live.png": Figure(Shot(_PLAYGROUND, "desktop"), ("playwright", "chromium", "site")),
    "playground_live_phone.png": Figure(
        Shot(_PLAYGROUND, "phone"), ("playwright", "chromium", "site")
    ),
}


def made_by(module: str) -> list[str]:
    """The pictures that ``module`` (a demo or a tools/ module) makes, in the table's order."""
    return [name for name, f in FIGURES.items() if f.made_by.module == module]


def missing(needs: Sequence[str]) -> str | None:
    """What of ``needs`` is missing and how to get it, in one line; None if all is there."""
    said = [f"{NEEDS[n].missing}: {NEEDS[n].get}" for n in needs if not NEEDS[n].present()]
    return "; ".join(said) or None


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "wrote", "unchanged", "skipped" or "failed"
    detail: str

    @property
    def made(self) -> bool:
        return self.status in ("wrote", "unchanged")

    def line(self, into: Path) -> str:
        where = _shown(into / self.name)
        if self.made:
            return f"{self.status:<10} {where}  ({self.detail})"
        return f"{self.status:<10} {where}: {self.detail}"


def make(names: Sequence[str], into: Path, work: Path) -> Iterator[Outcome]:
    """Make the pictures ``names`` in the folder ``work`` and put them into ``into``, one
    `Outcome` per picture as it is done. Each demo runs once for all its pictures."""
    ready: dict[Demo | Shot, list[str]] = {}
    for name in names:
        figure = FIGURES[name]
        lacking = missing(figure.needs)
        if lacking is not None:
            yield Outcome(name, "skipped", lacking)
        else:
            ready.setdefault(figure.made_by, []).append(name)
    for k, (how, pictures) in enumerate(ready.items()):
        folder = work / str(k)
        folder.mkdir()
        if isinstance(how, Demo):
            output, error = _run_demo(how, folder)
            for name in pictures:
                made = folder / "out" / name
                if error is None and not made.is_file():
                    said = [line for line in output.splitlines() if name in line]
                    error = f"{how} wrote no out/{name}" + (f": {said[-1]}" if said else "")
                yield _install(name, made, into, how, error)
        else:
            (name,) = pictures  # a Shot makes one picture
            made = folder / name
            note, error = _run_shot(how, made)
            yield _install(name, made, into, how, error, note)


def _run_demo(demo: Demo, folder: Path) -> tuple[str, str | None]:
    """Run ``demo`` in ``folder``: its output, and why it failed (None if it did not)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    argv = [sys.executable, "-m", demo.module, *demo.flags]
    try:
        done = subprocess.run(
            argv, cwd=folder, env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return "", f"{demo} took more than {DEMO_TIMEOUT:.0f} s and was stopped"
    output = done.stdout + done.stderr
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()]
        return output, f"{demo} exited with status {done.returncode}" + (
            f": {last[-1].strip()}" if last else ""
        )
    return output, None


def _run_shot(shot: Shot, out: Path) -> tuple[str | None, str | None]:
    """Call ``shot`` to write ``out``: its note, and why it failed (None if it did not)."""
    try:
        function = getattr(importlib.import_module(shot.module), shot.function)
        with contextlib.redirect_stdout(io.StringIO()):  # one line per picture: ours
            note = function(out)
    except Exception as e:  # any failure is one picture's, reported in its line
        first = str(e).strip().splitlines()
        return None, f"{shot} failed: {type(e).__name__}" + (f": {first[0]}" if first else "")
    return (note if isinstance(note, str) else None), None


_LOOKS_LIKE: dict[str, Callable[[bytes], bool]] = {
    ".png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    ".svg": lambda data: b"<svg" in data[:2000] and data.rstrip().endswith(b"</svg>"),
}


def _install(
    name: str,
    made: Path,
    into: Path,
    how: Demo | Shot,
    error: str | None,
    note: str | None = None,
) -> Outcome:
    """Put the picture ``made`` into ``into`` atomically, unless it failed or is unchanged."""
    if error is not None:
        return Outcome(name, "failed", error)
    data = made.read_bytes() if made.is_file() else b""
    if not _LOOKS_LIKE[made.suffix](data):
        return Outcome(name, "failed", f"{how} made no {made.suffix[1:].upper()} file")
    detail = f"{how}, {note}" if note else str(how)
    target = into / name
    if target.is_file() and target.read_bytes() == data:
        return Outcome(name, "unchanged", detail)
    try:
        write_atomically(target, data)
    except OSError as e:
        return Outcome(name, "failed", f"cannot write it: {e}")
    return Outcome(name, "wrote", detail)


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def table() -> str:
    """The table as text: each picture, what makes it and what that needs."""
    width = max(len(name) for name in FIGURES)
    return "\n".join(
        f"{name:<{width}}  {f.made_by}  (needs {', '.join(f.needs)})" for name, f in FIGURES.items()
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.figures",
        description="Make every picture of docs/images/ again (or the ones named).",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="only these pictures (file names)")
    p.add_argument(
        "--into", type=Path, default=IMAGES, help="the folder to write them to (docs/images/)"
    )
    p.add_argument("--list", action="store_true", help="print the table of pictures and stop")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.list:
        print(table())
        return 0
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        p.error(f"not in the table: {', '.join(unknown)} (--list shows the pictures)")
    names = args.names or list(FIGURES)
    into: Path = args.into.resolve()
    into.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="figures-") as work:
        for outcome in make(names, into, Path(work)):
            print(outcome.line(into), flush=True)
            outcomes.append(outcome)
    said = {"wrote": "written", "unchanged": "unchanged", "skipped": "skipped", "failed": "failed"}
    summary = ", ".join(f"{sum(o.status == s for o in outcomes)} {w}" for s, w in said.items())
    n = len(outcomes)
    print(f"{n} picture{'s' * (n != 1)}: {summary} ({time.monotonic() - start:.0f} s)")
    if any(o.status == "skipped" for o in outcomes):
        print(f"a skipped picture keeps its old file in {_shown(into)}: install what it needs")
    return 0 if all(o.made for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
