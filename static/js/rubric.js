/* The rubric keeps work: the draft saves itself a moment after each change (the form
   posted with fetch to its own URL, action=autosave, answered in JSON), the "N of M
   rated" counts move as levels are picked, and leaving with changes not yet saved asks
   first. Without JavaScript the form's own buttons do all of this with a reload.
   Loaded with defer from assessments/rubric.html; no inline script (strict CSP). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var DELAY_AFTER_CHOICE = 600; // ms: a level picked is a whole change
  var DELAY_AFTER_TYPING = 1500; // ms: wait for a pause in a note
  var statuses = document.querySelectorAll("[data-save-status]");
  var counts = document.querySelectorAll("[data-rated-count]");
  var progress = document.querySelector("[data-rated-progress]");
  var groups = form.querySelectorAll(".rubric-item");

  var changes = 0; // edits made on this page
  var savedChanges = 0; // edits the server has
  var timer = null;
  var inFlight = false;
  var again = false; // another save is wanted once the one in flight ends
  var leaving = false; // the form itself is being submitted
  var held = null; // a submit held back until the save in flight ends: {submitter}

  function unsaved() {
    return changes !== savedChanges;
  }

  function say(text, state) {
    Array.prototype.forEach.call(statuses, function (status) {
      if (status.textContent !== text) {
        status.textContent = text;
      }
      status.setAttribute("data-state", state || "ok");
    });
  }

  function recount() {
    var rated = 0;
    Array.prototype.forEach.call(groups, function (group) {
      var checked = group.querySelector("input[type=radio]:checked");
      if (checked && checked.value !== "") {
        rated += 1;
      }
    });
    var text = rated + " of " + groups.length;
    Array.prototype.forEach.call(counts, function (count) {
      count.textContent = text;
    });
    if (progress) {
      progress.value = rated;
      progress.textContent = text;
    }
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function failed(message) {
    say("Not saved: " + message, "error");
  }

  function save() {
    timer = null;
    if (leaving || !unsaved()) {
      return;
    }
    if (inFlight) {
      again = true;
      return;
    }
    var sent = changes;
    var data = new FormData(form);
    data.set("action", "autosave");
    inFlight = true;
    say("Saving…");
    // Not form.action: the form's buttons are named "action" and shadow it.
    fetch(window.location.href.split("#")[0], {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.redirected || response.status === 403) {
          failed("you may have been signed out. Use Save draft to sign in again.");
          return;
        }
        if (!json) {
          failed("check your connection");
          return;
        }
        return response.json().then(function (answer) {
          if (answer.saved) {
            savedChanges = Math.max(savedChanges, sent);
            if (!leaving) {
              say(unsaved() ? "Saving…" : "Saved at " + answer.saved_at);
            }
          } else {
            var errors = answer.errors || [];
            failed(
              (errors[0] || "please check your ratings") +
                (errors.length > 1 ? " (and " + (errors.length - 1) + " more)" : "")
            );
          }
        });
      })
      .catch(function () {
        failed("check your connection");
      })
      .then(function () {
        inFlight = false;
        if (held) {
          // Now the submit held back goes: one write at a time, in the order made.
          var submitter = held.submitter;
          held = null;
          if (form.requestSubmit) {
            form.requestSubmit(submitter);
          } else if (submitter) {
            submitter.click();
          } else {
            form.submit();
          }
          return;
        }
        if (again) {
          again = false;
          save();
        }
      });
  }

  function changed(event) {
    changes += 1;
    recount();
    schedule(event.target.type === "radio" ? DELAY_AFTER_CHOICE : DELAY_AFTER_TYPING);
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      changed(event);
    }
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      changed(event);
    }
  });
  // Leaving a note saves it at once rather than after the pause.
  form.addEventListener("focusout", function (event) {
    if (event.target.tagName === "TEXTAREA" && timer !== null) {
      window.clearTimeout(timer);
      save();
    }
  });
  // Save draft, Submit and the view switch post the form: no question, no late autosave,
  // and no post racing a save still in flight (it waits for it).
  form.addEventListener("submit", function (event) {
    leaving = true;
    window.clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      held = { submitter: event.submitter || null };
    }
  });
  window.addEventListener("online", function () {
    if (unsaved()) {
      save();
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) {
      return;
    }
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });
  // A page restored from the back-forward cache after a submit is a page in use again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      leaving = false;
    }
  });
  recount();
})();
