/* The phone header's "Menu": a disclosure button that shows and hides the main nav.
   Without this script the "Menu" link leads to the same items in the footer. Loaded with
   defer from base.html; no inline script, so the CSP stays strict. */
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  if (!header) {
    return;
  }
  var button = header.querySelector(".site-header__menu");
  var link = header.querySelector(".site-header__menu-link");
  var nav = document.getElementById(button.getAttribute("aria-controls"));

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
  }

  header.classList.add("site-header--js");
  link.hidden = true;
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
