//! Hiring (`rota schedule --hire`, [`crate::hire`]): optional agents and their "hired"
//! indicators.
//!
//! Every hire candidate `a` (an agent of hire option `k`) gets a binary `h[a]`:
//!
//! ```text
//! y[a,d] = sum_{o in O_a, day(o) = d} x[a,o] <= h[a]        every day d (model::assignment)
//! Hmin[a,W] h[a] <= sum_{o in O_a, day(o) in W} p_o x[a,o]   every week W (model::contracts)
//! h[a_k,i] >= h[a_k,i+1]                                     candidates i, i+1 of one option
//! objective  += C_k n/7 h[a]                                 one-off cost, n days planned
//! ```
//!
//! The first row replaces the one-shift-a-day row `y[a,d] <= 1`: a candidate who is not hired
//! works no shift, and it is tighter in the LP relaxation than `x[a,o] <= h[a]` for each option
//! separately (a fractional hire cannot work a whole shift every day). The contract's minimum
//! hours bind only when hired (multiplied by `h[a]`); its maxima need no indicator, since a
//! candidate without shifts meets them. The paid hours of a hire cost its option's hourly cost
//! through the agent's rate ([`super::objective`]).
//!
//! Candidates of one option are identical, so without the ordering row every choice of "which
//! three of the twelve" is a different solution with the same objective, and branch and bound
//! would explore each of them; with it, the hired candidates of an option are always the first
//! ones (`HIRE-001`, `HIRE-002`, ... of the option's block).

use good_lp::constraint;

use super::RosterModel;

/// Creates `h[a]` for every hire candidate, the ordering rows and the one-off cost.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let mut previous: Option<(usize, good_lp::Variable)> = None;
    for cand in &problem.hire_candidates {
        let h = m.binary();
        m.hired[cand.agent] = Some(h);
        m.objective.add_mul(problem.one_off_cost(cand.agent), h.var);
        if let Some((option, before)) = previous {
            if option == cand.option {
                let now = h.var;
                m.add(constraint!(before >= now));
            }
        }
        previous = Some((cand.option, h.var));
    }
}
