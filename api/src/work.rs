//! The library calls behind the endpoints and jobs: parse a centre configuration, read a history
//! upload, forecast, compute requirements, build a roster. Nothing here models anything: every
//! figure comes from `rota-data`, `rota-forecasting` and `rota-scheduler`, called the way the CLI
//! calls them (`rota data check`, `rota forecast`, `rota staff`, `rota schedule`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use rota_data::config::{CentreConfig, ConfigError, DemandQuantile};
use rota_data::demand::DemandSeries;
use rota_data::figures::HistoryFigures;
use rota_data::history::History;
use rota_data::ingest::{read_history_from, IngestOptions};
use rota_data::summary::HistorySummary;
use rota_plan::report::{build_report, render_html as render_report_html, ReportOptions};
use rota_plan::scenario::{self, apply_to_config, CompareOptions, Scenario, ScenarioError};
use rota_plan::{PlanningError, Progress, RosterOptions, Within};
use rota_roster::{requirements::read_requirements_from, Roster, SolveOptions, TimestampStyle};
use rota_simulation::{Kpi, RosterPlan, SimulationError, SimulationOptions};
use rota_staffing::{summarise, write_staffing_csv};

use crate::db::{NewHistory, SimulationDocument};
use crate::jobs::{JobContext, JobFailure};
use crate::problem::{FieldProblem, Problem};

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
    /// The input is not acceptable and the answer says so in structured form (the findings of a
    /// configuration with their keys and lines, the unknown channel labels of a history).
    #[error("{}", .0.detail)]
    Rejected(Box<Problem>),
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

    /// A 422 naming the request's `field` (no list of errors beneath it).
    pub(crate) fn field(field: &str, detail: impl Into<String>) -> Self {
        Self::invalid(field, detail, Vec::new())
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
            WorkError::Rejected(p) => *p,
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
            WorkError::Rejected(p) if !p.found.errors.is_empty() => {
                JobFailure::Failed(format!("{}\n{}", p.detail, p.found.errors.join("\n")))
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

/// A job reports each planning step's progress in its row and stops at the next check once a
/// cancel is requested (HiGHS included: it polls between nodes).
impl Progress for JobContext {
    fn step(&self, fraction: f64, doing: &str) {
        self.progress(fraction, doing);
    }

    fn stop_requested(&self) -> bool {
        self.cancel_requested()
    }
}

impl From<PlanningError> for JobFailure {
    fn from(e: PlanningError) -> Self {
        match e {
            PlanningError::Cancelled => JobFailure::Cancelled,
            other => JobFailure::Failed(other.to_string()),
        }
    }
}

/// Parses and validates a centre configuration (TOML text). An invalid one is a 422 naming
/// `config_toml`, with one line per finding in `errors` and the same findings with their TOML key
/// (or line and column) in `problems`.
pub fn parse_config(text: &str, label: &str) -> Result<CentreConfig, WorkError> {
    CentreConfig::from_toml_str(text, label).map_err(|e| {
        let all = lines(&e.to_string());
        let problems = match &e {
            ConfigError::Syntax {
                line,
                column,
                message,
                ..
            } => vec![FieldProblem {
                key: None,
                line: Some(*line),
                column: Some(*column),
                message: message.clone(),
            }],
            other => other
                .problems()
                .iter()
                .map(|p| FieldProblem {
                    key: Some(p.key.clone()),
                    line: None,
                    column: None,
                    message: p.message.clone(),
                })
                .collect(),
        };
        let mut p = Problem::invalid(
            "config_toml",
            all.first()
                .cloned()
                .unwrap_or_else(|| "invalid configuration".into()),
        )
        .with_errors(all);
        p.found.problems = problems;
        WorkError::Rejected(Box::new(p))
    })
}

/// The configuration TOML as JSON (tables as objects, dates as `YYYY-MM-DD`), for a page that
/// fills a form from it. The text must have passed [`parse_config`].
pub fn config_as_json(text: &str) -> Result<serde_json::Value, WorkError> {
    let table: toml::Table = toml::from_str(text)
        .map_err(|e| WorkError::invalid("config_toml", e.message().to_string(), Vec::new()))?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Adds `aliases` (export label -> channel name) to the configuration's
/// `[history.channel_aliases]` and returns the new TOML, validated. The stored text is kept as
/// written (comments included) by inserting the lines under the existing table or appending the
/// table; only when that is not valid TOML (e.g. the table is written inline) is the whole
/// configuration rewritten from its parsed form.
pub fn add_channel_aliases(
    text: &str,
    aliases: &BTreeMap<String, String>,
) -> Result<String, WorkError> {
    let config = parse_config(text, "stored configuration")?;
    let known = config.channel_names();
    for (label, channel) in aliases {
        if label.trim().is_empty() || label.len() > 200 || label.chars().any(char::is_control) {
            return Err(WorkError::invalid(
                "aliases",
                format!("the label {label:?} must be 1-200 printable characters"),
                Vec::new(),
            ));
        }
        if !known.iter().any(|k| k.as_str() == channel) {
            return Err(WorkError::invalid(
                &format!("aliases.{label}"),
                format!(
                    "unknown channel \"{channel}\" for the label {label:?}; expected one of {}",
                    known
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Vec::new(),
            ));
        }
    }
    let entries: String = aliases
        .iter()
        .map(|(label, channel)| {
            format!(
                "{} = {}\n",
                toml::Value::String(label.trim().to_string()),
                toml::Value::String(channel.clone())
            )
        })
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| {
        let l = l.split('#').next().unwrap_or("").trim();
        l.replace(' ', "") == "[history.channel_aliases]"
    });
    let edited = match header {
        Some(i) => {
            let mut out = lines[..=i].join("\n");
            out.push('\n');
            out.push_str(&entries);
            out.push_str(&lines[i + 1..].join("\n"));
            out.push('\n');
            out
        }
        None => format!(
            "{}\n\n[history.channel_aliases]\n{entries}",
            text.trim_end()
        ),
    };
    if CentreConfig::from_toml_str(&edited, "config").is_ok() {
        return Ok(edited);
    }
    // Rewrite from the parsed form (comments are lost; the content is the same).
    let mut table: toml::Table = toml::from_str(text)
        .map_err(|e| WorkError::Internal(format!("stored configuration: {e}")))?;
    let history = table
        .entry("history")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(history) = history.as_table_mut() else {
        return Err(WorkError::invalid(
            "config_toml",
            "[history] is not a table",
            Vec::new(),
        ));
    };
    let map = history
        .entry("channel_aliases")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(map) = map.as_table_mut() else {
        return Err(WorkError::invalid(
            "config_toml",
            "[history] channel_aliases is not a table",
            Vec::new(),
        ));
    };
    for (label, channel) in aliases {
        map.retain(|k, _| !k.trim().eq_ignore_ascii_case(label.trim()));
        map.insert(
            label.trim().to_string(),
            toml::Value::String(channel.clone()),
        );
    }
    let rewritten =
        toml::to_string(&table).map_err(|e| WorkError::Internal(format!("writing TOML: {e}")))?;
    parse_config(&rewritten, "config_toml")?;
    Ok(rewritten)
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

/// Reads an uploaded history (CSV or CSV.gz bytes) on the centre's grid. When rows name queues
/// or channels the centre does not have, the problem lists those labels in `unknown_channels`
/// (and the centre's channels in `known_channels`), so a client can offer to map them.
pub fn read_history_bytes(
    config: &CentreConfig,
    filename: &str,
    bytes: &[u8],
) -> Result<(History, rota_data::ingest::IngestReport), WorkError> {
    let options = IngestOptions::from_config(config);
    let read =
        |options: &IngestOptions| read_history_from(std::io::Cursor::new(bytes), filename, options);
    let e = match read(&options) {
        Ok(ingested) => return Ok((ingested.history, ingested.report)),
        Err(e) => e,
    };
    if let Some(cap) = e.cap {
        // A gzip bomb or a runaway export: 413 naming the cap (the body limit counts
        // compressed bytes only).
        let p = Problem::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "History too large",
            format!(
                "the history {filename} is larger than {cap}, the most Rota reads from one file"
            ),
        )
        .with_field("body")
        .with_errors(lines(&e.to_string()));
        return Err(WorkError::Rejected(Box::new(p)));
    }
    let mut unknown = unknown_channel_labels(&e);
    // Only the first diagnostics are kept: while some were left out, read again with the labels
    // found so far mapped (to any channel) to find the labels hidden behind them.
    let mut last = e.clone();
    let mut rounds = 0;
    while last.omitted > 0 && !unknown.is_empty() && rounds < 8 {
        rounds += 1;
        let Some(any) = config.channel_names().into_iter().next() else {
            break;
        };
        let mut probe = options.clone();
        probe
            .channel_aliases
            .extend(unknown.iter().map(|l| (l.clone(), any.clone())));
        match read(&probe) {
            Ok(_) => break,
            Err(more) => {
                let found = unknown_channel_labels(&more);
                let before = unknown.len();
                unknown.extend(found);
                unknown.sort();
                unknown.dedup();
                if unknown.len() == before {
                    break;
                }
                last = more;
            }
        }
    }
    let mut p = Problem::invalid(
        "body",
        format!(
            "the history {filename} has {} problem{}",
            e.total(),
            if e.total() == 1 { "" } else { "s" }
        ),
    )
    .with_errors(lines(&e.to_string()));
    if !unknown.is_empty() {
        p.detail = format!(
            "{}; {} queue or channel label{} match no channel of the centre ({}): map {} to \
             channels with [history] channel_aliases",
            p.detail,
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            if unknown.len() == 1 { "it" } else { "them" },
        );
        p.found.known_channels = config
            .channel_names()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        p.found.unknown_channels = unknown;
    }
    Err(WorkError::Rejected(Box::new(p)))
}

/// The labels of the "unknown channel" findings of a history read with a channel list, in
/// first-seen order without repeats (the reader writes the label as a quoted string).
fn unknown_channel_labels(e: &rota_data::ingest::HistoryErrors) -> Vec<String> {
    const PREFIX: &str = "unknown channel ";
    let mut out: Vec<String> = Vec::new();
    for d in &e.diagnostics {
        let Some(rest) = d.message.strip_prefix(PREFIX) else {
            continue;
        };
        let Some(end) = rest.rfind("; expected one of") else {
            continue;
        };
        let quoted = &rest[..end];
        let label = serde_json::from_str::<String>(quoted)
            .unwrap_or_else(|_| quoted.trim_matches('"').to_string());
        let label = label.trim().to_string();
        if !label.is_empty() && !out.contains(&label) {
            out.push(label);
        }
    }
    out
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

/// Forecasts `days` from `first_day`; progress is reported and a cancel honoured between
/// channels.
pub fn forecast(
    ctx: &JobContext,
    config: &CentreConfig,
    history: &History,
    first_day: NaiveDate,
    days: usize,
) -> Result<ForecastOutput, JobFailure> {
    let progress = Within {
        outer: ctx,
        from: 0.1,
        to: 0.95,
    };
    let forecast = rota_plan::forecast(history, config, first_day, days, &progress)?;
    ctx.check_cancelled()?;
    let demand = forecast.demand()?;
    let mut csv = Vec::new();
    demand
        .write_to(&mut csv)
        .map_err(|e| JobFailure::Failed(format!("writing the forecast: {e}")))?;
    let models: Vec<_> = forecast
        .channels
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

/// Reads a forecast CSV for the centre (its grid and channels); problems name `label`, line and
/// column.
pub fn read_forecast(
    config: &CentreConfig,
    csv: &[u8],
    label: &str,
) -> Result<DemandSeries, WorkError> {
    DemandSeries::read_for_from(csv, label, config).map_err(|e| {
        let text = e.to_string();
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
    let needs = rota_plan::requirements(forecast, config, quantile)
        .map_err(|e| WorkError::invalid("body", e.to_string(), Vec::new()))?;
    let (rows, interval_s) = (needs.rows, needs.interval_s);
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
    ctx.progress(0.05, "reading requirements");
    let horizon = rota_plan::horizon(config, first_day, days)?;
    let req = read_requirements_from(
        requirements_csv.as_bytes(),
        std::path::Path::new("requirements"),
        &horizon,
    )
    .map_err(|e| JobFailure::Failed(e.to_string()))?;
    ctx.check_cancelled()?;
    let options = RosterOptions {
        solve: SolveOptions {
            time_limit_s,
            ..SolveOptions::default()
        },
        ..RosterOptions::default()
    };
    // LP bound + MIP up to the limit + post-pass: expect a little more than the limit.
    let expected = Duration::from_secs_f64(time_limit_s * 1.2 + 2.0);
    let progress = Within {
        outer: ctx,
        from: 0.15,
        to: 0.9,
    };
    let planned = ctx.timed(0.15, 0.9, expected, "solving (HiGHS)", || {
        rota_plan::roster(&req, config, horizon, &options, &progress)
    })?;
    let (roster, notes) = (planned.roster, planned.notes);
    ctx.check_cancelled()?;
    ctx.progress(0.95, "writing the roster files");
    let summary = serde_json::json!({
        "summary": roster.summary,
        "diagnosis": roster.diagnosis,
        "notes": notes,
    });
    let failed = JobFailure::Failed;
    let files = roster_files(&roster).map_err(failed)?;
    Ok(RosterOutput {
        summary,
        roster_json: roster_text(&roster, "roster.json", |r, w| r.write_json(w)).map_err(failed)?,
        shifts_csv: files.shifts_csv,
        activities_csv: files.activities_csv,
        coverage_csv: files.coverage_csv,
    })
}

/// A roster's CSV files, written in memory: the same bytes `rota schedule` writes.
pub(crate) struct RosterFiles {
    pub shifts_csv: String,
    pub activities_csv: String,
    pub coverage_csv: String,
}

type RosterWriter = fn(&Roster, &mut dyn std::io::Write) -> std::io::Result<()>;

/// One of `roster`'s files as text; an error names the file.
fn roster_text(roster: &Roster, name: &str, write: RosterWriter) -> Result<String, String> {
    let mut bytes = Vec::new();
    write(roster, &mut bytes).map_err(|e| format!("writing {name}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("writing {name}: {e}"))
}

/// `shifts.csv`, `activities.csv` and `coverage.csv` of `roster` (a solved roster's, or a hand
/// edit's: both are stored the same way).
pub(crate) fn roster_files(roster: &Roster) -> Result<RosterFiles, String> {
    Ok(RosterFiles {
        shifts_csv: roster_text(roster, "shifts.csv", |r, w| {
            r.write_shifts(w, TimestampStyle::Rfc3339)
        })?,
        activities_csv: roster_text(roster, "activities.csv", |r, w| {
            r.write_activities(w, TimestampStyle::Rfc3339)
        })?,
        coverage_csv: roster_text(roster, "coverage.csv", |r, w| {
            r.write_coverage(w, TimestampStyle::Rfc3339)
        })?,
    })
}

/// A finished simulation: the stored document (KPI table, verdict, report without intervals) and
/// the per-interval CSV.
pub struct SimulationOutput {
    /// What is stored: the KPI table, the verdict and the report without its intervals.
    pub document: SimulationDocument,
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
    // The roster's own period: reading would round a short roster up to the planning week.
    let plan = RosterPlan::read_from(
        (shifts_csv.as_bytes(), Path::new("shifts.csv")),
        (activities_csv.as_bytes(), Path::new("activities.csv")),
        config,
    )
    .and_then(|p| p.with_period(period.0, period.1))
    .map_err(failed)?;
    ctx.check_cancelled()?;
    let opts = SimulationOptions {
        replications,
        seed,
        ..SimulationOptions::default()
    };
    let progress = Within {
        outer: ctx,
        from: 0.05,
        to: 0.95,
    };
    let report = rota_plan::simulate(&plan, &demand, config, &opts, &progress)?;
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
    let mut intervals = Vec::new();
    report
        .write_intervals(&mut intervals)
        .map_err(|e| JobFailure::Failed(format!("writing intervals.csv: {e}")))?;
    let intervals_csv = String::from_utf8(intervals)
        .map_err(|e| JobFailure::Failed(format!("writing intervals.csv: {e}")))?;
    Ok(SimulationOutput {
        document: SimulationDocument {
            kpis,
            all_targets_met: report.verdict.all_met(),
            report: report_json,
        },
        intervals_csv,
    })
}

/// The what-if scenarios shipped with Rota (`data/samples/scenarios/`), embedded in the binary:
/// (file stem, TOML). They name the sample centre's channels and agents.
pub const SHIPPED_SCENARIOS: &[(&str, &str)] = &[
    (
        "voice-minus-10",
        include_str!("../../data/samples/scenarios/voice-minus-10.toml"),
    ),
    (
        "chatbot-40",
        include_str!("../../data/samples/scenarios/chatbot-40.toml"),
    ),
    (
        "channel-shift",
        include_str!("../../data/samples/scenarios/channel-shift.toml"),
    ),
    (
        "seven-calls-an-hour",
        include_str!("../../data/samples/scenarios/seven-calls-an-hour.toml"),
    ),
    (
        "recruit-8",
        include_str!("../../data/samples/scenarios/recruit-8.toml"),
    ),
    (
        "pool-specialists",
        include_str!("../../data/samples/scenarios/pool-specialists.toml"),
    ),
];

/// Parses a scenario (TOML text) and checks that it applies to the centre; problems name
/// `field`, the line and column or the key.
pub fn parse_scenario(
    config: &CentreConfig,
    text: &str,
    label: &str,
    field: &str,
) -> Result<Scenario, WorkError> {
    let invalid = |e: ScenarioError| {
        let all = lines(&e.to_string());
        WorkError::invalid(
            field,
            all.first()
                .cloned()
                .unwrap_or_else(|| "invalid scenario".into()),
            all,
        )
    };
    let scenario = Scenario::from_toml_str(text, label).map_err(invalid)?;
    apply_to_config(config, &scenario).map_err(invalid)?;
    Ok(scenario)
}

/// A finished comparison: the document stored and its HTML page.
pub struct ComparisonOutput {
    /// [`rota_plan::scenario::Comparison`] as JSON.
    pub comparison: serde_json::Value,
    /// The self-contained page of `rota scenario --html`.
    pub html: String,
}

/// Runs the baseline and `scenarios` on a stored forecast (`rota scenario` with `--forecast`):
/// staffing, one roster each (up to `time_limit_s`) and the KPIs the roster delivers, from
/// `replications` simulation runs (0: the queueing formulas).
pub fn compare_scenarios(
    ctx: &JobContext,
    config: &CentreConfig,
    forecast_csv: &str,
    scenarios: &[Scenario],
    replications: u32,
    time_limit_s: f64,
) -> Result<ComparisonOutput, JobFailure> {
    ctx.progress(0.02, "reading the forecast");
    let demand = read_forecast(config, forecast_csv.as_bytes(), "forecast")?;
    ctx.check_cancelled()?;
    let opts = CompareOptions {
        replications,
        seed: 1,
        solve: SolveOptions {
            time_limit_s,
            mip_rel_gap: 0.01,
            ..SolveOptions::default()
        },
        ..CompareOptions::default()
    };
    let total = scenarios.len() + 1;
    // Scenarios finish in parallel: count and record under one lock so progress never goes back.
    let done = std::sync::Mutex::new(0usize);
    let db = ctx.db.clone();
    let id = ctx.id;
    let step = |line: &str| {
        if let Ok(mut n) = done.lock() {
            *n += 1;
            let _ = db.job_progress(id, 0.05 + 0.9 * *n as f64 / total as f64, line);
        }
    };
    ctx.progress(
        0.05,
        &format!("running the baseline and {} scenario(s)", scenarios.len()),
    );
    let cmp = scenario::compare(config, &demand, scenarios, &opts, &step)
        .map_err(|e| JobFailure::Failed(e.to_string()))?;
    ctx.check_cancelled()?;
    Ok(ComparisonOutput {
        comparison: serde_json::to_value(&cmp).map_err(|e| JobFailure::Failed(e.to_string()))?,
        html: scenario::render_html(&cmp),
    })
}

/// A finished performance report: the document stored and its HTML page.
pub struct ReportOutput {
    /// [`rota_plan::report::PerformanceReport`] as JSON.
    pub report: serde_json::Value,
    /// The self-contained page of `rota report --html`.
    pub html: String,
    /// First and last local date reported.
    pub period: (NaiveDate, NaiveDate),
}

/// The weekly performance report of a history (`rota report`): `to` defaults to the history's
/// last day and `from` to 13 weeks before it; with `forecast_accuracy`, one forecast per week.
pub fn performance_report(
    ctx: &JobContext,
    config: &CentreConfig,
    history: &History,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    forecast_accuracy: bool,
) -> Result<ReportOutput, JobFailure> {
    let span = history
        .span()
        .ok_or_else(|| JobFailure::Failed("the history is empty".into()))?;
    let to = to.unwrap_or_else(|| span.last_date());
    let from = from.unwrap_or(to - chrono::Duration::days(7 * 13 - 1));
    let weeks = ((to - from).num_days() / 7 + 1).max(1) as f64;
    let done = std::cell::Cell::new(0.0);
    let opts = ReportOptions {
        from,
        to,
        forecast_accuracy,
    };
    ctx.progress(0.05, "building the report");
    let report = build_report(history, config, &opts, &|line| {
        done.set(done.get() + 1.0);
        ctx.progress(0.05 + 0.9 * (done.get() / weeks).min(1.0), line);
    })
    .map_err(|e| JobFailure::Failed(e.to_string()))?;
    ctx.check_cancelled()?;
    Ok(ReportOutput {
        report: serde_json::to_value(&report).map_err(|e| JobFailure::Failed(e.to_string()))?,
        html: render_report_html(&report),
        period: (from, to),
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
