"""The Newton demo: exact Hessians from grad(grad(f)) and the iteration counts they give."""

from __future__ import annotations

import pytest

from demos.newton import (
    gradient_and_hessian,
    gradient_descent,
    main,
    newton,
    quartic,
    rosenbrock,
    solve,
)


def test_rosenbrock_hessian_is_the_hand_derived_one() -> None:
    a, b = -1.2, 1.0
    value, g, h = gradient_and_hessian(rosenbrock, [a, b])
    assert value == pytest.approx((1 - a) ** 2 + 100 * (b - a * a) ** 2)
    assert g == pytest.approx([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
    expected = [2 - 400 * (b - 3 * a * a), -400 * a, -400 * a, 200.0]
    assert h[0] + h[1] == pytest.approx(expected)


def test_solve() -> None:
    assert solve([[0.0, 2.0], [4.0, 1.0]], [2.0, 9.0]) == pytest.approx([2.0, 1.0])


def test_newton_converges_quadratically_where_gradient_descent_crawls() -> None:
    run = newton(rosenbrock, [-1.2, 1.0], tol=1e-8)
    assert run.converged and run.iterations <= 10
    assert run.point == pytest.approx([1.0, 1.0], abs=1e-9)
    slow = gradient_descent(rosenbrock, [-1.2, 1.0], lr=1e-3, tol=1e-8, max_iter=2000)
    assert not slow.converged
    q = newton(quartic, [4.0], tol=1e-10)
    assert q.converged and q.point == pytest.approx([2.25], abs=1e-10)


def test_cli_prints_the_table(capsys, tmp_path) -> None:
    rows = main(["--quiet", "--max-gd", "500", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Newton (exact Hessian)" in out and "Rosenbrock" in out
    assert [r.converged for _, r in rows] == [True, True, True, False]
