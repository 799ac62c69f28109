// The check-in desk (templates/manage/attendance/desk.html). Typing a code and tapping
// "Check in" works without this file; it only
//  - keeps the code field ready for the next person after htmx swaps in a result, and
//  - where the browser offers BarcodeDetector, reads the ticket's QR code with the rear camera,
//    fills the field and submits the form, then keeps scanning for the next ticket.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  var input = document.getElementById("desk-code");
  if (!form || !input) return;

  var scanning = false;
  var DONE = ["checked_in", "already", "walk_in"];

  // Ready for the next code: emptied after a success, kept and selected to correct a typo.
  function ready(outcome) {
    if (DONE.indexOf(outcome) >= 0) {
      input.value = "";
    }
    if (scanning) return; // the camera is reading: no keyboard over the video
    input.focus();
    if (input.value) input.select();
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    if (target.id === "desk-result") {
      var shown = target.querySelector("[data-outcome]");
      ready(shown ? shown.getAttribute("data-outcome") : "");
    } else if (target.id === "walk-in-form" || (target.closest && target.closest("#walk-in"))) {
      var walkIn = document.getElementById("walk-in-form");
      var invalid = walkIn && walkIn.querySelector("[aria-invalid='true']");
      if (invalid) {
        invalid.focus();
      } else {
        ready("walk_in");
      }
    }
  });

  // --- the camera -------------------------------------------------------------------------
  var box = document.getElementById("desk-camera");
  var scanButton = document.getElementById("desk-scan");
  var stopButton = document.getElementById("desk-scan-stop");
  var video = document.getElementById("desk-video");
  var status = document.getElementById("desk-camera-status");
  if (!box || !scanButton || !stopButton || !video || !status) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return; // no scanner here: the field and the button are all there is
  }
  scanButton.hidden = false;

  var detector = null;
  var stream = null;
  var timer = 0;
  var lastValue = "";
  var lastAt = 0;
  var SAME_CODE_PAUSE = 4000; // ms before the same ticket in front of the camera counts again

  function say(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  // What a QR code holds: the ticket's code (K7M-4QX), or a text that ends with one.
  function codeFrom(raw) {
    var text = String(raw || "").trim();
    if (text.length <= 16) return text;
    var found = text.toUpperCase().match(/[A-Z0-9]{3}-[A-Z0-9]{3}/g);
    return found ? found[found.length - 1] : text.slice(0, 16);
  }

  function stop() {
    scanning = false;
    window.clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    scanButton.hidden = false;
  }

  function look() {
    if (!scanning) return;
    detector.detect(video).then(function (codes) {
      if (!scanning || !codes.length) return;
      var value = codeFrom(codes[0].rawValue);
      var now = Date.now();
      if (!value || (value === lastValue && now - lastAt < SAME_CODE_PAUSE)) return;
      lastValue = value;
      lastAt = now;
      input.value = value;
      if (navigator.vibrate) navigator.vibrate(60);
      form.requestSubmit();
    }).catch(function () {
      // a frame that could not be read: try the next one
    }).then(function () {
      if (scanning) timer = window.setTimeout(look, 250);
    });
  }

  function start() {
    say("");
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    formats.then(function (supported) {
      if (supported.indexOf("qr_code") < 0) {
        scanButton.hidden = true;
        say(box.getAttribute("data-no-qr"));
        return null;
      }
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false
      });
    }).then(function (media) {
      if (!media) return;
      stream = media;
      scanning = true;
      video.srcObject = media;
      video.hidden = false;
      scanButton.hidden = true;
      stopButton.hidden = false;
      input.blur();
      return video.play().then(function () {
        video.scrollIntoView({ block: "nearest" });
        look();
      });
    }).catch(function () {
      stop();
      say(box.getAttribute("data-no-camera"));
    });
  }

  scanButton.addEventListener("click", start);
  stopButton.addEventListener("click", function () {
    stop();
    input.focus();
  });
  // a phone put in a pocket or another tab: let go of the camera
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && scanning) stop();
  });
  window.addEventListener("pagehide", stop);
})();
