//! Service curves: what one more agent buys on a live channel in one interval, in contacts and
//! seconds, as piecewise-linear functions a linear programme can use without binaries.
//!
//! For one live channel (phone, walk-in, chat) and one interval with `offered` contacts, a
//! [`ServiceCurve`] gives, for every whole number n = 0..=n_max of agents **rostered** on the
//! channel:
//! * A(n), the expected abandoned contacts;
//! * W(n), the expected total wait of answered contacts, seconds (offered · (1 − P(Ab)) · ASA);
//! * S(n), the expected contacts answered within the service-level threshold (over all offered:
//!   abandoned contacts count as failures, [`super::ServiceLevelDefinition::ServedWithinOfOffered`]).
//!
//! With these, the targets of issue #14 are linear over a period of intervals i:
//! Σ A_i ≤ a · Σ offered_i; Σ W_i ≤ ASA · Σ (offered_i − A_i), i.e. Σ (W_i + ASA · A_i) ≤ ASA ·
//! Σ offered_i; Σ S_i ≥ SL · Σ offered_i.
//!
//! # Queue model
//! With m agents available the figures are the exact steady-state Erlang A values of
//! [`super::evaluate`] (never re-derived here): m servers, or m·c chat slots with the per-chat
//! handle time AHT·f(c) for chat at concurrency c (the pool of [`ChannelModel::Chat`]). With no
//! agent available every contact abandons: A = offered, W = 0, S = 0. Erlang C (infinite patience)
//! has no steady state at or below the load, so it has no finite curve and is refused.
//!
//! # Shrinkage, as the simulation applies it
//! The simulation (`simulation::engine`, `draw_shrinkage`) does not scale agents down; it takes
//! whole agents off whole intervals. Per agent and shift it draws an unplanned absence for the
//! whole shift with probability `absence` (the `sickness`/absence activities of the shrinkage),
//! and otherwise takes `(total − absence) / (1 − absence)` of the shift's work intervals
//! off-phone, chosen uniformly (the count rounded at random so the share is exact). So in any one
//! interval each rostered agent is available with probability exactly `1 − total`, independently
//! of the other agents (each agent's draws are separate). With n rostered, the available count is
//! Binomial(n, 1 − total), and the curve is the expectation over it:
//! A(n) = Σ_m C(n, m) (1 − s)^m s^(n − m) · A_avail(m), and likewise W and S. Binomial thinning
//! keeps convexity (the forward difference of the mixture is (1 − s) times the mixture of the
//! forward differences), so it adds no non-convexity of its own. It costs more than the planning
//! gross-up n · (1 − s) suggests (Jensen: a convex A is higher at a spread-out agent count).
//! What this does not capture: the simulation takes the shrinkage of the channel the agent's shift
//! mostly works (a multi-skilled agent lent to chat keeps voice's rate), off-phone time waits for
//! a contact in hand to finish, and every interval is treated in steady state.
//!
//! # Where the curve stops
//! n_max is the first n where every figure is within `tolerance` (default 0.1%) of its limit:
//! A(n) ≤ tol · offered, offered − S(n) ≤ tol · offered and W(n) ≤ tol · offered · AHT. Beyond it
//! the curve is taken as flat; what that ignores is at most those amounts.
//!
//! # Convex envelopes
//! A programme minimising contacts lost can use a function of the agents without binaries only if
//! it is convex (A, W: each agent buys less than the one before) or concave (S). A(n) is close
//! to linear while the channel is overloaded and convex after; W(n) is 0 at n = 0 (nobody is
//! answered), rises while a few agents answer contacts that waited long, and falls from there;
//! S(n) is flat near 0 while nobody is answered in time and then rises steeply. [`Envelope`]
//! replaces a curve by its lower convex envelope (A, W, W + ASA·A) or upper concave envelope (S)
//! over the integer points, and reports the largest gap to the true values ([`Envelope::max_gap`]).
//! The envelope is optimistic where it departs from the curve (a relaxation): the programme then
//! believes the first few agents of a badly understaffed interval buy more than they do. For the
//! ASA target use [`ServiceCurve::asa_envelope`], the envelope of W + ASA·A, which is never
//! looser than the sum of the two envelopes and far tighter than W's alone. `docs/STAFFING.md`
//! gives the measured gaps on the sample centre.
//!
//! # LP form
//! [`Envelope::segments`] lists the hull edges: a segment k starting at agent `from_k`, `width_k`
//! agents wide, each agent of it improving the figure by `gain_k`, with gains strictly
//! decreasing. With 0 ≤ y_k ≤ width_k and Σ y_k ≤ x (x the agents on the channel):
//! A ≥ A(0) − Σ gain_k · y_k (lower envelopes) or S ≤ S(0) + Σ gain_k · y_k (upper). A programme
//! that is only ever better off with fewer abandons, less wait or more answered in time fills the
//! best segments first, so the optimum sits on the envelope without binaries; with `≤ x` an x
//! beyond n_max just leaves the flat part unused.
//!
//! ```
//! use rota_staffing::{CurveSpec, Patience, ServiceCurve};
//! // 45 calls in 15 minutes, AHT 15 min, patience 10 min, 18% shrinkage, SL threshold 60 s.
//! let spec = CurveSpec {
//!     offered: 45.0,
//!     interval_s: 900.0,
//!     aht_s: 900.0,
//!     patience: Patience::exponential(600.0).unwrap(),
//!     concurrency: None,
//!     threshold_s: 60.0,
//!     shrinkage: 0.18,
//! };
//! let curve = ServiceCurve::build(&spec).unwrap();
//! assert_eq!(curve.abandoned(0), 45.0);
//! assert!(curve.abandoned(60) < 4.5);
//! let env = curve.abandoned_envelope();
//! let gains: Vec<f64> = env.segments().iter().map(|s| s.gain).collect();
//! assert!(gains.windows(2).all(|g| g[0] > g[1]));
//! assert!(env.value(55.5) <= curve.abandoned(55).max(curve.abandoned(56)));
//! ```

use serde::Serialize;

use super::channel::{pool, queue_parts, ChannelModel, ChatConcurrency};
use super::erlang::{evaluate, Patience, QueueInputs};
use super::error::StaffingError;

/// Default tolerance for where a curve stops (0.1% of the offered contacts).
pub const DEFAULT_TOLERANCE: f64 = 1e-3;

/// Most agents a curve will go to before giving up ([`StaffingError::TooManyAgents`]).
pub const MAX_CURVE_AGENTS: u32 = 10_000;

/// One live channel in one interval: the demand, the queue and the shrinkage of a service curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurveSpec {
    /// Contacts offered in the interval.
    pub offered: f64,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Handle time of a contact handled alone, seconds (chat: before the concurrency factor).
    pub aht_s: f64,
    /// Patience of the contacts; must be finite (Erlang A).
    pub patience: Patience,
    /// Chat concurrency; `None` for phone and walk-in queues.
    pub concurrency: Option<ChatConcurrency>,
    /// Service-level threshold of S(n), seconds.
    pub threshold_s: f64,
    /// Share of rostered time not available for contacts, in [0, 1).
    pub shrinkage: f64,
}

impl CurveSpec {
    /// The spec of a configured queue or chat channel: its patience, concurrency and the
    /// threshold its targets report the service level at ([`super::Targets::threshold_s`]).
    ///
    /// ```
    /// use rota_staffing::{ChannelModel, CurveSpec, Patience, Targets};
    /// let targets = Targets::builder().max_abandon(0.1).build().unwrap();
    /// let voice = ChannelModel::Queue { patience: Patience::exponential(300.0).unwrap(), targets };
    /// let spec = CurveSpec::for_channel(&voice, 30.0, 900.0, 400.0, 0.2).unwrap();
    /// assert_eq!(spec.threshold_s, 20.0);
    /// ```
    pub fn for_channel(
        model: &ChannelModel,
        offered: f64,
        interval_s: f64,
        aht_s: f64,
        shrinkage: f64,
    ) -> Result<Self, StaffingError> {
        let (patience, targets, concurrency) = queue_parts(model).ok_or_else(|| {
            StaffingError::InvalidChannel(
                "deferred channels have no service curve; they are planned as a backlog".into(),
            )
        })?;
        Ok(CurveSpec {
            offered,
            interval_s,
            aht_s,
            patience,
            concurrency,
            threshold_s: targets.threshold_s(),
            shrinkage,
        })
    }

    /// The queue seen by the servers, slots per agent, after checking every field.
    fn validate(&self) -> Result<(QueueInputs, u32), StaffingError> {
        if self.patience.mean_s().is_none() {
            return Err(StaffingError::InvalidChannel(
                "a service curve needs a finite patience (Erlang A): with callers who never hang up \
                 the wait has no steady state at or below the load, so no finite curve exists"
                    .into(),
            ));
        }
        if !(self.shrinkage.is_finite() && (0.0..1.0).contains(&self.shrinkage)) {
            return Err(StaffingError::InvalidChannel(format!(
                "shrinkage must be a share from 0 up to (not including) 1, got {}",
                self.shrinkage
            )));
        }
        super::erlang::validate_threshold(self.threshold_s)?;
        let (slots, server_aht) = pool(self.aht_s, self.concurrency);
        let inputs =
            QueueInputs::from_interval(self.offered, self.interval_s, server_aht, self.patience)?;
        Ok((inputs, slots))
    }
}

/// Abandoned, wait of answered (seconds) and answered within the threshold.
type Figures = [f64; 3];

/// The figures with `available` agents at work, from the exact model.
fn available_figures(
    spec: &CurveSpec,
    inputs: &QueueInputs,
    slots: u32,
    available: u32,
) -> Result<Figures, StaffingError> {
    let offered = spec.offered;
    if offered == 0.0 {
        return Ok([0.0; 3]);
    }
    if available == 0 {
        return Ok([offered, 0.0, 0.0]);
    }
    let servers = available
        .checked_mul(slots)
        .ok_or(StaffingError::TooManyAgents {
            limit: u32::MAX,
            offered_load: inputs.offered_load_erl(),
        })?;
    let m = evaluate(inputs, servers, spec.threshold_s)?;
    Ok([
        offered * m.p_abandon,
        offered * (1.0 - m.p_abandon) * m.asa_served_s,
        offered * m.sl_served_within_t,
    ])
}

/// Expected abandoned contacts, wait of answered contacts and contacts answered within the
/// threshold of one live channel in one interval, for 0..=n_max agents rostered on it (see the
/// module documentation for the model, the shrinkage and where it stops).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceCurve {
    spec: CurveSpec,
    tolerance: f64,
    abandoned: Vec<f64>,
    wait_s: Vec<f64>,
    within: Vec<f64>,
}

impl ServiceCurve {
    /// The curve with the default tolerance ([`DEFAULT_TOLERANCE`]).
    pub fn build(spec: &CurveSpec) -> Result<Self, StaffingError> {
        Self::build_with_tolerance(spec, DEFAULT_TOLERANCE)
    }

    /// The curve, stopping at the first n whose figures are within `tolerance` (a share in
    /// (0, 1)) of their limits.
    ///
    /// ```
    /// use rota_staffing::{CurveSpec, Patience, ServiceCurve};
    /// let spec = CurveSpec {
    ///     offered: 8.0, interval_s: 1800.0, aht_s: 600.0,
    ///     patience: Patience::exponential(900.0).unwrap(), concurrency: None,
    ///     threshold_s: 60.0, shrinkage: 0.0,
    /// };
    /// let loose = ServiceCurve::build_with_tolerance(&spec, 1e-2).unwrap();
    /// let tight = ServiceCurve::build_with_tolerance(&spec, 1e-6).unwrap();
    /// assert!(loose.n_max() < tight.n_max());
    /// assert!(tight.abandoned(tight.n_max()) <= 1e-6 * 8.0);
    /// ```
    pub fn build_with_tolerance(spec: &CurveSpec, tolerance: f64) -> Result<Self, StaffingError> {
        if !(tolerance.is_finite() && tolerance > 0.0 && tolerance < 1.0) {
            return Err(StaffingError::InvalidTarget(format!(
                "the tolerance of a service curve is a share above 0 and below 1, got {tolerance}"
            )));
        }
        let (inputs, slots) = spec.validate()?;
        let offered = spec.offered;
        let server_aht = inputs.aht_s();
        let keep = 1.0 - spec.shrinkage;
        let mut base: Vec<Figures> = Vec::new();
        // P(m of n rostered available), m = 0..=n: Binomial(n, 1 − shrinkage), by Pascal's rule.
        let mut pmf: Vec<f64> = vec![1.0];
        let mut curve = ServiceCurve {
            spec: *spec,
            tolerance,
            abandoned: Vec::new(),
            wait_s: Vec::new(),
            within: Vec::new(),
        };
        for n in 0..=MAX_CURVE_AGENTS {
            base.push(available_figures(spec, &inputs, slots, n)?);
            let figures = if spec.shrinkage == 0.0 {
                base[n as usize]
            } else {
                if n > 0 {
                    pmf.push(0.0);
                    for m in (1..=n as usize).rev() {
                        pmf[m] = spec.shrinkage * pmf[m] + keep * pmf[m - 1];
                    }
                    pmf[0] *= spec.shrinkage;
                }
                let mut mixed = [0.0; 3];
                for (p, f) in pmf.iter().zip(&base) {
                    for k in 0..3 {
                        mixed[k] += p * f[k];
                    }
                }
                mixed
            };
            curve.abandoned.push(figures[0]);
            curve.wait_s.push(figures[1]);
            curve.within.push(figures[2]);
            let settled = figures[0] <= tolerance * offered
                && offered - figures[2] <= tolerance * offered
                && figures[1] <= tolerance * offered * server_aht;
            if settled {
                return Ok(curve);
            }
        }
        Err(StaffingError::TooManyAgents {
            limit: MAX_CURVE_AGENTS,
            offered_load: inputs.offered_load_erl(),
        })
    }

    /// What the curve was built for.
    pub fn spec(&self) -> &CurveSpec {
        &self.spec
    }

    /// The tolerance that set n_max.
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// The last agent count on the curve; beyond it the figures are taken as flat.
    pub fn n_max(&self) -> u32 {
        (self.abandoned.len() - 1) as u32
    }

    fn at(values: &[f64], n: u32) -> f64 {
        values[(n as usize).min(values.len() - 1)]
    }

    /// Expected abandoned contacts with `n` agents rostered (the n_max value beyond n_max).
    pub fn abandoned(&self, n: u32) -> f64 {
        Self::at(&self.abandoned, n)
    }

    /// Expected total wait of answered contacts, seconds, with `n` agents rostered.
    pub fn wait_s(&self, n: u32) -> f64 {
        Self::at(&self.wait_s, n)
    }

    /// Expected contacts answered within the threshold with `n` agents rostered.
    pub fn within_threshold(&self, n: u32) -> f64 {
        Self::at(&self.within, n)
    }

    /// A(0..=n_max).
    pub fn abandoned_values(&self) -> &[f64] {
        &self.abandoned
    }

    /// W(0..=n_max), seconds.
    pub fn wait_values(&self) -> &[f64] {
        &self.wait_s
    }

    /// S(0..=n_max).
    pub fn within_values(&self) -> &[f64] {
        &self.within
    }

    /// Lower convex envelope of A(n).
    pub fn abandoned_envelope(&self) -> Envelope {
        Envelope::hull(Shape::LowerConvex, self.abandoned.clone())
    }

    /// Lower convex envelope of W(n). W(0) = 0 (nobody answered), so on its own this envelope is
    /// close to 0 everywhere; use [`ServiceCurve::asa_envelope`] for the ASA target.
    pub fn wait_envelope(&self) -> Envelope {
        Envelope::hull(Shape::LowerConvex, self.wait_s.clone())
    }

    /// Upper concave envelope of S(n).
    pub fn within_envelope(&self) -> Envelope {
        Envelope::hull(Shape::UpperConcave, self.within.clone())
    }

    /// Lower convex envelope of W(n) + `max_asa_s` · A(n), seconds: the left-hand side of the
    /// ASA target "wait of answered ≤ ASA · (offered − abandoned)" written as
    /// Σ (W + ASA · A) ≤ ASA · Σ offered.
    ///
    /// ```
    /// use rota_staffing::{CurveSpec, Patience, ServiceCurve};
    /// let spec = CurveSpec {
    ///     offered: 20.0, interval_s: 900.0, aht_s: 600.0,
    ///     patience: Patience::exponential(600.0).unwrap(), concurrency: None,
    ///     threshold_s: 60.0, shrinkage: 0.1,
    /// };
    /// let curve = ServiceCurve::build(&spec).unwrap();
    /// let asa = curve.asa_envelope(120.0);
    /// assert_eq!(asa.at(0), 120.0 * 20.0);
    /// assert!(asa.max_gap().gap <= curve.wait_envelope().max_gap().gap);
    /// ```
    pub fn asa_envelope(&self, max_asa_s: f64) -> Envelope {
        let values = self
            .wait_s
            .iter()
            .zip(&self.abandoned)
            .map(|(w, a)| w + max_asa_s * a)
            .collect();
        Envelope::hull(Shape::LowerConvex, values)
    }
}

/// Which side of the points an [`Envelope`] hugs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// The largest convex function below the points (for figures where less is better).
    LowerConvex,
    /// The smallest concave function above the points (for figures where more is better).
    UpperConcave,
}

/// One edge of an envelope: `width` agents from `from`, each improving the figure by `gain`
/// (lower envelopes: decreasing it; upper: increasing it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Segment {
    /// First agent count of the edge.
    pub from: u32,
    /// Agents the edge spans.
    pub width: u32,
    /// Improvement per agent; strictly decreasing from one segment to the next.
    pub gain: f64,
}

/// Where and by how much an envelope departs most from its points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// Agent count of the largest gap (the first, if tied).
    pub agents: u32,
    /// |envelope − true value| there, in the figure's unit (contacts or seconds).
    pub gap: f64,
}

/// The convex (or concave) envelope of a figure over whole agents 0..=n_max: piecewise linear
/// between hull vertices, equal to the figure at every vertex, flat beyond n_max.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope {
    shape: Shape,
    values: Vec<f64>,
    vertices: Vec<u32>,
}

impl Envelope {
    /// The envelope of `values` at agent counts 0, 1, ..., len − 1.
    ///
    /// ```
    /// use rota_staffing::{Envelope, Shape};
    /// // Not convex at 1: the envelope bridges from 0 to 2 and loses 2.5 there.
    /// let env = Envelope::new(Shape::LowerConvex, vec![10.0, 9.0, 3.0, 1.0, 0.0]).unwrap();
    /// assert_eq!(env.vertices(), &[0, 2, 3, 4]);
    /// assert_eq!(env.at(1), 6.5);
    /// assert_eq!(env.max_gap().gap, 2.5);
    /// let gains: Vec<f64> = env.segments().iter().map(|s| s.gain).collect();
    /// assert_eq!(gains, vec![3.5, 2.0, 1.0]);
    /// ```
    pub fn new(shape: Shape, values: Vec<f64>) -> Result<Self, StaffingError> {
        if values.is_empty() {
            return Err(StaffingError::InvalidTarget(
                "an envelope needs the value at 0 agents at least".into(),
            ));
        }
        if let Some((n, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(StaffingError::NotFinite {
                what: if n == 0 {
                    "envelope value at 0 agents"
                } else {
                    "envelope value"
                },
                value: *v,
            });
        }
        if values.len() > u32::MAX as usize {
            return Err(StaffingError::InvalidTarget(
                "an envelope has at most u32::MAX points".into(),
            ));
        }
        Ok(Self::hull(shape, values))
    }

    /// Andrew's monotone chain over finite points at x = 0, 1, 2, ...: a vertex is dropped while
    /// the slope into it is not below the slope out of it (after turning an upper envelope into a
    /// lower one), so the slopes between kept vertices, computed as [`Envelope::segments`]
    /// computes them, are strictly increasing in floating point too.
    fn hull(shape: Shape, values: Vec<f64>) -> Self {
        let oriented = |i: usize| match shape {
            Shape::LowerConvex => values[i],
            Shape::UpperConcave => -values[i],
        };
        let slope = |a: usize, b: usize| (oriented(b) - oriented(a)) / (b - a) as f64;
        let mut hull: Vec<usize> = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            while hull.len() >= 2 {
                let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
                if slope(a, b) >= slope(b, i) {
                    hull.pop();
                } else {
                    break;
                }
            }
            hull.push(i);
        }
        let vertices = hull.into_iter().map(|i| i as u32).collect();
        Envelope {
            shape,
            values,
            vertices,
        }
    }

    /// Which side the envelope hugs.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The last agent count of the points.
    pub fn n_max(&self) -> u32 {
        (self.values.len() - 1) as u32
    }

    /// Agent counts where the envelope touches the points, ascending; always 0 and n_max.
    pub fn vertices(&self) -> &[u32] {
        &self.vertices
    }

    /// The true figure at `n` agents (the n_max value beyond n_max).
    pub fn true_value(&self, n: u32) -> f64 {
        self.values[(n as usize).min(self.values.len() - 1)]
    }

    /// The envelope at a whole number of agents (flat beyond n_max): the true value at a vertex,
    /// the straight line between the neighbouring vertices elsewhere.
    pub fn at(&self, n: u32) -> f64 {
        self.value(f64::from(n))
    }

    /// The envelope at a fractional number of agents, clamped to [0, n_max] (NaN gives NaN).
    pub fn value(&self, x: f64) -> f64 {
        let x = x.clamp(0.0, f64::from(self.n_max()));
        if self.vertices.len() == 1 {
            return self.values[0];
        }
        // The edge (a, b) with a <= x < b (the last edge for x = n_max).
        let k = self
            .vertices
            .partition_point(|&v| f64::from(v) <= x)
            .clamp(1, self.vertices.len() - 1);
        let (a, b) = (self.vertices[k - 1], self.vertices[k]);
        let (va, vb) = (self.values[a as usize], self.values[b as usize]);
        if x == f64::from(a) {
            va
        } else if x == f64::from(b) {
            vb
        } else {
            va + (vb - va) / f64::from(b - a) * (x - f64::from(a))
        }
    }

    /// |envelope − true value| at `n` agents: how much the envelope flatters the figure there.
    pub fn gap(&self, n: u32) -> f64 {
        let g = match self.shape {
            Shape::LowerConvex => self.true_value(n) - self.at(n),
            Shape::UpperConcave => self.at(n) - self.true_value(n),
        };
        g.max(0.0)
    }

    /// The largest [`Envelope::gap`] over 0..=n_max.
    pub fn max_gap(&self) -> Gap {
        (0..=self.n_max()).fold(
            Gap {
                agents: 0,
                gap: 0.0,
            },
            |best, n| {
                let g = self.gap(n);
                if g > best.gap {
                    Gap { agents: n, gap: g }
                } else {
                    best
                }
            },
        )
    }

    /// The envelope's edges for a linear programme, gains strictly decreasing.
    pub fn segments(&self) -> Vec<Segment> {
        self.vertices
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let rise = self.values[b as usize] - self.values[a as usize];
                let slope = rise / f64::from(b - a);
                Segment {
                    from: a,
                    width: b - a,
                    gain: match self.shape {
                        Shape::LowerConvex => -slope,
                        Shape::UpperConcave => slope,
                    },
                }
            })
            .collect()
    }

    /// The gain of each agent 1..=n_max (the segments cut into width-1 pieces).
    pub fn unit_gains(&self) -> Vec<f64> {
        self.segments()
            .iter()
            .flat_map(|s| std::iter::repeat_n(s.gain, s.width as usize))
            .collect()
    }

    /// The envelope at `x` agents written as the LP writes it: the value at 0 minus (lower) or
    /// plus (upper) the gains of the first `x` agents, the best segments filled first.
    pub fn filled(&self, x: f64) -> f64 {
        let mut left = x.max(0.0);
        let mut total = 0.0;
        for s in self.segments() {
            let y = left.min(f64::from(s.width));
            total += s.gain * y;
            left -= y;
            if left <= 0.0 {
                break;
            }
        }
        match self.shape {
            Shape::LowerConvex => self.values[0] - total,
            Shape::UpperConcave => self.values[0] + total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Targets;
    use proptest::prelude::*;

    fn voice(offered: f64, aht_s: f64, patience_s: f64, shrinkage: f64) -> CurveSpec {
        CurveSpec {
            offered,
            interval_s: 900.0,
            aht_s,
            patience: Patience::exponential(patience_s).unwrap(),
            concurrency: None,
            threshold_s: 60.0,
            shrinkage,
        }
    }

    fn chat(offered: f64, shrinkage: f64) -> CurveSpec {
        CurveSpec {
            concurrency: Some(ChatConcurrency::new(2, 1.3).unwrap()),
            ..voice(offered, 845.0, 420.0, shrinkage)
        }
    }

    /// The sample week's busiest voice interval (Thu 09:45), its busiest reception and chat ones.
    fn sample_specs() -> Vec<CurveSpec> {
        vec![
            voice(44.628, 1010.0, 600.0, 0.18),
            voice(3.724, 586.5, 900.0, 0.21),
            chat(4.708, 0.18),
            voice(44.628, 1010.0, 600.0, 0.0),
            chat(4.708, 0.0),
        ]
    }

    #[test]
    fn whole_agents_without_shrinkage_are_the_exact_model() {
        for spec in [voice(44.628, 1010.0, 600.0, 0.0), chat(4.708, 0.0)] {
            let curve = ServiceCurve::build(&spec).unwrap();
            let (slots, server_aht) = pool(spec.aht_s, spec.concurrency);
            let q =
                QueueInputs::from_interval(spec.offered, 900.0, server_aht, spec.patience).unwrap();
            assert_eq!(curve.abandoned(0), spec.offered);
            assert_eq!(curve.wait_s(0), 0.0);
            assert_eq!(curve.within_threshold(0), 0.0);
            for n in 1..=curve.n_max() {
                let m = evaluate(&q, n * slots, 60.0).unwrap();
                assert_eq!(curve.abandoned(n), spec.offered * m.p_abandon);
                assert_eq!(
                    curve.wait_s(n),
                    spec.offered * (1.0 - m.p_abandon) * m.asa_served_s
                );
                assert_eq!(
                    curve.within_threshold(n),
                    spec.offered * m.sl_served_within_t
                );
            }
        }
    }

    #[test]
    fn shrinkage_is_the_binomial_mixture_of_available_agents() {
        let spec = voice(12.0, 480.0, 300.0, 0.25);
        let bare =
            ServiceCurve::build_with_tolerance(&voice(12.0, 480.0, 300.0, 0.0), 1e-9).unwrap();
        let curve = ServiceCurve::build(&spec).unwrap();
        assert!(curve.n_max() <= bare.n_max());
        for n in 0..=curve.n_max() {
            // Independent route: C(n, m) p^m q^(n-m) by products.
            let (mut a, mut w, mut s) = (0.0, 0.0, 0.0);
            for m in 0..=n {
                let mut c = 1.0;
                for k in 0..m {
                    c *= f64::from(n - k) / f64::from(k + 1);
                }
                let p = c * 0.75_f64.powi(m as i32) * 0.25_f64.powi((n - m) as i32);
                a += p * bare.abandoned(m);
                w += p * bare.wait_s(m);
                s += p * bare.within_threshold(m);
            }
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs().max(1.0);
            assert!(close(curve.abandoned(n), a), "n={n}");
            assert!(close(curve.wait_s(n), w), "n={n}");
            assert!(close(curve.within_threshold(n), s), "n={n}");
        }
        // Shrinkage costs more than the fluid gross-up suggests: 12 rostered at 25% shrinkage
        // lose more than 9 agents who are always there.
        assert!(curve.abandoned(12) > bare.abandoned(9));
    }

    #[test]
    fn the_curve_stops_where_the_figures_settle() {
        for spec in sample_specs() {
            let curve = ServiceCurve::build(&spec).unwrap();
            let (n, o) = (curve.n_max(), spec.offered);
            let aht = pool(spec.aht_s, spec.concurrency).1;
            let settled = |k: u32| {
                curve.abandoned(k) <= 1e-3 * o
                    && o - curve.within_threshold(k) <= 1e-3 * o
                    && curve.wait_s(k) <= 1e-3 * o * aht
            };
            assert!(settled(n) && !settled(n - 1), "{spec:?}");
            // Monotone from 1 agent on: fewer abandons, more answered in time.
            for k in 1..n {
                assert!(curve.abandoned(k + 1) < curve.abandoned(k));
                assert!(curve.within_threshold(k + 1) > curve.within_threshold(k));
            }
            assert_eq!(curve.abandoned(n + 5), curve.abandoned(n));
        }
        let none = ServiceCurve::build(&voice(0.0, 300.0, 120.0, 0.2)).unwrap();
        assert_eq!(none.n_max(), 0);
        assert!(none.abandoned_envelope().segments().is_empty());
        assert_eq!(none.abandoned_envelope().value(3.5), 0.0);
    }

    fn check_envelope(env: &Envelope) {
        let n_max = env.n_max();
        let scale = (0..=n_max)
            .map(|n| env.true_value(n).abs())
            .fold(1.0, f64::max);
        let tol = 1e-12 * scale;
        assert_eq!(env.vertices().first(), Some(&0));
        assert_eq!(env.vertices().last(), Some(&n_max));
        for &v in env.vertices() {
            assert_eq!(env.at(v), env.true_value(v));
        }
        for n in 0..=n_max {
            match env.shape() {
                Shape::LowerConvex => assert!(env.at(n) <= env.true_value(n) + tol),
                Shape::UpperConcave => assert!(env.at(n) >= env.true_value(n) - tol),
            }
            let x = f64::from(n) + 0.37;
            assert!((env.filled(x) - env.value(x)).abs() <= tol, "n={n}");
        }
        let segs = env.segments();
        assert!(segs.windows(2).all(|s| s[0].gain > s[1].gain));
        assert_eq!(segs.iter().map(|s| s.width).sum::<u32>(), n_max);
        // Second differences of the envelope have the right sign (convex / concave).
        for n in 1..n_max {
            let d2 = env.at(n + 1) - 2.0 * env.at(n) + env.at(n - 1);
            match env.shape() {
                Shape::LowerConvex => assert!(d2 >= -tol),
                Shape::UpperConcave => assert!(d2 <= tol),
            }
        }
        let unit = env.unit_gains();
        assert_eq!(unit.len(), n_max as usize);
        assert!(unit.windows(2).all(|g| g[0] >= g[1]));
        assert_eq!(
            env.max_gap().gap,
            (0..=n_max).map(|n| env.gap(n)).fold(0.0, f64::max)
        );
    }

    #[test]
    fn envelopes_are_convex_under_the_points_and_touch_at_vertices() {
        for spec in sample_specs() {
            let curve = ServiceCurve::build(&spec).unwrap();
            for env in [
                curve.abandoned_envelope(),
                curve.wait_envelope(),
                curve.within_envelope(),
                curve.asa_envelope(120.0),
            ] {
                check_envelope(&env);
            }
            // The combined ASA envelope is never looser than the two envelopes added up.
            let (a, w, c) = (
                curve.abandoned_envelope(),
                curve.wait_envelope(),
                curve.asa_envelope(120.0),
            );
            for n in 0..=curve.n_max() {
                assert!(c.at(n) >= w.at(n) + 120.0 * a.at(n) - 1e-9 * c.at(0));
            }
        }
    }

    #[test]
    fn hand_made_points() {
        let convex = Envelope::new(Shape::LowerConvex, vec![10.0, 6.0, 3.0, 1.0, 0.0]).unwrap();
        assert_eq!(convex.vertices(), &[0, 1, 2, 3, 4]);
        assert_eq!(convex.unit_gains(), vec![4.0, 3.0, 2.0, 1.0]);
        assert_eq!(convex.max_gap().gap, 0.0);
        assert_eq!(convex.value(1.5), 4.5);
        assert_eq!(convex.value(-2.0), 10.0);
        assert_eq!(convex.value(99.0), 0.0);
        // Collinear points merge into one segment.
        let line = Envelope::new(Shape::UpperConcave, vec![0.0, 1.0, 2.0, 3.0, 3.5]).unwrap();
        assert_eq!(line.vertices(), &[0, 3, 4]);
        let s = line.segments();
        assert_eq!((s[0].width, s[0].gain, s[1].gain), (3, 1.0, 0.5));
        // An S-shaped curve: the concave envelope bridges the flat start.
        let s_shape =
            Envelope::new(Shape::UpperConcave, vec![0.0, 0.1, 0.5, 3.0, 3.9, 4.0]).unwrap();
        assert_eq!(s_shape.vertices(), &[0, 3, 4, 5]);
        assert_eq!(s_shape.max_gap().agents, 2);
        check_envelope(&s_shape);
        assert!(Envelope::new(Shape::LowerConvex, vec![]).is_err());
        assert!(Envelope::new(Shape::LowerConvex, vec![1.0, f64::NAN]).is_err());
    }

    #[test]
    fn bad_specs_are_refused_in_words() {
        let mut spec = voice(10.0, 300.0, 120.0, 0.2);
        spec.patience = Patience::infinite();
        let err = ServiceCurve::build(&spec).unwrap_err().to_string();
        assert!(err.contains("finite patience"), "{err}");
        for bad in [-0.1, 1.0, f64::NAN] {
            let spec = voice(10.0, 300.0, 120.0, bad);
            let err = ServiceCurve::build(&spec).unwrap_err().to_string();
            assert!(err.contains("shrinkage"), "{err}");
        }
        assert!(ServiceCurve::build(&voice(-1.0, 300.0, 120.0, 0.2)).is_err());
        assert!(ServiceCurve::build(&voice(10.0, 0.0, 120.0, 0.2)).is_err());
        assert!(ServiceCurve::build_with_tolerance(&voice(10.0, 300.0, 120.0, 0.2), 0.0).is_err());
        let email = ChannelModel::Deferred {
            response: crate::ResponseWindow::new(3600.0, true).unwrap(),
            max_occupancy: 1.0,
        };
        let err = CurveSpec::for_channel(&email, 5.0, 900.0, 300.0, 0.1).unwrap_err();
        assert!(err.to_string().contains("backlog"));
        let targets = Targets::builder().max_abandon(0.1).build().unwrap();
        let chat_model = ChannelModel::Chat {
            patience: Patience::exponential(420.0).unwrap(),
            targets,
            concurrency: ChatConcurrency::new(2, 1.3).unwrap(),
        };
        let spec = CurveSpec::for_channel(&chat_model, 4.708, 900.0, 845.0, 0.0).unwrap();
        assert_eq!(
            spec,
            CurveSpec {
                threshold_s: 20.0,
                ..chat(4.708, 0.0)
            }
        );
    }

    /// Every Erlang A case of the independent 50-digit reference (`tests/reference/`): abandon
    /// share, ASA of answered and service level over offered, read back from the curve's counts.
    #[test]
    fn erlang_a_reference_cases() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/reference/queueing_reference.csv");
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let mut checked = 0;
        for row in reader.records() {
            let row = row.unwrap();
            let num = |name: &str| row[col(name)].parse::<f64>().unwrap();
            if &row[col("model")] != "ErlangA" {
                continue;
            }
            let interval_s = 1800.0;
            let offered = num("lambda_per_s") * interval_s;
            let spec = CurveSpec {
                offered,
                interval_s,
                aht_s: num("aht_s"),
                patience: Patience::exponential(num("patience_s")).unwrap(),
                concurrency: None,
                threshold_s: num("t_s"),
                shrinkage: 0.0,
            };
            let n = num("n_agents") as u32;
            let curve = ServiceCurve::build(&spec).unwrap();
            assert!(n <= curve.n_max(), "{}", &row[0]);
            let p_ab = num("p_abandon");
            let rel = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want.abs() + 1e-12;
            assert!(rel(curve.abandoned(n) / offered, p_ab), "{}", &row[0]);
            assert!(
                rel(
                    curve.wait_s(n) / (offered * (1.0 - p_ab)),
                    num("asa_served_s")
                ),
                "{}",
                &row[0]
            );
            assert!(
                rel(
                    curve.within_threshold(n) / offered,
                    num("sl_served_within_t")
                ),
                "{}",
                &row[0]
            );
            checked += 1;
        }
        assert_eq!(checked, 12);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn gains_fall_and_add_up(
            offered in 0.2f64..60.0,
            aht in 120.0f64..1200.0,
            patience in 30.0f64..1200.0,
            shrinkage in 0.0f64..0.4,
            level in 1u32..=3,
        ) {
            let spec = CurveSpec {
                concurrency: Some(ChatConcurrency::new(level, 1.0 + 0.15 * f64::from(level - 1)).unwrap()),
                ..voice(offered, aht, patience, shrinkage)
            };
            let curve = ServiceCurve::build(&spec).unwrap();
            let env = curve.abandoned_envelope();
            let segs = env.segments();
            prop_assert!(segs.windows(2).all(|s| s[0].gain > s[1].gain));
            prop_assert!(segs.iter().all(|s| s.gain > 0.0));
            let total: f64 = segs.iter().map(|s| s.gain * f64::from(s.width)).sum();
            let drop = curve.abandoned(0) - curve.abandoned(curve.n_max());
            prop_assert!((total - drop).abs() <= 1e-9 * offered, "{total} vs {drop}");
            for n in 0..=curve.n_max() {
                prop_assert!(env.at(n) <= curve.abandoned(n) + 1e-12 * offered);
            }
            let s = curve.within_envelope().segments();
            prop_assert!(s.windows(2).all(|s| s[0].gain > s[1].gain));
        }
    }
}
