"""The table of the docs' pictures (tools/figures.py, run by ``make figures``) against the docs.

Static and fast: no demo runs and no browser starts. Every picture a page links to is in
docs/images/ and in the table, every file of docs/images/ is in the table, each demo of the
table exists, names the picture in its code and takes the table's flags (its own parser
reads them), and each screenshot names a function of its module. Then `tools.figures.main`
itself, on pictures made by stand-ins: one line per picture, a missing tool skipped in one
line, a failure said in one line, and a non-zero exit for either.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tests.helpers import ROOT
from tools import figures
from tools.figures import FIGURES, IMAGES, NEEDS, Demo, Figure, Shot

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\bimages/([\w./-]+\.\w+)")  # docs/images/x.png, ../images/x.png, ...


def linked() -> dict[str, list[str]]:
    """Each picture the pages link to, and the pages that do."""
    found: dict[str, list[str]] = {}
    for page in PAGES:
        for name in LINK.findall(page.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(page.relative_to(ROOT)))
    return found


LINKED = linked()
DEMOS = sorted({f.made_by for f in FIGURES.values() if isinstance(f.made_by, Demo)}, key=str)
SHOTS = sorted({f.made_by for f in FIGURES.values() if isinstance(f.made_by, Shot)}, key=str)


def test_the_pages_link_to_pictures() -> None:
    assert len(LINKED) >= 14, LINKED


@pytest.mark.parametrize("name", sorted(LINKED))
def test_a_linked_picture_is_in_docs_images_and_in_the_table(name: str) -> None:
    pages = ", ".join(LINKED[name])
    assert (IMAGES / name).is_file(), f"{pages} link to images/{name}, not in docs/images/"
    assert name in FIGURES, f"{pages} link to images/{name}: add how it is made to FIGURES"


def test_docs_images_and_the_table_hold_the_same_pictures() -> None:
    files = {p.name for p in IMAGES.iterdir() if not p.name.startswith(".")}
    assert sorted(files - FIGURES.keys()) == [], "in docs/images/ but not in FIGURES"
    assert sorted(FIGURES.keys() - files) == [], "in FIGURES but not in docs/images/"


def test_every_need_of_the_table_is_known() -> None:
    for name, figure in FIGURES.items():
        assert figure.needs, f"{name}: every picture needs at least one tool"
        assert set(figure.needs) <= NEEDS.keys(), name


class _Parsed(Exception):
    """Raised in place of running the demo, with the namespace its parser made."""


def parse_flags(module: str, flags: Sequence[str]) -> argparse.Namespace:
    """``flags`` read by the demo's own parser: its ``main`` is called, and stopped as soon as
    the parser has read them (every demo builds its parser in ``main``)."""
    real = argparse.ArgumentParser.parse_args

    def parse_only(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        raise _Parsed(real(self, *args, **kwargs))

    with mock.patch.object(argparse.ArgumentParser, "parse_args", parse_only):
        try:
            importlib.import_module(module).main(list(flags))
        except _Parsed as parsed:
            return parsed.args[0]  # type: ignore[no-any-return]
        except SystemExit as e:
            pytest.fail(f"python -m {module} refuses {' '.join(flags)} (exit {e.code})")
    pytest.fail(f"{module}.main ran without parsing its arguments")


@pytest.mark.parametrize("demo", DEMOS, ids=str)
def test_a_demo_of_the_table_takes_its_flags_and_draws(demo: Demo) -> None:
    assert importlib.util.find_spec(demo.module) is not None, f"no module {demo.module}"
    args = parse_flags(demo.module, demo.flags)
    assert not args.no_plots, f"{demo} draws no pictures"


@pytest.mark.parametrize("demo", DEMOS, ids=str)
def test_a_demo_of_the_table_names_its_pictures(demo: Demo) -> None:
    spec = importlib.util.find_spec(demo.module)
    assert spec is not None and spec.origin is not None
    code = Path(spec.origin).read_text(encoding="utf-8")
    for name in figures.made_by(demo.module):
        assert f'"{name}"' in code, f"{demo.module} does not write out/{name}"


def test_a_demo_flag_the_parser_refuses_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="refuses --no-such-flag"):
        parse_flags("demos.xor", ["--no-such-flag"])


@pytest.mark.parametrize("shot", SHOTS, ids=str)
def test_a_screenshot_of_the_table_is_a_function_of_its_module(shot: Shot) -> None:
    module = importlib.import_module(shot.module)
    assert callable(getattr(module, shot.function, None)), f"no function {shot}"


def test_make_figures_runs_the_table() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^figures: .*\n\t(.*)$", makefile, flags=re.M)
    assert target is not None and target.group(1) == "$(BIN)/python -m tools.figures"
    phony = re.search(r"^\.PHONY:(.*)$", makefile, flags=re.M)
    assert phony is not None and "figures" in phony.group(1).split()


def test_list_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert figures.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(FIGURES)
    assert "xor_graph.svg" in lines[2] and "python -m demos.xor --seed 1" in lines[2]


def test_an_unknown_picture_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        figures.main(["nope.png"])
    assert e.value.code == 2
    assert "not in the table: nope.png" in capsys.readouterr().err


# -- tools.figures.main on stand-in pictures: nothing here runs a demo or a browser --

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def a_png(out: Path) -> str:
    out.write_bytes(PNG)
    return "a note"


def not_a_png(out: Path) -> None:
    out.write_bytes(b"GIF89a")


def broken(out: Path) -> None:
    raise RuntimeError("the page did not load\nsecond line")


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    into: Path,
    table: dict[str, Figure],
) -> tuple[int, list[str]]:
    """`figures.main` on ``table`` alone, into ``into``: its status and its lines."""
    monkeypatch.setattr(figures, "FIGURES", table)
    status = figures.main([*table, "--into", str(into)])
    return status, capsys.readouterr().out.splitlines()


def test_each_picture_is_written_then_left_alone_when_unchanged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = {"a.png": Figure(Shot(__name__, "a_png"), ("matplotlib",))}
    status, lines = run(monkeypatch, capsys, tmp_path, table)
    assert status == 0
    assert lines[0] == f"wrote      {tmp_path / 'a.png'}  (tests.test_figures.a_png, a note)"
    assert lines[1].startswith("1 picture: 1 written, 0 unchanged, 0 skipped, 0 failed")
    assert (tmp_path / "a.png").read_bytes() == PNG
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]  # no temporary file left
    status, lines = run(monkeypatch, capsys, tmp_path, table)
    assert status == 0 and lines[0].startswith("unchanged  ")


def test_a_missing_tool_skips_its_pictures_in_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bare"))  # no dot, no Chromium
    assert shutil.which("dot") is None
    table = {name: FIGURES[name] for name in ("xor_graph.svg", "stepper.png", "practice.png")}
    status, lines = run(monkeypatch, capsys, tmp_path, table)
    assert status == 1
    assert len(lines) == 5
    assert lines[0] == (
        f"skipped    {tmp_path / 'xor_graph.svg'}: Graphviz's dot is not on PATH: "
        "apt install graphviz (or brew install graphviz; see graphviz.org/download)"
    )
    assert "Chromium is not on PATH: apt install chromium" in lines[1]
    assert "Graphviz's dot is not on PATH" in lines[1]
    assert lines[3].startswith("3 pictures: 0 written, 0 unchanged, 3 skipped, 0 failed")
    assert lines[4] == f"a skipped picture keeps its old file in {tmp_path}: install what it needs"
    assert list(tmp_path.glob("*.*")) == []


def test_a_failure_is_said_in_one_line_and_the_rest_is_made(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = {
        "broken.png": Figure(Shot(__name__, "broken"), ("matplotlib",)),
        "gif.png": Figure(Shot(__name__, "not_a_png"), ("matplotlib",)),
        "gone.png": Figure(Demo("demos.no_such_demo"), ("matplotlib",)),
        "silent.svg": Figure(Demo("json.tool", ("--help",)), ("matplotlib",)),
        "a.png": Figure(Shot(__name__, "a_png"), ("matplotlib",)),
    }
    status, lines = run(monkeypatch, capsys, tmp_path, table)
    assert status == 1
    said = {line.split()[1].rstrip(":"): line for line in lines[:-1]}
    assert said[str(tmp_path / "broken.png")].endswith(
        "tests.test_figures.broken failed: RuntimeError: the page did not load"
    )
    assert said[str(tmp_path / "gif.png")].endswith("tests.test_figures.not_a_png made no PNG file")
    gone = said[str(tmp_path / "gone.png")]
    assert "python -m demos.no_such_demo exited with status 1: " in gone
    assert gone.endswith("No module named demos.no_such_demo")
    assert said[str(tmp_path / "silent.svg")].endswith(
        "python -m json.tool --help wrote no out/silent.svg"
    )
    assert said[str(tmp_path / "a.png")].startswith("wrote ")
    assert lines[-1].startswith("5 pictures: 1 written, 0 unchanged, 0 skipped, 4 failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png"]
