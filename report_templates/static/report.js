/* report_templates/static/report.js — inlined into every report: sort and filter for tables marked
   class="interactive". Progressive enhancement: without this script every table is complete and
   readable (and printed in full); nothing is fetched, no library is used. The page's
   Content-Security-Policy allows exactly this script (by its hash), so keep it free of "<" + "/". */
(function () {
  "use strict";

  var MISSING = "\u2014"; // the report's "unknown" dash: sorts last

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var key = cell.getAttribute("data-sort");
    return (key === null ? cell.textContent : key).trim();
  }

  function asNumber(text) {
    if (text === "" || text === MISSING) { return null; }
    var cleaned = text.replace(/[%,\s]/g, "");
    return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned) ? parseFloat(cleaned) : NaN;
  }

  function sortTable(table, index, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var keys = rows.map(function (row, i) { return { row: row, i: i, text: cellKey(row, index) }; });
    var numeric = keys.every(function (k) { return !isNaN(asNumber(k.text)); });
    keys.forEach(function (k) { k.value = numeric ? asNumber(k.text) : k.text.toLowerCase(); });
    keys.sort(function (a, b) {
      var empty = (a.text === "" || a.text === MISSING) - (b.text === "" || b.text === MISSING);
      if (empty !== 0) { return empty; } // unknown values last in both directions
      var order = numeric ? a.value - b.value : a.value.localeCompare(b.value, undefined, { numeric: true });
      if (!ascending) { order = -order; }
      return order !== 0 ? order : a.i - b.i;
    });
    keys.forEach(function (k) { body.appendChild(k.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function filterTable(table, query, status) {
    var q = query.trim().toLowerCase();
    var rows = table.tBodies[0].rows;
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = q === "" || row.textContent.toLowerCase().indexOf(q) !== -1;
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    status.textContent = q === "" ? rows.length + " rows" : "Showing " + shown + " of " + rows.length + " rows";
  }

  function enhance(table, n) {
    if (!table.tHead || !table.tBodies.length || table.tBodies[0].rows.length < 2) { return; }
    var caption = table.caption ? table.caption.textContent.trim() : "table";
    var tools = document.createElement("div");
    tools.className = "table-tools no-print";
    var label = document.createElement("label");
    var input = document.createElement("input");
    var status = document.createElement("span");
    input.type = "search";
    input.id = (table.id || "table-" + n) + "-filter";
    input.className = "table-filter";
    input.setAttribute("aria-label", "Filter rows of: " + caption);
    if (table.id) { input.setAttribute("aria-controls", table.id); }
    label.htmlFor = input.id;
    label.textContent = "Filter";
    status.className = "table-status";
    status.setAttribute("aria-live", "polite");
    tools.appendChild(label);
    tools.appendChild(input);
    tools.appendChild(status);
    table.parentNode.insertBefore(tools, table);
    input.addEventListener("input", function () { filterTable(table, input.value, status); });
    filterTable(table, "", status);

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.classList.add("sortable");
      button.addEventListener("click", function () { sortTable(table, index, th); });
    });
  }

  function init() {
    var tables = document.querySelectorAll("table.interactive");
    Array.prototype.forEach.call(tables, enhance);
    document.documentElement.classList.add("js");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
