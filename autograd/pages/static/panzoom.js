// Pan and zoom of a widget's graph (the stepper and the practice page), after
// stepper-logic.js (clampScale, fitScale), for any widget whose graph box holds one SVG drawing.
/* global clampScale, fitScale */
/* exported agPanZoom */

// The graph of `view` (its one <svg>) at its natural size (Graphviz's points are 4/3 CSS
// px) times a zoom; `shown(scale)` is called at every change. Drag (mouse or one finger)
// pans, a pinch or Ctrl + wheel (also what a trackpad's pinch sends) zooms; a plain wheel
// scrolls, as everywhere else. Returns { zoomTo(s, cx, cy), fit(), fitScale(), scale(),
// naturalWidth(), reveal(el, around), dragged() }.
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
  function fitting() {
    return fitScale(view.clientWidth, view.clientHeight, window.innerHeight, naturalW, naturalH);
  }
  function fit() { zoomTo(fitting()); }
  // `el` scrolled into the view, within the graph's box only (never the page): with the
  // elements `around` it when they all fit, else `el` alone.
  function reveal(el, around) {
    if (!el) return;
    var r = el.getBoundingClientRect(), v = view.getBoundingClientRect(), m = 16, u = r;
    (around || []).forEach(function (e) {
      var b = e.getBoundingClientRect();
      u = { left: Math.min(u.left, b.left), right: Math.max(u.right, b.right),
            top: Math.min(u.top, b.top), bottom: Math.max(u.bottom, b.bottom) };
    });
    if (u.right - u.left <= v.width - 2 * m && u.bottom - u.top <= v.height - 2 * m) r = u;
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
      dragged = true;
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

  // Whether the pointer went down for a drag or a pinch (not a tap), since the last call:
  // the click it ends with is no click on a node.
  function wasDragged() {
    var was = dragged;
    dragged = false;
    return was;
  }

  return { zoomTo: zoomTo, fit: fit, fitScale: fitting, reveal: reveal, dragged: wasDragged,
           scale: function () { return scale; },
           naturalWidth: function () { return naturalW; } };
}
