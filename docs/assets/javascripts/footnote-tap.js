/* On touch (a finger, not a mouse: the pointer that pressed says so; or a screen without hover),
   the first tap on a footnote marker shows its reference in place (Material's footnote tooltip,
   which opens on focus) instead of jumping to the end of the page; a second tap on the same
   marker follows it. Mouse and keyboard are left as they are. */
(function () {
  var noHover = window.matchMedia("(hover: none)");
  var lastPointer = "";
  window.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);
  // On the window, capturing: before Material's own click handling (instant navigation) sees it.
  window.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a.footnote-ref") : null;
    if (!link || !(lastPointer === "touch" || noHover.matches)) return;
    if (document.activeElement === link && link.dataset.tapped === "1") {
      link.dataset.tapped = "";
      return; // second tap: go to the footnote
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    document.querySelectorAll("a.footnote-ref[data-tapped]").forEach(function (a) { a.dataset.tapped = ""; });
    link.dataset.tapped = "1";
    link.focus();
  }, true);
})();
