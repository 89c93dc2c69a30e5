/* Public booking pages: small enhancements over pages that work without JavaScript. */
(function () {
  "use strict";
  var framed = window.parent !== window;

  // Inside an owner's iframe: no full-screen minimum height, and tell the host page our height
  // (static/embed.js listens) so the frame grows with the content and never scrolls inside.
  if (framed) {
    document.documentElement.classList.add("framed");
    var lastHeight = 0;
    var report = function () {
      var frame = document.getElementById("page-frame");
      var height = Math.ceil((frame || document.body).getBoundingClientRect().height);
      if (height !== lastHeight) {
        lastHeight = height;
        window.parent.postMessage({ type: "flowkey:height", height: height }, "*");
      }
    };
    document.addEventListener("DOMContentLoaded", function () {
      report();
      if (window.ResizeObserver) new ResizeObserver(report).observe(document.getElementById("page-frame") || document.body);
      // Each page is a step (the form, the confirmation...): on a phone the host page may be
      // scrolled far down from the frame's top, so ask it to bring the top into view. embed.js
      // leaves the first page alone (the visitor is reading the host page) and acts on the rest.
      window.parent.postMessage({ type: "flowkey:scroll-top" }, "*");
    });
    window.addEventListener("load", report);
  }

  // A form sent back with mistakes: its error summary takes the focus, as autofocus would where
  // the browser ignores it (a framed page), so the first thing read is what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary && document.activeElement !== summary) summary.focus();
  });

  // The zone search: the down arrow goes from the box to the first zone it found.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" || !event.target || event.target.id !== "zone") return;
    var first = document.querySelector("#zone-matches a");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });

  // After a swap, move focus to what changed (the month, or the chosen day's times).
  var focusTarget = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    focusTarget = source && source.getAttribute ? source.getAttribute("data-focus-after") : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var status = document.getElementById("picker-status");
    var heading = document.getElementById("slots-heading");
    // The swap replaced the picker: say what it now shows, from a live region outside it, in the
    // page's language (the heading carries the sentence, translated by the template).
    if (status && heading && event.detail.target.id === "picker") status.textContent = heading.getAttribute("data-announce") || heading.textContent;
    if (!focusTarget) return;
    var target = document.getElementById(focusTarget);
    var chosenDay = focusTarget === "slots-heading";
    focusTarget = null;
    if (!target) return;
    target.focus({ preventScroll: true });
    // A phone shows the times below the month: bring the chosen day's first times into view.
    var first = document.querySelector("#slots li") || target;
    var box = first.getBoundingClientRect();
    if (chosenDay && (box.bottom > window.innerHeight || box.top < 0)) document.getElementById("slots").scrollIntoView({ block: "start" });
    else if (!chosenDay) target.scrollIntoView({ block: "nearest" });
  });

  // A swap pushed a new address (another month, day or zone): the language links follow it, so
  // switching language keeps what the client is looking at.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var links = document.querySelectorAll("#language-switcher a[data-lang]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(window.location.href);
      url.searchParams.set("lang", links[i].getAttribute("data-lang"));
      links[i].setAttribute("href", url.pathname + url.search);
    }
  });

  // Arrow keys move between the month's days (left/right a day, up/down a week), as in a date grid.
  var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
  document.addEventListener("keydown", function (event) {
    var step = steps[event.key];
    var cell = event.target.closest && event.target.closest("#picker td");
    if (!step || !cell) return;
    var cells = Array.prototype.slice.call(document.querySelectorAll("#picker tbody td"));
    // The nearest day that can be chosen, from a day or a week away, onwards in that direction.
    for (var i = cells.indexOf(cell) + step; i >= 0 && i < cells.length; i += step > 0 ? 1 : -1) {
      var link = cells[i].querySelector("a");
      if (link) {
        event.preventDefault();
        link.focus();
        return;
      }
    }
  });
})();
