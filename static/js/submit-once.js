/* A form marked data-submit-once is sent once: after the first submit its buttons are
   disabled, and a second submit (a double click, Enter twice) is stopped. The server
   guarantees one effect anyway; this only spares the wait. Coming back to the page
   from the back-forward cache enables the buttons again.
   Loaded with defer from base.html; no inline script, so the CSP stays strict. */
(function () {
  "use strict";
  var SENDING = "data-sending";
  var DISABLED_HERE = "data-disabled-on-submit";

  function buttonsOf(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.hasAttribute(SENDING)) {
      event.preventDefault();
      return;
    }
    form.setAttribute(SENDING, "");
    form.setAttribute("aria-busy", "true");
    /* Disabled after this turn, so the clicked button's name and value are still sent. */
    window.setTimeout(function () {
      Array.prototype.forEach.call(buttonsOf(form), function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute(DISABLED_HERE, "");
        }
      });
    }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[" + SENDING + "]"), function (form) {
      form.removeAttribute(SENDING);
      form.removeAttribute("aria-busy");
      Array.prototype.forEach.call(form.querySelectorAll("[" + DISABLED_HERE + "]"), function (button) {
        button.disabled = false;
        button.removeAttribute(DISABLED_HERE);
      });
    });
  });
})();
