"""Backpropagation through a net unit by unit, in the equations of the 1986 paper.

`explain(E, view="neurons")` gives a `UnitExplanation`: for one case, the
forward pass as the paper writes it,

    x_j = Σ_i y_i·w_ji + b_j     (1)        y_j = f(x_j)     (2)

and then one `UnitStep` per unit, from the output layer down:

    ∂E/∂y_j = y_j - d_j                      at an output unit, for ½Σ(y - d)²  (4)
    ∂E/∂x_j = ∂E/∂y_j · f′(x_j)              f′ from the op table: y_j(1 - y_j)  (5)
    ∂E/∂w_ji = ∂E/∂x_j · y_i                 for each weight into unit j        (6)
    ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji              at a hidden unit i                (7)

With several cases, E = Σ_c E_c (or a mean): the steps narrate one case and the
end of the listing adds the cases up, ∂E/∂w = Σ_c ∂E_c/∂w.

Every number is the one `Value.backward` computes, bit for bit: the gradients
come from the same pass `autograd.teach.explain` runs (the same products, summed
in the same order). Printed numbers multiply out at the printed precision, exactly and
not from a tie at the last digit, or the result is marked ≈ (`prints_as`). Names are the
net's short names (`autograd.core.network`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from autograd.core.engine import Value
from autograd.core.graph import backward_uses, consumers
from autograd.core.network import NAMING, Network, Unit, find_network
from autograd.core.notation import (
    as_printed,
    bracketed,
    constant,
    eq_sign,
    num,
    prints_as,
    product,
    total,
)

__all__ = ["Term", "UnitExplanation", "UnitStep", "WeightGrad", "explain_units"]

MAX_LINE = 100  # a forward line longer than this puts its numbers on a line of their own
# A hidden unit feeding more units than this writes the first and last terms of its
# sum and how many it left out, so no line grows with the width of the next layer.
MAX_TERMS = 8
EQUATIONS = (
    "The backward pass, unit by unit from the output layer down (the paper's equations):",
    "  ∂E/∂y_j = y_j - d_j at an output unit (4);   ∂E/∂x_j = ∂E/∂y_j · f′(x_j) (5);",
    "  ∂E/∂w_ji = ∂E/∂x_j · y_i (6);   ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji at a hidden unit (7).",
)


def _gradient(name: str, out: str = "E") -> str:
    """``∂E/∂y3``: the gradient of the error ``out`` (E in the paper) with respect to ``name``."""
    return f"∂{out}/∂{name}"


@dataclass(frozen=True, slots=True)
class WeightGrad:
    """∂E_c/∂w_ji = ∂E/∂x_j · y_i for one weight (or the bias: y_i is 1) in one case."""

    name: str  # "w53", or "b5"
    source: int  # unit i; 0 for the bias
    source_name: str  # "y3" (or "1" for the bias)
    y: float  # y_i
    grad: float  # the product, as backward computes it
    from_input: bool = False  # whether unit i is an input unit (its y_i is data, e.g. 1 or 0)

    def line(self, dx_name: str, dx: float, out: str = "E") -> str:
        if self.source == 0:
            return f"{_gradient(self.name, out)} = {_gradient(dx_name, out)} = {num(self.grad)}"
        checks = prints_as(product(dx, _y(self.y, self.from_input)), self.grad)
        return (
            f"{_gradient(self.name, out)} = {_gradient(dx_name, out)} · {self.source_name} = "
            f"{bracketed(dx)} × {_y(self.y, self.from_input)} "
            f"{eq_sign(checks)} {num(self.grad)} (6)"
        )


@dataclass(frozen=True, slots=True)
class Term:
    """One term of ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji: unit j's share of hidden unit i's gradient."""

    x_name: str  # "x5"
    w_name: str  # "w53"
    dx: float  # ∂E/∂x_j
    w: float  # w_ji
    product: float  # as backward computes it

    def text(self, out: str = "E") -> str:
        checks = prints_as(product(self.dx, self.w), self.product)
        return (
            f"{_gradient(self.x_name, out)} · {self.w_name} = "
            f"{bracketed(self.dx)} × {bracketed(self.w)} {eq_sign(checks)} {num(self.product)}"
        )


@dataclass(frozen=True, slots=True)
class UnitStep:
    """One unit's part of the backward pass in one case: ∂E/∂y_j, ∂E/∂x_j and its weights."""

    number: int  # 1-based, in the listing
    unit: int  # j
    case: int  # 0-based
    kind: str  # "output" or "hidden"
    activation: str  # "sigmoid", "tanh", "relu", "linear"
    y_name: str  # "y5" (or "y5c2")
    x_name: str  # "x5"
    y: float  # y_j
    x: float  # x_j
    dy: float  # ∂E/∂y_j
    dx: float  # ∂E/∂x_j
    local: float  # f′(x_j) = ∂y_j/∂x_j, as backward uses it
    local_rule: str  # "y5·(1 - y5)"; "" for a linear unit
    local_worked: str  # "0.5062·(1 - 0.5062)"
    local_printed: float  # f′ computed from the printed numbers of local_worked
    dy_rule: str  # at an output unit: "y5 - d5" (worked: dy_worked); "" if the loss is not known
    dy_worked: str
    dy_checks: bool  # whether dy_worked's printed numbers give the printed ∂E/∂y_j exactly
    downstream: tuple[Term, ...]  # at a hidden unit: the terms of (7), by unit j
    weights: tuple[WeightGrad, ...]  # the weights into j, then the bias
    output: str = "E"  # the error's name: E, or the root's own label (or a unit's y5)

    @property
    def result(self) -> float:
        """What the step computes for its unit: ∂E/∂x_j (the paper's δ_j)."""
        return self.dx

    def headline(self) -> str:
        return f"Unit {self.unit} ({self.kind}, {self.activation}): {self.y_name} = {num(self.y)}"

    def dy_lines(self) -> list[str]:
        out = self.output
        name = _gradient(self.y_name, out)
        if self.kind == "output":
            if self.y_name == out:
                return [f"{name} = 1 ({out} is the output itself)"]
            if not self.dy_rule:
                return [
                    f"{name} = {num(self.dy)} (the loss's own gradient: explain({out}) shows it)"
                ]
            if not self.dy_worked:
                return [f"{name} = {self.dy_rule}"]
            tag = " (4)" if self.dy_rule.startswith(self.y_name) else ""
            return [
                f"{name} = {self.dy_rule} = {self.dy_worked} "
                f"{eq_sign(self.dy_checks)} {num(self.dy)}{tag}"
            ]
        if not self.downstream:
            return [f"{name} = {num(self.dy)}"]
        sigma = f"{name} = Σ_j ∂{out}/∂x_j · w_j{self.unit}"
        if len(self.downstream) == 1:
            return [f"{sigma} = {self.downstream[0].text(out)} (7)"]
        lines = [f"{sigma} (7), one term per unit j:"]
        terms = list(self.downstream)
        if len(terms) <= MAX_TERMS:
            lines += [f"  + {t.text(out)}" for t in terms]
            summed = " + ".join(bracketed(t.product) for t in terms)
        else:
            lines += [f"  + {t.text(out)}" for t in terms[:3]]
            lines.append(f"    … {len(terms) - 5} more terms …")
            lines += [f"  + {t.text(out)}" for t in terms[-2:]]
            summed = f"the sum of the {len(terms)} terms"
        checks = prints_as(total(t.product for t in terms), self.dy)
        line = f"  {name} = {summed} {eq_sign(checks)} {num(self.dy)}"
        if len(line) + 3 > MAX_LINE:  # the steps indent it by 3
            line = f"  {name} = the sum of the {len(terms)} terms {eq_sign(checks)} {num(self.dy)}"
        lines.append(line)
        return lines

    def dx_line(self) -> str:
        dx, dy = _gradient(self.x_name, self.output), _gradient(self.y_name, self.output)
        if self.activation == "linear":
            return (
                f"{dx} = {dy} = {num(self.dx)} (a linear unit: {self.y_name} = {self.x_name}) (5)"
            )
        worked = self.local_worked
        factor = worked if worked and worked != num(self.local) else bracketed(self.local)
        checks = prints_as(as_printed(self.dy) * self.local_printed, self.dx)
        return (
            f"{dx} = {dy} · {self.local_rule} = {bracketed(self.dy)} × {factor} "
            f"{eq_sign(checks)} {num(self.dx)} (5)"
        )

    def lines(self) -> list[str]:
        """The step as lines of text (the headline first)."""
        out = [self.headline(), *self.dy_lines(), self.dx_line()]
        out += [w.line(self.x_name, self.dx, self.output) for w in self.weights]
        return out

    def __str__(self) -> str:
        head, *rest = self.lines()
        return "\n".join([f"{self.number}. {head}", *("   " + line for line in rest)])

    def as_dict(self) -> dict[str, Any]:
        """The step as plain data (JSON-ready), for notebooks and the HTML stepper."""
        return {
            "number": self.number,
            "unit": self.unit,
            "case": self.case + 1,
            "kind": self.kind,
            "name": self.y_name,
            "symbol": _gradient(self.x_name, self.output),
            "result": self.dx,
            "dy": self.dy,
            "dx": self.dx,
            "headline": self.headline(),
            "lines": self.lines()[1:],
            "weights": [{"name": w.name, "grad": w.grad} for w in self.weights],
        }


def _factor(rule: str) -> str:
    """A rule as a factor of a product: ``1 - y3²`` in parentheses, ``y3·(1 - y3)`` as it is."""
    depth = 0
    for ch in rule:
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in "+-" and rule.strip()[0] != ch:
            return f"({rule})"
    return rule


def _data(x: Value | float) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _y(y: float, data: bool) -> str:
    """y_i inside a worked product: an input unit's data as the number it is (1, 0)."""
    if not (data and y.is_integer()):
        return bracketed(y)
    c = constant(y)
    return f"({c})" if c.startswith("-") else c


class UnitExplanation(Sequence[UnitStep]):
    """The backward pass of a net, one `UnitStep` per unit of one case, output layer first.

    ``str()`` is the listing: the naming, the key to the parameters' full names, the
    case, the forward pass, the steps, and (for several cases) the sum over cases.
    ``grads`` maps every node to ∂E/∂node, as `autograd.teach.explain` gives them.
    """

    def __init__(
        self,
        net: Network,
        grads: dict[Value, float],
        steps: list[UnitStep],
        case: int,
        targets: dict[int, float],
    ) -> None:
        self.net = net
        self.root = net.root
        self.grads = grads
        self.steps = steps
        self.case = case
        self.targets = targets  # output unit → d_j in the narrated case, where the loss shows it
        self.names = net.names
        self.output = output_name(net)

    @overload
    def __getitem__(self, i: int) -> UnitStep: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[UnitStep]: ...
    def __getitem__(self, i: int | slice) -> UnitStep | Sequence[UnitStep]:
        return self.steps[i]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[UnitStep]:
        return iter(self.steps)

    def header(self) -> list[str]:
        """The naming and the key."""
        out = list(NAMING)
        key = self.net.key()
        if key:
            out.append("Key: " + key[0])
            out += ["     " + line for line in key[1:]]
        return out

    def weight_lines(self) -> list[str]:
        """Every weight and bias by its short name, one line per unit (wrapped at 100
        characters): what a learner needs for (1) and (7) where a drawing shows units only."""
        out = []
        for u in self.net.units:
            if u.is_input:
                continue
            assert u.bias is not None
            items = [f"{self.names[p]} = {num(p.data)}" for p in (*u.weights, u.bias)]
            line = f"  unit {u.number}: "
            for item in items:
                if len(line) + len(item) + 2 > MAX_LINE and not line.endswith(": "):
                    out.append(line.rstrip(", ").rstrip())
                    line = "    "
                line += item + ", "
            out.append(line.rstrip(", "))
        return ["Weights and biases:", *out]

    def case_line(self) -> str:
        """``Case 1 of 4: y1 = 1, y2 = 0; targets d5 = 1.``, on a second line when long."""
        c = self.case
        ins = [(u.name, _data(u.outputs[c])) for u in self.net.units if u.is_input]
        shown = _values(ins, "input units")
        targets = _values([(f"d{j}", d) for j, d in sorted(self.targets.items())], "targets")
        head = f"Case {c + 1} of {self.net.cases}: {shown}"
        if not targets:
            return f"{head}."
        one = f"{head}; targets {targets}."
        return one if len(one) <= MAX_LINE else f"{head};\ntargets {targets}."

    def forward_lines(self) -> list[str]:
        """(1) and (2) for each unit of the case, in unit order, then E."""
        c = self.case
        out = ["Forward pass: x_j = Σ_i y_i·w_ji + b_j (1), y_j = f(x_j) (2)."]
        for u in self.net.units:
            if u.is_input:
                continue
            total_input, y = u.totals[c], u.outputs[c]
            assert isinstance(y, Value)
            names = self.net.names
            x_name = self.net.node_name("x", u.number, c)
            ys = [self._y_name(i) for i in u.sources]
            ws = [names[w] for w in u.weights]
            terms = [f"{yn}·{wn}" for yn, wn in zip(ys, ws)]
            assert u.bias is not None
            head = f"  {x_name} = {' + '.join([*terms, f'b{u.number}'])}"
            if len(terms) > 3:
                head = f"  {x_name} = {terms[0]} + … + {terms[-1]} + b{u.number}"
            inputs = [_y(self._y(i), self.net.unit(i).is_input) for i in u.sources]
            vals = [f"{yi}·{bracketed(w.data)}" for yi, w in zip(inputs, u.weights)]
            products = [product(yi, w.data) for yi, w in zip(inputs, u.weights)]
            exact = prints_as(total([*products, u.bias.data]), total_input.data)
            summed = " + ".join([*vals, bracketed(u.bias.data)])
            worked = f"{summed} {eq_sign(exact)} {num(total_input.data)}"
            if len(terms) > 3:
                line = f"{head} = {num(total_input.data)}"
            elif len(head) + len(worked) + 3 <= MAX_LINE:
                line = f"{head} = {worked}"
            else:
                line = f"{head}\n  {' ' * len(x_name)} = {worked}"
            out.append(line)
            act = _f(u.activation)
            y_of_x = f"{act}({x_name})" if u.activation != "linear" else x_name
            out.append(f"  {names[y]} = {y_of_x} = {num(y.data)}")
        if self.root not in self.net.unit_of:  # the error above the units (not a unit's y)
            out.append(f"  {self.output} = {num(self.root.data)}")
        return out

    def _y(self, i: int) -> float:
        y = self.net.unit(i).outputs[self.case]
        return y.data if isinstance(y, Value) else float(y)

    def _y_name(self, i: int) -> str:
        u = self.net.unit(i)
        if u.is_input:
            return u.name
        y = u.outputs[self.case]
        assert isinstance(y, Value)
        return self.net.names[y]

    def steps_intro(self) -> list[str]:
        """The four equations the steps apply (with the error's own name for E)."""
        return [line.replace("∂E/", f"∂{self.output}/") for line in EQUATIONS]

    def batch_lines(self) -> list[str]:
        """With several cases: ∂E/∂w = Σ_c ∂E_c/∂w for each weight and bias."""
        if self.net.cases == 1:
            return []
        e = self.output
        out = [f"Over the {self.net.cases} cases, ∂{e}/∂w = Σ_c ∂{e}_c/∂w (each case's share):"]
        for u in self.net.units:
            if u.is_input:
                continue
            assert u.bias is not None
            for p, i in [*zip(u.weights, u.sources), (u.bias, 0)]:
                parts = [self._case_grad(u, p, i, c) for c in range(self.net.cases)]
                grad = self.grads.get(p, 0.0)
                shown = [bracketed(x) for x in parts]
                if len(shown) > 4:
                    shown = [*shown[:2], "…", shown[-1]]
                text = " + ".join(shown)
                exact = len(parts) <= 4 and prints_as(total(parts), grad)
                out.append(f"  {_gradient(self.names[p], e)} = {text} {eq_sign(exact)} {num(grad)}")
        return out

    def _case_grad(self, u: Unit, p: Value, i: int, c: int) -> float:
        dx = self.grads[u.totals[c]]
        if i == 0:
            return dx
        y = self.net.unit(i).outputs[c]
        return dx * (y.data if isinstance(y, Value) else float(y))

    def __str__(self) -> str:
        parts = [
            "\n".join(self.header()),
            self.case_line(),
            "\n".join(self.forward_lines()),
            "\n".join([*self.steps_intro(), "", *(str(s) for s in self.steps)]),
        ]
        batch = self.batch_lines()
        if batch:
            parts.append("\n".join(batch))
        return "\n\n".join(parts)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def __repr__(self) -> str:
        return f"<UnitExplanation of {len(self.steps)} units, case {self.case + 1}>"


def output_name(net: Network) -> str:
    """What the listings call the root: E (unlabelled, as the paper), its label, or the output
    unit's y5 when the root is a unit's own output."""
    return net.names.get(net.root) or net.root.label or "E"


def _values(pairs: list[tuple[str, float]], what: str) -> str:
    """``y1 = 1, y2 = 0``; of many, those that are not 0 and how many others are 0, or else
    the first three and the last."""
    shown = [f"{name} = {_number(v)}" for name, v in pairs]
    if len(shown) <= 4:
        return ", ".join(shown)
    on = [text for text, (_, v) in zip(shown, pairs) if v != 0.0]
    if len(on) <= 4:
        return ", ".join([*on, f"the other {len(pairs) - len(on)} {what} 0"])
    return ", ".join([*shown[:3], "…", shown[-1]])


def _signed(text: str) -> str:
    """A number after an operator: in parentheses when negative (``1.193 - (-1.5)``)."""
    return f"({text})" if text.startswith("-") else text


def _number(x: float) -> str:
    """A case's value: as given when it is a whole number (1, 0), else to 4 digits."""
    return constant(x) if x.is_integer() else num(x)


def _f(activation: str) -> str:
    return "σ" if activation == "sigmoid" else activation


def _target(
    y: Value, users_of: dict[Value, list[Value]], root: Value
) -> tuple[float, float, float | None] | None:
    """``(d, k, margin)`` when E reaches ``y`` only through k/2·(y - d)² (or the margin
    loss's k/2·m²(y, d), margin given) summed and scaled by constants: ½Σ(y - d)², a mean
    of (y - d)². Then ∂E/∂y = k·(y - d) (0 within the margin). None for other losses."""
    users = users_of.get(y, [])
    if len(users) != 1 or users[0].operands[0] is not y:
        return None
    first = users[0]
    rest = first.operands[1:]
    if any(isinstance(x, Value) and not x.is_leaf for x in rest):
        return None
    margin: float | None = None
    if first.op == "margin_sq":
        target, margin = _data(rest[0]), _data(rest[1])
        v = first
    elif first.op == "-":
        target = _data(rest[0])
        users = users_of.get(first, [])
        if len(users) != 1 or users[0].op != "**" or users[0].operands[1] != 2.0:
            return None
        v = users[0]
    else:
        return None
    k = 2.0
    while v is not root:
        users = users_of.get(v, [])
        if len(users) != 1:
            return None
        v = users[0]
        if v.op == "*":
            others = [x for x in v.operands if not isinstance(x, Value)]
            if len(others) != 1:
                return None
            k *= _data(others[0])
        elif v.op != "+" or not all(isinstance(x, Value) for x in v.operands):
            return None
    return target, k, margin


def explain_units(
    root: Value, order: list[Value], named: dict[Value, str], case: int = 1, where: str = "explain"
) -> UnitExplanation:
    """The unit-level backward pass of the net in ``root``'s graph (see the module docstring);
    ``case`` (1-based) is the case the steps narrate. Raises `NotANetwork` (a ValueError)
    for a graph that is not a feed-forward net."""
    net = find_network(root, order, named, where)
    if isinstance(case, bool) or not isinstance(case, int) or not 1 <= case <= net.cases:
        raise ValueError(f"{where}: case must be a number from 1 to {net.cases}, got {case!r}")
    c = case - 1
    # The backward pass as Value.backward runs it (see autograd.teach.explain): same floats.
    grads: dict[Value, float] = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for user, _pos, p, local in backward_uses(reversed(order)):
        grads[p] += grads[user] * local
    users = consumers(order)
    names = net.names
    steps: list[UnitStep] = []
    targets: dict[int, float] = {}
    for u in reversed(net.units):
        if u.is_input:
            continue
        t, y = u.totals[c], u.outputs[c]
        assert isinstance(y, Value) and u.bias is not None
        # A linear unit's Σ node is its output; its total input is still called x_j.
        x_name, y_name = net.node_name("x", u.number, c), names[y]
        rule = worked = dy_rule = dy_worked = ""
        dy_checks = True
        local, local_printed = 1.0, 1.0
        if y is not t:
            op = y._rule
            assert op is not None
            local = float(y.local_grads[0])
            px, py = as_printed(t.data), as_printed(y.data)
            rule = _factor((op.local_rule(0, 1) or "").format(x_name, out=y_name))
            worked = _factor(
                (op.local_rule(0, 1, [px, py]) or "").format(bracketed(px), out=bracketed(py))
            )
            local_printed = float(op.partial(0, [px], py))
        downstream = []
        if not u.output:
            for user in sorted(
                users.get(y, []), key=lambda v: net.unit_of[v].number if v in net.unit_of else 0
            ):
                j = net.unit_of.get(user)
                if j is None or user.op != "Σ":
                    continue
                n = (len(user.operands) - 1) // 2
                for k in range(n):
                    if user.operands[n + k] is y:
                        w = user.operands[k]
                        assert isinstance(w, Value)
                        g = grads[user]
                        downstream.append(
                            Term(net.node_name("x", j.number, c), names[w], g, w.data, g * w.data)
                        )
        else:
            found = _target(y, users, root)
            if found is not None:
                d, factor, margin = found
                targets[u.number] = d
                dname = f"d{u.number}"
                if margin is not None and d - margin < y.data < d + margin:
                    # The margin loss counts an output this close to its target as right.
                    dy_rule = f"0: {y_name} is within {constant(margin)} of {dname} = {constant(d)}"
                else:
                    dy_rule = f"{y_name} - {dname}"
                    dy_worked = f"{num(y.data)} - {_signed(constant(d))}"
                    value = total([num(y.data), product(constant(d), "-1")])
                    if factor != 1.0:
                        scale = constant(factor)
                        dy_rule, dy_worked = f"{scale}·({dy_rule})", f"{scale}·({dy_worked})"
                        value = product(scale, value)
                    dy_checks = prints_as(value, grads[y])
        weights = []
        for w, i in zip(u.weights, u.sources):
            src = net.unit(i)
            yi = src.outputs[c]
            yv = yi.data if isinstance(yi, Value) else float(yi)
            sname = src.name if src.is_input else names[yi]  # type: ignore[index]
            # 0.0 + : a leaf's gradient starts at 0.0, so backward turns a -0.0 product into 0.0.
            weights.append(WeightGrad(names[w], i, sname, yv, 0.0 + grads[t] * yv, src.is_input))
        weights.append(WeightGrad(names[u.bias], 0, "1", 1.0, 0.0 + grads[t] * 1.0))
        out_name = output_name(net)
        steps.append(
            UnitStep(
                number=len(steps) + 1,
                unit=u.number,
                case=c,
                kind="output" if u.output else "hidden",
                activation=u.activation,
                y_name=y_name,
                x_name=x_name,
                y=y.data,
                x=t.data,
                dy=grads[y],
                dx=grads[t],
                local=local,
                local_rule=rule,
                local_worked=worked,
                local_printed=local_printed,
                dy_rule=dy_rule,
                dy_worked=dy_worked,
                dy_checks=dy_checks,
                downstream=tuple(downstream),
                weights=tuple(weights),
                output=out_name,
            )
        )
    return UnitExplanation(net, grads, steps, c, targets)
