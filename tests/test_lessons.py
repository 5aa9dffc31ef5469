"""The lessons (docs/lessons/): stored as tools/make_lessons.py makes them, the solutions run
top to bottom, and every exercise, answered wrong and then right, gets practice's verdicts."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import ROOT, notebook_tools

nbformat, nbclient = notebook_tools()


def _maker() -> ModuleType:
    """tools/make_lessons.py, the lessons' one description (tools/ is not a package)."""
    path = ROOT / "tools" / "make_lessons.py"
    spec = importlib.util.spec_from_file_location("make_lessons", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


maker = _maker()
LESSONS = maker.ALL
IDS = [lesson.name for lesson in LESSONS]


def text(cell: Any) -> str:
    """What a code cell showed: its printed text, then its result's text/plain."""
    out = []
    for o in cell.outputs:
        assert o.output_type != "error", f"{o.ename}: {o.evalue}"
        out.append(o.text if o.output_type == "stream" else o.data.get("text/plain", ""))
    return "".join(out)


def exercise_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if maker.TAG in c.metadata.get("tags", [])]


def expected_hint(exercise: Any) -> str:
    """The hint the exercise's slip must get, as an expression for the notebook's kernel:
    practice's own hint for a question of `Exercises`, `SLOPE_HINTS` for a slope, else the
    name the notebook gives its `check_number` hint."""
    if exercise.hint:
        return str(exercise.hint)
    if exercise.check.startswith("check_slope("):
        return f"SLOPE_HINTS[{exercise.kind!r}]"
    found = re.fullmatch(r"(\w+)\.check\((\d+), answer\)", exercise.check)
    assert found is not None, exercise.check
    return f"practice.hint({found[1]}.question({found[2]}), {exercise.kind!r})"


def run(nb: Any) -> None:
    maker.run(nb, timeout=120)


# -- (a) the stored notebooks are those the descriptions make ---------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_the_stored_notebooks_are_made_from_the_description(lesson: Any) -> None:
    exercises_path, solutions_path = maker.paths(lesson)
    for path, solutions in ((exercises_path, False), (solutions_path, True)):
        stored = nbformat.read(path, as_version=4)
        nbformat.validate(stored)
        assert maker.sources(stored) == maker.sources(maker.notebook(lesson, solutions)), path
        # Nothing that changes from run to run: no timing, no Python version.
        assert stored.metadata == {"kernelspec": maker.KERNEL, "language_info": {"name": "python"}}
        assert not any("execution" in c.metadata for c in stored.cells)
    exercises = nbformat.read(exercises_path, as_version=4)
    solved = nbformat.read(solutions_path, as_version=4)
    # Handed out without outputs; the teacher's copy with its outputs, each check right.
    codes = [c for c in exercises.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in codes)
    assert [c.source.split("\n")[0] for c in exercise_cells(exercises)] == [
        f"answer = ...  # {e.what}" for e in lesson.exercises
    ]
    assert [c.source.split("\n")[0] for c in exercise_cells(solved)] == [
        f"answer = {e.answer}" for e in lesson.exercises
    ]
    assert all(text(c).startswith("✓ right: ") for c in exercise_cells(solved))
    assert 2 <= len(lesson.exercises) <= 4


def test_the_lessons_import_autograd_and_nn_only() -> None:
    for lesson in LESSONS:
        for cell in maker.notebook(lesson, solutions=True).cells:
            for line in cell.source.split("\n") if cell.cell_type == "code" else []:
                found = re.match(r"(?:from|import) (\w+)", line)
                assert found is None or found[1] in ("autograd", "nn"), (lesson.name, line)


# -- (b) each solutions notebook runs top to bottom, and its checks say right -------------


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_the_solutions_run_top_to_bottom_and_are_right(lesson: Any) -> None:
    nb = nbformat.read(maker.paths(lesson)[1], as_version=4)
    stored = [text(c) for c in exercise_cells(nb)]
    run(nb)  # raises CellExecutionError at the first cell that fails
    verdicts = [text(c) for c in exercise_cells(nb)]
    assert len(verdicts) == len(lesson.exercises)
    assert all(v.startswith("✓ right: ") for v in verdicts), verdicts
    assert verdicts == stored  # the outputs kept for the docs are the ones it gives


# -- (c) each exercise notebook: as handed out, then a wrong answer, then the right one ----


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_each_exercise_hints_at_its_slip_then_accepts_the_answer(lesson: Any) -> None:
    handed_out = nbformat.read(maker.paths(lesson)[0], as_version=4)
    nb = copy.deepcopy(handed_out)
    cells = [
        nbformat.v4.new_code_cell(
            "import json\n"
            "from autograd.teach import practice\n"
            "from autograd.teach.exercise import SLOPE_HINTS"
        )
    ]
    exercises = iter(lesson.exercises)
    tried: list[tuple[Any, Any, Any, Any, Any]] = []  # the exercise and its four cells
    for cell in handed_out.cells:
        if maker.TAG not in cell.metadata.get("tags", []):
            cells.append(cell)
            continue
        e = next(exercises)
        as_is = copy.deepcopy(cell)
        wrong = nbformat.v4.new_code_cell(e.source(e.slip))
        seen = f'{{"kind": _v.kind, "hint": _v.hint, "expected": {expected_hint(e)}}}'
        probe = nbformat.v4.new_code_cell(f"_v = {e.check}\nprint(json.dumps({seen}))")
        right = nbformat.v4.new_code_cell(e.source(e.answer))
        cells += [as_is, wrong, probe, right]
        tried.append((e, as_is, wrong, probe, right))
    for i, c in enumerate(cells):
        c.id = f"test-{i:02d}"
    nb.cells = cells
    run(nb)
    assert len(tried) == len(lesson.exercises)
    for e, as_is, wrong, probe, right in tried:
        # The placeholder runs, and asks for a number.
        assert text(as_is) == "… not answered yet: replace ... with your answer, a number."
        # The slip gets the hint practice (or the slope check) gives for its kind, no other.
        seen = json.loads(text(probe))
        assert (seen["kind"], seen["hint"]) == (e.kind, seen["expected"]), e.slip
        assert text(wrong) == f"✗ not quite: {seen['expected']}.", e.slip
        assert set(wrong.outputs[0].data) == {"text/plain"}  # shown as the text it prints
        # And the worked answer is accepted.
        assert text(right).startswith("✓ right: "), e.answer
