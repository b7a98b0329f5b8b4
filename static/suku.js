// Suku: the little JavaScript the portal needs on top of htmx. Pages work without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // Show server messages for validation errors and failures instead of swallowing them.
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "422", swap: true },
        { code: "[45]..", swap: true, error: true },
      ];
      htmx.config.historyCacheSize = 5;
    }
  });
  // Mark entry: Enter (or ↓) goes to the next student, Shift+Enter (or ↑) to the previous;
  // pasting a column from a spreadsheet fills the cells below, one line each.
  function markInputs(from) {
    var grid = from.closest("[data-mark-grid]");
    return grid ? Array.prototype.slice.call(grid.querySelectorAll("input.mark:not([disabled])")) : [];
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input.mark")) return;
    var list = markInputs(t), i = list.indexOf(t), step = 0;
    if (e.key === "Enter" || e.key === "ArrowDown") step = e.shiftKey ? -1 : 1;
    if (e.key === "ArrowUp") step = -1;
    if (!step) return;
    e.preventDefault();
    t.dispatchEvent(new Event("change", { bubbles: true }));
    var next = list[i + step];
    if (next) { next.focus(); next.select(); }
  });
  document.addEventListener("paste", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input.mark")) return;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    var lines = text.replace(/\r/g, "").split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    if (lines.length < 2) return;
    e.preventDefault();
    var list = markInputs(t), i = list.indexOf(t);
    lines.forEach(function (line, k) {
      var input = list[i + k];
      if (!input) return;
      input.value = line.split("\t")[0].trim();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
  // Irreversible or disruptive actions ask first (forms carry data-confirm, a translated text).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }
})();
