// The newsletter's progress page: refresh the counts and the bar every two seconds while the
// issue is being sent (without JavaScript, the page reloads itself: <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("newsletter-progress");
  if (!box) { return; }
  var bar = document.getElementById("progress-bar");
  var finished = false;
  function show(data) {
    Object.keys(data).forEach(function (key) {
      var el = box.querySelector('[data-field="' + key + '"]');
      if (el && key !== "listing") {
        el.textContent = data[key] === null ? "–" : String(data[key]);
      }
    });
    var listing = box.querySelector('[data-field="listing"]');
    if (listing && !data.listing) { listing.hidden = true; }
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    // the actions depend on the state: reload once the state changes or the sending ends
    if ((data.pending === 0 && !data.listing) || data.status !== box.dataset.status) {
      finished = true;
      if (data.status !== box.dataset.status) { window.location.reload(); }
    }
  }
  box.dataset.status = box.dataset.status || "";
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) {
          if (!box.dataset.status) { box.dataset.status = data.status; }
          show(data);
        }
        if (!finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
