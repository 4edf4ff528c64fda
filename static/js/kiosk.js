/* Kiosk mode: after data-idle seconds without a touch, ask "Bác còn đang học không?";
   with no tap within data-ask seconds, post the end form (the server forgets who was
   here and shows the start screen). Progress is saved with every answer already.
   The server checks the same limit itself, so touches (at most one a minute) and
   "Còn, tôi đang học" tell it the learner is still here (GET /kiosk/here). */
(function () {
  "use strict";
  var box = document.getElementById("kiosk-idle");
  if (!box) return;
  var idle = parseInt(box.getAttribute("data-idle"), 10) * 1000;
  var ask = parseInt(box.getAttribute("data-ask"), 10) * 1000;
  var form = box.querySelector("[data-kiosk-end]");
  var onStart = document.querySelector("[data-kiosk-start]");
  var idleTimer = null, endTimer = null, lastPing = Date.now();

  function stillHere(force) {
    if (onStart || (!force && Date.now() - lastPing < 60000)) return;
    lastPing = Date.now();
    fetch("/kiosk/here", { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }

  function end() { form.submit(); }
  function showQuestion() {
    box.hidden = false;
    endTimer = setTimeout(end, ask);
  }
  function reset() {
    if (!box.hidden) return; // while asking, only the button answers
    clearTimeout(idleTimer);
    if (!onStart) idleTimer = setTimeout(showQuestion, idle);
    stillHere(false);
  }
  box.querySelector("[data-still-here]").addEventListener("click", function () {
    clearTimeout(endTimer);
    box.hidden = true;
    stillHere(true);
    reset();
  });
  ["pointerdown", "keydown", "touchstart", "scroll", "input"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true, capture: true });
  });
  reset();
})();
