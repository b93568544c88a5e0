//! Erlang C (M/M/n) and Erlang A (M/M/n+M) in steady state: exact, and stable to 10,000 agents.
//!
//! # Models
//! * **Erlang C** (Erlang 1917): Poisson arrivals at rate λ, exponential handle times with mean AHT
//!   (μ = 1/AHT), `n` agents, one FCFS queue, callers never hang up. Offered load A = λ·AHT.
//!   Erlang B by the recursion B(0) = 1, B(k) = A·B(k−1)/(k + A·B(k−1)) (stable for any n, no
//!   factorials); C = n·B/(n − A(1 − B)); P(W > t) = C·e^{−(nμ−λ)t}; ASA = C/(nμ − λ). Needs n > A.
//! * **Erlang A** (Palm 1943; Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007): as
//!   Erlang C plus exponential patience with mean 1/θ. The number in system is a birth–death chain
//!   with death rate min(k, n)·μ + max(k − n, 0)·θ; it is stable for every n ≥ 1, also n < A.
//!
//! # How Erlang A is computed
//! With x = nμ/θ and y = λ/θ the stationary probabilities above n are
//! π_{n+j} = π_n·t_j, t_j = ∏_{i=1..j} y/(x+i), and Σ_{k<n} π_k = π_n·(1/B − 1) with B the Erlang B
//! value. One pass over the series t_j (rescaled whenever it grows past 1e200, so nothing overflows)
//! gives, by PASTA and the tagged-customer pure-death chain (an arrival with j waiting ahead moves on
//! at rate nμ + iθ and abandons at rate θ, so it is served with probability x/(x+j+1)):
//! * S0 = Σ t_j = A(x, y) of Mandelbaum & Zeltyn, P(W > 0) = S0/(1/B − 1 + S0);
//! * S1 = Σ j·t_j, P(Ab) = θ·E[Q]/λ = S1/(y·(1/B − 1 + S0)) (no cancellation, unlike the closed form);
//! * E[W·1{served}] = Σ π_{n+j}·x/(x+j+1)·Σ_{i=0..j} 1/(θ(x+i+1));
//! * E[V] = Σ π_{n+j}·Σ_{i=0..j} 1/(θ(x+i)) (the offered wait of an infinitely patient caller).
//!
//! The time-t quantities use the incomplete-gamma ratio of Mandelbaum & Zeltyn written through the
//! same series at the smaller argument z = y·e^{−θt}:
//! γ(x, z)/γ(x, y) = exp(−nμt + y(1 − e^{−θt}))·A(x, z)/A(x, y), so
//! * P(V > t) = P(W > 0)·γ(x, z)/γ(x, y), P(W > t) = e^{−θt}·P(V > t);
//! * P(served, 0 < W ≤ t) = P(W > 0)·(x/y)·[T(y)/A(x, y) − γ(x, z)/γ(x, y)·T(z)/A(x, z)] with
//!   T = A − 1 summed from j = 1 (again without cancellation).
//!
//! Every case of `tests/reference/queueing_reference.csv` (two independent 50-digit routes) is met to
//! better than 1e-9 relative.

use serde::{Deserialize, Serialize};

use super::error::StaffingError;

/// How long callers are willing to wait before hanging up.
///
/// `Patience::infinite()` gives Erlang C; `Patience::exponential(mean_s)` gives Erlang A with
/// exponentially distributed patience of that mean (the standard assumption, Palm 1943).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Option<f64>", into = "Option<f64>")]
pub struct Patience(Option<f64>);

impl Patience {
    /// Callers never abandon: Erlang C.
    pub fn infinite() -> Self {
        Patience(None)
    }

    /// Exponential patience with the given mean in seconds: Erlang A.
    ///
    /// ```
    /// use rota_staffing::Patience;
    /// assert!(Patience::exponential(180.0).is_ok());
    /// assert!(Patience::exponential(0.0).is_err());
    /// ```
    pub fn exponential(mean_s: f64) -> Result<Self, StaffingError> {
        if mean_s.is_nan() {
            return Err(StaffingError::NotFinite {
                what: "mean patience (seconds)",
                value: mean_s,
            });
        }
        if mean_s <= 0.0 {
            return Err(StaffingError::NonPositivePatience(mean_s));
        }
        if mean_s.is_infinite() {
            return Ok(Self::infinite());
        }
        Ok(Patience(Some(mean_s)))
    }

    /// Mean patience in seconds, `None` for callers who never hang up.
    pub fn mean_s(&self) -> Option<f64> {
        self.0
    }
}

impl TryFrom<Option<f64>> for Patience {
    type Error = StaffingError;
    fn try_from(value: Option<f64>) -> Result<Self, Self::Error> {
        match value {
            None => Ok(Self::infinite()),
            Some(mean) => Self::exponential(mean),
        }
    }
}

impl From<Patience> for Option<f64> {
    fn from(p: Patience) -> Self {
        p.0
    }
}

/// The demand on one queue: arrival rate, AHT and patience, validated on construction.
///
/// Once you hold a `QueueInputs`, the arrival rate is finite and not negative, the AHT is finite and
/// positive and the patience is positive (or infinite), so the models never re-check them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QueueInputs {
    arrival_rate_per_s: f64,
    aht_s: f64,
    patience: Patience,
}

impl QueueInputs {
    /// Inputs from an arrival rate per second.
    pub fn new(
        arrival_rate_per_s: f64,
        aht_s: f64,
        patience: Patience,
    ) -> Result<Self, StaffingError> {
        if !arrival_rate_per_s.is_finite() {
            return Err(StaffingError::NotFinite {
                what: "arrival rate",
                value: arrival_rate_per_s,
            });
        }
        if arrival_rate_per_s < 0.0 {
            return Err(StaffingError::NegativeVolume(arrival_rate_per_s));
        }
        if !aht_s.is_finite() {
            return Err(StaffingError::NotFinite {
                what: "AHT (seconds)",
                value: aht_s,
            });
        }
        if aht_s <= 0.0 {
            return Err(StaffingError::NonPositiveAht(aht_s));
        }
        Ok(QueueInputs {
            arrival_rate_per_s,
            aht_s,
            patience,
        })
    }

    /// Inputs from calls (contacts) per hour, the unit of the Erlang calculator.
    ///
    /// ```
    /// use rota_staffing::{Patience, QueueInputs};
    /// let q = QueueInputs::from_calls_per_hour(200.0, 180.0, Patience::infinite()).unwrap();
    /// assert!((q.offered_load_erl() - 10.0).abs() < 1e-12);
    /// assert!(QueueInputs::from_calls_per_hour(-1.0, 180.0, Patience::infinite()).is_err());
    /// ```
    pub fn from_calls_per_hour(
        calls_per_hour: f64,
        aht_s: f64,
        patience: Patience,
    ) -> Result<Self, StaffingError> {
        if !calls_per_hour.is_finite() {
            return Err(StaffingError::NotFinite {
                what: "calls per hour",
                value: calls_per_hour,
            });
        }
        if calls_per_hour < 0.0 {
            return Err(StaffingError::NegativeVolume(calls_per_hour));
        }
        Self::new(calls_per_hour / 3600.0, aht_s, patience)
    }

    /// Inputs from the contacts offered in one interval of `interval_s` seconds.
    pub fn from_interval(
        offered: f64,
        interval_s: f64,
        aht_s: f64,
        patience: Patience,
    ) -> Result<Self, StaffingError> {
        if !offered.is_finite() {
            return Err(StaffingError::NotFinite {
                what: "offered volume",
                value: offered,
            });
        }
        if offered < 0.0 {
            return Err(StaffingError::NegativeVolume(offered));
        }
        if !(interval_s.is_finite() && interval_s > 0.0) {
            return Err(StaffingError::InvalidChannel(format!(
                "interval length must be a positive number of seconds, got {interval_s}"
            )));
        }
        Self::new(offered / interval_s, aht_s, patience)
    }

    /// Arrival rate λ per second.
    pub fn arrival_rate_per_s(&self) -> f64 {
        self.arrival_rate_per_s
    }

    /// Average handle time in seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }

    /// Patience of the callers.
    pub fn patience(&self) -> Patience {
        self.patience
    }

    /// Offered load A = λ·AHT in Erlangs.
    pub fn offered_load_erl(&self) -> f64 {
        self.arrival_rate_per_s * self.aht_s
    }

    /// The same queue with a different AHT (used for chat, where the handle time depends on the
    /// concurrency).
    pub fn with_aht(&self, aht_s: f64) -> Result<Self, StaffingError> {
        Self::new(self.arrival_rate_per_s, aht_s, self.patience)
    }
}

/// Steady-state KPIs of one queue with `n_agents` agents, named as in the reference README.
///
/// Times are in seconds; probabilities are shares of all offered contacts unless the name says
/// otherwise. Service level comes in both definitions a planner meets:
/// `sl_served_within_t` = P(answered within t) over **all offered** (abandoned contacts count as
/// failures; pyworkforce's "service_level") and `sl_given_served` = P(W ≤ t | answered).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QueueMetrics {
    /// Agents (servers) in the queue.
    pub n_agents: u32,
    /// Offered load A = λ·AHT, Erlangs.
    pub offered_load_erl: f64,
    /// Service-level threshold t (seconds) the time-t metrics refer to.
    pub threshold_s: f64,
    /// Erlang B blocking probability B(n, A).
    pub erlang_b: f64,
    /// P(W > 0): an arrival finds every agent busy.
    pub p_wait: f64,
    /// Share of offered contacts that abandon (0 for Erlang C).
    pub p_abandon: f64,
    /// P(W > t) over all arrivals (abandoners after t count).
    pub p_wait_gt_t: f64,
    /// P(V > t): the offered (virtual) wait exceeds t.
    pub p_offered_wait_gt_t: f64,
    /// P(answered and W ≤ t) over all offered contacts.
    pub sl_served_within_t: f64,
    /// P(W ≤ t | answered).
    pub sl_given_served: f64,
    /// P(answered, W ≤ t) / (1 − P(abandoned, W ≤ t)): short abandons removed from the denominator.
    pub sl_excl_short_abandons: f64,
    /// Mean wait over all arrivals, abandoners included (their wait is their patience).
    pub asa_all_s: f64,
    /// ASA of answered contacts, E[W | answered].
    pub asa_served_s: f64,
    /// E[W | W > 0].
    pub asa_waiters_s: f64,
    /// E[V], the wait of an infinitely patient caller ("virtual ASA").
    pub mean_offered_wait_s: f64,
    /// Time-average number waiting, E[Q] = λ·E[W].
    pub mean_queue: f64,
    /// Share of agents' time spent handling: λ(1 − P(Ab))·AHT/n.
    pub occupancy: f64,
}

/// Erlang B blocking probability B(n, A) by the stable recursion (never factorials).
///
/// ```
/// use rota_staffing::erlang_b;
/// assert!((erlang_b(2, 1.5) - 0.310344827586207).abs() < 1e-14);
/// ```
pub fn erlang_b(n: u32, offered_load: f64) -> f64 {
    let mut b = 1.0_f64;
    for k in 1..=n {
        b = erlang_b_step(b, k, offered_load);
        if b == 0.0 {
            break;
        }
    }
    b
}

/// One step of the Erlang B recursion, B(k) from B(k−1); values below 1e-300 are flushed to 0 (the
/// metrics they feed are then 0 to within 1e-300, and subnormal arithmetic is avoided).
#[inline]
pub(crate) fn erlang_b_step(prev: f64, k: u32, a: f64) -> f64 {
    let ab = a * prev;
    let b = ab / (f64::from(k) + ab);
    if b < 1e-300 {
        0.0
    } else {
        b
    }
}

/// Steady-state KPIs of the queue with `n_agents` agents and service-level threshold `threshold_s`.
///
/// Erlang C (infinite patience) needs `n_agents` above the offered load; Erlang A works for any
/// `n_agents` ≥ 1. With no arrivals every metric is 0.
///
/// ```
/// use rota_staffing::{evaluate, Patience, QueueInputs};
/// // pyworkforce's Erlang A example: 100 calls per 30 min, AHT 3 min, patience 5 min, 13 agents.
/// let q = QueueInputs::from_calls_per_hour(200.0, 180.0, Patience::exponential(300.0).unwrap()).unwrap();
/// let m = evaluate(&q, 13, 20.0).unwrap();
/// assert!((m.sl_served_within_t - 0.858177700030763).abs() < 1e-12);
/// assert!((m.p_abandon - 0.0249633036335719).abs() < 1e-12);
/// ```
pub fn evaluate(
    inputs: &QueueInputs,
    n_agents: u32,
    threshold_s: f64,
) -> Result<QueueMetrics, StaffingError> {
    let threshold_s = validate_threshold(threshold_s)?;
    let b = erlang_b(n_agents, inputs.offered_load_erl());
    evaluate_with_b(inputs, n_agents, b, threshold_s)
}

pub(crate) fn validate_threshold(threshold_s: f64) -> Result<f64, StaffingError> {
    if !threshold_s.is_finite() {
        return Err(StaffingError::NotFinite {
            what: "service-level threshold (seconds)",
            value: threshold_s,
        });
    }
    if threshold_s < 0.0 {
        return Err(StaffingError::NegativeThreshold(threshold_s));
    }
    Ok(threshold_s)
}

/// [`evaluate`] with the Erlang B value already known (the inverse search keeps the recursion).
pub(crate) fn evaluate_with_b(
    inputs: &QueueInputs,
    n: u32,
    b: f64,
    t: f64,
) -> Result<QueueMetrics, StaffingError> {
    let lambda = inputs.arrival_rate_per_s;
    let aht = inputs.aht_s;
    let a = lambda * aht;
    if lambda == 0.0 {
        return Ok(QueueMetrics {
            n_agents: n,
            offered_load_erl: 0.0,
            threshold_s: t,
            erlang_b: b,
            p_wait: 0.0,
            p_abandon: 0.0,
            p_wait_gt_t: 0.0,
            p_offered_wait_gt_t: 0.0,
            sl_served_within_t: 1.0,
            sl_given_served: 1.0,
            sl_excl_short_abandons: 1.0,
            asa_all_s: 0.0,
            asa_served_s: 0.0,
            asa_waiters_s: 0.0,
            mean_offered_wait_s: 0.0,
            mean_queue: 0.0,
            occupancy: 0.0,
        });
    }
    match inputs.patience.mean_s() {
        None => erlang_c(n, lambda, aht, b, t),
        Some(patience) => {
            if n == 0 {
                return Err(StaffingError::InvalidTarget(
                    "a queue needs at least 1 agent to be evaluated (with 0 agents every contact abandons)"
                        .into(),
                ));
            }
            erlang_a(n, lambda, aht, patience, b, t)
        }
    }
    .map(|mut m| {
        m.offered_load_erl = a;
        m
    })
}

fn erlang_c(n: u32, lambda: f64, aht: f64, b: f64, t: f64) -> Result<QueueMetrics, StaffingError> {
    let a = lambda * aht;
    let nf = f64::from(n);
    if nf <= a {
        return Err(StaffingError::Unstable {
            agents: n,
            offered_load: a,
        });
    }
    let c = nf * b / (nf - a * (1.0 - b));
    // Drain rate nμ − λ of the queue.
    let gap = (nf - a) / aht;
    let p_gt_t = c * (-gap * t).exp();
    let asa = c / gap;
    Ok(QueueMetrics {
        n_agents: n,
        offered_load_erl: a,
        threshold_s: t,
        erlang_b: b,
        p_wait: c,
        p_abandon: 0.0,
        p_wait_gt_t: p_gt_t,
        p_offered_wait_gt_t: p_gt_t,
        sl_served_within_t: 1.0 - p_gt_t,
        sl_given_served: 1.0 - p_gt_t,
        sl_excl_short_abandons: 1.0 - p_gt_t,
        asa_all_s: asa,
        asa_served_s: asa,
        asa_waiters_s: 1.0 / gap,
        mean_offered_wait_s: asa,
        mean_queue: lambda * asa,
        occupancy: a / nf,
    })
}

/// The most terms the Erlang A series may take.
///
/// The series takes a term per caller in the queue up to its peak, near (λ − nμ)·patience when
/// the agents are overloaded, and about the square root of λ·patience more around it; this caps
/// its cost (a fraction of a second) whatever the magnitude of the inputs. A centre's figures
/// need thousands of terms at most; a patience of 3·10^15 s on an overloaded queue needed 10^14.
pub const MAX_SERIES_TERMS: u32 = 10_000_000;

/// Rescaling threshold for the series: terms above it are multiplied by `SCALE_DOWN`.
const SCALE_UP: f64 = 1e200;
const SCALE_DOWN: f64 = 1e-200;
/// ln(1e200).
const LN_SCALE: f64 = 460.517_018_598_809_1;
/// Relative truncation error accepted for the series tails.
const TAIL_EPS: f64 = 1e-17;

/// Sums of the series t_j = ∏_{i=1..j} y/(x+i), all divided by e^{log_scale}.
#[derive(Debug, Clone, Copy)]
struct Series {
    /// Σ_{j≥0} t_j = A(x, y).
    s0: f64,
    /// Σ_{j≥1} t_j = A(x, y) − 1.
    tail: f64,
    /// Σ j·t_j.
    s1: f64,
    /// Σ t_j·x/(x+j+1)·Σ_{i=0..j} 1/(x+i+1)  (θ·E[W·1{served}] before normalisation).
    served_wait: f64,
    /// Σ t_j·Σ_{i=0..j} 1/(x+i)  (θ·E[V] before normalisation).
    offered_wait: f64,
    /// Natural log of the common scale factor.
    log_scale: f64,
}

/// Sum the Erlang A series at (x, y); `full` also accumulates the wait sums. `None` when it would
/// take more than [`MAX_SERIES_TERMS`] terms.
fn series(x: f64, y: f64, full: bool) -> Option<Series> {
    let mut s = Series {
        s0: 1.0,
        tail: 0.0,
        s1: 0.0,
        served_wait: 0.0,
        offered_wait: 0.0,
        log_scale: 0.0,
    };
    // j = 0 terms.
    let mut h_served = 1.0 / (x + 1.0); // Σ_{i=0..j} 1/(x+i+1)
    let mut h_offered = 1.0 / x; // Σ_{i=0..j} 1/(x+i)
    if full {
        s.served_wait = x / (x + 1.0) * h_served;
        s.offered_wait = h_offered;
    }
    let mut term = 1.0_f64;
    let mut j = 0.0_f64;
    loop {
        j += 1.0;
        if j > f64::from(MAX_SERIES_TERMS) {
            return None;
        }
        let xj = x + j;
        term *= y / xj;
        s.tail += term;
        s.s0 += term;
        s.s1 += j * term;
        if full {
            h_served += 1.0 / (xj + 1.0);
            h_offered += 1.0 / xj;
            s.served_wait += term * (x / (xj + 1.0)) * h_served;
            s.offered_wait += term * h_offered;
        }
        if term > SCALE_UP {
            term *= SCALE_DOWN;
            s.s0 *= SCALE_DOWN;
            s.tail *= SCALE_DOWN;
            s.s1 *= SCALE_DOWN;
            s.served_wait *= SCALE_DOWN;
            s.offered_wait *= SCALE_DOWN;
            s.log_scale += LN_SCALE;
            continue;
        }
        // The tail is dominated by a geometric series once the ratio drops below 1.
        let r = y / (xj + 1.0);
        if r < 1.0 {
            let g = r / (1.0 - r);
            let tail0 = term * g; // bound on Σ_{k≥1} t_{j+k}
            let tail1 = term * (j * g + g / (1.0 - r) + g); // bound on Σ (j+k+1) t_{j+k}
            let done = tail0 <= TAIL_EPS * s.s0
                && tail0 <= TAIL_EPS * s.tail
                && tail1 <= TAIL_EPS * s.s1
                && (!full
                    || (tail1 / x <= TAIL_EPS * s.served_wait
                        && tail1 / x <= TAIL_EPS * s.offered_wait));
            if done || term == 0.0 {
                break;
            }
        }
    }
    Some(s)
}

fn erlang_a(
    n: u32,
    lambda: f64,
    aht: f64,
    patience: f64,
    b: f64,
    t: f64,
) -> Result<QueueMetrics, StaffingError> {
    let nf = f64::from(n);
    let a = lambda * aht;
    let theta = 1.0 / patience;
    let x = nf * patience / aht;
    let y = lambda * patience;
    let too_long = || StaffingError::TooPatient {
        arrivals: y,
        patience_s: patience,
    };
    let sy = series(x, y, true).ok_or_else(too_long)?;
    // Σ_{k<n} π_k / π_n = 1/B − 1, on the scale of the series.
    let below = if b > 0.0 {
        (1.0 - b) / b * (-sy.log_scale).exp()
    } else {
        f64::INFINITY
    };
    let denom = below + sy.s0;
    let p_wait = sy.s0 / denom;
    let p_abandon = sy.s1 / (y * denom);
    let e_w_served = sy.served_wait / (theta * denom);
    let e_v = sy.offered_wait / (theta * denom);
    let p_served = 1.0 - p_abandon;

    // Time-t quantities through the incomplete-gamma ratio at z = y e^{-θt}.
    let theta_t = theta * t;
    let (p_v_gt_t, served_wait_within) = if t == 0.0 {
        (p_wait, 0.0)
    } else {
        let z = y * (-theta_t).exp();
        let sz = series(x, z, false).ok_or_else(too_long)?;
        let log_ratio = -x * theta_t - y * (-theta_t).exp_m1() + sz.log_scale - sy.log_scale
            + (sz.s0 / sy.s0).ln();
        let ratio = log_ratio.exp();
        let within = p_wait * (x / y) * (sy.tail / sy.s0 - ratio * sz.tail / sz.s0);
        (p_wait * ratio, within.max(0.0))
    };
    let p_w_gt_t = (-theta_t).exp() * p_v_gt_t;
    let sl = (1.0 - p_wait) + served_wait_within;
    let asa_all = p_abandon / theta;
    Ok(QueueMetrics {
        n_agents: n,
        offered_load_erl: a,
        threshold_s: t,
        erlang_b: b,
        p_wait,
        p_abandon,
        p_wait_gt_t: p_w_gt_t,
        p_offered_wait_gt_t: p_v_gt_t,
        sl_served_within_t: sl,
        sl_given_served: sl / p_served,
        sl_excl_short_abandons: sl / (p_w_gt_t + sl),
        asa_all_s: asa_all,
        asa_served_s: e_w_served / p_served,
        asa_waiters_s: if p_wait > 0.0 { asa_all / p_wait } else { 0.0 },
        mean_offered_wait_s: e_v,
        mean_queue: lambda * asa_all,
        // Little's law: busy agents = A (1 - P(Ab)). In a heavily overloaded queue P(Ab) is close
        // to 1 and the subtraction leaves ~1e-12 of rounding, which must not push occupancy past
        // the physical limit of every agent busy.
        occupancy: (a * p_served / nf).min(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300) || (a - b).abs() < 1e-13
    }

    #[test]
    fn patience_so_long_the_series_would_never_end_is_an_error_at_once() {
        // Found by the json_bodies fuzz target: `POST /v1/staffing/erlang` with Erlang A, 600
        // calls an hour of 180 s, a patience of 3e15 s and targets ran past AFL++'s 2 s limit
        // (the series stepped towards its peak near (λ − nμ)·patience, some 10^14 terms away).
        let started = std::time::Instant::now();
        let patience = Patience::exponential(3e15).unwrap();
        let q = QueueInputs::from_calls_per_hour(600.0, 180.0, patience).unwrap();
        let e = evaluate(&q, 20, 0.0).unwrap_err();
        assert!(matches!(e, StaffingError::TooPatient { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("mean patience of 3.000e15 s"), "{text}");
        assert!(text.contains("5.000e14 contacts"), "{text}");
        // An underloaded queue with the same patience is Erlang C, and still answers.
        let m = evaluate(&q, 40, 20.0).unwrap();
        assert!(m.p_abandon < 1e-9 && m.p_wait > 0.0 && m.p_wait < 1.0);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn mm1_erlang_c_is_textbook() {
        let q = QueueInputs::new(1.0 / 60.0, 30.0, Patience::infinite()).unwrap();
        let m = evaluate(&q, 1, 20.0).unwrap();
        assert!(close(m.p_wait, 0.5, 1e-14));
        assert!(close(m.asa_all_s, 30.0, 1e-14));
    }

    #[test]
    fn theta_equal_mu_is_poisson_tail() {
        // M4 of the reference: P(W>0) = P(Poisson(20) >= 20).
        let q =
            QueueInputs::new(20.0 / 300.0, 300.0, Patience::exponential(300.0).unwrap()).unwrap();
        let m = evaluate(&q, 20, 20.0).unwrap();
        assert!(close(m.p_wait, 0.529742733160761, 1e-12), "{}", m.p_wait);
    }

    #[test]
    fn erlang_c_needs_more_agents_than_load() {
        let q = QueueInputs::new(0.1, 100.0, Patience::infinite()).unwrap();
        assert!(matches!(
            evaluate(&q, 10, 20.0),
            Err(StaffingError::Unstable { .. })
        ));
        assert!(evaluate(&q, 11, 20.0).is_ok());
    }

    #[test]
    fn erlang_a_served_probability_is_consistent() {
        // P(served) = P(W=0) + Σ π_{n+j} x/(x+j+1): check via 1 - P(Ab) against the wait sums.
        let q = QueueInputs::new(0.3, 200.0, Patience::exponential(90.0).unwrap()).unwrap();
        for n in [10, 40, 60, 80] {
            let m = evaluate(&q, n, 15.0).unwrap();
            assert!(m.p_abandon > 0.0 && m.p_abandon < 1.0);
            assert!(m.sl_served_within_t <= 1.0 - m.p_abandon + 1e-15);
            assert!(m.asa_served_s <= m.asa_all_s / (1.0 - m.p_abandon) + 1e-9);
        }
    }

    #[test]
    fn long_threshold_service_level_equals_share_answered() {
        // Two independent sums: SL(t -> inf) uses T = A - 1, P(Ab) uses S1 = Σ j t_j.
        for (lambda, aht, patience, n) in [
            (0.05, 180.0, 60.0, 8),
            (2.0, 300.0, 900.0, 550),
            (0.2, 60.0, 5.0, 3),
        ] {
            let q =
                QueueInputs::new(lambda, aht, Patience::exponential(patience).unwrap()).unwrap();
            let m = evaluate(&q, n, patience * 200.0).unwrap();
            assert!(
                close(m.sl_served_within_t, 1.0 - m.p_abandon, 1e-12),
                "{m:?}"
            );
            assert!(m.p_wait_gt_t < 1e-30);
            // A tiny threshold: SL is P(no wait) plus a sliver, never below it.
            let m0 = evaluate(&q, n, 1e-6).unwrap();
            assert!(m0.sl_served_within_t >= 1.0 - m0.p_wait - 1e-15);
            assert!(m0.sl_served_within_t - (1.0 - m0.p_wait) < 1e-6);
        }
    }

    #[test]
    fn bad_inputs_are_rejected_in_words() {
        let err = QueueInputs::new(1.0, 0.0, Patience::infinite()).unwrap_err();
        assert!(err.to_string().contains("AHT must be greater than 0"));
        assert!(QueueInputs::new(f64::NAN, 10.0, Patience::infinite()).is_err());
        assert!(QueueInputs::new(-1.0, 10.0, Patience::infinite()).is_err());
        assert!(Patience::exponential(-3.0).is_err());
        assert!(Patience::exponential(f64::NAN).is_err());
        let q = QueueInputs::new(1.0, 10.0, Patience::infinite()).unwrap();
        assert!(evaluate(&q, 20, -1.0).is_err());
        assert!(evaluate(&q, 20, f64::NAN).is_err());
    }

    #[test]
    fn huge_overload_does_not_overflow() {
        // 100 agents, 1000 Erlangs, patience 1 hour: the series peaks near e^8000.
        let q = QueueInputs::new(
            1000.0 / 300.0,
            300.0,
            Patience::exponential(3600.0).unwrap(),
        )
        .unwrap();
        let m = evaluate(&q, 100, 20.0).unwrap();
        assert!(m.p_wait.is_finite() && m.p_wait > 0.99);
        assert!(close(m.p_abandon, 0.9, 1e-3), "{}", m.p_abandon);
        assert!(m.occupancy <= 1.0 && m.occupancy > 0.99);
    }
}
