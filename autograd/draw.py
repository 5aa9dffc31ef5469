"""Drawing a computation graph with Graphviz, in the style of micrograd's pictures.

Every Value is a box showing its name, ``data`` and ``grad``; every operation
is a small circle between its operands and its result; a constant folded into
an operation (the ``2`` of ``x * 2``) is a small dashed box. Leaves are coloured
by role: parameters (what training changes) orange, inputs blue; the output has
a heavy border.

Rendering uses the Graphviz program ``dot`` when it is installed, and otherwise
(SVG only) Graphviz compiled to WebAssembly, installed by pip: see `autograd.render`.
`render` (and the drawing's own ``pipe``, ``render`` and Jupyter display) keeps a
time limit, for programs that must not hang.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from typing import Any

import graphviz

from autograd.engine import Value, topological_order
from autograd.files import write_atomically
from autograd.notation import constant, node_names, num, parameter_names, printable
from autograd.render import RENDER_TIMEOUT, GraphvizMissing, RenderError, render_source

__all__ = [
    "RENDER_TIMEOUT",
    "Drawing",
    "GraphvizMissing",
    "RenderError",
    "draw_graph",
    "edge_id",
    "node_id",
    "op_edge_id",
    "render",
]

_RANKDIRS = ("LR", "RL", "TB", "BT")
_SHOWABLE = ("data", "grad")
_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)\.")
_NEURON = re.compile(r"(?:^|\.)neurons\.(\d+)\.")

_FILL = {"parameter": "#fddcb5", "input": "#cfe5f7", "operation": "#ffffff", "output": "#ffffff"}
_OP_SYMBOL = {"neg": "−", "-": "−", "*": "×", "**": "^"}
# Operations whose operand order matters: their edges say which operand is a and which b,
# as in the derivative formulas (∂(a/b)/∂b = −a/b²).
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


def _value_label(name: str, cells: list[str], fill: str, border: int) -> str:
    """A one-row HTML-like table: the name in bold, then the numbers. All text is escaped."""
    tds = [f"<TD><B>{html.escape(name)}</B></TD>"]
    tds += [f"<TD>{html.escape(c)}</TD>" for c in cells]
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        f'BGCOLOR="{fill}">'
        f"<TR>{''.join(tds)}</TR></TABLE>>"
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
    without it (see `autograd.render`); stopped after ``timeout`` seconds (None: no
    limit). Raises `RenderError` when rendering fails, runs out of time or returns
    something that is not a ``fmt`` file, `GraphvizMissing` when nothing can render ``fmt``.
    """
    return render_source(graph.source, fmt, timeout)


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type information
    """The `graphviz.Digraph` that `draw_graph` returns: its ``pipe``, ``render`` and
    Jupyter display go through `render`, so they work without ``dot`` (as SVG) and
    keep the time limit; anything else (another engine or renderer) is graphviz's own."""

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
    label: str = graphviz.nohtml(printable(_OP_SYMBOL.get(op, op), limit=20).replace("\\", "\\\\"))
    return label


def _clusters(
    order: list[Value], index: dict[Value, int], params: Mapping[Value, str]
) -> dict[int, dict[int, list[int]]]:
    """Layer → neuron → indices of that neuron's Σ node and its activation.

    A Σ node belongs to layer K (neuron J) when its parameters are all named
    ``…layers.K.neurons.J…``; its activation is its only consumer, if that
    consumer is a function of it alone (sigmoid, tanh, relu, …).
    """
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            consumers.setdefault(p, []).append(v)
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
        users = consumers.get(v, [])
        if len(users) == 1 and len(users[0].operands) == 1:
            members.append(index[users[0]])
        layers.setdefault(int(found.pop()), {}).setdefault(neuron, []).extend(members)
    return layers


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show: str = "data,grad",
    max_nodes: int = 500,
    params: object = None,
    *,
    grads: Mapping[Value, float] | None = None,
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
            their activation, into a cluster per layer and neuron.
        grads: gradients to show instead of each Value's ``.grad`` (the HTML
            stepper passes those of `autograd.explain`).

    Node ids in the Graphviz source (and in SVG output) are `node_id` for
    Values, ``node_id + "_op"`` for operations, and `edge_id`/`op_edge_id` for
    edges, so a page can find and highlight them.

    The returned object renders inline in Jupyter, with ``.render()`` to a file,
    or ``.pipe(format="svg")`` to bytes; SVG needs no Graphviz install (see `render`).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {root!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    show_data, show_grad = _show(show)
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
    index = {v: i for i, v in enumerate(order)}
    named = parameter_names(params, order)
    names = node_names(order, named)

    graph_attr = {"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35"}
    if _virtual_nodes(order) > _VIRTUAL_NODES_LIMIT:
        graph_attr.update(_CAPPED_LAYOUT)
    g = Drawing(
        name="autograd",
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"arrowsize": "0.6", "fontname": "Helvetica", "fontsize": "9"},
    )
    clusters = _clusters(order, index, named)
    in_cluster: dict[int, tuple[int, int]] = {
        i: (layer, neuron)
        for layer, neurons in clusters.items()
        for neuron, members in neurons.items()
        for i in members
    }

    def add_value(target: graphviz.Digraph, i: int) -> None:
        v = order[i]
        kind = (
            ("parameter" if v in named else "input")
            if v.is_leaf
            else ("output" if v is root else "operation")
        )
        grad = v.grad if grads is None else grads.get(v, 0.0)
        cells = ([f"data {num(v.data)}"] if show_data else []) + (
            [f"grad {num(grad)}"] if show_grad else []
        )
        target.node(
            node_id(i),
            label=_value_label(names[v], cells, _FILL[kind], 2 if kind == "output" else 0),
            shape="plain",
            id=node_id(i),
        )
        if not v.is_leaf:
            target.node(
                f"{node_id(i)}_op",
                label=_op_label(v.op),
                shape="circle" if len(v.op) <= 2 else "ellipse",
                width="0.3",
                height="0.3",
                margin="0.02",
                fontsize="11",
                style="filled",
                fillcolor="#eeeeee",
                id=f"{node_id(i)}_op",
            )

    for i in range(len(order)):
        if i not in in_cluster:
            add_value(g, i)
    for layer in sorted(clusters):
        with g.subgraph(name=f"cluster_layer_{layer}") as lc:
            lc.attr(label=f"layer {layer}", style="rounded", color="#999999", fontname="Helvetica")
            for neuron in sorted(clusters[layer]):
                with lc.subgraph(name=f"cluster_layer_{layer}_neuron_{neuron}") as nc:
                    nc.attr(
                        label=f"neuron {neuron}" if neuron >= 0 else "",
                        style="rounded,dashed",
                        color="#bbbbbb",
                    )
                    for i in clusters[layer][neuron]:
                        add_value(nc, i)

    for i, v in enumerate(order):
        if v.is_leaf:
            continue
        op_node = f"{node_id(i)}_op"
        ordered = v.op in _ORDERED and len(v.operands) == 2
        for pos, x in enumerate(v.operands):
            extra = {"label": "ab"[pos]} if ordered else {}
            if isinstance(x, Value):
                g.edge(node_id(index[x]), op_node, id=edge_id(i, pos), **extra)
            else:
                const_node = f"c{i}_{pos}"
                g.node(
                    const_node,
                    label=constant(float(x)),
                    shape="box",
                    style="rounded,dashed",
                    fontsize="10",
                    fontcolor="#555555",
                    color="#888888",
                    width="0.2",
                    height="0.2",
                    margin="0.04",
                    id=const_node,
                )
                g.edge(const_node, op_node, id=edge_id(i, pos), color="#888888", **extra)
        g.edge(op_node, node_id(i), id=op_edge_id(i))
    return g
