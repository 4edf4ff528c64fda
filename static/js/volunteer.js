/* Volunteer pages.
   - The lesson picker: typing filters the lessons of every topic (and opens the topics
     that still have a match).
   - The live board: says so when the server cannot be reached (the rows may be old). */
(function () {
  "use strict";
  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }
  document.addEventListener("input", function (ev) {
    var box = ev.target;
    if (!box.matches || !box.matches("[data-lesson-filter]")) return;
    var want = fold(box.value.trim());
    var pick = box.closest("[data-lesson-pick]");
    pick.querySelectorAll("details").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("label[data-title]").forEach(function (label) {
        var match = !want || fold(label.getAttribute("data-title")).indexOf(want) >= 0;
        label.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0;
      if (want && shown) group.open = true;
    });
  });
  function boardOffline(on) {
    var note = document.querySelector("[data-board-offline]");
    if (note) note.hidden = !on;
  }
  document.addEventListener("htmx:sendError", function () { boardOffline(true); });
  document.addEventListener("htmx:afterSwap", function () { boardOffline(false); });
})();
