/* The visitor's time zone, as the browser knows it: preselected in any empty
   <select data-guess-time-zone>, and kept in a cookie so that pages show the visitor's
   clock before they have chosen a zone of their own (cmo_portal/time_zones.py
   checks it against the zone list). Loaded with defer from base.html; no inline
   script, so the CSP stays strict. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) {
    return;
  }
  var cookie = "guessed_time_zone=" + zone;
  if (document.cookie.split("; ").indexOf(cookie) === -1) {
    document.cookie =
      cookie +
      "; path=/; max-age=31536000; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
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
