// Product form: an "Add a row" button for price tiers and specifications. Without JS, saving the form
// gives fresh empty rows, so nothing here is required.
(function () {
  "use strict";
  document.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
    var prefix = fieldset.dataset.formset;
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var body = fieldset.querySelector("tbody");
    if (!total || !body || !body.lastElementChild) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-secondary btn-add-row";
    button.textContent = fieldset.dataset.addLabel || "+";
    button.addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      var row = body.lastElementChild.cloneNode(true);
      row.querySelectorAll("input, select").forEach(function (el) {
        ["name", "id"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/-\d+-/, "-" + n + "-"));
        });
        if (el.type === "checkbox") el.checked = false; else el.value = "";
      });
      row.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
      body.appendChild(row);
      total.value = n + 1;
    });
    fieldset.appendChild(button);
  });
})();
