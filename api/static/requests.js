// Rota dashboard: time off and hand edits (issue #15). Time-off requests of the selected centre
// (an agent's key: their own) with, per request, what approving it would do to the published week
// (`GET /v1/requests/{id}/effect`) and Approve / Decline for managers; on the Roster section,
// which version is published, Publish, and the hand edits with the KPIs before and after or the
// rules an edit breaks. Uses app.js's api helpers, state and role flags (GET /v1/me).
"use strict";

function here() { return state.me && state.me.centres.find((c) => c.id === state.centre); }
function pct(v) { return v == null ? "" : `${(100 * v).toFixed(1)}%`; }
function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}
function localDay(rfc) { return rfc.slice(0, 16).replace("T", " "); }

// ------------------------------------------------------------------ publishing

async function showPublished(rosterId) {
  if (state.centre == null) return;
  const pubs = await getJson(`/v1/centres/${state.centre}/publications`);
  const r = await getJson(`/v1/rosters/${rosterId}`);
  const mine = pubs.find((p) => p.roster_id === rosterId && p.current);
  const week = pubs.find((p) => p.first_day === r.first_day && p.current);
  $("publish-state").textContent = mine
    ? `This roster is published (${localDay(mine.published_at)} by ${mine.published_by}): it is the week the floor works.`
    : week
      ? `Roster #${week.roster_id} is the published version of this week; this one is a draft.`
      : "No roster of this week is published yet.";
  $("publish-roster").disabled = Boolean(mine);
  // the roster list says which version is published for each week
  const live = new Set(pubs.filter((p) => p.current).map((p) => String(p.roster_id)));
  for (const o of $("roster").options) {
    if (o.dataset.label == null) o.dataset.label = o.textContent;
    o.textContent = o.dataset.label + (live.has(o.value) ? " published" : "");
  }
}

async function publishRoster() {
  const p = await postJson(`/v1/rosters/${state.roster}/publish`, {});
  await showPublished(state.roster);
  setStatus(`Roster #${p.roster_id} published.`);
}

// ------------------------------------------------------------------ hand edits

async function editRoster() {
  const v = (id) => $(id).value.trim();
  const body = { kind: v("edit-kind"), agent_id: v("edit-agent"), date: v("edit-date"), force: $("edit-force").checked };
  if (body.kind === "swap") body.other_agent_id = v("edit-other");
  if (body.kind === "move" || body.kind === "activity") { body.start = v("edit-start"); body.end = v("edit-end"); }
  if (body.kind === "activity") {
    body.activity = v("edit-activity");
    if (body.activity === "work") body.channel = v("edit-channel");
  }
  const out = $("edit-result");
  $("edit-kpis").innerHTML = "";
  setStatus(`Checking the edit of roster #${state.roster} against the rules and the targets...`);
  try {
    const done = await postJson(`/v1/rosters/${state.roster}/edits`, body);
    out.textContent = `${done.edit}: roster #${done.roster.id}, edited from #${done.roster.edited_from} (a draft until published). ` +
      (done.forced ? `Made although it breaks: ${done.warnings.map((w) => `${w.rule}: ${w.message}`).join("; ")}. ` : "") +
      done.said.join("; ") + ".";
    out.classList.toggle("error", done.forced);
    renderEditKpis(done.kpis);
    const rosters = await getJson(`/v1/centres/${state.centre}/rosters`);
    fillSelect($("roster"), rosters, rosterLabel, done.roster.id);
    await loadRoster(done.roster.id);
    setStatus(`Roster #${done.roster.id}: ${done.edit}` + (done.forced ? " (forced: recorded as a warning)." : "."));
  } catch (e) {
    // a refusal names the rules broken: shown beside the form, not only in the status line
    const p = e.problem;
    out.textContent = p ? `Refused: ${p.detail}` + (p.errors ? `\n${p.errors.join("\n")}` : "") : e.message;
    out.classList.add("error");
    throw e;
  }
}

function renderEditKpis(kpis) {
  const t = $("edit-kpis");
  t.innerHTML = "<thead><tr><th>channel</th><th>day</th><th>hours short before</th><th>after</th>" +
    "<th>abandon before</th><th>after</th><th>answer time before</th><th>after</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const k of kpis) {
    const tr = document.createElement("tr");
    cell(tr, k.channel);
    cell(tr, k.date);
    cell(tr, k.short_hours_before.toFixed(1));
    cell(tr, k.short_hours_after.toFixed(1), k.short_hours_after > k.short_hours_before + 0.05 ? "miss" : "");
    cell(tr, pct(k.abandon_before));
    cell(tr, pct(k.abandon_after), k.abandon_after > k.abandon_before + 0.0005 ? "miss" : "");
    cell(tr, k.asa_before_s == null ? "" : minSec(k.asa_before_s));
    cell(tr, k.asa_after_s == null ? "" : minSec(k.asa_after_s));
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

// ------------------------------------------------------------------ time off

async function loadRequests() {
  const c = here();
  $("requests-table").innerHTML = "";
  $("request-effect").innerHTML = "";
  $("request-said").textContent = "";
  if (!c || !c.requests) return;
  if (state.me.agent_id) $("request-agent").value = state.me.agent_id;
  $("request-agent").disabled = Boolean(state.me.agent_id);
  const rows = await getJson(`/v1/centres/${state.centre}/requests`);
  const t = $("requests-table");
  t.innerHTML = "<thead><tr><th>#</th><th>agent</th><th>from</th><th>to</th><th>type</th><th>status</th><th>note</th><th></th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.dataset.request = r.id;
    cell(tr, String(r.id));
    cell(tr, r.agent_id);
    cell(tr, localDay(r.from));
    cell(tr, localDay(r.to));
    cell(tr, r.type.replace("_", " "));
    cell(tr, r.status + (r.decided_by ? ` (${r.decided_by})` : ""));
    cell(tr, r.note, "text");
    const td = cell(tr, "");
    const button = (label, cls, fn) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.className = cls;
      b.addEventListener("click", () => guarded(label, fn));
      td.appendChild(b);
    };
    if (c.compute) button("Effect", "request-effect", () => showEffect(r.id));
    if (c.decide && r.status === "pending") {
      button("Approve", "request-approve", () => decideRequest(r.id, "approve"));
      button("Decline", "request-decline", () => decideRequest(r.id, "decline"));
    }
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

async function askTimeOff() {
  const body = {
    agent_id: $("request-agent").value.trim(), from: $("request-from").value,
    to: $("request-to").value || $("request-from").value, type: $("request-type").value,
    note: $("request-note").value,
  };
  const r = await postJson(`/v1/centres/${state.centre}/requests`, body);
  await loadRequests();
  setStatus(`Request #${r.id} of ${r.agent_id} stored: pending a manager's decision.`);
}

async function showEffect(id) {
  setStatus(`Working out what approving request #${id} would do to the published week...`);
  const e = await getJson(`/v1/requests/${id}/effect`);
  $("request-said").textContent = `Request #${id} (roster #${e.roster_id}): ${e.said.join("; ")}.`;
  const t = $("request-effect");
  t.innerHTML = "<thead><tr><th>channel</th><th>day</th><th>abandon now</th><th>if approved</th>" +
    "<th>answer time now</th><th>if approved</th><th>hours short now</th><th>if approved</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const r of e.rows) {
    const tr = document.createElement("tr");
    cell(tr, r.channel);
    cell(tr, r.date);
    cell(tr, pct(r.abandon_now));
    cell(tr, pct(r.abandon_if_approved), r.abandon_if_approved > r.abandon_now + 0.0005 ? "miss" : "");
    cell(tr, r.asa_now_s == null ? "" : minSec(r.asa_now_s));
    cell(tr, r.asa_if_approved_s == null ? "" : minSec(r.asa_if_approved_s));
    cell(tr, r.short_hours_now.toFixed(1));
    cell(tr, r.short_hours_if_approved.toFixed(1), r.short_hours_if_approved > r.short_hours_now + 0.05 ? "miss" : "");
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  setStatus(`The effect of request #${id} took ${e.seconds.toFixed(1)} s.`);
}

async function decideRequest(id, how) {
  const d = await postJson(`/v1/requests/${id}/${how}`, {});
  await loadRequests();
  setStatus(`Request #${id} ${d.request.status}` + (d.request.absence_id ? ": the absence is recorded for the Today view." : "."));
}

$("publish-roster").addEventListener("click", () => guarded("Publishing", publishRoster));
$("edit-roster").addEventListener("click", () => guarded("Editing the roster", editRoster));
$("ask-time-off").addEventListener("click", () => guarded("Asking for time off", askTimeOff));
