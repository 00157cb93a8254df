// Dashboard charts: each <canvas data-chart="id"> is drawn from the JSON in <script id="id">.
// Numbers are written as the page writes them (30.000.000 in every UI language here): the canvas carries
// the separators in data- attributes, since Chart.js would otherwise use the browser's own locale.
(function () {
  "use strict";
  var RAG_COLOURS = { green: "#2e7d32", amber: "#e69500", red: "#c62828" };
  var PALETTE = ["#1f4e79", "#e07b00", "#2e7d32", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d"];

  function numberFormatter(canvas) {
    var decimal = canvas.dataset.decimalSeparator || ",";
    var thousands = canvas.dataset.thousandSeparator || ".";
    return function (value) {
      var number = Number(value);
      if (!isFinite(number)) { return String(value); }
      var parts = Math.abs(number).toFixed(Number.isInteger(number) ? 0 : 2).split(".");
      var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
      return (number < 0 ? "-" : "") + whole + (parts[1] ? decimal + parts[1] : "");
    };
  }

  // Axis amounts as the PDFs write them: 850, 679 k, 1,4 M (a tooltip still shows the full amount).
  function compactFormatter(canvas, format) {
    var decimal = canvas.dataset.decimalSeparator || ",";
    return function (value) {
      var number = Number(value);
      var size = Math.abs(number);
      if (size >= 999500) {
        var millions = number / 1000000;
        var whole = Math.abs(millions) >= 10 || Number.isInteger(Math.round(millions * 10) / 10);
        return (whole ? format(Math.round(millions)) : millions.toFixed(1).replace(".", decimal)) + " M";
      }
      if (size >= 1000) { return format(Math.round(number / 1000)) + " k"; }
      return format(Math.round(number));
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var format = numberFormatter(canvas);
    var axisFormat = spec.compact ? compactFormatter(canvas, format) : format;
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = RAG_COLOURS[dataset.rag] || PALETTE[index % PALETTE.length];
      var colours = spec.datasets.length === 1 ? spec.labels.map(function (_, i) { return PALETTE[i % PALETTE.length]; }) : colour;
      return { label: dataset.label, data: dataset.data, backgroundColor: colours, borderColor: colours };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        locale: canvas.dataset.locale || document.documentElement.lang || "en",
        plugins: {
          legend: { display: spec.datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var label = context.dataset.label ? context.dataset.label + ": " : "";
                return label + format(context.parsed.y);
              }
            }
          }
        },
        scales: {
          x: { stacked: !!spec.stacked },
          y: {
            stacked: !!spec.stacked,
            beginAtZero: true,
            // Counts and euros: whole numbers only, never 0,80 of a project.
            ticks: { precision: 0, callback: function (value) { return axisFormat(value); } }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
