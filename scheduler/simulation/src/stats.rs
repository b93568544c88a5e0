//! Means and 95% confidence intervals over replications.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the multiplier of a two-sided
/// 95% confidence interval from `df + 1` replications), from `statrs`.
///
/// ```
/// use rota_simulation::t_quantile_975;
/// assert!((t_quantile_975(49) - 2.0096).abs() < 1e-3);
/// assert!((t_quantile_975(1) - 12.706).abs() < 1e-2);
/// ```
pub fn t_quantile_975(df: u32) -> f64 {
    match StudentsT::new(0.0, 1.0, f64::from(df.max(1))) {
        Ok(t) => t.inverse_cdf(0.975),
        // Unreachable for df >= 1; the normal quantile is the limit.
        Err(_) => 1.959_963_984_540_054,
    }
}

/// A mean over replications with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over the replications in which the figure is defined.
    pub mean: f64,
    /// Half-width of the 95% confidence interval, t(0.975, n−1)·s/√n; `None` with fewer than 2
    /// replications.
    pub half_width: Option<f64>,
    /// Replications in which the figure is defined (e.g. ASA needs a handled contact).
    pub n: u32,
}

impl Estimate {
    /// Lower 95% bound (the mean when there is no interval).
    pub fn lo(&self) -> f64 {
        self.mean - self.half_width.unwrap_or(0.0)
    }
    /// Upper 95% bound (the mean when there is no interval).
    pub fn hi(&self) -> f64 {
        self.mean + self.half_width.unwrap_or(0.0)
    }
}

/// Welford's running mean and variance (numerically stable, order-deterministic).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Running {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Running {
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / f64::from(self.n);
        self.m2 += d * (x - self.mean);
    }

    #[inline]
    pub fn push_opt(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.push(x);
        }
    }

    pub fn estimate(&self, t_table: &[f64]) -> Option<Estimate> {
        if self.n == 0 {
            return None;
        }
        let half_width = if self.n >= 2 {
            let s = (self.m2 / f64::from(self.n - 1)).max(0.0).sqrt();
            let t = t_table
                .get(self.n as usize - 1)
                .copied()
                .unwrap_or_else(|| t_quantile_975(self.n - 1));
            Some(t * s / f64::from(self.n).sqrt())
        } else {
            None
        };
        Some(Estimate {
            mean: self.mean,
            half_width,
            n: self.n,
        })
    }
}

/// t(0.975, df) for df = 0..=n (index df; index 0 unused).
pub(crate) fn t_table(n: u32) -> Vec<f64> {
    (0..=n)
        .map(|df| {
            if df == 0 {
                f64::NAN
            } else {
                t_quantile_975(df)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_matches_two_pass() {
        let xs = [3.0, 5.0, 4.0, 8.0, 1.0];
        let mut r = Running::default();
        for x in xs {
            r.push(x);
        }
        let e = r.estimate(&t_table(10)).unwrap();
        let mean = xs.iter().sum::<f64>() / 5.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0;
        assert!((e.mean - mean).abs() < 1e-12);
        let hw = t_quantile_975(4) * (var / 5.0).sqrt();
        assert!((e.half_width.unwrap() - hw).abs() < 1e-12);
        assert!((t_quantile_975(4) - 2.776).abs() < 1e-3);
    }

    #[test]
    fn one_value_has_no_interval() {
        let mut r = Running::default();
        r.push(2.0);
        let e = r.estimate(&[]).unwrap();
        assert_eq!(e.half_width, None);
        assert_eq!((e.lo(), e.hi()), (2.0, 2.0));
        assert!(Running::default().estimate(&[]).is_none());
    }
}
