// Dashboard charts: each <canvas data-chart="id"> is drawn from the JSON in <script id="id">.
(function () {
  "use strict";
  var RAG_COLOURS = { green: "#2e7d32", amber: "#e69500", red: "#c62828" };
  var PALETTE = ["#1f4e79", "#e07b00", "#2e7d32", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
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
        plugins: { legend: { display: spec.datasets.length > 1, position: "bottom" } },
        scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
