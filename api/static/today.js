// Rota dashboard, the Today page: the selected centre's day as `GET /v1/centres/{id}/today` sees
// it (actual, pre-day forecast and re-forecast per interval with the re-forecast's P10-P90 band,
// the KPIs so far and projected against target, the recommended actions with Accept buttons) and
// its adherence so far (`GET /v1/centres/{id}/adherence`), refreshed by polling. Uses app.js's api helpers and state, and charts.js.
"use strict";

const today = { view: null, timer: null, busy: false };
const TODAY_POLL_MS = 30000;

function todayQuery() {
  const now = $("today-now").value;
  return now ? `?now=${encodeURIComponent(now)}` : "";
}

function fmtPct(v) { return v == null ? "" : `${(100 * v).toFixed(1)}%`; }

function fmtKpiValue(kpi, v) {
  if (v == null) return "";
  if (kpi === "abandon_rate" || kpi === "service_level") return fmtPct(v);
  if (kpi === "asa_seconds") return minSec(v);
  if (kpi === "agent_hours") return `${v.toFixed(1)} h`;
  return v.toFixed(0);
}

const TODAY_KPIS = ["abandon_rate", "asa_seconds", "service_level", "agent_hours"];

async function loadToday() {
  if (state.centre == null || today.busy) return;
  today.busy = true;
  try {
    const view = await getJson(`/v1/centres/${state.centre}/today${todayQuery()}`);
    today.view = view;
    $("today-roster").textContent = `roster #${view.roster_id}, forecast #${view.forecast_id}, ` +
      `${view.actual_rows} interval actuals, ${view.absences} absence${view.absences === 1 ? "" : "s"}, at ${view.now.slice(0, 16).replace("T", " ")}`;
    const channels = Array.from(new Set(view.intervals.map((i) => i.channel)));
    const sel = $("today-channel");
    const keep = sel.value;
    sel.innerHTML = "";
    for (const c of channels) {
      const o = document.createElement("option");
      o.value = c;
      o.textContent = c;
      sel.appendChild(o);
    }
    sel.value = channels.includes(keep) ? keep : (channels.includes("voice") ? "voice" : channels[0] || "");
    drawToday();
    renderTodayLevels(view);
    renderTodayKpis(view);
    renderTodayActions(view);
    const q = `?now=${encodeURIComponent(view.now)}&roster_id=${view.roster_id}`;
    renderAdherence(await getJson(`/v1/centres/${state.centre}/adherence${q}`));
  } catch (e) {
    $("today-roster").textContent = "";
    throw e;
  } finally {
    today.busy = false;
  }
}

function drawToday() {
  const view = today.view;
  if (!view) return;
  const ch = $("today-channel").value;
  // The channel's day from its first to its last interval with contacts (forecast or actual).
  const all = view.intervals.filter((i) => i.channel === ch);
  const busy = (r) => r.forecast_mean > 0 || (r.actual || 0) > 0 || (r.reforecast_mean || 0) > 0;
  const firstBusy = all.findIndex(busy);
  const lastBusy = all.length - 1 - all.slice().reverse().findIndex(busy);
  const rows = firstBusy < 0 ? all : all.slice(Math.max(0, firstBusy - 1), lastBusy + 2);
  // The centre's offset that day, from the RFC 3339 timestamps (+01:00 in summer).
  const m = rows.length ? /([+-])(\d\d):(\d\d)$/.exec(rows[0].interval_start) : null;
  const offsetMinutes = m ? (m[1] === "-" ? -1 : 1) * (60 * Number(m[2]) + Number(m[3])) : 0;
  const colour = RotaCharts.channelColour(ch, Array.from(new Set(view.intervals.map((i) => i.channel))));
  const t = (r) => Date.parse(r.interval_start);
  const ahead = rows.filter((r) => r.reforecast_mean != null);
  RotaCharts.lineChart($("chart-today"), {
    yLabel: "offered per interval",
    hourTicks: true,
    offsetMinutes,
    bands: ahead.length ? [{ name: "re-forecast P10-P90", cls: "band-reforecast", colour,
      lower: ahead.map((r) => [t(r), r.reforecast_p10]), upper: ahead.map((r) => [t(r), r.reforecast_p90]) }] : [],
    series: [
      { name: "forecast before the day", cls: "series-forecast", colour: "#888", dash: "4 2",
        points: rows.map((r) => [t(r), r.forecast_mean]) },
      { name: "actual", cls: "series-actual", colour: "#222", width: 2,
        points: rows.filter((r) => r.actual != null).map((r) => [t(r), r.actual]) },
      { name: "re-forecast", cls: "series-reforecast", colour, width: 2,
        points: ahead.map((r) => [t(r), r.reforecast_mean]) },
    ],
  });
}

function renderTodayLevels(view) {
  const t = $("today-levels");
  t.innerHTML = "<thead><tr><th>channel</th><th>so far: actual</th><th>so far: forecast</th>" +
    "<th>the day now expected</th><th>forecast of the day</th><th>rest of day &times;</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const l of view.levels) {
    const tr = document.createElement("tr");
    tr.dataset.channel = l.channel;
    tr.innerHTML = `<td>${l.channel}</td><td>${l.actual_so_far.toFixed(0)}</td><td>${l.forecast_so_far.toFixed(0)}</td>` +
      `<td class="expected">${l.expected_day.toFixed(0)}</td><td>${l.forecast_day.toFixed(0)}</td><td>${l.level.toFixed(2)}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

function renderTodayKpis(view) {
  const t = $("today-kpis");
  t.innerHTML = "<thead><tr><th>channel</th><th>measure</th><th>rest of day</th><th>whole day (projected)</th>" +
    "<th>target</th></tr></thead>";
  const tb = document.createElement("tbody");
  const key = (k) => `${k.channel}/${k.kpi}`;
  const by = new Map();
  for (const k of view.kpis) {
    if (!TODAY_KPIS.includes(k.kpi)) continue;
    const e = by.get(key(k)) || { channel: k.channel, kpi: k.kpi };
    e[k.scope] = k;
    by.set(key(k), e);
  }
  for (const e of by.values()) {
    const cell = (k) => {
      if (!k) return "<td></td>";
      const cls = k.meets === true ? "ok" : (k.meets === false ? "miss" : "");
      return `<td class="${cls}">${fmtKpiValue(e.kpi, k.predicted)}</td>`;
    };
    const target = (e.day || e.rest_of_day).target;
    const tr = document.createElement("tr");
    tr.dataset.kpi = key(e);
    tr.innerHTML = `<td>${e.channel}</td><td>${KPI_WORDS[e.kpi] || e.kpi.replace(/_/g, " ")}</td>` +
      `${cell(e.rest_of_day)}${cell(e.day)}<td>${target == null ? "" : fmtKpiValue(e.kpi, target)}</td>`;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

function renderTodayActions(view) {
  const t = $("today-actions");
  t.innerHTML = "<thead><tr><th>#</th><th>what to do now</th><th>abandoned saved</th><th>cost (GBP)</th><th></th></tr></thead>";
  const tb = document.createElement("tbody");
  if (view.actions.length === 0) {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td colspan=\"5\">Nothing changes today's outlook by a contact or more.</td>";
    tb.appendChild(tr);
  }
  for (const a of view.actions) {
    const tr = document.createElement("tr");
    tr.dataset.action = a.id;
    tr.innerHTML = `<td>${a.rank}</td><td class="text"></td><td>${a.contacts_saved.toFixed(1)}</td>` +
      `<td>${a.cost.toFixed(2)}</td><td><button type="button" class="accept">Accept</button></td>`;
    tr.querySelector("td.text").textContent = a.description;
    const accept = tr.querySelector("button.accept");
    accept.addEventListener("click", () => guarded("Accepting the action", () => acceptAction(a)));
    // Accepting edits the roster: a planner or above (app.js's /v1/me); the server refuses others.
    const here = state.me && state.me.centres.find((c) => c.id === state.centre);
    accept.hidden = !(here && here.record);
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

// The day's adherence so far: the centre, its teams and the agents with exceptions; then every
// exception.
function renderAdherence(a) {
  const t = $("today-adherence");
  t.innerHTML = "<thead><tr><th>who</th><th>people</th><th>scheduled so far</th><th>adherence</th>" +
    "<th>conformance</th><th>exceptions</th></tr></thead>";
  const tb = document.createElement("tbody");
  if (a.events === 0) {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td colspan=\"6\">No agent state events for this day yet.</td>";
    tb.appendChild(tr);
  }
  for (const r of a.rows.filter((r) => r.scope !== "agent" || r.exceptions > 0)) {
    const tr = document.createElement("tr");
    tr.dataset.scope = r.scope;
    const who = r.scope === "centre" ? "the centre" : (r.scope === "team" ? `team ${r.team}` : `${r.agent_name} (${r.agent_id})`);
    tr.innerHTML = `<td></td><td>${r.people}</td><td>${(r.scheduled_minutes / 60).toFixed(1)} h</td>` +
      `<td>${fmtPct(r.adherence)}</td><td>${fmtPct(r.conformance)}</td><td>${r.exceptions}</td>`;
    tr.querySelector("td").textContent = who;
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  const x = $("today-exceptions");
  x.innerHTML = "<thead><tr><th>agent</th><th>exception</th><th>from</th><th>to</th><th>minutes</th>" +
    "<th>rostered</th><th>did</th></tr></thead>";
  const xb = document.createElement("tbody");
  for (const e of a.exceptions) {
    const tr = document.createElement("tr");
    tr.dataset.kind = e.kind;
    for (const v of [e.agent_id, e.label, e.from.slice(11, 16), e.to.slice(11, 16), e.minutes.toFixed(0), e.scheduled, e.actual]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    xb.appendChild(tr);
  }
  x.appendChild(xb);
}

async function acceptAction(action) {
  const view = today.view;
  const body = { now: view.now, roster_id: view.roster_id, forecast_id: view.forecast_id, action_id: action.id };
  const done = await postJson(`/v1/centres/${state.centre}/today/actions/${action.rank}/accept`, body);
  const rosters = await getJson(`/v1/centres/${state.centre}/rosters`);
  fillSelect($("roster"), rosters, rosterLabel, done.roster.id);
  await loadRoster(done.roster.id);
  await loadToday();
  setStatus(`Accepted: ${action.description}. Roster #${done.roster.id} (edited from #${done.roster.edited_from}).`);
}

function pollToday() {
  clearInterval(today.timer);
  today.timer = null;
  if (!$("today-poll").checked) return;
  today.timer = setInterval(() => {
    // Only once a view has loaded: a `now` outside the roster is said once, not every 30 s.
    if (document.hidden || state.centre == null || today.view == null) return;
    loadToday().catch((e) => setStatus(`Refreshing today failed: ${e.message}`, true));
  }, TODAY_POLL_MS);
}

$("today-channel").addEventListener("change", drawToday);
$("today-refresh").addEventListener("click", () => guarded("Loading today", loadToday));
$("today-poll").addEventListener("change", pollToday);
$("today-now").addEventListener("change", () => guarded("Loading today", loadToday));
pollToday();
