// Play and Pause on a widget's button (the stepper's, the timeline's): while playing, every
// ``ms`` milliseconds ``next()`` moves one on, until ``atEnd()``; Play at the end first
// calls ``rewind()``. ``stop()`` is for the widget's other controls, which stop it.
/* exported agPlayer */

function agPlayer(button, ms, atEnd, rewind, next) {
  "use strict";
  var timer = null;
  function stop() {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    button.textContent = "\u25B6 Play";
    button.setAttribute("aria-pressed", "false");
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (atEnd()) rewind();
    timer = setInterval(function () { if (atEnd()) stop(); else next(); }, ms);
    button.textContent = "\u275A\u275A Pause";
    button.setAttribute("aria-pressed", "true");
  }
  button.addEventListener("click", toggle);
  return { stop: stop };
}
