"""User text that spells DOT or HTML never becomes DOT, HTML or a link, in either renderer.

A generated corpus of DOT and HTML-label syntax is put in every place user text reaches
the DOT source: a Value's label, a parameter's name (its short name in the box and its
full name as tooltip), the prefix of a unit's tooltip, a custom op's name (its circle and
its layer's title) and the names of a network's inputs. Each drawing is rendered by
Graphviz's ``dot`` and by the WebAssembly Graphviz, and must have the same nodes and edges
as the same graph with harmless names, no link, and every tooltip as the text written.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd import Op, Value, apply, draw_graph, linear
from autograd.core.notation import printable
from autograd.pages.render import _as_records, _native, _wasm, wasm_available

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


def test_a_tooltip_that_spells_a_table_is_not_rewritten_for_the_webassembly_renderer() -> None:
    """Without dot, HTML-like tables become records; one spelled inside a tooltip stays text."""
    text = 'x [label=<<TABLE BORDER="0"><TR><TD>a</TD></TR></TABLE>> "y"'
    w = Value(0.5, label=f"{text}.layers.0.neurons.0.w.0")
    b = Value(0.1, label=f"{text}.layers.0.neurons.0.b")
    y = linear([w], [2.0], b).sigmoid()
    source = draw_graph(y, params=[w, b], view="neurons").source
    converted = _as_records(source)
    (tooltip,) = re.findall(r'tooltip="(?:[^"\\]|\\.)*"', source)
    assert "label=<<TABLE" in tooltip
    assert tooltip in converted
    # Each box (shape=plain in dot's source) becomes one record, and only those.
    assert converted.count("shape=record") == source.count("shape=plain") == 2
