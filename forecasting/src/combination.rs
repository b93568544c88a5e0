//! Forecast combinations and the selection rule.
//!
//! Combining forecasts is the most reliable gain in the forecasting competitions (Bates & Granger
//! 1969, "The combination of forecasts", OR Quarterly 20(4); Makridakis, Spiliotis &
//! Assimakopoulos 2020, "The M4 Competition: 100,000 time series and 61 forecasting methods", IJF
//! 36(1)): a single model chosen on a short backtest often loses out of sample, while an average of
//! good models rarely does badly. Two combinations are candidates beside the single models:
//!
//! - [`Combine::MeanTopK`]: the equal-weight mean of the `k` models with the lowest error on the
//!   preceding origins (equal weights beat estimated weights in practice: the "forecast combination
//!   puzzle", Smith & Wallis 2009, Oxford Bull. Econ. Stat. 71(3));
//! - [`Combine::Median`]: the interval-by-interval median of all single models, robust to one
//!   model going astray (Stock & Watson 2004, J. Forecasting 23(6)).
//!
//! [`choose`] picks one candidate from a table of errors per origin: the lowest mean error, except
//! that a single model that is not a baseline must also beat the best combination at most origins
//! (a narrow win on the mean, carried by one or two weeks, is not trusted).

/// How a combination forms its forecast from its members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Equal-weight mean of the best `k` single models on the preceding origins.
    MeanTopK(usize),
    /// Median of all single models.
    Median,
}

impl Combine {
    /// The two combinations every backtest scores.
    pub const CANDIDATES: [Combine; 2] = [Combine::MeanTopK(3), Combine::Median];

    /// Name in reports (`mean_top3`, `median`).
    pub fn name(self) -> &'static str {
        match self {
            Self::MeanTopK(3) => "mean_top3",
            Self::MeanTopK(2) => "mean_top2",
            Self::MeanTopK(_) => "mean_topk",
            Self::Median => "median",
        }
    }

    /// The combination named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::CANDIDATES.into_iter().find(|c| c.name() == name)
    }

    /// Indices of the members among single models with mean errors `ranking_errors` (lower is
    /// better; NaN ranks last), in rank order for [`Combine::MeanTopK`].
    pub fn members(self, ranking_errors: &[f64]) -> Vec<usize> {
        match self {
            Self::Median => (0..ranking_errors.len()).collect(),
            Self::MeanTopK(k) => {
                let mut idx: Vec<usize> = (0..ranking_errors.len()).collect();
                idx.sort_by(|&a, &b| {
                    nan_last(ranking_errors[a]).total_cmp(&nan_last(ranking_errors[b]))
                });
                idx.truncate(k.max(1));
                idx
            }
        }
    }

    /// Combine member forecasts (each the same length) interval by interval.
    pub fn combine(self, members: &[&[f64]]) -> Vec<f64> {
        let n = members.first().map_or(0, |m| m.len());
        let mut buf = Vec::with_capacity(members.len());
        (0..n)
            .map(|i| match self {
                Self::MeanTopK(_) => {
                    members.iter().map(|m| m[i]).sum::<f64>() / members.len() as f64
                }
                Self::Median => {
                    buf.clear();
                    buf.extend(members.iter().map(|m| m[i]));
                    median(&mut buf)
                }
            })
            .collect()
    }
}

fn nan_last(x: f64) -> f64 {
    if x.is_nan() {
        f64::INFINITY
    } else {
        x
    }
}

/// Median of `v` (sorted in place); 0 when empty.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

/// What the selection rule needs to know of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateKind {
    /// One of the baselines (simple: always trusted on its mean).
    pub baseline: bool,
    /// A combination.
    pub combination: bool,
}

/// Mean error of each candidate over the origins in `window` where every candidate has a finite
/// error (an origin with no contacts scores nothing).
pub fn mean_errors(errors: &[Vec<f64>], window: std::ops::Range<usize>) -> Vec<f64> {
    let usable = usable(errors, window.clone());
    errors
        .iter()
        .map(|e| {
            if usable.is_empty() {
                f64::NAN
            } else {
                usable.iter().map(|&o| e[o]).sum::<f64>() / usable.len() as f64
            }
        })
        .collect()
}

/// The origins of `window` at which every candidate has a finite error.
fn usable(errors: &[Vec<f64>], window: std::ops::Range<usize>) -> Vec<usize> {
    window
        .filter(|&o| {
            errors
                .iter()
                .all(|e| e.get(o).is_some_and(|x| x.is_finite()))
        })
        .collect()
}

/// The candidate to use, judged on the origins in `window` of `errors[candidate][origin]` (lower
/// is better): the lowest mean error, unless that is a single model other than a baseline that
/// beats the best combination at no more than half of the origins, in which case the best
/// combination. `None` when the window holds no usable origin.
pub fn choose(
    kinds: &[CandidateKind],
    errors: &[Vec<f64>],
    window: std::ops::Range<usize>,
) -> Option<usize> {
    let means = mean_errors(errors, window.clone());
    let best = argmin(&means, |_| true)?;
    if kinds[best].baseline || kinds[best].combination {
        return Some(best);
    }
    let Some(combo) = argmin(&means, |i| kinds[i].combination) else {
        return Some(best);
    };
    let usable = usable(errors, window.clone());
    let wins = usable
        .iter()
        .filter(|&&o| errors[best][o] < errors[combo][o])
        .count();
    Some(if 2 * wins > usable.len() { best } else { combo })
}

fn argmin(values: &[f64], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .filter(|&(i, v)| allowed(i) && v.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SINGLE: CandidateKind = CandidateKind {
        baseline: false,
        combination: false,
    };
    const BASE: CandidateKind = CandidateKind {
        baseline: true,
        combination: false,
    };
    const COMBO: CandidateKind = CandidateKind {
        baseline: false,
        combination: true,
    };

    #[test]
    fn combinations_average_and_take_medians() {
        let a = [1.0, 10.0];
        let b = [3.0, 20.0];
        let c = [8.0, 0.0];
        assert_eq!(Combine::MeanTopK(3).combine(&[&a, &b, &c]), vec![4.0, 10.0]);
        assert_eq!(Combine::Median.combine(&[&a, &b, &c]), vec![3.0, 10.0]);
        assert_eq!(Combine::Median.combine(&[&a, &b]), vec![2.0, 15.0]);
        assert_eq!(
            Combine::MeanTopK(2).members(&[0.3, f64::NAN, 0.1, 0.2]),
            vec![2, 3]
        );
        assert_eq!(Combine::from_name("median"), Some(Combine::Median));
        assert_eq!(Combine::from_name("poisson_glm"), None);
    }

    #[test]
    fn a_single_model_must_win_most_origins() {
        // The single model has the lowest mean thanks to one origin, but loses three of four to
        // the combination: the combination is chosen.
        let kinds = [BASE, SINGLE, COMBO];
        let errors = vec![
            vec![0.30, 0.30, 0.30, 0.30],
            vec![0.05, 0.22, 0.22, 0.22],
            vec![0.25, 0.20, 0.20, 0.20],
        ];
        assert_eq!(choose(&kinds, &errors, 0..4), Some(2));
        // Winning three of four, it is chosen.
        let errors = vec![
            vec![0.30, 0.30, 0.30, 0.30],
            vec![0.10, 0.18, 0.18, 0.22],
            vec![0.25, 0.20, 0.20, 0.20],
        ];
        assert_eq!(choose(&kinds, &errors, 0..4), Some(1));
        // A baseline with the lowest mean is trusted on its mean.
        let errors = vec![
            vec![0.05, 0.22, 0.22, 0.22],
            vec![0.30, 0.30, 0.30, 0.30],
            vec![0.25, 0.20, 0.20, 0.20],
        ];
        assert_eq!(choose(&kinds, &errors, 0..4), Some(0));
        // Origins outside the window do not count; an empty window chooses nothing.
        assert_eq!(choose(&kinds, &errors, 1..4), Some(2));
        assert_eq!(choose(&kinds, &errors, 2..2), None);
    }
}
