// formwork.js: while a form's htmx request is in flight, its submit
// buttons are disabled and marked aria-busy, with htmx 2 and htmx 4 alike
// (their event names differ). The form's hx-sync drops a second submit
// either way; this makes the state visible and spoken.
(function () {
  "use strict";
  function busy(on) {
    return function (event) {
      var form = event.target && event.target.closest ? event.target.closest("form.fw-form") : null;
      if (!form) return;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = on;
        if (on) button.setAttribute("aria-busy", "true");
        else button.removeAttribute("aria-busy");
      });
    };
  }
  ["htmx:beforeRequest", "htmx:before:request"].forEach(function (name) {
    document.addEventListener(name, busy(true));
  });
  ["htmx:afterRequest", "htmx:finally:request"].forEach(function (name) {
    document.addEventListener(name, busy(false));
  });
})();
