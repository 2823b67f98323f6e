/* Optional: scan QR codes with the camera where the browser has BarcodeDetector. Typing or a
   hardware scanner into the field above works everywhere without it. */
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var box = document.getElementById("camera-scan");
  var form = document.getElementById("check-in-form");
  var input = form.querySelector("input[name=code]");
  box.hidden = false;
  document.getElementById("camera-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var video = document.getElementById("camera-video");
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      return video.play().then(function () {
        function tick() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              input.value = codes[0].rawValue;
              form.submit();
            } else {
              window.requestAnimationFrame(tick);
            }
          }, function () { window.requestAnimationFrame(tick); });
        }
        tick();
      });
    }).catch(function () { box.hidden = true; input.focus(); });
  });
})();
