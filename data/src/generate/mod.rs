//! The bundled sample centre: a deterministic generator of two years of interval history for a
//! fictional UK housing association (about 14,000 homes) with five channels.
//!
//! `rota data generate --seed 42 --out DIR` writes `DIR/centre.toml` (a byte-identical copy of the
//! bundled configuration) and `DIR/history.csv.gz`; with seed 42 the output equals the committed
//! `data/samples/` files. The channels' opening hours, AHTs, patience, chat concurrency and special
//! days come from the [`CentreConfig`]; the demand and staffing facts are in `model`. How the data
//! are made (see `data/samples/README.md` for the full list of facts):
//!
//! 1. **Arrivals**: per channel and day an expected volume (base x weekday x channel-shift trend x
//!    rent days x day after a bank holiday x season x cold spells), times a gamma day multiplier and
//!    a gamma multiplier per interval, then Poisson counts (a gamma-Poisson mixture: over-dispersed
//!    as real arrivals are, Taylor 2008), spread over the intervals by a double-peaked intraday
//!    profile and uniformly within each interval.
//! 2. **Historic staffing**: the rota the centre actually ran, thinner than the load and shaped by
//!    shift habits rather than demand (lunch breaks on the afternoon peak, thin openings, fewer
//!    agents on Mondays), with day-to-day absence.
//! 3. **What happened**: each open day is simulated customer by customer in a FCFS queue with
//!    exponential patience and lognormal handle times (`queue`): chat with `concurrency` slots per
//!    agent; email and social worked from one backlog in arrival order across days. Counts, AHT and
//!    ASA are reported per arrival interval (cohort reporting), so handled + abandoned never exceed
//!    offered.
//!
//! Determinism: every random draw comes from `ChaCha8Rng::seed_from_u64(seed)` on a stream chosen by
//! (day, channel, purpose), so the same seed gives the same bytes on every platform, and a day's
//! arrivals do not depend on which span is generated. No wall clock, no hash-map iteration.

mod figures;
mod model;
mod queue;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike};
use chrono_tz::Tz;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Poisson};

use crate::calendar;
use crate::channel::{ChannelKind, ChannelName};
use crate::config::{CentreConfig, Channel, ConfigError, SAMPLE_CENTRE_TOML, WEEKDAYS};
use crate::grid::IntervalGrid;
use crate::history::{History, HistoryError, HistoryRecord, IntervalCounts, WriteError};

pub use figures::{SampleChannel, SampleFigures};
use model::{Facts, Role};
use queue::{simulate_fcfs, Contact};

/// The seed of the committed sample.
pub const DEFAULT_SEED: u64 = 42;

/// File name of the generated history inside the output directory.
pub const HISTORY_FILE: &str = "history.csv.gz";
/// File name of the copied centre configuration inside the output directory.
pub const CONFIG_FILE: &str = "centre.toml";

/// First day of the bundled history (Monday 2024-11-18).
pub fn sample_first_day() -> NaiveDate {
    model::ymd(model::ANCHOR_FIRST)
}

/// Last day of the bundled history (Sunday 2026-11-15): the demo plans the week from Monday
/// 2026-11-16.
pub fn sample_last_day() -> NaiveDate {
    model::ymd(model::ANCHOR_LAST)
}

/// Why the sample could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The configuration lacks a channel the sample needs, or gives it the wrong kind.
    #[error(
        "the sample generator needs channel `{name}` of kind {kind} in the centre configuration"
    )]
    MissingChannel {
        /// Channel name.
        name: &'static str,
        /// Expected kind.
        kind: ChannelKind,
    },
    /// The requested span is empty.
    #[error("empty span: {from} is after {to}")]
    EmptySpan {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// The generated records were rejected (a bug in the generator).
    #[error("generated history is invalid: {0}")]
    Invalid(String),
    /// The bundled configuration is invalid (a bug caught by the tests).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The history could not be assembled.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The history file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The output directory or the configuration copy could not be written.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done ("create directory", "write").
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What the generator takes from one channel of the centre configuration. Whether the channel is
/// open (worked) in an interval is asked of the configuration ([`DayContext::worked`]).
#[derive(Debug, Clone, PartialEq)]
struct ChannelSetup {
    name: ChannelName,
    kind: ChannelKind,
    /// Open (live channels) or worked (deferred channels) hours per weekday, Monday first, as
    /// `[start, end)` minutes after local midnight: the span and length of the working day shape
    /// handle times and the historic rota.
    hours: [Vec<(u32, u32)>; 7],
    /// Handle time per contact today, seconds (for chat: per chat at full concurrency).
    aht_seconds: f64,
    /// Mean patience in the configuration (live channels).
    patience_seconds: Option<f64>,
    /// Contacts one agent handles at once (chat; 1 for other channels).
    concurrency: u32,
}

impl ChannelSetup {
    fn from_config(ch: &Channel) -> Self {
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        for (i, day) in WEEKDAYS.iter().enumerate() {
            hours[i] = ch
                .hours()
                .ranges(*day)
                .iter()
                .map(|r| (u32::from(r.start_minute()), u32::from(r.end_minute())))
                .collect();
        }
        Self {
            name: ch.name().clone(),
            kind: ch.kind(),
            hours,
            aht_seconds: ch.aht_at_concurrency(ch.concurrency()),
            patience_seconds: ch.patience_seconds(),
            concurrency: ch.concurrency().max(1),
        }
    }

    fn open_span_hours(&self, weekday: u32) -> Option<(f64, f64)> {
        let ranges = &self.hours[weekday as usize];
        let first = ranges.iter().map(|r| r.0).min()?;
        let last = ranges.iter().map(|r| r.1).max()?;
        Some((f64::from(first) / 60.0, f64::from(last) / 60.0))
    }

    fn open_minutes(&self, weekday: u32) -> u32 {
        self.hours[weekday as usize]
            .iter()
            .map(|&(a, b)| b.saturating_sub(a))
            .sum()
    }
}

/// The centre as the generator sees it: its configuration (the calendar: opening hours, bank
/// holidays, special days), the grid and the five channels.
#[derive(Debug, Clone, PartialEq)]
struct CentreSetup {
    config: CentreConfig,
    grid: IntervalGrid,
    channels: Vec<ChannelSetup>,
}

impl CentreSetup {
    fn from_config(config: &CentreConfig) -> Result<Self, GenerateError> {
        let setup = Self {
            config: config.clone(),
            grid: config.grid(),
            channels: config
                .channels()
                .iter()
                .map(ChannelSetup::from_config)
                .collect(),
        };
        for role in [
            Role::Voice,
            Role::Reception,
            Role::Chat,
            Role::Email,
            Role::Social,
        ] {
            setup.channel(role)?;
        }
        Ok(setup)
    }

    fn channel(&self, role: Role) -> Result<&ChannelSetup, GenerateError> {
        let kind = match role {
            Role::Voice => ChannelKind::Inbound,
            Role::Reception => ChannelKind::WalkIn,
            Role::Chat => ChannelKind::Chat,
            Role::Email | Role::Social => ChannelKind::Deferred,
        };
        self.channels
            .iter()
            .find(|c| c.name.as_str() == role.name() && c.kind == kind)
            .ok_or(GenerateError::MissingChannel {
                name: role.name(),
                kind,
            })
    }
}

/// Progress of a generation run: called after each simulated calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDone {
    /// The month just simulated (its first day, or the first day of the span).
    pub month: NaiveDate,
    /// Months simulated so far.
    pub done: usize,
    /// Months in the span.
    pub total: usize,
}

/// Number of calendar months touched by `from..=to`.
pub fn months_in_span(from: NaiveDate, to: NaiveDate) -> usize {
    if from > to {
        return 0;
    }
    let m = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    (m(to) - m(from) + 1) as usize
}

/// Generates the history of `from..=to` (local dates) for a centre with the sample's five channels
/// (`voice` inbound, `reception` walk-in, `chat`, `email` and `social` deferred), using its grid,
/// opening hours, AHTs, patience, chat concurrency and special days, with `seed`.
///
/// ```
/// use chrono::NaiveDate;
/// use rota_data::config::CentreConfig;
/// use rota_data::generate::generate_history;
/// let config = CentreConfig::sample().unwrap();
/// let day = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap();
/// let history = generate_history(&config, 42, day, day).unwrap();
/// assert!(history.len() > 300);
/// ```
pub fn generate_history(
    config: &CentreConfig,
    seed: u64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<History, GenerateError> {
    generate_history_with_progress(config, seed, from, to, |_| {})
}

/// [`generate_history`] reporting each simulated month to `progress`.
#[tracing::instrument(skip(config, progress))]
pub fn generate_history_with_progress(
    config: &CentreConfig,
    seed: u64,
    from: NaiveDate,
    to: NaiveDate,
    progress: impl FnMut(MonthDone),
) -> Result<History, GenerateError> {
    let setup = CentreSetup::from_config(config)?;
    generate(&setup, seed, from, to, progress)
}

fn generate(
    setup: &CentreSetup,
    seed: u64,
    from: NaiveDate,
    to: NaiveDate,
    mut progress: impl FnMut(MonthDone),
) -> Result<History, GenerateError> {
    if from > to {
        return Err(GenerateError::EmptySpan { from, to });
    }
    let grid = setup.grid;
    let interval_seconds = f64::from(grid.length.seconds());
    let live: Vec<(Role, &ChannelSetup)> = [Role::Voice, Role::Reception, Role::Chat]
        .into_iter()
        .map(|r| setup.channel(r).map(|c| (r, c)))
        .collect::<Result<_, _>>()?;
    let deferred: Vec<(Role, &ChannelSetup)> = [Role::Email, Role::Social]
        .into_iter()
        .map(|r| setup.channel(r).map(|c| (r, c)))
        .collect::<Result<_, _>>()?;

    // Cold spells of every winter that touches the span (the winter starting the November before).
    let mut spells = Vec::new();
    for year in (from.year() - 1)..=to.year() {
        let mut rng = stream(seed, Purpose::Winter, year as i64, 0);
        spells.extend(model::cold_spells(year, &mut rng));
    }

    let total_months = months_in_span(from, to);
    let mut records: Vec<HistoryRecord> = Vec::new();
    // Deferred channels: arrivals of the whole span, worked from one backlog at the end.
    let mut backlog: Vec<DeferredPlan> = deferred
        .iter()
        .map(|&(role, ch)| DeferredPlan {
            role,
            channel: ch,
            interval_starts: Vec::new(),
            offered: Vec::new(),
            servers: Vec::new(),
            contacts: Vec::new(),
            contact_interval: Vec::new(),
        })
        .collect();

    let mut done = 0usize;
    let mut month_start = from;
    let mut date = from;
    while date <= to {
        let starts = grid.interval_starts(date);
        let day = DayContext::new(&setup.config, date, &starts, &spells);
        for &(role, ch) in &live {
            simulate_live_day(seed, role, ch, &day, interval_seconds, &mut records)?;
        }
        for plan in &mut backlog {
            plan_deferred_day(seed, plan, &day, interval_seconds);
        }
        let next = date + Duration::days(1);
        if next > to || next.month() != date.month() {
            done += 1;
            progress(MonthDone {
                month: month_start,
                done,
                total: total_months,
            });
            month_start = next;
        }
        date = next;
    }
    for plan in &backlog {
        simulate_deferred(plan, interval_seconds, &mut records)?;
    }
    Ok(History::new(grid, records)?)
}

/// Random streams: one per (purpose, day or year, channel), so draws never depend on the order or
/// extent of the generation.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    Winter = 1,
    Arrivals = 2,
    Staffing = 3,
}

fn stream(seed: u64, purpose: Purpose, key: i64, channel: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let key = (key as u64) & 0xFFFF_FFFF_FFFF;
    rng.set_stream((key << 12) | ((purpose as u64) << 8) | channel);
    rng
}

/// Everything about one local date the channels share.
struct DayContext<'a> {
    config: &'a CentreConfig,
    date: NaiveDate,
    weekday: u32,
    key: i64,
    /// A bank holiday the centre closes on (its volume counts as a Sunday's).
    bank_holiday: bool,
    after_bank_holiday: bool,
    starts: &'a [DateTime<Tz>],
    /// Local hour (0-24, fractional) of each interval's start.
    start_hours: Vec<f64>,
    spells: &'a [model::ColdSpell],
}

impl<'a> DayContext<'a> {
    fn new(
        config: &'a CentreConfig,
        date: NaiveDate,
        starts: &'a [DateTime<Tz>],
        spells: &'a [model::ColdSpell],
    ) -> Self {
        let start_hours = starts
            .iter()
            .map(|t| f64::from(t.hour()) + f64::from(t.minute()) / 60.0)
            .collect();
        Self {
            config,
            date,
            weekday: model::weekday_index(date),
            key: i64::from(date.num_days_from_ce()),
            bank_holiday: config.centre().closed_on_bank_holidays()
                && calendar::is_bank_holiday(date),
            after_bank_holiday: calendar::is_day_after_bank_holiday(date),
            starts,
            start_hours,
            spells,
        }
    }

    /// Per interval of the day, whether agents work `ch`: the centre's one opening calendar
    /// ([`CentreConfig::is_worked_at`]: opening (deferred: worked) hours, bank holidays the
    /// centre closes on, closed special days).
    fn worked(&self, ch: &ChannelSetup) -> Vec<bool> {
        let channel = self.config.channel(ch.name.as_str());
        self.starts
            .iter()
            .map(|t| channel.is_some_and(|c| self.config.is_worked_at(c, t)))
            .collect()
    }

    /// Expected contacts of the day for a channel (before the random day multiplier). Bank holidays
    /// count as Sundays for channels that receive contacts while closed.
    fn expected_volume(&self, role: Role, facts: &Facts, ch: &ChannelSetup) -> f64 {
        let weekday = if self.bank_holiday { 6 } else { self.weekday };
        let mut v = facts.base_daily * facts.weekday[weekday as usize];
        v *= model::trend(facts.trend_start, self.date);
        v *= model::rent_factor(facts, self.date);
        if self.after_bank_holiday {
            v *= facts.after_bank_holiday;
        }
        v *= model::season_factor(role, self.date);
        v *= model::cold_factor(self.spells, facts.cold_weight, self.date);
        v * self.config.volume_factor(&ch.name, self.date)
    }
}

/// Draws the day's arrivals: a gamma day multiplier, a gamma multiplier per interval, Poisson
/// counts on the intervals where `weights` is positive, uniform instants within each interval.
/// Returns, per interval, the sorted arrival offsets (seconds from the start of the day).
fn draw_arrivals(
    rng: &mut ChaCha8Rng,
    facts: &Facts,
    expected: f64,
    weights: &[f64],
    interval_seconds: f64,
) -> Vec<Vec<f64>> {
    let total: f64 = weights.iter().sum();
    let mut out = vec![Vec::new(); weights.len()];
    if total <= 0.0 || expected <= 0.0 {
        return out;
    }
    let day_mult = gamma(rng, facts.day_shape);
    for (k, &w) in weights.iter().enumerate() {
        if w <= 0.0 {
            continue;
        }
        let lambda = expected * day_mult * gamma(rng, facts.interval_shape) * w / total;
        let n = poisson(rng, lambda);
        let base = k as f64 * interval_seconds;
        let mut times: Vec<f64> = (0..n)
            .map(|_| base + rng.random::<f64>() * interval_seconds)
            .collect();
        times.sort_by(f64::total_cmp);
        out[k] = times;
    }
    out
}

/// Gamma(shape, scale 1/shape): mean 1, coefficient of variation 1/sqrt(shape).
fn gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    match Gamma::new(shape, 1.0 / shape) {
        Ok(g) => g.sample(rng),
        Err(_) => 1.0,
    }
}

fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    match Poisson::new(lambda) {
        Ok(p) => {
            let x: f64 = p.sample(rng);
            x as u32
        }
        Err(_) => 0,
    }
}

/// Lognormal handle time with the given mean and coefficient of variation.
fn handle_time(rng: &mut ChaCha8Rng, mean: f64, cv: f64) -> f64 {
    let sigma2 = (1.0 + cv * cv).ln();
    let mu = mean.ln() - sigma2 / 2.0;
    match LogNormal::new(mu, sigma2.sqrt()) {
        Ok(d) => d.sample(rng),
        Err(_) => mean,
    }
}

fn patience(rng: &mut ChaCha8Rng, mean: Option<f64>) -> f64 {
    match mean.and_then(|m| Exp::new(1.0 / m).ok()) {
        Some(d) => d.sample(rng),
        None => f64::INFINITY,
    }
}

/// Agents on the channel in each interval of the day: the historic rota (shape x ratio x typical
/// load), reduced by the day's absence, with the odd interval one agent off or on.
fn historic_staffing(
    seed: u64,
    role: Role,
    ch: &ChannelSetup,
    facts: &Facts,
    day: &DayContext<'_>,
    open: &[bool],
) -> Vec<u32> {
    let mut rng = stream(seed, Purpose::Staffing, day.key, role.index());
    let load = typical_load(role, ch, facts);
    let absence = rng.random_range(0.82..1.0);
    open.iter()
        .enumerate()
        .map(|(k, &is_open)| {
            let jitter: f64 = rng.random();
            if !is_open {
                return 0;
            }
            let h = day.start_hours[k] + 0.125;
            let x =
                load * facts.staffing_ratio * model::staffing_shape(role, day.weekday, h) * absence;
            let mut n = x.round().max(1.0) as i64;
            if jitter < 0.06 {
                n -= 1;
            } else if jitter > 0.95 {
                n += 1;
            }
            n.max(1) as u32
        })
        .collect()
}

/// The typical concurrent load in agents (offered load in Erlangs per concurrency slot) over the
/// open hours of an average Monday-to-Friday day today, or, for deferred work, the week's work
/// spread over the week's worked hours.
fn typical_load(role: Role, ch: &ChannelSetup, facts: &Facts) -> f64 {
    let work = |d: usize| facts.base_daily * facts.weekday[d] * ch.aht_seconds;
    let slots = f64::from(ch.concurrency.max(1));
    if ch.kind.is_deferred() {
        let week_work: f64 = (0..7).map(work).sum();
        let week_open: f64 = (0..7).map(|d| f64::from(ch.open_minutes(d)) * 60.0).sum();
        return if week_open > 0.0 {
            week_work / week_open
        } else {
            0.0
        };
    }
    let _ = role;
    let (mut w, mut open) = (0.0, 0.0);
    for d in 0..5 {
        w += work(d);
        open += f64::from(ch.open_minutes(d as u32)) * 60.0;
    }
    if open > 0.0 {
        w / open / slots
    } else {
        0.0
    }
}

/// Simulates one live channel (voice, reception, chat) on one day and appends one record per open
/// interval. Closed days (bank holidays, days without hours) have no rows.
fn simulate_live_day(
    seed: u64,
    role: Role,
    ch: &ChannelSetup,
    day: &DayContext<'_>,
    interval_seconds: f64,
    records: &mut Vec<HistoryRecord>,
) -> Result<(), GenerateError> {
    let open = day.worked(ch);
    if !open.iter().any(|&o| o) {
        return Ok(());
    }
    let facts = model::facts(role);
    let (open_h, close_h) = ch.open_span_hours(day.weekday).unwrap_or((0.0, 24.0));
    let weights: Vec<f64> = open
        .iter()
        .enumerate()
        .map(|(k, &o)| {
            if o {
                model::intraday_weight(role, day.weekday, day.start_hours[k] + 0.125)
            } else {
                0.0
            }
        })
        .collect();
    let mut rng = stream(seed, Purpose::Arrivals, day.key, role.index());
    let expected = day.expected_volume(role, &facts, ch);
    let arrivals = draw_arrivals(&mut rng, &facts, expected, &weights, interval_seconds);
    let aht_today = ch.aht_seconds * model::trend(facts.aht_trend_start, day.date);
    let mut contacts = Vec::new();
    let mut interval_of = Vec::new();
    for (k, times) in arrivals.iter().enumerate() {
        let mean =
            aht_today * model::aht_factor(day.weekday, day.start_hours[k] + 0.125, open_h, close_h);
        for &t in times {
            contacts.push(Contact {
                arrival: t,
                patience: patience(&mut rng, facts.patience_seconds.or(ch.patience_seconds)),
                handle: handle_time(&mut rng, mean, facts.handle_cv),
            });
            interval_of.push(k);
        }
    }
    let agents = historic_staffing(seed, role, ch, &facts, day, &open);
    let mut slots: Vec<u32> = agents.iter().map(|&n| n * ch.concurrency.max(1)).collect();
    // At closing the lines shut to new contacts, but whoever is already queueing is still served:
    // the last shift stays one more interval to clear the queue.
    for k in 1..slots.len() {
        if open[k - 1] && !open[k] {
            slots[k] = slots[k - 1];
        }
    }
    let starts = simulate_fcfs(&contacts, &slots, interval_seconds);
    let stats = cohort_stats(&contacts, &starts, &interval_of, day.starts.len());
    for (k, s) in stats.iter().enumerate() {
        if !open[k] {
            continue;
        }
        let counts = IntervalCounts {
            offered: s.offered,
            handled: Some(s.handled),
            abandoned: Some(s.offered - s.handled),
            aht_seconds: s.mean_handle(),
            asa_seconds: s.mean_wait(),
            agents_staffed: Some(f64::from(agents[k])),
        };
        push_record(records, day.starts[k], ch, counts)?;
    }
    Ok(())
}

/// The arrivals and rota of a deferred channel, collected day by day and worked at the end.
struct DeferredPlan<'a> {
    role: Role,
    channel: &'a ChannelSetup,
    interval_starts: Vec<DateTime<Tz>>,
    offered: Vec<u32>,
    servers: Vec<u32>,
    contacts: Vec<Contact>,
    contact_interval: Vec<usize>,
}

fn plan_deferred_day(
    seed: u64,
    plan: &mut DeferredPlan<'_>,
    day: &DayContext<'_>,
    interval_seconds: f64,
) {
    let role = plan.role;
    let ch = plan.channel;
    let facts = model::facts(role);
    let offset_k = plan.interval_starts.len();
    let offset_s = offset_k as f64 * interval_seconds;
    let weekday_for_shape = if day.bank_holiday { 6 } else { day.weekday };
    let weights: Vec<f64> = day
        .start_hours
        .iter()
        .map(|&h| model::intraday_weight(role, weekday_for_shape, h + 0.125))
        .collect();
    let mut rng = stream(seed, Purpose::Arrivals, day.key, role.index());
    let expected = day.expected_volume(role, &facts, ch);
    let arrivals = draw_arrivals(&mut rng, &facts, expected, &weights, interval_seconds);
    let (open_h, close_h) = ch.open_span_hours(day.weekday).unwrap_or((8.0, 18.0));
    let aht_today = ch.aht_seconds * model::trend(facts.aht_trend_start, day.date);
    for (k, times) in arrivals.iter().enumerate() {
        let mean =
            aht_today * model::aht_factor(day.weekday, day.start_hours[k] + 0.125, open_h, close_h);
        for &t in times {
            plan.contacts.push(Contact {
                arrival: offset_s + t,
                patience: f64::INFINITY,
                handle: handle_time(&mut rng, mean, facts.handle_cv),
            });
            plan.contact_interval.push(offset_k + k);
        }
        plan.offered.push(times.len() as u32);
    }
    let worked = day.worked(ch);
    let agents = if worked.iter().any(|&w| w) {
        historic_staffing(seed, role, ch, &facts, day, &worked)
    } else {
        vec![0; day.starts.len()]
    };
    plan.servers.extend(agents);
    plan.interval_starts.extend_from_slice(day.starts);
}

/// Works a deferred channel's backlog in arrival order over the whole span and appends one record
/// per interval (arrivals are 24/7, so closed intervals have rows too). `asa_seconds` is the mean
/// response time of the interval's contacts that were handled; `abandoned` is empty (nobody
/// abandons an email).
fn simulate_deferred(
    plan: &DeferredPlan<'_>,
    interval_seconds: f64,
    records: &mut Vec<HistoryRecord>,
) -> Result<(), GenerateError> {
    let starts = simulate_fcfs(&plan.contacts, &plan.servers, interval_seconds);
    let stats = cohort_stats(
        &plan.contacts,
        &starts,
        &plan.contact_interval,
        plan.interval_starts.len(),
    );
    for (k, s) in stats.iter().enumerate() {
        debug_assert_eq!(s.offered, plan.offered[k]);
        let counts = IntervalCounts {
            offered: s.offered,
            handled: Some(s.handled),
            abandoned: None,
            aht_seconds: s.mean_handle(),
            asa_seconds: s.mean_wait(),
            agents_staffed: Some(f64::from(plan.servers[k])),
        };
        push_record(records, plan.interval_starts[k], plan.channel, counts)?;
    }
    Ok(())
}

/// Per-interval totals of the contacts that arrived in it.
#[derive(Debug, Clone, Copy, Default)]
struct Cohort {
    offered: u32,
    handled: u32,
    handle_sum: f64,
    wait_sum: f64,
}

impl Cohort {
    fn mean_handle(&self) -> Option<f64> {
        (self.handled > 0).then(|| (self.handle_sum / f64::from(self.handled)).round())
    }

    fn mean_wait(&self) -> Option<f64> {
        (self.handled > 0).then(|| (self.wait_sum / f64::from(self.handled)).round())
    }
}

fn cohort_stats(
    contacts: &[Contact],
    starts: &[Option<f64>],
    interval_of: &[usize],
    intervals: usize,
) -> Vec<Cohort> {
    let mut out = vec![Cohort::default(); intervals];
    for ((c, s), &k) in contacts.iter().zip(starts).zip(interval_of) {
        let cell = &mut out[k];
        cell.offered += 1;
        if let Some(start) = s {
            cell.handled += 1;
            cell.handle_sum += c.handle;
            cell.wait_sum += start - c.arrival;
        }
    }
    out
}

fn push_record(
    records: &mut Vec<HistoryRecord>,
    start: DateTime<Tz>,
    ch: &ChannelSetup,
    counts: IntervalCounts,
) -> Result<(), GenerateError> {
    let rec = HistoryRecord::new(start, ch.name.clone(), counts)
        .map_err(|e| GenerateError::Invalid(e.to_string()))?;
    records.push(rec);
    Ok(())
}

/// Writes `DIR/centre.toml` (the bundled configuration, byte for byte) and `DIR/history.csv.gz`
/// (two years of history from [`sample_first_day`] to [`sample_last_day`] with `seed`), and returns
/// the history written.
#[tracing::instrument(skip(progress))]
pub fn write_sample(
    dir: &Path,
    seed: u64,
    progress: impl FnMut(MonthDone),
) -> Result<History, GenerateError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| GenerateError::Io {
            action,
            path,
            source,
        }
    };
    let config = CentreConfig::sample()?;
    fs::create_dir_all(dir).map_err(io("create directory", dir))?;
    let history = generate_history_with_progress(
        &config,
        seed,
        sample_first_day(),
        sample_last_day(),
        progress,
    )?;
    let config_path = dir.join(CONFIG_FILE);
    fs::write(&config_path, SAMPLE_CENTRE_TOML).map_err(io("write", &config_path))?;
    history.write_csv(dir.join(HISTORY_FILE))?;
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn config() -> CentreConfig {
        CentreConfig::sample().unwrap()
    }

    fn csv_bytes(h: &History) -> Vec<u8> {
        h.write_csv_to(Vec::new()).unwrap()
    }

    fn day_rows<'a>(h: &'a History, channel: &str, date: NaiveDate) -> Vec<&'a HistoryRecord> {
        h.records()
            .iter()
            .filter(|r| r.channel().as_str() == channel && r.interval_start().date_naive() == date)
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_different_seed_different_bytes() {
        let (from, to) = (d(2026, 1, 5), d(2026, 1, 25));
        let a = generate_history(&config(), 42, from, to).unwrap();
        let b = generate_history(&config(), 42, from, to).unwrap();
        let c = generate_history(&config(), 43, from, to).unwrap();
        assert_eq!(csv_bytes(&a), csv_bytes(&b));
        assert_ne!(csv_bytes(&a), csv_bytes(&c));
    }

    #[test]
    fn a_live_day_does_not_depend_on_the_span_generated() {
        let day = d(2026, 3, 16);
        let short = generate_history(&config(), 42, day, day).unwrap();
        let long = generate_history(&config(), 42, d(2026, 3, 2), d(2026, 3, 22)).unwrap();
        for ch in ["voice", "reception", "chat"] {
            let a = day_rows(&short, ch, day);
            assert!(!a.is_empty());
            assert_eq!(a, day_rows(&long, ch, day), "{ch}");
        }
    }

    #[test]
    fn counts_are_consistent_and_rows_follow_opening_hours() {
        let h = generate_history(&config(), 7, d(2026, 3, 23), d(2026, 4, 12)).unwrap();
        for r in h.records() {
            let handled = r.handled().unwrap();
            let abandoned = r.abandoned().unwrap_or(0);
            assert!(handled + abandoned <= r.offered(), "{r:?}");
            let live = r.channel().as_str() != "email" && r.channel().as_str() != "social";
            assert_eq!(r.abandoned().is_some(), live, "{r:?}");
            if handled == 0 {
                assert_eq!(r.asa_seconds(), None);
            }
        }
        // Voice: 40 intervals Monday to Friday (08:00-18:00), 16 on Saturday (09:00-13:00),
        // none on Sunday; email and social every interval of the day, DST day included.
        assert_eq!(day_rows(&h, "voice", d(2026, 3, 24)).len(), 40);
        assert_eq!(day_rows(&h, "voice", d(2026, 3, 28)).len(), 16);
        assert_eq!(day_rows(&h, "voice", d(2026, 3, 29)).len(), 0);
        assert_eq!(day_rows(&h, "reception", d(2026, 3, 24)).len(), 32);
        assert_eq!(day_rows(&h, "chat", d(2026, 3, 24)).len(), 48);
        assert_eq!(day_rows(&h, "email", d(2026, 3, 29)).len(), 92);
        assert_eq!(day_rows(&h, "social", d(2026, 3, 30)).len(), 96);
    }

    #[test]
    fn bank_holidays_are_closed() {
        let h = generate_history(&config(), 42, d(2025, 12, 22), d(2026, 1, 4)).unwrap();
        for date in [d(2025, 12, 25), d(2025, 12, 26), d(2026, 1, 1)] {
            for ch in ["voice", "reception", "chat"] {
                assert!(day_rows(&h, ch, date).is_empty(), "{ch} open on {date}");
            }
            // Email still arrives, nobody works it.
            let email = day_rows(&h, "email", date);
            assert_eq!(email.len(), 96);
            assert!(email.iter().map(|r| r.offered()).sum::<u32>() > 0);
            assert!(email.iter().all(|r| r.agents_staffed() == Some(0.0)));
        }
        assert!(!day_rows(&h, "voice", d(2025, 12, 29)).is_empty());
    }

    fn weekday_means(h: &History, channel: &str) -> [f64; 7] {
        let mut sums = [0.0; 7];
        let mut days: [std::collections::BTreeSet<NaiveDate>; 7] = Default::default();
        for r in h
            .records()
            .iter()
            .filter(|r| r.channel().as_str() == channel)
        {
            let date = r.interval_start().date_naive();
            let wd = date.weekday().num_days_from_monday() as usize;
            if calendar::is_bank_holiday(date) || calendar::is_day_after_bank_holiday(date) {
                continue;
            }
            sums[wd] += f64::from(r.offered());
            days[wd].insert(date);
        }
        let mut out = [0.0; 7];
        for i in 0..7 {
            out[i] = sums[i] / days[i].len().max(1) as f64;
        }
        out
    }

    #[test]
    fn volumes_today_are_in_the_documented_ranges() {
        // The last twelve weeks of the sample: "today" for the demo.
        let h = generate_history(&config(), 42, d(2026, 8, 24), sample_last_day()).unwrap();
        let voice = weekday_means(&h, "voice");
        let weekday_mean = voice[..5].iter().sum::<f64>() / 5.0;
        assert!((700.0..=900.0).contains(&weekday_mean), "voice {voice:?}");
        assert!(
            voice[0] > voice[1] && voice[0] > voice[4],
            "Mondays highest: {voice:?}"
        );
        let mean5 = |ch| weekday_means(&h, ch)[..5].iter().sum::<f64>() / 5.0;
        let mean7 = |ch| weekday_means(&h, ch).iter().sum::<f64>() / 7.0;
        assert!(
            (40.0..=65.0).contains(&mean5("reception")),
            "{}",
            mean5("reception")
        );
        assert!((85.0..=125.0).contains(&mean5("chat")), "{}", mean5("chat"));
        assert!(
            (200.0..=300.0).contains(&mean7("email")),
            "{}",
            mean7("email")
        );
        assert!(
            (22.0..=40.0).contains(&mean7("social")),
            "{}",
            mean7("social")
        );
    }

    #[test]
    fn voice_shifts_to_chat_over_the_two_years() {
        // Same season one year apart, so seasonality and cold spells do not confound the trend.
        let early = generate_history(&config(), 42, d(2025, 4, 7), d(2025, 10, 5)).unwrap();
        let late = generate_history(&config(), 42, d(2026, 4, 6), d(2026, 10, 4)).unwrap();
        let v = |h: &History, ch| weekday_means(h, ch)[..5].iter().sum::<f64>();
        assert!(v(&late, "voice") < v(&early, "voice") * 0.98);
        assert!(v(&late, "chat") > v(&early, "chat") * 1.2);
    }

    #[test]
    fn full_sample_reproduces_the_housing_sector_picture() {
        let h = generate_history(&config(), 42, sample_first_day(), sample_last_day()).unwrap();
        let f = SampleFigures::of(&h);
        assert_eq!(f.span, (sample_first_day(), sample_last_day()));
        assert!((750.0..=900.0).contains(&f.voice_weekday_mean), "{f}");
        assert!(f.voice_monday_mean > f.voice_weekday_mean * 1.1, "{f}");
        assert!(
            f.voice_after_bank_holiday_mean > f.voice_weekday_mean * 1.05,
            "{f}"
        );
        let (low, median, high) = f.voice_weekly_abandon;
        assert!((0.15..0.35).contains(&low), "{f}");
        assert!((0.33..0.45).contains(&median), "{f}");
        assert!((0.45..0.60).contains(&high), "{f}");
        assert!(
            (15.0 * 60.0..25.0 * 60.0).contains(&f.voice_asa_seconds),
            "{f}"
        );
        assert!(
            f.voice_monday_morning_asa_seconds > f.voice_asa_seconds * 1.3,
            "{f}"
        );
        assert!(
            (45.0 * 60.0..90.0 * 60.0).contains(&f.voice_worst_interval_asa.0),
            "{f}"
        );
    }

    #[test]
    fn weekdays_rent_days_and_days_after_bank_holidays_are_busier() {
        let s = CentreSetup::from_config(&config()).unwrap();
        let voice = s.channel(Role::Voice).unwrap();
        let spells = [];
        let expect = |date: NaiveDate| {
            let starts = s.grid.interval_starts(date);
            let day = DayContext::new(&s.config, date, &starts, &spells);
            day.expected_volume(Role::Voice, &model::facts(Role::Voice), voice)
        };
        // Monday 2026-06-08 vs Tuesday 2026-06-09 (no rent days, no holidays).
        assert!(expect(d(2026, 6, 8)) > expect(d(2026, 6, 9)) * 1.1);
        // Rent: Wednesday 2026-07-01 (first working day) vs Wednesday 2026-07-08.
        assert!(expect(d(2026, 7, 1)) > expect(d(2026, 7, 8)) * 1.1);
        // Tuesday after the spring bank holiday vs the Tuesday a week later.
        assert_eq!(d(2026, 5, 26).weekday(), Weekday::Tue);
        assert!(expect(d(2026, 5, 26)) > expect(d(2026, 6, 9)) * 1.15);
    }

    #[test]
    fn missing_channel_is_a_clear_error() {
        let mut s = CentreSetup::from_config(&config()).unwrap();
        s.channels.retain(|c| c.name.as_str() != "chat");
        let err = generate(&s, 42, d(2026, 1, 5), d(2026, 1, 5), |_| {}).unwrap_err();
        assert!(err.to_string().contains("`chat`"), "{err}");
        let err = generate_history(&config(), 42, d(2026, 1, 5), d(2026, 1, 4)).unwrap_err();
        assert!(matches!(err, GenerateError::EmptySpan { .. }));
        // A configuration without the sample's channels is refused up front.
        let voice_only = CentreConfig::from_toml_str(
            "[centre]\nname = \"Tiny\"\n[channels.voice]\nkind = \"inbound\"\naht_seconds = 300\npatience_seconds = 120\n",
            "tiny.toml",
        )
        .unwrap();
        let err = generate_history(&voice_only, 42, d(2026, 1, 5), d(2026, 1, 5)).unwrap_err();
        assert!(err.to_string().contains("`reception`"), "{err}");
    }

    #[test]
    fn special_days_close_channels_and_scale_volumes() {
        let day = d(2026, 2, 3);
        let plain = generate_history(&config(), 42, day, day).unwrap();
        // The same centre with that day closed for reception and busier for voice.
        let special = format!(
            "{SAMPLE_CENTRE_TOML}\n[[special_days]]\ndate = {day}\nkind = \"closed\"\n\
             channels = [\"reception\"]\n\n[[special_days]]\ndate = {day}\nkind = \"event\"\n\
             volume_factor = 1.5\nchannels = [\"voice\"]\n"
        );
        let special = CentreConfig::from_toml_str(&special, "special.toml").unwrap();
        let special = generate_history(&special, 42, day, day).unwrap();
        assert!(!day_rows(&plain, "reception", day).is_empty());
        assert!(day_rows(&special, "reception", day).is_empty());
        let offered = |h: &History| {
            day_rows(h, "voice", day)
                .iter()
                .map(|r| r.offered())
                .sum::<u32>()
        };
        assert!(f64::from(offered(&special)) > f64::from(offered(&plain)) * 1.3);
    }

    #[test]
    fn months_are_counted_and_reported() {
        assert_eq!(months_in_span(sample_first_day(), sample_last_day()), 25);
        let mut seen = Vec::new();
        generate_history_with_progress(&config(), 1, d(2026, 1, 30), d(2026, 3, 2), |m| {
            seen.push(m)
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].month, d(2026, 1, 30));
        assert_eq!(seen[1].month, d(2026, 2, 1));
        assert_eq!(
            seen[2],
            MonthDone {
                month: d(2026, 3, 1),
                done: 3,
                total: 3
            }
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(12))]
            #[test]
            fn any_seed_any_day_gives_valid_counts(seed in 0u64..1_000_000, offset in 0i64..720) {
                let date = sample_first_day() + Duration::days(offset);
                let h = generate_history(&config(), seed, date, date).unwrap();
                for r in h.records() {
                    let used = r.handled().unwrap_or(0) + r.abandoned().unwrap_or(0);
                    prop_assert!(used <= r.offered());
                    prop_assert!(r.agents_staffed().is_some());
                    if let Some(asa) = r.asa_seconds() {
                        prop_assert!(asa >= 0.0);
                    }
                }
                let open = !calendar::is_bank_holiday(date) && date.weekday() != Weekday::Sun;
                prop_assert_eq!(!day_rows(&h, "voice", date).is_empty(), open);
            }
        }
    }
}
