"""The expression language: values, the graph it builds, and errors that point at their column."""

from __future__ import annotations

import ast
import dataclasses
import math

import pytest

from autograd import topological_order
from autograd.teach.expr import (
    FUNCTIONS,
    MAX_DEPTH,
    Expression,
    ExpressionError,
    parse,
    parse_number,
)


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


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


# -- the expression language: unary plus, functions of constants, error columns --


@pytest.mark.parametrize(
    ("text", "x", "value", "slope"),
    [
        ("+x", 2.0, 2.0, 1.0),
        ("-+x", 2.0, -2.0, -1.0),
        ("+x * 3", 2.0, 6.0, 3.0),
        ("+(x - 5)", 2.0, -3.0, 1.0),
        ("relu(0.5) * x", 2.0, 1.0, 0.5),
        ("relu(-0.5) + x", 2.0, 2.0, 1.0),
        ("sin(0) + x", 2.0, 2.0, 1.0),
        ("x * exp(1)", 2.0, 2.0 * math.e, math.e),
        ("x * log(2)", 2.0, 2.0 * math.log(2), math.log(2)),
        ("sqrt(9) * x", 2.0, 6.0, 3.0),
        ("x * cos(0) + tanh(0)", 2.0, 2.0, 1.0),
        ("x * sigmoid(0)", 2.0, 1.0, 0.5),
        ("x - 2 ** 3", 2.0, -6.0, 1.0),
        ("x + 6 / 4 - 1", 2.0, 2.5, 1.0),
        ("x * (2 - -1)", 2.0, 6.0, 3.0),
        ("2 * 3", 2.0, 6.0, None),
        ("+relu(2)", 2.0, 2.0, None),
    ],
)
def test_expression_values(text, x, value, slope) -> None:
    out = parse(text).build({"x": x})
    assert out.data == pytest.approx(value, rel=1e-15)
    if slope is not None:
        leaf = next(v for v in topological_order(out) if v.label == "x")
        out.backward()
        assert leaf.grad == pytest.approx(slope, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "values", "column"),
    [
        ("log(x)", {"x": -1.0}, 1),
        ("x + log(y)", {"x": 1.0, "y": 0.0}, 5),
        ("x / y", {"x": 1.0, "y": 0.0}, 3),
        ("(x) / y", {"x": 1.0, "y": 0.0}, 5),
        ("  x / y", {"x": 1.0, "y": 0.0}, 5),
        ("x ** 1000", {"x": 10.0}, 3),
        ("x + y", {"x": 1.0}, 5),
        ("exp(x) * exp(x)", {"x": 400.0}, 8),
        ("x * sqrt(0 - 1)", {"x": 1.0}, 5),
        ("1 / (x - x)", {"x": 1.0}, 3),
    ],
)
def test_expression_errors_point_at_their_column(text, values, column) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text).build(values)
    assert e.value.column == column
    assert str(e.value).startswith(f"column {column}: ")


def test_an_unknown_name_is_named() -> None:
    with pytest.raises(ExpressionError, match="'y'") as e:
        parse("x + y").build({"x": 1.0})
    assert e.value.column == 5


@pytest.mark.parametrize(
    ("text", "column", "named"),
    [
        ("x.y", 2, "attribute"),
        ("  x[0]", 4, "subscript"),
        ("x.exp()", 2, "attribute"),
        ("x + True", 5, "True"),
        ("x + 1e999", 5, "1e999"),
        ("x + " + "9" * 400, 5, "9" * 39 + "…"),  # long values are shortened in messages
        ("exp + 1", 1, "'exp'"),
        ("not x", 1, "'not'"),
        ("-~x", 2, "'~'"),
        ("x // 2", 3, "'//'"),
        ("x  %  2", 4, "'%'"),
        ("x @(y)", 3, "'@'"),
        ("f(x)", 1, "'f'"),
        ("exp(x, 1)", 1, "exp()"),
        ("exp(x=1)", 1, "exp()"),
        ("x\t+ 1", 2, r"'\t'"),
        ("é.y", 2, "attribute"),
        ("   ", 1, "empty"),
    ],
)
def test_rejections_point_at_their_column(text, column, named) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert e.value.column == column
    assert named in e.value.message


def test_limits_are_inclusive() -> None:
    assert parse("(" * 50 + "x" + ")" * 50).names == ("x",)  # MAX_DEPTH = 50
    # depth is the current nesting, not the number of brackets seen
    assert parse("+".join(["(" * 30 + "x" + ")" * 30] * 3)).names == ("x",)
    text = "x" + "+1" * 499 + "+"  # 1000 characters: MAX_LENGTH, the limit itself
    assert len(text) == 1000
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert "syntax" in e.value.message  # too short to complain about the length
    with pytest.raises(ExpressionError) as e:
        parse(text + "1")
    assert e.value.column == 1001
    with pytest.raises(ExpressionError) as e:
        parse(3)  # type: ignore[arg-type]
    assert e.value.column is None and str(e.value) == e.value.message


def test_names_are_normalized_and_columns_count_characters() -> None:
    # Python reads ﬁ as fi (NFKC); a value given under either spelling binds it.
    assert parse("ﬁ * 2").build({"ﬁ": 3.0}).data == 6.0
    assert parse("fi * 2").build({"ﬁ": 3.0}).data == 6.0
    with pytest.raises(ExpressionError) as e:
        parse("é + log(y)").build({"é": 1.0, "y": 0.0})
    assert e.value.column == 5  # characters, not UTF-8 bytes


@pytest.mark.parametrize("blanks", [1, 2])
def test_an_excerpt_of_up_to_40_characters_is_quoted_whole(blanks) -> None:
    text = "(x" + "+0" * 12 + ")" + " " * blanks + "*1e300*1e300"  # 40 or 41 characters
    with pytest.raises(ExpressionError) as e:
        parse(text).build({"x": 1.0})
    quoted = text if len(text) <= 40 else text[:26] + "…" + text[-13:]
    assert e.value.message.startswith(f"{quoted} = inf")
    assert e.value.column == len(text) - 5  # the last "*"


@pytest.mark.parametrize(
    ("text", "values", "column", "named"),
    [
        ("   aé+x", {"aé": 1.0}, 7, "'x'"),  # columns count characters after leading blanks
        ("  x + 1e999", None, 7, "number 1e999 "),  # the literal as written, not its neighbours
        ("1 + x", {"x": math.inf}, 5, "x = inf"),  # a name bound to a non-finite number
        ("2(x)", None, 1, ", ".join(FUNCTIONS)),
        ("(x + 1)(2)", None, 1, ", ".join(FUNCTIONS)),
        ("f(x)", None, 1, ", ".join(FUNCTIONS)),
    ],
)
def test_more_errors_name_the_place_and_the_operand(text, values, column, named) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text).build(values or {})
    assert (e.value.column, e.value.args) == (column, (e.value.message,))
    assert named in e.value.message


def test_an_expression_made_directly_binds_its_names_when_met() -> None:
    parsed = parse("x * x + y")
    direct = Expression(parsed.text, parsed.tree, names=())  # no list of names up front
    out = direct.build({"x": 3.0, "y": 0.5})
    assert out.data == 9.5
    x = out.parents[0].parents[0]
    assert (x.label, x.data) == ("x", 3.0) and out.parents[0].parents == (x, x)


@pytest.mark.parametrize(("text", "column"), [("x +* 2", 4), ("  x +* 2", 6), ("x + (", 5)])
def test_syntax_errors_point_at_their_column(text, column) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert e.value.column == column and "syntax" in e.value.message


def test_only_brackets_count_towards_the_nesting_limit() -> None:
    assert parse("X" * 60 + " + 1").names == ("X" * 60,)  # letters are not brackets
    assert parse("(x)+" + "(" * 50 + "x" + ")" * 50).names == ("x",)  # ")" closes one
    deep = "(" * 40 + "(x)" + "+" + "(" * 11 + "x" + ")" * 11 + ")" * 40  # 51 deep at the 11th
    with pytest.raises(ExpressionError) as e:
        parse(deep)
    assert e.value.column == 40 + 3 + 1 + 11 and "nested" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse("X" * 60 + "+" + "(" * 51 + "x" + ")" * 51)
    assert e.value.column == 60 + 1 + 51


def test_characters_are_checked_up_to_the_length_limit() -> None:
    at_limit = "x" * 999 + "\t"  # 1000 characters: the tab is the first problem
    with pytest.raises(ExpressionError) as e:
        parse(at_limit)
    assert e.value.column == 1000 and r"'\t'" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse("x" * 1001 + "\t")  # too long is the first problem here
    assert e.value.column == 1001 and "1002" in e.value.message
    with pytest.raises(ExpressionError) as e:
        parse(3)  # type: ignore[arg-type]
    assert "int" in e.value.message


def test_a_parsed_expression_is_immutable() -> None:
    e = parse("x * 2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.text = "y"  # type: ignore[misc]
    assert {e: 1}[e] == 1  # frozen, so hashable: usable as a cache key


@pytest.mark.parametrize(
    ("text", "what"), [("n = 2; n*x", "a constant"), ("n = x; n*2", "already 'x'")]
)
def test_a_name_for_a_constant_or_an_input_is_refused_at_its_place(text: str, what: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text).build({"x": 1.0})
    rhs = text.split("=")[1].split(";")[0].strip()
    assert caught.value.column == text.index(rhs) + 1
    advice = "name only a computed node (write constants inline, inputs with --at)"
    assert caught.value.message == f"n = {rhs} is {what}: {advice}"


def test_a_number_not_in_decimal_is_refused_at_its_column() -> None:
    text = "x + 0x10"
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.column == text.index("0x10") + 1
    assert caught.value.message.startswith("number 0x10 is not allowed")


@pytest.mark.parametrize("text", ["X1", "x2", "+X1"])
def test_a_number_for_at_takes_only_a_sign_before_its_digits(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_number(text)
    assert str(caught.value) == f"{text!r} is not a number (write digits 0-9, like 1.5, -2 or 1e-3)"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2x + 1", "; write 2*x to multiply"),
        ("1e5 +", ""),  # 1e5 looks like a number and a name, but the error is elsewhere
        ("x + ١", "; write numbers with the digits 0-9"),
        ("x € 2", ""),
        ("x = 1 = ", "; a statement is NAME = expression"),
        ("(x = 2)", "; a statement is NAME = expression"),
        ("x + 1 = 2", "; a statement is NAME = expression"),
    ],
)
def test_a_syntax_error_is_python_s_message_and_our_hint(text: str, hint: str) -> None:
    with pytest.raises(SyntaxError) as python:
        ast.parse(text)
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.message == f"syntax error: {python.value.msg}{hint}"
    assert caught.value.column == python.value.offset


_LAST = "only the last statement is the output; name the others: n = ..."
_ONLY = "only statements NAME = expression are allowed, separated by ';'"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", None, "the expression is empty"),
        ("   ", None, "the expression is empty"),
        ("n = x*2; n*3; x", "n*3", _LAST),
        ("n = 2*x; pass; n", "pass", _ONLY),
        ("n = 2*x; a, b = n; n", "a, b", _ONLY),
    ],
)
def test_statement_errors_point_at_their_statement(
    text: str, where: str | None, message: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.column == (1 if where is None else text.index(where) + 1)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("sin = x*2; sin", "sin", "'sin' is a function and cannot be a name"),
        ("n = x*3; n = 2*x; n", "n", "'n' is named twice"),
        ("n = n*2; n", "n*2", "'n' is used before it is computed"),
        ("n = x*m; m = x*2; n*m", "m;", "'m' is used before it is computed"),
        ("n = x*2; x", "n", "'n' is computed but never used (the last statement is the output)"),
        ("x # a # b", "#", "'#' is not allowed: the language has no comments"),
    ],
)
def test_naming_errors_point_at_the_name(text: str, where: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert (caught.value.message, caught.value.column) == (message, text.index(where) + 1)
