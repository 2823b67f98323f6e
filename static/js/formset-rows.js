// "Add a question" / "Add a session" on the event editor without a round trip: a copy of the
// formset's empty row is added and focused. Without JavaScript the same buttons submit the
// form, and the server shows it again with one more row (nothing is saved).
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (set) {
    var prefix = set.getAttribute("data-formset");
    var total = set.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = set.querySelector("template[data-empty-row]");
    var rows = set.querySelector("[data-rows]");
    var button = set.querySelector("[data-add-row]");
    if (!total || !template || !rows || !button) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10) || 0;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      var legend = row.querySelector("legend");
      if (legend) {
        legend.textContent = legend.textContent + " " + String(index + 1);
      }
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  });
})();
