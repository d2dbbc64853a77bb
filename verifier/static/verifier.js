// The verifier page's small enhancements; the form works without them.
// Dropping a file on the file field chooses it; a file or photo over its limit is named at once.
// When the server offers the camera scanner, its script (scan.js) is loaded too.
(function () {
  "use strict";

  function describe(input, status) {
    var limit = parseInt(input.dataset.maxBytes, 10) || 1048576;
    var file = input.files && input.files[0];
    status.classList.remove("too-large");
    if (!file) { status.textContent = ""; return true; }
    if (file.size > limit) {
      status.textContent = status.dataset.tooLarge;
      status.classList.add("too-large");
      return false;
    }
    status.textContent = status.dataset.chosen + " " + file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
    return true;
  }

  function watch(form, input, status) {
    if (!input || !status) { return; }
    input.addEventListener("change", function () { describe(input, status); });
    form.addEventListener("submit", function (event) {
      if (!describe(input, status)) { event.preventDefault(); input.focus(); }
    });
  }

  function dropZone(zone, input, status) {
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
        describe(input, status);
      }
    });
  }

  function setUp(form) {
    var zone = form.querySelector("[data-drop]");
    var input = zone && zone.querySelector("input[type=file]");
    var status = zone && zone.querySelector(".file-status");
    if (input && status) {
      watch(form, input, status);
      dropZone(zone, input, status);
    }
    watch(form, form.querySelector("#photo"), form.querySelector("#photo-status"));
    var camera = form.querySelector("[data-scan-script]");
    if (camera) {
      var script = document.createElement("script");
      script.src = camera.dataset.scanScript;
      document.head.appendChild(script);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.verify-form");
    if (form) { setUp(form); }
    var problem = document.getElementById("problem");
    if (problem) { problem.focus(); }
  });
})();
