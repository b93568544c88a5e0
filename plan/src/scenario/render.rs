//! The side-by-side table and the CSV of a [`Comparison`].

use std::fmt::Write as _;
use std::io::Write;

use super::run::{Comparison, Outcome};
use crate::report::format::{duration, pct, TEXT_NONE};
use rota_data::table::Table;

fn col_name(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(width - 1).collect();
        s.push('~');
        s
    }
}

/// The comparison as a plain-text table: one column per scenario (baseline first), one row per
/// figure, then per scenario the targets its roster misses.
pub fn render_table(c: &Comparison) -> String {
    let width = 15;
    let label_w = 26;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenarios for {}: {} day(s) from {}, planned to the forecast {}; 1 FTE = {} paid hours a week",
        c.centre, c.days, c.from, c.quantile, c.fte_hours_per_week
    );
    let table = Table::labelled(label_w, c.outcomes.len(), width);
    let mut header = vec![String::new()];
    header.extend(c.outcomes.iter().map(|o| col_name(&o.name, width)));
    table.row(&mut out, &header);
    let row = |out: &mut String, label: &str, f: &dyn Fn(&Outcome) -> String| {
        let mut cells = vec![label.to_string()];
        cells.extend(c.outcomes.iter().map(f));
        table.row(out, &cells);
    };
    let dash = || TEXT_NONE.to_string();
    row(&mut out, "agents (FTE)", &|o| {
        format!("{} ({:.1})", o.agents, o.headcount_fte)
    });
    row(&mut out, "required FTE", &|o| {
        format!("{:.1}", o.required_fte)
    });
    row(&mut out, "roster paid hours", &|o| {
        o.roster
            .as_ref()
            .map_or_else(dash, |r| format!("{:.1}", r.paid_hours))
    });
    let cost_label = format!("roster paid cost ({})", c.currency);
    row(&mut out, &cost_label, &|o| {
        o.roster
            .as_ref()
            .map_or_else(dash, |r| format!("{:.0}", r.paid_cost))
    });
    for (name, kind) in &c.channel_kinds() {
        let get = |o: &Outcome| o.channel(name.as_str()).cloned();
        let deferred = kind == "deferred";
        let _ = writeln!(out, "{name} ({kind})");
        row(&mut out, "  offered", &|o| {
            get(o).map_or_else(dash, |x| format!("{:.0}", x.offered))
        });
        row(&mut out, "  AHT", &|o| {
            get(o).map_or_else(dash, |x| duration(Some(x.aht_seconds), TEXT_NONE))
        });
        row(&mut out, "  required FTE", &|o| {
            get(o).map_or_else(dash, |x| format!("{:.1}", x.required_fte))
        });
        row(&mut out, "  rostered / short hours", &|o| {
            get(o)
                .and_then(|x| Some((x.rostered_hours?, x.shortfall_hours?)))
                .map_or_else(dash, |(r, s)| format!("{r:.0} / {s:.0}"))
        });
        if deferred {
            row(&mut out, "  within response target", &|o| {
                pct(get(o).and_then(|x| x.kpis?.service_level), TEXT_NONE)
            });
            if c.outcomes
                .iter()
                .any(|o| get(o).and_then(|x| x.kpis?.asa_seconds).is_some())
            {
                row(&mut out, "  mean response (worked)", &|o| {
                    duration(get(o).and_then(|x| x.kpis?.asa_seconds), TEXT_NONE)
                });
            }
        } else {
            row(&mut out, "  abandon rate", &|o| {
                pct(
                    get(o).and_then(|x| x.kpis).map(|k| k.abandon_rate),
                    TEXT_NONE,
                )
            });
            row(&mut out, "  ASA", &|o| {
                duration(get(o).and_then(|x| x.kpis?.asa_seconds), TEXT_NONE)
            });
            row(&mut out, "  service level", &|o| {
                pct(get(o).and_then(|x| x.kpis?.service_level), TEXT_NONE)
            });
        }
    }
    let _ = writeln!(out, "KPIs: {}", c.kpi_source);
    out.push('\n');
    for o in &c.outcomes {
        let _ = write!(out, "{}", o.name);
        if let Some(d) = &o.description {
            let _ = write!(out, ": {d}");
        }
        out.push('\n');
        for n in &o.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        if o.roster.is_none() {
            continue;
        }
        if o.misses.is_empty() {
            let _ = writeln!(out, "  the roster meets every configured target");
        } else {
            let _ = writeln!(
                out,
                "  the configured headcount cannot meet {} target(s):",
                o.misses.len()
            );
            for m in &o.misses {
                let _ = writeln!(out, "    - {}", m.text);
            }
        }
    }
    out
}

/// The comparison as long-format CSV: `scenario, channel, metric, value` (channel empty for
/// centre totals; undefined figures are left out).
pub fn write_csv<W: Write>(c: &Comparison, w: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(["scenario", "channel", "metric", "value"])?;
    for o in &c.outcomes {
        let mut put = |ch: &str, metric: &str, v: Option<f64>| -> csv::Result<()> {
            if let Some(v) = v {
                w.write_record([o.name.as_str(), ch, metric, &format!("{v:.4}")])?;
            }
            Ok(())
        };
        put("", "agents", Some(o.agents as f64))?;
        put("", "headcount_fte", Some(o.headcount_fte))?;
        put("", "required_fte", Some(o.required_fte))?;
        put("", "paid_hours", o.roster.as_ref().map(|r| r.paid_hours))?;
        put("", "paid_cost", o.roster.as_ref().map(|r| r.paid_cost))?;
        for ch in &o.channels {
            let n = ch.channel.as_str();
            put(n, "offered", Some(ch.offered))?;
            put(n, "aht_seconds", Some(ch.aht_seconds))?;
            put(n, "required_hours", Some(ch.required_hours))?;
            put(n, "required_fte", Some(ch.required_fte))?;
            put(n, "rostered_hours", ch.rostered_hours)?;
            put(n, "shortfall_hours", ch.shortfall_hours)?;
            put(n, "abandon_rate", ch.kpis.map(|k| k.abandon_rate))?;
            put(n, "asa_seconds", ch.kpis.and_then(|k| k.asa_seconds))?;
            put(n, "service_level", ch.kpis.and_then(|k| k.service_level))?;
        }
    }
    w.flush()?;
    Ok(())
}
