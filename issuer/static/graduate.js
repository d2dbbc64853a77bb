/* The graduate's page: keep the credential's status current without a reload.
   Asks status.json every data-status-every seconds, and at once when the tab
   comes back into view; shows what it says in the status box, and shows or
   hides the notes marked data-status-shows="<status>". No libraries. */
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch || !window.JSON) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var seconds = Number(box.getAttribute("data-status-every")) || 60;
  var paragraph = box.querySelector(".status");

  function show(answer) {
    if (!answer || typeof answer.status !== "string") {
      return;
    }
    var label = paragraph.querySelector(".status-label");
    var explanation = paragraph.querySelector(".status-explanation");
    if (label.textContent !== answer.label) {
      label.textContent = answer.label;
      explanation.textContent = answer.explanation;
      paragraph.className = "status status-" + answer.status;
    }
    var notes = document.querySelectorAll("[data-status-shows]");
    for (var i = 0; i < notes.length; i += 1) {
      notes[i].hidden = notes[i].getAttribute("data-status-shows") !== answer.status;
    }
  }

  function refresh() {
    fetch(url, {cache: "no-store", credentials: "omit", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(show, function () {
        /* Offline for a moment: the status shown stays until the next try. */
      });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      refresh();
    }
  });
}());
