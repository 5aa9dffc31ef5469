"""Every command-line error is one short line (review of issue 26, item 7)."""

from __future__ import annotations

import pytest

from autograd import cli


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
