/* Tập Số browser glue. No inline script anywhere, so a strict CSP holds.
   1. htmx: the page asks the pinned CDN copy (with SRI); if it fails or is
      slow, load the same version vendored in /static.
   2. "Nghe" (listen): play the author's recording, else the device's
      Vietnamese voice, else say plainly that there is none. */
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
  }

  var lang = (document.documentElement.lang || "vi").toLowerCase();
  function voiceFor(code) {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(code) === 0) return voices[i];
    }
    return null;
  }
  var audio = null;
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-say]");
    if (!btn) return;
    if (audio) { audio.pause(); audio = null; }
    if (btn.getAttribute("data-audio")) {
      audio = new Audio(btn.getAttribute("data-audio"));
      audio.play();
      btn.setAttribute("data-playing", "audio");
      return;
    }
    var voice = voiceFor(lang.slice(0, 2));
    if (!voice) {
      btn.textContent = btn.getAttribute("data-no-voice");
      btn.setAttribute("data-playing", "none");
      return;
    }
    window.speechSynthesis.cancel();
    var u = new SpeechSynthesisUtterance(btn.getAttribute("data-say"));
    u.lang = voice.lang;
    u.voice = voice;
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
    btn.setAttribute("data-playing", "voice");
  });
})();
