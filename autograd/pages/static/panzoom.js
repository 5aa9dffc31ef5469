// Pan and zoom of a widget's graph (the practice page, autograd.pages.practice_page), after
// stepper-logic.js (clampScale, fitScale). The stepper has the same behaviour in stepper.js;
// this is it as a function of its own, for any widget whose graph box holds one SVG drawing.
/* global clampScale, fitScale */
/* exported agPanZoom */

// The graph of `view` (its one <svg>) at its natural size (Graphviz's points are 4/3 CSS
// px) times a zoom; `shown(scale)` is called at every change. Drag (mouse or one finger)
// pans, a pinch or Ctrl + wheel (also what a trackpad's pinch sends) zooms; a plain wheel
// scrolls, as everywhere else. Returns { zoomTo(s, cx, cy), fit(), scale(), reveal(el) }.
function agPanZoom(view, shown) {
  "use strict";
  var svg = view.querySelector("svg"), scale = 1;
  var box = svg.viewBox.baseVal, naturalW = box.width * 4 / 3, naturalH = box.height * 4 / 3;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  // The point (cx, cy) of the window, by default the view's centre, stays where it is.
  function zoomTo(s, cx, cy) {
    s = clampScale(s);
    var r = view.getBoundingClientRect();
    if (cx === undefined) {
      cx = r.left + view.clientWidth / 2;
      cy = r.top + view.clientHeight / 2;
    }
    var x = view.scrollLeft + cx - r.left, y = view.scrollTop + cy - r.top, k = s / scale;
    scale = s;
    svg.style.width = naturalW * s + "px";
    svg.style.height = naturalH * s + "px";
    view.scrollLeft = x * k - (cx - r.left);
    view.scrollTop = y * k - (cy - r.top);
    shown(s);
  }
  function fit() {
    zoomTo(fitScale(view.clientWidth, view.clientHeight, window.innerHeight, naturalW, naturalH));
  }
  // `el` scrolled into the view, within the graph's box only (never the page).
  function reveal(el) {
    var r = el.getBoundingClientRect(), v = view.getBoundingClientRect(), m = 16;
    if (r.left < v.left + m || r.right > v.right - m) {
      view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
    }
    if (r.top < v.top + m || r.bottom > v.bottom - m) {
      view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
    }
  }

  view.addEventListener("wheel", function (ev) {
    if (!ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    zoomTo(scale * Math.exp(-ev.deltaY * 0.002), ev.clientX, ev.clientY);
  }, { passive: false });
  var pointers = {}, pinch = null, dragged = false;
  function spread() {
    var ids = Object.keys(pointers), a = pointers[ids[0]], b = pointers[ids[1]];
    return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  view.addEventListener("pointerdown", function (ev) {
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    pointers[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
    dragged = false;
    if (Object.keys(pointers).length === 2) pinch = { d: spread().d, s: scale };
  });
  view.addEventListener("pointermove", function (ev) {
    var p = pointers[ev.pointerId];
    if (!p) return;
    var dx = ev.clientX - p.x, dy = ev.clientY - p.y;
    if (pinch) {
      p.x = ev.clientX; p.y = ev.clientY;
      var now = spread();
      if (pinch.d > 0) zoomTo(pinch.s * now.d / pinch.d, now.x, now.y);
      return;
    }
    // A press that barely moves is a tap, not a drag.
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
    if (!dragged) { dragged = true; view.classList.add("dragging"); }
    view.scrollLeft -= dx;
    view.scrollTop -= dy;
    p.x = ev.clientX; p.y = ev.clientY;
  });
  function lift(ev) {
    delete pointers[ev.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    view.classList.remove("dragging");
  }
  view.addEventListener("pointerup", lift);
  view.addEventListener("pointercancel", lift);

  return { zoomTo: zoomTo, fit: fit, reveal: reveal,
           scale: function () { return scale; },
           naturalWidth: function () { return naturalW; } };
}
