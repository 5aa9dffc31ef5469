"""The two family trees of Rumelhart, Hinton & Williams (1986, Fig. 2) and the facts they imply.

Only the structure is written down: who married whom, their children, and
each person's sex. Every (person, relationship) → relatives fact is derived
from that structure by the rules below, so no fact is typed by hand:

- father / mother: the parents, by sex;
- husband / wife: the spouse;
- son / daughter: the children, by sex;
- brother / sister: the other children of the same parents, by sex;
- uncle / aunt: the parents' siblings and the spouses of the parents' siblings, by sex;
- nephew / niece: the children of one's own siblings and of one's spouse's siblings, by sex.

Each tree gives 52 (person, relationship) cases with at least one answer; the
two trees together give the paper's 104. Eight cases have two correct answers:
the uncles and the aunts of each of the four youngest grandchildren (Colin and
Charlotte, Alfonso and Sophia).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "ENGLISH",
    "ITALIAN",
    "PEOPLE",
    "RELATIONSHIPS",
    "Case",
    "Couple",
    "FamilyTree",
    "cases",
]

RELATIONSHIPS: tuple[str, ...] = (
    "father",
    "mother",
    "husband",
    "wife",
    "son",
    "daughter",
    "uncle",
    "aunt",
    "brother",
    "sister",
    "nephew",
    "niece",
)


@dataclass(frozen=True)
class Couple:
    husband: str
    wife: str
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One training case: ``person`` and ``relationship`` in, the set of ``answers`` out."""

    person: str
    relationship: str
    answers: frozenset[str]


@dataclass(frozen=True)
class FamilyTree:
    """A family as marriages with children, plus everyone's sex.

    ``people`` fixes the display order: the paper's Fig. 4 lays the English and
    Italian people out in the same order, so person i of one tree is the
    structural counterpart of person i of the other.
    """

    name: str
    couples: tuple[Couple, ...]
    males: frozenset[str]
    people: tuple[str, ...]

    def __post_init__(self) -> None:
        everyone = set(self.people)
        if len(everyone) != len(self.people):
            raise ValueError(f"{self.name}: a person is listed twice in {self.people}")
        for c in self.couples:
            for p in (c.husband, c.wife, *c.children):
                if p not in everyone:
                    raise ValueError(f"{self.name}: {p!r} is in a couple but not in people")
            if c.husband not in self.males or c.wife in self.males:
                raise ValueError(f"{self.name}: couple {c.husband} = {c.wife} is not man = woman")
        if not self.males <= everyone:
            raise ValueError(f"{self.name}: unknown males {sorted(self.males - everyone)}")

    # -- the structure, looked up --

    def is_male(self, person: str) -> bool:
        return person in self.males

    @cached_property
    def _parents(self) -> dict[str, tuple[str, ...]]:
        parents: dict[str, tuple[str, ...]] = {p: () for p in self.people}
        for c in self.couples:
            for child in c.children:
                parents[child] = (c.husband, c.wife)
        return parents

    @cached_property
    def _spouse(self) -> dict[str, str]:
        spouse = {}
        for c in self.couples:
            spouse[c.husband] = c.wife
            spouse[c.wife] = c.husband
        return spouse

    def parents(self, person: str) -> tuple[str, ...]:
        return self._parents[person]

    def spouses(self, person: str) -> tuple[str, ...]:
        return (self._spouse[person],) if person in self._spouse else ()

    def children(self, person: str) -> tuple[str, ...]:
        return tuple(p for p in self.people if person in self._parents[p])

    def siblings(self, person: str) -> tuple[str, ...]:
        mine = self._parents[person]
        if not mine:
            return ()
        return tuple(p for p in self.people if p != person and self._parents[p] == mine)

    def relatives(self, person: str, relationship: str) -> frozenset[str]:
        """Everyone who is ``person``'s ``relationship`` (e.g. the aunts of Colin)."""
        if relationship not in RELATIONSHIPS:
            raise ValueError(
                f"unknown relationship {relationship!r}; expected one of {RELATIONSHIPS}"
            )
        if person not in self._parents:
            raise ValueError(f"{person!r} is not in the {self.name} family")
        male = RELATIONSHIPS.index(relationship) % 2 == 0  # the list alternates male, female
        kind = relationship
        found: set[str] = set()
        if kind in ("father", "mother"):
            found.update(self.parents(person))
        elif kind in ("husband", "wife"):
            found.update(self.spouses(person))
        elif kind in ("son", "daughter"):
            found.update(self.children(person))
        elif kind in ("brother", "sister"):
            found.update(self.siblings(person))
        elif kind in ("uncle", "aunt"):
            for parent in self.parents(person):
                for sibling in self.siblings(parent):
                    found.add(sibling)
                    found.update(self.spouses(sibling))
        else:  # nephew, niece
            for in_law in (person, *self.spouses(person)):
                for sibling in self.siblings(in_law):
                    found.update(self.children(sibling))
        return frozenset(p for p in found if self.is_male(p) == male)

    def cases(self) -> list[Case]:
        """Every (person, relationship) with at least one answer, person by person."""
        out = []
        for person in self.people:
            for relationship in RELATIONSHIPS:
                answers = self.relatives(person, relationship)
                if answers:
                    out.append(Case(person, relationship, answers))
        return out


ENGLISH = FamilyTree(
    name="English",
    couples=(
        Couple("Christopher", "Penelope", ("Arthur", "Victoria")),
        Couple("Andrew", "Christine", ("James", "Jennifer")),
        Couple("Arthur", "Margaret"),
        Couple("James", "Victoria", ("Colin", "Charlotte")),
        Couple("Charles", "Jennifer"),
    ),
    males=frozenset({"Christopher", "Andrew", "Arthur", "James", "Charles", "Colin"}),
    people=(
        "Christopher",
        "Penelope",
        "Andrew",
        "Christine",
        "Margaret",
        "Arthur",
        "Victoria",
        "James",
        "Jennifer",
        "Charles",
        "Colin",
        "Charlotte",
    ),
)

ITALIAN = FamilyTree(
    name="Italian",
    couples=(
        Couple("Roberto", "Maria", ("Emilio", "Lucia")),
        Couple("Pierro", "Francesca", ("Marco", "Angela")),
        Couple("Emilio", "Gina"),
        Couple("Marco", "Lucia", ("Alfonso", "Sophia")),
        Couple("Tomaso", "Angela"),
    ),
    males=frozenset({"Roberto", "Pierro", "Emilio", "Marco", "Tomaso", "Alfonso"}),
    people=(
        "Roberto",
        "Maria",
        "Pierro",
        "Francesca",
        "Gina",
        "Emilio",
        "Lucia",
        "Marco",
        "Angela",
        "Tomaso",
        "Alfonso",
        "Sophia",
    ),
)

TREES: tuple[FamilyTree, ...] = (ENGLISH, ITALIAN)

#: The 24 people in input/output unit order: the English in display order, then the Italians.
PEOPLE: tuple[str, ...] = ENGLISH.people + ITALIAN.people


def cases(trees: Sequence[FamilyTree] = TREES) -> list[Case]:
    """All (person, relationship) cases of ``trees``: 104 for the paper's two families."""
    return [case for tree in trees for case in tree.cases()]


def nationality(person: str) -> str:
    """``"English"`` or ``"Italian"``."""
    for tree in TREES:
        if person in tree.people:
            return tree.name
    raise ValueError(f"{person!r} is in neither family")


def generation(person: str) -> int:
    """1 for the oldest generation, 2 for their children and children-in-law, 3 for the youngest.

    Derived from the structure: a person with parents in the tree is one
    generation below them; a spouse shares their partner's generation.
    """
    tree = ENGLISH if nationality(person) == "English" else ITALIAN
    depth: dict[str, int] = {}
    # Iterate to a fixed point: at most one pass per generation is needed.
    for _ in range(len(tree.people)):
        for p in tree.people:
            ps = tree.parents(p)
            if ps and ps[0] in depth:
                depth[p] = depth[ps[0]] + 1
            elif not ps:
                spouse = tree.spouses(p)
                if spouse and tree.parents(spouse[0]):
                    if spouse[0] in depth:
                        depth[p] = depth[spouse[0]]
                else:
                    depth[p] = 1
    return depth[person]


def branch(person: str) -> int | None:
    """Which side of the tree: 0 for the first founding couple's line, 1 for the second's.

    A person belongs to the line of the founders they descend from (a founder to
    their own); someone who married in belongs to their spouse's line. The
    youngest generation descends from both lines: None.
    """
    tree = ENGLISH if nationality(person) == "English" else ITALIAN
    founders = tree.couples[:2]
    is_founder = any(person in (c.husband, c.wife) for c in founders)
    if not is_founder and not tree.parents(person):
        person = tree.spouses(person)[0]  # married in
    sides: set[int] = set()
    todo = [person]
    while todo:
        p = todo.pop()
        for side, couple in enumerate(founders):
            if p in (couple.husband, couple.wife):
                sides.add(side)
        todo.extend(tree.parents(p))
    return sides.pop() if len(sides) == 1 else None
