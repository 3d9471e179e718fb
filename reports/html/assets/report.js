// hvabi HTML report: filters, matrix recount and bit recolouring. Touches the page only through
// textContent, classList and hidden, never through markup, so no report string can become code.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hvabi-data").textContent);
  var NOT_OK = ["fail", "error", "core-error", "crash", "timeout"];
  var area = document.getElementById("f-area");
  var profile = document.getElementById("f-profile");
  var status = document.getElementById("f-status");
  var clause = document.getElementById("f-clause");
  var text = document.getElementById("f-text");
  var shown = document.getElementById("f-count");
  var caseRows = Array.prototype.slice.call(document.querySelectorAll("tr.case-row"));
  var clauseRows = Array.prototype.slice.call(document.querySelectorAll("tr.clause-row"));
  var matrixBodies = Array.prototype.slice.call(document.querySelectorAll("table.matrix tbody[data-area]"));
  var matrixCells = Array.prototype.slice.call(document.querySelectorAll("td.mcell"));
  var statusColumns = Array.prototype.slice.call(document.querySelectorAll("table.matrix [data-status]"));
  var bits = Array.prototype.slice.call(document.querySelectorAll("td.bit"));

  function statusMatches(wanted, statuses) {
    if (wanted === "") return true;
    if (wanted === "not-ok") return statuses.some(function (s) { return NOT_OK.indexOf(s) >= 0; });
    if (wanted === "differs") return statuses.some(function (s) { return s !== statuses[0]; });
    return statuses.indexOf(wanted) >= 0;
  }

  /** Number of results of one clause, column and status over the selected profile (all when none is). */
  function count(clause, column, wantedStatus) {
    var byProfile = data.clauses[clause][column] || {};
    var total = 0;
    Object.keys(byProfile).forEach(function (p) {
      if (profile.value !== "" && p !== profile.value) return;
      total += byProfile[p][wantedStatus] || 0;
    });
    return total;
  }

  function bitState(clauses, column) {
    if (clauses.length === 0) return "uncovered";
    for (var i = 0; i < data.severity.length; i++) {
      var candidate = data.severity[i];
      for (var j = 0; j < clauses.length; j++) if (count(clauses[j], column, candidate) > 0) return candidate;
    }
    return "untested";
  }

  /** Gives the element the colour of one status (or of none). */
  function setStatusClass(element, state) {
    Array.prototype.slice.call(element.classList).forEach(function (name) {
      if (name.indexOf("st-") === 0) element.classList.remove(name);
    });
    if (state !== null) element.classList.add("st-" + state);
  }

  function apply() {
    var needle = text.value.trim().toLowerCase();
    var visible = 0;
    caseRows.forEach(function (row) {
      var ok =
        (area.value === "" || row.dataset.area === area.value) &&
        (profile.value === "" || row.dataset.profile === profile.value) &&
        statusMatches(status.value, row.dataset.statuses.split(" ")) &&
        (clause.value === "" || row.dataset.clauses.split(" ").indexOf(clause.value) >= 0) &&
        (needle === "" || row.dataset.text.indexOf(needle) >= 0);
      row.hidden = !ok;
      if (ok) visible++;
    });
    shown.textContent = visible + " of " + caseRows.length + " results shown";

    clauseRows.forEach(function (row) {
      row.hidden = area.value !== "" && row.dataset.area !== area.value;
      row.classList.toggle("selected", row.dataset.clauseId === clause.value);
    });
    matrixBodies.forEach(function (body) {
      body.hidden = area.value !== "" && body.dataset.area !== area.value;
    });
    matrixCells.forEach(function (cell) {
      var n = count(Number(cell.dataset.clause), Number(cell.dataset.col), cell.dataset.status);
      cell.textContent = n > 0 ? String(n) : "·";
      setStatusClass(cell, n > 0 ? cell.dataset.status : null);
      cell.classList.toggle("zero", n === 0);
    });
    statusColumns.forEach(function (element) {
      var wanted = status.value;
      var s = element.dataset.status;
      element.hidden = !(wanted === "" || wanted === "differs" || wanted === s || (wanted === "not-ok" && NOT_OK.indexOf(s) >= 0));
    });
    bits.forEach(function (cell) {
      var clauses = cell.dataset.clauses === "" ? [] : cell.dataset.clauses.split(" ").map(Number);
      setStatusClass(cell, bitState(clauses, Number(cell.dataset.col)));
    });
  }

  document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  [area, profile, status, clause].forEach(function (select) { select.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  Array.prototype.slice.call(document.querySelectorAll("[data-filter-clause]")).forEach(function (link) {
    link.addEventListener("click", function () {
      clause.value = link.dataset.filterClause;
      apply();
    });
  });
  apply();
})();
