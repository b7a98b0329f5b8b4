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
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }
})();
