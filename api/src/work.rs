//! The library calls behind the endpoints and jobs: parse a centre configuration, read a history
//! upload, forecast, compute requirements, build a roster. Nothing here models anything: every
//! figure comes from `rota-data`, `rota-forecasting` and `rota-scheduler`, called the way the CLI
//! calls them (`rota data check`, `rota forecast`, `rota staff`, `rota schedule`).

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use chrono::NaiveDate;
use rota_data::config::{CentreConfig, DemandQuantile};
use rota_data::demand::DemandSeries;
use rota_data::figures::HistoryFigures;
use rota_data::history::History;
use rota_data::ingest::{read_history_from, IngestOptions};
use rota_data::summary::HistorySummary;
use rota_forecasting::adapter::{channel_series, demand_series, CentreCalendar};
use rota_forecasting::pipeline::{forecast_channels, ForecastSettings};
use rota_scheduler::roster::{
    adapter, requirements, schedule, Horizon, RosterError, SolveOptions, Weights,
};
use rota_scheduler::simulation::{
    self, Kpi, RosterPlan, SimulationError, SimulationInput, SimulationOptions,
};
use rota_scheduler::staffing::{
    channel_demands, forecast_points, plan_requirements, summarise, write_staffing_csv,
};

use crate::db::NewHistory;
use crate::jobs::{JobContext, JobFailure};
use crate::problem::Problem;

/// Days of recent history kept per upload for the dashboard chart.
pub const RECENT_DAYS: i64 = 14;

/// Why a piece of work could not be done.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The input is not acceptable (the user's to fix): which field and why, plus each finding.
    #[error("{detail}")]
    Invalid {
        /// The request field or file at fault.
        field: String,
        /// What was wrong.
        detail: String,
        /// One line per finding (`file:line:column: ...`).
        errors: Vec<String>,
    },
    /// Our side failed.
    #[error("{0}")]
    Internal(String),
}

impl WorkError {
    fn invalid(field: &str, detail: impl Into<String>, errors: Vec<String>) -> Self {
        Self::Invalid {
            field: field.to_string(),
            detail: detail.into(),
            errors,
        }
    }
}

impl From<WorkError> for Problem {
    fn from(e: WorkError) -> Self {
        match e {
            WorkError::Invalid {
                field,
                detail,
                errors,
            } => Problem::invalid(field, detail).with_errors(errors),
            WorkError::Internal(msg) => Problem::internal(msg),
        }
    }
}

impl From<WorkError> for JobFailure {
    fn from(e: WorkError) -> Self {
        match e {
            WorkError::Invalid { detail, errors, .. } if !errors.is_empty() => {
                JobFailure::Failed(format!("{detail}\n{}", errors.join("\n")))
            }
            other => JobFailure::Failed(other.to_string()),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses and validates a centre configuration (TOML text).
pub fn parse_config(text: &str, label: &str) -> Result<CentreConfig, WorkError> {
    CentreConfig::from_toml_str(text, label).map_err(|e| {
        let all = lines(&e.to_string());
        WorkError::invalid(
            "config_toml",
            all.first()
                .cloned()
                .unwrap_or_else(|| "invalid configuration".into()),
            all,
        )
    })
}

/// Parses a quantile name (`mean`, `p10`, `p50`, `p90`).
pub fn parse_quantile(s: &str) -> Result<DemandQuantile, WorkError> {
    match s.to_ascii_lowercase().as_str() {
        "mean" => Ok(DemandQuantile::Mean),
        "p10" => Ok(DemandQuantile::P10),
        "p50" => Ok(DemandQuantile::P50),
        "p90" => Ok(DemandQuantile::P90),
        other => Err(WorkError::invalid(
            "quantile",
            format!("unknown quantile `{other}`; expected mean, p10, p50 or p90"),
            Vec::new(),
        )),
    }
}

/// Reads an uploaded history (CSV or CSV.gz bytes) on the centre's grid.
pub fn read_history_bytes(
    config: &CentreConfig,
    filename: &str,
    bytes: &[u8],
) -> Result<(History, rota_data::ingest::IngestReport), WorkError> {
    let ingested = read_history_from(
        std::io::Cursor::new(bytes),
        filename,
        &IngestOptions::from_config(config),
    )
    .map_err(|e| {
        WorkError::invalid(
            "body",
            format!(
                "the history {filename} has {} problem{}",
                e.total(),
                if e.total() == 1 { "" } else { "s" }
            ),
            lines(&e.to_string()),
        )
    })?;
    Ok((ingested.history, ingested.report))
}

/// Reads an upload and prepares what is stored: counts, summary (JSON and text), recent series.
pub fn ingest_history(
    config: &CentreConfig,
    centre_id: i64,
    filename: &str,
    content: Vec<u8>,
) -> Result<NewHistory, WorkError> {
    let (history, report) = read_history_bytes(config, filename, &content)?;
    let summary = HistorySummary::of(&history, Some(config)).with_report(report);
    let span = history.span();
    let summary_json = serde_json::to_value(HistoryFigures::from(&summary))
        .map_err(|e| WorkError::Internal(e.to_string()))?;
    Ok(NewHistory {
        centre_id,
        filename: filename.to_string(),
        records: history.len() as i64,
        first_day: span.as_ref().map(|s| s.first.date_naive().to_string()),
        last_day: span.as_ref().map(|s| s.last.date_naive().to_string()),
        summary_json: summary_json.to_string(),
        summary_text: summary.to_string(),
        recent_json: recent_offered(&history).to_string(),
        content,
    })
}

/// Offered per channel and interval over the last [`RECENT_DAYS`] days of a history.
fn recent_offered(history: &History) -> serde_json::Value {
    let Some(span) = history.span() else {
        return serde_json::json!({});
    };
    let from = span.last.date_naive() - chrono::Duration::days(RECENT_DAYS - 1);
    let mut out: BTreeMap<String, (Vec<String>, Vec<u32>)> = BTreeMap::new();
    for r in history.records() {
        if r.interval_start().date_naive() >= from {
            let e = out.entry(r.channel().as_str().to_string()).or_default();
            e.0.push(rota_data::history::rfc3339(&r.interval_start()));
            e.1.push(r.offered());
        }
    }
    serde_json::Value::Object(
        out.into_iter()
            .map(|(c, (t, v))| (c, serde_json::json!({"interval_start": t, "offered": v})))
            .collect(),
    )
}

/// A finished forecast: the CSV and the model chosen per channel.
pub struct ForecastOutput {
    /// Forecast CSV (the `rota forecast` format).
    pub csv: String,
    /// Per channel: model, WAPE, coverage.
    pub models: serde_json::Value,
}

/// Forecasts `days` from `first_day`, one channel at a time so progress and cancellation are
/// observable between channels.
pub fn forecast(
    ctx: &JobContext,
    config: &CentreConfig,
    history: &History,
    first_day: NaiveDate,
    days: usize,
) -> Result<ForecastOutput, JobFailure> {
    let calendar = CentreCalendar::from_config(config);
    let series =
        channel_series(history, &calendar, &[]).map_err(|e| JobFailure::Failed(e.to_string()))?;
    let n = series.len().max(1) as f64;
    let mut forecasts = Vec::new();
    for (i, s) in series.into_iter().enumerate() {
        ctx.check_cancelled()?;
        ctx.progress(
            0.1 + 0.85 * i as f64 / n,
            &format!("forecasting {}", s.channel()),
        );
        let aht = calendar.configured_aht(s.channel());
        let mut one = forecast_channels(
            &[(s, aht)],
            first_day,
            &|channel, first, n| calendar.days(channel, first, n),
            days,
            &ForecastSettings::default(),
        )
        .map_err(|e| JobFailure::Failed(e.to_string()))?;
        forecasts.append(&mut one);
    }
    ctx.check_cancelled()?;
    let demand = demand_series(&forecasts, &history.grid())
        .map_err(|e| JobFailure::Failed(e.to_string()))?;
    let mut csv = Vec::new();
    demand
        .write_to(&mut csv)
        .map_err(|e| JobFailure::Failed(format!("writing the forecast: {e}")))?;
    let models: Vec<_> = forecasts
        .iter()
        .map(|f| {
            let s = f.backtest.selected_score();
            serde_json::json!({
                "channel": f.channel,
                "model": f.model,
                "backtest_wape": s.wape,
                "backtest_p10_p90_coverage": s.coverage,
            })
        })
        .collect();
    Ok(ForecastOutput {
        csv: String::from_utf8(csv).map_err(|e| JobFailure::Failed(e.to_string()))?,
        models: serde_json::Value::Array(models),
    })
}

/// Writes `text` to a temporary file with `suffix` (the library readers take paths) and runs `f`
/// on its path; error messages naming the temporary path are relabelled with `label`.
fn with_temp_file<T>(
    text: &[u8],
    suffix: &str,
    f: impl FnOnce(&std::path::Path) -> T,
) -> Result<(T, String), WorkError> {
    let mut file = tempfile::Builder::new()
        .prefix("rota-api-")
        .suffix(suffix)
        .tempfile()
        .map_err(|e| WorkError::Internal(format!("temporary file: {e}")))?;
    file.write_all(text)
        .and_then(|_| file.flush())
        .map_err(|e| WorkError::Internal(format!("temporary file: {e}")))?;
    let path_text = file.path().display().to_string();
    Ok((f(file.path()), path_text))
}

/// Reads a forecast CSV on the centre's grid; problems name `label`, line and column.
pub fn read_forecast(
    config: &CentreConfig,
    csv: &[u8],
    label: &str,
) -> Result<DemandSeries, WorkError> {
    let grid = config.grid();
    let (result, tmp) = with_temp_file(csv, ".csv", |p| DemandSeries::read_csv_on_grid(p, &grid))?;
    result.map_err(|e| {
        let text = e.to_string().replace(&tmp, label);
        let all = lines(&text);
        WorkError::invalid(
            "body",
            all.first()
                .cloned()
                .unwrap_or_else(|| "invalid forecast".into()),
            all.into_iter().skip(1).collect(),
        )
    })
}

/// Requirements computed from a forecast: the CSV (`rota staff` format), the rows as JSON and the
/// per-channel summary.
pub struct RequirementOutput {
    /// `rota staff` CSV.
    pub csv: String,
    /// Per-channel totals.
    pub summary: serde_json::Value,
    /// Every row.
    pub rows: serde_json::Value,
}

/// Required agents per channel and interval for a forecast.
pub fn requirements(
    config: &CentreConfig,
    forecast: &DemandSeries,
    quantile: DemandQuantile,
) -> Result<RequirementOutput, WorkError> {
    let demands = channel_demands(config, &forecast_points(forecast, quantile))
        .map_err(|e| WorkError::invalid("body", e.to_string(), Vec::new()))?;
    if demands.is_empty() {
        return Err(WorkError::invalid(
            "body",
            "the forecast has no rows for the centre's channels",
            Vec::new(),
        ));
    }
    let interval_s = f64::from(config.grid().length.seconds());
    let rows = plan_requirements(&demands, interval_s)
        .map_err(|e| WorkError::invalid("body", e.to_string(), Vec::new()))?;
    let mut csv = Vec::new();
    write_staffing_csv(&rows, &mut csv).map_err(|e| WorkError::Internal(e.to_string()))?;
    let summary = serde_json::to_value(summarise(&rows, interval_s))
        .map_err(|e| WorkError::Internal(e.to_string()))?;
    let rows = serde_json::to_value(&rows).map_err(|e| WorkError::Internal(e.to_string()))?;
    Ok(RequirementOutput {
        csv: String::from_utf8(csv).map_err(|e| WorkError::Internal(e.to_string()))?,
        summary,
        rows,
    })
}

/// A finished roster as the files a planner downloads.
pub struct RosterOutput {
    /// Headline figures, notes and diagnosis.
    pub summary: serde_json::Value,
    /// `roster.json`.
    pub roster_json: String,
    /// `shifts.csv`.
    pub shifts_csv: String,
    /// `activities.csv`.
    pub activities_csv: String,
    /// `coverage.csv`.
    pub coverage_csv: String,
}

/// Builds the roster for `days` from `first_day` against stored requirements.
pub fn roster(
    ctx: &JobContext,
    config: &CentreConfig,
    requirements_csv: &str,
    first_day: NaiveDate,
    days: u32,
    time_limit_s: f64,
) -> Result<RosterOutput, JobFailure> {
    let failed = |e: RosterError| JobFailure::Failed(e.to_string());
    ctx.progress(0.05, "reading requirements");
    let grid = config.grid();
    let horizon = Horizon::new(grid.tz, first_day, days, grid.length.minutes()).map_err(failed)?;
    let (req, tmp) = with_temp_file(requirements_csv.as_bytes(), ".csv", |p| {
        requirements::read_requirements(p, &horizon)
    })?;
    let req = req.map_err(|e| JobFailure::Failed(e.to_string().replace(&tmp, "requirements")))?;
    ctx.check_cancelled()?;
    ctx.progress(0.1, "building the rostering programme");
    let (problem, notes) =
        adapter::problem_from_config(config, horizon, &req, Weights::default()).map_err(failed)?;
    ctx.check_cancelled()?;
    let opts = SolveOptions {
        time_limit_s,
        ..SolveOptions::default()
    };
    // LP bound + MIP up to the limit + post-pass: expect a little more than the limit.
    let expected = Duration::from_secs_f64(time_limit_s * 1.2 + 2.0);
    let roster = ctx
        .timed(0.15, 0.9, expected, "solving (HiGHS)", || {
            schedule(&problem, &opts)
        })
        .map_err(|e| match e {
            RosterError::Infeasible(lines) => JobFailure::Failed(format!(
                "the contracts cannot be met whatever the demand: {}",
                lines.join("; ")
            )),
            e => failed(e),
        })?;
    ctx.check_cancelled()?;
    ctx.progress(0.95, "writing the roster files");
    let dir = tempfile::tempdir().map_err(|e| JobFailure::Failed(e.to_string()))?;
    roster.write_dir(dir.path()).map_err(failed)?;
    let read = |name: &str| {
        std::fs::read_to_string(dir.path().join(name))
            .map_err(|e| JobFailure::Failed(format!("reading back {name}: {e}")))
    };
    let summary = serde_json::json!({
        "summary": roster.summary,
        "diagnosis": roster.diagnosis,
        "notes": notes,
    });
    Ok(RosterOutput {
        summary,
        roster_json: read("roster.json")?,
        shifts_csv: read("shifts.csv")?,
        activities_csv: read("activities.csv")?,
        coverage_csv: read("coverage.csv")?,
    })
}

/// A finished simulation: the stored document (KPI table, verdict, report without intervals) and
/// the per-interval CSV.
pub struct SimulationOutput {
    /// `{kpis, all_targets_met, report}`.
    pub document: serde_json::Value,
    /// Per-interval KPIs (`rota simulate` CSV).
    pub intervals_csv: String,
}

fn kpi_unit(kpi: Kpi) -> &'static str {
    match kpi {
        Kpi::AsaSeconds => "s",
        _ => "%",
    }
}

/// Replays the roster (`shifts.csv` + `activities.csv`) over `period` (first and last local
/// date) against the forecast it was built from.
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    ctx: &JobContext,
    config: &CentreConfig,
    forecast_csv: &str,
    shifts_csv: &str,
    activities_csv: &str,
    period: (NaiveDate, NaiveDate),
    replications: u32,
    seed: u64,
) -> Result<SimulationOutput, JobFailure> {
    let failed = |e: SimulationError| JobFailure::Failed(e.to_string());
    ctx.progress(0.02, "reading the roster and forecast");
    let demand = read_forecast(config, forecast_csv.as_bytes(), "forecast")?;
    let dir = tempfile::tempdir().map_err(|e| JobFailure::Failed(e.to_string()))?;
    std::fs::write(dir.path().join("shifts.csv"), shifts_csv)
        .and_then(|_| std::fs::write(dir.path().join("activities.csv"), activities_csv))
        .map_err(|e| JobFailure::Failed(format!("temporary roster files: {e}")))?;
    // The roster's own period: read_dir would round a short roster up to the planning week.
    let plan = RosterPlan::read_dir(dir.path(), config)
        .and_then(|p| p.with_period(period.0, period.1))
        .map_err(failed)?;
    let input = SimulationInput::new(config, &demand, &plan).map_err(failed)?;
    ctx.check_cancelled()?;
    let opts = SimulationOptions {
        replications,
        seed,
        ..SimulationOptions::default()
    };
    ctx.progress(0.05, "simulating");
    let report = simulation::simulate(&input, &opts, |done, total| {
        if done % 2 == 0 || done == total {
            ctx.progress(
                0.05 + 0.9 * done as f64 / total.max(1) as f64,
                &format!("replication {done} of {total}"),
            );
        }
    })
    .map_err(failed)?;
    ctx.check_cancelled()?;
    ctx.progress(0.97, "writing the report");

    let mut kpis = Vec::new();
    for v in &report.verdict.channels {
        for c in &v.checks {
            kpis.push(serde_json::json!({
                "channel": v.channel.as_str(),
                "label": v.label,
                "kpi": c.kpi.as_str(),
                "unit": kpi_unit(c.kpi),
                "value": c.achieved.map(|e| e.mean),
                "lo": c.achieved.map(|e| e.lo()),
                "hi": c.achieved.map(|e| e.hi()),
                "target": c.target,
                "direction": c.direction,
                "met": c.met,
                "conclusive": c.conclusive,
                "intervals_missed": c.intervals_missed,
                "intervals_judged": c.intervals_judged,
            }));
        }
    }
    // Occupancy has no target but managers watch it: show the week's figure beside the targets.
    for w in &report.week {
        let judged =
            report.verdict.channels.iter().any(|v| {
                v.channel == w.channel && v.checks.iter().any(|c| c.kpi == Kpi::Occupancy)
            });
        if let (false, Some(e)) = (judged, w.kpis.occupancy) {
            kpis.push(serde_json::json!({
                "channel": w.channel.as_str(), "label": w.channel.as_str(), "kpi": "occupancy",
                "unit": "%", "value": e.mean, "lo": e.lo(), "hi": e.hi(), "target": null,
                "direction": null, "met": null, "conclusive": null,
            }));
        }
    }
    let mut report_json =
        serde_json::to_value(&report).map_err(|e| JobFailure::Failed(e.to_string()))?;
    if let Some(obj) = report_json.as_object_mut() {
        obj.remove("intervals");
    }
    let csv_path = dir.path().join("intervals.csv");
    report.write_csv(&csv_path).map_err(failed)?;
    let intervals_csv = std::fs::read_to_string(&csv_path)
        .map_err(|e| JobFailure::Failed(format!("reading back intervals.csv: {e}")))?;
    Ok(SimulationOutput {
        document: serde_json::json!({
            "kpis": kpis,
            "all_targets_met": report.verdict.all_met(),
            "report": report_json,
        }),
        intervals_csv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CentreConfig {
        CentreConfig::sample().expect("sample centre")
    }

    #[test]
    fn forecast_problems_name_the_label_not_the_temporary_file() {
        let csv =
            "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
                   2026-11-16T09:00:00+00:00,voice,10,8,10,12,oops\n";
        let err = read_forecast(&sample(), csv.as_bytes(), "upload.csv").expect_err("bad AHT");
        let WorkError::Invalid {
            field,
            detail,
            errors,
        } = err
        else {
            panic!("not an input error");
        };
        assert_eq!(field, "body");
        let all = format!("{detail}\n{}", errors.join("\n"));
        assert!(all.contains("upload.csv"), "{all}");
        assert!(!all.contains("rota-api-"), "temporary path leaked: {all}");
    }

    #[test]
    fn requirements_of_a_small_forecast_match_its_rows() {
        let csv =
            "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
                   2026-11-16T09:00:00+00:00,voice,20,15,20,25,600\n\
                   2026-11-16T09:15:00+00:00,voice,30,25,30,35,600\n";
        let config = sample();
        let demand = read_forecast(&config, csv.as_bytes(), "f.csv").expect("valid forecast");
        let out = requirements(&config, &demand, DemandQuantile::Mean).expect("requirements");
        assert!(
            out.csv.starts_with("interval_start,channel,"),
            "{}",
            out.csv
        );
        // The plan covers the whole day (intervals without a row have no demand).
        let busy: Vec<&serde_json::Value> = out
            .rows
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["offered"].as_f64().unwrap_or(0.0) > 0.0)
            .collect();
        assert_eq!(busy.len(), 2, "{}", out.rows);
        let first = busy[0]["required_agents"].as_f64().expect("required");
        let second = busy[1]["required_agents"].as_f64().expect("required");
        assert!(
            second > first,
            "more offered needs more agents: {first} vs {second}"
        );
    }

    #[test]
    fn quantiles_and_configurations_are_parsed_at_the_boundary() {
        assert!(matches!(parse_quantile("P90"), Ok(DemandQuantile::P90)));
        assert!(matches!(
            parse_quantile("p99"),
            Err(WorkError::Invalid { ref field, .. }) if field == "quantile"
        ));
        let err = parse_config("[centre]\nname = 1\n", "config_toml").expect_err("bad type");
        assert!(err.to_string().starts_with("config_toml:2:"), "{err}");
    }
}
