# ruff: noqa: E501 - golden listings are the exact lines a terminal shows
"""The notation of `explain`: golden listings a learner reads line by line, and its invariants.

The golden listings are the exact text of four graphs (the micrograd lecture's neuron, with
its labels; ``x*y + a*a``; ``sigmoid(w*x + b)``; and variables named a, b and f). Their
numbers are also recomputed here from the math module, so a listing that changed its
arithmetic fails twice. The property test runs random expressions from tests/strategies.py.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import assume, given, settings

from autograd import Value, explain, topological_order
from autograd.core.notation import delimited, num
from tests.strategies import ARITH_ERRORS, evaluate, expressions, points

B = 6.8813735870195432


def neuron() -> Value:
    """The lecture's neuron, labelled as the lecture labels it."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(B, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def x_y_a() -> Value:
    x, y, a = Value(3.0, label="x"), Value(4.0, label="y"), Value(2.0, label="a")
    return x * y + a * a


def sigmoid_neuron() -> Value:
    w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
    return (w * x + b).sigmoid()


def a_b_f() -> Value:
    a, b, f = Value(2.0, label="a"), Value(-1.0, label="b"), Value(3.0, label="f")
    return (a * b + f / b).exp()


NEURON = """\
Forward pass:
  x1              = 2.000
  x2              = 0.000
  w1              = -3.000
  w2              = 1.000
  b               = 6.881
  [x1*w1]         = x1 * w1 = -6.000
  [x2*w2]         = x2 * w2 = 0.000
  [x1*w1 + x2*w2] = [x1*w1] + [x2*w2] = -6.000
  n               = [x1*w1 + x2*w2] + b = 0.8814
  o               = tanh(n) = 0.7071

Backward pass, from o back to the inputs (the chain rule).
∂o/∂v is the gradient of the output o with respect to a node v, while
∂tanh(n)/∂n, with one operation's own expression on top, is the local derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative; ∂o/∂v is the sum of the contributions.

1. o = tanh(n) = 0.7071
   ∂o/∂o = 1: backward starts here.

2. n = [x1*w1 + x2*w2] + b = 0.8814
   ∂o/∂n = ∂o/∂o · ∂tanh(n)/∂n
     upstream gradient  ∂o/∂o = 1.000
     local derivative   ∂tanh(n)/∂n = 1 − o² = 1 − 0.7071² = 0.5000
     contribution       1.000 × 0.5000 = 0.5000
   ∂o/∂n = 0.5000

3. [x1*w1 + x2*w2] = [x1*w1] + [x2*w2] = -6.000
   ∂o/∂[x1*w1 + x2*w2] = ∂o/∂n · ∂([x1*w1 + x2*w2] + b)/∂[x1*w1 + x2*w2]
     upstream gradient  ∂o/∂n = 0.5000
     local derivative   ∂([x1*w1 + x2*w2] + b)/∂[x1*w1 + x2*w2] = 1
     contribution       0.5000 × 1.000 = 0.5000
   ∂o/∂[x1*w1 + x2*w2] = 0.5000

4. [x2*w2] = x2 * w2 = 0.000
   ∂o/∂[x2*w2] = ∂o/∂[x1*w1 + x2*w2] · ∂([x1*w1] + [x2*w2])/∂[x2*w2]
     upstream gradient  ∂o/∂[x1*w1 + x2*w2] = 0.5000
     local derivative   ∂([x1*w1] + [x2*w2])/∂[x2*w2] = 1
     contribution       0.5000 × 1.000 = 0.5000
   ∂o/∂[x2*w2] = 0.5000

5. [x1*w1] = x1 * w1 = -6.000
   ∂o/∂[x1*w1] = ∂o/∂[x1*w1 + x2*w2] · ∂([x1*w1] + [x2*w2])/∂[x1*w1]
     upstream gradient  ∂o/∂[x1*w1 + x2*w2] = 0.5000
     local derivative   ∂([x1*w1] + [x2*w2])/∂[x1*w1] = 1
     contribution       0.5000 × 1.000 = 0.5000
   ∂o/∂[x1*w1] = 0.5000

6. b = 6.881 (input)
   ∂o/∂b = ∂o/∂n · ∂([x1*w1 + x2*w2] + b)/∂b
     upstream gradient  ∂o/∂n = 0.5000
     local derivative   ∂([x1*w1 + x2*w2] + b)/∂b = 1
     contribution       0.5000 × 1.000 = 0.5000
   ∂o/∂b = 0.5000

7. w2 = 1.000 (input)
   ∂o/∂w2 = ∂o/∂[x2*w2] · ∂(x2·w2)/∂w2
     upstream gradient  ∂o/∂[x2*w2] = 0.5000
     local derivative   ∂(x2·w2)/∂w2 = x2 = 0.000
     contribution       0.5000 × 0.000 = 0.000
   ∂o/∂w2 = 0.000

8. w1 = -3.000 (input)
   ∂o/∂w1 = ∂o/∂[x1*w1] · ∂(x1·w1)/∂w1
     upstream gradient  ∂o/∂[x1*w1] = 0.5000
     local derivative   ∂(x1·w1)/∂w1 = x1 = 2.000
     contribution       0.5000 × 2.000 = 1.000
   ∂o/∂w1 = 1.000

9. x2 = 0.000 (input)
   ∂o/∂x2 = ∂o/∂[x2*w2] · ∂(x2·w2)/∂x2
     upstream gradient  ∂o/∂[x2*w2] = 0.5000
     local derivative   ∂(x2·w2)/∂x2 = w2 = 1.000
     contribution       0.5000 × 1.000 = 0.5000
   ∂o/∂x2 = 0.5000

10. x1 = 2.000 (input)
    ∂o/∂x1 = ∂o/∂[x1*w1] · ∂(x1·w1)/∂x1
      upstream gradient  ∂o/∂[x1*w1] = 0.5000
      local derivative   ∂(x1·w1)/∂x1 = w1 = -3.000
      contribution       0.5000 × (-3.000) = -1.500
    ∂o/∂x1 = -1.500
"""

XY_AA = """\
Forward pass:
  x  = 3.000
  y  = 4.000
  a  = 2.000
  n1 = x * y = 12.00
  n2 = a * a = 4.000
  f  = n1 + n2 = 16.00

Backward pass, from f back to the inputs (the chain rule).
∂f/∂v is the gradient of the output f with respect to a node v, while
∂(n1 + n2)/∂n2, with one operation's own expression on top, is the local derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative; ∂f/∂v is the sum of the contributions.

1. f = n1 + n2 = 16.00
   ∂f/∂f = 1: backward starts here.

2. n2 = a * a = 4.000
   ∂f/∂n2 = ∂f/∂f · ∂(n1 + n2)/∂n2
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂(n1 + n2)/∂n2 = 1
     contribution       1.000 × 1.000 = 1.000
   ∂f/∂n2 = 1.000

3. n1 = x * y = 12.00
   ∂f/∂n1 = ∂f/∂f · ∂(n1 + n2)/∂n1
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂(n1 + n2)/∂n1 = 1
     contribution       1.000 × 1.000 = 1.000
   ∂f/∂n1 = 1.000

4. a = 2.000 (input)
   ∂f/∂a = ∂f/∂n2 · ∂(a·a)/∂a (left a) + ∂f/∂n2 · ∂(a·a)/∂a (right a)
   use 1 of 2, by n2 = a * a, left operand:
     upstream gradient  ∂f/∂n2 = 1.000
     local derivative   ∂(a·a)/∂a (left a) = a = 2.000
     contribution       1.000 × 2.000 = 2.000
   use 2 of 2, by n2 = a * a, right operand:
     upstream gradient  ∂f/∂n2 = 1.000
     local derivative   ∂(a·a)/∂a (right a) = a = 2.000
     contribution       1.000 × 2.000 = 2.000
   ∂f/∂a = 2.000 + 2.000 = 4.000

5. y = 4.000 (input)
   ∂f/∂y = ∂f/∂n1 · ∂(x·y)/∂y
     upstream gradient  ∂f/∂n1 = 1.000
     local derivative   ∂(x·y)/∂y = x = 3.000
     contribution       1.000 × 3.000 = 3.000
   ∂f/∂y = 3.000

6. x = 3.000 (input)
   ∂f/∂x = ∂f/∂n1 · ∂(x·y)/∂x
     upstream gradient  ∂f/∂n1 = 1.000
     local derivative   ∂(x·y)/∂x = y = 4.000
     contribution       1.000 × 4.000 = 4.000
   ∂f/∂x = 4.000
"""

SIGMOID = """\
Forward pass:
  w  = 0.5000
  x  = 1.000
  b  = -0.2000
  n1 = w * x = 0.5000
  n2 = n1 + b = 0.3000
  f  = sigmoid(n2) = 0.5744

Backward pass, from f back to the inputs (the chain rule).
∂f/∂v is the gradient of the output f with respect to a node v, while
∂σ(n2)/∂n2, with one operation's own expression on top, is the local derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative; ∂f/∂v is the sum of the contributions.

1. f = sigmoid(n2) = 0.5744
   ∂f/∂f = 1: backward starts here.

2. n2 = n1 + b = 0.3000
   ∂f/∂n2 = ∂f/∂f · ∂σ(n2)/∂n2
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂σ(n2)/∂n2 = f·(1 − f) = 0.5744·(1 − 0.5744) = 0.2445
     contribution       1.000 × 0.2445 = 0.2445
   ∂f/∂n2 = 0.2445

3. n1 = w * x = 0.5000
   ∂f/∂n1 = ∂f/∂n2 · ∂(n1 + b)/∂n1
     upstream gradient  ∂f/∂n2 = 0.2445
     local derivative   ∂(n1 + b)/∂n1 = 1
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂n1 = 0.2445

4. b = -0.2000 (input)
   ∂f/∂b = ∂f/∂n2 · ∂(n1 + b)/∂b
     upstream gradient  ∂f/∂n2 = 0.2445
     local derivative   ∂(n1 + b)/∂b = 1
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂b = 0.2445

5. x = 1.000 (input)
   ∂f/∂x = ∂f/∂n1 · ∂(w·x)/∂x
     upstream gradient  ∂f/∂n1 = 0.2445
     local derivative   ∂(w·x)/∂x = w = 0.5000
     contribution       0.2445 × 0.5000 = 0.1222
   ∂f/∂x = 0.1222

6. w = 0.5000 (input)
   ∂f/∂w = ∂f/∂n1 · ∂(w·x)/∂w
     upstream gradient  ∂f/∂n1 = 0.2445
     local derivative   ∂(w·x)/∂w = x = 1.000
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂w = 0.2445
"""

ABF = """\
Forward pass:
  a   = 2.000
  b   = -1.000
  f   = 3.000
  n1  = a * b = -2.000
  n2  = f / b = -3.000
  n3  = n1 + n2 = -5.000
  out = exp(n3) = 0.006738

Backward pass, from out back to the inputs (the chain rule).
∂out/∂v is the gradient of the output out with respect to a node v, while
∂exp(n3)/∂n3, with one operation's own expression on top, is the local derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative; ∂out/∂v is the sum of the contributions.

1. out = exp(n3) = 0.006738
   ∂out/∂out = 1: backward starts here.

2. n3 = n1 + n2 = -5.000
   ∂out/∂n3 = ∂out/∂out · ∂exp(n3)/∂n3
     upstream gradient  ∂out/∂out = 1.000
     local derivative   ∂exp(n3)/∂n3 = out = 0.006738
     contribution       1.000 × 0.006738 = 0.006738
   ∂out/∂n3 = 0.006738

3. n2 = f / b = -3.000
   ∂out/∂n2 = ∂out/∂n3 · ∂(n1 + n2)/∂n2
     upstream gradient  ∂out/∂n3 = 0.006738
     local derivative   ∂(n1 + n2)/∂n2 = 1
     contribution       0.006738 × 1.000 = 0.006738
   ∂out/∂n2 = 0.006738

4. n1 = a * b = -2.000
   ∂out/∂n1 = ∂out/∂n3 · ∂(n1 + n2)/∂n1
     upstream gradient  ∂out/∂n3 = 0.006738
     local derivative   ∂(n1 + n2)/∂n1 = 1
     contribution       0.006738 × 1.000 = 0.006738
   ∂out/∂n1 = 0.006738

5. f = 3.000 (input)
   ∂out/∂f = ∂out/∂n2 · ∂(f/b)/∂f
     upstream gradient  ∂out/∂n2 = 0.006738
     local derivative   ∂(f/b)/∂f = 1/b = 1/(-1.000) = -1.000
     contribution       0.006738 × (-1.000) = -0.006738
   ∂out/∂f = -0.006738

6. b = -1.000 (input)
   ∂out/∂b = ∂out/∂n2 · ∂(f/b)/∂b + ∂out/∂n1 · ∂(a·b)/∂b
   use 1 of 2, by n2 = f / b:
     upstream gradient  ∂out/∂n2 = 0.006738
     local derivative   ∂(f/b)/∂b = −f/b² = −3.000/(-1.000)² = -3.000
     contribution       0.006738 × (-3.000) = -0.02021
   use 2 of 2, by n1 = a * b:
     upstream gradient  ∂out/∂n1 = 0.006738
     local derivative   ∂(a·b)/∂b = a = 2.000
     contribution       0.006738 × 2.000 = 0.01348
   ∂out/∂b = (-0.02021) + 0.01348 ≈ -0.006738

7. a = 2.000 (input)
   ∂out/∂a = ∂out/∂n1 · ∂(a·b)/∂a
     upstream gradient  ∂out/∂n1 = 0.006738
     local derivative   ∂(a·b)/∂a = b = -1.000
     contribution       0.006738 × (-1.000) = -0.006738
   ∂out/∂a = -0.006738
"""


def test_the_lecture_neuron_reads_in_its_own_labels() -> None:
    assert str(explain(neuron())) == NEURON.rstrip("\n")
    # The numbers, worked independently: n = 2·(−3) + 0·1 + b, o = tanh n, ∂o/∂n = 1 − o².
    n = 2.0 * -3.0 + 0.0 * 1.0 + B
    o = math.tanh(n)
    assert f"n = [x1*w1 + x2*w2] + b = {n:#.4g}" in NEURON
    assert f"1 − o² = 1 − {o:#.4g}² = {1 - o * o:#.4g}" in NEURON
    assert f"∂o/∂x1 = {(1 - o * o) * -3.0:#.4g}" in NEURON
    assert f"∂o/∂w1 = {(1 - o * o) * 2.0:#.4g}" in NEURON


def test_x_y_plus_a_a_names_both_uses_of_a() -> None:
    assert str(explain(x_y_a())) == XY_AA.rstrip("\n")
    assert "∂(a·a)/∂a (left a) = a = 2.000" in XY_AA
    assert f"∂f/∂a = 2.000 + 2.000 = {2 * 2.0:#.4g}" in XY_AA


def test_sigmoid_rule_is_written_in_the_graphs_names() -> None:
    assert str(explain(sigmoid_neuron())) == SIGMOID.rstrip("\n")
    s = 1.0 / (1.0 + math.exp(-(0.5 * 1.0 - 0.2)))
    assert f"∂σ(n2)/∂n2 = f·(1 − f) = {s:#.4g}·(1 − {s:#.4g}) = {s * (1 - s):#.4g}" in SIGMOID
    # The rule's letters never stand for anything but the graph's own nodes.
    assert "∂(ab)" not in SIGMOID and "y(1 − y)" not in SIGMOID


def test_variables_named_a_b_and_f() -> None:
    assert str(explain(a_b_f())) == ABF.rstrip("\n")
    # The output is called out (f is taken), never f′, which would read as a derivative.
    assert "′" not in ABF
    out = math.exp(2.0 * -1.0 + 3.0 / -1.0)
    db = out * (-3.0 / 1.0) + out * 2.0
    assert f"≈ {db:#.4g}" in ABF  # the printed terms do not add up to the printed sum exactly
    assert num(round(-0.02021 + 0.01348, 6)) != num(db)


NAME = r"(?:[^\W\d]\w*|\[[^\]]*\])"
TOTAL = re.compile(f"∂{NAME}/∂{NAME}")


def labelled(xs: list[float]) -> list[Value]:
    # Names a learner might use, two of which are not plain identifiers.
    return [Value(x, label=name) for x, name in zip(xs, ["a+b", "f", "w.1"])]


@settings(max_examples=150, deadline=None)
@given(expressions(), points)
def test_notation_invariants_on_random_expressions(
    expr: tuple[object, ...], xs: list[float]
) -> None:
    leaves = labelled(xs)
    try:
        root = evaluate(expr, leaves)
    except ARITH_ERRORS:
        assume(False)
        return
    assume(isinstance(root, Value))
    ex = explain(root)
    totals = {s.symbol for s in ex} | {t.upstream_symbol for s in ex for t in s.terms}
    locals_ = {t.symbol for s in ex for t in s.terms}
    # A total gradient and a local derivative are never the same string.
    assert not totals & locals_
    assert all(TOTAL.fullmatch(s) for s in totals)
    text = str(ex)
    # Every label that is not an identifier appears only delimited.
    for name in ("a+b", "w.1"):
        assert name not in text.replace(delimited(name), "")
    # The numbers are backward()'s, bit for bit.
    root.backward()
    for v in topological_order(root):
        assert repr(ex.grad(v)) == repr(v.grad)  # nan too
    for s in ex:
        assert all(repr(t.product) == repr(t.upstream * t.local) for t in s.terms)
        # Several uses of a node in one step never read alike.
        uses = [(t.upstream_symbol, t.symbol) for t in s.terms]
        assert len(set(uses)) == len(uses)
        # "=" between printed numbers is true at the printed precision.
        for t in s.terms:
            if " = " in t.contribution_text():
                assert num(float(num(t.upstream)) * float(num(t.local))) == num(t.product)


class Printer:
    """What IPython's pretty printer offers ``_repr_pretty_``: ``text()``."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self, s: str) -> None:
        self.out.append(s)


def test_a_notebook_shows_the_listing_not_the_repr() -> None:
    ex = explain(x_y_a())
    printer = Printer()
    ex._repr_pretty_(printer, False)
    assert "".join(printer.out) == str(ex) == XY_AA.rstrip("\n")
    assert repr(ex) == "<Explanation of 6 steps for f>"
    assert not hasattr(ex, "_repr_html_")  # the stepper draws the HTML view


def test_custom_ops_teach_from_their_own_table_entry() -> None:
    from autograd import Op, apply

    x = Value(1.5, label="x")
    templated = Op(
        "cube",
        lambda a: a**3,
        (lambda a, out: 3 * a * a,),
        shows="{0}³",
        local_rules=("3·{0}²",),
    )
    assert templated.formulas == ("∂x³/∂x = 3·x²",)  # the generic rule, from the template
    (t,) = explain(apply(templated, x))[1].terms
    assert t.local_text() == f"∂x³/∂x = 3·x² = 3·1.500² = {3 * 1.5**2:#.4g}"
    # Only a rule in words (as before templates): shown as a rule, apart from the names.
    worded = Op("cube", lambda a: a**3, (lambda a, out: 3 * a * a,), ("∂(a³)/∂a = 3a²",))
    (t,) = explain(apply(worded, x))[1].terms
    assert t.local_text() == "∂cube(x)/∂x = 6.750 (rule: ∂(a³)/∂a = 3a²)"
    bare = Op("cube", lambda a: a**3, (lambda a, out: 3 * a * a,))
    (t,) = explain(apply(bare, x))[1].terms
    assert t.local_text() == "∂cube(x)/∂x = 6.750"


@pytest.mark.filterwarnings("error")
def test_leaf_root_and_names() -> None:
    x = Value(2.0)
    (step,) = explain(x)
    assert step.grad == 1.0 and step.name == "f"
    # Generated names step around labels; a duplicate label gets a prime.
    n1 = Value(1.0, label="n1")
    other = Value(2.0, label="n1")
    y = (n1 * other) + n1
    names = [s.name for s in explain(y)]
    assert sorted(names) == sorted(["n1", "n1′", "n2", "f"])
