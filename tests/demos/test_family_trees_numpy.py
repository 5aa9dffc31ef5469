"""The numpy replica of the family-trees net: the engine's numbers, at numpy speed."""

from __future__ import annotations

import dataclasses

import pytest

from demos import family_trees


def test_family_tree_numpy_replica_follows_the_engine_sweep_by_sweep() -> None:
    pytest.importorskip("numpy")
    from demos import family_trees_numpy

    # 25 sweeps: through the gentle start and the switch, with the decay from sweep 22
    schedule = dataclasses.replace(family_trees.RECIPE, sweeps=25, decay_from=21)
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
    assert recipe.learned_at is not None and recipe.train_correct == 100
    paper = family_trees_numpy.train(seed, family_trees.PAPER)
    assert paper.learned_at is None and paper.train_correct == 0
    assert paper.errors[-1] > 10 * recipe.errors[-1]
