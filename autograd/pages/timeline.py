"""The training timeline: one self-contained page to scrub through a net's training.

`nn.Recorder` keeps a net at chosen sweeps (keyframes) and hands this module its
recording as plain data (`nn.Recorder.data`): the error of every sweep, the units (in
the paper's numbering), and per keyframe the weights, their gradients, each unit's
output per case, the health figures and, for a few cases, the backward pass in the
unit view (`autograd.explain(..., view="neurons")`, computed in Python). So this layer
needs nothing from ``nn``.

The page (markup, style and script in ``static/timeline.*``, inlined by
`autograd.pages.assets`) has a slider and Play over the keyframes, the error curve with
the current sweep marked, each layer's weights and gradients as Hinton diagrams (white
positive, black negative, area ∝ |w|, the 1986 paper's figure style), the units' outputs
per case, for a net of two inputs and one output the decision boundary (drawn by the
script from the frame's weights: nothing to store per keyframe, and the same drawing
serves frames added live by the element's ``agAddFrame``), the chosen case's backward
pass, and the health figures. Every id carries a prefix of its own, its style is scoped
to its own element, and its keys act only while it has the focus or the pointer, so
several timelines live on one page or notebook, as steppers do (`autograd.pages.stepper`).
"""

from __future__ import annotations

import html
import math
import os
from typing import Any

from autograd.core.files import write_atomically
from autograd.pages.assets import PREFIX, asset, fill, html_page, new_prefix, widget_scripts

__all__ = ["Timeline", "timeline_fragment", "timeline_html", "write_timeline"]

SCRIPTS = ("stepper-logic.js", "player.js", "timeline-logic.js", "timeline.js")
_KEYS = ("title", "loss", "errors", "inputs", "units", "names", "cases", "targets", "frames")


def _short(x: float, digits: int) -> float:
    """``x`` to ``digits`` significant digits: what a drawing needs, in fewer characters."""
    return float(f"{x:.{digits}g}") if math.isfinite(x) else x


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """The data the page draws from, its numbers cut to what the drawings show: weights
    and gradients to 4 digits, outputs to 3. The errors keep every digit (the page prints
    them as training printed them), and the backward pass is text already."""
    missing = [k for k in _KEYS if k not in data]
    if missing:
        raise ValueError(f"timeline: the recording lacks {', '.join(missing)}")
    if not data["frames"]:
        raise ValueError("timeline: the recording has no keyframe")
    frames = []
    for f in data["frames"]:
        g = dict(f)
        g["w"] = [_short(v, 4) for v in f["w"]]
        g["g"] = [_short(v, 4) for v in f["g"]]
        if f.get("y") is not None:
            g["y"] = [[_short(v, 3) for v in row] for row in f["y"]]
        frames.append(g)
    return {**data, "frames": frames}


def timeline_fragment(data: dict[str, Any], *, page: bool = False) -> str:
    """The timeline of a recording (`nn.Recorder.data`) as an HTML fragment, to put into
    any page or notebook; ``page`` makes it a page's whole body (`timeline_html`)."""
    data = _compact(data)
    prefix = new_prefix()
    title = str(data.get("title") or "")
    label = f"Training timeline{': ' + title if title else ''}"
    return (
        fill(
            "timeline.html",
            "timeline",
            page_class=" ag-page" if page else "",
            prefix=prefix,
            label=html.escape(label, quote=True),
            css=asset("timeline.css"),
            titled=fill("widget.html", "titled", title=html.escape(title)) if title else "",
            last=len(data["frames"]) - 1,
            scripts=widget_scripts(prefix, data, SCRIPTS, "agTimeline"),
        )
        + "\n"
    )


def timeline_html(data: dict[str, Any], *more: dict[str, Any]) -> str:
    """The timeline as a page of its own, as a string; the timelines of ``more``
    recordings follow it on the same page."""
    title = str(data.get("title") or "") or "training timeline"
    if not more:
        return html_page(title, timeline_fragment(data, page=True), "ag-timeline-page")
    body = "\n".join(timeline_fragment(d) for d in (data, *more))
    return html_page(title, fill("timeline.html", "several", body=body), "ag-timeline-page")


def write_timeline(
    path: str | os.PathLike[str], data: dict[str, Any], *more: dict[str, Any]
) -> None:
    """Write the timeline page to ``path`` atomically: one file that opens from ``file://``
    (with ``more`` recordings, one timeline after another)."""
    write_atomically(path, timeline_html(data, *more).encode("utf-8"))


class Timeline:
    """The timeline of a recording (and of ``more``, one after another) as an object Jupyter
    shows inline (`_repr_html_`); ``.html`` is the fragment, ``.save(path)`` writes a page."""

    def __init__(self, data: dict[str, Any], *more: dict[str, Any]) -> None:
        self.data, self.more = data, more
        self.html = "\n".join(timeline_fragment(d) for d in (data, *more))
        self._prefixes = list(dict.fromkeys(PREFIX.findall(self.html)))

    def _repr_html_(self) -> str:
        # Shown twice in a notebook, it must be two widgets, each with ids of its own.
        out = self.html
        for prefix in self._prefixes:
            out = out.replace(prefix, new_prefix())
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the timeline as a page of its own (as `write_timeline`)."""
        write_timeline(path, self.data, *self.more)

    def __repr__(self) -> str:
        frames = self.data["frames"]
        return (
            f"<Timeline of {len(self.data['errors'])} sweeps, {len(frames)} keyframes "
            f"(sweeps {frames[0]['sweep']} to {frames[-1]['sweep']})>"
        )
