/* Preselect the visitor's time zone in any empty <select data-guess-time-zone>.
   Loaded with defer from base.html; no inline script, so the CSP stays strict. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  var selects = document.querySelectorAll("select[data-guess-time-zone]");
  Array.prototype.forEach.call(selects, function (select) {
    if (select.value) {
      return;
    }
    var hasZone = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (hasZone) {
      select.value = zone;
    }
  });
})();
