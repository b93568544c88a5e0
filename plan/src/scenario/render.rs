//! The side-by-side table and the CSV of a [`Comparison`].

use std::fmt::Write as _;
use std::io::Write;

use super::run::{ChannelOutcome, Comparison, Outcome};
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
        if let Some(moved) = c.outcomes.first().and_then(|b| capacity_moves(b, o)) {
            let _ = writeln!(out, "  {moved}");
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

/// Where a scenario's roster moved agent-hours against the baseline's, and what that did to the
/// contacts lost on each live channel, in a planner's words: "against the baseline: chat -18
/// agent-hours (38.0% -> 38.8% abandoned, +5 contacts lost), voice +17 agent-hours (27.1% ->
/// 26.3% abandoned, -37 contacts lost); live contacts lost 1,580 -> 1,548 (-32)". `None` for the
/// baseline itself, without rosters, or when no channel moved by an agent-hour.
pub fn capacity_moves(baseline: &Outcome, o: &Outcome) -> Option<String> {
    if std::ptr::eq(baseline, o) || baseline.roster.is_none() || o.roster.is_none() {
        return None;
    }
    let lost = |c: &ChannelOutcome| c.kpis.map(|k| k.abandon_rate * c.offered);
    let live = |c: &ChannelOutcome| c.kind != "deferred";
    let mut parts = Vec::new();
    let (mut before, mut after) = (0.0, 0.0);
    for c in o.channels.iter().filter(|c| live(c)) {
        let Some(b) = baseline.channels.iter().find(|b| b.channel == c.channel) else {
            continue;
        };
        let (Some(lb), Some(la)) = (lost(b), lost(c)) else {
            continue;
        };
        before += lb;
        after += la;
        let (Some(hb), Some(ha)) = (b.rostered_hours, c.rostered_hours) else {
            continue;
        };
        if (ha - hb).abs() < 1.0 {
            continue;
        }
        let rate = |x: &ChannelOutcome| 100.0 * x.kpis.map_or(0.0, |k| k.abandon_rate);
        parts.push(format!(
            "{} {:+.0} agent-hours ({:.1}% -> {:.1}% abandoned, {:+.0} contacts lost)",
            c.channel.as_str(),
            ha - hb,
            rate(b),
            rate(c),
            la - lb
        ));
    }
    for c in o.channels.iter().filter(|c| !live(c)) {
        let Some(b) = baseline.channels.iter().find(|b| b.channel == c.channel) else {
            continue;
        };
        if let (Some(hb), Some(ha)) = (b.rostered_hours, c.rostered_hours) {
            if (ha - hb).abs() >= 1.0 {
                parts.push(format!(
                    "{} {:+.0} agent-hours",
                    c.channel.as_str(),
                    ha - hb
                ));
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "against the baseline: {}; live contacts lost {:.0} -> {:.0} ({:+.0})",
        parts.join(", "),
        before,
        after,
        after - before
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::run::{Kpis, RosterOutcome};
    use rota_data::channel::ChannelName;

    fn channel(name: &str, kind: &str, offered: f64, hours: f64, abandon: f64) -> ChannelOutcome {
        ChannelOutcome {
            channel: ChannelName::parse(name).expect("name"),
            kind: kind.into(),
            offered,
            aht_seconds: 600.0,
            required_hours: 0.0,
            required_fte: 0.0,
            rostered_hours: Some(hours),
            shortfall_hours: None,
            kpis: Some(Kpis {
                abandon_rate: abandon,
                asa_seconds: None,
                service_level: None,
            }),
            max_abandon_rate: None,
            max_asa_seconds: None,
        }
    }

    fn outcome(name: &str, channels: Vec<ChannelOutcome>) -> Outcome {
        Outcome {
            name: name.into(),
            description: None,
            agents: 45,
            headcount_fte: 40.0,
            required_fte: 60.0,
            channels,
            roster: Some(RosterOutcome {
                paid_hours: 1415.0,
                paid_cost: 18983.0,
                agents_rostered: 45,
                objective: 0.0,
                bound: 0.0,
                gap: 0.0,
                status: "Optimal".into(),
            }),
            misses: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_comparison_says_where_freed_capacity_went_and_what_it_bought() {
        let baseline = outcome(
            "baseline",
            vec![
                channel("voice", "inbound", 4600.0, 898.0, 0.271),
                channel("chat", "chat", 530.0, 86.0, 0.380),
                channel("email", "deferred", 1800.0, 242.0, 0.0),
            ],
        );
        let chatbot = outcome(
            "chatbot 40%",
            vec![
                channel("voice", "inbound", 4600.0, 915.0, 0.263),
                channel("chat", "chat", 318.0, 68.0, 0.388),
                channel("email", "deferred", 1800.0, 242.0, 0.0),
            ],
        );
        let said = capacity_moves(&baseline, &chatbot).expect("capacity moved");
        assert!(
            said.starts_with("against the baseline: voice +17 agent-hours (27.1% -> 26.3% abandoned, -37 contacts lost), chat -18 agent-hours (38.0% -> 38.8% abandoned, -78 contacts lost)"),
            "{said}"
        );
        // 1,247 + 201 = 1,448 lost before; 1,210 + 123 = 1,333 after
        assert!(
            said.ends_with("live contacts lost 1448 -> 1333 (-115)"),
            "{said}"
        );
        assert!(!said.contains("email"), "{said}");
        assert!(capacity_moves(&baseline, &baseline).is_none());
    }
}
