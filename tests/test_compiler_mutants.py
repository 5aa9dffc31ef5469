"""`autograd.compile`: behaviour that mutation testing of compiler.py found unpinned.

Numbers are checked against the interpreter (``backward()`` on the same graph), bit for bit.
Where the generated text is what a reader sees (``step.source``, printed by ``autograd
compile`` and the demos' ``--show-code``; error messages), the exact text is the contract.
"""

from __future__ import annotations

import math
import struct
import traceback
from collections.abc import Callable, Sequence

import pytest

from autograd import Op, Value, apply, compile
from autograd.core.compiler import Compiled, ShapeError, same_shape


def bits(x: float) -> bytes:
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


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
        "    gn6 = gn8  # ∂loss/∂n6 = ∂loss/∂loss · ∂(n6 − n7)/∂n6 = 1\n"
        "    gn7 = -gn8  # ∂loss/∂n7 = ∂loss/∂loss · ∂(n6 − n7)/∂n7 = −1\n"
        "    gp0 += gn7 * ((-_inf))  # ∂loss/∂w += ∂loss/∂n7 · ∂(w·-inf)/∂w = -inf\n"
        "    gn5 = gn6 * _nan  # ∂loss/∂n5 = ∂loss/∂n6 · ∂(n5·nan)/∂n5 = nan\n"
        "    gn3 = gn5  # ∂loss/∂h = ∂loss/∂n5 · ∂(h + n4)/∂h = 1\n"
        "    gn2 = gn3 * (1.0 - n3 * n3)  # ∂loss/∂n2 = ∂loss/∂h · ∂tanh(n2)/∂n2 = 1 − h²\n"
        "    gn1 = gn2  # ∂loss/∂n1 = ∂loss/∂n2 · ∂(n1 − b)/∂n1 = 1\n"
        "    gp1 += -gn2  # ∂loss/∂b += ∂loss/∂n2 · ∂(n1 − b)/∂b = −1\n"
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
    assert "gp0 += gn1 * (log(p0) + 1.0)  # ∂f/∂w += ∂f/∂n1 · [∂'xlogx'/∂operand 0]" in source


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
