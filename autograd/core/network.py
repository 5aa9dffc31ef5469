"""The feed-forward network inside a graph, found unit by unit, with the paper's short names.

A graph built from ``nn`` units (or `autograd.linear` and an activation) holds, for
every case fed through the net, one Σ node per unit: its total input
x_j = Σ_i w_ji·y_i + b_j. `find_network` recovers the net from such a graph: the
units, which unit feeds which through which weight, the cases, and what lies
above the output units (the loss).

Units are numbered as Rumelhart, Hinton & Williams (1986) number them: the input
units first, then each layer in turn, the output units last. Names follow the
paper: ``y3`` the output of unit 3, ``x3`` its total input, ``w31`` the weight
from unit 1 to unit 3, ``b3`` its bias. When some unit number has two digits the
weights are written ``w12_3`` (to unit 12 from unit 3) so none is ambiguous; with
several cases a unit's nodes carry the case, ``y3c2``. Every tool that shows a
net (the listings, drawings, stepper, practice and worksheets) uses these names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from autograd.core.engine import Value
from autograd.core.graph import consumers
from autograd.core.notation import printable

__all__ = [
    "Network",
    "NotANetwork",
    "Unit",
    "activation",
    "find_network",
    "network_names",
    "unit_output",
]

NAMING = (
    "Units are numbered from the inputs up: y_j is unit j's output, x_j its total input,",
    "w_ji the weight from unit i to unit j, b_j its bias.",
)


class NotANetwork(ValueError):
    """The graph is not a feed-forward net of units (Σ nodes with their activations)."""


@dataclass(eq=False)
class Unit:
    """Unit ``number``: an input unit (its outputs are the data fed in) or a unit that
    computes y_j = f(x_j), with x_j = Σ_i w_ji·y_i + b_j."""

    number: int
    layer: int  # 0 for the input units, then 1, 2, ... up to the output layer
    activation: str  # "sigmoid", "tanh", "relu", "linear"; "" for an input unit
    sources: tuple[int, ...] = ()  # the unit i of each weight w_ji, in operand order
    weights: tuple[Value, ...] = ()
    bias: Value | None = None
    totals: tuple[Value, ...] = ()  # x_j in each case: the Σ node
    outputs: tuple[Value | float, ...] = ()  # y_j in each case: the activation (or Σ) node
    path: str = ""  # the unit's place in its model, from its parameters' names
    output: bool = False  # whether E reads y_j (an output unit)
    label: str = ""  # an input unit fed the same labelled Value in every case: its label

    @property
    def name(self) -> str:
        """How listings call the unit's output: ``y3``, or an input's own label (``x1``)."""
        return self.label or f"y{self.number}"

    @property
    def is_input(self) -> bool:
        return self.layer == 0


@dataclass(eq=False)
class Network:
    """The net found in a graph: units by number, the cases, and every node's short name."""

    root: Value
    units: list[Unit]  # ordered by number; units[k].number == k + 1
    cases: int
    names: dict[Value, str] = field(default_factory=dict)
    case_of: dict[Value, int] = field(default_factory=dict)  # a unit node → its case (0-based)
    unit_of: dict[Value, Unit] = field(default_factory=dict)  # x_j, y_j, w_ji, b_j → unit j
    wide: bool = False  # some unit number has two digits or more: weights are w12_3

    def shown_names(self, named: Mapping[Value, str]) -> dict[Value, str]:
        """The short names to show: a label the user chose stays; nn's dotted parameter
        names (``named``) give way to the short ones."""
        return {v: n for v, n in self.names.items() if not v.label or v in named}

    def totals(self) -> dict[Value, Value]:
        """Every Σ node of the net (x_j in each case) → the unit's output node there (y_j)."""
        out: dict[Value, Value] = {}
        for u in self.units:
            for t, y in zip(u.totals, u.outputs):
                assert isinstance(y, Value)  # only an input unit's outputs are plain data
                out[t] = y
        return out

    def unit(self, number: int) -> Unit:
        return self.units[number - 1]

    def layers(self) -> list[list[Unit]]:
        """The units layer by layer, the input units first."""
        out: list[list[Unit]] = []
        for u in self.units:
            while len(out) <= u.layer:
                out.append([])
            out[u.layer].append(u)
        return out

    def weight_name(self, j: int, i: int) -> str:
        return f"w{j}_{i}" if self.wide else f"w{j}{i}"

    def node_name(self, letter: str, j: int, case: int) -> str:
        return f"{letter}{j}" if self.cases == 1 else f"{letter}{j}c{case + 1}"

    def key(self) -> list[str]:
        """What each unit is in its model, one line per unit: the key from the short
        names to the full parameter names."""
        lines = []
        for u in self.units:
            if u.is_input or not u.path:
                continue
            ws = [self.weight_name(u.number, i) for i in u.sources]
            mine = [f"w.{k}" for k in range(len(ws))]
            if len(ws) > 3:
                ws, mine = [ws[0], "…", ws[-1]], [mine[0], "…", mine[-1]]
            lines.append(
                f"unit {u.number} is {u.path}: {', '.join(ws)}, b{u.number} "
                f"are its {', '.join(mine)}, b"
            )
        return lines


def activation(total: Value, users: Mapping[Value, list[Value]]) -> Value | None:
    """The activation of a Σ node: its only use, when that is a function of it alone (sigmoid,
    tanh, relu or a custom op); None for a linear unit. ``users`` as `consumers` gives them."""
    found = users.get(total, [])
    return found[0] if len(found) == 1 and len(found[0].operands) == 1 else None


def unit_output(total: Value, users: Mapping[Value, list[Value]]) -> Value:
    """A unit's output y_j: its activation, or the Σ node itself for a linear unit."""
    act = activation(total, users)
    return total if act is None else act  # not `or`: a Value is false when its data is 0


def _prefix(name: str) -> str:
    """``layers.0.neurons.1.w.2`` → ``layers.0.neurons.1``: a parameter's unit."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[-2] == "w" and parts[-1].isdigit():
        return ".".join(parts[:-2])
    if parts[-1] == "b":
        return ".".join(parts[:-1])
    return ""


def find_network(
    root: Value, order: Sequence[Value], named: Mapping[Value, str], where: str
) -> Network:
    """The net in the graph of ``root`` (``order`` its `topological_order`, ``named`` the
    parameters' names), or `NotANetwork` saying in one line why it is not one; ``where``
    names the caller in that message."""
    totals = [v for v in order if v.op == "Σ"]
    if not totals:
        raise NotANetwork(
            f"{where}: the graph has no unit (no Σ node, as nn layers and autograd.linear make)"
        )
    users_of = consumers(order)

    # A unit is its weights and bias: the Σ nodes that use the same ones are the same unit
    # in different cases, in the order the cases were computed.
    by_params: dict[tuple[int, ...], list[Value]] = {}
    for t in totals:
        n = (len(t.operands) - 1) // 2
        params = [*t.operands[:n], t.operands[-1]]
        for p in params:
            if not (isinstance(p, Value) and p.is_leaf):
                raise NotANetwork(
                    f"{where}: a weight or bias of a Σ node is not a parameter (a leaf Value)"
                )
        by_params.setdefault(tuple(map(id, params)), []).append(t)
    groups = list(by_params.values())
    cases = len(groups[0])
    for g in groups:
        if len(g) != cases:
            raise NotANetwork(
                f"{where}: one unit is used {cases} times and another {len(g)}: "
                "the graph is not the same net run once per case"
            )
    case_of = {t: c for g in groups for c, t in enumerate(g)}
    group_of = {t: k for k, g in enumerate(groups) for t in g}
    for k, g in enumerate(groups):
        n = (len(g[0].operands) - 1) // 2
        for p in [*g[0].operands[:n], g[0].operands[-1]]:
            assert isinstance(p, Value)
            if any(group_of.get(c) != k for c in users_of.get(p, [])):
                name = printable(named.get(p) or p.label or "a weight")
                raise NotANetwork(
                    f"{where}: {name} is also used outside its unit (shared with another unit, "
                    "or in a penalty on the weights); the unit view needs each weight in one unit"
                )

    y_of = {t: unit_output(t, users_of) for t in totals}
    unit_at = {y: t for t, y in y_of.items()}  # a unit's output node → its Σ node
    for out in unit_at:
        users = users_of.get(out, [])
        into_units = [c for c in users if c in group_of]
        if into_units and len(into_units) != len(users):
            raise NotANetwork(
                f"{where}: a unit's output feeds other units and the loss too; the unit view "
                "needs each unit to feed units, or the loss, not both"
            )

    # The inputs of each unit: another unit's output (same case), or data. Data given as
    # Values is told apart by identity; plain numbers by value: units fed the same vector
    # of numbers in every case share input units, position by position.
    feeds: dict[int, list[int | None]] = {}  # group → the group feeding each input (None: data)
    data: dict[int, list[list[Value | float]]] = {}  # group → its data operands in each case
    for k, g in enumerate(groups):
        for c, t in enumerate(g):
            n = (len(t.operands) - 1) // 2
            row: list[int | None] = []
            given: list[Value | float] = []
            for x in t.operands[n : 2 * n]:
                if isinstance(x, Value) and x in unit_at:
                    source = unit_at[x]
                    if case_of[source] != c or group_of[source] == k:
                        raise NotANetwork(
                            f"{where}: a unit's weights are used again by a later unit of the "
                            "same case (an iterative net, whose weights repeat over time); "
                            "the unit view covers feed-forward nets"
                        )
                    row.append(group_of[source])
                elif isinstance(x, Value) and not x.is_leaf:
                    raise NotANetwork(
                        f"{where}: a {x.op} node feeds a unit but is not a unit's output "
                        "(a Σ node and its activation)"
                    )
                else:
                    row.append(None)
                    given.append(x)
            if c == 0:
                feeds[k] = row
                data[k] = []
            elif row != feeds[k]:
                raise NotANetwork(f"{where}: a unit is wired differently in different cases")
            data[k].append(given)

    # Layers: the longest path from the data.
    layer: dict[int, int] = {}
    for t in totals:  # creation order: a unit's sources come first
        k = group_of[t]
        if k not in layer:
            layer[k] = 1 + max((layer[s] for s in feeds[k] if s is not None), default=0)
    first = {group_of[t]: i for i, t in reversed(list(enumerate(totals)))}
    ordered = sorted(range(len(groups)), key=lambda k: (layer[k], first[k]))

    # Input units, in order of first use: a Value fed in is one input unit wherever it goes;
    # plain numbers are one per position of each distinct vector of them.
    inputs: list[Unit] = []
    by_value: dict[tuple[int, ...], int] = {}  # the ids of a Value input in each case → unit
    by_vector: dict[tuple[tuple[float, ...], ...], list[int]] = {}  # numbers → their units
    fed: dict[int, list[int]] = {}  # group → the input unit of each of its data operands

    def new_input(outputs: tuple[Value | float, ...]) -> int:
        labels = {y.label for y in outputs if isinstance(y, Value)}
        label = (
            labels.pop() if len(labels) == 1 and all(isinstance(y, Value) for y in outputs) else ""
        )
        inputs.append(Unit(len(inputs) + 1, 0, "", outputs=outputs, label=label))
        return len(inputs)

    for k in ordered:
        per_case = data[k]
        columns = list(zip(*per_case))  # each data operand, across the cases
        numbers = tuple(
            tuple(float(x) for x in col) for col in columns if not isinstance(col[0], Value)
        )
        if numbers and numbers not in by_vector:
            by_vector[numbers] = [
                new_input(col) for col in columns if not isinstance(col[0], Value)
            ]
        plain = iter(by_vector.get(numbers, []))
        fed[k] = []
        for col in columns:
            if isinstance(col[0], Value):
                key = tuple(map(id, col))
                if key not in by_value:
                    by_value[key] = new_input(col)
                fed[k].append(by_value[key])
            else:
                fed[k].append(next(plain))
    number = {k: len(inputs) + 1 + r for r, k in enumerate(ordered)}
    units = list(inputs)
    for k in ordered:
        g = groups[k]
        t0 = g[0]
        n = (len(t0.operands) - 1) // 2
        sources: list[int] = []
        data_units = iter(fed[k])
        for s in feeds[k]:
            sources.append(next(data_units) if s is None else number[s])
        weights = tuple(x for x in t0.operands[:n] if isinstance(x, Value))
        bias = t0.operands[-1]
        assert isinstance(bias, Value)
        outs = tuple(y_of[t] for t in g)
        paths = {_prefix(named[p]) for p in (*weights, bias) if p in named}
        units.append(
            Unit(
                number=number[k],
                layer=layer[k],
                activation=outs[0].op if outs[0] is not g[0] else "linear",
                sources=tuple(sources),
                weights=weights,
                bias=bias,
                totals=tuple(g),
                outputs=outs,
                path=paths.pop() if len(paths) == 1 else "",
            )
        )
    used = {s for u in units for s in u.sources}
    for u in units:
        u.output = not u.is_input and u.number not in used
        kinds = {"linear" if y is t else y.op for y, t in zip(u.outputs, u.totals)}  # type: ignore[union-attr]
        if len(kinds) > 1:
            raise NotANetwork(
                f"{where}: unit {u.number} has different activations in different cases"
            )

    net = Network(root=root, units=units, cases=cases, wide=len(units) > 9)
    for u in units:
        if u.is_input:
            continue
        for i, w in zip(u.sources, u.weights):
            net.names[w] = net.weight_name(u.number, i)
            net.unit_of[w] = u
        assert u.bias is not None
        net.names[u.bias] = f"b{u.number}"
        net.unit_of[u.bias] = u
        for c, (t, y) in enumerate(zip(u.totals, u.outputs)):
            assert isinstance(y, Value)
            net.case_of[t] = net.case_of[y] = c
            net.unit_of[t] = net.unit_of[y] = u
            if y is not t:
                net.names[t] = net.node_name("x", u.number, c)
            net.names[y] = net.node_name("y", u.number, c)
    if not root.label and root not in net.names:
        net.names[root] = "E"  # the paper's name for the error
    return net


def network_names(
    root: Value, order: Sequence[Value], named: Mapping[Value, str]
) -> dict[Value, str]:
    """The short names of a net's nodes (`find_network`), or {} when the graph is not a net:
    names given to `autograd.teach.notation.node_names` before the parameters' own."""
    try:
        return find_network(root, order, named, "").shown_names(named)
    except NotANetwork:
        return {}
