"""``make test-wheel``: the sdist and the wheel, built and used as a user gets them (issue 28).

Every other test runs against the editable install, which reads the source tree: a file left
out of the wheel (a page's script, ``py.typed``) would break it for every user while they all
pass. So this, in a temporary folder outside the tree:

1. a clean copy of the working tree (the files git tracks or would add) is built into an
   sdist and a wheel (``python -m build``), and both are checked as PyPI will check them
   (``twine check --strict``); the build must print no deprecation warning;
2. the wheel must hold the packages' files, no fewer and no more: every module of
   ``autograd/`` and ``nn/``, the pages' web files (``autograd/pages/static/``) and
   ``py.typed`` in both;
3. the wheel is installed, not editable, in a fresh virtual environment with its
   dependencies alone, and ``tools/smoke_wheel_checks.py`` runs there with ``python -I`` from
   a working folder outside the tree: the imports, ``autograd explain`` and ``compile``, a
   drawing without ``dot``, a stepper, a practice page and a worksheet, ``nn`` trained, saved
   and loaded. The pages it wrote are then opened in Chromium (this environment's playwright,
   Chromium found on PATH as tools.browser finds it; without it, one line says they were not
   opened), and this environment's mypy checks a small file against the installed types;
4. a wheel built again from the sdist must hold the same files, byte for byte, and passes
   step 3 too.

Usage: ``python -m tools.smoke_wheel [--python EXE ...] [--keep]``; ``--python`` also runs
step 3 with the wheel under other interpreters (e.g. ``--python python3.10 python3.13``),
``--keep`` keeps the temporary folder. About a minute; CI runs it, ``make test`` does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import browser

ROOT = Path(__file__).resolve().parent.parent
CHECKS = Path(__file__).with_name("smoke_wheel_checks.py")
STATIC = "autograd/pages/static/"

# A file that uses the installed packages, for mypy: it must see their types (py.typed), so
# it reveals float and a list of Values, and finds the one mistake on the last line.
TYPED_USE = """\
import nn
from autograd import Value

y = Value(2.0) * 3
reveal_type(y.grad)
reveal_type(nn.MLP(2, [1]).parameters())
wrong: str = y
"""
MYPY_SAYS = [
    'typed_use.py:5: note: Revealed type is "float"',
    'typed_use.py:6: note: Revealed type is "list[autograd.core.engine.Value]"',
    'typed_use.py:7: error: Incompatible types in assignment (expression has type "Value", '
    'variable has type "str")  [assignment]',
    "Found 1 error in 1 file (checked 1 source file)",
]


class Failed(Exception):
    """A step failed; the message says what and shows the output that says why."""


class Report:
    """One line per check, as it happens, and the count of those that passed."""

    def __init__(self) -> None:
        self.passed = 0

    def ok(self, name: str, detail: str) -> None:
        self.passed += 1
        print(f"  ok    {name:<9} {detail}", flush=True)

    def skip(self, name: str, detail: str) -> None:
        print(f"  skip  {name:<9} {detail}", flush=True)


def run(argv: list[str], what: str, **kwargs: Any) -> str:
    """``argv``'s output (stdout and stderr), or Failed with it."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    out: str = done.stdout + done.stderr
    if done.returncode != 0:
        raise Failed(f"{what} exited with status {done.returncode}:\n{out}")
    return out


def clean_env(venv: Path) -> dict[str, str]:
    """This process's environment without what would reach into the tree or another Python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


# -- 1 and 2: build, check, look inside --


def source_copy(tmp: Path) -> Path:
    """The working tree as a clean checkout would have it: no .venv, build/ or egg-info."""
    listed = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        "git ls-files",
        cwd=ROOT,
    )
    src = tmp / "src"
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the tree is left out
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    return src


def build(src: Path, out: Path, *kinds: str) -> float:
    """Build ``kinds`` (--sdist, --wheel) from ``src`` into ``out``; the seconds it took."""
    start = time.monotonic()
    log = run([sys.executable, "-m", "build", *kinds, "--outdir", str(out), str(src)], "build")
    warned = [line.strip() for line in log.splitlines() if "deprecat" in line.lower()]
    if warned:
        raise Failed("the build warns:\n" + "\n".join(dict.fromkeys(warned)))
    return time.monotonic() - start


def files_of(wheel: Path) -> dict[str, bytes]:
    """The wheel's files outside its .dist-info, name → content."""
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n) for n in z.namelist() if ".dist-info/" not in n}


def twine_check(sdist: Path, wheel: Path, report: Report) -> None:
    twine = [sys.executable, "-m", "twine", "--no-color", "check", "--strict"]
    said = run([*twine, str(sdist), str(wheel)], "twine check").strip().splitlines()
    if len(said) != 2 or not all(line.endswith("PASSED") for line in said):
        raise Failed("twine check:\n" + "\n".join(said))
    report.ok("twine", f"twine check --strict {sdist.name} {wheel.name}: PASSED, PASSED")


def check_contents(wheel: Path, src: Path, report: Report) -> None:
    modules = {
        p.relative_to(src).as_posix() for d in ("autograd", "nn") for p in (src / d).rglob("*.py")
    }
    web = sorted(p.name for p in (src / STATIC).iterdir() if p.is_file())
    expected = modules | {STATIC + name for name in web} | {"autograd/py.typed", "nn/py.typed"}
    found = set(files_of(wheel))
    if found != expected:
        missing, extra = sorted(expected - found), sorted(found - expected)
        raise Failed(f"{wheel.name}: missing {missing}, not expected {extra}")
    with zipfile.ZipFile(wheel) as z:
        entry = next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))
        if "autograd = autograd.cli:main" not in z.read(entry).decode():
            raise Failed(f"{wheel.name}: no autograd command in {entry}")
    report.ok(
        "contents",
        f"{len(found)} files: the {len(modules)} modules of autograd/ and nn/, py.typed in both, "
        f"the {len(web)} web files of {STATIC} ({', '.join(web)}); the autograd command",
    )


def wheel_from_sdist(sdist: Path, wheel: Path, tmp: Path, report: Report) -> Path:
    unpacked = tmp / "sdist"
    with tarfile.open(sdist) as tar:
        tar.extractall(unpacked, filter="data")
    [top] = unpacked.iterdir()
    seconds = build(top, tmp / "from-sdist", "--wheel")
    [again] = (tmp / "from-sdist").glob("*.whl")
    first, second = files_of(wheel), files_of(again)
    if first != second:
        differ = sorted(n for n in first.keys() | second.keys() if first.get(n) != second.get(n))
        raise Failed(f"the wheel built from the sdist differs from the first in {differ}")
    report.ok(
        "sdist", f"a wheel built from it ({seconds:.1f} s) holds the same files, byte for byte"
    )
    return again


# -- 3: in a fresh virtual environment --


def in_fresh_env(title: str, python: str, wheel: Path, where: Path, report: Report) -> None:
    version = run([python, "-c", "import platform; print(platform.python_version())"], python)
    print(f"\n{title}, in a fresh virtual environment (Python {version.strip()}) in {where}:")
    venv, work = where / "venv", where / "work"
    work.mkdir(parents=True)
    run([python, "-m", "venv", str(venv)], f"{python} -m venv")
    env = clean_env(venv)
    start = time.monotonic()
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    run([*pip, str(wheel)], f"pip install {wheel.name}", env=env, cwd=work)
    report.ok(
        "install", f"pip install {wheel.name} (not editable; {time.monotonic() - start:.1f} s)"
    )
    shutil.copy(CHECKS, work / CHECKS.name)
    checks = subprocess.Popen(
        [str(venv / "bin" / "python"), "-I", CHECKS.name],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert checks.stdout is not None
    for line in checks.stdout:
        print(line, end="", flush=True)
        report.passed += line.startswith("  ok ")
    if checks.wait() != 0:
        raise Failed(f"{CHECKS.name} failed in {work}")
    in_chromium(work, report)
    mypy_sees_the_types(venv, work, report)


def stepper_runs(page: Any) -> str:
    if page.locator(".ag-nojs").count():
        raise Failed("stepper.html: its script did not run (its 'needs JavaScript' line is there)")
    before = page.text_content(".ag-counter")
    page.click(".ag-next")
    after = page.text_content(".ag-counter")
    nodes = page.locator(".ag-view svg g.node").count()
    if not nodes or before == after:
        raise Failed(f"stepper.html: {nodes} nodes drawn; Next went from {before!r} to {after!r}")
    return f"the script ran: Next goes from {before!r} to {after!r}; {nodes} nodes drawn"


def practice_runs(page: Any) -> str:
    if page.locator("[data-part=nojs]").count():
        raise Failed("practice.html: its script did not run (its 'needs JavaScript' line is there)")
    prompt = page.text_content("[data-part=prompt]")
    page.fill(".ag-practice input", "7")
    page.press(".ag-practice input", "Enter")
    hint = page.text_content("[data-part=feedback]")
    if not prompt or not hint:
        raise Failed(f"practice.html: asked {prompt!r}, and a wrong answer got {hint!r}")
    return f"the script ran: asks {prompt!r}; a wrong 7 gets {hint.split('. ')[0]!r}"


def worksheet_is_styled(page: Any) -> str:
    sheets, keys = page.locator("section.sheet").count(), page.locator("section.key").count()
    graphs = page.locator("section.sheet .graph svg").count()
    box = page.eval_on_selector(".box", "e => getComputedStyle(e).borderTopStyle")  # a <span>
    if (sheets, keys, graphs, box) != (1, 1, 1, "solid"):
        raise Failed(f"worksheet.html: {sheets} sheets, {keys} keys, {graphs} graphs; box {box}")
    return "a sheet with its graph and answer boxes, styled by its CSS (it has no script), a key"


PAGE_CHECKS: dict[str, Callable[[Any], str]] = {
    "stepper.html": stepper_runs,
    "practice.html": practice_runs,
    "worksheet.html": worksheet_is_styled,
}


def in_chromium(work: Path, report: Report) -> None:
    if browser.find() is None:
        report.skip("chromium", f"pages not opened: Chromium is not on PATH; {browser.INSTALL}")
        return
    with browser.chromium() as chrome:
        for name, look in PAGE_CHECKS.items():
            page, problems = browser.open_page(chrome, work / name)
            seen = look(page)
            page.close()
            if problems:
                raise Failed(f"{name} in Chromium: {problems}")
            report.ok("chromium", f"{name}: {seen}; no page error")


def mypy_sees_the_types(venv: Path, work: Path, report: Report) -> None:
    (work / "typed_use.py").write_text(TYPED_USE, encoding="utf-8")
    (work / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")  # not yours
    done = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--no-incremental"),
            *("--cache-dir", os.devnull, "--python-executable", str(venv / "bin" / "python")),
            "typed_use.py",
        ],
        cwd=work,
        env=clean_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )
    # mypy before 2.0 names builtin types in full (builtins.float)
    if done.stdout.replace("builtins.", "").splitlines() != MYPY_SAYS:
        raise Failed(f"mypy does not see the installed types (no py.typed?):\n{done.stdout}")
    report.ok("mypy", "reads the installed types (py.typed): y.grad is float, a Value is no str")


# --


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", nargs="+", default=[], help="also install under these")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="autograd-wheel-")).resolve()
    report = Report()
    try:
        if tmp.is_relative_to(ROOT):
            raise Failed(f"the temporary folder {tmp} is inside the source tree")
        print(f"autograd-1986: the sdist and the wheel as users install them, in {tmp}")
        src, dist = source_copy(tmp), tmp / "dist"
        seconds = build(src, dist, "--sdist", "--wheel")
        [sdist], [wheel] = dist.glob("*.tar.gz"), dist.glob("*.whl")
        report.ok("build", f"{sdist.name} and {wheel.name} (python -m build, {seconds:.1f} s)")
        twine_check(sdist, wheel, report)
        check_contents(wheel, src, report)
        again = wheel_from_sdist(sdist, wheel, tmp, report)
        runs = [("The wheel", sys.executable, wheel, "venv-wheel")]
        runs.append(("The wheel built from the sdist", sys.executable, again, "venv-sdist"))
        runs += [
            (f"The wheel under {exe}", exe, wheel, f"venv-{i}") for i, exe in enumerate(args.python)
        ]
        for title, python, built, folder in runs:
            in_fresh_env(title, python, built, tmp / folder, report)
    except Failed as e:
        print(f"  FAIL  {e}", flush=True)
        print(f"\nthe wheel's smoke test FAILED after {time.monotonic() - start:.0f} s")
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nall {report.passed} checks passed in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
