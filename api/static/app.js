// Rota dashboard: talks to the /v1 API with the bearer token kept in sessionStorage (never in a
// cookie or the URL). Every figure shown comes from the API; this script only fetches and draws.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  centre: null, history: null, recent: {}, forecast: null, forecastRows: [], requirementSet: null,
  roster: null, rosterJson: null, channels: [], job: null, simulation: null,
};

function token() { return sessionStorage.getItem("rota-token") || ""; }

function setStatus(text, isError) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", Boolean(isError));
}

async function api(path, opts = {}) {
  const headers = Object.assign({ Authorization: `Bearer ${token()}` }, opts.headers || {});
  const resp = await fetch(path, Object.assign({}, opts, { headers }));
  if (!resp.ok) {
    let msg = `${resp.status} ${resp.statusText}`;
    try {
      const p = await resp.json();
      msg = `${p.title}: ${p.detail}` + (p.field ? ` (field: ${p.field})` : "") +
        (p.errors && p.errors.length ? "\n" + p.errors.slice(0, 10).join("\n") : "");
    } catch (_) { /* not a problem document */ }
    const err = new Error(msg);
    err.status = resp.status;
    throw err;
  }
  return resp;
}
const getJson = async (path) => (await api(path)).json();
const postJson = async (path, body) => (await api(path, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
})).json();

function fillSelect(sel, items, label, selected) {
  sel.innerHTML = "";
  for (const it of items) {
    const o = document.createElement("option");
    o.value = it.id;
    o.textContent = label(it);
    sel.appendChild(o);
  }
  if (selected != null) sel.value = String(selected);
}

function parseCsv(text) {
  const lines = text.trim().split(/\r?\n/);
  const head = lines.shift().split(",");
  return lines.map((l) => {
    const cells = l.split(",");
    const row = {};
    head.forEach((h, i) => { row[h] = cells[i]; });
    return row;
  });
}

async function guarded(what, fn) {
  try {
    await fn();
  } catch (e) {
    setStatus(`${what} failed: ${e.message}`, true);
  }
}

// ------------------------------------------------------------------ jobs

async function pollJob(job, bar) {
  bar.hidden = false;
  bar.value = 0;
  state.job = job.id;
  $("cancel-job").hidden = job.kind !== "schedule";
  try {
    for (;;) {
      job = await getJson(`/v1/jobs/${job.id}`);
      bar.value = job.progress;
      setStatus(`${job.kind} job ${job.id}: ${job.status} (${Math.round(100 * job.progress)}%) ${job.message}`);
      if (job.status === "succeeded") return job;
      if (["failed", "cancelled"].includes(job.status)) {
        throw new Error(`${job.kind} job ${job.id} ${job.status}${job.error ? ": " + job.error : ""}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    bar.hidden = true;
    $("cancel-job").hidden = true;
    state.job = null;
  }
}

// ------------------------------------------------------------------ centres and histories

async function loadCentres(select) {
  const centres = await getJson("/v1/centres");
  fillSelect($("centre"), centres, (c) => `${c.name} (#${c.id})`, select);
  if (centres.length === 0) {
    setStatus("No centre yet: create the sample centre or POST one to /v1/centres.");
    return;
  }
  await loadCentre(Number($("centre").value));
}

async function loadCentre(id) {
  state.centre = id;
  const [histories, forecasts, rosters] = await Promise.all([
    getJson(`/v1/centres/${id}/histories`), getJson(`/v1/centres/${id}/forecasts`),
    getJson(`/v1/centres/${id}/rosters`),
  ]);
  fillSelect($("history"), histories, (h) => `${h.filename} ${h.first_day}..${h.last_day} (#${h.id})`);
  fillSelect($("forecast"), forecasts, (f) => `${f.first_day} +${f.days}d (#${f.id})`);
  fillSelect($("roster"), rosters, (r) => `${r.first_day} +${r.days}d (#${r.id})`);
  if (histories.length) await loadHistory(histories[0].id);
  if (forecasts.length) await loadForecast(forecasts[0].id);
  if (rosters.length) await loadRoster(rosters[0].id);
  setStatus(histories.length ? "Ready." : "Upload an interval history to start.");
}

async function createSample() {
  const toml = await (await api("/v1/samples/centre.toml")).text();
  try {
    const c = await postJson("/v1/centres", { config_toml: toml });
    await loadCentres(c.id);
    setStatus(`Created centre ${c.name}.`);
  } catch (e) {
    if (e.status !== 409) throw e;
    const centres = await getJson("/v1/centres");
    await loadCentres(centres.length ? centres[0].id : null);
    setStatus("The sample centre exists already; selected.");
  }
}

async function uploadHistory() {
  const file = $("history-file").files[0];
  if (!file) throw new Error("choose a file first");
  if (state.centre == null) throw new Error("create or choose a centre first");
  setStatus(`Uploading ${file.name} (${Math.round(file.size / 1024)} kB) ...`);
  const resp = await api(`/v1/centres/${state.centre}/histories?filename=${encodeURIComponent(file.name)}`, {
    method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: file,
  });
  const d = await resp.json();
  const histories = await getJson(`/v1/centres/${state.centre}/histories`);
  fillSelect($("history"), histories, (h) => `${h.filename} ${h.first_day}..${h.last_day} (#${h.id})`, d.history.id);
  await loadHistory(d.history.id);
  setStatus(`Uploaded ${d.history.records} interval records.`);
}

async function loadHistory(id) {
  state.history = id;
  const d = await getJson(`/v1/histories/${id}`);
  $("history-summary").textContent = d.summary_text;
  state.recent = await getJson(`/v1/histories/${id}/recent`);
  if (d.history.last_day && !$("first-day").value) {
    const next = new Date(`${d.history.last_day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    $("first-day").value = next.toISOString().slice(0, 10);
  }
  updateChannels(Object.keys(state.recent));
  drawForecast();
}

function updateChannels(names) {
  const all = Array.from(new Set(state.channels.concat(names))).sort();
  const current = $("channel").value;
  state.channels = all;
  $("channel").innerHTML = "";
  for (const c of all) {
    const o = document.createElement("option");
    o.value = c;
    o.textContent = c;
    $("channel").appendChild(o);
  }
  if (all.includes(current)) $("channel").value = current;
  else if (all.includes("voice")) $("channel").value = "voice";
}

// ------------------------------------------------------------------ forecasts

async function runForecast() {
  if (state.history == null) throw new Error("upload or choose a history first");
  const body = { history_id: state.history, first_day: $("first-day").value, days: Number($("days").value) };
  let job = await postJson(`/v1/centres/${state.centre}/forecasts`, body);
  job = await pollJob(job, $("forecast-progress"));
  const forecasts = await getJson(`/v1/centres/${state.centre}/forecasts`);
  fillSelect($("forecast"), forecasts, (f) => `${f.first_day} +${f.days}d (#${f.id})`, job.result_id);
  await loadForecast(job.result_id);
  setStatus(`Forecast ${job.result_id} ready.`);
}

async function loadForecast(id) {
  state.forecast = id;
  state.requirementSet = null;
  const f = await getJson(`/v1/forecasts/${id}`);
  const csv = await (await api(`/v1/forecasts/${id}/forecast.csv`)).text();
  state.forecastRows = parseCsv(csv);
  const t = $("model-table");
  t.innerHTML = "<thead><tr><th>channel</th><th>model</th><th>backtest WAPE</th><th>P10-P90 coverage</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const m of f.models) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${m.channel}</td><td>${m.model}</td><td>${(100 * m.backtest_wape).toFixed(1)}%</td>` +
      `<td>${(100 * m.backtest_p10_p90_coverage).toFixed(0)}%</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  updateChannels(f.models.map((m) => m.channel));
  drawForecast();
}

function drawForecast() {
  const ch = $("channel").value;
  const colour = RotaCharts.channelColour(ch, state.channels);
  const hist = state.recent[ch] || { interval_start: [], offered: [] };
  const rows = state.forecastRows.filter((r) => r.channel === ch);
  const pt = (r, k) => [Date.parse(r.interval_start), Number(r[k])];
  RotaCharts.lineChart($("chart-forecast"), {
    yLabel: "offered per interval",
    bands: rows.length ? [{ name: "forecast P10-P90", cls: "band-forecast", colour,
      lower: rows.map((r) => pt(r, "offered_p10")), upper: rows.map((r) => pt(r, "offered_p90")) }] : [],
    series: [
      { name: "history", cls: "series-history", colour: "#555", width: 1,
        points: hist.interval_start.map((t, i) => [Date.parse(t), hist.offered[i]]) },
      { name: "forecast mean", cls: "series-forecast", colour,
        points: rows.map((r) => pt(r, "offered_mean")) },
    ],
  });
}

async function ensureRequirementSet() {
  if (state.forecast == null) throw new Error("run or choose a forecast first");
  if (state.requirementSet == null) {
    const set = await postJson(`/v1/forecasts/${state.forecast}/requirements`, {});
    state.requirementSet = set.id;
  }
  return state.requirementSet;
}

// ------------------------------------------------------------------ rosters

async function runSchedule() {
  const set = await ensureRequirementSet();
  let job = await postJson(`/v1/centres/${state.centre}/schedules`, {
    requirement_set_id: set, time_limit_s: Number($("time-limit").value),
  });
  job = await pollJob(job, $("schedule-progress"));
  const rosters = await getJson(`/v1/centres/${state.centre}/rosters`);
  fillSelect($("roster"), rosters, (r) => `${r.first_day} +${r.days}d (#${r.id})`, job.result_id);
  await loadRoster(job.result_id);
  setStatus(`Roster ${job.result_id} ready.`);
}

async function loadRoster(id) {
  state.roster = id;
  const r = await getJson(`/v1/rosters/${id}`);
  state.rosterJson = await getJson(`/v1/rosters/${id}/roster.json`);
  const s = r.summary.summary;
  const box = $("roster-summary");
  box.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = `${s.agents_rostered} agents, ${s.shifts} shifts, ${s.paid_hours.toFixed(1)} paid hours, ` +
    `cost ${s.paid_cost.toFixed(2)}, gap to bound ${(100 * s.gap).toFixed(2)}% (${s.solver.mip_status}).`;
  box.appendChild(p);
  const t = document.createElement("table");
  t.className = "data";
  t.innerHTML = "<thead><tr><th>channel</th><th>required h</th><th>scheduled h</th><th>shortfall h</th><th>short intervals</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const c of s.channels) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${c.channel}</td><td>${c.required_hours.toFixed(1)}</td><td>${c.scheduled_hours.toFixed(1)}</td>` +
      `<td>${c.shortfall_hours.toFixed(1)}</td><td>${c.intervals_short}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  box.appendChild(t);
  updateChannels(s.channels.map((c) => c.channel));
  const days = Array.from(new Set(state.rosterJson.shifts.map((sh) => sh.date))).sort();
  const daySel = $("roster-day");
  const keep = daySel.value;
  daySel.innerHTML = "";
  for (const d of days) {
    const o = document.createElement("option");
    o.value = d;
    o.textContent = new Date(`${d}T12:00:00Z`).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
    daySel.appendChild(o);
  }
  if (days.includes(keep)) daySel.value = keep;
  drawRoster();
}

function drawRoster() {
  const rj = state.rosterJson;
  if (!rj) return;
  const ch = $("channel").value;
  const cov = rj.coverage.filter((c) => c.channel === ch);
  const colour = RotaCharts.channelColour(ch, state.channels);
  RotaCharts.lineChart($("chart-coverage"), {
    yLabel: "agents",
    series: [
      { name: "required", cls: "series-required", colour: "#222", dash: "4 2",
        points: cov.map((c) => [Date.parse(c.interval_start), c.required]) },
      { name: "scheduled", cls: "series-scheduled", colour,
        points: cov.map((c) => [Date.parse(c.interval_start), c.scheduled]) },
    ],
  });
  const day = $("roster-day").value;
  const shifts = rj.shifts.filter((s) => s.date === day);
  if (shifts.length === 0) {
    RotaCharts.timeline($("roster-timeline"), { rows: [], from: 0, to: 1, channels: state.channels });
    return;
  }
  const starts = shifts.map((s) => Date.parse(s.start));
  const ends = shifts.map((s) => Date.parse(s.end));
  const from = Math.floor(Math.min(...starts) / 3600000) * 3600000;
  const to = Math.ceil(Math.max(...ends) / 3600000) * 3600000;
  const names = new Map(shifts.map((s) => [s.agent_id, s.agent_name]));
  const rows = [];
  for (const [agent, name] of names) {
    const items = rj.activities
      .filter((a) => a.agent_id === agent && Date.parse(a.end) > from && Date.parse(a.start) < to)
      .map((a) => ({ start: Date.parse(a.start), end: Date.parse(a.end), kind: a.activity, channel: a.channel }));
    rows.push({ label: `${name} (${agent})`, items, first: Math.min(...items.map((i) => i.start)) });
  }
  rows.sort((a, b) => a.first - b.first);
  // The centre's offset that day, from the RFC 3339 timestamps (e.g. +01:00 in summer).
  const m = /([+-])(\d\d):(\d\d)$/.exec(shifts[0].start);
  const offsetMinutes = m ? (m[1] === "-" ? -1 : 1) * (60 * Number(m[2]) + Number(m[3])) : 0;
  RotaCharts.timeline($("roster-timeline"), { rows, from, to, channels: state.channels, offsetMinutes });
}

// ------------------------------------------------------------------ simulations

async function runSimulation() {
  if (state.roster == null) throw new Error("run or choose a roster first");
  let job = await postJson(`/v1/rosters/${state.roster}/simulations`, {
    replications: Number($("replications").value),
  });
  job = await pollJob(job, $("simulation-progress"));
  const sim = await getJson(`/v1/simulations/${job.result_id}`);
  renderKpis(sim);
  setStatus(`Simulation ${job.result_id} done.`);
}

function fmtKpi(v, unit) {
  if (v == null || Number.isNaN(v)) return "-";
  if (unit === "%") return `${(100 * v).toFixed(1)}%`;
  if (unit === "s") return v >= 3600 ? `${(v / 3600).toFixed(1)} h` : `${v.toFixed(0)} s`;
  return v.toFixed(2);
}

// The report's `kpis` table: one row per channel and KPI with the simulated value, its target and
// whether the target is met (see the API docs for the report's fields).
function renderKpis(sim) {
  const t = $("kpi-table");
  t.innerHTML = "<thead><tr><th>channel</th><th>KPI</th><th>simulated [95% CI]</th><th>target</th><th>met</th></tr></thead>";
  const cap = document.createElement("caption");
  cap.textContent = `${sim.all_targets_met ? "All targets met" : "Targets missed"} (${sim.report.replications} replications, seed ${sim.report.seed})`;
  t.appendChild(cap);
  const tb = document.createElement("tbody");
  for (const k of sim.kpis || []) {
    const tr = document.createElement("tr");
    const met = k.met == null ? "" : (k.met ? "ok" : "miss");
    const ci = k.lo != null && k.hi != null && k.hi > k.lo ? ` <small>[${fmtKpi(k.lo, k.unit)}, ${fmtKpi(k.hi, k.unit)}]</small>` : "";
    tr.innerHTML = `<td>${k.channel}</td><td>${k.kpi.replace(/_/g, " ")}</td><td class="${met}">${fmtKpi(k.value, k.unit)}${ci}</td>` +
      `<td>${k.target == null ? "-" : fmtKpi(k.target, k.unit)}</td><td class="${met}">${k.met == null ? "-" : (k.met ? "yes" : "no")}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

// ------------------------------------------------------------------ downloads

async function download(path, name) {
  const blob = await (await api(path)).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ------------------------------------------------------------------ wiring

function on(id, what, fn) {
  $(id).addEventListener("click", () => guarded(what, fn));
}

$("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("rota-token", $("token").value.trim());
  $("token").value = "";
  guarded("Loading centres", () => loadCentres());
});
$("centre").addEventListener("change", () => guarded("Loading the centre", () => loadCentre(Number($("centre").value))));
$("history").addEventListener("change", () => guarded("Loading the history", () => loadHistory(Number($("history").value))));
$("forecast").addEventListener("change", () => guarded("Loading the forecast", () => loadForecast(Number($("forecast").value))));
$("roster").addEventListener("change", () => guarded("Loading the roster", () => loadRoster(Number($("roster").value))));
$("channel").addEventListener("change", () => { drawForecast(); drawRoster(); });
$("roster-day").addEventListener("change", drawRoster);
on("create-sample", "Creating the sample centre", createSample);
on("upload-history", "Upload", uploadHistory);
on("run-forecast", "Forecast", runForecast);
on("run-schedule", "Schedule", runSchedule);
on("run-simulation", "Simulation", runSimulation);
on("cancel-job", "Cancel", async () => { if (state.job != null) await api(`/v1/jobs/${state.job}/cancel`, { method: "POST" }); });
on("dl-forecast", "Download", () => download(`/v1/forecasts/${state.forecast}/forecast.csv`, "forecast.csv"));
on("dl-requirements", "Download", async () => download(`/v1/requirements/${await ensureRequirementSet()}/requirements.csv`, "requirements.csv"));
for (const f of ["shifts", "activities", "coverage"]) {
  on(`dl-${f}`, "Download", () => download(`/v1/rosters/${state.roster}/${f}.csv`, `${f}.csv`));
}

if (token()) guarded("Loading centres", () => loadCentres());
