// Draws the project plan with frappe-gantt from the JSON the page embeds (no inline script: CSP).
// Labels and the locale come from data- attributes the server translated: frappe-gantt speaks English.
(function () {
  "use strict";
  var holder = document.getElementById("gantt");
  var source = document.getElementById("gantt-tasks");
  if (!holder || !source || typeof Gantt === "undefined") {
    return;
  }
  var tasks = JSON.parse(source.textContent);
  if (!tasks.length) {
    return;
  }
  var labels = holder.dataset;
  var locale = labels.locale || document.documentElement.lang || "en";
  var thousands = labels.thousandSeparator || ".";

  function whole(number) {
    return String(Math.round(Number(number))).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  }

  new Gantt(holder, tasks, {
    view_mode: holder.dataset.viewMode || "Week",
    language: locale,
    readonly: true,
    popup_on: "hover",
    today_button: true,
    // Weekend shading is drawn with inline styles, which the CSP forbids.
    holidays: {},
    popup: function (context) {
      var task = context.task;
      context.set_title(task.name);
      context.set_subtitle(
        task.start_label + " → " + task.end_label + " · " + labels.labelProgress + " " + whole(task.progress) + " %"
      );
      var details = "";
      if (task.baseline_end) {
        details = labels.labelBaseline + " " + task.baseline_end_label;
        if (task.variance) {
          details += " (" + (task.variance > 0 ? "+" : "") + whole(task.variance) + " " +
            labels.labelDays + ")";
        }
      }
      context.set_details(details);
    }
  });
  var today = holder.querySelector(".today-button");
  if (today && labels.labelToday) {
    today.textContent = labels.labelToday;
  }
})();
