"""The ``autograd`` command (also ``python -m autograd``): explain and draw an expression.

    autograd explain "sigmoid(w*x + b)" --at w=0.5 x=1 b=-0.2 [--wrt w]
                     [--svg graph.svg] [--html steps.html]
    autograd draw "sigmoid(w*x + b)" --at w=0.5 x=1 b=-0.2 -o graph.svg
    autograd practice / autograd worksheet, and explain's --nudge, --mistake
    and --practice: see `autograd.check_cli`.

Exit status: 0 on success; 2 for a rejected command line or expression (one
line on stderr naming the problem, never a traceback, no file written); 1
when the work itself fails (Graphviz missing, failing or taking more than
30 seconds, a file that cannot be written).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import graphviz

from autograd import check_cli
from autograd.draw import RENDER_TIMEOUT, RenderError, draw_graph, render
from autograd.engine import Value, topological_order
from autograd.explain import Explanation, explain
from autograd.expr import ExpressionError, parse
from autograd.files import write_atomically
from autograd.stepper import stepper_html

__all__ = ["main"]

# Output formats of `draw`, by file suffix (Graphviz renders all but "dot").
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
# Expressions are at most 1000 characters, so a few thousand nodes at most; draw them all.
_MAX_NODES = 5000
# Seconds one run of Graphviz's dot may take; past that the command gives up (exit 1).
_DOT_TIMEOUT = RENDER_TIMEOUT


class UsageError(Exception):
    """A bad command line or expression: exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors as `UsageError` so main() prints them in one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="autograd",
        description="See backpropagation: explain and draw the gradient graph of an expression.",
        epilog=(
            "Expressions use numbers, names, + - * / **, parentheses and "
            "exp log sqrt sin cos tanh sigmoid relu. An expression that starts with '-' "
            "must be quoted with a leading space or parentheses: ' -x' or '(-x)'."
        ),
    )
    sub = p.add_subparsers(
        dest="command", required=True, metavar="{explain,draw,practice,worksheet}"
    )

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("expression", help='e.g. "sigmoid(w*x + b)"')
        q.add_argument(
            "--at",
            nargs="+",
            default=[],
            metavar="NAME=VALUE",
            help="the value of each name, e.g. --at w=0.5 x=1 b=-0.2",
        )

    e = sub.add_parser(
        "explain",
        help="print the forward values and the backward steps",
        description="Print the forward values and each step of the backward pass.",
    )
    common(e)
    e.add_argument("--wrt", metavar="NAME", help="only the steps on the paths to this name")
    e.add_argument("--svg", metavar="FILE.svg", help="also write the graph as SVG")
    e.add_argument("--html", metavar="FILE.html", help="also write the HTML stepper page")
    e.add_argument(
        "--practice", action="store_true", help="with --html: the page asks, the learner answers"
    )
    check_cli.add_explain_options(e)

    d = sub.add_parser(
        "draw",
        help="write the gradient graph to a file",
        description="Write the graph (values and gradients) to a file.",
    )
    common(d)
    d.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="output file; the format comes from the suffix: .svg .png .pdf .dot",
    )
    check_cli.add_commands(sub, common)
    return p


def _values(pairs: Sequence[str]) -> dict[str, float]:
    """``["w=0.5", "x=1"]`` → ``{"w": 0.5, "x": 1.0}``, or a UsageError naming the bad pair."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, eq, text = pair.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())
        if not eq or not name.isidentifier():
            raise UsageError(f"--at {pair!r}: expected NAME=NUMBER, e.g. x=1.5")
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--at {pair!r}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--at {pair!r}: the value must be a finite number")
        if name in values:
            raise UsageError(f"--at: {name} is given twice")
        values[name] = value
    return values


def _format(path: str, allowed: Sequence[str]) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None or Path(path).suffix.lower() not in allowed:
        raise UsageError(
            f"cannot tell the format of {path!r}: use a name ending in {', '.join(allowed)}"
        )
    return fmt


def _build(expression: str, at: Sequence[str]) -> tuple[Value, dict[str, Value]]:
    """The graph of ``expression`` and its leaves by name; UsageError for anything rejected."""
    values = _values(at)
    try:
        parsed = parse(expression)
        root = parsed.build(values)
    except ExpressionError as e:
        raise UsageError(f"in the expression: {e}") from None
    # Most likely a typo in a name: say so rather than ignore it.
    unused = [name for name in values if name not in parsed.names]
    if unused:
        raise UsageError(f"--at {unused[0]}: the expression has no name {unused[0]!r}")
    leaves = {v.label: v for v in topological_order(root) if v.is_leaf and v.label}
    return root, leaves


def _render(root: Value, explanation: Explanation, fmt: str) -> bytes:
    """The graph drawn with the explanation's gradients, in format ``fmt``, as bytes."""
    graph = draw_graph(root, max_nodes=_MAX_NODES, grads=explanation.grads)
    if fmt == "dot":
        return str(graph.source).encode("utf-8")
    return render(graph, fmt, timeout=_DOT_TIMEOUT)


def _explain(args: argparse.Namespace) -> int:
    svg_fmt = _format(args.svg, [".svg"]) if args.svg else None
    if args.html and Path(args.html).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--html {args.html!r}: use a name ending in .html")
    if args.practice and not args.html:
        raise UsageError("--practice: it is a mode of the --html page; give --html FILE.html")
    root, leaves = _build(args.expression, args.at)
    wrt = None
    if args.wrt is not None:
        name = unicodedata.normalize("NFKC", args.wrt)
        if name not in leaves:
            raise UsageError(f"--wrt {args.wrt}: the expression has no name {args.wrt!r}")
        wrt = leaves[name]
    explanation = explain(root, wrt=wrt)
    # Everything is computed (and rendered) before anything is written or printed.
    svg = _render(root, explanation, svg_fmt) if svg_fmt else None
    page = None
    if args.html:
        title = args.expression.strip()
        page = stepper_html(
            root,
            explanation,
            title=title,
            max_nodes=_MAX_NODES,
            timeout=_DOT_TIMEOUT,
            practice=args.practice,
            nudge=args.nudge,
            mistake=args.mistake,
        )
    # Files first: a closed pipe on stdout (``| head``) must not cost the files.
    if svg is not None:
        write_atomically(args.svg, svg)
    if page is not None:
        write_atomically(args.html, page.encode("utf-8"))
    print(check_cli.explain_listing(args, explanation))
    if wrt is not None:
        print(f"\nSo ∂{explanation.names[root]}/∂{args.wrt} = {explanation.grad(wrt)!r}")
    if svg is not None:
        print(f"\nwrote the graph to {args.svg}")
    if page is not None:
        print(f"wrote the stepper to {args.html} (open it in a browser)")
    return 0


def _draw(args: argparse.Namespace) -> int:
    fmt = _format(args.output, list(FORMATS))
    root, _ = _build(args.expression, args.at)
    write_atomically(args.output, _render(root, explain(root), fmt))
    print(f"wrote the graph to {args.output}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (also the console script's)."""
    # The output is full of ∂, σ and −. On a terminal or pipe that cannot encode them
    # (PYTHONIOENCODING=ascii, LANG=C on old systems) they are written as \u2202 escapes
    # rather than failing; so are undecodable bytes of file names. Restored on return.
    streams = [s for s in (sys.stdout, sys.stderr) if isinstance(s, io.TextIOWrapper)]
    errors = [s.errors for s in streams]
    for s in streams:
        s.reconfigure(errors="backslashreplace")
    try:
        return _main(argv)
    finally:
        for s, e in zip(streams, errors):
            s.reconfigure(errors=e)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command in check_cli.COMMANDS:
            return check_cli.run(args, check_cli.Tools(_build, _values, UsageError))
        return _explain(args) if args.command == "explain" else _draw(args)
    except UsageError as e:
        print(f"autograd: error: {e}", file=sys.stderr)
        return 2
    except graphviz.ExecutableNotFound:
        print(
            "autograd: error: the Graphviz program 'dot' is needed to render graphs; "
            "install it (apt install graphviz, brew install graphviz)",
            file=sys.stderr,
        )
        return 1
    except RenderError as e:
        print(f"autograd: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Whoever read our output stopped (``| head``): nothing to report. Point stdout at
        # devnull so that Python's own flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as e:
        print(f"autograd: error: {e}", file=sys.stderr)
        return 1
