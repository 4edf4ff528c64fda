/* The recording page: record a text with the microphone (MediaRecorder, Opus),
   listen back, record again, save. One text is recorded at a time. The saved
   file goes to lessons/audio/<lang>/<lesson>/<role>.<ext>, made for those words. */
(function () {
  "use strict";
  var list = document.querySelector("[data-recorder]");
  if (!list) return;
  var csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}"))["X-CSRFToken"] || "";
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    document.querySelector(".record-unsupported").hidden = false;
    list.querySelectorAll(".record-start").forEach(function (b) { b.disabled = true; });
    return;
  }
  var TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"];
  var type = TYPES.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0] || "";
  var current = null; // {item, recorder, stream, chunks, blob}

  function say(item, key) { item.querySelector(".record-state").textContent = list.getAttribute(key); }
  function show(item, which) {
    ["record-start", "record-stop", "record-take", "record-keep"].forEach(function (cls) {
      item.querySelector("." + cls).hidden = which.indexOf(cls) < 0;
    });
  }

  function start(item) {
    if (current && current.recorder && current.recorder.state === "recording") current.recorder.stop();
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      var take = { item: item, recorder: rec, stream: stream, chunks: [], blob: null };
      current = take;
      rec.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) take.chunks.push(e.data); });
      rec.addEventListener("stop", function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        take.blob = new Blob(take.chunks, { type: rec.mimeType || type || "audio/webm" });
        var player = item.querySelector(".record-take");
        player.src = URL.createObjectURL(take.blob);
        item.classList.remove("is-recording");
        show(item, ["record-start", "record-take", "record-keep"]);
        say(item, "data-listen-back");
        item.querySelector(".record-keep").focus();
      });
      rec.start();
      item.classList.add("is-recording");
      show(item, ["record-stop"]);
      say(item, "data-recording");
      item.querySelector(".record-stop").focus();
    }, function () { say(item, "data-no-mic"); });
  }

  function keep(item) {
    if (!current || current.item !== item || !current.blob) return;
    var button = item.querySelector(".record-keep");
    button.disabled = true;
    say(item, "data-saving");
    fetch(item.getAttribute("data-save"), {
      method: "POST", body: current.blob, credentials: "same-origin",
      headers: { "Content-Type": current.blob.type.split(";")[0] || "audio/webm", "X-CSRFToken": csrf }
    }).then(function (r) { return r.json().catch(function () { return { ok: false }; }); })
      .then(function (answer) {
        button.disabled = false;
        if (!answer.ok) { item.querySelector(".record-state").textContent = answer.message || list.getAttribute("data-failed"); return; }
        var saved = item.querySelector(".record-saved");
        saved.src = answer.url + "?v=" + Date.now();
        saved.hidden = false;
        item.className = "record-item state-recorded";
        item.querySelector(".record-state").textContent = answer.message;
        show(item, ["record-start"]);
        item.querySelector(".record-take").removeAttribute("src");
        item.querySelector(".record-start").lastChild.textContent = " " + list.getAttribute("data-again");
        current = null;
      }, function () { button.disabled = false; say(item, "data-failed"); });
  }

  list.addEventListener("click", function (ev) {
    var item = ev.target.closest(".record-item");
    if (!item) return;
    if (ev.target.closest(".record-start")) start(item);
    else if (ev.target.closest(".record-stop") && current && current.item === item) current.recorder.stop();
    else if (ev.target.closest(".record-keep")) keep(item);
  });
})();
