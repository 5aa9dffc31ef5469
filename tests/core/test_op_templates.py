"""A custom op's bad template is refused when the Op is made (review of issue 26, item 10)."""

from __future__ import annotations

import pytest

from autograd import Op, Value, apply, compile, explain


def _one(a: float, out: float) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"shows": "{x}({0})"}, r"shows '\{x\}\(\{0\}\)' cannot be filled in: \{x\} is not an"),
        ({"local_rules": ("{5}",)}, r"local_rules\[0\] '\{5\}' .*operand beyond its 1;"),
        ({"local_rules": ("{",)}, r"local_rules\[0\] '\{' .*: single '\{' encountered"),
        ({"code": "{1} + 1.0"}, r"code '\{1\} \+ 1.0' .*beyond its 1"),
        ({"partial_code": ("{out} * {2}",)}, r"partial_code\[0\] .*beyond its 1"),
    ],
)
def test_a_template_that_cannot_be_filled_is_refused_in_one_line(
    given: dict[str, object], message: str
) -> None:
    partials = () if "partial_code" in given else (_one,)
    with pytest.raises(ValueError, match=rf"^Op 'sq': {message}") as caught:
        Op("sq", lambda a: a * a, partials, **given)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value) and "write operands as {0}," in str(caught.value)


def test_a_long_template_is_shortened_in_the_error() -> None:
    with pytest.raises(ValueError) as caught:
        Op("sq", lambda a: a * a, (_one,), shows="{" + "x" * 10_000 + "}")
    assert len(str(caught.value)) < 250


def test_templates_with_braces_written_twice_and_out_are_fine() -> None:
    op = Op("sq", lambda a: a * a, (), shows="{{{0}}}²", partial_code=("2.0 * {0}",))
    x = Value(3.0, label="x")
    y = apply(op, x)
    assert op.expression(["x"]) == "{x}²"
    assert explain(y)[1].terms[0].formula == "2·x"
    assert compile(y, [x])([3.0]) == (9.0, [6.0])
