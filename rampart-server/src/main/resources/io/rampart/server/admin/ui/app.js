// Rampart dashboard: polls /api/status once a second (the admin listener samples the counters
// itself, so any number of open dashboards costs one sampler) and redraws charts and tables.
// Operators act from it through the same admin API (session cookie + CSRF header): pin a site,
// add or remove an operator rule (after a preview of the normal traffic it would hit), put an
// automatic rule in shadow, edit the allow/deny lists, note, close or send an incident to the
// CERT. Every action asks for confirmation and lands in the incident timeline with the signed-in
// name. A viewer sees no actions (and the API refuses them anyway).
(function () {
  "use strict";
  var VERDICT_COLOURS = { allow: "#2a9d5c", limit: "#e9a23b", challenge: "#3a7bd5", block: "#c0392b", close: "#6c3483", tarpit: "#7f8c8d", origin_busy: "#d35400" };
  var charts = {};
  // per site: which range the charts show ("live": the last two minutes, redrawn every second) and,
  // for the others, the history last fetched from /api/history and when
  var ranges = {};
  var histories = {};
  // per site: how the sources table is grouped, and which groups are opened to show their networks
  var groupBy = {};
  var opened = {};
  // per rule: its matches per second at each poll, the last two minutes (kept by this page)
  var ruleHits = {};

  // a small inline chart of one rule's matches per second over the last polls
  function sparkline(id, value) {
    var h = ruleHits[id] || (ruleHits[id] = []);
    h.push(value || 0);
    if (h.length > 120) { h.shift(); }
    var max = Math.max.apply(null, h.concat([1]));
    var pts = h.map(function (v, i) { return (i * 100 / Math.max(1, h.length - 1)).toFixed(1) + "," + (20 - v / max * 18).toFixed(1); }).join(" ");
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 20");
    svg.setAttribute("class", "spark");
    svg.setAttribute("data-points", String(h.length));
    svg.setAttribute("aria-label", "matches per second, last " + h.length + " s, highest " + fmt(max));
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", pts);
    svg.appendChild(line);
    return svg;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  var STEPS = ["auto", "observe", "limit", "challenge", "block", "close", "under-attack"];
  var RULE_STEPS = ["block", "challenge", "limit", "close"];
  var MATCH_KEYS = ["network", "address", "path", "method", "userAgent", "hfp", "ja4", "h2", "asn", "country"];

  function say(text, error) {
    var m = document.getElementById("message");
    m.hidden = false;
    m.textContent = text;
    m.className = error ? "error" : "";
  }

  // one call to the admin API: resolves with the JSON answer, rejects with the API's own error text
  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: { "X-Rampart-Csrf": "1" } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (t) {
        var j = null;
        try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
        if (!r.ok) { throw new Error((j && j.error) || (r.status + " " + t)); }
        return j;
      });
    });
  }

  // asks, acts, reports the outcome and redraws
  function act(question, method, path, body, done) {
    if (!window.confirm(question)) { return; }
    api(method, path, body).then(function (j) { say(done + "."); refresh(); }, function (e) { say(e.message, true); });
  }

  function options(select, values) {
    values.forEach(function (v) { select.appendChild(el("option", { value: v }, v)); });
    return select;
  }

  function actionPanel(site) {
    var d = el("details", { "class": "act" });
    d.appendChild(el("summary", null, "Act on " + site));
    var pin = el("form", { "class": "act pin" });
    pin.appendChild(el("span", null, "Mitigation:"));
    var step = options(el("select", { name: "step", "aria-label": "pin step" }), STEPS);
    pin.appendChild(step);
    pin.appendChild(el("button", { type: "submit" }, "Pin"));
    pin.addEventListener("submit", function (e) {
      e.preventDefault();
      act(step.value === "auto" ? "Let detection choose the mitigation of " + site + " again?" : "Pin " + site + " at " + step.value
        + "? Detection will not step it down until you unpin.", "POST", "/api/sites/" + encodeURIComponent(site) + "/pin?step="
        + encodeURIComponent(step.value), undefined, step.value === "auto" ? "Pin removed" : "Pinned at " + step.value);
    });
    d.appendChild(pin);
    var rule = el("form", { "class": "act rule" });
    rule.appendChild(el("span", null, "New rule:"));
    var rstep = options(el("select", { name: "step", "aria-label": "rule step" }), RULE_STEPS);
    var key = options(el("select", { name: "key", "aria-label": "match on" }), MATCH_KEYS);
    var value = el("input", { name: "value", placeholder: "203.0.113.0/24", "aria-label": "value", required: "required" });
    var ttl = el("input", { name: "ttl", value: "1h", size: "4", "aria-label": "for how long" });
    var preview = el("span", { "class": "preview" });
    [rstep, el("span", null, "where"), key, el("span", null, "="), value, el("span", null, "for"), ttl].forEach(function (x) { rule.appendChild(x); });
    rule.appendChild(el("button", { type: "submit" }, "Add rule"));
    rule.appendChild(preview);
    rule.addEventListener("submit", function (e) {
      e.preventDefault();
      var match = {}; match[key.value] = value.value;
      api("POST", "/api/rules/preview", { site: site, match: match }).then(function (p) {
        var share = p.normalShare === null ? null : (p.normalShare * 100).toFixed(2) + "%";
        var cost = !p.settled ? "normal traffic is not learned yet, so its cost to real visitors is unknown"
            + (share === null ? "" : " (first guess: " + share + ")")
          : "it would have hit " + share + " of normal traffic (" + p.sample + " requests sampled)";
        preview.textContent = cost;
        act("Add a rule to " + rstep.value + " requests to " + site + " where " + key.value + " = " + value.value
          + (ttl.value ? " for " + ttl.value : "") + "?\n\nPreview: " + cost + ".", "POST", "/api/rules",
          { site: site, step: rstep.value, match: match, ttl: ttl.value || undefined }, "Rule added");
      }, function (err) { say(err.message, true); });
    });
    d.appendChild(rule);
    return d;
  }

  function actButton(text, onClick) {
    var b = el("button", { type: "button", "class": "act" }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  function fmt(n) { return n === null || n === undefined ? "-" : Number(n).toLocaleString("en-GB", { maximumFractionDigits: 1 }); }

  function siteCard(site) {
    var id = "site-" + site.name.replace(/[^A-Za-z0-9_-]/g, "_");
    var card = document.getElementById(id);
    if (card) { return card; }
    card = el("article", { id: id, "class": "site", "data-site": site.name });
    var head = el("div", { "class": "site-head" });
    head.appendChild(el("h2", null, site.name));
    head.appendChild(el("span", { "class": "state" }));
    head.appendChild(el("span", { "class": "rate", title: "requests in the last second, the chart's last point (the detection signal below counts over its own tick)" }));
    var button = el("button", { "class": "switch", type: "button" });
    button.classList.add("act");
    button.addEventListener("click", function () { toggle(site.name, !button.classList.contains("on")); });
    head.appendChild(button);
    head.appendChild(el("div", { "class": "signals" }));
    card.appendChild(head);
    card.appendChild(actionPanel(site.name));
    var picker = el("div", { "class": "ranges", role: "group", "aria-label": "chart range" });
    [["live", "2 min (live)"], ["1h", "1 hour"], ["24h", "24 hours"], ["30d", "30 days"]].forEach(function (r) {
      var b = el("button", { type: "button", "data-range": r[0] }, r[1]);
      b.addEventListener("click", function () {
        ranges[site.name] = r[0];
        delete histories[site.name];
        Array.prototype.forEach.call(picker.querySelectorAll("button"), function (x) { x.classList.toggle("on", x === b); });
        refresh();
      });
      if (r[0] === "live") { b.classList.add("on"); }
      picker.appendChild(b);
    });
    picker.appendChild(el("span", { "class": "hint" }, "drag across a chart to zoom in, double-click to zoom out"));
    card.appendChild(picker);
    var row = el("div", { "class": "charts" });
    var c1 = el("div", { "class": "chart requests" }); c1.appendChild(el("h3", null, "Requests per second by verdict"));
    var c2 = el("div", { "class": "chart origin" }); c2.appendChild(el("h3", null, "Origin latency (ms) and errors per second"));
    var c3 = el("div", { "class": "chart known" }); c3.appendChild(el("h3", null, "Known users' success (%) and distinct sources"));
    var c4 = el("div", { "class": "chart rulehist", hidden: "hidden" }); c4.appendChild(el("h3", null, "Matches per second of each rule"));
    row.appendChild(c1); row.appendChild(c2); row.appendChild(c3); row.appendChild(c4);
    card.appendChild(row);
    var tables = el("div", { "class": "tables" });
    var r = el("div"); r.appendChild(el("h3", null, "Rules in force"));
    var rt = el("table", { "class": "rules" });
    rt.innerHTML = "<thead><tr><th>Rule</th><th>Step</th><th>Matching</th><th>/s</th><th>Last 2 min</th><th>Matched</th><th class=\"act\"></th></tr></thead><tbody></tbody>";
    r.appendChild(rt);
    var s = el("div");
    var sh = el("h3", null, "Top sources (last seconds), by ");
    var by = options(el("select", { "class": "group-by", "aria-label": "group sources by" }), ["network", "autonomous system", "country"]);
    by.addEventListener("change", function () { groupBy[site.name] = by.value; refresh(); });
    sh.appendChild(by);
    s.appendChild(sh);
    var st = el("table", { "class": "sources" });
    st.innerHTML = "<thead><tr><th>Source</th><th>AS / country</th><th>Requests/s (est.)</th><th>Refused</th></tr></thead><tbody></tbody>";
    s.appendChild(st);
    tables.appendChild(r); tables.appendChild(s);
    card.appendChild(tables);
    document.getElementById("sites").appendChild(card);
    return card;
  }

  // draws or updates one chart; {@code source} is the answer the data came from: the same answer
  // again (a history between fetches) leaves the chart, and an operator's zoom, as it is
  // {@code axes}, {@code scales}: uPlot's, for a chart with two units (default: one value axis)
  function chart(key, container, series, data, source, axes, scales) {
    var width = Math.max(300, container.clientWidth - 8);
    var c = charts[key];
    if (c && (c.series.length !== series.length || series.some(function (x, i) { return i > 0 && c.series[i].label !== x.label; }))) {
      c.destroy(); c = null; // a series came or went (the kernel's, a rule's)
    }
    if (!c) {
      c = new uPlot({ width: width, height: 200, series: series, axes: axes || [{}, { size: 60 }], scales: scales || {}, legend: { show: true } }, data, container);
      charts[key] = c;
    } else {
      if (Math.abs(c.width - width) > 4) { c.setSize({ width: width, height: 200 }); }
      if (c.source !== source) { c.setData(data); }
    }
    c.source = source;
    container.setAttribute("data-points", String(data[0].length));
  }

  function fillRows(tbody, rows, empty, cols) {
    tbody.textContent = "";
    if (!rows.length) {
      var tr = el("tr"); var td = el("td", { colspan: String(cols), "class": "empty" }, empty); tr.appendChild(td); tbody.appendChild(tr);
      return;
    }
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (c) {
        var td = el("td", typeof c === "number" ? { "class": "num" } : null);
        if (c && c.nodeType) { td.appendChild(c); } else { td.textContent = typeof c === "number" ? fmt(c) : (c === null ? "-" : c); }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }

  function renderSite(site) {
    var card = siteCard(site);
    var state = card.querySelector(".state");
    state.textContent = site.state;
    state.className = "state " + site.state;
    var rps = site.requestsPerSecond || {};
    var total = 0; Object.keys(rps).forEach(function (k) { total += rps[k]; });
    card.querySelector(".rate").textContent = fmt(total) + " req/s, " + fmt(rps.allow || 0) + " served";
    var button = card.querySelector("button.switch");
    button.classList.toggle("on", !!site.underAttack);
    button.textContent = site.underAttack ? "Under attack: ON (challenge every unknown client)" : "Under attack: off";
    card.querySelector(".signals").textContent = (site.signals || "") + " · origins: " + (site.origins || []).map(function (o) {
      return o.url + (o.up ? " (up)" : " (DOWN)");
    }).join(", ");
    var range = ranges[site.name] || "live";
    var s = site.series;
    if (range !== "live") {
      var h = histories[site.name];
      var due = !h || Date.now() - h.fetched > (range === "1h" ? 5000 : 60000);
      if (due && !(h && h.loading)) {
        histories[site.name] = { fetched: h ? h.fetched : 0, data: h ? h.data : null, loading: true };
        fetch("/api/history?site=" + encodeURIComponent(site.name) + "&range=" + range, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.json(); })
          .then(function (d) { histories[site.name] = { fetched: Date.now(), data: d, loading: false }; });
      }
      s = histories[site.name].data; // null until the first answer is in: the charts wait, the tables do not
    }
    card.setAttribute("data-range", range);
    if (s) { drawCharts(site, card, s); }
    fillTables(site, card);
  }

  function drawCharts(site, card, s) {
    var verdicts = Object.keys(s.requestsPerSecond);
    var series = [{}].concat(verdicts.map(function (v) { return { label: v, stroke: VERDICT_COLOURS[v] || "#333", width: 1.5 }; }));
    var columns = [s.time].concat(verdicts.map(function (v) { return s.requestsPerSecond[v]; }));
    if (s.droppedInKernelPerSecond && s.droppedInKernelPerSecond.some(function (x) { return x > 0; })) { // the kernel firewall: packets, the whole node's (dropped before any site is known)
      series.push({ label: "dropped in kernel (packets/s, node)", stroke: "#555", width: 1.5, dash: [6, 4] });
      columns.push(s.droppedInKernelPerSecond);
    }
    chart(site.name + "/requests", card.querySelector(".chart.requests"), series, columns, s);
    chart(site.name + "/origin", card.querySelector(".chart.origin"),
      [{}, { label: "latency ms", stroke: "#3a7bd5", width: 1.5, spanGaps: true }, { label: "errors/s", stroke: "#c0392b", width: 1.5 }],
      [s.time, s.originLatencyMs, s.originErrorsPerSecond], s);
    if (s.knownSuccessPercent) {
      chart(site.name + "/known", card.querySelector(".chart.known"), twoScales("success %", "#2a9d5c", "sources", "#7f8c8d"),
        [s.time, s.knownSuccessPercent, s.sources], s, twoAxes(), { "%": { range: [0, 100] } });
    }
    var rh = card.querySelector(".chart.rulehist");
    var names = s.rules ? Object.keys(s.rules.matchesPerSecond) : [];
    rh.hidden = !s.rules; // the live view shows each rule's line in the table instead
    if (s.rules) {
      if (!names.length) { rh.setAttribute("data-points", "0"); rh.setAttribute("data-rules", ""); }
      else {
        chart(site.name + "/rules", rh, [{}].concat(names.map(function (n, i) { return { label: n, stroke: RULE_COLOURS[i % RULE_COLOURS.length], width: 1.5 }; })),
          [s.rules.time].concat(names.map(function (n) { return s.rules.matchesPerSecond[n]; })), s);
        rh.setAttribute("data-rules", names.join(" "));
      }
    }
  }

  var RULE_COLOURS = ["#c0392b", "#3a7bd5", "#e9a23b", "#6c3483", "#2a9d5c", "#d35400", "#555"];

  // two lines on two scales: a percentage on the left, a count on the right
  function twoScales(a, colourA, b, colourB) {
    return [{}, { label: a, scale: "%", stroke: colourA, width: 1.5, spanGaps: true }, { label: b, scale: "n", stroke: colourB, width: 1.5 }];
  }

  function twoAxes() {
    return [{}, { scale: "%", size: 50 }, { scale: "n", side: 1, size: 60, grid: { show: false } }];
  }

  function fillTables(site, card) {
    var live = {};
    (site.rules || []).forEach(function (r) { live[site.name + "/" + r.id] = true; });
    Object.keys(ruleHits).forEach(function (k) { // a rule gone takes its line with it
      if (k.indexOf(site.name + "/") === 0 && !live[k]) { delete ruleHits[k]; }
    });
    fillRows(card.querySelector("table.rules tbody"), (site.rules || []).map(function (r) {
      var operators = r.id.indexOf("op-") === 0;
      var b = operators
        ? actButton("Remove", function () { act("Remove rule " + r.id + " (" + r.conditions + ")?", "DELETE", "/api/rules/" + encodeURIComponent(r.id), undefined, "Rule " + r.id + " removed"); })
        : actButton(r.shadow ? "Enforce" : "Shadow", function () {
          act((r.shadow ? "Enforce rule " : "Put rule ") + r.id + (r.shadow ? " again?" : " in shadow (counted, not enforced)?"), "POST",
            "/api/rules/" + encodeURIComponent(r.id) + "/shadow?on=" + !r.shadow, undefined, "Rule " + r.id + (r.shadow ? " enforced" : " in shadow"));
        });
      return [r.id + (r.shadow ? " (shadow)" : ""), r.step, r.conditions, r.matchingPerSecond, sparkline(site.name + "/" + r.id, r.matchingPerSecond),
        r.matchedTotal, b];
    }), "no rule in force", 7);
    var mode = groupBy[site.name] || "network";
    var tbody = card.querySelector("table.sources tbody");
    if (mode === "network") {
      fillRows(tbody, (site.topSources || []).map(function (c) {
        var origin = [c.autonomousSystem, c.country].filter(function (x) { return x; }).join(" · ");
        return [c.network, origin || "-", c.requestsPerSecond, Math.round(c.refusedShare * 100) + "%"];
      }), "no traffic yet", 4);
      return;
    }
    var groups = site.sourceGroups ? (mode === "country" ? site.sourceGroups.countries : site.sourceGroups.autonomousSystems) : [];
    var rows = [];
    groups.forEach(function (g) {
      var key = site.name + "/" + mode + "/" + g.name;
      var toggle = el("button", { type: "button", "class": "drill", "aria-expanded": String(!!opened[key]) }, (opened[key] ? "▾ " : "▸ ") + g.name);
      toggle.addEventListener("click", function () { opened[key] = !opened[key]; refresh(); });
      rows.push([toggle, g.networks.length + " network" + (g.networks.length === 1 ? "" : "s"), g.requestsPerSecond, Math.round(g.refusedShare * 100) + "%"]);
      if (opened[key]) {
        g.networks.forEach(function (n) { rows.push(["    " + n.network, "", n.requestsPerSecond, Math.round(n.refusedShare * 100) + "%"]); });
      }
    });
    fillRows(tbody, rows, "no groups: configure incidents.geoDatabases to see autonomous systems and countries", 4);
  }

  // a reload can remove sites: their cards and charts go with them
  function dropRemovedSites(sites) {
    var live = {};
    sites.forEach(function (s) { live[s.name] = true; });
    Array.prototype.slice.call(document.querySelectorAll("#sites article.site")).forEach(function (card) {
      var name = card.getAttribute("data-site");
      if (live[name]) { return; }
      ["/requests", "/origin", "/known", "/rules"].forEach(function (k) {
        if (charts[name + k]) { charts[name + k].destroy(); delete charts[name + k]; }
      });
      card.parentNode.removeChild(card);
    });
  }

  function renderIncidents(list) {
    fillRows(document.querySelector("#incidents tbody"), list.map(function (i) {
      var a = el("a", { href: "/api/incidents/" + encodeURIComponent(i.id) + "/report?format=html", target: "_blank", rel: "noopener" }, "report");
      var path = "/api/incidents/" + encodeURIComponent(i.id);
      var acts = el("span", { "class": "act" });
      if (i.status === "open") {
        acts.appendChild(actButton("Note", function () {
          var text = window.prompt("Note for the timeline of " + i.id + ":");
          if (text) { api("POST", path + "/notes", { text: text }).then(function () { say("Noted."); }, function (e) { say(e.message, true); }); }
        }));
        acts.appendChild(actButton("Close", function () { act("Close incident " + i.id + "?", "POST", path + "/close", { note: "closed from the dashboard" }, "Incident closed"); }));
      }
      acts.appendChild(actButton("Send to CERT", function () {
        act("Send the report of " + i.id + (i.status === "open" ? " (figures so far)" : "") + " to the CERT?", "POST", path + "/send", undefined,
          "Report queued for the CERT; the timeline will say when it went");
      }));
      var link = el("a", { href: "#incident/" + encodeURIComponent(i.id), "class": "incident-link" }, i.id);
      return [link, i.site, i.status, String(i.openedAt).replace("T", " ").slice(0, 19), i.requests, i.peakRequestsPerSecond,
        (i.shareKeptOffOrigin * 100).toFixed(1) + "%", (i.vectors || []).join("; "), a, acts];
    }), "no incident recorded", 10);
  }

  // ---------------------------------------------------------------- one incident's page
  // #incident/ID shows the incident alone: its facts, its own charts from the series kept with it
  // (one point per detection tick, merged two by two on long incidents), its timeline and actions.
  var incidentShown = null;
  var incidentFetched = 0;

  function incidentFromHash() {
    var m = /^#incident\/(.+)$/.exec(window.location.hash);
    incidentShown = m ? decodeURIComponent(m[1]) : null;
    incidentFetched = 0;
    document.body.classList.toggle("incident-view", !!incidentShown);
    document.getElementById("incident").hidden = !incidentShown;
    if (incidentShown) { showIncident(); }
  }

  function showIncident() {
    var id = incidentShown;
    incidentFetched = Date.now();
    return api("GET", "/api/incidents/" + encodeURIComponent(id)).then(function (r) {
      if (id === incidentShown) { renderIncident(r); }
    }, function (e) {
      var sec = document.getElementById("incident");
      sec.querySelector("h2").textContent = "Incident " + id;
      sec.querySelector(".facts").textContent = e.message;
    });
  }

  function renderIncident(r) {
    var sec = document.getElementById("incident");
    sec.setAttribute("data-incident", r.id);
    sec.querySelector("h2").textContent = "Incident " + r.id + " · " + r.site;
    var state = sec.querySelector(".state");
    state.textContent = r.status;
    state.className = "state " + (r.status === "open" ? "attack" : "");
    sec.querySelector("a.report").href = "/api/incidents/" + encodeURIComponent(r.id) + "/report?format=html";
    var m = r.mitigation || {}, p = r.profile || {}, imp = r.impact || {};
    sec.querySelector(".facts").textContent = "Opened " + when(r.openedAt) + (r.closedAt ? ", closed " + when(r.closedAt) : ", still open")
      + " · " + fmt(p.requests) + " requests, peak " + fmt(p.peakRequestsPerSecond) + "/s with up to " + fmt(p.peakSourcesPerTick) + " sources at once · "
      + ((m.shareKeptOffOrigin || 0) * 100).toFixed(1) + "% kept off the origin · " + (imp.summary || "") + " · " + ((r.egress || {}).statement || "");
    var acts = sec.querySelector(".incident-acts");
    acts.textContent = "";
    var path = "/api/incidents/" + encodeURIComponent(r.id);
    acts.appendChild(actButton("Add a note", function () {
      var text = window.prompt("Note for the timeline of " + r.id + ":");
      if (text) { api("POST", path + "/notes", { text: text }).then(function () { say("Noted."); showIncident(); }, function (e) { say(e.message, true); }); }
    }));
    if (r.status === "open") {
      acts.appendChild(actButton("Close", function () { act("Close incident " + r.id + "?", "POST", path + "/close", { note: "closed from the dashboard" }, "Incident closed"); }));
    }
    acts.appendChild(actButton("Send to CERT", function () {
      act("Send the report of " + r.id + (r.status === "open" ? " (figures so far)" : "") + " to the CERT?", "POST", path + "/send", undefined,
        "Report queued for the CERT; the timeline will say when it went");
    }));
    var s = r.series || { at: [] };
    var t = [], served = [], refused = [], success = [], latency = [], sources = [];
    for (var i = 0; i < s.at.length; i++) {
      var secs = Math.max(0.001, s.millis[i] / 1000);
      t.push(s.at[i] / 1000);
      served.push(Math.round((s.requests[i] - s.refused[i]) / secs * 10) / 10);
      refused.push(Math.round(s.refused[i] / secs * 10) / 10);
      success.push(s.known[i] > 0 ? Math.round(1000 * (1 - Math.min(s.known[i], s.knownFailed[i]) / s.known[i])) / 10 : null);
      latency.push(s.knownAnswers[i] > 0 ? Math.round(s.knownMicros[i] / s.knownAnswers[i] / 100) / 10 : null);
      sources.push(s.sources[i]);
    }
    var key = "incident/" + r.id + "/" + s.at.length + "/" + (s.at.length ? s.at[s.at.length - 1] : 0); // redrawn when a point came
    chart("incident/requests", sec.querySelector(".inc-requests"),
      [{}, { label: "served/s", stroke: VERDICT_COLOURS.allow, width: 1.5 }, { label: "refused/s", stroke: VERDICT_COLOURS.block, width: 1.5 }],
      [t, served, refused], key);
    chart("incident/known", sec.querySelector(".inc-known"), twoScales("success %", "#2a9d5c", "origin ms", "#3a7bd5"),
      [t, success, latency], key, twoAxes(), { "%": { range: [0, 100] } });
    sec.querySelector(".inc-known h3").textContent = "Known users: success (%) and origin time (ms)"
      + (success.some(function (x) { return x !== null; }) ? "" : " · no known user was seen during the incident");
    chart("incident/sources", sec.querySelector(".inc-sources"), [{}, { label: "sources", stroke: "#7f8c8d", width: 1.5 }], [t, sources], key);
    var ol = sec.querySelector("ol.timeline");
    ol.textContent = "";
    (r.timeline || []).forEach(function (e) {
      var li = el("li");
      li.appendChild(el("time", { datetime: e.at }, when(e.at)));
      li.appendChild(el("span", { "class": "kind" }, e.kind));
      li.appendChild(document.createTextNode(e.text));
      ol.appendChild(li);
    });
    if (r.timelineDropped) { ol.appendChild(el("li", { "class": "empty" }, r.timelineDropped + " older entries not kept")); }
  }

  function when(iso) { return iso ? String(iso).replace("T", " ").replace(/\.\d+Z$|Z$/, "").slice(0, 19) + " UTC" : "-"; }

  function renderLists(l) {
    fillRows(document.querySelector("#lists tbody"), (l.runtime || []).map(function (e) {
      return [e.list, e.cidr, e.by, e.note || "", actButton("Remove", function () {
        act("Remove " + e.cidr + " from the " + e.list + " list?", "DELETE", "/api/lists/" + e.list + "?cidr=" + encodeURIComponent(e.cidr), undefined,
          e.cidr + " removed from the " + e.list + " list");
      })];
    }), "no run-time entry (entries from the configuration file are changed there)", 5);
  }

  function listForm() {
    var f = document.getElementById("list-form");
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var list = f.elements.list.value, cidr = f.elements.cidr.value.trim(), note = f.elements.note.value.trim();
      act("Add " + cidr + " to the " + list + " list? " + (list === "deny" ? "Every request from it is refused at once." : "It bypasses every limit and rule."),
        "POST", "/api/lists/" + list, { cidr: cidr, note: note || undefined }, cidr + " added to the " + list + " list");
    });
  }

  function whoami() {
    return fetch("/api/whoami", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (w) {
        if (!w) { return; }
        document.getElementById("who").textContent = "signed in as " + w.name + " (" + w.role + ")";
        document.body.classList.toggle("viewer", w.role !== "operator");
      });
  }

  function renderCluster(c) {
    var section = document.getElementById("cluster");
    if (!c) { section.hidden = true; return; }
    section.hidden = false;
    section.querySelector(".store").textContent = "cluster " + c.cluster + " · store " + c.store + " · "
      + (c.storeUp ? "answering in " + fmt(c.storeRoundTripMillis) + " ms" : "NOT answering: this node runs on its own state ("
      + (c.refused || c.storeError || "no answer") + ")") + " · decisions applied " + fmt(c.decisionsApplied)
      + (c.decisionsQueued ? " · " + c.decisionsQueued + " waiting for the store" : "");
    fillRows(section.querySelector("tbody"), (c.nodes || []).map(function (n) {
      return [n.name + (n.self ? " (this node)" : ""), (n.addresses || []).join(" "), fmt(n.lastHeartbeatMillisAgo / 1000) + " s ago",
        fmt(n.requestsPerSecond), n.version];
    }), c.storeUp ? "no node has beaten yet" : "unknown while the store does not answer", 5);
  }

  function toggle(site, on) {
    act(on ? "Switch " + site + " to under-attack mode? Every unknown client is challenged (a real browser solves it in about a second)."
      : "Switch under-attack mode off for " + site + "?", "POST", "/api/sites/" + encodeURIComponent(site) + "/under-attack?on=" + on, undefined,
      "Under-attack mode " + (on ? "on" : "off") + " for " + site);
  }

  function refresh() {
    return fetch("/api/status", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { document.getElementById("gateway").textContent = "signed out: open the address with ?token= printed at start"; throw new Error("401"); }
      return r.json();
    }).then(function (st) {
      document.getElementById("gateway").textContent = "node " + st.node + " · up " + st.uptimeSeconds + " s · "
        + st.connections + " connections · " + st.inFlight + " in flight";
      st.sites.forEach(renderSite);
      dropRemovedSites(st.sites);
      renderIncidents(st.incidents || []);
      if (incidentShown && Date.now() - incidentFetched > 2000) { showIncident(); }
      renderCluster(st.cluster);
      return fetch("/api/lists", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(renderLists);
    }).then(function () {
      document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
      document.body.setAttribute("data-ready", "true");
    }).catch(function (e) {
      document.getElementById("updated").textContent = "no answer from the admin API (" + e.message + ")";
    });
  }

  // what a chart draws, by its key ("SITE/requests", "incident/known", ...): for tests and for the console's own checks
  window.uPlotData = function (key) { return charts[key] ? charts[key].data : null; };
  listForm();
  whoami();
  window.addEventListener("hashchange", incidentFromHash);
  incidentFromHash();
  refresh();
  setInterval(refresh, 1000);
})();
