"""What every demo shares: the command line, the paper-vs-run table, progress bars, pictures.

Each demo prints one `ResultTable`: a row per reported quantity, with the
paper's figure in the column "paper", this run's in "this run", and a note
wherever the two differ. Pictures go to ``out/`` only when matplotlib is
installed (the ``plot`` extra); without it a demo still trains and prints.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import statistics
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

import graphviz
from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no type hints

import autograd
import nn
from autograd import Value, draw_graph, explain, no_grad
from autograd.core.files import write_atomically
from autograd.core.native import Native
from autograd.pages.draw import RenderError

__all__ = [
    "OUT_DIR",
    "Panel",
    "ResultTable",
    "accumulate_sweep",
    "add_timeline_flag",
    "add_training_flags",
    "fit_until",
    "hinton_diagram",
    "make_parser",
    "plot_hinton",
    "plot_learning_curve",
    "pyplot",
    "save_figure",
    "save_graph_svg",
    "save_timeline",
    "spread",
    "sweeps",
    "timeline_recorder",
]

OUT_DIR = Path("out")
NOT_REPORTED = "—"

T = TypeVar("T")


# -- command line --


def make_parser(module: str, description: str, seed: int) -> argparse.ArgumentParser:
    """A parser for ``python -m <module>`` with the flags every demo has.

    ``--seed`` (default ``seed``), ``--quiet`` and ``--no-plots``.
    """
    parser = argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=seed, help="seed of the initial weights")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no details: only the table"
    )
    parser.add_argument(
        "--no-plots", action="store_true", help="do not write pictures to out/ even if possible"
    )
    return parser


def add_explain_flag(parser: argparse.ArgumentParser) -> None:
    """``--explain``: at the end, one case's backward pass unit by unit (`print_units`)."""
    parser.add_argument(
        "--explain",
        action="store_true",
        help="at the end of training, print one case's backward pass unit by unit, "
        "as the paper's equations with the trained numbers",
    )


def print_units(title: str, error: Value, model: object) -> None:
    """``title``, then the unit-level listing of ``error`` (one case) for ``model``:
    `autograd.explain` with ``view="neurons"``."""
    print(title)
    print(explain(error, params=model, view="neurons"))
    print()


def add_training_flags(
    parser: argparse.ArgumentParser,
    max_sweeps: int,
    lr: float | None = None,
    momentum: float | None = None,
) -> None:
    """``--sweeps`` and ``--runs`` (train seeds seed, seed+1, ...), and, when given
    defaults for them, ``--lr`` (ε) and ``--momentum`` (α)."""
    if lr is not None:
        parser.add_argument("--lr", type=positive_float, default=lr, help="learning rate ε")
    if momentum is not None:
        parser.add_argument("--momentum", type=fraction, default=momentum, help="momentum α")
    parser.add_argument(
        "--sweeps", type=positive_int, default=max_sweeps, help="most sweeps per run"
    )
    parser.add_argument(
        "--runs", type=positive_int, default=1, help="train this many seeds: seed, seed+1, ..."
    )


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1, else a clear error naming the value."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {n}")
    return n


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (a learning rate)."""
    x = _float(text)
    if not 0.0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text}")
    return x


def fraction(text: str) -> float:
    """An argparse type: a number in [0, 1) (a momentum)."""
    x = _float(text)
    if not 0.0 <= x < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text}")
    return x


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def sweeps(total: int, quiet: bool, desc: str = "sweeps") -> Iterator[int]:
    """``range(total)`` with a tqdm progress bar on stderr (none when ``quiet``)."""
    return iter(tqdm(range(total), desc=desc, disable=quiet, leave=False, file=sys.stderr))


def log(message: str, quiet: bool) -> None:
    """Print ``message`` above any progress bar (nothing when ``quiet``)."""
    if not quiet:
        tqdm.write(message, file=sys.stdout)


def progress(items: Iterable[T], total: int, quiet: bool, desc: str) -> Iterator[T]:
    """``items`` with a tqdm progress bar (none when ``quiet``)."""
    return iter(tqdm(items, total=total, desc=desc, disable=quiet, leave=False, file=sys.stderr))


# -- the result table --


@dataclass
class _Row:
    quantity: str
    paper: str
    this_run: str
    note: str


@dataclass
class ResultTable:
    """The paper's figures next to this run's, one row per quantity.

    ``add(quantity, paper, this_run, note, agrees=None)``: ``paper`` is None
    (shown as "—") when the paper reports nothing for that quantity. Whether the
    run agrees with the paper is ``agrees`` when given (for rows whose run value
    carries details, such as "yes (0.001)"), else the two texts are compared.
    A disagreeing row gets the note "differs from the paper" unless it has its
    own note, so a difference is never silent.
    """

    title: str
    rows: list[_Row] = field(default_factory=list)

    def add(
        self,
        quantity: str,
        paper: object,
        this_run: object,
        note: str = "",
        agrees: bool | None = None,
    ) -> None:
        paper_text = NOT_REPORTED if paper is None else str(paper)
        run_text = str(this_run)
        if agrees is None:
            agrees = paper_text in (NOT_REPORTED, run_text)
        if not agrees and not note:
            note = "differs from the paper"
        self.rows.append(_Row(quantity, paper_text, run_text, note))

    def render(self) -> str:
        header = _Row("", "paper", "this run", "note")
        rows = [header, *self.rows]
        widths = [
            max(len(r.quantity) for r in rows),
            max(len(r.paper) for r in rows),
            max(len(r.this_run) for r in rows),
        ]

        def line(r: _Row) -> str:
            cells = (
                r.quantity.ljust(widths[0]),
                r.paper.ljust(widths[1]),
                r.this_run.ljust(widths[2]),
                r.note,
            )
            return "  ".join(cells).rstrip()

        rule = "-" * max(len(line(r)) for r in rows)
        out = [self.title, rule, line(header), rule]
        out += [line(r) for r in self.rows]
        out.append(rule)
        return "\n".join(out)

    def print(self) -> None:
        print(self.render(), flush=True)


def spread(values: Sequence[float]) -> str:
    """``"min / median / max"`` of ``values`` (``"none"`` when empty)."""
    if not values:
        return "none"
    med = statistics.median(values)
    med_text = f"{med:g}" if med == int(med) else f"{med:.1f}"
    return f"{min(values):g} / {med_text} / {max(values):g}"


def format_matrix(rows: Sequence[Sequence[float]], names: Sequence[str] | None = None) -> str:
    """Rows of numbers, right-aligned to 2 decimals, each optionally led by a name."""
    label_width = max((len(n) for n in names), default=0) if names else 0
    lines = []
    for i, row in enumerate(rows):
        label = names[i].ljust(label_width) + "  " if names else ""
        lines.append(label + " ".join(f"{x:6.2f}" for x in row))
    return "\n".join(lines)


# -- pictures (optional: only with matplotlib) --


def pyplot() -> Any | None:
    """``matplotlib.pyplot`` on the file-only Agg backend, or None when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, name: str, out_dir: Path = OUT_DIR) -> Path:
    """Write ``fig`` to ``out_dir/name`` atomically (no half-written file) and close it."""
    import matplotlib.pyplot as plt

    target = out_dir / name
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format=target.suffix.lstrip(".") or "png", dpi=110, bbox_inches="tight")
    finally:
        plt.close(fig)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(target, buffer.getvalue())
    return target


def save_graph_svg(
    root: Value, params: object, name: str, quiet: bool, out_dir: Path = OUT_DIR
) -> None:
    """Draw the graph of ``root`` (``params`` in orange) to ``out_dir/name`` as SVG.

    If the graph cannot be drawn (too big, too slow, or no renderer at all), it says
    why instead of failing: the demo's table matters more than its drawing.
    """
    target = out_dir / name
    try:
        picture = draw_graph(root, params=params).pipe(format="svg")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, RenderError) as exc:
        print(f"(no {target}: {exc})")
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(target, picture)
    if not quiet:
        print(f"wrote {target}")


def report_written(paths: Iterable[object], quiet: bool) -> None:
    """Say which pictures were written (a None is one that could not be: no matplotlib)."""
    if not quiet:
        for p in paths:
            if p is not None:
                print(f"wrote {p}")


def plot_learning_curve(
    curves: dict[str, Sequence[float]],
    name: str,
    title: str,
    ylabel: str = "error E",
    xlabel: str = "sweep",
    log_y: bool = False,
    out_dir: Path = OUT_DIR,
) -> Path | None:
    """One line per entry of ``curves`` (label → value per sweep); None without matplotlib."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for label, ys in curves.items():
        ax.plot(range(1, len(ys) + 1), ys, label=label, linewidth=1.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if log_y:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return save_figure(fig, name, out_dir)


def hinton_diagram(
    ax: Any,
    matrix: Sequence[Sequence[float]],
    max_weight: float | None = None,
    shape: tuple[int, int] | None = None,
) -> None:
    """Draw ``matrix`` as a Hinton diagram on ``ax``.

    Each entry is a square whose area is proportional to |w| (side ∝ √(|w|/max)),
    white for a positive weight and black for a negative one, on a grey ground,
    as in the figures of Rumelhart, Hinton & Williams (1986). Row 0 is drawn at
    the top. ``shape`` (rows, columns) makes the axes that big, so diagrams of
    different sizes side by side use the same square size; the grey ground
    covers only the matrix.
    """
    from matplotlib.patches import Rectangle

    flat = [abs(w) for row in matrix for w in row]
    biggest = max_weight if max_weight is not None else max(flat, default=0.0)
    n_rows = len(matrix)
    n_cols = max((len(r) for r in matrix), default=0)
    box_rows, box_cols = shape if shape is not None else (n_rows, n_cols)
    ax.set_aspect("equal", "box")
    ax.set_xlim(-0.5, box_cols - 0.5)
    ax.set_ylim(box_rows - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.add_patch(Rectangle((-0.5, -0.5), n_cols, n_rows, facecolor="#808080", edgecolor="none"))
    if biggest <= 0.0:
        return
    for i, row in enumerate(matrix):
        for j, w in enumerate(row):
            side = 0.95 * min(1.0, abs(w) / biggest) ** 0.5
            if side == 0.0:
                continue
            color = "white" if w > 0 else "black"
            ax.add_patch(
                Rectangle(
                    (j - side / 2, i - side / 2), side, side, facecolor=color, edgecolor=color
                )
            )


class Panel(NamedTuple):
    """One Hinton diagram of a figure: a title, a weight matrix, optional axis labels."""

    title: str
    matrix: Sequence[Sequence[float]]
    col_labels: Sequence[str] | None = None
    row_labels: Sequence[str] | None = None
    scale: float | None = None  # |w| drawn full size; None: the figure's largest weight


def plot_hinton(
    panels: Sequence[Panel],
    name: str,
    title: str,
    columns: int | None = None,
    out_dir: Path = OUT_DIR,
) -> Path | None:
    """Hinton diagrams of several weight matrices on one shared scale; None without matplotlib.

    Panels share the largest |w| as the full-size square, so sizes compare
    across panels, unless a panel sets its own ``scale`` (e.g. 1.0 for unit
    activities). ``columns`` panels per row (default: all in one row).
    """
    plt = pyplot()
    if plt is None:
        return None
    n = len(panels)
    cols = columns or n
    rows = (n + cols - 1) // cols
    width = max(len(r) for p in panels for r in p.matrix)
    height = max(len(p.matrix) for p in panels)
    cell = 0.34
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(
            max(3.0, cols * (width * cell + 1.0)),
            max(1.8, rows * (height * cell + 1.1)),
        ),
        squeeze=False,
    )
    biggest = max(
        (abs(w) for p in panels if p.scale is None for r in p.matrix for w in r), default=1.0
    )
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        panel = panels[k]
        hinton_diagram(ax, panel.matrix, panel.scale or biggest, (height, width))
        ax.set_title(panel.title, fontsize=9)
        if panel.col_labels is not None:
            # Short labels fit upright; long ones (names) are turned on their side.
            upright = max(len(c) for c in panel.col_labels) <= 4
            ax.set_xticks(range(len(panel.col_labels)))
            ax.set_xticklabels(panel.col_labels, rotation=0 if upright else 90, fontsize=7)
        if panel.row_labels is not None:
            ax.set_yticks(range(len(panel.row_labels)))
            ax.set_yticklabels(panel.row_labels, fontsize=7)
    fig.suptitle(f"{title}\n(white +, black −; area ∝ |w|, largest = {biggest:.2f})", fontsize=10)
    fig.tight_layout()
    return save_figure(fig, name, out_dir)


# -- training by the paper's rule --


def fit_until(
    model: Any,
    inputs: Sequence[Any],
    targets: Sequence[Any],
    done: Callable[[int, float], bool],
    lr: float,
    momentum: float,
    max_sweeps: int,
    quiet: bool,
    compile: bool = False,
    record: nn.Recorder | None = None,
) -> tuple[list[float], int | None]:
    """Full-sweep training by the paper's rule (`nn.fit` with SGD and momentum) until
    ``done`` holds or ``max_sweeps`` pass: the error of every sweep, and the sweep
    count at which ``done`` held (None if it never did). ``compile``: by generated
    code (`nn.fit`'s ``compile=True``), the same numbers, faster. ``record``: an
    `nn.Recorder` (`timeline_recorder`) to keep the training for a timeline."""
    errors = nn.fit(
        model,
        inputs,
        targets,
        optimizer=nn.SGD(model.parameters(), lr=lr, momentum=momentum),
        epochs=max_sweeps,
        stop=done,
        progress=not quiet,
        compile=compile and fastest_backend(),
        record=record,
    )
    return errors, len(errors) if done(len(errors), errors[-1]) else None


def add_compile_flag(parser: argparse.ArgumentParser) -> None:
    """``--no-compile``: train with the interpreter instead of generated code (same numbers)."""
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="build and differentiate each case's graph (the interpreter) instead of running "
        "the compiled forward and backward code; the numbers are the same, only slower",
    )


def _html_path(text: str) -> Path:
    """An argparse type: a file to write, in a folder that exists (checked before training,
    not after it)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file, e.g. timeline.html")
    if not path.resolve().parent.is_dir():
        raise argparse.ArgumentTypeError(f"the folder of {text!r} does not exist")
    return path


def add_timeline_flag(parser: argparse.ArgumentParser) -> None:
    """``--timeline FILE.html``: record the training and write a page to scrub through it.

    In the demo, `timeline_recorder` gives the recorder (None without the flag) and
    `save_timeline` writes the page once training is over.
    """
    parser.add_argument(
        "--timeline",
        metavar="FILE.html",
        type=_html_path,
        default=None,
        help="record the training at keyframes and write one self-contained page to scrub "
        "through it sweep by sweep: error, weights and gradients, hidden units, backward pass",
    )


def timeline_recorder(args: argparse.Namespace, title: str) -> nn.Recorder | None:
    """An `nn.Recorder` titled ``title`` when ``--timeline`` was given, else None.

    Pass it to `nn.fit` (``record=``) or `fit_until`; or, in a training loop of your own::

        rec.start(model, inputs, targets, loss)  # before the first sweep
        for ...:                                           # each sweep:
            opt.zero_grad()
            error = run(cases)       # the sweep's error; its gradient is in every .grad
            rec.sweep(error)         # before the weights change
            opt.step()
        rec.finish()                 # right away: the last sweep's gradient is in .grad
        ...
        save_timeline(rec, args.timeline, args.quiet)      # writes the page

    ``model`` is called on one case's inputs (a list of numbers, as `nn.fit` takes them)
    and must be a net of units (`nn` layers); ``loss`` is the loss whose sum over the
    cases ``error`` is. See `nn.record` for what a keyframe keeps.
    """
    return nn.Recorder(title=title) if getattr(args, "timeline", None) is not None else None


def save_timeline(
    recorder: nn.Recorder | None, path: Path | None, quiet: bool, *more: nn.Recorder
) -> None:
    """Finish ``recorder`` and write its timeline page to ``path`` (nothing when either is
    None), with the timelines of ``more`` recorders below it on the same page; a file that
    cannot be written ends the demo with one line saying why."""
    if recorder is None or path is None:
        return
    try:
        recorder.write(path, *more)
    except OSError as e:
        raise SystemExit(f"--timeline: cannot write {path}: {e.strerror or e}") from None
    log(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB): open it in a browser", quiet)


def output_reader(
    model: Callable[[Any], Any], inputs: Sequence[Sequence[float]], compile: bool
) -> Callable[[], list[float]]:
    """A function giving the model's (one) output for every case at the current weights.

    Compiled, it runs the forward code of `autograd.compile` (``outputs``);
    otherwise it calls the model without recording a graph: the same floats.
    """
    if not compile:

        def interpreted() -> list[float]:
            with no_grad():
                return [model(x).data for x in inputs]

        return interpreted
    xs = [Value(v) for v in inputs[0]]
    params = model.parameters()  # type: ignore[attr-defined]
    forward = autograd.compile(model(xs), params, xs, backend=fastest_backend())
    rows: Any = [list(x) for x in inputs]
    if isinstance(forward, Native):
        rows = forward.table(rows)  # checked and made an array once, not every sweep
    return lambda: forward.outputs([p.data for p in params], rows)


def accumulate_sweep(errors: Iterable[Value]) -> float:
    """Run backward on each case's error in turn and return their sum, Σ_c E_c.

    Leaf gradients accumulate across ``backward`` calls, so afterwards every
    weight holds ∂E/∂w summed over the whole sweep, as in the paper, while only
    one case's graph is alive at a time. ``errors`` should be a generator that
    builds each case's graph when asked.
    """
    total = 0.0
    for e in errors:
        e.backward()
        total += e.data
    return total


def fastest_backend() -> Literal["numba", "python"]:
    """The `autograd.compile` backend the demos' compiled training runs on: ``"numba"``
    (machine code) where Numba is installed (``pip install 'autograd-1986[fast]'``), else
    ``"python"``. Both give the interpreter's numbers bit for bit; only the time differs."""
    return "numba" if importlib.util.find_spec("numba") is not None else "python"
