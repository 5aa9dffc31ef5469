"""draw_graph: what the Graphviz source contains, clusters for nn graphs, limits, rendering."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd import Op, Value, apply, draw_graph, linear, topological_order
from autograd.core.notation import printable
from autograd.pages.draw import _virtual_nodes, render
from autograd.pages.render import _as_records, _native, _wasm, wasm_available
from tests.helpers import needs_dot, neuron, sigmoid, sum_of


def node_statements(g: graphviz.Digraph) -> dict[str, str]:
    """Node id → its attribute text, for every node statement of the source."""
    found = {}
    for line in g.body:
        m = re.match(r"\s*(\w+) \[(.*)\]\s*$", line, re.DOTALL)
        if m and "->" not in line:
            found[m.group(1)] = m.group(2)
    return found


def edge_statements(g: graphviz.Digraph) -> list[tuple[str, str]]:
    """(tail, head) of every edge, without ports (``in0:e -> v5:w`` is ``(in0, v5)``); not the
    invisible ones that only keep boxes in order."""
    drawn = "".join(line for line in g.body if "style=invis" not in line)
    return re.findall(r"^\s*(\w+)(?::\w+)? -> (\w+)", drawn, re.MULTILINE)


def test_values_and_operations_are_nodes_with_name_data_and_grad() -> None:
    y, w, x, _ = neuron()
    y.backward()
    g = draw_graph(y)
    nodes = node_statements(g)
    # 6 values (w, x, w*x, b, w*x+b, y) and 3 operations (*, +, sigmoid).
    order = topological_order(y)
    assert len(order) == 6
    assert sorted(nodes) == sorted(
        [f"v{i}" for i in range(6)] + [f"v{i}_op" for i, v in enumerate(order) if not v.is_leaf]
    )
    s = sigmoid(0.3)
    local = s * (1 - s)  # σ'(z) = σ(z)(1 − σ(z))
    w_node = nodes[f"v{order.index(w)}"]
    assert "<B>w</B>" in w_node
    assert "data 0.5000" in w_node
    assert f"grad {local * 1.0:#.4g}" in w_node  # ∂y/∂w = σ'(z)·x
    assert f"grad {local * 0.5:#.4g}" in nodes[f"v{order.index(x)}"]  # ∂y/∂x = σ'(z)·w
    root = nodes[f"v{order.index(y)}"]
    assert f"data {s:#.4g}" in root and "grad 1.000" in root
    assert 'BORDER="2"' in root  # the output stands out
    # Every op node sits between its operands and its result.
    edges = edge_statements(g)
    i = order.index(y)
    assert (f"v{i}_op", f"v{i}") in edges
    assert (f"v{i - 1}", f"v{i}_op") in edges
    assert len(edges) == 2 + 2 + 1 + 3  # operands into *, + and sigmoid, then 3 results


def test_constants_are_small_nodes_of_their_own() -> None:
    x = Value(3.0, label="x")
    y = 2 * x - 0.5
    g = draw_graph(y)
    nodes = node_statements(g)
    consts = {k: v for k, v in nodes.items() if k.startswith("c")}
    assert len(consts) == 2
    labels = sorted(re.search(r"label=(\S+)", v).group(1) for v in consts.values())  # type: ignore[union-attr]
    assert labels == ["0.5", "2"]
    assert all("dashed" in v for v in consts.values())
    # Subtraction is ordered: its edges say which operand is a and which is b.
    assert re.search(r"v1 -> v2_op \[[^\]]*label=a", "".join(g.body))
    assert re.search(r"c2_1 -> v2_op \[[^\]]*label=b", "".join(g.body))


def test_parameters_inputs_and_interior_nodes_look_different() -> None:
    y, w, x, b = neuron()
    order = topological_order(y)
    nodes = node_statements(draw_graph(y, params=[w, b]))

    def fill(v: Value) -> str:
        return re.search(r'BGCOLOR="(#\w+)"', nodes[f"v{order.index(v)}"]).group(1)  # type: ignore[union-attr]

    assert fill(w) == fill(b)
    interior = next(v for v in order if not v.is_leaf)
    assert len({fill(w), fill(x), fill(interior)}) == 3  # parameter, input, interior


def test_named_parameters_give_names_and_dotted_labels_mean_parameters() -> None:
    w = Value(0.5)
    x = Value(2.0, label="x")
    y = w * x

    class Model:
        def named_parameters(self) -> list[tuple[str, Value]]:
            return [("layers.0.neurons.0.w.0", w)]

    nodes = node_statements(draw_graph(y, params=Model()))
    assert "<B>layers.0.neurons.0.w.0</B>" in nodes["v0"]
    # Without params, a dotted label marks a parameter (as nn labels them).
    w.label = "layers.0.neurons.0.w.0"
    default = node_statements(draw_graph(y))
    assert default["v0"] == nodes["v0"]
    assert 'BGCOLOR="#cfe5f7"' in default["v1"]  # x stays an input
    with pytest.raises(TypeError, match="params"):
        draw_graph(y, params=[w, 3.0])


def test_unlabelled_nodes_get_names_that_match_explain() -> None:
    from autograd import explain

    y, *_ = neuron()
    nodes = node_statements(draw_graph(y))
    steps = explain(y)
    for step in steps:
        i = topological_order(y).index(step.node)
        assert f"<B>{step.name}</B>" in nodes[f"v{i}"]


def test_show_and_rankdir_and_grads_override() -> None:
    y, w, *_ = neuron()
    assert "data" not in "".join(draw_graph(y, show="grad").body)
    assert "grad" not in "".join(draw_graph(y, show="data").body)
    body = "".join(draw_graph(y, show="").body)
    assert "data" not in body and "grad" not in body and "<B>w</B>" in body
    assert "rankdir=TB" in draw_graph(y, rankdir="TB").source
    with pytest.raises(ValueError, match="show"):
        draw_graph(y, show="data,hessian")
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="up")
    assert "grad 42.00" in "".join(draw_graph(y, grads={w: 42.0}).body)
    assert w.grad == 0.0


def test_labels_are_escaped() -> None:
    x = Value(1.0, label='<b>&"x"</b>\n')
    body = "".join(draw_graph(x * 2).body)
    # The newline is spelled out, and its backslash doubled: dot reads \\n as an escape.
    assert "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;\\\\n" in body
    assert "<b>" not in body


def square_named(name: str) -> Op:
    return Op(name, lambda a: a * a, (lambda a, out: 2 * a,), ("",))


@needs_dot
def test_custom_op_names_are_text_not_markup() -> None:
    x = Value(3.0, label="x")
    bad = apply(square_named("<a<>"), x)  # an HTML-like label that dot cannot parse
    assert '\tv1_op [label="<a<>"' in draw_graph(bad).source
    svg = render(draw_graph(bad), "svg").decode("utf-8")
    assert ">&lt;a&lt;&gt;</text>" in svg
    bold = apply(square_named("<<B>sq</B>>"), x)
    svg = render(draw_graph(bold), "svg").decode("utf-8")
    op_node = re.search(r'<g id="v1_op".*?</g>', svg, re.DOTALL)
    assert op_node is not None
    assert ">&lt;&lt;B&gt;sq&lt;/B&gt;&gt;</text>" in op_node.group()
    assert "bold" not in op_node.group()
    # Graphviz escapes (\\N: the node's name) and quotes stay literal text too.
    odd = apply(square_named('a\\N"\\'), x)
    svg = render(draw_graph(odd), "svg").decode("utf-8")
    assert ">a\\N&quot;\\</text>" in svg


def nn_221() -> tuple[Value, list[list[Value]], list[Value]]:
    """A 2-2-1 sigmoid network labelled as nn labels its parameters; returns E, Σ nodes, acts."""
    xs = [Value(1.0, label="x1"), Value(0.5, label="x2")]
    sums: list[list[Value]] = [[], []]
    acts: list[Value] = []
    inputs: list[Value] = xs
    for layer, n_out in ((0, 2), (1, 1)):
        outs = []
        for j in range(n_out):
            ws = [
                Value(0.1 * (i + 1) - 0.2 * j, label=f"layers.{layer}.neurons.{j}.w.{i}")
                for i in range(len(inputs))
            ]
            b = Value(0.05, label=f"layers.{layer}.neurons.{j}.b")
            s = linear(ws, inputs, b)
            sums[layer].append(s)
            outs.append(s.sigmoid())
        acts += outs
        inputs = outs
    e = 0.5 * (inputs[0] - 1.0) ** 2
    return e, sums, acts


def cluster_body(source: str, name: str) -> str:
    start = source.index(f"subgraph {name} {{")
    return source[start : source.index("}", start)]


def test_nn_graph_groups_each_neuron_in_a_cluster_per_layer() -> None:
    e, sums, acts = nn_221()
    order = topological_order(e)
    source = draw_graph(e).source
    assert source.count("subgraph cluster_layer_") == 2 + 3  # 2 layers, 3 neurons
    for layer, neurons in enumerate(sums):
        assert f'label="layer {layer}"' in source
        for j, s in enumerate(neurons):
            body = cluster_body(source, f"cluster_layer_{layer}_neuron_{j}")
            act = next(a for a in acts if a.parents == (s,))
            for v in (s, act):
                i = order.index(v)
                assert re.search(rf"^\s*v{i} \[", body, re.MULTILINE)
                assert re.search(rf"^\s*v{i}_op \[", body, re.MULTILINE)
            # Its parameters are in it too, by the net's short name (w_ji from unit i into
            # unit j; the 2-2-1 net's units are 1-2 inputs, 3-4 hidden, 5 output), with the
            # full name as tooltip, weights in index order and then the bias; nothing else is.
            params = [p for p in s.parents if p.is_leaf and p.label.startswith("layers.")]
            assert len(re.findall(r"^\s*\w+ \[", body, re.MULTILINE)) == 4 + len(params)
            shown = re.findall(r"<B>([^<]*)</B>.*?tooltip=\"([^\"]*)\"", body)
            n = len(params) - 1
            unit, first = (3 + j, 1) if layer == 0 else (5, 3)
            assert shown == [
                *((f"w{unit}{first + k}", f"layers.{layer}.neurons.{j}.w.{k}") for k in range(n)),
                (f"b{unit}", f"layers.{layer}.neurons.{j}.b"),
            ]


def test_too_many_nodes_says_how_to_draw_a_part() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(600):
        y = y * 1.001
    with pytest.raises(ValueError, match=r"601 values.*max_nodes=500.*interior node"):
        draw_graph(y)
    part = y
    for _ in range(500):
        part = part.parents[0]  # walk back to an interior node 100 ops above x
    assert len(node_statements(draw_graph(part))) == 101 + 100 + 100  # values, ops, constants
    assert len(node_statements(draw_graph(y, max_nodes=601))) == 601 + 600 + 600


def test_deep_graph_needs_no_recursion() -> None:
    y = Value(0.5, label="x")
    for _ in range(2000):  # twice Python's recursion limit
        y = y + 1.0
    g = draw_graph(y, max_nodes=10_000)
    assert len(edge_statements(g)) == 3 * 2000


@needs_dot
def test_renders_svg_with_ids_and_numbers() -> None:
    y, *_ = neuron()
    y.backward()
    svg = draw_graph(y).pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg
    for i in range(6):
        assert f'id="v{i}"' in svg
    assert f"data {sigmoid(0.3):#.4g}" in svg
    assert 'id="o5"' in svg and 'id="e5_0"' in svg


@needs_dot
def test_hostile_labels_render() -> None:
    x = Value(1.0, label="</text><script>alert(1)</script> & \x00")
    svg = draw_graph(x * 2).pipe(format="svg", encoding="utf-8")
    assert "<script" not in svg
    assert "&lt;/text&gt;&lt;script&gt;" in svg


def test_long_edges_cap_the_layout_and_small_graphs_keep_dots_defaults() -> None:
    # x feeds the k-th + at rank 2k-1 from rank 0: 2k-2 virtual nodes, n(n-1) in all.
    assert _virtual_nodes(topological_order(sum_of(100))) == 100 * 99
    assert _virtual_nodes(topological_order(sum_of(20))) == 20 * 19
    assert _virtual_nodes(topological_order(neuron()[0])) == 0
    capped = draw_graph(sum_of(100), max_nodes=1000).source
    for attr in ("nslimit=1", "nslimit1=1", "mclimit=0.2", "splines=line"):
        assert attr in capped
    for small in (neuron()[0], sum_of(20)):
        source = draw_graph(small).source
        assert "nslimit" not in source and "mclimit" not in source and "splines" not in source


@needs_dot
def test_value_labels_that_look_like_graphviz_escapes_are_drawn_as_written() -> None:
    labels = ["\\N", "\\G", "\\E", "\\\\", "a\\Lb"]
    xs = [Value(float(i), label=label) for i, label in enumerate(labels)]
    y = xs[0]
    for x in xs[1:]:
        y = y + x
    svg = render(draw_graph(y), "svg").decode("utf-8")
    bold = re.findall(r'font-weight="bold"[^>]*>([^<]*)</text>', svg)
    assert set(labels) <= set(bold)
    assert "autograd" not in bold  # \G would have been the graph's name


def mlp(sizes: list[int], seed: int = 0) -> tuple[object, Value]:
    from nn import MLP

    model = MLP(2, sizes, seed=seed)
    y = model([1.0, -0.5])
    y.backward()
    return model, y


def test_first_layer_inputs_are_named_inputs_not_constants() -> None:
    model, y = mlp([3, 1])
    source = draw_graph(y, params=model).source
    nodes = node_statements(draw_graph(y, params=model))
    inputs = {k: v for k, v in nodes.items() if k.startswith("in")}
    # A net's input units are y1, y2, as in every listing of the net (the paper's names).
    assert len(inputs) == 2 and "<B>y1</B>" in inputs["in0"] and "<B>y2</B>" in inputs["in1"]
    assert "data 1.000" in inputs["in0"] and "data -0.5000" in inputs["in1"]
    assert "#cfe5f7" in inputs["in0"]  # coloured as an input
    assert not re.search(r"^\s*c\d+_\d+ \[", source, re.M)  # no constant boxes for them
    edges = edge_statements(draw_graph(y, params=model))
    # Each input feeds the Σ of all three first-layer units.
    assert sorted(a for a, _ in edges if a.startswith("in")) == ["in0"] * 3 + ["in1"] * 3
    named = node_statements(draw_graph(y, params=model, inputs=["age", "height"]))
    assert "<B>age</B>" in named["in0"] and "<B>height</B>" in named["in1"]
    with pytest.raises(TypeError, match="inputs must be a list of names"):
        draw_graph(y, inputs="ab")


def render_with(renderer: str, g: graphviz.Digraph) -> str:
    """``g`` as SVG from ``renderer``: "dot" (the one on PATH) or "wasm", from the source
    `autograd.pages.draw.Drawing.source_for` gives it."""
    source = g.source_for(renderer)
    if renderer == "dot":
        dot = shutil.which("dot")
        assert dot is not None
        return _native(dot, source, "svg", 60).decode("utf-8")
    return _wasm(_as_records(source), 60).decode("utf-8")


# Graphviz 2.43 and later versions (the WebAssembly one is 16.1) place the same source in
# opposite orders: every order test runs with both.
BOTH_RENDERERS = [pytest.param("dot", marks=needs_dot), "wasm"]


def along(rankdir: str, x: str, y: str) -> float:
    """Where a point is in the order a drawing reads: down the page (LR, RL) or across it."""
    return float(y) if rankdir in ("LR", "RL") else float(x)


@pytest.mark.parametrize("renderer", BOTH_RENDERERS)
@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_parameters_and_neurons_are_drawn_in_index_order(renderer: str, rankdir: str) -> None:
    model, y = mlp([6, 5, 1])
    svg = render_with(renderer, draw_graph(y, params=model, rankdir=rankdir))
    found = re.findall(
        r'xlink:title="(layers\.\d+\.neurons\.\d+)\.(w\.\d+|b)">.*?'
        r'<text[^>]*x="([-\d.]+)" y="([-\d.]+)"',
        svg,
        re.S,
    )
    by_neuron: dict[str, list[tuple[float, str]]] = {}
    for unit, name, x, y_ in found:
        by_neuron.setdefault(unit, []).append((along(rankdir, x, y_), name))
    assert len(by_neuron) == 6 + 5 + 1
    for placed in by_neuron.values():
        n = len(placed) - 1
        assert [name for _, name in sorted(placed)] == [*(f"w.{k}" for k in range(n)), "b"]
    # Each layer's neurons (their clusters), top to bottom (LR, RL) or left to right (TB, BT).
    boxes = re.findall(
        r"<title>cluster_layer_(\d+)_neuron_(\d+)</title>\s*<(?:path|polygon)[^>]*"
        r'(?:d|points)="[^\d-]*([-\d.]+),([-\d.]+)',
        svg,
    )
    for layer, size in (("0", 6), ("1", 5)):
        placed = sorted((along(rankdir, x, y_), int(n)) for k, n, x, y_ in boxes if k == layer)
        assert [n for _, n in placed] == list(range(size))


def test_inf_and_nan_gradients_are_red_with_a_marker() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt() - x.sqrt()
    y.backward()
    nodes = node_statements(draw_graph(y))
    order = topological_order(y)
    x_node = nodes[f"v{order.index(x)}"]
    assert math.isnan(x.grad)
    assert re.search(r'<TD BGCOLOR="#f8c4c4"><FONT COLOR="#a00000">grad nan ⚠</FONT></TD>', x_node)
    sqrt_node = nodes[f"v{order.index(y.parents[0])}"]
    assert "grad 1.000</TD>" in sqrt_node and "⚠" not in sqrt_node  # finite: as before
    inf = node_statements(draw_graph(y, grads={x: -math.inf}))[f"v{order.index(x)}"]
    assert "grad -inf ⚠" in inf and "#f8c4c4" in inf


def test_wrt_dims_the_nodes_off_the_paths() -> None:
    w, x, b, c = (Value(float(i + 1), label=n) for i, n in enumerate("wxbc"))
    wx, bc = w * x, b * c
    y = wx + bc
    nodes = node_statements(draw_graph(y, wrt=w))
    order = topological_order(y)
    dimmed = {i for i in range(len(order)) if "#f4f4f4" in nodes[f"v{i}"]}
    # On the paths from w to y: w, w*x and y. Everything else is greyed out.
    assert dimmed == {order.index(v) for v in (x, b, c, bc)}
    assert "#cccccc" in nodes[f"v{order.index(bc)}_op"]
    assert "#cccccc" not in nodes[f"v{order.index(wx)}_op"]
    assert not any("#f4f4f4" in n for n in node_statements(draw_graph(y)).values())
    with pytest.raises(ValueError, match=r"wrt .* is not part of the graph"):
        draw_graph(y, wrt=Value(1.0))


def test_neuron_view_draws_one_box_per_unit() -> None:
    model, y = mlp([16, 16, 1])
    g = draw_graph(y, params=model, view="neurons")
    nodes = node_statements(g)
    edges = edge_statements(g)
    order = topological_order(y)
    units = [v for v in order if v.op == "sigmoid"]
    assert len(units) == 33 and len(order) == (2 + 1) * 16 + (16 + 1) * 16 + 17 + 2 * 33
    assert len(nodes) == 2 + 33  # the inputs x1, x2 and the units: no parameter, no op
    for v in units:
        label = nodes[f"v{order.index(v)}"]
        # A unit shows its output and ∂/∂x, the gradient of its total input (its step's result).
        total = v.parents[0]
        assert f"data {v.data:#.4g}" in label and f"∂y35/∂x {total.grad:#.4g}" in label
    assert len(edges) == 2 * 16 + 16 * 16 + 16 * 1
    assert 'label="layer 0: 16 × sigmoid(Σ 2w+b)"' in g.source
    assert 'label="layer 1: 16 × sigmoid(Σ 16w+b)"' in g.source
    assert 'tooltip="layers.1.neurons.3: sigmoid(Σ 16w+b)"' in g.source
    with pytest.raises(ValueError, match="view must be one of"):
        draw_graph(y, view="units")


@needs_dot
def test_neuron_view_of_a_2_16_16_1_net_fits_a_screen() -> None:
    model, y = mlp([16, 16, 1])
    sizes = {}
    for view in ("values", "neurons"):
        svg = render(draw_graph(y, params=model, view=view), "svg").decode("utf-8")
        found = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg)
        assert found is not None
        sizes[view] = [int(n) * 4 / 3 for n in found.groups()]  # CSS px at 100 %
    width, height = sizes["neurons"]
    assert width <= 1920 and height <= 1080  # a full-HD screen at 100 %, text 16 px
    assert sizes["values"][1] > 5 * 1080  # where every Value is drawn, it does not


@pytest.mark.parametrize("renderer", BOTH_RENDERERS)
@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_neuron_view_keeps_units_in_neuron_order(renderer: str, rankdir: str) -> None:
    model, y = mlp([16, 16, 1])
    g = draw_graph(y, params=model, view="neurons", rankdir=rankdir)
    found = re.findall(
        r'xlink:title="layers\.(\d+)\.neurons\.(\d+):[^"]*">.*?<text[^>]*x="([-\d.]+)" '
        r'y="([-\d.]+)"',
        render_with(renderer, g),
        re.S,
    )
    for layer in ("0", "1"):
        # Top to bottom (LR, RL), or left to right (TB, BT).
        placed = sorted((along(rankdir, x, y_), int(n)) for k, n, x, y_ in found if k == layer)
        assert [n for _, n in placed] == list(range(16))


# ==== user text that spells DOT or HTML never becomes DOT, HTML or a link ====
# A generated corpus of DOT and HTML-label syntax is put in every place user text reaches
# the DOT source: a Value's label, a parameter's name (its short name in the box and its
# full name as tooltip), the prefix of a unit's tooltip, a custom op's name (its circle and
# its layer's title) and the names of a network's inputs. Each drawing is rendered by
# Graphviz's ``dot`` and by the WebAssembly Graphviz, and must have the same nodes and edges
# as the same graph with harmless names, no link, and every tooltip as the text written.


_ATTACKS = [
    "URL=<javascript:alert(1)>",
    'URL="javascript:alert(1)"',
    "href=<javascript:alert(1)>",
    'target="_top" href="javascript:alert(1)"',
    '] v99 [URL="javascript:alert(1)" label="x"',
    '"; v99 [URL="javascript:alert(1)"]; "',
    'label=<<TABLE><TR><TD HREF="javascript:alert(1)">x</TD></TR></TABLE>>',
    "<a href='javascript:alert(1)'>x</a>",
    '<IMG SRC="x" onerror="alert(1)">',
    "</TABLE>> URL=<javascript:alert(1)> label=<<TABLE><TR><TD>",
]
_SYNTAX = [
    "<",
    ">",
    "<>",
    '"',
    "\\",
    '\\"',
    "\\N",
    "\\G",
    "\\n",
    "\\l",
    "[",
    "]",
    "{",
    "}",
    "|",
    ";",
    ",",
    "=",
    "->",
    "--",
    "//",
    "/*",
    "#",
    "&",
    "&amp;",
    "&lt;",
    "<!--",
    "]]>",
    "\n",
    "\r\n",
    "\u2028",
    "\x00",
    "\t",
]


def corpus() -> list[str]:
    """Every attack alone, as an HTML-like value ``<…>``, and after each piece of syntax."""
    texts = list(_ATTACKS) + [f"<{a}>" for a in _ATTACKS] + [f"<.{s}.>" for s in _SYNTAX]
    texts += [f"{s}{a}" for s, a in itertools.product(_SYNTAX, _ATTACKS[:3])]
    texts += [f"<{s}>{a}" for s, a in itertools.product(_SYNTAX[:12], _ATTACKS[:2])]
    return texts


CORPUS = corpus()
UNITS = 20  # units per drawing: a drawing of a few hundred nodes renders in about a second


def unit_op(name: str) -> Op:
    return Op(name, lambda z: 1 / (1 + math.exp(-z)), (lambda z, out: out * (1 - out),))


def network(texts: list[str]) -> tuple[Value, list[Value]]:
    """One sigmoid-like unit per text, summed, and its parameters: every place user text
    goes holds the text."""
    outs, params = [], []
    for i, text in enumerate(texts):
        w = Value(0.5, label=f"{text}.layers.0.neurons.{i}.w.{text}")
        b = Value(0.1, label=f"{text}.layers.0.neurons.{i}.b")
        params += [w, b]
        outs.append(apply(unit_op(text), linear([w], [float(i)], b)))
        outs[-1].label = text
    return sum(outs[1:], outs[0]), params


def harmless(texts: list[str]) -> list[str]:
    return [f"t{i}" for i in range(len(texts))]


def renderers() -> list[tuple[str, object]]:
    found = []
    dot = shutil.which("dot")
    if dot is not None:
        found.append(("dot", lambda source: _native(dot, source, "svg", 60)))
    if wasm_available():
        found.append(("wasm", lambda source: _wasm(_as_records(source), 60)))
    return found


RENDERERS = renderers()
XLINK = "{http://www.w3.org/1999/xlink}"


def shape(svg: bytes) -> tuple[set[str], list[str]]:
    """The SVG's node and edge ids, and every problem in it: links, scripts, handlers."""
    root = ET.fromstring(svg)
    ids = {
        g.get("id", "")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") in ("node", "edge")
    }
    problems = []
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag in ("script", "foreignObject", "image", "use"):
            problems.append(f"<{tag}>")
        for attribute in element.attrib:
            name = attribute.split("}")[-1]
            if name in ("href", "target") or name.startswith("on"):
                problems.append(f"{name}={element.attrib[attribute]!r}")
    return ids, problems


def tooltips(svg: bytes) -> dict[str, str]:
    """Each node's tooltip (``<a xlink:title>``), by node id."""
    found = {}
    for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == "node":
            for a in g.iter("{http://www.w3.org/2000/svg}a"):
                found[g.get("id", "")] = a.get(f"{XLINK}title", "")
    return found


@pytest.mark.skipif(not RENDERERS, reason="neither dot nor the WebAssembly Graphviz is here")
@pytest.mark.parametrize("view", ["values", "neurons"])
@pytest.mark.parametrize("start", range(0, len(CORPUS), UNITS))
def test_hostile_text_is_only_text(view: str, start: int) -> None:
    texts = CORPUS[start : start + UNITS]
    root, params = network(texts)
    source = draw_graph(root, view=view, params=params, inputs=texts, max_nodes=10_000).source
    plain_root, plain_params = network(harmless(texts))
    plain = draw_graph(
        plain_root, view=view, params=plain_params, inputs=harmless(texts), max_nodes=10_000
    ).source
    for who, run in RENDERERS:
        ids, problems = shape(run(source))  # type: ignore[operator]
        plain_ids, _ = shape(run(plain))  # type: ignore[operator]
        assert problems == [], (who, problems)
        assert ids == plain_ids, who
        shown = tooltips(run(source))  # type: ignore[operator]
        if view == "values":
            # A parameter's box shows its short name; its tooltip, its full name as written.
            for i, text in enumerate(texts):
                full = f"{text}.layers.0.neurons.{i}.w.{text}"
                assert shown[f"v{4 * i}"] == printable(full, limit=40), (who, text)
        else:
            for i, text in enumerate(texts):
                unit = f"{text}.layers.0.neurons.{i}: {printable(text, 1000)}(Σ 1w+b)"
                assert shown[f"v{4 * i + 3}"] == printable(unit, limit=120), (who, text)


def test_the_corpus_covers_every_piece_of_syntax() -> None:
    assert len(CORPUS) >= 150
    for piece in _SYNTAX + _ATTACKS:
        assert any(piece in text for text in CORPUS)


def test_the_issue_label_is_quoted_in_the_source() -> None:
    """The reported case: a tooltip of the form <…> was written unquoted, read as HTML."""
    w = Value(0.5, label="<.layers.0.>URL=<javascript:alert(1)>")
    y = linear([w], [Value(2.0, label="x")], Value(0.1, label="b")).sigmoid()
    source = draw_graph(y, params=[w]).source
    assert 'tooltip="<.layers.0.>URL=<javascript:alert(1)>"' in source
    assert "tooltip=<" not in source


# ==== the operator a learner types (issue 19, item 6) ====


def test_a_power_is_drawn_as_the_operator_typed() -> None:
    x = Value(1.5, label="x")
    source = draw_graph(x**3.0).source
    assert 'v1_op [label="**"' in source and "^" not in source


def test_a_relu_unit_at_exactly_0_is_still_one_box() -> None:
    # A Value whose data is 0 is false: the unit's output must not be chosen with `or`.
    w, b = Value(1.0), Value(-5.0)
    y = linear([w], [1.0], b).relu()  # relu(-4) = 0.0
    # A computed weight: not a net of nn's kind, so each Σ is drawn as a unit by itself.
    z = linear([Value(2.0) * 1], [y], Value(0.5)) * 3
    g = draw_graph(z, view="neurons")
    units = [n for n in node_statements(g).values() if "relu(Σ 1w+b)" in n]
    assert len(units) == 1 and "data 0.000" in units[0]
