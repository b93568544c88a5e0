//! The day as staffed: agents per channel and interval from the published roster less the
//! recorded absences, and the KPIs of the day — the morning as it went, the rest as predicted.
//!
//! # The rest of the day
//! Each remaining interval of a live channel is evaluated with the exact Erlang A service curve of
//! the staffing crate ([`rota_staffing::ServiceCurve`]) at the re-forecast's offered contacts and
//! AHT and the agents rostered on the channel in that interval (a part-interval counts by its
//! share). Absences are recorded, so the curve takes only the off-phone part of the shrinkage
//! ([`rota_data::config::Shrinkage::absence_and_off_phone`]): present agents are each available
//! with probability `1 − off-phone share`, as the simulation draws them
//! (`ShrinkageModel::RecordedAbsences`).
//!
//! # The whole day
//! The finished intervals count as they went: offered, abandoned and the wait of the answered
//! (ASA × handled) come from the actuals. The export has no answered-within-threshold count, so
//! the morning's service level is the service curve's estimate at the actual offered contacts and
//! the agents rostered (said in `kpis.csv`'s `basis` column).
//!
//! Deferred channels (email, social) have no queue curve: their rest of day is the work still
//! expected (re-forecast contacts × AHT) against the agent-hours rostered on them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_simulation::{PlanActivity, PlanActivityKind, RosterPlan};
use rota_staffing::{channel_model, CurveSpec, ServiceCurve};
use serde::Serialize;

use crate::actuals::{Absence, ActualCounts, DayActuals};
use crate::IntradayError;

/// Prior weight, in abandoned contacts, of the queue model against the morning's abandoned
/// count ([`DayModel::calibrate`]).
pub const CORRECTION_PRIOR_CONTACTS: f64 = 20.0;

/// The day's floor: agents per channel and interval, and the demand laid on the same intervals.
#[derive(Debug, Clone)]
pub struct Floor {
    /// Today's interval starts, in order.
    pub starts: Vec<DateTime<FixedOffset>>,
    /// Interval length.
    pub interval: Duration,
    /// The centre's channels, in configuration order.
    pub channels: Vec<ChannelName>,
    /// `[channel][interval]` agents working the channel (a part-interval counts by its share).
    pub agents: Vec<Vec<f64>>,
    /// Index of the first interval that has not finished at `now`.
    pub first_open: usize,
}

/// Seconds of overlap of two periods.
pub(crate) fn overlap_s(
    a: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    b: (DateTime<FixedOffset>, DateTime<FixedOffset>),
) -> f64 {
    let from = a.0.max(b.0);
    let to = a.1.min(b.1);
    if to > from {
        (to - from).num_milliseconds() as f64 / 1000.0
    } else {
        0.0
    }
}

/// An agent's work activity less the recorded absences: the pieces still worked.
pub(crate) fn worked_pieces(
    a: &PlanActivity,
    absences: &[Absence],
) -> Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let mut pieces = vec![(a.start, a.end)];
    for ab in absences.iter().filter(|x| x.agent_id == a.agent_id) {
        pieces = pieces
            .into_iter()
            .flat_map(|(s, e)| {
                let mut out = Vec::new();
                if ab.from > s {
                    out.push((s, e.min(ab.from)));
                }
                if ab.to < e {
                    out.push((s.max(ab.to), e));
                }
                out.into_iter().filter(|(s, e)| e > s)
            })
            .collect();
    }
    pieces
}

impl Floor {
    /// Lays `roster` (less `absences`) on the intervals `starts` of length `interval`.
    pub fn new(
        config: &CentreConfig,
        roster: &RosterPlan,
        absences: &[Absence],
        starts: Vec<DateTime<FixedOffset>>,
        interval: Duration,
        now: DateTime<FixedOffset>,
    ) -> Self {
        let channels: Vec<ChannelName> = config.channel_names();
        let mut agents = vec![vec![0.0; starts.len()]; channels.len()];
        let len_s = interval.num_seconds() as f64;
        for a in roster.activities() {
            let PlanActivityKind::Work(c) = &a.kind else {
                continue;
            };
            let Some(ci) = channels.iter().position(|x| x == c) else {
                continue;
            };
            for piece in worked_pieces(a, absences) {
                for (i, s) in starts.iter().enumerate() {
                    let o = overlap_s(piece, (*s, *s + interval));
                    if o > 0.0 {
                        agents[ci][i] += o / len_s;
                    }
                }
            }
        }
        let first_open = starts
            .iter()
            .position(|s| *s + interval > now)
            .unwrap_or(starts.len());
        Self {
            starts,
            interval,
            channels,
            agents,
            first_open,
        }
    }

    /// Index of a channel.
    pub fn channel_index(&self, c: &ChannelName) -> Option<usize> {
        self.channels.iter().position(|x| x == c)
    }
}

/// The intervals of `date` in a forecast (every channel's), in order.
pub fn day_starts(forecast: &DemandSeries, date: NaiveDate) -> Vec<DateTime<FixedOffset>> {
    let mut starts: Vec<DateTime<FixedOffset>> = forecast
        .records()
        .iter()
        .map(|r| r.interval_start())
        .filter(|t| t.date_naive() == date)
        .collect();
    starts.sort();
    starts.dedup();
    starts
}

/// One live channel's queue in one remaining interval, with its curve.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    /// Contacts expected.
    pub offered: f64,
    /// The curve (None when no contact is expected).
    pub curve: Option<ServiceCurve>,
}

impl Slot {
    fn at(&self, n: f64, f: impl Fn(&ServiceCurve, u32) -> f64) -> f64 {
        let Some(c) = &self.curve else {
            return 0.0;
        };
        let n = n.max(0.0);
        let top = c.n_max();
        let lo = (n.floor() as u32).min(top);
        let hi = (lo + 1).min(top);
        let w = (n - f64::from(lo)).clamp(0.0, 1.0);
        f(c, lo) * (1.0 - w) + f(c, hi) * w
    }

    /// Expected abandoned contacts with `n` agents on the channel.
    pub fn abandoned(&self, n: f64) -> f64 {
        if self.curve.is_none() {
            return 0.0;
        }
        self.at(n, ServiceCurve::abandoned)
    }

    /// Expected total wait of answered contacts, seconds.
    pub fn wait_s(&self, n: f64) -> f64 {
        self.at(n, ServiceCurve::wait_s)
    }

    /// Expected contacts answered within the threshold.
    pub fn within(&self, n: f64) -> f64 {
        self.at(n, ServiceCurve::within_threshold)
    }
}

/// The queue model of every live channel in every interval of the day: remaining intervals at the
/// re-forecast, finished ones at the actual offered contacts (for the morning's service level).
#[derive(Debug, Clone)]
pub struct DayModel {
    /// `[channel][interval]`; `None` for deferred channels.
    pub(crate) slots: Vec<Option<Vec<Slot>>>,
    /// `[channel][interval]` AHT, seconds (re-forecast; the forecast's for finished intervals).
    pub(crate) aht: Vec<Vec<f64>>,
    /// `[channel][interval]` contacts expected (re-forecast mean) or offered (actual).
    pub(crate) offered: Vec<Vec<f64>>,
    /// `[channel][interval]` the actual counts of finished intervals.
    pub(crate) actual: Vec<Vec<Option<ActualCounts>>>,
    /// Per channel, the morning's correction of the queue model's abandoned contacts (1 with no
    /// evidence); see [`DayModel::calibrate`].
    pub correction: Vec<f64>,
}

impl DayModel {
    /// Builds the curves. `rest` is the re-forecast (rows from `now`), `pre_day` the forecast made
    /// before the day (for finished intervals without actuals).
    pub fn new(
        config: &CentreConfig,
        floor: &Floor,
        rest: &DemandSeries,
        pre_day: &DemandSeries,
        actuals: &DayActuals,
    ) -> Result<Self, IntradayError> {
        let interval_s = floor.interval.num_seconds() as f64;
        let mut slots = Vec::new();
        let mut aht = Vec::new();
        let mut offered = Vec::new();
        let mut actual_rows = Vec::new();
        for c in &floor.channels {
            let ch = config
                .channel(c.as_str())
                .ok_or_else(|| IntradayError::Invalid(format!("unknown channel {c}")))?;
            let model = channel_model(ch).map_err(|source| IntradayError::Staffing {
                channel: c.to_string(),
                source,
            })?;
            let (_, off_phone) = ch.shrinkage().absence_and_off_phone();
            let re: BTreeMap<_, _> = rest
                .for_channel(c)
                .map(|r| (r.interval_start(), (r.offered_mean(), r.aht_seconds())))
                .collect();
            let pre: BTreeMap<_, _> = pre_day
                .for_channel(c)
                .map(|r| (r.interval_start(), (r.offered_mean(), r.aht_seconds())))
                .collect();
            let seen = actuals.of(c);
            let mut c_offered = Vec::new();
            let mut c_aht = Vec::new();
            let mut c_actual = Vec::new();
            for (i, s) in floor.starts.iter().enumerate() {
                let open = i >= floor.first_open;
                let forecast = if open { re.get(s) } else { None }
                    .or_else(|| pre.get(s))
                    .copied()
                    .unwrap_or((0.0, ch.aht_seconds()));
                let a = if open { None } else { seen.get(s).copied() };
                let accepting = config.accepts_contacts_at(ch, s);
                c_offered.push(match (a, accepting) {
                    (Some(a), _) => a.offered,
                    (None, true) => forecast.0,
                    (None, false) => 0.0,
                });
                c_aht.push(if forecast.1 > 0.0 {
                    forecast.1
                } else {
                    ch.aht_seconds()
                });
                c_actual.push(a);
            }
            let live = !ch.kind().is_deferred();
            slots.push(if live {
                let mut v = Vec::with_capacity(floor.starts.len());
                for (o, a) in c_offered.iter().zip(&c_aht) {
                    v.push(if *o > 0.0 {
                        let spec = CurveSpec::for_channel(&model, *o, interval_s, *a, off_phone)
                            .map_err(|source| IntradayError::Staffing {
                                channel: c.to_string(),
                                source,
                            })?;
                        Slot {
                            offered: *o,
                            curve: Some(ServiceCurve::build(&spec).map_err(|source| {
                                IntradayError::Staffing {
                                    channel: c.to_string(),
                                    source,
                                }
                            })?),
                        }
                    } else {
                        Slot {
                            offered: 0.0,
                            curve: None,
                        }
                    });
                }
                Some(v)
            } else {
                None
            });
            offered.push(c_offered);
            aht.push(c_aht);
            actual_rows.push(c_actual);
        }
        let n_channels = slots.len();
        let mut model = Self {
            slots,
            aht,
            offered,
            actual: actual_rows,
            correction: vec![1.0; n_channels],
        };
        model.calibrate(floor);
        Ok(model)
    }

    /// The morning's evidence on the queue model itself. Erlang A misses what a real floor does:
    /// multi-skilled agents answering other queues when theirs is quiet, patience that is not
    /// exponential, handle times with their own spread. Where the finished intervals have an
    /// abandoned count, the model's abandoned contacts for the rest of the day are scaled by
    /// `(abandoned so far + k) / (model's abandoned so far + k)`, shrunk towards 1 by
    /// [`CORRECTION_PRIOR_CONTACTS`] contacts of prior weight so a quiet morning moves it little,
    /// and bounded to [0.5, 2].
    fn calibrate(&mut self, floor: &Floor) {
        for c in 0..self.slots.len() {
            let Some(slots) = &self.slots[c] else {
                continue;
            };
            let (mut seen, mut modelled) = (0.0, 0.0);
            let finished = slots.iter().zip(&self.actual[c]).zip(&floor.agents[c]);
            for ((slot, actual), n) in finished.take(floor.first_open) {
                if let Some(ab) = actual.and_then(|a| a.abandoned) {
                    seen += ab;
                    modelled += slot.abandoned(*n);
                }
            }
            let k = CORRECTION_PRIOR_CONTACTS;
            self.correction[c] = ((seen + k) / (modelled + k)).clamp(0.5, 2.0);
        }
    }

    /// Expected abandoned contacts of channel `c` in remaining interval `i` with `n` agents: the
    /// queue model's, with the morning's correction, never above the contacts offered.
    pub(crate) fn predicted_abandoned(&self, c: usize, i: usize, n: f64) -> f64 {
        match &self.slots[c] {
            Some(slots) => (slots[i].abandoned(n) * self.correction[c]).min(slots[i].offered),
            None => 0.0,
        }
    }

    /// Expected abandoned contacts of channel `c` over intervals `from..` with the agents
    /// `agents[c]`: finished intervals as they went (the curve where the export has no abandoned
    /// count), the rest as predicted.
    pub(crate) fn abandoned(&self, c: usize, agents: &[f64], from: usize) -> f64 {
        let Some(slots) = &self.slots[c] else {
            return 0.0;
        };
        (from..slots.len())
            .map(|i| match self.actual[c][i].and_then(|a| a.abandoned) {
                Some(x) => x,
                None => self.predicted_abandoned(c, i, agents[i]),
            })
            .sum()
    }
}

/// Where a KPI's figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Predicted for the remaining intervals.
    Predicted,
    /// The finished intervals' actuals plus the prediction for the rest.
    ActualsAndPredicted,
    /// As above, with the morning's figure estimated by the queue model where the export has no
    /// count (the service level).
    ActualsModelledAndPredicted,
}

/// Today so far or the rest of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// From now to the end of the day.
    RestOfDay,
    /// The whole day: the morning as it went plus the rest as predicted.
    Day,
}

impl Scope {
    /// The name in `kpis.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::RestOfDay => "rest_of_day",
            Scope::Day => "day",
        }
    }
}

/// One KPI of one channel over the rest of the day or the whole day, against its target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiRow {
    /// Channel.
    pub channel: ChannelName,
    /// Rest of day or whole day.
    pub scope: Scope,
    /// `offered`, `abandoned`, `abandon_rate`, `asa_seconds`, `service_level`; deferred:
    /// `work_hours` and `agent_hours`.
    pub kpi: &'static str,
    /// The figure.
    pub predicted: f64,
    /// The configured target (a ceiling for abandon rate and ASA, a floor for service level;
    /// deferred: the work hours are a ceiling on the agent-hours needed).
    pub target: Option<f64>,
    /// Where the figure comes from.
    pub basis: Basis,
}

impl KpiRow {
    /// Whether the figure meets its target (`None` without one).
    pub fn meets(&self) -> Option<bool> {
        let t = self.target?;
        Some(match self.kpi {
            "service_level" => self.predicted >= t - 1e-9,
            "agent_hours" => self.predicted >= t - 1e-9,
            _ => self.predicted <= t + 1e-9,
        })
    }
}

/// The KPIs of every channel for the rest of the day and the whole day.
pub fn kpis(config: &CentreConfig, floor: &Floor, model: &DayModel) -> Vec<KpiRow> {
    let mut out = Vec::new();
    for (c, name) in floor.channels.iter().enumerate() {
        let Some(ch) = config.channel(name.as_str()) else {
            continue;
        };
        let t = ch.targets();
        let agents = &floor.agents[c];
        let n = floor.starts.len();
        match &model.slots[c] {
            Some(slots) => {
                for scope in [Scope::RestOfDay, Scope::Day] {
                    let from = match scope {
                        Scope::RestOfDay => floor.first_open,
                        Scope::Day => 0,
                    };
                    let (mut offered, mut abandoned, mut wait, mut answered, mut within) =
                        (0.0, 0.0, 0.0, 0.0, 0.0);
                    let mut modelled = false;
                    for i in from..n {
                        let s = &slots[i];
                        let o = model.offered[c][i];
                        offered += o;
                        match model.actual[c][i] {
                            Some(a) => {
                                let ab = a.abandoned.unwrap_or_else(|| s.abandoned(agents[i]));
                                let handled = a.handled.unwrap_or((a.offered - ab).max(0.0));
                                abandoned += ab;
                                answered += handled;
                                wait +=
                                    a.asa_s.map_or_else(|| s.wait_s(agents[i]), |q| q * handled);
                                within += s.within(agents[i]);
                                modelled = true;
                            }
                            None => {
                                let ab = model.predicted_abandoned(c, i, agents[i]);
                                abandoned += ab;
                                answered += (o - ab).max(0.0);
                                wait += s.wait_s(agents[i]);
                                within += s.within(agents[i]);
                            }
                        }
                    }
                    if offered <= 0.0 {
                        continue;
                    }
                    let basis = match scope {
                        Scope::RestOfDay => Basis::Predicted,
                        Scope::Day => Basis::ActualsAndPredicted,
                    };
                    let row = |kpi, predicted, target, basis| KpiRow {
                        channel: name.clone(),
                        scope,
                        kpi,
                        predicted,
                        target,
                        basis,
                    };
                    out.push(row("offered", offered, None, basis));
                    out.push(row("abandoned", abandoned, None, basis));
                    out.push(row(
                        "abandon_rate",
                        abandoned / offered,
                        t.max_abandon_rate(),
                        basis,
                    ));
                    if answered > 0.0 {
                        out.push(row(
                            "asa_seconds",
                            wait / answered,
                            t.max_asa_seconds(),
                            basis,
                        ));
                    }
                    if let Some(sl) = t.service_level() {
                        let denom = if sl.abandoned_in_denominator() {
                            offered
                        } else {
                            answered
                        };
                        if denom > 0.0 {
                            out.push(row(
                                "service_level",
                                within / denom,
                                Some(sl.share()),
                                if modelled {
                                    Basis::ActualsModelledAndPredicted
                                } else {
                                    basis
                                },
                            ));
                        }
                    }
                }
            }
            None => {
                // Deferred: the work still expected against the agent-hours on the channel.
                let from = floor.first_open;
                let work_h: f64 = (from..n)
                    .map(|i| model.offered[c][i] * model.aht[c][i] / 3600.0)
                    .sum::<f64>()
                    / t.max_occupancy().max(1e-9);
                let (_, off) = ch.shrinkage().absence_and_off_phone();
                let hours: f64 = agents[from..].iter().sum::<f64>()
                    * floor.interval.num_seconds() as f64
                    / 3600.0
                    * (1.0 - off);
                out.push(KpiRow {
                    channel: name.clone(),
                    scope: Scope::RestOfDay,
                    kpi: "offered",
                    predicted: (from..n).map(|i| model.offered[c][i]).sum(),
                    target: None,
                    basis: Basis::Predicted,
                });
                out.push(KpiRow {
                    channel: name.clone(),
                    scope: Scope::RestOfDay,
                    kpi: "agent_hours",
                    predicted: hours,
                    target: Some(work_h),
                    basis: Basis::Predicted,
                });
            }
        }
    }
    out
}

/// Writes `kpis.csv`: channel, scope, kpi, predicted, target, meets, basis.
pub fn write_kpis<W: std::io::Write>(w: W, rows: &[KpiRow]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "channel",
        "scope",
        "kpi",
        "predicted",
        "target",
        "meets",
        "basis",
    ])?;
    for r in rows {
        let basis = match r.basis {
            Basis::Predicted => "predicted",
            Basis::ActualsAndPredicted => "actuals_and_predicted",
            Basis::ActualsModelledAndPredicted => "actuals_modelled_and_predicted",
        };
        out.write_record([
            r.channel.as_str(),
            r.scope.as_str(),
            r.kpi,
            &format!("{:.4}", r.predicted),
            &r.target.map_or(String::new(), |t| format!("{t:.4}")),
            match r.meets() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
            basis,
        ])?;
    }
    out.flush()
}
