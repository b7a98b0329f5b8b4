// The timetable editor: drag a lesson onto another slot, or select it and move it with the
// arrow keys (← → day, ↑ ↓ hour). Each move is posted like the lesson's own "Déplacer"
// form (which works without JavaScript); the server checks it and answers with the week,
// or with the week and the reasons it refused.
(function () {
  "use strict";
  function post(lesson, day, period) {
    var url = lesson.getAttribute("data-move");
    var values = { day: day, period: period };
    values[lesson.getAttribute("data-field")] = lesson.getAttribute("data-field-id");
    htmx.ajax("POST", url, { target: "#week", swap: "outerHTML", values: values }).then(function () {
      var again = document.querySelector('[data-testid="' + lesson.getAttribute("data-testid") + '"]');
      if (again && again.hasAttribute("data-move")) again.focus();
    });
  }
  var dragged = null;
  document.addEventListener("dragstart", function (e) {
    var l = e.target.closest && e.target.closest(".lesson[data-move]");
    if (!l) return;
    dragged = l;
    l.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", l.getAttribute("data-move"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  document.addEventListener("dragover", function (e) {
    var cell = dragged && e.target.closest && e.target.closest(".editable td.slot");
    if (!cell) return;
    e.preventDefault();
    document.querySelectorAll(".drop-target").forEach(function (c) { if (c !== cell) c.classList.remove("drop-target"); });
    cell.classList.add("drop-target");
  });
  document.addEventListener("drop", function (e) {
    var cell = dragged && e.target.closest && e.target.closest(".editable td.slot");
    if (!cell) return;
    e.preventDefault();
    var l = dragged;
    dragged = null;
    post(l, cell.getAttribute("data-day"), cell.getAttribute("data-period"));
  });
  document.addEventListener("keydown", function (e) {
    var l = e.target.closest && e.target.closest(".lesson[data-move]");
    if (!l || e.target !== l) return;
    var day = parseInt(l.getAttribute("data-day"), 10);
    var ordinals = Array.prototype.map.call(document.querySelectorAll("#week tbody tr"), function (tr) {
      var td = tr.querySelector("td.slot");
      return td ? td.getAttribute("data-period") : null;
    });
    var period = l.getAttribute("data-period");
    var i = ordinals.indexOf(period);
    if (e.key === "ArrowLeft" && day > 0) day -= 1;
    else if (e.key === "ArrowRight" && day < 5) day += 1;
    else if (e.key === "ArrowUp" && i > 0) period = ordinals[i - 1];
    else if (e.key === "ArrowDown" && i >= 0 && i < ordinals.length - 1) period = ordinals[i + 1];
    else return;
    if (period === null) return;
    e.preventDefault();
    post(l, day, period);
  });
  // The view pickers: choosing a class clears the teacher and the room, and so on.
  document.addEventListener("change", function (e) {
    var s = e.target;
    if (!s.closest || !s.closest("form.pickers")) return;
    s.closest("form.pickers").querySelectorAll("select").forEach(function (o) { if (o !== s) o.value = ""; });
  }, true);
})();
