"""The engine: Value and its graph, backward, no_grad, linear and apply, errors, scale.

Each op's own value and derivative are in test_ops.py; `grad` is in test_derivatives.py.
"""

from __future__ import annotations

import asyncio
import math
import pickle
import sys
import threading
import warnings
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings

from autograd import (
    Op,
    Value,
    apply,
    enable_grad,
    grad,
    is_grad_enabled,
    linear,
    no_grad,
    topological_order,
)
from autograd.core.ops import OPS
from tests.helpers import grads
from tests.strategies import Expr, build, expressions, points, smooth_derivative, value_at


def test_fast_path_partials_match_the_op_table() -> None:
    # + - * neg are written out in Value for speed; they must agree with the table,
    # which is what grad(create_graph=True) and explain use.
    a, b = Value(1.25), Value(-0.75)
    for node, operands in [
        (a + b, (1.25, -0.75)),
        (a - b, (1.25, -0.75)),
        (a * b, (1.25, -0.75)),
        (-a, (1.25,)),
        (a.relu(), (1.25,)),
        (b.relu(), (-0.75,)),
        (Value(0.0).relu(), (0.0,)),
        (a + 2.0, (1.25, 2.0)),
        (2.0 - a, (2.0, 1.25)),
        (3.0 * a, (3.0, 1.25)),
        (a - 2.0, (1.25, 2.0)),
        (a * 3.0, (1.25, 3.0)),
        (2.0 + a, (2.0, 1.25)),
        (linear([a, b], [b, a], a), (1.25, -0.75, -0.75, 1.25, 1.25)),  # Value inputs
        (linear([a, b], [0.5, 2.0], b), (1.25, -0.75, 0.5, 2.0, -0.75)),  # float inputs
    ]:
        op = OPS[node.op]
        value_positions = [i for i, x in enumerate(node.operands) if isinstance(x, Value)]
        expected = tuple(op.partial(i, operands, node.data) for i in value_positions)
        assert node.local_grads == expected, node.op
        assert node.data == op.forward(*operands)


# -- graph semantics --


def test_reused_node_gets_the_sum_of_all_paths() -> None:
    assert grads(lambda x: x * x, 3.0)[1] == [6.0]
    assert grads(lambda a: a + a, 3.0)[1] == [2.0]
    assert grads(lambda x: x - x, 3.0)[1] == [0.0]
    assert grads(lambda x: x / x, 3.0)[1] == [0.0]
    # a diamond: y = (x*2) * (x*2) -> dy/dx = 8x
    assert grads(lambda x: (lambda h: h * h)(x * 2), 1.5)[1] == [12.0]


def test_backward_twice_accumulates_leaves_once_per_call() -> None:
    x = Value(2.0)
    h = x * x  # interior
    y = h * 3 + h
    y.backward()
    assert (x.grad, h.grad, y.grad) == (16.0, 4.0, 1.0)
    y.backward()
    # leaves accumulate exactly one more dy/dx; interior nodes hold the latest pass
    assert (x.grad, h.grad, y.grad) == (32.0, 4.0, 1.0)
    x.grad = 0.0
    y.backward()
    assert x.grad == 16.0


def test_backward_of_a_leaf() -> None:
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_from_an_interior_node_only_touches_its_subgraph() -> None:
    a, b = Value(1.0), Value(2.0)
    h = a * b
    y = h + b
    h.backward()
    assert (a.grad, b.grad, y.grad) == (2.0, 1.0, 0.0)


def test_attributes() -> None:
    x = Value(2, label="x")
    assert isinstance(x.data, float) and x.data == 2.0
    assert (x.grad, x.label, x.op, x.parents, x.is_leaf) == (0.0, "x", "", (), True)
    y = x * 3 + x
    assert y.op == "+" and y.parents[1] is x and not y.is_leaf
    assert y.parents[0].op == "*" and y.parents[0].operands == (x, 3.0)
    assert y.data == 8.0  # float(y) refuses: see test_robust's Value semantics


def test_repr_is_short_and_flat() -> None:
    x = Value(1.5, label="w")
    assert repr(x) == "Value(data=1.5, grad=0.0, label='w')"
    y = x * x
    assert repr(y) == "Value(data=2.25, grad=0.0, op='*')"


def test_identity_hashing() -> None:
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"


def test_inplace_operators_make_new_nodes() -> None:
    x = Value(2.0)
    y = x
    y += 1
    y *= x
    y -= 0.5
    y /= 2
    y **= 2
    y.backward()
    # y = (((x+1)·x − 0.5)/2)², dy/dx = 2·((x+1)x − 0.5)/2 · (2x+1)/2
    assert y.data == pytest.approx(((3 * 2 - 0.5) / 2) ** 2)
    assert x.grad == pytest.approx(2 * ((3 * 2 - 0.5) / 2) * (2 * 2 + 1) / 2)
    assert x.data == 2.0


def test_linear_is_one_node_with_the_weighted_sum_partials() -> None:
    w = [Value(0.5), Value(-1.0), Value(2.0)]
    x1 = Value(3.0)
    b = Value(0.25)
    z = linear(w, [2.0, x1, -1.0], b)
    assert z.op == "Σ"
    assert z.data == 0.25 + 0.5 * 2.0 - 1.0 * 3.0 + 2.0 * -1.0
    assert z.parents == (*w, x1, b)
    z.backward()
    assert [v.grad for v in w] == [2.0, 3.0, -1.0]
    assert (x1.grad, b.grad) == (-1.0, 1.0)


def test_linear_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        linear([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0], Value(0.0))


# -- no_grad --


def test_no_grad_records_nothing_and_nests() -> None:
    x = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        y = x * x + 1
        with no_grad():
            z = x.exp()
        with enable_grad():
            w = x * 3
        assert not is_grad_enabled()
        u = x - 1
    assert is_grad_enabled()
    assert y.is_leaf and z.is_leaf and u.is_leaf and y.data == 5.0
    assert w.parents == (x,)
    v = x * x
    assert v.parents == (x, x)


def test_no_grad_is_a_decorator() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        return v * v

    assert f(Value(3.0)).is_leaf


def test_no_grad_does_not_leak_into_other_threads() -> None:
    inside = threading.Event()
    release = threading.Event()
    seen: dict[str, bool] = {}

    def holder() -> None:
        with no_grad():
            inside.set()
            release.wait(5)

    def other() -> None:
        inside.wait(5)
        seen["enabled"] = is_grad_enabled()
        seen["recorded"] = not (Value(1.0) * 2).is_leaf
        release.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"enabled": True, "recorded": True}


# -- errors: clear, at the cause, naming the op and the value --


@pytest.mark.parametrize("bad", ["abc", None, 1 + 2j, [1.0], Value(1.0)])
def test_bad_data_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="Value") as info:
        Value(bad)  # type: ignore[arg-type]
    assert repr(bad)[:10] in str(info.value)


@pytest.mark.parametrize(
    "expr",
    [
        lambda x: x + "a",
        lambda x: "a" + x,
        lambda x: x * None,
        lambda x: x - [1],
        lambda x: x / "2",
        lambda x: x ** "2",
        lambda x: 1j * x,
    ],
)
def test_bad_operand_is_a_type_error(expr) -> None:
    with pytest.raises(
        TypeError, match=r"unsupported operand for '(\+|-|\*|/|\*\*)'.*Value\(data=1\.0"
    ):
        expr(Value(1.0))


def test_huge_integers_are_an_overflow_error_naming_the_place() -> None:
    with pytest.raises(OverflowError, match=r"Value: 1000.*\(401 digits\) is too large"):
        Value(10**400)
    with pytest.raises(OverflowError, match=r"operand of '\+': 1000.*too large"):
        Value(2.0) + 10**400


# -- scale: no recursion anywhere --


def test_million_node_chain_without_recursion() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0, label="x")
    y = x
    for _ in range(500_000):
        y = y * 1.0 + 0.0  # two nodes per round: 1,000,000 interior nodes
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1.0
    assert len(topological_order(y)) == 1_000_001
    assert repr(y) == "Value(data=1.0, grad=1.0, op='+')"
    y.backward()
    assert x.grad == 2.0


# -- property: the gradients of random expressions vs finite differences --


@settings(max_examples=300, deadline=None)
@given(expr=expressions(), point=points)
def test_gradient_matches_finite_differences(expr, point) -> None:
    xs, out = build(expr, point)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    # An infinite local derivative (sqrt' at 0) makes the chain rule inf·0 = nan, as
    # in PyTorch; a finite-difference comparison says nothing there.
    assume(all(math.isfinite(d) for v in topological_order(out) for d in v.local_grads))
    # The forward pass too, against plain float arithmetic (a different sigmoid formula
    # and math.pow round differently in the last bits).
    assert out.data == pytest.approx(value_at(expr, point), rel=1e-9, abs=1e-12), (expr, point)
    out.backward()

    for i, x in enumerate(xs):
        numeric = smooth_derivative(lambda p: value_at(expr, p), point, i)
        if numeric is None or abs(numeric) > 1e6:
            continue
        assert x.grad == pytest.approx(numeric, rel=1e-3, abs=1e-5), (expr, point, i)


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), point=points)
def test_backward_is_idempotent_on_interior_and_additive_on_leaves(expr, point) -> None:
    xs, out = build(expr, point)
    out.backward()
    first = [x.grad for x in xs]
    out.backward()
    for g1, x in zip(first, xs):
        if math.isfinite(g1):
            # Not bit-exact: with terms that cancel (x**x - x**x), adding them onto a
            # non-zero .grad rounds differently. Double counting would be off by ~|terms|.
            assert x.grad == pytest.approx(2 * g1, rel=1e-12, abs=1e-9)


# -- apply: a custom op's arity, operands and result --


def test_apply_checks_arity_and_operands() -> None:
    square = Op("square", lambda a: a * a, (lambda a, out: 2 * a,), ("",))
    with pytest.raises(TypeError, match="'square' takes 1 operand"):
        apply(square, Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="operand 0"):
        apply(square, "x")  # type: ignore[arg-type]
    no_rule = Op("no rule", lambda a: a, (), ())
    with pytest.raises(TypeError, match="'no rule' takes 0 operand"):
        apply(no_rule, Value(1.0))
    text = Op("text", lambda a: "x", (lambda a, out: 1.0,), ("",))
    with pytest.raises(TypeError, match=r"forward rule of 'text' returned.*'x'"):
        apply(text, Value(1.0))


# ==== what a first user ran into: each message now says what to type instead ====


def test_int_of_a_value_is_refused_without_a_deprecation_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # int() used to go through __trunc__, with a warning
        with pytest.raises(TypeError, match=r"^int\(v\) would turn a Value into a plain number"):
            int(Value(2.0))


# ==== faults and hostile input (issue 12; the numbers are the items) ====


# -- 1, 2: no_grad --


def test_generators_closed_out_of_order_leave_recording_on() -> None:
    def g() -> Iterator[int]:
        with no_grad():
            yield 1

    a, b = g(), g()
    next(a)
    next(b)
    assert not is_grad_enabled()  # both blocks are open
    del a  # the older block closes first
    assert not is_grad_enabled()  # b's block is still open
    del b
    assert is_grad_enabled()
    x = Value(2.0)
    y = x * x
    y.backward()
    assert not y.is_leaf and x.grad == 4.0


def test_blocks_closed_out_of_order_keep_the_newest_open_setting() -> None:
    def g(block: type[no_grad] | type[enable_grad]) -> Iterator[None]:
        with block():
            yield

    outer = g(no_grad)
    next(outer)
    inner = g(enable_grad)
    next(inner)
    assert is_grad_enabled()  # enable_grad is the newest open block
    outer.close()
    assert is_grad_enabled()
    inner.close()
    assert is_grad_enabled()
    inner, outer = g(enable_grad), g(no_grad)
    next(inner)
    next(outer)
    inner.close()
    assert not is_grad_enabled()  # no_grad is still open
    outer.close()
    assert is_grad_enabled()


def test_no_grad_decorates_a_generator_only_while_it_runs() -> None:
    x = Value(3.0)

    @no_grad()
    def squares(n: int) -> Iterator[Value]:
        for _ in range(n):
            assert not is_grad_enabled()
            sent = yield x * x
            assert sent is None or sent == "hello"
        return None

    gen = squares(3)
    first = next(gen)
    assert first.is_leaf and first.data == 9.0
    assert is_grad_enabled()  # between values the caller records as usual
    assert not (x * x).is_leaf
    assert gen.send("hello").is_leaf
    assert [v.is_leaf for v in gen] == [True]
    assert is_grad_enabled()


def test_no_grad_decorates_a_coroutine_and_refuses_an_async_generator() -> None:
    x = Value(3.0)

    @no_grad()
    async def square() -> Value:
        await asyncio.sleep(0)
        assert not is_grad_enabled()
        return x * x

    assert asyncio.run(square()).is_leaf
    assert is_grad_enabled()

    async def numbers() -> object:
        yield x

    with pytest.raises(TypeError, match=r"cannot decorate the async generator .*numbers"):
        no_grad()(numbers)


# -- 14: Value semantics (README, "Value semantics") --


def test_truth_and_comparisons_read_the_data_and_equality_is_identity() -> None:
    zero, one, other_one = Value(0.0), Value(1.0), Value(1.0)
    assert (bool(zero), bool(one), bool(Value(-2.5))) == (False, True, True)
    assert one == one and one != other_one and not (one == other_one)
    assert len({one, other_one, one}) == 2  # graph nodes in a set, by identity
    assert (zero < one, one <= other_one, one > 0.5, 2 >= one, one < 1) == (
        True, True, True, True, False,
    )  # fmt: skip
    for compare in (lambda: one == 1.0, lambda: one != 1, lambda: 1.0 == one):
        with pytest.raises(TypeError, match=r"to compare numbers write v\.data"):
            compare()
    assert one != "one" and one != None  # noqa: E711 - != None is identity too, no TypeError
    with pytest.raises(TypeError, match="compares a Value with a Value or a number"):
        _ = one < "two"  # type: ignore[operator]


def test_abs_is_differentiable_and_float_round_math_refuse() -> None:
    for x0, slope in ((-3.0, -1.0), (2.0, 1.0), (0.0, 0.0)):
        x = Value(x0)
        y = abs(x) * 2
        y.backward()
        assert (y.data, x.grad, y.parents[0].op) == (2 * math.fabs(x0), 2 * slope, "abs")
    v = Value(2.25)
    for leave in (float, round, math.sqrt, math.floor, math.ceil, math.trunc):
        with pytest.raises(TypeError, match=r"cut it out of the graph; use v\.data"):
            leave(v)
    assert f"{v:.1f}" == "2.2" and f"{v}" == repr(v)


def test_bools_are_refused_alike_and_numpy_numbers_accepted() -> None:
    np = pytest.importorskip("numpy")
    for bad in (True, np.bool_(True)):
        with pytest.raises(TypeError, match=r"^Value: expected a real number"):
            Value(bad)
        with pytest.raises(TypeError, match=r"unsupported operand for '\*'"):
            Value(1.0) * bad
    assert Value(np.float32(0.5)).data == 0.5 and (Value(2.0) * np.int64(3)).data == 6.0


def test_data_and_label_are_checked_when_set() -> None:
    v = Value(1.0)
    with pytest.raises(TypeError, match=r"^Value\.label must be a str, got 5 \(int\)"):
        v.label = 5  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"^Value\.data: expected a real number .* got '3'"):
        v.data = "3"  # type: ignore[assignment]
    v.data, v.label = 3, "three"
    assert (v.data, type(v.data), v.label) == (3.0, float, "three")
    assert (v * 2).data == 6.0


def test_leaves_pickle_and_interior_nodes_refuse_even_deep_ones() -> None:
    x = Value(1.5, label="x")
    x.grad = 0.25
    copy = pickle.loads(pickle.dumps(x))
    assert (copy.data, copy.grad, copy.label, copy.is_leaf) == (1.5, 0.25, "x", True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    for node in (x * 2, y):
        with pytest.raises(TypeError, match="interior node of a graph; pickle its number"):
            pickle.dumps(node)


# ==== found by mutation testing (issue 15) ====
# Each of these pins behaviour no test pinned before. Every expected number is worked out
# with plain math on floats (or by hand), never by the code under test.


# -- constants folded into a node keep their value and their place --


@pytest.mark.parametrize(
    ("make", "operands", "value"),
    [
        (lambda x: x + 2, ("x", 2.0), 3.25 + 2.0),
        (lambda x: 2 + x, (2.0, "x"), 2.0 + 3.25),
        (lambda x: x - 2, ("x", 2.0), 3.25 - 2.0),
        (lambda x: 2 - x, (2.0, "x"), 2.0 - 3.25),
        (lambda x: x * 2, ("x", 2.0), 3.25 * 2.0),
        (lambda x: 2 * x, (2.0, "x"), 2.0 * 3.25),
        (lambda x: x / 2, ("x", 2.0), 3.25 / 2.0),
        (lambda x: 2 / x, (2.0, "x"), 2.0 / 3.25),
        (lambda x: x**2, ("x", 2.0), 3.25**2.0),
        (lambda x: 2**x, (2.0, "x"), 2.0**3.25),
    ],
)
def test_a_folded_constant_is_an_operand(make, operands, value) -> None:
    x = Value(3.25)
    node = make(x)
    assert node.operands == tuple(x if o == "x" else o for o in operands)
    assert all(type(o) is float for o in node.operands if o != "x" and not isinstance(o, Value))
    assert node.parents == (x,)
    assert node.data == value


def test_linear_with_a_number_bias_differentiates_twice() -> None:
    w, x = Value(0.5), Value(3.0)
    z = linear([w], [x], 0.25)
    assert z.data == 0.5 * 3.0 + 0.25
    assert z.operands == (w, x, 0.25)
    dw, dx = grad(z, [w, x], create_graph=True)
    assert (dw.data, dx.data) == (3.0, 0.5)
    # ∂z/∂w = x and ∂z/∂x = w: their derivatives are the identity, crossed.
    assert [g.data for g in grad(dw, [w, x])] == [0.0, 1.0]
    assert [g.data for g in grad(dx, [w, x])] == [1.0, 0.0]


@pytest.mark.parametrize(
    ("inputs", "bias", "expected"),
    [
        ([1.0], 2, 0.75 * 1.0 + 2.0),  # an int bias, float input
        ([1.0], 0.5, 0.75 * 1.0 + 0.5),
        (["x"], 0.5, 0.75 * -2.0 + 0.5),
        (["x"], -3, 0.75 * -2.0 - 3.0),
        ([4], 0.5, 0.75 * 4.0 + 0.5),  # an int input
    ],
)
def test_linear_with_a_plain_number_bias(inputs, bias, expected) -> None:
    w, x = Value(0.75), Value(-2.0)
    ins = [x if i == "x" else i for i in inputs]
    z = linear([w], ins, bias)
    assert z.data == expected and z.op == "Σ"
    assert z.operands[-1] == float(bias) and type(z.operands[-1]) is float
    assert z.parents == ((w, x) if "x" in inputs else (w,))
    assert z.grad == 0.0
    z.backward()
    assert w.grad == (-2.0 if "x" in inputs else float(inputs[0]))
    assert x.grad == (0.75 if "x" in inputs else 0.0)


def test_linear_rejects_a_weight_that_is_not_a_value() -> None:
    with pytest.raises(TypeError, match=r"linear: weights must be Values, got 2\.0 at position 1"):
        linear([Value(1.0), 2.0], [1.0, 2.0], 0.0)  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^linear bias: .*'b'"):
        linear([Value(1.0)], [1.0], "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^linear input: .*None"):
        linear([Value(1.0)], [None], 0.0)  # type: ignore[list-item]


# -- nodes start with a zero gradient; a labelled interior node shows both --


def test_fresh_nodes_have_zero_grad() -> None:
    a, b = Value(1.5), Value(-0.5)
    nodes = [
        a + b,
        a - b,
        a * b,
        a / b,
        a**b,
        a**2,
        -a,
        a + 1,
        1 + a,
        a - 1,
        1 - a,
        a * 2,
        2 * a,
        a.exp(),
        a.relu(),
        b.relu(),
        linear([a, b], [b, a], a),
        linear([a, b], [1.0, 2.0], b),
        linear([a], [b], 0.5),
        apply(OPS["*"], a, 2),
    ]
    assert [n.grad for n in nodes] == [0.0] * len(nodes)
    assert all(n.label == "" for n in nodes)


def test_repr_of_a_labelled_interior_node() -> None:
    x = Value(1.5)
    y = x * x
    y.label = "y"
    assert repr(y) == "Value(data=2.25, grad=0.0, op='*', label='y')"


def test_is_grad_enabled_is_a_bool() -> None:
    assert is_grad_enabled() is True
    with no_grad():
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True


# -- values made under no_grad, then used in a graph --


@pytest.mark.parametrize(
    ("make", "value"),
    [
        (lambda a, b: a + b, 1.5 + -0.5),
        (lambda a, b: a - b, 1.5 - -0.5),
        (lambda a, b: a * b, 1.5 * -0.5),
        (lambda a, b: a / b, 1.5 / -0.5),
        (lambda a, b: a**b, 1.5**-0.5),
        (lambda a, b: a + 2, 1.5 + 2),
        (lambda a, b: 2 + a, 2 + 1.5),
        (lambda a, b: a - 2, 1.5 - 2),
        (lambda a, b: 2 - a, 2 - 1.5),
        (lambda a, b: a * 3, 1.5 * 3),
        (lambda a, b: 3 * a, 3 * 1.5),
        (lambda a, b: -a, -1.5),
        (lambda a, b: a.exp(), math.exp(1.5)),
        (lambda a, b: a.relu(), 1.5),
        (lambda a, b: b.relu(), 0.0),
        (lambda a, b: linear([a], [b], a), 1.5 * -0.5 + 1.5),
        (lambda a, b: linear([a, b], [2.0, 4.0], b), 1.5 * 2.0 + -0.5 * 4.0 - 0.5),
        (lambda a, b: linear([a], [b], 0.25), 1.5 * -0.5 + 0.25),
        (lambda a, b: apply(OPS["*"], a, 2), 3.0),
    ],
)
def test_a_value_made_under_no_grad_is_a_fresh_leaf(make, value) -> None:
    a, b = Value(1.5), Value(-0.5)
    with no_grad():
        y = make(a, b)
    assert y.data == pytest.approx(value, rel=1e-15)
    assert (y.grad, y.parents, y.operands, y.label, y.op, y.is_leaf) == (0.0, (), (), "", "", True)
    later = Value(4.0)
    z = later * y
    # ids are creation order, so y (made before `later`) comes first
    assert topological_order(z) == [y, later, z]
    assert [g.data for g in grad(z, [y, later, a])] == [4.0, y.data, 0.0]
    z.backward()
    assert (y.grad, later.grad, a.grad, b.grad) == (4.0, y.data, 0.0, 0.0)


def test_a_leaf_made_under_no_grad_takes_a_label_later() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x
    y.label = "y"
    assert repr(y) == "Value(data=4.0, grad=0.0, label='y')"
    y.backward()
    assert (y.grad, x.grad) == (1.0, 0.0)


# -- apply with plain-number operands --


@pytest.mark.parametrize(
    ("symbol", "operands", "value", "partials"),
    [
        ("*", ("x", 2), 6.0, (2.0,)),
        ("*", (2.5, "x"), 7.5, (2.5,)),
        ("-", (5, "x"), 2.0, (-1.0,)),
        ("/", ("x", 4), 0.75, (0.25,)),
        ("/", (6, "x"), 2.0, (-6 / 9,)),
        ("**", ("x", 2), 9.0, (6.0,)),
        ("**", (2, "x"), 8.0, (8 * math.log(2),)),
    ],
)
def test_apply_with_a_number_operand(symbol, operands, value, partials) -> None:
    x = Value(3.0)
    args = [x if o == "x" else o for o in operands]
    y = apply(OPS[symbol], *args)
    assert y.data == value and y.op == symbol
    assert y.operands == tuple(x if o == "x" else float(o) for o in operands)
    assert y.parents == (x,)
    assert y.local_grads == pytest.approx(partials, rel=1e-15)
    y.backward()
    assert x.grad == pytest.approx(partials[0], rel=1e-15)


def test_apply_checks_its_op_and_operands() -> None:
    with pytest.raises(TypeError, match=r"apply: expected an autograd Op, got '\*'"):
        apply("*", Value(1.0), 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'\*' takes 2 operand\(s\).*got 3"):
        apply(OPS["*"], Value(1.0), 2, 3)
    with pytest.raises(TypeError, match=r"apply\('\*'\) operand 1.*'two'"):
        apply(OPS["*"], Value(1.0), "two")
    # a custom op whose forward rule returns an int is read as a float
    count = Op("count", lambda a: 3, (lambda a, out: 0.0,), ("0",))
    y = apply(count, Value(1.0))
    assert y.data == 3.0 and type(y.data) is float


# -- errors name the operation and the bad operand, in the order written --


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**"])
def test_a_bad_operand_is_named_in_place(symbol) -> None:
    x = Value(1.0)
    forward = {"+": x.__add__, "-": x.__sub__, "*": x.__mul__, "/": x.__truediv__}
    reverse = {"+": x.__radd__, "-": x.__rsub__, "*": x.__rmul__, "/": x.__rtruediv__}
    forward["**"], reverse["**"] = x.__pow__, x.__rpow__
    with pytest.raises(TypeError) as left:
        forward[symbol]("oops")
    assert f"'{symbol}': {x!r} {symbol} 'oops'" in str(left.value)
    with pytest.raises(TypeError) as right:
        reverse[symbol]("oops")
    assert f"'{symbol}': 'oops' {symbol} {x!r}" in str(right.value)
    for e in (left, right):
        assert str(e.value).endswith("; expected a Value or a real number")


class _HugeNumber(Fraction):
    """A real number beyond the floats whose repr is whatever the test sets."""

    shown = ""

    def __repr__(self) -> str:
        return self.shown


@pytest.mark.parametrize("width", [39, 40, 41, 45])
def test_a_huge_number_is_shown_whole_up_to_40_characters(width) -> None:
    x = _HugeNumber(10**400)
    x.shown = "".join(str(i % 10) for i in range(width))
    with pytest.raises(OverflowError) as e:
        Value(x)
    digits = x.shown
    shown = digits if width <= 40 else f"{digits[:20]}...{digits[-10:]} ({width} digits)"
    assert str(e.value) == f"Value: {shown} is too large for a float"


def test_table_operators_are_named_and_documented_for_help() -> None:
    for method, name, doc in [
        (Value.__truediv__, "__truediv__", "self / other"),
        (Value.__rtruediv__, "__rtruediv__", "other / self"),
        (Value.__pow__, "__pow__", "self ** other"),
        (Value.__rpow__, "__rpow__", "other ** self"),
    ]:
        assert (method.__name__, method.__qualname__, method.__doc__) == (name, name, doc)


def test_three_value_operands_all_get_their_gradient() -> None:
    w1, w2, b = Value(0.5), Value(-1.5), Value(0.25)
    z = linear([w1, w2], [1, 2], b)  # int inputs: the general path
    assert z.parents == (w1, w2, b) and z.data == 0.5 * 1 - 1.5 * 2 + 0.25
    z.backward()
    assert (w1.grad, w2.grad, b.grad) == (1.0, 2.0, 1.0)
    fma = Op(
        "fma",
        lambda a, b, c: a * b + c,
        (lambda a, b, c, out: b, lambda a, b, c, out: a, lambda a, b, c, out: 1.0),
        ("b", "a", "1"),
    )
    x, y, c = Value(3.0), Value(4.0), Value(5.0)
    out = apply(fma, x, y, c)
    assert out.data == 17.0 and out.parents == (x, y, c)
    assert [g.data for g in grad(out, [x, y, c])] == [4.0, 3.0, 1.0]
    out.backward()
    assert (x.grad, y.grad, c.grad) == (4.0, 3.0, 1.0)


def test_bad_data_and_labels_are_named_with_their_type() -> None:
    with pytest.raises(TypeError) as e:
        Value("abc")  # type: ignore[arg-type]
    assert str(e.value) == "Value: expected a real number (int or float), got 'abc' (str)"
    with pytest.raises(TypeError) as e:
        Value(1.0, label=3)  # type: ignore[arg-type]
    assert str(e.value) == "Value: label must be a str, got 3"


# -- Value semantics (comparisons, conversions, pickling): values at the edges, whole messages --


@pytest.mark.parametrize("other", [2.0, 2, Value(2.0)])
def test_orderings_at_equal_data(other: object) -> None:
    v = Value(2.0)
    assert (v < other, v <= other, v > other, v >= other) == (False, True, False, True)
    w = Value(2.5)
    assert (w < other, w <= other, w > other, w >= other) == (False, False, True, True)


@pytest.mark.parametrize("symbol", ["<", "<=", ">", ">="])
def test_an_ordering_with_a_non_number_names_it(symbol: str) -> None:
    compare = {"<": Value.__lt__, "<=": Value.__le__, ">": Value.__gt__, ">=": Value.__ge__}
    with pytest.raises(TypeError) as caught:
        compare[symbol](Value(1.0), "a")  # type: ignore[operator]
    assert str(caught.value) == f"'{symbol}' compares a Value with a Value or a number, got 'a'"


@pytest.mark.parametrize("symbol", ["==", "!="])
def test_equality_with_a_number_says_how_to_compare_numbers(symbol: str) -> None:
    v = Value(1.5)
    with pytest.raises(TypeError) as caught:
        (Value.__eq__ if symbol == "==" else Value.__ne__)(v, 1.5)
    assert str(caught.value) == (
        f"Value(data=1.5, grad=0.0) {symbol} 1.5: {symbol} between Values is identity (they "
        f"are graph nodes); to compare numbers write v.data {symbol} 1.5"
    )


@pytest.mark.parametrize(
    ("convert", "what"),
    [(float, "float(v)"), (round, "round(v)"), (math.trunc, "math.trunc(v)")],
)
def test_conversions_that_would_leave_the_graph_say_what_to_use(convert, what: str) -> None:
    with pytest.raises(TypeError) as caught:
        convert(Value(1.5))
    assert str(caught.value) == (
        f"{what} would turn a Value into a plain number and cut it out of the graph; use "
        "v.data for the number, or the Value's own methods (v.sqrt(), v.exp(), abs(v), ...) "
        "to stay in the graph"
    )


def test_pickling_an_interior_node_says_what_to_save() -> None:
    import pickle

    with pytest.raises(TypeError) as caught:
        pickle.dumps(Value(1.5) * 2)
    assert str(caught.value) == (
        "cannot pickle Value(data=3.0, grad=0.0, op='*'): it is an interior node of a graph; "
        "pickle its number (v.data) instead, and save models with Module.save()"
    )


def test_grad_modes_decorate_only_callables() -> None:
    from autograd import enable_grad

    for mode in (no_grad, enable_grad):
        with pytest.raises(TypeError) as caught:
            mode()(3)  # type: ignore[arg-type]
        assert str(caught.value) == f"@{mode.__name__}() decorates a function, got 3"


@pytest.mark.parametrize(("symbol", "dunder"), [("/", "truediv"), ("**", "pow")])
def test_binary_writes_an_operator_and_its_reflection(symbol: str, dunder: str) -> None:
    from autograd.core import engine

    forward, reverse = engine._binary(symbol)  # runs at import: called here to test it
    names = (forward.__name__, forward.__qualname__, reverse.__name__, reverse.__qualname__)
    assert names == (f"__{dunder}__", f"__{dunder}__", f"__r{dunder}__", f"__r{dunder}__")
    assert (forward.__doc__, reverse.__doc__) == (f"self {symbol} other", f"other {symbol} self")
    f = {"/": lambda a, b: a / b, "**": lambda a, b: a**b}[symbol]
    x, y = Value(3.0), Value(0.5)
    both = forward(x, y)
    both.backward()
    d = {"/": (1 / 0.5, -3.0 / 0.5**2), "**": (0.5 * 3.0**-0.5, 3.0**0.5 * math.log(3.0))}
    assert (both.data, both.parents, (x.grad, y.grad)) == (f(3.0, 0.5), (x, y), d[symbol])
    right, left = forward(x, 2), reverse(x, 2)
    assert (right.data, right.operands) == (f(3.0, 2.0), (x, 2.0))
    assert (left.data, left.operands) == (f(2.0, 3.0), (2.0, x))
    with pytest.raises(TypeError) as caught:
        forward(Value(3.0), "a")  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"unsupported operand for '{symbol}': Value(data=3.0, grad=0.0) {symbol} 'a'; "
        "expected a Value or a real number"
    )
    with pytest.raises(TypeError) as caught:
        reverse(Value(3.0), "a")  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"unsupported operand for '{symbol}': 'a' {symbol} Value(data=3.0, grad=0.0); "
        "expected a Value or a real number"
    )


# ==== no_grad belongs to its context (issue 26, item 4) ====


def _records() -> bool:
    x = Value(1.0)
    return not (x * 2.0).is_leaf and is_grad_enabled()


def test_one_instance_shared_by_two_threads_with_overlapping_blocks() -> None:
    shared = no_grad()
    inside, overlap, after = threading.Barrier(2), threading.Barrier(2), threading.Barrier(2)
    seen: dict[str, bool] = {}

    def first() -> None:
        with shared:
            inside.wait()
            overlap.wait()
        after.wait()  # both blocks have ended, first's before second's
        seen["first"] = _records()

    def second() -> None:
        inside.wait()
        with shared:
            overlap.wait()
        after.wait()
        seen["second"] = _records()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"first": True, "second": True}


def test_one_instance_shared_by_two_tasks() -> None:
    shared = no_grad()

    async def task(first: bool) -> bool:
        with shared:
            await asyncio.sleep(0.01 if first else 0.02)
            assert not _records()
        return _records()

    async def both() -> list[bool]:
        return list(await asyncio.gather(task(True), task(False)))

    assert asyncio.run(both()) == [True, True]


def test_a_generator_started_in_one_thread_and_finished_in_another() -> None:
    def paused_inside() -> Iterator[bool]:
        with no_grad():
            yield _records()
            yield _records()  # resumed in the other thread: that thread's setting

    gen = paused_inside()
    started, finished = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def starter() -> None:
        seen["first value"] = next(gen)
        seen["starter while paused"] = _records()
        started.set()
        finished.wait()
        seen["starter after"] = _records()  # its block has ended, in the other thread

    def finisher() -> None:
        started.wait()
        seen["second value"] = next(gen)
        for _ in gen:
            pass
        seen["finisher after"] = _records()
        finished.set()

    threads = [threading.Thread(target=starter), threading.Thread(target=finisher)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {
        "first value": False,
        "starter while paused": False,  # its block is still open: Python's with
        "second value": True,
        "finisher after": True,
        "starter after": True,
    }


def test_blocks_closed_out_of_order_and_nested_settings() -> None:
    def hold(mode: no_grad | enable_grad) -> Iterator[None]:
        with mode:
            yield

    outer, inner = hold(no_grad()), hold(no_grad())
    next(outer)
    next(inner)
    outer.close()  # the older block ends first: the newer one still holds
    assert not _records()
    inner.close()
    assert _records()
    with no_grad():
        with enable_grad():
            assert _records()
        assert not _records()
        switched_on = hold(enable_grad())
        next(switched_on)
        assert _records()
    assert _records()
    switched_on.close()  # an enable_grad opened inside the no_grad that has ended
    assert _records()


# -- micrograd's names (_prev, _op, _backward): the micrograd lecture's code on this Value --


def lecture_neuron() -> dict[str, Value]:
    """The lecture's neuron, built as the lecture builds it, each node labelled as there."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    return {k: v for k, v in locals().items() if isinstance(v, Value)}


def test_backward_by_hand_in_the_lectures_order_gives_backward_s_gradients() -> None:
    by_hand, reference = lecture_neuron(), lecture_neuron()
    reference["o"].backward()
    v = by_hand
    v["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"):  # the lecture's cells, in order
        v[name]._backward()
    grads = {k: x.grad for k, x in by_hand.items()}
    assert grads == {k: x.grad for k, x in reference.items()}
    # The lecture's numbers: ∂o/∂n = 1 - o² = 0.5, and so on down.
    assert grads["n"] == pytest.approx(0.5) and grads["w1"] == pytest.approx(1.0)
    assert grads["x1"] == pytest.approx(-1.5) and grads["w2"] == 0.0


def test_micrograd_names_read_as_the_lecture_expects() -> None:
    v = lecture_neuron()
    assert v["o"]._op == "tanh" and v["n"]._op == "+" and v["x1w1"]._op == "*"
    assert v["x1"]._op == "" and v["x1"]._prev == set()
    assert v["x1w1"]._prev == {v["x1"], v["w1"]}
    assert Value(1.0).label == ""  # the lecture's drawing prints an unset label as nothing
    v["x1"]._backward()  # a leaf passes nothing on, as micrograd's no-op closure
    assert v["x1"].grad == 0.0
    x = Value(3.0)
    assert (x * x)._prev == {x}  # a set, as micrograd's: one operand used twice
    assert (2 * x)._prev == {x}  # the constant is folded into the node, not a Value


def trace(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """The lecture's walk for its drawing, written here: every node and edge, over _prev."""
    nodes: set[Value] = set()
    edges: set[tuple[Value, Value]] = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


def topological_sort_by_hand(root: Value) -> list[Value]:
    """The lecture's topological sort (depth first, a node after its operands), iterative."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))
            stack.extend((c, False) for c in v._prev)
    return order


@settings(max_examples=300, deadline=None)
@given(expressions(), points)
def test_the_lecture_s_walks_over_prev_agree_with_the_engine(
    expr: Expr, point: list[float]
) -> None:
    _, out = build(expr, point)
    order = topological_order(out)
    nodes, edges = trace(out)
    assert nodes == set(order)
    assert edges == {(p, v) for v in order for p in v.parents}
    # A hand-written sort over _prev, then _backward() on each node from the output down,
    # gives backward()'s gradients (to rounding: where a node has several consumers the
    # additions can come in another order).
    out.backward()
    expected = {v: v.grad for v in order}
    for v in order:
        v.grad = 0.0
    out.grad = 1.0
    for v in reversed(topological_sort_by_hand(out)):
        v._backward()
    for v in order:
        assert v.grad == pytest.approx(expected[v], rel=1e-12, abs=1e-12, nan_ok=True)
