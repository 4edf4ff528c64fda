/* The kiosk's "who are you" page reads a learner card's QR with the camera: frames go
   to the vendored jsQR decoder; a card of this server (its own address, or an address
   its cards print: the public one, its LAN addresses) opens its /c/<token> page here. Anything else is refused.
   Without a camera (or on plain http away from localhost, where browsers give none) the
   reader stays hidden and the typed code below it is the way in. */
(function () {
  "use strict";
  var box = document.querySelector("[data-qr-reader]");
  if (!box || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var video = box.querySelector("video");
  var foreign = box.querySelector("[data-qr-foreign]");
  var origins = box.getAttribute("data-origins").split(" ").filter(Boolean).map(function (x) {
    try { return new URL(x).origin; } catch (e) { return null; }
  });
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var done = false;

  function cardPath(text) {
    var url;
    try { url = new URL(text); } catch (e) { return null; }
    if (origins.indexOf(url.origin) < 0) return null;
    return /^\/c\/[A-Za-z0-9._~-]{1,300}$/.test(url.pathname) ? url.pathname : null;
  }
  function scan() {
    if (done) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        var path = cardPath(code.data);
        if (path) {
          done = true;
          video.srcObject.getTracks().forEach(function (t) { t.stop(); });
          window.location.assign(path);  // on this server, whatever the card's host
          return;
        }
        foreign.hidden = false;
      }
    }
    setTimeout(scan, 250);  // four looks a second are plenty, and spare a slow kiosk
  }
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false })
    .then(function (stream) {
      box.hidden = false;
      video.srcObject = stream;
      return video.play();
    })
    .then(scan)
    .catch(function () { box.hidden = true; });  // no camera: the typed code remains
  window.addEventListener("pagehide", function () {
    if (video.srcObject) video.srcObject.getTracks().forEach(function (t) { t.stop(); });
  });
})();
