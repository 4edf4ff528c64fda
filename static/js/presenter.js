/* Presenter mode: what presentation clickers send. → Space PageDown: next step;
   ← PageUp: previous. Clicks the buttons, so htmx (or a plain form post) does the rest. */
(function () {
  "use strict";
  var NEXT = ["ArrowRight", " ", "Spacebar", "PageDown"];
  var PREV = ["ArrowLeft", "PageUp"];
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
    var which = NEXT.indexOf(ev.key) >= 0 ? "[data-key-next]" : PREV.indexOf(ev.key) >= 0 ? "[data-key-prev]" : null;
    if (!which) return;
    ev.preventDefault();
    var btn = document.querySelector(which);
    if (btn && !btn.disabled) btn.click();
  });
})();
