//! The event loop of one replication.
//!
//! Events live in one binary heap ordered by (time, insertion number), so ties resolve in a fixed
//! order. Each channel has exactly one pending arrival; each contact in service one completion;
//! each agent one pending activity change. Abandonment needs no event: a channel's queue is FIFO
//! and a contact that gives up affects nobody else, so waiting contacts carry their deadline
//! (arrival + patience) and are counted abandoned when they reach the head of the queue after it
//! (or when the queue is drained at closing / the end of the horizon). Nothing is allocated per
//! contact: queues and the heap reuse their buffers.
//!
//! The engine is in three parts, read in this order:
//! * [`model`]: the read-only [`Model`] compiled once from the input and options (rates, handle
//!   time parameters, every agent's change list) and shared by all replications;
//! * [`shrinkage`]: the shifts of each agent and the absence / off-phone time drawn on them in
//!   every replication;
//! * [`sim`]: the event loop of one replication ([`run_replication`], [`pilot_backlog`]).

mod model;
mod shrinkage;
mod sim;
#[cfg(test)]
mod tests;

pub(crate) use model::Model;
pub(crate) use sim::{pilot_backlog, run_replication};

/// Change-list code of "not working" (no channel), and of "no channel" in the agent state.
const NONE: u8 = u8::MAX;
/// Change-list code of off-phone shrinkage time: unavailable like [`NONE`], but the time is owed in
/// full (see `Sim::change` in [`sim`]).
const OFF: u8 = u8::MAX - 1;
/// Position of an agent that is in no idle list.
const NO_POS: u32 = u32::MAX;

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
