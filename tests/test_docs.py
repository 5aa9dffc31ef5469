"""The README's and the docs pages' examples are real: what they show is what the code does.

Their Python examples (``pycon`` blocks) are doctests, run by pytest's ``--doctest-glob``
(each page one namespace, in a temporary folder: the root conftest.py). This module checks
the rest:

* each ``$ autograd ...`` line of a ``console`` block is run in a temporary folder and its
  output compared with the lines below it (a line ``…`` stands for lines left out);
* the practice transcripts (answers piped into ``autograd practice``) are replayed;
* each command of an ``sh`` block is run if it is quick (``autograd ...``), else checked
  without its long run: a ``make`` target exists (``make -n``), a demo's flags are among
  those its ``--help`` lists;
* every relative link and picture points to a file that exists;
* the README stays a front page: at most 200 lines.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

README = ROOT / "README.md"
PAGES = [README, ROOT / "bench" / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# Console lines shown to copy, never run by a test: they install system packages.
INSTALLS = ("sudo apt install ", "brew install ", "apt install ")


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def blocks(language: str) -> list[tuple[Path, str]]:
    """Every fenced block of ``language`` on every page, with its page."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        found += [(page, b) for b in re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)]
    return found


def console_examples() -> list[tuple[str, str, list[str]]]:
    examples: list[tuple[str, str, list[str]]] = []
    for page, block in blocks("console"):
        command: str | None = None
        expected: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((_name(page), command, expected))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            examples.append((_name(page), command, expected))
    return examples


def matches(expected: list[str], actual: list[str]) -> bool:
    if "…" not in expected:
        return expected == actual
    head, tail = expected[: expected.index("…")], expected[expected.index("…") + 1 :]
    return actual[: len(head)] == head and (not tail or actual[-len(tail) :] == tail)


CONSOLE = console_examples()
RUN = [(page, c, e) for page, c, e in CONSOLE if c.startswith("autograd ")]


def test_every_console_command_is_run_or_an_install_line() -> None:
    others = [(p, c) for p, c, _ in CONSOLE if not c.startswith(("autograd ", *INSTALLS))]
    assert others == []
    assert len(RUN) >= 15


@pytest.mark.parametrize(("page", "command", "expected"), RUN, ids=[f"{p}: {c}" for p, c, _ in RUN])
def test_console_output(page: str, command: str, expected: list[str], tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "autograd", *shlex.split(command)[1:]]
    env = {**os.environ, "COLUMNS": "80"}  # --help wraps at the terminal's width
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    actual = (result.stdout + result.stderr).rstrip("\n").splitlines()
    while expected and expected[-1] == "":
        expected = expected[:-1]
    assert matches(expected, actual), "\n".join(actual)


TRANSCRIPTS = [(_name(p), b) for p, b in blocks("text") if "autograd practice" in b]


def test_the_docs_have_practice_transcripts_of_an_expression_and_of_a_net() -> None:
    assert len(TRANSCRIPTS) >= 2 and any("--net 2-2-1" in b for _, b in TRANSCRIPTS)


@pytest.mark.parametrize(("page", "block"), TRANSCRIPTS, ids=[p for p, _ in TRANSCRIPTS])
def test_the_practice_transcripts_are_real(page: str, block: str, tmp_path: Path) -> None:
    command, *expected = block.rstrip("\n").splitlines()
    piped, _, rest = command.removeprefix("$ printf ").partition(" | ")
    answers = shlex.split(piped)[0].replace("\\n", "\n")
    argv = [sys.executable, "-m", "autograd", *shlex.split(rest)[1:]]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        argv, input=answers, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.rstrip("\n").splitlines() == expected


def shell_commands() -> list[tuple[str, str]]:
    """The commands of the ``sh`` blocks, comments kept (they name flags too)."""
    commands = []
    for page, block in blocks("sh"):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append((_name(page), line))
            elif line.lstrip().startswith("#") and commands:  # a comment's second line
                commands[-1] = (commands[-1][0], commands[-1][1] + " " + line.strip("# "))
    return commands


SHELL = shell_commands()


@pytest.mark.parametrize(("page", "line"), SHELL, ids=[f"{p}: {c}" for p, c in SHELL])
def test_shell_commands_name_what_exists(page: str, line: str, tmp_path: Path) -> None:
    words = shlex.split(line.partition("#")[0])
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line))
    if words[0] == "autograd":  # quick: run it, in a temporary folder for what it writes
        argv = [sys.executable, "-m", "autograd", *words[1:]]
        done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        written = re.findall(r"--html (\S+)", line)
        assert all((tmp_path / name).is_file() for name in written)
    elif words[0] == "make":
        if shutil.which("make") is None:
            pytest.skip("make is not on PATH")
        dry = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr
    elif words[:2] == ["python", "-m"]:
        done = subprocess.run(
            [sys.executable, "-m", words[2], "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        listed = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", done.stdout))
        assert flags <= listed, f"{words[2]} has no {sorted(flags - listed)}"
    elif words[0] == "pip":
        assert words[1] == "install"
    else:
        pytest.fail(f"{page}: a shell command no test checks: {line}")


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_resolve(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    targets = [t for t in LINK.findall(text) if "://" not in t and not t.startswith("mailto:")]
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []


def test_the_readme_is_a_front_page() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200
