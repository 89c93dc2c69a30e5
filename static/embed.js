/*
 * Flowkey Booking Links embed. Paste where the booking page should appear:
 *   <script src="https://YOUR-SITE/static/embed.js" data-slug="your-link-name" async></script>
 * data-lang="de" (en, de, es, fr) opens the page in that language, whatever the visitor's browser
 * asks for; data-title names the frame for screen readers, in the host page's language.
 * It inserts an iframe of the booking page; the page reports its height, so the frame grows
 * with its content and never shows a scrollbar of its own. On each step after the first, the
 * page asks for the frame's top to be scrolled into view (the iframe's scroll-margin-top, if
 * the host sets one, leaves room for a sticky header).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, window.location.href).origin;
  var slug = script.getAttribute("data-slug");
  var src = script.getAttribute("data-src") || (slug ? origin + "/book/" + encodeURIComponent(slug) + "/" : null);
  if (!src) return;
  var lang = script.getAttribute("data-lang");
  if (lang) {
    var url = new URL(src, window.location.href);
    url.searchParams.set("lang", lang);
    src = url.href;
  }
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Book online";
  frame.loading = "lazy";
  frame.setAttribute("scrolling", "no");
  frame.style.cssText = "display:block;width:100%;min-height:480px;border:0;overflow:hidden;color-scheme:normal";
  script.parentNode.insertBefore(frame, script.nextSibling);
  var pagesShown = 0;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.type === "flowkey:height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = data.height + "px";
      frame.style.minHeight = "0";
    } else if (data && data.type === "flowkey:scroll-top") {
      // The first page is where the visitor found it; a later one is a step they took inside.
      if (pagesShown++ === 0) return;
      var top = frame.getBoundingClientRect().top;
      // Only when the top is out of sight above, or low enough that the step starts off screen.
      if (top < -1 || top > window.innerHeight / 2) frame.scrollIntoView({ block: "start" });
    }
  });
})();
