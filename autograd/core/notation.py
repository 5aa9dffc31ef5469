"""How values and nodes are written for people: numbers, node names, definitions.

The drawing (`autograd.pages.draw`), the explanation (`autograd.teach.explain`) and the
HTML stepper all name nodes the same way, so a learner can match a line of the
explanation to a box in the picture:

* a Value with a label is called by its label;
* an unlabelled output (the root) is called ``f``, or ``out`` (``out1``, …) when a
  label is already ``f``: never a prime, which would read as a derivative;
* other unlabelled nodes are ``#1, #2, ...`` in the order they were computed;
* a name used twice gets primes (``x``, ``x′``) so every name is unique.

Why ``#1`` for the names the tools make up: beside a learner's own names (``n = #3 + b``)
it must never pass for one of them. ``n1`` did (a learner names a node ``n`` or ``n1``);
a subscript would not help, since the expression language, like Python, compares names
after NFKC normalisation, where ``n₁`` is ``n1``. No one can type ``#`` in a name: it is
not an identifier character, NFKC leaves it alone, and the expression language has no
``#`` at all. It reads as "node number 3" in prose and in formulas (``∂o/∂#3``), and
is no operator there, so `delimited` writes it without brackets. A label given in
Python can still be anything, ``#1`` too: automatic names step around every label,
compared after NFKC normalisation, so none is ever equal to a name the user gave.

One minus sign: the ASCII hyphen-minus ``-``, in every text the tools write (the
listings, the stepper, the practice pages and worksheets): operations (``a - b``),
their rules (``∂(a - b)/∂b = -1``, ``-sin(x)``), numbers (``-0.4938``, as Python
prints them) and the sentences around them. It is the sign a learner types, into the
expression language, a practice answer box and a calculator, so what is read can be
typed back as it is; U+2212 (−) would be one more sign to tell apart from it.

``=`` between a formula worked in printed numbers and a printed result means the
printed numbers give that result, as printed (`prints_as`); otherwise ``≈``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from autograd.core.engine import Value
from autograd.core.ops import constant

__all__ = [
    "OUTPUT_NAME",
    "as_printed",
    "bracketed",
    "constant",
    "definition",
    "delimited",
    "eq_sign",
    "gradient",
    "node_names",
    "num",
    "parameter_names",
    "printable",
    "prints_as",
    "product",
    "total",
]

OUTPUT_NAME = "f"
# When a label is already ``f``: out, then out1, out2, ...
_SPARE_OUTPUT_NAME = "out"
# Other unlabelled nodes: #1, #2, ... (see the module docstring for why #).
_AUTOMATIC = "#"
_AUTOMATIC_NAME = re.compile(r"#[1-9][0-9]*")

# A parameter name as the nn package writes it: dotted, e.g. "layers.0.neurons.1.w.2".
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.\w+)+")

# Operators written infix in a node's definition; everything else is a function call.
_INFIX = {"+", "-", "*", "/", "**"}


def num(x: float) -> str:
    """``x`` to 4 significant digits, trailing zeros kept: 0.2350, 1.000, -3.142e+05.

    Zero is written ``0.000`` whatever its sign.
    """
    if x == 0.0:
        return "0.000"
    return f"{x:#.4g}"


def bracketed(x: float) -> str:
    """``x`` as `num` prints it, inside a worked formula: in parentheses when negative."""
    s = num(x)
    return f"({s})" if s.startswith("-") else s


def as_printed(x: float) -> float:
    """``x`` as a reader sees it: rounded to the digits `num` prints."""
    return float(num(x))


def eq_sign(true_as_printed: bool) -> str:
    """``=`` between printed numbers that give the printed result, else ``≈``."""
    return "=" if true_as_printed else "≈"


# Sums and products of printed numbers, exactly: each has 4 digits, but a sum of numbers
# of very different sizes needs as many digits as lie between them.
_EXACT = Context(prec=10_000, traps=[])
# A rule worked in floats (cos of a printed number) is off by a few ulps: within this of
# halfway, it may be halfway exactly.
_FLOAT_SLACK = Decimal("1e-12")


def _decimal(x: float | str | Decimal) -> Decimal:
    """A number as a reader sees it, exactly: ``num(x)`` for a float, a printed text
    (``"1"``, ``"(-0.5000)"``) as it is."""
    if isinstance(x, Decimal):
        return x
    return Decimal((x if isinstance(x, str) else num(float(x))).strip("()"))


def product(*factors: float | str | Decimal) -> Decimal:
    """The product of numbers as printed (floats are printed by `num`), exactly."""
    with localcontext(_EXACT):
        out = Decimal(1)
        for x in factors:
            out *= _decimal(x)
        return out


def total(terms: Iterable[float | str | Decimal]) -> Decimal:
    """The sum of numbers as printed (floats are printed by `num`), exactly."""
    with localcontext(_EXACT):
        return sum((_decimal(x) for x in terms), Decimal(0))


def prints_as(value: Decimal | float, result: float) -> bool:
    """Whether ``= num(result)`` is true of ``value``, worked out from printed numbers.

    True when ``value`` rounds to ``num(result)`` at the 4 digits `num` prints, and not
    from halfway: 0.2295 × 1.700 is 0.39015, which prints as 0.3901 or 0.3902 depending
    on how it is rounded, so either is ``≈``. A Decimal is exact (`product`, `total`); a
    float is a rule worked in float arithmetic, so one within 1e-12 of halfway counts as
    halfway (saying ``≈`` of what is ``=`` is never false; the other way round would be).
    """
    shown = num(result)
    if isinstance(value, Decimal):
        exact, slack = value, Decimal(0)
    else:
        exact = Decimal(value) if math.isfinite(value) else Decimal(num(value))
        slack = abs(exact) * _FLOAT_SLACK if exact.is_finite() else Decimal(0)
    if not exact.is_finite() or not math.isfinite(result):
        return num(float(exact)) == shown
    if exact == 0:
        return result == 0.0
    size = abs(exact)
    last = Decimal(1).scaleb(size.adjusted() - 3)  # the last digit num prints
    with localcontext(_EXACT):
        past = size - size.quantize(last, rounding=ROUND_FLOOR)
        if abs(past - last / 2) <= slack:
            return False
        rounded = size.quantize(last, rounding=ROUND_HALF_UP)
    return rounded.copy_sign(exact) == Decimal(shown)


def printable(text: str, limit: int = 40) -> str:
    """``text`` with control characters spelled out (``\\n``) and cut to ``limit`` characters.

    Labels are user text: this keeps one label on one line of a drawing or listing.
    """
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def node_names(
    order: Sequence[Value], given: Mapping[Value, str] | None = None
) -> dict[Value, str]:
    """A unique display name for each node of ``order`` (a `topological_order`, root last).

    ``given`` overrides labels (for example parameter names from a model's
    ``named_parameters()``).
    """
    given = given or {}
    root = order[-1] if order else None
    labels = [printable(given.get(v) or v.label) for v in order]
    # As the expression language compares names: ＃1 is #1 there, and ｆ is f.
    taken = {unicodedata.normalize("NFKC", label) for label in labels}
    counter = 0
    wanted: list[str] = []
    for v, name in zip(order, labels):
        if not name:
            # Generated names step around every label, so a label is never renamed for them.
            if v is root:
                name = OUTPUT_NAME if OUTPUT_NAME not in taken else _SPARE_OUTPUT_NAME
                spare = 0
                while name in taken:
                    spare += 1
                    name = f"{_SPARE_OUTPUT_NAME}{spare}"
            else:
                counter += 1
                while f"{_AUTOMATIC}{counter}" in taken:
                    counter += 1
                name = f"{_AUTOMATIC}{counter}"
        wanted.append(name)
    # Only a label used twice can collide now: later uses get primes (x, x′, x″).
    used: set[str] = set()
    names: dict[Value, str] = {}
    for v, name in zip(order, wanted):
        while name in used:
            name += "′"
        used.add(name)
        names[v] = name
    return names


def delimited(name: str) -> str:
    """``name`` as it is written inside a formula: in brackets unless it is a plain identifier.

    A label such as ``x1*w1 + x2*w2`` would otherwise read as part of the formula
    (``∂o/∂x1*w1 + x2*w2``); ``∂o/∂[x1*w1 + x2*w2]`` cannot. An automatic name
    (``#3``) needs none: ``#`` is no operator in any formula.
    """
    return name if name.isidentifier() or _AUTOMATIC_NAME.fullmatch(name) else f"[{name}]"


def gradient(output: str, name: str) -> str:
    """``∂f/∂w``: the total gradient of the output ``output`` with respect to the node ``name``."""
    return f"∂{delimited(output)}/∂{delimited(name)}"


def _operand_text(x: object, names: Mapping[Value, str]) -> str:
    if isinstance(x, Value):
        return names[x]
    c = constant(float(x))  # type: ignore[arg-type]
    return f"({c})" if c.startswith("-") else c


def definition(v: Value, names: Mapping[Value, str]) -> str:
    """How ``v`` was computed from its operands, by name: ``w * x``, ``sigmoid(#2)``.

    ``""`` for a leaf. A ``Σ`` node (`autograd.linear`) is written out as
    ``w1*x1 + w2*x2 + b``, eliding the middle terms beyond three.
    """
    op = v.op
    if not op:
        return ""
    args = [_operand_text(x, names) for x in v.operands]
    if op in _INFIX and len(args) == 2:
        return f"{args[0]} {op} {args[1]}"
    if op == "neg":
        return f"-{args[0]}"
    if op == "Σ":
        n = (len(args) - 1) // 2
        terms = [f"{args[i]}*{args[n + i]}" for i in range(n)]
        if n > 3:
            terms = [*terms[:2], "…", terms[-1]]
        return " + ".join([*terms, args[-1]])
    return f"{op}({', '.join(args)})"


def parameter_names(params: object, order: Iterable[Value]) -> dict[Value, str]:
    """Which leaves are parameters, and their names.

    ``params`` is an object with ``named_parameters()`` (an ``nn`` model), with
    ``parameters()``, an iterable of Values, or None: then the leaves whose label
    is a dotted name such as ``layers.0.neurons.1.w.2`` (how ``nn`` labels them).
    """
    if params is None:
        return {
            v: v.label for v in order if v.is_leaf and v.label and _DOTTED_NAME.fullmatch(v.label)
        }
    pairs: Iterable[Any]
    if hasattr(params, "named_parameters"):
        pairs = params.named_parameters()
    elif hasattr(params, "parameters"):
        pairs = (("", p) for p in params.parameters())
    elif isinstance(params, Iterable):
        pairs = (("", p) for p in params)
    else:
        raise TypeError(
            "params must be an iterable of Values or an object with "
            f"named_parameters(), got {type(params).__name__}"
        )
    named: dict[Value, str] = {}
    for name, p in pairs:
        if not isinstance(p, Value):
            raise TypeError(f"params must hold Values, got {p!r}")
        named[p] = name or p.label
    return named
