"""explain: the chain rule step by step, checked against the paper's equations worked by hand."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, explain, linear, topological_order
from autograd.core.notation import num
from autograd.core.ops import OPS, linear_role
from autograd.teach.explain import Step
from tests.helpers import sigmoid

pytestmark = pytest.mark.filterwarnings("error")


# A 2-2-1 sigmoid network, E = ½(y − d)², written out in floats in the notation of
# Rumelhart, Hinton & Williams (1986): x_j total input, y_j output, w_ji weight from i to j.
X = (1.0, 0.5)
W_HIDDEN = ((0.15, -0.25), (0.3, 0.4))  # w_ji: hidden unit j, input i
B_HIDDEN = (0.05, -0.1)
W_OUT = (0.6, -0.45)  # w_j from hidden unit j to the output
B_OUT = 0.2
D = 1.0  # desired output


class Net:
    """The same network as Values; weights labelled as the nn package labels them."""

    def __init__(self, x: tuple[float, float] = X) -> None:
        self.x = [Value(x[0], label="x1"), Value(x[1], label="x2")]
        self.w = [
            [Value(W_HIDDEN[j][i], label=f"layers.0.neurons.{j}.w.{i}") for i in range(2)]
            for j in range(2)
        ]
        self.b = [Value(B_HIDDEN[j], label=f"layers.0.neurons.{j}.b") for j in range(2)]
        self.sum_hidden = [linear(self.w[j], self.x, self.b[j]) for j in range(2)]
        self.y_hidden = [s.sigmoid() for s in self.sum_hidden]
        self.w_out = [Value(W_OUT[j], label=f"layers.1.neurons.0.w.{j}") for j in range(2)]
        self.b_out = Value(B_OUT, label="layers.1.neurons.0.b")
        self.sum_out = linear(self.w_out, self.y_hidden, self.b_out)
        self.y_out = self.sum_out.sigmoid()
        self.e = 0.5 * (self.y_out - D) ** 2
        self.e.label = "E"


def by_hand(x: tuple[float, float] = X) -> dict[str, object]:
    """The backward pass of the paper, step by step, on floats."""
    x_hidden = [sum(W_HIDDEN[j][i] * x[i] for i in range(2)) + B_HIDDEN[j] for j in range(2)]
    y_hidden = [sigmoid(v) for v in x_hidden]
    x_out = sum(W_OUT[j] * y_hidden[j] for j in range(2)) + B_OUT
    y_out = sigmoid(x_out)
    # Output unit: ∂E/∂y = y − d, δ = ∂E/∂x = (y − d)·y(1 − y).
    de_dy_out = y_out - D
    delta_out = de_dy_out * y_out * (1 - y_out)
    # Hidden units: ∂E/∂y_j = δ·w_j (one path each), δ_j = ∂E/∂y_j · y_j(1 − y_j).
    de_dy_hidden = [delta_out * W_OUT[j] for j in range(2)]
    delta_hidden = [de_dy_hidden[j] * y_hidden[j] * (1 - y_hidden[j]) for j in range(2)]
    return {
        "E": 0.5 * (y_out - D) ** 2,
        "dE/dy_out": de_dy_out,
        "delta_out": delta_out,
        "dE/dw_out": [delta_out * y_hidden[j] for j in range(2)],  # δ·y_j
        "dE/db_out": delta_out,
        "dE/dy_hidden": de_dy_hidden,
        "delta_hidden": delta_hidden,
        "dE/dw_hidden": [[delta_hidden[j] * x[i] for i in range(2)] for j in range(2)],  # δ_j·y_i
        "dE/db_hidden": delta_hidden,
        # Each input feeds both hidden units: ∂E/∂y_i = Σ_j δ_j w_ji, the sum over paths.
        "dE/dx": [sum(delta_hidden[j] * W_HIDDEN[j][i] for j in range(2)) for i in range(2)],
        "y_out": y_out,
        "y_hidden": y_hidden,
    }


def shown(x: float) -> str:
    """A number as the listing shows it inside a formula: 4 digits, negatives in parentheses."""
    return f"({x:#.4g})" if x < 0 else f"{x:#.4g}"


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def test_221_network_gradients_are_the_papers() -> None:
    net, hand = Net(), by_hand()
    ex = explain(net.e)
    assert close(net.e.data, hand["E"])  # type: ignore[arg-type]
    assert close(ex.grad(net.y_out), hand["dE/dy_out"])  # type: ignore[arg-type]
    assert close(ex.grad(net.sum_out), hand["delta_out"])  # type: ignore[arg-type]
    assert close(ex.grad(net.b_out), hand["dE/db_out"])  # type: ignore[arg-type]
    for j in range(2):
        assert close(ex.grad(net.w_out[j]), hand["dE/dw_out"][j])  # type: ignore[index]
        assert close(ex.grad(net.y_hidden[j]), hand["dE/dy_hidden"][j])  # type: ignore[index]
        assert close(ex.grad(net.sum_hidden[j]), hand["delta_hidden"][j])  # type: ignore[index]
        assert close(ex.grad(net.b[j]), hand["dE/db_hidden"][j])  # type: ignore[index]
        for i in range(2):
            assert close(ex.grad(net.w[j][i]), hand["dE/dw_hidden"][j][i])  # type: ignore[index]
    for i in range(2):
        assert close(ex.grad(net.x[i]), hand["dE/dx"][i])  # type: ignore[index]


def test_each_step_is_upstream_times_local_summed_over_paths() -> None:
    net, hand = Net(), by_hand()
    ex = explain(net.e)
    step = {s.node: s for s in ex}
    delta_h = hand["delta_hidden"]

    # The output unit's total input: one path, through the sigmoid, local y(1 − y).
    s_out = step[net.sum_out]
    (t,) = s_out.terms
    y = hand["y_out"]
    assert t.consumer is net.y_out
    assert close(t.upstream, hand["dE/dy_out"])  # type: ignore[arg-type]
    assert close(t.local, y * (1 - y))  # type: ignore[operator]
    # A net's nodes have the paper's short names (x5 the total input, y5 the output).
    assert t.symbol == "∂σ(x5)/∂x5" and t.formula == "y5·(1 - y5)"
    assert t.worked == f"{y:#.4g}·(1 - {y:#.4g})"
    assert close(t.product, hand["delta_out"])  # type: ignore[arg-type]

    # A hidden unit's output: ∂E/∂y_j = ∂E/∂x_out · ∂x_out/∂y_j = δ·w_j.
    for j in range(2):
        (t,) = step[net.y_hidden[j]].terms
        assert t.consumer is net.sum_out
        assert t.formula == f"w5{j + 3}"
        assert close(t.local, W_OUT[j])
        assert t.worked == shown(W_OUT[j])

    # An input feeds both hidden units: ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji, two terms.
    for i in range(2):
        s = step[net.x[i]]
        assert [t.consumer for t in s.terms] == [net.sum_hidden[1], net.sum_hidden[0]]
        for t in s.terms:
            j = net.sum_hidden.index(t.consumer)
            assert close(t.upstream, delta_h[j])  # type: ignore[index]
            assert close(t.local, W_HIDDEN[j][i])
            assert t.product == t.upstream * t.local
        assert s.grad == s.terms[0].product + s.terms[1].product
        assert "sum of 2 contributions" in s.note()
        x4, x3 = "(w41·x1 + w42·x2 + b4)", "(w31·x1 + w32·x2 + b3)"
        assert s.equation() == (
            f"∂E/∂x{i + 1} = ∂E/∂x4 · ∂{x4}/∂x{i + 1} + ∂E/∂x3 · ∂{x3}/∂x{i + 1}"
        )
        expected_sum = " + ".join(shown(t.product) for t in s.terms)
        # ≈ before the contributions when a product of printed numbers is not the printed
        # contribution (0.01172 × 0.3000 is 0.003516, the contribution 0.003515).
        assert f" {expected_sum} = {s.grad:#.4g}" in s.arithmetic()

    # A weight into a hidden unit: ∂E/∂w_ji = δ_j · y_i, local y_i named.
    t = step[net.w[0][1]].terms[0]
    assert t.formula == "x2" and t.worked == "0.5000"
    assert close(t.local, X[1])


def test_steps_follow_backward_order_and_number_every_node_once() -> None:
    net = Net()
    ex = explain(net.e)
    order = topological_order(net.e)
    assert [s.node for s in ex] == order[::-1]
    assert [s.number for s in ex] == list(range(1, len(order) + 1))
    assert ex[0].node is net.e and ex[0].grad == 1.0 and ex[0].terms == ()
    position = {s.node: k for k, s in enumerate(ex)}
    for s in ex:  # a node's gradient is explained only after all its consumers'
        assert all(position[t.consumer] < position[s.node] for t in s.terms)
    kinds = {s.node: s.kind for s in ex}
    assert kinds[net.e] == "output"
    assert kinds[net.w[0][0]] == "parameter" and kinds[net.x[0]] == "input"
    assert kinds[net.sum_out] == "operation"


def test_text_listing_reads_as_the_chain_rule() -> None:
    net = Net()
    text = str(explain(net.e))
    assert text.startswith("Forward pass:")
    assert "Backward pass" in text
    y = by_hand()["y_out"]
    assert f"y5·(1 - y5) = {y:#.4g}·(1 - {y:#.4g}) = {y * (1 - y):#.4g}" in text  # type: ignore[operator]
    assert f"1. E = 0.5 * #2 = {by_hand()['E']:#.4g}\n" in text
    assert "∂E/∂E = 1: backward starts here." in text


def test_never_touches_grad_and_ignores_accumulated_leaf_grads() -> None:
    net = Net()
    net.e.backward()
    net.e.backward()  # leaf grads now hold two passes
    before = {v: v.grad for v in topological_order(net.e)}
    ex = explain(net.e)
    assert {v: v.grad for v in topological_order(net.e)} == before
    hand = by_hand()
    assert close(ex.grad(net.b_out), hand["dE/db_out"])  # type: ignore[arg-type]
    assert close(net.b_out.grad, 2 * hand["dE/db_out"])  # type: ignore[operator]


def test_gradients_equal_a_fresh_backward_bit_for_bit() -> None:
    net = Net()
    ex = explain(net.e)
    net.e.backward()
    assert all(v.grad == ex.grad(v) for v in topological_order(net.e))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3), st.integers(0, 2**31))
def test_random_graphs_match_backward(xs: list[float], seed: int) -> None:
    rng = random.Random(seed)
    leaves = [Value(x, label=f"a{i}") for i, x in enumerate(xs)]
    pool: list[Value] = list(leaves)
    for _ in range(12):
        a, b = rng.choice(pool), rng.choice(pool)
        kind = rng.randrange(6)
        if kind == 0:
            v = a + b
        elif kind == 1:
            v = a * b
        elif kind == 2:
            v = a - 2.0 * b
        elif kind == 3:
            v = a.tanh()
        elif kind == 4:
            v = a.sigmoid() * 3.0
        else:
            v = linear([a, b], [b, 1.5], a)
        pool.append(v)
    root = pool[-1]
    ex = explain(root)
    root.backward()
    for v in topological_order(root):
        assert v.grad == ex.grad(v)
        step = next(s for s in ex if s.node is v)
        assert step.grad == ex.grad(v)


def test_wrt_keeps_only_the_paths_to_it() -> None:
    net, hand = Net(), by_hand()
    w = net.w[1][0]
    ex = explain(net.e, wrt=w)
    nodes = [s.node for s in ex]
    assert nodes == [
        net.e,
        net.e.parents[0],  # (y − d)²
        net.e.parents[0].parents[0],  # y − d
        net.y_out,
        net.sum_out,
        net.y_hidden[1],
        net.sum_hidden[1],
        w,
    ]
    assert close(ex[-1].grad, hand["dE/dw_hidden"][1][0])  # type: ignore[index]
    with pytest.raises(ValueError, match="not part of the graph"):
        explain(net.e, wrt=Value(1.0))


def test_every_op_gives_its_table_formula_and_recorded_local_derivative() -> None:
    x = Value(0.7, label="x")
    for name in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu"):
        y = getattr(x, name)()
        (t,) = explain(y)[1].terms
        generic = OPS[name].formulas[0]  # the same rule with placeholders x and y
        assert t.formula == generic.split(" = ", 1)[1].replace("x", "x").replace("y", "f")
        assert t.local == y.local_grads[0]
        # A step's rule shows the branch taken, which states the value itself.
        stated = "1" if name == "relu" else f"{y.local_grads[0]:#.4g}"
        assert t.local_text().endswith(f" = {stated}")
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    for op in ("+", "-", "*", "/"):
        y = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
        ex = explain(y)
        for k, leaf in enumerate((a, b)):
            (t,) = next(s for s in ex if s.node is leaf).terms
            assert t.formula == OPS[op].formulas[k].split(" = ", 1)[1].replace("y", "f")
            assert t.local == y.local_grads[k]
    y = a**2.0
    (t,) = explain(y)[1].terms
    assert t.formula == "2·a" and t.worked == "2·1.500" and t.local == 3.0


def test_steps_as_data_are_json_ready() -> None:
    ex = explain(Net().e)
    data = json.loads(json.dumps([s.as_dict() for s in ex]))
    assert data[0]["name"] == "E"
    assert data[-1]["terms"][0]["local_text"]


def test_deep_graph_needs_no_recursion() -> None:
    y = Value(0.1, label="x")
    for _ in range(3000):
        y = y * 1.0001
    ex = explain(y)
    assert len(ex) == 3001
    assert close(ex[-1].grad, 1.0001**3000)


def step_of(ex: Sequence[Step], name: str) -> Step:
    return next(s for s in ex if s.name == name)


def test_a_finite_explanation_has_no_caution() -> None:
    ex = explain(Net().e)
    assert all(s.not_finite() == [] for s in ex)
    assert not any("nan" in str(s) or "inf" in str(s) for s in ex)


def test_an_undefined_local_derivative_is_said_to_be_one() -> None:
    x, y = Value(-2.0, label="x"), Value(2.0, label="y")
    ex = explain(x**y)  # ∂(xʸ)/∂y = xʸ·ln x: ln of a negative number
    dy = step_of(ex, "y")
    assert math.isnan(dy.grad) and math.isnan(dy.terms[0].local)
    reason = (
        "∂(x**y)/∂y is nan: the derivative is undefined at these values (PyTorch gives nan too)."
    )
    assert dy.not_finite() == [reason]
    assert str(dy).splitlines()[1] == f"   {reason}"
    assert dy.note().endswith(reason) and dy.as_dict()["note"] == dy.note()
    dx = step_of(ex, "x")  # ∂(xʸ)/∂x = y·xʸ⁻¹ = -4 is fine
    assert dx.grad == -4.0 and dx.not_finite() == [] and "nan" not in dx.note()


def test_an_infinite_slope_and_inf_times_zero_are_explained() -> None:
    x = Value(-1.0, label="x")
    r = x.relu()
    ex = explain(r**0.5)  # d(r^½)/dr = ½·r^-½ = inf at r = 0; then inf × relu'(-1) = inf × 0
    assert step_of(ex, "#1").grad == math.inf
    assert step_of(ex, "#1").not_finite() == [
        "∂(#1**0.5)/∂#1 is infinite: the function is vertical here, or its slope is too big for a "
        "float (PyTorch gives inf too)."
    ]
    dx = step_of(ex, "x")
    assert math.isnan(dx.grad)
    assert dx.not_finite() == ["∂f/∂#1 is inf, and inf × 0 is nan in floats."]


def test_sums_that_go_non_finite_are_explained() -> None:
    x = Value(0.0, label="x")
    ex = explain(x.sqrt() - x.sqrt())  # (−1)·inf + 1·inf
    dx = step_of(ex, "x")
    assert math.isnan(dx.grad)
    assert dx.not_finite()[-1] == "The paths add up inf and -inf, and inf - inf is nan in floats."
    assert dx.not_finite()[0].startswith(
        "∂sqrt(x)/∂x (by #2 = sqrt(x)) and ∂sqrt(x)/∂x (by #1 = sqrt(x)) are infinite: "
    )
    h = Value(0.5, label="h")
    ex = explain(h * 1e308 + h * 1e308)  # f = 1e308; ∂f/∂h = 1e308 + 1e308 overflows
    dh = step_of(ex, "h")
    assert dh.grad == math.inf and all(t.product == 1e308 for t in dh.terms)
    assert dh.not_finite() == ["The sum over the paths overflows the float range."]
    y = Value(1.5, label="y")
    ex = explain((y * 1e308) * 10.0 + y)
    dn = step_of(ex, "#1")  # ∂f/∂#1 = 1 · 10 is fine; ∂f/∂y = 10 · 1e308 + 1 overflows
    assert dn.not_finite() == []
    assert step_of(ex, "y").not_finite() == ["10.00 × 1.000e+308 overflows the float range."]


def test_linear_roles_match_the_engines_local_derivatives() -> None:
    ws = [Value(float(i + 2), label=f"w{i}") for i in range(3)]
    ys = [Value(float(10 * (i + 1)), label=f"y{i}") for i in range(3)]
    b = Value(-1.0, label="b")
    s = linear(ws, ys, b)
    count = len(s.operands)
    assert [linear_role(i, count) for i in range(count)] == [
        (0, 3), (0, 4), (0, 5), (1, 0), (1, 1), (1, 2), (2, None)
    ]  # fmt: skip
    values = [p.data for p in s.parents]  # all operands are Values here: parents = operands
    for i, local in enumerate(s.local_grads):
        partner = linear_role(i, count)[1]
        assert local == (1.0 if partner is None else values[partner])
    terms = {t.symbol: t for st in explain(s) for t in st.terms}
    sigma = "∂(w0·y0 + w1·y1 + w2·y2 + b)"
    assert terms[f"{sigma}/∂w1"].formula == "y1" and terms[f"{sigma}/∂w1"].worked == "20.00"
    assert terms[f"{sigma}/∂y2"].formula == "w2" and terms[f"{sigma}/∂y2"].worked == "4.000"
    assert terms[f"{sigma}/∂b"].formula == "1" and terms[f"{sigma}/∂b"].local_text().endswith("= 1")


# ==== formulas a learner can check with a calculator (issue 19, item 4) ====


def test_a_power_with_a_number_exponent_is_written_as_a_calculator_takes_it() -> None:
    x = Value(1.5, label="x")

    def local(e: float, at: Value = x) -> str:
        return step_of(explain(at**e), at.label).terms[0].local_text()

    assert local(3) == f"∂(x**3)/∂x = 3·x² = 3·1.500² = {3 * 1.5**2:#.4g}"
    assert (
        local(3, Value(-1.5, label="x")) == f"∂(x**3)/∂x = 3·x² = 3·(-1.500)² = {3 * 1.5**2:#.4g}"
    )
    assert local(2) == f"∂(x**2)/∂x = 2·x = 2·1.500 = {2 * 1.5:#.4g}"
    assert local(4) == f"∂(x**4)/∂x = 4·x³ = 4·1.500³ = {4 * 1.5**3:#.4g}"
    assert local(1) == "∂(x**1)/∂x = 1"
    assert local(-1) == f"∂(x**(-1))/∂x = -1/x² = -1/1.500² = {-1 / 1.5**2:#.4g}"
    assert local(-2) == f"∂(x**(-2))/∂x = -2/x³ = -2/1.500³ = {-2 / 1.5**3:#.4g}"
    # Not an integer: the exponent worked out, as a calculator's x^y key takes it.
    assert (
        local(0.5) == f"∂(x**0.5)/∂x = 0.5·x**(-0.5) = 0.5·1.500**(-0.5) = {0.5 * 1.5**-0.5:#.4g}"
    )
    assert local(2.5) == f"∂(x**2.5)/∂x = 2.5·x**1.5 = 2.5·1.500**1.5 = {2.5 * 1.5**1.5:#.4g}"
    # A Value exponent keeps the rule in letters, worked with its numbers.
    y = Value(3.0, label="y")
    ex = explain(x**y)
    assert step_of(ex, "x").terms[0].local_text() == (
        f"∂(x**y)/∂x = y·x**(y - 1) = 3.000·1.500**(3.000 - 1) = {3 * 1.5**2:#.4g}"
    )


def test_the_natural_log_is_written_ln_as_on_a_calculator() -> None:
    x, y = Value(1.5, label="x"), Value(3.0, label="y")
    (t,) = step_of(explain(2**x), "x").terms
    # 2.828·ln(2) is 1.960, the exact value 1.961: the listing says ≈.
    assert (
        t.local_text()
        == f"∂(2**x)/∂x = f·ln(2) = {2**1.5:#.4g}·ln(2) ≈ {2**1.5 * math.log(2):#.4g}"
    )
    (t,) = step_of(explain(x**y), "y").terms
    assert t.formula == "f·ln(x)" and t.worked == f"{1.5**3:#.4g}·ln(1.500)"
    assert all("log(" not in t.formula for s in explain((x**y).log() + 2**x) for t in s.terms)


def test_a_tie_at_the_last_printed_digit_is_approximate() -> None:
    # 0.2295 × 1.700 is 0.39015 exactly: printed to 4 digits it is 0.3901 or 0.3902.
    w, a, b = Value(0.2295, label="w"), Value(1.0, label="a"), Value(1.7, label="b")
    ex = explain(w * (a * b))
    da = step_of(ex, "a")
    (t,) = da.terms
    assert t.contribution_text() == f"0.2295 × 1.700 ≈ {num(t.product)}"
    assert da.arithmetic() == f"= 0.2295 × 1.700 ≈ {num(da.grad)}"
    # (-0.06250) + (-1.500) is -1.5625 exactly.
    a = Value(1.0, label="a")
    ex = explain(a * -1.5 + a * -0.0625)
    da = step_of(ex, "a")
    assert da.total_text() == f"∂f/∂a = (-0.06250) + (-1.500) ≈ {num(da.grad)}"
    # Several uses: ≈ before the contributions too when a product of printed numbers is not
    # its printed contribution (0.01172 × 0.3000 is 0.003516; the contribution is 0.003515).
    assert step_of(explain(Net().e), "x1").arithmetic() == (
        "= 0.01172 × 0.3000 + (-0.01623) × 0.1500 ≈ 0.003515 + (-0.002435) = 0.001080"
    )
    # Not a tie: 0.2294 × 1.700 = 0.38998 is 0.3900 whichever way a float rounds it.
    w = Value(0.2294, label="w")
    (t,) = step_of(explain(w * (a * b)), "a").terms
    assert t.contribution_text() == "0.2294 × 1.700 = 0.3900"
