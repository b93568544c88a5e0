//! Minimum rest between consecutive shifts (11 hours under the Working Time Regulations 1998).
//!
//! Two options conflict when the second starts before the first ends plus the rest period:
//! `start(o') < end(o) + R[a]`. Conflicts between day `d` and day `d+1` form an interval graph,
//! so instead of one row per pair we add one clique per start time `tau` of day `d+1`:
//!
//! ```text
//! sum_{o on d, end(o) + R[a] > tau} x[a,o] + sum_{o' on d+1, start(o') <= tau} x[a,o'] <= 1
//! ```
//!
//! Every conflicting pair `(o, o')` lies in the clique of `tau = start(o')`, and the clique form
//! gives a tighter LP relaxation than pairwise rows.

use chrono::Duration;
use good_lp::{constraint, Expression};

use super::RosterModel;

/// Adds the rest cliques for every agent and pair of consecutive days.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let opts = &m.options.options;
    for a in 0..problem.agents.len() {
        let rest = Duration::minutes(i64::from(problem.agents[a].contract.min_rest_minutes));
        for d in 0..problem.horizon.days().saturating_sub(1) {
            let today: Vec<_> = m.x[a]
                .iter()
                .filter(|(o, _)| opts[*o].day == d)
                .copied()
                .collect();
            let mut tomorrow: Vec<_> = m.x[a]
                .iter()
                .filter(|(o, _)| opts[*o].day == d + 1)
                .copied()
                .collect();
            if today.is_empty() || tomorrow.is_empty() {
                continue;
            }
            tomorrow.sort_by_key(|(o, _)| opts[*o].start);
            let mut last_clique: Option<(usize, usize)> = None;
            for (i, (o2, _)) in tomorrow.iter().enumerate() {
                let tau = opts[*o2].start;
                // include every later option with the same start time
                let upto = tomorrow[i..]
                    .iter()
                    .take_while(|(o, _)| opts[*o].start == tau)
                    .count()
                    + i;
                let left: Vec<_> = today
                    .iter()
                    .filter(|(o, _)| opts[*o].end + rest > tau)
                    .collect();
                if left.is_empty() {
                    continue;
                }
                let key = (left.len(), upto);
                if last_clique == Some(key) {
                    continue;
                }
                last_clique = Some(key);
                let sum: Expression = left.iter().map(|(_, c)| c.var).sum::<Expression>()
                    + tomorrow[..upto]
                        .iter()
                        .map(|(_, c)| c.var)
                        .sum::<Expression>();
                m.add(constraint!(sum <= 1));
            }
        }
    }
}
