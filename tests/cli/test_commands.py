"""The autograd command: good expressions, hostile ones, and files written only when all is well."""

from __future__ import annotations

import math
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import cli
from autograd.cli import commands
from autograd.pages import render
from autograd.teach.expr import MAX_LENGTH
from tests.helpers import BROKEN_DOTS, fake_dot, needs_dot, run_cli, sigmoid

NEURON = ("explain", "sigmoid(w*x + b)", "--at", "w=0.5", "x=1", "b=-0.2")


def test_explain_prints_forward_values_and_backward_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(capsys, *NEURON)
    assert status == 0 and err == ""
    s = sigmoid(0.5 * 1 - 0.2)
    local = s * (1 - s)
    assert "Forward pass:" in out
    assert f"f  = sigmoid(#2) = {s:#.4g}" in out
    assert f"∂σ(#2)/∂#2 = f·(1 - f) = {s:#.4g}·(1 - {s:#.4g}) = {local:#.4g}" in out
    # ∂f/∂w = σ'(z)·x, ∂f/∂x = σ'(z)·w
    assert "∂f/∂w = ∂f/∂#1 · ∂(w·x)/∂w\n" in out
    assert f"contribution       {local:#.4g} × 1.000 = {local:#.4g}\n   ∂f/∂w = {local:#.4g}" in out
    # 0.2445 × 0.5000 is 0.12225, halfway between two printed numbers: ≈, not =.
    assert f"contribution       {local:#.4g} × 0.5000 ≈ {local * 0.5:#.4g}" in out


def test_explain_wrt_ends_with_the_full_precision_gradient(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run_cli(capsys, *NEURON, "--wrt", "x")
    assert status == 0
    s = sigmoid(0.3)
    assert out.rstrip().endswith(f"So ∂f/∂x = {s * (1 - s) * 0.5!r}")
    assert "∂f/∂w =" not in out  # w is not on the path from x to f
    assert "∂f/∂b =" not in out


@needs_dot
def test_explain_writes_svg_and_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    svg, page = tmp_path / "graph.svg", tmp_path / "steps.html"
    status, out, _ = run_cli(capsys, *NEURON, "--svg", str(svg), "--html", str(page))
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
    status, out, _ = run_cli(capsys, "draw", "x * x + 2", "--at", "x=3", "-o", str(target))
    assert status == 0 and str(target) in out
    assert target.read_bytes().startswith(magic)


def test_draw_dot_source_shows_gradients(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "g.dot"
    assert run_cli(capsys, "draw", "x * x + 2", "--at", "x=3", "-o", str(target))[0] == 0
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
    status, out, err = run_cli(capsys, command, expression, "--at", "x=1", *outputs)
    assert status == 2
    assert out == ""
    assert err.startswith("autograd: error: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert complaint in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no output, no temp file, no PWNED


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["explain", "x", "--at", "x"], "expected NAME=NUMBER"),
        (["explain", "x", "--at", "x=abc"], "is not a number"),
        (["explain", "x", "--at", "x=nan"], "'nan' is not a number"),
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
    status, out, err = run_cli(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and complaint in err, err
    assert list(tmp_path.iterdir()) == []


def test_without_dot_svg_renders_and_png_fails_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    status, _, err = run_cli(capsys, "draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.png"))
    assert status == 1
    assert "apt install graphviz" in err and err.count("\n") == 1
    assert not (tmp_path / "g.png").exists()
    status, _, err = run_cli(capsys, "draw", "x*2", "--at", "x=1.5", "-o", str(tmp_path / "g.svg"))
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
    fake_dot(fake, script)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(commands, "_DOT_TIMEOUT", 0.5)
    monkeypatch.setattr(render, "MAX_OUTPUT", 2**20)
    monkeypatch.chdir(tmp_path)
    command, *files = outputs
    status, out, err = run_cli(
        capsys, command, "sigmoid(w*x + b)", "--at", "w=1", "x=2", "b=3", *files
    )
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
    status, _, err = run_cli(capsys, "draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.dot"))
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
    assert "\\u2202(x\\xb7y)/\\u2202x = y = 2.000" in out
    bad = subprocess.run(
        [sys.executable, "-m", "autograd", "explain", "x ∂ y", "--at", "x=1", "y=2"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == b""
    err = bad.stderr.decode("ascii")
    assert err.startswith("autograd: error: ") and err.count("\n") == 1 and "Traceback" not in err


LECTURE = (
    "explain",
    "n = x1*w1 + x2*w2 + b; o = tanh(n)",
    "--at",
    "x1=2",
    "x2=0",
    "w1=-3",
    "w2=1",
    "b=6.8813735870195432",
)


def test_statements_name_the_intermediate_node_and_the_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(capsys, *LECTURE)
    assert status == 0 and err == ""
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    o = math.tanh(n)
    assert f"  n  = #3 + b = {n:#.4g}\n  o  = tanh(n) = {o:#.4g}\n" in out
    assert f"∂tanh(n)/∂n = 1 - o² = 1 - {o:#.4g}² = {1 - o * o:#.4g}" in out
    assert f"∂o/∂w1 = {(1 - o * o) * 2.0:#.4g}" in out
    # The same graph as one expression: only the names differ.
    status, plain, _ = run_cli(capsys, "explain", "tanh(x1*w1 + x2*w2 + b)", *LECTURE[2:])
    assert status == 0 and plain.count("\n") == out.count("\n")


@pytest.mark.parametrize(
    ("program", "complaint"),
    [
        ("n = x*2; x*3", "'n' is computed but never used"),
        ("o = n*2; n = x*3", "'n' is used before it is computed"),
        ("n = x*2; n = x*3; n", "'n' is named twice"),
        ("n = x; n*2", "n = x is already 'x'"),
        ("n = 2; n*x", "n = 2 is a constant"),
        ("x*2; x*3", "only the last statement is the output"),
        ("import os", "only statements NAME = expression"),
        ("x += 1", "only statements NAME = expression"),
        ("tanh = x*2; tanh", "is a function"),
    ],
)
def test_statements_that_cannot_name_a_node(
    capsys: pytest.CaptureFixture[str], program: str, complaint: str
) -> None:
    status, out, err = run_cli(capsys, "explain", program, "--at", "x=1")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and complaint in err, err


def test_a_named_node_cannot_be_given_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "explain", "n = x*2; o = n + 1", "--at", "x=1", "n=3")
    assert status == 2 and "--at n: n is computed by the expression" in err


def test_params_mark_leaves_as_parameters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run_cli(capsys, *LECTURE, "--params", "w1", "w2", "b")
    assert status == 0
    assert "w1 = -3.000 (parameter)" in out and "x1 = 2.000 (input)" in out
    target = tmp_path / "g.dot"
    argv = ["draw", "x*w + b", "--at", "x=1", "w=2", "b=3", "--params", "w", "b"]
    assert run_cli(capsys, *argv, "-o", str(target))[0] == 0
    source = target.read_text()
    fills = {name: re.search(rf'BGCOLOR="(#\w+)"><TR><TD><B>{name}</B>', source) for name in "xwb"}
    colours = {name: m.group(1) if m else None for name, m in fills.items()}
    assert colours["w"] == colours["b"] != colours["x"], source
    status, _, err = run_cli(capsys, *LECTURE, "--params", "w9")
    assert status == 2 and "--params w9: the expression has no input 'w9'" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "x*x", "--at", "x=3"],
        ["explain", "--at", "x=3", "x*x"],
        ["explain", "--at", "x=3", "--params", "x", "x*x"],
        ["explain", "--params", "x", "x*x", "--at", "x=3"],
        ["explain", "--wrt", "x", "--at", "x=3", "x*x"],
    ],
)
def test_options_before_or_after_the_expression(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = run_cli(capsys, *argv)
    assert status == 0 and err == "", err
    assert f"∂f/∂x = 3.000 + 3.000 = {2 * 3.0:#.4g}" in out


def test_two_candidate_expressions_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "explain", "--at", "x=3", "x*x", "x+x")
    assert status == 2 and "which is the expression: 'x*x', 'x+x'?" in err


@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        ("x^2", "operator '^' is not allowed; the operators are + - * / **; use ** for powers"),
        ("2x + 1", "write 2*x to multiply"),
        ("3.5x", "write 3.5*x to multiply"),
        ("x // 2", "use / for division"),
        ("x # a comment", "column 3: '#' is not allowed: the language has no comments"),
        ("0x10 * x", "number 0x10 is not allowed; write numbers in decimal digits"),
        ("1_000 * x", "number 1_000 is not allowed"),
        ("1j * x", "number 1j is not allowed"),
        ("１ + x", "write numbers with the digits 0-9"),
    ],
)
def test_hints_and_the_one_grammar(
    capsys: pytest.CaptureFixture[str], expression: str, hint: str
) -> None:
    status, out, err = run_cli(capsys, "explain", expression, "--at", "x=1")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and hint in err, err


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("１", "'１' is not a number"),
        ("1_000", "'1_000' is not a number"),
        ("0x10", "'0x10' is not a number"),
        ("inf", "'inf' is not a number"),
        (" 1e400", "is beyond the float range"),
    ],
)
def test_at_values_follow_the_same_number_grammar(
    capsys: pytest.CaptureFixture[str], value: str, complaint: str
) -> None:
    status, _, err = run_cli(capsys, "explain", "x*2", "--at", f"x={value}")
    assert status == 2 and complaint in err, err
    assert run_cli(capsys, "explain", "x*2", "--at", "x=-.5e+1")[0] == 0


def test_no_python_warning_reaches_the_terminal() -> None:
    # Python itself warns "invalid decimal literal" for 1if: a separate process shows stderr
    # exactly as a terminal would, warnings filters and all.
    for expression in ("1if x else 2", "x*1if x else 2", "0x1for x in y"):
        done = subprocess.run(
            [sys.executable, "-W", "default", "-m", "autograd", "explain", expression],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and "Warning" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "x", "--at", "x=" + "1" * 100_000],
        ["explain", "x*" + "9" * 990, "--at", "x=1"],
        ["explain", "y" * 900, "--at", "x=1"],
        ["explain", "x", "--at", "x=1", "--wrt", "q" * 5000],
        ["explain", "x", "--at", "x=1", "--params", "p" * 5000],
        ["explain", "x", "--at", "x=1", "q" * 5000 + "=1"],
        ["explain", "x", "--at", "x=1" + "z" * 5000],
    ],
)
def test_long_values_are_shortened_in_every_message(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, _, err = run_cli(capsys, *argv)
    assert status == 2 and err.count("\n") == 1
    assert len(err) < 300 and "…" in err, err


@needs_dot
def test_params_are_drawn_as_parameters_in_the_stepper(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def parameter_fills(*params: str) -> int:
        page = tmp_path / "steps.html"
        argv = [*LECTURE, "--html", str(page)] + (["--params", *params] if params else [])
        assert run_cli(capsys, *argv)[0] == 0
        return page.read_text().count('fill="#fddcb5"')  # the parameter colour

    assert parameter_fills("w1", "w2", "b") == parameter_fills() + 3


def test_wrt_a_named_node(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, *LECTURE, "--wrt", "n")
    o = math.tanh(2.0 * -3.0 + 6.8813735870195432)
    assert status == 0 and out.rstrip().endswith(f"So ∂o/∂n = {1 - o * o!r}")
    assert "∂o/∂w1" not in out  # only the paths from n to o
    status, _, err = run_cli(capsys, *LECTURE, "--params", "n")
    assert status == 2
    assert "--params n: n is computed by the expression; parameters are inputs" in err


@needs_dot
def test_explain_wrt_greys_out_the_rest_of_the_graph(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    svg = tmp_path / "g.svg"
    at = ["--at", "w=2", "x=3", "b=4", "c=5"]
    status, _, _ = run_cli(capsys, "explain", "w*x + b*c", *at, "--wrt", "w", "--svg", str(svg))
    assert status == 0
    greyed = set()
    for node in re.findall(r'<g id="v\d+" class="node">(.*?)</g>', svg.read_text(), re.S):
        name = re.findall(r'font-weight="bold"[^>]*>([^<]*)<', node)
        if 'fill="#f4f4f4"' in node:
            greyed.update(name)
    # Off the paths from w to the output: x (w's partner), b, c and b*c (named #2).
    assert greyed == {"x", "b", "c", "#2"}


# -- autograd compile: the generated code printed, and the numbers it gives --


def test_compile_prints_the_code_and_its_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        capsys,
        "compile",
        "sigmoid(w*x + b)",
        "--params",
        "w",
        "b",
        "--at",
        "w=0.5",
        "x=2",
        "b=-0.2",
    )
    assert status == 0 and err == ""
    s = sigmoid(0.5 * 2 - 0.2)
    assert "def step(params, inputs, seed):" in out
    assert "n3 = 1.0 / (1.0 + exp(-n2)) if n2 >= 0.0" in out and "gp0 += gn1 * i0  # ∂f/∂w" in out
    code, numbers_text = out.split("\nstep(")
    numbers = dict(line.strip().split(" = ") for line in numbers_text.splitlines()[1:])
    assert float(numbers["f"]) == pytest.approx(s, rel=1e-15)
    assert float(numbers["∂f/∂w"]) == pytest.approx(s * (1 - s) * 2, rel=1e-15)
    assert float(numbers["∂f/∂b"]) == pytest.approx(s * (1 - s), rel=1e-15)
    # The printed code runs on its own, with the namespace the compiler gives it.
    namespace = {"exp": math.exp}
    exec(code, namespace)
    value, _ = namespace["step"]([0.5, -0.2], [2.0], 1.0)  # type: ignore[operator]
    assert value == pytest.approx(s, rel=1e-15)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("x*y", "--params", "z", "--at", "x=1", "y=2"), "--params z: the expression has no input"),
        (("x*y", "--params", "x", "x", "--at", "x=1", "y=2"), "--params: x is given twice"),
        (("log(x)", "--params", "x", "--at", "x=-1"), "log(-1.0) is undefined"),
    ],
)
def test_compile_rejects_bad_commands_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    status, out, err = run_cli(capsys, "compile", *argv)
    assert status == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_compile_from_the_shell() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "compile", "x*x", "--params", "x", "--at", "x=3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "∂f/∂x = 6.0" in done.stdout


# ==== what a first user ran into: each message now says what to type instead ====


def test_compiled_comments_call_an_unlabelled_output_f(capsys: pytest.CaptureFixture[str]) -> None:
    at = ["--at", "w=0.5", "x=1", "b=-0.2"]
    status, out, _ = run_cli(capsys, "compile", "sigmoid(w*x + b)", "--params", "w", "b", *at)
    assert status == 0
    sigmoid_line = next(line for line in out.splitlines() if "∂σ(" in line)
    # as explain writes it: the output is f, its own gradient ∂f/∂f, its rule f·(1 - f)
    assert sigmoid_line.endswith("# ∂f/∂n2 = ∂f/∂f · ∂σ(n2)/∂n2 = f·(1 - f)")
    value = 1 / (1 + math.exp(-(0.5 * 1 - 0.2)))
    assert f"  f = {value!r}" in out


def test_compile_without_params_says_what_to_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "compile", "x*y", "--at", "x=3", "y=2")
    assert status == 2 and out == ""
    assert err == (
        "autograd: error: compile: no --params, so there is nothing to differentiate by; "
        "name them, e.g. --params x y\n"
    )


@pytest.mark.parametrize(
    ("text", "column", "hint"),
    [
        ("x − 1", 3, "type - instead of −"),
        ("x×y", 2, "type * instead of ×"),
        ("x²", 2, "type **2 instead of ²"),
        ("x·y", 1, "type * instead of · to multiply (x*y)"),
        ("2(x+1)", 1, "can be called; to multiply, write 2*(…)"),
        ("x(x+1)", 1, "; to multiply, write x*(…)"),
        ("abs(x)", 1, "the functions are exp, log, sqrt, sin, cos, tanh, sigmoid, relu"),
    ],
)
def test_characters_copied_from_a_listing_get_a_hint(
    capsys: pytest.CaptureFixture[str], text: str, column: int, hint: str
) -> None:
    status, _, err = run_cli(capsys, "explain", text, "--at", "x=1", "y=2")
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(f"autograd: error: in the expression: column {column}: ")
    assert err.rstrip().endswith(hint)


def test_params_naming_a_computed_node_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "explain", "n = w*x; o = tanh(n)", "--at", "w=1", "x=2",
                         "--params", "n")  # fmt: skip
    assert status == 2
    assert "--params n: n is computed by the expression; parameters are inputs" in err


def test_practice_page_takes_no_nudge_or_mistake_and_says_what_it_wrote(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "p.html"
    for extra in (["--nudge"], ["--mistake", "overwrite"]):
        status, _, err = run_cli(capsys, "explain", "x*x", "--at", "x=3", "--html", str(page),
                             "--practice", *extra)  # fmt: skip
        assert status == 2 and "--practice: the practice page shows no --nudge or --mistake" in err
        assert not page.exists()
    status, out, _ = run_cli(
        capsys, "explain", "x*x", "--at", "x=3", "--html", str(page), "--practice"
    )
    assert status == 0 and f"wrote the practice page to {page}" in out
    assert "Practice backpropagation" in page.read_text(encoding="utf-8")


# ==== one-line errors (issue 26, item 7) ====


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["explain", "x", "--at", "x=1", "-a\nb"], r"unrecognized arguments: -a\nb"),
        (["explain", "x", "--at", "x=1", "-" + "a" * 100_000], "unrecognized arguments: -aaa"),
        (["dr\u2028aw", "x"], r"invalid choice: 'dr\u2028aw'"),
        (["explain", "x\u2028+ 1", "--at", "x=1"], "in the expression"),
        (["worksheet", "x", "--at", "x=1", "--html", "a\nb.txt"], "--html"),
    ],
)
def test_an_error_is_one_line_with_control_characters_escaped(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("autograd: error: ") and err.endswith("\n")
    line = err[:-1]
    assert "\n" not in line and "\u2028" not in line and len(line) <= 320
    assert says in line
