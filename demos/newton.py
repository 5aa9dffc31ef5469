"""Newton's method with exact Hessians from `grad(..., create_graph=True)`, beside plain descent.

Newton's step solves H·d = −∇f, with H the matrix of second derivatives. Here H
is not hand-derived: it is the gradient of the gradient, taken from the same
graph. Two functions:

- 1-D: f(x) = x⁴ − 3x³ + 2, from x = 4 (minimum at x = 9/4).
- 2-D: Rosenbrock's f(a, b) = (1 − a)² + 100(b − a²)², from (−1.2, 1) (minimum at (1, 1)).

    python -m demos.newton [--tol 1e-8] [--gd-lr 0.001] [--max-gd 100000] [--quiet] [--no-plots]

(The methods are deterministic: ``--seed`` is accepted, like every demo's, and unused.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograd import Value, grad
from demos.common import OUT_DIR, make_parser, positive_float, positive_int, pyplot, save_figure

Objective = Callable[..., Value]


def quartic(x: Value) -> Value:
    return x**4 - 3 * x**3 + 2


def rosenbrock(a: Value, b: Value) -> Value:
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2


@dataclass
class Run:
    method: str
    iterations: int
    converged: bool
    point: list[float]
    value: float
    path: list[list[float]] = field(default_factory=list)


def gradient_and_hessian(
    f: Objective, point: Sequence[float]
) -> tuple[float, list[float], list[list[float]]]:
    """f, ∇f and the Hessian at ``point``, all from the graph of f."""
    xs = [Value(p) for p in point]
    y = f(*xs)
    first = grad(y, xs, create_graph=True)
    hessian = [[h.data for h in grad(g, xs)] for g in first]
    return y.data, [g.data for g in first], hessian


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b, by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if m[pivot][col] == 0.0:
            raise ZeroDivisionError("newton: the Hessian is singular here")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def newton(f: Objective, start: Sequence[float], tol: float, max_iter: int = 100) -> Run:
    point = list(start)
    path = [point[:]]
    for i in range(max_iter + 1):
        value, g, h = gradient_and_hessian(f, point)
        if max(abs(gi) for gi in g) < tol:
            return Run("Newton (exact Hessian)", i, True, point, value, path)
        step = solve(h, [-gi for gi in g])
        point = [p + s for p, s in zip(point, step)]
        path.append(point[:])
    return Run("Newton (exact Hessian)", max_iter, False, point, value, path)


def gradient_descent(
    f: Objective, start: Sequence[float], lr: float, tol: float, max_iter: int
) -> Run:
    point = list(start)
    path = [point[:]]
    value = 0.0
    for i in range(max_iter + 1):
        xs = [Value(p) for p in point]
        y = f(*xs)
        y.backward()
        value = y.data
        if max(abs(x.grad) for x in xs) < tol:
            return Run(f"gradient descent (lr {lr:g})", i, True, point, value, path)
        point = [x.data - lr * x.grad for x in xs]
        if i % 50 == 0:
            path.append(point[:])
    return Run(f"gradient descent (lr {lr:g})", max_iter, False, point, value, path)


def table(rows: list[tuple[str, Run]]) -> str:
    header = f"{'function':<22} {'method':<26} {'iterations':>10}  {'minimum found':<26} {'f':>10}"
    lines = [header, "-" * len(header)]
    for name, run in rows:
        iters = f"{run.iterations}" + ("" if run.converged else " (cap)")
        where = "(" + ", ".join(f"{p:.6f}" for p in run.point) + ")"
        lines.append(f"{name:<22} {run.method:<26} {iters:>10}  {where:<26} {run.value:>10.3g}")
    return "\n".join(lines)


def plot(runs: list[Run], out_dir: Path) -> Path | None:
    """Both methods' paths on Rosenbrock's contours, to ``out_dir/newton_rosenbrock.png``."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 5))
    every = [p for run in runs for p in run.path]
    a_lo, a_hi = min(-1.6, *(p[0] for p in every)), max(1.6, *(p[0] for p in every))
    b_lo, b_hi = min(-0.6, *(p[1] for p in every)) - 0.2, max(1.6, *(p[1] for p in every))
    grid_a = [a_lo + (a_hi - a_lo) * i / 199 for i in range(200)]
    grid_b = [b_lo + (b_hi - b_lo) * j / 199 for j in range(200)]
    z = [[math.log10(1e-3 + (1 - a) ** 2 + 100 * (b - a * a) ** 2) for a in grid_a] for b in grid_b]
    ax.contour(grid_a, grid_b, z, levels=20, cmap="Greys", linewidths=0.6)
    for run, style in zip(runs, ["o-", ".-"]):
        xs = [p[0] for p in run.path]
        ys = [p[1] for p in run.path]
        ax.plot(xs, ys, style, markersize=3, label=f"{run.method}: {run.iterations} iterations")
    ax.plot([1], [1], "k*", markersize=12)
    ax.set_xlabel("a")
    ax.set_ylabel("b")
    ax.set_title("Rosenbrock: Newton vs gradient descent")
    ax.legend(fontsize=8, loc="lower right")
    return save_figure(fig, "newton_rosenbrock.png", out_dir)


def main(argv: list[str] | None = None) -> list[tuple[str, Run]]:
    parser = make_parser(
        "demos.newton", "Newton's method with exact Hessians vs gradient descent.", seed=0
    )
    parser.add_argument(
        "--tol", type=positive_float, default=1e-8, help="stop when |∂f/∂x_i| < tol"
    )
    parser.add_argument("--gd-lr", type=positive_float, default=1e-3, help="descent step size")
    parser.add_argument(
        "--max-gd", type=positive_int, default=100_000, help="descent iteration cap"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the picture")
    args = parser.parse_args(argv)

    rows: list[tuple[str, Run]] = []
    problems: list[tuple[str, Objective, list[float], float]] = [
        ("x⁴ − 3x³ + 2", quartic, [4.0], 0.01),
        ("Rosenbrock", rosenbrock, [-1.2, 1.0], args.gd_lr),
    ]
    for name, f, start, lr in problems:
        rows.append((name, newton(f, start, args.tol)))
        rows.append((name, gradient_descent(f, start, lr, args.tol, args.max_gd)))

    if not args.quiet:
        value, g, h = gradient_and_hessian(rosenbrock, [-1.2, 1.0])
        print(f"Rosenbrock at (−1.2, 1): f = {value:.4g}, ∇f = ({g[0]:.4g}, {g[1]:.4g})")
        print(
            "exact Hessian from grad(grad(f)): "
            f"[[{h[0][0]:.4g}, {h[0][1]:.4g}], [{h[1][0]:.4g}, {h[1][1]:.4g}]]"
        )
        print()
    print(table(rows))
    picture = None if args.no_plots else plot([rows[2][1], rows[3][1]], args.out)
    if picture and not args.quiet:
        print(f"\npaths drawn in {picture}")
    return rows


if __name__ == "__main__":
    main()
