/* Presenter mode.
   - Clickers: → Space PageDown: next step (at the last step: the next lesson of the
     class); ← PageUp: previous. Clicks the buttons, so htmx (or a plain form post) does the rest.
   - Fit: the simulated screen is scaled to the space beside the words, and a long step's
     words shrink a little (no scrolling).
   - Sync: every presenter window asks the server what is shown; another window's click
     (or one this window missed) redraws it.
   - Offline: a banner says when the server cannot be reached, and goes when it is back. */
(function () {
  "use strict";
  var NEXT = ["ArrowRight", " ", "Spacebar", "PageDown"];
  var PREV = ["ArrowLeft", "PageUp"];
  var POLL_MS = 2000;

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

  function fitWords() {
    var text = document.querySelector(".stage-text");
    if (!text) return;
    var shrink = 1;
    text.style.setProperty("--shrink", "1");
    while (text.scrollHeight > text.clientHeight + 1 && shrink > 0.6) {
      shrink -= 0.05;
      text.style.setProperty("--shrink", shrink.toFixed(2));
    }
  }

  function fit() {
    fitWords();
    var zoom = document.querySelector("[data-fit]");
    if (!zoom) return;
    var box = zoom.parentElement;
    zoom.style.zoom = 1;
    var w = zoom.scrollWidth, h = zoom.scrollHeight;
    var room = box.getBoundingClientRect();
    var scale = Math.min(room.width / w, room.height / h, 2.2);
    zoom.style.zoom = scale > 0 ? scale.toFixed(3) : 1;
  }

  function offline(on) {
    var note = document.getElementById("presenter-offline");
    if (note) note.hidden = !on;
  }

  function stage() { return document.getElementById("stage"); }

  function redraw() {
    var url = document.body.getAttribute("data-stage-url");
    if (window.htmx && url) window.htmx.ajax("GET", url, { target: "#stage", swap: "outerHTML" });
  }

  function poll() {
    var url = document.body.getAttribute("data-version-url");
    if (!url) return;
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (version) {
      offline(false);
      var s = stage();
      if (s && version && s.getAttribute("data-version") !== version) redraw();
    }).catch(function () { offline(true); });
  }

  document.addEventListener("htmx:sendError", function () { offline(true); });
  function fitSoon() { fit(); setTimeout(fit, 250); }  // again once images and fonts settle
  document.addEventListener("htmx:afterSwap", function () { offline(false); fitSoon(); });
  window.addEventListener("resize", fit);
  window.addEventListener("load", fitSoon);
  document.addEventListener("DOMContentLoaded", function () {
    fitSoon();
    if (document.body.getAttribute("data-version-url")) setInterval(poll, POLL_MS);
  });
})();
