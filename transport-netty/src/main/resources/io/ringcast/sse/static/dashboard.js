// The hub's dashboard and event console, served at /. Draws GET /stats with uPlot; watches through /ringcast.js.
import { Ringcast } from "/ringcast.js";

const POLL_MS = 1000;
const POINTS = 180;
const MAX_ROWS = 500;
const $ = id => document.getElementById(id);
const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

// State read by the browser tests: the events the console received, its (re)connections, the dashboard's samples.
const page = window.ringcast = { received: [], ids: [], opens: 0, resets: 0, errors: 0, client: null };
const dash = window.ringcastDashboard = { samples: 0, stats: null, charts: {}, series: null };

// ---- dashboard -------------------------------------------------------------------------------------------------

const series = dash.series = { t: [], publish: [], deliver: [], streams: [], drops: [], cuts: [], lag: [] };
let previous = null;

function chart(id, lines, yLabel) {
  const target = $(id);
  const opts = {
    width: Math.max(200, target.clientWidth), height: 170,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true, range: timeRange }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
    axes: [
      { stroke: "#6b7686", grid: { stroke: "#eef1f5" }, ticks: { stroke: "#eef1f5" }, space: 80,
        values: (u, ticks) => ticks.map(t => clock.format(new Date(t * 1000))) },
      { stroke: "#6b7686", grid: { stroke: "#eef1f5" }, ticks: { stroke: "#eef1f5" }, size: 56,
        values: (u, vals) => vals.map(v => compact(v)), label: yLabel },
    ],
    series: [{}, ...lines.map(([label, color]) => ({ label, stroke: color, width: 2,
      fill: color + "22", points: { show: false }, value: (u, v) => v == null ? "–" : decimal.format(v) }))],
  };
  const u = new uPlot(opts, [[], ...lines.map(() => [])], target);
  new ResizeObserver(() => u.setSize({ width: Math.max(200, target.clientWidth), height: 170 })).observe(target);
  return u;
}

// At least the last minute, so that a chart with one sample or none has a sensible time axis.
function timeRange(u, min, max) {
  const end = max == null ? Date.now() / 1000 : max;
  return [min == null || end - min < 60 ? end - 60 : min, end];
}

function compact(v) {
  if (v >= 1e6) return decimal.format(v / 1e6) + "M";
  if (v >= 1e3) return decimal.format(v / 1e3) + "k";
  return decimal.format(v);
}

function setupCharts() {
  dash.charts.rate = chart("c-rate", [["publishes/s", "#3b5bdb"], ["deliveries/s", "#2f9e44"]]);
  dash.charts.streams = chart("c-streams", [["open streams", "#7048e8"]]);
  dash.charts.loss = chart("c-loss", [["drops/s", "#e8590c"], ["slow-client cuts/s", "#c92a2a"]]);
  dash.charts.lag = chart("c-lag", [["relay lag ms", "#0c8599"]]);
}

function push(name, value) {
  series[name].push(value);
  if (series[name].length > POINTS) series[name].shift();
}

function rate(now, before, field, seconds) {
  return before ? Math.max(0, now[field] - before[field]) / seconds : 0;
}

function relayLag(stats) {
  const m = stats.replication && stats.replication.metrics;
  return m && typeof m.relay_lag_ms === "number" ? m.relay_lag_ms : null;
}

function sample(stats) {
  const seconds = previous ? Math.max(0.001, (stats.timeMs - previous.timeMs) / 1000) : 1;
  const publish = rate(stats, previous, "published", seconds);
  const deliver = rate(stats, previous, "delivered", seconds);
  push("t", stats.timeMs / 1000);
  push("publish", publish);
  push("deliver", deliver);
  push("streams", stats.streams);
  push("drops", rate(stats, previous, "dropped", seconds));
  push("cuts", rate(stats, previous, "slowClientDisconnects", seconds));
  push("lag", relayLag(stats));
  previous = stats;
  dash.stats = stats;
  dash.samples++;
  if (window.uPlot && !dash.charts.rate) setupCharts();
  if (dash.charts.rate) {
    dash.charts.rate.setData([series.t, series.publish, series.deliver]);
    dash.charts.streams.setData([series.t, series.streams]);
    dash.charts.loss.setData([series.t, series.drops, series.cuts]);
    dash.charts.lag.setData([series.t, series.lag]);
  }
  $("c-lag").closest("figure").hidden = !stats.replication;
  tiles(stats, publish, deliver);
}

function tiles(stats, publish, deliver) {
  $("node").textContent = stats.node;
  health(stats.status === "ok" ? "ok" : stats.status === "degraded" ? "warn" : "bad", stats.status);
  $("t-streams").textContent = number.format(stats.streams);
  $("t-connections").textContent = number.format(stats.connections);
  $("t-publish").textContent = decimal.format(publish);
  $("t-published").textContent = number.format(stats.published);
  $("t-deliver").textContent = decimal.format(deliver);
  $("t-delivered").textContent = number.format(stats.delivered);
  $("t-dropped").textContent = number.format(stats.dropped);
  $("t-rejected").textContent = number.format(stats.rejected);
  $("t-slow").textContent = number.format(stats.slowClientDisconnects);
  $("t-resets").textContent = number.format(stats.resets);
  $("t-dropped").parentElement.classList.toggle("alert", stats.dropped > 0);
  $("t-slow").parentElement.classList.toggle("alert", stats.slowClientDisconnects > 0);
  const r = stats.replication;
  const lag = relayLag(stats);
  $("t-lag").textContent = r ? (lag == null ? "–" : number.format(lag) + " ms") : "off";
  $("t-relay").textContent = r ? r.provider + ": " + r.state : "no replication";
  $("t-relay").title = r ? r.detail : "";
  $("t-lag").parentElement.classList.toggle("alert", !!r && !r.ok);
}

function health(kind, text) {
  $("health").className = "pill pill-" + kind;
  $("health").textContent = text;
}

// A hub started with --metrics-token shows its figures only to a holder of that token (kept for this tab only).
function statsHeaders() {
  const token = sessionStorage.getItem("ringcast.metricsToken");
  return token ? { Authorization: "Bearer " + token } : {};
}

async function poll() {
  if (document.hidden) { // a background tab does not poll; the next sample's rates span the gap
    setTimeout(poll, POLL_MS);
    return;
  }
  try {
    const response = await fetch("/stats", { cache: "no-store", headers: statsHeaders() });
    if (response.status === 401) {
      $("figures-auth").hidden = false;
      health("warn", sessionStorage.getItem("ringcast.metricsToken") ? "wrong metrics token" : "figures need the metrics token");
      return;
    }
    if (!response.ok) throw new Error("HTTP " + response.status);
    $("figures-auth").hidden = true;
    sample(await response.json());
  } catch (e) {
    health("bad", "hub unreachable");
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// ---- console ---------------------------------------------------------------------------------------------------

const STATE_PILL = { open: "ok", connecting: "wait", reconnecting: "warn", closed: "idle" };

function status(state) {
  $("status").className = "pill pill-" + (STATE_PILL[state] || "idle");
  $("status").textContent = state === "closed" ? "disconnected" : state === "open" ? "connected" : state + "…";
  $("disconnect").disabled = state === "closed";
}

function showError(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function time(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString("en-GB", { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function cell(row, className, text) {
  const td = row.insertCell();
  td.className = className;
  if (text !== undefined) td.textContent = text;
  return td;
}

function addRow(row) {
  const body = $("events");
  body.prepend(row);
  while (body.rows.length > MAX_ROWS) body.lastElementChild.remove();
  $("events-empty").hidden = true;
}

function showEvent(e) {
  page.received.push({ id: e.id, topic: e.topic, type: e.type || "message", private: e.private, data: e.data,
    time: e.time });
  page.ids.push(e.id);
  $("count").textContent = page.received.length;
  $("last-id").textContent = e.id;
  const row = document.createElement("tr");
  row.dataset.id = e.id;
  cell(row, "time", time(e.time));
  cell(row, "topic", e.topic);
  const type = cell(row, "kind");
  const badge = document.createElement("span");
  badge.className = e.type ? "type" : "type none";
  badge.textContent = e.type || "untyped";
  type.append(badge);
  if (e.private) {
    const mark = document.createElement("span");
    mark.className = "private";
    mark.textContent = "private";
    mark.title = "sent only to the user it is addressed to";
    type.append(mark);
  }
  cell(row, "data", JSON.stringify(e.data));
  cell(row, "id", e.id);
  addRow(row);
}

function showReset(info) {
  page.resets++;
  const row = document.createElement("tr");
  row.className = "reset";
  cell(row, "time", time(Date.now()));
  const text = cell(row, "data", "reset: events after " + (info && info.lastEventId) + " are no longer retained; " +
    "some were missed, reload the state");
  text.colSpan = 4;
  addRow(row);
}

function connect() {
  disconnect();
  showError($("watch-error"), "");
  const topic = $("topic").value.trim();
  if (!topic) {
    showError($("watch-error"), "Enter a topic (orders/eu) or a prefix pattern (orders/*).");
    return;
  }
  const client = page.client = new Ringcast({
    topics: topic,
    token: () => $("token").value.trim(),
    params: { user: $("user").value.trim() },
  });
  client.on("state", s => {
    status(s);
    if (s === "open") {
      page.opens++;
      showError($("watch-error"), "");
    }
  });
  client.on("*", showEvent);
  client.on("reset", showReset);
  client.on("error", err => {
    page.errors++;
    showError($("watch-error"), (err.status ? err.status + " " : "") + err.error + ": " + err.detail +
      (err.retrying ? " (retrying)" : ""));
  });
  client.connect();
}

function disconnect() {
  if (page.client) page.client.close();
  page.client = null;
  status("closed");
}

async function publish() {
  const result = $("pub-result");
  result.className = "result";
  result.textContent = "";
  const body = { topic: $("pub-topic").value.trim() };
  try {
    body.data = JSON.parse($("pub-data").value);
  } catch (e) {
    result.className = "result bad";
    result.textContent = "Data is not JSON: " + e.message;
    return;
  }
  if ($("pub-type").value.trim()) body.type = $("pub-type").value.trim();
  if ($("pub-user").value.trim()) body.user = $("pub-user").value.trim();
  const headers = { "Content-Type": "application/json" };
  if ($("token").value.trim()) headers.Authorization = "Bearer " + $("token").value.trim();
  try {
    const response = await fetch("/publish", { method: "POST", headers, body: JSON.stringify(body) });
    const text = await response.text();
    let json = {};
    try { json = JSON.parse(text); } catch (e) { /* shown as text */ }
    result.className = response.ok ? "result ok" : "result bad";
    result.dataset.status = response.status;
    result.dataset.id = json.id || "";
    result.textContent = response.ok ? response.status + " published, id " + json.id :
      response.status + " " + (json.error || "") + ": " + (json.detail || text);
  } catch (e) {
    result.className = "result bad";
    result.textContent = "The hub could not be reached: " + e.message;
  }
}

$("figures-auth").addEventListener("submit", e => {
  e.preventDefault();
  sessionStorage.setItem("ringcast.metricsToken", $("metrics-token").value.trim());
  $("metrics-token").value = "";
});
$("watch-form").addEventListener("submit", e => { e.preventDefault(); connect(); });
$("disconnect").addEventListener("click", disconnect);
$("publish-form").addEventListener("submit", e => { e.preventDefault(); publish(); });
$("clear").addEventListener("click", () => { $("events").replaceChildren(); $("events-empty").hidden = false; });

const query = new URLSearchParams(location.search);
if (query.get("topic")) $("topic").value = query.get("topic");
if (query.get("access_token")) $("token").value = query.get("access_token");
if (query.get("user")) $("user").value = query.get("user");
if (query.has("connect")) connect();
poll();
