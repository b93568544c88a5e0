//! The Erlang calculator: one stateless request in, one answer out.
//!
//! `rota erlang` and the API's staffing endpoint both call [`erlang_calculator`], so the command
//! line and HTTP give the same numbers. The request either fixes the agents ("what KPIs do 14 agents
//! give?") or sets targets ("how many agents for under 10% abandoned and ASA 2 minutes?").

use serde::{Deserialize, Serialize};

use super::erlang::{evaluate, Patience, QueueInputs, QueueMetrics};
use super::error::StaffingError;
use super::inverse::{required_agents, ServiceLevelDefinition, Targets, DEFAULT_THRESHOLD_S};

/// Which queueing model the calculator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErlangModel {
    /// Erlang C: callers never hang up.
    C,
    /// Erlang A: exponential patience with a given mean.
    A,
}

/// A calculator request. Give `agents` for the KPIs of that staffing, or at least one target
/// (`max_abandon`, `max_asa_s`, `service_level`, `max_occupancy`) for the required agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErlangRequest {
    /// Erlang C or Erlang A.
    pub model: ErlangModel,
    /// Offered contacts per hour.
    pub calls_per_hour: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Mean patience, seconds (Erlang A only).
    #[serde(default)]
    pub patience_s: Option<f64>,
    /// Agents to evaluate.
    #[serde(default)]
    pub agents: Option<u32>,
    /// Largest acceptable abandon rate (share).
    #[serde(default)]
    pub max_abandon: Option<f64>,
    /// Largest acceptable ASA of answered contacts, seconds.
    #[serde(default)]
    pub max_asa_s: Option<f64>,
    /// Service-level target share, e.g. 0.8.
    #[serde(default)]
    pub service_level: Option<f64>,
    /// Service-level threshold, seconds (default 20).
    #[serde(default)]
    pub threshold_s: Option<f64>,
    /// Which service-level definition the target uses (default: answered within t over all offered).
    #[serde(default)]
    pub sl_definition: ServiceLevelDefinition,
    /// Largest acceptable occupancy (share).
    #[serde(default)]
    pub max_occupancy: Option<f64>,
}

/// What the calculator answers; field names follow the reference README
/// (`tests/reference/README.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErlangResponse {
    /// Model used.
    pub model: ErlangModel,
    /// `evaluate` (agents given) or `required` (agents found for the targets).
    pub mode: CalculatorMode,
    /// Agents evaluated or required.
    pub n_agents: u32,
    /// Offered load in Erlangs.
    pub offered_load_erl: f64,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// P(W > 0).
    pub p_wait: f64,
    /// Share of offered contacts that abandon.
    pub p_abandon: f64,
    /// P(W > t) over all offered.
    pub p_wait_gt_t: f64,
    /// Answered within t, over all offered.
    pub sl_served_within_t: f64,
    /// Answered within t, over answered.
    pub sl_given_served: f64,
    /// Mean wait of all offered (abandoners count with their patience).
    pub asa_all_s: f64,
    /// ASA of answered contacts.
    pub asa_served_s: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Agent occupancy.
    pub occupancy: f64,
    /// Whether every target given is met (`None` without targets).
    pub targets_met: Option<bool>,
}

/// The two questions the calculator answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalculatorMode {
    /// KPIs for a given number of agents.
    Evaluate,
    /// Smallest number of agents meeting the targets.
    Required,
}

impl ErlangResponse {
    fn from_metrics(
        model: ErlangModel,
        mode: CalculatorMode,
        m: &QueueMetrics,
        targets_met: Option<bool>,
    ) -> Self {
        ErlangResponse {
            model,
            mode,
            n_agents: m.n_agents,
            offered_load_erl: m.offered_load_erl,
            threshold_s: m.threshold_s,
            p_wait: m.p_wait,
            p_abandon: m.p_abandon,
            p_wait_gt_t: m.p_wait_gt_t,
            sl_served_within_t: m.sl_served_within_t,
            sl_given_served: m.sl_given_served,
            asa_all_s: m.asa_all_s,
            asa_served_s: m.asa_served_s,
            mean_queue: m.mean_queue,
            occupancy: m.occupancy,
            targets_met,
        }
    }
}

/// Run one calculator request.
///
/// ```
/// use rota_staffing::{erlang_calculator, ErlangModel, ErlangRequest, ServiceLevelDefinition};
/// let req = ErlangRequest {
///     model: ErlangModel::A, calls_per_hour: 200.0, aht_s: 180.0, patience_s: Some(300.0),
///     agents: None, max_abandon: Some(0.10), max_asa_s: Some(120.0), service_level: Some(0.8),
///     threshold_s: Some(20.0), sl_definition: ServiceLevelDefinition::default(), max_occupancy: None,
/// };
/// let answer = erlang_calculator(&req).unwrap();
/// assert_eq!(answer.n_agents, 13); // pyworkforce's Erlang A example
/// ```
pub fn erlang_calculator(req: &ErlangRequest) -> Result<ErlangResponse, StaffingError> {
    let patience = match (req.model, req.patience_s) {
        (ErlangModel::C, None) => Patience::infinite(),
        (ErlangModel::C, Some(_)) => {
            return Err(StaffingError::InvalidTarget(
                "a patience only applies to Erlang A; use model a, or leave the patience out for Erlang C".into(),
            ))
        }
        (ErlangModel::A, Some(p)) => {
            if p.is_infinite() {
                return Err(StaffingError::InvalidTarget(
                    "Erlang A needs a finite mean patience; use model c for callers who never hang up".into(),
                ));
            }
            Patience::exponential(p)?
        }
        (ErlangModel::A, None) => {
            return Err(StaffingError::InvalidTarget(
                "Erlang A needs the callers' mean patience in seconds".into(),
            ))
        }
    };
    let inputs = QueueInputs::from_calls_per_hour(req.calls_per_hour, req.aht_s, patience)?;
    let has_targets = req.max_abandon.is_some()
        || req.max_asa_s.is_some()
        || req.service_level.is_some()
        || req.max_occupancy.is_some();
    let targets = if has_targets {
        let mut b = Targets::builder().threshold_s(req.threshold_s.unwrap_or(DEFAULT_THRESHOLD_S));
        if let Some(x) = req.max_abandon {
            b = b.max_abandon(x);
        }
        if let Some(x) = req.max_asa_s {
            b = b.max_asa_s(x);
        }
        if let Some(x) = req.service_level {
            b = b.service_level(
                x,
                req.threshold_s.unwrap_or(DEFAULT_THRESHOLD_S),
                req.sl_definition,
            );
        }
        if let Some(x) = req.max_occupancy {
            b = b.max_occupancy(x);
        }
        Some(b.build()?)
    } else {
        None
    };
    match (req.agents, targets) {
        (Some(n), targets) => {
            let t = req.threshold_s.unwrap_or(DEFAULT_THRESHOLD_S);
            let m = evaluate(&inputs, n, t)?;
            let met = targets.map(|t| t.is_met(&inputs, n)).transpose()?.map(|(ok, _)| ok);
            Ok(ErlangResponse::from_metrics(req.model, CalculatorMode::Evaluate, &m, met))
        }
        (None, Some(targets)) => {
            let r = required_agents(&inputs, &targets)?;
            Ok(ErlangResponse::from_metrics(req.model, CalculatorMode::Required, &r.metrics, Some(true)))
        }
        (None, None) => Err(StaffingError::InvalidTarget(
            "give either the number of agents to evaluate, or at least one target (max abandon, max ASA, service level, max occupancy)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(model: ErlangModel) -> ErlangRequest {
        ErlangRequest {
            model,
            calls_per_hour: 200.0,
            aht_s: 180.0,
            patience_s: None,
            agents: None,
            max_abandon: None,
            max_asa_s: None,
            service_level: None,
            threshold_s: None,
            sl_definition: ServiceLevelDefinition::default(),
            max_occupancy: None,
        }
    }

    #[test]
    fn evaluate_matches_reference_m2() {
        let r = erlang_calculator(&ErlangRequest {
            agents: Some(14),
            ..req(ErlangModel::C)
        })
        .unwrap();
        assert!((r.sl_served_within_t - 0.888350019179467).abs() < 1e-12);
        assert_eq!(r.mode, CalculatorMode::Evaluate);
        assert_eq!(r.targets_met, None);
    }

    #[test]
    fn inconsistent_requests_are_errors() {
        assert!(erlang_calculator(&req(ErlangModel::C)).is_err());
        assert!(erlang_calculator(&ErlangRequest {
            agents: Some(5),
            ..req(ErlangModel::A)
        })
        .is_err());
        assert!(erlang_calculator(&ErlangRequest {
            agents: Some(20),
            patience_s: Some(60.0),
            ..req(ErlangModel::C)
        })
        .is_err());
        let asa0 = ErlangRequest {
            max_asa_s: Some(0.0),
            ..req(ErlangModel::C)
        };
        assert!(matches!(
            erlang_calculator(&asa0),
            Err(StaffingError::ImpossibleTarget(_))
        ));
    }

    #[test]
    fn request_round_trips_through_json() {
        let json =
            r#"{"model":"a","calls_per_hour":200,"aht_s":180,"patience_s":300,"max_abandon":0.1}"#;
        let r: ErlangRequest = serde_json::from_str(json).unwrap();
        let answer = erlang_calculator(&r).unwrap();
        assert!(answer.p_abandon <= 0.1);
        let out = serde_json::to_value(&answer).unwrap();
        for key in [
            "n_agents",
            "p_wait",
            "p_abandon",
            "sl_served_within_t",
            "sl_given_served",
            "asa_all_s",
            "asa_served_s",
            "occupancy",
        ] {
            assert!(out.get(key).is_some(), "{key}");
        }
    }
}
