//! Fairness of late shifts, Saturdays and bank holidays ([`crate::fairness`]).
//!
//! Per group `G` of comparable agents and kind `k`, with `C[a,k] = P[a,k] + sum_{o in O_a of
//! kind k} x[a,o]` (`P`: the previous roster's count in the rolling window):
//!
//! ```text
//! U[G,k] >= C[a,k],   L[G,k] <= C[a,k]   for a in G
//! min ... + F (U[G,k] - L[G,k])
//! ```
//!
//! `U - L` is the spread at the optimum, linear and without binaries; the written roster's
//! objective adds the same spread ([`crate::fairness::penalty`]).
//!
//! **The LP relaxation leaves the term out.** The spread is never negative, so the LP without it
//! still bounds every roster's objective (a relaxation of the relaxation); it is weaker by at
//! most the spread costs, and much faster: on the sample centre's four weeks the LP with the
//! spread rows took more than the 180 s the tour stage had, without them 137 s (both on the same
//! loaded 2-core machine). The LP-guided restriction then keeps, for every agent compared for
//! Saturdays or bank holidays, each such option that the LP gives anyone of the agent's skill
//! group ([`crate::solve`]), so the tour MIP can still move a Saturday from one person to
//! another; late shifts are evened out within the LP's own support.

use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::fairness::groups;

/// Adds the spread variables and rows of every group, and their cost.
pub fn add(m: &mut RosterModel<'_>) {
    let Some(rules) = m.problem.multiweek.fairness else {
        return;
    };
    if rules.weight <= 0.0 {
        return;
    }
    let late = rules.late_after;
    for g in groups(m.problem) {
        let hi = m.nonneg();
        let lo = m.nonneg();
        for (&a, &prior) in g.agents.iter().zip(&g.prior) {
            let count: Expression = m.x[a]
                .iter()
                .filter(|(o, _)| {
                    let opt = &m.options.options[*o];
                    g.kind.of_shift(&opt.start, &opt.end, late)
                })
                .map(|(_, c)| c.var)
                .sum::<Expression>()
                + f64::from(prior);
            m.add(constraint!(hi.var >= count.clone()));
            m.add(constraint!(lo.var <= count));
        }
        m.objective += rules.weight * (hi.var - lo.var);
    }
}
