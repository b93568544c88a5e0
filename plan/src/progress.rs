//! How a planning step tells its caller what it is doing, and learns that it should stop.
//!
//! The steps run for seconds (a forecast) to an hour (a roster with a long time limit). A planner
//! at a terminal wants a bar that moves; the API wants its job row updated and a cancel to stop
//! HiGHS itself, not only the steps after it. Both are this one trait, so no step knows who is
//! watching.

use rota_roster::SolverProgress;

/// What a step reports while it runs, and how it is asked to stop. Every method has a default, so
/// a caller implements only what it shows.
pub trait Progress: Sync {
    /// The step has done `fraction` (0 to 1) of its work and is now `doing` this (a planner's
    /// words: "forecasting voice", "replication 4 of 10").
    fn step(&self, fraction: f64, doing: &str) {
        let _ = (fraction, doing);
    }

    /// The roster solver's stage and, once it has a roster, how far that roster may be from the
    /// best possible. Called between branch-and-bound nodes, so often: keep it cheap.
    fn solver(&self, progress: SolverProgress) {
        let _ = progress;
    }

    /// True once the caller wants the step to stop; the step then ends with
    /// [`crate::PlanningError::Cancelled`] at its next check (between channels, between
    /// replications, and between HiGHS's nodes).
    fn stop_requested(&self) -> bool {
        false
    }
}

/// Reports nothing and never stops: for tests, examples and steps nested inside a larger one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// A caller's progress seen through a window: this step's 0..1 is mapped to `from..to` of the
/// caller's, so a step inside a larger one (the roster inside a scenario) moves the same bar.
pub struct Within<'a> {
    /// The caller's progress.
    pub outer: &'a dyn Progress,
    /// Where this step starts on the caller's scale.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
}

impl Progress for Within<'_> {
    fn step(&self, fraction: f64, doing: &str) {
        self.outer.step(
            self.from + (self.to - self.from) * fraction.clamp(0.0, 1.0),
            doing,
        );
    }

    fn solver(&self, progress: SolverProgress) {
        self.outer.solver(progress);
    }

    fn stop_requested(&self) -> bool {
        self.outer.stop_requested()
    }
}
