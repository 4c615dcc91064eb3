/* A form marked data-submit-once is sent once: after the first submit its buttons are
   disabled, and a second submit (a double click, Enter twice) is stopped. The server
   guarantees one effect anyway; this only spares the wait. Coming back to the page
   from the back-forward cache enables the buttons again.

   The server knows a form sent twice by its one-time token (input name="once_token").
   Our pages are not kept by the browser, so Back loads the page again, with new
   tokens: the tokens of each page are kept in its history entry, and put back when the
   page is reached through Back or Forward, so the form sent again is known as such.
   Loaded with defer from base.html; no inline script, so the CSP stays strict. */
(function () {
  "use strict";
  var SENDING = "data-sending";
  var DISABLED_HERE = "data-disabled-on-submit";

  function tokenKeys() {
    var seen = {};
    return Array.prototype.map.call(
      document.querySelectorAll("input[name=once_token]"),
      function (input) {
        var key = (input.form && input.form.getAttribute("action")) || location.pathname;
        seen[key] = (seen[key] || 0) + 1;
        return { input: input, key: key + "#" + seen[key] };
      }
    );
  }

  (function keepOrRestoreTokens() {
    var tokens = tokenKeys();
    if (!tokens.length || !window.history || !history.replaceState) {
      return;
    }
    var entry = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var state = history.state && typeof history.state === "object" ? history.state : {};
    var kept = state.onceTokens;
    if (entry && entry.type === "back_forward" && kept) {
      tokens.forEach(function (token) {
        if (kept[token.key]) {
          token.input.value = kept[token.key];
        }
      });
      return;
    }
    var now = {};
    tokens.forEach(function (token) {
      now[token.key] = token.input.value;
    });
    history.replaceState(Object.assign({}, state, { onceTokens: now }), "");
  })();

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
