"""The numpy replica of the family-trees net: the engine's numbers, at numpy speed."""

from __future__ import annotations

import dataclasses

import pytest

from demos import family_trees


@pytest.mark.parametrize("error", ["squared", "cross-entropy"])
def test_family_tree_numpy_replica_follows_the_engine_sweep_by_sweep(error: str) -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy

    # 25 sweeps: through the gentle start and the switch, with the decay from sweep 22;
    # the recipe's starting weights (±3 into the encoders, ±1 elsewhere, biases 0)
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=25, decay_from=21, error=error)
    engine = family_trees.train(4, schedule)
    replica = family_trees_numpy.train(4, schedule)
    assert replica.errors == pytest.approx(engine.errors, rel=1e-9)
    mine = [x for a in replica.weights for x in a.ravel().tolist()]
    theirs = [x for a in family_trees_numpy.weights_of(engine.model) for x in a.ravel().tolist()]
    assert mine == pytest.approx(theirs, rel=1e-9)
    assert replica.learned_at is engine.learned_at is None


def test_family_tree_recipe_learns_where_the_papers_schedule_stays_on_the_plateau() -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy

    # the default seed, 1,500 sweeps each, at numpy speed (the engine gives the same run)
    seed = family_trees.DEFAULT_SEED
    recipe = family_trees_numpy.train(seed, family_trees.RECIPE)
    assert recipe.learned_at is not None and recipe.train_correct >= 98
    paper = family_trees_numpy.train(seed, family_trees.PAPER)
    assert paper.learned_at is None and paper.train_correct == 0
    assert paper.errors[-1] > 10 * recipe.errors[-1]


def test_family_tree_search_picks_by_training_cases_and_undoes_each_deviation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy as ftn

    assert len(ftn.SEARCH_GRID) == len(set(ftn.SEARCH_GRID)) == 30
    assert family_trees.RECIPE in ftn.SEARCH_GRID
    # the ranking: most seeds learned, then the fewest sweeps (median)
    a = ftn.Tried(family_trees.RECIPE, [100, None, 300])
    b = ftn.Tried(family_trees.PAPER, [900, 800, 700])
    c = ftn.Tried(family_trees.PAPER, [500, 500, 900])
    assert sorted([a, b, c], key=ftn.Tried.rank) == [c, b, a]
    # each deviation of the recipe undone alone, and nothing for the paper's schedule
    undone = dict(ftn.undone(family_trees.RECIPE))
    assert undone["the squared error (the paper's)"].error == "squared"
    assert undone["biases drawn like the weights"].biases == "random"
    assert undone["the decay from sweep 1 (the paper's)"].decay_from == 0
    assert ftn.undone(family_trees.PAPER) == []
    # a small search: two schedules, two seeds, a few sweeps; it never looks at held-out cases
    few = [dataclasses.replace(s, sweeps=3) for s in ftn.SEARCH_GRID[:2]]
    paper = dataclasses.replace(family_trees.PAPER, sweeps=3)
    chosen = ftn.search([101, 102], few, references=[paper])
    out = capsys.readouterr().out
    assert chosen in few and "← chosen" in out and "undone" in out
    assert "the paper's schedule (3 sweeps)" in out
    assert out.count(" of 2") == 3 + len(ftn.undone(chosen))
