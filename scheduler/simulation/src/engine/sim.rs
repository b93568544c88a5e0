//! The event loop of one replication (see the [engine](super) doc): arrivals, completions,
//! roster changes and closings in one heap, per-channel FIFO queues and idle lists of agents.

use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use super::model::{Model, Patience};
use super::shrinkage::draw_shrinkage;
use super::{add_span, Cell, RepResult, Waiting, CARRIED, NONE, NO_POS, OFF};

/// What one agent is doing in a replication.
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

/// Event kinds, in the top two bits of [`Ev::code`] (the channel or agent index below them).
const K_ARRIVAL: u32 = 0;
const K_COMPLETE: u32 = 1;
const K_CHANGE: u32 = 2;
const K_CLOSE: u32 = 3;

/// One pending event: its time, its insertion number (ties resolve in insertion order) and its
/// kind and index.
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

/// The state of one replication over the shared model.
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
    /// The replication's seed and stream (the shrinkage of the periods after the horizon).
    seed: u64,
    stream: u64,
    /// Time of the last event worked.
    now: f64,
    /// Working the periods after the horizon ([`Sim::answer_after_horizon`]): only the response
    /// outcome of the period's deferred items is recorded.
    beyond: bool,
    /// Deferred items of the period (with a response target) whose response outcome is not known
    /// yet: still waiting, and not yet overdue.
    pending: u32,
}

/// Periods after the horizon in which the deferred backlog left at its end is worked (the roster
/// repeated) before an item still waiting and not yet overdue is left out of the response share.
/// One is enough unless a response target is longer than a whole period of worked hours or the
/// roster falls behind by more than a period's capacity.
const EXTRA_PERIODS: u64 = 4;

/// A replication at time 0 with the stream `(seed, stream)`: the initial backlog queued, every
/// agent off, and this replication's shrinkage drawn (when the model has any).
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
            .map(|c| (0, m.demand.count.get(c * m.n_iv).copied().unwrap_or(0), 0.0))
            .collect(),
        contacts: 0,
        changes: Vec::new(),
        seed,
        stream,
        now: 0.0,
        beyond: false,
        pending: 0,
    };
    if m.shrinkage {
        sim.changes = draw_shrinkage(m, seed, stream, Some(&mut sim.cells));
    }
    sim
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

    /// Schedules an event of `kind` for channel or agent `id` at t.
    #[inline]
    fn push(&mut self, t: f64, kind: u32, id: u32) {
        self.seq += 1;
        self.heap.push(Ev {
            t,
            seq: self.seq,
            code: (kind << 30) | id,
        });
    }

    /// Seeds the first arrival of every channel, the first change of every agent and the closing
    /// times, then works the heap until it is empty.
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
        self.work_heap();
    }

    /// Works the heap until it is empty (or, after the horizon, until every deferred item of the
    /// period has its response outcome).
    fn work_heap(&mut self) {
        while let Some(ev) = self.heap.pop() {
            self.now = ev.t;
            let id = (ev.code & ((1 << 30) - 1)) as usize;
            match ev.code >> 30 {
                K_ARRIVAL => self.arrival(id, ev.t),
                K_COMPLETE => self.complete(id, ev.t),
                K_CHANGE => self.change(id, ev.t),
                _ => self.drain_abandon(id),
            }
            if self.beyond && self.pending == 0 {
                self.heap.clear();
            }
        }
    }

    /// Settles what is still queued at the end of the horizon: whoever still waits on a live
    /// channel has abandoned; deferred items still in the backlog are counted unanswered at the
    /// end, and their response outcome is what the next periods make of them
    /// ([`Sim::answer_after_horizon`]).
    fn finish(&mut self) {
        let m = self.m;
        let n_iv = m.n_iv;
        for c in 0..m.n_ch {
            if m.chans[c].live {
                self.drain_abandon(c);
                continue;
            }
            for w in &self.queues[c] {
                if w.iv & CARRIED != 0 {
                    continue;
                }
                self.cells[c * n_iv + w.iv as usize].unanswered += 1;
                if m.chans[c].response.is_some() {
                    self.pending += 1;
                }
            }
        }
        self.answer_after_horizon();
    }

    /// Works the deferred backlog left at the end of the horizon in the periods after it, so that
    /// every item the period received has a response outcome: answered within the target or not.
    ///
    /// Why: the horizon is one period of a repeating pattern (see [`pilot_backlog`]), and the
    /// items still waiting at its end are answered in the next period, by the same roster, after
    /// what is ahead of them in the queue. Judging them at the end of the horizon instead, only
    /// the overdue ones could count; a week whose backlog is all less than a response target old
    /// on Sunday night (Thursday's email, due 24 working hours later) showed 100% within target
    /// with 600 emails unanswered, although most of them would be answered late on Monday.
    ///
    /// Each further period repeats the roster with its own shrinkage draw (a stream of its own)
    /// and no new arrivals: the backlog is FIFO, so what arrives later is behind every item
    /// waiting and does not change when they are answered, and agents take other channels'
    /// contacts only when their own queue is empty. After each period the items still waiting
    /// and already overdue are missed (they keep their place in the queue, still taking agent
    /// time); after [`EXTRA_PERIODS`] the few still waiting and not yet due are left out of the
    /// share.
    fn answer_after_horizon(&mut self) {
        let m = self.m;
        self.beyond = true;
        for k in 1..=EXTRA_PERIODS {
            if self.pending == 0 {
                break;
            }
            let offset = k as f64 * m.horizon_s;
            let lists: Vec<Vec<(f64, u8)>> = if m.shrinkage {
                draw_shrinkage(m, self.seed, self.stream ^ (k << 56), None)
            } else {
                m.agents.iter().map(|a| a.changes.clone()).collect()
            };
            self.changes = lists
                .into_iter()
                .map(|v| v.into_iter().map(|(t, c)| (t + offset, c)).collect())
                .collect();
            for a in 0..m.agents.len() {
                self.agents[a].next_change = 0;
                if let Some(&(t, _)) = self.changes[a].first() {
                    self.push(t.max(self.now), K_CHANGE, a as u32);
                }
            }
            self.work_heap();
            let end = offset + m.horizon_s;
            for c in 0..m.n_ch {
                let Some((target, worked_only)) = m.chans[c].response else {
                    continue;
                };
                let (cells, pending) = (&mut self.cells, &mut self.pending);
                for w in self.queues[c].iter_mut() {
                    if w.iv & CARRIED != 0
                        || m.response_time(c, w.arrival, end, worked_only) <= target
                    {
                        continue;
                    }
                    cells[c * m.n_iv + w.iv as usize].resp_known += 1;
                    *pending -= 1;
                    // Still takes agent time ahead of the rest, but is settled.
                    w.iv |= CARRIED;
                }
            }
        }
    }

    /// Counts every contact still queued on channel c abandoned.
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
                remaining = if iv < m.n_iv {
                    m.demand.count[base + iv]
                } else {
                    0
                };
                prev = 0.0;
            }
        }
        let mut t = t;
        let mut i = (t / m.interval_s) as usize;
        loop {
            if i >= m.n_iv {
                return None;
            }
            let r = m.demand.rate[base + i];
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
        if m.demand.exponential {
            let e: f64 = Exp1.sample(&mut self.rng);
            m.demand.ht_a[k] * e
        } else {
            let z: f64 = StandardNormal.sample(&mut self.rng);
            (m.demand.ht_a[k] + m.demand.ht_b[k] * z).exp()
        }
    }

    #[inline]
    fn has_capacity(&self, a: usize, c: u8) -> bool {
        let s = &self.agents[a];
        s.count == 0 || (s.holding == c && s.count < self.m.chans[c as usize].conc)
    }

    /// Takes agent a out of its idle list (O(1): swap-remove and fix the moved agent's position).
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

    /// Puts agent a at the end of channel c's idle list.
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
        if self.beyond {
            // After the horizon: only the response outcome of the period's items.
            if let Some((target, worked_only)) = ch.response {
                let r = m.response_time(c, w.arrival, end, worked_only);
                let cell = &mut self.cells[k];
                cell.resp_known += 1;
                if r <= target {
                    cell.resp_in_target += 1;
                }
                self.pending -= 1;
            }
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
            let r = m.response_time(c, w.arrival, end, worked_only);
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

    /// A contact arrives on channel c at t: the most recently idle agent of c takes it, else (live,
    /// multi-skill) an idle agent of another channel skilled in c, else it queues.
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

    /// Agent a finishes a contact at t.
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
            // A return delayed by owed off-phone time: rostered on `new` but not available. Only
            // the part of the delay the roster put on `new` (up to its next change) was
            // logged-in time to take back; the rest belongs to the next change, which fires now
            // and takes back its own part (a break or another channel).
            add_span(
                &mut self.cells,
                new as usize * m.n_iv,
                m.n_iv,
                m.interval_s,
                ts,
                t.min(next.unwrap_or(t)),
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
