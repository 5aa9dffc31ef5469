"""The README's command-line examples print exactly what the README shows.

(The README's Python examples are doctests, run by pytest's --doctest-glob.) Its practice
transcript, answers piped into ``autograd practice``, is checked the same way.
Each ``$ autograd ...`` line of a ``console`` block is run in a temporary folder and
its output compared with the lines below it; a line ``…`` stands for lines left out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

README = ROOT / "README.md"


def console_examples() -> list[tuple[str, list[str]]]:
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S):
        command: str | None = None
        expected: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, expected))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            examples.append((command, expected))
    return [(c, e) for c, e in examples if c.startswith("autograd ")]


def matches(expected: list[str], actual: list[str]) -> bool:
    if "…" not in expected:
        return expected == actual
    head, tail = expected[: expected.index("…")], expected[expected.index("…") + 1 :]
    return actual[: len(head)] == head and (not tail or actual[-len(tail) :] == tail)


EXAMPLES = console_examples()


def test_the_readme_has_command_line_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_command_output(command: str, expected: list[str], tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "autograd", *shlex.split(command)[1:]]
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    actual = (result.stdout + result.stderr).rstrip("\n").splitlines()
    while expected and expected[-1] == "":
        expected = expected[:-1]
    assert matches(expected, actual), "\n".join(actual)


TRANSCRIPTS = [
    b
    for b in re.findall(r"```text\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    if "autograd practice" in b
]


def test_the_readme_has_practice_transcripts_of_an_expression_and_of_a_net() -> None:
    assert len(TRANSCRIPTS) == 2 and "--net 2-2-1" in TRANSCRIPTS[1]


@pytest.mark.parametrize("block", TRANSCRIPTS)
def test_the_readme_practice_transcripts_are_real(block: str, tmp_path: Path) -> None:
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
