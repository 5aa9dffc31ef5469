"""`autograd.compile` against the interpreter: the same numbers bit for bit, the same errors."""

from __future__ import annotations

import ast
import gc
import inspect
import linecache
import math
import re
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from autograd import Op, Value, apply, compile, linear
from autograd.core.compiler import Compiled, Reader, ShapeError, same_shape
from autograd.core.ops import fill
from tests.helpers import bits
from tests.strategies import ARITH_ERRORS, N_VARS, Expr, evaluate, expressions, points


def interpreted(expr: Expr, point: Sequence[float]) -> tuple[float, list[float]]:
    """The interpreter's output and gradients at ``point`` (its domain errors propagate)."""
    xs, out = traced(expr, point)
    out.backward()
    return out.data, [x.grad for x in xs]


def traced(expr: Expr, point: Sequence[float]) -> tuple[list[Value], Value]:
    """The interpreter's graph of ``expr`` on Values at ``point``, and those Values."""
    xs = [Value(p) for p in point]
    out = evaluate(expr, xs)
    if not isinstance(out, Value):
        reject()  # a constant expression: there is no graph to compile
    return xs, out


def outcome(f: object, *args: object) -> object:
    """What ``f(*args)`` gives: its result, or its exception's type and message."""
    try:
        return f(*args)  # type: ignore[operator]
    except ARITH_ERRORS as e:
        return (type(e), str(e))


def same(a: tuple[float, list[float]], b: tuple[float, list[float]]) -> bool:
    return bits(a[0]) == bits(b[0]) and list(map(bits, a[1])) == list(map(bits, b[1]))


# Only what the interpreter itself cannot do is skipped: an example is rejected when the
# interpreted graph cannot be built (outside an op's domain, or a constant expression),
# decided before the compiler runs. Every error of compile or of the code it writes then
# fails the test: a compiler that refused every graph holding sin would not pass.


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), points, points, st.integers(0, N_VARS))
def test_random_graphs_match_backward_bit_for_bit(
    expr: Expr, traced_at: list[float], run_at: list[float], n_params: int
) -> None:
    """Traced at one point, run at another: the interpreter's numbers, or its very error."""
    try:
        xs, out = traced(expr, traced_at)
    except ARITH_ERRORS:
        reject()  # the interpreter fails at the trace point too: nothing to compile
    step = compile(out, xs[:n_params], xs[n_params:])
    expected = outcome(interpreted, expr, run_at)
    if isinstance(expected, tuple) and isinstance(expected[0], type):
        # The interpreter fails at run_at: the compiled step fails with its very error.
        assert outcome(step, run_at[:n_params], run_at[n_params:]) == expected
        return
    value, grads = expected  # type: ignore[misc]
    assert same(step(run_at[:n_params], run_at[n_params:]), (value, grads[:n_params]))


@settings(max_examples=100, deadline=None)
@given(expressions(), st.lists(points, min_size=1, max_size=5), st.integers(1, N_VARS))
def test_sweep_is_repeated_backward(expr: Expr, rows: list[list[float]], n_params: int) -> None:
    """Σ outputs and leaf gradients accumulated case by case, as backward() accumulates .grad."""
    params = [Value(0.25 * (i + 1)) for i in range(n_params)]

    def graph(row: Sequence[float]) -> tuple[Value, list[Value]]:
        inputs = [Value(x) for x in row[n_params:]]
        out = evaluate(expr, [*params, *inputs])
        if not isinstance(out, Value):
            reject()  # a constant expression: there is no graph to compile
        return out, inputs

    # The interpreter first, on every row; then the compiled sweep, whose errors are failures.
    try:
        out, inputs = graph(rows[0])
        total = 0.0
        for p in params:
            p.grad = 0.0
        for row in rows:
            case, _ = graph(row)
            total += case.data
            (case * 0.5).backward()
    except ARITH_ERRORS:
        reject()  # the interpreter fails on one of the rows
    step = compile(out, params, inputs)
    got = step.sweep([p.data for p in params], [row[n_params:] for row in rows], seed=0.5)
    assert same(got, (total, [p.grad for p in params]))


def test_sigmoid_unit_numbers() -> None:
    w, x, b = Value(0.5), Value(1.0), Value(-0.2)
    y = (w * x + b).sigmoid()
    step = compile(y, [w, b], [x])
    value, (dw, db) = step([0.5, -0.2], [1.0])
    s = 1.0 / (1.0 + math.exp(-0.3))  # worked by hand: y = σ(0.3), ∂y/∂w = y(1−y)·x
    assert value == pytest.approx(s, rel=1e-15)
    assert dw == pytest.approx(s * (1 - s), rel=1e-15)
    assert db == pytest.approx(s * (1 - s), rel=1e-15)
    # New numbers, the same code: x = 2 gives ∂y/∂w = y(1−y)·2.
    value, (dw, db) = step([0.5, -0.2], [2.0])
    s = 1.0 / (1.0 + math.exp(-0.8))
    assert (value, dw, db) == pytest.approx((s, 2 * s * (1 - s), s * (1 - s)), rel=1e-15)


def _sigma_graph(inputs_as_values: bool) -> tuple[Value, list[Value], list[Value]]:
    ws = [Value(0.1 * i - 0.3) for i in range(5)]
    b = Value(0.05)
    xs = [Value(0.7 - 0.2 * i) for i in range(5)]
    h = linear(ws, xs if inputs_as_values else [x.data for x in xs], b).tanh()
    # h used several times, and a second Σ over Values with a repeated operand
    out = linear([ws[0], ws[1], ws[0]], [h, h * h, h], ws[2]) * h
    return out, [*ws, b], xs


@pytest.mark.parametrize("inputs_as_values", [True, False])
def test_sigma_nodes_and_reuse_match_backward(inputs_as_values: bool) -> None:
    out, params, xs = _sigma_graph(inputs_as_values)
    out.backward()
    step = compile(out, params, xs if inputs_as_values else [])
    got = step([p.data for p in params], [x.data for x in xs] if inputs_as_values else [])
    assert same(got, (out.data, [p.grad for p in params]))
    assert any(g != 0.0 for g in got[1])


def test_domain_errors_are_the_interpreters() -> None:
    x = Value(2.0)
    step = compile(x.log() + x.sqrt() + 1.0 / x + x**0.5 + x.exp(), [x])
    for bad in (0.0, -1.0, 710.0):
        expected = outcome(lambda v: Value(v).log() + Value(v).sqrt(), bad)
        if bad == 710.0:
            expected = outcome(lambda v: Value(v).exp(), bad)
        got = outcome(step, [bad])
        assert isinstance(got, tuple) and got == expected, bad


def test_hostile_label_stays_in_a_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hostile = "x\nimport os; os.system('touch pwned')"
    x = Value(1.5, label=hostile)
    w = Value(-0.5, label="w\r\u2028# '''")
    y = (w * x).sigmoid()
    y.label = hostile
    step = compile(y, [w], [x])
    assert step([-0.5], [1.5])[0] == y.data
    assert not (tmp_path / "pwned").exists()
    # Only compiler-made names and numbers in the code; the labels only in comments.
    tree = ast.parse(step.source)
    allowed = re.compile(
        r"g?[pin]\d+|_[a-z0-9_]+|params|inputs|rows|seed|total|values|each|_"
        r"|exp|log|sin|cos"  # the op table's vocabulary
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert allowed.fullmatch(node.id), node.id
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, float), node.value
    for line in step.source.splitlines():
        code = line.split("#", 1)[0]
        assert "os" not in code.split() and "import" not in code
    assert "os.system" in step.source  # there, escaped, inside a comment


def test_constants_are_baked_in_and_special_numbers_read_back() -> None:
    x = Value(0.5)
    c = Value(-2.5)  # a leaf that is neither param nor input: a constant
    y = x * c + x * math.inf - x * (-math.inf) + (x * -0.0) + x * math.nan
    step = compile(y, [x])
    y.backward()
    assert same(step([0.5]), (y.data, [x.grad]))
    z = x * c
    z.backward()
    assert compile(z, [x])([4.0]) == (-10.0, [-2.5])


def test_custom_ops_compile_through_their_rules() -> None:
    square = Op("sq\nimport os", lambda a: a * a, (lambda a, out: 2 * a,), ("2a\nimport os",))
    intish = Op("int", lambda a: 3, (lambda a, out: 0.0,), ("0",))
    x = Value(3.0)
    y = apply(square, x) + apply(intish, x)
    y.backward()
    step = compile(y, [x])
    assert step([3.0]) == (12.0, [6.0]) == (y.data, [x.grad])
    # The op's name and formula (user text) are never code: no import, no name "os".
    tree = ast.parse(step.source)
    assert not any(isinstance(node, ast.Import) for node in ast.walk(tree))
    assert all("import" not in line.split("#")[0] for line in step.source.splitlines())
    assert "'2a\\nimport os'" in step.source  # shown escaped, inside a comment
    # A rule that misbehaves only for some inputs fails, when compiled, as the interpreter does.
    flaky = Op("flaky", lambda a: a if a > 0 else "oops", (lambda a, out: 1.0,), ("1",))
    w = Value(1.0)
    step = compile(apply(flaky, w), [w])
    assert step([2.0]) == (2.0, [1.0])
    with pytest.raises(TypeError) as interpreted_error:
        apply(flaky, Value(-1.0))
    with pytest.raises(TypeError, match="forward rule of 'flaky'") as compiled_error:
        step([-1.0])
    assert str(compiled_error.value) == str(interpreted_error.value)


def test_bad_arguments() -> None:
    x, y = Value(1.0), Value(2.0)
    out = x * y
    with pytest.raises(ValueError, match=r"params\[0\].*result of '\*'"):
        compile(out, [out])
    with pytest.raises(ValueError, match="listed twice"):
        compile(out, [x], [x])
    with pytest.raises(TypeError, match="must be a Value"):
        compile(out, [1.0])  # type: ignore[list-item]
    step = compile(out, [x], [y])
    with pytest.raises(ValueError, match="step: inputs has 2 numbers, expected 1"):
        step([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="sweep: row 1 has 0 numbers, expected 1"):
        step.sweep([1.0], [[1.0], []])
    with pytest.raises(TypeError, match=r"outputs: row 0\[0\]: expected a real number"):
        step.outputs([1.0], [["2"]])  # type: ignore[list-item]
    # ints are numbers: taken as floats, as Value() takes them
    assert step([3], [2]) == (6.0, [2.0]) and type(step([3], [2])[0]) is float
    assert step.sweep([3], [[2], [1]]) == (9.0, [3.0])


def test_output_leaf_and_unused_param() -> None:
    x, unused = Value(3.0), Value(1.0)
    assert compile(x, [x, unused])([3.0, 1.0]) == (3.0, [1.0, 0.0])


def test_same_shape_names_the_first_differing_node() -> None:
    x = Value(1.0)
    a = compile((x * 2.0).relu() + x, [x])
    b = compile((x * 3.0).relu() + x, [x])
    same_shape(a, compile((x * 2.0).relu() + x, [x]))
    with pytest.raises(ShapeError, match=r"node n1 is \*\(p0, 2\.0\) .* but \*\(p0, 3\.0\)"):
        same_shape(a, b)


def test_terms_are_summed_in_backwards_order() -> None:
    """A parameter used by several nodes and several times in one node: same order of sums.

    (Adding the Σ node's terms to w in reverse operand order rounds differently here.)
    """
    w = Value(0.1)
    out = (linear([w, w, w], [0.1, 0.3, 2.7], w) * w) ** w
    out.backward()
    assert same(compile(out, [w])([0.1]), (out.data, [w.grad]))


def test_outputs_is_the_forward_pass_of_each_row() -> None:
    w, x = Value(0.7), Value(0.0)
    y = (w * x).tanh() + w
    step = compile(y, [w], [x])
    rows = [[-1.0], [0.0], [2.5]]
    assert step.outputs([0.7], rows) == [math.tanh(0.7 * r[0]) + 0.7 for r in rows]
    assert [step([0.7], r)[0] for r in rows] == step.outputs([0.7], rows)


def test_input_gradients_on_request() -> None:
    """∂f/∂input as backward() gives it, after the params'; summed over rows by sweep."""
    w, x, y = Value(0.3), Value(-1.25), Value(2.0)
    out = (linear([w, w], [x, y], x) * x).sigmoid()
    out.backward()
    step = compile(out, [w], [x, y], input_grads=True)
    assert same(step([0.3], [-1.25, 2.0]), (out.data, [w.grad, x.grad, y.grad]))
    assert compile(x, [], [x], input_grads=True)([], [4.0]) == (4.0, [1.0])
    # sweep adds each term into one accumulator per leaf, as backward() adds into
    # .grad when the same leaves carry row after row.
    rows = [[-1.25, 2.0], [0.5, 0.25]]
    total, grads = step.sweep([0.3], rows)
    for v in (w, x, y):
        v.grad = 0.0
    expected_total = 0.0
    for x.data, y.data in rows:
        case = (linear([w, w], [x, y], x) * x).sigmoid()
        case.backward()
        expected_total += case.data
    assert same((total, grads), (expected_total, [w.grad, x.grad, y.grad]))


def test_gradients_nobody_reads_are_not_computed() -> None:
    """sqrt(x) of an input x: its gradient leads to no parameter, so no line computes it."""
    w, x = Value(2.0), Value(4.0)
    out = (w * x).relu() / x.sqrt() + w.log()
    out.backward()
    step = compile(out, [w], [x])
    assert "gn3 " not in step.source and "n3 = _sqrt(i0)" in step.source
    assert same(step([2.0], [4.0]), (out.data, [w.grad]))
    with_inputs = compile(out, [w], [x], input_grads=True)
    assert "gn3 = " in with_inputs.source
    assert same(with_inputs([2.0], [4.0]), (out.data, [w.grad, x.grad]))


def test_sweep_each_gives_each_rows_input_gradients_and_watched_values() -> None:
    """Per row: the listed inputs' gradients of that case alone, then the watched nodes'
    values, each as a fresh backward() on that case gives them; the params' summed."""
    w, x, y = Value(0.3), Value(-1.25), Value(2.0)
    hidden = (w * x + y).tanh()
    out = (hidden * x).sigmoid() + y * y
    step = compile(out, [w], [x, y], input_grads=[y], watch=[hidden, out])
    rows = [[-1.25, 2.0], [0.5, 0.25], [3.0, -1.5]]
    total, grads, each = step.sweep_each([0.3], rows)
    w.grad = 0.0
    expected_total, expected_each = 0.0, []
    for x.data, y.data in rows:
        y.grad = 0.0
        h = (w * x + y).tanh()
        case = (h * x).sigmoid() + y * y
        case.backward()  # w.grad adds up over the rows; y.grad is this row's alone
        expected_total += case.data
        expected_each.append([y.grad, h.data, case.data])
    assert same((total, grads), (expected_total, [w.grad]))
    assert [[bits(v) for v in row] for row in each] == [
        [bits(v) for v in row] for row in expected_each
    ]
    # sweep gives the same total and params' gradients; its y gradient adds term after
    # term across the rows (so only nearly the sum of the rows'); x, not listed, gets none
    swept_total, (swept_w, swept_y) = step.sweep([0.3], rows)
    assert same((swept_total, [swept_w]), (total, grads))
    assert swept_y == pytest.approx(sum(row[0] for row in each), rel=1e-14)
    assert "gi0 " not in step.source


def test_watch_and_input_grads_must_name_the_graphs_own_values() -> None:
    w, x = Value(0.3), Value(1.0)
    out = w * x
    with pytest.raises(ValueError, match=r"compile: input_grads\[0\] .* is not one of the inputs"):
        compile(out, [w], [x], input_grads=[w])
    with pytest.raises(ValueError, match=r"compile: watch\[1\] .* is not a node, param or input"):
        compile(out, [w], [x], watch=[out, Value(2.0)])


def test_a_reader_gives_sweep_eachs_watched_values_bit_for_bit() -> None:
    """`Reader`, the forward pass alone: each row's watched values, as `sweep_each` has them
    (and the interpreter); it checks its watch list as `compile` does."""
    w, x, y = Value(0.3), Value(-1.25), Value(2.0)
    hidden = (w * x + y).tanh()
    out = (hidden * x).sigmoid() + y**2.0
    read = Reader(out, [w, x, y], [hidden, out, x])
    step = compile(out, [], [w, x, y], watch=[hidden, out, x])
    rows = [[0.3, -1.25, 2.0], [-2.0, 0.5, 0.25], [1.5, 3.0, -1.5]]
    values = read(rows)
    assert [[bits(v) for v in row] for row in values] == [
        [bits(v) for v in row] for row in step.sweep_each([], rows)[2]
    ]
    for (w.data, x.data, y.data), row in zip(rows, values):
        h = (w * x + y).tanh()
        assert row == [h.data, ((h * x).sigmoid() + y**2.0).data, x.data]
    assert read.source.count("def ") == 1 and "# backward" not in read.source
    with pytest.raises(ValueError, match=r"compile: watch\[1\] .* is not a node, param or input"):
        Reader(out, [w, x, y], [out, Value(2.0)])


# ==== what a first user ran into: each message now says what to type instead ====


def test_compile_refuses_a_lone_value_for_a_list() -> None:
    x = Value(1.0)
    with pytest.raises(
        TypeError,
        match=r"^compile: params must be a list of leaf Values, got "
        r"Value\(data=1\.0, grad=0\.0\); put the one Value in a list$",
    ):
        compile(x * x, x, [])  # type: ignore[arg-type]
    assert compile(x * x, [x], []).__call__([3.0], [])[1] == [6.0]


# ==== generated code is debuggable (issue 20) ====


def test_a_traceback_through_generated_code_shows_the_line() -> None:
    x = Value(2.0, label="x")
    step = compile(x.log() * x, [x])
    with pytest.raises(ValueError, match=r"log\(-1.0\)") as caught:
        step([-1.0])
    frames = traceback.extract_tb(caught.value.__traceback__)
    generated = next(f for f in frames if f.filename == step.filename)
    assert (generated.name, generated.line) == ("step", "n1 = _log(p0)")


def test_inspect_reads_the_source_and_it_lives_as_long_as_the_compiled_object() -> None:
    x = Value(0.5, label="x")
    step = compile((x * x).sigmoid(), [x])
    # step_source is the function with its header comment (which names the params).
    assert step.step_source == inspect.getcomments(step._step) + inspect.getsource(step._step)
    assert step.filename != compile(x * 2.0, [x]).filename  # one name per compiled graph
    name = step.filename
    first = step._step.__code__.co_firstlineno
    assert linecache.getline(name, first) == "def step(params, inputs, seed):\n"
    del step
    gc.collect()
    assert name not in linecache.cache  # no source kept for code no one can run


# ==== wide nodes (issue 26, item 3) ====


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


# ==== custom ops' code texts are checked against their rules (issue 26, item 2) ====


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (
            {"code": "{0} * 3.0"},
            r"its code '\{0\} \* 3.0' gives 4.5 at \(1.5,\) where its rule gives 2.25",
        ),
        (
            {"partial_code": ("3.0 * {0}",)},
            r"its partial_code\[0\] '3.0 \* \{0\}' gives 4.5 .* 3.0",
        ),
        (
            {"code": "{0} / 0.0"},
            r"its code '\{0\} / 0.0' fails at \(1.5,\): float division by zero",
        ),
    ],
)
def test_a_custom_op_whose_code_disagrees_with_its_rules_is_refused(
    given: dict[str, Any], says: str
) -> None:
    square = Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), **given)
    x = Value(1.5)
    with pytest.raises(ValueError, match=rf"^compile: Op 'sq': {says}") as caught:
        compile(apply(square, x), [x])
    assert "\n" not in str(caught.value)


def test_a_custom_op_whose_code_agrees_compiles_to_its_code() -> None:
    square = Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), code="{0} * {0}")
    x = Value(1.5)
    y = apply(square, x) + apply(square, x * 2.0)
    step = compile(y, [x])
    assert "p0 * p0" in step.source
    y.backward()
    assert step([1.5]) == (y.data, [x.grad])


# ==== found by mutation testing of compiler.py (issue 20) ====


def reference(out: Value, leaves: Sequence[Value]) -> tuple[bytes, list[bytes]]:
    """The interpreter's value and leaf gradients, as exact bits."""
    for v in leaves:
        v.grad = 0.0
    out.backward()
    return bits(out.data), [bits(v.grad) for v in leaves]


def as_bits(result: tuple[float, list[float]]) -> tuple[bytes, list[bytes]]:
    return bits(result[0]), [bits(g) for g in result[1]]


def lines(step: Compiled) -> list[str]:
    """The lines of ``step``'s own function, stripped of indentation."""
    return [line.strip() for line in step.step_source.splitlines()]


# -- every way of calling a compiled graph names itself and the bad argument --


def _xy() -> Compiled:
    x, y = Value(1.0), Value(2.0)
    return compile(x * y, [x], [y])


REAL = "expected a real number (int or float), got"


# Why: the call's name and the argument's could be dropped or changed in these messages
# with no test failing (few were matched, and those only in part).
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: s([1.0], [2.0], seed="a"), TypeError, f"compiled step: seed: {REAL} 'a' (str)"),
        (
            lambda s: s.sweep([1.0], [[2.0]], seed="a"),
            TypeError,
            f"compiled sweep: seed: {REAL} 'a' (str)",
        ),
        (
            lambda s: s.sweep_each([1.0], [[2.0]], seed="a"),
            TypeError,
            f"compiled sweep_each: seed: {REAL} 'a' (str)",
        ),
        (lambda s: s(["a"], [2.0]), TypeError, f"compiled step: params[0]: {REAL} 'a' (str)"),
        (
            lambda s: s([1.0, 2.0], [2.0]),
            ValueError,
            "compiled step: params has 2 numbers, expected 1",
        ),
        (lambda s: s([1.0], ["b"]), TypeError, f"compiled step: inputs[0]: {REAL} 'b' (str)"),
        (
            lambda s: s.sweep(["a"], [[2.0]]),
            TypeError,
            f"compiled sweep: params[0]: {REAL} 'a' (str)",
        ),
        (
            lambda s: s.sweep([], [[2.0]]),
            ValueError,
            "compiled sweep: params has 0 numbers, expected 1",
        ),
        (
            lambda s: s.sweep_each([1.0, 1.0], [[2.0]]),
            ValueError,
            "compiled sweep_each: params has 2 numbers, expected 1",
        ),
        (
            lambda s: s.outputs([True], [[2.0]]),
            TypeError,
            f"compiled outputs: params[0]: {REAL} True (bool)",
        ),
        (
            lambda s: s.sweep_each([1.0], [[2.0], [True]]),
            TypeError,
            f"compiled sweep_each: row 1[0]: {REAL} True (bool)",
        ),
        # Every row too long (and all floats): still the clear error, not an unpacking one.
        (
            lambda s: s.sweep([1.0], [[2.0, 3.0]]),
            ValueError,
            "compiled sweep: row 0 has 2 numbers, expected 1",
        ),
        (
            lambda s: s.outputs([1.0], [[2.0, 3.0], [1.0, 1.0]]),
            ValueError,
            "compiled outputs: row 0 has 2 numbers, expected 1",
        ),
    ],
)
def test_bad_calls_say_which_call_and_which_number(
    call: Callable[[Compiled], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        call(_xy())
    assert str(raised.value) == message


# Why: only lists of floats took the fast path in tests; ints go the converting one.
def test_int_rows_and_seed_are_taken_as_floats() -> None:
    """Rows of ints go the slow, converting path; the numbers are those of floats."""
    step = _xy()
    assert step.sweep([3], [[2], [1.0]], seed=2) == (9.0, [6.0])
    total, grads, each = step.sweep_each([3.0], [[2]], seed=2)
    assert (total, grads, each) == (6.0, [4.0], [[]])
    assert step.outputs([3], [[2], [5]]) == [6.0, 15.0]


# -- custom ops: a variadic op (its own `partial`) and ops without formulas --


# Why: no test compiled an op that overrides `partial`, so that branch never ran.
class Product(Op):
    """x1·x2·…·xn, with ∂/∂xi the product of the others: a user's variadic op."""

    __slots__ = ()

    def partial(self, i: int, args: Sequence[float], out: float) -> float:
        result = 1.0
        for k, a in enumerate(args):
            if k != i:
                result = result * a
        return result


PRODUCT = Product("prod", lambda *a: math.prod(a), ())


def test_a_variadic_custom_op_is_called_through_its_partial() -> None:
    """A custom `Op` subclass overriding `partial` (not `partials`): called as
    ``partial(i, (operands,), out)``, under a name made by the compiler."""
    x, y, z = Value(2.0, label="x"), Value(3.0), Value(-0.5)
    out = apply(PRODUCT, x, y, z)
    step = compile(out, [x, y], [z])
    assert as_bits(step([2.0, 3.0], [-0.5])) == reference(out, [x, y])
    assert lines(step)[7:11] == [
        "n1 = _f0(p0, p1, i0)",
        "# backward",
        "gn1 = seed",
        "gp0 += gn1 * (_d_1(0, (p0, p1, i0,), n1))  # ∂f/∂x += ∂f/∂f · [∂'prod'/∂operand 0]",
    ]
    # New numbers through the same code.
    x.data, y.data, z.data = 1.5, -4.0, 0.25
    again = apply(PRODUCT, x, y, z)
    assert as_bits(step([1.5, -4.0], [0.25])) == reference(again, [x, y])


# Why: every op the tests compiled had local rules, so `_formula` never ran.
def test_custom_ops_without_local_rules_show_their_formula_or_a_placeholder() -> None:
    """No ``local_rules``: the comment shows the op's formula in brackets as it is when
    printable, else escaped; with no formula at all, a placeholder naming the operand."""
    plain = Op("sq", lambda a: a * a, (lambda a, out: 2 * a,), ("2a",))
    bare = Op("cube", lambda a: a * a * a, (lambda a, out: 3 * a * a,))
    tab = Op("tabbed", lambda a: a + a, (lambda a, out: 2.0,), ("2\tx",))
    w = Value(1.5, label="w")
    out = apply(plain, w) + apply(bare, w) + apply(tab, w)
    step = compile(out, [w])
    assert as_bits(step([1.5])) == reference(out, [w])
    backward = [line for line in lines(step) if line.startswith("gp0 +=")]
    assert backward == [
        "gp0 += gn4 * (_d0_3(p0, n4))  # ∂f/∂w += ∂f/∂n4 · ['2\\tx']",
        "gp0 += gn2 * (_d0_4(p0, n2))  # ∂f/∂w += ∂f/∂n2 · [∂'cube'/∂operand 0]",
        "gp0 += gn1 * (_d0_5(p0, n1))  # ∂f/∂w += ∂f/∂n1 · [2a]",
    ]


# -- labels in comments --


# Why: the 30- and 40-character limits were never met at their edges.
@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("w", "w"),
        ("hidden.w.0", "hidden.w.0"),
        ("a" * 30, "a" * 30),  # the longest plain name
        ("a" * 31, repr("a" * 31)),
        ("a b", "'a b'"),
        ("é", "'\\xe9'"),
        ("x y" + "z" * 37, repr("x y" + "z" * 37)),  # 40 characters: shown whole
        ("x y" + "z" * 38, repr("x y" + "z" * 37 + "...")),  # 41: cut to 40, then "..."
    ],
)
def test_a_label_is_shown_plain_or_escaped_and_cut(label: str, shown: str) -> None:
    x = Value(2.0, label=label)
    step = compile(x * x, [x])
    assert step.source.splitlines()[0] == f"# p0 = {shown}"


# -- same_shape --


# Why: only the first kind of difference was tested, and not with its default `where`.
def test_same_shape_says_where_and_counts_nodes() -> None:
    """Traces that agree node by node but one is longer: the counts, after ``where``
    (``compile`` unless told)."""
    x = Value(1.0)
    short = compile((x * 2.0).tanh(), [x])
    long = compile((x * 2.0).tanh().exp(), [x])
    with pytest.raises(ShapeError) as raised:
        same_shape(short, long)
    assert str(raised.value) == (
        "compile: the graph's shape depends on the data: 2 nodes in the first traced case "
        "but 3 in the second"
    )
    with pytest.raises(ShapeError) as raised:
        same_shape(long, short, "fit")
    assert str(raised.value) == (
        "fit: the graph's shape depends on the data: 3 nodes in the first traced case "
        "but 2 in the second"
    )
    with pytest.raises(ShapeError) as raised:
        same_shape(short, compile((x * 3.0).tanh(), [x]))
    assert str(raised.value) == (
        "compile: the graph's shape depends on the data: node n1 is *(p0, 2.0) in the first "
        "traced case but *(p0, 3.0) in the second"
    )


# -- the generated text --


# Why: README.md's listing pins much of this text, but mutmut runs tests/ only (no
# doctests), and no test there looked at parentheses, ·±1 or a labelled output.
def test_step_source_reads_as_documented() -> None:
    """The whole of ``step``: labels in the header and comments, negative numbers and
    infinities in parentheses, ·1 and ·(−1) left out, a labelled output named in ∂."""
    w, b, x = Value(0.5, label="w"), Value(-0.2, label="b"), Value(1.0)
    h = (w * -2.5 - b).tanh()
    h.label = "h"
    out = (h + x * math.inf) * math.nan - w * (-math.inf)
    out.label = "loss"
    step = compile(out, [w, b], [x])
    assert as_bits(step([0.5, -0.2], [1.0])) == reference(out, [w, b])
    assert step.step_source == (
        "# p0 = w\n"
        "# p1 = b\n"
        "def step(params, inputs, seed):\n"
        "    p0, p1 = params\n"
        "    i0, = inputs\n"
        "    gp0 = 0.0\n"
        "    gp1 = 0.0\n"
        "    # forward\n"
        "    n1 = p0 * (-2.5)\n"
        "    n2 = n1 - p1\n"
        "    n3 = _tanh(n2)  # h\n"
        "    n4 = i0 * _inf\n"
        "    n5 = n3 + n4\n"
        "    n6 = n5 * _nan\n"
        "    n7 = p0 * (-_inf)\n"
        "    n8 = n6 - n7  # loss\n"
        "    # backward\n"
        "    gn8 = seed\n"
        "    gn6 = gn8  # ∂loss/∂n6 = ∂loss/∂loss · ∂(n6 - n7)/∂n6 = 1\n"
        "    gn7 = -gn8  # ∂loss/∂n7 = ∂loss/∂loss · ∂(n6 - n7)/∂n7 = -1\n"
        "    gp0 += gn7 * ((-_inf))  # ∂loss/∂w += ∂loss/∂n7 · ∂(w·-inf)/∂w = -inf\n"
        "    gn5 = gn6 * _nan  # ∂loss/∂n5 = ∂loss/∂n6 · ∂(n5·nan)/∂n5 = nan\n"
        "    gn3 = gn5  # ∂loss/∂h = ∂loss/∂n5 · ∂(h + n4)/∂h = 1\n"
        "    gn2 = gn3 * (1.0 - n3 * n3)  # ∂loss/∂n2 = ∂loss/∂h · ∂tanh(n2)/∂n2 = 1 - h²\n"
        "    gn1 = gn2  # ∂loss/∂n1 = ∂loss/∂n2 · ∂(n1 - b)/∂n1 = 1\n"
        "    gp1 += -gn2  # ∂loss/∂b += ∂loss/∂n2 · ∂(n1 - b)/∂b = -1\n"
        "    gp0 += gn1 * ((-2.5))  # ∂loss/∂w += ∂loss/∂n1 · ∂(w·-2.5)/∂w = -2.5\n"
        "    return n8, [gp0, gp1]\n"
    )


# -- compile's own errors, whole --


# Why: most of these messages were matched only in part, or not at all.
def _bad(out: object, params: object, inputs: object = (), **kw: object) -> str:
    """The type and message of compile's error for these arguments."""
    try:
        compile(out, params, inputs, **kw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as e:
        return f"{type(e).__name__}: {e}"
    raise AssertionError("compile accepted them")


def test_compile_refuses_bad_arguments_naming_them() -> None:
    x, y = Value(1.0), Value(2.0)
    out = x * y
    v = "Value(data={}, grad=0.0)"
    assert _bad(2.0, [x]) == "TypeError: compile: the output must be a Value, got 2.0"
    assert _bad(out, {x}) == (
        f"TypeError: compile: params must be a list of leaf Values, got {{{v.format(1.0)}}}"
    )
    assert _bad(out, [x], y) == (
        f"TypeError: compile: inputs must be a list of leaf Values, got {v.format(2.0)}; "
        "put the one Value in a list"
    )
    assert _bad(out, [x], [3]) == "TypeError: compile: inputs[0] must be a Value, got 3"
    assert _bad(out, [x], [out]) == (
        "ValueError: compile: inputs[0] (Value(data=2.0, grad=0.0, op='*')) is the result "
        "of '*', not a leaf Value"
    )
    assert _bad(out, [x], [y, y]) == (
        f"ValueError: compile: inputs[1] ({v.format(2.0)}) is listed twice"
    )
    assert _bad(out, [x], [y], input_grads=[y, x]) == (
        f"ValueError: compile: input_grads[1] ({v.format(1.0)}) is not one of the inputs"
    )
    assert _bad(out, [x], [y], watch=[out, 3.0]) == (
        "ValueError: compile: watch[1] (3.0) is not a node, param or input of the output's graph"
    )


# Why: sweep, sweep_each and outputs were checked by their numbers only.
def test_whole_source_with_two_inputs_one_graded_and_a_watched_node() -> None:
    """All four functions: loop targets, the graded input's accumulator (per row in
    sweep_each), the watched value appended after it."""
    w, x, y = Value(0.5, label="w"), Value(1.0, label="x"), Value(2.0)
    hidden = w * x
    out = hidden + y
    step = compile(out, [w], [x, y], input_grads=[y], watch=[hidden])
    assert (step.nodes, step.params, step.inputs) == (5, [w], [x, y])
    assert step.shape == ["*(p0, i0)", "+(n1, i1)"]
    body = [
        "# forward",
        "n1 = p0 * i0",
        "n2 = n1 + i1",
        "# backward",
        "gn2 = seed",
        "gn1 = gn2  # ∂f/∂n1 = ∂f/∂f · ∂(n1 + i1)/∂n1 = 1",
        "gi1 += gn2  # ∂f/∂i1 += ∂f/∂f · ∂(n1 + i1)/∂i1 = 1",
        "gp0 += gn1 * i0  # ∂f/∂w += ∂f/∂n1 · ∂(w·x)/∂w = x",
    ]

    def indented(depth: int, text: list[str]) -> list[str]:
        return [" " * depth + line for line in text]

    expected = [
        "# p0 = w",
        "# i0 = x",
        "def step(params, inputs, seed):",
        "    p0, = params",
        "    i0, i1 = inputs",
        "    gp0 = 0.0",
        "    gi1 = 0.0",
        *indented(4, body),
        "    return n2, [gp0, gi1]",
        "",
        "",
        "def sweep(params, rows, seed):",
        "    p0, = params",
        "    gp0 = 0.0",
        "    gi1 = 0.0",
        "    total = 0.0",
        "    for i0, i1 in rows:",
        *indented(8, body),
        "        total += n2",
        "    return total, [gp0, gi1]",
        "",
        "",
        "def sweep_each(params, rows, seed):",
        "    p0, = params",
        "    gp0 = 0.0",
        "    total = 0.0",
        "    each = []",
        "    for i0, i1 in rows:",
        "        gi1 = 0.0",
        *indented(8, body),
        "        total += n2",
        "        each.append([gi1, n1])",
        "    return total, [gp0], each",
        "",
        "",
        "def outputs(params, rows):",
        "    p0, = params",
        "    values = []",
        "    for i0, i1 in rows:",
        "        n1 = p0 * i0",
        "        n2 = n1 + i1",
        "        values.append(n2)",
        "    return values",
    ]
    assert step.source == "\n".join(expected) + "\n"
    assert step.step_source == "\n".join(expected[:16]) + "\n"


# Why: an output that is a constant leaf was never compiled.
def test_a_constant_output_without_inputs() -> None:
    """The output a constant leaf: its value written in (in parentheses when negative),
    no gradient lines, and ``_`` as the loop target of rows with no numbers."""
    w, c = Value(0.5, label="w"), Value(-2.5)
    step = compile(c, [w])
    assert step([0.5]) == (-2.5, [0.0])
    assert step.sweep([0.5], [[], []]) == (-5.0, [0.0])
    assert step.sweep_each([0.5], [[]]) == (-2.5, [0.0], [[]])
    assert step.outputs([0.5], [[], []]) == [-2.5, -2.5]
    source = [line.strip() for line in step.source.splitlines()]
    assert source[3:9] == [
        "() = inputs",
        "gp0 = 0.0",
        "# forward",
        "# backward",
        "pass  # the output is an input or a constant: no gradient",
        "return (-2.5), [gp0]",
    ]
    assert source.count("for _ in rows:") == 3
    assert source[-2:] == ["values.append((-2.5))", "return values"]


# Why: the file name the code is compiled under was never looked at.
def test_a_traceback_names_the_generated_code() -> None:
    """An error inside compiled code shows its frame as ``step`` in ``<autograd.compile…>``,
    not as some file of the library's."""
    x = Value(2.0)
    step = compile(x.log(), [x])
    with pytest.raises(ValueError) as raised:
        step([-1.0])
    frames = [(f.filename, f.name) for f in traceback.extract_tb(raised.value.__traceback__)]
    generated = [name for filename, name in frames if filename.startswith("<autograd.compile")]
    assert generated == ["step"]


# Why: the suite's one −inf constant was multiplied by nan, so +inf in its place was unseen.
def test_infinite_and_negative_constants_keep_their_sign() -> None:
    """−inf and −2.5 baked in as constants, on an input's path so the numbers stay finite."""
    x, i = Value(0.5), Value(1.0)
    out = (i * -math.inf).exp() * x + (i * math.inf).tanh() * -2.5 * x
    step = compile(out, [x], [i])
    expected = reference(out, [x])
    assert expected == as_bits((-1.25, [-2.5]))
    assert as_bits(step([0.5], [1.0])) == expected


# Why: helper names were seen only for table ops, and `log` in a user's code text
# never ran.
def test_rule_functions_get_one_name_each() -> None:
    """Table ops without code text are called by their own name (``_div``, ``_pow``,
    ``_d0_pow``); a custom op's partial used by two nodes is one helper, named by number;
    a custom op's code text may call ``log``."""
    xlogx = Op(
        "xlogx",
        lambda a: a * math.log(a),
        (),
        code="{0} * log({0})",
        partial_code=("log({0}) + 1.0",),
    )
    square = Op("sq", lambda a: a * a, (lambda a, out: 2 * a,), ("2a",))
    w, v = Value(1.5, label="w"), Value(0.25)
    out = apply(xlogx, w) + apply(square, w) * apply(square, v) + w / v + w**v
    step = compile(out, [w, v])
    assert as_bits(step([1.5, 0.25])) == reference(out, [w, v])
    source = lines(step)
    assert source[7:15] == [
        "n1 = p0 * log(p0)",
        "n2 = _f0(p0)",
        "n3 = _f1(p1)",
        "n4 = n2 * n3",
        "n5 = n1 + n4",
        "n6 = _div(p0, p1)",
        "n7 = n5 + n6",
        "n8 = _pow(p0, p1)",
    ]
    assert [line.split("  #")[0] for line in source if "(_d" in line] == [
        "gp0 += gn8 * (_d0_pow(p0, p1, n8))",
        "gp1 += gn8 * (_d1_pow(p0, p1, n8))",
        "gp1 += gn3 * (_d0_6(p1, n3))",
        "gp0 += gn2 * (_d0_6(p0, n2))",
    ]
    # Its rule shown in notation, made from the same text (issue 20: each rule one text).
    assert "gp0 += gn1 * (log(p0) + 1.0)  # ∂f/∂w += ∂f/∂n1 · ∂xlogx(w)/∂w = ln(w) + 1" in source


# Why: no ∂ comment in the tests held a dotted label, an escaped one, or a user's
# non-printable rule template.
def test_comment_names_plain_labels_in_brackets_and_escape_user_templates() -> None:
    """In the ∂ comments a plain label that is not an identifier is bracketed as `explain`
    writes it, an escaped one is not bracketed again, and a custom op's rule template that
    could end the comment line is escaped whole."""
    odd = Op(
        "odd",
        lambda a: 2 * a,
        (lambda a, out: 2.0,),
        shows="odd({0})",
        local_rules=("2\nimport os",),
    )
    w, x = Value(0.5, label="hidden.w.0"), Value(2.0, label="a b")
    out = apply(odd, w * x)
    step = compile(out, [w, x])
    assert as_bits(step([0.5, 2.0])) == reference(out, [w, x])
    assert lines(step)[12:15] == [
        "gn1 = gn2 * (_d0_1(n1, n2))  "
        "# ∂f/∂n1 = ∂f/∂f · '\\u2202odd(n1)/\\u2202n1 = 2\\nimport os'",
        "gp0 += gn1 * p1  "
        "# ∂f/∂[hidden.w.0] += ∂f/∂n1 · ∂([hidden.w.0]·'a b')/∂[hidden.w.0] = 'a b'",
        "gp1 += gn1 * p0  # ∂f/∂'a b' += ∂f/∂n1 · ∂([hidden.w.0]·'a b')/∂'a b' = [hidden.w.0]",
    ]


# ==== found by mutation testing of the round's compiler changes (issue 20, issue 26) ====


def _disagrees_at(bad: float) -> Op:
    """x·2, whose code text is x·3 exactly where x is ``bad``."""
    return Op(
        "twice",
        lambda a: 2.0 * a,
        (lambda a, out: 2.0,),
        code=f"{{0}} * (3.0 if {{0}} == {bad!r} else 2.0)",
    )


def test_a_custom_ops_texts_are_checked_at_its_first_three_nodes() -> None:
    # Checking every node would evaluate each text once per node of a large graph.
    x = Value(1.0)
    for bad, refused in ((3.0, True), (4.0, False)):
        op = _disagrees_at(bad)
        y = apply(op, x * 1.0) + apply(op, x * 2.0) + apply(op, x * 3.0) + apply(op, x * 4.0)
        if refused:
            with pytest.raises(ValueError, match=r"gives 9.0 at \(3.0,\) where its rule gives 6.0"):
                compile(y, [x])
        else:
            compile(y, [x])  # its fourth node is not looked at


def test_the_check_reads_constants_and_the_result_and_names_wide_operands() -> None:
    # A constant operand is a float, not a Value; a text may use {out}.
    scale = Op(
        "scale", lambda a, k: a * k, (lambda a, k, out: out / a, lambda a, k, out: out / k),
        code="{0} * {1}", partial_code=("{out} / {0}", "{out} / {1}"),
    )  # fmt: skip
    x = Value(1.5)
    y = apply(scale, x, 2.0)
    y.backward()
    assert compile(y, [x])([1.5]) == (y.data, [x.grad])
    for n, at in ((4, r"\(1.0, 2.0, 3.0, 4.0\)"), (5, r"\(1.0, ... 5 operands\)")):
        wide = Op("wide", lambda *a: sum(a), tuple((lambda *a: 1.0) for _ in range(n)),
                  code=" + ".join(f"{{{i}}}" for i in range(n)) + " + 1.0")  # fmt: skip
        xs = [Value(float(i + 1)) for i in range(n)]
        with pytest.raises(ValueError, match=rf" gives {sum(range(n + 1)) + 1.0!r} at {at} where"):
            compile(apply(wide, *xs), xs)


def test_the_checks_messages_are_whole_and_short() -> None:
    x = Value(1.5)
    long_code = "{0} * 3.0 + " + " + ".join(["0.0"] * 40)
    op = Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), code=long_code)
    with pytest.raises(ValueError) as caught:
        compile(apply(op, x), [x])
    assert str(caught.value) == (
        f"compile: Op 'sq': its code {ascii(long_code)[:80]} gives 4.5 at (1.5,) where its "
        "rule gives 2.25; compiled results would differ from backward()"
    )
    name = "n" * 300  # an error whose own message is long
    op = Op("sq", lambda a: a * a, (lambda a, out: 2.0 * a,), code="{0} * " + name)
    with pytest.raises(ValueError) as caught:
        compile(apply(op, x), [x])
    message = f"name '{name}' is not defined"
    text = ascii("{0} * " + name)[:80]
    assert (
        str(caught.value) == f"compile: Op 'sq': its code {text} fails at (1.5,): {message[:200]}"
    )


def test_nan_agrees_only_with_nan() -> None:
    x = Value(-1.0)
    same = Op("nan", lambda a: math.nan, (lambda a, out: 0.0,), code="_nan")
    y = apply(same, x)
    value, grads = compile(y, [x])([-1.0])
    assert math.isnan(value) and grads == [0.0]
    other = Op("nan", lambda a: math.nan, (lambda a, out: 0.0,), code="0.0")
    with pytest.raises(ValueError, match=r"gives 0.0 at \(-1.0,\) where its rule gives nan"):
        compile(apply(other, x), [x])


def test_texts_may_use_the_names_the_interpreter_gives_them() -> None:
    # sin's rule calls cos, and a custom text may call inf, as the interpreter's rules do.
    x = Value(0.7)
    y = x.sin() * x.cos() + x.sqrt()
    y.backward()
    assert compile(y, [x])([0.7]) == (y.data, [x.grad])
    step = Op("step", lambda a: 0.0, (), partial_code=("0.0 if {0} != 0.0 else inf",))
    z = apply(step, x)
    compiled = compile(z, [x])
    assert (compiled([0.7]), compiled([0.0])) == ((0.0, [0.0]), (0.0, [math.inf]))


class _Pick(Op):
    """A custom op with its own ``partial`` (as Σ has): operand i's slope is i."""

    __slots__ = ()

    def partial(self, i: int, args: Sequence[Any], out: Any) -> Any:
        return float(i)


@pytest.mark.parametrize(("n", "tuple_line"), [(8, False), (9, True)])
def test_a_wide_custom_op_passes_its_operands_once(n: int, tuple_line: bool) -> None:
    xs = [Value(float(i)) for i in range(n)]
    for op in (
        Op("w", lambda *a: sum(a), tuple((lambda *a, i=i: float(i)) for i in range(n))),
        _Pick("w", lambda *a: sum(a), ()),
    ):
        y = apply(op, *xs)
        step = compile(y, xs)
        for x in xs:
            x.grad = 0.0
        y.backward()
        assert step([x.data for x in xs]) == (y.data, [x.grad for x in xs])
        assert ("_an1 = (" in step.source) == tuple_line


def test_the_source_leaves_linecache_quietly_even_if_linecache_was_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    raised: list[object] = []  # what a finalizer raised goes to sys.unraisablehook
    monkeypatch.setattr(sys, "unraisablehook", raised.append)
    x = Value(0.5)
    step = compile(x * x, [x])
    linecache.clearcache()
    del step
    gc.collect()
    assert raised == []
