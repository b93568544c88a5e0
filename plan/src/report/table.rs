//! The report as a printed table and as CSV.

use std::fmt::Write as _;
use std::io::Write;

use super::format::{duration, pct, signed_pct, thousands, thousands_or, TEXT_NONE as NONE};
use super::PerformanceReport;

/// One line per channel and week.
pub fn render_table(r: &PerformanceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Performance of {} from {} to {} (weeks start on the configured day; SL is estimated)",
        r.centre, r.from, r.to
    );
    use rota_data::table::{Align::Left as L, Align::Right as R, Table};
    let table = Table::new(&[
        (10, L),
        (10, L),
        (4, R),
        (8, R),
        (8, R),
        (8, R),
        (8, R),
        (7, R),
        (7, R),
        (8, R),
        (8, R),
        (8, R),
        (9, R),
        (9, R),
        (8, R),
    ]);
    table.row(
        &mut out,
        &[
            "channel",
            "week",
            "days",
            "offered",
            "handled",
            "abandon",
            "ASA",
            "SL est",
            "AHT",
            "fc err/i",
            "fc err/d",
            "fc bias",
            "staffed h",
            "req. h",
            "staff/req",
        ],
    );
    for w in &r.rows {
        table.row(
            &mut out,
            &[
                w.channel.to_string(),
                w.week_start.to_string(),
                w.days.to_string(),
                thousands(w.offered as f64),
                w.handled
                    .map_or_else(|| NONE.into(), |h| thousands(h as f64)),
                pct(w.abandon_rate, NONE),
                duration(w.asa_seconds, NONE),
                pct(w.service_level, NONE),
                duration(w.aht_seconds, NONE),
                pct(w.forecast_wape, NONE),
                pct(w.forecast_wape_daily, NONE),
                signed_pct(w.forecast_bias, NONE),
                thousands_or(w.staffed_hours, NONE),
                thousands_or(w.required_hours, NONE),
                pct(w.staffing_ratio(), NONE),
            ],
        );
    }
    for c in &r.channels {
        let mut t = Vec::new();
        if let Some(a) = c.max_abandon_rate {
            t.push(format!("abandon <= {:.0}%", 100.0 * a));
        }
        if let Some(a) = c.max_asa_seconds {
            t.push(format!("ASA <= {}", duration(Some(a), NONE)));
        }
        if let Some(s) = &c.service_level_text {
            t.push(format!("SL {s}"));
        }
        if !t.is_empty() {
            let _ = writeln!(out, "targets {}: {}", c.channel, t.join(", "));
        }
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

/// The header of the report CSV, in column order (the schema readers of the file rely on).
pub const CSV_COLUMNS: [&str; 16] = [
    "channel",
    "week_start",
    "days",
    "offered",
    "handled",
    "abandon_rate",
    "asa_seconds",
    "service_level_est",
    "aht_seconds",
    "forecast_offered",
    "forecast_wape",
    "forecast_wape_daily",
    "forecast_bias",
    "staffed_agent_hours",
    "required_agent_hours",
    "staffed_over_required",
];

/// CSV, one row per channel and week, columns [`CSV_COLUMNS`]: `channel, week_start, days, offered,
/// handled, abandon_rate, asa_seconds, service_level_est, aht_seconds, forecast_offered,
/// forecast_wape, forecast_wape_daily, forecast_bias, staffed_agent_hours, required_agent_hours, staffed_over_required`
/// (empty = not available).
pub fn write_csv<W: Write>(r: &PerformanceReport, w: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(CSV_COLUMNS)?;
    let o = |x: Option<f64>, d: usize| x.map(|v| format!("{v:.d$}")).unwrap_or_default();
    for x in &r.rows {
        w.write_record([
            x.channel.to_string(),
            x.week_start.to_string(),
            x.days.to_string(),
            x.offered.to_string(),
            x.handled.map(|h| h.to_string()).unwrap_or_default(),
            o(x.abandon_rate, 6),
            o(x.asa_seconds, 1),
            o(x.service_level, 6),
            o(x.aht_seconds, 1),
            o(x.forecast_offered, 1),
            o(x.forecast_wape, 6),
            o(x.forecast_wape_daily, 6),
            o(x.forecast_bias, 6),
            o(x.staffed_hours, 2),
            o(x.required_hours, 2),
            o(x.staffing_ratio(), 6),
        ])?;
    }
    w.flush()?;
    Ok(())
}
