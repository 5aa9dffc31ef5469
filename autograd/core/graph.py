"""Walks over a graph that the backward passes and the pictures share.

`Value.backward` is the reference backward pass; `grad`, `explain` and the checks'
wrong passes must give its floats bit for bit, so they visit the same uses in the
same order through `backward_uses`. (`backward` itself keeps its own inlined loop
over the same order: it is the engine's hot path.) `on_paths` is the one pruning
rule of `explain(wrt=...)`, `draw_graph(wrt=...)` and the compiler; `consumers` the
other direction of the edges, for the net finder, the drawings and the stepper.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

from autograd.core.engine import Value

__all__ = ["backward_uses", "consumers", "on_paths"]


def backward_uses(nodes: Iterable[Value]) -> Iterator[tuple[Value, int, Value, float]]:
    """Each use of a node by an interior node of ``nodes``, in the order backward adds them.

    Yields ``(consumer, position, operand, local)``: the consumer's operand at
    ``position`` is a Value, and ∂consumer/∂operand there is ``local``. With ``nodes``
    in reverse creation order (``reversed(topological_order(root))``) this is exactly
    the sequence of ``operand.grad += consumer.grad * local`` that `Value.backward`
    performs, so a pass summing the same products in this order gets the same floats.
    A consumer's gradient is complete by the time its first use is yielded.
    """
    for c in nodes:
        if c.is_leaf:
            continue
        positions = (i for i, x in enumerate(c.operands) if isinstance(x, Value))
        for p, d, i in zip(c.parents, c.local_grads, positions):
            yield c, i, p, float(d)


def on_paths(order: Sequence[Value], targets: Collection[Value]) -> set[Value]:
    """The nodes on a path from one of ``targets`` up to the root: ``targets`` and every
    node of ``order`` (a `topological_order`) that depends on one of them."""
    on = set(targets)
    for v in order:
        if v not in on and any(p in on for p in v.parents):
            on.add(v)
    return on


def consumers(order: Sequence[Value]) -> dict[Value, list[Value]]:
    """Each node of ``order`` (a `topological_order`) that is used → the nodes that use it,
    each once (``x * x`` uses x once), in the order they were made."""
    users: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            seen = users.setdefault(p, [])
            if not seen or seen[-1] is not v:  # a node's uses of one operand come together
                seen.append(v)
    return users
