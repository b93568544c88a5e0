//! The centre configuration (`centre.toml`): channels, targets, shrinkage, shift templates,
//! contracts, grades, agents, special days and the history column mapping.
//!
//! A [`CentreConfig`] is parsed once at the boundary and is valid from then on: opening hours lie
//! on the interval grid, targets are in range, breaks fit inside their shifts, agents' skills name
//! configured channels, leave does not overlap. Every field has a documented default
//! (`docs/CONFIGURATION.md`), so a small centre needs only a few lines:
//!
//! ```
//! use rota_data::config::CentreConfig;
//! let config = CentreConfig::from_toml_str(r#"
//!     [centre]
//!     name = "Tiny Homes"
//!
//!     [channels.voice]
//!     kind = "inbound"
//!     aht_seconds = 480
//!     hours = { weekdays = ["09:00-17:00"] }
//! "#, "tiny.toml").unwrap();
//! let voice = config.channel("voice").unwrap();
//! assert_eq!(voice.targets().max_abandon_rate(), Some(0.10)); // the sector default
//! assert_eq!(config.grid().length.minutes(), 15);
//! ```
//!
//! Errors name the file, the TOML key path and what was expected, and list every problem found:
//!
//! ```
//! use rota_data::config::CentreConfig;
//! let err = CentreConfig::from_toml_str(r#"
//!     [centre]
//!     name = "Tiny Homes"
//!     [channels.voice]
//!     kind = "inbound"
//!     aht_seconds = -5
//! "#, "tiny.toml").unwrap_err();
//! assert!(err.to_string().contains("tiny.toml: channels.voice.aht_seconds"));
//! ```

mod clock;
mod raw;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use clock::{
    format_clock, parse_clock, parse_weekday, weekday_key, TimeRange, WeeklyHours, WEEKDAYS,
};
use raw::*;

use crate::channel::{ChannelKind, ChannelName};
use crate::grid::{IntervalGrid, IntervalLength, DEFAULT_TIME_ZONE};

/// The bundled sample centre (`data/samples/centre.toml`), "Northmoor Homes".
pub const SAMPLE_CENTRE_TOML: &str = include_str!("../../samples/centre.toml");

// ----------------------------------------------------------------------------------------------
// Defaults (documented in docs/CONFIGURATION.md)
// ----------------------------------------------------------------------------------------------

/// Default currency of hourly rates.
pub const DEFAULT_CURRENCY: &str = "GBP";
/// Default planning horizon in days (one roster week).
pub const DEFAULT_HORIZON_DAYS: u32 = 7;
/// Default channel priority (lower is served first by multi-skilled agents).
pub const DEFAULT_PRIORITY: u32 = 10;
/// Default abandon-rate target for live channels (UK housing sector target: under 10%).
pub const DEFAULT_MAX_ABANDON_RATE: f64 = 0.10;
/// Default average-speed-of-answer target for live channels (sector target: 2 minutes).
pub const DEFAULT_MAX_ASA_SECONDS: f64 = 120.0;
/// Default share of answered contacts that must wait no longer than `max_wait_seconds`.
pub const DEFAULT_MAX_WAIT_SHARE: f64 = 0.95;
/// Default maximum occupancy of live channels.
pub const DEFAULT_MAX_OCCUPANCY_LIVE: f64 = 0.85;
/// Default maximum occupancy of deferred channels (backlog work can fill idle time).
pub const DEFAULT_MAX_OCCUPANCY_DEFERRED: f64 = 0.95;
/// Default deferred response target: 95% within 24 working hours.
pub const DEFAULT_RESPONSE: (f64, f64) = (0.95, 24.0);
/// Largest `aht_seconds` a channel may have (4 hours).
pub const MAX_AHT_SECONDS: f64 = 14_400.0;

/// Largest special-day `volume_factor` (100 times normal volume).
pub const MAX_VOLUME_FACTOR: f64 = 100.0;

/// Shrinkage at or above this (90%) is an error: ten agents scheduled for each one available.
pub const MAX_SHRINKAGE: f64 = 0.9;

/// Shrinkage above this (60%) is warned about.
pub const SHRINKAGE_WARN_ABOVE: f64 = 0.6;

/// Default centre shrinkage (sickness, training, meetings, 1:1s, admin; breaks and lunch are placed
/// explicitly by the shift templates and are *not* part of it).
pub const DEFAULT_SHRINKAGE: f64 = 0.25;
/// Default weekly opening hours when neither the channel nor the centre gives any: Mon-Fri 09:00-17:00.
pub const DEFAULT_OPEN: (u16, u16) = (9 * 60, 17 * 60);
/// Default minimum rest between shifts, hours (Working Time Regulations 1998, reg. 10).
pub const DEFAULT_MIN_REST_HOURS: f64 = 11.0;
/// Default maximum weekly paid hours (Working Time Regulations 1998, reg. 4: 48 h average).
pub const DEFAULT_MAX_WEEKLY_HOURS: f64 = 48.0;
/// Default days off per week.
pub const DEFAULT_DAYS_OFF: u32 = 2;
/// Default maximum consecutive working days.
pub const DEFAULT_MAX_CONSECUTIVE_DAYS: u32 = 6;

/// Default mean patience, seconds, by channel kind (inbound 300, walk-in 900, chat 600).
pub fn default_patience_seconds(kind: ChannelKind) -> Option<f64> {
    match kind {
        ChannelKind::Inbound => Some(300.0),
        ChannelKind::WalkIn => Some(900.0),
        ChannelKind::Chat => Some(600.0),
        ChannelKind::Deferred => None,
    }
}

// ----------------------------------------------------------------------------------------------
// Errors
// ----------------------------------------------------------------------------------------------

/// One validation problem: the TOML key path and what is wrong / what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Key path, e.g. `channels.voice.targets.max_abandon_rate` or `agents[3].skills`.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Why a centre configuration could not be read, validated or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or written.
    #[error("cannot {action} configuration file {}: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed or a value has the wrong type (line and column 1-based).
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// File name (or other source label).
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the TOML parser expected.
        message: String,
    },
    /// The TOML is well formed but the configuration is not valid; every problem is listed.
    #[error("{source_name}: invalid centre configuration ({} problem{}):\n{}", problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {source_name}: {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// File name (or other source label).
        source_name: String,
        /// The problems, in file order as far as possible.
        problems: Vec<Problem>,
    },
    /// The configuration could not be written as TOML.
    #[error("cannot write the configuration as TOML: {0}")]
    Serialize(String),
}

impl ConfigError {
    /// The validation problems (empty for I/O and syntax errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// Collects problems while validating.
#[derive(Default)]
struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            key: key.into(),
            message: message.into(),
        });
    }

    /// Checks `0 <= v <= 1` (or `< 1` when `below_one`).
    fn fraction(&mut self, key: &str, v: f64, below_one: bool) -> f64 {
        let ok = v.is_finite() && v >= 0.0 && if below_one { v < 1.0 } else { v <= 1.0 };
        if !ok {
            let range = if below_one {
                "0 <= x < 1"
            } else {
                "0 <= x <= 1"
            };
            self.err(
                key,
                format!("{v} is not a valid fraction; expected a share {range}, e.g. 0.1 for 10%"),
            );
        }
        v
    }

    fn positive(&mut self, key: &str, v: f64, unit: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                key,
                format!("{v} is not valid; expected a positive number of {unit}"),
            );
        }
        v
    }

    /// Checks `0 < v <= max`: a plausibility range, named in the error.
    fn positive_at_most(&mut self, key: &str, v: f64, max: f64, unit: &str, why: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            return self.positive(key, v, unit);
        }
        if v > max {
            // 1e300 as written, not as 301 digits.
            let shown = if v >= 1e9 {
                format!("{v:e}")
            } else {
                v.to_string()
            };
            self.err(
                key,
                format!(
                    "{shown} is implausible; expected more than 0 and at most {max} {unit} ({why})"
                ),
            );
        }
        v
    }

    fn non_empty(&mut self, key: &str, v: &str) {
        if v.trim().is_empty() {
            self.err(key, "must not be empty");
        }
    }

    fn channel_name(
        &mut self,
        key: &str,
        s: &str,
        known: &BTreeSet<ChannelName>,
    ) -> Option<ChannelName> {
        match ChannelName::parse(s) {
            Ok(n) if known.contains(&n) => Some(n),
            Ok(n) => {
                self.err(
                    key,
                    format!(
                        "unknown channel \"{n}\"; expected one of the configured channels: {}",
                        known
                            .iter()
                            .map(ChannelName::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
            Err(e) => {
                self.err(key, e.to_string());
                None
            }
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Centre and planning
// ----------------------------------------------------------------------------------------------

/// Which demand figure staffing plans to (the forecast writes mean, p10, p50 and p90).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandQuantile {
    /// The forecast mean (default).
    #[default]
    Mean,
    /// The 10th percentile (optimistic).
    P10,
    /// The median.
    P50,
    /// The 90th percentile (cautious: staff for a busy version of the forecast).
    P90,
}

impl DemandQuantile {
    /// The name used in files: `mean`, `p10`, `p50`, `p90`.
    pub fn as_str(self) -> &'static str {
        match self {
            DemandQuantile::Mean => "mean",
            DemandQuantile::P10 => "p10",
            DemandQuantile::P50 => "p50",
            DemandQuantile::P90 => "p90",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Mean, Self::P10, Self::P50, Self::P90]
            .into_iter()
            .find(|q| q.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// Planning defaults used by the forecast, staffing and roster commands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planning {
    horizon_days: u32,
    week_starts_on: Weekday,
    demand_quantile: DemandQuantile,
}

impl Planning {
    /// Days planned ahead by default (1..=366; default 7).
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }
    /// First day of a roster week (default Monday).
    pub fn week_starts_on(&self) -> Weekday {
        self.week_starts_on
    }
    /// Which forecast figure staffing plans to (default mean).
    pub fn demand_quantile(&self) -> DemandQuantile {
        self.demand_quantile
    }
}

/// The `[centre]` section: name, time zone, interval, currency and planning defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Centre {
    name: String,
    grid: IntervalGrid,
    currency: String,
    closed_on_bank_holidays: bool,
    hours: WeeklyHours,
    planning: Planning,
}

impl Centre {
    /// The centre's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Interval length and IANA time zone.
    pub fn grid(&self) -> IntervalGrid {
        self.grid
    }
    /// Currency of hourly rates (ISO 4217 code; default GBP).
    pub fn currency(&self) -> &str {
        &self.currency
    }
    /// True (default) when all channels close on England & Wales bank holidays.
    pub fn closed_on_bank_holidays(&self) -> bool {
        self.closed_on_bank_holidays
    }
    /// Default opening hours for channels that give none.
    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }
    /// Planning defaults.
    pub fn planning(&self) -> &Planning {
        &self.planning
    }
}

// ----------------------------------------------------------------------------------------------
// Shrinkage
// ----------------------------------------------------------------------------------------------

/// Shrinkage: the share of paid time not available for contacts (sickness, training, meetings,
/// 1:1s, facilities tasks...), optionally broken down by named activity.
///
/// Breaks and lunch are placed explicitly by the shift templates, so they are *not* shrinkage here.
/// The conversion used when shrinkage is not rostered as explicit activities is
/// `scheduled = required / (1 - shrinkage)` (see `/shared/DOMAIN.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shrinkage {
    total: f64,
    activities: BTreeMap<String, f64>,
}

impl Shrinkage {
    /// Shrinkage of `total` (0 <= total < 1) without a breakdown.
    pub fn from_total(total: f64) -> Result<Self, String> {
        if total.is_finite() && (0.0..1.0).contains(&total) {
            Ok(Self {
                total,
                activities: BTreeMap::new(),
            })
        } else {
            Err(format!(
                "{total} is not a valid shrinkage; expected 0 <= x < 1"
            ))
        }
    }

    /// The total share (0 <= total < 1).
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The breakdown by activity (empty when only a total was given).
    pub fn activities(&self) -> &BTreeMap<String, f64> {
        &self.activities
    }

    /// Agents to schedule so that `required` are available after shrinkage:
    /// `required / (1 - shrinkage)`.
    ///
    /// ```
    /// use rota_data::config::Shrinkage;
    /// let s = Shrinkage::from_total(0.25).unwrap();
    /// assert!((s.scheduled_from_required(15.0) - 20.0).abs() < 1e-9);
    /// ```
    pub fn scheduled_from_required(&self, required: f64) -> f64 {
        required / (1.0 - self.total)
    }

    fn from_raw(ctx: &mut Ctx, key: &str, raw: &RawShrinkage) -> Option<Self> {
        let n0 = ctx.problems.len();
        let mut activities = BTreeMap::new();
        if let Some(acts) = &raw.activities {
            for (name, v) in acts {
                let k = format!("{key}.activities.{name}");
                ctx.non_empty(&k, name);
                activities.insert(name.clone(), ctx.fraction(&k, *v, true));
            }
        }
        let sum: f64 = activities.values().sum();
        let total = match (raw.total, raw.activities.is_some()) {
            (Some(t), true) => {
                let t = ctx.fraction(&format!("{key}.total"), t, true);
                if (t - sum).abs() > 1e-6 {
                    ctx.err(
                        format!("{key}.total"),
                        format!("total {t} does not equal the sum of the activities ({sum:.4}); give one of them or make them agree"),
                    );
                }
                t
            }
            (Some(t), false) => ctx.fraction(&format!("{key}.total"), t, true),
            (None, true) => sum,
            (None, false) => {
                ctx.err(key, "expected `total` or `activities` (or both)");
                0.0
            }
        };
        if raw.total.is_none() && !(0.0..1.0).contains(&total) {
            ctx.err(
                format!("{key}.activities"),
                format!("activities add up to {total:.4}; expected less than 1"),
            );
        } else if (MAX_SHRINKAGE..1.0).contains(&total) {
            let k = if raw.total.is_some() {
                format!("{key}.total")
            } else {
                format!("{key}.activities")
            };
            ctx.err(
                k,
                format!(
                    "shrinkage {total} is implausible: every required agent would need {:.0} \
                     scheduled; expected 0 to {MAX_SHRINKAGE} (below {SHRINKAGE_WARN_ABOVE} is usual)",
                    1.0 / (1.0 - total)
                ),
            );
        } else if total > SHRINKAGE_WARN_ABOVE && ctx.problems.len() == n0 {
            tracing::warn!(
                "{key}: shrinkage {total} is high (usual: 0.25 to 0.4; above {SHRINKAGE_WARN_ABOVE} \
                 every required agent needs {:.1} scheduled); check it is a share of paid time",
                1.0 / (1.0 - total)
            );
        }
        (ctx.problems.len() == n0).then_some(Self { total, activities })
    }

    fn to_raw(&self) -> RawShrinkage {
        if self.activities.is_empty() {
            RawShrinkage {
                total: Some(self.total),
                activities: None,
            }
        } else {
            RawShrinkage {
                total: Some(self.total),
                activities: Some(self.activities.clone()),
            }
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Channels and targets
// ----------------------------------------------------------------------------------------------

/// "X% of contacts answered within Y seconds".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceLevel {
    share: f64,
    within_seconds: f64,
    abandoned_in_denominator: bool,
}

impl ServiceLevel {
    /// Share of contacts that must be answered within the threshold (0..=1).
    pub fn share(&self) -> f64 {
        self.share
    }
    /// The threshold, seconds.
    pub fn within_seconds(&self) -> f64 {
        self.within_seconds
    }
    /// True (default) when abandoned contacts count in the denominator (the stricter reading).
    pub fn abandoned_in_denominator(&self) -> bool {
        self.abandoned_in_denominator
    }
}

/// Response-time target of a deferred channel: `share` of items handled within `within_hours`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseTarget {
    share: f64,
    within_hours: f64,
    working_hours_only: bool,
}

impl ResponseTarget {
    /// Share of items that must be handled in time (0..=1).
    pub fn share(&self) -> f64 {
        self.share
    }
    /// The response time, hours.
    pub fn within_hours(&self) -> f64 {
        self.within_hours
    }
    /// True (default) when only the channel's worked hours count towards `within_hours`.
    pub fn working_hours_only(&self) -> bool {
        self.working_hours_only
    }
}

/// Service targets of one channel. Live channels (inbound, walk-in, chat) use the abandon, ASA,
/// wait and service-level targets; deferred channels use [`ResponseTarget`]. Both have a maximum
/// occupancy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceTargets {
    max_abandon_rate: Option<f64>,
    max_asa_seconds: Option<f64>,
    max_wait_seconds: Option<f64>,
    max_wait_share: f64,
    service_level: Option<ServiceLevel>,
    max_occupancy: f64,
    response: Option<ResponseTarget>,
}

impl ServiceTargets {
    /// Highest acceptable abandon rate (abandoned / offered), e.g. 0.10.
    pub fn max_abandon_rate(&self) -> Option<f64> {
        self.max_abandon_rate
    }
    /// Highest acceptable average speed of answer, seconds.
    pub fn max_asa_seconds(&self) -> Option<f64> {
        self.max_asa_seconds
    }
    /// Longest acceptable wait, seconds ("never over 4 minutes"); a queue cannot guarantee
    /// "never", so it is read together with [`Self::max_wait_share`].
    pub fn max_wait_seconds(&self) -> Option<f64> {
        self.max_wait_seconds
    }
    /// Share of answered contacts that must wait no longer than `max_wait_seconds` (default 0.95).
    pub fn max_wait_share(&self) -> f64 {
        self.max_wait_share
    }
    /// Service level X% within Y seconds.
    pub fn service_level(&self) -> Option<&ServiceLevel> {
        self.service_level.as_ref()
    }
    /// Highest planned occupancy (0..=1).
    pub fn max_occupancy(&self) -> f64 {
        self.max_occupancy
    }
    /// Response-time target (deferred channels only).
    pub fn response(&self) -> Option<&ResponseTarget> {
        self.response.as_ref()
    }

    fn from_raw(ctx: &mut Ctx, key: &str, kind: ChannelKind, raw: Option<&RawTargets>) -> Self {
        let defaulted;
        let raw = match raw {
            Some(r) => r,
            None => {
                defaulted = if kind.is_live() {
                    RawTargets {
                        max_abandon_rate: Some(DEFAULT_MAX_ABANDON_RATE),
                        max_asa_seconds: Some(DEFAULT_MAX_ASA_SECONDS),
                        ..RawTargets::default()
                    }
                } else {
                    RawTargets {
                        response: Some(RawResponse {
                            share: DEFAULT_RESPONSE.0,
                            within_hours: DEFAULT_RESPONSE.1,
                            working_hours_only: Some(true),
                        }),
                        ..RawTargets::default()
                    }
                };
                &defaulted
            }
        };
        let k = |f: &str| format!("{key}.{f}");
        let max_abandon_rate = raw
            .max_abandon_rate
            .map(|v| ctx.fraction(&k("max_abandon_rate"), v, false));
        let max_asa_seconds = raw
            .max_asa_seconds
            .map(|v| ctx.positive(&k("max_asa_seconds"), v, "seconds"));
        let max_wait_seconds = raw
            .max_wait_seconds
            .map(|v| ctx.positive(&k("max_wait_seconds"), v, "seconds"));
        let max_wait_share = ctx.fraction(
            &k("max_wait_share"),
            raw.max_wait_share.unwrap_or(DEFAULT_MAX_WAIT_SHARE),
            false,
        );
        let service_level = raw.service_level.as_ref().map(|sl| ServiceLevel {
            share: ctx.fraction(&k("service_level.share"), sl.share, false),
            within_seconds: ctx.positive(
                &k("service_level.within_seconds"),
                sl.within_seconds,
                "seconds",
            ),
            abandoned_in_denominator: sl.abandoned_in_denominator.unwrap_or(true),
        });
        let default_occ = if kind.is_live() {
            DEFAULT_MAX_OCCUPANCY_LIVE
        } else {
            DEFAULT_MAX_OCCUPANCY_DEFERRED
        };
        let max_occupancy = raw.max_occupancy.unwrap_or(default_occ);
        if !(max_occupancy.is_finite() && max_occupancy > 0.0 && max_occupancy <= 1.0) {
            ctx.err(
                k("max_occupancy"),
                format!("{max_occupancy} is not valid; expected a share 0 < x <= 1, e.g. 0.85"),
            );
        }
        let response = raw.response.as_ref().map(|r| ResponseTarget {
            share: ctx.fraction(&k("response.share"), r.share, false),
            within_hours: ctx.positive(&k("response.within_hours"), r.within_hours, "hours"),
            working_hours_only: r.working_hours_only.unwrap_or(true),
        });
        if kind.is_live() {
            if response.is_some() {
                ctx.err(k("response"), format!("a response-time target is for deferred channels; this channel is {kind} (use max_abandon_rate, max_asa_seconds, max_wait_seconds or service_level)"));
            }
            if max_abandon_rate.is_none()
                && max_asa_seconds.is_none()
                && max_wait_seconds.is_none()
                && service_level.is_none()
            {
                ctx.err(key, "a live channel needs at least one of max_abandon_rate, max_asa_seconds, max_wait_seconds, service_level");
            }
            if raw.max_wait_share.is_some() && max_wait_seconds.is_none() {
                ctx.err(k("max_wait_share"), "max_wait_share needs max_wait_seconds");
            }
        } else {
            for (set, f) in [
                (max_abandon_rate.is_some(), "max_abandon_rate"),
                (max_asa_seconds.is_some(), "max_asa_seconds"),
                (max_wait_seconds.is_some(), "max_wait_seconds"),
                (service_level.is_some(), "service_level"),
            ] {
                if set {
                    ctx.err(k(f), "deferred channels have no live queue; expected only `response` and `max_occupancy`");
                }
            }
            if response.is_none() {
                ctx.err(k("response"), "a deferred channel needs a response target, e.g. { share = 0.95, within_hours = 24 }");
            }
        }
        Self {
            max_abandon_rate,
            max_asa_seconds,
            max_wait_seconds,
            max_wait_share,
            service_level,
            max_occupancy,
            response,
        }
    }

    fn to_raw(&self) -> RawTargets {
        RawTargets {
            max_abandon_rate: self.max_abandon_rate,
            max_asa_seconds: self.max_asa_seconds,
            max_wait_seconds: self.max_wait_seconds,
            max_wait_share: self.max_wait_seconds.map(|_| self.max_wait_share),
            max_occupancy: Some(self.max_occupancy),
            service_level: self.service_level.as_ref().map(|s| RawServiceLevel {
                share: s.share,
                within_seconds: s.within_seconds,
                abandoned_in_denominator: Some(s.abandoned_in_denominator),
            }),
            response: self.response.as_ref().map(|r| RawResponse {
                share: r.share,
                within_hours: r.within_hours,
                working_hours_only: Some(r.working_hours_only),
            }),
        }
    }
}

/// One channel of the centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    name: ChannelName,
    kind: ChannelKind,
    label: Option<String>,
    priority: u32,
    hours: WeeklyHours,
    #[serde(skip)]
    hours_own: bool,
    aht_seconds: f64,
    patience_seconds: Option<f64>,
    handle_time_factors: Vec<f64>,
    targets: ServiceTargets,
    shrinkage: Shrinkage,
    #[serde(skip)]
    shrinkage_own: bool,
}

impl Channel {
    /// Machine name, e.g. `voice`.
    pub fn name(&self) -> &ChannelName {
        &self.name
    }
    /// Queueing kind.
    pub fn kind(&self) -> ChannelKind {
        self.kind
    }
    /// Human label for reports (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(self.name.as_str())
    }
    /// Routing priority: a multi-skilled agent who is free takes the waiting contact of the channel
    /// with the lowest number first (default 10).
    pub fn priority(&self) -> u32 {
        self.priority
    }
    /// Opening hours; for a deferred channel the hours in which its backlog is *worked* (items
    /// arrive at any time).
    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }
    /// True when contacts can arrive at `minute` of `day`: live channels only in opening hours,
    /// deferred channels always.
    pub fn accepts_contacts_at(&self, day: Weekday, minute: u32) -> bool {
        self.kind.is_deferred() || self.hours.is_open_at(day, minute)
    }
    /// True when agents work the channel at `minute` of `day` (its opening / worked hours).
    pub fn is_worked_at(&self, day: Weekday, minute: u32) -> bool {
        self.hours.is_open_at(day, minute)
    }
    /// Default average handle time, seconds (at concurrency 1 for chat); forecasts may override it
    /// per interval.
    pub fn aht_seconds(&self) -> f64 {
        self.aht_seconds
    }
    /// Mean patience, seconds (live channels; drives abandonment in Erlang A). `None` for deferred.
    pub fn patience_seconds(&self) -> Option<f64> {
        self.patience_seconds
    }
    /// Maximum concurrent contacts per agent (1 except for chat).
    pub fn concurrency(&self) -> u32 {
        self.handle_time_factors.len() as u32
    }
    /// Handle-time factor per concurrency level: at level k (1-based) one contact takes
    /// `aht_seconds * factor[k-1]`. Length = [`Self::concurrency`], non-decreasing.
    pub fn handle_time_factors(&self) -> &[f64] {
        &self.handle_time_factors
    }
    /// Handle time of one contact when an agent runs `level` contacts at once (clamped to
    /// 1..=concurrency).
    pub fn aht_at_concurrency(&self, level: u32) -> f64 {
        let i = (level.clamp(1, self.concurrency()) - 1) as usize;
        self.aht_seconds * self.handle_time_factors[i]
    }
    /// Service targets.
    pub fn targets(&self) -> &ServiceTargets {
        &self.targets
    }
    /// Effective shrinkage (the channel's own, or the centre default).
    pub fn shrinkage(&self) -> &Shrinkage {
        &self.shrinkage
    }

    fn from_raw(
        ctx: &mut Ctx,
        name: &str,
        raw: &RawChannel,
        grid: IntervalGrid,
        centre_hours: &WeeklyHours,
        centre_shrinkage: &Shrinkage,
    ) -> Option<Self> {
        let key = format!("channels.{name}");
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        let cname = match ChannelName::parse(name) {
            Ok(n) => Some(n),
            Err(e) => {
                ctx.err(&key, e.to_string());
                None
            }
        };
        if let Some(l) = &raw.label {
            ctx.non_empty(&k("label"), l);
        }
        let hours = match &raw.hours {
            Some(h) => weekly_hours(ctx, &k("hours"), h, Some(grid)),
            None => Some(centre_hours.clone()),
        };
        if let Some(h) = &hours {
            if h.is_never() {
                ctx.err(
                    k("hours"),
                    "the channel is never open; expected at least one day with hours",
                );
            }
        }
        let aht_seconds = ctx.positive_at_most(
            &k("aht_seconds"),
            raw.aht_seconds,
            MAX_AHT_SECONDS,
            "seconds",
            "4 hours; a longer task is several work items",
        );
        let patience_seconds = if raw.kind.is_live() {
            let p = raw
                .patience_seconds
                .or(default_patience_seconds(raw.kind))
                .unwrap_or(300.0);
            Some(ctx.positive(&k("patience_seconds"), p, "seconds"))
        } else {
            if raw.patience_seconds.is_some() {
                ctx.err(
                    k("patience_seconds"),
                    "deferred channels have no waiting callers; remove patience_seconds",
                );
            }
            None
        };
        let concurrency = raw.concurrency.unwrap_or(1);
        let mut handle_time_factors = vec![1.0];
        if concurrency == 0 || concurrency > 10 {
            ctx.err(
                k("concurrency"),
                format!("{concurrency} is not valid; expected 1 to 10"),
            );
        } else if concurrency > 1 && raw.kind != ChannelKind::Chat {
            ctx.err(
                k("concurrency"),
                format!(
                    "only chat channels run contacts concurrently; this channel is {}",
                    raw.kind
                ),
            );
        } else {
            match &raw.handle_time_factors {
                Some(f) if f.len() != concurrency as usize => ctx.err(
                    k("handle_time_factors"),
                    format!("{} factors given; expected one per concurrency level 1..={concurrency}", f.len()),
                ),
                Some(f) => {
                    for (i, v) in f.iter().enumerate() {
                        if !(v.is_finite() && *v > 0.0) {
                            ctx.err(k("handle_time_factors"), format!("factor {} is {v}; expected a positive number", i + 1));
                        }
                    }
                    if f.windows(2).any(|w| w[1] < w[0]) {
                        ctx.err(k("handle_time_factors"), "factors must not decrease: more concurrent chats never make one chat faster");
                    }
                    handle_time_factors = f.clone();
                }
                None if concurrency > 1 => ctx.err(
                    k("handle_time_factors"),
                    format!("concurrency {concurrency} needs one handle-time factor per level, e.g. [1.0, 1.3]"),
                ),
                None => {}
            }
        }
        let targets = ServiceTargets::from_raw(ctx, &k("targets"), raw.kind, raw.targets.as_ref());
        let shrinkage = match &raw.shrinkage {
            Some(s) => Shrinkage::from_raw(ctx, &k("shrinkage"), s),
            None => Some(centre_shrinkage.clone()),
        };
        if ctx.problems.len() != n0 {
            return None;
        }
        Some(Self {
            name: cname?,
            kind: raw.kind,
            label: raw.label.clone(),
            priority: raw.priority.unwrap_or(DEFAULT_PRIORITY),
            hours: hours?,
            hours_own: raw.hours.is_some(),
            aht_seconds,
            patience_seconds,
            handle_time_factors,
            targets,
            shrinkage: shrinkage?,
            shrinkage_own: raw.shrinkage.is_some(),
        })
    }

    fn to_raw(&self) -> RawChannel {
        RawChannel {
            kind: self.kind,
            label: self.label.clone(),
            priority: Some(self.priority),
            aht_seconds: self.aht_seconds,
            patience_seconds: self.patience_seconds,
            concurrency: Some(self.concurrency()),
            handle_time_factors: (self.concurrency() > 1).then(|| self.handle_time_factors.clone()),
            hours: self.hours_own.then(|| weekly_to_raw(&self.hours)),
            targets: Some(self.targets.to_raw()),
            shrinkage: self.shrinkage_own.then(|| self.shrinkage.to_raw()),
        }
    }
}

fn weekly_hours(
    ctx: &mut Ctx,
    key: &str,
    raw: &RawWeeklyHours,
    grid: Option<IntervalGrid>,
) -> Option<WeeklyHours> {
    let n0 = ctx.problems.len();
    let mut days = Vec::new();
    for (d, (src, texts)) in WEEKDAYS.into_iter().zip(raw.per_day()) {
        let mut ranges = Vec::new();
        for t in texts {
            match t.parse::<TimeRange>() {
                Ok(r) => {
                    if let Some(g) = grid {
                        let m = g.length.minutes() as u16;
                        if off_grid(u32::from(r.start_minute()), u32::from(m))
                            || off_grid(u32::from(r.end_minute()), u32::from(m))
                        {
                            ctx.err(format!("{key}.{src}"), format!("{r} is not on the {m}-minute interval grid; expected times such as 08:00 or 08:{m:02}"));
                        }
                    }
                    ranges.push(r);
                }
                Err(e) => ctx.err(format!("{key}.{src}"), e),
            }
        }
        days.push((d, ranges));
    }
    match WeeklyHours::new(days) {
        Ok(h) => (ctx.problems.len() == n0).then_some(h),
        Err(e) => {
            ctx.err(key, e);
            None
        }
    }
}

impl<'de> Deserialize<'de> for WeeklyHours {
    /// Reads the file shape (`{ weekdays = ["08:00-18:00"], sat = ["09:00-13:00"] }`), validating
    /// the ranges (no grid check: the grid is only known inside a whole configuration).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawWeeklyHours::deserialize(d)?;
        let mut ctx = Ctx::default();
        match weekly_hours(&mut ctx, "hours", &raw, None) {
            Some(h) if ctx.problems.is_empty() => Ok(h),
            _ => Err(serde::de::Error::custom(
                ctx.problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        }
    }
}

/// True when `v` minutes is not a whole number of `step`-minute intervals.
fn off_grid(v: u32, step: u32) -> bool {
    v.checked_rem(step) != Some(0)
}

fn weekly_to_raw(h: &WeeklyHours) -> RawWeeklyHours {
    let f = |d: Weekday| -> Option<Vec<String>> {
        let r = h.ranges(d);
        (!r.is_empty()).then(|| r.iter().map(ToString::to_string).collect())
    };
    RawWeeklyHours {
        every_day: None,
        weekdays: None,
        mon: f(Weekday::Mon),
        tue: f(Weekday::Tue),
        wed: f(Weekday::Wed),
        thu: f(Weekday::Thu),
        fri: f(Weekday::Fri),
        sat: f(Weekday::Sat),
        sun: f(Weekday::Sun),
    }
}

// ----------------------------------------------------------------------------------------------
// Shift templates
// ----------------------------------------------------------------------------------------------

/// A break or lunch rule of a shift template: `minutes` long, starting between
/// `earliest_start_after` and `latest_start_after` minutes after the shift starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakRule {
    minutes: u32,
    earliest_start_after: u32,
    latest_start_after: u32,
}

impl BreakRule {
    /// Length, minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }
    /// Earliest start, minutes after the shift start.
    pub fn earliest_start_after(&self) -> u32 {
        self.earliest_start_after
    }
    /// Latest start, minutes after the shift start.
    pub fn latest_start_after(&self) -> u32 {
        self.latest_start_after
    }

    fn to_raw(&self) -> RawBreak {
        RawBreak {
            minutes: self.minutes,
            start_window_minutes: [self.earliest_start_after, self.latest_start_after],
        }
    }
}

/// An allowed shift: the days it may be used, its start window, paid length, unpaid lunch and paid
/// breaks (each with a window relative to the shift start), and who may work it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftTemplate {
    name: String,
    label: Option<String>,
    days: Vec<Weekday>,
    earliest_start: u16,
    latest_start: u16,
    start_step_minutes: u32,
    paid_minutes: u32,
    lunch: Option<BreakRule>,
    breaks: Vec<BreakRule>,
    teams: Vec<String>,
    required_skills: Vec<ChannelName>,
}

impl ShiftTemplate {
    /// Template name (the key under `[shift_templates]`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Human label (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Weekdays on which the template may be used.
    pub fn days(&self) -> &[Weekday] {
        &self.days
    }
    /// True when the template may be used on `day`.
    pub fn allowed_on(&self, day: Weekday) -> bool {
        self.days.contains(&day)
    }
    /// Earliest start, minutes after local midnight.
    pub fn earliest_start(&self) -> u16 {
        self.earliest_start
    }
    /// Latest start, minutes after local midnight.
    pub fn latest_start(&self) -> u16 {
        self.latest_start
    }
    /// Step between allowed starts, minutes (a multiple of the interval length).
    pub fn start_step_minutes(&self) -> u32 {
        self.start_step_minutes
    }
    /// All allowed start times, minutes after local midnight.
    ///
    /// ```
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let ft = config.shift_template("full_time").unwrap();
    /// assert_eq!(ft.start_times().first(), Some(&(7 * 60 + 45)));
    /// ```
    pub fn start_times(&self) -> Vec<u16> {
        (u32::from(self.earliest_start)..=u32::from(self.latest_start))
            .step_by(self.start_step_minutes as usize)
            .map(|m| m as u16)
            .collect()
    }
    /// Paid minutes (paid breaks included, unpaid lunch excluded).
    pub fn paid_minutes(&self) -> u32 {
        self.paid_minutes
    }
    /// Paid hours.
    pub fn paid_hours(&self) -> f64 {
        f64::from(self.paid_minutes) / 60.0
    }
    /// Elapsed length from start to end, minutes (paid + unpaid lunch).
    pub fn length_minutes(&self) -> u32 {
        self.paid_minutes + self.lunch.as_ref().map_or(0, |l| l.minutes)
    }
    /// Minutes on contacts if every break is taken: length - lunch - paid breaks.
    pub fn working_minutes(&self) -> u32 {
        self.length_minutes()
            - self.lunch.as_ref().map_or(0, |l| l.minutes)
            - self.breaks.iter().map(|b| b.minutes).sum::<u32>()
    }
    /// The unpaid lunch, if any.
    pub fn lunch(&self) -> Option<&BreakRule> {
        self.lunch.as_ref()
    }
    /// The paid breaks.
    pub fn breaks(&self) -> &[BreakRule] {
        &self.breaks
    }
    /// Teams allowed to work this template (empty = every team).
    pub fn teams(&self) -> &[String] {
        &self.teams
    }
    /// Skills an agent needs (all of them) to work this template (empty = none).
    pub fn required_skills(&self) -> &[ChannelName] {
        &self.required_skills
    }
    /// True when `agent` may work this template (team and skills; the contract is checked by
    /// [`Contract::allows_template`]).
    pub fn fits_agent(&self, agent: &Agent) -> bool {
        (self.teams.is_empty() || agent.team.as_ref().is_some_and(|t| self.teams.contains(t)))
            && self.required_skills.iter().all(|s| agent.has_skill(s))
    }

    fn from_raw(
        ctx: &mut Ctx,
        name: &str,
        raw: &RawShiftTemplate,
        grid: IntervalGrid,
        channels: &BTreeSet<ChannelName>,
    ) -> Option<Self> {
        let key = format!("shift_templates.{name}");
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        let step = grid.length.minutes();
        if name.trim().is_empty() {
            ctx.err(&key, "template name must not be empty");
        }
        let days = weekday_list(ctx, &k("days"), raw.days.as_deref(), &WEEKDAYS[..5]);
        let clock = |ctx: &mut Ctx, f: &str, s: &str| -> u16 {
            match parse_clock(s) {
                Ok(m) if m < clock::MINUTES_PER_DAY => {
                    if off_grid(u32::from(m), step) {
                        ctx.err(
                            k(f),
                            format!("{s} is not on the {step}-minute interval grid"),
                        );
                    }
                    m
                }
                Ok(_) => {
                    ctx.err(k(f), "a shift cannot start at 24:00");
                    0
                }
                Err(e) => {
                    ctx.err(k(f), e);
                    0
                }
            }
        };
        let earliest_start = clock(ctx, "earliest_start", &raw.earliest_start);
        let latest_start = match &raw.latest_start {
            Some(s) => clock(ctx, "latest_start", s),
            None => earliest_start,
        };
        if latest_start < earliest_start {
            ctx.err(
                k("latest_start"),
                format!(
                    "{} is before earliest_start {}",
                    format_clock(latest_start),
                    format_clock(earliest_start)
                ),
            );
        }
        let start_step_minutes = raw.start_step_minutes.unwrap_or(step);
        if start_step_minutes == 0 || off_grid(start_step_minutes, step) {
            ctx.err(k("start_step_minutes"), format!("{start_step_minutes} is not valid; expected a positive multiple of the {step}-minute interval"));
        }
        let paid = raw.paid_hours * 60.0;
        let paid_minutes = paid.round() as u32;
        if !(raw.paid_hours.is_finite() && raw.paid_hours > 0.0 && raw.paid_hours <= 16.0)
            || (paid - paid.round()).abs() > 1e-6
        {
            ctx.err(k("paid_hours"), format!("{} is not valid; expected hours in whole minutes, more than 0 and at most 16, e.g. 7.5", raw.paid_hours));
        }
        let rule = |ctx: &mut Ctx, f: String, b: &RawBreak| -> BreakRule {
            let [e, l] = b.start_window_minutes;
            if b.minutes == 0 || off_grid(b.minutes, step) {
                ctx.err(format!("{f}.minutes"), format!("{} is not valid; expected a positive multiple of the {step}-minute interval", b.minutes));
            }
            if e > l {
                ctx.err(format!("{f}.start_window_minutes"), format!("window [{e}, {l}] is reversed; expected [earliest, latest] minutes after the shift start"));
            }
            if off_grid(e, step) || off_grid(l, step) {
                ctx.err(
                    format!("{f}.start_window_minutes"),
                    format!("window [{e}, {l}] is not on the {step}-minute interval grid"),
                );
            }
            if e == 0 {
                ctx.err(format!("{f}.start_window_minutes"), "a break cannot start when the shift starts; expected an earliest start after 0 minutes");
            }
            BreakRule {
                minutes: b.minutes,
                earliest_start_after: e,
                latest_start_after: l,
            }
        };
        let lunch = raw.lunch.as_ref().map(|b| rule(ctx, k("lunch"), b));
        let breaks: Vec<BreakRule> = raw
            .breaks
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, b)| rule(ctx, format!("{key}.breaks[{i}]"), b))
            .collect();
        let length = paid_minutes + lunch.as_ref().map_or(0, |l| l.minutes);
        if off_grid(length, step) {
            ctx.err(k("paid_hours"), format!("the shift is {length} minutes long (paid + lunch); expected a multiple of the {step}-minute interval"));
        }
        if u32::from(latest_start) + length > u32::from(clock::MINUTES_PER_DAY) {
            ctx.err(k("latest_start"), format!("a shift starting at {} would end after midnight ({} minutes long); overnight shifts are not supported", format_clock(latest_start), length));
        }
        // Every break must end before the shift does, and all of them must fit without overlapping.
        let mut all: Vec<(String, &BreakRule)> = lunch.iter().map(|l| (k("lunch"), l)).collect();
        all.extend(
            breaks
                .iter()
                .enumerate()
                .map(|(i, b)| (format!("{key}.breaks[{i}]"), b)),
        );
        for (f, b) in &all {
            if b.latest_start_after + b.minutes > length {
                ctx.err(f.clone(), format!("a {}-minute break starting {} minutes in ends after the {length}-minute shift", b.minutes, b.latest_start_after));
            }
        }
        let mut by_deadline: Vec<&BreakRule> = all.iter().map(|(_, b)| *b).collect();
        by_deadline.sort_by_key(|b| (b.latest_start_after, b.earliest_start_after));
        let mut end = 0;
        for b in by_deadline {
            let start = b.earliest_start_after.max(end);
            if start > b.latest_start_after {
                ctx.err(&key, "the breaks and lunch cannot all be placed inside their windows without overlapping; widen the windows");
                break;
            }
            end = start + b.minutes;
        }
        let teams = raw.teams.clone().unwrap_or_default();
        for (i, t) in teams.iter().enumerate() {
            ctx.non_empty(&format!("{key}.teams[{i}]"), t);
        }
        let required_skills: Vec<ChannelName> = raw
            .required_skills
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, s)| {
                ctx.channel_name(&format!("{key}.required_skills[{i}]"), s, channels)
            })
            .collect();
        (ctx.problems.len() == n0).then(|| Self {
            name: name.to_string(),
            label: raw.label.clone(),
            days,
            earliest_start,
            latest_start,
            start_step_minutes,
            paid_minutes,
            lunch,
            breaks,
            teams,
            required_skills,
        })
    }

    fn to_raw(&self) -> RawShiftTemplate {
        RawShiftTemplate {
            label: self.label.clone(),
            days: Some(
                self.days
                    .iter()
                    .map(|d| weekday_key(*d).to_string())
                    .collect(),
            ),
            earliest_start: format_clock(self.earliest_start),
            latest_start: Some(format_clock(self.latest_start)),
            start_step_minutes: Some(self.start_step_minutes),
            paid_hours: self.paid_hours(),
            lunch: self.lunch.as_ref().map(BreakRule::to_raw),
            breaks: (!self.breaks.is_empty())
                .then(|| self.breaks.iter().map(BreakRule::to_raw).collect()),
            teams: (!self.teams.is_empty()).then(|| self.teams.clone()),
            required_skills: (!self.required_skills.is_empty()).then(|| {
                self.required_skills
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            }),
        }
    }
}

fn weekday_list(
    ctx: &mut Ctx,
    key: &str,
    raw: Option<&[String]>,
    default: &[Weekday],
) -> Vec<Weekday> {
    let Some(raw) = raw else {
        return default.to_vec();
    };
    let mut set = BTreeSet::new();
    for (i, s) in raw.iter().enumerate() {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "weekdays" => set.extend(WEEKDAYS[..5].iter().map(|d| d.num_days_from_monday())),
            "weekend" => set.extend(WEEKDAYS[5..].iter().map(|d| d.num_days_from_monday())),
            "every_day" => set.extend(WEEKDAYS.iter().map(|d| d.num_days_from_monday())),
            _ => match parse_weekday(&t) {
                Some(d) => {
                    set.insert(d.num_days_from_monday());
                }
                None => ctx.err(format!("{key}[{i}]"), format!("{s:?} is not a weekday; expected mon, tue, wed, thu, fri, sat, sun, weekdays, weekend or every_day")),
            },
        }
    }
    if set.is_empty() && !raw.is_empty() {
        return Vec::new();
    }
    if raw.is_empty() {
        ctx.err(key, "no days given; expected at least one weekday");
    }
    set.into_iter().map(|i| WEEKDAYS[i as usize]).collect()
}

// ----------------------------------------------------------------------------------------------
// Contracts and grades
// ----------------------------------------------------------------------------------------------

/// "At least `days` weekend days off in every `in_weeks` weeks."
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekendOff {
    days: u32,
    in_weeks: u32,
}

impl WeekendOff {
    /// Weekend days (Saturday or Sunday) off required.
    pub fn days(&self) -> u32 {
        self.days
    }
    /// Length of the rolling window, weeks.
    pub fn in_weeks(&self) -> u32 {
        self.in_weeks
    }
}

/// An employment contract: weekly paid hours, days off, consecutive days, rest, weekends,
/// allowed shift templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    name: String,
    label: Option<String>,
    min_weekly_paid_hours: f64,
    max_weekly_paid_hours: f64,
    days_off_per_week: u32,
    max_consecutive_working_days: u32,
    min_rest_hours: f64,
    weekend_off: Option<WeekendOff>,
    allowed_templates: Option<Vec<String>>,
}

impl Contract {
    /// Contract name (the key under `[contracts]`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Human label (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Minimum paid hours per week (default 0).
    pub fn min_weekly_paid_hours(&self) -> f64 {
        self.min_weekly_paid_hours
    }
    /// Maximum paid hours per week (default 48).
    pub fn max_weekly_paid_hours(&self) -> f64 {
        self.max_weekly_paid_hours
    }
    /// Minimum days off per roster week (default 2).
    pub fn days_off_per_week(&self) -> u32 {
        self.days_off_per_week
    }
    /// Maximum consecutive working days (default 6).
    pub fn max_consecutive_working_days(&self) -> u32 {
        self.max_consecutive_working_days
    }
    /// Minimum rest between the end of one shift and the start of the next, hours (default 11).
    pub fn min_rest_hours(&self) -> f64 {
        self.min_rest_hours
    }
    /// Weekend-off rule, if any.
    pub fn weekend_off(&self) -> Option<&WeekendOff> {
        self.weekend_off.as_ref()
    }
    /// The templates this contract may work (`None` = all templates).
    pub fn allowed_templates(&self) -> Option<&[String]> {
        self.allowed_templates.as_deref()
    }
    /// True when the contract allows template `name`.
    pub fn allows_template(&self, name: &str) -> bool {
        self.allowed_templates
            .as_ref()
            .is_none_or(|a| a.iter().any(|t| t == name))
    }

    fn from_raw(
        ctx: &mut Ctx,
        name: &str,
        raw: &RawContract,
        templates: &[ShiftTemplate],
        template_keys: &BTreeSet<String>,
    ) -> Option<Self> {
        let key = format!("contracts.{name}");
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        let hours_ok = |v: f64| v.is_finite() && (0.0..=168.0).contains(&v);
        let min = raw.min_weekly_paid_hours.unwrap_or(0.0);
        let max = raw
            .max_weekly_paid_hours
            .unwrap_or(DEFAULT_MAX_WEEKLY_HOURS.max(min));
        for (v, f) in [
            (min, "min_weekly_paid_hours"),
            (max, "max_weekly_paid_hours"),
        ] {
            if !hours_ok(v) {
                ctx.err(
                    k(f),
                    format!("{v} is not valid; expected hours between 0 and 168"),
                );
            }
        }
        if min > max {
            ctx.err(
                k("min_weekly_paid_hours"),
                format!("{min} is more than max_weekly_paid_hours {max}"),
            );
        }
        let days_off = raw.days_off_per_week.unwrap_or(DEFAULT_DAYS_OFF);
        if days_off > 6 {
            ctx.err(
                k("days_off_per_week"),
                format!("{days_off} is not valid; expected 0 to 6"),
            );
        }
        let consecutive = raw
            .max_consecutive_working_days
            .unwrap_or(DEFAULT_MAX_CONSECUTIVE_DAYS);
        if !(1..=14).contains(&consecutive) {
            ctx.err(
                k("max_consecutive_working_days"),
                format!("{consecutive} is not valid; expected 1 to 14"),
            );
        }
        let rest = raw.min_rest_hours.unwrap_or(DEFAULT_MIN_REST_HOURS);
        if !(rest.is_finite() && (0.0..=24.0).contains(&rest)) {
            ctx.err(
                k("min_rest_hours"),
                format!("{rest} is not valid; expected hours between 0 and 24"),
            );
        }
        let weekend_off = raw.weekend_off.as_ref().map(|w| {
            if w.days == 0 || w.days > 2 * w.in_weeks {
                ctx.err(
                    k("weekend_off.days"),
                    format!(
                        "{} is not valid; expected 1 to {} (two weekend days per week)",
                        w.days,
                        2 * w.in_weeks
                    ),
                );
            }
            if !(1..=8).contains(&w.in_weeks) {
                ctx.err(
                    k("weekend_off.in_weeks"),
                    format!("{} is not valid; expected 1 to 8 weeks", w.in_weeks),
                );
            }
            WeekendOff {
                days: w.days,
                in_weeks: w.in_weeks,
            }
        });
        if let Some(a) = &raw.allowed_templates {
            if a.is_empty() {
                ctx.err(
                    k("allowed_templates"),
                    "empty list; expected at least one template name (omit the key to allow all)",
                );
            }
            for (i, t) in a.iter().enumerate() {
                if !template_keys.contains(t) {
                    ctx.err(
                        format!("{key}.allowed_templates[{i}]"),
                        format!(
                            "unknown shift template {t:?}; expected one of: {}",
                            template_keys.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
        // Can the minimum weekly hours be reached at all with the allowed templates?
        if ctx.problems.len() == n0 && !templates.is_empty() {
            let allowed = |t: &&ShiftTemplate| {
                raw.allowed_templates
                    .as_ref()
                    .is_none_or(|a| a.contains(&t.name))
            };
            let longest = templates
                .iter()
                .filter(allowed)
                .map(ShiftTemplate::paid_hours)
                .fold(0.0, f64::max);
            let reachable = longest * f64::from(7 - days_off.min(7));
            if reachable + 1e-9 < min {
                ctx.err(k("min_weekly_paid_hours"), format!("{min} h cannot be reached: the longest allowed shift is {longest} paid hours on at most {} days", 7 - days_off));
            }
        }
        (ctx.problems.len() == n0).then(|| Self {
            name: name.to_string(),
            label: raw.label.clone(),
            min_weekly_paid_hours: min,
            max_weekly_paid_hours: max,
            days_off_per_week: days_off,
            max_consecutive_working_days: consecutive,
            min_rest_hours: rest,
            weekend_off,
            allowed_templates: raw.allowed_templates.clone(),
        })
    }

    fn to_raw(&self) -> RawContract {
        RawContract {
            label: self.label.clone(),
            min_weekly_paid_hours: Some(self.min_weekly_paid_hours),
            max_weekly_paid_hours: Some(self.max_weekly_paid_hours),
            days_off_per_week: Some(self.days_off_per_week),
            max_consecutive_working_days: Some(self.max_consecutive_working_days),
            min_rest_hours: Some(self.min_rest_hours),
            weekend_off: self.weekend_off.as_ref().map(|w| RawWeekendOff {
                days: w.days,
                in_weeks: w.in_weeks,
            }),
            allowed_templates: self.allowed_templates.clone(),
        }
    }
}

/// A pay grade with its hourly rate (in the centre's currency).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    name: String,
    label: Option<String>,
    hourly_rate: f64,
}

impl Grade {
    /// Grade name (the key under `[grades]`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Human label (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Hourly rate, centre currency.
    pub fn hourly_rate(&self) -> f64 {
        self.hourly_rate
    }
}

// ----------------------------------------------------------------------------------------------
// Agents
// ----------------------------------------------------------------------------------------------

/// Approved leave: every date from `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leave {
    from: NaiveDate,
    to: NaiveDate,
    label: Option<String>,
}

impl Leave {
    /// First day of leave.
    pub fn from(&self) -> NaiveDate {
        self.from
    }
    /// Last day of leave (inclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }
    /// Label such as "annual leave".
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
    /// True when `date` is a leave day.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// A shift fixed in advance for an agent: `template` starting at `start` on `date`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedShift {
    date: NaiveDate,
    template: String,
    start: u16,
}

impl FixedShift {
    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// The shift template name.
    pub fn template(&self) -> &str {
        &self.template
    }
    /// Start, minutes after local midnight.
    pub fn start_minute(&self) -> u16 {
        self.start
    }
}

/// How an agent is paid: by grade or by an individual hourly rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pay {
    /// The rate of a configured grade.
    Grade {
        /// Grade name.
        grade: String,
        /// Its hourly rate.
        hourly_rate: f64,
    },
    /// An individual hourly rate.
    HourlyRate(f64),
}

/// One agent (advisor) of the centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agent {
    id: String,
    name: String,
    skills: Vec<ChannelName>,
    contract: String,
    pay: Pay,
    team: Option<String>,
    availability: Option<WeeklyHours>,
    leave: Vec<Leave>,
    fixed_shifts: Vec<FixedShift>,
}

impl Agent {
    /// Unique id, e.g. `NH014`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Channels the agent can work, in the order given (first = main skill).
    pub fn skills(&self) -> &[ChannelName] {
        &self.skills
    }
    /// True when the agent can work `channel`.
    pub fn has_skill(&self, channel: &ChannelName) -> bool {
        self.skills.contains(channel)
    }
    /// Contract name.
    pub fn contract(&self) -> &str {
        &self.contract
    }
    /// Pay (grade or individual rate).
    pub fn pay(&self) -> &Pay {
        &self.pay
    }
    /// Hourly rate, centre currency.
    pub fn hourly_rate(&self) -> f64 {
        match &self.pay {
            Pay::Grade { hourly_rate, .. } => *hourly_rate,
            Pay::HourlyRate(r) => *r,
        }
    }
    /// Team, if any.
    pub fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }
    /// Weekly availability (`None` = available at any time).
    pub fn availability(&self) -> Option<&WeeklyHours> {
        self.availability.as_ref()
    }
    /// True when the agent may work `[from, to)` minutes of `day` (availability only; leave is
    /// per date, see [`Self::is_on_leave`]).
    pub fn is_available(&self, day: Weekday, from: u32, to: u32) -> bool {
        self.availability
            .as_ref()
            .is_none_or(|a| a.covers(day, from, to))
    }
    /// Approved leave, sorted by date.
    pub fn leave(&self) -> &[Leave] {
        &self.leave
    }
    /// True when `date` is an approved leave day.
    pub fn is_on_leave(&self, date: NaiveDate) -> bool {
        self.leave.iter().any(|l| l.contains(date))
    }
    /// Shifts fixed in advance, sorted by date.
    pub fn fixed_shifts(&self) -> &[FixedShift] {
        &self.fixed_shifts
    }

    #[allow(clippy::too_many_arguments)]
    fn from_raw(
        ctx: &mut Ctx,
        i: usize,
        raw: &RawAgent,
        grid: IntervalGrid,
        channels: &BTreeSet<ChannelName>,
        contracts: &BTreeMap<String, Contract>,
        contract_keys: &BTreeSet<String>,
        grades: &BTreeMap<String, Grade>,
        grade_keys: &BTreeSet<String>,
        templates: &BTreeMap<String, ShiftTemplate>,
        template_keys: &BTreeSet<String>,
    ) -> Option<Self> {
        let key = if raw.id.trim().is_empty() {
            format!("agents[{i}]")
        } else {
            format!("agents[{i}] (id {:?})", raw.id)
        };
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        ctx.non_empty(&k("id"), &raw.id);
        ctx.non_empty(&k("name"), &raw.name);
        if raw.skills.is_empty() {
            ctx.err(k("skills"), "no skills; expected at least one channel name");
        }
        let mut skills = Vec::new();
        for (j, s) in raw.skills.iter().enumerate() {
            if let Some(n) = ctx.channel_name(&format!("{key}.skills[{j}]"), s, channels) {
                if skills.contains(&n) {
                    ctx.err(
                        format!("{key}.skills[{j}]"),
                        format!("skill {n} is listed twice"),
                    );
                } else {
                    skills.push(n);
                }
            }
        }
        if !contract_keys.contains(&raw.contract) {
            ctx.err(
                k("contract"),
                format!(
                    "unknown contract {:?}; expected one of: {}",
                    raw.contract,
                    join(contract_keys)
                ),
            );
        }
        let pay = match (&raw.grade, raw.hourly_rate) {
            (Some(_), Some(_)) => {
                ctx.err(
                    &key,
                    "both grade and hourly_rate given; expected one of them",
                );
                None
            }
            (None, None) => {
                ctx.err(
                    &key,
                    "no pay given; expected `grade` (a name under [grades]) or `hourly_rate`",
                );
                None
            }
            (Some(g), None) => match grades.get(g) {
                Some(gr) => Some(Pay::Grade {
                    grade: g.clone(),
                    hourly_rate: gr.hourly_rate,
                }),
                None => {
                    if !grade_keys.contains(g) {
                        ctx.err(
                            k("grade"),
                            format!("unknown grade {g:?}; expected one of: {}", join(grade_keys)),
                        );
                    }
                    None
                }
            },
            (None, Some(r)) => Some(Pay::HourlyRate(ctx.positive(
                &k("hourly_rate"),
                r,
                "currency units per hour",
            ))),
        };
        if let Some(t) = &raw.team {
            ctx.non_empty(&k("team"), t);
        }
        let availability = raw
            .availability
            .as_ref()
            .and_then(|a| weekly_hours(ctx, &k("availability"), a, Some(grid)));
        let mut leave: Vec<Leave> = raw
            .leave
            .iter()
            .flatten()
            .enumerate()
            .map(|(j, l)| {
                let to = l.to.unwrap_or(l.from);
                if to < l.from {
                    ctx.err(
                        format!("{key}.leave[{j}]"),
                        format!("leave ends ({to}) before it starts ({})", l.from),
                    );
                }
                Leave {
                    from: l.from,
                    to,
                    label: l.label.clone(),
                }
            })
            .collect();
        leave.sort_by_key(|l| (l.from, l.to));
        for w in leave.windows(2) {
            if w[1].from <= w[0].to {
                ctx.err(
                    k("leave"),
                    format!(
                        "leave {}..{} overlaps leave {}..{}",
                        w[0].from, w[0].to, w[1].from, w[1].to
                    ),
                );
            }
        }
        let mut fixed_shifts = Vec::new();
        for (j, f) in raw.fixed_shifts.iter().flatten().enumerate() {
            let fk = format!("{key}.fixed_shifts[{j}]");
            let start = match parse_clock(&f.start) {
                Ok(m)
                    if !off_grid(u32::from(m), grid.length.minutes())
                        && m < clock::MINUTES_PER_DAY =>
                {
                    m
                }
                Ok(_) => {
                    ctx.err(
                        format!("{fk}.start"),
                        format!(
                            "{} is not an interval start on the {}-minute grid",
                            f.start,
                            grid.length.minutes()
                        ),
                    );
                    0
                }
                Err(e) => {
                    ctx.err(format!("{fk}.start"), e);
                    0
                }
            };
            match templates.get(&f.template) {
                Some(t) => {
                    if u32::from(start) + t.length_minutes() > u32::from(clock::MINUTES_PER_DAY) {
                        ctx.err(
                            format!("{fk}.start"),
                            "the fixed shift would end after midnight",
                        );
                    }
                    if let Some(c) = contracts.get(&raw.contract) {
                        if !c.allows_template(&f.template) {
                            ctx.err(
                                format!("{fk}.template"),
                                format!(
                                    "contract {} does not allow template {}",
                                    c.name, f.template
                                ),
                            );
                        }
                    }
                    if !t.allowed_on(f.date.weekday()) {
                        ctx.err(
                            format!("{fk}.template"),
                            format!(
                                "template {} is not used on {} ({})",
                                f.template,
                                weekday_key(f.date.weekday()),
                                f.date
                            ),
                        );
                    }
                }
                None if !template_keys.contains(&f.template) => {
                    ctx.err(
                        format!("{fk}.template"),
                        format!(
                            "unknown shift template {:?}; expected one of: {}",
                            f.template,
                            join(template_keys)
                        ),
                    );
                }
                None => {}
            }
            if leave.iter().any(|l| l.contains(f.date)) {
                ctx.err(
                    format!("{fk}.date"),
                    format!("{} is a leave day of this agent", f.date),
                );
            }
            if fixed_shifts.iter().any(|x: &FixedShift| x.date == f.date) {
                ctx.err(
                    format!("{fk}.date"),
                    format!("two fixed shifts on {}", f.date),
                );
            }
            fixed_shifts.push(FixedShift {
                date: f.date,
                template: f.template.clone(),
                start,
            });
        }
        fixed_shifts.sort_by_key(|f| f.date);
        if ctx.problems.len() != n0 {
            return None;
        }
        Some(Self {
            id: raw.id.clone(),
            name: raw.name.clone(),
            skills,
            contract: raw.contract.clone(),
            pay: pay?,
            team: raw.team.clone(),
            availability,
            leave,
            fixed_shifts,
        })
    }

    fn to_raw(&self) -> RawAgent {
        let (grade, hourly_rate) = match &self.pay {
            Pay::Grade { grade, .. } => (Some(grade.clone()), None),
            Pay::HourlyRate(r) => (None, Some(*r)),
        };
        RawAgent {
            id: self.id.clone(),
            name: self.name.clone(),
            skills: self.skills.iter().map(ToString::to_string).collect(),
            contract: self.contract.clone(),
            grade,
            hourly_rate,
            team: self.team.clone(),
            availability: self.availability.as_ref().map(weekly_to_raw),
            leave: (!self.leave.is_empty()).then(|| {
                self.leave
                    .iter()
                    .map(|l| RawLeave {
                        from: l.from,
                        to: Some(l.to),
                        label: l.label.clone(),
                    })
                    .collect()
            }),
            fixed_shifts: (!self.fixed_shifts.is_empty()).then(|| {
                self.fixed_shifts
                    .iter()
                    .map(|f| RawFixedShift {
                        date: f.date,
                        template: f.template.clone(),
                        start: format_clock(f.start),
                    })
                    .collect()
            }),
        }
    }
}

fn join(keys: &BTreeSet<String>) -> String {
    if keys.is_empty() {
        "(none configured)".to_string()
    } else {
        keys.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

// ----------------------------------------------------------------------------------------------
// Special days
// ----------------------------------------------------------------------------------------------

/// What happens on a special day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialDayKind {
    /// The affected channels are closed all day.
    Closed,
    /// Demand on the affected channels is multiplied by `volume_factor` (e.g. 1.4 after a storm
    /// or a rent letter; 0.6 on Christmas Eve).
    Event {
        /// Multiplier of forecast volume (> 0).
        volume_factor: f64,
    },
}

/// A date with a closure or an expected change in demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecialDay {
    date: NaiveDate,
    kind: SpecialDayKind,
    channels: Vec<ChannelName>,
    label: Option<String>,
}

impl SpecialDay {
    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// Closure or event.
    pub fn kind(&self) -> &SpecialDayKind {
        &self.kind
    }
    /// Affected channels (empty = all channels).
    pub fn channels(&self) -> &[ChannelName] {
        &self.channels
    }
    /// True when the day affects `channel`.
    pub fn affects(&self, channel: &ChannelName) -> bool {
        self.channels.is_empty() || self.channels.contains(channel)
    }
    /// Label, e.g. "Staff training afternoon".
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

// ----------------------------------------------------------------------------------------------
// History column mapping
// ----------------------------------------------------------------------------------------------

/// Header names of the history CSV columns (defaults: the field names themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryColumns {
    /// Interval start timestamp.
    pub interval_start: String,
    /// Channel / queue label.
    pub channel: String,
    /// Contacts offered.
    pub offered: String,
    /// Contacts handled (answered).
    pub handled: String,
    /// Contacts abandoned.
    pub abandoned: String,
    /// Average handle time, seconds.
    pub aht_seconds: String,
    /// Average speed of answer, seconds.
    pub asa_seconds: String,
    /// Agents logged in on the channel.
    pub agents_staffed: String,
    /// The date, for exports that split the interval start into a date and a time column.
    pub date: String,
    /// The time of day (a start or a range such as `08:00-08:30`), with `date`.
    pub time: String,
}

impl Default for HistoryColumns {
    fn default() -> Self {
        Self {
            interval_start: "interval_start".into(),
            channel: "channel".into(),
            offered: "offered".into(),
            handled: "handled".into(),
            abandoned: "abandoned".into(),
            aht_seconds: "aht_seconds".into(),
            asa_seconds: "asa_seconds".into(),
            agents_staffed: "agents_staffed".into(),
            date: "date".into(),
            time: "time".into(),
        }
    }
}

impl HistoryColumns {
    /// `(field, header)` pairs in the canonical field order.
    pub fn pairs(&self) -> [(&'static str, &str); 10] {
        [
            ("interval_start", &self.interval_start),
            ("channel", &self.channel),
            ("offered", &self.offered),
            ("handled", &self.handled),
            ("abandoned", &self.abandoned),
            ("aht_seconds", &self.aht_seconds),
            ("asa_seconds", &self.asa_seconds),
            ("agents_staffed", &self.agents_staffed),
            ("date", &self.date),
            ("time", &self.time),
        ]
    }
}

/// How to read the centre's ACD/CCaaS history exports: column headers, channel label aliases and
/// an optional timestamp format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HistoryMapping {
    columns: HistoryColumns,
    channel_aliases: BTreeMap<String, ChannelName>,
    timestamp_format: Option<String>,
    aht_unit: crate::ingest::AhtUnit,
}

impl HistoryMapping {
    /// Header names.
    pub fn columns(&self) -> &HistoryColumns {
        &self.columns
    }
    /// Export label -> channel, e.g. `"Main Queue"` -> `voice`.
    pub fn channel_aliases(&self) -> &BTreeMap<String, ChannelName> {
        &self.channel_aliases
    }
    /// The channel an export label stands for: an alias (matched ignoring case and surrounding
    /// space) or the label itself when it is a channel name.
    pub fn resolve_channel(&self, label: &str) -> Option<ChannelName> {
        let t = label.trim();
        self.channel_aliases
            .iter()
            .find(|(a, _)| a.trim().eq_ignore_ascii_case(t))
            .map(|(_, c)| c.clone())
            .or_else(|| ChannelName::parse(t).ok())
    }
    /// A `chrono` strftime format for the timestamp column (e.g. `%d/%m/%Y %H:%M`).
    pub fn timestamp_format(&self) -> Option<&str> {
        self.timestamp_format.as_deref()
    }
    /// Unit of plain numbers in the export's AHT column (`aht_unit = "ms"`; default seconds).
    pub fn aht_unit(&self) -> crate::ingest::AhtUnit {
        self.aht_unit
    }

    fn from_raw(ctx: &mut Ctx, raw: &RawHistory, channels: &BTreeSet<ChannelName>) -> Self {
        let mut columns = HistoryColumns::default();
        if let Some(c) = &raw.columns {
            let slots: [(&str, &Option<String>, &mut String); 10] = [
                (
                    "interval_start",
                    &c.interval_start,
                    &mut columns.interval_start,
                ),
                ("channel", &c.channel, &mut columns.channel),
                ("offered", &c.offered, &mut columns.offered),
                ("handled", &c.handled, &mut columns.handled),
                ("abandoned", &c.abandoned, &mut columns.abandoned),
                ("aht_seconds", &c.aht_seconds, &mut columns.aht_seconds),
                ("asa_seconds", &c.asa_seconds, &mut columns.asa_seconds),
                (
                    "agents_staffed",
                    &c.agents_staffed,
                    &mut columns.agents_staffed,
                ),
                ("date", &c.date, &mut columns.date),
                ("time", &c.time, &mut columns.time),
            ];
            for (f, v, slot) in slots {
                if let Some(v) = v {
                    if v.trim().is_empty() {
                        ctx.err(format!("history.columns.{f}"), "empty header name");
                    }
                    *slot = v.clone();
                }
            }
        }
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (f, h) in columns.pairs() {
            if let Some(other) = seen.insert(h.trim().to_ascii_lowercase(), f) {
                ctx.err(
                    format!("history.columns.{f}"),
                    format!(
                        "header {h:?} is also mapped to {other}; expected one column per field"
                    ),
                );
            }
        }
        let mut channel_aliases = BTreeMap::new();
        for (label, target) in raw.channel_aliases.iter().flatten() {
            let key = format!("history.channel_aliases.{label:?}");
            if label.trim().is_empty() {
                ctx.err(&key, "empty export label");
            }
            if let Some(n) = ctx.channel_name(&key, target, channels) {
                channel_aliases.insert(label.clone(), n);
            }
        }
        if let Some(fmt) = &raw.timestamp_format {
            use chrono::format::{Item, StrftimeItems};
            if fmt.trim().is_empty() || StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
                ctx.err(
                    "history.timestamp_format",
                    format!(
                        "{fmt:?} is not a valid chrono format; expected e.g. \"%d/%m/%Y %H:%M\""
                    ),
                );
            }
        }
        let aht_unit = match &raw.aht_unit {
            None => crate::ingest::AhtUnit::Seconds,
            Some(u) => crate::ingest::AhtUnit::parse(u).unwrap_or_else(|| {
                ctx.err(
                    "history.aht_unit",
                    format!(
                        "{u:?} is not an AHT unit; expected \"s\", \"ms\", \"min\" or \"h:mm:ss\""
                    ),
                );
                crate::ingest::AhtUnit::Seconds
            }),
        };
        Self {
            columns,
            channel_aliases,
            timestamp_format: raw.timestamp_format.clone(),
            aht_unit,
        }
    }

    fn to_raw(&self) -> RawHistory {
        let c = &self.columns;
        RawHistory {
            timestamp_format: self.timestamp_format.clone(),
            aht_unit: (self.aht_unit != crate::ingest::AhtUnit::Seconds)
                .then(|| self.aht_unit.as_str().to_string()),
            columns: Some(RawColumns {
                interval_start: Some(c.interval_start.clone()),
                channel: Some(c.channel.clone()),
                offered: Some(c.offered.clone()),
                handled: Some(c.handled.clone()),
                abandoned: Some(c.abandoned.clone()),
                aht_seconds: Some(c.aht_seconds.clone()),
                asa_seconds: Some(c.asa_seconds.clone()),
                agents_staffed: Some(c.agents_staffed.clone()),
                // Written only when mapped, so configurations that never split date and time
                // read and write as before.
                date: (c.date != "date").then(|| c.date.clone()),
                time: (c.time != "time").then(|| c.time.clone()),
            }),
            channel_aliases: (!self.channel_aliases.is_empty()).then(|| {
                self.channel_aliases
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect()
            }),
        }
    }
}

// ----------------------------------------------------------------------------------------------
// The whole configuration
// ----------------------------------------------------------------------------------------------

/// A validated centre configuration.
///
/// Build it with [`CentreConfig::from_toml_str`] or [`CentreConfig::load`]; write it back with
/// [`CentreConfig::to_toml_string`] (every default spelled out). Serde uses the same TOML shape,
/// validated on deserialisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawConfig", into = "RawConfig")]
pub struct CentreConfig {
    centre: Centre,
    shrinkage: Shrinkage,
    channels: Vec<Channel>,
    shift_templates: Vec<ShiftTemplate>,
    contracts: Vec<Contract>,
    grades: Vec<Grade>,
    agents: Vec<Agent>,
    special_days: Vec<SpecialDay>,
    history: HistoryMapping,
}

impl CentreConfig {
    /// Parses and validates a configuration from TOML text; `source_name` (usually the file name)
    /// prefixes every error message.
    ///
    /// ```
    /// use rota_data::config::CentreConfig;
    /// let err = CentreConfig::from_toml_str("[centre\nname = 1", "bad.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("bad.toml:1:"));
    /// ```
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Syntax {
                source_name: source_name.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        Self::from_raw(&raw).map_err(|problems| ConfigError::Invalid {
            source_name: source_name.to_string(),
            problems,
        })
    }

    /// Reads and validates a configuration file.
    ///
    /// ```
    /// let config = rota_data::config::CentreConfig::load(
    ///     concat!(env!("CARGO_MANIFEST_DIR"), "/samples/centre.toml")).unwrap();
    /// assert_eq!(config.centre().name(), "Northmoor Homes");
    /// ```
    #[tracing::instrument(level = "debug", skip_all, fields(path = %path.as_ref().display()))]
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// The bundled sample centre, Northmoor Homes (`data/samples/centre.toml`).
    pub fn sample() -> Result<Self, ConfigError> {
        Self::from_toml_str(SAMPLE_CENTRE_TOML, "data/samples/centre.toml")
    }

    /// Writes the configuration as TOML with every default spelled out; reading it back gives an
    /// equal configuration.
    ///
    /// ```
    /// use rota_data::config::CentreConfig;
    /// let config = CentreConfig::sample().unwrap();
    /// let text = config.to_toml_string().unwrap();
    /// assert_eq!(CentreConfig::from_toml_str(&text, "written.toml").unwrap(), config);
    /// ```
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        let raw = RawConfig::from(self.clone());
        raw::with_toml_dates(|| toml::to_string(&raw))
            .map_err(|e| ConfigError::Serialize(e.to_string()))
    }

    /// Writes the configuration to `path` as TOML.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ConfigError> {
        let path = path.as_ref();
        let text = self.to_toml_string()?;
        std::fs::write(path, text).map_err(|source| ConfigError::Io {
            action: "write",
            path: path.to_path_buf(),
            source,
        })
    }

    /// The `[centre]` section.
    pub fn centre(&self) -> &Centre {
        &self.centre
    }
    /// Interval grid (length + time zone) of the centre.
    pub fn grid(&self) -> IntervalGrid {
        self.centre.grid
    }
    /// Centre default shrinkage.
    pub fn shrinkage(&self) -> &Shrinkage {
        &self.shrinkage
    }
    /// Channels, sorted by priority then name.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }
    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name.as_str() == name)
    }
    /// Channel names, sorted by priority then name.
    pub fn channel_names(&self) -> Vec<ChannelName> {
        self.channels.iter().map(|c| c.name.clone()).collect()
    }
    /// Shift templates, sorted by name.
    pub fn shift_templates(&self) -> &[ShiftTemplate] {
        &self.shift_templates
    }
    /// The shift template called `name`.
    pub fn shift_template(&self, name: &str) -> Option<&ShiftTemplate> {
        self.shift_templates.iter().find(|t| t.name == name)
    }
    /// Contracts, sorted by name.
    pub fn contracts(&self) -> &[Contract] {
        &self.contracts
    }
    /// The contract called `name`.
    pub fn contract(&self, name: &str) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.name == name)
    }
    /// Grades, sorted by name.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }
    /// The grade called `name`.
    pub fn grade(&self, name: &str) -> Option<&Grade> {
        self.grades.iter().find(|g| g.name == name)
    }
    /// Agents, in file order.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }
    /// The agent with id `id`.
    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }
    /// The templates agent `agent` may work (contract, team and skills).
    pub fn templates_for(&self, agent: &Agent) -> Vec<&ShiftTemplate> {
        let contract = self.contract(&agent.contract);
        self.shift_templates
            .iter()
            .filter(|t| contract.is_none_or(|c| c.allows_template(&t.name)) && t.fits_agent(agent))
            .collect()
    }
    /// Special days, sorted by date.
    pub fn special_days(&self) -> &[SpecialDay] {
        &self.special_days
    }
    /// Special days on `date`.
    pub fn special_days_on(&self, date: NaiveDate) -> impl Iterator<Item = &SpecialDay> {
        self.special_days.iter().filter(move |s| s.date == date)
    }
    /// True when `channel` is closed all day on `date` by a special day (bank holidays are
    /// separate: see [`Centre::closed_on_bank_holidays`] and `rota_data::calendar`).
    pub fn is_closed_special(&self, channel: &ChannelName, date: NaiveDate) -> bool {
        self.special_days_on(date)
            .any(|s| s.kind == SpecialDayKind::Closed && s.affects(channel))
    }
    /// True when `channel` is closed all day on local `date`: an England & Wales bank holiday
    /// (when [`Centre::closed_on_bank_holidays`]) or a closed [`SpecialDay`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let voice = "voice".parse().unwrap();
    /// assert!(config.is_closed_on(&voice, NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));
    /// assert!(!config.is_closed_on(&voice, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
    /// ```
    pub fn is_closed_on(&self, channel: &ChannelName, date: NaiveDate) -> bool {
        (self.centre.closed_on_bank_holidays && crate::calendar::is_bank_holiday(date))
            || self.is_closed_special(channel, date)
    }

    /// True when agents work `channel` at instant `t` (normally an interval start): within its
    /// opening (for deferred channels: worked) hours on that local weekday, and not on a closed
    /// day ([`Self::is_closed_on`]).
    ///
    /// ```
    /// use chrono::DateTime;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let voice = config.channel("voice").unwrap();
    /// let monday_8am = DateTime::parse_from_rfc3339("2026-11-23T08:00:00+00:00").unwrap();
    /// let monday_6pm = DateTime::parse_from_rfc3339("2026-11-23T18:00:00+00:00").unwrap();
    /// assert!(config.is_worked_at(voice, &monday_8am));
    /// assert!(!config.is_worked_at(voice, &monday_6pm));
    /// ```
    pub fn is_worked_at<Z: chrono::TimeZone>(
        &self,
        channel: &Channel,
        t: &chrono::DateTime<Z>,
    ) -> bool {
        let grid = self.grid();
        let date = grid.local_date(t);
        !self.is_closed_on(&channel.name, date)
            && channel.is_worked_at(grid.weekday(t), grid.minute_of_day(t))
    }

    /// True when contacts of `channel` can arrive at instant `t`: deferred channels always (email
    /// and social arrive day and night, holidays included), live channels when
    /// [`Self::is_worked_at`].
    pub fn accepts_contacts_at<Z: chrono::TimeZone>(
        &self,
        channel: &Channel,
        t: &chrono::DateTime<Z>,
    ) -> bool {
        channel.kind.is_deferred() || self.is_worked_at(channel, t)
    }

    /// Product of the event volume factors on `date` for `channel` (1.0 when none).
    pub fn volume_factor(&self, channel: &ChannelName, date: NaiveDate) -> f64 {
        self.special_days_on(date)
            .filter(|s| s.affects(channel))
            .map(|s| match s.kind {
                SpecialDayKind::Event { volume_factor } => volume_factor,
                SpecialDayKind::Closed => 1.0,
            })
            .product()
    }
    /// The history column mapping.
    pub fn history(&self) -> &HistoryMapping {
        &self.history
    }

    fn from_raw(raw: &RawConfig) -> Result<Self, Vec<Problem>> {
        let mut ctx = Ctx::default();
        let ctx = &mut ctx;

        // [centre]
        let rc = &raw.centre;
        ctx.non_empty("centre.name", &rc.name);
        let tz = match &rc.time_zone {
            Some(s) => s.parse::<Tz>().unwrap_or_else(|_| {
                ctx.err(
                    "centre.time_zone",
                    format!("{s:?} is not an IANA time zone; expected e.g. \"Europe/London\""),
                );
                DEFAULT_TIME_ZONE
            }),
            None => DEFAULT_TIME_ZONE,
        };
        let grid = IntervalGrid::new(rc.interval.unwrap_or(IntervalLength::M15), tz);
        let currency = rc
            .currency
            .clone()
            .unwrap_or_else(|| DEFAULT_CURRENCY.to_string());
        if !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase())) {
            ctx.err("centre.currency", format!("{currency:?} is not valid; expected a three-letter ISO 4217 code such as \"GBP\""));
        }
        let centre_hours = match &rc.hours {
            Some(h) => weekly_hours(ctx, "centre.hours", h, Some(grid)).unwrap_or_default(),
            None => {
                let r = TimeRange::new(DEFAULT_OPEN.0, DEFAULT_OPEN.1)
                    .unwrap_or_else(|_| unreachable!("constant range"));
                WeeklyHours::new(WEEKDAYS[..5].iter().map(|d| (*d, vec![r]))).unwrap_or_default()
            }
        };
        let rp = rc.planning.clone().unwrap_or_default();
        let horizon_days = rp.horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS);
        if !(1..=366).contains(&horizon_days) {
            ctx.err(
                "centre.planning.horizon_days",
                format!("{horizon_days} is not valid; expected 1 to 366 days"),
            );
        }
        let week_starts_on = match &rp.week_starts_on {
            Some(s) => parse_weekday(s).unwrap_or_else(|| {
                ctx.err(
                    "centre.planning.week_starts_on",
                    format!("{s:?} is not a weekday; expected e.g. \"mon\""),
                );
                Weekday::Mon
            }),
            None => Weekday::Mon,
        };
        let demand_quantile = match &rp.demand_quantile {
            Some(s) => DemandQuantile::parse(s).unwrap_or_else(|| {
                ctx.err(
                    "centre.planning.demand_quantile",
                    format!("{s:?} is not valid; expected mean, p10, p50 or p90"),
                );
                DemandQuantile::Mean
            }),
            None => DemandQuantile::Mean,
        };
        let centre = Centre {
            name: rc.name.clone(),
            grid,
            currency,
            closed_on_bank_holidays: rc.closed_on_bank_holidays.unwrap_or(true),
            hours: centre_hours.clone(),
            planning: Planning {
                horizon_days,
                week_starts_on,
                demand_quantile,
            },
        };
        let shrinkage = match &raw.shrinkage {
            Some(s) => Shrinkage::from_raw(ctx, "shrinkage", s),
            None => Shrinkage::from_total(DEFAULT_SHRINKAGE).ok(),
        }
        .unwrap_or(Shrinkage {
            total: 0.0,
            activities: BTreeMap::new(),
        });

        // [channels]
        if raw.channels.is_empty() {
            ctx.err(
                "channels",
                "no channels; expected at least one [channels.<name>] table",
            );
        }
        let mut channel_set = BTreeSet::new();
        for name in raw.channels.keys() {
            if let Ok(n) = ChannelName::parse(name) {
                channel_set.insert(n);
            }
        }
        let mut channels: Vec<Channel> = raw
            .channels
            .iter()
            .filter_map(|(name, rc)| {
                Channel::from_raw(ctx, name, rc, grid, &centre_hours, &shrinkage)
            })
            .collect();
        channels.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));

        // [shift_templates], [contracts], [grades]
        let template_keys: BTreeSet<String> = raw.shift_templates.keys().cloned().collect();
        let shift_templates: Vec<ShiftTemplate> = raw
            .shift_templates
            .iter()
            .filter_map(|(name, t)| ShiftTemplate::from_raw(ctx, name, t, grid, &channel_set))
            .collect();
        let contract_keys: BTreeSet<String> = raw.contracts.keys().cloned().collect();
        let contracts: Vec<Contract> = raw
            .contracts
            .iter()
            .filter_map(|(name, c)| {
                Contract::from_raw(ctx, name, c, &shift_templates, &template_keys)
            })
            .collect();
        let grade_keys: BTreeSet<String> = raw.grades.keys().cloned().collect();
        let mut grades = Vec::new();
        for (name, g) in &raw.grades {
            let key = format!("grades.{name}");
            let n0 = ctx.problems.len();
            if name.trim().is_empty() {
                ctx.err(&key, "grade name must not be empty");
            }
            let rate = ctx.positive(
                &format!("{key}.hourly_rate"),
                g.hourly_rate,
                "currency units per hour",
            );
            if ctx.problems.len() == n0 {
                grades.push(Grade {
                    name: name.clone(),
                    label: g.label.clone(),
                    hourly_rate: rate,
                });
            }
        }

        // [[agents]]
        let contract_map: BTreeMap<String, Contract> = contracts
            .iter()
            .map(|c| (c.name.clone(), c.clone()))
            .collect();
        let grade_map: BTreeMap<String, Grade> =
            grades.iter().map(|g| (g.name.clone(), g.clone())).collect();
        let template_map: BTreeMap<String, ShiftTemplate> = shift_templates
            .iter()
            .map(|t| (t.name.clone(), t.clone()))
            .collect();
        let mut agents = Vec::new();
        let mut ids = BTreeMap::new();
        for (i, a) in raw.agents.iter().enumerate() {
            if let Some(first) = ids.insert(a.id.clone(), i) {
                ctx.err(
                    format!("agents[{i}].id"),
                    format!("id {:?} is already used by agents[{first}]", a.id),
                );
            }
            if let Some(agent) = Agent::from_raw(
                ctx,
                i,
                a,
                grid,
                &channel_set,
                &contract_map,
                &contract_keys,
                &grade_map,
                &grade_keys,
                &template_map,
                &template_keys,
            ) {
                agents.push(agent);
            }
        }
        for (i, agent) in agents.iter().enumerate() {
            if !shift_templates.is_empty() && contract_map.contains_key(&agent.contract) {
                let fits = shift_templates.iter().any(|t| {
                    contract_map[&agent.contract].allows_template(&t.name) && t.fits_agent(agent)
                });
                if !fits {
                    ctx.err(
                        format!("agents[{i}] (id {:?})", agent.id),
                        "no shift template fits this agent's contract, team and skills",
                    );
                }
            }
        }

        // [[special_days]]
        let mut special_days = Vec::new();
        for (i, s) in raw.special_days.iter().enumerate() {
            let key = format!("special_days[{i}]");
            let n0 = ctx.problems.len();
            let kind = match (s.kind.trim(), s.volume_factor) {
                ("closed", None) => Some(SpecialDayKind::Closed),
                ("closed", Some(_)) => {
                    ctx.err(
                        format!("{key}.volume_factor"),
                        "a closed day has no volume factor; use kind = \"event\"",
                    );
                    None
                }
                ("event", Some(f)) => Some(SpecialDayKind::Event {
                    volume_factor: ctx.positive_at_most(
                        &format!("{key}.volume_factor"),
                        f,
                        MAX_VOLUME_FACTOR,
                        "times normal volume",
                        "a storm or a mailing doubles or triples demand, not more",
                    ),
                }),
                ("event", None) => {
                    ctx.err(
                        format!("{key}.volume_factor"),
                        "an event needs a volume_factor, e.g. 1.4 for 40% more contacts",
                    );
                    None
                }
                (other, _) => {
                    ctx.err(
                        format!("{key}.kind"),
                        format!("{other:?} is not valid; expected \"closed\" or \"event\""),
                    );
                    None
                }
            };
            let chans: Vec<ChannelName> = s
                .channels
                .iter()
                .flatten()
                .enumerate()
                .filter_map(|(j, c)| {
                    ctx.channel_name(&format!("{key}.channels[{j}]"), c, &channel_set)
                })
                .collect();
            if s.channels.as_ref().is_some_and(Vec::is_empty) {
                ctx.err(
                    format!("{key}.channels"),
                    "empty list; expected channel names (omit the key for all channels)",
                );
            }
            if let Some(kind) = kind.filter(|_| ctx.problems.len() == n0) {
                special_days.push(SpecialDay {
                    date: s.date,
                    kind,
                    channels: chans,
                    label: s.label.clone(),
                });
            }
        }
        special_days.sort_by_key(|s| s.date);
        for w in special_days.windows(2) {
            let overlap = w[0].date == w[1].date
                && (w[0].channels.is_empty()
                    || w[1].channels.is_empty()
                    || w[0].channels.iter().any(|c| w[1].channels.contains(c)));
            if overlap {
                ctx.err("special_days", format!("two special days on {} affect the same channel; expected one entry per date and channel", w[0].date));
            }
        }

        let history =
            HistoryMapping::from_raw(ctx, &raw.history.clone().unwrap_or_default(), &channel_set);

        if !ctx.problems.is_empty() {
            return Err(std::mem::take(&mut ctx.problems));
        }
        Ok(Self {
            centre,
            shrinkage,
            channels,
            shift_templates,
            contracts,
            grades,
            agents,
            special_days,
            history,
        })
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

/// Error of serde deserialisation through [`CentreConfig`]'s `TryFrom<RawConfig>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid centre configuration:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct InvalidConfig(pub Vec<Problem>);

impl TryFrom<RawConfig> for CentreConfig {
    type Error = InvalidConfig;
    fn try_from(raw: RawConfig) -> Result<Self, Self::Error> {
        Self::from_raw(&raw).map_err(InvalidConfig)
    }
}

impl From<CentreConfig> for RawConfig {
    fn from(c: CentreConfig) -> Self {
        let centre = RawCentre {
            name: c.centre.name.clone(),
            time_zone: Some(c.centre.grid.tz.name().to_string()),
            interval: Some(c.centre.grid.length),
            currency: Some(c.centre.currency.clone()),
            closed_on_bank_holidays: Some(c.centre.closed_on_bank_holidays),
            hours: Some(weekly_to_raw(&c.centre.hours)),
            planning: Some(RawPlanning {
                horizon_days: Some(c.centre.planning.horizon_days),
                week_starts_on: Some(weekday_key(c.centre.planning.week_starts_on).to_string()),
                demand_quantile: Some(c.centre.planning.demand_quantile.as_str().to_string()),
            }),
        };
        RawConfig {
            centre,
            shrinkage: Some(c.shrinkage.to_raw()),
            channels: c
                .channels
                .iter()
                .map(|ch| (ch.name.to_string(), ch.to_raw()))
                .collect(),
            shift_templates: c
                .shift_templates
                .iter()
                .map(|t| (t.name.clone(), t.to_raw()))
                .collect(),
            contracts: c
                .contracts
                .iter()
                .map(|k| (k.name.clone(), k.to_raw()))
                .collect(),
            grades: c
                .grades
                .iter()
                .map(|g| {
                    (
                        g.name.clone(),
                        RawGrade {
                            label: g.label.clone(),
                            hourly_rate: g.hourly_rate,
                        },
                    )
                })
                .collect(),
            agents: c.agents.iter().map(Agent::to_raw).collect(),
            special_days: c
                .special_days
                .iter()
                .map(|s| RawSpecialDay {
                    date: s.date,
                    kind: match s.kind {
                        SpecialDayKind::Closed => "closed".into(),
                        SpecialDayKind::Event { .. } => "event".into(),
                    },
                    volume_factor: match s.kind {
                        SpecialDayKind::Closed => None,
                        SpecialDayKind::Event { volume_factor } => Some(volume_factor),
                    },
                    channels: (!s.channels.is_empty())
                        .then(|| s.channels.iter().map(ToString::to_string).collect()),
                    label: s.label.clone(),
                })
                .collect(),
            history: Some(c.history.to_raw()),
        }
    }
}

#[cfg(test)]
mod tests;
