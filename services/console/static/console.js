// parcelbridge console: local times on hover, charts (uPlot), live regions over SSE, live tail, DLQ replay.
"use strict";

(function () {
  const csrf = document.body.dataset.csrf || "";

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach((el) => {
      const d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.title = d.toLocaleString() + " (your local time)";
    });
  }

  const PALETTE = ["#2f6fde", "#d4620c", "#1a7f37", "#8250df", "#d1242f"];

  function chartOptions(el, spec, width) {
    const kind = el.dataset.kind || "spark";
    const height = parseInt(el.dataset.height || "40", 10);
    const spark = kind === "spark";
    const series = [{}].concat(spec.y.map((_, i) => ({
      label: (spec.labels || [])[i] || "value",
      stroke: PALETTE[i % PALETTE.length],
      fill: spark || kind === "bars" ? PALETTE[i % PALETTE.length] + "33" : undefined,
      width: spark ? 1.5 : 2,
      paths: kind === "bars" && window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.8, 40] }) : undefined,
      scale: kind === "line" && i === 1 ? "s" : "y",
    })));
    const axes = spark ? [{ show: false }, { show: false }] : [{}, { size: 60 }];
    if (kind === "line" && spec.y.length > 1) axes.push({ side: 1, scale: "s", grid: { show: false }, size: 50 });
    return {
      width: width, height: height, series: series, axes: axes,
      tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),  // axes in UTC, like every time shown
      legend: { show: !spark }, cursor: { show: !spark },
      scales: { x: { time: !spark || spec.x.length > 0 } },
      padding: spark ? [2, 0, 2, 0] : undefined,
    };
  }

  function draw(el) {
    if (!window.uPlot) {
      el.textContent = "(charts need the uPlot library: python -m services.console.assets)";
      el.classList.add("muted");
      return;
    }
    let spec;
    try { spec = JSON.parse(el.dataset.series); } catch (e) { return; }
    if (!spec || !spec.x || spec.x.length < 2) { el.innerHTML = "<span class=muted>collecting samples…</span>"; return; }
    const width = Math.max(80, el.clientWidth || el.parentElement.clientWidth || 200);
    el.innerHTML = "";
    const data = [spec.x].concat(spec.y.map((ys) => ys.map((v) => (v === null ? null : Number(v)))));
    el._plot = new window.uPlot(chartOptions(el, spec, width), data, el);
    el._width = width;
  }

  function charts(root) {
    root.querySelectorAll(".chart[data-series]").forEach(draw);
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => charts(document), 200);
  });

  function refresh(root) { localTimes(root); charts(root); }

  function liveRegions() {
    const url = document.body.dataset.stream;
    const dot = document.querySelector(".live-dot");
    if (!url || !window.EventSource) return;
    const source = new EventSource(url);
    source.addEventListener("open", () => dot && dot.classList.add("on"));
    source.addEventListener("error", () => dot && dot.classList.remove("on"));
    source.addEventListener("regions", (event) => {
      const regions = JSON.parse(event.data);
      Object.keys(regions).forEach((name) => {
        const el = document.querySelector('[data-region="' + name + '"]');
        if (!el) return;
        const open = Array.from(el.querySelectorAll("details[open]")).map((d) => d.querySelector("summary").textContent);
        el.innerHTML = regions[name];
        el.querySelectorAll("details").forEach((d) => {
          if (open.includes(d.querySelector("summary").textContent)) d.open = true;
        });
        refresh(el);
      });
      document.body.dataset.updated = new Date().toISOString();
    });
  }

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function recordCard(r) {
    const card = document.createElement("article");
    card.className = "record fresh";
    const head = document.createElement("header");
    head.append(text("code", r.topic + "/" + r.partition + "@" + r.offset));
    const t = document.createElement("time");
    t.setAttribute("datetime", r.timestamp);
    t.textContent = r.timestamp.replace("T", " ").slice(0, 19) + "Z";
    head.append(t, text("span", r.key || "(no key)", "key"));
    if (r.type) head.append(text("span", r.type, "tag"));
    if (r.decode_error) head.append(text("span", "not a valid event", "badge s-err"));
    const details = document.createElement("details");
    details.append(text("summary", "event and headers"));
    details.append(text("pre", JSON.stringify(r.event !== null ? r.event : r.value, null, 2)));
    card.append(head, details);
    return card;
  }

  function liveTail() {
    const button = document.getElementById("tail-toggle");
    const box = document.getElementById("tail");
    if (!button || !box) return;
    let source = null;
    button.addEventListener("click", () => {
      if (source) { source.close(); source = null; button.textContent = "Live tail"; return; }
      const form = document.getElementById("browse");
      const params = new URLSearchParams();
      ["key", "type", "header", "q", "unmask"].forEach((name) => {
        const field = form.elements[name];
        if (field && field.value) params.set(name, field.value);
      });
      source = new EventSource(button.dataset.url + "?" + params.toString());
      box.hidden = false;
      box.prepend(text("p", "Live tail started " + new Date().toLocaleTimeString() + " — newest on top.", "muted"));
      button.textContent = "Stop tail";
      source.addEventListener("record", (event) => {
        const card = recordCard(JSON.parse(event.data));
        box.prepend(card);
        localTimes(card);
        while (box.children.length > 200) box.lastElementChild.remove();
      });
    });
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.title || response.status) + (data.detail ? ": " + data.detail : ""));
    return data;
  }

  function selected() {
    return Array.from(document.querySelectorAll('input[name="record"]:checked')).map((el) => el.value);
  }

  function showPlan(panel, plan, replayUrl) {
    const box = document.getElementById("plan");
    box.hidden = false;
    box.innerHTML = "";
    box.append(text("h3", "Dry run: " + plan.ready + " of " + plan.selected + " records would be replayed"));
    const table = document.createElement("table");
    const head = document.createElement("tr");
    ["record", "key", "type", "to topic", "verdict"].forEach((h) => head.append(text("th", h)));
    table.append(head);
    plan.records.forEach((r) => {
      const row = document.createElement("tr");
      row.className = r.allowed ? "" : "refused";
      [r.id, r.key || "", r.type || "", r.target || "", r.allowed ? "will replay" : r.reason]
        .forEach((v) => row.append(text("td", v)));
      table.append(row);
    });
    box.append(table);
    if (plan.ready > 0) {
      const go = text("button", "Replay " + plan.ready + " record" + (plan.ready === 1 ? "" : "s"));
      go.id = "confirm-replay";
      go.addEventListener("click", async () => {
        go.disabled = true;
        try {
          const result = await post(replayUrl, { plan_id: plan.plan_id });
          const notice = text("p", "Replayed " + result.replayed + " record(s). ", "notice");
          const again = text("a", "Refresh the list");
          again.href = location.pathname;
          notice.append(again);
          box.append(notice);
          const list = document.createElement("ul");
          result.results.forEach((r) => list.append(text("li", r.record + ": " + r.result)));
          box.append(list);
        } catch (error) {
          box.append(text("p", String(error.message || error), "error"));
        }
      });
      box.append(go);
    } else {
      box.append(text("p", "Nothing to replay.", "muted"));
    }
  }

  function dlqActions() {
    const panel = document.getElementById("dlq-actions");
    if (!panel) return;
    const field = (name) => panel.querySelector('[name="' + name + '"]');
    const fail = (error) => {
      const box = document.getElementById("plan");
      box.hidden = false;
      box.innerHTML = "";
      box.append(text("p", String(error.message || error), "error"));
    };
    panel.addEventListener("click", async (event) => {
      const action = event.target.dataset && event.target.dataset.action;
      if (!action) return;
      try {
        if (action === "dry-run-selected") {
          const ids = selected();
          if (!ids.length) throw new Error("pick at least one record first");
          showPlan(panel, await post(panel.dataset.dryRun, { record_ids: ids }), panel.dataset.replay);
        } else if (action === "dry-run-filter") {
          const filter = { key: field("key").value || null, type: field("type").value || null,
            header: field("header").value || null, q: field("q").value || null, all: field("all").checked };
          showPlan(panel, await post(panel.dataset.dryRun, { filter: filter }), panel.dataset.replay);
        } else if (action === "park") {
          const ids = selected();
          if (!ids.length) throw new Error("pick at least one record first");
          const result = await post(panel.dataset.park, { record_ids: ids, reason: field("reason").value });
          const box = document.getElementById("plan");
          box.hidden = false;
          box.innerHTML = "";
          box.append(text("p", "Parked " + result.parked + " record(s).", "notice"));
        }
      } catch (error) { fail(error); }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    refresh(document);
    liveRegions();
    liveTail();
    dlqActions();
  });
})();
