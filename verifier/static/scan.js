// The verifier page's camera scanner, loaded by verifier.js when the server offers it.
// "Scan a QR code" opens the back camera; its frames are decoded with zxing-wasm (ZXing-C++ compiled to
// WebAssembly, the engine that reads photos on the server), whose script and .wasm come from this server
// only: locateFile below never points elsewhere, and the page's CSP would refuse it anyway.
// A Skills Passport code's text goes into the form's "scanned" field and the form is sent at once.
// Cancel, Escape or leaving the page stops the camera. What fails is said in the status line, and the
// photo upload below always remains.
(function () {
  "use strict";

  var READER_OPTIONS = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };
  var OUR_PREFIX = /^\s*SP/;  // every Skills Passport code starts so (qr/payload.py); others are not sent
  // Dense codes (117 modules a side) need pixels: ask for full HD, take what the camera has.
  var CAMERA = { audio: false,
                 video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 } } };
  var CAMERA_PROBLEMS = { NotAllowedError: "denied", SecurityError: "denied", NotFoundError: "noCamera",
                          OverconstrainedError: "noCamera" };
  var decoder = null;  // a promise of the ZXingWASM namespace, made on the first scan

  function loadDecoder(box) {
    if (decoder) { return decoder; }
    decoder = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = box.dataset.decoder;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    }).then(function () {
      var zxing = window.ZXingWASM;
      var wasm = new URL(box.dataset.decoderWasm, document.baseURI).href;
      return zxing.prepareZXingModule({
        overrides: { locateFile: function () { return wasm; } },  // its only file; never the CDN default
        fireImmediately: true
      }).then(function () { return zxing; });
    });
    decoder.catch(function () { decoder = null; });  // the next click tries again
    return decoder;
  }

  function stopTracks(media) {
    media.getTracks().forEach(function (track) { track.stop(); });
  }

  function setUp(form, box) {
    var status = form.querySelector("#scan-status");
    var start = box.querySelector("#scan-start");
    var view = box.querySelector("#scan-view");
    var video = box.querySelector("#scan-video");
    var cancel = box.querySelector("#scan-cancel");
    var scanned = form.querySelector("#scanned");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var session = 0;  // a new number on every start and stop: what an earlier session still does is dropped

    function say(key) {
      var words = box.dataset[key] || "";
      if (status.textContent !== words) { status.textContent = words; }
    }

    function stop(key, keepClosed) {
      session += 1;
      var hadFocus = view.contains(document.activeElement);
      if (stream) { stopTracks(stream); stream = null; }
      video.srcObject = null;
      view.hidden = true;
      start.hidden = !!keepClosed;
      start.setAttribute("aria-expanded", "false");
      if (key) { say(key); }
      if (hadFocus && !keepClosed) { start.focus(); }
    }

    function found(text) {
      scanned.value = text;
      stop("read", true);
      form.submit();
    }

    function scanFrames(zxing, mine) {
      function frame() {
        if (mine !== session) { return; }
        if (video.readyState < 2 || !video.videoWidth) { window.requestAnimationFrame(frame); return; }
        if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
        }
        context.drawImage(video, 0, 0);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        zxing.readBarcodes(image, READER_OPTIONS).then(function (results) {
          if (mine !== session) { return; }
          var text = results.length && results[0].isValid ? results[0].text : "";
          if (OUR_PREFIX.test(text)) { found(text); return; }
          if (text) { say("notOurs"); }
          window.requestAnimationFrame(frame);
        }, function () {
          if (mine === session) { window.requestAnimationFrame(frame); }
        });
      }
      window.requestAnimationFrame(frame);
    }

    function open() {
      var mine = ++session;
      var reader = loadDecoder(box);
      say("starting");
      start.hidden = true;
      start.setAttribute("aria-expanded", "true");
      view.hidden = false;
      box.scrollIntoView({ block: "center" });  // the words, the picture and Cancel in view, on a phone too
      cancel.focus({ preventScroll: true });
      navigator.mediaDevices.getUserMedia(CAMERA).then(function (media) {
        if (mine !== session) { stopTracks(media); return; }
        stream = media;
        video.srcObject = media;
        video.play().catch(function () { /* muted and inline: frames are read even if play() is refused */ });
        return reader.then(function (zxing) {
          if (mine !== session) { return; }
          say("aiming");
          scanFrames(zxing, mine);
        }, function () {
          if (mine === session) { stop("noDecoder"); }
        });
      }, function (error) {
        if (mine === session) { stop(CAMERA_PROBLEMS[error && error.name] || "cameraFailed"); }
      });
    }

    scanned.value = "";  // a browser may restore an earlier scan's text when going back to the form
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.WebAssembly) {
      say("unsupported");  // e.g. a page not served over https, or an old browser
      return;
    }
    start.setAttribute("aria-expanded", "false");
    start.hidden = false;
    start.addEventListener("click", open);
    cancel.addEventListener("click", function () { stop("closed"); });
    view.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); stop("closed"); }
    });
    window.addEventListener("pagehide", function () { stop(""); });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { scanned.value = ""; stop(""); say(""); }  // back from a result, out of the page cache
    });
  }

  var box = document.querySelector("[data-scan-script]");
  var form = box && box.closest("form");
  if (form) { setUp(form, box); }
})();
