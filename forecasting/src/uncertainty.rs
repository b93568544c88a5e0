//! Prediction intervals: negative-binomial quantiles around each model's mean, with the dispersion
//! calibrated on backtest residuals.
//!
//! Arrival counts are over-dispersed relative to Poisson (Brown et al. 2005; Avramidis, Deslauriers &
//! L'Ecuyer 2004, "Modeling daily arrivals to a telephone call center", Management Science 50(7)): the
//! arrival rate itself is uncertain, and a forecast's error adds to that. The negative binomial with
//! mean mu and variance mu + k * mu^2 (a Poisson whose rate is gamma-distributed) captures both: for
//! small counts it is close to Poisson, for large ones the relative error stays near sqrt(k). The
//! dispersion k is chosen per channel and model so that the P10-P90 interval covers 80% of the
//! backtest's actual intervals (bisection on k: coverage only grows with k in the range used).
//! Quantiles interpolate the CDF between whole counts, so the interval can be calibrated even for
//! quiet intervals (a whole-number P10-P90 of a Poisson(0.3) interval covers 96%, never 80%).

use crate::error::ForecastError;

/// Natural log of the gamma function (Lanczos approximation, g = 7, n = 9; ~15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// A count distribution for one interval: Poisson (`dispersion == 0`) or negative binomial with
/// variance `mean + dispersion * mean^2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountDistribution {
    /// Mean contacts.
    pub mean: f64,
    /// Over-dispersion k >= 0.
    pub dispersion: f64,
}

impl CountDistribution {
    /// Natural log of P(X = x).
    fn ln_pmf(&self, x: f64) -> f64 {
        let mu = self.mean;
        if self.dispersion < 1e-9 {
            x * mu.ln() - mu - ln_gamma(x + 1.0)
        } else {
            let r = 1.0 / self.dispersion;
            ln_gamma(x + r) - ln_gamma(r) - ln_gamma(x + 1.0)
                + r * (r / (r + mu)).ln()
                + x * (mu / (r + mu)).ln()
        }
    }

    /// Quantiles at `levels` (ascending) of the count spread uniformly over (x - 1, x], i.e. the
    /// linearly interpolated CDF (the continuous version used by the randomized PIT of Czado, Gneiting
    /// & Held 2009, "Predictive model assessment for count data", Biometrics 65(4)). Whole-number
    /// quantiles cannot give an 80% interval for quiet intervals (Poisson(0.3): [0, 1] covers 96%);
    /// interpolated ones can. Clamped at 0.
    pub fn quantiles(&self, levels: &[f64]) -> Result<Vec<f64>, ForecastError> {
        for &l in levels {
            if !(l > 0.0 && l < 1.0) {
                return Err(ForecastError::BadLevel(l));
            }
        }
        let mu = self.mean;
        if !mu.is_finite() || mu <= 0.0 {
            return Ok(vec![0.0; levels.len()]);
        }
        let sd = (mu + self.dispersion * mu * mu).sqrt();
        // Start below the bulk (the mass under mu - 7 sd is negligible for the levels used) and walk up
        // with the pmf ratio P(x+1)/P(x), one lgamma evaluation per call.
        let start = (mu - 7.0 * sd).floor().max(0.0);
        let r = if self.dispersion < 1e-9 {
            f64::INFINITY
        } else {
            1.0 / self.dispersion
        };
        let mut out = vec![f64::NAN; levels.len()];
        let mut pmf = self.ln_pmf(start).exp();
        let mut cdf = 0.0;
        let mut x = start;
        let mut next = 0;
        let limit = mu + 60.0 * sd + 50.0;
        while next < levels.len() && x <= limit {
            let below = cdf;
            cdf += pmf;
            while next < levels.len() && cdf >= levels[next] {
                let frac = if pmf > 0.0 {
                    (levels[next] - below) / pmf
                } else {
                    1.0
                };
                out[next] = (x - 1.0 + frac.clamp(0.0, 1.0)).max(0.0);
                next += 1;
            }
            pmf *= if r.is_finite() {
                (x + r) / (x + 1.0) * mu / (r + mu)
            } else {
                mu / (x + 1.0)
            };
            x += 1.0;
        }
        for v in out.iter_mut().skip(next) {
            *v = x;
        }
        Ok(out)
    }
}

/// One backtest observation for calibration: the actual count and the model's mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Residual {
    /// Actual offered.
    pub actual: f64,
    /// Forecast mean.
    pub mean: f64,
}

/// Share of observations whose actual lies inside [P_lo, P_hi] (inclusive) at dispersion `k`.
pub fn coverage(residuals: &[Residual], dispersion: f64, lo: f64, hi: f64) -> f64 {
    if residuals.is_empty() {
        return f64::NAN;
    }
    let inside = residuals
        .iter()
        .filter(|r| {
            let q = CountDistribution {
                mean: r.mean,
                dispersion,
            }
            .quantiles(&[lo, hi])
            .unwrap_or_else(|_| vec![0.0, 0.0]);
            r.actual >= q[0] && r.actual <= q[1]
        })
        .count();
    inside as f64 / residuals.len() as f64
}

/// The dispersion whose P10-P90 interval covers `target` (e.g. 0.8) of the residuals; 0 (Poisson) if
/// Poisson already covers more, and the upper bound 4 if even that covers less.
pub fn calibrate_dispersion(residuals: &[Residual], target: f64) -> f64 {
    // Only open intervals carry information; closed ones are exactly 0 = 0.
    let open: Vec<Residual> = residuals
        .iter()
        .copied()
        .filter(|r| r.mean > 0.0 || r.actual > 0.0)
        .collect();
    if open.is_empty() || coverage(&open, 0.0, 0.1, 0.9) >= target {
        return 0.0;
    }
    let (mut lo, mut hi) = (1e-4f64.ln(), 4f64.ln());
    if coverage(&open, hi.exp(), 0.1, 0.9) < target {
        return hi.exp();
    }
    for _ in 0..24 {
        let mid = 0.5 * (lo + hi);
        if coverage(&open, mid.exp(), 0.1, 0.9) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for n in 1..20 {
            fact *= n as f64;
            assert!(
                (ln_gamma(n as f64 + 1.0) - fact.ln()).abs() < 1e-10,
                "n = {n}"
            );
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn poisson_quantiles_are_known_values() {
        // Poisson(10): F(5)=0.067086, P(6)=0.063055 -> P10 = 5 + 0.032914/0.063055 = 5.522;
        // F(9)=0.457930, P(10)=0.125110 -> P50 = 9.336; F(13)=0.864464, P(14)=0.052077 -> P90 = 13.683.
        let q = CountDistribution {
            mean: 10.0,
            dispersion: 0.0,
        }
        .quantiles(&[0.1, 0.5, 0.9])
        .unwrap();
        for (got, want) in q.iter().zip([5.522, 9.336, 13.683]) {
            assert!((got - want).abs() < 2e-3, "{q:?}");
        }
        // Poisson(0.3): F(0) = 0.7408 -> P10 and P50 clamp to 0, P90 = (0.9 - 0.7408)/0.2222 = 0.716.
        let q = CountDistribution {
            mean: 0.3,
            dispersion: 0.0,
        }
        .quantiles(&[0.1, 0.5, 0.9])
        .unwrap();
        assert_eq!(&q[..2], &[0.0, 0.0]);
        assert!((q[2] - 0.716).abs() < 2e-3, "{q:?}");
    }

    #[test]
    fn negative_binomial_is_wider_than_poisson() {
        let p = CountDistribution {
            mean: 50.0,
            dispersion: 0.0,
        }
        .quantiles(&[0.1, 0.9])
        .unwrap();
        let nb = CountDistribution {
            mean: 50.0,
            dispersion: 0.1,
        }
        .quantiles(&[0.1, 0.9])
        .unwrap();
        assert!(nb[0] < p[0] && nb[1] > p[1], "{nb:?} vs {p:?}");
    }

    #[test]
    fn large_means_do_not_underflow() {
        let q = CountDistribution {
            mean: 5000.0,
            dispersion: 0.0,
        }
        .quantiles(&[0.1, 0.5, 0.9])
        .unwrap();
        // Normal approximation: 5000 +- 1.2816 * 70.7 (minus ~0.5 for the (x - 1, x] spread)
        assert!((q[0] - 4909.0).abs() <= 2.0, "{q:?}");
        assert!((q[1] - 5000.0).abs() <= 1.5, "{q:?}");
        assert!((q[2] - 5091.0).abs() <= 2.0, "{q:?}");
    }

    #[test]
    fn bad_level_is_an_error() {
        let d = CountDistribution {
            mean: 1.0,
            dispersion: 0.0,
        };
        assert!(matches!(
            d.quantiles(&[1.0]),
            Err(ForecastError::BadLevel(_))
        ));
    }

    #[test]
    fn calibration_recovers_overdispersion() {
        // Actuals drawn independently of the quantile code, as the negative binomial arises: a
        // Poisson count whose rate is gamma-distributed with mean mu and variance k mu^2 (k = 0.05).
        // Means spread over 20-200 contacts so that the coverage of whole counts is smooth in k.
        use rand::{Rng, SeedableRng};
        use rand_distr::{Distribution, Gamma, Poisson};
        let k_true = 0.05;
        let n = 4000;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261206);
        let res: Vec<Residual> = (0..n)
            .map(|_| {
                let mean: f64 = rng.random_range(20.0..200.0);
                let rate = Gamma::new(1.0 / k_true, mean * k_true)
                    .unwrap()
                    .sample(&mut rng);
                let actual: f64 = Poisson::new(rate).unwrap().sample(&mut rng);
                Residual { actual, mean }
            })
            .collect();
        let k = calibrate_dispersion(&res, 0.8);
        // Tolerance from the sample size: the empirical coverage of n draws has standard error
        // sqrt(0.8 x 0.2 / n); near the truth, the P10-P90 coverage moves with k at
        // dC/dk = phi(z) z mu / (1 + k mu) (normal approximation, z = 1.2816), smallest at mu = 20.
        // Four standard errors of coverage, turned into k, bound the estimate.
        let z = 1.2816f64;
        let phi = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let slope = phi * z * 20.0 / (1.0 + k_true * 20.0);
        let tol = 4.0 * (0.8f64 * 0.2 / n as f64).sqrt() / slope;
        assert!(
            (k - k_true).abs() < tol,
            "k = {k}, expected {k_true} +/- {tol:.4}"
        );
        let c = coverage(&res, k, 0.1, 0.9);
        assert!((c - 0.8).abs() < 0.01, "coverage {c}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn quantiles_are_ordered(mean in 0.0f64..2000.0, k in 0.0f64..2.0) {
            let q = CountDistribution { mean, dispersion: k }.quantiles(&[0.1, 0.5, 0.9]).unwrap();
            proptest::prop_assert!(q[0] <= q[1] && q[1] <= q[2], "{:?}", q);
            proptest::prop_assert!(q[0] >= 0.0);
        }
    }
}
