/* Authors' pages: the editor's line numbers and "go to the line of this problem", and the
   file list's filter. Everything works without it (the filter falls back to ?q=). */
(function () {
  "use strict";

  function gutter(text, pre) {
    var count = text.value.split("\n").length, numbers = [];
    for (var i = 1; i <= count; i++) numbers.push(i);
    pre.textContent = numbers.join("\n") + "\n";
    pre.scrollTop = text.scrollTop;
  }

  function goToLine(text, line) {
    var lines = text.value.split("\n"), start = 0;
    line = Math.max(1, Math.min(line, lines.length));
    for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
    text.focus();
    text.setSelectionRange(start, start + lines[line - 1].length);
    var height = text.scrollHeight / lines.length;
    text.scrollTop = Math.max(0, (line - 3) * height);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("editor-text");
    var pre = document.querySelector(".editor-gutter");
    if (text && pre) {
      text.addEventListener("input", function () { gutter(text, pre); });
      text.addEventListener("scroll", function () { pre.scrollTop = text.scrollTop; });
      gutter(text, pre);
      document.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest("[data-line]") : null;
        if (!link) return;
        event.preventDefault();
        goToLine(text, parseInt(link.getAttribute("data-line"), 10));
      });
    }
    var filter = document.querySelector("[data-filter]");
    if (filter) {
      var items = document.querySelectorAll(filter.getAttribute("data-filter"));
      filter.addEventListener("input", function () {
        var q = filter.value.trim().toLowerCase();
        items.forEach(function (item) {
          item.hidden = q !== "" && item.getAttribute("data-file").toLowerCase().indexOf(q) < 0;
        });
      });
    }
  });
})();
