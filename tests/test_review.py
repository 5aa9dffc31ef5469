"""What a first user ran into, each pinned: the messages that now say what to type instead."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

from autograd import Value, compile
from tests.helpers import run_cli


def test_compiled_comments_call_an_unlabelled_output_f(capsys: pytest.CaptureFixture[str]) -> None:
    at = ["--at", "w=0.5", "x=1", "b=-0.2"]
    status, out, _ = run_cli(capsys, "compile", "sigmoid(w*x + b)", "--params", "w", "b", *at)
    assert status == 0
    sigmoid_line = next(line for line in out.splitlines() if "∂σ(" in line)
    # as explain writes it: the output is f, its own gradient ∂f/∂f, its rule f·(1 − f)
    assert sigmoid_line.endswith("# ∂f/∂n2 = ∂f/∂f · ∂σ(n2)/∂n2 = f·(1 − f)")
    value = 1 / (1 + math.exp(-(0.5 * 1 - 0.2)))
    assert f"  f = {value!r}" in out


def test_compile_without_params_says_what_to_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "compile", "x*y", "--at", "x=3", "y=2")
    assert status == 2 and out == ""
    assert err == (
        "autograd: error: compile: no --params, so there is nothing to differentiate by; "
        "name them, e.g. --params x y\n"
    )


def test_compile_refuses_a_lone_value_for_a_list() -> None:
    x = Value(1.0)
    with pytest.raises(
        TypeError,
        match=r"^compile: params must be a list of leaf Values, got "
        r"Value\(data=1\.0, grad=0\.0\); put the one Value in a list$",
    ):
        compile(x * x, x, [])  # type: ignore[arg-type]
    assert compile(x * x, [x], []).__call__([3.0], [])[1] == [6.0]


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


def test_int_of_a_value_is_refused_without_a_deprecation_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # int() used to go through __trunc__, with a warning
        with pytest.raises(TypeError, match=r"^int\(v\) would turn a Value into a plain number"):
            int(Value(2.0))
