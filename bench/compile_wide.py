"""How large a graph `autograd.compile` takes, and how long: wide units and wide custom ops.

Generating the source is linear in the graph's size; Python's own ``compile()`` of that
source (a function with one local per parameter) is timed apart. Every compiled result is
checked against ``backward()`` bit for bit before its time is printed.

    python -m bench.compile_wide [--widths 1000 3000 10000 30000]
"""

from __future__ import annotations

import argparse
import builtins
import time

from autograd import Op, Value, apply, compile, linear


def _timed_compile(root: Value, params: list[Value], inputs: list[Value]) -> tuple[float, float]:
    """(seconds in all, seconds of them in Python's own compile()) of one autograd.compile."""
    spent = [0.0]
    python_compile = builtins.compile

    def timed(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return python_compile(*args, **kwargs)  # type: ignore[call-overload]
        finally:
            spent[0] += time.perf_counter() - start

    builtins.compile = timed  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        step = compile(root, params, inputs)
        total = time.perf_counter() - start
    finally:
        builtins.compile = python_compile
    root.backward()
    value, grads = step([p.data for p in params], [x.data for x in inputs])
    assert value == root.data and grads == [p.grad for p in params], "compiled != backward()"
    return total, spent[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--widths", type=int, nargs="+", default=[1000, 3000, 10000, 30000])
    args = parser.parse_args(argv)
    print("a sigmoid unit with n inputs: σ(Σ w_i·x_i + b), params w and b, inputs x")
    print(f"  {'n':>6} {'nodes':>7} {'compile':>9} {'of it Python':>13}")
    for n in args.widths:
        ws = [Value(0.001 * (i % 13) - 0.006) for i in range(n)]
        xs = [Value(1.0 + i % 5) for i in range(n)]
        b = Value(0.25)
        y = linear(ws, xs, b).sigmoid()
        total, python = _timed_compile(y, [*ws, b], xs)
        print(f"  {n:>6} {2 * n + 3:>7} {total:>8.2f}s {python:>12.2f}s")
    print("a custom op with n operands (one partial function each)")
    for n in [w // 10 for w in args.widths]:
        op = Op("wide", lambda *a: sum(a), tuple((lambda *a: 2.0) for _ in range(n)))
        xs = [Value(float(i)) for i in range(n)]
        total, python = _timed_compile(apply(op, *xs), xs, [])
        print(f"  {n:>6} {n + 1:>7} {total:>8.2f}s {python:>12.2f}s")


if __name__ == "__main__":
    main()
