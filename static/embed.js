/*
 * Flowkey Booking Links embed. Paste where the booking page should appear:
 *   <script src="https://YOUR-SITE/static/embed.js" data-slug="your-link-name" async></script>
 * It inserts an iframe of the booking page; the page reports its height, so the frame grows
 * with its content and never shows a scrollbar of its own.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, window.location.href).origin;
  var slug = script.getAttribute("data-slug");
  var src = script.getAttribute("data-src") || (slug ? origin + "/book/" + encodeURIComponent(slug) + "/" : null);
  if (!src) return;
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Book online";
  frame.loading = "lazy";
  frame.setAttribute("scrolling", "no");
  frame.style.cssText = "display:block;width:100%;min-height:480px;border:0;overflow:hidden;color-scheme:normal";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.type === "flowkey:height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = data.height + "px";
      frame.style.minHeight = "0";
    }
  });
})();
