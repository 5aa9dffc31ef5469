"""How values and nodes are written for people: numbers, node names, definitions.

The drawing (`autograd.pages.draw`), the explanation (`autograd.teach.explain`) and the
HTML stepper all name nodes the same way, so a learner can match a line of the
explanation to a box in the picture:

* a Value with a label is called by its label;
* an unlabelled output (the root) is called ``f``, or ``out`` (``out1``, …) when a
  label is already ``f``: never a prime, which would read as a derivative;
* other unlabelled nodes are ``n1, n2, ...`` in the order they were computed;
* a name used twice gets primes (``x``, ``x′``) so every name is unique.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from autograd.core.engine import Value

__all__ = [
    "OUTPUT_NAME",
    "constant",
    "definition",
    "delimited",
    "gradient",
    "node_names",
    "num",
    "parameter_names",
    "printable",
]

OUTPUT_NAME = "f"
# When a label is already ``f``: out, then out1, out2, ...
_SPARE_OUTPUT_NAME = "out"

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


def constant(c: float) -> str:
    """A constant folded into an operation (``x * 2`` → ``2``), as the user would write it."""
    if math.isfinite(c) and c.is_integer() and abs(c) < 1e15:
        return str(int(c))
    return f"{c:.6g}"


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
    taken = set(labels)
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
                while f"n{counter}" in taken:
                    counter += 1
                name = f"n{counter}"
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
    (``∂o/∂x1*w1 + x2*w2``); ``∂o/∂[x1*w1 + x2*w2]`` cannot.
    """
    return name if name.isidentifier() else f"[{name}]"


def gradient(output: str, name: str) -> str:
    """``∂f/∂w``: the total gradient of the output ``output`` with respect to the node ``name``."""
    return f"∂{delimited(output)}/∂{delimited(name)}"


def _operand_text(x: object, names: Mapping[Value, str]) -> str:
    if isinstance(x, Value):
        return names[x]
    c = constant(float(x))  # type: ignore[arg-type]
    return f"({c})" if c.startswith("-") else c


def definition(v: Value, names: Mapping[Value, str]) -> str:
    """How ``v`` was computed from its operands, by name: ``w * x``, ``sigmoid(n2)``.

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
