//! Queueing models that turn demand into required agents, per channel and interval.
//!
//! * [`erlang`]: Erlang C (M/M/n) and Erlang A (M/M/n+M) KPIs for `n` agents, exact and stable to
//!   10,000 agents.
//! * [`inverse`]: the smallest number of agents that meets every target at once (abandon rate, ASA,
//!   service level, longest wait, occupancy).
//! * [`channel`]: inbound and walk-in queues, chat with concurrency, deferred email/social work as a
//!   fluid backlog, shrinkage.
//! * [`plan`]: requirements and KPI predictions for every channel and interval of a horizon, and the
//!   CSV formats of `rota staff`.
//! * [`centre`]: builds the channel models from the centre configuration and a forecast.
//! * [`calculator`]: the stateless Erlang calculator behind `rota erlang` and the API.
//! * [`service_curve`]: abandoned contacts, wait of answered contacts and contacts answered in time
//!   as functions of the agents rostered on a live channel in one interval, with shrinkage, and
//!   their convex envelopes for a linear programme.
//!
//! Models, formulas, conventions and sources: `docs/STAFFING.md`.
//!
//! ```
//! use rota_staffing::{required_agents, Patience, QueueInputs, Targets};
//! // A housing repairs line: 120 calls an hour, AHT 8.5 min, callers give up after ~3 min.
//! let q = QueueInputs::from_calls_per_hour(120.0, 510.0, Patience::exponential(180.0).unwrap()).unwrap();
//! let targets = Targets::builder().max_abandon(0.10).max_asa_s(120.0).build().unwrap();
//! let req = required_agents(&q, &targets).unwrap();
//! assert!(req.metrics.p_abandon <= 0.10 && req.metrics.asa_served_s <= 120.0);
//! ```

pub mod calculator;
pub mod centre;
pub mod channel;
pub mod erlang;
pub mod error;
pub mod inverse;
pub mod plan;
pub mod service_curve;

pub use calculator::{
    erlang_calculator, CalculatorMode, ErlangModel, ErlangRequest, ErlangResponse,
};
pub use centre::{channel_demands, channel_model, forecast_points, ForecastPoint};
pub use channel::{
    deferred_kpis, deferred_requirement, queue_kpis, queue_requirement, scheduled_heads,
    ChannelModel, ChatConcurrency, DeferredInterval, DeferredOutcome, IntervalKpis, ResponseWindow,
};
pub use erlang::{erlang_b, evaluate, Patience, QueueInputs, QueueMetrics};
pub use error::StaffingError;
pub use inverse::{
    required_agents, Requirement, ServiceLevelDefinition, ServiceLevelTarget, Targets,
    TargetsBuilder, DEFAULT_THRESHOLD_S, MAX_AGENTS,
};
pub use plan::{
    evaluate_staffing, plan_requirements, read_agents_csv, summarise, write_staffing_csv,
    ChannelDemand, DemandInterval, KpiTotals, PlanError, Staffing, StaffingRow, StaffingSummary,
};
pub use service_curve::{
    CurveSpec, Envelope, Gap, Segment, ServiceCurve, Shape, DEFAULT_TOLERANCE, MAX_CURVE_AGENTS,
};
