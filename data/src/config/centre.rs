//! The `[centre]` section: name, time zone and interval, currency, default hours and planning
//! defaults.

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::hours::{weekly_hours, weekly_to_raw};
use super::raw::{RawCentre, RawFairness, RawPlanning};
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

/// `[centre.fairness]`: late shifts, Saturdays and bank holidays spread evenly over comparable
/// agents across the horizon and the rolling window before it (docs/ROSTER.md, "Fairness").
/// Without the table the roster does not weigh fairness (it still reports it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fairness {
    pub(super) weight: f64,
    pub(super) late_shift_ends_after_minute: u16,
    pub(super) rolling_weeks: u32,
}

impl Fairness {
    /// Default weight: 50 per shift of spread (max - min) per kind and group of comparable
    /// agents, about a quarter of an agent-hour short on voice: it evens out who works the
    /// Saturdays and late shifts where that costs little service, never at the price of a gap.
    pub const DEFAULT_WEIGHT: f64 = 50.0;
    /// Default end of day after which a shift counts as late: 19:00.
    pub const DEFAULT_LATE_MINUTE: u16 = 19 * 60;
    /// Default rolling window: 8 weeks (the previous roster's shifts that far back count).
    pub const DEFAULT_ROLLING_WEEKS: u32 = 8;

    /// Cost per shift of spread between the most and the fewest late shifts, Saturdays or bank
    /// holidays among comparable agents.
    pub fn weight(&self) -> f64 {
        self.weight
    }
    /// A shift ending after this local time (minutes after midnight) is a late shift.
    pub fn late_shift_ends_after_minute(&self) -> u16 {
        self.late_shift_ends_after_minute
    }
    /// Weeks of the rolling window the counts are over (the plan and the previous roster's weeks
    /// before it).
    pub fn rolling_weeks(&self) -> u32 {
        self.rolling_weeks
    }

    fn from_raw(ctx: &mut Ctx, rf: &RawFairness) -> Self {
        let weight = rf.weight.unwrap_or(Self::DEFAULT_WEIGHT);
        if !(weight.is_finite() && (0.0..=10_000.0).contains(&weight)) {
            ctx.err(
                "centre.fairness.weight",
                format!("{weight} is not valid; expected a cost between 0 and 10000 per shift of spread"),
            );
        }
        let late = match &rf.late_shift_ends_after {
            None => Self::DEFAULT_LATE_MINUTE,
            Some(s) => match super::clock::parse_clock(s) {
                Ok(m) if m < 24 * 60 => m,
                _ => {
                    ctx.err(
                        "centre.fairness.late_shift_ends_after",
                        format!("{s:?} is not a time of day; expected \"HH:MM\", e.g. \"19:00\""),
                    );
                    Self::DEFAULT_LATE_MINUTE
                }
            },
        };
        let rolling_weeks = rf.rolling_weeks.unwrap_or(Self::DEFAULT_ROLLING_WEEKS);
        if !(1..=52).contains(&rolling_weeks) {
            ctx.err(
                "centre.fairness.rolling_weeks",
                format!("{rolling_weeks} is not valid; expected 1 to 52 weeks"),
            );
        }
        Self {
            weight,
            late_shift_ends_after_minute: late,
            rolling_weeks,
        }
    }

    fn to_raw(&self) -> RawFairness {
        let m = self.late_shift_ends_after_minute;
        RawFairness {
            weight: Some(self.weight),
            late_shift_ends_after: Some(super::clock::format_clock(m)),
            rolling_weeks: Some(self.rolling_weeks),
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
    pub(super) fairness: Option<Fairness>,
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
    /// Fairness rules (`[centre.fairness]`), if configured.
    pub fn fairness(&self) -> Option<&Fairness> {
        self.fairness.as_ref()
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
        let fairness = rc.fairness.as_ref().map(|f| Fairness::from_raw(ctx, f));
        Self {
            name: rc.name.clone(),
            grid,
            currency,
            closed_on_bank_holidays: rc.closed_on_bank_holidays.unwrap_or(true),
            hours,
            planning,
            fairness,
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
            fairness: self.fairness.as_ref().map(Fairness::to_raw),
        }
    }
}
