//! The `[centre]` section: name, time zone and interval, currency, default hours and planning
//! defaults.

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::hours::{weekly_hours, weekly_to_raw};
use super::raw::{RawCentre, RawPlanning};
use super::validate::Ctx;
use super::{
    parse_weekday, weekday_key, TimeRange, WeeklyHours, DEFAULT_CURRENCY, DEFAULT_HORIZON_DAYS,
    DEFAULT_OPEN, WEEKDAYS,
};
use crate::grid::{IntervalGrid, IntervalLength, DEFAULT_TIME_ZONE};

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
    pub(super) horizon_days: u32,
    pub(super) week_starts_on: Weekday,
    pub(super) demand_quantile: DemandQuantile,
    pub(super) min_stint_minutes: u32,
    pub(super) max_channel_switches_per_shift: u32,
}

/// Default shortest stint on one channel: an hour is what team leaders usually plan.
pub const DEFAULT_MIN_STINT_MINUTES: u32 = 60;
/// Default most channel changes per shift (e.g. voice, chat after lunch, voice again).
pub const DEFAULT_MAX_CHANNEL_SWITCHES: u32 = 2;

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

    /// Shortest work stint on one channel, minutes (0..=480; default 60): a multi-skilled agent
    /// stays on a channel at least this long unless a break, activity or the shift's end cuts it.
    pub fn min_stint_minutes(&self) -> u32 {
        self.min_stint_minutes
    }
    /// Most channel changes in one shift (0..=20; default 2).
    pub fn max_channel_switches_per_shift(&self) -> u32 {
        self.max_channel_switches_per_shift
    }

    /// Reads `[centre.planning]`; a bad value is reported and replaced by its default so the
    /// rest of the file is still checked.
    fn from_raw(ctx: &mut Ctx, rp: &RawPlanning) -> Self {
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
        let min_stint_minutes = rp.min_stint_minutes.unwrap_or(DEFAULT_MIN_STINT_MINUTES);
        if min_stint_minutes > 480 {
            ctx.err(
                "centre.planning.min_stint_minutes",
                format!("{min_stint_minutes} is not valid; expected 0 to 480 minutes"),
            );
        }
        let max_channel_switches_per_shift = rp
            .max_channel_switches_per_shift
            .unwrap_or(DEFAULT_MAX_CHANNEL_SWITCHES);
        if max_channel_switches_per_shift > 20 {
            ctx.err(
                "centre.planning.max_channel_switches_per_shift",
                format!("{max_channel_switches_per_shift} is not valid; expected 0 to 20"),
            );
        }
        Self {
            horizon_days,
            week_starts_on,
            demand_quantile,
            min_stint_minutes,
            max_channel_switches_per_shift,
        }
    }

    fn to_raw(&self) -> RawPlanning {
        RawPlanning {
            horizon_days: Some(self.horizon_days),
            week_starts_on: Some(weekday_key(self.week_starts_on).to_string()),
            demand_quantile: Some(self.demand_quantile.as_str().to_string()),
            min_stint_minutes: Some(self.min_stint_minutes),
            max_channel_switches_per_shift: Some(self.max_channel_switches_per_shift),
        }
    }
}

/// The `[centre]` section: name, time zone, interval, currency and planning defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Centre {
    pub(super) name: String,
    pub(super) grid: IntervalGrid,
    pub(super) currency: String,
    pub(super) closed_on_bank_holidays: bool,
    pub(super) hours: WeeklyHours,
    pub(super) planning: Planning,
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

    /// Reads the `[centre]` section. It is read first: its grid and default hours are what the
    /// channels, templates and agents are checked against. A bad time zone or currency is
    /// reported and replaced by the default so that the rest of the file is still checked.
    pub(super) fn from_raw(ctx: &mut Ctx, rc: &RawCentre) -> Self {
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
        let hours = match &rc.hours {
            Some(h) => weekly_hours(ctx, "centre.hours", h, Some(grid)).unwrap_or_default(),
            None => {
                let r = TimeRange::new(DEFAULT_OPEN.0, DEFAULT_OPEN.1)
                    .unwrap_or_else(|_| unreachable!("constant range"));
                WeeklyHours::new(WEEKDAYS[..5].iter().map(|d| (*d, vec![r]))).unwrap_or_default()
            }
        };
        let planning = Planning::from_raw(ctx, &rc.planning.clone().unwrap_or_default());
        Self {
            name: rc.name.clone(),
            grid,
            currency,
            closed_on_bank_holidays: rc.closed_on_bank_holidays.unwrap_or(true),
            hours,
            planning,
        }
    }

    pub(super) fn to_raw(&self) -> RawCentre {
        RawCentre {
            name: self.name.clone(),
            time_zone: Some(self.grid.tz.name().to_string()),
            interval: Some(self.grid.length),
            currency: Some(self.currency.clone()),
            closed_on_bank_holidays: Some(self.closed_on_bank_holidays),
            hours: Some(weekly_to_raw(&self.hours)),
            planning: Some(self.planning.to_raw()),
        }
    }
}
