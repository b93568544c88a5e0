//! Coverage of live channels (phone, reception, chat) by skill groups, interval by interval.
//!
//! Working capacity of group `g` in interval `t` (agents on shift and not on a break), with
//! implicit break placement in the spirit of Aykin (1996): for every break `b` of option `o` and
//! every start slot `q` of its window, `rho[g,o,b,q] >= 0` agents of the group take that break
//! starting at `q`:
//!
//! ```text
//! sum_{q in window(o,b)} rho[g,o,b,q] = X[g,o]                                  for every g, o, b
//! w[g,t] = sum_{o : t in o} X[g,o] - sum_{o,b,q : q <= t < q + len_b} rho[g,o,b,q]
//! ```
//!
//! The break variables are continuous, so the programme is a relaxation of every whole-agent
//! break placement: its bound is a valid lower bound for the roster written after the post-pass
//! (which places whole breaks guided by `rho`).
//!
//! Every working interval of an agent is given to one channel the agent is skilled for (the
//! capacity of a group is split continuously; the post-pass in `build` turns it into whole
//! agents per interval):
//!
//! ```text
//! sum_{c in skills(g)} z[g,c,t] = w[g,t]                      for every g, t
//! sum_{g : c in skills(g)} z[g,c,t] + s[c,t] - v[c,t] = r[c,t]  for every live c, t
//! ```
//!
//! `s` (shortfall) and `v` (over-coverage) are penalised in the objective; deferred channels take
//! their `z` in [`super::backlog`].

use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::roster::problem::ChannelMode;

/// `w[g][t]`: the capacity expressions of every group and interval, creating the break-start
/// variables `rho` on the way.
pub fn capacity(m: &mut RosterModel<'_>) -> Vec<Vec<Expression>> {
    let n_t = m.problem.horizon.n_intervals();
    let options = m.options;
    let mut w = vec![vec![Expression::default(); n_t]; m.groups.len()];
    for (g, wg) in w.iter_mut().enumerate() {
        let cols = m.group_x[g].clone();
        for (o, col) in cols {
            let opt = &options.options[o];
            for wt in &mut wg[opt.first..opt.last] {
                *wt += col.var;
            }
            for b in &opt.breaks {
                let mut sum = Expression::default();
                let mut slots = Vec::new();
                for q in b.earliest..=b.latest {
                    let rho = m.nonneg();
                    sum += rho.var;
                    slots.push((q, rho));
                    for wt in wg.iter_mut().take((q + b.len).min(opt.last)).skip(q) {
                        *wt -= rho.var;
                    }
                }
                let x = col.var;
                m.add(constraint!(sum == x));
                m.breaks[g].push((o, b.index, slots));
            }
        }
    }
    w
}

/// Adds the allocation variables `z`, the capacity split and live coverage rows.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let n_t = problem.horizon.n_intervals();
    let hours = m.interval_hours();
    let w = capacity(m);
    for (g, wg) in w.into_iter().enumerate() {
        let skills = m.groups[g].skills.clone();
        for (t, wt) in wg.into_iter().enumerate() {
            if wt.linear_coefficients_len() == 0 || skills.is_empty() {
                continue;
            }
            let mut sum = Expression::default();
            for &c in &skills {
                let z = m.nonneg();
                sum += z.var;
                m.z[g][t].push((c, z));
            }
            m.add(constraint!(sum == wt));
        }
    }
    let base = problem.weights.shortfall_per_agent_hour;
    let over_w = problem.weights.over_per_agent_hour;
    for (c, ch) in problem.channels.iter().enumerate() {
        if ch.mode != ChannelMode::Live {
            continue;
        }
        for t in 0..n_t {
            let supply: Expression = (0..m.groups.len())
                .flat_map(|g| {
                    m.z[g][t]
                        .iter()
                        .filter(|(cc, _)| *cc == c)
                        .map(|(_, z)| z.var)
                })
                .sum();
            let has_supply = supply.linear_coefficients_len() > 0;
            let r = ch.requirement[t];
            if r <= 0.0 && !has_supply {
                continue;
            }
            let mut lhs = supply;
            if r > 0.0 {
                let s = m.nonneg();
                lhs += s.var;
                m.objective
                    .add_mul(base * ch.shortfall_weight * hours, s.var);
                m.short[c][t] = Some(s);
            }
            if has_supply {
                let v = m.nonneg();
                lhs -= v.var;
                m.objective.add_mul(over_w * hours, v.var);
            }
            m.add(constraint!(lhs == r));
        }
    }
}

/// Number of linear terms of an expression (good_lp exposes them only as an iterator).
trait TermCount {
    fn linear_coefficients_len(&self) -> usize;
}

impl TermCount for Expression {
    fn linear_coefficients_len(&self) -> usize {
        use good_lp::IntoAffineExpression;
        self.clone().linear_coefficients().count()
    }
}
