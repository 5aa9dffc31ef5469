"""What every subcommand of ``autograd`` shares: the usage error, ``--at`` and the graph."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence

from autograd.core.engine import Value, topological_order
from autograd.core.notation import printable
from autograd.teach.expr import ExpressionError, parse, parse_number

__all__ = [
    "UsageError",
    "add_net_options",
    "at_values",
    "build",
    "net_error",
    "refuse_with_net",
]


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


# -- a net instead of an expression: ``--net 2-2-1 --seed 0 --input 1 0 --target 1`` --

MAX_UNITS = 64  # units in a layer of --net: a listing or a sheet beyond it is not read


def add_net_options(q: argparse.ArgumentParser) -> None:
    """``--net``, ``--seed``, ``--input`` and ``--target``: a net of the paper's kind."""
    q.add_argument(
        "--net",
        metavar="SHAPE",
        help="instead of an expression, a net of sigmoid units of this shape, e.g. 2-2-1 "
        "(inputs, hidden units, outputs), under the paper's error E = ½Σ(y - d)²",
    )
    q.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="with --net: the seed of its starting weights, uniform in ±0.3 (default 0)",
    )
    q.add_argument(
        "--input",
        nargs="+",
        metavar="Y",
        help="with --net: the input units' values (default 1 0 …: the first one on)",
    )
    q.add_argument(
        "--target",
        nargs="+",
        metavar="D",
        help="with --net: the output units' targets (default 1 for each)",
    )


def net_error(args: argparse.Namespace, seed: int | None = None) -> tuple[Value, object, str]:
    """The net of ``--net`` (with ``seed``, else ``--seed``) under E on the case of
    ``--input`` and ``--target``: E, the model, and a title naming them."""
    import nn  # loaded only for --net: an expression needs no nn

    shape = args.net.replace(",", "-")
    parts = shape.split("-")
    if len(parts) < 2 or not all(p.strip().isdigit() for p in parts):
        raise UsageError(f"--net {printable(args.net)!r}: give the layer sizes as 2-2-1")
    sizes = [int(p) for p in parts]
    if not all(1 <= n <= MAX_UNITS for n in sizes):
        raise UsageError(f"--net {shape}: every layer needs 1 to {MAX_UNITS} units")
    inputs = _numbers(args.input, "--input", sizes[0], [1.0] + [0.0] * (sizes[0] - 1))
    targets = _numbers(args.target, "--target", sizes[-1], [1.0] * sizes[-1])
    seed = args.seed if seed is None else seed
    model = nn.MLP(sizes[0], sizes[1:], init=nn.init.uniform(0.3), seed=seed)
    error = nn.losses.sum_squared_error(model(inputs), targets)
    return error, model, f"MLP {shape}, seed {seed}"


def _numbers(
    words: Sequence[str] | None, flag: str, count: int, default: list[float]
) -> list[float]:
    if words is None:
        return default
    if len(words) != count:
        raise UsageError(f"{flag}: the net has {count} of them, got {len(words)}")
    out = []
    for word in words:
        try:
            out.append(parse_number(word))
        except ValueError as e:
            raise UsageError(f"{flag} {printable(word)}: {e}") from None
    return out


def refuse_with_net(args: argparse.Namespace, flags: Sequence[str]) -> None:
    """A UsageError if an expression, or one of ``flags`` (attribute names), is given with --net."""
    if args.net is None:
        for flag in ("input", "target"):
            if getattr(args, flag, None) is not None:
                raise UsageError(f"--{flag}: it is for --net")
        return
    if args.expression is not None:
        raise UsageError("--net: give either an expression or --net, not both")
    for flag in flags:
        if getattr(args, flag, None):
            raise UsageError(f"--net: --{flag} is for an expression")
