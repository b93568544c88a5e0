//! Service targets of a channel: abandon rate, ASA, longest wait and service level for live
//! channels, a response-time target for deferred ones, and maximum occupancy for both.

use serde::Serialize;

use super::raw::{RawResponse, RawServiceLevel, RawTargets};
use super::validate::Ctx;
use super::{
    DEFAULT_MAX_ABANDON_RATE, DEFAULT_MAX_ASA_SECONDS, DEFAULT_MAX_OCCUPANCY_DEFERRED,
    DEFAULT_MAX_OCCUPANCY_LIVE, DEFAULT_MAX_WAIT_SHARE, DEFAULT_RESPONSE,
};
use crate::channel::ChannelKind;

/// "X% of contacts answered within Y seconds".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceLevel {
    pub(super) share: f64,
    pub(super) within_seconds: f64,
    pub(super) abandoned_in_denominator: bool,
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
    pub(super) share: f64,
    pub(super) within_hours: f64,
    pub(super) working_hours_only: bool,
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

/// A KPI a channel can have a target on. The one list every judge of targets uses: the
/// simulation's verdict, the scenarios' misses and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Abandon rate.
    AbandonRate,
    /// Average speed of answer.
    AsaSeconds,
    /// Service level.
    ServiceLevel,
    /// Share answered within the longest acceptable wait.
    WaitWithinMaxShare,
    /// Occupancy.
    Occupancy,
    /// Deferred response within target.
    ResponseWithinTarget,
}

impl Kpi {
    /// Column / file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kpi::AbandonRate => "abandon_rate",
            Kpi::AsaSeconds => "asa_seconds",
            Kpi::ServiceLevel => "service_level",
            Kpi::WaitWithinMaxShare => "wait_within_max_share",
            Kpi::Occupancy => "occupancy",
            Kpi::ResponseWithinTarget => "response_within_target",
        }
    }

    /// The KPI in words, for tables.
    pub fn label(self) -> &'static str {
        match self {
            Kpi::AbandonRate => "abandon rate",
            Kpi::AsaSeconds => "ASA",
            Kpi::ServiceLevel => "service level",
            Kpi::WaitWithinMaxShare => "answered within max wait",
            Kpi::Occupancy => "occupancy",
            Kpi::ResponseWithinTarget => "answered within response target",
        }
    }

    /// True for KPIs in seconds (the rest are shares, shown as percentages).
    pub fn is_seconds(self) -> bool {
        self == Kpi::AsaSeconds
    }
}

/// Whether a target is a ceiling or a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The KPI must not exceed the target.
    AtMost,
    /// The KPI must reach the target.
    AtLeast,
}

impl Direction {
    /// True when `value` is on the right side of `target` (with a 1e-12 tolerance).
    pub fn met(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtMost => value <= target + 1e-12,
            Direction::AtLeast => value >= target - 1e-12,
        }
    }
}

/// One target of a channel: the KPI, whether it is a ceiling or a floor, and the value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    /// The KPI.
    pub kpi: Kpi,
    /// Ceiling or floor.
    pub direction: Direction,
    /// The target value (a share, or seconds for ASA).
    pub value: f64,
}

/// Service targets of one channel. Live channels (inbound, walk-in, chat) use the abandon, ASA,
/// wait and service-level targets; deferred channels use [`ResponseTarget`]. Both have a maximum
/// occupancy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceTargets {
    pub(super) max_abandon_rate: Option<f64>,
    pub(super) max_asa_seconds: Option<f64>,
    pub(super) max_wait_seconds: Option<f64>,
    pub(super) max_wait_share: f64,
    pub(super) service_level: Option<ServiceLevel>,
    pub(super) max_occupancy: f64,
    pub(super) response: Option<ResponseTarget>,
    pub(super) period: TargetPeriod,
}

/// The stretch of intervals a live channel's targets are met over when the roster is built for
/// them (`period` in `[channels.<name>.targets]`). The default is a day: a bad Monday cannot hide
/// in a good week, yet the plan may trade a quiet half-hour for a busy one within the day, which
/// costs less than meeting every interval on its own (Koole & van der Sluis 2003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetPeriod {
    /// Every interval on its own (classic per-interval staffing).
    Interval,
    /// Each local day.
    #[default]
    Day,
    /// Each 7-day week of the horizon from its first day.
    Week,
}

impl TargetPeriod {
    /// Its name in the configuration and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interval => "interval",
            Self::Day => "day",
            Self::Week => "week",
        }
    }

    /// Parses `interval`, `day` or `week`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "interval" => Some(Self::Interval),
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            _ => None,
        }
    }
}

impl std::fmt::Display for TargetPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TargetPeriod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| {
            format!("{s:?} is not a target period; expected `interval`, `day` or `week`")
        })
    }
}

impl ServiceTargets {
    /// Every target set, in the order they are reported: for a live channel abandon rate, ASA,
    /// service level, answered within the longest wait and occupancy; for a deferred channel the
    /// response target.
    pub fn list(&self, live: bool) -> Vec<Target> {
        let t = |kpi, direction, value| Target {
            kpi,
            direction,
            value,
        };
        let mut out = Vec::new();
        if live {
            if let Some(v) = self.max_abandon_rate {
                out.push(t(Kpi::AbandonRate, Direction::AtMost, v));
            }
            if let Some(v) = self.max_asa_seconds {
                out.push(t(Kpi::AsaSeconds, Direction::AtMost, v));
            }
            if let Some(sl) = &self.service_level {
                out.push(t(Kpi::ServiceLevel, Direction::AtLeast, sl.share()));
            }
            if self.max_wait_seconds.is_some() {
                out.push(t(
                    Kpi::WaitWithinMaxShare,
                    Direction::AtLeast,
                    self.max_wait_share,
                ));
            }
            out.push(t(Kpi::Occupancy, Direction::AtMost, self.max_occupancy));
        } else if let Some(r) = &self.response {
            out.push(t(Kpi::ResponseWithinTarget, Direction::AtLeast, r.share()));
        }
        out
    }

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
    /// The stretch of intervals the roster meets these targets over (live channels).
    pub fn period(&self) -> TargetPeriod {
        self.period
    }

    pub(super) fn from_raw(
        ctx: &mut Ctx,
        key: &str,
        kind: ChannelKind,
        raw: Option<&RawTargets>,
    ) -> Self {
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
        let period = match &raw.period {
            Some(p) => TargetPeriod::parse(p).unwrap_or_else(|| {
                ctx.err(
                    k("period"),
                    format!(
                        "{p:?} is not a target period; expected \"interval\", \"day\" or \"week\""
                    ),
                );
                TargetPeriod::Day
            }),
            None => TargetPeriod::Day,
        };
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
            if raw.period.is_some() {
                ctx.err(k("period"), "a deferred channel is planned by its response target over its backlog; `period` is for live channels' abandon, ASA and service-level targets");
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
            period,
        }
    }

    pub(super) fn to_raw(&self) -> RawTargets {
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
            period: (self.period != TargetPeriod::Day).then(|| self.period.as_str().to_string()),
        }
    }
}
