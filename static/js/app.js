/* Tập Số browser glue. No inline script anywhere, so a strict CSP holds.
   1. htmx: the page asks the pinned CDN copy (with SRI); if it fails or is
      slow, load the same version vendored in /static.
   2. "Nghe" (listen) is static/js/listen.js.
   3. Offline: a kind message when an answer cannot reach the server, the
      print button of the handbook, and the service worker (/sw.js).
   4. The step: what the learner must act on stays in the viewport, on arrival
      and after every answer, hint or "show me"; the idle nudge is read aloud
      with auto-read and can be put away. */
(function () {
  "use strict";
  var me = document.currentScript;
  var localUrl = me && me.getAttribute("data-htmx-local");
  var loading = false;

  function loadLocalHtmx() {
    if (window.htmx || loading || !localUrl) return;
    loading = true;
    var s = document.createElement("script");
    s.src = localUrl;
    s.onload = function () {
      // htmx starts on DOMContentLoaded; if that has passed already, start it now.
      if (document.readyState === "interactive") document.dispatchEvent(new Event("DOMContentLoaded"));
    };
    document.head.appendChild(s);
  }

  var cdn = document.querySelector("script[data-htmx-cdn]");
  if (!cdn) {
    loadLocalHtmx();
  } else {
    cdn.addEventListener("error", loadLocalHtmx);
    cdn.addEventListener("load", function () { if (!window.htmx) loadLocalHtmx(); });
    setTimeout(function () { if (!window.htmx) loadLocalHtmx(); }, 4000);
    // A CDN that fails at once may do so before this script runs (its "error" is
    // then missed); deferred scripts are all done by DOMContentLoaded.
    document.addEventListener("DOMContentLoaded", function () { if (!window.htmx) loadLocalHtmx(); });
  }

  /* "Nghe" (read-aloud, auto-read, slower): static/js/listen.js, loaded by _listen.html. */
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });

  // Offline: an answer needs the server. Say so kindly, keep the step as it is;
  // nothing is queued or resent (the learner taps again when back online).
  document.addEventListener("htmx:sendError", function (ev) {
    var cfg = ev.detail && ev.detail.requestConfig;
    if (cfg && cfg.verb === "get") {  // a link: let the page load whole (the SW may have it)
      var link = ev.detail.elt && ev.detail.elt.closest && ev.detail.elt.closest("a[href]");
      if (link) window.location.href = link.href;
      return;
    }
    var meta = document.querySelector('meta[name="tapso-offline"]');
    var area = document.getElementById("feedback");
    if (!meta || !area) return;
    area.innerHTML = "";
    var box = document.createElement("div");
    box.className = "feedback info offline-note";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    p.className = "feedback-title";
    p.textContent = meta.getAttribute("content");
    box.appendChild(p);
    area.appendChild(box);
  });

  // Simulated keypads (VNeID passcode): a key types into the active field of its form.
  document.addEventListener("click", function (ev) {
    var key = ev.target.closest && ev.target.closest("[data-key]");
    if (!key || key.disabled) return;
    var field = key.form && key.form.querySelector('input[name="answer"]');
    if (!field) return;
    var k = key.getAttribute("data-key");
    field.value = k === "del" ? field.value.slice(0, -1) : (field.value + k).slice(0, 6);
  });

  // VNeID password checklist: tick each rule (patterns from the server) while typing.
  document.addEventListener("input", function (ev) {
    var field = ev.target;
    var rules = field.form && field.name === "answer" && field.form.querySelector("[data-live-rules]");
    if (!rules) return;
    rules.querySelectorAll("[data-rule]").forEach(function (li) {
      var met = field.value !== "" && new RegExp(li.getAttribute("data-rule")).test(field.value);
      li.className = met ? "met" : "unmet";
      var tick = li.querySelector(".vn-tick");
      if (tick) tick.textContent = met ? "✓" : "○";
    });
  });

  /* --- The step on a small screen: keep what she must act on in view --- */
  // #step[data-act] names it (the target, the field, the answer buttons, "Bước tiếp
  // theo"). Scroll as little as needed to show it below the sticky instruction bar;
  // after an answer, bring the message above the screen into view too when both fit.
  // Never back to the top of the step.
  function keepInView(answered, anchor) {
    var step = document.getElementById("step");
    var sel = step && step.getAttribute("data-act");
    var el = null;
    try { el = sel && step.querySelector(sel); } catch (e) { el = null; }
    if (!el) return;
    var bar = step.querySelector(".step-bar");
    var top = 8, bottom = window.innerHeight - 8;
    var sticky = bar && getComputedStyle(bar).position === "sticky";
    var status = sticky && answered && step.querySelector("[data-bar-status]");
    if (status) {  // room for the message hung under the bar, should it stay
      step.setAttribute("data-status", "1");
      step.classList.add("status-on");
      top += status.offsetHeight + 4;
    }
    if (sticky) top += bar.offsetHeight;
    var r = el.getBoundingClientRect();
    var least = r.bottom - bottom, most = r.top - top;  // shifts that keep el in view
    var want = 0;
    var held = anchor && step.querySelector('.device-form [name="target"][value="' +
                                            anchor.value.replace(/["\\]/g, "") + '"]');
    if (held) {
      want = held.getBoundingClientRect().top - anchor.top;  // the part she tapped stays put
    } else if (answered) {
      var help = step.querySelector(".step-help");
      if (help && help.offsetHeight) want = help.getBoundingClientRect().top - top;
    }
    // Taller than the room: its top, unless she is searching it (the tapped part stays).
    var shift = least > most ? (held ? want : most) : Math.min(Math.max(want, least), most);
    if (Math.abs(shift) > 1) window.scrollBy(0, shift);
    showStatus();
  }
  // The copy of the message under the bar: only while the message itself is out of view.
  function showStatus() {
    var step = document.getElementById("step");
    if (!step || step.getAttribute("data-status") !== "1") return;
    var real = step.querySelector("#feedback .feedback");
    var bar = step.querySelector(".step-bar");
    var r = real && real.getBoundingClientRect();
    var seen = r && r.top >= bar.getBoundingClientRect().bottom - 1 && r.bottom <= window.innerHeight;
    step.classList.toggle("status-on", !seen);
  }
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; showStatus(); });
  }, { passive: true });
  document.addEventListener("click", function (ev) {
    var status = ev.target.closest && ev.target.closest("[data-bar-status]");
    var step = status && document.getElementById("step");
    if (!step) return;
    step.setAttribute("data-status", "0");
    step.classList.remove("status-on");
  });
  var shown = null;  // which step is on the page: "key/number"
  var tapped = null;  // on a "spot the red flags" step: the part tapped, and where it was
  document.addEventListener("click", function (ev) {
    var part = ev.target.closest && ev.target.closest('#step.kind-spot .device-form [name="target"]');
    tapped = part ? { value: part.value, top: part.getBoundingClientRect().top } : null;
  }, true);
  function stepKey(step) { return step.getAttribute("data-step") + "/" + step.getAttribute("data-number"); }
  document.addEventListener("DOMContentLoaded", function () {
    var step = document.getElementById("step");
    if (!step) return;
    shown = stepKey(step);
    keepInView(false);
  });
  document.addEventListener("htmx:afterSettle", function (ev) {
    var step = document.getElementById("step");
    if (!step || ev.target !== step) return;
    var moved = stepKey(step) !== shown;  // "Bước tiếp theo": a new step from its top
    shown = stepKey(step);
    if (moved) window.scrollTo(0, 0);
    keepInView(!moved, moved ? null : tapped);
    tapped = null;
  });

  // The idle nudge: read aloud when the learner chose auto-read; "Đóng" puts it away.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var nudge = ev.target;
    if (!nudge.classList || !nudge.classList.contains("nudge")) return;
    var btn = nudge.querySelector(".listen");
    if (btn && root.classList.contains("autoread")) listen(btn, true);
  });
  document.addEventListener("click", function (ev) {
    var close = ev.target.closest && ev.target.closest("[data-close-nudge]");
    if (close) { var n = close.closest(".nudge"); if (n) n.remove(); }
  });

  // The service worker keeps opened lessons readable offline (/sw.js, whole site).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
})();
