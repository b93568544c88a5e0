//! The targets objective ("service-level rostering"): the roster programme against the channels'
//! targets themselves instead of a per-interval requirement.
//!
//! For every live channel with targets and every open interval with demand, a
//! [`rota_staffing::ServiceCurve`] gives the expected abandoned contacts `A(n)`, the total wait of
//! answered contacts `W(n)` and the contacts answered within the service-level threshold `S(n)`
//! with `n` agents rostered on the channel (Erlang A with the channel's patience, chat as a pool
//! of concurrency x agents slots, shrinkage taken off whole agents as the simulation takes it).
//! The programme uses their envelopes (lower convex for `A` and `W + ASA A`, upper concave for
//! `S`; [`rota_staffing::Envelope`]), so each target is linear over a [`TargetPeriod`] `p` of
//! intervals (Koole & van der Sluis 2003, a *global* service-level constraint):
//!
//! ```text
//! sum_{t in p} A_t                 - e_ab[p]  <= a   sum_{t in p} offered_t     abandoned
//! sum_{t in p} (W_t + ASA A_t)     - e_asa[p] <= ASA sum_{t in p} offered_t     wait of answered
//! sum_{t in p} S_t                 + e_sl[p]  >= SL  sum_{t in p} offered_t     answered in time
//! ```
//!
//! (the second is "wait of answered <= ASA x (offered - abandoned)" rearranged). The violations
//! `e >= 0` are what cannot be met with the people there are; each is penalised **per contact**
//! at [`ProgrammeTargets::penalty_per_contact`] times the channel's priority factor:
//! * `e_ab`: abandoned contacts over the allowed number;
//! * `e_sl`: contacts answered late (or not at all) beyond the allowed share;
//! * `e_asa`: contact-seconds of wait over the allowed total, converted to contacts by dividing
//!   by the channel's mean patience. With exponential patience (Erlang A) every second a contact
//!   waits carries an abandonment hazard of 1/patience, so `patience` seconds of excess waiting
//!   are, in expectation, worth one lost contact: the same unit as the other two.
//!
//! A contact lost counts 1; a contact answered late (`e_sl`) and a patience's worth of excess
//! waiting (`e_asa`) count [`ProgrammeTargets::late_weight`] (a quarter by default). An abandoned
//! contact is also a contact not answered within the threshold, and it also raises the wait the
//! ASA target allows for, so with all three counted at 1 a channel with all three targets
//! (voice) counted each lost call about three times, against once on a channel with only an
//! abandon target: on the sample week the programme then left reception with no one at all
//! (286 of 286 walk-ins predicted lost). At a quarter reception keeps part of its desk
//! (docs/ROSTER.md, "The targets objective", has the measured figures).
//!
//! So an understaffed week still gets its best roster, and a small channel cannot outweigh
//! hundreds of lost calls: a contact is worth the same on every channel, up to the priority
//! factor. The service-level target always counts abandoned contacts in its denominator (the
//! curve's `S` is over offered contacts); a channel configured otherwise is planned against that
//! stricter reading.
//!
//! Deferred channels (email, social) keep the backlog flow of [`crate::model::backlog`], and a
//! live channel without a finite patience (Erlang C) or without offered contacts keeps the
//! coverage rows of [`crate::model::coverage`].

use std::collections::BTreeMap;
use std::str::FromStr;

use rota_data::channel::ChannelName;
pub use rota_data::config::TargetPeriod;
use rota_staffing::{Envelope, ServiceCurve};
use serde::Serialize;

use super::error::RosterError;
use super::output::Roster;
use super::problem::{Horizon, RosterProblem};

/// What the roster programme minimises besides paid cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Tiered agent shortfall against the per-interval requirement (the programme of
    /// docs/ROSTER.md before issue #14).
    #[default]
    Coverage,
    /// The channels' targets over a period, with violations penalised per contact (this module).
    Targets,
}

impl FromStr for Objective {
    type Err = RosterError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "coverage" => Ok(Self::Coverage),
            "targets" => Ok(Self::Targets),
            other => Err(RosterError::Input(format!(
                "objective {other:?}: expected `targets` or `coverage`"
            ))),
        }
    }
}

/// One open interval with demand of a channel with targets: its curve and the envelopes the
/// programme uses.
#[derive(Debug, Clone)]
pub struct IntervalCurve {
    /// Interval index in the horizon.
    pub t: usize,
    /// Offered contacts.
    pub offered: f64,
    /// The true figures per whole agent rostered (for predictions).
    pub curve: ServiceCurve,
    /// Lower convex envelope of `A(n)`.
    pub abandoned: Envelope,
    /// Lower convex envelope of `W(n) + ASA A(n)`, seconds (with an ASA target).
    pub asa: Option<Envelope>,
    /// Upper concave envelope of `S(n)` (with a service-level target).
    pub within: Option<Envelope>,
    /// Upper concave envelope of the contacts answered within the longest acceptable wait (with
    /// a `max_wait_seconds` target; [`IntervalCurve::with_max_wait`]).
    pub within_max_wait: Option<Envelope>,
}

impl IntervalCurve {
    /// The interval with the cap on the wait ("never over 4 minutes"): `at_max_wait` is the same
    /// interval's curve with the longest acceptable wait as its threshold.
    pub fn with_max_wait(mut self, at_max_wait: &ServiceCurve) -> Self {
        self.within_max_wait = Some(at_max_wait.within_envelope());
        self
    }

    /// The contacts the cap allows to wait longer than the longest acceptable wait with `n`
    /// agents, beyond the allowed share, in contacts (0 without a cap): see
    /// [`ChannelTargetRows::wait_cap_floor`].
    pub fn wait_cap_excess(&self, ct: &ChannelTargetRows, horizon: &Horizon, n: f64) -> f64 {
        match &self.within_max_wait {
            Some(env) if ct.max_wait.is_some() => {
                (ct.wait_cap_floor(horizon, self) - env.value(n)).max(0.0)
            }
            _ => 0.0,
        }
    }
}

/// The targets of one live channel and its curves.
#[derive(Debug, Clone)]
pub struct ChannelTargetRows {
    /// Index of the channel in [`crate::RosterProblem::channels`].
    pub channel: usize,
    /// The period each target is summed over.
    pub period: TargetPeriod,
    /// Largest abandoned share of offered contacts.
    pub max_abandon: Option<f64>,
    /// Largest average wait of answered contacts, seconds.
    pub max_asa_s: Option<f64>,
    /// Smallest share of offered contacts answered within [`ChannelTargetRows::threshold_s`].
    pub service_level: Option<f64>,
    /// The cap on the wait in every interval: the longest acceptable wait (seconds) and the
    /// share of contacts that must be answered within it ("never over 4 minutes" as "95% within
    /// 240 s"), with the row of [`IntervalCurve::wait_cap_excess`].
    pub max_wait: Option<(f64, f64)>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Mean patience, seconds: converts excess wait to contacts (module doc).
    pub patience_s: f64,
    /// Priority factor of the channel's violations (as [`crate::ChannelPlan::shortfall_weight`]).
    pub weight: f64,
    /// The open intervals with demand, ascending.
    pub intervals: Vec<IntervalCurve>,
    /// Stricter (or, negative, looser) targets on some days, from verification by simulation
    /// ([`ChannelTargetRows::tightening`]): day index -> how much lower the abandon share, lower
    /// the ASA (seconds), higher the service-level share and higher the cap's share the
    /// programme plans for that day.
    pub tighten: std::collections::BTreeMap<usize, [f64; 4]>,
}

impl ChannelTargetRows {
    /// What a contact short of the cap on the wait counts, against one lost: the late weight,
    /// halved where the channel also has a service-level target, since a contact answered
    /// after the longest acceptable wait is also late for the service level and would
    /// otherwise count twice.
    pub fn cap_weight(&self, targets: &ProgrammeTargets) -> f64 {
        if self.service_level.is_some() {
            targets.late_weight / 2.0
        } else {
            targets.late_weight
        }
    }

    /// The contacts of an interval with `offered` contacts that the cap on the wait wants
    /// answered within the longest acceptable wait: `share x (1 - a) x offered`, `a` the abandon
    /// target (0 without one). The simulation judges the share of *answered* contacts; answered
    /// is `offered - abandoned`, which the row cannot use (its abandoned term would reward the
    /// programme for leaving the abandon segments unfilled), so it is taken at the abandon
    /// target: exact where the abandon target is just met, up to `a x share` of the answered
    /// contacts optimistic where fewer abandon, and stricter where more do.
    /// `ic` is the interval, for the day's move from verification.
    pub fn wait_cap_floor(&self, horizon: &Horizon, ic: &IntervalCurve) -> f64 {
        let moved = self
            .tighten
            .get(&horizon.day_of_interval(ic.t))
            .map_or(0.0, |d| d[3]);
        self.max_wait.map_or(0.0, |(_, share)| {
            ((share + moved).clamp(0.0, 1.0)) * (1.0 - self.max_abandon.unwrap_or(0.0)) * ic.offered
        })
    }

    /// What the day's tightening takes off interval `ic`'s allowance, in each target's unit:
    /// `[abandoned contacts, contact-seconds of wait, contacts answered in time]`. The ASA's
    /// allowance is `ASA x answered`; answered is taken as `offered x (1 - abandon target)`,
    /// so the row stays linear (the tightening is itself an estimate from the simulation).
    pub fn tightening(&self, horizon: &Horizon, ic: &IntervalCurve) -> [f64; 3] {
        let Some(d) = self.tighten.get(&horizon.day_of_interval(ic.t)) else {
            return [0.0; 3];
        };
        let answered = ic.offered * (1.0 - self.max_abandon.unwrap_or(0.0));
        [d[0] * ic.offered, d[1] * answered, d[2] * ic.offered]
    }
}

/// The targets of every live channel that has them, and the price of a contact lost.
#[derive(Debug, Clone)]
pub struct ProgrammeTargets {
    /// Channels with targets (live channels with demand and a finite patience).
    pub channels: Vec<ChannelTargetRows>,
    /// Penalty per contact of violation before the channel's priority factor, in cost units.
    pub penalty_per_contact: f64,
    /// What a contact answered late (beyond the service-level target's allowed share) or a
    /// patience's worth of excess waiting counts for, against one contact lost (module doc).
    pub late_weight: f64,
}

impl ProgrammeTargets {
    /// Default penalty per contact of violation: 50 (about three agent-hours at 15/h), far above
    /// what an agent-hour costs and buys (an understaffed voice hour saves about 3 calls), so the
    /// programme uses every hour the contracts allow where it saves contacts.
    pub const DEFAULT_PENALTY_PER_CONTACT: f64 = 50.0;

    /// Penalty per contact of violation when the programme may hire (`rota schedule --hire`):
    /// there the question is what staffing *meets* the targets, so a contact over a target must
    /// cost more than any hire's weekly pay and one-off cost per contact that hire saves (a
    /// full-time advisor at GBP 13/h saves at best a few contacts an hour, so GBP 5-10 a
    /// contact). At 1,000 the targets bind wherever the options can meet them, and violations
    /// remain only where `max_count`, the templates or the contracts make a target unreachable.
    pub const HIRE_PENALTY_PER_CONTACT: f64 = 1000.0;

    /// Default [`ProgrammeTargets::late_weight`]: a contact answered late counts a quarter of a
    /// contact lost (module doc).
    pub const DEFAULT_LATE_WEIGHT: f64 = 0.25;

    /// The targets of channel `c`, if it has any.
    pub fn of_channel(&self, c: usize) -> Option<&ChannelTargetRows> {
        self.channels.iter().find(|ct| ct.channel == c)
    }
}

/// The figures of one channel over one period with a given number of agents per interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFigures {
    /// Channel name.
    pub channel: ChannelName,
    /// `interval`, `day` or `week`.
    pub period: TargetPeriod,
    /// The period for a manager (`Mon 16 Nov`).
    pub label: String,
    /// Offered contacts.
    pub offered: f64,
    /// Expected abandoned contacts.
    pub abandoned: f64,
    /// Abandoned share of offered.
    pub abandon_rate: f64,
    /// Expected total wait of answered contacts, seconds.
    pub wait_seconds: f64,
    /// Expected contacts answered within the threshold.
    pub answered_in_time: f64,
    /// Expected average wait of answered contacts, seconds.
    pub asa_seconds: f64,
    /// Expected share of offered answered within the threshold.
    pub service_level: f64,
    /// The channel's abandon target (largest share), if any.
    pub target_abandon: Option<f64>,
    /// The channel's ASA target, seconds, if any.
    pub target_asa_seconds: Option<f64>,
    /// The channel's service-level target (smallest share), if any.
    pub target_service_level: Option<f64>,
    /// The service-level threshold, seconds.
    pub threshold_seconds: f64,
    /// Abandoned contacts over the allowed number (0 when met or without that target).
    pub abandon_excess: f64,
    /// Excess wait of answered contacts, in contacts (seconds over the allowed total / patience).
    pub asa_excess: f64,
    /// Contacts answered late beyond the allowed share.
    pub service_level_excess: f64,
}

impl PeriodFigures {
    /// The figures from the period's sums (`[offered, abandoned, wait seconds, answered in
    /// time]`) and violations (`[abandoned, waiting, answered late]`, contacts); no targets set.
    fn from_sums(
        channel: ChannelName,
        period: TargetPeriod,
        label: String,
        sums: [f64; 4],
        excess: [f64; 3],
    ) -> Self {
        let [offered, abandoned, wait, within] = sums;
        let share = |x: f64, of: f64| if of > 1e-9 { x / of } else { 0.0 };
        Self {
            channel,
            period,
            label,
            offered,
            abandoned,
            abandon_rate: share(abandoned, offered),
            wait_seconds: wait,
            answered_in_time: within,
            asa_seconds: share(wait, offered - abandoned),
            service_level: share(within, offered),
            target_abandon: None,
            target_asa_seconds: None,
            target_service_level: None,
            threshold_seconds: 0.0,
            abandon_excess: excess[0],
            asa_excess: excess[1],
            service_level_excess: excess[2],
        }
    }

    /// All three violations, in contacts.
    pub fn excess_contacts(&self) -> f64 {
        self.abandon_excess + self.asa_excess + self.service_level_excess
    }
}

/// The violations of one period in contacts from its sums (see the module doc): abandoned over
/// `a offered`; wait over `ASA (offered - abandoned)`, divided by the patience; answered in time
/// short of `SL offered`. Used by the objective of a written roster and by the predictions.
pub fn violations(
    ct: &ChannelTargetRows,
    offered: f64,
    abandoned: f64,
    asa_lhs: f64,
    within: f64,
    tightening: [f64; 3],
) -> [f64; 3] {
    let ab = ct
        .max_abandon
        .map_or(0.0, |a| (abandoned - a * offered + tightening[0]).max(0.0));
    let asa = ct.max_asa_s.map_or(0.0, |s| {
        (asa_lhs - s * offered + tightening[1]).max(0.0) / ct.patience_s
    });
    let sl = ct
        .service_level
        .map_or(0.0, |sl| (sl * offered - within + tightening[2]).max(0.0));
    [ab, asa, sl]
}

/// The programme's penalty of a whole-agent roster on the channels with targets: per channel and
/// period the violations of the *envelopes* at `agents(c, t)` (the programme's own functions, so
/// the LP bound bounds it), times the penalty per contact and the channel's factor, less the
/// tie-break reward for abandoned contacts saved ([`crate::model::targets::TIE_BREAK_SHARE`]).
pub fn penalty(
    targets: &ProgrammeTargets,
    horizon: &Horizon,
    agents: &dyn Fn(usize, usize) -> f64,
) -> f64 {
    let mut total = 0.0;
    for ct in &targets.channels {
        for (_, sums) in period_sums(ct, horizon, |ic| {
            LocalPenalty::terms(ct, horizon, ic, agents(ct.channel, ic.t))
        }) {
            let tight = [sums[4], sums[5], sums[6]];
            let v = violations(ct, sums[0], sums[1], sums[2], sums[3], tight);
            total += targets.penalty_per_contact
                * ct.weight
                * (v[0] + targets.late_weight * (v[1] + v[2]));
        }
        let capped: f64 = ct
            .intervals
            .iter()
            .map(|ic| ic.wait_cap_excess(ct, horizon, agents(ct.channel, ic.t)))
            .sum();
        total += targets.penalty_per_contact * ct.weight * ct.cap_weight(targets) * capped;
        let saved: f64 = ct
            .intervals
            .iter()
            .map(|ic| ic.abandoned.at(0) - ic.abandoned.value(agents(ct.channel, ic.t)))
            .sum();
        total -= crate::model::targets::TIE_BREAK_SHARE
            * targets.penalty_per_contact
            * ct.weight
            * saved;
    }
    total
}

/// [`penalty`] as a function of one channel and interval's agents, everything else held at
/// `agents`: what moving one agent in or out of `(c, t)` does to the programme's objective. The
/// channel stint pass ([`crate::stints`]) prices its moves with it.
pub(crate) struct LocalPenalty<'a> {
    targets: &'a ProgrammeTargets,
    horizon: &'a Horizon,
    /// Per channel with targets: index in `targets.channels`, the interval curves by interval,
    /// and the period sums at `agents` by period key.
    channels: BTreeMap<usize, LocalChannel>,
}

struct LocalChannel {
    rows: usize,
    by_t: BTreeMap<usize, usize>,
    sums: BTreeMap<usize, [f64; 7]>,
    agents: BTreeMap<usize, f64>,
}

impl<'a> LocalPenalty<'a> {
    /// The penalty terms of one interval with `n` agents (those [`penalty`] sums per period).
    fn terms(ct: &ChannelTargetRows, horizon: &Horizon, ic: &IntervalCurve, n: f64) -> [f64; 7] {
        let [ta, tw, ts] = ct.tightening(horizon, ic);
        [
            ic.offered,
            ic.abandoned.value(n),
            ic.asa.as_ref().map_or(0.0, |e| e.value(n)),
            ic.within.as_ref().map_or(0.0, |e| e.value(n)),
            ta,
            tw,
            ts,
        ]
    }

    /// The penalty's period sums at `agents(c, t)`.
    pub(crate) fn new(
        targets: &'a ProgrammeTargets,
        horizon: &'a Horizon,
        agents: &dyn Fn(usize, usize) -> f64,
    ) -> Self {
        let mut channels = BTreeMap::new();
        for (rows, ct) in targets.channels.iter().enumerate() {
            let mut local = LocalChannel {
                rows,
                by_t: BTreeMap::new(),
                sums: BTreeMap::new(),
                agents: BTreeMap::new(),
            };
            for (i, ic) in ct.intervals.iter().enumerate() {
                let n = agents(ct.channel, ic.t);
                local.by_t.insert(ic.t, i);
                local.agents.insert(ic.t, n);
                let key = horizon.period_key(ct.period, ic.t);
                let sums = local.sums.entry(key).or_insert([0.0; 7]);
                for (s, x) in sums.iter_mut().zip(Self::terms(ct, horizon, ic, n)) {
                    *s += x;
                }
            }
            channels.insert(ct.channel, local);
        }
        Self {
            targets,
            horizon,
            channels,
        }
    }

    /// The penalty of channel `c`'s period around `t`, its wait cap in `t` and the tie-break of
    /// `t`, with `n` agents in `t` and the rest as given to [`Self::new`]; `None` when `c` has no
    /// targets (0 for an interval without contacts).
    pub(crate) fn value(&self, c: usize, t: usize, n: f64) -> Option<f64> {
        let local = self.channels.get(&c)?;
        let ct = &self.targets.channels[local.rows];
        let Some(&i) = local.by_t.get(&t) else {
            return Some(0.0);
        };
        let ic = &ct.intervals[i];
        let key = self.horizon.period_key(ct.period, t);
        let mut sums = local.sums.get(&key).copied().unwrap_or([0.0; 7]);
        let now = local.agents.get(&t).copied().unwrap_or(0.0);
        let before = Self::terms(ct, self.horizon, ic, now);
        let after = Self::terms(ct, self.horizon, ic, n);
        for k in 0..7 {
            sums[k] += after[k] - before[k];
        }
        let v = violations(
            ct,
            sums[0],
            sums[1],
            sums[2],
            sums[3],
            [sums[4], sums[5], sums[6]],
        );
        let price = self.targets.penalty_per_contact * ct.weight;
        Some(
            price * (v[0] + self.targets.late_weight * (v[1] + v[2]))
                + price * ct.cap_weight(self.targets) * ic.wait_cap_excess(ct, self.horizon, n)
                - crate::model::targets::TIE_BREAK_SHARE
                    * price
                    * (ic.abandoned.at(0) - ic.abandoned.value(n)),
        )
    }
}

/// Sums of `f` over the intervals of each period of `ct`: (first interval of the period, sums).
fn period_sums<const N: usize>(
    ct: &ChannelTargetRows,
    horizon: &Horizon,
    mut f: impl FnMut(&IntervalCurve) -> [f64; N],
) -> Vec<(usize, [f64; N])> {
    let mut out: Vec<(usize, usize, [f64; N])> = Vec::new();
    for ic in &ct.intervals {
        let key = horizon.period_key(ct.period, ic.t);
        let v = f(ic);
        match out.last_mut() {
            Some((k, _, sums)) if *k == key => {
                for (s, x) in sums.iter_mut().zip(v) {
                    *s += x;
                }
            }
            _ => out.push((key, ic.t, v)),
        }
    }
    out.into_iter().map(|(_, t, s)| (t, s)).collect()
}

/// The predicted figures of every channel with targets, per period, with `agents(c, t)` whole
/// agents rostered on channel `c` in interval `t` (a roster's coverage): the true curves (not
/// their envelopes), so the figures are what the queueing model expects of that roster.
pub fn predict(
    targets: &ProgrammeTargets,
    horizon: &Horizon,
    names: &dyn Fn(usize) -> ChannelName,
    agents: &dyn Fn(usize, usize) -> f64,
) -> Vec<PeriodFigures> {
    let mut out = Vec::new();
    for ct in &targets.channels {
        let max_asa = ct.max_asa_s.unwrap_or(0.0);
        for (t0, s) in period_sums(ct, horizon, |ic| {
            let n = agents(ct.channel, ic.t).round().max(0.0) as u32;
            let (a, w, sl) = (
                ic.curve.abandoned(n),
                ic.curve.wait_s(n),
                ic.curve.within_threshold(n),
            );
            [ic.offered, a, w, sl, w + max_asa * a]
        }) {
            let [offered, abandoned, wait, within, asa_lhs] = s;
            // against the targets as set, not as tightened: the manager's figures
            let v = violations(ct, offered, abandoned, asa_lhs, within, [0.0; 3]);
            let mut f = PeriodFigures::from_sums(
                names(ct.channel),
                ct.period,
                horizon.period_label(ct.period, t0),
                [offered, abandoned, wait, within],
                v,
            );
            f.target_abandon = ct.max_abandon;
            f.target_asa_seconds = ct.max_asa_s;
            f.target_service_level = ct.service_level;
            f.threshold_seconds = ct.threshold_s;
            out.push(f);
        }
    }
    out
}

/// How many more people a period that misses its targets would need, and when: whole agents
/// added one at a time, each to the interval of the period where it cuts the period's violation
/// (abandoned over the target, plus `late_weight` x answered late and excess wait, in contacts)
/// the most, on the true curves, until the period meets its targets or another agent no longer
/// helps (an abandon target below what any staffing reaches). `agents(t)` is the channel's
/// rostered agents in interval `t`.
#[derive(Debug, Clone, PartialEq)]
pub struct PeopleNeeded {
    /// More agents at the busiest interval.
    pub peak: u32,
    /// The intervals (first, last) where at least half the peak is needed.
    pub window: (usize, usize),
    /// More agent-hours over the period.
    pub agent_hours: f64,
    /// Whether the period then meets every target (false: stopped where another agent saved
    /// less than a hundredth of a contact, or at the curves' end).
    pub meets: bool,
}

/// [`PeopleNeeded`] of the intervals `period` (indices into `ct.intervals`) of channel `ct`.
pub fn people_needed(
    ct: &ChannelTargetRows,
    period: &[usize],
    interval_h: f64,
    late_weight: f64,
    agents: &dyn Fn(usize) -> f64,
) -> Option<PeopleNeeded> {
    let max_asa = ct.max_asa_s.unwrap_or(0.0);
    let excess = |n: &[u32]| -> f64 {
        let mut sums = [0.0; 4];
        for (k, &i) in period.iter().enumerate() {
            let ic = &ct.intervals[i];
            let (a, w) = (ic.curve.abandoned(n[k]), ic.curve.wait_s(n[k]));
            sums[0] += ic.offered;
            sums[1] += a;
            sums[2] += w + max_asa * a;
            sums[3] += ic.curve.within_threshold(n[k]);
        }
        let v = violations(ct, sums[0], sums[1], sums[2], sums[3], [0.0; 3]);
        v[0] + late_weight * (v[1] + v[2])
    };
    let start: Vec<u32> = period
        .iter()
        .map(|&i| agents(ct.intervals[i].t).round().max(0.0) as u32)
        .collect();
    let mut n = start.clone();
    let mut now = excess(&n);
    if now < 0.5 {
        return None;
    }
    // at most a few hundred more agents per interval: far beyond any curve's end
    for _ in 0..(400 * period.len()) {
        let mut best: Option<(usize, f64)> = None;
        for k in 0..n.len() {
            if n[k] >= ct.intervals[period[k]].curve.n_max() {
                continue;
            }
            n[k] += 1;
            let e = excess(&n);
            n[k] -= 1;
            if best.is_none_or(|(_, b)| e < b) {
                best = Some((k, e));
            }
        }
        match best {
            Some((k, e)) if now - e >= 0.01 => {
                n[k] += 1;
                now = e;
            }
            _ => break,
        }
        if now < 0.5 {
            break;
        }
    }
    let more: Vec<u32> = n.iter().zip(&start).map(|(a, b)| a - b).collect();
    let peak = more.iter().copied().max().unwrap_or(0);
    if peak == 0 {
        return Some(PeopleNeeded {
            peak: 0,
            window: (ct.intervals[period[0]].t, ct.intervals[period[0]].t),
            agent_hours: 0.0,
            meets: false,
        });
    }
    let busy: Vec<usize> = more
        .iter()
        .enumerate()
        .filter(|(_, m)| 2 * **m >= peak)
        .map(|(k, _)| ct.intervals[period[k]].t)
        .collect();
    Some(PeopleNeeded {
        peak,
        window: (busy[0], *busy.last().expect("the peak is in it")),
        agent_hours: f64::from(more.iter().sum::<u32>()) * interval_h,
        meets: now < 0.5,
    })
}

/// The diagnosis of every period that misses a target, in people: [`describe`] of the period,
/// then what [`people_needed`] says it would take ("about 14 more agents at 08:00-11:45, 62
/// agent-hours over the period, would meet them").
pub fn diagnosis_in_people(
    targets: &ProgrammeTargets,
    horizon: &Horizon,
    names: &dyn Fn(usize) -> ChannelName,
    agents: &dyn Fn(usize, usize) -> f64,
) -> Vec<String> {
    let figures = predict(targets, horizon, names, agents);
    let interval_h = f64::from(horizon.interval_minutes()) / 60.0;
    let mut out = Vec::new();
    let mut f = figures.iter();
    for ct in &targets.channels {
        // the channel's periods in the order predict() gives them
        let mut periods: Vec<Vec<usize>> = Vec::new();
        let mut last = None;
        for (i, ic) in ct.intervals.iter().enumerate() {
            let key = horizon.period_key(ct.period, ic.t);
            if last != Some(key) {
                periods.push(Vec::new());
                last = Some(key);
            }
            periods.last_mut().expect("pushed").push(i);
        }
        for period in periods {
            let Some(fig) = f.next() else { break };
            if fig.excess_contacts() < 0.5 {
                continue;
            }
            let needed = people_needed(ct, &period, interval_h, targets.late_weight, &|t| {
                agents(ct.channel, t)
            });
            let clock = |t: usize| horizon.instant(t).format("%H:%M").to_string();
            let until = |t: usize| {
                (horizon.instant(t)
                    + chrono::Duration::minutes(i64::from(horizon.interval_minutes())))
                .format("%H:%M")
                .to_string()
            };
            let said = match needed {
                Some(p) if p.peak > 0 => format!(
                    "about {} more {} at {}-{} ({:.0} more agent-hours over the {}) {}",
                    p.peak,
                    if p.peak == 1 { "agent" } else { "agents" },
                    clock(p.window.0),
                    until(p.window.1),
                    p.agent_hours,
                    fig.period,
                    if p.meets {
                        "would meet them"
                    } else {
                        "is as far as more people go: the rest cannot be met by staffing"
                    }
                ),
                _ => "more people would not help: the targets cannot be met by staffing".into(),
            };
            out.push(format!("{}; {said}", describe(fig)));
        }
    }
    out
}

/// The predicted figures of `roster` (its coverage rows: whole agents per channel and interval)
/// against the targets of `problem`, per channel and period; empty without targets.
pub fn predict_roster(problem: &RosterProblem, roster: &Roster) -> Vec<PeriodFigures> {
    let Some(targets) = &problem.targets else {
        return Vec::new();
    };
    let n_c = problem.channels.len();
    let names = |c: usize| problem.channels[c].name.clone();
    let agents = |c: usize, t: usize| {
        roster
            .coverage
            .get(t * n_c + c)
            .map_or(0.0, |row| row.scheduled)
    };
    predict(targets, &problem.horizon, &names, &agents)
}

/// One KPI the programme expects of a roster for a live channel over a day or the whole horizon
/// (`roster.json`'s `predicted`): named as in the simulation's `S.summary.csv` (`period` a local
/// date or `week`, `kpi` `abandon_rate`, `asa_seconds` or `service_level`), so a prediction and
/// a simulation of the same roster can be set side by side (`rota schedule --verify`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictedKpi {
    /// Channel name.
    pub channel: ChannelName,
    /// A local date (`2026-11-16`) or `week`.
    pub period: String,
    /// The KPI.
    pub kpi: rota_data::config::Kpi,
    /// The expected figure: a share, or seconds for ASA.
    pub value: f64,
}

/// The programme's predictions for every channel with targets, per local day and over the
/// horizon, with `agents(c, t)` whole agents rostered on channel `c` in interval `t`, whatever
/// period the targets are summed over. These are the figures the programme's rows constrain:
/// the envelopes of abandoned and answered in time (the true curve without a service-level
/// target) and the true wait, so that
/// `--verify` compares the simulation with what the programme believed and moves its rows by
/// the difference. The envelopes flatter the true curves where those are not convex (small
/// staffing; docs/STAFFING.md); the notes of `rota schedule` use the true curves ([`predict`]). A KPI with nothing to
/// judge (no contacts offered, none answered for ASA) is left out, as the simulation leaves it
/// undefined.
pub fn predicted_kpis(
    targets: &ProgrammeTargets,
    horizon: &Horizon,
    names: &dyn Fn(usize) -> ChannelName,
    agents: &dyn Fn(usize, usize) -> f64,
) -> Vec<PredictedKpi> {
    use rota_data::config::Kpi;
    let mut out = Vec::new();
    for ct in &targets.channels {
        // per day: [offered, abandoned, wait seconds, answered in time, within the longest wait]
        let mut days: Vec<(usize, [f64; 5])> = Vec::new();
        for ic in &ct.intervals {
            let n = agents(ct.channel, ic.t).round().max(0.0);
            let whole = n as u32;
            // the programme's own figures: the envelopes its rows constrain for the abandoned
            // and the answered in time; the wait from the true curve, since the ASA row's
            // envelope is of wait + ASA x abandoned together and says nothing of the wait alone
            // where many abandon
            let abandoned = ic.abandoned.value(n);
            let wait = ic.curve.wait_s(whole);
            let within = ic
                .within
                .as_ref()
                .map_or_else(|| ic.curve.within_threshold(whole), |e| e.value(n));
            let within_max = ic.within_max_wait.as_ref().map_or(0.0, |e| e.value(n));
            let v = [ic.offered, abandoned, wait, within, within_max];
            let d = horizon.day_of_interval(ic.t);
            match days.last_mut() {
                Some((k, sums)) if *k == d => sums.iter_mut().zip(v).for_each(|(s, x)| *s += x),
                _ => days.push((d, v)),
            }
        }
        let mut week = [0.0; 5];
        let mut periods: Vec<(String, [f64; 5])> = Vec::new();
        for (d, sums) in days {
            week.iter_mut().zip(sums).for_each(|(w, x)| *w += x);
            periods.push((horizon.date(d).to_string(), sums));
        }
        if !periods.is_empty() {
            periods.push(("week".to_string(), week));
        }
        for (period, [offered, abandoned, wait, within, within_max]) in periods {
            if offered <= 1e-9 {
                continue;
            }
            let mut kpi = |kpi: Kpi, value: f64| {
                out.push(PredictedKpi {
                    channel: names(ct.channel),
                    period: period.clone(),
                    kpi,
                    value,
                })
            };
            kpi(Kpi::AbandonRate, abandoned / offered);
            if offered - abandoned > 1e-9 {
                kpi(Kpi::AsaSeconds, wait / (offered - abandoned));
            }
            if ct.service_level.is_some() {
                kpi(Kpi::ServiceLevel, within / offered);
            }
            if ct.max_wait.is_some() && offered - abandoned > 1e-9 {
                // as the simulation reports it: a share of the answered contacts
                kpi(
                    Kpi::WaitWithinMaxShare,
                    (within_max / (offered - abandoned)).min(1.0),
                );
            }
        }
    }
    out
}

/// The figures of several periods of one channel added up (a week of days), labelled `label`.
pub fn combine(periods: &[&PeriodFigures], label: &str) -> Option<PeriodFigures> {
    let first = periods.first()?;
    let sum = |f: fn(&PeriodFigures) -> f64| periods.iter().map(|p| f(p)).sum::<f64>();
    let mut f = PeriodFigures::from_sums(
        first.channel.clone(),
        first.period,
        label.to_string(),
        [
            sum(|p| p.offered),
            sum(|p| p.abandoned),
            sum(|p| p.wait_seconds),
            sum(|p| p.answered_in_time),
        ],
        [
            sum(|p| p.abandon_excess),
            sum(|p| p.asa_excess),
            sum(|p| p.service_level_excess),
        ],
    );
    f.target_abandon = first.target_abandon;
    f.target_asa_seconds = first.target_asa_seconds;
    f.target_service_level = first.target_service_level;
    f.threshold_seconds = first.threshold_seconds;
    Some(f)
}

fn minutes_seconds(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

/// One period in a manager's words: "voice Mon 16 Nov: 1,650 calls, 412 abandoned (25.0%;
/// target 10%), answered in 9 min 40 s on average (target 2 min 00 s), 31% within 60 s (target
/// 80%); the targets are missed by 247 contacts".
pub fn describe(f: &PeriodFigures) -> String {
    let mut parts = vec![format!(
        "{} {}: {:.0} contacts, {:.0} abandoned ({:.1}%{})",
        f.channel,
        f.label,
        f.offered,
        f.abandoned,
        100.0 * f.abandon_rate,
        f.target_abandon
            .map_or(String::new(), |a| format!("; target {:.0}%", 100.0 * a))
    )];
    parts.push(format!(
        "answered in {} on average{}",
        minutes_seconds(f.asa_seconds),
        f.target_asa_seconds.map_or(String::new(), |a| format!(
            " (target {})",
            minutes_seconds(a)
        ))
    ));
    if let Some(sl) = f.target_service_level {
        parts.push(format!(
            "{:.0}% within {:.0} s (target {:.0}%)",
            100.0 * f.service_level,
            f.threshold_seconds,
            100.0 * sl
        ));
    }
    let excess = f.excess_contacts();
    let verdict = if excess < 0.5 {
        "every target met".to_string()
    } else {
        let mut by = Vec::new();
        for (v, what) in [
            (f.abandon_excess, "abandoned"),
            (f.asa_excess, "waiting"),
            (f.service_level_excess, "answered late"),
        ] {
            if v >= 0.5 {
                by.push(format!("{v:.0} {what}"));
            }
        }
        format!(
            "the targets are missed by {excess:.0} contacts ({})",
            by.join(", ")
        )
    };
    format!("{}; {verdict}", parts.join(", "))
}

/// Per channel, the whole horizon in one line ([`describe`] of the periods [`combine`]d), with how
/// many of its periods miss a target.
pub fn summary_lines(figures: &[PeriodFigures]) -> Vec<String> {
    let mut channels: Vec<&str> = figures.iter().map(|f| f.channel.as_str()).collect();
    channels.dedup();
    let mut out = Vec::new();
    for ch in channels {
        let periods: Vec<&PeriodFigures> = figures.iter().filter(|f| f.channel == ch).collect();
        let missed = periods
            .iter()
            .filter(|p| p.excess_contacts() >= 0.5)
            .count();
        if let Some(all) = combine(&periods, "over the horizon") {
            out.push(format!(
                "predicted by the programme: {}; {} of {} {} periods miss a target",
                describe(&all),
                missed,
                periods.len(),
                all.period
            ));
        }
    }
    out
}

/// The curve of one interval with its envelopes, for a channel's targets.
pub fn interval_curve(
    t: usize,
    curve: ServiceCurve,
    max_asa_s: Option<f64>,
    service_level: bool,
) -> IntervalCurve {
    IntervalCurve {
        t,
        offered: curve.spec().offered,
        abandoned: curve.abandoned_envelope(),
        asa: max_asa_s.map(|s| curve.asa_envelope(s)),
        within: service_level.then(|| curve.within_envelope()),
        within_max_wait: None,
        curve,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_bad_ones_are_clear_errors() {
        assert_eq!("day".parse::<TargetPeriod>().unwrap(), TargetPeriod::Day);
        assert_eq!("week".parse::<TargetPeriod>().unwrap(), TargetPeriod::Week);
        assert_eq!(
            "interval".parse::<TargetPeriod>().unwrap(),
            TargetPeriod::Interval
        );
        let e = "month".parse::<TargetPeriod>().unwrap_err();
        assert!(
            e.contains("\"month\"") && e.contains("interval") && e.contains("week"),
            "{e}"
        );
        assert_eq!(TargetPeriod::default(), TargetPeriod::Day);
        assert_eq!(Objective::default(), Objective::Coverage);
        assert!("cost".parse::<Objective>().is_err());
    }
}
