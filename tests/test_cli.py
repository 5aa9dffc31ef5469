"""The autograd command: good expressions, hostile ones, and files written only when all is well."""

from __future__ import annotations

import math
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import cli, render
from autograd.expr import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse
from tests.test_render import BROKEN_DOTS

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz 'dot' is not installed")


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


NEURON = ("explain", "sigmoid(w*x + b)", "--at", "w=0.5", "x=1", "b=-0.2")


def test_explain_prints_forward_values_and_backward_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, *NEURON)
    assert status == 0 and err == ""
    s = sigmoid(0.5 * 1 - 0.2)
    local = s * (1 - s)
    assert "Forward pass:" in out
    assert f"f  = sigmoid(n2) = {s:#.4g}" in out
    assert f"∂σ(x)/∂x = y(1 − y) = {s:#.4g}·(1 − {s:#.4g}) = {local:#.4g}" in out
    # ∂f/∂w = σ'(z)·x, ∂f/∂x = σ'(z)·w
    assert f"∂f/∂w = ∂f/∂n1 · ∂n1/∂w\n         = {local:#.4g} × 1.000 = {local:#.4g}" in out
    assert f"= {local:#.4g} × 0.5000 = {local * 0.5:#.4g}" in out


def test_explain_wrt_ends_with_the_full_precision_gradient(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, *NEURON, "--wrt", "x")
    assert status == 0
    s = sigmoid(0.3)
    assert out.rstrip().endswith(f"So ∂f/∂x = {s * (1 - s) * 0.5!r}")
    assert "∂f/∂w =" not in out  # w is not on the path from x to f
    assert "∂f/∂b =" not in out


@needs_dot
def test_explain_writes_svg_and_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    svg, page = tmp_path / "graph.svg", tmp_path / "steps.html"
    status, out, _ = run(capsys, *NEURON, "--svg", str(svg), "--html", str(page))
    assert status == 0
    assert f"wrote the graph to {svg}" in out and f"wrote the stepper to {page}" in out
    assert "<svg" in svg.read_text() and 'id="v0"' in svg.read_text()
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "sigmoid(w*x + b)" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg", "steps.html"]
    # Written like any new file (umask), not with a temporary file's private mode.
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(svg.stat().st_mode) == 0o666 & ~umask


@needs_dot
@pytest.mark.parametrize(
    ("suffix", "magic"),
    [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"), (".dot", b"digraph")],
)
def test_draw_format_from_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, magic: bytes
) -> None:
    target = tmp_path / f"graph{suffix}"
    status, out, _ = run(capsys, "draw", "x * x + 2", "--at", "x=3", "-o", str(target))
    assert status == 0 and str(target) in out
    assert target.read_bytes().startswith(magic)


def test_draw_dot_source_shows_gradients(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "g.dot"
    assert run(capsys, "draw", "x * x + 2", "--at", "x=3", "-o", str(target))[0] == 0
    source = target.read_text()
    assert "grad 6.000" in source  # d(x² + 2)/dx = 2x at x = 3
    assert "data 11.00" in source


HOSTILE = [
    ("__import__('os').system('touch PWNED')", "attribute access"),
    ("x.real", "attribute access"),
    ("x[0]", "subscript"),
    ("(lambda: 1)()", "lambda"),
    ("[x for x in (1, 2)]", "comprehension"),
    ("open('PWNED', 'w')", "unknown function 'open'"),
    ("y + 1", "name 'y' has no value"),
    ("x +* 2", "syntax error"),
    ("x" * 10_000, f"limit is {MAX_LENGTH}"),
    ("(" * 500 + "x" + ")" * 500, "nested too deeply"),
    ("10**10**10", "overflows"),
    # Non-finite at the top of a long flat chain: a deep tree, reported without recursion.
    ("x*1e308" + "*1" * 490 + "*10", "= inf is not a finite number"),
    ("exp(1000 * x)", "overflows"),
    ("log(x - 1)", "log"),
    ("x % 2", "operator '%'"),
    ("x if x else 1", "conditional"),
    ("'a' * 3", "only numbers"),
    ("", "empty"),
]


@pytest.mark.parametrize(("expression", "complaint"), HOSTILE)
@pytest.mark.parametrize("command", ["explain", "draw"])
def test_hostile_expressions_exit_2_with_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    expression: str,
    complaint: str,
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    outputs = ["--svg", "g.svg", "--html", "s.html"] if command == "explain" else ["-o", "g.svg"]
    status, out, err = run(capsys, command, expression, "--at", "x=1", *outputs)
    assert status == 2
    assert out == ""
    assert err.startswith("autograd: error: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert complaint in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no output, no temp file, no PWNED


def test_errors_point_at_the_column() -> None:
    with pytest.raises(ExpressionError) as e:
        parse("__import__('os').system('touch X')")
    assert e.value.column == len("__import__('os')") + 1  # the "."
    with pytest.raises(ExpressionError) as e:
        parse("  w*x + foo(b)")
    assert e.value.column == 9 and "column 9:" in str(e.value)
    with pytest.raises(ExpressionError) as e:
        parse("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    assert e.value.column == MAX_DEPTH + 1
    with pytest.raises(ExpressionError) as e:
        parse("1 + x // 2").build({"x": 1.0})
    assert e.value.column == 7


def test_a_non_finite_result_is_cited_by_its_source_at_any_depth() -> None:
    chain = "x" + "*1" * 497 + "*10"  # a left-leaning tree 498 operations deep
    with pytest.raises(ExpressionError) as e:
        parse(chain).build({"x": 1e308})
    assert e.value.column == len(chain) - 2  # the last "*", which overflows
    assert e.value.message == f"{chain[:26]}…{chain[-13:]} = inf is not a finite number"
    with pytest.raises(ExpressionError) as e:
        parse(" (x - 2*x) * 1e308").build({"x": 10.0})
    assert e.value.message == "(x - 2*x) * 1e308 = -inf is not a finite number"
    assert e.value.column == 12


def test_the_language_builds_the_right_graph() -> None:
    root = parse("-x ** 2 + 3 * sin(x) / sqrt(y) - relu(-y)").build({"x": 0.5, "y": 4.0})
    x, y = 0.5, 4.0
    assert root.data == pytest.approx(-(x**2) + 3 * math.sin(x) / math.sqrt(y) - max(0.0, -y))
    assert parse("2 ** 10 * x").build({"x": 1.5}).data == 1536.0  # constants fold to floats
    assert parse("3").build({}).data == 3.0
    e = parse("x * x")
    assert e.names == ("x",)
    root = e.build({"x": 3.0})
    assert root.parents[0] is root.parents[1]  # one Value per name


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["explain", "x", "--at", "x"], "expected NAME=NUMBER"),
        (["explain", "x", "--at", "x=abc"], "is not a number"),
        (["explain", "x", "--at", "x=nan"], "finite"),
        (["explain", "x", "--at", "x=1", "x=2"], "given twice"),
        (["explain", "x", "--at", "x=1", "z=2"], "no name 'z'"),
        (["explain", "x", "--at", "x=1", "--wrt", "q"], "no name 'q'"),
        (["explain", "x", "--at", "x=1", "--svg", "g.png"], ".svg"),
        (["explain", "x", "--at", "x=1", "--html", "g.txt"], ".html"),
        (["draw", "x", "--at", "x=1", "-o", "g.txt"], "cannot tell the format"),
        (["draw", "x", "--at", "x=1"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_command_lines_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    complaint: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and complaint in err, err
    assert list(tmp_path.iterdir()) == []


def test_without_dot_svg_renders_and_png_fails_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    status, _, err = run(capsys, "draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.png"))
    assert status == 1
    assert "apt install graphviz" in err and err.count("\n") == 1
    assert not (tmp_path / "g.png").exists()
    status, _, err = run(capsys, "draw", "x*2", "--at", "x=1.5", "-o", str(tmp_path / "g.svg"))
    assert (status, err) == (0, ""), err
    assert "data 3.000" in (tmp_path / "g.svg").read_text()


@needs_dot
def test_a_long_sum_of_one_input_draws_without_hanging(tmp_path: Path) -> None:
    # dot's layout of x + x + … + x grows faster than quadratically: 100 terms took more
    # than ten minutes with its defaults. The timeout here only stops a hang.
    terms = 100
    argv = ["draw", "+".join(["x"] * terms), "--at", "x=1", "-o", "g.svg"]
    done = subprocess.run(
        [sys.executable, "-m", "autograd", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "g.svg").read_text()
    assert svg.count('class="node"') == 1 + 2 * (terms - 1)  # x, then a + and a value each
    assert f"grad {float(terms):#.4g}" in svg  # ∂f/∂x = the number of terms


@pytest.mark.parametrize(
    ("script", "complaint"),
    [
        ("exec sleep 30", "did not finish laying out the graph in 0.5 s"),
        ("cat >/dev/null; echo 'Error: out of memory' >&2; exit 1", "out of memory"),
        # A dot that exits 0 with garbage: nothing, not SVG, not UTF-8, without end.
        *BROKEN_DOTS,
    ],
)
@pytest.mark.parametrize(
    "outputs",
    [["draw", "-o", "g.svg"], ["explain", "--svg", "g.svg"], ["explain", "--html", "s.html"]],
)
def test_a_slow_or_failing_dot_exits_1_with_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    script: str,
    complaint: str,
    outputs: list[str],
) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text(f"#!/bin/sh\n{script}\n")
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(cli, "_DOT_TIMEOUT", 0.5)
    monkeypatch.setattr(render, "MAX_OUTPUT", 2**20)
    monkeypatch.chdir(tmp_path)
    command, *files = outputs
    status, out, err = run(capsys, command, "sigmoid(w*x + b)", "--at", "w=1", "x=2", "b=3", *files)
    assert status == 1 and out == ""
    assert err.startswith("autograd: error: Graphviz's dot ") and err.count("\n") == 1, err
    assert complaint in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_a_failed_write_leaves_no_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    status, _, err = run(capsys, "draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.dot"))
    assert status == 1 and "No space left" in err
    assert list(tmp_path.iterdir()) == []


def test_real_processes_python_m_and_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("autograd")
    hostile = "__import__('os').system('touch PWNED')"
    for cmd in ([sys.executable, "-m", "autograd"], [str(script)]):
        bad = subprocess.run(
            [*cmd, "explain", hostile, "--html", "s.html"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert bad.returncode == 2 and bad.stdout == ""
        assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
        assert list(tmp_path.iterdir()) == []
    good = subprocess.run(
        [sys.executable, "-m", "autograd", *NEURON],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0 and "Backward pass" in good.stdout


def test_output_survives_a_terminal_that_cannot_encode_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "explain", "x*y", "--at", "x=1", "y=2", "--wrt", "x"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    out = done.stdout.decode("ascii")  # nothing but ASCII reached the pipe
    assert out.rstrip().endswith("So \\u2202f/\\u2202x = 2.0")  # ∂f/∂x = y
    assert "\\u2202(ab)/\\u2202a = b = y = 2.000" in out
    bad = subprocess.run(
        [sys.executable, "-m", "autograd", "explain", "x ∂ y", "--at", "x=1", "y=2"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == b""
    err = bad.stderr.decode("ascii")
    assert err.startswith("autograd: error: ") and err.count("\n") == 1 and "Traceback" not in err
