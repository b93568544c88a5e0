//! The event loop of one replication.
//!
//! Events live in one binary heap ordered by (time, insertion number), so ties resolve in a fixed
//! order. Each channel has exactly one pending arrival; each contact in service one completion;
//! each agent one pending activity change. Abandonment needs no event: a channel's queue is FIFO
//! and a contact that gives up affects nobody else, so waiting contacts carry their deadline
//! (arrival + patience) and are counted abandoned when they reach the head of the queue after it
//! (or when the queue is drained at closing / the end of the horizon). Nothing is allocated per
//! contact: queues and the heap reuse their buffers.

use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use super::error::SimulationError;
use super::input::SimulationInput;
use super::SimulationOptions;
use super::{
    ArrivalProcess, ClosingPolicy, HandleTimeModel, PatienceModel, Routing, ShrinkageModel,
};

const NONE: u8 = u8::MAX;
/// Change-list code of off-phone shrinkage time: unavailable like [`NONE`], but the time is owed in
/// full (see [`Sim::change`]).
const OFF: u8 = u8::MAX - 1;
const NO_POS: u32 = u32::MAX;

/// Patience as sampled.
#[derive(Debug, Clone)]
enum Patience {
    Exponential(f64),
    Empirical(Vec<f64>),
    Infinite,
}

/// A channel as the engine sees it.
#[derive(Debug, Clone)]
pub(crate) struct ChanModel {
    pub live: bool,
    pub conc: u8,
    factors: Vec<f64>,
    patience: Patience,
    /// Service-level threshold, seconds.
    pub sl_threshold_s: f64,
    /// Longest acceptable wait, seconds.
    pub max_wait_s: Option<f64>,
    /// Response target (seconds, worked hours only).
    pub response: Option<(f64, bool)>,
}

/// A gap between two activities of one agent at least this long (seconds) starts a new shift
/// (day worked): activities within a shift follow each other without gaps, shifts are separated
/// by the rest period.
const SHIFT_GAP_S: f64 = 4.0 * 3600.0;

/// One shift (day worked) of one agent and the shrinkage drawn on it in every replication.
#[derive(Debug, Clone)]
struct ShiftShrinkage {
    /// Start and end of the shift, seconds from the horizon start.
    start: f64,
    end: f64,
    /// Intervals in which the agent works (any channel) in this shift, ascending.
    work_ivs: Vec<u32>,
    /// Probability of unplanned absence for the whole shift.
    absence_p: f64,
    /// Share of the work intervals off-phone when present.
    off_share: f64,
}

#[derive(Debug, Clone)]
struct AgentModel {
    skills: u64,
    /// Live channels the agent is skilled in, lowest priority number first.
    overflow: Vec<u8>,
    /// (time, channel worked or NONE), strictly increasing times: the roster as planned.
    changes: Vec<(f64, u8)>,
    /// Rostered periods (start, end, channel worked), sorted by start.
    periods: Vec<(f64, f64, Option<usize>)>,
    /// Shifts with their shrinkage (empty when shrinkage is off).
    shifts: Vec<ShiftShrinkage>,
}

/// Absence probability and off-phone share (given present) of a shrinkage: absence = the
/// activities named like sickness or absence (`sickness`, `unplanned_absence`, `sick_leave`, ...);
/// the rest of the total is off-phone time, scaled by `1 / (1 − absence)` so that the expected
/// available time is exactly `1 − total`. Without a breakdown the whole total is off-phone.
pub(crate) fn split_shrinkage(s: &rota_data::config::Shrinkage) -> (f64, f64) {
    let total = s.total().clamp(0.0, 1.0);
    let absence: f64 = s
        .activities()
        .iter()
        .filter(|(name, _)| {
            let n = name.to_ascii_lowercase();
            n.contains("sick") || n.contains("absen")
        })
        .map(|(_, v)| *v)
        .sum::<f64>()
        .clamp(0.0, total);
    let off = if absence < 1.0 {
        ((total - absence) / (1.0 - absence)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (absence, off)
}

/// Periods with the channel worked as a change-list code (NONE: not working).
fn codes(periods: &[(f64, f64, Option<usize>)]) -> Vec<(f64, f64, u8)> {
    periods
        .iter()
        .map(|&(s, e, c)| (s, e, c.map(|c| c as u8).unwrap_or(NONE)))
        .collect()
}

/// The change list of an agent's periods: (time, code) at each change of state.
fn compile_changes(periods: &[(f64, f64, u8)]) -> Vec<(f64, u8)> {
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

/// The shrinkage stream of replication `stream`: a ChaCha8 key derived from the seed (distinct from
/// the main stream's key) with the replication's stream id, so that the arrivals, patience and
/// handle times of a replication are the same with and without shrinkage.
fn shrinkage_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(b"shrinkag");
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(stream);
    rng
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
    order: Vec<u8>,
    rate: Vec<f64>,
    count: Vec<u32>,
    ht_a: Vec<f64>,
    ht_b: Vec<f64>,
    exponential_ht: bool,
    /// (time, live channel) at which the channel stops taking contacts.
    close_times: Vec<(f64, u8)>,
    worked_cum: Vec<Vec<f64>>,
    worked: Vec<Vec<bool>>,
    agents: Vec<AgentModel>,
    /// `[c * n_iv + i]` agent-seconds rostered on channel c in interval i.
    pub staffed: Vec<f64>,
    multi_skill: bool,
    replay: bool,
    /// Shrinkage is drawn in every replication (configured and not zero).
    shrinkage: bool,
    /// Deferred backlog at the start of every replication (see [`pilot_backlog`]).
    pub initial_backlog: Vec<Vec<Waiting>>,
}

/// Adds `w` per second of [s, e) to field `f` of the cells of the intervals it covers.
#[allow(clippy::too_many_arguments)]
fn add_span(
    cells: &mut [Cell],
    base: usize,
    n_iv: usize,
    interval_s: f64,
    s: f64,
    e: f64,
    w: f64,
    f: fn(&mut Cell) -> &mut f64,
) {
    let mut t = s.max(0.0);
    let mut i = (t / interval_s) as usize;
    while t < e && i < n_iv {
        let end = ((i + 1) as f64 * interval_s).min(e);
        *f(&mut cells[base + i]) += (end - t) * w;
        t = end;
        i += 1;
    }
}

impl Model {
    pub fn build(
        input: &SimulationInput,
        opts: &SimulationOptions,
    ) -> Result<Self, SimulationError> {
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
        let config = &input.config;
        let channels = config.channels();
        let n_ch = channels.len();
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
        let n_iv = input.interval_starts.len();
        let interval_s = input.interval_s;
        let horizon_s = n_iv as f64 * interval_s;

        let chans: Vec<ChanModel> = channels
            .iter()
            .map(|ch| {
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
            })
            .collect();
        let mut order: Vec<u8> = (0..n_ch as u8).collect();
        order.sort_by_key(|&c| (channels[c as usize].priority(), c));

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
                if exponential_ht {
                    ht_a[k] = aht;
                } else {
                    // Lognormal with mean aht and CV cv: sigma² = ln(1 + cv²), mu = ln(aht) − sigma²/2.
                    ht_a[k] = aht.ln() - sigma2 / 2.0;
                    ht_b[k] = sigma2.sqrt();
                }
            }
        }

        let mut close_times = Vec::new();
        if opts.closing == ClosingPolicy::Abandon {
            for (c, ch) in chans.iter().enumerate() {
                if !ch.live {
                    continue;
                }
                for i in 0..n_iv {
                    let open = input.accepting[c][i];
                    let next_open = i + 1 < n_iv && input.accepting[c][i + 1];
                    if open && !next_open {
                        close_times.push(((i + 1) as f64 * interval_s, c as u8));
                    }
                }
            }
        }
        close_times.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let mut worked_cum = Vec::with_capacity(n_ch);
        for c in 0..n_ch {
            let mut cum = Vec::with_capacity(n_iv + 1);
            let mut acc = 0.0;
            for i in 0..n_iv {
                cum.push(acc);
                if input.worked[c][i] {
                    acc += interval_s;
                }
            }
            cum.push(acc);
            worked_cum.push(cum);
        }

        let chan_shrinkage: Vec<(f64, f64)> = channels
            .iter()
            .map(|ch| split_shrinkage(ch.shrinkage()))
            .collect();
        let mut staffed = vec![0.0; n_ch * n_iv];
        let mut agents = Vec::with_capacity(input.agents.len());
        for tl in &input.agents {
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
            for &(s, e, ch) in &periods {
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
            let shifts = if opts.shrinkage == ShrinkageModel::Configured {
                shifts_of(&periods, &chan_shrinkage, interval_s, n_iv)
            } else {
                Vec::new()
            };
            agents.push(AgentModel {
                skills,
                overflow,
                changes: compile_changes(&codes(&periods)),
                periods,
                shifts,
            });
        }
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
            rate,
            count,
            ht_a,
            ht_b,
            exponential_ht,
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

    /// Worked seconds of channel c from the horizon start to t.
    #[inline]
    fn worked_time(&self, c: usize, t: f64) -> f64 {
        if t < 0.0 {
            // Carried-in backlog: the previous period had the same hours.
            return self.worked_time(c, t + self.horizon_s) - self.worked_cum[c][self.n_iv];
        }
        let i = ((t.max(0.0) / self.interval_s) as usize).min(self.n_iv);
        let cum = &self.worked_cum[c];
        if i >= self.n_iv {
            return cum[self.n_iv];
        }
        cum[i]
            + if self.worked[c][i] {
                t - i as f64 * self.interval_s
            } else {
                0.0
            }
    }

    fn response_time(&self, c: usize, from: f64, to: f64, worked_only: bool) -> f64 {
        if worked_only {
            self.worked_time(c, to) - self.worked_time(c, from)
        } else {
            to - from
        }
    }
}

/// The shifts of an agent's sorted periods with the shrinkage of the channel each mostly works
/// (most work seconds; ties: first channel in the configuration).
fn shifts_of(
    periods: &[(f64, f64, Option<usize>)],
    chan_shrinkage: &[(f64, f64)],
    interval_s: f64,
    n_iv: usize,
) -> Vec<ShiftShrinkage> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < periods.len() {
        let mut j = k + 1;
        let mut end = periods[k].1;
        while j < periods.len() && periods[j].0 - end < SHIFT_GAP_S {
            end = end.max(periods[j].1);
            j += 1;
        }
        let mut secs = vec![0.0; chan_shrinkage.len()];
        let mut ivs: Vec<u32> = Vec::new();
        for &(s, e, ch) in &periods[k..j] {
            let Some(c) = ch else { continue };
            secs[c] += e - s;
            let first = (s / interval_s) as usize;
            let last = ((e / interval_s).ceil() as usize).min(n_iv);
            for i in first..last {
                if ivs.last().is_none_or(|&l| (l as usize) < i) {
                    ivs.push(i as u32);
                }
            }
        }
        let main = secs.iter().enumerate().filter(|(_, v)| **v > 0.0).fold(
            None::<(usize, f64)>,
            |best, (c, &v)| match best {
                Some((_, bv)) if bv >= v => best,
                _ => Some((c, v)),
            },
        );
        if let Some((c, _)) = main {
            let (absence_p, off_share) = chan_shrinkage[c];
            out.push(ShiftShrinkage {
                start: periods[k].0,
                end,
                work_ivs: ivs,
                absence_p,
                off_share,
            });
        }
        k = j;
    }
    out
}

/// The service-level threshold of a channel: its service-level target's seconds, else its
/// longest acceptable wait, else its ASA target, else 60 s.
fn sl_threshold(ch: &rota_data::config::Channel) -> f64 {
    let t = ch.targets();
    t.service_level()
        .map(|s| s.within_seconds())
        .or(t.max_wait_seconds())
        .or(t.max_asa_seconds())
        .unwrap_or(60.0)
}

/// Counts and sums of one channel in one interval of one replication (by arrival interval, except
/// busy and staffed time, which fall where they happen).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Cell {
    pub offered: u32,
    pub handled: u32,
    pub abandoned: u32,
    pub within_sl: u32,
    pub within_max_wait: u32,
    pub resp_known: u32,
    pub resp_in_target: u32,
    pub max_backlog: u32,
    /// Deferred items still waiting at the end of the horizon.
    pub unanswered: u32,
    pub wait_sum: f64,
    pub busy_s: f64,
    pub extra_staffed_s: f64,
}

/// The outcome of one replication: cells `[channel * n_iv + interval]`.
#[derive(Debug, Clone)]
pub(crate) struct RepResult {
    pub cells: Vec<Cell>,
    pub contacts: u64,
}

/// A contact waiting in a channel's queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Waiting {
    arrival: f64,
    deadline: f64,
    /// Arrival interval; with [`CARRIED`] set, an item carried in from the previous period (its
    /// handling takes agent time but it is not counted in this period's KPIs).
    iv: u32,
}

/// Flag of [`Waiting::iv`] for backlog carried in from the previous period.
const CARRIED: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
struct AgentState {
    assigned: u8,
    holding: u8,
    count: u8,
    idle_ch: u8,
    idle_pos: u32,
    next_change: u32,
    /// Since when the agent finishes contacts of `holding` after the roster moved them elsewhere
    /// (negative: not overrunning); that time is logged-in time of `holding`, not of
    /// `overrun_into`.
    overrun_since: f64,
    overrun_into: u8,
    /// Off-phone time started while the agent had contacts in hand: it starts when they are
    /// finished and lasts `off_len` seconds.
    off_pending: bool,
    off_len: f64,
}

const K_ARRIVAL: u32 = 0;
const K_COMPLETE: u32 = 1;
const K_CHANGE: u32 = 2;
const K_CLOSE: u32 = 3;

#[derive(Debug, Clone, Copy)]
struct Ev {
    t: f64,
    seq: u64,
    code: u32,
}

impl PartialEq for Ev {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ev {
    // Reversed: BinaryHeap is a max-heap, the earliest event must come out first.
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

struct Sim<'m> {
    m: &'m Model,
    rng: ChaCha8Rng,
    heap: BinaryHeap<Ev>,
    seq: u64,
    queues: Vec<VecDeque<Waiting>>,
    idle: Vec<Vec<u32>>,
    agents: Vec<AgentState>,
    cells: Vec<Cell>,
    /// Replay: (interval, remaining, previous uniform) per channel.
    replay: Vec<(usize, u32, f64)>,
    contacts: u64,
    /// Per agent, the change list after this replication's shrinkage (empty: the roster as
    /// planned, [`AgentModel::changes`]).
    changes: Vec<Vec<(f64, u8)>>,
}

fn new_sim(m: &Model, seed: u64, stream: u64) -> Sim<'_> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut sim = Sim {
        m,
        rng,
        heap: BinaryHeap::with_capacity(256),
        seq: 0,
        queues: m
            .initial_backlog
            .iter()
            .map(|b| {
                let mut q = VecDeque::with_capacity(64.max(b.len() * 2));
                q.extend(b.iter().copied());
                q
            })
            .collect(),
        idle: vec![Vec::with_capacity(m.agents.len()); m.n_ch],
        agents: vec![
            AgentState {
                assigned: NONE,
                holding: NONE,
                count: 0,
                idle_ch: NONE,
                idle_pos: NO_POS,
                next_change: 0,
                overrun_since: -1.0,
                overrun_into: NONE,
                off_pending: false,
                off_len: 0.0,
            };
            m.agents.len()
        ],
        cells: vec![Cell::default(); m.n_ch * m.n_iv],
        replay: (0..m.n_ch)
            .map(|c| (0, m.count.get(c * m.n_iv).copied().unwrap_or(0), 0.0))
            .collect(),
        contacts: 0,
        changes: Vec::new(),
    };
    if m.shrinkage {
        sim.changes = draw_shrinkage(m, seed, stream, &mut sim.cells);
    }
    sim
}

/// This replication's roster after shrinkage: per agent and shift, absence for the whole shift
/// (probability `absence_p`), else `off_share` of the shift's work intervals off-phone, chosen
/// uniformly without replacement; their count is `floor(x)` or `floor(x) + 1` with probability
/// `x − floor(x)`, x = `off_share` × work intervals, so every work interval is off with probability
/// exactly `off_share`. Work time taken off is removed from the logged-in time of its channel.
fn draw_shrinkage(m: &Model, seed: u64, stream: u64, cells: &mut [Cell]) -> Vec<Vec<(f64, u8)>> {
    let mut rng = shrinkage_rng(seed, stream);
    let mut off: Vec<(f64, f64)> = Vec::new();
    let mut pool: Vec<u32> = Vec::new();
    let mut periods: Vec<(f64, f64, u8)> = Vec::new();
    m.agents
        .iter()
        .map(|am| {
            off.clear();
            for sh in &am.shifts {
                let u: f64 = rng.random();
                if u < sh.absence_p {
                    off.push((sh.start, sh.end));
                    continue;
                }
                let n = sh.work_ivs.len();
                let x = sh.off_share * n as f64;
                let mut k = x.floor() as usize;
                let frac: f64 = rng.random();
                if frac < x - x.floor() {
                    k += 1;
                }
                let k = k.min(n);
                if k == 0 {
                    continue;
                }
                pool.clear();
                pool.extend_from_slice(&sh.work_ivs);
                for j in 0..k {
                    let r = rng.random_range(j..n);
                    pool.swap(j, r);
                }
                let chosen = &mut pool[..k];
                chosen.sort_unstable();
                for &i in chosen.iter() {
                    let s = f64::from(i) * m.interval_s;
                    off.push((s, s + m.interval_s));
                }
            }
            if off.is_empty() {
                return am.changes.clone();
            }
            // `off` is sorted and disjoint (shifts in order, intervals sorted within a shift).
            periods.clear();
            for &(s, e, ch) in &am.periods {
                let Some(c) = ch else {
                    periods.push((s, e, NONE));
                    continue;
                };
                let mut t = s;
                for &(os, oe) in off.iter() {
                    if os >= e {
                        break;
                    }
                    if oe <= t {
                        continue;
                    }
                    if os > t {
                        periods.push((t, os, c as u8));
                    }
                    let (ps, pe) = (t.max(os), oe.min(e));
                    periods.push((ps, pe, OFF));
                    add_span(cells, c * m.n_iv, m.n_iv, m.interval_s, ps, pe, -1.0, |c| {
                        &mut c.extra_staffed_s
                    });
                    t = pe;
                }
                if t < e {
                    periods.push((t, e, c as u8));
                }
            }
            compile_changes(&periods)
        })
        .collect()
}

/// Runs replication `rep` of the model with the stream `(seed, rep)`.
pub(crate) fn run_replication(m: &Model, seed: u64, rep: u64) -> RepResult {
    let mut sim = new_sim(m, seed, rep);
    sim.run_events();
    sim.finish();
    RepResult {
        cells: sim.cells,
        contacts: sim.contacts,
    }
}

/// The deferred backlog one period of this roster and demand leaves behind, as the backlog at the
/// start of the next: one pilot replication (its own stream, independent of the replications)
/// from the model's current initial backlog. The horizon is read as one period of a repeating
/// pattern, as in the staffing model; when the roster does not keep up, the simulated period is
/// the second period of running it, and the growing backlog shows in the response KPIs.
pub(crate) fn pilot_backlog(m: &Model, seed: u64) -> Vec<Vec<Waiting>> {
    let mut sim = new_sim(m, seed, u64::MAX);
    sim.run_events();
    (0..m.n_ch)
        .map(|c| {
            if m.chans[c].live {
                return Vec::new();
            }
            sim.queues[c]
                .iter()
                .map(|w| Waiting {
                    arrival: w.arrival - m.horizon_s,
                    deadline: f64::INFINITY,
                    iv: w.iv | CARRIED,
                })
                .collect()
        })
        .collect()
}

impl Sim<'_> {
    /// Agent a's change list in this replication.
    #[inline]
    fn agent_changes(&self, a: usize) -> &[(f64, u8)] {
        match self.changes.get(a) {
            Some(v) => v,
            None => &self.m.agents[a].changes,
        }
    }

    #[inline]
    fn push(&mut self, t: f64, kind: u32, id: u32) {
        self.seq += 1;
        self.heap.push(Ev {
            t,
            seq: self.seq,
            code: (kind << 30) | id,
        });
    }

    fn run_events(&mut self) {
        let m = self.m;
        for c in 0..m.n_ch {
            if let Some(t) = self.next_arrival(c, 0.0) {
                self.push(t, K_ARRIVAL, c as u32);
            }
        }
        for a in 0..m.agents.len() {
            if let Some(&(t, _)) = self.agent_changes(a).first() {
                self.push(t, K_CHANGE, a as u32);
            }
        }
        // Closing events (ClosingPolicy::Abandon only).
        for &(t, c) in &m.close_times {
            self.push(t, K_CLOSE, u32::from(c));
        }

        while let Some(ev) = self.heap.pop() {
            let id = (ev.code & ((1 << 30) - 1)) as usize;
            match ev.code >> 30 {
                K_ARRIVAL => self.arrival(id, ev.t),
                K_COMPLETE => self.complete(id, ev.t),
                K_CHANGE => self.change(id, ev.t),
                _ => self.drain_abandon(id),
            }
        }
    }

    fn finish(&mut self) {
        let m = self.m;
        // End of the horizon: whoever still waits on a live channel has abandoned; deferred items
        // still in the backlog count against the response target once they are overdue.
        let n_iv = m.n_iv;
        for c in 0..m.n_ch {
            if m.chans[c].live {
                self.drain_abandon(c);
            } else if let Some((target, worked_only)) = m.chans[c].response {
                while let Some(w) = self.queues[c].pop_front() {
                    if w.iv & CARRIED != 0 {
                        continue;
                    }
                    let r = m.response_time(c, w.arrival, m.horizon_s, worked_only);
                    let cell = &mut self.cells[c * n_iv + w.iv as usize];
                    cell.unanswered += 1;
                    if r > target {
                        cell.resp_known += 1;
                    }
                }
            }
        }
    }

    fn drain_abandon(&mut self, c: usize) {
        let n_iv = self.m.n_iv;
        while let Some(w) = self.queues[c].pop_front() {
            if w.iv & CARRIED == 0 {
                self.cells[c * n_iv + w.iv as usize].abandoned += 1;
            }
        }
    }

    /// The next arrival of channel c after t, or None past the horizon.
    fn next_arrival(&mut self, c: usize, t: f64) -> Option<f64> {
        let m = self.m;
        let base = c * m.n_iv;
        if m.replay {
            let (mut iv, mut remaining, mut prev) = self.replay[c];
            loop {
                if iv >= m.n_iv {
                    self.replay[c] = (iv, 0, 0.0);
                    return None;
                }
                if remaining > 0 {
                    // Sequential uniform order statistics: the next of `remaining` sorted uniforms.
                    let u: f64 = self.rng.random();
                    let x = 1.0 - (1.0 - prev) * u.powf(1.0 / f64::from(remaining));
                    self.replay[c] = (iv, remaining - 1, x);
                    return Some((iv as f64 + x) * m.interval_s);
                }
                iv += 1;
                remaining = if iv < m.n_iv { m.count[base + iv] } else { 0 };
                prev = 0.0;
            }
        }
        let mut t = t;
        let mut i = (t / m.interval_s) as usize;
        loop {
            if i >= m.n_iv {
                return None;
            }
            let r = m.rate[base + i];
            let end = (i + 1) as f64 * m.interval_s;
            if r > 0.0 {
                let e: f64 = Exp1.sample(&mut self.rng);
                let x = t + e / r;
                if x < end {
                    return Some(x);
                }
            }
            // Memoryless: restart the clock at the interval boundary with the next rate.
            t = end;
            i += 1;
        }
    }

    #[inline]
    fn sample_patience(&mut self, c: usize) -> f64 {
        match &self.m.chans[c].patience {
            Patience::Exponential(mean) => {
                let e: f64 = Exp1.sample(&mut self.rng);
                mean * e
            }
            Patience::Empirical(v) => v[self.rng.random_range(0..v.len())],
            Patience::Infinite => f64::INFINITY,
        }
    }

    #[inline]
    fn sample_handle(&mut self, k: usize) -> f64 {
        let m = self.m;
        if m.exponential_ht {
            let e: f64 = Exp1.sample(&mut self.rng);
            m.ht_a[k] * e
        } else {
            let z: f64 = StandardNormal.sample(&mut self.rng);
            (m.ht_a[k] + m.ht_b[k] * z).exp()
        }
    }

    #[inline]
    fn has_capacity(&self, a: usize, c: u8) -> bool {
        let s = &self.agents[a];
        s.count == 0 || (s.holding == c && s.count < self.m.chans[c as usize].conc)
    }

    fn idle_remove(&mut self, a: usize) {
        let s = self.agents[a];
        if s.idle_pos == NO_POS {
            return;
        }
        let list = &mut self.idle[s.idle_ch as usize];
        let pos = s.idle_pos as usize;
        list.swap_remove(pos);
        if pos < list.len() {
            let moved = list[pos] as usize;
            self.agents[moved].idle_pos = pos as u32;
        }
        self.agents[a].idle_pos = NO_POS;
        self.agents[a].idle_ch = NONE;
    }

    fn idle_push(&mut self, a: usize, c: u8) {
        let list = &mut self.idle[c as usize];
        self.agents[a].idle_pos = list.len() as u32;
        self.agents[a].idle_ch = c;
        list.push(a as u32);
    }

    /// The oldest contact of channel c still waiting at t (expired ones are counted abandoned).
    #[inline]
    fn pop_waiting(&mut self, c: usize, t: f64) -> Option<Waiting> {
        let n_iv = self.m.n_iv;
        while let Some(w) = self.queues[c].pop_front() {
            if w.deadline <= t {
                if w.iv & CARRIED == 0 {
                    self.cells[c * n_iv + w.iv as usize].abandoned += 1;
                }
                continue;
            }
            return Some(w);
        }
        None
    }

    /// Agent a starts handling contact w of channel c at t.
    fn start(&mut self, a: usize, c: usize, w: Waiting, t: f64) {
        let m = self.m;
        let st = &mut self.agents[a];
        st.count += 1;
        st.holding = c as u8;
        let level = st.count as usize;
        let ch = &m.chans[c];
        let carried = w.iv & CARRIED != 0;
        let k = c * m.n_iv + (w.iv & !CARRIED) as usize;
        let factor = ch.factors.get(level - 1).copied().unwrap_or(1.0);
        let ht = self.sample_handle(k) * factor;
        let end = t + ht;
        let wait = t - w.arrival;
        add_span(
            &mut self.cells,
            c * m.n_iv,
            m.n_iv,
            m.interval_s,
            t,
            end,
            1.0 / f64::from(ch.conc),
            |c| &mut c.busy_s,
        );
        self.push(end, K_COMPLETE, a as u32);
        let st = &mut self.agents[a];
        if st.assigned != NONE && st.assigned as usize != c {
            // Multi-skill overflow: the handling time is logged-in time of channel c.
            st.overrun_since = t;
            st.overrun_into = st.assigned;
        }
        if carried {
            return;
        }
        let cell = &mut self.cells[k];
        cell.handled += 1;
        cell.wait_sum += wait;
        if wait <= ch.sl_threshold_s {
            cell.within_sl += 1;
        }
        if ch.max_wait_s.is_some_and(|mw| wait <= mw) {
            cell.within_max_wait += 1;
        }
        if let Some((target, worked_only)) = ch.response {
            let r = m.response_time(c, w.arrival, end.min(m.horizon_s), worked_only);
            cell.resp_known += 1;
            if r <= target {
                cell.resp_in_target += 1;
            }
        }
    }

    /// A free (or partly free) agent takes waiting work, then waits in the idle pool.
    fn serve_agent(&mut self, a: usize, t: f64) {
        self.idle_remove(a);
        let m = self.m;
        let assigned = self.agents[a].assigned;
        if assigned == NONE {
            return;
        }
        loop {
            if self.has_capacity(a, assigned) {
                if let Some(w) = self.pop_waiting(assigned as usize, t) {
                    self.start(a, assigned as usize, w, t);
                    continue;
                }
            }
            if m.multi_skill && self.agents[a].count == 0 {
                let mut took = false;
                for &d in &m.agents[a].overflow {
                    if d == assigned {
                        continue;
                    }
                    if let Some(w) = self.pop_waiting(d as usize, t) {
                        self.start(a, d as usize, w, t);
                        took = true;
                        break;
                    }
                }
                if took {
                    continue;
                }
            }
            break;
        }
        if self.has_capacity(a, assigned) {
            self.idle_push(a, assigned);
        }
    }

    fn arrival(&mut self, c: usize, t: f64) {
        let m = self.m;
        if let Some(next) = self.next_arrival(c, t) {
            self.push(next, K_ARRIVAL, c as u32);
        }
        self.contacts += 1;
        let iv = ((t / m.interval_s) as usize).min(m.n_iv - 1);
        let k = c * m.n_iv + iv;
        self.cells[k].offered += 1;
        let patience = self.sample_patience(c);
        let w = Waiting {
            arrival: t,
            deadline: t + patience,
            iv: iv as u32,
        };
        if let Some(&a) = self.idle[c].last() {
            let a = a as usize;
            self.idle_remove(a);
            self.start(a, c, w, t);
            if self.has_capacity(a, c as u8) {
                self.idle_push(a, c as u8);
            }
            return;
        }
        if m.multi_skill && m.chans[c].live {
            for &d in &m.order {
                let d = d as usize;
                if d == c {
                    continue;
                }
                let found = self.idle[d].iter().copied().find(|&a| {
                    let a = a as usize;
                    self.agents[a].count == 0 && m.agents[a].skills & (1 << c) != 0
                });
                if let Some(a) = found {
                    let a = a as usize;
                    self.idle_remove(a);
                    self.start(a, c, w, t);
                    return;
                }
            }
        }
        self.queues[c].push_back(w);
        if !m.chans[c].live {
            let len = self.queues[c].len() as u32;
            let cell = &mut self.cells[k];
            cell.max_backlog = cell.max_backlog.max(len);
        }
    }

    /// Ends an overrun at t: the time counts as logged-in on the channel whose contact was
    /// finished, and not on the channel the roster had moved the agent to.
    fn close_overrun(&mut self, a: usize, t: f64) {
        let m = self.m;
        let st = &mut self.agents[a];
        if st.overrun_since < 0.0 {
            return;
        }
        let since = st.overrun_since;
        let (h, into) = (st.holding, st.overrun_into);
        st.overrun_since = -1.0;
        st.overrun_into = NONE;
        if h != NONE {
            let h = h as usize;
            add_span(
                &mut self.cells,
                h * m.n_iv,
                m.n_iv,
                m.interval_s,
                since,
                t,
                1.0,
                |c| &mut c.extra_staffed_s,
            );
        }
        if into != NONE {
            let d = into as usize;
            add_span(
                &mut self.cells,
                d * m.n_iv,
                m.n_iv,
                m.interval_s,
                since,
                t,
                -1.0,
                |c| &mut c.extra_staffed_s,
            );
        }
    }

    fn complete(&mut self, a: usize, t: f64) {
        self.agents[a].count -= 1;
        if self.agents[a].count == 0 {
            self.close_overrun(a, t);
            self.agents[a].holding = NONE;
            if self.agents[a].off_pending {
                // The owed off-phone time starts now; the agent comes back after all of it, but
                // no later than the roster's next change after the return.
                self.agents[a].off_pending = false;
                let idx = self.agents[a].next_change as usize;
                let len = self.agents[a].off_len;
                let ch = self.agent_changes(a);
                if ch.get(idx).is_some() {
                    let cap = ch.get(idx + 1).map_or(f64::INFINITY, |x| x.0);
                    let back = (t + len).min(cap).max(t);
                    self.push(back, K_CHANGE, a as u32);
                }
            }
        }
        self.serve_agent(a, t);
    }

    /// The roster's next change for agent a. Off-phone shrinkage time ([`OFF`]) that starts while
    /// the agent has contacts in hand is owed in full: the return to work is pushed back by the
    /// time spent finishing them (the training starts late rather than short), and that rostered
    /// work time is not logged-in time.
    fn change(&mut self, a: usize, t: f64) {
        let m = self.m;
        let idx = self.agents[a].next_change as usize;
        let (ts, code) = self.agent_changes(a)[idx];
        let new = if code == OFF { NONE } else { code };
        self.agents[a].next_change += 1;
        let next = self.agent_changes(a).get(idx + 1).map(|x| x.0);
        if code == OFF && self.agents[a].count > 0 {
            let st = &mut self.agents[a];
            st.off_pending = true;
            st.off_len = next.map_or(0.0, |tn| tn - ts);
        } else if let Some(tn) = next {
            self.push(tn.max(t), K_CHANGE, a as u32);
        }
        if t > ts && new != NONE {
            // A return delayed by owed off-phone time: rostered on `new` but not available.
            add_span(
                &mut self.cells,
                new as usize * m.n_iv,
                m.n_iv,
                m.interval_s,
                ts,
                t,
                -1.0,
                |c| &mut c.extra_staffed_s,
            );
        }
        self.close_overrun(a, t);
        self.agents[a].assigned = new;
        self.idle_remove(a);
        let st = &mut self.agents[a];
        if st.count > 0 && st.holding != new {
            st.overrun_since = t;
            st.overrun_into = new;
        }
        if new != NONE {
            self.serve_agent(a, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rota_data::config::CentreConfig;

    #[test]
    fn shrinkage_splits_into_absence_and_off_phone_with_the_exact_expectation() {
        let c = CentreConfig::from_toml_str(rota_data::config::SAMPLE_CENTRE_TOML, "centre.toml")
            .expect("sample configuration");
        // Voice: the centre's 18%, sickness 6%.
        let (p, off) = split_shrinkage(c.channel("voice").expect("voice").shrinkage());
        assert!((p - 0.06).abs() < 1e-12);
        assert!((off - 0.12 / 0.94).abs() < 1e-12);
        // Available = present × on-phone share = 1 − total.
        assert!(((1.0 - p) * (1.0 - off) - (1.0 - 0.18)).abs() < 1e-12);
        // Reception has its own: 21% incl. facilities 10%, sickness 6%.
        let (p, off) = split_shrinkage(c.channel("reception").expect("reception").shrinkage());
        assert!((p - 0.06).abs() < 1e-12);
        assert!(((1.0 - p) * (1.0 - off) - (1.0 - 0.21)).abs() < 1e-12);
        // A bare total is all off-phone time.
        let (p, off) =
            split_shrinkage(&rota_data::config::Shrinkage::from_total(0.25).expect("valid"));
        assert_eq!(p, 0.0);
        assert!((off - 0.25).abs() < 1e-12);
    }

    #[test]
    fn off_phone_periods_compile_to_their_own_code() {
        let periods = [(0.0, 900.0, 0u8), (900.0, 1800.0, OFF), (1800.0, 2700.0, 0)];
        assert_eq!(
            compile_changes(&periods),
            vec![(0.0, 0), (900.0, OFF), (1800.0, 0), (2700.0, NONE)]
        );
    }
}
