// Rota dashboard charts: small SVG line/band charts and an agent timeline, drawn with plain DOM
// calls (no library, no CDN). Times are milliseconds since the epoch; labels use the browser's
// locale but the centre's offsets are kept in the data.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function svgEl(name, attrs, parent) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

const CHANNEL_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];
function channelColour(name, all) {
  const i = Math.max(0, all.indexOf(name));
  return CHANNEL_COLOURS[i % CHANNEL_COLOURS.length];
}

// series: [{name, cls, colour, points: [[t, v], ...], dash}]; bands: [{name, cls, colour,
// lower: [[t, v]], upper: [[t, v]]}]. Draws into `container` (replacing its content).
// With `hourTicks`, the x axis is labelled every two hours in the centre's clock
// (`offsetMinutes`, its UTC offset that day) instead of by day: for a chart of one day.
function lineChart(container, { series = [], bands = [], yLabel = "", height = 260, hourTicks = false, offsetMinutes = 0 }) {
  container.innerHTML = "";
  const width = Math.max(480, container.clientWidth || 900);
  const m = { l: 48, r: 12, t: 12, b: 36 };
  const all = [];
  for (const s of series) for (const p of s.points) all.push(p);
  for (const b of bands) for (const p of b.upper.concat(b.lower)) all.push(p);
  if (all.length === 0) {
    container.textContent = "No data.";
    return null;
  }
  let t0 = Infinity, t1 = -Infinity, y1 = 0;
  for (const [t, v] of all) {
    if (t < t0) t0 = t;
    if (t > t1) t1 = t;
    if (v > y1) y1 = v;
  }
  if (t1 === t0) t1 = t0 + 1;
  if (y1 <= 0) y1 = 1;
  y1 *= 1.05;
  const x = (t) => m.l + ((t - t0) / (t1 - t0)) * (width - m.l - m.r);
  const y = (v) => height - m.b - (v / y1) * (height - m.t - m.b);
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "chart" }, container);

  // Axes and grid.
  const ystep = niceStep(y1, 5);
  for (let v = 0; v <= y1; v += ystep) {
    svgEl("line", { x1: m.l, x2: width - m.r, y1: y(v), y2: y(v), class: "grid" }, svg);
    const lbl = svgEl("text", { x: m.l - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, svg);
    lbl.textContent = v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, "");
  }
  const day = 86400000;
  const first = new Date(t0);
  first.setHours(0, 0, 0, 0);
  const nDays = (t1 - t0) / day;
  const every = nDays > 16 ? 2 : 1;
  let k = 0;
  const twoHours = 2 * 3600000;
  const offset = offsetMinutes * 60000;
  for (let t = Math.ceil((t0 + offset) / twoHours) * twoHours - offset; hourTicks && t <= t1; t += twoHours) {
    svgEl("line", { x1: x(t), x2: x(t), y1: m.t, y2: height - m.b, class: "grid day" }, svg);
    const lbl = svgEl("text", { x: x(t), y: height - m.b + 14, class: "tick", "text-anchor": "middle" }, svg);
    const mins = ((Math.round((t + offset) / 60000) % 1440) + 1440) % 1440;
    lbl.textContent = `${String(Math.floor(mins / 60)).padStart(2, "0")}:${String(mins % 60).padStart(2, "0")}`;
  }
  for (let t = first.getTime() + day; !hourTicks && t <= t1; t += day, k++) {
    svgEl("line", { x1: x(t), x2: x(t), y1: m.t, y2: height - m.b, class: "grid day" }, svg);
    if (k % every === 0) {
      const lbl = svgEl("text", { x: x(t) + 3, y: height - m.b + 14, class: "tick" }, svg);
      lbl.textContent = new Date(t).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
    }
  }
  svgEl("line", { x1: m.l, x2: m.l, y1: m.t, y2: height - m.b, class: "axis" }, svg);
  svgEl("line", { x1: m.l, x2: width - m.r, y1: height - m.b, y2: height - m.b, class: "axis" }, svg);
  if (yLabel) {
    const lbl = svgEl("text", { x: 12, y: m.t + 8, class: "tick", transform: `rotate(-90 12 ${m.t + 8})`, "text-anchor": "end" }, svg);
    lbl.textContent = yLabel;
  }

  for (const b of bands) {
    if (b.upper.length === 0) continue;
    const pts = b.upper.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
      .concat(b.lower.slice().reverse().map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`));
    svgEl("polygon", { points: pts.join(" "), fill: b.colour, "fill-opacity": 0.2, stroke: "none", class: b.cls || "band" }, svg);
  }
  for (const s of series) {
    if (s.points.length === 0) continue;
    // Break the line where intervals are missing (closed hours), instead of bridging the gap.
    const steps = [];
    for (let i = 1; i < s.points.length; i++) steps.push(s.points[i][0] - s.points[i - 1][0]);
    steps.sort((a, b) => a - b);
    const step = steps.length ? steps[Math.floor(steps.length / 2)] : Infinity;
    const d = s.points.map(([t, v], i) => {
      const gap = i > 0 && t - s.points[i - 1][0] > 1.5 * step;
      return `${i === 0 || gap ? "M" : "L"}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    }).join("");
    const attrs = { d, fill: "none", stroke: s.colour, "stroke-width": s.width || 1.5, class: s.cls || "series" };
    if (s.dash) attrs["stroke-dasharray"] = s.dash;
    if (s.step) attrs["shape-rendering"] = "crispEdges";
    svgEl("path", attrs, svg);
  }

  // Legend.
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const s of series.concat(bands)) {
    const item = document.createElement("span");
    item.innerHTML = `<i style="background:${s.colour}${s.lower ? ";opacity:.35" : ""}"></i>`;
    item.appendChild(document.createTextNode(s.name));
    legend.appendChild(item);
  }
  container.appendChild(legend);
  return svg;
}

// rows: [{label, items: [{start, end, kind, channel}]}] with start/end in ms; from/to bound the
// view; offsetMinutes is the centre's UTC offset that day (clock labels are the centre's local
// time whatever the browser's zone). Work is coloured by channel, breaks and lunches grey.
function timeline(container, { rows, from, to, channels, offsetMinutes = 0 }) {
  container.innerHTML = "";
  if (rows.length === 0) {
    container.textContent = "Nobody is rostered on this day.";
    return null;
  }
  const width = Math.max(480, container.clientWidth || 900);
  const rowH = 16, m = { l: 150, r: 12, t: 22, b: 8 };
  const height = m.t + m.b + rows.length * rowH;
  const x = (t) => m.l + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * (width - m.l - m.r);
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "chart timeline" }, container);
  const clock = (t) => {
    const mins = (((Math.round(t / 60000) + offsetMinutes) % 1440) + 1440) % 1440;
    return `${String(Math.floor(mins / 60)).padStart(2, "0")}:${String(mins % 60).padStart(2, "0")}`;
  };
  for (let t = from; t <= to; t += 2 * 3600000) {
    svgEl("line", { x1: x(t), x2: x(t), y1: m.t - 4, y2: height - m.b, class: "grid" }, svg);
    const lbl = svgEl("text", { x: x(t), y: m.t - 8, class: "tick", "text-anchor": "middle" }, svg);
    lbl.textContent = clock(t);
  }
  rows.forEach((row, i) => {
    const y0 = m.t + i * rowH;
    const lbl = svgEl("text", { x: m.l - 6, y: y0 + rowH - 4, class: "tick", "text-anchor": "end" }, svg);
    lbl.textContent = row.label;
    for (const it of row.items) {
      if (it.end <= from || it.start >= to) continue;
      const colour = it.kind === "work" ? channelColour(it.channel || "", channels) : (it.kind === "lunch" ? "#bbb" : "#ddd");
      const r = svgEl("rect", {
        x: x(it.start), y: y0 + 2, width: Math.max(1, x(it.end) - x(it.start)), height: rowH - 4,
        fill: colour, class: `activity ${it.kind}`,
      }, svg);
      const title = svgEl("title", {}, r);
      title.textContent = `${row.label}: ${it.kind}${it.channel ? " " + it.channel : ""} ` +
        `${clock(it.start)}-${clock(it.end)}`;
    }
  });
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const c of channels) {
    const item = document.createElement("span");
    item.innerHTML = `<i style="background:${channelColour(c, channels)}"></i>`;
    item.appendChild(document.createTextNode(c));
    legend.appendChild(item);
  }
  for (const [n, c] of [["break", "#ddd"], ["lunch", "#bbb"]]) {
    const item = document.createElement("span");
    item.innerHTML = `<i style="background:${c}"></i>`;
    item.appendChild(document.createTextNode(n));
    legend.appendChild(item);
  }
  container.appendChild(legend);
  return svg;
}

window.RotaCharts = { lineChart, timeline, channelColour };
