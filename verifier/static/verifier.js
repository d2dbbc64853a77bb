// The verifier page's small enhancements; the form works without them.
// Dropping a file on the file field chooses it; a file over the limit is named at once.
(function () {
  "use strict";

  function describe(input, status, limit) {
    var file = input.files && input.files[0];
    status.classList.remove("too-large");
    if (!file) { status.textContent = ""; return; }
    if (file.size > limit) {
      status.textContent = status.dataset.tooLarge;
      status.classList.add("too-large");
      return;
    }
    status.textContent = status.dataset.chosen + " " + file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
  }

  function setUp(form) {
    var zone = form.querySelector("[data-drop]");
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".file-status");
    var limit = parseInt(form.dataset.maxBytes, 10) || 1048576;
    if (!zone || !input || !status) { return; }
    input.addEventListener("change", function () { describe(input, status, limit); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        describe(input, status, limit);
      }
    });
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && file.size > limit) { event.preventDefault(); describe(input, status, limit); input.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.verify-form");
    if (form) { setUp(form); }
    var problem = document.getElementById("problem");
    if (problem) { problem.focus(); }
  });
})();
