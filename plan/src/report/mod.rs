//! # Performance report from history
//!
//! "How did we do last month, in every channel?" Per channel and week: offered, handled, abandon
//! rate, ASA, service level, AHT, forecast accuracy and staffing against requirement, as a printed
//! table ([`render_table`]), CSV ([`write_csv`]) and a self-contained HTML page with inline SVG
//! charts ([`render_html`]: no scripts, fonts or images from anywhere else).
//!
//! How each figure is made (also in `docs/REPORT.md`):
//! - offered, handled, abandoned: sums of the history's intervals; abandon rate = abandoned /
//!   offered; AHT and ASA are handled-weighted means of the interval figures.
//! - service level: interval exports carry no per-contact waits, so it is *estimated*: the
//!   channel's Erlang A / chat model with the interval's actual offered, AHT and logged-in agents
//!   (`agents_staffed`) gives the share answered within the channel's threshold (deferred channels:
//!   the share handled within the response target by the backlog model).
//! - forecast accuracy: for each week, the production forecasting pipeline is run with only the
//!   history before the week's first day (the forecast that could have been published then), and
//!   compared interval by interval with what happened: WAPE = Σ|forecast − actual| / Σ actual, and
//!   bias = Σ forecast / Σ actual − 1.
//! - staffing against requirement: logged-in agent-hours (`agents_staffed` × interval) against the
//!   agent-hours the targets needed for the *actual* offered contacts and AHT (Erlang A / chat /
//!   backlog, before shrinkage, since logged-in agents are already net of it).

pub mod brief;
mod build;
pub mod format;
mod html;
mod table;

use chrono::NaiveDate;
use rota_data::channel::ChannelName;
use serde::Serialize;

pub use build::{build_report, ReportOptions};
pub use html::render_html;
pub use table::{render_table, write_csv, CSV_COLUMNS};

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The dates asked for are not usable.
    #[error("{0}")]
    Range(String),
    /// Staffing models failed on the history.
    #[error("staffing model on the history: {0}")]
    Staffing(#[from] rota_staffing::PlanError),
}

/// One channel in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRow {
    /// Channel name.
    pub channel: ChannelName,
    /// `inbound`, `walk_in`, `chat` or `deferred`.
    pub kind: String,
    /// First local date of the week (the configured week start; clipped to the report range).
    pub week_start: NaiveDate,
    /// Days of the week inside the report range and the history.
    pub days: u32,
    /// Contacts offered.
    pub offered: u64,
    /// Contacts handled (when the export has them).
    pub handled: Option<u64>,
    /// Abandoned / offered.
    pub abandon_rate: Option<f64>,
    /// Handled-weighted ASA, seconds (deferred: response time as exported).
    pub asa_seconds: Option<f64>,
    /// Estimated service level (see the module documentation).
    pub service_level: Option<f64>,
    /// Handled-weighted AHT, seconds.
    pub aht_seconds: Option<f64>,
    /// Offered forecast for the week before it began.
    pub forecast_offered: Option<f64>,
    /// Interval WAPE of that forecast.
    pub forecast_wape: Option<f64>,
    /// WAPE of that forecast's daily totals: the grain a small channel is judged at.
    pub forecast_wape_daily: Option<f64>,
    /// Σ forecast / Σ actual − 1.
    pub forecast_bias: Option<f64>,
    /// Logged-in agent-hours.
    pub staffed_hours: Option<f64>,
    /// Agent-hours the targets needed for the actual demand.
    pub required_hours: Option<f64>,
}

impl WeekRow {
    /// Staffed / required agent-hours.
    pub fn staffing_ratio(&self) -> Option<f64> {
        match (self.staffed_hours, self.required_hours) {
            (Some(s), Some(r)) if r > 0.0 => Some(s / r),
            _ => None,
        }
    }
}

/// Targets of a channel, for the report's verdicts and chart lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelTargets {
    /// Channel.
    pub channel: ChannelName,
    /// Label in reports.
    pub label: String,
    /// Kind.
    pub kind: String,
    /// Maximum abandon rate.
    pub max_abandon_rate: Option<f64>,
    /// Maximum ASA, seconds.
    pub max_asa_seconds: Option<f64>,
    /// Service-level share target (deferred: response share).
    pub service_level: Option<f64>,
    /// What the service level means, e.g. `80% within 60 s`.
    pub service_level_text: Option<String>,
}

/// The performance report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerformanceReport {
    /// Centre name.
    pub centre: String,
    /// First local date reported.
    pub from: NaiveDate,
    /// Last local date reported.
    pub to: NaiveDate,
    /// Channel targets in configuration order.
    pub channels: Vec<ChannelTargets>,
    /// Rows by channel (configuration order) then week.
    pub rows: Vec<WeekRow>,
    /// Notes in plain words (weeks without a forecast, missing columns).
    pub notes: Vec<String>,
}

impl PerformanceReport {
    /// The rows of one channel in week order.
    pub fn channel_rows<'a>(&'a self, channel: &'a str) -> impl Iterator<Item = &'a WeekRow> + 'a {
        self.rows.iter().filter(move |r| r.channel == channel)
    }
}
