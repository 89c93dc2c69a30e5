/* Owner pages: small enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.classList.remove("hidden"); });
    // Sign-up: preselect the browser's time zone unless the form came back with a choice.
    var zone = document.querySelector("select[data-browser-zone]");
    if (zone && !zone.dataset.chosen && window.Intl) {
      var browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (browser && zone.querySelector('option[value="' + browser + '"]')) zone.value = browser;
    }
  });
  // Remove buttons of rows added on the page (hours): data-remove is the id of the row to drop.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove]");
    var row = button && document.getElementById(button.getAttribute("data-remove"));
    if (row) row.remove();
  });
  // "Select all on this page" (data-select-all names the boxes): ticks them all, and an untick of one
  // unticks it, so what is sent (the page's ids when it is ticked) matches what is shown.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches("[data-select-all]")) {
      document.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-select-all") + '"]')
        .forEach(function (one) { one.checked = box.checked; });
    } else if (box.type === "checkbox" && !box.checked) {
      var all = document.querySelector('[data-select-all="' + box.name + '"]');
      if (all) all.checked = false;
    }
  });
  // Copy buttons: data-copy is a selector of the element whose text (or value) to copy; data-copied
  // is what the button says for a moment after, in the page's language.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    var text = "value" in source && source.value !== undefined ? source.value : source.textContent.trim();
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();
