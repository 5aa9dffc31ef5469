"""autograd practice and worksheet, and explain's --nudge and --mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.pages.assets import PREFIX
from tests.helpers import needs_dot, run_cli


def test_practice_command_reads_piped_answers() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "practice", "x*x + x", "--at", "x=3"],
        input="1\n1\n1\n3\n3\n7\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "gradient ∂f/∂x = 7\n  ✓ right: 7.000" in done.stdout
    assert done.stdout.rstrip().endswith("6 of 6 right first time, 0 after a hint, 0 revealed.")


def test_explain_nudge_and_mistake_flags(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "explain", "x*x + x", "--at", "x=3", "--nudge")
    assert status == 0 and err == ""
    assert "nudge x by ±1e-05: (f₊ - f₋)/(2·1e-05) = 7.000 ✓ agrees" in out
    assert out.rstrip().endswith("Nudges: 3 agree with the chain rule.")
    status, out, err = run_cli(
        capsys, "explain", "x*x + x", "--at", "x=3", "--mistake", "overwrite"
    )
    assert status == 0 and err == ""
    assert "∂f/∂x   7.000       3.000      ← first difference" in out
    status, out, err = run_cli(capsys, "explain", "x", "--at", "x=3", "--mistake", "typo")
    assert status == 2 and out == "" and "--mistake: invalid choice: 'typo'" in err


def test_practice_and_worksheet_refuse_bad_command_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "s.html"
    cases = [
        (["worksheet", "x*y", "--at", "x=1", "y=2", "--html", str(tmp_path / "s.txt")], ".html"),
        (["worksheet", "x*y", "--at", "x=1", "y=2", "--html", str(out_file), "--sheets", "3"],
         "several sheets need --random"),
        (["worksheet", "x*y", "--random", "1", "--sheets", "0", "--html", str(out_file)],
         "--sheets 0: give 1 to 200"),
        (["worksheet", "x*y", "--random", "1", "--at", "z=1", "--html", str(out_file)],
         "--at z: the expression has no name 'z'"),
        (["worksheet", "log(-x*x - 1)", "--random", "1", "--html", str(out_file)],
         "no values drawn from -2.0 … 2.0 make"),
        (["explain", "x", "--at", "x=1", "--practice"], "--practice: it is a mode of the --html"),
        (["practice", "x +", "--at", "x=1"], "in the expression"),
    ]  # fmt: skip
    for argv, message in cases:
        status, _, err = run_cli(capsys, *argv)
        assert status == 2, argv
        assert message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []  # nothing written


@needs_dot
def test_worksheet_random_values_are_seeded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pages = []
    for name, seed in (("a.html", "7"), ("b.html", "7"), ("c.html", "8")):
        argv = ["worksheet", "w*x + b", "--random", seed, "--sheets", "3", "--at", "b=0.5"]
        status, out, _ = run_cli(capsys, *argv, "--html", str(tmp_path / name))
        assert status == 0 and "wrote 3 worksheet(s) and their answer keys" in out
        # Each graph's ids carry a random prefix of their own (two on one page never clash).
        pages.append(PREFIX.sub("ag-", (tmp_path / name).read_text()))
    a, b, c = pages
    assert a == b and a != c  # same seed, same sheets
    values = [line.split("Values: ")[1].split("<")[0] for line in a.split("class='name'")[1:]]
    assert len(values) == 3 and len(set(values)) == 3  # each student gets other numbers
    assert all(v.endswith("b = 0.5") for v in values)  # --at fixes a value on every sheet
    assert a.count("<section class='sheet ") == 3 and a.count("<section class='key'") == 3


# ==== what a first user ran into: each message now says what to type instead ====


def test_random_worksheets_need_a_name_left_to_draw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "w.html"
    argv = ["worksheet", "x*x + x", "--html", str(sheet), "--random", "1", "--sheets", "2"]
    status, _, err = run_cli(capsys, *argv, "--at", "x=3")
    assert status == 2 and not sheet.exists()
    assert "--random: --at fixes every name, so every sheet would be the same" in err
    status, _, _ = run_cli(capsys, *argv)
    assert status == 0 and sheet.exists()


def test_a_net_by_its_shape_and_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import nn
    from autograd import explain

    model = nn.MLP(2, [2, 1], init=nn.init.uniform(0.3), seed=4)
    error = nn.losses.sum_squared_error(model([0.0, 1.0]), 1.0)
    argv = ["--net", "2-2-1", "--seed", "4", "--input", "0", "1", "--target", "1"]
    code, out, err = run_cli(capsys, "explain", *argv)
    assert (code, err) == (0, "")
    assert out == f"{explain(error, params=model, view='neurons')}\n"
    # Practice asks the same numbers; the worksheet has one sheet per seed.
    page = tmp_path / "p.html"
    assert run_cli(capsys, "practice", *argv, "--html", str(page))[0] == 0
    assert "∂E/∂w53" in page.read_text(encoding="utf-8")
    sheets = tmp_path / "w.html"
    code, out, _ = run_cli(
        capsys, "worksheet", "--net", "2-2-1", "--sheets", "3", "--html", str(sheets)
    )
    assert (
        code == 0
        and out == f"wrote 3 worksheet(s) of the net and their answer key(s) to {sheets}\n"
    )
    text = sheets.read_text(encoding="utf-8")
    assert [f"MLP 2-2-1, seed {k}" in text for k in range(4)] == [True, True, True, False]
    assert "Values: y1 = 1, y2 = 0, d5 = 1" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["explain", "--net", "2-x-1"], "--net '2-x-1': give the layer sizes as 2-2-1"),
        (["explain", "x*y", "--net", "2-2-1"], "--net: give either an expression or --net"),
        (["practice", "--net", "2-2-1", "--input", "1"], "--input: the net has 2 of them, got 1"),
        (["practice", "--net", "2-0-1"], "--net 2-0-1: every layer needs 1 to 64 units"),
        (
            ["explain", "--net", "2-1", "--mistake", "twice"],
            "--net: --mistake is for an expression",
        ),
        (["worksheet", "--net", "2-1", "--random", "3", "--html", "w.html"], "--net: --random is"),
        (["practice", "--net", "2-1", "--target", "x"], "--target x: "),
    ],
)
def test_bad_net_command_lines_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"autograd: error: {message}") and err.count("\n") == 1, err
