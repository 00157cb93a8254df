// PMO Desk behaviours, bound from data attributes because CSP forbids inline scripts.
(function () {
  "use strict";

  // A form or button with data-confirm asks before it submits.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  // Selects and inputs with data-autosubmit submit their filter form on change.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.autosubmit !== undefined && field.form) {
      field.form.requestSubmit();
    }
  });

  // Searchable selects (components/search_select.html): ArrowDown in the search box goes to the matches
  // (the first one chosen), Enter on the matches submits their form, Escape goes back to the search box.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.dataset) {
      return;
    }
    if (field.dataset.searchBox !== undefined && event.key === "ArrowDown") {
      var matches = document.getElementById(field.getAttribute("aria-controls"));
      if (matches) {
        event.preventDefault();
        if (matches.selectedIndex < 1 && matches.options.length > 1) {
          matches.selectedIndex = 1;
        }
        matches.focus();
      }
    } else if (field.dataset.searchMatches !== undefined && field.form) {
      if (event.key === "Enter") {
        event.preventDefault();
        field.form.requestSubmit();
      } else if (event.key === "Escape") {
        var box = field.form.querySelector('[data-search-box][aria-controls="' + field.id + '"]');
        if (box) {
          event.preventDefault();
          box.focus();
        }
      }
    }
  });

  // Tables scroll sideways inside their own region, never the page: wrap each table of the main
  // content, and make the region a labelled Tab stop while it actually scrolls (WCAG 2.1.1).
  function regionLabel(table) {
    var caption = table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var labelled = table.getAttribute("aria-label");
    if (labelled) { return labelled; }
    var card = table.closest(".card");
    var header = card && card.querySelector(".card-header, .card-title");
    if (header) { return header.textContent.trim(); }
    var heading = document.querySelector("main h1");
    return heading ? heading.textContent.trim() : document.title;
  }

  function wrapTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (!table.closest("main")) { return; }
      var region = table.parentElement;
      if (!region.classList.contains("table-responsive") && !region.classList.contains("table-scroll")) {
        region = document.createElement("div");
        region.className = "table-scroll";
        table.parentNode.insertBefore(region, table);
        region.appendChild(table);
      }
      region.classList.add("table-scroll");
      if (!region.hasAttribute("aria-label")) {
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", regionLabel(table));
      }
      markScrollable(region);
    });
  }

  function markScrollable(region) {
    // Only the Tab stops this script added come and go with the width; a template's own stay.
    if (region.scrollWidth > region.clientWidth + 1 && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
      region.dataset.focusAuto = "1";
    } else if (region.scrollWidth <= region.clientWidth + 1 && region.dataset.focusAuto) {
      region.removeAttribute("tabindex");
      delete region.dataset.focusAuto;
    }
  }

  // Main lists marked .table-stack become one card per row on a phone: each cell carries its header.
  function labelStackedCells(root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (headers[index] && !cell.dataset.label) { cell.dataset.label = headers[index]; }
        });
      });
    });
  }

  // On a phone the project tab bar scrolls sideways: open it on the current page's tab, not the first,
  // with a bit of the tab before it showing, so that one sees the bar scrolls both ways.
  function showActiveTab(root) {
    root.querySelectorAll(".project-tabs").forEach(function (bar) {
      var active = bar.querySelector(".nav-link.active");
      if (active && bar.scrollWidth > bar.clientWidth + 1) {
        bar.scrollLeft += active.getBoundingClientRect().left - bar.getBoundingClientRect().left - 48;
      }
    });
  }

  function start() { labelStackedCells(document); wrapTables(document); showActiveTab(document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target.closest("main") || document;
    labelStackedCells(root);
    wrapTables(root);
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".table-scroll").forEach(markScrollable);
  });
})();
