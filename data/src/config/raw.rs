//! The file shape of the centre configuration: plain serde structs with optional fields, read by
//! `toml` (syntax and type errors come with line and column) and then validated into the types of
//! [`super`]. Writing goes the other way: validated config -> raw -> TOML, with every default
//! spelled out so the written file documents what was in force.
//!
//! Every key is documented in `docs/CONFIGURATION.md`; a field here is the key of the same name.
//! Files that change a centre (scenarios) reuse these types for the sections they change, so a
//! key means the same and is checked the same wherever it is written. A change is made to
//! [`super::CentreConfig::to_raw`] and validated with [`super::CentreConfig::from_raw`]:
//!
//! ```
//! use rota_data::config::{read_toml, raw::RawTargets, CentreConfig};
//! let config = CentreConfig::sample().unwrap();
//! let stricter: RawTargets = read_toml("max_abandon_rate = 0.05", "change.toml").unwrap();
//! let mut raw = config.to_raw();
//! raw.channels.get_mut("voice").unwrap().targets.get_or_insert_default().overlay(&stricter);
//! let changed = CentreConfig::from_raw(&raw, "changed centre").unwrap();
//! let voice = changed.channel("voice").unwrap();
//! assert_eq!(voice.targets().max_abandon_rate(), Some(0.05));
//! assert_eq!(voice.targets().max_asa_seconds(),
//!            config.channel("voice").unwrap().targets().max_asa_seconds());
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::channel::ChannelKind;
use crate::grid::IntervalLength;

/// The whole `centre.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub centre: RawCentre,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<RawShrinkage>,
    #[serde(default)]
    pub channels: BTreeMap<String, RawChannel>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shift_templates: BTreeMap<String, RawShiftTemplate>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contracts: BTreeMap<String, RawContract>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<String, RawGrade>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<RawAgent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special_days: Vec<RawSpecialDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<RawHistory>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hire: Vec<RawHire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<RawActivity>,
}

/// `[centre]`: name, time zone, interval, currency, centre opening hours, planning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCentre {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalLength>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on_bank_holidays: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<RawWeeklyHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planning: Option<RawPlanning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness: Option<RawFairness>,
}

/// `[centre.fairness]`: late shifts, Saturdays and bank holidays spread evenly over agents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFairness {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_shift_ends_after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_weeks: Option<u32>,
}

/// `[centre.planning]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlanning {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_starts_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_quantile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_stint_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_channel_switches_per_shift: Option<u32>,
}

/// Hours per weekday; `weekdays` fills Monday to Friday and `every_day` all seven days, unless
/// the day is given by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeeklyHours {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_day: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<Vec<String>>,
}

impl RawWeeklyHours {
    /// The ranges given for each weekday (Monday first) after applying `every_day` and
    /// `weekdays`, with the key each came from (for error messages).
    pub fn per_day(&self) -> [(&'static str, &[String]); 7] {
        let own = [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ];
        let keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        std::array::from_fn(|i| {
            if let Some(v) = own[i] {
                (keys[i], v.as_slice())
            } else if let (true, Some(v)) = (i < 5, &self.weekdays) {
                ("weekdays", v.as_slice())
            } else if let Some(v) = &self.every_day {
                ("every_day", v.as_slice())
            } else {
                (keys[i], &[][..])
            }
        })
    }
}

/// `shrinkage` (centre-wide, or a channel's own): a total, or activities whose shares make it up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShrinkage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activities: Option<BTreeMap<String, f64>>,
}

impl RawShrinkage {
    /// `shrinkage = { total = share }`: a total without activities.
    pub fn total(share: f64) -> Self {
        Self {
            total: Some(share),
            activities: None,
        }
    }
}

/// `[channels.<name>]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub kind: ChannelKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    pub aht_seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_time_factors: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<RawWeeklyHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<RawTargets>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<RawShrinkage>,
}

/// `[channels.<name>.targets]`; every key optional (a missing one takes its default, or, as a
/// change, keeps its value: [`RawTargets::overlay`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_abandon_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_asa_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_occupancy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level: Option<RawServiceLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RawResponse>,
    /// `interval`, `day` or `week`: the stretch the roster programme sums each target over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

impl RawTargets {
    /// Applies `change`: every key it gives replaces this one's (a `service_level` or `response`
    /// as a whole); keys it does not give keep their value.
    ///
    /// ```
    /// use rota_data::config::raw::RawTargets;
    /// let mut t = RawTargets { max_abandon_rate: Some(0.1), max_asa_seconds: Some(30.0), ..Default::default() };
    /// t.overlay(&RawTargets { max_abandon_rate: Some(0.05), ..Default::default() });
    /// assert_eq!((t.max_abandon_rate, t.max_asa_seconds), (Some(0.05), Some(30.0)));
    /// ```
    pub fn overlay(&mut self, change: &RawTargets) {
        let RawTargets {
            max_abandon_rate,
            max_asa_seconds,
            max_wait_seconds,
            max_wait_share,
            max_occupancy,
            service_level,
            response,
            period,
        } = change;
        fn replace_if_given<T: Clone>(old: &mut Option<T>, new: &Option<T>) {
            if let Some(v) = new {
                *old = Some(v.clone());
            }
        }
        replace_if_given(&mut self.max_abandon_rate, max_abandon_rate);
        replace_if_given(&mut self.max_asa_seconds, max_asa_seconds);
        replace_if_given(&mut self.max_wait_seconds, max_wait_seconds);
        replace_if_given(&mut self.max_wait_share, max_wait_share);
        replace_if_given(&mut self.max_occupancy, max_occupancy);
        replace_if_given(&mut self.service_level, service_level);
        replace_if_given(&mut self.response, response);
        replace_if_given(&mut self.period, period);
    }
}

/// `service_level = { share, within_seconds, abandoned_in_denominator }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    pub share: f64,
    pub within_seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned_in_denominator: Option<bool>,
}

/// `response = { share, within_hours, working_hours_only }` (deferred channels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    pub share: f64,
    pub within_hours: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_hours_only: Option<bool>,
}

/// `[shift_templates.<name>]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShiftTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<String>>,
    pub earliest_start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_step_minutes: Option<u32>,
    pub paid_hours: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lunch: Option<RawBreak>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Vec<RawBreak>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_skills: Option<Vec<String>>,
}

/// A break or lunch rule of a shift template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    pub minutes: u32,
    pub start_window_minutes: [u32; 2],
}

/// `[contracts.<name>]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_weekly_paid_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weekly_paid_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_off_per_week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_consecutive_working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rest_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend_off: Option<RawWeekendOff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub averaged_hours: Option<RawAveragedHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_templates: Option<Vec<String>>,
}

/// `weekend_off = { days, in_weeks }` or `{ weekends, in_weeks }` of a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeekendOff {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekends: Option<u32>,
    pub in_weeks: u32,
}

/// `averaged_hours = { weeks, min_weekly_paid_hours, max_weekly_paid_hours }` of a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAveragedHours {
    pub weeks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_weekly_paid_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weekly_paid_hours: Option<f64>,
}

/// `[grades.<name>]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGrade {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub hourly_rate: f64,
}

/// One `[[agents]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    pub id: String,
    pub name: String,
    pub skills: Vec<String>,
    pub contract: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hourly_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<RawWeeklyHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave: Option<Vec<RawLeave>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_shifts: Option<Vec<RawFixedShift>>,
}

/// One leave entry of an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLeave {
    #[serde(with = "toml_date")]
    pub from: NaiveDate,
    #[serde(
        default,
        with = "toml_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One fixed shift of an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFixedShift {
    #[serde(with = "toml_date")]
    pub date: NaiveDate,
    pub template: String,
    pub start: String,
}

/// One `[[hire]]` entry: people the centre could recruit (`rota schedule --hire`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHire {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub skills: Vec<String>,
    pub contract: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub templates: Vec<String>,
    pub hourly_cost: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_weeks: Option<u32>,
    pub max_count: u32,
}

/// One `[[activities]]` entry: planned non-contact work placed in the shifts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActivity {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<RawWeeklyHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandatory: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<String>,
}

/// One `[[special_days]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpecialDay {
    #[serde(with = "toml_date")]
    pub date: NaiveDate,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `[history]`: how the history export is read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<RawColumns>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_aliases: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aht_unit: Option<String>,
}

/// `[history.columns]`: header of each field in the export.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aht_seconds: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asa_seconds: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents_staffed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

thread_local! {
    /// Set while [`super::CentreConfig::to_toml_string`] runs, so dates are written as TOML local
    /// dates (`2026-11-16`); any other serializer (JSON for the API) gets plain strings.
    static TOML_DATES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with TOML-native date output switched on.
pub(crate) fn with_toml_dates<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            TOML_DATES.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(TOML_DATES.with(|c| c.replace(true)));
    f()
}

/// A date written either as a TOML local date (`2026-11-16`) or a string (`"2026-11-16"`);
/// written back as a TOML local date by `to_toml_string`, as a string otherwise.
pub(crate) mod toml_date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        use chrono::Datelike;
        if !TOML_DATES.with(|c| c.get()) {
            return s.collect_str(&d.format("%Y-%m-%d"));
        }
        let dt = toml::value::Datetime {
            date: Some(toml::value::Date {
                year: u16::try_from(d.year()).map_err(serde::ser::Error::custom)?,
                month: d.month() as u8,
                day: d.day() as u8,
            }),
            time: None,
            offset: None,
        };
        dt.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = NaiveDate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2026-11-16")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                    E::custom(format!(
                        "{v:?} is not a date; expected YYYY-MM-DD such as 2026-11-16"
                    ))
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<NaiveDate, A::Error> {
                // A TOML datetime arrives as a one-entry map holding its text.
                let Some(_key) = map.next_key::<String>()? else {
                    return Err(serde::de::Error::custom(
                        "expected a date such as 2026-11-16",
                    ));
                };
                let text: String = map.next_value()?;
                self.visit_str(&text)
            }
        }
        d.deserialize_any(V)
    }
}

pub(crate) mod toml_date_opt {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::toml_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        super::toml_date::deserialize(d).map(Some)
    }
}
