//! Per-channel checks and re-gridding: duplicates and queues merged, the source step inferred,
//! alignment checked, and the rows summed or split onto the centre's grid (see the module docs
//! of [`crate::ingest`] for the rules).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::reader::{Reader, Row};
use super::ChannelSource;
use crate::channel::ChannelName;
use crate::grid::{IntervalGrid, IntervalLength};
use crate::history::{History, HistoryRecord, IntervalCounts};

impl Reader<'_> {
    pub(super) fn build(
        &mut self,
        rows: Vec<Vec<Row>>,
    ) -> (Option<History>, Vec<ChannelSource>, bool) {
        let _span = tracing::info_span!("regrid", rows = rows.iter().map(Vec::len).sum::<usize>())
            .entered();
        let mut groups: Vec<(u32, Vec<Row>)> = rows
            .into_iter()
            .enumerate()
            .filter(|(_, g)| !g.is_empty())
            .map(|(c, mut g)| {
                g.sort_by(|a, b| a.start.cmp(&b.start).then(a.line.cmp(&b.line)));
                (c as u32, g)
            })
            .collect();
        // Duplicates, then source steps.
        let mut steps: Vec<Option<u32>> = Vec::with_capacity(groups.len());
        for (channel, g) in &mut groups {
            let name = self.channel_names[*channel as usize].clone();
            let mut kept: Vec<Row> = Vec::with_capacity(g.len());
            let mut labels_here: Vec<u32> = Vec::new();
            for row in g.drain(..) {
                match kept.last_mut() {
                    Some(prev) if prev.start == row.start && !labels_here.contains(&row.label) => {
                        // Another queue of the same channel: add it in.
                        labels_here.push(row.label);
                        prev.counts = match (prev.counts, row.counts) {
                            (Some(a), Some(b)) => {
                                let merged = merge_queues(&a, &b);
                                if merged.is_none() {
                                    self.diags.push(
                                        Some(row.line),
                                        None,
                                        format!("channel {name}: offered summed over its queues exceeds 4,294,967,295"),
                                    );
                                }
                                merged
                            }
                            _ => None,
                        };
                    }
                    Some(prev) if prev.start == row.start => {
                        let first_line = prev.line;
                        self.diags.push_interval(
                            Some(row.line),
                            format!(
                                "duplicate interval: channel {name} at {} is already on line {first_line}; expected one row per channel and interval",
                                crate::history::rfc3339(&row.start)
                            ),
                        );
                    }
                    _ => {
                        labels_here.clear();
                        labels_here.push(row.label);
                        kept.push(row);
                    }
                }
            }
            *g = kept;
            steps.push(self.infer_step(&name, g, self.options.interval.map(|l| l.seconds())));
        }
        let interval_inferred = self.options.interval.is_none();
        let length = match self.options.interval {
            Some(l) => l,
            None => {
                let finest = steps.iter().flatten().min().copied().unwrap_or(15 * 60);
                IntervalLength::ALL
                    .into_iter()
                    .find(|l| l.seconds() % finest == 0)
                    .unwrap_or(IntervalLength::M60)
            }
        };
        let grid = IntervalGrid::new(length, self.tz);
        let mut records = Vec::new();
        let mut sources = Vec::new();
        for ((channel, g), step) in groups.iter().zip(steps) {
            let name = self.channel_names[*channel as usize].clone();
            let step = step.unwrap_or(length.seconds());
            let aligned_ok = self.check_alignment(&name, g, step);
            let incomplete = if aligned_ok {
                self.regrid(&name, g, step, &grid, &mut records)
            } else {
                0
            };
            sources.push(ChannelSource {
                channel: name,
                rows: g.len(),
                step_minutes: step / 60,
                incomplete_intervals: incomplete,
            });
        }
        sources.sort_by(|a, b| a.channel.cmp(&b.channel));
        if !self.diags.is_empty() {
            return (None, sources, interval_inferred);
        }
        match History::new(grid, records) {
            Ok(h) => (Some(h), sources, interval_inferred),
            Err(e) => {
                self.diags.push(None, None, e.to_string());
                (None, sources, interval_inferred)
            }
        }
    }

    /// The source step (seconds) of a channel; `None` with fewer than two rows (or when the step
    /// cannot be used, which is reported).
    ///
    /// The step is the most common gap between consecutive interval starts (ties: the shortest).
    /// Exports that leave out empty intervals make gaps longer than the step, so a most common gap
    /// that does not divide an hour is reduced to the largest step that divides both (45 -> 15
    /// minutes) as long as that is at least 5 minutes. When many rows (over a tenth, and more
    /// than three) fall between the steps, the data are sparse at a finer step: the step is the
    /// finest one all rows sit on. With a known centre interval, a step coarser than it is only
    /// believed (and the data split) when it is also the exact gap of at least half the rows and
    /// every row sits on it; otherwise the rows are read as sparse data on the centre's own grid.
    fn infer_step(&mut self, name: &ChannelName, g: &[Row], length: Option<u32>) -> Option<u32> {
        let mut gaps: HashMap<i64, usize> = HashMap::new();
        for w in g.windows(2) {
            let gap = (w[1].start - w[0].start).num_seconds();
            *gaps.entry(gap).or_insert(0) += 1;
        }
        let n_gaps = g.len().saturating_sub(1);
        let (gap, count) = gaps
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        let mut step = if gap > 0 && 3600 % gap == 0 {
            gap
        } else {
            gcd(gap.max(1), 3600)
        };
        if gap <= 0 || step % 60 != 0 || (step != gap && step < 300) {
            self.diags.push_interval(
                g.first().map(|r| r.line),
                format!(
                    "channel {name}: the most common gap between interval starts is {}; expected a step that divides an hour \
                     (5, 6, 10, 15, 20, 30 or 60 minutes)",
                    describe_seconds(gap)
                ),
            );
            return None;
        }
        let off_step = g
            .iter()
            .filter(|r| i64::from(r.local_sod) % step != 0)
            .count();
        if off_step > 3 && off_step * 10 > g.len() {
            let finest = g
                .iter()
                .fold(step, |acc, r| gcd(acc, i64::from(r.local_sod)));
            if finest >= 60 && finest % 60 == 0 {
                step = finest;
            }
        }
        if let Some(length) = length.map(i64::from) {
            let all_on_grid = g.iter().all(|r| i64::from(r.local_sod) % length == 0);
            if step > length && step % length == 0 && all_on_grid {
                let all_on_step = g.iter().all(|r| i64::from(r.local_sod) % step == 0);
                let coarse = gap == step && count * 2 >= n_gaps && all_on_step;
                if !coarse {
                    step = length;
                }
            }
        }
        Some(step as u32)
    }

    /// Checks that every interval start of a channel is on its step; reports runs of days at
    /// another granularity as one "mixed granularities" problem and other strays row by row.
    /// Returns true when the channel is clean.
    fn check_alignment(&mut self, name: &ChannelName, g: &[Row], step: u32) -> bool {
        let mut clean = true;
        // (kind, step of the run, first date, last date, first line, last line)
        let mut run: Option<(bool, u32, NaiveDate, NaiveDate, u64, u64)> = None;
        let flush =
            |this: &mut Self, run: &mut Option<(bool, u32, NaiveDate, NaiveDate, u64, u64)>| {
                if let Some((finer, day_step, d0, d1, l0, l1)) = run.take() {
                    this.diags.push_interval(
                    Some(l0),
                    format!(
                        "channel {name}: {}-minute intervals on {d0}..{d1} (lines {l0}-{l1}) but {}-minute intervals elsewhere \
                         (its most common step): mixed granularities in one channel; expected one interval length per channel{}",
                        day_step / 60,
                        step / 60,
                        if finer { "" } else { " (re-export the coarser days at the finer step, or read them from a separate file)" }
                    ),
                );
                }
            };
        let mut i = 0;
        while i < g.len() {
            let date = g[i].local_date;
            let mut j = i;
            while j < g.len() && g[j].local_date == date {
                j += 1;
            }
            let day = &g[i..j];
            i = j;
            let misaligned = day.iter().filter(|r| r.local_sod % step != 0).count();
            let class = day_granularity(day, step, misaligned > 0);
            match class {
                Some((finer, day_step)) => {
                    clean = false;
                    let (l0, l1) = (
                        day.iter().map(|r| r.line).min().unwrap_or(0),
                        day.iter().map(|r| r.line).max().unwrap_or(0),
                    );
                    match &mut run {
                        Some((f, s, _, d1, r0, r1)) if *f == finer && *s == day_step => {
                            *d1 = date;
                            *r0 = (*r0).min(l0);
                            *r1 = (*r1).max(l1);
                        }
                        _ => {
                            flush(self, &mut run);
                            run = Some((finer, day_step, date, date, l0, l1));
                        }
                    }
                }
                None => {
                    flush(self, &mut run);
                    if misaligned > 0 {
                        clean = false;
                        for r in day.iter().filter(|r| r.local_sod % step != 0) {
                            self.diags.push_interval(
                                Some(r.line),
                                format!(
                                    "interval starting {} overlaps the {}-minute intervals of channel {name}; expected a start on a multiple of {} minutes after midnight",
                                    r.start.naive_local().format("%Y-%m-%d %H:%M:%S"),
                                    step / 60,
                                    step / 60
                                ),
                            );
                        }
                    }
                }
            }
        }
        flush(self, &mut run);
        clean
    }

    /// Moves a channel's rows onto the centre grid (sum or even split); returns how many grid
    /// intervals were summed from fewer source rows than they span.
    pub(super) fn regrid(
        &mut self,
        name: &ChannelName,
        g: &[Row],
        step: u32,
        grid: &IntervalGrid,
        out: &mut Vec<HistoryRecord>,
    ) -> usize {
        let length = grid.length.seconds();
        let push = |this: &mut Self,
                    out: &mut Vec<HistoryRecord>,
                    start: DateTime<Tz>,
                    counts: IntervalCounts,
                    line: u64| {
            match HistoryRecord::new(start, name.clone(), counts) {
                Ok(r) => out.push(r),
                Err(e) => this.diags.push(Some(line), None, e.to_string()),
            }
        };
        if step == length {
            for r in g {
                if let Some(c) = r.counts {
                    push(self, out, r.start, c, r.line);
                }
            }
            0
        } else if length % step == 0 {
            let mut incomplete = 0;
            let mut i = 0;
            while i < g.len() {
                let bucket = grid.floor(&g[i].start);
                let next = grid.next_start(&bucket);
                let mut j = i;
                while j < g.len() && g[j].start < next {
                    j += 1;
                }
                let part = &g[i..j];
                let expected = ((next - bucket).num_seconds() / i64::from(step)).max(1) as usize;
                if part.len() < expected {
                    incomplete += 1;
                }
                let line = part[0].line;
                i = j;
                if part.iter().any(|r| r.counts.is_none()) {
                    continue;
                }
                match sum_counts(part.iter().filter_map(|r| r.counts)) {
                    Some(c) => push(self, out, bucket, c, line),
                    None => self.diags.push(
                        Some(line),
                        None,
                        format!("channel {name}: offered in the interval starting at this row exceeds 4,294,967,295"),
                    ),
                }
            }
            incomplete
        } else if step % length == 0 {
            let k = (step / length) as usize;
            let order = spread_order(k);
            for r in g {
                let Some(c) = r.counts else { continue };
                let mut starts = Vec::with_capacity(k);
                let mut t = r.start;
                for _ in 0..k {
                    starts.push(t);
                    t = grid.next_start(&t);
                }
                for (p, start) in split_counts(&c, k, &order).into_iter().zip(starts) {
                    push(self, out, start, p, r.line);
                }
            }
            0
        } else {
            self.diags.push_interval(
                g.first().map(|r| r.line),
                format!(
                    "channel {name}: {}-minute source intervals cannot be re-gridded to {}-minute intervals; \
                     expected a step that divides {} minutes or is a multiple of it",
                    step / 60,
                    length / 60,
                    length / 60
                ),
            );
            0
        }
    }
}

/// Classifies a day of a channel whose step is `step`: `Some((true, f))` when the day is at a finer
/// step `f` (dividing `step`), `Some((false, c))` when it is consistently at a coarser step `c`,
/// `None` when it is at the channel's step (or too irregular to call: strays are reported one by
/// one).
fn day_granularity(day: &[Row], step: u32, has_misaligned: bool) -> Option<(bool, u32)> {
    let mut gaps: HashMap<i64, usize> = HashMap::new();
    for w in day.windows(2) {
        *gaps
            .entry((w[1].start - w[0].start).num_seconds())
            .or_insert(0) += 1;
    }
    let n_gaps = day.len().saturating_sub(1);
    let (gap, count) = gaps
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    if gap <= 0 || gap % 60 != 0 || 3600 % gap != 0 {
        return None;
    }
    let gap = gap as u32;
    let all_on = |s: u32| day.iter().all(|r| r.local_sod % s == 0);
    if has_misaligned {
        (gap < step && step % gap == 0 && all_on(gap)).then_some((true, gap))
    } else {
        // Demand a full, regular day so that sparse exports (zero rows left out) are not mistaken
        // for coarser data.
        (gap > step && gap % step == 0 && day.len() >= 12 && count * 4 >= n_gaps * 3 && all_on(gap))
            .then_some((false, gap))
    }
}

/// Sums source intervals into one centre interval: counts add up (`None` unless every row has
/// the value), AHT and ASA are weighted by handled (by offered where handled is missing), agents
/// staffed is the mean of the rows that report it. `None` when offered overflows `u32`.
fn sum_counts(parts: impl Iterator<Item = IntervalCounts>) -> Option<IntervalCounts> {
    let mut n = 0usize;
    let mut offered = 0u64;
    let (mut handled, mut handled_n) = (0u64, 0usize);
    let (mut abandoned, mut abandoned_n) = (0u64, 0usize);
    let mut aht = Weighted::default();
    let mut asa = Weighted::default();
    let (mut agents, mut agents_n) = (0f64, 0usize);
    for c in parts {
        n += 1;
        offered += u64::from(c.offered);
        if let Some(h) = c.handled {
            handled += u64::from(h);
            handled_n += 1;
        }
        if let Some(a) = c.abandoned {
            abandoned += u64::from(a);
            abandoned_n += 1;
        }
        let w = f64::from(c.handled.unwrap_or(c.offered));
        aht.add(c.aht_seconds, w);
        asa.add(c.asa_seconds, w);
        if let Some(s) = c.agents_staffed {
            agents += s;
            agents_n += 1;
        }
    }
    Some(IntervalCounts {
        offered: u32::try_from(offered).ok()?,
        handled: if handled_n == n {
            u32::try_from(handled).ok()
        } else {
            None
        },
        abandoned: if abandoned_n == n {
            u32::try_from(abandoned).ok()
        } else {
            None
        },
        aht_seconds: aht.mean(),
        asa_seconds: asa.mean(),
        agents_staffed: (agents_n > 0).then(|| agents / agents_n as f64),
    })
}

/// Adds the same interval of two queues that feed one channel: counts and agents add up, AHT
/// and ASA are weighted by handled (by offered where handled is missing). `None` on overflow.
fn merge_queues(a: &IntervalCounts, b: &IntervalCounts) -> Option<IntervalCounts> {
    let add = |x: Option<u32>, y: Option<u32>| match (x, y) {
        (Some(x), Some(y)) => x.checked_add(y).map(Some),
        _ => Some(None),
    };
    let mean = |x: Option<f64>, y: Option<f64>| {
        let mut w = Weighted::default();
        w.add(x, f64::from(a.handled.unwrap_or(a.offered)));
        w.add(y, f64::from(b.handled.unwrap_or(b.offered)));
        w.mean()
    };
    Some(IntervalCounts {
        offered: a.offered.checked_add(b.offered)?,
        handled: add(a.handled, b.handled)?,
        abandoned: add(a.abandoned, b.abandoned)?,
        aht_seconds: mean(a.aht_seconds, b.aht_seconds),
        asa_seconds: mean(a.asa_seconds, b.asa_seconds),
        agents_staffed: match (a.agents_staffed, b.agents_staffed) {
            (Some(x), Some(y)) => Some(x + y),
            _ => None,
        },
    })
}

/// A weighted mean that falls back to the plain mean when every weight is zero (an interval
/// with no handled contacts still reporting an AHT).
#[derive(Default)]
struct Weighted {
    num: f64,
    den: f64,
    pub(super) plain: f64,
    pub(super) n: usize,
}

impl Weighted {
    pub(super) fn add(&mut self, value: Option<f64>, weight: f64) {
        if let Some(v) = value {
            self.num += v * weight;
            self.den += weight;
            self.plain += v;
            self.n += 1;
        }
    }
    fn mean(&self) -> Option<f64> {
        if self.n == 0 {
            None
        } else if self.den > 0.0 {
            Some(self.num / self.den)
        } else {
            Some(self.plain / self.n as f64)
        }
    }
}

/// The order in which parts of a split interval receive the leftover contacts: the radical
/// inverse (base 2) order, which spreads them over the hour (`[0, 2, 1, 3]` for four parts).
pub(super) fn spread_order(k: usize) -> Vec<usize> {
    let radical = |mut j: usize| {
        let (mut inv, mut base) = (0f64, 0.5f64);
        while j > 0 {
            if j & 1 == 1 {
                inv += base;
            }
            base /= 2.0;
            j >>= 1;
        }
        inv
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|a, b| radical(*a).total_cmp(&radical(*b)));
    order
}

/// Splits `n` into `order.len()` parts by the largest-remainder method, ties broken by `order`:
/// monotone in `n` part by part.
pub(super) fn split_count(n: u32, order: &[usize]) -> Vec<u32> {
    let k = order.len() as u32;
    let (base, rest) = (n / k, n % k);
    let mut parts = vec![base; order.len()];
    for &j in order.iter().take(rest as usize) {
        parts[j] += 1;
    }
    parts
}

/// Splits one coarse interval into `k` centre intervals (see the module docs).
fn split_counts(c: &IntervalCounts, k: usize, order: &[usize]) -> Vec<IntervalCounts> {
    let offered = split_count(c.offered, order);
    let handled = c.handled.map(|h| split_count(h, order));
    // Split handled + abandoned together so that each part keeps handled + abandoned <= offered.
    let answered_or_left = c
        .abandoned
        .map(|a| split_count(c.handled.unwrap_or(0).saturating_add(a), order));
    (0..k)
        .map(|j| IntervalCounts {
            offered: offered[j],
            handled: handled.as_ref().map(|h| h[j]),
            abandoned: answered_or_left
                .as_ref()
                .map(|t| t[j] - handled.as_ref().map_or(0, |h| h[j])),
            aht_seconds: c.aht_seconds,
            asa_seconds: c.asa_seconds,
            agents_staffed: c.agents_staffed,
        })
        .collect()
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn describe_seconds(s: i64) -> String {
    if s % 60 == 0 {
        format!("{} minutes", s / 60)
    } else {
        format!("{s} seconds")
    }
}
