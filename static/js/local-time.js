/* Progressive enhancement: add the visitor's own time under event times when their zone differs. */
(function () {
  "use strict";
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-label")) || "Your time";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === "UTC" || zone === "Etc/UTC") { return; }
  // The page's style of dates (2 December 2026 / 2 декабря 2026 г.), 24-hour times.
  var lang = document.documentElement.lang === "en" ? "en-GB" : (document.documentElement.lang || undefined);
  var day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
  var clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var full = { format: function (d) { return day.format(d) + ", " + clock.format(d); } };
  var time = clock;
  document.querySelectorAll("[data-local-time]").forEach(function (node) {
    if (node.getAttribute("data-zone") === zone || node.hasAttribute("data-viewer-zone")) { return; }
    var start = new Date(node.getAttribute("data-start"));
    var end = new Date(node.getAttribute("data-end"));
    if (isNaN(start) || isNaN(end)) { return; }
    var sameDay = start.toDateString() === end.toDateString();
    var span = document.createElement("span");
    span.className = "ev-when-local";
    span.textContent = label + " (" + zone.split("/").pop().replace(/_/g, " ") + "): " + full.format(start) +
      (sameDay ? "–" + time.format(end) : " – " + full.format(end));
    node.appendChild(span);
  });
})();
