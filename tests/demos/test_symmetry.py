"""The mirror-symmetry demo: the paper's antisymmetric solution."""

from __future__ import annotations

import pytest

from demos import symmetry


def test_symmetry_patterns_are_all_64_vectors_with_8_palindromes() -> None:
    cases = symmetry.patterns()
    assert len(cases) == 64
    assert len({tuple(x) for x, _ in cases}) == 64
    palindromes = [x for x, d in cases if d == 1.0]
    assert len(palindromes) == 8
    assert [1.0, 0.0, 1.0, 1.0, 0.0, 1.0] in palindromes
    assert all(d == 0.0 for x, d in cases if x == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_symmetry_finds_the_papers_antisymmetric_solution() -> None:
    run = symmetry.train(seed=8, max_sweeps=1500)
    assert run.sweeps_to_tolerance is not None
    s = symmetry.structure(run.model)
    assert s.mirror_antisymmetric and s.one_two_four and s.opposite_units
    assert all(b < 0 for b in s.hidden_biases) and s.output_bias > 0
    assert s.found
    # and the net really computes symmetry on every pattern
    ys = symmetry.outputs(run.model, symmetry.patterns())
    assert all((y > 0.5) == (d == 1.0) for y, (_, d) in zip(ys, symmetry.patterns()))


def test_symmetry_structure_check_rejects_a_random_net() -> None:
    s = symmetry.structure(symmetry.build(seed=3))
    assert not s.found


def test_symmetry_compiled_is_the_interpreter() -> None:
    compiled = symmetry.train(3, 40, quiet=True, compile=True)
    interpreted = symmetry.train(3, 40, quiet=True, compile=False)
    assert compiled.errors == interpreted.errors and len(compiled.errors) == 40
    assert [p.data for p in compiled.model.parameters()] == [
        p.data for p in interpreted.model.parameters()
    ]


def test_explain_prints_a_symmetric_case_unit_by_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert symmetry.main(["--sweeps", "3", "--quiet", "--no-plots", "--explain"]) == 0
    out = capsys.readouterr().out
    listing = out[out.index("After training, the symmetric case 001100 → 1:") :]
    assert "1. Unit 9 (output, sigmoid)" in listing and "3. Unit 7 (hidden, sigmoid)" in listing
    assert "∂E/∂y9 = y9 - d9 = " in listing
