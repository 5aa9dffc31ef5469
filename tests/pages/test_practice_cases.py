"""The practice classifier in Python against the table of cases that the page's JavaScript
classifier also passes (tests/js/practice.test.js): one table keeps the two in step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autograd.teach.practice import ATOL, HINTS, MAX_USES_TRIED, RTOL, Question, classify

TABLE = json.loads(
    (Path(__file__).parent.parent / "data" / "practice_cases.json").read_text(encoding="utf-8")
)


def question(q: dict[str, Any]) -> Question:
    # float() reads the page's spelling of inf and nan ("Infinity", "-Infinity", "NaN").
    factors = tuple((float(u), float(d)) for u, d in q["factors"])
    return Question(1, q["kind"], "∂f/∂x", float(q["answer"]), "the rule", factors)


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: c["why"])
def test_python_classifies_each_case_of_the_table(case: dict[str, Any]) -> None:
    assert classify(question(case["question"]), float(case["typed"])) == case["expect"]


def test_the_table_uses_the_real_tolerances() -> None:
    # The Node test takes them from the table: they must be the ones pages are given.
    assert TABLE["tolerance"] == {"rtol": RTOL, "atol": ATOL, "max_uses": MAX_USES_TRIED}


def test_the_table_reaches_every_outcome_for_both_kinds_of_question() -> None:
    seen = {(c["question"]["kind"], c["expect"]) for c in TABLE["cases"]}
    assert {e for k, e in seen if k == "grad"} == {"right", *HINTS}
    assert {e for k, e in seen if k == "local"} == {"right", "sign", "local"}
    spelled = json.dumps(TABLE["cases"])
    assert all(f'"{s}"' in spelled for s in ("Infinity", "-Infinity", "NaN"))
