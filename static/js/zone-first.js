/* The service page opened without a zone in its address is drawn in the business's zone. Before
   anything is painted (this script blocks the parser, in <head>), reload it in the visitor's own
   zone when that is another one, so no time is ever shown in a zone the visitor does not end up
   with (DESIGN.md 10). Without JavaScript the page says which zone its times are in. */
(function () {
  "use strict";
  var drawn = document.currentScript && document.currentScript.getAttribute("data-zone");
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  var url = new URL(window.location.href);
  if (!zone || !drawn || zone === drawn || url.searchParams.has("tz")) return;
  url.searchParams.set("tz", zone);
  // The page goes on loading until the next one arrives: keep it from being painted meanwhile.
  document.documentElement.style.visibility = "hidden";
  window.location.replace(url.href);
})();
