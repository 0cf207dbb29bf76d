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
    // The attribute, not form.method: a field named "method" (the sign-in's second step has one)
    // shadows the property, and the script threw on every two-step sign-in.
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    // A "send code" button still counting down (aria-disabled) stays disabled.
    document.querySelectorAll("button[type=submit]:not([aria-disabled])").forEach(function (b) { b.disabled = false; });
  });
})();

// "Send code" buttons carry data-countdown (seconds until another code may be asked for) and
// data-wait (the label, with {s} for the seconds): the button stays disabled and counts down,
// then comes back. The server refuses an early resend anyway (OTP_RATE_LIMITED); this only
// spares the user the refusal.
(function () {
  "use strict";
  function countdown(b) {
    var left = parseInt(b.getAttribute("data-countdown"), 10);
    if (!(left > 0)) { return; }
    var label = b.textContent;
    var wait = b.getAttribute("data-wait") || "{s}";
    function tick() {
      if (left <= 0) {
        b.disabled = false;
        b.textContent = label;
        b.removeAttribute("aria-disabled");
        return;
      }
      b.disabled = true;
      b.setAttribute("aria-disabled", "true");
      b.textContent = wait.replace("{s}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  function start() {
    document.querySelectorAll("button[data-countdown]").forEach(countdown);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
