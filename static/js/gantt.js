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
  var dates = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric" });
  var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });

  function day(iso) {
    // Task dates are ISO days; read them as local dates so no time zone shifts them.
    var parts = String(iso).split("-");
    return parts.length === 3 ? dates.format(new Date(+parts[0], +parts[1] - 1, +parts[2])) : iso;
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
        day(task.start) + " → " + day(task.end) + " · " + labels.labelProgress + " " +
        numbers.format(task.progress) + " %"
      );
      var details = "";
      if (task.baseline_end) {
        details = labels.labelBaseline + " " + day(task.baseline_end);
        if (task.variance) {
          details += " (" + (task.variance > 0 ? "+" : "") + numbers.format(task.variance) + " " +
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
