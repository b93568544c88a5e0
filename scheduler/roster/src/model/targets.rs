//! The targets of live channels over a period (the targets objective, [`crate::targets`]).
//!
//! For channel `c` and interval `t`, `N[c,t] = sum_g z[g,c,t]` is the number of agents the
//! programme puts on the channel (the same quantity the coverage rows compare with the
//! requirement). Each envelope `F` of the interval's service curve (abandoned `A`, wait
//! `W + ASA A`, answered in time `S`) enters as incremental segments `k` of `width_k` agents,
//! each improving the figure by `gain_k`, gains strictly decreasing:
//!
//! ```text
//! 0 <= y_k[c,t] <= width_k,    sum_k y_k[c,t] <= N[c,t]
//! A[c,t] = A(0) - sum_k gain_k y_k[c,t]          (likewise W + ASA A;  S = S(0) + sum_k ...)
//! ```
//!
//! The programme is only ever better off with fewer abandons, less wait and more answered in
//! time, so it fills the best segments first and sits on the envelope without binaries. Segments
//! beyond the agents skilled for the channel are left out (they can never be filled). Per period
//! `p` of the channel, with the violation `e >= 0` in the target's unit:
//!
//! ```text
//! sum_{t in p} sum_k gain_k y_k + e_ab  >= sum_{t in p} A_t(0) - a offered_p
//! sum_{t in p} sum_k gain_k y_k + e_asa >= sum_{t in p} (W + ASA A)_t(0) - ASA offered_p
//! sum_{t in p} sum_k gain_k y_k + e_sl  >= SL offered_p - sum_{t in p} S_t(0)
//! objective += P f_c (e_ab + e_asa / patience_c + e_sl) - eps P f_c sum_t sum_k gain_k y_k^A
//! ```
//!
//! `P` is [`crate::ProgrammeTargets::penalty_per_contact`], `f_c` the channel's priority factor and
//! `eps` = [`TIE_BREAK_SHARE`]: a small reward per abandoned contact saved, so capacity the
//! targets do not need still goes where it saves the most contacts (worth far less than an
//! agent-hour, so it never buys paid hours). A period whose right-hand side is not positive is met
//! with no agents and gets no row. The live coverage rows of [`super::coverage`] are left out for
//! these channels.

use good_lp::{constraint, Expression};
use rota_staffing::Envelope;

use super::RosterModel;

/// Share of the penalty per contact paid back per abandoned contact saved (module doc).
pub const TIE_BREAK_SHARE: f64 = 0.01;

/// The segment variables of `env` tied to `supply` agents, at most `cap` agents deep: the sum of
/// `gain_k y_k` (the improvement over the figure at 0 agents).
fn segments(m: &mut RosterModel<'_>, env: &Envelope, cap: u32, supply: &Expression) -> Expression {
    let mut used = Expression::default();
    let mut gain = Expression::default();
    for seg in env.segments() {
        if seg.from >= cap || seg.gain <= 0.0 {
            break;
        }
        let width = seg.width.min(cap - seg.from);
        let y = m.var(good_lp::variable().min(0.0).max(f64::from(width)));
        used += y.var;
        gain.add_mul(seg.gain, y.var);
    }
    let supply = supply.clone();
    m.add(constraint!(used <= supply));
    gain
}

/// One target of one period: the improvements of its intervals and the constant right-hand side.
#[derive(Default)]
struct PeriodRow {
    gain: Expression,
    rhs: f64,
}

/// Adds the segment variables, the period rows and their penalties of every channel with targets
/// (nothing when the problem has none).
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let Some(targets) = problem.targets.as_ref() else {
        return;
    };
    let horizon = &problem.horizon;
    for ct in &targets.channels {
        let c = ct.channel;
        let cap: usize = m
            .groups
            .iter()
            .filter(|g| g.skills.contains(&c))
            .map(|g| g.agents.len())
            .sum();
        let cap = cap as u32;
        // per period key: [abandoned, wait, answered in time]
        let mut rows: Vec<(usize, [PeriodRow; 3])> = Vec::new();
        for ic in &ct.intervals {
            let supply: Expression = (0..m.groups.len())
                .flat_map(|g| {
                    m.z[g][ic.t]
                        .iter()
                        .filter(|(cc, _)| *cc == c)
                        .map(|(_, z)| z.var)
                        .collect::<Vec<_>>()
                })
                .sum();
            let key = horizon.period_key(ct.period, ic.t);
            if rows.last().is_none_or(|(k, _)| *k != key) {
                rows.push((key, Default::default()));
            }
            let offered = ic.offered;
            let has_supply =
                cap > 0 && m.z.iter().any(|zg| zg[ic.t].iter().any(|(cc, _)| *cc == c));
            let gains = [
                Some(&ic.abandoned).filter(|_| has_supply),
                ic.asa.as_ref().filter(|_| has_supply),
                ic.within.as_ref().filter(|_| has_supply),
            ];
            let mut improvement: [Expression; 3] = Default::default();
            for (k, env) in gains.iter().enumerate() {
                if let Some(env) = env {
                    improvement[k] = segments(m, env, cap, &supply);
                }
            }
            // the tie-break: a small reward per abandoned contact saved
            m.objective.add_mul(
                -TIE_BREAK_SHARE * targets.penalty_per_contact * ct.weight,
                improvement[0].clone(),
            );
            let tight = ct.tightening(horizon, ic);
            // the cap on the wait, in this interval on its own: answered within the longest
            // acceptable wait >= the cap's floor (ChannelTargetRows::wait_cap_floor)
            if let (Some(env), true) = (&ic.within_max_wait, ct.max_wait.is_some()) {
                let rhs = ct.wait_cap_floor(horizon, ic) - env.at(0);
                let gain = if has_supply {
                    segments(m, env, cap, &supply)
                } else {
                    Expression::default()
                };
                if rhs > 1e-9 {
                    let e = m.nonneg();
                    m.objective.add_mul(
                        targets.penalty_per_contact * ct.weight * ct.cap_weight(targets),
                        e.var,
                    );
                    let lhs = gain + e.var;
                    m.add(constraint!(lhs >= rhs));
                }
            }
            let row = &mut rows.last_mut().expect("pushed above").1;
            for (r, x) in row.iter_mut().zip(tight) {
                r.rhs += x;
            }
            row[0].rhs += ic.abandoned.at(0) - ct.max_abandon.unwrap_or(0.0) * offered;
            row[1].rhs +=
                ic.asa.as_ref().map_or(0.0, |e| e.at(0)) - ct.max_asa_s.unwrap_or(0.0) * offered;
            row[2].rhs += ct.service_level.unwrap_or(0.0) * offered
                - ic.within.as_ref().map_or(0.0, |e| e.at(0));
            for (r, imp) in row.iter_mut().zip(improvement) {
                r.gain += imp;
            }
        }
        let price = targets.penalty_per_contact * ct.weight;
        // contacts per unit of violation: abandoned and answered late are contacts already; wait
        // is seconds, a patience's worth of it one contact (crate::targets)
        let per_unit = [
            ct.max_abandon.map(|_| 1.0),
            ct.max_asa_s.map(|_| targets.late_weight / ct.patience_s),
            ct.service_level.map(|_| targets.late_weight),
        ];
        for (_, period) in rows {
            for (row, unit) in period.into_iter().zip(per_unit) {
                let Some(unit) = unit else { continue };
                if row.rhs <= 1e-9 {
                    continue;
                }
                let e = m.nonneg();
                m.objective.add_mul(price * unit, e.var);
                let lhs = row.gain + e.var;
                m.add(constraint!(lhs >= row.rhs));
            }
        }
    }
}
