/* Tập Số browser glue. No inline script anywhere, so a strict CSP holds.
   1. htmx: the page asks the pinned CDN copy (with SRI); if it fails or is
      slow, load the same version vendored in /static.
   2. "Nghe" (listen) is static/js/listen.js.
   3. Offline: a kind message when an answer cannot reach the server, the
      print button of the handbook, and the service worker (/sw.js). */
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

  // The service worker keeps opened lessons readable offline (/sw.js, whole site).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
})();
