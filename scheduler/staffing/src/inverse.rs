//! The inverse question: the smallest number of agents that meets every target of a queue at once.
//!
//! Every KPI used as a target is monotone in the number of agents n (abandon rate, ASA and
//! P(W > t) fall, service level rises, occupancy falls), so "all targets met" is false up to some
//! n* and true from there on. The search starts at a lower bound that no smaller n can beat
//! (Erlang C: ⌊A⌋ + 1 for stability; Erlang A with an abandon target: served work λ(1 − P(Ab))·AHT
//! cannot exceed n, so n ≥ A·(1 − max abandon)), gallops upward with doubling steps until the
//! targets are met and bisects the last bracket. The Erlang B recursion is kept in a table, so the
//! whole search costs one pass of the recursion up to the answer plus O(log n) evaluations.

use serde::{Deserialize, Serialize};

use super::erlang::{
    erlang_b, erlang_b_step, evaluate_with_b, validate_threshold, QueueInputs, QueueMetrics,
};
use super::error::StaffingError;

/// Largest number of agents the search will consider.
pub const MAX_AGENTS: u32 = 2_000_000;

/// Which service-level definition a target refers to (see `docs/STAFFING.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevelDefinition {
    /// P(answered within t) over **all offered** contacts: abandoned contacts count as failures.
    /// The stricter definition and Rota's default (pyworkforce's `service_level`).
    #[default]
    ServedWithinOfOffered,
    /// P(W ≤ t | answered): abandoned contacts are left out of the denominator.
    GivenServed,
}

impl ServiceLevelDefinition {
    /// The service level of `m` under this definition.
    pub fn of(&self, m: &QueueMetrics) -> f64 {
        match self {
            ServiceLevelDefinition::ServedWithinOfOffered => m.sl_served_within_t,
            ServiceLevelDefinition::GivenServed => m.sl_given_served,
        }
    }
}

/// "X% answered within Y seconds".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ServiceLevelTarget {
    /// Share that must be answered within the threshold, in (0, 1).
    pub min_share: f64,
    /// The threshold, seconds.
    pub threshold_s: f64,
    /// Which denominator the share uses.
    #[serde(default)]
    pub definition: ServiceLevelDefinition,
}

/// The targets of one queue, validated on construction: every target given is reachable by some
/// finite number of agents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Targets {
    max_abandon: Option<f64>,
    max_asa_s: Option<f64>,
    service_level: Option<ServiceLevelTarget>,
    max_wait: Option<ServiceLevelTarget>,
    threshold_s: f64,
    max_occupancy: Option<f64>,
}

/// Builder for [`Targets`]; `build` checks every value.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetsBuilder {
    max_abandon: Option<f64>,
    max_asa_s: Option<f64>,
    service_level: Option<ServiceLevelTarget>,
    max_wait: Option<ServiceLevelTarget>,
    threshold_s: Option<f64>,
    max_occupancy: Option<f64>,
}

/// Service-level threshold used for reporting when no service-level target is set.
pub const DEFAULT_THRESHOLD_S: f64 = 20.0;

impl TargetsBuilder {
    /// Largest acceptable abandon rate (share of offered), e.g. 0.10.
    pub fn max_abandon(mut self, share: f64) -> Self {
        self.max_abandon = Some(share);
        self
    }
    /// Largest acceptable ASA of answered contacts, seconds, e.g. 120.
    pub fn max_asa_s(mut self, seconds: f64) -> Self {
        self.max_asa_s = Some(seconds);
        self
    }
    /// Service level: `share` answered within `threshold_s` seconds under `definition`. The
    /// threshold is also the one the reported KPIs use.
    pub fn service_level(
        mut self,
        share: f64,
        threshold_s: f64,
        definition: ServiceLevelDefinition,
    ) -> Self {
        self.service_level = Some(ServiceLevelTarget {
            min_share: share,
            threshold_s,
            definition,
        });
        self
    }
    /// Longest wait: at least `share` of **answered** contacts wait no longer than `seconds`
    /// ("never over 4 minutes" read as 95% within 240 s; a queue cannot guarantee "never").
    pub fn max_wait(mut self, seconds: f64, share: f64) -> Self {
        self.max_wait = Some(ServiceLevelTarget {
            min_share: share,
            threshold_s: seconds,
            definition: ServiceLevelDefinition::GivenServed,
        });
        self
    }
    /// Threshold of the reported service level when there is no service-level target (default 20 s).
    pub fn threshold_s(mut self, seconds: f64) -> Self {
        self.threshold_s = Some(seconds);
        self
    }
    /// Largest acceptable occupancy, e.g. 0.90 (agents need recovery time between contacts).
    pub fn max_occupancy(mut self, share: f64) -> Self {
        self.max_occupancy = Some(share);
        self
    }

    /// Check every target; an unreachable one (ASA 0 s, 0% abandons, 100% service level, occupancy 0)
    /// is an [`StaffingError::ImpossibleTarget`], an out-of-range one an [`StaffingError::InvalidTarget`].
    pub fn build(self) -> Result<Targets, StaffingError> {
        let threshold_s = validate_threshold(
            self.service_level
                .map(|sl| sl.threshold_s)
                .or(self.threshold_s)
                .unwrap_or(DEFAULT_THRESHOLD_S),
        )?;
        if let Some(ab) = self.max_abandon {
            finite("maximum abandon rate", ab)?;
            if ab <= 0.0 {
                return Err(StaffingError::ImpossibleTarget(format!(
                    "an abandon rate of at most {ab} cannot be met: with impatient callers some always hang up; \
                     give a share above 0, e.g. 0.10"
                )));
            }
            if ab > 1.0 {
                return Err(StaffingError::InvalidTarget(format!(
                    "the maximum abandon rate is a share between 0 and 1, got {ab}"
                )));
            }
        }
        if let Some(asa) = self.max_asa_s {
            finite("maximum ASA (seconds)", asa)?;
            if asa <= 0.0 {
                return Err(StaffingError::ImpossibleTarget(format!(
                    "an ASA of at most {asa} s cannot be met: with random arrivals some contacts always wait; \
                     give a positive number of seconds, e.g. 120"
                )));
            }
        }
        for (what, sl) in [
            ("service level", self.service_level),
            ("longest-wait target", self.max_wait),
        ] {
            let Some(sl) = sl else { continue };
            finite("service level", sl.min_share)?;
            validate_threshold(sl.threshold_s)?;
            if sl.min_share >= 1.0 {
                return Err(StaffingError::ImpossibleTarget(format!(
                    "a {what} of {:.0}% within {} s cannot be guaranteed with random arrivals; \
                     give a share below 1, e.g. 0.8 or 0.95",
                    sl.min_share * 100.0,
                    sl.threshold_s
                )));
            }
            if sl.min_share <= 0.0 {
                return Err(StaffingError::InvalidTarget(format!(
                    "the {what} is a share between 0 and 1, got {}",
                    sl.min_share
                )));
            }
        }
        if let Some(occ) = self.max_occupancy {
            finite("maximum occupancy", occ)?;
            if occ <= 0.0 {
                return Err(StaffingError::ImpossibleTarget(format!(
                    "an occupancy limit of {occ} leaves agents no time to handle contacts; give a share above 0, e.g. 0.9"
                )));
            }
            if occ > 1.0 {
                return Err(StaffingError::InvalidTarget(format!(
                    "the maximum occupancy is a share between 0 and 1, got {occ}"
                )));
            }
        }
        if self.max_abandon.is_none()
            && self.max_asa_s.is_none()
            && self.service_level.is_none()
            && self.max_wait.is_none()
            && self.max_occupancy.is_none()
        {
            return Err(StaffingError::InvalidTarget(
                "no target given: set at least one of maximum abandon rate, maximum ASA, service level, longest wait or maximum occupancy"
                    .into(),
            ));
        }
        Ok(Targets {
            max_abandon: self.max_abandon,
            max_asa_s: self.max_asa_s,
            service_level: self.service_level,
            max_wait: self.max_wait,
            threshold_s,
            max_occupancy: self.max_occupancy,
        })
    }
}

fn finite(what: &'static str, value: f64) -> Result<(), StaffingError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(StaffingError::NotFinite { what, value })
    }
}

impl Targets {
    /// Start building targets.
    ///
    /// ```
    /// use rota_staffing::{ServiceLevelDefinition, Targets};
    /// let t = Targets::builder()
    ///     .max_abandon(0.10)
    ///     .max_asa_s(120.0)
    ///     .service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(t.threshold_s(), 20.0);
    /// assert!(Targets::builder().max_asa_s(0.0).build().is_err());
    /// ```
    pub fn builder() -> TargetsBuilder {
        TargetsBuilder::default()
    }
    /// Largest acceptable abandon rate.
    pub fn max_abandon(&self) -> Option<f64> {
        self.max_abandon
    }
    /// Largest acceptable ASA of answered contacts, seconds.
    pub fn max_asa_s(&self) -> Option<f64> {
        self.max_asa_s
    }
    /// The service-level target.
    pub fn service_level(&self) -> Option<ServiceLevelTarget> {
        self.service_level
    }
    /// The longest-wait target (share of answered contacts within a threshold).
    pub fn max_wait(&self) -> Option<ServiceLevelTarget> {
        self.max_wait
    }
    /// Service-level threshold in seconds (of the service-level target, or for reporting).
    pub fn threshold_s(&self) -> f64 {
        self.threshold_s
    }
    /// Largest acceptable occupancy.
    pub fn max_occupancy(&self) -> Option<f64> {
        self.max_occupancy
    }

    /// Whether `n` agents meet every target, with their KPIs at [`Self::threshold_s`].
    ///
    /// ```
    /// use rota_staffing::{Patience, QueueInputs, Targets};
    /// let q = QueueInputs::from_calls_per_hour(200.0, 180.0, Patience::exponential(300.0).unwrap()).unwrap();
    /// let t = Targets::builder().max_abandon(0.05).max_wait(60.0, 0.95).build().unwrap();
    /// assert!(!t.is_met(&q, 10).unwrap().0);
    /// assert!(t.is_met(&q, 14).unwrap().0);
    /// ```
    pub fn is_met(
        &self,
        inputs: &QueueInputs,
        n: u32,
    ) -> Result<(bool, QueueMetrics), StaffingError> {
        self.check(inputs, n, erlang_b(n, inputs.offered_load_erl()))
    }

    fn check(
        &self,
        inputs: &QueueInputs,
        n: u32,
        b: f64,
    ) -> Result<(bool, QueueMetrics), StaffingError> {
        let m = evaluate_with_b(inputs, n, b, self.threshold_s)?;
        let mut ok = self.met_at_threshold(&m);
        if ok {
            if let Some(w) = self.max_wait {
                let share = if w.threshold_s == m.threshold_s {
                    m.sl_given_served
                } else {
                    evaluate_with_b(inputs, n, b, w.threshold_s)?.sl_given_served
                };
                ok = share >= w.min_share;
            }
        }
        Ok((ok, m))
    }

    /// Targets checked on KPIs at [`Self::threshold_s`] (all but the longest-wait target).
    fn met_at_threshold(&self, m: &QueueMetrics) -> bool {
        self.max_abandon.is_none_or(|x| m.p_abandon <= x)
            && self.max_asa_s.is_none_or(|x| m.asa_served_s <= x)
            && self
                .service_level
                .is_none_or(|sl| sl.definition.of(m) >= sl.min_share)
            && self.max_occupancy.is_none_or(|x| m.occupancy <= x)
    }
}

/// The answer of [`required_agents`]: the smallest n and its KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Smallest number of agents meeting every target.
    pub n_agents: u32,
    /// KPIs with that many agents (at the targets' threshold).
    pub metrics: QueueMetrics,
}

/// Erlang B values B(k, A) for k = 0, 1, ... computed on demand by the recursion.
struct ErlangBTable {
    a: f64,
    values: Vec<f64>,
}

impl ErlangBTable {
    fn new(a: f64) -> Self {
        ErlangBTable {
            a,
            values: vec![1.0],
        }
    }
    fn get(&mut self, n: u32) -> f64 {
        let n = n as usize;
        while self.values.len() <= n {
            let k = self.values.len() as u32;
            let prev = self.values[self.values.len() - 1];
            self.values.push(erlang_b_step(prev, k, self.a));
        }
        self.values[n]
    }
}

/// The smallest number of agents meeting every target at once, with its KPIs.
///
/// No arrivals need no agents. Erlang C never returns fewer agents than ⌊A⌋ + 1.
///
/// ```
/// use rota_staffing::{required_agents, Patience, QueueInputs, ServiceLevelDefinition, Targets};
/// // pyworkforce's Erlang C example: 100 calls per 30 min, AHT 3 min, 80% in 20 s -> 14 agents.
/// let q = QueueInputs::from_calls_per_hour(200.0, 180.0, Patience::infinite()).unwrap();
/// let t = Targets::builder().service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered).build().unwrap();
/// assert_eq!(required_agents(&q, &t).unwrap().n_agents, 14);
/// ```
#[tracing::instrument(level = "trace", skip_all, fields(load = inputs.offered_load_erl()))]
pub fn required_agents(
    inputs: &QueueInputs,
    targets: &Targets,
) -> Result<Requirement, StaffingError> {
    let a = inputs.offered_load_erl();
    if a == 0.0 {
        let metrics = evaluate_with_b(inputs, 0, erlang_b(0, 0.0), targets.threshold_s)?;
        return Ok(Requirement {
            n_agents: 0,
            metrics,
        });
    }
    let erlang_c = inputs.patience().mean_s().is_none();
    // Lower bound: every n below it fails.
    let mut lower = if erlang_c {
        a.floor() + 1.0
    } else {
        let mut lb = 1.0_f64;
        if let Some(ab) = targets.max_abandon {
            lb = lb.max((a * (1.0 - ab)).ceil());
            if let Some(occ) = targets.max_occupancy {
                lb = lb.max((a * (1.0 - ab) / occ).ceil());
            }
        }
        lb
    };
    if lower > f64::from(MAX_AGENTS) {
        return Err(StaffingError::TooManyAgents {
            limit: MAX_AGENTS,
            offered_load: a,
        });
    }
    lower = lower.max(1.0);
    let mut table = ErlangBTable::new(a);
    let mut check = |n: u32| targets.check(inputs, n, table.get(n));
    // Gallop: `lo` fails (or is below the bound), `hi` is the candidate.
    let mut lo = lower as u32 - 1;
    let mut hi = lower as u32;
    let mut step = 1u32;
    let mut best = loop {
        let (ok, m) = check(hi)?;
        if ok {
            break m;
        }
        lo = hi;
        if hi >= MAX_AGENTS {
            return Err(StaffingError::TooManyAgents {
                limit: MAX_AGENTS,
                offered_load: a,
            });
        }
        hi = hi.saturating_add(step).min(MAX_AGENTS);
        step = step.saturating_mul(2);
    };
    // Bisect (lo, hi]: lo fails, hi meets.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let (ok, m) = check(mid)?;
        if ok {
            hi = mid;
            best = m;
        } else {
            lo = mid;
        }
    }
    Ok(Requirement {
        n_agents: hi,
        metrics: best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Patience;

    fn brute_force(q: &QueueInputs, t: &Targets) -> u32 {
        let start = if q.patience().mean_s().is_none() {
            q.offered_load_erl().floor() as u32 + 1
        } else {
            1
        };
        (start..).find(|&n| t.is_met(q, n).unwrap().0).unwrap()
    }

    #[test]
    fn search_equals_linear_scan() {
        let targets = [
            Targets::builder().max_abandon(0.1).build().unwrap(),
            Targets::builder().max_asa_s(120.0).build().unwrap(),
            Targets::builder()
                .service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered)
                .build()
                .unwrap(),
            Targets::builder()
                .service_level(0.9, 60.0, ServiceLevelDefinition::GivenServed)
                .max_occupancy(0.85)
                .build()
                .unwrap(),
            Targets::builder().max_occupancy(0.7).build().unwrap(),
            Targets::builder()
                .max_abandon(0.1)
                .max_wait(240.0, 0.95)
                .build()
                .unwrap(),
            Targets::builder()
                .max_abandon(0.05)
                .max_asa_s(30.0)
                .service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered)
                .max_occupancy(0.9)
                .build()
                .unwrap(),
        ];
        for calls_per_hour in [3.0, 40.0, 200.0, 900.0] {
            for patience in [
                Patience::infinite(),
                Patience::exponential(60.0).unwrap(),
                Patience::exponential(400.0).unwrap(),
            ] {
                let q = QueueInputs::from_calls_per_hour(calls_per_hour, 510.0, patience).unwrap();
                for t in &targets {
                    let got = required_agents(&q, t).unwrap();
                    assert_eq!(
                        got.n_agents,
                        brute_force(&q, t),
                        "{calls_per_hour}/h {patience:?} {t:?}"
                    );
                    assert!(t.is_met(&q, got.n_agents).unwrap().0);
                }
            }
        }
    }

    #[test]
    fn impossible_targets_are_errors_not_loops() {
        assert!(matches!(
            Targets::builder().max_asa_s(0.0).build(),
            Err(StaffingError::ImpossibleTarget(_))
        ));
        assert!(matches!(
            Targets::builder()
                .service_level(1.0, 0.0, ServiceLevelDefinition::ServedWithinOfOffered)
                .build(),
            Err(StaffingError::ImpossibleTarget(_))
        ));
        assert!(matches!(
            Targets::builder().max_occupancy(0.0).build(),
            Err(StaffingError::ImpossibleTarget(_))
        ));
        assert!(matches!(
            Targets::builder().max_abandon(0.0).build(),
            Err(StaffingError::ImpossibleTarget(_))
        ));
        assert!(Targets::builder().build().is_err());
        assert!(Targets::builder().max_abandon(f64::NAN).build().is_err());
    }

    #[test]
    fn no_arrivals_need_no_agents() {
        let q = QueueInputs::from_calls_per_hour(0.0, 300.0, Patience::exponential(60.0).unwrap())
            .unwrap();
        let t = Targets::builder().max_abandon(0.1).build().unwrap();
        assert_eq!(required_agents(&q, &t).unwrap().n_agents, 0);
    }

    #[test]
    fn abandon_target_can_be_met_below_the_offered_load() {
        // Patient enough that 10% abandons needs fewer agents than Erlangs offered.
        let q =
            QueueInputs::from_calls_per_hour(600.0, 600.0, Patience::exponential(900.0).unwrap())
                .unwrap();
        let t = Targets::builder().max_abandon(0.3).build().unwrap();
        let r = required_agents(&q, &t).unwrap();
        assert!(
            f64::from(r.n_agents) < q.offered_load_erl(),
            "{}",
            r.n_agents
        );
    }
}
