//! Shrinkage taken off the roster in every replication ([`crate::ShrinkageModel::Configured`]):
//! per agent and shift, unplanned absence for the whole shift or off-phone time in whole
//! intervals, drawn from a stream of its own so that the arrivals, patience and handle times of a
//! replication are the same with and without shrinkage.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::{compile_changes, Model};
use super::{add_span, Cell, NONE, OFF};

/// A gap between two activities of one agent at least this long (seconds) starts a new shift
/// (day worked): activities within a shift follow each other without gaps, shifts are separated
/// by the rest period.
const SHIFT_GAP_S: f64 = 4.0 * 3600.0;

/// One shift (day worked) of one agent and the shrinkage drawn on it in every replication.
#[derive(Debug, Clone)]
pub(super) struct ShiftShrinkage {
    /// Start and end of the shift, seconds from the horizon start.
    start: f64,
    end: f64,
    /// Intervals in which the agent works (any channel) in this shift, ascending.
    work_ivs: Vec<u32>,
    /// Probability of unplanned absence for the whole shift.
    pub(super) absence_p: f64,
    /// Share of the work intervals off-phone when present.
    pub(super) off_share: f64,
}

/// Absence probability and off-phone share (given present) of a shrinkage: the configuration's
/// one split ([`rota_data::config::Shrinkage::absence_and_off_phone`]).
pub(super) fn split_shrinkage(s: &rota_data::config::Shrinkage) -> (f64, f64) {
    s.absence_and_off_phone()
}

/// The shifts of an agent's sorted periods with the shrinkage of the channel each mostly works
/// (most work seconds; ties: first channel in the configuration).
pub(super) fn shifts_of(
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

/// This replication's roster after shrinkage: per agent and shift, absence for the whole shift
/// (probability `absence_p`), else `off_share` of the shift's work intervals off-phone, chosen
/// uniformly without replacement; their count is `floor(x)` or `floor(x) + 1` with probability
/// `x − floor(x)`, x = `off_share` × work intervals, so every work interval is off with probability
/// exactly `off_share`. Work time taken off is removed from the logged-in time of its channel in
/// `cells` (none: a period after the horizon, whose time is not reported).
pub(super) fn draw_shrinkage(
    m: &Model,
    seed: u64,
    stream: u64,
    mut cells: Option<&mut [Cell]>,
) -> Vec<Vec<(f64, u8)>> {
    let mut rng = shrinkage_rng(seed, stream);
    let mut off: Vec<(f64, f64)> = Vec::new();
    let mut pool: Vec<u32> = Vec::new();
    let mut periods: Vec<(f64, f64, u8)> = Vec::new();
    m.agents
        .iter()
        .map(|am| {
            off.clear();
            for sh in &am.shifts {
                draw_shift(&mut rng, sh, m.interval_s, &mut pool, &mut off);
            }
            if off.is_empty() {
                return am.changes.clone();
            }
            periods.clear();
            cut_off_time(m, &am.periods, &off, &mut periods, cells.as_deref_mut());
            compile_changes(&periods)
        })
        .collect()
}

/// Draws the shrinkage of one shift and appends the time it takes off to `off`: the whole shift
/// (absence) or the chosen work intervals in ascending order. The draws are made in the same
/// order whatever the outcome (absence first, then the rounding of the count, then the intervals),
/// which is what makes a replication reproducible.
fn draw_shift(
    rng: &mut ChaCha8Rng,
    sh: &ShiftShrinkage,
    interval_s: f64,
    pool: &mut Vec<u32>,
    off: &mut Vec<(f64, f64)>,
) {
    let u: f64 = rng.random();
    if u < sh.absence_p {
        off.push((sh.start, sh.end));
        return;
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
        return;
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
        let s = f64::from(i) * interval_s;
        off.push((s, s + interval_s));
    }
}

/// The agent's rostered `planned` periods with the `off` time cut out of its work periods (as
/// [`OFF`] periods), into `periods`; the work time taken off is removed from the logged-in time
/// of its channel in `cells` (when given). `off` is sorted and disjoint (shifts in order,
/// intervals sorted within a shift).
fn cut_off_time(
    m: &Model,
    planned: &[(f64, f64, Option<usize>)],
    off: &[(f64, f64)],
    periods: &mut Vec<(f64, f64, u8)>,
    mut cells: Option<&mut [Cell]>,
) {
    for &(s, e, ch) in planned {
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
            if let Some(cells) = cells.as_deref_mut() {
                add_span(cells, c * m.n_iv, m.n_iv, m.interval_s, ps, pe, -1.0, |c| {
                    &mut c.extra_staffed_s
                });
            }
            t = pe;
        }
        if t < e {
            periods.push((t, e, c as u8));
        }
    }
}
