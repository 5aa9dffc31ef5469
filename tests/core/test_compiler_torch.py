"""`autograd.compile(..., backend="torch")` against the interpreter: every row's numbers.

The batched function runs the compiler's straight-line code on tensors, one number per
row; each row's output and gradients must be what ``backward()`` gives for that row, to
1e-12 in float64 (PyTorch's exp, log, sqrt... may differ from Python's in the last bit, so
not bit for bit), and the summed gradients the rows' added up. PyTorch is optional: the
tests that need it are skipped without it (``make test-torch`` installs it and runs them);
those of the one-line errors without it run everywhere.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from autograd import Op, Value, apply, compile, linear
from autograd.core.compiler import _elementwise
from autograd.core.ops import LINEAR, OPS
from tests.strategies import ARITH_ERRORS, N_VARS, Expr, evaluate, expressions, points

TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip(
        "torch", reason="PyTorch is optional: `make test-torch` installs it and runs these tests"
    )


def close(got: float, want: float, scale: float = 1.0) -> bool:
    """``got`` within 1e-12 of ``want`` (relative, or absolute below ``scale``); nan is nan,
    an infinity itself."""
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return abs(got - want) <= TOLERANCE * max(scale, abs(want))


def interpreted(expr: Expr, point: Sequence[float]) -> tuple[float, list[float]] | None:
    """The interpreter's output and every variable's gradient at ``point``; None where it
    raises (outside an op's domain)."""
    xs = [Value(p) for p in point]
    try:
        out = evaluate(expr, xs)
        if not isinstance(out, Value):
            reject()  # a constant expression: there is no graph to compile
        out.backward()
    except ARITH_ERRORS:
        return None
    return out.data, [x.grad for x in xs]


def batch_of(
    expr: Expr, rows: list[list[float]], n_params: int
) -> tuple[list[float], list[list[float]], list[tuple[float, list[float]]], Any]:
    """The params (the first row's first numbers, the same in every row), the rows where
    the interpreter has numbers, its numbers there, and the graph compiled for tensors."""
    params = rows[0][:n_params]
    kept, expected = [], []
    for row in rows:
        got = interpreted(expr, [*params, *row[n_params:]])
        if got is not None:
            kept.append(row[n_params:])
            expected.append(got)
    if not kept:
        reject()  # the interpreter fails on every row
    if n_params == N_VARS:
        kept, expected = kept[:1], expected[:1]  # no inputs: a batch of one row
    xs = [Value(p) for p in [*params, *kept[0]]]
    out = evaluate(expr, xs)
    assert isinstance(out, Value)
    batched = compile(out, xs[:n_params], xs[n_params:], input_grads=True, backend="torch")
    return params, kept, expected, batched


def columns(torch: Any, kept: list[list[float]]) -> list[Any]:
    """Each input's numbers over the rows, a float64 tensor."""
    width = len(kept[0])
    return [torch.tensor([row[k] for row in kept], dtype=torch.float64) for k in range(width)]


# -- the numbers: random graphs of every op, row by row and summed --


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), st.lists(points, min_size=1, max_size=6), st.integers(0, N_VARS))
def test_random_graphs_match_the_interpreter_row_by_row(
    torch: Any, expr: Expr, rows: list[list[float]], n_params: int
) -> None:
    """Each row's output and the gradients of every param and input: that row's backward()."""
    params, kept, expected, batched = batch_of(expr, rows, n_params)
    values, grads = batched(params, columns(torch, kept), reduce="none")
    assert len(grads) == N_VARS
    for r, (value, want) in enumerate(expected):
        at = values.reshape(-1)[r].item()
        assert close(at, value), (expr, r, at, value)
        for k in range(N_VARS):
            got = grads[k].reshape(-1)[r].item()
            assert close(got, want[k]), (expr, r, k, got, want[k])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    expressions(), st.lists(points, min_size=1, max_size=8), st.integers(1, N_VARS), st.booleans()
)
def test_summed_gradients_are_the_rows_added_up(
    torch: Any, expr: Expr, rows: list[list[float]], n_params: int, halve: bool
) -> None:
    """reduce="sum": each param's gradient of seed·output summed over the rows, as a sweep's
    backward() calls add up .grad; input gradients stay per row."""
    params, kept, expected, batched = batch_of(expr, rows, n_params)
    seed = 0.5 if halve else 1.0
    values, grads = batched(params, columns(torch, kept), seed)
    assert values.shape == ((len(kept),) if n_params < N_VARS else ())
    for k in range(n_params):
        terms = [seed * g[k] for _, g in expected]
        if not all(math.isfinite(t) for t in terms):
            want = sum(terms)  # inf, -inf or nan (fsum refuses inf + -inf)
            assert close(grads[k].item(), want), (expr, k, grads[k], terms)
            continue
        scale = max(1.0, math.fsum(map(abs, terms)))  # the sum's own rounding is relative to it
        assert grads[k].shape == ()
        assert close(grads[k].item(), math.fsum(terms), scale), (expr, k, grads[k], terms)
    for k in range(n_params, N_VARS):  # an input's gradient is its row's own
        for r, (_, want) in enumerate(expected):
            assert close(grads[k].reshape(-1)[r].item(), seed * want[k]), (expr, k, r)


def _other_ops(a: Value, b: Value, c: Value, x: Value, y: Value) -> Value:
    """A graph of the table's ops the random expressions leave out: |·|, recip, margin², Σ."""
    unit = linear([a, b], [x, y], c)
    margin = apply(OPS["margin_sq"], unit.tanh(), y, 0.25)
    return abs(a * x - y) + (x * b + 0.5)._reciprocal() + margin * unit + apply(OPS["recip"], c)


@settings(max_examples=200, deadline=None)
@given(points, st.lists(points, min_size=1, max_size=6))
def test_the_other_ops_match_the_interpreter_row_by_row(
    torch: Any, at: list[float], rows: list[list[float]]
) -> None:
    params = [Value(at[0]), Value(at[1]), Value(at[2] or 1.0)]
    xy = [Value(0.5), Value(0.5)]
    batched = compile(_other_ops(*params, *xy), params, xy, input_grads=True, backend="torch")
    data = [row[:2] for row in rows]
    values, grads = batched([p.data for p in params], columns(torch, data), reduce="none")
    for r, row in enumerate(data):
        leaves = [Value(p.data) for p in params] + [Value(v) for v in row]
        out = _other_ops(*leaves)
        out.backward()
        assert close(values[r].item(), out.data), (r, values[r], out.data)
        for k, leaf in enumerate(leaves):
            assert close(grads[k][r].item(), leaf.grad), (r, k, grads[k][r], leaf.grad)


def test_every_op_of_the_table_has_a_tensor_spelling() -> None:
    """One source of truth: each op's tensor code is its table entry's text (array_code
    where the float rule is a function, else the float code itself), never a second table."""
    slots3 = ["_a", "_b", "_c"]
    for op in [op for op in OPS.values() if op is not LINEAR]:
        arity = len(op.partials) or len(op.partial_code)
        slots = slots3[:arity]
        forward = op.array_text(slots)
        assert forward is not None, op.name
        assert forward == (op.array_code or op.code).format(*slots)
        for i in range(arity):
            text = op.array_partial_text(i, slots, "_out")
            assert text is not None, (op.name, i)
            assert text == (op.array_partial_code or op.partial_code)[i].format(*slots, out="_out")
    # Only where the float texts cannot serve is there an array text.
    assert {op.name for op in OPS.values() if op.array_code} == {
        "/", "**", "exp", "log", "sqrt", "sin", "cos", "tanh", "abs", "recip"
    }  # fmt: skip
    assert all(not op.code for op in OPS.values() if op.array_code)
    assert [op.name for op in OPS.values() if op.array_partial_code] == ["**"]
    assert LINEAR.array_text(["w", "x", "b"]) == LINEAR.forward_text(["w", "x", "b"])


def test_conditions_become_where_and_decided_tests_fold() -> None:
    assert _elementwise("0.0 if n1 <= 0.0 else n1") == "where(n1 <= 0.0, 0.0, n1)"
    assert _elementwise("1.0 if n1 > 0.0 else -1.0 if n1 < 0.0 else 0.0") == (
        "where(n1 > 0.0, 1.0, where(n1 < 0.0, -1.0, 0.0))"
    )
    assert _elementwise("0.0 if 1.0 - 0.5 < n1 < 1.0 + 0.5 else n1") == (
        "where((1.0 - 0.5 < n1) & (n1 < 1.0 + 0.5), 0.0, n1)"
    )
    assert _elementwise("1.0 if not n1 > 0.0 or n2 == n1 else 2.0") == (
        "where(~(n1 > 0.0) | (n2 == n1), 1.0, 2.0)"
    )
    # A constant operand's test is decided when the code is written.
    assert _elementwise("n2 * log(2.0) if 2.0 > 0.0 else 0.0 if 2.0 == 0.0 else nan") == (
        "n2 * log(2.0)"
    )
    assert _elementwise("0.0 if n1 == 0.0 and 3.0 == 0.0 else 3.0 * n1") == "3.0 * n1"
    assert _elementwise("1.0 if _inf > 1.0 and n1 > 0 else 0.0") == "where(n1 > 0, 1.0, 0.0)"
    assert _elementwise("p0 * i0 + n3") == "p0 * i0 + n3"  # no condition: as it is


# -- the batch: how params, inputs, seed and dtype are passed --


def _xor_error() -> tuple[Value, list[Value], list[Value]]:
    """Network B's squared error for one case: 2-2-1 sigmoid units, target d."""
    ws = [Value(w, label=f"w{k}") for k, w in enumerate([0.3, -0.4, 0.2, 0.5, -0.1, 0.6])]
    bs = [Value(b, label=f"b{k}") for k, b in enumerate([0.1, -0.2, 0.05])]
    x1, x2, d = Value(0.0, label="x1"), Value(1.0, label="x2"), Value(1.0, label="d")
    h1 = linear(ws[0:2], [x1, x2], bs[0]).sigmoid()
    h2 = linear(ws[2:4], [x1, x2], bs[1]).sigmoid()
    y = linear(ws[4:6], [h1, h2], bs[2]).sigmoid()
    return 0.5 * (y - d) ** 2, [*ws, *bs], [x1, x2, d]


def test_a_2_2_1_network_over_many_rows_is_the_compiled_sweep(torch: Any) -> None:
    error, params, inputs = _xor_error()
    batched = compile(error, params, inputs, backend="torch")
    scalar = compile(error, params, inputs)
    gen = torch.Generator().manual_seed(0)
    data = torch.rand((20_000, 3), generator=gen, dtype=torch.float64)  # rows × (x1, x2, d)
    numbers = [p.data for p in params]
    values, grads = batched(numbers, data.T)  # a tensor whose first dimension is the inputs
    total, want = scalar.sweep(numbers, data.tolist())
    assert values.shape == (20_000,) and values.dtype == torch.float64
    assert close(values.sum().item(), total, scale=total)
    for g, w in zip(grads, want):
        assert close(g.item(), w, scale=20_000.0)
    # The same rows as a list of columns, and as the rows' own lists of numbers.
    same = batched(numbers, data.unbind(1))
    assert all(torch.equal(a, b) for a, b in zip(same[1], grads))
    listed = batched(numbers, [data[:, k].tolist() for k in range(3)])
    assert all(torch.equal(a, b) for a, b in zip(listed[1], grads))


def test_params_may_vary_by_row_and_seed_may_weigh_rows(torch: Any) -> None:
    w, b, x = Value(0.5), Value(-0.2), Value(1.0)
    f = compile((w * x + b).tanh(), [w, b], [x], backend="torch")
    ws = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    xs = torch.tensor([1.0, 2.0, -3.0], dtype=torch.float64)
    seed = torch.tensor([1.0, 0.5, 0.25], dtype=torch.float64)
    values, (dw, _) = f([ws, -0.2], [xs], seed, reduce="none")
    for r in range(3):
        wr, xr = Value(ws[r].item()), Value(xs[r].item())
        out = (wr * xr + Value(-0.2)).tanh()
        out.backward()
        assert values[r].item() == pytest.approx(out.data, rel=TOLERANCE)
        assert dw[r].item() == pytest.approx(seed[r].item() * wr.grad, rel=TOLERANCE)
    summed = f([ws, -0.2], [xs], seed)[1]
    assert summed[0].item() == pytest.approx(dw.sum().item(), rel=TOLERANCE)


def test_passes_of_a_few_rows_give_the_one_pass_numbers(torch: Any) -> None:
    """chunk=k: the rows k at a time (an entry given per row is cut, one given once is
    not), per-row results put together and summed gradients added up."""
    error, params, inputs = _xor_error()
    f = compile(error, params, inputs, input_grads=[inputs[0]], backend="torch")
    data = torch.rand((3, 20), dtype=torch.float64)
    numbers: list[Any] = [p.data for p in params]
    numbers[0] = torch.linspace(-1.0, 1.0, 20, dtype=torch.float64)  # a param given per row
    seed = torch.rand(20, dtype=torch.float64)
    for reduce in ("sum", "none"):
        whole = f(numbers, data, seed, reduce=reduce)
        parts = f(numbers, data, seed, reduce=reduce, chunk=7)
        assert torch.equal(parts[0], whole[0])
        assert len(parts[1]) == len(whole[1]) == 10
        for a, b in zip(parts[1], whole[1]):
            assert a.shape == b.shape and torch.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE)
    assert torch.equal(f.outputs(numbers, data, chunk=3), f.outputs(numbers, data))
    assert torch.equal(f(numbers, data, chunk=20)[0], f(numbers, data)[0])  # one pass
    # A batch of more dimensions is cut along its first.
    grid = torch.rand((3, 5, 4), dtype=torch.float64)
    same = [0.5] * 9
    a, b = f(same, grid, reduce="none", chunk=2), f(same, grid, reduce="none")
    assert a[0].shape == (5, 4) and torch.equal(a[0], b[0])
    assert all(torch.allclose(x, y, rtol=TOLERANCE) for x, y in zip(a[1], b[1]))
    with pytest.raises(ValueError, match=r"chunk must be a positive number of rows, got 0"):
        f(numbers, data, chunk=0)


def test_gradients_constant_over_the_rows_count_in_each(torch: Any) -> None:
    """∂(w² + x)/∂w = 2w in every row, though the code computes it once: summed, it is
    rows · 2w; per row, a tensor over the rows of its own."""
    w, b, x = Value(3.0), Value(1.0), Value(0.0)
    f = compile(w * w + b + x, [w, b], [x], backend="torch")
    xs = torch.zeros(5, dtype=torch.float64)
    values, (dw, db) = f([3.0, 1.0], [xs])
    assert (dw.item(), db.item()) == (30.0, 5.0)
    values, (dw, db) = f([3.0, 1.0], [xs], reduce="none")
    assert dw.tolist() == [6.0] * 5 and db.tolist() == [1.0] * 5
    dw[0] = 0.0  # each a tensor of its own: writing one changes no other
    assert db.tolist() == [1.0] * 5 and values.tolist() == [10.0] * 5
    # An output with no input in it is still one number per row.
    only = compile(w * w, [w], [x], backend="torch")
    assert only.outputs([2.0], [xs]).tolist() == [4.0] * 5
    # An output of constants alone: its number in every row, no gradient.
    constant = compile(Value(2.0).exp() * 3.0, [w], [x], backend="torch")
    assert "exp" not in constant.source and "gNone" not in constant.source
    values, (dw,) = constant([3.0], [xs])
    assert values.tolist() == [math.exp(2.0) * 3.0] * 5 and dw.item() == 0.0
    # A param the output does not reach: a zero gradient.
    unused = Value(1.0)
    f = compile(w * x, [w, unused], [x], backend="torch")
    assert [g.tolist() for g in f([3.0, 1.0], [xs + 1.0])[1]] == [5.0, 0.0]
    assert [g.tolist() for g in f([3.0, 1.0], [xs], reduce="none")[1]] == [[0.0] * 5] * 2


def test_float32_batches_stay_float32(torch: Any) -> None:
    """The dtype is the inputs' (float64 when no entry is a tensor); a step's two numbers
    (relu's 1 and 0) are made that dtype, not PyTorch's default."""
    error, params, inputs = _xor_error()
    relu = (error.relu() + abs(error)) * 1.5
    f = compile(relu, params, inputs, backend="torch")
    data = torch.rand((100, 3), dtype=torch.float64)
    numbers = [p.data for p in params]
    v64, g64 = f(numbers, data.T)
    v32, g32 = f(numbers, data.T.float())
    assert v32.dtype == torch.float32 and all(g.dtype == torch.float32 for g in g32)
    assert v64.dtype == torch.float64 and all(g.dtype == torch.float64 for g in g64)
    for a, b in zip(g32, g64):
        assert a.item() == pytest.approx(b.item(), rel=1e-4, abs=1e-6)
    # No input a tensor: the params' dtype; no entry a tensor at all: float64.
    as32 = [torch.tensor(p, dtype=torch.float32) for p in numbers]
    assert f(as32, [0.0, 1.0, 1.0])[0].dtype == torch.float32
    assert f(numbers, [0.0, 1.0, 1.0])[0].dtype == torch.float64


def test_constant_subgraphs_are_numbers_and_special_numbers_read_back(torch: Any) -> None:
    x = Value(0.5)
    c = Value(2.0).exp() * Value(-1.5)  # no param or input below it: a number
    y = x * c + x * math.inf - x * (-math.inf) + x * math.nan
    f = compile(y, [], [x], input_grads=True, backend="torch")
    assert repr(c.data) in f.source and "exp(" not in f.source
    values, (dx,) = f([], [torch.tensor([0.5, 1.0], dtype=torch.float64)])
    y.backward()
    assert math.isnan(values[0].item()) and math.isnan(y.data)
    assert math.isnan(dx[0].item()) and math.isnan(x.grad)
    z = x * c - x * math.inf
    f = compile(z, [], [x], input_grads=True, backend="torch")
    values, (dx,) = f([], [torch.tensor([0.5, 2.0], dtype=torch.float64)])
    assert values.tolist() == [-math.inf, -math.inf] and dx.tolist() == [-math.inf] * 2


def test_a_wide_unit_is_one_sum_over_tensors(torch: Any) -> None:
    ws = [Value(0.01 * (i % 7) - 0.03) for i in range(100)]
    xs = [Value(1.0 + i % 5) for i in range(100)]
    b = Value(0.25)
    y = linear(ws, xs, b).sigmoid()
    f = compile(y, [*ws, b], xs, backend="torch")
    assert "sum((" in f.source  # beyond 64 terms the Σ node is one sum(), as in Python
    y.backward()
    values, grads = f([p.data for p in [*ws, b]], [x.data for x in xs])
    assert values.item() == pytest.approx(y.data, rel=TOLERANCE)
    for g, p in zip(grads, [*ws, b]):
        assert g.item() == pytest.approx(p.grad, rel=TOLERANCE)


def test_the_code_is_the_compilers_line_for_line(torch: Any) -> None:
    """The same names, the same forward lines and chain-rule comments as the Python code;
    gradients take a term by `g = g + term`, never `+=` (which writes into a tensor)."""
    error, params, inputs = _xor_error()
    source = compile(error, params, inputs, backend="torch").source
    python = compile(error, params, inputs).step_source
    forward = python.split("# forward\n")[1].split("    # backward")[0].splitlines()
    written = source.split("# forward\n")[1].split("    # backward")[0].splitlines()
    assert [line.split(" = ")[0] for line in forward] == [line.split(" = ")[0] for line in written]
    # Lines of code texts without a condition are the very same (3 Σ, -, *); the sigmoid's
    # two branches become a where(), ** (a function on floats) its array text.
    same = [a == b for a, b in zip(forward, written)]
    assert same == [" if " not in a and "_pow" not in a for a in forward] and sum(same) == 5
    assert "+=" not in "".join(line.split("#")[0] for line in source.splitlines())

    def comments(code: str) -> list[str]:
        return [line.split("  # ")[1] for line in code.splitlines() if "  # ∂" in line]

    # The same terms in the same order; a param's first is its gradient (no 0.0 + it).
    ours = comments(source.split("def summed")[0])
    assert [c.replace("+=", "=") for c in comments(python)] == [c.replace("+=", "=") for c in ours]
    assert sum("+=" in c for c in comments(python)) - sum("+=" in c for c in ours) == len(params)
    assert "where(" in source and "rowsum(" in source


def test_labels_stay_in_comments(torch: Any) -> None:
    hostile = "x\nimport os; os.system('touch pwned')"
    x, w = Value(1.5, label=hostile), Value(-0.5, label="w\r\u2028# '''")
    y = (w * x).sigmoid()
    f = compile(y, [w], [x], backend="torch")
    for line in f.source.splitlines():
        code = line.split("#", 1)[0]
        assert "import" not in code and "os" not in code.split()
    xs = torch.tensor([1.5], dtype=torch.float64)
    assert f([-0.5], [xs])[0].item() == pytest.approx(y.data, rel=TOLERANCE)


# -- custom ops: written from their texts, or refused in one line --


def test_a_custom_op_with_code_texts_runs_on_tensors(torch: Any) -> None:
    cube = Op(
        "cube", lambda a: a * a * a, (), code="{0} * {0} * {0}", partial_code=("3.0 * {0} * {0}",)
    )
    clip = Op(
        "clip",
        lambda a: min(max(a, -1.0), 1.0),
        (),
        code="-1.0 if {0} < -1.0 else 1.0 if {0} > 1.0 else {0}",
        partial_code=("1.0 if -1.0 < {0} < 1.0 else 0.0",),
    )
    x = Value(0.5)
    y = apply(clip, apply(cube, x) * 2.0)
    f = compile(y, [], [x], input_grads=True, backend="torch")
    xs = [-2.0, -0.5, 0.25, 0.9, 3.0]
    values, (dx,) = f([], [torch.tensor(xs, dtype=torch.float64)])
    for r, at in enumerate(xs):
        v = Value(at)
        out = apply(clip, apply(cube, v) * 2.0)
        out.backward()
        assert (values[r].item(), dx[r].item()) == pytest.approx((out.data, v.grad), rel=TOLERANCE)


def one_line(e: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(e.value)
    assert "\n" not in message, message
    return message


def test_an_op_without_code_text_is_refused_naming_it(torch: Any) -> None:
    square = Op("square", lambda a: a * a, (lambda a, out: 2.0 * a,))
    x = Value(2.0)
    with pytest.raises(
        ValueError, match=r"op 'square' \(node n1\) has no code text for its forward"
    ) as e:
        compile(apply(square, x) + 1.0, [x], backend="torch")
    assert "backend='python'" in one_line(e)
    half = Op("half", lambda a: a * a, (lambda a, out: 2.0 * a,), code="{0} * {0}")
    with pytest.raises(ValueError, match=r"op 'half' \(node n3\) .* partial ∂/∂operand 0") as e:
        compile((x * 3.0).tanh() + apply(half, x), [x], backend="torch")
    one_line(e)
    # Its forward alone is enough where no gradient flows through it.
    y = Value(1.0)
    f = compile(apply(half, y) + x, [x], [y], backend="torch")
    assert f([2.0], [torch.tensor([3.0])])[0].item() == 11.0

    class Sum(Op):  # a variable number of operands: no partial texts at all
        def partial(self, i: int, args: Sequence[float], out: float) -> float:
            return 1.0

    total = Sum("total", lambda *a: sum(a), (), code="{0} + {1}")
    with pytest.raises(ValueError, match=r"op 'total' .* partial ∂/∂operand 0"):
        compile(apply(total, x, y), [x], [y], backend="torch")


def test_an_op_whose_code_is_for_floats_alone_is_refused(torch: Any) -> None:
    biggest = Op("biggest", lambda a: max(a, 0.5), (), code="max({0}, 0.5)", partial_code=("1.0",))
    x = Value(2.0)
    with pytest.raises(ValueError, match=r"Op 'biggest': its forward rule as tensor code") as e:
        compile(apply(biggest, x), [x], backend="torch")
    one_line(e)
    wrong = Op("wrong", lambda a: 2.0 * a, (), code="3.0 * {0}", partial_code=("2.0",))
    with pytest.raises(
        ValueError,
        match=r"'wrong': .* '3.0 \* \{0\}' gives 6.0 at \(2.0,\) where its rule gives 4.0",
    ):
        compile(apply(wrong, x), [x], backend="torch")


# -- the backend keyword, errors, and PyTorch never imported by autograd itself --


def test_an_unknown_backend_is_refused() -> None:
    x = Value(1.0)
    with pytest.raises(
        ValueError, match=r"backend must be one of 'python', 'torch', 'numba', got 'jax'"
    ):
        compile(x * x, [x], backend="jax")


def test_without_pytorch_one_line_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails, as uninstalled
    x = Value(1.0)
    with pytest.raises(
        ImportError,
        match=r"^compile\(backend='torch'\) needs PyTorch, .*: pip install torch "
        r"\(or pip install 'autograd-1986\[torch\]'\)$",
    ) as e:
        compile(x * x, [x], backend="torch")
    one_line(e)
    assert compile(x * x, [x])([3.0]) == (9.0, [6.0])  # the Python backend needs nothing


def test_autograd_never_imports_torch() -> None:
    code = (
        "import sys, autograd\n"
        "from autograd import Value, compile\n"
        "x = Value(1.0)\n"
        "compile(x * x, [x])\n"
        "print('torch' in sys.modules)"
    )
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "False"


def test_bad_batches_are_refused_in_one_line(torch: Any) -> None:
    w, x = Value(1.0), Value(2.0)
    f = compile(w * x, [w], [x], backend="torch")
    with pytest.raises(ValueError, match=r"params has 2 entries, expected 1"):
        f([1.0, 2.0], [torch.ones(3)])
    with pytest.raises(ValueError, match=r"inputs has 0 entries, expected 1"):
        f([1.0])
    with pytest.raises(TypeError, match=r"inputs must be a list of 1 entries"):
        f([1.0], 3.0)
    with pytest.raises(ValueError, match=r"shapes do not broadcast: \(3,\), \(4,\)") as e:
        f([torch.ones(3)], [torch.ones(4)])
    one_line(e)
    with pytest.raises(ValueError, match=r"reduce must be 'sum' or 'none', got 'mean'"):
        f([1.0], [torch.ones(3)], reduce="mean")
    with pytest.raises(ValueError, match=r"watch is the python backend's"):
        compile(w * x, [w], [x], watch=[w], backend="torch")


def test_the_docstring_example(torch: Any) -> None:
    w, b, x = Value(0.5), Value(-0.2), Value(1.0)
    f = compile((w * x + b).sigmoid(), params=[w, b], inputs=[x], backend="torch")
    xs = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    values, (dw, db) = f([0.5, -0.2], [xs])
    s = [1.0 / (1.0 + math.exp(-(0.5 * v - 0.2))) for v in (1.0, 2.0, 3.0)]
    assert values.tolist() == pytest.approx(s, rel=TOLERANCE)
    assert dw.item() == pytest.approx(sum(y * (1 - y) * v for y, v in zip(s, (1, 2, 3))))
    assert db.item() == pytest.approx(sum(y * (1 - y) for y in s))
    assert f.backend == "torch" and f.params == [w, b] and f.inputs == [x]
    assert f.filename.startswith("<autograd.compile-")
