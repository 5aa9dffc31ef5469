"""Build the playground (web/) into one static folder that runs the library in a browser tab.

    python -m tools.build_site [--out build/play]

The folder holds the page (web/), the Pyodide runtime and @viz-js/viz (from node_modules/,
as package.json pins them: run `npm ci` first), this package's wheel (built from the tree
with `python -m build --wheel`), and the pure-Python wheels of its two dependencies that run
under Pyodide (graphviz and tqdm, pinned below, downloaded from PyPI now). Nothing is fetched
when the page runs: `python -m http.server -d build/play` serves all it needs. `make docs`
copies the folder into the docs site as site/play/ when it has been built.

The folder is built beside its final place and then swapped in, so a failed build leaves
the last good one, never half of one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "play"
WEB = ROOT / "web"
NODE = ROOT / "node_modules"
# The Pyodide files a page loads without its package repository: the runtime, its
# WebAssembly, the standard library and the lock file loadPyodide reads at start.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# Graphviz compiled to WebAssembly, as one ES module with the WebAssembly inside.
VIZ_FILE = NODE / "@viz-js" / "viz" / "dist" / "viz.js"
# The dependencies the wheel declares for emscripten, pinned so a build today is the build of
# tomorrow: both are pure Python (py3-none-any wheels), so Pyodide runs them as they are.
WHEELS = ("graphviz==0.21", "tqdm==4.70.1")


class BuildError(Exception):
    """Something the build needs is missing or failed: one line saying what."""


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError(f"{what} failed: {said[-1] if said else f'exit {done.returncode}'}")


def _wheels(into: Path) -> list[str]:
    """This package's wheel, built from the tree, and its dependencies' wheels from PyPI."""
    with tempfile.TemporaryDirectory(prefix="autograd-wheel-") as tmp:
        _run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", tmp, str(ROOT)],
            "building this package's wheel (python -m build --wheel)",
        )
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                tmp,
                *WHEELS,
            ],
            f"downloading {' '.join(WHEELS)} from PyPI (pip download)",
        )
        names = sorted(p.name for p in Path(tmp).glob("*.whl"))
        for name in names:
            if not name.endswith("-none-any.whl"):
                raise BuildError(f"{name} is not a pure-Python wheel: Pyodide cannot load it")
            shutil.copy2(Path(tmp) / name, into / name)
    return names


def build(out: Path) -> None:
    """Write the playground's folder to ``out`` (replacing it whole)."""
    missing = [f for f in PYODIDE_FILES if not (NODE / "pyodide" / f).is_file()]
    if missing or not VIZ_FILE.is_file():
        raise BuildError(
            "node_modules/ lacks the pinned pyodide and @viz-js/viz packages: run `npm ci` first"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for item in sorted(WEB.iterdir()):
            if item.is_file() and item.suffix in {".html", ".css", ".js", ".py"}:
                shutil.copy2(item, staging / item.name)
        (staging / "pyodide").mkdir()
        for name in PYODIDE_FILES:
            shutil.copy2(NODE / "pyodide" / name, staging / "pyodide" / name)
        (staging / "viz").mkdir()
        shutil.copy2(VIZ_FILE, staging / "viz" / "viz.js")
        (staging / "wheels").mkdir()
        names = _wheels(staging / "wheels")
        # The worker reads which wheels to unpack from here, so no version is written twice.
        (staging / "wheels" / "index.json").write_text(json.dumps(names, indent=1) + "\n")
        old = out.with_name(f".{out.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write (build/play)")
    args = parser.parse_args(argv)
    try:
        build(args.out)
    except BuildError as e:
        print(f"build_site: error: {e}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"built the playground in {args.out} ({size / 2**20:.1f} MB): serve it with")
    print(f"  python -m http.server -d {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
