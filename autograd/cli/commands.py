"""The ``autograd`` command (also ``python -m autograd``): explain and draw an expression.

    autograd explain "sigmoid(w*x + b)" --at w=0.5 x=1 b=-0.2 [--wrt w]
                     [--params w b] [--svg graph.svg] [--html steps.html]
    autograd explain "n = x1*w1 + x2*w2 + b; o = tanh(n)" --at x1=2 x2=0 w1=-3 w2=1 b=6.88
    autograd draw "sigmoid(w*x + b)" --at w=0.5 x=1 b=-0.2 -o graph.svg
    autograd compile "sigmoid(w*x + b)" --params w b --at w=0.5 x=1 b=-0.2

Options may come before or after the expression. No Python warning reaches the
terminal, and values echoed in a message are shortened.
    autograd practice / autograd worksheet, and explain's --nudge, --mistake
    and --practice: see `autograd.cli.exercises`.

Exit status: 0 on success; 2 for a rejected command line or expression (one
line on stderr naming the problem, never a traceback, no file written); 1
when the work itself fails (no Graphviz for a PNG or PDF, rendering failing,
taking more than 30 seconds or returning a wrong picture, a file that cannot
be written); 130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import graphviz

from autograd.cli import exercises
from autograd.cli.common import UsageError, add_net_options, build, net_error, refuse_with_net
from autograd.core.compiler import compile as compile_graph
from autograd.core.engine import Value
from autograd.core.files import write_atomically
from autograd.core.notation import printable
from autograd.pages.draw import RENDER_TIMEOUT, RenderError, draw_graph, render
from autograd.pages.stepper import stepped_nodes, stepper_html
from autograd.teach.explain import Explanation, explain

__all__ = ["main"]

# Output formats of `draw`, by file suffix (Graphviz renders all but "dot").
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
# Expressions are at most 1000 characters, so a few thousand nodes at most; draw them all.
_MAX_NODES = 5000
# Seconds one run of Graphviz's dot may take; past that the command gives up (exit 1).
_DOT_TIMEOUT = RENDER_TIMEOUT


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
            "exp log sqrt sin cos tanh sigmoid relu; 'n = w*x + b; o = tanh(n)' names "
            "nodes (the last statement is the output). An expression that starts with '-' "
            "must be quoted with a leading space or parentheses: ' -x' or '(-x)'."
        ),
    )
    sub = p.add_subparsers(
        dest="command", required=True, metavar="{explain,draw,compile,practice,worksheet}"
    )

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "expression",
            nargs="?",
            help='e.g. "sigmoid(w*x + b)" or "n = w*x + b; o = tanh(n)"',
        )
        q.add_argument(
            "--at",
            nargs="+",
            default=[],
            metavar="NAME=VALUE",
            help="the value of each name, e.g. --at w=0.5 x=1 b=-0.2",
        )
        q.add_argument(
            "--params",
            nargs="+",
            default=[],
            metavar="NAME",
            help="which names are parameters (drawn as parameters), e.g. --params w b",
        )

    e = sub.add_parser(
        "explain",
        help="print the forward values and the backward steps",
        description="Print the forward values and each step of the backward pass.",
    )
    common(e)
    e.add_argument(
        "--wrt",
        metavar="NAME",
        help="only the steps on the paths to this name (the rest of the graph is greyed out)",
    )
    e.add_argument("--svg", metavar="FILE.svg", help="also write the graph as SVG")
    e.add_argument("--html", metavar="FILE.html", help="also write the HTML stepper page")
    e.add_argument(
        "--practice", action="store_true", help="with --html: the page asks, the learner answers"
    )
    exercises.add_explain_options(e)
    add_net_options(e)

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
    _compile_parser(sub, common)
    exercises.add_commands(sub, common)
    return p


def _expression(args: argparse.Namespace) -> str:
    """The expression, wherever it stands among the options.

    ``--at`` and ``--params`` take several words, so an expression written after
    them (``--at x=1 "x*x"``) lands in their list: it is the one word there that
    is not NAME=VALUE (for --at) or not a name (for --params).
    """
    strays = [w for w in args.at if "=" not in w] + [
        w for w in args.params if not unicodedata.normalize("NFKC", w).isidentifier()
    ]
    if args.expression is None and len(strays) == 1:
        args.at = [w for w in args.at if w not in strays]
        args.params = [w for w in args.params if w not in strays]
        return str(strays[0])
    if args.expression is None:
        raise UsageError(
            "the following arguments are required: expression"
            if not strays
            else f"which is the expression: {', '.join(repr(printable(w)) for w in strays)}?"
        )
    return str(args.expression)


def _format(path: str, allowed: Sequence[str]) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None or Path(path).suffix.lower() not in allowed:
        raise UsageError(
            f"cannot tell the format of {path!r}: use a name ending in {', '.join(allowed)}"
        )
    return fmt


def _render(root: Value, explanation: Explanation, fmt: str, params: object = None) -> bytes:
    """The graph drawn with the explanation's gradients, in format ``fmt``, as bytes."""
    graph = draw_graph(
        root,
        max_nodes=_MAX_NODES,
        grads=explanation.grads,
        params=params,
        wrt=stepped_nodes(explanation),
    )
    if fmt == "dot":
        return str(graph.source).encode("utf-8")
    return render(graph, fmt, timeout=_DOT_TIMEOUT)


def _explain(args: argparse.Namespace) -> int:
    svg_fmt = _format(args.svg, [".svg"]) if args.svg else None
    if args.html and Path(args.html).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--html {args.html!r}: use a name ending in .html")
    if args.practice and not args.html:
        raise UsageError("--practice: it is a mode of the --html page; give --html FILE.html")
    if args.practice and (args.nudge or args.mistake):
        # The practice page asks for the numbers: it shows neither nudges nor a wrong pass.
        raise UsageError("--practice: the practice page shows no --nudge or --mistake; drop them")
    refuse_with_net(args, ("at", "params", "wrt", "nudge", "mistake"))
    if args.net is not None:
        return _explain_net(args, svg_fmt)
    expression = str(args.expression)
    root, named, chosen = build(expression, args.at, args.params)
    params = chosen or None
    wrt = None
    if args.wrt is not None:
        name = unicodedata.normalize("NFKC", args.wrt)
        if name not in named:
            shown = printable(args.wrt)
            raise UsageError(f"--wrt {shown}: the expression has no name {shown!r}")
        wrt = named[name]
    explanation = explain(root, wrt=wrt, params=params)
    # Everything is computed (and rendered) before anything is written or printed.
    svg = _render(root, explanation, svg_fmt, params) if svg_fmt else None
    page = None
    if args.html:
        title = expression.strip()
        page = stepper_html(
            root,
            explanation,
            title=title,
            max_nodes=_MAX_NODES,
            timeout=_DOT_TIMEOUT,
            params=params,
            practice=args.practice,
            nudge=args.nudge,
            mistake=args.mistake,
        )
    listing = exercises.explain_listing(args, explanation)
    if wrt is not None:
        symbol = next(step.symbol for step in explanation if step.node is wrt)
        listing += f"\n\nSo {symbol} = {explanation.grad(wrt)!r}"
    return _finish(args, svg, page, listing)


def _finish(args: argparse.Namespace, svg: bytes | None, page: str | None, listing: str) -> int:
    """Write the files of ``explain``, then print the listing and what was written."""
    # Files first: a closed pipe on stdout (``| head``) must not cost the files.
    if svg is not None:
        write_atomically(args.svg, svg)
    if page is not None:
        write_atomically(args.html, page.encode("utf-8"))
    print(listing)
    if svg is not None:
        print(f"\nwrote the graph to {args.svg}")
    if page is not None:
        what = "practice page" if args.practice else "stepper"
        print(f"wrote the {what} to {args.html} (open it in a browser)")
    return 0


def _explain_net(args: argparse.Namespace, svg_fmt: str | None) -> int:
    """``autograd explain --net 2-2-1``: the backward pass unit by unit, in the paper's terms."""
    error, model, title = net_error(args)
    units = explain(error, params=model, view="neurons")
    svg = None
    if svg_fmt:
        graph = draw_graph(error, params=model, grads=units.grads, view="neurons")
        svg = render(graph, svg_fmt, timeout=_DOT_TIMEOUT)
    page = None
    if args.html:
        page = stepper_html(
            error,
            units,
            title=title,
            params=model,
            view="neurons",
            practice=args.practice,
            timeout=_DOT_TIMEOUT,
        )
    return _finish(args, svg, page, str(units))


def _draw(args: argparse.Namespace) -> int:
    fmt = _format(args.output, list(FORMATS))
    root, _, chosen = build(_expression(args), args.at, args.params)
    params = chosen or None
    write_atomically(args.output, _render(root, explain(root, params=params), fmt, params))
    print(f"wrote the graph to {args.output}")
    return 0


# -- `autograd compile`: the expression's forward and backward pass as Python code --


def _compile_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    c = sub.add_parser(
        "compile",
        help="print the forward and backward pass as Python code, and its numbers",
        description=(
            "Write the expression's forward and backward pass as straight-line Python "
            "(autograd.compile), print it, and run it at the --at values. Names not in "
            "--params are inputs: numbers the code takes but gives no gradient for."
        ),
    )
    common(c)


def _compile(args: argparse.Namespace) -> int:
    root, named, params = build(args.expression, args.at, args.params)
    inputs = [v for v in named.values() if v.is_leaf and v not in params]
    if not params:
        leaves = " ".join(v.label for v in inputs) or "NAME"
        raise UsageError(
            f"compile: no --params, so there is nothing to differentiate by; "
            f"name them, e.g. --params {leaves}"
        )
    step = compile_graph(root, params, inputs)
    try:
        value, grads = step([p.data for p in params], [x.data for x in inputs])
    except (ArithmeticError, ValueError) as e:
        raise UsageError(f"at these values: {e}") from None
    print(step.step_source)
    shown = " ".join(f"{v.label}={v.data!r}" for v in [*params, *inputs])
    print(f"step({[p.label for p in params]}, {[x.label for x in inputs]}) at {shown}:")
    out = root.label or "f"
    print(f"  {out} = {value!r}")
    for p, g in zip(params, grads):
        print(f"  ∂{out}/∂{p.label} = {g!r}")
    return 0


# An error is one line: what a user typed may hold newlines (U+2028 too) or be 100 KB long.
_ERROR_LIMIT = 300


def _error(e: BaseException) -> None:
    print(f"autograd: error: {printable(str(e), _ERROR_LIMIT)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (also the console script's)."""
    # The output is full of ∂, σ and ·. On a terminal or pipe that cannot encode them
    # (PYTHONIOENCODING=ascii, LANG=C on old systems) they are written as \u2202 escapes
    # rather than failing; so are undecodable bytes of file names. Restored on return.
    streams = [s for s in (sys.stdout, sys.stderr) if isinstance(s, io.TextIOWrapper)]
    errors = [s.errors for s in streams]
    for s in streams:
        s.reconfigure(errors="backslashreplace")
    try:
        # A Python warning (from ast, graphviz, ...) is not for the user of a command:
        # every problem is reported as one line of its own.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _main(argv)
    finally:
        for s, e in zip(streams, errors):
            s.reconfigure(errors=e)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "net", None) is None:  # a net is given by --net, not by an expression
            args.expression = _expression(args)
        if args.command == "compile":
            return _compile(args)
        if args.command in exercises.COMMANDS:
            return exercises.run(args)
        return _explain(args) if args.command == "explain" else _draw(args)
    except UsageError as e:
        _error(e)
        return 2
    except RenderError as e:  # GraphvizMissing too: its message says what to install
        _error(e)
        return 1
    except graphviz.ExecutableNotFound:
        print(
            "autograd: error: this needs the Graphviz program 'dot', which was not found; "
            "install it (apt install graphviz, brew install graphviz)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        # Ctrl-C: the user knows why we stopped; nothing was written (files go last and
        # atomically), and any dot we ran has been stopped. 130 = 128 + SIGINT, as shells do.
        print("autograd: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read our output stopped (``| head``): nothing to report. Point stdout at
        # devnull so that Python's own flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as e:
        _error(e)
        return 1
