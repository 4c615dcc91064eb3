/* The "PDF being prepared" page: ask every two seconds whether it is ready, then start
   the download and say so. Without JavaScript the link on the page does the same. */
(function () {
  "use strict";
  var box = document.querySelector("[data-pdf-wait]");
  if (!box || !window.fetch) {
    return;
  }
  var message = box.querySelector("[data-pdf-message]");
  var tries = 0;
  function check() {
    tries += 1;
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.ready) {
          message.textContent = "Your PDF is ready: the download has started.";
          window.location.href = box.getAttribute("data-pdf-url");
        } else if (state.status === "failed") {
          window.location.reload();
        } else if (tries < 60) {
          window.setTimeout(check, 2000);
        } else {
          message.textContent = "This is taking longer than usual. Use the link below to try again.";
        }
      })
      .catch(function () {
        if (tries < 60) {
          window.setTimeout(check, 4000);
        }
      });
  }
  window.setTimeout(check, 1500);
})();
