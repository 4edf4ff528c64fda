/* "Nghe" (listen): every text a learner can hear, from the best source there is.
   Each button (_listen.html) carries its text as parts (a caller's lines are
   several); each part is played from, in order:
     1. the volunteer's recording made for exactly those words (data "recorded"),
     2. the device's own voice for the page language (Android usually has one),
     3. the server's voice (espeak-ng, data "voice"; works offline, no voices needed),
   and when none can play, .listen-note says so plainly. The "slower" setting
   (class "slow" on <html>) slows all three; a button played once says "Nghe lại".
   Auto-read (class "autoread") plays each new step's instruction once; nothing
   plays over a call's ringing without a tap; when the learner answers a call
   (or a lesson opens on a call in progress), the caller's lines are played.
   _listen.html includes this script with every button: it sets itself up once. */
(function () {
  "use strict";
  if (window.tapsoListen) return;
  var root = document.documentElement;
  var lang = (root.lang || "vi").toLowerCase().slice(0, 2);
  var speech = "speechSynthesis" in window ? window.speechSynthesis : null;
  var voicesReady = null;
  var playing = null; // {btn, audio, stopped}

  function slow() { return root.classList.contains("slow"); }

  // Voices arrive late in Chromium: ask, and wait for "voiceschanged" (or give up
  // after a moment: some devices never have any, and never fire the event).
  function voices() {
    if (!speech) return Promise.resolve([]);
    var now = speech.getVoices() || [];
    if (now.length) return Promise.resolve(now);
    if (!voicesReady) {
      voicesReady = new Promise(function (resolve) {
        var done = function () { resolve(speech.getVoices() || []); };
        speech.addEventListener("voiceschanged", done, { once: true });
        setTimeout(done, 1200);
      });
    }
    return voicesReady;
  }
  function deviceVoice(list) {
    for (var i = 0; i < list.length; i++) {
      if ((list[i].lang || "").toLowerCase().replace("_", "-").indexOf(lang) === 0) return list[i];
    }
    return null;
  }

  function note(btn, text) {
    var slot = btn.parentNode && btn.parentNode.querySelector(".listen-note");
    if (slot) slot.textContent = text || "";
  }
  function parts(btn) {
    try { return JSON.parse(btn.getAttribute("data-parts") || "[]"); }
    catch (e) { return [{ say: btn.getAttribute("data-say") || "" }]; }
  }

  function stop() {
    if (!playing) return;
    playing.stopped = true;
    if (playing.audio) playing.audio.pause();
    if (speech) speech.cancel();
    playing = null;
  }

  // One file: resolves when it ended, rejects with the reason it could not play.
  function playFile(run, url, rate) {
    return new Promise(function (resolve, reject) {
      var a = new Audio(url);
      a.playbackRate = rate;
      run.audio = a;
      a.addEventListener("ended", function () { resolve(); });
      a.addEventListener("error", function () { reject(new Error("no-file")); });
      var started = a.play();
      if (started && started.catch) started.catch(reject);
    });
  }
  function playVoice(run, voice, text) {
    return new Promise(function (resolve, reject) {
      var u = new SpeechSynthesisUtterance(text);
      u.lang = voice.lang;
      u.voice = voice;
      u.rate = slow() ? 0.7 : 0.95;
      u.onend = function () { resolve(); };
      u.onerror = function (e) {
        var why = e && e.error;
        if (why === "interrupted" || why === "canceled") resolve();
        else reject(why === "not-allowed" ? { name: "NotAllowedError" } : new Error(why || "voice"));
      };
      speech.speak(u);
    });
  }

  // The chain for one part: recording, device voice, server voice.
  function playPart(run, part, voice) {
    var tries = [];
    if (part.recorded) tries.push(["recorded", function () { return playFile(run, part.recorded, slow() ? 0.85 : 1); }]);
    if (voice) tries.push(["device", function () { return playVoice(run, voice, part.say); }]);
    if (part.voice) tries.push(["server", function () {
      return playFile(run, part.voice + (slow() ? "?speed=slow" : ""), 1);
    }]);
    var i = 0;
    function next(err) {
      if (run.stopped) return Promise.resolve();
      if (err && err.name === "NotAllowedError") return Promise.reject(err); // needs a tap first
      if (i >= tries.length) return Promise.reject(err || new Error("none"));
      var t = tries[i++];
      run.btn.setAttribute("data-playing", t[0]);
      return t[1]().catch(next);
    }
    return next(null);
  }

  function listen(btn, auto) {
    stop();
    note(btn, "");
    var run = { btn: btn, audio: null, stopped: false };
    playing = run;
    btn.setAttribute("data-rate", slow() ? "slow" : "normal");
    return voices().then(function (list) {
      var voice = deviceVoice(list);
      var list2 = parts(btn);
      var chain = Promise.resolve();
      list2.forEach(function (part) {
        chain = chain.then(function () { return playPart(run, part, voice); });
      });
      return chain.then(function () {
        if (!run.stopped) btn.setAttribute("data-played", "1");
      }, function (err) {
        if (run.stopped) return;
        btn.setAttribute("data-playing", "none");
        if (err && err.name === "NotAllowedError") { if (!auto) note(btn, btn.getAttribute("data-no-audio")); }
        else note(btn, btn.getAttribute("data-no-voice"));
      });
    }).then(function () {
      var label = btn.querySelector(".listen-label");
      if (label && btn.getAttribute("data-again")) label.textContent = btn.getAttribute("data-again");
      if (playing === run) playing = null;
    });
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("button.listen[data-parts]");
    if (btn) listen(btn, false);
  });

  // Auto-read and the caller's lines, once per new step (not after every answer).
  var lastRead = null;
  var lastCall = null; // the call's state on the last step seen: "ringing", "talking"...
  function onNewContent() {
    var step = document.getElementById("step");
    if (!step) return;
    var call = step.querySelector(".call");
    var callState = call ? (call.className.match(/call-(ringing|talking|ended)/) || [])[1] : null;
    // The call was just answered (or the lesson opens on a call already talking).
    var answered = callState === "talking" && lastCall !== "talking";
    lastCall = callState;
    var key = step.getAttribute("data-step") + "/" + step.getAttribute("data-number");
    if (key === lastRead) return;
    lastRead = key;
    var caller = step.querySelector(".listen-call .listen");
    if (answered && caller) { listen(caller, true); return; }  // hearing the pressure is the lesson
    if (callState === "ringing") return;  // nothing over the ringing without a tap
    if (!root.classList.contains("autoread")) return;
    var btn = step.querySelector(".listen-step .listen");
    if (btn) listen(btn, true);
  }
  document.addEventListener("DOMContentLoaded", onNewContent);
  document.addEventListener("htmx:afterSettle", onNewContent);
  document.addEventListener("htmx:beforeSwap", stop);
  if (document.readyState !== "loading") onNewContent();

  window.tapsoListen = { listen: listen, stop: stop };
})();
