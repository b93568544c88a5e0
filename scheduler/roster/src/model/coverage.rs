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
//!
//! **Convex shortfall.** A linear penalty on `s` makes one agent-hour short worth the same on every
//! channel, so when voice alone needs more agents than the centre has, every multi-skilled agent
//! goes to voice and small channels (reception, chat) are left empty. The shortfall is therefore
//! split into tiers by *share of the requirement*, each tier `q = 25 %` of `r[c,t]` wide with
//! slopes `sigma = 1, 2, 4, 8` (the last tier is open-ended):
//!
//! ```text
//! s[c,t] = sum_k s_k[c,t],   0 <= s_k[c,t] <= q r[c,t]  (k < K),   s_K[c,t] >= 0
//! penalty[c,t] = P f_c len sum_k sigma_k s_k[c,t]  =  P f_c len F(r[c,t], s[c,t])
//! F(r, s) = sum_k sigma_k min(max(s - k q r, 0), q r)      (last tier without the cap)
//! ```
//!
//! `F` is convex and piecewise linear, so the programme fills the cheap tiers first and the tiers
//! need no binaries: leaving a channel mostly uncovered costs up to 8 times more per agent than
//! trimming another channel's last quarter of shortfall. The roster's reported objective evaluates
//! the same `F` ([`tiered_shortfall`]) on the written roster, so the programme's bound stays a
//! valid lower bound for it.

use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::problem::ChannelMode;

/// Width of each shortfall tier as a share of the requirement (see the module doc).
pub const SHORTFALL_TIER_SHARE: f64 = 0.25;
/// Slope multiplier of each shortfall tier, from the first (least short) to the last.
pub const SHORTFALL_TIER_SLOPES: [f64; 4] = [1.0, 2.0, 4.0, 8.0];

/// `F(r, s)`: the tiered shortfall of a live channel in one interval, in slope-weighted agents
/// (multiply by `P f_c len` for the penalty). `s` is clamped at 0.
pub fn tiered_shortfall(r: f64, s: f64) -> f64 {
    let width = SHORTFALL_TIER_SHARE * r.max(0.0);
    let s = s.max(0.0);
    let last = SHORTFALL_TIER_SLOPES.len() - 1;
    SHORTFALL_TIER_SLOPES
        .iter()
        .enumerate()
        .map(|(k, slope)| {
            let above = (s - k as f64 * width).max(0.0);
            slope * if k == last { above } else { above.min(width) }
        })
        .sum()
}

/// `sigma(s / r)`: the slope of `F(r, .)` just below shortfall `s` (the tier the current
/// shortfall share falls in), 0 when nothing is short. The post-pass gives the next agent to the
/// channel with the highest `f_c sigma`.
pub fn shortfall_slope(r: f64, s: f64) -> f64 {
    if s <= 1e-9 || r <= 0.0 {
        return 0.0;
    }
    let last = SHORTFALL_TIER_SLOPES.len() - 1;
    let k = ((s / (SHORTFALL_TIER_SHARE * r)).ceil() as usize)
        .saturating_sub(1)
        .min(last);
    SHORTFALL_TIER_SLOPES[k]
}

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
                    let rho = m.allocation();
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
    let mut w = capacity(m);
    super::activities::reserve(m, &mut w);
    for (g, wg) in w.into_iter().enumerate() {
        let skills = m.groups[g].skills.clone();
        for (t, wt) in wg.into_iter().enumerate() {
            if wt.linear_coefficients_len() == 0 || skills.is_empty() {
                continue;
            }
            let mut sum = Expression::default();
            for &c in &skills {
                let z = m.allocation();
                sum += z.var;
                m.z[g][t].push((c, z));
            }
            m.add(constraint!(sum == wt));
        }
    }
    let base = problem.weights.shortfall_per_agent_hour;
    let over_w = problem.weights.over_per_agent_hour;
    for (c, ch) in problem.channels.iter().enumerate() {
        // channels with targets are planned by model::targets instead
        if ch.mode != ChannelMode::Live || m.has_targets(c) {
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
                let mut tiers = Expression::default();
                for (k, slope) in SHORTFALL_TIER_SLOPES.iter().enumerate() {
                    let tier = if k + 1 == SHORTFALL_TIER_SLOPES.len() {
                        m.nonneg()
                    } else {
                        m.var(good_lp::variable().min(0.0).max(SHORTFALL_TIER_SHARE * r))
                    };
                    tiers += tier.var;
                    m.objective
                        .add_mul(base * ch.shortfall_weight * hours * slope, tier.var);
                }
                let sv = s.var;
                m.add(constraint!(sv == tiers));
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
pub(super) trait TermCount {
    fn linear_coefficients_len(&self) -> usize;
}

impl TermCount for Expression {
    fn linear_coefficients_len(&self) -> usize {
        use good_lp::IntoAffineExpression;
        self.clone().linear_coefficients().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_cost_more_per_agent_the_larger_the_share_short() {
        // r = 8: tiers of 2 agents at slopes 1, 2, 4, 8
        assert_eq!(tiered_shortfall(8.0, 0.0), 0.0);
        assert_eq!(tiered_shortfall(8.0, 2.0), 2.0);
        assert_eq!(tiered_shortfall(8.0, 3.0), 2.0 + 2.0);
        assert_eq!(tiered_shortfall(8.0, 8.0), 2.0 + 4.0 + 8.0 + 16.0);
        // open-ended last tier, negative shortfall clamped
        assert_eq!(tiered_shortfall(8.0, 9.0), 38.0);
        assert_eq!(tiered_shortfall(8.0, -1.0), 0.0);
        assert_eq!(shortfall_slope(8.0, 0.0), 0.0);
        assert_eq!(shortfall_slope(8.0, 2.0), 1.0);
        assert_eq!(shortfall_slope(8.0, 2.5), 2.0);
        assert_eq!(shortfall_slope(8.0, 8.0), 8.0);
        // an empty one-agent desk outranks a large channel three-quarters covered
        assert!(shortfall_slope(1.0, 1.0) > shortfall_slope(60.0, 15.0));
    }

    #[test]
    fn tiered_shortfall_is_convex() {
        let r = 5.3;
        let f = |s: f64| tiered_shortfall(r, s);
        let mut s = 0.0;
        while s < 7.0 {
            assert!(
                f(s + 0.2) - f(s + 0.1) >= f(s + 0.1) - f(s) - 1e-9,
                "s = {s}"
            );
            s += 0.05;
        }
    }
}
