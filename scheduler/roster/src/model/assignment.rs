//! Assignment of named agents to shift options.
//!
//! For every agent `a` and day `d`, at most one shift:
//!
//! ```text
//! y[a,d] = sum_{o in O_a, day(o) = d} x[a,o] <= 1
//! ```
//!
//! Availability, approved leave and allowed templates are the domain `O_a` (no variable exists for
//! an option the agent may not work). Fixed shifts are forced: `x[a,o_f] = 1`. A hire candidate's
//! row is `y[a,d] <= h[a]` instead: no shift unless hired ([`super::hire`]).
//!
//! Skill-group counts link named agents to the aggregate coverage model:
//!
//! ```text
//! X[g,o] = sum_{a in g, o in O_a} x[a,o]        for every group g and option o
//! ```

use std::collections::BTreeMap;

use good_lp::{constraint, Expression};

use super::RosterModel;

/// Creates `x[a,o]`, `X[g,o]` and the one-shift-a-day and fixed-shift constraints.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let options = m.options;
    for a in 0..problem.agents.len() {
        let mut cols = Vec::with_capacity(options.per_agent[a].len());
        for &o in &options.per_agent[a] {
            let c = m.binary();
            cols.push((o, c));
        }
        m.x[a] = cols;
        for d in 0..problem.horizon.days() {
            let y = m.works_on(a, d);
            if !m.x[a].iter().any(|(o, _)| options.options[*o].day == d) {
                continue;
            }
            match m.hired[a] {
                Some(h) => m.add(constraint!(y <= h.var)),
                None => m.add(constraint!(y <= 1)),
            }
        }
        for f in &problem.agents[a].fixed_shifts {
            let found = m.x[a].iter().find(|(o, _)| {
                let opt = &options.options[*o];
                problem.templates[opt.template].name == f.template
                    && opt.start.date_naive() == f.date
                    && opt.start.time() == f.start
            });
            // A fixed shift outside the agent's domain is reported by `diagnose::check_contracts`
            // before the model is built; here it simply has no variable to force.
            if let Some((_, c)) = found {
                let v = c.var;
                m.add(constraint!(v == 1));
            }
        }
    }
    for g in 0..m.groups.len() {
        let mut per_option: BTreeMap<usize, Expression> = BTreeMap::new();
        for &a in &m.groups[g].agents {
            for (o, c) in &m.x[a] {
                *per_option.entry(*o).or_default() += c.var;
            }
        }
        let mut cols = Vec::with_capacity(per_option.len());
        for (o, sum) in per_option {
            let big_x = m.nonneg();
            let v = big_x.var;
            m.add(constraint!(v == sum));
            cols.push((o, big_x));
        }
        m.group_x[g] = cols;
    }
}
