"""Wide nodes compile in linear size and within Python's nesting (issue 26, item 3)."""

from __future__ import annotations

from autograd import Op, Value, apply, compile, linear
from autograd.core.ops import fill


def test_a_sigmoid_unit_with_5000_inputs_compiles_and_matches_backward() -> None:
    n = 5000  # a + chain this long is past what Python's compiler can nest
    ws = [Value(0.001 * (i % 13) - 0.005) for i in range(n)]
    xs = [Value(1.0 + (i % 5)) for i in range(n)]
    b = Value(0.25)
    y = linear(ws, xs, b).sigmoid()
    step = compile(y, [*ws, b], xs)
    y.backward()
    value, grads = step([w.data for w in [*ws, b]], [x.data for x in xs])
    assert value == y.data
    assert grads == [w.grad for w in [*ws, b]]


def _source_size(n: int) -> int:
    op = Op("wide", lambda *a: sum(a), tuple((lambda *a: 2.0) for _ in range(n)))
    xs = [Value(float(i)) for i in range(n)]
    y = apply(op, *xs)
    step = compile(y, xs)
    y.backward()
    assert step([x.data for x in xs]) == (y.data, [x.grad for x in xs])
    return len(step.source)


def test_a_wide_custom_ops_source_grows_linearly() -> None:
    # Each partial call once named all operands: 300 operands gave 1.6 MB of source.
    small, large = _source_size(100), _source_size(1000)
    assert large < 12 * small
    assert large < 500_000


def test_fill_is_format_for_the_templates_rules_use() -> None:
    operands = [f"x{i}" for i in range(12)]
    for template in ("{0}·{11}", "1 − {out}²", "{{{3}}}", "({1} if {0} > 0 else {out})", "2"):
        assert fill(template, operands, "y") == template.format(*operands, out="y")
    assert fill("{0:>4}", ["a"], "y") == "   a"  # a format spec: str.format's own reading
