//! Channel models: phone queues, walk-in reception, chat with concurrency, deferred email/social
//! work, and shrinkage.
//!
//! * **Inbound calls and walk-in reception** are Erlang A queues (Erlang C without a patience), each
//!   with its own patience and targets: a reception desk is a queue whose visitors leave when the
//!   wait is too long, exactly like callers.
//! * **Chat**: an agent at concurrency c serves up to c chats at once, and each chat takes longer the
//!   more chats the agent juggles. The pool is modelled as n·c servers, each with the per-chat handle
//!   time AHT·f(c) (f = the configured handle-time factor at that level; the forecast AHT is the
//!   handle time of a chat handled alone). The smallest server count s* meeting the targets gives
//!   ⌈s*/c⌉ agents; the reported occupancy is that of the chat slots.
//! * **Deferred work** (email, social) is a fluid backlog, see [`deferred_requirement`].
//! * **Shrinkage**: scheduled heads = required agents / (1 − shrinkage), see [`scheduled_heads`].

use serde::{Deserialize, Serialize};

use super::erlang::{evaluate, Patience, QueueInputs};
use super::error::StaffingError;
use super::inverse::{required_agents, Targets};

/// Concurrency of a chat channel: how many chats an agent handles at once, and how much longer each
/// chat takes at that level than alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChatConcurrency {
    level: u32,
    handle_time_factor: f64,
}

impl ChatConcurrency {
    /// `level` chats at once (≥ 1); `handle_time_factor` ≥ 1 multiplies the single-chat AHT.
    ///
    /// ```
    /// use rota_staffing::ChatConcurrency;
    /// assert!(ChatConcurrency::new(2, 1.3).is_ok());
    /// assert!(ChatConcurrency::new(0, 1.0).is_err());
    /// assert!(ChatConcurrency::new(2, 0.5).is_err());
    /// ```
    pub fn new(level: u32, handle_time_factor: f64) -> Result<Self, StaffingError> {
        if level == 0 {
            return Err(StaffingError::InvalidChannel(
                "chat concurrency must be at least 1 chat per agent".into(),
            ));
        }
        if !(handle_time_factor.is_finite() && handle_time_factor >= 1.0) {
            return Err(StaffingError::InvalidChannel(format!(
                "chat handle-time factor must be a number of at least 1 (a chat never gets faster when \
                 an agent handles more at once), got {handle_time_factor}"
            )));
        }
        Ok(ChatConcurrency {
            level,
            handle_time_factor,
        })
    }

    /// From the handle-time factor of every level 1..=len (`factors[c-1]` is the factor at
    /// concurrency c), using the highest level.
    pub fn from_factors(factors: &[f64]) -> Result<Self, StaffingError> {
        match factors.last() {
            None => Self::new(1, 1.0),
            Some(&f) => Self::new(factors.len() as u32, f),
        }
    }

    /// Chats per agent.
    pub fn level(&self) -> u32 {
        self.level
    }
    /// Handle-time multiplier at this level.
    pub fn handle_time_factor(&self) -> f64 {
        self.handle_time_factor
    }
}

/// How one channel turns demand into agents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelModel {
    /// Phone queue or walk-in reception desk: Erlang A with the channel's patience (Erlang C when
    /// the patience is infinite) and targets.
    Queue {
        /// Patience of the callers or visitors.
        patience: Patience,
        /// Targets of the channel.
        targets: Targets,
    },
    /// Live chat: n·c servers with per-chat handle time AHT·f(c).
    Chat {
        /// Patience of the chat customers.
        patience: Patience,
        /// Targets of the channel.
        targets: Targets,
        /// Concurrency level and its handle-time factor.
        concurrency: ChatConcurrency,
    },
    /// Email / social: every contact answered within its response target.
    Deferred {
        /// The response target.
        response: ResponseWindow,
        /// Highest planned occupancy of the agents on the backlog, in (0, 1]; the fluid
        /// requirement (work / interval) is divided by it.
        max_occupancy: f64,
    },
}

/// KPIs of one interval: what `rota staff` writes per channel and interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalKpis {
    /// Agents working the channel (required, or given in evaluate mode); fractional for deferred
    /// work, whose agents can be shared with other work.
    pub agents: f64,
    /// Share of offered contacts that abandon.
    pub abandon_rate: f64,
    /// ASA of answered contacts, seconds (deferred: mean response time in worked seconds).
    /// `None` when nobody is answered or the queue has no steady state.
    pub asa_seconds: Option<f64>,
    /// Service level at the channel's threshold, under the channel's definition (deferred: share
    /// answered within the response target). `None` when undefined.
    pub service_level: Option<f64>,
    /// Occupancy of the agents (chat: of the chat slots).
    pub occupancy: f64,
}

impl IntervalKpis {
    fn idle(agents: f64) -> Self {
        IntervalKpis {
            agents,
            abandon_rate: 0.0,
            asa_seconds: Some(0.0),
            service_level: Some(1.0),
            occupancy: 0.0,
        }
    }
}

/// Servers and per-server handle time of a queue-like channel.
pub(super) fn pool(aht_s: f64, concurrency: Option<ChatConcurrency>) -> (u32, f64) {
    match concurrency {
        None => (1, aht_s),
        Some(c) => (c.level, aht_s * c.handle_time_factor),
    }
}

pub(super) fn queue_parts(
    model: &ChannelModel,
) -> Option<(Patience, Targets, Option<ChatConcurrency>)> {
    match *model {
        ChannelModel::Queue { patience, targets } => Some((patience, targets, None)),
        ChannelModel::Chat {
            patience,
            targets,
            concurrency,
        } => Some((patience, targets, Some(concurrency))),
        ChannelModel::Deferred { .. } => None,
    }
}

fn kpis_from(m: &super::erlang::QueueMetrics, targets: &Targets, agents: f64) -> IntervalKpis {
    let definition = targets
        .service_level()
        .map(|s| s.definition)
        .unwrap_or_default();
    IntervalKpis {
        agents,
        abandon_rate: m.p_abandon,
        asa_seconds: Some(m.asa_served_s),
        service_level: Some(definition.of(m)),
        occupancy: m.occupancy,
    }
}

/// Required agents for a queue or chat channel in one interval, with the KPIs they deliver.
///
/// `offered` contacts arrive (Poisson) over `interval_s` seconds with handle time `aht_s`.
///
/// ```
/// use rota_staffing::{queue_requirement, ChannelModel, ChatConcurrency, Patience, Targets};
/// let targets = Targets::builder().max_abandon(0.1).max_asa_s(120.0).build().unwrap();
/// let patience = Patience::exponential(300.0).unwrap();
/// let voice = ChannelModel::Queue { patience, targets };
/// let chat = ChannelModel::Chat { patience, targets, concurrency: ChatConcurrency::new(2, 1.3).unwrap() };
/// let calls = queue_requirement(&voice, 60.0, 1800.0, 300.0).unwrap();
/// let chats = queue_requirement(&chat, 60.0, 1800.0, 300.0).unwrap();
/// assert!(chats.agents < calls.agents);
/// ```
pub fn queue_requirement(
    model: &ChannelModel,
    offered: f64,
    interval_s: f64,
    aht_s: f64,
) -> Result<IntervalKpis, StaffingError> {
    let (patience, targets, concurrency) = queue_parts(model).ok_or_else(|| {
        StaffingError::InvalidChannel(
            "deferred channels are staffed with deferred_requirement".into(),
        )
    })?;
    let (slots_per_agent, server_aht) = pool(aht_s, concurrency);
    let inputs = QueueInputs::from_interval(offered, interval_s, server_aht, patience)?;
    if inputs.offered_load_erl() == 0.0 {
        return Ok(IntervalKpis::idle(0.0));
    }
    let req = required_agents(&inputs, &targets)?;
    let agents = req.n_agents.div_ceil(slots_per_agent);
    // With whole agents there may be spare slots: report the KPIs of the slots actually staffed.
    let metrics = if agents * slots_per_agent == req.n_agents {
        req.metrics
    } else {
        evaluate(&inputs, agents * slots_per_agent, targets.threshold_s())?
    };
    Ok(kpis_from(&metrics, &targets, f64::from(agents)))
}

/// Predicted KPIs of a queue or chat channel in one interval with `agents` agents (evaluate mode).
///
/// With no agents and contacts offered, everybody abandons (Erlang A) or the queue has no steady
/// state (Erlang C); the KPIs say so instead of failing, because a planner evaluating a roster
/// needs the whole week even if one interval is uncovered.
pub fn queue_kpis(
    model: &ChannelModel,
    offered: f64,
    interval_s: f64,
    aht_s: f64,
    agents: u32,
) -> Result<IntervalKpis, StaffingError> {
    let (patience, targets, concurrency) = queue_parts(model).ok_or_else(|| {
        StaffingError::InvalidChannel("deferred channels are evaluated with deferred_kpis".into())
    })?;
    let (slots_per_agent, server_aht) = pool(aht_s, concurrency);
    let inputs = QueueInputs::from_interval(offered, interval_s, server_aht, patience)?;
    let servers = agents.saturating_mul(slots_per_agent);
    if inputs.offered_load_erl() == 0.0 {
        return Ok(IntervalKpis::idle(f64::from(agents)));
    }
    let no_steady_state = IntervalKpis {
        agents: f64::from(agents),
        abandon_rate: if patience.mean_s().is_some() {
            1.0
        } else {
            0.0
        },
        asa_seconds: None,
        service_level: Some(0.0),
        occupancy: if agents == 0 { 0.0 } else { 1.0 },
    };
    if servers == 0 {
        return Ok(no_steady_state);
    }
    match evaluate(&inputs, servers, targets.threshold_s()) {
        Ok(m) => Ok(kpis_from(&m, &targets, f64::from(agents))),
        Err(StaffingError::Unstable { .. }) => Ok(IntervalKpis {
            service_level: None,
            ..no_steady_state
        }),
        Err(e) => Err(e),
    }
}

/// Scheduled heads from required agents: required / (1 − shrinkage).
///
/// Shrinkage is the share of paid time not available for contacts (breaks, training, meetings,
/// sickness, facilities tasks). Use this only when shrinkage is not modelled as explicit roster
/// activities; the roster programme places breaks itself and then needs the raw requirement.
///
/// ```
/// use rota_staffing::scheduled_heads;
/// assert!((scheduled_heads(30.0, 0.35).unwrap() - 46.153846153846).abs() < 1e-9);
/// assert!(scheduled_heads(30.0, 1.0).is_err());
/// ```
pub fn scheduled_heads(required_agents: f64, shrinkage: f64) -> Result<f64, StaffingError> {
    if !(shrinkage.is_finite() && (0.0..1.0).contains(&shrinkage)) {
        return Err(StaffingError::InvalidChannel(format!(
            "shrinkage must be a share from 0 up to (not including) 1, got {shrinkage}"
        )));
    }
    Ok(required_agents / (1.0 - shrinkage))
}

/// Response target of a deferred channel: every contact answered within `seconds`, counting only
/// the channel's worked (open) hours when `worked_hours_only` (the usual reading of "24 working
/// hours"), otherwise clock time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResponseWindow {
    seconds: f64,
    worked_hours_only: bool,
}

impl ResponseWindow {
    /// A response target of `seconds` (> 0).
    ///
    /// ```
    /// use rota_staffing::ResponseWindow;
    /// assert!(ResponseWindow::new(24.0 * 3600.0, true).is_ok());
    /// assert!(ResponseWindow::new(0.0, true).is_err());
    /// ```
    pub fn new(seconds: f64, worked_hours_only: bool) -> Result<Self, StaffingError> {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(StaffingError::ImpossibleTarget(format!(
                "a response target of {seconds} s cannot be met; give a positive number of seconds"
            )));
        }
        Ok(ResponseWindow {
            seconds,
            worked_hours_only,
        })
    }
    /// The target, seconds.
    pub fn seconds(&self) -> f64 {
        self.seconds
    }
    /// Whether only worked hours count.
    pub fn worked_hours_only(&self) -> bool {
        self.worked_hours_only
    }
}

/// One interval of a deferred channel (email, social).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeferredInterval {
    /// Contacts arriving in the interval.
    pub offered: f64,
    /// Handle time per contact, seconds.
    pub aht_s: f64,
    /// Whether the channel is worked in this interval (its opening hours).
    pub open: bool,
}

/// What the deferred backlog model says about one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeferredOutcome {
    /// KPIs of the contacts arriving in the interval (service level = share answered within the
    /// response target; ASA = mean response time in worked seconds) and the agents working.
    pub kpis: IntervalKpis,
    /// Work waiting at the end of the interval, seconds of handle time.
    pub backlog_s: f64,
}

fn validate_deferred(intervals: &[DeferredInterval], interval_s: f64) -> Result<(), StaffingError> {
    if !(interval_s.is_finite() && interval_s > 0.0) {
        return Err(StaffingError::InvalidChannel(format!(
            "interval length must be a positive number of seconds, got {interval_s}"
        )));
    }
    for (i, iv) in intervals.iter().enumerate() {
        if !iv.offered.is_finite() || iv.offered < 0.0 {
            return Err(StaffingError::InvalidChannel(format!(
                "interval {i}: offered volume must be a number of 0 or more, got {}",
                iv.offered
            )));
        }
        if iv.offered > 0.0 && !(iv.aht_s.is_finite() && iv.aht_s > 0.0) {
            return Err(StaffingError::InvalidChannel(format!(
                "interval {i}: AHT must be greater than 0 seconds, got {} s",
                iv.aht_s
            )));
        }
    }
    Ok(())
}

/// For every interval, the index among open intervals by whose end its work is due (may be past
/// the horizon), and the open index at or after it (where its work becomes available).
fn deadlines(
    intervals: &[DeferredInterval],
    interval_s: f64,
    target: &ResponseWindow,
) -> Vec<(usize, usize)> {
    let k = ((target.seconds / interval_s).floor() as usize).max(1);
    // opens_upto[i] = open intervals with index <= i.
    let mut opens_upto = Vec::with_capacity(intervals.len());
    let mut count = 0usize;
    for iv in intervals {
        if iv.open {
            count += 1;
        }
        opens_upto.push(count);
    }
    let total_open = count;
    (0..intervals.len())
        .map(|i| {
            let first_open = opens_upto[i] - usize::from(intervals[i].open); // open index at/after i
            let due = if target.worked_hours_only {
                first_open + k - 1
            } else {
                let d = i + k - 1;
                let opens_by_deadline = if d < intervals.len() {
                    opens_upto[d]
                } else {
                    // Past the horizon: assume the deadline lies beyond the last open interval.
                    total_open + (d + 1 - intervals.len())
                };
                // No worked time between arrival and deadline: best effort at the next opening.
                opens_by_deadline.saturating_sub(1).max(first_open)
            };
            (due, first_open)
        })
        .collect()
}

/// Required agents per interval of a deferred channel: a fluid backlog model.
///
/// Work (contacts × AHT, in seconds) arriving in interval i must be handled within the response
/// target. With K = ⌊target / interval⌋ (at least 1) it is due by the end of the K-th open interval
/// counted from i (from the next opening when it arrives while the channel is closed) when only
/// worked hours count; otherwise by the last open interval ending within K intervals of clock time
/// (or the next opening, if the channel is closed all that time). Work is handled in arrival order
/// (FIFO) and never before it arrives. In each open interval m the staffing is the **lowest level
/// rate that still meets every deadline ahead** given the work done so far,
/// max_k (due by k − done) / (k − m + 1) over k from m to m + W − 1 (W = the longest span from
/// availability to deadline, so every deadline of work already in hand is seen), capped by the work
/// available. This clears every contact by its deadline with a flat profile: no interval is staffed
/// above what the tightest window of deadlines forces; the total agent-hours equal the work.
///
/// The agents are finally divided by `max_occupancy` (planned slack, e.g. 0.95).
///
/// **Steady state.** The horizon is taken as one period of a repeating pattern (the forecast week
/// repeats): the backlog at its start is what its end leaves behind, and work due after its end is
/// due early in the next period. This is computed by unrolling the horizon on both sides and
/// reporting the middle copy, so a week's requirement neither ignores Friday's emails (due on
/// Monday) nor starts from an unrealistically empty inbox.
///
/// The result has one entry per input interval (closed intervals need 0 agents).
///
/// ```
/// use rota_staffing::{deferred_requirement, DeferredInterval, ResponseWindow};
/// // 10 emails an hour around the clock, worked 08:00-18:00, answered within 8 working hours.
/// let day: Vec<DeferredInterval> = (0..96)
///     .map(|i| DeferredInterval { offered: 2.5, aht_s: 480.0, open: (32..72).contains(&i) })
///     .collect();
/// let target = ResponseWindow::new(8.0 * 3600.0, true).unwrap();
/// let out = deferred_requirement(&day, 900.0, &target, 1.0).unwrap();
/// let agent_hours: f64 = out.iter().map(|o| o.kpis.agents * 0.25).sum();
/// assert!((agent_hours - 240.0 * 480.0 / 3600.0).abs() < 1e-6); // all the day's work
/// assert!(out.iter().filter_map(|o| o.kpis.service_level).all(|sl| sl > 0.999));
/// ```
#[tracing::instrument(level = "debug", skip_all, fields(intervals = intervals.len()))]
pub fn deferred_requirement(
    intervals: &[DeferredInterval],
    interval_s: f64,
    target: &ResponseWindow,
    max_occupancy: f64,
) -> Result<Vec<DeferredOutcome>, StaffingError> {
    validate_deferred(intervals, interval_s)?;
    let n = intervals.len();
    let work: f64 = intervals
        .iter()
        .map(|iv| iv.offered * iv.aht_s.max(0.0))
        .sum();
    let mut side = unroll_side(intervals, interval_s, target);
    // Lengthen the run-in until the middle copy is in steady state: it handles exactly the work
    // that arrives in one period (the backlog it inherits equals the backlog it leaves).
    let agents = loop {
        let unrolled = unroll(intervals, side);
        let agents = deferred_requirement_linear(&unrolled, interval_s, target, max_occupancy)?;
        let middle = agents[side * n..(side + 1) * n].to_vec();
        let handled: f64 = middle.iter().map(|a| a * interval_s * max_occupancy).sum();
        if (handled - work).abs() <= 1e-9 * work.max(1.0) || side >= MAX_SIDE {
            if side >= MAX_SIDE {
                tracing::warn!(
                    handled,
                    work,
                    "deferred backlog did not settle to a steady state"
                );
            }
            break middle;
        }
        side = (side * 2).min(MAX_SIDE);
    };
    deferred_kpis(intervals, interval_s, target, &agents)
}

/// Most copies of the horizon run in on each side of the reported one.
const MAX_SIDE: usize = 64;

/// Predicted KPIs of a deferred channel worked by `agents[i]` agents in interval i (evaluate mode):
/// the same fluid FIFO backlog and steady-state convention as [`deferred_requirement`] (the
/// staffing and demand repeat every period). Response times are measured in worked seconds or
/// clock seconds, as the target counts them. Agents in closed intervals are ignored.
pub fn deferred_kpis(
    intervals: &[DeferredInterval],
    interval_s: f64,
    target: &ResponseWindow,
    agents: &[f64],
) -> Result<Vec<DeferredOutcome>, StaffingError> {
    validate_deferred(intervals, interval_s)?;
    if agents.len() != intervals.len() {
        return Err(StaffingError::InvalidChannel(format!(
            "{} staffing values for {} intervals",
            agents.len(),
            intervals.len()
        )));
    }
    // Enough run-in for the backlog a repeating staffing leaves to settle.
    let side = (4 * unroll_side(intervals, interval_s, target)).min(MAX_SIDE);
    let unrolled = unroll(intervals, side);
    let agents_unrolled: Vec<f64> = (0..2 * side + 1)
        .flat_map(|_| agents.iter().copied())
        .collect();
    let out = deferred_kpis_linear(&unrolled, interval_s, target, &agents_unrolled)?;
    let n = intervals.len();
    Ok(out[side * n..(side + 1) * n].to_vec())
}

/// Copies of the horizon needed on each side of the reported one so that every deadline of the
/// middle copy, and every backlog reaching into it, lies inside the unrolled run.
fn unroll_side(intervals: &[DeferredInterval], interval_s: f64, target: &ResponseWindow) -> usize {
    let open = intervals.iter().filter(|iv| iv.open).count();
    if open == 0 {
        return 0;
    }
    let k = ((target.seconds / interval_s).floor() as usize).max(1);
    k.div_ceil(open) + 2
}

/// The horizon repeated `2·side + 1` times.
fn unroll(intervals: &[DeferredInterval], side: usize) -> Vec<DeferredInterval> {
    (0..2 * side + 1)
        .flat_map(|_| intervals.iter().copied())
        .collect()
}

/// Requirement on a horizon that starts with an empty backlog (one copy of the unrolled horizon).
fn deferred_requirement_linear(
    intervals: &[DeferredInterval],
    interval_s: f64,
    target: &ResponseWindow,
    max_occupancy: f64,
) -> Result<Vec<f64>, StaffingError> {
    if !(max_occupancy.is_finite() && max_occupancy > 0.0 && max_occupancy <= 1.0) {
        return Err(StaffingError::InvalidTarget(format!(
            "the maximum occupancy is a share above 0 and at most 1, got {max_occupancy}"
        )));
    }
    let open_idx: Vec<usize> = (0..intervals.len())
        .filter(|&i| intervals[i].open)
        .collect();
    let m_open = open_idx.len();
    let mut arrived = vec![0.0; m_open]; // work that becomes available in open slot m
    let mut due = vec![0.0; m_open]; // work due by the end of open slot m
    let deadlines = deadlines(intervals, interval_s, target);
    // Longest span, in open intervals, from when work is available to its deadline: the rate rule
    // looks this far ahead (later deadlines belong to work that has not arrived yet).
    let window = deadlines
        .iter()
        .map(|&(d, first_open)| d + 1 - first_open)
        .max()
        .unwrap_or(1);
    for (iv, &(d, first_open)) in intervals.iter().zip(&deadlines) {
        let work = iv.offered * iv.aht_s.max(0.0);
        if first_open < m_open {
            arrived[first_open] += work;
            if d < m_open {
                due[d] += work;
            }
        }
    }
    let cum_due: Vec<f64> = due
        .iter()
        .scan(0.0, |acc, d| {
            *acc += d;
            Some(*acc)
        })
        .collect();
    let mut agents = vec![0.0; intervals.len()];
    let mut done = 0.0;
    let mut available = 0.0;
    for m in 0..m_open {
        available += arrived[m];
        let rate = cum_due[m..(m + window).min(m_open)]
            .iter()
            .enumerate()
            .fold(0.0_f64, |r, (ahead, &due_by_k)| {
                r.max((due_by_k - done) / (ahead + 1) as f64)
            });
        let work = rate.min(available).max(0.0);
        done += work;
        available -= work;
        agents[open_idx[m]] = work / interval_s / max_occupancy;
    }
    Ok(agents)
}

/// Predicted KPIs of a deferred channel worked by `agents[i]` agents in interval i (evaluate mode):
/// the same fluid FIFO backlog as [`deferred_requirement`], on a horizon that starts with an empty
/// backlog. Response times are measured in worked seconds or clock seconds, as the target counts
/// them. Agents in closed intervals are ignored. Only [`deferred_kpis`] calls it, on an unrolled
/// copy of inputs it has already validated, so the checks are not repeated here.
fn deferred_kpis_linear(
    intervals: &[DeferredInterval],
    interval_s: f64,
    target: &ResponseWindow,
    agents: &[f64],
) -> Result<Vec<DeferredOutcome>, StaffingError> {
    debug_assert_eq!(agents.len(), intervals.len());
    if let Some(bad) = agents.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
        return Err(StaffingError::InvalidChannel(format!(
            "agents must be 0 or more, got {bad}"
        )));
    }
    // Open-time axis: open slot m covers [m·Δ, (m+1)·Δ). done_curve[m] = cumulative work done at
    // open time m·Δ, linear inside a slot.
    let open_idx: Vec<usize> = (0..intervals.len())
        .filter(|&i| intervals[i].open)
        .collect();
    let m_open = open_idx.len();
    let mut done_curve = vec![0.0; m_open + 1];
    let mut cum_arr = 0.0;
    let mut cum_done = 0.0;
    let mut slot = 0usize;
    // Per interval: cohort position (start, end) in cumulative work, open slot at/after it, backlog.
    let mut cohorts = Vec::with_capacity(intervals.len());
    for (i, iv) in intervals.iter().enumerate() {
        let work = iv.offered * iv.aht_s.max(0.0);
        let start = cum_arr;
        cum_arr += work;
        let slot_here = slot;
        if iv.open {
            cum_done = (cum_done + agents[i] * interval_s).min(cum_arr);
            done_curve[slot + 1] = cum_done;
            slot += 1;
        }
        cohorts.push((start, cum_arr, slot_here, cum_arr - cum_done));
    }
    // Open-time position at which cumulative work position w is done, if inside the horizon.
    let finish_slot_time = |w: f64| -> Option<(usize, f64)> {
        if m_open == 0 || w > cum_done + 1e-9 * cum_done.max(1.0) {
            return None;
        }
        let m = done_curve[1..].partition_point(|&d| d < w).min(m_open - 1);
        let (d0, d1) = (done_curve[m], done_curve[m + 1]);
        let frac = if d1 > d0 {
            ((w - d0) / (d1 - d0)).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Some((m, frac))
    };
    let worked = target.worked_hours_only;
    // Horizon end on the axis the target counts.
    let horizon_s = if worked {
        m_open as f64
    } else {
        intervals.len() as f64
    } * interval_s;
    const SAMPLES: usize = 32;
    let mut outcomes = Vec::with_capacity(intervals.len());
    for (i, iv) in intervals.iter().enumerate() {
        let (start, end, slot_i, backlog_s) = cohorts[i];
        let agents_i = if iv.open { agents[i] } else { 0.0 };
        let capacity = agents_i * interval_s;
        let occupancy = if iv.open && capacity > 0.0 {
            ((done_curve[slot_i + 1] - done_curve[slot_i]) / capacity).min(1.0)
        } else {
            0.0
        };
        let (mut within, mut known, mut resp_sum, mut finished) = (0usize, 0usize, 0.0, 0usize);
        if end > start {
            // Midpoint rule over the cohort, in FIFO order; arrivals spread evenly over the interval.
            for s in 0..SAMPLES {
                let frac = (s as f64 + 0.5) / SAMPLES as f64;
                let w = start + (end - start) * frac;
                let arrive = match (worked, iv.open) {
                    (true, true) => (slot_i as f64 + frac) * interval_s,
                    (true, false) => slot_i as f64 * interval_s, // waits for the opening
                    (false, _) => (i as f64 + frac) * interval_s,
                };
                match finish_slot_time(w) {
                    Some((m, f)) => {
                        let finish = if worked { m } else { open_idx[m] } as f64 * interval_s
                            + f * interval_s;
                        let r = (finish - arrive).max(0.0);
                        resp_sum += r;
                        finished += 1;
                        known += 1;
                        if r <= target.seconds * (1.0 + 1e-9) {
                            within += 1;
                        }
                    }
                    // Not finished inside the horizon: a miss once its deadline has passed.
                    None if arrive + target.seconds <= horizon_s => known += 1,
                    None => {}
                }
            }
        }
        outcomes.push(DeferredOutcome {
            kpis: IntervalKpis {
                agents: agents_i,
                abandon_rate: 0.0,
                asa_seconds: (finished > 0).then(|| resp_sum / finished as f64),
                service_level: (known > 0).then(|| within as f64 / known as f64),
                occupancy,
            },
            backlog_s,
        });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(open: impl Fn(usize) -> bool, offered: impl Fn(usize) -> f64) -> Vec<DeferredInterval> {
        (0..96 * 7)
            .map(|i| DeferredInterval {
                offered: offered(i),
                aht_s: 360.0,
                open: open(i),
            })
            .collect()
    }

    fn office_hours(i: usize) -> bool {
        let slot = i % 96;
        let day = i / 96;
        day < 5 && (32..68).contains(&slot) // 08:00-17:00 on weekdays
    }

    #[test]
    fn deferred_meets_every_deadline_with_work_conserved() {
        let iv = week(office_hours, |i| if i % 96 == 40 { 60.0 } else { 3.0 });
        let target = 8.0 * 3600.0;
        let out =
            deferred_requirement(&iv, 900.0, &ResponseWindow::new(target, true).unwrap(), 1.0)
                .unwrap();
        // Closed intervals need nobody.
        for (o, i) in out.iter().zip(&iv) {
            if !i.open {
                assert_eq!(o.kpis.agents, 0.0);
            }
        }
        // Steady state: every cohort is answered within the target, and the agent-hours of the
        // period equal its work.
        for (idx, o) in out.iter().enumerate() {
            if let Some(sl) = o.kpis.service_level {
                assert!(sl > 0.999, "interval {idx}: SL {sl}");
            }
        }
        let work: f64 = iv.iter().map(|i| i.offered * i.aht_s).sum();
        let capacity: f64 = out.iter().map(|o| o.kpis.agents * 900.0).sum();
        assert!(
            (capacity - work).abs() < 1e-6 * work,
            "{capacity} vs {work}"
        );
        // Smoothing: the peak is well below the spike's own interval load.
        let peak = out.iter().map(|o| o.kpis.agents).fold(0.0, f64::max);
        assert!(peak < 60.0 * 360.0 / 900.0);
    }

    #[test]
    fn deferred_understaffing_misses_targets() {
        let iv = week(office_hours, |_| 4.0);
        let target = 4.0 * 3600.0;
        let req =
            deferred_requirement(&iv, 900.0, &ResponseWindow::new(target, true).unwrap(), 1.0)
                .unwrap();
        let half: Vec<f64> = req.iter().map(|o| o.kpis.agents * 0.5).collect();
        let out = deferred_kpis(
            &iv,
            900.0,
            &ResponseWindow::new(target, true).unwrap(),
            &half,
        )
        .unwrap();
        let worst = out
            .iter()
            .filter_map(|o| o.kpis.service_level)
            .fold(1.0, f64::min);
        assert!(worst < 0.5, "{worst}");
        // Half the capacity in a repeating week: work piles up, nobody is answered in time at the end.
        assert!(out.last().unwrap().backlog_s > 0.0);
        assert!(out
            .iter()
            .all(|o| o.kpis.service_level.is_none_or(|sl| sl < 1.0)));
    }

    #[test]
    fn tighter_response_target_needs_higher_peak() {
        let iv = week(office_hours, |i| if i % 96 == 34 { 40.0 } else { 2.0 });
        let peak = |t: f64| {
            deferred_requirement(&iv, 900.0, &ResponseWindow::new(t, true).unwrap(), 1.0)
                .unwrap()
                .iter()
                .map(|o| o.kpis.agents)
                .fold(0.0, f64::max)
        };
        assert!(peak(3600.0) >= peak(8.0 * 3600.0));
        assert!(peak(8.0 * 3600.0) >= peak(24.0 * 3600.0));
    }

    #[test]
    fn clock_time_targets_are_met_where_possible() {
        // 2-hour clock-time target: overnight arrivals cannot make it; daytime ones must.
        let iv = week(office_hours, |_| 3.0);
        let target = ResponseWindow::new(2.0 * 3600.0, false).unwrap();
        let out = deferred_requirement(&iv, 900.0, &target, 1.0).unwrap();
        for day in 0..4 {
            for slot in 32..58 {
                let i = day * 96 + slot;
                let sl = out[i].kpis.service_level.unwrap();
                assert!(sl > 0.999, "day {day} slot {slot}: {sl}");
            }
        }
        let night = out[2 * 96 + 4].kpis.service_level.unwrap();
        assert!(night < 0.01, "{night}");
        // Worked-hours counting is never stricter than clock time for the same target.
        let worked = deferred_requirement(
            &iv,
            900.0,
            &ResponseWindow::new(2.0 * 3600.0, true).unwrap(),
            1.0,
        )
        .unwrap();
        let peak = |o: &[DeferredOutcome]| o.iter().map(|x| x.kpis.agents).fold(0.0, f64::max);
        assert!(peak(&worked) <= peak(&out) + 1e-9);
    }

    #[test]
    fn bad_deferred_settings_are_errors() {
        let iv = week(office_hours, |_| 1.0);
        let hour = ResponseWindow::new(3600.0, true).unwrap();
        assert!(ResponseWindow::new(0.0, true).is_err());
        assert!(deferred_requirement(&iv, 0.0, &hour, 1.0).is_err());
        let mut bad = iv.clone();
        bad[3].offered = -1.0;
        assert!(deferred_requirement(&bad, 900.0, &hour, 1.0).is_err());
        assert!(deferred_kpis(&iv, 900.0, &hour, &[1.0]).is_err());
    }

    #[test]
    fn queue_evaluate_with_no_agents_reports_everybody_abandoning() {
        let model = ChannelModel::Queue {
            patience: Patience::exponential(120.0).unwrap(),
            targets: Targets::builder().max_abandon(0.1).build().unwrap(),
        };
        let k = queue_kpis(&model, 10.0, 900.0, 300.0, 0).unwrap();
        assert_eq!(k.abandon_rate, 1.0);
        assert_eq!(k.asa_seconds, None);
        let k = queue_kpis(&model, 10.0, 900.0, 300.0, 5).unwrap();
        assert!(k.abandon_rate < 0.1);
    }

    #[test]
    fn chat_pool_uses_slots() {
        let targets = Targets::builder().max_asa_s(60.0).build().unwrap();
        let patience = Patience::exponential(240.0).unwrap();
        let one = ChannelModel::Chat {
            patience,
            targets,
            concurrency: ChatConcurrency::new(1, 1.0).unwrap(),
        };
        let three = ChannelModel::Chat {
            patience,
            targets,
            concurrency: ChatConcurrency::new(3, 1.5).unwrap(),
        };
        let r1 = queue_requirement(&one, 80.0, 1800.0, 600.0).unwrap();
        let r3 = queue_requirement(&three, 80.0, 1800.0, 600.0).unwrap();
        assert!(r3.agents < r1.agents && r3.agents * 3.0 >= r1.agents);
        let e = queue_kpis(&three, 80.0, 1800.0, 600.0, r3.agents as u32).unwrap();
        assert_eq!(e, r3);
    }
}
