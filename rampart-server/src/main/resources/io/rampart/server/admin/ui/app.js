// Rampart dashboard: polls /api/status once a second (the admin listener samples the counters
// itself, so any number of open dashboards costs one sampler) and redraws charts and tables.
(function () {
  "use strict";
  var VERDICT_COLOURS = { allow: "#2a9d5c", limit: "#e9a23b", challenge: "#3a7bd5", block: "#c0392b", close: "#6c3483", tarpit: "#7f8c8d", origin_busy: "#d35400" };
  var charts = {};

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
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
    head.appendChild(el("span", { "class": "rate" }));
    var button = el("button", { "class": "switch", type: "button" });
    button.addEventListener("click", function () { toggle(site.name, !button.classList.contains("on")); });
    head.appendChild(button);
    head.appendChild(el("div", { "class": "signals" }));
    card.appendChild(head);
    var row = el("div", { "class": "charts" });
    var c1 = el("div", { "class": "chart requests" }); c1.appendChild(el("h3", null, "Requests per second by verdict"));
    var c2 = el("div", { "class": "chart origin" }); c2.appendChild(el("h3", null, "Origin latency (ms) and errors per second"));
    row.appendChild(c1); row.appendChild(c2);
    card.appendChild(row);
    var tables = el("div", { "class": "tables" });
    var r = el("div"); r.appendChild(el("h3", null, "Rules in force"));
    var rt = el("table", { "class": "rules" });
    rt.innerHTML = "<thead><tr><th>Rule</th><th>Step</th><th>Matching</th><th>/s</th><th>Matched</th></tr></thead><tbody></tbody>";
    r.appendChild(rt);
    var s = el("div"); s.appendChild(el("h3", null, "Top source networks (last seconds)"));
    var st = el("table", { "class": "sources" });
    st.innerHTML = "<thead><tr><th>Network</th><th>AS / country</th><th>Requests/s (est.)</th><th>Refused</th></tr></thead><tbody></tbody>";
    s.appendChild(st);
    tables.appendChild(r); tables.appendChild(s);
    card.appendChild(tables);
    document.getElementById("sites").appendChild(card);
    return card;
  }

  function chart(key, container, series, data) {
    var width = Math.max(300, container.clientWidth - 8);
    var c = charts[key];
    if (!c) {
      c = new uPlot({ width: width, height: 200, series: series, axes: [{}, { size: 60 }], legend: { show: true } }, data, container);
      charts[key] = c;
    } else {
      if (Math.abs(c.width - width) > 4) { c.setSize({ width: width, height: 200 }); }
      c.setData(data);
    }
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
    var s = site.series;
    var verdicts = Object.keys(s.requestsPerSecond);
    var series = [{}].concat(verdicts.map(function (v) { return { label: v, stroke: VERDICT_COLOURS[v] || "#333", width: 1.5 }; }));
    var columns = [s.time].concat(verdicts.map(function (v) { return s.requestsPerSecond[v]; }));
    if (s.droppedInKernelPerSecond) { // the kernel firewall: packets, the whole node's (dropped before any site is known)
      series.push({ label: "dropped in kernel (packets/s, node)", stroke: "#555", width: 1.5, dash: [6, 4] });
      columns.push(s.droppedInKernelPerSecond);
    }
    chart(site.name + "/requests", card.querySelector(".chart.requests"), series, columns);
    chart(site.name + "/origin", card.querySelector(".chart.origin"),
      [{}, { label: "latency ms", stroke: "#3a7bd5", width: 1.5, spanGaps: true }, { label: "errors/s", stroke: "#c0392b", width: 1.5 }],
      [s.time, s.originLatencyMs, s.originErrorsPerSecond]);
    fillRows(card.querySelector("table.rules tbody"), (site.rules || []).map(function (r) {
      return [r.id + (r.shadow ? " (shadow)" : ""), r.step, r.conditions, r.matchingPerSecond, r.matchedTotal];
    }), "no rule in force", 5);
    fillRows(card.querySelector("table.sources tbody"), (site.topSources || []).map(function (c) {
      var origin = [c.autonomousSystem, c.country].filter(function (x) { return x; }).join(" · ");
      return [c.network, origin || "-", c.requestsPerSecond, Math.round(c.refusedShare * 100) + "%"];
    }), "no traffic yet", 4);
  }

  // a reload can remove sites: their cards and charts go with them
  function dropRemovedSites(sites) {
    var live = {};
    sites.forEach(function (s) { live[s.name] = true; });
    Array.prototype.slice.call(document.querySelectorAll("#sites article.site")).forEach(function (card) {
      var name = card.getAttribute("data-site");
      if (live[name]) { return; }
      ["/requests", "/origin"].forEach(function (k) {
        if (charts[name + k]) { charts[name + k].destroy(); delete charts[name + k]; }
      });
      card.parentNode.removeChild(card);
    });
  }

  function renderIncidents(list) {
    fillRows(document.querySelector("#incidents tbody"), list.map(function (i) {
      var a = el("a", { href: "/api/incidents/" + encodeURIComponent(i.id) + "/report?format=html", target: "_blank", rel: "noopener" }, "report");
      return [i.id, i.site, i.status, String(i.openedAt).replace("T", " ").slice(0, 19), i.requests, i.peakRequestsPerSecond,
        (i.shareKeptOffOrigin * 100).toFixed(1) + "%", (i.vectors || []).join("; "), a];
    }), "no incident recorded", 9);
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
    fetch("/api/sites/" + encodeURIComponent(site) + "/under-attack?on=" + on, {
      method: "POST", credentials: "same-origin", headers: { "X-Rampart-Csrf": "1" }
    }).then(refresh);
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
      renderCluster(st.cluster);
      document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
      document.body.setAttribute("data-ready", "true");
    }).catch(function (e) {
      document.getElementById("updated").textContent = "no answer from the admin API (" + e.message + ")";
    });
  }

  refresh();
  setInterval(refresh, 1000);
})();
