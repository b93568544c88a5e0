//! Errors of the staffing models, in words a planner understands.

/// Why a staffing calculation could not be done.
///
/// Every variant names the offending input and what was expected, so the CLI and the API can show
/// the message as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    /// An input number was NaN or infinite.
    #[error("{what} must be a finite number, got {value}")]
    NotFinite {
        /// Which input (e.g. "AHT (seconds)").
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// The average handle time was zero or negative.
    #[error("AHT must be greater than 0 seconds, got {0} s")]
    NonPositiveAht(f64),
    /// The offered volume (or arrival rate) was negative.
    #[error("offered volume must not be negative, got {0}")]
    NegativeVolume(f64),
    /// The mean patience was zero or negative.
    #[error("mean patience must be greater than 0 seconds, got {0} s (leave it out for Erlang C, i.e. callers who never hang up)")]
    NonPositivePatience(f64),
    /// The service-level threshold was negative.
    #[error("service-level threshold must be 0 seconds or more, got {0} s")]
    NegativeThreshold(f64),
    /// Erlang C has no steady state when agents do not exceed the offered load.
    #[error(
        "Erlang C has no steady state with {agents} agents for an offered load of {offered_load:.3} Erlangs: \
         the queue grows without limit; use more than {offered_load:.3} agents or Erlang A (give a patience)"
    )]
    Unstable {
        /// Agents asked about.
        agents: u32,
        /// Offered load in Erlangs.
        offered_load: f64,
    },
    /// A target that no finite number of agents can meet.
    #[error("impossible target: {0}")]
    ImpossibleTarget(String),
    /// A target outside its valid range.
    #[error("invalid target: {0}")]
    InvalidTarget(String),
    /// The targets would need more agents than the search allows.
    #[error("the targets need more than {limit} agents for an offered load of {} Erlangs; check the volume and AHT", erlangs(*offered_load))]
    TooManyAgents {
        /// The search limit.
        limit: u32,
        /// Offered load in Erlangs.
        offered_load: f64,
    },
    /// Callers so patient, on a queue so overloaded, that the Erlang A series would need more
    /// than [`crate::erlang::MAX_SERIES_TERMS`] terms (its cost grows with the patience).
    #[error("Erlang A with a mean patience of {} s ({} contacts arriving within it) needs more than {} terms to evaluate; check the volume and the patience (Erlang C is for callers who never hang up)", erlangs(*patience_s), erlangs(*arrivals), crate::erlang::MAX_SERIES_TERMS)]
    TooPatient {
        /// Arrival rate per second times the mean patience in seconds.
        arrivals: f64,
        /// The mean patience, seconds.
        patience_s: f64,
    },
    /// A channel parameter (concurrency, handle-time factor, shrinkage, response target) was invalid.
    #[error("invalid channel setting: {0}")]
    InvalidChannel(String),
}

/// An offered load as a planner reads it: `812.5`, and `3.333e303` (not 304 digits) or `infinite`
/// when the volume or AHT given is far outside any contact centre's.
fn erlangs(load: f64) -> String {
    if !load.is_finite() {
        "infinite".to_string()
    } else if load.abs() >= 1e9 {
        format!("{load:.3e}")
    } else {
        format!("{load:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_loads_are_shown_short() {
        let e = |offered_load| {
            StaffingError::TooManyAgents {
                limit: 2_000_000,
                offered_load,
            }
            .to_string()
        };
        assert!(e(812.54).contains("offered load of 812.5 Erlangs"));
        assert!(e(3.333e303).contains("offered load of 3.333e303 Erlangs"));
        assert!(e(f64::INFINITY).contains("offered load of infinite Erlangs"));
    }
}
