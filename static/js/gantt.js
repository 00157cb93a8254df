// The Gantt page: the server draws the chart (projects/selectors/gantt.py); this script only lets a user
// who may change the plan drag a bar (move), drag its right end (new end date) or use the arrow keys on a
// focused bar (Shift + arrow: the end only). Each change is posted to the same service as the task form;
// the server answers with the redrawn chart (successors re-scheduled) or a message saying why not.
(function () {
  "use strict";
  var DAY = 86400000;

  function parse(day) {
    var parts = day.split("-");
    return Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  function format(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function shift(day, days) {
    return format(parse(day) + days * DAY);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function showStatus(chart, message) {
    var status = chart.querySelector(".gantt-status");
    var alert = document.createElement("div");
    alert.className = "alert alert-danger py-1 px-2 small mb-2";
    alert.textContent = message;
    status.replaceChildren(alert);
  }

  function replaceChart(chart, html, taskId, keepFocus) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#gantt-chart");
    if (!fresh) {
      showStatus(chart, chart.dataset.labelFailed);
      return;
    }
    var scrollLeft = chart.querySelector(".gantt-scroll").scrollLeft;
    chart.replaceWith(fresh);
    fresh.querySelector(".gantt-scroll").scrollLeft = scrollLeft;
    setUp(fresh, false);
    if (keepFocus) {
      var bar = fresh.querySelector('.gantt-bar[data-task-id="' + taskId + '"]');
      if (bar) {
        bar.focus();
      }
    }
  }

  function send(chart, bar, start, end, keepFocus) {
    var body = new URLSearchParams({
      planned_start: start,
      planned_end: end,
      mode: chart.dataset.scale || "",
      baseline: chart.dataset.baseline || ""
    });
    chart.classList.add("gantt-busy");
    fetch(bar.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { status: response.status, text: text };
        });
      })
      .then(function (result) {
        chart.classList.remove("gantt-busy");
        if (result.status === 200 || result.status === 400) {
          replaceChart(chart, result.text, bar.dataset.taskId, keepFocus);
        } else {
          resetBar(bar);
          showStatus(chart, result.status === 403 ? chart.dataset.labelDenied : chart.dataset.labelFailed);
        }
      })
      .catch(function () {
        chart.classList.remove("gantt-busy");
        resetBar(bar);
        showStatus(chart, chart.dataset.labelFailed);
      });
  }

  function resetBar(bar) {
    bar.removeAttribute("transform");
    bar.classList.remove("gantt-dragging");
    var body = bar.querySelector("rect.gantt-bar-body");
    if (body && body.dataset.width) {
      body.setAttribute("width", body.dataset.width);
    }
  }

  function durationDays(bar) {
    return Math.round((parse(bar.dataset.end) - parse(bar.dataset.start)) / DAY);
  }

  function startDrag(chart, bar, event) {
    if (event.button !== 0) {
      return;
    }
    var pxPerDay = Number(chart.dataset.pxPerDay);
    var resizing = event.target.classList.contains("gantt-handle");
    var body = bar.querySelector("rect.gantt-bar-body");
    var width = body ? Number(body.getAttribute("width")) : 0;
    if (body) {
      body.dataset.width = String(width);
    }
    var originX = event.clientX;
    var days = 0;
    event.preventDefault();
    bar.setPointerCapture(event.pointerId);
    bar.classList.add("gantt-dragging");

    function onMove(moveEvent) {
      days = Math.round((moveEvent.clientX - originX) / pxPerDay);
      if (resizing) {
        days = Math.max(days, -durationDays(bar));
        body.setAttribute("width", String(Math.max(width + days * pxPerDay, pxPerDay)));
      } else {
        bar.setAttribute("transform", "translate(" + days * pxPerDay + ",0)");
      }
    }

    function onUp() {
      bar.removeEventListener("pointermove", onMove);
      bar.removeEventListener("pointerup", onUp);
      bar.removeEventListener("pointercancel", onCancel);
      if (days === 0) {
        resetBar(bar);
        return;
      }
      if (resizing) {
        send(chart, bar, bar.dataset.start, shift(bar.dataset.end, days), false);
      } else {
        send(chart, bar, shift(bar.dataset.start, days), shift(bar.dataset.end, days), false);
      }
    }

    function onCancel() {
      bar.removeEventListener("pointermove", onMove);
      bar.removeEventListener("pointerup", onUp);
      bar.removeEventListener("pointercancel", onCancel);
      resetBar(bar);
    }

    bar.addEventListener("pointermove", onMove);
    bar.addEventListener("pointerup", onUp);
    bar.addEventListener("pointercancel", onCancel);
  }

  function onKey(chart, bar, event) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") {
      return;
    }
    event.preventDefault();
    var days = event.key === "ArrowRight" ? 1 : -1;
    if (event.shiftKey) {
      if (days < 0 && durationDays(bar) === 0) {
        return;
      }
      send(chart, bar, bar.dataset.start, shift(bar.dataset.end, days), true);
    } else {
      send(chart, bar, shift(bar.dataset.start, days), shift(bar.dataset.end, days), true);
    }
  }

  function setUp(chart, firstLoad) {
    if (firstLoad) {
      // Open on today when the plan spans it, else on the plan's start.
      var scroll = chart.querySelector(".gantt-scroll");
      var today = Number(chart.dataset.todayX);
      if (chart.dataset.todayX && today > scroll.clientWidth / 2) {
        scroll.scrollLeft = today - scroll.clientWidth / 3;
      }
    }
    chart.querySelectorAll('.gantt-bar[data-editable="1"]').forEach(function (bar) {
      bar.addEventListener("pointerdown", function (event) {
        startDrag(chart, bar, event);
      });
      bar.addEventListener("keydown", function (event) {
        onKey(chart, bar, event);
      });
    });
  }

  var chart = document.getElementById("gantt-chart");
  if (chart) {
    setUp(chart, true);
  }
})();
