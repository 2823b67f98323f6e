/* Progressive enhancement: add the visitor's own time under event times when their zone differs. */
(function () {
  "use strict";
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-label")) || "Your time";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === "UTC" || zone === "Etc/UTC") { return; }
  var lang = document.documentElement.lang || undefined;
  var full = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  var time = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
  document.querySelectorAll("[data-local-time]").forEach(function (node) {
    if (node.getAttribute("data-zone") === zone) { return; }
    var start = new Date(node.getAttribute("data-start"));
    var end = new Date(node.getAttribute("data-end"));
    if (isNaN(start) || isNaN(end)) { return; }
    var sameDay = start.toDateString() === end.toDateString();
    var span = document.createElement("span");
    span.className = "ev-when-local";
    span.textContent = label + " (" + zone.replace(/_/g, " ") + "): " + full.format(start) +
      (sameDay ? "–" + time.format(end) : " – " + full.format(end));
    node.appendChild(span);
  });
})();
