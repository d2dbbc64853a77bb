/* Cohort issuing with a progress bar: post chunk after chunk, show how far it got.
   Without this script the form posts once and the server issues every chunk. No libraries. */
(function () {
  "use strict";
  var form = document.getElementById("batch-issue");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var bar = document.getElementById("batch-progress-bar");
  var text = document.getElementById("batch-progress-text");
  var errorBox = document.getElementById("batch-error");
  var button = form.querySelector("button[type=submit]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var notify = form.querySelector("input[name=notify]");

  function show(progress) {
    bar.max = progress.total;
    bar.value = progress.position;
    bar.textContent = progress.text;
    text.textContent = progress.text;
  }

  function stop(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
    button.textContent = "Resume issuing";
    form.removeAttribute("aria-busy");
  }

  function answer(response) {
    return response.json().then(function (body) {
      return {ok: response.ok, body: body};
    }, function () {
      return {ok: false, body: {error: "The server answered " + response.status +
        " without progress. If you were signed out, sign in again, then resume: nothing is issued twice."}};
    });
  }

  function step() {
    fetch(form.getAttribute("data-chunk-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({notify: Boolean(notify && notify.checked)})
    }).then(answer).then(function (result) {
      var body = result.body;
      if (typeof body.total === "number") {
        show(body);
      }
      if (!result.ok || typeof body.total !== "number") {
        stop(body.error || "Issuing stopped.");
      } else if (body.done) {
        window.location.assign(form.getAttribute("data-done-url"));
      } else {
        step();
      }
    }, function () {
      stop("The connection to the server was lost. Every row is either issued or not; resume to continue with the next row.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    button.textContent = "Issuing…";
    form.setAttribute("aria-busy", "true");
    step();
  });
}());
