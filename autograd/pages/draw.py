"""Drawing a computation graph with Graphviz, in the style of micrograd's pictures.

Every Value is a box showing its name, ``data`` and ``grad``; every operation
is a small circle between its operands and its result; a constant folded into
an operation (the ``2`` of ``x * 2``) is a small dashed box. Leaves are coloured
by role: parameters (what training changes) orange, inputs blue; the output has
a heavy border.

Rendering uses the Graphviz program ``dot`` when it is installed, and otherwise
(SVG only) Graphviz compiled to WebAssembly, installed by pip: see `autograd.pages.render`.
`render` (and the drawing's own ``pipe``, ``render`` and Jupyter display) keeps a
time limit, for programs that must not hang.
"""

from __future__ import annotations

import html
import itertools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz

from autograd.core.engine import Value, topological_order
from autograd.core.files import write_atomically
from autograd.core.graph import consumers, on_paths
from autograd.core.network import (
    Network,
    NotANetwork,
    activation,
    find_network,
    unit_output,
)
from autograd.core.notation import (
    constant,
    delimited,
    node_names,
    num,
    parameter_names,
    printable,
)
from autograd.core.ops import linear_role
from autograd.pages.render import (
    RENDER_TIMEOUT,
    GraphvizMissing,
    RenderError,
    nested_clusters_in_order,
    render_source,
)

__all__ = [
    "RENDER_TIMEOUT",
    "Drawing",
    "GraphvizMissing",
    "RenderError",
    "draw_graph",
    "edge_id",
    "hide_gradients",
    "inline_svg",
    "node_id",
    "op_edge_id",
    "render",
]

_RANKDIRS = ("LR", "RL", "TB", "BT")
_SHOWABLE = ("data", "grad")
_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)\.")
_NEURON = re.compile(r"(?:^|\.)neurons\.(\d+)\.")

_FILL = {"parameter": "#fddcb5", "input": "#cfe5f7", "operation": "#ffffff", "output": "#ffffff"}
# A non-finite gradient (red, with a marker), and nodes off the --wrt paths (greyed out).
_BAD_FILL, _BAD_TEXT = "#f8c4c4", "#a00000"
_DIM_FILL, _DIM_TEXT, _DIM_LINE = "#f4f4f4", "#a8a8a8", "#cccccc"
# Powers and minus as the learner types them (the expression language has no ^, and the
# tools write one minus sign, "-": see autograd.core.notation).
_OP_SYMBOL = {"neg": "-", "*": "×"}
# Operations whose operand order matters: their edges say which operand is a and which b,
# as in the derivative formulas (∂(a/b)/∂b = -a/b²).
_ORDERED = {"-", "/", "**"}

# dot lays out an edge that spans k ranks as a chain of k virtual nodes, and its network
# simplex (Graphviz 2.43) slows down faster than quadratically with them: a leaf used all
# along a long chain (x + x + … + x, 100 terms: ~10^4 virtual nodes) took over ten minutes.
# Past this many, the layout passes are capped (nslimit: iterations per real node of the
# x-coordinate pass, nslimit1 of the ranking pass; mclimit scales the crossing-minimisation
# passes) and edges are straight lines (routing splines around ~10^5 virtual nodes took
# longer than the layout). Smaller graphs keep dot's defaults: their drawings stay as they were.
_VIRTUAL_NODES_LIMIT = 1000
_CAPPED_LAYOUT = {"nslimit": "1", "nslimit1": "1", "mclimit": "0.2", "splines": "line"}
# User text (names, tooltips) is cut to this many characters in a drawing.
_TEXT_LIMIT = 120
# A link attribute in SVG (href, xlink:href): dot writes one only for a URL or href attribute,
# which no drawing sets; inline_svg drops any that is not the page's own (#…) all the same.
_FOREIGN_LINK = re.compile(r'\s(?:xlink:)?href="(?!#)[^"]*"')


def node_id(index: int) -> str:
    """The Graphviz (and SVG) id of the Value at ``index`` in `topological_order`."""
    return f"v{index}"


def edge_id(index: int, position: int) -> str:
    """The id of the edge from operand ``position`` into the operation of node ``index``."""
    return f"e{index}_{position}"


def op_edge_id(index: int) -> str:
    """The id of the edge from the operation of node ``index`` to the node itself."""
    return f"o{index}"


def _show(show: str) -> tuple[bool, bool]:
    fields = {f.strip() for f in show.split(",") if f.strip()}
    unknown = fields - set(_SHOWABLE)
    if unknown:
        raise ValueError(
            f"draw_graph: show={show!r} has unknown field(s) {sorted(unknown)}; "
            "use a comma-separated subset of 'data,grad' (or '' for names only)"
        )
    return "data" in fields, "grad" in fields


def _text(text: str) -> str:
    """User text for an HTML-like label: on one line, markup escaped, and backslashes doubled,
    since dot reads ``\\N``, ``\\G``, ``\\E`` as escapes (the node's name, the graph's name)
    even there."""
    return html.escape(printable(text, limit=_TEXT_LIMIT)).replace("\\", "\\\\")


def _plain(text: str, limit: int = _TEXT_LIMIT) -> str:
    """User text for a plain-text label (an op's symbol, a cluster's title).

    graphviz.quote() leaves a value of the form ``<…>`` unquoted, and dot then reads it as
    an HTML-like label and the rest of the line as attributes (``URL=<javascript:…>``):
    `graphviz.nohtml` makes it a quoted string whatever it holds. Control characters are
    spelled out, so one statement stays on one line, and backslashes are doubled, so they
    start no Graphviz escape; ``&`` is written ``&amp;``, as dot reads entities (``&lt;``)
    in any string.
    """
    return _quoted(printable(text, limit=limit), 2)


def _quoted(text: str, backslashes: int) -> str:
    escaped = text.replace("&", "&amp;").replace("\\", "\\" * backslashes)
    quoted: str = graphviz.nohtml(escaped)
    return quoted


def _tooltip(text: str) -> str:
    """User text for a tooltip: as `_plain`, but dot expands a tooltip's escapes twice
    (``\\\\N`` still becomes the node's name), so its backslashes are doubled twice."""
    return _quoted(printable(text, limit=_TEXT_LIMIT), 4)


def _is_gradient(text: str) -> bool:
    """Whether a cell shows a gradient: ``grad 0.25``, or a unit's ``∂E/∂x 0.25``."""
    return text.startswith(("grad ", "∂"))


def _cell(text: str) -> str:
    """A table cell; a non-finite gradient is red with a marker, so it stands out in a drawing."""
    if _is_gradient(text) and text.split()[1].lstrip("-") in ("inf", "nan"):
        return f'<TD BGCOLOR="{_BAD_FILL}"><FONT COLOR="{_BAD_TEXT}">{_text(text)} ⚠</FONT></TD>'
    return f"<TD>{_text(text)}</TD>"


def _value_label(
    name: str, cells: list[str], fill: str, border: int, dim: bool = False, stacked: bool = False
) -> str:
    """An HTML-like table: the name in bold, then the numbers, in one row (or ``stacked``:
    the name beside a column of them, a narrow box for a phone). All text is escaped."""
    opening, closing = (f'<FONT COLOR="{_DIM_TEXT}">', "</FONT>") if dim else ("", "")
    head = f"{opening}<B>{_text(name)}</B>{closing}</TD>"
    tds = [_cell(c) if not dim else f"<TD>{opening}{_text(c)}{closing}</TD>" for c in cells]
    if stacked and len(tds) > 1:
        rows = [
            f'<TR><TD ROWSPAN="{len(tds)}">{head}{tds[0]}</TR>',
            *(f"<TR>{t}</TR>" for t in tds[1:]),
        ]
    else:
        rows = [f"<TR><TD>{head}{''.join(tds)}</TR>"]
    line = f' COLOR="{_DIM_LINE}"' if dim else ""
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        f'BGCOLOR="{_DIM_FILL if dim else fill}"{line}>'
        f"{''.join(rows)}</TABLE>>"
    )


def _virtual_nodes(order: list[Value]) -> int:
    """About how many virtual nodes dot will make for the edges of this graph.

    Ranks as dot would roughly give them: an operation one rank after its
    latest operand, its result one rank after it, and a leaf just before its
    first use. Every rank an edge skips costs one virtual node.
    """
    rank: dict[Value, int] = {}
    uses: dict[Value, list[int]] = {}
    for v in order:
        if v.is_leaf:
            continue
        op_rank = 1 + max(rank.get(p, 0) for p in v.parents) if v.parents else 1
        rank[v] = op_rank + 1
        for p in v.parents:
            uses.setdefault(p, []).append(op_rank)
    total = 0
    for v, ranks in uses.items():
        start = rank[v] if v in rank else min(ranks) - 1
        total += sum(r - start - 1 for r in ranks)
    return total


def render(graph: graphviz.Digraph, fmt: str, timeout: float | None = RENDER_TIMEOUT) -> bytes:
    """``graph`` rendered in format ``fmt`` ("svg", "png", "pdf"), as bytes.

    Like ``graph.pipe(format=fmt)``, with ``dot`` when it is installed and, for SVG,
    without it (see `autograd.pages.render`); stopped after ``timeout`` seconds (None: no
    limit). Raises `RenderError` when rendering fails, runs out of time or returns
    something that is not a ``fmt`` file, `GraphvizMissing` when nothing can render ``fmt``.
    """
    source = graph.source_for(None, timeout) if isinstance(graph, Drawing) else graph.source
    return render_source(source, fmt, timeout)


def inline_svg(graph: graphviz.Digraph, prefix: str, timeout: float | None = RENDER_TIMEOUT) -> str:
    """``graph`` as SVG to put inside a page: no XML prolog, no node titles, ids prefixed.

    Graphviz titles every node with its id, which browsers show as a tooltip: noise on
    a page (a tooltip asked for, such as a parameter's full name, is an ``<a
    xlink:title>`` and stays). Ids are only ever written by Graphviz from our own ids
    (``v3``, ``e3_0``, ...), so ``prefix`` on each makes them unique per widget.
    """
    svg = render(graph, "svg", timeout).decode("utf-8")
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    svg = _FOREIGN_LINK.sub("", svg)
    return re.sub(r'\bid="', f'id="{prefix}', svg)


# Where each node, edge or cluster of an SVG drawing begins (nested groups stay inside).
_ITEM = re.compile(r'(?=<g id="[^"]*" class="(?:node|edge|cluster)">)')
_TEXT = re.compile(r"(<text\b[^>]*)>([^<]*)<")
_NODE_ID = re.compile(r'<g id="([^"]*)" class="node">')


def hide_gradients(
    svg: str, prefix: str, last_only: bool = False
) -> tuple[str, dict[str, list[str]]]:
    """``svg`` (from `inline_svg`) with every gradient cell shown as ``grad ?`` (``∂E/∂x ?``),
    and the texts hidden, by box id (without ``prefix``): a page's script shows them.

    A gradient is a box's cell after its name that starts ``grad `` or ``∂`` (a node
    named ``grad 5`` keeps its name); ``last_only`` hides only the last cell of a box.
    Nothing of a gradient is left in the markup, so a page without its script (or a
    notebook that does not run it) gives no answer away.
    """
    parts = _ITEM.split(svg)
    hidden: dict[str, list[str]] = {}
    for k, part in enumerate(parts):
        found = _NODE_ID.match(part)
        if not found:
            continue
        texts = list(_TEXT.finditer(part))[1:]
        cells = [t for t in texts if _is_gradient(html.unescape(t.group(2)))]
        if last_only:
            cells = cells[-1:] if cells and texts and cells[-1] is texts[-1] else []
        if not cells:
            continue
        box = found.group(1).removeprefix(prefix)
        out, at = [], 0
        for t in cells:
            full = html.unescape(t.group(2))
            hidden.setdefault(box, []).append(full)
            label = full.split(" ", 1)[0]
            hidden_cell = f'{t.group(1)} class="ag-grad grad-hidden">{html.escape(label)} ?<'
            out += [part[at : t.start()], hidden_cell]
            at = t.end()
        parts[k] = "".join([*out, part[at:]])
    return "".join(parts), hidden


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type information
    """The `graphviz.Digraph` that `draw_graph` returns: its ``pipe``, ``render`` and
    Jupyter display go through `render`, so they work without ``dot`` (as SVG) and
    keep the time limit; anything else (another engine or renderer) is graphviz's own.

    Its ``source`` writes the clusters of a layer (its neurons) in their order;
    `source_for` is the source a given renderer draws them in that order from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Where the body holds clusters side by side in a cluster: (start, the same lines
        # with those clusters written in the other order).
        self.reversible: list[tuple[int, list[str]]] = []

    def layer(self, name: str, attrs: dict[str, str], clusters: list[graphviz.Digraph]) -> None:
        """A cluster ``name`` holding ``clusters`` side by side, in this order."""

        def lines(inside: list[graphviz.Digraph]) -> list[str]:
            outer = graphviz.Digraph(name=name)
            outer.attr(**attrs)
            for cluster in inside:
                outer.subgraph(cluster)
            return [f"\t{line}" for line in outer.__iter__(subgraph=True)]

        if len(clusters) > 1:
            self.reversible.append((len(self.body), lines(clusters[::-1])))
        self.body += lines(clusters)

    def source_for(
        self, renderer: str | None = None, timeout: float | None = RENDER_TIMEOUT
    ) -> str:
        """The source to give ``renderer`` ("dot", "wasm", "browser", or None: the one
        `render` uses), so that it draws a layer's neurons in their order: ``source``, or
        that with the neurons written the other way round (see `nested_clusters_in_order`)."""
        rankdir = self.graph_attr.get("rankdir", "TB")
        if not self.reversible or nested_clusters_in_order(rankdir, renderer, timeout):
            return str(self.source)
        body = list(self.body)
        for start, lines in self.reversible:
            body[start : start + len(lines)] = lines
        other = super().copy()
        other.body = body
        return str(other.source)

    def copy(self) -> Drawing:
        other: Drawing = super().copy()
        other.reversible = list(self.reversible)
        return other

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:
        encoding = kwargs.pop("encoding", None)
        if args or kwargs:
            return super().pipe(format, *args, encoding=encoding, **kwargs)
        out = render(self, format or self.format)
        return out if encoding is None else out.decode(encoding)

    def render(self, filename: Any = None, directory: Any = None, *args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.pop("format", None) or self.format
        cleanup = kwargs.pop("cleanup", False)
        if args or kwargs:
            return super().render(filename, directory, *args, format=fmt, cleanup=cleanup, **kwargs)
        source = self.save(filename, directory=directory)
        target = f"{source}.{fmt}"
        try:
            write_atomically(target, render(self, fmt))
        finally:
            if cleanup:
                os.remove(source)
        return target


def _op_label(op: str) -> str:
    """An operation's symbol as a plain-text label: a custom `autograd.Op` may be called
    anything, but "<…>" must not be read as markup, nor ``\\N`` as a Graphviz escape."""
    return _plain(_OP_SYMBOL.get(op, op), limit=20)


def _clusters(
    order: list[Value], index: dict[Value, int], params: Mapping[Value, str]
) -> dict[int, dict[int, list[int]]]:
    """Layer → neuron → indices of that neuron's Σ node and its activation.

    A Σ node belongs to layer K (neuron J) when its parameters are all named
    ``…layers.K.neurons.J…``; its activation is its only consumer, if that
    consumer is a function of it alone (sigmoid, tanh, relu, …).
    """
    users = consumers(order)
    layers: dict[int, dict[int, list[int]]] = {}
    for v in order:
        if v.op != "Σ":
            continue
        names = [params[p] for p in v.parents if p in params]
        found = {m.group(1) for m in map(_LAYER.search, names) if m}
        if len(names) == 0 or len(found) != 1:
            continue
        neurons = {m.group(1) for m in map(_NEURON.search, names) if m}
        # Without one neuron number, the Σ node still gets a cluster of its own (a negative key).
        neuron = int(neurons.pop()) if len(neurons) == 1 else -1 - index[v]
        members = [index[v]]
        act = activation(v, users)
        if act is not None:
            members.append(index[act])
        layers.setdefault(int(found.pop()), {}).setdefault(neuron, []).extend(members)
    return layers


def _short_name(name: str) -> str:
    """A parameter's name inside its neuron's cluster: ``layers.0.neurons.3.w.2`` → ``w[2]``."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[-1].isdigit():
        return f"{parts[-2]}[{parts[-1]}]"
    return parts[-1]


_VIEWS = ("values", "neurons")
_SMALL_LAYER = 8
_NEURON_PREFIX = re.compile(r"(.*\bneurons\.\d+)\.", re.DOTALL)
# Where a unit's edges leave and enter its box, by rankdir: its sides along the flow.
_PORTS = {"LR": ("e", "w"), "RL": ("w", "e"), "TB": ("s", "n"), "BT": ("n", "s")}


class _Drawing:
    """One drawing being built: the graph, and where each Value of it is shown."""

    def __init__(
        self,
        root: Value,
        order: list[Value],
        params: object,
        grads: Mapping[Value, float] | None,
        show: tuple[bool, bool],
        rankdir: str,
        inputs: Sequence[str] | None,
        wrt: Value | Iterable[Value] | None,
    ) -> None:
        self.root, self.order, self.rankdir = root, order, rankdir
        self.index = {v: i for i, v in enumerate(order)}
        self.named = parameter_names(params, order)
        self.net: Network | None
        try:
            self.net = find_network(root, order, self.named, "draw_graph")
        except NotANetwork:
            self.net = None
        short = self.net.shown_names(self.named) if self.net else {}
        self.short = short
        self.names = node_names(order, {**self.named, **short})
        self.grads = grads
        self.show_data, self.show_grad = show
        self.input_names = list(inputs) if inputs is not None else None
        self.inputs: dict[tuple[int, float], tuple[str, str]] = {}  # → node id, name
        self.consumers = consumers(order)
        self.where = {v: node_id(i) for i, v in enumerate(order)}  # the box showing each Value
        self.on_path: set[Value] | None = None
        if wrt is not None:
            targets = {wrt} if isinstance(wrt, Value) else set(wrt)
            missing = [t for t in targets if t not in self.index]
            if missing:
                raise ValueError(
                    f"draw_graph: wrt {missing[0]!r} is not part of the graph of the root"
                )
            self.on_path = on_paths(order, targets)
        graph_attr = {"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35"}
        if _virtual_nodes(order) > _VIRTUAL_NODES_LIMIT:
            graph_attr.update(_CAPPED_LAYOUT)
        self.g = Drawing(
            name="autograd",
            graph_attr=graph_attr,
            node_attr={"fontname": "Helvetica", "fontsize": "12"},
            edge_attr={"arrowsize": "0.6", "fontname": "Helvetica", "fontsize": "9"},
        )

    def dim(self, v: Value) -> bool:
        return self.on_path is not None and v not in self.on_path

    def kind(self, v: Value) -> str:
        if v.is_leaf:
            return "parameter" if v in self.named else "input"
        return "output" if v is self.root else "operation"

    def numbers(self, v: Value) -> list[str]:
        grad = v.grad if self.grads is None else self.grads.get(v, 0.0)
        return ([f"data {num(v.data)}"] if self.show_data else []) + (
            [f"grad {num(grad)}"] if self.show_grad else []
        )

    def value(self, target: graphviz.Digraph, v: Value, name: str | None = None) -> None:
        """``v``'s box (and its operation's circle); ``name`` replaces its name in the box,
        the full name then being the tooltip."""
        i, kind = self.index[v], self.kind(v)
        shown = self.names[v] if name is None else name
        label = _value_label(
            shown, self.numbers(v), _FILL[kind], 2 if kind == "output" else 0, self.dim(v)
        )
        full = printable(self.named[v]) if v in self.named else self.names[v]
        extra = {} if name is None else {"tooltip": _tooltip(full)}
        target.node(node_id(i), label=label, shape="plain", id=node_id(i), **extra)
        if not v.is_leaf:
            self.operation(target, v)

    def operation(self, target: graphviz.Digraph, v: Value) -> None:
        op = f"{node_id(self.index[v])}_op"
        dim = self.dim(v)
        target.node(
            op,
            label=_op_label(v.op),
            shape="circle" if len(v.op) <= 2 else "ellipse",
            width="0.3",
            height="0.3",
            margin="0.02",
            fontsize="11",
            style="filled",
            fillcolor=_DIM_FILL if dim else "#eeeeee",
            id=op,
            **({"color": _DIM_LINE, "fontcolor": _DIM_TEXT} if dim else {}),
        )

    def input_node(self, position: int, x: float, name: str | None = None) -> str:
        """The node of a float fed to a Σ node as input ``position`` (x1, x2, …, or the
        caller's names), one per position and value, shared by every unit it feeds."""
        key = (position, x)
        if key not in self.inputs:
            if name is not None:
                pass
            elif self.input_names is not None and position < len(self.input_names):
                name = self.input_names[position]
            else:
                name = f"x{position + 1}"
            taken = set(self.names.values()) | {n for n, _ in self.inputs.values()}
            while name in taken:
                name += "′"
            node = f"in{len(self.inputs)}"
            self.inputs[key] = node, name
            cells = [f"data {num(x)}"] if self.show_data else []
            self.g.node(
                node, label=_value_label(name, cells, _FILL["input"], 0), shape="plain", id=node
            )
        return self.inputs[key][0]

    def constant(self, i: int, pos: int, x: float) -> str:
        node = f"c{i}_{pos}"
        self.g.node(
            node,
            label=constant(x),
            shape="box",
            style="rounded,dashed",
            fontsize="10",
            fontcolor="#555555",
            color="#888888",
            width="0.2",
            height="0.2",
            margin="0.04",
            id=node,
        )
        return node

    def operand(self, v: Value, pos: int, x: object) -> tuple[str, dict[str, str]]:
        """The node an operand's edge starts from, and that edge's extra attributes."""
        if isinstance(x, Value):
            return self.where[x], {"color": _DIM_LINE} if self.dim(x) else {}
        c = float(x)  # type: ignore[arg-type]  # an operand that is not a Value is a number
        role, partner = linear_role(pos, len(v.operands)) if v.op == "Σ" else (None, None)
        if role == 1 and partner is not None:
            if self.net is not None and self.input_names is None and v in self.net.unit_of:
                # A net's input unit i, as every listing of the net calls it: y_i.
                i = self.net.unit_of[v].sources[partner]
                return self.input_node(i - 1, c, f"y{i}"), {}
            return self.input_node(partner, c), {}
        return self.constant(self.index[v], pos, c), {"color": "#888888"}

    def edges(self, v: Value, into: str) -> None:
        """The edges of ``v``'s operands into node ``into`` (and into ``v``'s own box)."""
        i = self.index[v]
        ordered = v.op in _ORDERED and len(v.operands) == 2
        for pos, x in enumerate(v.operands):
            start, extra = self.operand(v, pos, x)
            if ordered:
                extra["label"] = "ab"[pos]
            self.g.edge(start, into, id=edge_id(i, pos), **extra)

    def in_order(self, nodes: list[str]) -> None:
        """Keep ``nodes`` (boxes of one rank) in this order, top to bottom (LR, RL) or left to
        right (TB, BT), with a chain of invisible edges between them that stay within the rank.

        Without it, dot keeps the order of its first placement, which is no promise: it
        changed between Graphviz versions (2.43 and 16 place the same source in opposite
        orders). An edge within a rank (minlen 0, a "flat" edge) is a constraint that every
        version keeps: its tail left of its head, which LR's rotation puts below it.
        """
        chain = nodes[::-1] if self.rankdir in ("LR", "RL") else nodes
        for tail, head in itertools.pairwise(chain):
            self.g.edge(tail, head, style="invis", minlen="0")

    def values_view(self) -> None:
        clusters = _clusters(self.order, self.index, self.named)
        home: dict[Value, tuple[int, int]] = {
            self.order[i]: (layer, neuron)
            for layer, neurons in clusters.items()
            for neuron, members in neurons.items()
            for i in members
        }
        # A parameter used only by one neuron's Σ is drawn inside that neuron, in index order.
        owned: dict[tuple[int, int], list[Value]] = {}
        for v in self.order:
            if v.op != "Σ" or v not in home:
                continue
            for p in v.parents:
                if p in self.named and all(c is v for c in self.consumers[p]) and p not in home:
                    home[p] = home[v]
                    owned.setdefault(home[v], []).append(p)
        for v in self.order:
            if v not in home:
                self.value(self.g, v)
        for layer in sorted(clusters):
            neurons = []
            for neuron in sorted(clusters[layer]):
                nc = graphviz.Digraph(name=f"cluster_layer_{layer}_neuron_{neuron}")
                nc.attr(
                    label=f"neuron {neuron}" if neuron >= 0 else "",
                    style="rounded,dashed",
                    color="#bbbbbb",
                )
                mine = owned.get((layer, neuron), [])
                for p in mine:
                    short = self.short.get(p) or _short_name(self.named[p])
                    self.value(nc, p, short)
                # The parameters in index order, w[0], w[1], ..., b.
                self.in_order([self.where[p] for p in mine])
                for i in clusters[layer][neuron]:
                    self.value(nc, self.order[i])
                neurons.append(nc)
            self.g.layer(
                name=f"cluster_layer_{layer}",
                attrs={
                    "label": f"layer {layer}",
                    "style": "rounded",
                    "color": "#999999",
                    "fontname": "Helvetica",
                },
                clusters=neurons,
            )
        for i, v in enumerate(self.order):
            if not v.is_leaf:
                self.edges(v, f"{node_id(i)}_op")
                self.g.edge(
                    f"{node_id(i)}_op",
                    node_id(i),
                    id=op_edge_id(i),
                    **({"color": _DIM_LINE} if self.dim(v) else {}),
                )
        if clusters:
            # dot's second crossing-minimisation pass (run when there are clusters) moves nodes
            # that no crossing constrains; without it the drawings keep the layout they had
            # (the order of a neuron's parameters is kept by `in_order` either way).
            self.g.graph_attr["remincross"] = "false"

    def neurons_view(self) -> None:
        """One box per unit (a Σ node and its activation) with the unit's output data and
        grad; the parameters only that unit uses are summarised in it, not drawn."""
        net = self.net
        if net is not None:
            units = net.totals()
        else:
            units = {v: unit_output(v, self.consumers) for v in self.order if v.op == "Σ"}
        inside: dict[Value, Value] = {}  # every Value drawn as part of a unit → its Σ node
        for total, out in units.items():
            inside[total] = inside[out] = total
            for pos, x in enumerate(total.operands):
                if (
                    isinstance(x, Value)
                    and x.is_leaf
                    and linear_role(pos, len(total.operands))[0] != 1
                    and all(c is total for c in self.consumers[x])
                ):
                    inside[x] = total
        for v, total in inside.items():
            self.where[v] = node_id(self.index[units[total]])
        # A net's loss is one box above its output units, however many nodes it takes:
        # drawn node by node, it pushes the layers apart and loops their edges around it.
        loss = self.loss_nodes(units, inside) if net is not None else []
        for v in loss:
            self.where[v] = node_id(self.index[self.root])
        clusters = _clusters(self.order, self.index, self.named)
        layer_of = {
            self.order[members[0]]: (layer, neuron)
            for layer, neurons in clusters.items()
            for neuron, members in neurons.items()
        }
        for v in self.order:
            if v not in inside and v not in loss:
                self.value(self.g, v)
        if loss:
            self.loss_box(loss)
        by_layer: dict[int, list[tuple[int, Value]]] = {}
        for total in units:
            if total in layer_of:
                layer, neuron = layer_of[total]
                by_layer.setdefault(layer, []).append((neuron, total))
            else:
                self.unit(self.g, total, units[total], inside, summarised=False)
        # Room between the layers for the fan of edges (a 16-16 layer pair has 256). The units
        # of a layer are kept in neuron order (`in_order`): between fully connected layers
        # every order has the same crossings, so dot's crossing minimisation, which would
        # only try rotations of them, is all but switched off (mclimit scales its passes).
        # A small net's layers need less room: closer, two of them fit a phone.
        ranksep = "0.5" if self.small() else "1.1"
        self.g.graph_attr.update(ranksep=ranksep, remincross="false", mclimit="0.0001")
        for layer in sorted(by_layer):
            members = [total for _, total in sorted(by_layer[layer], key=lambda pair: pair[0])]
            summaries = {_summary(total, units[total]) for total in members}
            # One summary for the whole layer when its units are alike (as an MLP's are).
            label = f"layer {layer}"
            if len(summaries) == 1:
                label += f": {len(members)} × {summaries.pop()}"
            with self.g.subgraph(name=f"cluster_layer_{layer}") as lc:
                # A small net's boxes are narrow: its layer's title takes two lines, not width.
                title = label.split(": ", 1)
                shown = (
                    f"<{_text(title[0])}:<BR/>{_text(title[1])}>"
                    if self.small() and len(title) == 2
                    else _plain(label)
                )
                lc.attr(label=shown, style="rounded", color="#999999", fontname="Helvetica")
                for total in members:
                    self.unit(lc, total, units[total], inside, summarised=label != f"layer {layer}")
            self.in_order([self.where[units[total]] for total in members])
        for i, v in enumerate(self.order):
            if not v.is_leaf and v not in inside and v not in loss:
                self.edges(v, f"{node_id(i)}_op")
                self.g.edge(
                    f"{node_id(i)}_op",
                    node_id(i),
                    id=op_edge_id(i),
                    **({"color": _DIM_LINE} if self.dim(v) else {}),
                )

    def small(self) -> bool:
        """Whether the net is small enough (at most 8 units a layer) to draw its units as
        narrow stacked boxes, which a phone shows two layers of at a readable size; a
        bigger net keeps one-row boxes, so that it fits a screen."""
        return self.net is not None and max(map(len, self.net.layers())) <= _SMALL_LAYER

    def loss_nodes(
        self, units: Mapping[Value, Value], inside: Mapping[Value, Value]
    ) -> list[Value]:
        """The nodes of a net's loss: every interior node above the units, and the leaves
        (targets as Values) only they use; [] when the root is a unit's own output."""
        if self.root in inside:
            return []
        loss = {v for v in self.order if not v.is_leaf and v not in inside}
        for v in self.order:
            if v.is_leaf and v not in inside and all(c in loss for c in self.consumers.get(v, [])):
                if self.consumers.get(v) and v not in self.named:
                    loss.add(v)
        return [v for v in self.order if v in loss]

    def loss_box(self, loss: list[Value]) -> None:
        """The loss as one box (named as the root, with its data and grad), and an edge from
        each unit output it reads."""
        root = self.root
        node = node_id(self.index[root])
        label = _value_label(self.names[root], self.numbers(root), _FILL["output"], 2)
        tooltip = f"the loss: {len([v for v in loss if not v.is_leaf])} operations"
        self.g.node(node, label=label, shape="plain", id=node, tooltip=_tooltip(tooltip))
        members, drawn = set(loss), set()
        tail, head = _PORTS[self.rankdir]
        for v in loss:
            for pos, x in enumerate(v.operands):
                if isinstance(x, Value) and x not in members and x not in drawn:
                    drawn.add(x)
                    self.g.edge(
                        f"{self.where[x]}:{tail}",
                        f"{node}:{head}",
                        id=edge_id(self.index[v], pos),
                        color="#8c8c8c",
                        penwidth="0.7",
                        arrowsize="0.4",
                        minlen="0",  # beside the output units when that is shorter
                    )

    def unit(
        self,
        target: graphviz.Digraph,
        total: Value,
        out: Value,
        inside: Mapping[Value, Value],
        summarised: bool,
    ) -> None:
        """A unit's box (with what it computes, unless its layer's label says it), and the
        edges of its inputs (and of any parameter shared with another unit) into it."""
        summary = _summary(total, out)
        kind = "output" if out is self.root else "operation"
        node = self.where[out]
        prefixes = {
            m.group(1)
            for p in total.parents
            if p in self.named
            for m in [_NEURON_PREFIX.match(self.named[p])]
            if m
        }
        tooltip = f"{prefixes.pop() if len(prefixes) == 1 else self.names[total]}: {summary}"
        numbers = self.numbers(out)
        stacked = self.small()
        if self.net is not None and self.show_grad:
            # A unit of a net shows ∂E/∂x, what its step computes (and, in a small net,
            # ∂E/∂y before it: a narrow box has room for both).
            grads = self.grads or {}
            dy = out.grad if self.grads is None else grads.get(out, 0.0)
            dx = total.grad if self.grads is None else grads.get(total, 0.0)
            e = delimited(self.names[self.root])
            shown = [f"∂{e}/∂y {num(dy)}"] if stacked else []
            numbers = [*numbers[:-1], *shown, f"∂{e}/∂x {num(dx)}"]
        target.node(
            node,
            label=_value_label(
                self.names[out],
                ([] if summarised else [summary]) + numbers,
                _FILL[kind],
                2 if kind == "output" else 0,
                self.dim(out),
                stacked,
            ),
            shape="plain",
            id=node,
            tooltip=_tooltip(tooltip),
        )
        i = self.index[total]
        tail, head = _PORTS[self.rankdir]
        for pos, x in enumerate(total.operands):
            if isinstance(x, Value) and inside.get(x) is total:
                continue
            start, extra = self.operand(total, pos, x)
            # Thin grey edges that leave and enter boxes at their sides, not over their text.
            extra.setdefault("color", "#8c8c8c")
            self.g.edge(
                f"{start}:{tail}",
                f"{node}:{head}",
                id=edge_id(i, pos),
                penwidth="0.7",
                arrowsize="0.4",
                **extra,
            )


def _summary(total: Value, out: Value) -> str:
    """What a unit computes: ``sigmoid(Σ 16w+b)``."""
    n = (len(total.operands) - 1) // 2
    return f"Σ {n}w+b" if out is total else f"{out.op}(Σ {n}w+b)"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show: str = "data,grad",
    max_nodes: int = 500,
    params: object = None,
    *,
    grads: Mapping[Value, float] | None = None,
    view: str = "values",
    inputs: Sequence[str] | None = None,
    wrt: Value | Iterable[Value] | None = None,
    ids: dict[Value, str] | None = None,
) -> graphviz.Digraph:
    """The graph of everything ``root`` depends on, as a `graphviz.Digraph`.

    Args:
        root: the Value to draw from. To see part of a big graph, pass an
            interior node: only what it depends on is drawn.
        rankdir: "LR" (left to right, the default), "RL", "TB" or "BT".
        show: which numbers each Value shows: a comma-separated subset of
            "data,grad" (4 significant digits), or "" for names only.
        max_nodes: refuse graphs with more Values than this (Graphviz becomes
            slow and the picture unreadable), with a ValueError.
        params: the parameters, drawn orange: an ``nn`` model (anything with
            ``named_parameters()``), or an iterable of Values. By default, the
            leaves labelled with a dotted ``nn`` name (``layers.0.neurons.1.w.2``).
            Σ nodes whose parameters are named ``layers.K...`` are grouped, with
            their activation and the parameters only they use (shown by short
            name, ``w[2]``, with the full name as tooltip), into a cluster per
            layer and neuron.
        grads: gradients to show instead of each Value's ``.grad`` (the HTML
            stepper passes those of `autograd.teach.explain`).
        view: "values" (every Value and operation) or "neurons": one box per
            unit (a Σ node and its activation, showing the unit's output data
            and grad); the parameters only it uses are not drawn but summarised
            (``sigmoid(Σ 16w+b)``, in the layer's label when its units are
            alike), so that a whole MLP fits a screen.
        inputs: names for the plain numbers fed to Σ nodes as inputs (an MLP's
            first layer), by position; by default x1, x2, ...
        wrt: a Value or Values: nodes not on a path from them to ``root`` are
            drawn greyed out (what ``autograd explain --wrt`` steps through).
        ids: a dict to fill with the id of the box that shows each Value (in
            the "neurons" view, a unit's box shows its Σ node, its activation
            and the parameters only it uses): how the HTML stepper finds them.

    Node ids in the Graphviz source (and in SVG output) are `node_id` for
    Values, ``node_id + "_op"`` for operations, and `edge_id`/`op_edge_id` for
    edges, so a page can find and highlight them. A gradient that is inf or
    nan is drawn red, with a ⚠ after it.

    The returned object renders inline in Jupyter, with ``.render()`` to a file,
    or ``.pipe(format="svg")`` to bytes; SVG needs no Graphviz install (see `render`).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {root!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    if view not in _VIEWS:
        raise ValueError(f"draw_graph: view must be one of {_VIEWS}, got {view!r}")
    if inputs is not None and (
        isinstance(inputs, str) or not all(isinstance(n, str) for n in inputs)
    ):
        raise TypeError(f"draw_graph: inputs must be a list of names, got {inputs!r}")
    shown = _show(show)
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")

    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {len(order)} values, more than max_nodes={max_nodes}. "
            "Draw a part of it by passing an interior node as root (for example one "
            "neuron's output: only what it depends on is drawn), or raise max_nodes "
            f"(max_nodes={len(order)}) to draw it all."
        )
    drawing = _Drawing(root, order, params, grads, shown, rankdir, inputs, wrt)
    if view == "neurons":
        drawing.neurons_view()
    else:
        drawing.values_view()
    if ids is not None:
        ids.update(drawing.where)
    return drawing.g
