// purse pages: progressive enhancement only; every page works without this file.
// GE-1 network failure: when an htmx request cannot reach the server, say so and offer to retry,
// instead of leaving the page silently unchanged.
(function () {
  "use strict";
  function show(on) {
    var box = document.getElementById("net-error");
    if (box) { box.hidden = !on; }
  }
  document.addEventListener("htmx:sendError", function () { show(true); });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail && e.detail.successful) { show(false); }
  });
  // A form posted twice by an impatient double click would act twice: disable its buttons once it
  // is on its way, and enable them again when the browser shows the page from its history.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
})();
