// Rota dashboard: talks to the /v1 API with the key kept in sessionStorage (never in a cookie or
// the URL). Every figure shown comes from the API; this script only fetches and draws. What the
// key's role may not do is hidden (GET /v1/me says what it may); the server refuses it anyway.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  centre: null, history: null, recent: {}, forecast: null, forecastRows: [], requirementSet: null,
  roster: null, rosterJson: null, channels: [], job: null, simulation: null, centreConfig: null,
  pendingUpload: null, comparison: null, report: null, reportHtml: null, me: null,
};

// The buttons each permission of /v1/me shows: `create` is global, the others per centre.
const NEEDS = {
  create: ["create-sample", "create-from-file", "form-create"],
  configure: ["form-save", "save-toml", "save-aliases"],
  record: ["upload-history", "cancel-job", "edit-form"],
  compute: ["run-forecast", "run-schedule", "run-simulation", "run-scenarios", "run-report"],
  decide: ["publish-roster"],
  ask_time_off: ["request-form"],
  requests: ["requests-section"],
};

/// Shows who is signed in and hides what their role may not do in the selected centre.
function applyRole() {
  const me = state.me;
  const here = me && me.centres.find((c) => c.id === state.centre);
  for (const [need, ids] of Object.entries(NEEDS)) {
    const ok = need === "create" ? Boolean(me && me.create_centres) : Boolean(here && here[need]);
    for (const id of ids) { const el = $(id); if (el) el.hidden = !ok; }
  }
  $("whoami").hidden = !me;
  $("sign-out").hidden = !me;
  if (me) {
    const role = here ? here.role : me.roles.map((g) => g.role).join(", ");
    $("whoami").textContent = `${me.name} (${role})`;
  }
}

async function signIn() {
  state.me = await getJson("/v1/me");
  applyRole();
  if (state.me.agent_id) {
    // an agent's own time off: the requests view of the first centre they may ask in
    const mine = state.me.centres.find((c) => c.requests);
    if (mine) { state.centre = mine.id; applyRole(); await loadRequests(); }
    const links = state.me.calendars.map((c) =>
      `roster #${c.roster_id} from ${c.first_day}`).join("; ");
    setStatus(`Signed in as agent ${state.me.agent_id}. Your calendars: ${links || "none yet"}.`);
    return;
  }
  await loadCentres();
}

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
    let problem = null;
    try {
      const p = await resp.json();
      problem = p;
      msg = `${p.title}: ${p.detail}` + (p.field ? ` (field: ${p.field})` : "") +
        (p.errors && p.errors.length ? "\n" + p.errors.slice(0, 10).join("\n") : "");
    } catch (_) { /* not a problem document */ }
    const err = new Error(msg);
    err.status = resp.status;
    err.problem = problem;
    throw err;
  }
  return resp;
}
const getJson = async (path) => (await api(path)).json();
const sendJson = async (method, path, body) => (await api(path, {
  method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
})).json();
const postJson = (path, body) => sendJson("POST", path, body);

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
  // Asked again each time: a centre just created brings its permissions with it.
  state.me = await getJson("/v1/me");
  const centres = await getJson("/v1/centres");
  fillSelect($("centre"), centres, (c) => `${c.name} (#${c.id})`, select);
  await loadScenarioChoices();
  if (centres.length === 0) {
    CentreForm.starter();
    setStatus("No centre yet: create the sample centre, upload a centre.toml or fill in the form.");
    return;
  }
  await loadCentre(Number($("centre").value));
}

async function loadCentre(id) {
  state.centre = id;
  applyRole();
  const [centre, config, histories, forecasts, rosters, comparisons, reports] = await Promise.all([
    getJson(`/v1/centres/${id}`), getJson(`/v1/centres/${id}/config.json`),
    getJson(`/v1/centres/${id}/histories`), getJson(`/v1/centres/${id}/forecasts`),
    getJson(`/v1/centres/${id}/rosters`), getJson(`/v1/centres/${id}/comparisons`),
    getJson(`/v1/centres/${id}/reports`),
  ]);
  state.centreConfig = config;
  $("centre-toml").value = centre.config_toml;
  $("toml-errors").innerHTML = "";
  CentreForm.fill(config);
  fillSelect($("comparison"), comparisons, (c) => `${c.created_at.slice(0, 16).replace("T", " ")} (#${c.id})`);
  fillSelect($("report"), reports, (r) => `${r.first_day}..${r.last_day} (#${r.id})`);
  $("comparison-table").innerHTML = "";
  $("report-frame").srcdoc = "";
  if (comparisons.length) await loadComparison(comparisons[0].id);
  if (reports.length) await loadReport(reports[0].id);
  fillSelect($("history"), histories, (h) => `${h.filename} ${h.first_day}..${h.last_day} (#${h.id})`);
  fillSelect($("forecast"), forecasts, (f) => `${f.first_day} +${f.days}d (#${f.id})`);
  fillSelect($("roster"), rosters, rosterLabel);
  if (histories.length) await loadHistory(histories[0].id);
  if (forecasts.length) await loadForecast(forecasts[0].id);
  if (rosters.length) await loadRoster(rosters[0].id);
  await loadRequests();
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
  await sendHistory(file);
}

// Uploads a history; when its queues are not channels of the centre, offers to map them.
async function sendHistory(file) {
  $("alias-box").hidden = true;
  setStatus(`Uploading ${file.name} (${Math.round(file.size / 1024)} kB) ...`);
  let resp;
  try {
    resp = await api(`/v1/centres/${state.centre}/histories?filename=${encodeURIComponent(file.name)}`, {
      method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: file,
    });
  } catch (e) {
    const p = e.problem;
    if (e.status === 422 && p && p.unknown_channels && p.unknown_channels.length) {
      offerAliases(file, p.unknown_channels, p.known_channels || []);
      setStatus(`${file.name}: ${p.unknown_channels.length} queue name(s) are not channels of this centre; ` +
        "choose a channel for each below.");
      return;
    }
    throw e;
  }
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

function offerAliases(file, labels, channels) {
  state.pendingUpload = file;
  const tb = $("alias-table").querySelector("tbody");
  tb.innerHTML = "";
  for (const label of labels) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.textContent = label;
    const sel = document.createElement("select");
    sel.className = "alias-channel";
    sel.dataset.label = label;
    for (const c of channels) sel.appendChild(new Option(c, c));
    const td2 = document.createElement("td");
    td2.appendChild(sel);
    tr.append(td, td2);
    tb.appendChild(tr);
  }
  $("alias-box").hidden = false;
}

async function saveAliases() {
  const aliases = {};
  for (const sel of document.querySelectorAll("#alias-table select.alias-channel")) aliases[sel.dataset.label] = sel.value;
  await postJson(`/v1/centres/${state.centre}/channel-aliases`, { aliases });
  const centre = await getJson(`/v1/centres/${state.centre}`);
  $("centre-toml").value = centre.config_toml;
  $("alias-box").hidden = true;
  if (state.pendingUpload) await sendHistory(state.pendingUpload);
}

// ------------------------------------------------------------------ centre set-up

// Creates (or, with `id`, replaces the configuration of) a centre from TOML; a 422 answer's
// problems are shown by `show`.
async function saveCentre(toml, id, show) {
  setStatus("Checking the configuration ...");
  try {
    const c = id == null
      ? await postJson("/v1/centres", { config_toml: toml })
      : await sendJson("PUT", `/v1/centres/${id}`, { config_toml: toml });
    await loadCentres(c.id);
    setStatus(id == null ? `Created centre ${c.name}.` : `Saved the configuration of ${c.name}.`);
    return true;
  } catch (e) {
    if (e.status === 422 && e.problem) {
      show(e.problem);
      setStatus(`The configuration has problems: ${e.problem.detail}`, true);
      return false;
    }
    throw e;
  }
}

async function saveForm(edit) {
  if (edit && state.centre == null) throw new Error("choose a centre to edit first");
  const base = edit ? state.centreConfig : {};
  const { config, fields } = CentreForm.build(base);
  const { text, paths } = CentreForm.toToml(config);
  CentreForm.clear($("centre-form"));
  $("form-errors").innerHTML = "";
  await saveCentre(text, edit ? state.centre : null,
    (p) => CentreForm.showProblems(p, fields, paths, $("centre-form"), $("form-errors")));
}

async function saveToml() {
  if (state.centre == null) throw new Error("choose a centre first");
  const text = $("centre-toml").value;
  $("toml-errors").innerHTML = "";
  $("centre-toml").classList.remove("invalid");
  await saveCentre(text, state.centre, (p) => {
    $("centre-toml").classList.add("invalid");
    for (const f of p.problems || [{ message: p.detail }]) {
      const line = f.line || (f.key ? CentreForm.lineOfKey(text, f.key) : null);
      const li = document.createElement("li");
      li.textContent = `${line ? `line ${line}${f.column ? `, column ${f.column}` : ""}: ` : ""}${f.key ? `${f.key}: ` : ""}${f.message}`;
      $("toml-errors").appendChild(li);
    }
  });
}

async function createFromFile() {
  const file = $("centre-file").files[0];
  if (!file) throw new Error("choose a centre.toml first");
  const text = await file.text();
  await saveCentre(text, null, (p) => {
    $("centre-toml").value = text;
    $("centre-toml-box").open = true;
    $("toml-errors").innerHTML = "";
    for (const f of p.problems || [{ message: p.detail }]) {
      const line = f.line || (f.key ? CentreForm.lineOfKey(text, f.key) : null);
      const li = document.createElement("li");
      li.textContent = `${file.name}${line ? `:${line}` : ""}: ${f.key ? `${f.key}: ` : ""}${f.message}`;
      $("toml-errors").appendChild(li);
    }
  });
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
  fillSelect($("roster"), rosters, rosterLabel, job.result_id);
  await loadRoster(job.result_id);
  setStatus(`Roster ${job.result_id} ready.`);
}

// A roster in the list: its days, and the roster it was edited from by an accepted action.
function rosterLabel(r) {
  return `${r.first_day} +${r.days}d (#${r.id}${r.edited_from == null ? "" : `, edited from #${r.edited_from}`})`;
}

async function loadRoster(id) {
  state.roster = id;
  const r = await getJson(`/v1/rosters/${id}`);
  state.rosterJson = await getJson(`/v1/rosters/${id}/roster.json`);
  const s = r.summary.summary;
  const box = $("roster-summary");
  box.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = `${s.agents_rostered} people rostered on ${s.shifts} shifts: ${s.paid_hours.toFixed(1)} paid hours, ` +
    `cost ${s.paid_cost.toFixed(2)}.`;
  box.appendChild(p);
  const det = document.createElement("details");
  det.innerHTML = "<summary>Solver details</summary>";
  const dp = document.createElement("p");
  dp.className = "hint";
  dp.textContent = `Objective ${Number(s.objective).toFixed(2)}, lower bound ${Number(s.bound).toFixed(2)}, ` +
    `gap to bound ${(100 * s.gap).toFixed(2)}% (HiGHS: ${s.solver.mip_status}).`;
  det.appendChild(dp);
  const t = document.createElement("table");
  t.className = "data";
  t.innerHTML = "<thead><tr><th>channel</th><th>hours needed</th><th>hours rostered</th><th>hours short</th><th>intervals short</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const c of s.channels) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${c.channel}</td><td>${c.required_hours.toFixed(1)}</td><td>${c.scheduled_hours.toFixed(1)}</td>` +
      `<td>${c.shortfall_hours.toFixed(1)}</td><td>${c.intervals_short}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  box.appendChild(t);
  box.appendChild(det);
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
  await showPublished(id);
  await loadSchedules(id);
  await loadSimulations();
}

// Each agent's schedule of roster `id`: the agents with shifts, the selected one's week, the team's
// printable grid (the same files as `rota export`).
async function loadSchedules(id) {
  const agents = (await getJson(`/v1/rosters/${id}/calendars`)).filter((a) => a.shifts > 0);
  const sel = $("schedule-agent");
  const keep = sel.value;
  fillSelect(sel, agents.map((a) => ({ id: a.agent_id, ...a })), (a) => `${a.name} (${a.agent_id})`);
  if (agents.some((a) => a.agent_id === keep)) sel.value = keep;
  drawAgentWeek();
  $("team-grid").srcdoc = await (await api(`/v1/rosters/${id}/export/rota.html`)).text();
}

function drawAgentWeek() {
  const rj = state.rosterJson;
  const t = $("agent-week");
  t.innerHTML = "<thead><tr><th>day</th><th>shift</th><th>paid hours</th><th>channels</th><th>breaks</th></tr></thead>";
  if (!rj) return;
  const agent = $("schedule-agent").value;
  const tb = document.createElement("tbody");
  const hhmm = (ts) => ts.slice(11, 16);
  for (const sh of rj.shifts.filter((x) => x.agent_id === agent)) {
    const acts = rj.activities.filter((a) => a.agent_id === agent && a.start >= sh.start && a.end <= sh.end);
    const channels = Array.from(new Set(acts.filter((a) => a.channel).map((a) => a.channel)));
    const breaks = acts.filter((a) => a.activity !== "work").map((a) => `${hhmm(a.start)}-${hhmm(a.end)} ${a.activity}`);
    const tr = document.createElement("tr");
    const cells = [
      new Date(`${sh.date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" }),
      `${hhmm(sh.start)}-${hhmm(sh.end)}`, String(sh.paid_hours), channels.join(", "), breaks.join("; "),
    ];
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c;
      tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

// The stored simulations of the selected roster (newest first); shows the newest.
async function loadSimulations(select) {
  const sims = await getJson(`/v1/rosters/${state.roster}/simulations`);
  fillSelect($("simulation"), sims, (m) => `${m.created_at.slice(0, 16).replace("T", " ")}: ` +
    `${m.all_targets_met ? "all targets met" : "targets missed"} (#${m.id})`, select);
  $("kpi-table").innerHTML = "";
  if (sims.length) renderKpis(sims.find((m) => m.id === Number($("simulation").value)) || sims[0]);
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
  await loadSimulations(job.result_id);
  setStatus(`Simulation ${job.result_id} done.`);
}

function fmtKpi(v, unit) {
  if (v == null || Number.isNaN(v)) return "-";
  if (unit === "%") return `${(100 * v).toFixed(1)}%`;
  if (unit === "s") return v >= 3600 ? `${(v / 3600).toFixed(1)} h` : minSec(v);
  return v.toFixed(2);
}

// KPI names in a manager's words.
const KPI_WORDS = {
  abandon_rate: "calls abandoned", asa_seconds: "average wait to answer (m:ss)",
  service_level: "answered within the target time", occupancy: "advisors busy (occupancy)",
  wait_within_max_share: "answered within the longest wait", response_within_target: "handled within the response time",
};

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
    tr.innerHTML = `<td>${k.channel}</td><td>${KPI_WORDS[k.kpi] || k.kpi.replace(/_/g, " ")}</td><td class="${met}">${fmtKpi(k.value, k.unit)}${ci}</td>` +
      `<td>${k.target == null ? "-" : fmtKpi(k.target, k.unit)}</td><td class="${met}">${k.met == null ? "-" : (k.met ? "yes" : "no")}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

// Seconds as minutes:seconds (2:05).
function minSec(v) {
  if (v == null || Number.isNaN(v)) return "-";
  const s = Math.round(v);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// ------------------------------------------------------------------ scenarios

async function loadScenarioChoices() {
  if ($("scenario-choices").childElementCount) return;
  const shipped = await getJson("/v1/scenarios");
  for (const sc of shipped) {
    const l = document.createElement("label");
    l.title = sc.description || "";
    const cb = document.createElement("input");
    cb.type = "checkbox";
    cb.className = "scenario-choice";
    cb.value = sc.id;
    l.append(cb, ` ${sc.name}`);
    $("scenario-choices").appendChild(l);
  }
}

async function runScenarios() {
  if (state.forecast == null) throw new Error("run or choose a forecast first");
  const scenarios = Array.from(document.querySelectorAll(".scenario-choice:checked")).map((c) => c.value);
  const scenario_toml = [];
  for (const f of $("scenario-files").files) scenario_toml.push(await f.text());
  let job = await postJson(`/v1/centres/${state.centre}/comparisons`, {
    forecast_id: state.forecast, scenarios, scenario_toml,
    time_limit_s: Number($("scenario-time").value), replications: Number($("scenario-replications").value),
  });
  job = await pollJob(job, $("scenario-progress"));
  const list = await getJson(`/v1/centres/${state.centre}/comparisons`);
  fillSelect($("comparison"), list, (c) => `${c.created_at.slice(0, 16).replace("T", " ")} (#${c.id})`, job.result_id);
  await loadComparison(job.result_id);
  setStatus(`Comparison ${job.result_id} ready.`);
}

// The baseline and each scenario side by side: per channel the people needed (FTE), abandoned
// share, average answer time and service level the roster delivers, and the roster's cost; a
// missed target is marked.
async function loadComparison(id) {
  state.comparison = id;
  const row = await getJson(`/v1/comparisons/${id}`);
  const c = row.comparison;
  const t = $("comparison-table");
  t.innerHTML = "<thead><tr><th>scenario</th><th>channel</th><th>people needed (FTE)</th><th>abandoned</th>" +
    "<th>average answer (m:ss)</th><th>service level</th><th>roster cost</th></tr></thead>";
  const cap = document.createElement("caption");
  cap.textContent = `${c.centre}: ${c.days} days from ${c.from}; KPIs from ${c.kpi_source}.`;
  t.appendChild(cap);
  const tb = document.createElement("tbody");
  const pct = (x) => (x == null ? "-" : `${(100 * x).toFixed(1)}%`);
  for (const o of c.outcomes) {
    o.channels.forEach((ch, i) => {
      const missed = (what) => o.misses.some((m) => m.channel === ch.channel && m.target === what);
      const k = ch.kpis || {};
      const tr = document.createElement("tr");
      const cells = [
        [i === 0 ? o.name : "", ""], [ch.channel, ""], [ch.required_fte.toFixed(1), ""],
        [pct(k.abandon_rate), missed("abandon rate") ? "missed" : ""],
        [k.asa_seconds == null ? "-" : minSec(k.asa_seconds), missed("ASA") ? "missed" : ""],
        [pct(k.service_level), missed("service level") ? "missed" : ""],
        [i === 0 && o.roster ? `${o.roster.paid_cost.toFixed(0)} ${c.currency}` : "", ""],
      ];
      for (const [text, cls] of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) { td.className = cls; td.title = "target missed"; }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
  }
  t.appendChild(tb);
}

// ------------------------------------------------------------------ performance report

async function runReport() {
  if (state.history == null) throw new Error("upload or choose a history first");
  let job = await postJson(`/v1/histories/${state.history}/reports`, { forecast_accuracy: $("report-accuracy").checked });
  job = await pollJob(job, $("report-progress"));
  const list = await getJson(`/v1/centres/${state.centre}/reports`);
  fillSelect($("report"), list, (r) => `${r.first_day}..${r.last_day} (#${r.id})`, job.result_id);
  await loadReport(job.result_id);
  setStatus(`Report ${job.result_id} ready.`);
}

async function loadReport(id) {
  state.report = id;
  state.reportHtml = await (await api(`/v1/reports/${id}/report.html`)).text();
  $("report-frame").srcdoc = state.reportHtml;
}

function openReport() {
  if (!state.reportHtml) throw new Error("build or choose a report first");
  const url = URL.createObjectURL(new Blob([state.reportHtml], { type: "text/html" }));
  window.open(url, "_blank", "noopener");
  setTimeout(() => URL.revokeObjectURL(url), 60000);
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
  guarded("Signing in", signIn);
});
$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem("rota-token");
  state.me = null;
  applyRole();
  $("centre").innerHTML = "";
  setStatus("Signed out. Sign in with your API key to start.");
});
$("centre").addEventListener("change", () => guarded("Loading the centre", () => loadCentre(Number($("centre").value))));
$("history").addEventListener("change", () => guarded("Loading the history", () => loadHistory(Number($("history").value))));
$("forecast").addEventListener("change", () => guarded("Loading the forecast", () => loadForecast(Number($("forecast").value))));
$("roster").addEventListener("change", () => guarded("Loading the roster", () => loadRoster(Number($("roster").value))));
$("channel").addEventListener("change", () => { drawForecast(); drawRoster(); });
$("roster-day").addEventListener("change", drawRoster);
$("simulation").addEventListener("change", () => guarded("Loading the simulation", async () =>
  renderKpis(await getJson(`/v1/simulations/${Number($("simulation").value)}`))));
$("comparison").addEventListener("change", () => guarded("Loading the comparison", () => loadComparison(Number($("comparison").value))));
$("report").addEventListener("change", () => guarded("Loading the report", () => loadReport(Number($("report").value))));
on("create-from-file", "Creating the centre", createFromFile);
on("form-create", "Creating the centre", () => saveForm(false));
on("form-save", "Saving the centre", () => saveForm(true));
on("form-fill", "Filling the form", async () => { if (state.centreConfig) CentreForm.fill(state.centreConfig); });
on("save-toml", "Saving the configuration", saveToml);
on("save-aliases", "Saving the queue mapping", saveAliases);
on("run-scenarios", "Scenarios", runScenarios);
on("run-report", "Report", runReport);
on("open-report", "Opening the report", async () => openReport());
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
for (const ext of ["xlsx", "csv", "html"]) {
  on(`dl-rota-${ext}`, "Download", () => download(`/v1/rosters/${state.roster}/export/rota.${ext}`, `rota-${state.roster}.${ext}`));
}
on("dl-calendar", "Download", () => {
  const agent = $("schedule-agent").value;
  return download(`/v1/rosters/${state.roster}/calendars/${encodeURIComponent(agent)}.ics`, `${agent}.ics`);
});
$("schedule-agent").addEventListener("change", drawAgentWeek);

if (token()) guarded("Signing in", signIn);
