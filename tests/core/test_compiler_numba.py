"""`autograd.compile(..., backend="numba")` against the interpreter: bit for bit, errors alike.

The machine code must give ``backward()``'s very floats (Numba's exp, log, sin... are the C
library's, as CPython's math), raise the interpreter's errors (a failed case is run again
by the python backend), refuse what it cannot compile in one line, and load its compiled
code from the disk cache in a second process. Numba is optional (the ``fast`` extra): the
tests that need it are skipped without it (``make test-native`` installs it and runs them);
those of the one-line errors without it run everywhere. Graphs stay small: each new one
costs Numba a fraction of a second to compile.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from autograd import Op, Value, apply, compile, linear
from autograd.core import native
from tests.helpers import ROOT, bits
from tests.strategies import ARITH_ERRORS, N_VARS, Expr, evaluate, expressions, points


@pytest.fixture(scope="module")
def numba() -> Any:
    return pytest.importorskip(
        "numba", reason="Numba is optional (the fast extra): `make test-native` installs it"
    )


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of this module's own, so a test never reads another run's code."""
    folder = tmp_path_factory.mktemp("native-cache")
    before = os.environ.get("AUTOGRAD_CACHE_DIR")
    os.environ["AUTOGRAD_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["AUTOGRAD_CACHE_DIR"]
    else:
        os.environ["AUTOGRAD_CACHE_DIR"] = before


def outcome(f: Callable[..., Any], *args: Any) -> Any:
    """What ``f(*args)`` gives: its result as bits, or its exception's type and message."""
    try:
        value, grads = f(*args)
    except ARITH_ERRORS as e:
        return (type(e), str(e))
    return bits(value), [bits(g) for g in grads]


def interpreted(expr: Expr, point: Sequence[float]) -> tuple[float, list[float]]:
    xs = [Value(p) for p in point]
    out = evaluate(expr, xs)
    assert isinstance(out, Value)
    out.backward()
    return out.data, [x.grad for x in xs]


# Hypothesis draws few graphs (each is a Numba compile); the ops' numbers are checked on
# thousands of points per op below, where one graph serves them all.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(max_leaves=6), points, points, st.integers(0, N_VARS))
def test_random_graphs_match_backward_bit_for_bit(
    numba: Any, expr: Expr, traced_at: list[float], run_at: list[float], n_params: int
) -> None:
    """Traced at one point, run at another: the interpreter's numbers, or its very error."""
    xs = [Value(p) for p in traced_at]
    try:
        out = evaluate(expr, xs)
    except ARITH_ERRORS:
        reject()  # the interpreter fails at the trace point too: nothing to compile
    if not isinstance(out, Value):
        reject()  # a constant expression: no graph
    step = compile(out, xs[:n_params], xs[n_params:], backend="numba")
    want = outcome(lambda p: interpreted(expr, p), run_at)
    if isinstance(want[0], type):
        assert outcome(step, run_at[:n_params], run_at[n_params:]) == want
        return
    value, grads = want
    got = outcome(step, run_at[:n_params], run_at[n_params:])
    assert got == (value, grads[:n_params])


@settings(max_examples=25, deadline=None)
@given(expressions(max_leaves=5), st.lists(points, min_size=1, max_size=5), st.integers(1, N_VARS))
def test_sweep_is_the_python_backends_sweep(
    numba: Any, expr: Expr, rows: list[list[float]], n_params: int
) -> None:
    params = [Value(0.25 * (i + 1)) for i in range(n_params)]
    inputs = [Value(x) for x in rows[0][n_params:]]
    try:
        out = evaluate(expr, [*params, *inputs])
    except ARITH_ERRORS:
        reject()
    if not isinstance(out, Value):
        reject()
    python = compile(out, params, inputs)
    fast = compile(out, params, inputs, backend="numba")
    p = [v.data for v in params]
    cases = [row[n_params:] for row in rows]
    want = outcome(lambda: python.sweep(p, cases, seed=0.5))
    assert outcome(lambda: fast.sweep(p, cases, seed=0.5)) == want


# Each op of the table on its own, over many points: the transcendental functions (exp,
# log, tanh, sin, cos, **) are where machine code could round otherwise than CPython.
UNARY: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "sqrt": Value.sqrt,
    "sin": Value.sin,
    "cos": Value.cos,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "abs": abs,
    "neg": lambda v: -v,
    "recip": Value._reciprocal,
}


def _many(rng: random.Random, n: int, low: float, high: float) -> list[float]:
    """``n`` numbers spread over [low, high], by magnitude as well as by value."""
    out = [rng.uniform(low, high) for _ in range(n // 2)]
    out += [
        math.copysign(10.0 ** rng.uniform(-8, 2.8), rng.uniform(low, high)) for _ in range(n // 2)
    ]
    return [min(max(x, low), high) for x in out]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_each_unary_op_is_the_interpreters_on_many_points(numba: Any, name: str) -> None:
    op = UNARY[name]
    low = 1e-300 if name in ("log", "sqrt") else -700.0
    xs = [*_many(random.Random(name), 4000, low, 700.0), 0.0, -0.0, 1e-310, 700.0]
    if name in ("log", "sqrt"):
        xs = [x for x in xs if x > 0.0]
    x, w = Value(1.0), Value(1.0)
    out = op(x) * w
    fast = compile(out, [w], [x], input_grads=True, watch=[out], backend="numba")
    _, _, each = fast.sweep_each([1.0], [[v] for v in xs])
    for v, (dx, value) in zip(xs, each):
        leaf = Value(v)
        y = op(leaf)
        y.backward()
        assert (bits(value), bits(dx)) == (bits(y.data), bits(leaf.grad)), (name, v)


@pytest.mark.parametrize("name", ["+", "-", "*", "/", "**"])
def test_each_binary_op_is_the_interpreters_on_many_points(numba: Any, name: str) -> None:
    apply_op: Callable[[Value, Value], Value] = {
        "+": Value.__add__,
        "-": Value.__sub__,
        "*": Value.__mul__,
        "/": Value.__truediv__,
        "**": Value.__pow__,
    }[name]
    rng = random.Random(name)
    if name == "**":  # positive bases, any exponent; negative bases, whole exponents
        pairs = [(10.0 ** rng.uniform(-3, 3), rng.uniform(-20, 20)) for _ in range(3000)]
        pairs += [(rng.uniform(-9, 9), float(rng.randint(-12, 12))) for _ in range(1000)]
        pairs += [(0.0, 0.0), (0.0, 0.5), (0.0, 3.0), (2.0, 2.0), (-3.0, 0.0), (1.5, 0.5)]
    else:
        pairs = [(rng.uniform(-50, 50), rng.uniform(-50, 50)) for _ in range(3000)]
    a, b = Value(1.0), Value(2.0)
    out = apply_op(a, b)
    fast = compile(out, [], [a, b], input_grads=True, watch=[out], backend="numba")
    _, _, each = fast.sweep_each([], [list(pair) for pair in pairs])
    for (u, v), (du, dv, value) in zip(pairs, each):
        la, lb = Value(u), Value(v)
        y = apply_op(la, lb)
        y.backward()
        want = [bits(y.data), bits(la.grad), bits(lb.grad)]
        assert [bits(value), bits(du), bits(dv)] == want, (name, u, v)


def _network() -> tuple[Value, list[Value], list[Value]]:
    """A small sigmoid net with Σ nodes (one wider than a + chain is written in one piece)."""
    rng = random.Random(5)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(70)]
    hidden = [
        linear([Value(rng.uniform(-0.3, 0.3)) for _ in xs], xs, Value(0.1)).sigmoid()
        for _ in range(2)
    ]
    top = linear([Value(0.5), Value(-0.25)], hidden, Value(0.0))
    d = Value(1.0)
    loss = (top - d) * (top - d)
    params = [p for p in _leaves(loss) if p not in xs and p is not d]
    return loss, params, [*xs, d]


def _leaves(out: Value) -> list[Value]:
    seen: dict[int, Value] = {}
    stack = [out]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen[id(v)] = v
        stack += [x for x in v.operands if isinstance(x, Value)]
    return sorted((v for v in seen.values() if v.is_leaf), key=lambda v: v.label or str(id(v)))


def test_a_network_with_wide_sums_is_the_python_backends(numba: Any) -> None:
    loss, params, inputs = _network()
    python = compile(loss, params, inputs, input_grads=inputs[:3], watch=[loss])
    fast = compile(loss, params, inputs, input_grads=inputs[:3], watch=[loss], backend="numba")
    rng = random.Random(1)
    p = [v.data for v in params]
    rows = [[rng.uniform(-1, 1) for _ in inputs] for _ in range(20)]
    assert outcome(fast, p, rows[0]) == outcome(python, p, rows[0])
    assert outcome(fast.sweep, p, rows, 0.05) == outcome(python.sweep, p, rows, 0.05)
    total, grads, each = fast.sweep_each(p, rows)
    assert (total, grads, each) == python.sweep_each(p, rows)
    assert fast.outputs(p, rows) == python.outputs(p, rows)


def test_domain_errors_are_the_interpreters(numba: Any) -> None:
    x = Value(2.0)
    f = x.log() + x.sqrt() + 1.0 / x + x**0.5 + x.exp() + x.sin() + (x - 1.0) ** -1.0
    step = compile(f, [x], backend="numba")
    python = compile(f, [x])
    for bad in (0.0, -1.0, 1.0, 710.0, math.inf, math.nan, 2.0):
        want = outcome(python, [bad])
        assert outcome(step, [bad]) == want, bad
    # In a sweep, a failing row fails the sweep with the interpreter's error for that row.
    assert outcome(step.sweep, [2.0], [[], []]) == outcome(python.sweep, [2.0], [[], []])
    with pytest.raises(ValueError, match=r"log\(-1\.0\) is undefined"):
        step.sweep([-1.0], [[], []])
    with pytest.raises(OverflowError, match=r"exp\(710\.0\) overflows"):
        step.outputs([710.0], [[]])
    # A guard that fires where the interpreter does not fail costs time, not numbers:
    # a negative base to a whole power is fine, and the python backend gives it.
    y = Value(-2.0)
    cube = compile(y**3.0, [y], backend="numba")
    assert outcome(cube, [-2.0]) == outcome(compile(y**3.0, [y]), [-2.0])


def test_a_custom_op_is_refused_in_one_line(numba: Any) -> None:
    square = Op("square", lambda a: a * a, (lambda a, out: 2.0 * a,), ("2a",))
    x = Value(3.0)
    with pytest.raises(ValueError) as e:
        compile(apply(square, x) + x, [x], backend="numba")
    message = str(e.value)
    assert "\n" not in message
    assert message == (
        "compile(backend='numba'): op 'square' (node n1) is a custom op, whose rules machine "
        "code cannot run as Python does; compile it with backend='python'"
    )


def test_without_numba_the_call_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now fails
    x = Value(1.0)
    with pytest.raises(ImportError) as e:
        compile(x * x, [x], backend="numba")
    assert str(e.value) == (
        "compile(backend='numba') needs Numba, which is not installed: "
        "pip install 'autograd-1986[fast]'"
    )


def test_an_unwritable_cache_folder_is_one_line(
    numba: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("AUTOGRAD_CACHE_DIR", str(blocker / "cache"))
    x = Value(1.0)
    with pytest.raises(OSError) as e:
        compile(x * x + 0.125, [x], backend="numba")
    assert "\n" not in str(e.value)
    assert str(e.value).startswith(
        f"compile(backend='numba'): cannot write the compiled module to {blocker / 'cache'}"
    )
    assert str(e.value).endswith("set AUTOGRAD_CACHE_DIR to a folder you can write")


def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AUTOGRAD_CACHE_DIR", str(tmp_path / "here"))
    assert native.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("AUTOGRAD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert native.cache_dir() == tmp_path / "xdg" / "autograd-1986" / "numba"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert native.cache_dir() == Path.home() / ".cache" / "autograd-1986" / "numba"


def test_models_of_one_shape_share_one_file(numba: Any, _cache: Path) -> None:
    def model(seed: int) -> tuple[Value, list[Value]]:
        rng = random.Random(seed)
        w = [Value(rng.uniform(-1, 1)) for _ in range(3)]
        return (w[0] * w[1] + w[2]).tanh(), w

    a, pa = model(1)
    b, pb = model(2)
    fa = compile(a, pa, backend="numba")
    fb = compile(b, pb, backend="numba")
    assert fa.path == fb.path and fa.path.parent == _cache
    assert fa.path.read_text(encoding="utf-8") == fa.module_source
    assert fa.module is fb.module
    assert outcome(fb, [p.data for p in pb]) == outcome(compile(b, pb), [p.data for p in pb])


SECOND_PROCESS = """
import sys
from autograd import Value, compile
w, b, x = Value(0.5), Value(-0.2), Value(1.0)
f = compile((w * x + b).sigmoid() * 0.375, [w, b], [x], backend="numba")
f.sweep([0.5, -0.2], [[1.0], [2.0]])
stats = f.module.sweep.stats
print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
"""


def test_a_second_process_loads_the_compiled_code(numba: Any, tmp_path: Path) -> None:
    env = {**os.environ, "AUTOGRAD_CACHE_DIR": str(tmp_path)}

    def run() -> str:
        return subprocess.check_output(
            [sys.executable, "-c", SECOND_PROCESS], text=True, env=env, cwd=ROOT
        ).strip()

    assert run() == "0 1"  # compiled: a miss of Numba's cache
    assert run() == "1 0"  # loaded: a hit, no compile


def test_autograd_never_imports_numba() -> None:
    code = (
        "import sys, autograd, nn\n"
        "from autograd import Value, compile\n"
        "x = Value(1.0)\n"
        "compile(x * x, [x])\n"
        "print('numba' in sys.modules)"
    )
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "False"


def test_a_layers_units_run_as_loops_with_the_same_numbers(numba: Any) -> None:
    """An MLP's units of a layer are one loop over ``_u`` (and each unit's Σ a loop over
    ``_j``): fewer lines for Numba to compile, the same statements in the same order."""
    import nn

    model = nn.MLP(5, [6, 4, 1], seed=3)
    xs = [Value(0.1 * k) for k in range(5)]
    d = Value(1.0)
    loss = nn.losses.sum_squared_error.traced(model(xs), [d])
    params = model.parameters()
    python = compile(loss, params, [*xs, d], input_grads=True)
    fast = compile(loss, params, [*xs, d], input_grads=True, backend="numba")
    assert "for _u in range(" in fast.module_source
    assert "for _j in range(6):" in fast.module_source
    assert len(fast.module_source.splitlines()) < len(python.source.splitlines()) / 2
    rng = random.Random(0)
    rows = [[rng.uniform(-2, 2) for _ in range(6)] for _ in range(8)]
    p = [v.data for v in params]
    assert outcome(fast.sweep, p, rows) == outcome(python.sweep, p, rows)


def test_rolling_keeps_blocks_whose_numbers_do_not_step_evenly() -> None:
    lines = ["V[1] = P[0] * X[0]", "V[2] = P[1] * X[0]", "V[3] = P[2] * X[0]", "V[5] = P[3] * X[0]"]
    assert native._roll(lines) == [
        "for _u in range(3):",
        "    V[(1 + 1 * _u)] = P[(0 + 1 * _u)] * X[0]",
        "V[5] = P[3] * X[0]",
    ]
    floats = ["V[1] = V[0] * 0.5", "V[2] = V[1] * 0.25", "V[3] = V[2] * 0.5"]
    assert native._roll(floats) == floats  # another number: not the same statement


def test_a_table_of_rows_gives_the_lists_numbers_and_is_checked_once(numba: Any) -> None:
    w, x, y = Value(0.5), Value(1.0), Value(2.0)
    f = compile((w * x - y).tanh() * w, [w], [x, y], input_grads=True, backend="numba")
    rows = [[0.25, -1.0], [3.0, 0.5], [-2.0, 2.0]]
    table = f.table(rows)
    assert table.shape == (3, 2)
    assert f.sweep([0.5], table) == f.sweep([0.5], rows)
    assert f.outputs([0.5], table) == f.outputs([0.5], rows)
    assert f.sweep_each([0.5], table[[2, 0]]) == f.sweep_each([0.5], [rows[2], rows[0]])
    with pytest.raises(ValueError) as e:
        f.table([[1.0, 2.0], [1.0]])
    assert str(e.value) == "compiled table: row 1 has 1 numbers, expected 2"
    with pytest.raises(TypeError, match=r"^compiled table: row 0\[1\]"):
        f.table([[1.0, "2"]])


def test_sweep_each_arrays_are_sweep_eachs_numbers(
    numba: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    np = pytest.importorskip("numpy")
    w, x = Value(0.5), Value(1.0)
    wx = w * x
    out = wx.tanh() * w + x**3.0
    f = compile(out, [w], [x], input_grads=True, watch=[wx])
    fast = compile(out, [w], [x], input_grads=True, watch=[wx], backend="numba")
    rows = [[0.25], [3.0], [-2.0]]
    want = f.sweep_each([0.5], rows)
    for table in (rows, fast.table(rows)):
        total, grads, each = fast.sweep_each_arrays([0.5], table)
        assert isinstance(grads, np.ndarray) and isinstance(each, np.ndarray)
        assert each.shape == (3, 2)
        assert (total, grads.tolist(), each.tolist()) == want == fast.sweep_each([0.5], table)
    # Where the machine code stops at a guard, the python backend's numbers, as arrays.
    monkeypatch.setattr(fast, "module", SimpleNamespace(sweep_each=lambda *_: (1, 0.0)))
    total, grads, each = fast.sweep_each_arrays([0.5], rows)
    assert each.shape == (3, 2)
    assert (total, grads.tolist(), each.tolist()) == want
    with pytest.raises(ValueError, match=r"log\(-1\.0\) is undefined"):
        compile(w.log(), [w], backend="numba").sweep_each_arrays([-1.0], [[]])
