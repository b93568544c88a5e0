//! The compiled, read-only model shared by all replications: per channel and interval the arrival
//! rate, the replayed count and the handle-time parameters; per agent the skills, the overflow
//! order and the change list of the roster as planned.

use rota_data::config::{CentreConfig, Channel};

use super::shrinkage::{shifts_of, split_shrinkage, ShiftShrinkage};
use super::{Waiting, NONE};
use crate::error::SimulationError;
use crate::input::{AgentTimeline, SimulationInput};
use crate::{
    ArrivalProcess, ClosingPolicy, HandleTimeModel, PatienceModel, Routing, ShrinkageModel,
    SimulationOptions,
};

/// Patience as sampled.
#[derive(Debug, Clone)]
pub(super) enum Patience {
    Exponential(f64),
    Empirical(Vec<f64>),
    Infinite,
}

/// A channel as the engine sees it.
#[derive(Debug, Clone)]
pub(crate) struct ChanModel {
    pub live: bool,
    pub conc: u8,
    pub(super) factors: Vec<f64>,
    pub(super) patience: Patience,
    /// Service-level threshold, seconds.
    pub sl_threshold_s: f64,
    /// Longest acceptable wait, seconds.
    pub max_wait_s: Option<f64>,
    /// Response target (seconds, worked hours only).
    pub response: Option<(f64, bool)>,
}

/// One agent as the engine sees it.
#[derive(Debug, Clone)]
pub(super) struct AgentModel {
    pub(super) skills: u64,
    /// Live channels the agent is skilled in, lowest priority number first.
    pub(super) overflow: Vec<u8>,
    /// (time, channel worked or NONE), strictly increasing times: the roster as planned.
    pub(super) changes: Vec<(f64, u8)>,
    /// Rostered periods (start, end, channel worked), sorted by start.
    pub(super) periods: Vec<(f64, f64, Option<usize>)>,
    /// Shifts with their shrinkage (empty when shrinkage is off).
    pub(super) shifts: Vec<ShiftShrinkage>,
}

/// Periods with the channel worked as a change-list code (NONE: not working).
fn codes(periods: &[(f64, f64, Option<usize>)]) -> Vec<(f64, f64, u8)> {
    periods
        .iter()
        .map(|&(s, e, c)| (s, e, c.map(|c| c as u8).unwrap_or(NONE)))
        .collect()
}

/// The change list of an agent's periods: (time, code) at each change of state.
pub(super) fn compile_changes(periods: &[(f64, f64, u8)]) -> Vec<(f64, u8)> {
    let mut changes: Vec<(f64, u8)> = Vec::new();
    let mut push = |t: f64, c: u8| {
        if let Some(last) = changes.last_mut() {
            if last.0 == t {
                last.1 = c;
                return;
            }
        }
        changes.push((t, c));
    };
    for (k, &(s, e, c)) in periods.iter().enumerate() {
        push(s, c);
        let next_starts_at_end = periods.get(k + 1).is_some_and(|p| p.0 <= e);
        if !next_starts_at_end {
            push(e, NONE);
        }
    }
    // Drop changes that repeat the current state.
    let mut dedup: Vec<(f64, u8)> = Vec::with_capacity(changes.len());
    let mut state = NONE;
    for (t, c) in changes {
        if c != state {
            dedup.push((t, c));
            state = c;
        }
    }
    dedup
}

/// The compiled, read-only model shared by all replications.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub n_ch: usize,
    pub n_iv: usize,
    pub interval_s: f64,
    pub horizon_s: f64,
    pub chans: Vec<ChanModel>,
    /// Channels by priority (lowest number first), then config order.
    pub(super) order: Vec<u8>,
    pub(super) demand: DemandTables,
    /// (time, live channel) at which the channel stops taking contacts.
    pub(super) close_times: Vec<(f64, u8)>,
    worked_cum: Vec<Vec<f64>>,
    worked: Vec<Vec<bool>>,
    pub(super) agents: Vec<AgentModel>,
    /// `[c * n_iv + i]` agent-seconds rostered on channel c in interval i.
    pub staffed: Vec<f64>,
    pub(super) multi_skill: bool,
    pub(super) replay: bool,
    /// Shrinkage is drawn in every replication (configured and not zero).
    pub(super) shrinkage: bool,
    /// Deferred backlog at the start of every replication (see [`super::pilot_backlog`]).
    pub initial_backlog: Vec<Vec<Waiting>>,
}

/// Arrivals and handle times per `[c * n_iv + i]`, precomputed so that a replication only draws.
#[derive(Debug, Clone)]
pub(super) struct DemandTables {
    /// Poisson arrival rate, contacts per second.
    pub(super) rate: Vec<f64>,
    /// Replayed count ([`ArrivalProcess::Replay`]).
    pub(super) count: Vec<u32>,
    /// Exponential: the mean; lognormal: mu.
    pub(super) ht_a: Vec<f64>,
    /// Lognormal: sigma (unused when exponential).
    pub(super) ht_b: Vec<f64>,
    /// Handle times are exponential rather than lognormal.
    pub(super) exponential: bool,
}

impl Model {
    /// Checks the options against the input and compiles the model (see the module doc).
    pub fn build(
        input: &SimulationInput,
        opts: &SimulationOptions,
    ) -> Result<Self, SimulationError> {
        let (exponential_ht, cv) = check_options(&input.config, opts)?;
        let config = &input.config;
        let channels = config.channels();
        let n_ch = channels.len();
        let n_iv = input.interval_starts.len();
        let interval_s = input.interval_s;
        let horizon_s = n_iv as f64 * interval_s;

        let chans: Vec<ChanModel> = channels.iter().map(|ch| chan_model(ch, opts)).collect();
        let mut order: Vec<u8> = (0..n_ch as u8).collect();
        order.sort_by_key(|&c| (channels[c as usize].priority(), c));
        let demand = DemandTables::new(input, exponential_ht, cv);
        let close_times = close_times(input, &chans, opts.closing);
        let worked_cum = worked_cum(input);

        let chan_shrinkage: Vec<(f64, f64)> = channels
            .iter()
            .map(|ch| {
                let (absence, off) = split_shrinkage(ch.shrinkage());
                // With the day's absences recorded, nobody else is drawn absent.
                match opts.shrinkage {
                    ShrinkageModel::RecordedAbsences => (0.0, off),
                    _ => (absence, off),
                }
            })
            .collect();
        let mut staffed = vec![0.0; n_ch * n_iv];
        let agents: Vec<AgentModel> = input
            .agents
            .iter()
            .map(|tl| {
                let mut a = AgentModel::new(config, tl, &order, &chans);
                a.add_staffed(&mut staffed, interval_s, n_iv);
                if opts.shrinkage != ShrinkageModel::None {
                    a.shifts = shifts_of(&a.periods, &chan_shrinkage, interval_s, n_iv);
                }
                a
            })
            .collect();
        let shrinkage = agents.iter().any(|a| {
            a.shifts
                .iter()
                .any(|s| s.absence_p > 0.0 || s.off_share > 0.0)
        });

        Ok(Self {
            n_ch,
            n_iv,
            interval_s,
            horizon_s,
            chans,
            order,
            demand,
            close_times,
            worked_cum,
            worked: input.worked.clone(),
            agents,
            staffed,
            multi_skill: opts.routing == Routing::MultiSkill,
            replay: opts.arrivals == ArrivalProcess::Replay,
            shrinkage,
            initial_backlog: vec![Vec::new(); n_ch],
        })
    }

    /// Worked seconds of channel c from the horizon start to t. The horizon repeats (see
    /// [`super::pilot_backlog`]): before it (carried-in backlog) and after it (backlog answered
    /// in the next period, [`super::run_replication`]) the channel has the same worked hours.
    #[inline]
    fn worked_time(&self, c: usize, t: f64) -> f64 {
        let cum = &self.worked_cum[c];
        let periods = (t / self.horizon_s).floor();
        let r = (t - periods * self.horizon_s).max(0.0);
        let i = ((r / self.interval_s) as usize).min(self.n_iv);
        let within = if i >= self.n_iv {
            cum[self.n_iv]
        } else {
            cum[i]
                + if self.worked[c][i] {
                    r - i as f64 * self.interval_s
                } else {
                    0.0
                }
        };
        periods * cum[self.n_iv] + within
    }

    /// Response time from `from` to `to` on channel c: elapsed, or worked time only.
    pub(super) fn response_time(&self, c: usize, from: f64, to: f64, worked_only: bool) -> f64 {
        if worked_only {
            self.worked_time(c, to) - self.worked_time(c, from)
        } else {
            to - from
        }
    }
}

/// Rejects options the engine cannot run, in this order: no replications, a handle-time CV that is
/// not a positive number, more channels than the 64-bit skill masks hold, and patience overrides
/// for unknown or deferred channels or with invalid values. Returns whether handle times are
/// exponential and the lognormal CV (1.0 when exponential).
fn check_options(
    config: &CentreConfig,
    opts: &SimulationOptions,
) -> Result<(bool, f64), SimulationError> {
    if opts.replications == 0 {
        return Err(SimulationError::Options(
            "replications must be at least 1 (at least 2 for confidence intervals)".into(),
        ));
    }
    let (exponential_ht, cv) = match opts.handle_time {
        HandleTimeModel::Exponential => (true, 1.0),
        HandleTimeModel::Lognormal { cv } => {
            if !(cv.is_finite() && cv > 0.0) {
                return Err(SimulationError::Options(format!(
                    "handle-time coefficient of variation {cv} is not valid; expected a number > 0, e.g. 1.0"
                )));
            }
            (false, cv)
        }
    };
    let n_ch = config.channels().len();
    if n_ch > 64 {
        return Err(SimulationError::Options(format!(
            "{n_ch} channels; the simulation supports at most 64"
        )));
    }
    for (name, p) in &opts.patience {
        let Some(ch) = config.channel(name.as_str()) else {
            return Err(SimulationError::Options(format!(
                "patience given for unknown channel {name}"
            )));
        };
        if !ch.kind().is_live() {
            return Err(SimulationError::Options(format!(
                "patience given for {name}, a deferred channel (nobody waits on line)"
            )));
        }
        match p {
            PatienceModel::Exponential { mean_s } if !(mean_s.is_finite() && *mean_s > 0.0) => {
                return Err(SimulationError::Options(format!(
                    "{name}: mean patience {mean_s} s is not valid; expected a number > 0"
                )))
            }
            PatienceModel::Empirical(v)
                if v.is_empty() || v.iter().any(|x| !(x.is_finite() && *x >= 0.0)) =>
            {
                return Err(SimulationError::Options(format!(
                    "{name}: an empirical patience needs at least one value, each a number of seconds >= 0"
                )))
            }
            _ => {}
        }
    }
    Ok((exponential_ht, cv))
}

/// A channel as the engine sees it: the patience override of the options, else the configured
/// exponential patience of a live channel, else nobody abandons.
fn chan_model(ch: &Channel, opts: &SimulationOptions) -> ChanModel {
    let t = ch.targets();
    let patience = match opts.patience.get(ch.name()) {
        Some(PatienceModel::Exponential { mean_s }) => Patience::Exponential(*mean_s),
        Some(PatienceModel::Empirical(v)) => Patience::Empirical(v.clone()),
        Some(PatienceModel::Infinite) => Patience::Infinite,
        None => match ch.patience_seconds() {
            Some(m) if ch.kind().is_live() => Patience::Exponential(m),
            _ => Patience::Infinite,
        },
    };
    ChanModel {
        live: ch.kind().is_live(),
        conc: ch.concurrency().clamp(1, 255) as u8,
        factors: ch.handle_time_factors().to_vec(),
        patience,
        sl_threshold_s: sl_threshold(ch),
        max_wait_s: t.max_wait_seconds(),
        response: t
            .response()
            .map(|r| (r.within_hours() * 3600.0, r.working_hours_only())),
    }
}

impl DemandTables {
    /// The tables of `input`'s offered and AHT: rate = offered / interval length, count = offered
    /// rounded, and the handle-time distribution's parameters with the interval's AHT as mean.
    fn new(input: &SimulationInput, exponential: bool, cv: f64) -> Self {
        let n_ch = input.offered.len();
        let n_iv = input.interval_starts.len();
        let interval_s = input.interval_s;
        let mut rate = vec![0.0; n_ch * n_iv];
        let mut count = vec![0u32; n_ch * n_iv];
        let mut ht_a = vec![0.0; n_ch * n_iv];
        let mut ht_b = vec![0.0; n_ch * n_iv];
        let sigma2 = (1.0 + cv * cv).ln();
        for c in 0..n_ch {
            for i in 0..n_iv {
                let k = c * n_iv + i;
                let off = input.offered[c][i];
                rate[k] = off / interval_s;
                count[k] = off.round().clamp(0.0, u32::MAX as f64) as u32;
                let aht = input.aht[c][i].max(1e-9);
                if exponential {
                    ht_a[k] = aht;
                } else {
                    // Lognormal with mean aht and CV cv: sigma² = ln(1 + cv²), mu = ln(aht) − sigma²/2.
                    ht_a[k] = aht.ln() - sigma2 / 2.0;
                    ht_b[k] = sigma2.sqrt();
                }
            }
        }
        Self {
            rate,
            count,
            ht_a,
            ht_b,
            exponential,
        }
    }
}

/// With [`ClosingPolicy::Abandon`], the (time, live channel) at which each live channel stops
/// taking contacts, in time order; none with [`ClosingPolicy::Serve`].
fn close_times(
    input: &SimulationInput,
    chans: &[ChanModel],
    closing: ClosingPolicy,
) -> Vec<(f64, u8)> {
    let n_iv = input.interval_starts.len();
    let mut close_times = Vec::new();
    if closing == ClosingPolicy::Abandon {
        for (c, ch) in chans.iter().enumerate() {
            if !ch.live {
                continue;
            }
            for i in 0..n_iv {
                let open = input.accepting[c][i];
                let next_open = i + 1 < n_iv && input.accepting[c][i + 1];
                if open && !next_open {
                    close_times.push(((i + 1) as f64 * input.interval_s, c as u8));
                }
            }
        }
    }
    close_times.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    close_times
}

/// Per channel, the worked seconds from the horizon start to the start of each interval (and to
/// the end of the horizon, last), so that a response time in worked hours is two look-ups.
fn worked_cum(input: &SimulationInput) -> Vec<Vec<f64>> {
    let n_iv = input.interval_starts.len();
    let mut worked_cum = Vec::with_capacity(input.worked.len());
    for worked in &input.worked {
        let mut cum = Vec::with_capacity(n_iv + 1);
        let mut acc = 0.0;
        for &w in worked.iter().take(n_iv) {
            cum.push(acc);
            if w {
                acc += input.interval_s;
            }
        }
        cum.push(acc);
        worked_cum.push(cum);
    }
    worked_cum
}

impl AgentModel {
    /// The agent of timeline `tl`: skills as a channel mask, the live channels it may overflow to
    /// in priority `order`, and its sorted periods with their change list (no shrinkage yet).
    fn new(config: &CentreConfig, tl: &AgentTimeline, order: &[u8], chans: &[ChanModel]) -> Self {
        let channels = config.channels();
        let agent = &config.agents()[tl.config_index];
        let mut skills = 0u64;
        for s in agent.skills() {
            if let Some(c) = channels.iter().position(|ch| ch.name() == s) {
                skills |= 1 << c;
            }
        }
        let overflow: Vec<u8> = order
            .iter()
            .copied()
            .filter(|&c| skills & (1 << c) != 0 && chans[c as usize].live)
            .collect();
        let mut periods = tl.periods.clone();
        periods.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self {
            skills,
            overflow,
            changes: compile_changes(&codes(&periods)),
            periods,
            shifts: Vec::new(),
        }
    }

    /// Adds the agent's rostered work seconds to `staffed[c * n_iv + i]`.
    fn add_staffed(&self, staffed: &mut [f64], interval_s: f64, n_iv: usize) {
        for &(s, e, ch) in &self.periods {
            if let Some(c) = ch {
                let v = &mut staffed[c * n_iv..(c + 1) * n_iv];
                let mut t = s;
                let mut i = (t / interval_s) as usize;
                while t < e && i < n_iv {
                    let end = ((i + 1) as f64 * interval_s).min(e);
                    v[i] += end - t;
                    t = end;
                    i += 1;
                }
            }
        }
    }
}

/// The service-level threshold of a channel: its service-level target's seconds, else its
/// longest acceptable wait, else its ASA target, else 60 s.
fn sl_threshold(ch: &Channel) -> f64 {
    let t = ch.targets();
    t.service_level()
        .map(|s| s.within_seconds())
        .or(t.max_wait_seconds())
        .or(t.max_asa_seconds())
        .unwrap_or(60.0)
}
