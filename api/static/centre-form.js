// Rota dashboard: the centre form. It builds the centre's configuration (the `centre.toml` of the
// CLI) in the browser, remembering which input produced each TOML key and line, so the problems
// the service finds (the same validation as `rota data check`: `channels.voice.aht_seconds: ...`
// or `line 12, column 3: ...`) are shown beside the field that caused them.
"use strict";

const CentreForm = (() => {
  const COLUMNS = {
    "form-channels": ["name", "kind", "label", "aht_min", "patience_min", "weekdays", "sat", "abandon_pct",
      "asa", "sl_pct", "sl_within", "remove"],
    "form-templates": ["name", "days", "earliest_start", "latest_start", "paid_hours", "lunch", "breaks", "remove"],
    "form-contracts": ["name", "min_hours", "max_hours", "days_off", "templates", "remove"],
    "form-agents": ["id", "name", "skills", "contract", "hourly_rate", "remove"],
  };
  const KINDS = ["inbound", "walk_in", "chat", "deferred"];

  function addRow(tableId, values = {}) {
    const tb = document.querySelector(`#${tableId} tbody`);
    const tr = document.createElement("tr");
    for (const col of COLUMNS[tableId]) {
      const td = document.createElement("td");
      if (col === "remove") {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = "remove";
        b.addEventListener("click", () => tr.remove());
        td.appendChild(b);
      } else if (col === "kind") {
        const sel = document.createElement("select");
        sel.name = col;
        for (const k of KINDS) sel.appendChild(new Option(k.replace("_", "-"), k));
        sel.value = values[col] || "inbound";
        td.appendChild(sel);
      } else {
        const inp = document.createElement("input");
        inp.name = col;
        inp.value = values[col] == null ? "" : String(values[col]);
        td.appendChild(inp);
      }
      tr.appendChild(td);
    }
    tb.appendChild(tr);
    return tr;
  }

  function rows(tableId) {
    return Array.from(document.querySelectorAll(`#${tableId} tbody tr`)).map((tr) => {
      const cells = {};
      for (const el of tr.querySelectorAll("input, select")) cells[el.name] = el;
      return cells;
    });
  }

  const field = (name) => document.querySelector(`#centre-form [name="${name}"]`);
  const text = (el) => (el ? el.value.trim() : "");
  const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const ranges = (s) => list(s.replace(/;/g, ","));

  // A number from an input; `NaN` text is kept as text so the service names it.
  function num(el, scale = 1) {
    const t = text(el);
    if (t === "") return undefined;
    const n = Number(t.replace(",", "."));
    return Number.isFinite(n) ? Math.round(n * scale * 1e6) / 1e6 : t;
  }
  function minSec(el) {
    const t = text(el);
    if (t === "") return undefined;
    const m = /^(\d+):(\d{1,2})$/.exec(t);
    if (m) return 60 * Number(m[1]) + Number(m[2]);
    const n = Number(t);
    return Number.isFinite(n) ? n * 60 : t;
  }
  function setOrDelete(obj, key, v) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete obj[key];
    else obj[key] = v;
  }
  const clone = (o) => JSON.parse(JSON.stringify(o || {}));

  // The configuration from the form, laid over `base` (the stored configuration as JSON when
  // editing), so what the form does not show (grades, leave, special days, the history mapping)
  // is kept. `fields` maps each TOML key path the form wrote to its input.
  function build(base) {
    const cfg = clone(base);
    const fields = {};
    const put = (path, el) => { fields[path] = el; };
    cfg.centre = cfg.centre || {};
    cfg.centre.name = text(field("centre.name"));
    put("centre.name", field("centre.name"));
    setOrDelete(cfg.centre, "time_zone", text(field("centre.time_zone")) || undefined);
    put("centre.time_zone", field("centre.time_zone"));
    cfg.centre.interval = text(field("centre.interval"));
    put("centre.interval", field("centre.interval"));
    const hours = cfg.centre.hours || {};
    setOrDelete(hours, "weekdays", ranges(text(field("centre.hours.weekdays"))));
    setOrDelete(hours, "sat", ranges(text(field("centre.hours.sat"))));
    cfg.centre.hours = hours;
    put("centre.hours", field("centre.hours.weekdays"));
    put("centre.hours.sat", field("centre.hours.sat"));
    const shrink = num(field("shrinkage.total"), 0.01);
    const baseTotal = shrinkageTotal(base && base.shrinkage);
    if (!(base && base.shrinkage && typeof shrink === "number" && Math.abs(baseTotal - shrink) < 0.0005)) {
      if (shrink === undefined) delete cfg.shrinkage;
      else cfg.shrinkage = { total: shrink };
    }
    put("shrinkage", field("shrinkage.total"));

    const channels = {};
    for (const r of rows("form-channels")) {
      const name = text(r.name);
      const key = `channels.${name}`;
      const ch = clone((cfg.channels || {})[name]);
      ch.kind = r.kind.value;
      setOrDelete(ch, "label", text(r.label) || undefined);
      ch.aht_seconds = num(r.aht_min, 60);
      setOrDelete(ch, "patience_seconds", ch.kind === "deferred" ? undefined : num(r.patience_min, 60));
      const h = ch.hours || {};
      setOrDelete(h, "weekdays", ranges(text(r.weekdays)));
      setOrDelete(h, "sat", ranges(text(r.sat)));
      ch.hours = h;
      const t = ch.targets || {};
      if (ch.kind !== "deferred") {
        setOrDelete(t, "max_abandon_rate", num(r.abandon_pct, 0.01));
        setOrDelete(t, "max_asa_seconds", minSec(r.asa));
        const share = num(r.sl_pct, 0.01);
        const within = num(r.sl_within);
        if (share === undefined && within === undefined) delete t.service_level;
        else t.service_level = Object.assign({}, t.service_level || {}, { share, within_seconds: within });
      }
      if (Object.keys(t).length) ch.targets = t; else delete ch.targets;
      channels[name] = ch;
      put(key, r.name);
      put(`${key}.kind`, r.kind);
      put(`${key}.label`, r.label);
      put(`${key}.aht_seconds`, r.aht_min);
      put(`${key}.patience_seconds`, r.patience_min);
      put(`${key}.hours`, r.weekdays);
      put(`${key}.hours.sat`, r.sat);
      put(`${key}.targets`, r.abandon_pct);
      put(`${key}.targets.max_abandon_rate`, r.abandon_pct);
      put(`${key}.targets.max_asa_seconds`, r.asa);
      put(`${key}.targets.service_level`, r.sl_pct);
      put(`${key}.targets.service_level.within_seconds`, r.sl_within);
    }
    cfg.channels = channels;

    const templates = {};
    for (const r of rows("form-templates")) {
      const name = text(r.name);
      const key = `shift_templates.${name}`;
      const t = clone((cfg.shift_templates || {})[name]);
      setOrDelete(t, "days", list(text(r.days)));
      t.earliest_start = text(r.earliest_start);
      setOrDelete(t, "latest_start", text(r.latest_start) || undefined);
      t.paid_hours = num(r.paid_hours);
      const lunch = num(r.lunch);
      if (lunch === undefined) delete t.lunch;
      else t.lunch = { minutes: lunch, start_window_minutes: (t.lunch && t.lunch.start_window_minutes) || [180, 300] };
      const windows = [[90, 150], [330, 420], [450, 510]];
      const breaks = list(text(r.breaks)).map((m, i) => ({
        minutes: Number.isFinite(Number(m)) ? Number(m) : m,
        start_window_minutes: (t.breaks && t.breaks[i] && t.breaks[i].start_window_minutes) || windows[i % 3],
      }));
      setOrDelete(t, "breaks", breaks);
      templates[name] = t;
      put(key, r.name);
      put(`${key}.days`, r.days);
      put(`${key}.earliest_start`, r.earliest_start);
      put(`${key}.latest_start`, r.latest_start);
      put(`${key}.paid_hours`, r.paid_hours);
      put(`${key}.lunch`, r.lunch);
      put(`${key}.breaks`, r.breaks);
    }
    setOrDelete(cfg, "shift_templates", Object.keys(templates).length ? templates : undefined);

    const contracts = {};
    for (const r of rows("form-contracts")) {
      const name = text(r.name);
      const key = `contracts.${name}`;
      const c = clone((cfg.contracts || {})[name]);
      setOrDelete(c, "min_weekly_paid_hours", num(r.min_hours));
      setOrDelete(c, "max_weekly_paid_hours", num(r.max_hours));
      setOrDelete(c, "days_off_per_week", num(r.days_off));
      setOrDelete(c, "allowed_templates", list(text(r.templates)));
      contracts[name] = c;
      put(key, r.name);
      put(`${key}.min_weekly_paid_hours`, r.min_hours);
      put(`${key}.max_weekly_paid_hours`, r.max_hours);
      put(`${key}.days_off_per_week`, r.days_off);
      put(`${key}.allowed_templates`, r.templates);
    }
    setOrDelete(cfg, "contracts", Object.keys(contracts).length ? contracts : undefined);

    const before = new Map((cfg.agents || []).map((a) => [a.id, a]));
    const agents = [];
    rows("form-agents").forEach((r, i) => {
      const id = text(r.id);
      const a = clone(before.get(id));
      a.id = id;
      a.name = text(r.name);
      a.skills = list(text(r.skills));
      a.contract = text(r.contract);
      const rate = num(r.hourly_rate);
      if (rate !== undefined) { a.hourly_rate = rate; delete a.grade; }
      agents.push(a);
      const key = `agents[${i}]`;
      put(key, r.id);
      put(`${key}.id`, r.id);
      put(`${key}.name`, r.name);
      put(`${key}.skills`, r.skills);
      put(`${key}.contract`, r.contract);
      put(`${key}.hourly_rate`, r.hourly_rate);
      put(`${key}.grade`, r.hourly_rate);
    });
    setOrDelete(cfg, "agents", agents);
    return { config: cfg, fields };
  }

  function shrinkageTotal(s) {
    if (!s) return undefined;
    if (typeof s.total === "number") return s.total;
    return Object.values(s.activities || {}).reduce((a, b) => a + b, 0);
  }

  // ---------------------------------------------------------------- TOML

  const bareKey = (k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));
  const isTable = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isTableArray = (v) => Array.isArray(v) && v.length > 0 && v.every(isTable);

  function value(v) {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
    if (isTable(v)) return `{ ${Object.entries(v).filter(([, x]) => x !== undefined && x !== null)
      .map(([k, x]) => `${bareKey(k)} = ${value(x)}`).join(", ")} }`;
    return '""';
  }

  // TOML text and, per line, the key path it writes (`channels.voice.aht_seconds`). Tables
  // become `[headers]` down to any depth; the arrays of tables at the top level (`agents`,
  // `special_days`) become `[[headers]]` whose own tables are written inline.
  function toToml(cfg) {
    const lines = [];
    const paths = [];
    const emit = (line, path) => { lines.push(line); paths.push(path); };
    function table(obj, prefix, headerParts) {
      const entries = Object.entries(obj).filter(([, v]) => v !== undefined && v !== null);
      for (const [k, v] of entries) {
        if (isTable(v) || (isTableArray(v) && headerParts.length === 0)) continue;
        emit(`${bareKey(k)} = ${value(v)}`, prefix ? `${prefix}.${k}` : k);
      }
      for (const [k, v] of entries) {
        const path = prefix ? `${prefix}.${k}` : k;
        if (isTable(v)) {
          const parts = headerParts.concat([bareKey(k)]);
          emit("", path);
          emit(`[${parts.join(".")}]`, path);
          table(v, path, parts);
        } else if (isTableArray(v) && headerParts.length === 0) {
          v.forEach((item, i) => {
            emit("", `${k}[${i}]`);
            emit(`[[${bareKey(k)}]]`, `${k}[${i}]`);
            for (const [ik, iv] of Object.entries(item)) {
              if (iv !== undefined && iv !== null) emit(`${bareKey(ik)} = ${value(iv)}`, `${k}[${i}].${ik}`);
            }
          });
        }
      }
    }
    table(cfg, "", []);
    return { text: lines.join("\n") + "\n", paths };
  }

  // ---------------------------------------------------------------- problems

  // `agents[2] (id "A3").skills` -> `agents[2].skills`.
  const normalise = (key) => key.replace(/ \(id "[^"]*"\)/g, "");

  // The input for a key path: the path itself or its nearest parent the form wrote.
  function inputFor(fields, key) {
    let k = normalise(key);
    while (k) {
      if (fields[k]) return fields[k];
      const cut = Math.max(k.lastIndexOf("."), k.lastIndexOf("["));
      if (cut <= 0) break;
      k = k.slice(0, cut);
    }
    return null;
  }

  function clear(form) {
    for (const el of form.querySelectorAll(".field-error")) el.remove();
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  function mark(el, message) {
    el.classList.add("invalid");
    const span = document.createElement("span");
    span.className = "field-error";
    span.textContent = message;
    el.insertAdjacentElement("afterend", span);
  }

  // Shows each problem of a 422 answer beside the input that wrote its key or line; the rest
  // go in `generalList`. Returns how many were placed beside a field.
  function showProblems(problem, fields, paths, form, generalList) {
    clear(form);
    generalList.innerHTML = "";
    let placed = 0;
    const findings = problem.problems && problem.problems.length ? problem.problems
      : [{ message: problem.detail }];
    for (const p of findings) {
      let el = null;
      if (p.key) el = inputFor(fields, p.key);
      else if (p.line && paths[p.line - 1]) el = inputFor(fields, paths[p.line - 1]);
      if (el) {
        mark(el, p.key ? `${lastSegment(p.key)}: ${p.message}` : p.message);
        placed += 1;
      } else {
        const li = document.createElement("li");
        li.textContent = p.key ? `${p.key}: ${p.message}` : (p.line ? `line ${p.line}: ${p.message}` : p.message);
        generalList.appendChild(li);
      }
    }
    return placed;
  }

  const lastSegment = (key) => normalise(key).split(".").pop();

  // The line of a key path in a TOML text (for problems of the raw editor): the table header of
  // the longest prefix, then the key below it.
  function lineOfKey(textValue, key) {
    const lines = textValue.split(/\r?\n/);
    const parts = normalise(key).replace(/\[\d+\]/g, "").split(".");
    let best = -1;
    let rest = parts;
    for (let n = parts.length; n > 0 && best < 0; n--) {
      const header = `[${parts.slice(0, n).join(".")}]`;
      const idx = lines.findIndex((l) => l.trim() === header || l.trim() === `[${header}]`);
      if (idx >= 0) { best = idx; rest = parts.slice(n); }
    }
    if (rest.length) {
      const from = best < 0 ? 0 : best + 1;
      for (let i = from; i < lines.length; i++) {
        if (best >= 0 && /^\s*\[/.test(lines[i])) break;
        if (new RegExp(`^\\s*"?${rest[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?\\s*=`).test(lines[i])) return i + 1;
      }
    }
    return best >= 0 ? best + 1 : null;
  }

  // ---------------------------------------------------------------- filling

  function fill(cfg) {
    const c = cfg.centre || {};
    field("centre.name").value = c.name || "";
    field("centre.time_zone").value = c.time_zone || "Europe/London";
    field("centre.interval").value = typeof c.interval === "number" ? `${c.interval}m` : (c.interval || "15m");
    const h = c.hours || {};
    field("centre.hours.weekdays").value = (h.weekdays || h.every_day || []).join(", ");
    field("centre.hours.sat").value = (h.sat || []).join(", ");
    const total = shrinkageTotal(cfg.shrinkage);
    field("shrinkage.total").value = total === undefined ? "" : String(Math.round(total * 1000) / 10);
    for (const id of Object.keys(COLUMNS)) document.querySelector(`#${id} tbody`).innerHTML = "";
    const pct = (x) => (typeof x === "number" ? String(Math.round(x * 1000) / 10) : "");
    const mins = (x) => (typeof x === "number" ? String(Math.round((x / 60) * 100) / 100) : "");
    const mss = (x) => (typeof x === "number" ? `${Math.floor(x / 60)}:${String(Math.round(x % 60)).padStart(2, "0")}` : "");
    for (const [name, ch] of Object.entries(cfg.channels || {})) {
      const t = ch.targets || {};
      const hh = ch.hours || {};
      addRow("form-channels", {
        name, kind: ch.kind, label: ch.label || "", aht_min: mins(ch.aht_seconds),
        patience_min: mins(ch.patience_seconds), weekdays: (hh.weekdays || hh.every_day || []).join(", "),
        sat: (hh.sat || []).join(", "), abandon_pct: pct(t.max_abandon_rate), asa: mss(t.max_asa_seconds),
        sl_pct: t.service_level ? pct(t.service_level.share) : "",
        sl_within: t.service_level ? t.service_level.within_seconds : "",
      });
    }
    for (const [name, t] of Object.entries(cfg.shift_templates || {})) {
      addRow("form-templates", {
        name, days: (t.days || []).join(", "), earliest_start: t.earliest_start, latest_start: t.latest_start || "",
        paid_hours: t.paid_hours, lunch: t.lunch ? t.lunch.minutes : "",
        breaks: (t.breaks || []).map((b) => b.minutes).join(", "),
      });
    }
    for (const [name, k] of Object.entries(cfg.contracts || {})) {
      addRow("form-contracts", {
        name, min_hours: k.min_weekly_paid_hours ?? "", max_hours: k.max_weekly_paid_hours ?? "",
        days_off: k.days_off_per_week ?? "", templates: (k.allowed_templates || []).join(", "),
      });
    }
    for (const a of cfg.agents || []) {
      const tr = addRow("form-agents", {
        id: a.id, name: a.name, skills: (a.skills || []).join(", "), contract: a.contract,
        hourly_rate: a.hourly_rate ?? "",
      });
      if (a.grade) tr.querySelector('[name="hourly_rate"]').placeholder = `grade ${a.grade}`;
    }
  }

  // A small centre to start from: one phone queue, one shift, one contract, two agents.
  function starter() {
    fill({
      centre: { name: "", time_zone: "Europe/London", interval: "15m", hours: { weekdays: ["09:00-17:00"] } },
      shrinkage: { total: 0.2 },
      channels: { voice: { kind: "inbound", label: "Telephone", aht_seconds: 360, patience_seconds: 300,
        hours: { weekdays: ["09:00-17:00"] }, targets: { max_abandon_rate: 0.1, max_asa_seconds: 120 } } },
      shift_templates: { day: { days: ["weekdays"], earliest_start: "08:45", latest_start: "09:00", paid_hours: 7.5,
        lunch: { minutes: 30 }, breaks: [{ minutes: 15 }, { minutes: 15 }] } },
      contracts: { full_time: { min_weekly_paid_hours: 37.5, max_weekly_paid_hours: 37.5, days_off_per_week: 2 } },
      agents: [
        { id: "A1", name: "", skills: ["voice"], contract: "full_time", hourly_rate: 13 },
        { id: "A2", name: "", skills: ["voice"], contract: "full_time", hourly_rate: 13 },
      ],
    });
  }

  for (const b of document.querySelectorAll("#centre-form .add-row")) {
    b.addEventListener("click", () => addRow(b.dataset.table));
  }

  return { build, toToml, showProblems, clear, fill, starter, addRow, lineOfKey };
})();
