"""The docs' picture of the training timeline (`nn.Recorder`, `autograd.pages.timeline`).

* docs/images/timeline_symmetry.png (`symmetry_shot`): the mirror-symmetry net (seed 1, the
  demo's settings) at the first keyframe where its input → hidden weights have formed the
  paper's pattern: mirror pairs equal and opposite, their sizes within 25 % of 1 : 2 : 4
  (`demos.symmetry.structure`), in a 1366-wide window.
* docs/images/timeline_family_trees.png (`family_trees_shot`): family trees (seed 1, the
  demo's recipe) at its last sweep: the error curve and the Hinton diagrams of the first
  layers, where the person-encoding units' weights are the paper's Fig. 4.

Made by ``make figures`` (`tools.figures`); needs Chromium on PATH (`tools.browser`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nn
from demos import family_trees, symmetry
from tools.browser import chromium

WIDTH, HEIGHT = 1366, 900  # a laptop's width; tall enough for the curve, weights and units


def formed(rec: nn.Recorder) -> int:
    """The index of the first keyframe whose weights show the paper's 1 : 2 : 4 structure."""
    model = symmetry.build(symmetry.DEFAULT_SEED)
    for k, frame in enumerate(rec.frames):
        for p, w in zip(model.parameters(), frame.weights):
            p.data = w
        found = symmetry.structure(model)
        if found.mirror_antisymmetric and found.one_two_four:
            return k
    raise ValueError("the symmetry run never formed the 1 : 2 : 4 weights")


def symmetry_at_formation() -> tuple[nn.Recorder, int]:
    rec = nn.Recorder(title=f"mirror symmetry, 6-2-1 (seed {symmetry.DEFAULT_SEED})")
    symmetry.train(symmetry.DEFAULT_SEED, symmetry.DEFAULT_MAX_SWEEPS, record=rec)
    return rec, formed(rec)


def shoot(rec: nn.Recorder, k: int, out: Path) -> None:
    """``rec``'s timeline page at its keyframe ``k`` (an index), screenshot to ``out``."""
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        page_path = Path(tmp) / "timeline.html"
        rec.write(page_path)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.goto(page_path.as_uri())
        page.eval_on_selector(
            ".ag-slider",
            "(s, k) => { s.value = String(k); s.dispatchEvent(new Event('input')); }",
            k,
        )
        page.screenshot(path=str(out))


def symmetry_shot(out: Path) -> str:
    """The symmetry timeline to ``out`` at the sweep the 1 : 2 : 4 weights form; returns it."""
    rec, k = symmetry_at_formation()
    shoot(rec, k, out)
    return f"sweep {rec.frames[k].sweep} of {len(rec.errors)}"


def family_trees_shot(out: Path) -> str:
    """The family-trees timeline to ``out`` at its last sweep; returns which sweep it is."""
    seed = family_trees.DEFAULT_SEED
    rec = nn.Recorder(title=f"family trees, 24+12-6+6-12-6-24 (seed {seed})")
    family_trees.train(seed, record=rec)
    shoot(rec, len(rec.frames) - 1, out)
    return f"sweep {rec.frames[-1].sweep} of {len(rec.errors)}"


if __name__ == "__main__":
    print(symmetry_shot(Path("timeline_symmetry.png")))
    print(family_trees_shot(Path("timeline_family_trees.png")))
