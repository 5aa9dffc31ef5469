"""The checking part of the ``autograd`` command: ``explain --nudge/--mistake``, ``practice``,
``worksheet``. `autograd.cli.commands` calls in here.

    autograd explain "x*x + x" --at x=3 --nudge
    autograd explain "x*x + x" --at x=3 --mistake overwrite
    autograd practice "x*x + x" --at x=3 [--html practice.html]
    autograd worksheet "sigmoid(w*x + b)" --at w=0.5 x=1 b=-0.2 --html sheet.html
    autograd worksheet "sigmoid(w*x + b)" --random 7 --sheets 30 --html sheets.html
    autograd practice --net 2-2-1 --seed 0 --input 1 0 --target 1
    autograd worksheet --net 2-2-1 --sheets 30 --html nets.html
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable

from autograd.cli.common import (
    UsageError,
    add_net_options,
    at_values,
    build,
    net_error,
    refuse_with_net,
)
from autograd.core.engine import Value
from autograd.core.files import write_atomically
from autograd.pages.practice_page import practice_html
from autograd.pages.worksheet import random_values, write_worksheet
from autograd.teach.check import KINDS, mistake, nudge_test
from autograd.teach.explain import Explanation, explain
from autograd.teach.expr import ExpressionError, parse
from autograd.teach.practice import practice_session
from autograd.teach.units import UnitExplanation

__all__ = ["COMMANDS", "add_commands", "add_explain_options", "explain_listing", "run"]


def add_explain_options(e: argparse.ArgumentParser) -> None:
    """``--nudge`` and ``--mistake`` of ``autograd explain``."""
    e.add_argument(
        "--nudge",
        action="store_true",
        help="check every step with a nudge of ±1e-05: (f₊ - f₋)/(2·1e-05) beside the chain rule",
    )
    e.add_argument(
        "--mistake",
        choices=KINDS,
        metavar="KIND",
        help=f"also run a classic wrong backward pass beside the right one: {', '.join(KINDS)}",
    )


def explain_listing(args: argparse.Namespace, explanation: Explanation) -> str:
    """What ``explain`` prints: the listing, with nudges if asked, and a mistake if asked."""
    text = nudge_test(explanation).listing() if args.nudge else str(explanation)
    if args.mistake:
        text += "\n\n" + str(mistake(explanation.root, args.mistake))
    return text


def add_commands(sub: argparse._SubParsersAction, common: Callable[..., None]) -> None:  # type: ignore[type-arg]
    """The ``practice`` and ``worksheet`` subcommands (``common`` adds EXPRESSION and --at)."""
    p = sub.add_parser(
        "practice",
        help="work out each step of the backward pass yourself",
        description=(
            "Ask each local derivative and gradient in backward order, reading answers from "
            "standard input; a wrong answer gets a hint and a second try, ? reveals."
        ),
    )
    common(p)
    add_net_options(p)
    p.add_argument(
        "--html", metavar="FILE.html", help="write the practice page (for a browser) instead"
    )
    w = sub.add_parser(
        "worksheet",
        help="write a printable worksheet with an answer key",
        description=(
            "Write a printable page: the graph with values, a blank box for each gradient, "
            "and the answer key on a separate printed page."
        ),
    )
    common(w)
    add_net_options(w)
    w.add_argument("--html", required=True, metavar="FILE.html", help="the page to write")
    w.add_argument(
        "--random",
        type=int,
        metavar="SEED",
        help="draw the values of the names not given with --at (seeded: same seed, same sheets)",
    )
    w.add_argument(
        "--sheets",
        type=int,
        default=1,
        metavar="N",
        help="with --random: N sheets, each with its own values; with --net: N sheets, "
        "with seeds --seed, --seed + 1, … (default 1)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``practice`` or ``worksheet``."""
    if args.html and not args.html.lower().endswith((".html", ".htm")):
        raise UsageError(f"--html {args.html!r}: use a name ending in .html")
    return _practice(args) if args.command == "practice" else _worksheet(args)


def _practice(args: argparse.Namespace) -> int:
    """``autograd practice``: the questions on stdin/stdout, or the page with ``--html``."""
    refuse_with_net(args, ("at", "params"))
    explanation: Explanation | UnitExplanation
    if args.net is not None:
        root, model, title = net_error(args)
        explanation = explain(root, params=model, view="neurons")
    else:
        if args.expression is None:
            raise UsageError("the following arguments are required: expression (or --net)")
        root, _, params = build(args.expression, args.at, args.params)
        explanation = explain(root, params=params or None)
        title = args.expression.strip()
    if args.html:
        page = practice_html(root, explanation, title=title)
        write_atomically(args.html, page.encode("utf-8"))
        print(f"wrote the practice page to {args.html} (open it in a browser)")
        return 0
    echo = not sys.stdin.isatty()  # piped answers: show them, so the transcript reads right

    def read(prompt: str) -> str | None:
        print(prompt, end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            print()
            return None
        if echo:
            print(line.rstrip("\n"))
        return line

    try:
        practice_session(explanation, read, print)
    except KeyboardInterrupt:  # Ctrl-C ends practice; no traceback for a learner
        print("\n(stopped)")
        return 130
    return 0


def _worksheet(args: argparse.Namespace) -> int:
    """``autograd worksheet``: the printable page, values from --at or drawn with --random."""
    if args.sheets < 1 or args.sheets > MAX_SHEETS:
        raise UsageError(f"--sheets {args.sheets}: give 1 to {MAX_SHEETS} sheets")
    refuse_with_net(args, ("at", "params", "random"))
    if args.net is not None:
        nets = [net_error(args, args.seed + k) for k in range(args.sheets)]
        net_sheets = [(title, _case(root), root) for root, _, title in nets]
        write_worksheet(args.html, net_sheets, view="neurons")
        print(f"wrote {len(nets)} worksheet(s) of the net and their answer key(s) to {args.html}")
        return 0
    if args.expression is None:
        raise UsageError("the following arguments are required: expression (or --net)")
    if args.sheets > 1 and args.random is None:
        raise UsageError("--sheets: several sheets need --random SEED (else all are the same)")
    title = args.expression.strip()
    if args.random is None:
        root, named, _ = build(args.expression, args.at, args.params)
        sheets = [(title, {n: v.data for n, v in named.items() if v.is_leaf}, root)]
    else:
        fixed = at_values(args.at)
        try:
            expression = parse(args.expression)
            unknown = [n for n in fixed if n not in expression.names]
            if unknown:
                raise UsageError(f"--at {unknown[0]}: the expression has no name {unknown[0]!r}")
            if args.sheets > 1 and all(n in fixed for n in expression.names):
                raise UsageError(
                    "--random: --at fixes every name, so every sheet would be the same; "
                    "leave the names to draw out of --at"
                )
            rng = random.Random(args.random)
            sheets = []
            for _ in range(args.sheets):
                values = random_values(expression, fixed, rng)
                sheets.append((title, values, expression.build(values)))
        except ExpressionError as e:
            raise UsageError(f"in the expression: {e}") from None
    write_worksheet(args.html, sheets)
    keys = "answer key" if len(sheets) == 1 else "answer keys"
    print(f"wrote {len(sheets)} worksheet(s) and their {keys} to {args.html}")
    return 0


def _case(error: Value) -> dict[str, float]:
    """A net's case as a sheet lists it: its input units and targets (y1 = 1, d5 = 1)."""
    units = explain(error, view="neurons")
    case = {u.name: float(u.outputs[0]) for u in units.net.units if u.is_input}
    return case | {f"d{j}": d for j, d in sorted(units.targets.items())}


COMMANDS = ("practice", "worksheet")
MAX_SHEETS = 200
