//! The objective: least paid cost plus penalties (the penalties are added by the coverage and
//! backlog families as their variables are created).
//!
//! ```text
//! min  sum_{a,o} rate[a] p_o/60 x[a,o]                      paid cost
//!    + sum_{live c,t} P f_c len F(r[c,t], s[c,t])           live shortfall (convex tiers)
//!    + sum_{deferred c,t} P f_c len l[c,t]                  overdue backlog
//!    + sum_{c,t} E len (v[c,t] or u[c,t])                   over-coverage / idle capacity
//! ```
//!
//! with `P` = [`crate::Weights::shortfall_per_agent_hour`], `f_c` the channel's priority
//! factor, `F` the tiered (convex, share-of-requirement) shortfall of
//! [`super::coverage::tiered_shortfall`], `E` = [`crate::Weights::over_per_agent_hour`] and `len` the interval length in
//! hours.

use super::RosterModel;

/// Adds the paid cost of every assignment variable.
pub fn add_cost(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    for a in 0..problem.agents.len() {
        let rate = problem.agents[a].hourly_rate;
        for (o, col) in m.x[a].clone() {
            let hours = f64::from(m.options.options[o].paid_minutes) / 60.0;
            m.objective.add_mul(rate * hours, col.var);
        }
    }
}
