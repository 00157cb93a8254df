// The intake form marks what the chosen project type requires before submission (CSP: no inline script).
(function () {
  "use strict";
  var data = document.getElementById("intake-requirements");
  var form = document.getElementById("intake-form");
  if (!data || !form || !form.elements.template) {
    return;
  }
  var requirements = JSON.parse(data.textContent);

  function mark() {
    var chosen = requirements[form.elements.template.value] || { fields: [], attachments: [] };
    form.querySelectorAll("[data-intake-field]").forEach(function (wrapper) {
      var badge = wrapper.querySelector(".template-required");
      if (badge) {
        badge.hidden = chosen.fields.indexOf(wrapper.dataset.intakeField) === -1;
      }
    });
    var list = document.getElementById("intake-attachments");
    if (list) {
      list.replaceChildren.apply(list, chosen.attachments.map(function (label) {
        var item = document.createElement("li");
        item.textContent = label;
        return item;
      }));
    }
  }

  form.elements.template.addEventListener("change", mark);
  mark();
})();
