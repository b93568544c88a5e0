//! The `[contracts.<name>]` and `[grades.<name>]` tables: working-time rules and pay rates.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::raw::{RawAveragedHours, RawContract, RawGrade, RawWeekendOff};
use super::validate::Ctx;
use super::{
    ShiftTemplate, DEFAULT_DAYS_OFF, DEFAULT_MAX_CONSECUTIVE_DAYS, DEFAULT_MAX_WEEKLY_HOURS,
    DEFAULT_MIN_REST_HOURS,
};

/// "At least `days` weekend days off in every `in_weeks` weeks" (`weekend_off = { days, in_weeks
/// }`), or "at least `days` whole weekends (Saturday and Sunday both) off in every `in_weeks`
/// weeks" (`weekend_off = { weekends, in_weeks }`: "one weekend in two off" is `{ weekends = 1,
/// in_weeks = 2 }`). The window rolls: every run of `in_weeks` consecutive weekends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekendOff {
    pub(super) days: u32,
    pub(super) in_weeks: u32,
    pub(super) whole_weekends: bool,
}

impl WeekendOff {
    /// Weekend days (Saturday or Sunday) off required, or whole weekends when
    /// [`WeekendOff::whole_weekends`].
    pub fn days(&self) -> u32 {
        self.days
    }
    /// Length of the rolling window, weeks.
    pub fn in_weeks(&self) -> u32 {
        self.in_weeks
    }
    /// True when [`WeekendOff::days`] counts whole weekends off (both days), not single days.
    pub fn whole_weekends(&self) -> bool {
        self.whole_weekends
    }
}

/// Annualised hours: the contract's weekly paid hours hold on average over a reference period of
/// `weeks` weeks, while each single week may lie anywhere between `min_weekly_paid_hours` and
/// `max_weekly_paid_hours` (`averaged_hours = { weeks = 4, min_weekly_paid_hours = 30,
/// max_weekly_paid_hours = 45 }`). Busy weeks are worked longer and quiet ones shorter, as UK
/// annualised-hours contracts allow, without the average drifting from what is paid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AveragedHours {
    pub(super) weeks: u32,
    pub(super) min_weekly_paid_hours: f64,
    pub(super) max_weekly_paid_hours: f64,
}

impl AveragedHours {
    /// Length of the reference period, weeks (from the first planned day).
    pub fn weeks(&self) -> u32 {
        self.weeks
    }
    /// Fewest paid hours in any single week.
    pub fn min_weekly_paid_hours(&self) -> f64 {
        self.min_weekly_paid_hours
    }
    /// Most paid hours in any single week.
    pub fn max_weekly_paid_hours(&self) -> f64 {
        self.max_weekly_paid_hours
    }
}

/// An employment contract: weekly paid hours, days off, consecutive days, rest, weekends,
/// allowed shift templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) min_weekly_paid_hours: f64,
    pub(super) max_weekly_paid_hours: f64,
    pub(super) days_off_per_week: u32,
    pub(super) max_consecutive_working_days: u32,
    pub(super) min_rest_hours: f64,
    pub(super) weekend_off: Option<WeekendOff>,
    pub(super) averaged_hours: Option<AveragedHours>,
    pub(super) allowed_templates: Option<Vec<String>>,
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
    /// Annualised hours, if the weekly hours are averaged over a reference period.
    pub fn averaged_hours(&self) -> Option<&AveragedHours> {
        self.averaged_hours.as_ref()
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
            let (days, whole) = match (w.days, w.weekends) {
                (Some(d), None) => (d, false),
                (None, Some(n)) => (n, true),
                _ => {
                    ctx.err(
                        k("weekend_off"),
                        "give either `days` (weekend days off) or `weekends` (whole weekends \
                         off), not both or neither",
                    );
                    (1, false)
                }
            };
            let most = if whole { w.in_weeks } else { 2 * w.in_weeks };
            if days == 0 || days > most {
                let (f, unit) = if whole {
                    ("weekends", "one weekend per week")
                } else {
                    ("days", "two weekend days per week")
                };
                ctx.err(
                    k(&format!("weekend_off.{f}")),
                    format!("{days} is not valid; expected 1 to {most} ({unit})"),
                );
            }
            if !(1..=8).contains(&w.in_weeks) {
                ctx.err(
                    k("weekend_off.in_weeks"),
                    format!("{} is not valid; expected 1 to 8 weeks", w.in_weeks),
                );
            }
            WeekendOff {
                days,
                in_weeks: w.in_weeks,
                whole_weekends: whole,
            }
        });
        let averaged_hours = raw.averaged_hours.as_ref().map(|a| {
            if !(2..=52).contains(&a.weeks) {
                ctx.err(
                    k("averaged_hours.weeks"),
                    format!("{} is not valid; expected a reference period of 2 to 52 weeks", a.weeks),
                );
            }
            let lo = a.min_weekly_paid_hours.unwrap_or(0.0);
            let hi = a.max_weekly_paid_hours.unwrap_or(DEFAULT_MAX_WEEKLY_HOURS.max(max));
            if !hours_ok(lo) || lo > min {
                ctx.err(
                    k("averaged_hours.min_weekly_paid_hours"),
                    format!("{lo} is not valid; expected hours between 0 and the contract's min_weekly_paid_hours {min}"),
                );
            }
            if !hours_ok(hi) || hi < max {
                ctx.err(
                    k("averaged_hours.max_weekly_paid_hours"),
                    format!("{hi} is not valid; expected hours between the contract's max_weekly_paid_hours {max} and 168"),
                );
            }
            AveragedHours {
                weeks: a.weeks,
                min_weekly_paid_hours: lo,
                max_weekly_paid_hours: hi,
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
            averaged_hours,
            allowed_templates: raw.allowed_templates.clone(),
        })
    }

    pub(super) fn to_raw(&self) -> RawContract {
        RawContract {
            label: self.label.clone(),
            min_weekly_paid_hours: Some(self.min_weekly_paid_hours),
            max_weekly_paid_hours: Some(self.max_weekly_paid_hours),
            days_off_per_week: Some(self.days_off_per_week),
            max_consecutive_working_days: Some(self.max_consecutive_working_days),
            min_rest_hours: Some(self.min_rest_hours),
            weekend_off: self.weekend_off.as_ref().map(|w| RawWeekendOff {
                days: (!w.whole_weekends).then_some(w.days),
                weekends: w.whole_weekends.then_some(w.days),
                in_weeks: w.in_weeks,
            }),
            averaged_hours: self.averaged_hours.as_ref().map(|a| RawAveragedHours {
                weeks: a.weeks,
                min_weekly_paid_hours: Some(a.min_weekly_paid_hours),
                max_weekly_paid_hours: Some(a.max_weekly_paid_hours),
            }),
            allowed_templates: self.allowed_templates.clone(),
        }
    }
}

/// A pay grade with its hourly rate (in the centre's currency).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) hourly_rate: f64,
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

    pub(super) fn to_raw(&self) -> RawGrade {
        RawGrade {
            label: self.label.clone(),
            hourly_rate: self.hourly_rate,
        }
    }
}

/// Reads the `[contracts.<name>]` tables, keeping the valid ones (sorted by name). Each is
/// checked against the valid `templates` and against every template key given in the file.
pub(super) fn contracts_from_raw(
    ctx: &mut Ctx,
    raw: &BTreeMap<String, RawContract>,
    templates: &[ShiftTemplate],
    template_keys: &BTreeSet<String>,
) -> Vec<Contract> {
    raw.iter()
        .filter_map(|(name, c)| Contract::from_raw(ctx, name, c, templates, template_keys))
        .collect()
}

/// Reads the `[grades.<name>]` tables, keeping the valid ones (sorted by name).
pub(super) fn grades_from_raw(ctx: &mut Ctx, raw: &BTreeMap<String, RawGrade>) -> Vec<Grade> {
    let mut grades = Vec::new();
    for (name, g) in raw {
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
    grades
}
