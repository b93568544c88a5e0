//! Discrete-event simulation of a roster against demand: what the actual roster will do on Monday
//! at 09:00, with breaks, lunches, channel assignments, chat concurrency and the email backlog.
//!
//! Queueing formulas ([`rota_staffing`]) assume steady state, one channel and agents who never
//! take breaks. The simulation replays a roster (`shifts.csv` / `activities.csv`, or an in-memory
//! [`rota_roster::Roster`]) against a forecast ([`rota_data::demand::DemandSeries`]) and reports
//! the KPIs managers are judged on, per interval, per day and per week, with 95% confidence
//! intervals over independent replications, and a [`Verdict`] against each channel's targets.
//!
//! # Model (see `docs/SIMULATION.md` for assumptions and sources)
//! * **Arrivals**: non-homogeneous Poisson per channel, piecewise constant over the intervals
//!   (rate = forecast offered / interval length; exact by the memoryless property); or
//!   [`ArrivalProcess::Replay`]: exactly the (rounded) forecast or history count per interval at
//!   uniform random times (Law 2015, §8.6).
//! * **Handle times**: lognormal with the arrival interval's AHT as mean and a coefficient of
//!   variation (default 1.0; service times are close to lognormal, Brown et al. 2005), or
//!   exponential ([`HandleTimeModel`]). Chat: times the configured factor of the concurrency level
//!   at which the chat is taken.
//! * **Patience**: exponential with the channel's configured mean (Erlang A), or an empirical
//!   distribution ([`PatienceModel::Empirical`]). Callers abandon when their patience runs out
//!   before an agent takes them (FIFO per channel).
//! * **Agents** follow the roster (less shrinkage, below): a `work` activity on channel c makes the
//!   agent available for c; breaks, lunches and any other activity (training, meetings, ...) make
//!   them unavailable. A contact in hand is finished first (the break starts late, the time counts
//!   as logged-in).
//! * **Shrinkage** ([`ShrinkageModel`], default on): the roster was built to requirements grossed
//!   up by the configured shrinkage but does not place it, so each replication takes it off the
//!   agents: per agent and shift, unplanned absence (the whole shift, with probability = the
//!   `sickness`/absence share of the shrinkage of the channel the shift mostly works) and
//!   off-phone time (`(total − absence) / (1 − absence)` of the shift's work intervals, whole
//!   intervals chosen uniformly at random without replacement, the count rounded up or down by a
//!   random draw so its expectation is exact). Expected available time is `(1 − total)` of the
//!   rostered work time, as the staffing gross-up assumes. Why: the roster was built to
//!   requirements grossed up by `1 / (1 − shrinkage)` but places none of it, so replaying every
//!   agent for every work minute gives the plan more agents than it counted on. Off-phone time
//!   that starts while the agent has a contact in hand starts when it is finished and is then
//!   taken in full (the return to work moves back, up to the roster's next change). Time taken
//!   off is not logged-in time. The draws come from a second ChaCha8 key derived from the seed,
//!   with the replication's stream id: reproducible and independent of the thread count; with
//!   [`ShrinkageModel::None`] (or a centre without shrinkage) nothing is drawn and the run is the
//!   roster as planned. A roster whose activities already contain the shrinkage activities
//!   (training, meetings, ...) double counts them with the default: use `None` there.
//! * **Routing** ([`Routing`]): a free agent takes the oldest waiting contact of the channel the
//!   roster assigns; with [`Routing::MultiSkill`] (default) an agent with nothing to do on that
//!   channel takes the oldest waiting contact of another *live* channel they are skilled in, lowest
//!   `priority` number first (the config's channel priority).
//! * **Deferred** channels (email, social) arrive day and night into a FIFO backlog worked by the
//!   agents the roster assigns; the response time runs to the end of handling, counted in worked
//!   hours when the target says so. The horizon is read as one period of a repeating pattern (as
//!   in the staffing model): the backlog at its start is what one pilot run of the same roster and
//!   demand leaves at its end ([`SimulationOptions::deferred_warmup`]); carried-in items take agent
//!   time but are not counted in this period's KPIs. The response share counts every item the
//!   period received: items still waiting at its end are worked in the next period (the roster
//!   repeated, with its own shrinkage draw) and judged by when they are answered there, so a
//!   backlog left for Monday cannot pass for 100% within target.
//! * **Closing** ([`ClosingPolicy`]): contacts still queued when a live channel closes are either
//!   counted abandoned or still served by agents working the channel.
//!
//! # Statistics
//! Each replication has its own ChaCha8 stream (key from `seed`, stream id = the replication
//! index, `rand_chacha`'s `set_stream`), so results do not depend on thread scheduling; replications run in parallel (rayon) and are
//! aggregated in replication order, so the same seed gives byte-identical output. Rates (abandon
//! rate, ASA, service level, occupancy, response share) are computed per replication and then
//! averaged; the 95% confidence interval is mean ± t(0.975, n−1)·s/√n over the replications in
//! which the rate is defined (Law 2015, §9.4).
//!
//! ```no_run
//! use rota_simulation::{simulate, RosterPlan, SimulationInput, SimulationOptions};
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = rota_data::config::CentreConfig::load("data/samples/centre.toml")?;
//! let demand = rota_data::demand::DemandSeries::read_csv("forecast.csv")?;
//! let roster = RosterPlan::read_dir("roster", &config)?;
//! let input = SimulationInput::new(&config, &demand, &roster)?;
//! let opts = SimulationOptions { replications: 50, seed: 7, ..Default::default() };
//! let report = simulate(&input, &opts, |done, total| eprintln!("{done}/{total}"))?;
//! report.write_csv("sim.csv")?;
//! report.write_summary_csv("sim.summary.csv")?;
//! println!("{}", report.render_table());
//! # Ok(()) }
//! ```

mod engine;
mod error;
mod input;
mod report;
mod stats;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rota_data::channel::ChannelName;

pub use error::SimulationError;
pub use input::{
    demand_from_history, PlanActivity, PlanActivityKind, PlanShift, RosterPlan, SimulationInput,
};
pub use report::{
    ChannelInfo, ChannelVerdict, Direction, Estimate, IntervalRange, Kpi, KpiSet, Period,
    PeriodKpis, SimulatedKpis, SimulationReport, TargetCheck, Verdict,
};
pub use stats::t_quantile_975;

/// Default coefficient of variation of lognormal handle times: 1.0, the variability of the
/// exponential distribution Erlang C/A assume, so simulation and staffing agree on the spread.
pub const DEFAULT_HANDLE_TIME_CV: f64 = 1.0;

/// Default number of replications.
pub const DEFAULT_REPLICATIONS: u32 = 50;

/// Distribution of handle times around the interval's AHT.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandleTimeModel {
    /// Lognormal with mean = AHT and this coefficient of variation (sd / mean, > 0).
    Lognormal {
        /// Coefficient of variation.
        cv: f64,
    },
    /// Exponential with mean = AHT (the Erlang C/A assumption; used by the validation tests).
    Exponential,
}

impl Default for HandleTimeModel {
    fn default() -> Self {
        HandleTimeModel::Lognormal {
            cv: DEFAULT_HANDLE_TIME_CV,
        }
    }
}

/// Patience of a live channel's customers.
#[derive(Debug, Clone, PartialEq)]
pub enum PatienceModel {
    /// Exponential with this mean, seconds (the Erlang A assumption).
    Exponential {
        /// Mean patience, seconds (> 0).
        mean_s: f64,
    },
    /// Drawn uniformly from observed patience values, seconds (each ≥ 0; at least one).
    Empirical(Vec<f64>),
    /// Nobody abandons (Erlang C).
    Infinite,
}

/// How contacts arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArrivalProcess {
    /// Non-homogeneous Poisson with the forecast mean per interval (default).
    #[default]
    Poisson,
    /// Exactly the rounded offered figure per interval, at uniform random times (replaying a
    /// history, or removing the Poisson count noise).
    Replay,
}

/// What happens to contacts still queued when a live channel closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClosingPolicy {
    /// They are counted abandoned at closing time (the line plays a closed message; the desk
    /// shuts).
    Abandon,
    /// Agents still working the channel keep answering them (default); those whose patience runs
    /// out abandon, and whoever is still waiting when nobody works the channel any more is counted
    /// abandoned at the end of the horizon.
    #[default]
    Serve,
}

/// Which waiting contacts a free agent may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Routing {
    /// Only the channel the roster assigns.
    Assigned,
    /// The assigned channel first, then other live channels the agent is skilled in, lowest
    /// priority number first (default).
    #[default]
    MultiSkill,
}

/// Whether the configured shrinkage is taken off the roster.
///
/// The roster is built to requirements grossed up by the shrinkage (`scheduled = required /
/// (1 − shrinkage)`, `docs/STAFFING.md`) but does not place the shrinkage activities (sickness,
/// training, meetings, 1:1s, admin, ...): an agent replayed for the whole of every work period is
/// more agent than the plan counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShrinkageModel {
    /// Each replication takes the shrinkage of the channel an agent mostly works in a shift (the
    /// channel whose requirement was grossed up by it; [`rota_data::config::Channel::shrinkage`])
    /// off that agent: with probability = its sickness/absence share the agent is absent the whole
    /// shift; otherwise `(total − absence) / (1 − absence)` of the shift's work intervals, drawn
    /// at random (the count rounded by a random draw), are off-phone. Expected available time is
    /// `(1 − total)` of the rostered work time, exactly the staffing model's (default).
    #[default]
    Configured,
    /// Agents are available for all of their rostered work periods (the roster already contains
    /// the shrinkage activities, or the Erlang validation).
    None,
    /// The day's absences are recorded and already taken out of the roster (intraday): no
    /// further whole-shift absence is drawn, and present agents lose the off-phone share
    /// `(total − absence) / (1 − absence)` of their work intervals, as with
    /// [`ShrinkageModel::Configured`].
    RecordedAbsences,
}

/// Options of a simulation run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationOptions {
    /// Independent replications (≥ 1; ≥ 2 for confidence intervals).
    pub replications: u32,
    /// Master seed: replication r uses the stream seeded from `(seed, r)`.
    pub seed: u64,
    /// Handle-time distribution.
    pub handle_time: HandleTimeModel,
    /// Arrival process.
    pub arrivals: ArrivalProcess,
    /// Queued contacts at closing.
    pub closing: ClosingPolicy,
    /// Multi-skill routing.
    pub routing: Routing,
    /// Patience per channel replacing the configured exponential patience.
    pub patience: BTreeMap<ChannelName, PatienceModel>,
    /// Start deferred channels with the backlog one pilot run of the horizon leaves behind (the
    /// week repeats, as in the staffing model) instead of an empty inbox (default true).
    pub deferred_warmup: bool,
    /// Run replications in parallel (rayon); results are identical either way.
    pub parallel: bool,
    /// Shrinkage taken off the rostered agents (unplanned absence and off-phone time); default
    /// [`ShrinkageModel::Configured`].
    pub shrinkage: ShrinkageModel,
}

impl Default for SimulationOptions {
    fn default() -> Self {
        Self {
            replications: DEFAULT_REPLICATIONS,
            seed: 0,
            handle_time: HandleTimeModel::default(),
            arrivals: ArrivalProcess::default(),
            closing: ClosingPolicy::default(),
            routing: Routing::default(),
            patience: BTreeMap::new(),
            deferred_warmup: true,
            parallel: true,
            shrinkage: ShrinkageModel::default(),
        }
    }
}

/// Simulates `input` `opts.replications` times and summarises the KPIs.
///
/// `progress(done, total)` is called after each replication (from worker threads).
///
/// Errors: invalid options (no replications, a CV ≤ 0, a patience override for an unknown or
/// deferred channel).
#[tracing::instrument(skip_all, fields(replications = opts.replications, seed = opts.seed))]
pub fn simulate(
    input: &SimulationInput,
    opts: &SimulationOptions,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<SimulationReport, SimulationError> {
    let mut model = engine::Model::build(input, opts)?;
    if opts.deferred_warmup && model.chans.iter().any(|c| !c.live) {
        model.initial_backlog = engine::pilot_backlog(&model, opts.seed);
    }
    let total = opts.replications as usize;
    let done = AtomicUsize::new(0);
    let run = |rep: usize| {
        let out = engine::run_replication(&model, opts.seed, rep as u64);
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(d, total);
        out
    };
    let results: Vec<engine::RepResult> = if opts.parallel {
        (0..total).into_par_iter().map(run).collect()
    } else {
        (0..total).map(run).collect()
    };
    Ok(report::summarise(input, &model, opts, &results))
}

/// Contacts offered in total over all replications of a finished run (for throughput figures).
pub fn simulated_contacts(report: &SimulationReport) -> u64 {
    report.total_contacts
}
