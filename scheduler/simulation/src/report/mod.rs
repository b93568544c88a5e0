//! KPIs per interval, day and week with confidence intervals, the verdict against the targets, and
//! the files and table a planner reads.
//!
//! [`summary`] turns the replications' cells into the [`SimulationReport`] (per-replication rates,
//! then means and confidence intervals, then the verdict); [`write`] writes it as the per-interval
//! CSV, the summary CSV and the terminal table. Nothing in Rota reads the per-interval CSV back
//! (it is for planners and spreadsheets, with rounded figures), so it has no reader to round-trip.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rota_data::channel::{ChannelKind, ChannelName};
use serde::Serialize;

pub use super::stats::Estimate;

mod summary;
mod write;

pub(crate) use summary::summarise;

/// The KPIs of one channel over an interval, a day or the week. Counts are means per replication;
/// rates are computed per replication, then averaged (`None` when never defined, e.g. ASA with no
/// contact handled).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiSet {
    /// Contacts offered (arrived).
    pub offered: Estimate,
    /// Contacts an agent took (by arrival period).
    pub handled: Estimate,
    /// Contacts that left before an agent took them (live channels).
    pub abandoned: Estimate,
    /// Abandoned / offered.
    pub abandon_rate: Option<Estimate>,
    /// Mean wait of handled contacts, seconds (deferred: until an agent picks the item up).
    pub asa_seconds: Option<Estimate>,
    /// Handled within the service-level threshold / offered (or / handled when the target
    /// excludes abandoned contacts). Live channels.
    pub service_level: Option<Estimate>,
    /// Handled within `max_wait_seconds` / handled (live channels with that target).
    pub wait_within_max_share: Option<Estimate>,
    /// Handling time / logged-in time on the channel (chat: per chat slot).
    pub occupancy: Option<Estimate>,
    /// Deferred: items answered within the response target / items received in the period. An
    /// item still waiting at the end of the horizon is answered in the next period (the roster
    /// repeated, after the backlog ahead of it) and judged by that answer; one still waiting and
    /// overdue after it is missed. Only items neither answered nor overdue after several further
    /// periods (a response target longer than a period's worked hours) are left out.
    pub response_within_target: Option<Estimate>,
    /// Deferred: largest backlog (items waiting) seen.
    pub max_backlog: Option<Estimate>,
    /// Deferred: items of the period still unanswered at the end of the horizon (answered in the
    /// next period; `response_within_target` judges them by that answer).
    pub unanswered_at_end: Option<Estimate>,
}

/// KPIs of one channel in one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulatedKpis {
    /// Interval start (local offset).
    pub interval_start: DateTime<FixedOffset>,
    /// Channel.
    pub channel: ChannelName,
    /// KPIs.
    pub kpis: KpiSet,
}

/// A summary period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// One local day.
    Day(NaiveDate),
    /// The whole horizon (normally one roster week).
    Week,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Day(d) => write!(f, "{d}"),
            Period::Week => f.write_str("week"),
        }
    }
}

/// KPIs of one channel over a day or the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodKpis {
    /// Day or week.
    pub period: Period,
    /// Channel.
    pub channel: ChannelName,
    /// KPIs.
    pub kpis: KpiSet,
}

/// The KPIs targets are set on, and whether each is a ceiling or a floor: the configuration's one
/// list, shared with the scenarios and the report.
pub use rota_data::config::{Direction, Kpi};

/// The figure of `kpi` in a KPI set.
pub(crate) fn kpi_value(kpi: Kpi, k: &KpiSet) -> Option<Estimate> {
    match kpi {
        Kpi::AbandonRate => k.abandon_rate,
        Kpi::AsaSeconds => k.asa_seconds,
        Kpi::ServiceLevel => k.service_level,
        Kpi::WaitWithinMaxShare => k.wait_within_max_share,
        Kpi::Occupancy => k.occupancy,
        Kpi::ResponseWithinTarget => k.response_within_target,
    }
}

/// Consecutive intervals of one day, e.g. "Mon 16 Nov 08:00-12:30".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalRange {
    /// Start of the first interval.
    pub start: DateTime<FixedOffset>,
    /// End of the last interval.
    pub end: DateTime<FixedOffset>,
    /// Readable label.
    pub label: String,
}

/// One KPI of one channel against its target, over the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCheck {
    /// The KPI.
    pub kpi: Kpi,
    /// Ceiling or floor.
    pub direction: Direction,
    /// The target.
    pub target: f64,
    /// The simulated weekly figure (`None` when never defined, e.g. nothing offered).
    pub achieved: Option<Estimate>,
    /// True when the weekly mean meets the target.
    pub met: bool,
    /// How far the weekly mean is on the wrong side of the target (0 when met), in the KPI's unit.
    pub by: f64,
    /// True when the whole 95% interval lies on the same side of the target as the mean.
    pub conclusive: bool,
    /// Days whose mean misses the target.
    pub days_missed: Vec<NaiveDate>,
    /// Intervals whose mean misses the target, grouped into ranges.
    pub missed: Vec<IntervalRange>,
    /// How many intervals miss.
    pub intervals_missed: usize,
    /// How many intervals were judged (the KPI defined in at least half the replications).
    pub intervals_judged: usize,
}

/// The verdict of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelVerdict {
    /// Channel.
    pub channel: ChannelName,
    /// Label for reports.
    pub label: String,
    /// One check per configured target.
    pub checks: Vec<TargetCheck>,
}

impl ChannelVerdict {
    /// True when every target is met over the week.
    pub fn all_met(&self) -> bool {
        self.checks.iter().all(|c| c.met)
    }
}

/// Each channel's KPIs against its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Per channel, in configuration order.
    pub channels: Vec<ChannelVerdict>,
}

impl Verdict {
    /// True when every channel meets every target.
    pub fn all_met(&self) -> bool {
        self.channels.iter().all(|c| c.all_met())
    }
}

/// Channel facts the report needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelInfo {
    /// Name.
    pub name: ChannelName,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: ChannelKind,
    /// Deferred: items waiting at the start of the period, carried in from the previous one (the
    /// backlog one pilot period leaves, [`crate::SimulationOptions::deferred_warmup`]). Set beside
    /// the week's `unanswered_at_end` it says whether the roster keeps up: a backlog that ends the
    /// week larger than it started grows week after week, and later weeks answer later than the
    /// simulated one. One pilot replication: as noisy as one replication's end backlog.
    pub carried_in: u32,
}

/// The outcome of [`super::simulate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationReport {
    /// First local date simulated.
    pub first_date: NaiveDate,
    /// Last local date simulated.
    pub last_date: NaiveDate,
    /// Replications.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Channels in configuration order.
    pub channels: Vec<ChannelInfo>,
    /// Per interval and channel (interval-major).
    pub intervals: Vec<SimulatedKpis>,
    /// Per day and channel.
    pub days: Vec<PeriodKpis>,
    /// Per channel over the whole horizon.
    pub week: Vec<PeriodKpis>,
    /// Against the targets.
    pub verdict: Verdict,
    /// Contacts simulated over all replications.
    pub total_contacts: u64,
}
