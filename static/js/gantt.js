// Draws the project plan with frappe-gantt from the JSON the page embeds (no inline script: CSP).
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
  var labels = JSON.parse(document.getElementById("gantt-labels").textContent);
  new Gantt(holder, tasks, {
    view_mode: holder.dataset.viewMode || "Week",
    language: document.documentElement.lang || "en",
    readonly: true,
    popup_on: "hover",
    today_button: true,
    // Weekend shading is drawn with inline styles, which the CSP forbids.
    holidays: {},
    popup: function (context) {
      var task = context.task;
      context.set_title(task.name);
      context.set_subtitle(task.start + " → " + task.end + " · " + task.progress + " %");
      var details = "";
      if (task.baseline_end) {
        details = labels.baseline + " " + task.baseline_end;
        if (task.variance) {
          details += " (" + (task.variance > 0 ? "+" : "") + task.variance + " " + labels.days + ")";
        }
      }
      context.set_details(details);
    }
  });
})();
