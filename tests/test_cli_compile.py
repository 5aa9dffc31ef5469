"""`autograd compile`: the generated code printed, and the numbers it gives at --at."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from tests.helpers import run_cli, sigmoid


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
