"""The nudge test and the classic mistakes, against values worked out by hand and by micrograd."""

from __future__ import annotations

import math
import re
import sys
from typing import Any

import pytest
from hypothesis import assume, given, settings
from micrograd import engine as micrograd

from autograd import Op, Value, apply, explain, topological_order
from autograd.core.notation import num
from autograd.teach.check import KINDS, mistake, nudge_test, step_checks
from autograd.teach.expr import parse
from tests.helpers import x_squared_plus_x
from tests.strategies import (
    ARITH_ERRORS,
    Expr,
    Program,
    build,
    expressions,
    micrograd_programs,
    points,
    run_program,
    smooth_derivative,
    value_at,
)

# -- nudge ------------------------------------------------------------------------------


def test_nudge_of_every_node_matches_hand_derivatives() -> None:
    x = Value(0.5, label="x")
    n1 = x.tanh()
    f = n1 * x
    test = nudge_test(f)
    t = math.tanh(0.5)
    # f = tanh(x)·x: ∂f/∂n1 = x (an interior node, nudged on its own), ∂f/∂x = (1 − t²)x + t
    assert test[n1].estimate == pytest.approx(0.5, rel=1e-8)
    assert test[x].estimate == pytest.approx((1 - t * t) * 0.5 + t, rel=1e-8)
    assert test[f].estimate == pytest.approx(1.0, rel=1e-8)
    assert {n.status for n in test.values()} == {"agrees"}
    assert test.disagreements == []
    assert len(test) == len(explain(f)) == 3
    assert test.h == 1e-5


def test_nudging_an_interior_node_does_not_move_its_operands() -> None:
    # f = n1 + x with n1 = x·x: nudging n1 alone gives ∂f/∂n1 = 1, not d(x·x + x)/dx = 7.
    f, x = x_squared_plus_x()
    n1 = f.parents[0]
    assert nudge_test(f)[n1].estimate == pytest.approx(1.0, rel=1e-9)
    assert nudge_test(f)[x].estimate == pytest.approx(7.0, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(expressions(), points)
def test_nudges_agree_with_backward_on_random_expressions(expr: Expr, point: list[float]) -> None:
    xs, out = build(expr, point)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    out.backward()
    test = nudge_test(out)
    judged = 0
    for v in topological_order(out):
        n = test[v]
        # The chain-rule column is backward()'s own number.
        assert n.grad == v.grad or (math.isnan(n.grad) and math.isnan(v.grad))
        assert n.status != "differs", (n, v)
        if n.status == "agrees":
            judged += 1
            assert n.estimate is not None
            assert abs(n.estimate - v.grad) <= 1e-6 + 1e-4 * max(abs(n.estimate), abs(v.grad)) + (
                4 * sys.float_info.epsilon * 2 * max(1.0, abs(out.data)) / 1e-5
            )
    assert test[out].status == "agrees" and judged >= 1
    # Where the function is smooth around a variable (tests/strategies.py's own check,
    # two step sizes and both one-sided slopes), its nudge must be judged, and agree.
    for i, v in enumerate(xs):
        if v in test and math.isfinite(v.grad):
            d = smooth_derivative(lambda p: value_at(expr, p), point, i)
            if d is not None and abs(d) < 1e6:
                n = test[v]
                if n.status == "kink":  # x·relu(x) at 0 is smooth, but its nudge crosses
                    # relu's kink, and the central difference is then only O(h) accurate.
                    assert n.estimate is not None and abs(n.estimate - d) <= 2 * n.h, (n, d)
                    continue
                assert n.status == "agrees", (n, d)


def test_a_corrupted_partial_is_caught_at_and_below_it() -> None:
    # A square whose partial says 3a instead of 2a: the forward rule is right, the chain
    # rule is not, and the nudge (which only runs forward rules) disagrees.
    bad = Op("square", lambda a: a * a, (lambda a, out: 3 * a,), ("∂(a²)/∂a = 3a (wrong)",))
    x = Value(1.5, label="x")
    s = apply(bad, x)
    f = s.sigmoid()
    test = nudge_test(f)
    assert test[f].status == "agrees" and test[s].status == "agrees"  # above the bad node
    assert test[x].status == "differs"
    sig = 1 / (1 + math.exp(-2.25))
    assert test[x].grad == pytest.approx(sig * (1 - sig) * 4.5)  # the corrupted chain rule
    assert test[x].estimate == pytest.approx(sig * (1 - sig) * 3.0, rel=1e-7)  # the truth
    assert [n.name for n in test.disagreements] == ["x"]
    assert "✗ DIFFERS" in test[x].text() and "DISAGREES" in test.listing()


def test_relu_at_zero_is_a_kink_not_an_alarm() -> None:
    x, y = Value(0.0, label="x"), Value(2.0, label="y")
    f = (x * y).relu()
    test = nudge_test(f)
    assert test[x].grad == 0.0  # relu'(0) = 0
    assert test[x].estimate == pytest.approx(1.0)  # (2h − 0) / 2h: the two slopes averaged
    assert test[x].status == "kink" and "kink" in test[x].text()
    assert test.disagreements == []


def test_a_node_at_the_edge_of_its_domain_is_estimated_from_one_side() -> None:
    x = Value(0.0, label="x")
    f = x.sqrt() + x  # sqrt(−h) is undefined; the chain rule gives inf
    test = nudge_test(f)
    assert test[x].status == "undefined" and test[x].estimate is None
    y = Value(1e-6, label="y")
    g = y.log()  # log(y − h) is undefined for h = 1e-5
    n = nudge_test(g)[y]
    assert n.status == "one-sided"
    assert n.estimate == pytest.approx((math.log(1e-6 + 1e-5) - math.log(1e-6)) / 1e-5)


def test_nudge_rejects_a_bad_h() -> None:
    f, _ = x_squared_plus_x()
    for h in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="h must be a positive number"):
            nudge_test(f, h=h)


def test_nudge_leaves_grad_alone() -> None:
    f, x = x_squared_plus_x()
    nudge_test(f)
    assert x.grad == 0.0 and f.grad == 0.0


# -- mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize("at", [3.0, -0.5, 2.0])
def test_overwrite_keeps_only_the_last_path(at: float) -> None:
    f, x = x_squared_plus_x(at)
    m = mistake(f, "overwrite")
    assert m.right[x] == 2 * at + 1
    # Backward visits f (x gets 1), then n1 = x·x, whose second operand write (x·1) is last.
    assert m.wrong[x] == at
    assert m.first is x
    assert "x has 3 uses" in m.why and "keeps only the contribution of use 3 of 3" in m.why
    assert f"instead of the sum of all 3 ({2 * at + 1:.3f})" in m.why
    text = str(m)
    assert "∂f/∂x" in text and "← first difference" in text
    assert f"{2 * at + 1!r}" in text and f"{at!r}" in text


def test_overwrite_changes_nothing_when_no_node_is_used_twice() -> None:
    a, b = Value(2.0, label="a"), Value(5.0, label="b")
    m = mistake((a * b).exp(), "overwrite")
    assert m.first is None and m.wrong == m.right
    assert "No node has several uses" in m.why


def test_order_goes_wrong_when_a_computed_node_is_shared() -> None:
    x = Value(3.0, label="x")
    y = x * x
    g = y + y * y  # depth-first from g reaches y (first operand) before y*y has added 2y
    m = mistake(g, "order")
    assert m.right[x] == (1 + 2 * 9.0) * 6.0
    assert m.wrong[x] == 1 * 6.0  # only the path through g's first operand got through
    # The difference starts at y, which passed on 1 before y*y added its 2y = 18.
    assert m.wrong[y] == 1.0 and m.right[y] == 1 + 2 * 9.0
    # y = n1 passed on ∂g/∂n1 = 1 before y*y = n2 added its 2y = 18 (the sum is 19).
    assert m.first is y and f"before its use by #2 had added {2 * 9.0:.2f}" in m.why
    assert "passed ∂f/∂#1 = 1.000 on" in m.why and f"(the sum is {1 + 2 * 9.0:.2f})" in m.why


def test_order_shows_the_difference_at_the_node_read_too_early() -> None:
    # issue 19, item 3: h's gradient was passed on before exp(h) added its share; the
    # column showed 4.100 on both sides at h, and the difference only at y.
    f = parse("h = x*y; f = sin(h)*h + exp(h)").build({"x": 0.5, "y": 2.0})
    ex = explain(f)
    step = {s.name: s for s in ex}
    h = 0.5 * 2.0
    # Depth-first from f: n2 = n1*h (h gets n1 = sin h), then n1 = sin(h) (h gets cos h),
    # then h itself, before n3 = exp(h) was visited and added e^h.
    early, whole = math.sin(h) + math.cos(h), math.sin(h) + h * math.cos(h) + math.exp(h)
    m = mistake(f, "order")
    assert m.first is step["h"].node
    assert m.wrong[step["h"].node] == pytest.approx(early, rel=1e-15)
    assert m.right[step["h"].node] == pytest.approx(whole, rel=1e-15)
    assert m.wrong[step["y"].node] == pytest.approx(early * 0.5, rel=1e-15)
    assert f"passed ∂f/∂h = {num(early)} on before its use by #3 had added {num(math.e)}" in m.why
    assert f"(the sum is {num(whole)})" in m.why
    by_step = step_checks(ex, "order")["mistake"]["by_step"]
    at_h = by_step[step["h"].number]
    assert at_h["first"] and at_h["wrong"] == m.wrong[step["h"].node]
    assert at_h["text"].startswith(f"wrong (depth-first)  ∂f/∂h = {num(early)}  ← first difference")
    assert not by_step[step["y"].number]["first"]
    assert by_step[step["y"].number]["text"].endswith(f"∂f/∂y = {num(whole * 0.5)}")
    # Upstream of h every node was complete when visited: the columns agree there.
    for name in ("f", "#1", "#2", "#3"):
        assert by_step[step[name].number]["wrong"] == by_step[step[name].number]["right"]


def test_order_on_a_tree_reuses_the_learners_expression() -> None:
    f, x = x_squared_plus_x()  # computed nodes used once: depth-first is right here
    m = mistake(f, "order")
    assert "happens to be right" in m.note and "g = f + f*f" in m.note
    fx = 3.0 * 3.0 + 3.0
    assert m.right[x] == (1 + 2 * fx) * 7.0  # g = f + f², ∂g/∂x = (1 + 2f)·(2x + 1)
    assert m.wrong[x] == 7.0  # f passed its gradient on before f*f added 2f


def test_twice_matches_micrograd_itself() -> None:
    for at in (3.0, -1.25):
        mx = micrograd.Value(at)
        mf = mx * mx + mx
        mf.backward()
        mf.backward()
        f, x = x_squared_plus_x(at)
        m = mistake(f, "twice")
        assert m.wrong[x] == mx.grad == 6 * at + 2
        assert m.right[x] == 2 * (2 * at + 1)
        f.backward()
        f.backward()
        assert m.right[x] == x.grad  # this engine's own second call is the right column
        assert m.first is f.parents[0] and m.wrong[m.first] == 2.0


def _micrograd_nodes(root: micrograd.Value) -> list[micrograd.Value]:
    """Every node of a micrograd graph, its constants and hidden nodes among them."""
    seen: list[micrograd.Value] = []
    stack = [root]
    while stack:
        v = stack.pop()
        if all(v is not s for s in seen):
            seen.append(v)
            stack.extend(v._prev)
    return seen


def _assert_twice_is_micrograds(m: Any, ours: list[Value], theirs: list[Any]) -> None:
    """The 'twice' column equals .grad after micrograd's two backward() calls at every node
    it shows (``ours[k]`` and ``theirs[k]`` are the same step in the two engines)."""
    every = _micrograd_nodes(theirs[-1])
    # micrograd sums a node's uses in the order of a set, this engine in creation order:
    # the sums may differ in the last bits, relative to the largest term added.
    scale = max(1.0, *(abs(v.grad) for v in every)) * max(1.0, *(abs(v.data) for v in every))
    shown = 0
    for v, t in zip(ours, theirs):
        if v in m.wrong:
            assert abs(m.wrong[v] - t.grad) <= 1e-9 * scale, (m.names[v], m.wrong[v], t.grad)
            shown += 1
    assert shown == len(m.backward_order)


@pytest.mark.parametrize(
    ("text", "at", "program"),
    [
        ("(a+b)*(a-b)", {"a": 3.0, "b": 2.0}, lambda a, b: (a + b) * (a - b)),
        ("x**3 - 2*x", {"x": 1.5}, lambda x: x**3 - 2 * x),
        ("2/x - x/y + 1 - y", {"x": 0.5, "y": -1.5}, lambda x, y: 2 / x - x / y + 1 - y),
        ("relu(x - 3) * (1 - x) / -x", {"x": 4.0}, lambda x: (x - 3).relu() * (1 - x) / -x),
    ],
)
def test_twice_on_a_typed_expression_is_micrograds_second_backward(
    text: str, at: dict[str, float], program: Any
) -> None:
    # micrograd builds a - b as a + b*(-1) and a / b as a * b**-1; the second call adds to
    # those hidden nodes' old gradients too (issue 19, item 2: −12 was shown, micrograd −17).
    f = parse(text).build(at)
    m = mistake(f, "twice")
    leaves = [micrograd.Value(v) for v in at.values()]
    out = program(*leaves)
    out.backward()
    out.backward()
    ours = {v.label: v for v in m.inputs}
    for name, leaf in zip(at, leaves):
        assert m.wrong[ours[name]] == pytest.approx(leaf.grad, rel=1e-12)
    assert m.wrong[f] == out.grad == 1
    assert "micrograd 0.1.0" in m.note


def test_twice_names_the_hidden_nodes_micrograd_builds_with_their_gradients() -> None:
    f = parse("(a+b)*(a-b)").build({"a": 3.0, "b": 2.0})
    m = mistake(f, "twice")
    a, b = micrograd.Value(3.0), micrograd.Value(2.0)
    out = (a + b) * (a - b)
    out.backward()
    out.backward()
    # The node b*(-1): a product with b among its operands.
    (minus_b,) = [v for v in _micrograd_nodes(out) if v._op == "*" and b in v._prev]
    assert f"b·(-1) holds {num(minus_b.grad)}" in m.note
    assert "#2 = a - b as a + b·(-1)" in m.note


@settings(max_examples=200, deadline=None)
@given(micrograd_programs(), points)
def test_twice_is_micrograds_second_backward_on_random_programs(
    program: Program, point: list[float]
) -> None:
    try:
        ours = run_program(program, [Value(p) for p in point])
    except ARITH_ERRORS:
        assume(False)
    assume(isinstance(ours[-1], Value) and all(math.isfinite(v.data) for v in ours))
    theirs = run_program(program, [micrograd.Value(p) for p in point])
    try:
        theirs[-1].backward()
        theirs[-1].backward()  # x**0.5 at 0: micrograd's derivative divides by zero
    except ARITH_ERRORS:
        assume(False)
    assume(all(math.isfinite(v.grad) for v in _micrograd_nodes(theirs[-1])))
    m = mistake(ours[-1], "twice")
    _assert_twice_is_micrograds(m, ours, theirs)
    assert "micrograd 0.1.0" in m.note and "not micrograd" not in m.note


def test_twice_with_functions_micrograd_lacks_does_not_claim_to_be_micrograd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = parse("sin(a - b) * exp(b) / b").build({"a": 1.0, "b": 0.5})
    m = mistake(f, "twice")
    assert "not micrograd's" in m.note and "sin and exp" in m.note
    assert "micrograd" not in step_checks(explain(f), "twice")["mistake"]["title"]
    # The column is that of micrograd with sin and exp added as nodes of their own (as in
    # the lecture that builds micrograd): - and / still build micrograd's hidden nodes.

    def sin(self: Any) -> Any:
        out = micrograd.Value(math.sin(self.data), (self,), "sin")

        def backward() -> None:
            self.grad += math.cos(self.data) * out.grad

        out._backward = backward
        return out

    def exp(self: Any) -> Any:
        out = micrograd.Value(math.exp(self.data), (self,), "exp")

        def backward() -> None:
            self.grad += out.data * out.grad

        out._backward = backward
        return out

    monkeypatch.setattr(micrograd.Value, "sin", sin, raising=False)
    monkeypatch.setattr(micrograd.Value, "exp", exp, raising=False)
    a, b = micrograd.Value(1.0), micrograd.Value(0.5)
    n1 = a - b
    n2 = n1.sin()
    n3 = b.exp()
    n4 = n2 * n3
    out = n4 / b
    out.backward()
    out.backward()
    ours = explain(f).order  # a, b, n1 … f: the same steps in creation order
    _assert_twice_is_micrograds(m, ours, [a, b, n1, n2, n3, n4, out])


def test_recursion_fails_where_micrograd_fails_and_the_engine_does_not() -> None:
    f, x = x_squared_plus_x()
    m = mistake(f, "recursion")
    limit = sys.getrecursionlimit()
    assert 0 < m.depth < limit
    assert m.right[x] == 7.0
    assert f"RecursionError at depth {m.depth}" in m.why
    assert "RecursionError" in str(m)
    v = micrograd.Value(3.0)
    deep = v * v + v
    for _ in range(2 * limit):
        deep = deep + 0.0
    with pytest.raises(RecursionError):
        deep.backward()


def test_mistake_refuses_unknown_kinds_and_non_values() -> None:
    f, _ = x_squared_plus_x()
    with pytest.raises(ValueError, match="unknown kind 'typo'; choose one of overwrite"):
        mistake(f, "typo")
    with pytest.raises(TypeError, match="root must be a Value"):
        mistake(3.0, "overwrite")  # type: ignore[arg-type]
    assert KINDS == ("overwrite", "order", "twice", "recursion")


def test_mistakes_as_data() -> None:
    f, _ = x_squared_plus_x()
    d = mistake(f, "overwrite").as_dict()
    assert d["first"] == "x"
    assert d["nodes"][-1] == {"name": "x", "right": 7.0, "wrong": 3.0}


def test_step_checks_give_each_step_its_nudge_and_the_mistakes_values() -> None:
    f, x = x_squared_plus_x()
    ex = explain(f)
    checks = step_checks(ex, kind="overwrite")
    number = next(s.number for s in ex if s.node is x)
    nudge = checks["nudge"][number]
    assert nudge["estimate"] == pytest.approx(2 * 3.0 + 1, rel=1e-8)  # d(x² + x)/dx at 3
    assert nudge["text"] == "nudge x by ±1e-05: (f₊ - f₋)/(2·1e-05) = 7.000 ✓ agrees"
    wrong = checks["mistake"]
    assert wrong["title"] == (
        "Mistake 'overwrite': gradients assigned (=) instead of accumulated (+=)"
    )
    # With '=', x keeps only its last use's contribution, ∂f/∂n1 · ∂(x·x)/∂x (right x) = 3.
    last = ex[number - 1].terms[-1]
    assert wrong["by_step"][number] == {
        "right": 7.0,
        "wrong": last.upstream * last.local,
        "first": True,
        "text": "wrong (=)   ∂f/∂x = 3.000  ← first difference\nright (+=)  ∂f/∂x = 7.000",
    }
    assert wrong["by_step"][1]["text"].startswith("wrong (=)   ∂f/∂f = 1.000\n")
    assert "use 3 of 3 (3.000) instead of the sum of all 3 (7.000)" in wrong["why"]
    assert "mistake" not in step_checks(ex)
    # 'order' on a tree runs on g = f + f·f, another graph: no per-step values for f's steps.
    order = step_checks(ex, kind="order")["mistake"]
    assert order["by_step"] == {} and "reused as g = f + f*f" in order["note"]


def test_checking_texts_write_names_as_the_listing_does() -> None:
    # A label that is not an identifier is written in brackets in every formula of the
    # listing; the nudge line, the mistake table and its sentence use the same symbols.
    x = Value(2.0, label="x 1")
    f = x * x + x
    listing = str(explain(f))
    assert "∂f/∂[x 1] = " in listing
    assert nudge_test(f)[x].text() == "nudge [x 1] by ±1e-05: (f₊ - f₋)/(2·1e-05) = 5.000 ✓ agrees"
    m = mistake(f, "overwrite")
    assert m.right[x] == 2 * 2.0 + 1 and m.wrong[x] == 2.0
    assert "  ∂f/∂[x 1]  5.000       2.000      ← first difference" in str(m).splitlines()
    assert m.why.startswith("[x 1] has 3 uses;") and "so ∂f/∂[x 1] keeps only" in m.why


def test_a_nudge_that_does_not_settle_is_not_called_a_mistake() -> None:
    # f = (x·x)**x at x = 0: near 0, f = exp(2x·log|x|), whose slope 2·log|x| + 2 has no
    # limit. The engine's 0 (PyTorch's convention for a**b at a = 0) is neither confirmed
    # nor called wrong: the central estimate is 2·log h, and moves by 2·log 10 at h/10.
    x = Value(0.0, label="x")
    f = (x * x) ** x
    n = nudge_test(f)[x]
    assert n.status == "rough" and n.estimate == pytest.approx(2 * math.log(1e-5), rel=1e-4)
    assert f"{2 * math.log(1e-6):.2f} with ±1e-06" in n.why
    assert nudge_test(f).disagreements == []


# ==== broken, from the review of the checking tools (issue 19, item 12) ====


def test_the_recursion_mistake_inside_no_grad_and_on_a_graph_too_deep_of_its_own() -> None:
    from autograd import no_grad

    x = Value(1.5, label="x")
    f = x * x + x
    with no_grad():  # the deep chain is built as a graph all the same
        inside = mistake(f, "recursion")
    assert inside.right == mistake(f, "recursion").right and inside.depth > 0
    deep = x
    for _ in range(3000):  # deeper than Python's recursion limit on its own
        deep = deep * 1.0
    m = mistake(deep, "recursion")
    assert m.depth > 0 and "itself is deeper than the recursive sort can go" in m.note
    assert m.right[x] == 1.0


# ==== the mistake tables print as the listing does (issue 19, item 10) ====


def test_mistake_tables_print_at_the_listings_precision_and_in_full_on_demand() -> None:
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    h = x * y
    h.label = "h"
    f = h.sin() * h + h.exp()
    m = mistake(f, "order")
    text = str(m)
    assert "4.100 " in text and "4.100055119135082" not in text
    assert "0.6909" in text and "2.050" in text
    full = m.text(full=True)
    assert "4.100055119135082" in full and repr(m.wrong[y]) in full


def test_a_pair_differing_only_past_the_printed_digits_is_shown_in_full() -> None:
    from autograd.teach.check import Mistake

    a = Value(1.0, label="a")
    m = Mistake("overwrite", a, {a: "a"}, [a], {a: 1.00001}, {a: 1.00002}, a, "why")
    ((_, right, wrong, mark),) = m.rows([a])
    assert (right, wrong, mark) == ("1.00001", "1.00002", "← first difference")


def test_the_nudge_writes_its_step_as_the_number_it_is_never_as_a_letter() -> None:
    # With a node named h, "(f₊ - f₋)/2h" would read as twice that node (issue 19, item 4).
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    h = x * y
    h.label = "h"
    test = nudge_test(h.sin() * h + h.exp())
    assert (
        test[h].text()
        == f"nudge h by ±1e-05: (f₊ - f₋)/(2·1e-05) = {num(test[h].estimate or 0)} ✓ agrees"
    )
    listing = test.listing()
    assert "2h" not in listing
    assert (
        "Each step is checked by a nudge of ±1e-05: (f₊ - f₋)/(2·1e-05) beside ∂f/∂v "
        "(tolerance 0.0001 relative)." in listing
    )
    # "h" in a nudge line is only ever the node's name.
    assert all(
        re.search(r"\bh\b", n.text().replace("nudge h by", "")) is None for n in test.values()
    )
    # The explanation of an estimate that does not settle names the steps by their numbers.
    z = Value(0.0, label="x")
    why = nudge_test((z * z) ** z)[z].why
    assert "with a nudge of ±1e-05" in why and "with ±1e-06" in why and not re.search(r"\bh\b", why)
