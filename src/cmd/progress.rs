//! The planning layer's [`Progress`] drawn on a terminal: a bar of replications or channels, and
//! the roster solver's bar of its time limit with HiGHS's stage and gap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rota_plan::Progress;
use rota_roster::SolverProgress;

use super::output::Output;

/// A bar of `len` units (replications, channels) that a step moves by the fraction it has done.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar on stderr, hidden with `--quiet` (and by indicatif when stderr is not a terminal).
    pub fn new(out: &Output, len: u64, template: &str) -> Self {
        let bar = if out.progress() {
            ProgressBar::new(len)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self { bar }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn step(&self, fraction: f64, doing: &str) {
        let len = self.bar.length().unwrap_or(0) as f64;
        self.bar
            .set_position((fraction.clamp(0.0, 1.0) * len).round() as u64);
        self.bar.set_message(doing.to_string());
    }
}

/// The roster solve: a bar of its time limit with the stage HiGHS is in and, once it has a
/// roster, how far that roster can be from the best possible (HiGHS's gap).
pub struct SolveBar {
    bar: ProgressBar,
    started: Instant,
    last_ms: AtomicU64,
}

impl SolveBar {
    /// A bar of `time_limit_s`, hidden with `--quiet`.
    pub fn new(out: &Output, time_limit_s: f64) -> Self {
        let bar = if out.progress() {
            ProgressBar::new((time_limit_s * 1000.0) as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:24}] {elapsed} of at most {prefix}: {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(format!("{time_limit_s:.0} s"));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self {
            bar,
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for SolveBar {
    fn step(&self, _fraction: f64, doing: &str) {
        self.bar.set_message(doing.to_string());
    }

    fn solver(&self, p: SolverProgress) {
        // HiGHS calls this between nodes, thousands of times a second: redraw every 100 ms.
        let ms = self.started.elapsed().as_millis() as u64;
        let last = self.last_ms.load(Ordering::Relaxed);
        if ms < last + 100 {
            return;
        }
        self.last_ms.store(ms, Ordering::Relaxed);
        self.bar
            .set_position(ms.min(self.bar.length().unwrap_or(u64::MAX)));
        self.bar.set_message(match p.gap {
            Some(g) => format!(
                "{}, best so far at most {:.1}% from the best possible",
                p.stage.describe(),
                100.0 * g
            ),
            None => p.stage.describe().to_string(),
        });
    }
}
