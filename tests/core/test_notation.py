"""The notation of `explain`: golden listings a learner reads line by line, and its invariants.

The golden listings are the exact text of four graphs (the micrograd lecture's neuron, with
its labels; ``x*y + a*a``; ``sigmoid(w*x + b)``; and variables named a, b and f). Their
numbers are also recomputed here from the math module, so a listing that changed its
arithmetic fails twice. The property test runs random expressions from tests/strategies.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, explain, topological_order
from autograd.core.notation import delimited, num, prints_as, product, total
from autograd.teach.expr import ExpressionError, parse
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
∂tanh(n)/∂n, with one operation's own expression on top, is the local
derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative;
∂o/∂v is the sum of the contributions.

1. o = tanh(n) = 0.7071
   ∂o/∂o = 1: backward starts here.

2. n = [x1*w1 + x2*w2] + b = 0.8814
   ∂o/∂n = ∂o/∂o · ∂tanh(n)/∂n
     upstream gradient  ∂o/∂o = 1.000
     local derivative   ∂tanh(n)/∂n = 1 - o² = 1 - 0.7071² = 0.5000
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
  #1 = x * y = 12.00
  #2 = a * a = 4.000
  f  = #1 + #2 = 16.00

Backward pass, from f back to the inputs (the chain rule).
∂f/∂v is the gradient of the output f with respect to a node v, while
∂(#1 + #2)/∂#2, with one operation's own expression on top, is the local
derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative;
∂f/∂v is the sum of the contributions.

1. f = #1 + #2 = 16.00
   ∂f/∂f = 1: backward starts here.

2. #2 = a * a = 4.000
   ∂f/∂#2 = ∂f/∂f · ∂(#1 + #2)/∂#2
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂(#1 + #2)/∂#2 = 1
     contribution       1.000 × 1.000 = 1.000
   ∂f/∂#2 = 1.000

3. #1 = x * y = 12.00
   ∂f/∂#1 = ∂f/∂f · ∂(#1 + #2)/∂#1
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂(#1 + #2)/∂#1 = 1
     contribution       1.000 × 1.000 = 1.000
   ∂f/∂#1 = 1.000

4. a = 2.000 (input)
   ∂f/∂a = ∂f/∂#2 · ∂(a·a)/∂a (left a) + ∂f/∂#2 · ∂(a·a)/∂a (right a)
   use 1 of 2, by #2 = a * a, left operand:
     upstream gradient  ∂f/∂#2 = 1.000
     local derivative   ∂(a·a)/∂a (left a) = a = 2.000
     contribution       1.000 × 2.000 = 2.000
   use 2 of 2, by #2 = a * a, right operand:
     upstream gradient  ∂f/∂#2 = 1.000
     local derivative   ∂(a·a)/∂a (right a) = a = 2.000
     contribution       1.000 × 2.000 = 2.000
   ∂f/∂a = 2.000 + 2.000 = 4.000

5. y = 4.000 (input)
   ∂f/∂y = ∂f/∂#1 · ∂(x·y)/∂y
     upstream gradient  ∂f/∂#1 = 1.000
     local derivative   ∂(x·y)/∂y = x = 3.000
     contribution       1.000 × 3.000 = 3.000
   ∂f/∂y = 3.000

6. x = 3.000 (input)
   ∂f/∂x = ∂f/∂#1 · ∂(x·y)/∂x
     upstream gradient  ∂f/∂#1 = 1.000
     local derivative   ∂(x·y)/∂x = y = 4.000
     contribution       1.000 × 4.000 = 4.000
   ∂f/∂x = 4.000
"""

SIGMOID = """\
Forward pass:
  w  = 0.5000
  x  = 1.000
  b  = -0.2000
  #1 = w * x = 0.5000
  #2 = #1 + b = 0.3000
  f  = sigmoid(#2) = 0.5744

Backward pass, from f back to the inputs (the chain rule).
∂f/∂v is the gradient of the output f with respect to a node v, while
∂σ(#2)/∂#2, with one operation's own expression on top, is the local
derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative;
∂f/∂v is the sum of the contributions.

1. f = sigmoid(#2) = 0.5744
   ∂f/∂f = 1: backward starts here.

2. #2 = #1 + b = 0.3000
   ∂f/∂#2 = ∂f/∂f · ∂σ(#2)/∂#2
     upstream gradient  ∂f/∂f = 1.000
     local derivative   ∂σ(#2)/∂#2 = f·(1 - f) = 0.5744·(1 - 0.5744) = 0.2445
     contribution       1.000 × 0.2445 = 0.2445
   ∂f/∂#2 = 0.2445

3. #1 = w * x = 0.5000
   ∂f/∂#1 = ∂f/∂#2 · ∂(#1 + b)/∂#1
     upstream gradient  ∂f/∂#2 = 0.2445
     local derivative   ∂(#1 + b)/∂#1 = 1
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂#1 = 0.2445

4. b = -0.2000 (input)
   ∂f/∂b = ∂f/∂#2 · ∂(#1 + b)/∂b
     upstream gradient  ∂f/∂#2 = 0.2445
     local derivative   ∂(#1 + b)/∂b = 1
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂b = 0.2445

5. x = 1.000 (input)
   ∂f/∂x = ∂f/∂#1 · ∂(w·x)/∂x
     upstream gradient  ∂f/∂#1 = 0.2445
     local derivative   ∂(w·x)/∂x = w = 0.5000
     contribution       0.2445 × 0.5000 ≈ 0.1222
   ∂f/∂x = 0.1222

6. w = 0.5000 (input)
   ∂f/∂w = ∂f/∂#1 · ∂(w·x)/∂w
     upstream gradient  ∂f/∂#1 = 0.2445
     local derivative   ∂(w·x)/∂w = x = 1.000
     contribution       0.2445 × 1.000 = 0.2445
   ∂f/∂w = 0.2445
"""

ABF = """\
Forward pass:
  a   = 2.000
  b   = -1.000
  f   = 3.000
  #1  = a * b = -2.000
  #2  = f / b = -3.000
  #3  = #1 + #2 = -5.000
  out = exp(#3) = 0.006738

Backward pass, from out back to the inputs (the chain rule).
∂out/∂v is the gradient of the output out with respect to a node v, while
∂exp(#3)/∂#3, with one operation's own expression on top, is the local
derivative of that operation alone.
Each use of v contributes upstream gradient × local derivative;
∂out/∂v is the sum of the contributions.

1. out = exp(#3) = 0.006738
   ∂out/∂out = 1: backward starts here.

2. #3 = #1 + #2 = -5.000
   ∂out/∂#3 = ∂out/∂out · ∂exp(#3)/∂#3
     upstream gradient  ∂out/∂out = 1.000
     local derivative   ∂exp(#3)/∂#3 = out = 0.006738
     contribution       1.000 × 0.006738 = 0.006738
   ∂out/∂#3 = 0.006738

3. #2 = f / b = -3.000
   ∂out/∂#2 = ∂out/∂#3 · ∂(#1 + #2)/∂#2
     upstream gradient  ∂out/∂#3 = 0.006738
     local derivative   ∂(#1 + #2)/∂#2 = 1
     contribution       0.006738 × 1.000 = 0.006738
   ∂out/∂#2 = 0.006738

4. #1 = a * b = -2.000
   ∂out/∂#1 = ∂out/∂#3 · ∂(#1 + #2)/∂#1
     upstream gradient  ∂out/∂#3 = 0.006738
     local derivative   ∂(#1 + #2)/∂#1 = 1
     contribution       0.006738 × 1.000 = 0.006738
   ∂out/∂#1 = 0.006738

5. f = 3.000 (input)
   ∂out/∂f = ∂out/∂#2 · ∂(f/b)/∂f
     upstream gradient  ∂out/∂#2 = 0.006738
     local derivative   ∂(f/b)/∂f = 1/b = 1/(-1.000) = -1.000
     contribution       0.006738 × (-1.000) = -0.006738
   ∂out/∂f = -0.006738

6. b = -1.000 (input)
   ∂out/∂b = ∂out/∂#2 · ∂(f/b)/∂b + ∂out/∂#1 · ∂(a·b)/∂b
   use 1 of 2, by #2 = f / b:
     upstream gradient  ∂out/∂#2 = 0.006738
     local derivative   ∂(f/b)/∂b = -f/b² = -3.000/(-1.000)² = -3.000
     contribution       0.006738 × (-3.000) = -0.02021
   use 2 of 2, by #1 = a * b:
     upstream gradient  ∂out/∂#1 = 0.006738
     local derivative   ∂(a·b)/∂b = a = 2.000
     contribution       0.006738 × 2.000 = 0.01348
   ∂out/∂b = (-0.02021) + 0.01348 ≈ -0.006738

7. a = 2.000 (input)
   ∂out/∂a = ∂out/∂#1 · ∂(a·b)/∂a
     upstream gradient  ∂out/∂#1 = 0.006738
     local derivative   ∂(a·b)/∂a = b = -1.000
     contribution       0.006738 × (-1.000) = -0.006738
   ∂out/∂a = -0.006738
"""


def test_the_lecture_neuron_reads_in_its_own_labels() -> None:
    assert str(explain(neuron())) == NEURON.rstrip("\n")
    # The numbers, worked independently: n = 2·(-3) + 0·1 + b, o = tanh n, ∂o/∂n = 1 - o².
    n = 2.0 * -3.0 + 0.0 * 1.0 + B
    o = math.tanh(n)
    assert f"n = [x1*w1 + x2*w2] + b = {n:#.4g}" in NEURON
    assert f"1 - o² = 1 - {o:#.4g}² = {1 - o * o:#.4g}" in NEURON
    assert f"∂o/∂x1 = {(1 - o * o) * -3.0:#.4g}" in NEURON
    assert f"∂o/∂w1 = {(1 - o * o) * 2.0:#.4g}" in NEURON


def test_x_y_plus_a_a_names_both_uses_of_a() -> None:
    assert str(explain(x_y_a())) == XY_AA.rstrip("\n")
    assert "∂(a·a)/∂a (left a) = a = 2.000" in XY_AA
    assert f"∂f/∂a = 2.000 + 2.000 = {2 * 2.0:#.4g}" in XY_AA


def test_sigmoid_rule_is_written_in_the_graphs_names() -> None:
    assert str(explain(sigmoid_neuron())) == SIGMOID.rstrip("\n")
    s = 1.0 / (1.0 + math.exp(-(0.5 * 1.0 - 0.2)))
    assert f"∂σ(#2)/∂#2 = f·(1 - f) = {s:#.4g}·(1 - {s:#.4g}) = {s * (1 - s):#.4g}" in SIGMOID
    # The rule's letters never stand for anything but the graph's own nodes.
    assert "∂(ab)" not in SIGMOID and "y(1 - y)" not in SIGMOID


def test_variables_named_a_b_and_f() -> None:
    assert str(explain(a_b_f())) == ABF.rstrip("\n")
    # The output is called out (f is taken), never f′, which would read as a derivative.
    assert "′" not in ABF
    out = math.exp(2.0 * -1.0 + 3.0 / -1.0)
    db = out * (-3.0 / 1.0) + out * 2.0
    assert f"≈ {db:#.4g}" in ABF  # the printed terms do not add up to the printed sum exactly
    assert num(round(-0.02021 + 0.01348, 6)) != num(db)


NAME = r"(?:[^\W\d]\w*|\[[^\]]*\]|#[1-9][0-9]*)"
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
    n1 = Value(1.0, label="#1")
    other = Value(2.0, label="#1")
    y = (n1 * other) + n1
    names = [s.name for s in explain(y)]
    assert sorted(names) == sorted(["#1", "#1′", "#2", "f"])


# ==== automatic names beside the user's (issue 19, item 5) ====


def test_automatic_names_never_look_like_or_equal_a_users() -> None:
    # The micrograd neuron as a learner builds it in Python: only n and o are labelled.
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    n = x1 * w1 + x2 * w2 + Value(B, label="b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    ex = explain(o)
    made = [ex.names[v] for v in ex.order if not v.label]
    assert made == ["#1", "#2", "#3"]
    assert f"  n  = #3 + b = {n.data:#.4g}\n" in str(ex)
    assert "∂o/∂#3 = ∂o/∂n · ∂(#3 + b)/∂#3" in str(ex)  # no brackets: # is no operator
    # Not a name the expression language can read: no learner's name can look like one.
    for name in made:
        assert not unicodedata.normalize("NFKC", name).isidentifier()
        with pytest.raises(ExpressionError, match="how a listing calls a node you did not name"):
            parse(f"{name} * 2")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["#1", "＃2", "#3", "n1", "n₁", "f", "ｆ", "out", "x", ""]),
        min_size=3,
        max_size=6,
    )
)
def test_no_automatic_name_equals_a_label_even_after_nfkc(labels: list[str]) -> None:
    leaves = [Value(float(i + 1), label=label) for i, label in enumerate(labels)]
    root = leaves[0]
    for leaf in leaves[1:]:
        root = root * leaf + leaf  # unlabelled interior nodes, and an unlabelled root
    ex = explain(root)
    given_ = {unicodedata.normalize("NFKC", v.label) for v in ex.order if v.label}
    made = [ex.names[v] for v in ex.order if not v.label]
    assert not given_ & {unicodedata.normalize("NFKC", name) for name in made}
    assert all(re.fullmatch(r"#[1-9][0-9]*", name) for name in made[:-1])


# ==== "=" between printed numbers: exact, and never from a tie (issue 19, item 4) ====


def _exponent(q: Fraction) -> int:
    """The power of ten of q's leading digit, on exact fractions."""
    e = len(str(abs(q.numerator))) - len(str(q.denominator))
    while Fraction(10) ** e > abs(q):
        e -= 1
    while Fraction(10) ** (e + 1) <= abs(q):
        e += 1
    return e


def _true_as_printed(exact: Fraction, result: float) -> bool:
    """Written again on fractions: the printed result is a number of 4 significant digits at
    exact's magnitude, strictly within half a last digit of it (a tie could go either way)."""
    printed = Fraction(num(result))
    if exact == 0:
        return printed == 0
    unit = Fraction(10) ** (_exponent(exact) - 3)
    return (printed / unit).denominator == 1 and abs(exact - printed) < unit / 2


# Numbers a listing prints: 4 significant digits, the last digit often 5 (ties are common).
printed_numbers = st.builds(
    lambda digits, e, sign: sign * digits * 10.0**e,
    st.integers(1000, 9999),
    st.integers(-8, 2),
    st.sampled_from([1, -1]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(printed_numbers, min_size=2, max_size=4))
def test_equals_means_the_printed_numbers_give_the_printed_result(xs: list[float]) -> None:
    a, b = xs[0], xs[1]
    assert prints_as(product(a, b), a * b) == _true_as_printed(
        Fraction(num(a)) * Fraction(num(b)), a * b
    )
    total_ = math.fsum(xs)
    assert prints_as(total(xs), total_) == _true_as_printed(
        sum((Fraction(num(x)) for x in xs), Fraction(0)), total_
    )
    # A float worked out from them never says more than the exact value does.
    if prints_as(a * b, a * b):
        assert _true_as_printed(Fraction(num(a)) * Fraction(num(b)), a * b)
