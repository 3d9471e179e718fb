// hvabi HTML report: filters, matrix recount, bit recolouring, and each case view drawn when it is
// opened. Touches the page only through createElement, textContent, classList, hidden and plain
// attributes, never through markup, so no report string can become code.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hvabi-data").textContent);
  var cases = JSON.parse(document.getElementById("hvabi-cases").textContent);
  var NOT_OK = ["fail", "error", "core-error", "crash", "timeout"];
  var area = document.getElementById("f-area");
  var profile = document.getElementById("f-profile");
  var status = document.getElementById("f-status");
  var clause = document.getElementById("f-clause");
  var text = document.getElementById("f-text");
  var shown = document.getElementById("f-count");
  var clauseRows = Array.prototype.slice.call(document.querySelectorAll("tr.clause-row"));
  var matrixBodies = Array.prototype.slice.call(document.querySelectorAll("table.matrix tbody[data-area]"));
  var matrixCells = Array.prototype.slice.call(document.querySelectorAll("td.mcell"));
  var statusColumns = Array.prototype.slice.call(document.querySelectorAll("table.matrix [data-status]"));
  var bits = Array.prototype.slice.call(document.querySelectorAll("td.bit"));
  var disagreements = Array.prototype.slice.call(document.querySelectorAll("article.disagreement"));
  var listBody = document.querySelector("table.cases tbody");
  var more = document.getElementById("cases-more");
  var next = document.getElementById("cases-next");
  var all = document.getElementById("cases-all");
  /** Rows listed at a time: a few hundred rows lay out at once, thousands do not. */
  var PAGE = 250;
  var texts = cases.rows.map(function (row) {
    var facts = cases.cases[row.c];
    return [facts.id || "", facts.title || "", facts.file].concat(facts.clauses).join(" ").toLowerCase();
  });
  var rowStatuses = cases.rows.map(function (row) {
    return row.cells.map(function (cell) { return cell ? cell.s : "none"; });
  });
  var matching = [];
  var listed = 0;

  function el(tag, attributes, children) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "class") element.className = attributes[name];
      else element.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return element;
  }
  function pretty(v) { var text = JSON.stringify(v, null, 2); return text === undefined ? "undefined" : text; }
  /** A link only to the web (issue trackers, source repositories): never script or data. */
  function link(href, text) {
    return /^https?:\/\//.test(href) ? el("a", { href: href, rel: "noreferrer" }, [text]) : document.createTextNode(text);
  }

  function value(position) { return cases.values[position]; }
  function badge(cell) {
    if (!cell) return el("span", { class: "badge st-none", title: "no such result in this report" }, ["—"]);
    return el("span", cell.r === undefined ? { class: "badge st-" + cell.s } : { class: "badge st-" + cell.s, title: value(cell.r) }, [cell.s]);
  }

  function statusMatches(wanted, statuses) {
    if (wanted === "") return true;
    if (wanted === "not-ok") return statuses.some(function (s) { return NOT_OK.indexOf(s) >= 0; });
    if (wanted === "differs") return statuses.some(function (s) { return s !== statuses[0]; });
    return statuses.indexOf(wanted) >= 0;
  }

  function rowMatches(index, needle) {
    var row = cases.rows[index];
    var facts = cases.cases[row.c];
    return (area.value === "" || facts.area === area.value) &&
      (profile.value === "" || row.profile === profile.value) &&
      (status.value === "disagree" ? row.disagree === 1 : statusMatches(status.value, rowStatuses[index])) &&
      (clause.value === "" || facts.clauses.indexOf(clause.value) >= 0) &&
      (needle === "" || texts[index].indexOf(needle) >= 0);
  }

  function listRow(index) {
    var row = cases.rows[index];
    var facts = cases.cases[row.c];
    var name = [el("a", { href: "#case-" + index }, [facts.id === null ? facts.file : facts.id])];
    if (row.baseline) name.push(" ", el("span", { class: "badge st-skip", title: row.baseline.reason }, ["baseline: " + row.baseline.status]));
    if (row.compared) name.push(" ", el("a", { class: "to-diff", href: "#diff-" + index, title: "where the cores disagree, side by side" }, ["⇄"]));
    return el("tr", { class: "case-row", "data-profile": row.profile }, row.cells.map(function (cell) { return el("td", {}, [badge(cell)]); }).concat([
      el("td", {}, name), el("td", {}, profileCell(row)), el("td", {}, [facts.area]), el("td", { class: "title" }, [facts.title || ""]),
    ]));
  }

  /** A profile, and the base it comes from for a case that applies to it only through its basedOn. */
  function profileCell(row) {
    if (!row.from) return [row.profile];
    return [row.profile, " ", el("span", { class: "muted", title: "the case lists " + row.from + "; it applies to " + row.profile + " through its basedOn" }, ["from " + row.from])];
  }

  /** Lists matching rows up to `upTo`. */
  function listUpTo(upTo) {
    var end = Math.min(upTo, matching.length);
    var rows = document.createDocumentFragment();
    for (; listed < end; listed++) rows.appendChild(listRow(matching[listed]));
    listBody.appendChild(rows);
    var rest = matching.length - listed;
    more.hidden = rest === 0;
    next.textContent = "list " + Math.min(PAGE, rest) + " more";
    all.textContent = "list all " + matching.length;
    shown.textContent = matching.length + " of " + cases.rows.length + " results shown" + (rest > 0 ? " (the first " + listed + " listed)" : "");
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

  /** Lists the rows the filters select and recounts the rest; `initial`: the page as written already shows every count and colour unfiltered. */
  function apply(initial) {
    var needle = text.value.trim().toLowerCase();
    matching = [];
    for (var index = 0; index < cases.rows.length; index++) if (rowMatches(index, needle)) matching.push(index);
    while (listBody.firstChild) listBody.removeChild(listBody.firstChild);
    listed = 0;
    listUpTo(PAGE);
    if (initial === true && area.value === "" && profile.value === "" && status.value === "" && clause.value === "") return;

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
      element.hidden = !(wanted === "" || wanted === "differs" || wanted === "disagree" || wanted === s || (wanted === "not-ok" && NOT_OK.indexOf(s) >= 0));
    });
    disagreements.forEach(function (entry) {
      entry.hidden = (area.value !== "" && entry.dataset.area !== area.value) || (profile.value !== "" && entry.dataset.profile !== profile.value);
    });
    bits.forEach(function (cell) {
      var clauses = cell.dataset.clauses === "" ? [] : cell.dataset.clauses.split(" ").map(Number);
      setStatusClass(cell, bitState(clauses, Number(cell.dataset.col)));
    });
  }

  document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  [area, profile, status, clause].forEach(function (select) { select.addEventListener("change", function () { apply(); }); });
  text.addEventListener("input", function () { apply(); });
  next.addEventListener("click", function () { listUpTo(listed + PAGE); });
  all.addEventListener("click", function () { listUpTo(matching.length); });
  Array.prototype.slice.call(document.querySelectorAll("[data-filter-clause]")).forEach(function (link) {
    link.addEventListener("click", function () {
      clause.value = link.dataset.filterClause;
      apply();
    });
  });
  apply(true);

  // ---- Case views, drawn from the data block when a #case-N link is followed. ----
  var view = document.querySelector("article.case-view");

  function noSteps(cell) {
    if (!cell) return el("p", { class: "muted" }, ["No such result in this report."]);
    if (cell.s === "pass") return el("p", { class: "muted" }, ["Passed. Steps of passing results are kept only when the run used ", el("code", {}, ["--detail all"]), "."]);
    if (cell.s === "skip") return el("p", { class: "muted" }, ["Skipped: " + (cell.r === undefined ? "no reason given" : value(cell.r))]);
    if (cell.p) return el("ul", { class: "problems" }, cell.p.map(function (problem) { return el("li", {}, [el("code", {}, [problem])]); }));
    return el("pre", { class: "reason" }, [cell.r === undefined ? cell.s : value(cell.r)]);
  }

  function observedCell(step, cell, reference) {
    if (!step) return el("td", { class: "observed" }, [cell && cell.steps ? el("p", { class: "muted" }, ["No such step in this report."]) : noSteps(cell)]);
    var mismatches = value(step[4]);
    var otherExpectation = reference && reference[2] !== step[2] && pretty(value(reference[2])) !== pretty(value(step[2]));
    return el("td", { class: "observed " + (mismatches.length > 0 ? "mismatch" : "match") }, [
      el("pre", {}, [step[3] < 0 ? "nothing observed" : pretty(value(step[3]))]),
      mismatches.length > 0 ? el("ul", { class: "mismatches" }, mismatches.map(function (m) {
        return el("li", {}, [el("code", {}, [m.field]), ": expected ", el("code", {}, [pretty(m.expected)]), ", observed ", el("code", {}, [pretty(m.observed)])]);
      })) : null,
      otherExpectation ? el("details", {}, [el("summary", {}, ["this report expected something else"]), el("pre", {}, [pretty(value(step[2]))])]) : null,
    ]);
  }

  function stepsTable(row) {
    var many = cases.labels.length > 1;
    var count = 0;
    row.cells.forEach(function (cell) { if (cell && cell.steps) count = Math.max(count, cell.steps.length); });
    if (count === 0) {
      return el("div", { class: "no-steps" }, cases.labels.map(function (label, column) { return el("div", {}, [el("h4", {}, [label]), noSteps(row.cells[column])]); }));
    }
    var body = [];
    for (var index = 0; index < count; index++) {
      var steps = row.cells.map(function (cell) { return cell && cell.steps ? cell.steps[index] : undefined; });
      var reference = steps.filter(function (step) { return step !== undefined; })[0];
      body.push(el("tr", {}, [
        el("th", { scope: "row" }, [String(index)]),
        el("td", {}, [el("code", {}, [reference ? value(reference[0]) : ""]), reference && reference[1] >= 0 ? el("pre", {}, [pretty(value(reference[1]))]) : null]),
        el("td", { class: "expected" }, [el("pre", {}, [reference ? pretty(value(reference[2])) : ""])]),
      ].concat(row.cells.map(function (cell, column) { return observedCell(steps[column], cell, reference); }))));
    }
    var head = [el("th", {}, ["#"]), el("th", {}, ["operation"]), el("th", {}, ["expected"])].concat(cases.labels.map(function (label, column) { return el("th", { title: cases.titles[column] }, [many ? "observed: " + label : "observed"]); }));
    return el("div", { class: "scroll" }, [el("table", { class: "steps" }, [el("thead", {}, [el("tr", {}, head)]), el("tbody", {}, body)])]);
  }

  function sourceList(sources) {
    return el("ul", { class: "sources" }, sources.map(function (source) { return el("li", {}, [source[1] ? link(source[1], source[0]) : source[0]]); }));
  }

  function clauseBlock(id) {
    var clause = cases.clauses[id];
    if (!clause) return el("div", { class: "clause" }, [el("h4", {}, [id]), el("p", { class: "muted" }, ["This clause is not in this hvabi's spec (the report was made with another version)."])]);
    return el("div", { class: "clause" }, [
      el("h4", {}, [id + " ", el("span", { class: "muted" }, ["(" + clause.area + "; holds in " + clause.profiles.join(", ") + ")"])]),
      el("p", { class: "sentence" }, [clause.sentence]),
      sourceList(clause.sources),
    ].concat((clause.excluded || []).reduce(function (all, exclusion) {
      return all.concat([el("p", { class: "note" }, ["Does not hold in " + exclusion[0] + ": " + exclusion[1] + "."]), sourceList(exclusion[2])]);
    }, [])).concat([
      clause.note ? el("p", { class: "note" }, [clause.note]) : null,
    ]));
  }

  function fact(name, content) { return [el("dt", {}, [name]), el("dd", {}, content)]; }

  function caseView(row, index) {
    var about = cases.cases[row.c];
    var name = about.id === null ? about.file : about.id;
    var facts = [].concat(
      fact("case", [el("code", {}, [name])]),
      fact("file", [el("code", {}, [about.file])]),
      fact("area", [about.area]),
      fact("profile", row.from ? [row.profile + " (the case lists " + row.from + ", which " + row.profile + " is based on: its expectations, unless the case gives " + row.profile + " its own)"] : [row.profile]),
      about.polarity ? fact("polarity", [about.polarity]) : [],
      row.baseline ? fact("baseline", ["expected " + row.baseline.status + ": " + row.baseline.reason].concat(row.baseline.issue ? [" (", link(row.baseline.issue, row.baseline.issue), ")"] : [])) : []
    );
    var results = cases.labels.map(function (label, column) {
      var cell = row.cells[column] || null;
      return el("tr", {}, [
        el("th", { scope: "row", title: cases.titles[column] }, [label]),
        el("td", {}, [badge(cell)]),
        el("td", { class: "num" }, [cell ? (cell.t / 1000).toFixed(2) + " s" : ""]),
        el("td", {}, [
          cell && cell.r !== undefined && cell.s !== "pass" ? el("pre", { class: "reason" }, [value(cell.r)]) : null,
          cell && cell.e !== undefined ? el("details", {}, [el("summary", {}, ["core stderr"]), el("pre", {}, [value(cell.e)])]) : null,
        ]),
      ]);
    });
    return [
      el("p", {}, [el("a", { href: "#cases" }, ["← all cases"])]),
      el("h2", { class: "case-title" }, [about.title === undefined ? name : about.title]),
      el("dl", { class: "facts" }, facts),
      el("h3", {}, ["Results"]),
      el("table", { class: "results" }, [el("tbody", {}, results)]),
      row.compared ? el("p", {}, [el("a", { href: "#diff-" + index }, ["The cores disagree: their differing values side by side, bits decoded"])]) : null,
      el("h3", {}, ["Steps: expected versus observed"]),
      stepsTable(row),
      el("h3", {}, ["Clauses"]),
    ].concat(about.clauses.length > 0 ? about.clauses.map(clauseBlock) : [el("p", { class: "muted" }, ["The case cites no clause (it did not load far enough)."])]);
  }

  function route() {
    var match = /^#case-(\d+)$/.exec(location.hash);
    var row = match ? cases.rows[Number(match[1])] : undefined;
    while (view.firstChild) view.removeChild(view.firstChild);
    if (row === undefined) {
      view.hidden = true;
      view.removeAttribute("id");
      document.body.classList.remove("viewing");
      var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      if (target) target.scrollIntoView();
      return;
    }
    caseView(row, Number(match[1])).forEach(function (child) { if (child) view.appendChild(child); });
    view.id = "case-" + match[1];
    view.hidden = false;
    document.body.classList.add("viewing");
    window.scrollTo(0, 0);
  }
  window.addEventListener("hashchange", route);
  route();
})();
