"""The two family trees: 104 cases, the facts, the trees' isomorphism."""

from __future__ import annotations

import pytest

from demos import kinship
from demos.kinship import ENGLISH, ITALIAN, RELATIONSHIPS


def test_family_trees_give_104_cases_and_the_multi_answer_ones() -> None:
    cases = kinship.cases()
    assert len(cases) == 104
    assert len({(c.person, c.relationship) for c in cases}) == 104
    two = {(c.person, c.relationship): c.answers for c in cases if len(c.answers) == 2}
    # Colin's and Charlotte's uncles and aunts, and their Italian counterparts'
    assert two == {
        ("Colin", "uncle"): {"Arthur", "Charles"},
        ("Colin", "aunt"): {"Jennifer", "Margaret"},
        ("Charlotte", "uncle"): {"Arthur", "Charles"},
        ("Charlotte", "aunt"): {"Jennifer", "Margaret"},
        ("Alfonso", "uncle"): {"Emilio", "Tomaso"},
        ("Alfonso", "aunt"): {"Angela", "Gina"},
        ("Sophia", "uncle"): {"Emilio", "Tomaso"},
        ("Sophia", "aunt"): {"Angela", "Gina"},
    }
    assert all(len(c.answers) in (1, 2) for c in cases)


@pytest.mark.parametrize(
    ("person", "relationship", "answers"),
    [
        ("Colin", "aunt", {"Jennifer", "Margaret"}),
        ("Sophia", "father", {"Marco"}),
        ("Penelope", "husband", {"Christopher"}),
        ("Victoria", "brother", {"Arthur"}),
        ("Arthur", "niece", {"Charlotte"}),
        ("Margaret", "nephew", {"Colin"}),  # through her husband's sister
        ("Charles", "wife", {"Jennifer"}),
        ("Christopher", "daughter", {"Victoria"}),
        ("Angela", "nephew", {"Alfonso"}),
        ("Pierro", "son", {"Marco"}),
        ("Christopher", "uncle", set()),
        ("Colin", "son", set()),
        ("Gina", "father", set()),  # married in: her parents are not in the tree
    ],
)
def test_family_tree_facts(person: str, relationship: str, answers: set[str]) -> None:
    tree = ENGLISH if person in ENGLISH.people else ITALIAN
    assert tree.relatives(person, relationship) == answers


def test_the_two_trees_are_isomorphic_in_display_order() -> None:
    counterpart = dict(zip(ENGLISH.people, ITALIAN.people))
    for person in ENGLISH.people:
        for r in RELATIONSHIPS:
            english = {counterpart[p] for p in ENGLISH.relatives(person, r)}
            assert english == ITALIAN.relatives(counterpart[person], r)
    assert len(ENGLISH.cases()) == len(ITALIAN.cases()) == 52


def test_family_tree_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="cousin"):
        ENGLISH.relatives("Colin", "cousin")
    with pytest.raises(ValueError, match="Marco"):
        ENGLISH.relatives("Marco", "father")


def test_person_features_for_the_encoding_picture() -> None:
    assert [kinship.generation(p) for p in ("Christopher", "Margaret", "Colin", "Gina")] == [
        1,
        2,
        3,
        2,
    ]
    assert kinship.branch("Christopher") == kinship.branch("Arthur") == kinship.branch("Margaret")
    assert kinship.branch("Andrew") == kinship.branch("Jennifer") == kinship.branch("Charles")
    assert kinship.branch("Arthur") != kinship.branch("James")
    assert kinship.branch("Colin") is None
