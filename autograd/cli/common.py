"""What every subcommand of ``autograd`` shares: the usage error, ``--at`` and the graph."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from autograd.core.engine import Value, topological_order
from autograd.core.notation import printable
from autograd.teach.expr import ExpressionError, parse, parse_number

__all__ = ["UsageError", "at_values", "build"]


class UsageError(Exception):
    """A bad command line or expression: exit status 2."""


def at_values(pairs: Sequence[str]) -> dict[str, float]:
    """``["w=0.5", "x=1"]`` → ``{"w": 0.5, "x": 1.0}``, or a UsageError naming the bad pair."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, eq, text = pair.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())
        if not eq or not name.isidentifier():
            raise UsageError(f"--at {printable(pair)!r}: expected NAME=NUMBER, e.g. x=1.5")
        try:
            value = parse_number(text)
        except ValueError as e:
            raise UsageError(f"--at {printable(name)}: {e}") from None
        if name in values:
            raise UsageError(f"--at: {printable(name)} is given twice")
        values[name] = value
    return values


def build(
    expression: str, at: Sequence[str], params: Sequence[str] = ()
) -> tuple[Value, dict[str, Value], list[Value]]:
    """The graph of ``expression``, its named nodes by name and the parameters among them.

    UsageError for anything rejected.
    """
    given = at_values(at)
    try:
        parsed = parse(expression)
    except ExpressionError as e:
        raise UsageError(f"in the expression: {e}") from None
    for name in given:
        if name in dict(parsed.named) or name == parsed.output:
            raise UsageError(f"--at {printable(name)}: {name} is computed by the expression")
    try:
        root = parsed.build(given)
    except ExpressionError as e:
        raise UsageError(f"in the expression: {e}") from None
    # Most likely a typo in a name: say so rather than ignore it.
    unused = [name for name in given if name not in parsed.names]
    if unused:
        name = printable(unused[0])
        raise UsageError(f"--at {name}: the expression has no name {name!r}")
    # Inputs and the nodes the statements named (n = ...): --wrt may pick any of them.
    named = {v.label: v for v in topological_order(root) if v.label}
    chosen: list[Value] = []
    for name in params:
        key = unicodedata.normalize("NFKC", name)
        if key in named and not named[key].is_leaf:
            raise UsageError(
                f"--params {printable(name)}: {printable(name)} is computed by the expression; "
                "parameters are inputs"
            )
        if key not in named:
            raise UsageError(
                f"--params {printable(name)}: the expression has no input {printable(name)!r}"
            )
        if named[key] in chosen:
            raise UsageError(f"--params: {printable(name)} is given twice")
        chosen.append(named[key])
    return root, named, chosen
