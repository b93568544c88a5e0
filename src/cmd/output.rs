//! What a command prints, chosen once for the whole command line: the planner's text (the
//! default), `--json` for scripts, `--quiet` for nothing but errors, `--verbose` for the solver's
//! own figures. Files a command writes are written whatever is printed.

use serde::Serialize;

/// Global output flags (valid before or after the subcommand).
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Output {
    /// Print the command's summary as one JSON document on stdout instead of the tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print nothing but errors (files are still written; the exit status tells success).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the solver's and models' own figures (objective, bounds, variables, statuses).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

impl Output {
    /// True when the human-readable tables are to be printed.
    pub fn text(&self) -> bool {
        !self.json && !self.quiet
    }

    /// True when progress bars and step lines may be drawn on stderr: always but with `--quiet`
    /// (with `--json` they stay on stderr, so stdout is still one JSON document).
    pub fn progress(&self) -> bool {
        !self.quiet
    }

    /// A bar of `total` steps on stderr (hidden with `--quiet`, and by indicatif itself when stderr
    /// is not a terminal), for commands made of a known number of long steps: each step's line is
    /// printed above the bar, then the bar moves on.
    pub fn steps(&self, total: u64, what: &str) -> Steps {
        let bar = if self.progress() {
            indicatif::ProgressBar::new(total)
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:24}] {pos}/{len} {msg} ({elapsed})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Steps {
            bar,
            quiet: !self.progress(),
        }
    }

    /// Prints `value` as pretty JSON when `--json` was given (and not `--quiet`).
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        if self.json && !self.quiet {
            println!("{}", serde_json::to_string_pretty(value)?);
        }
        Ok(())
    }
}

/// `--json` given to a command whose output is already a file it writes: say so instead of
/// ignoring it.
pub fn no_json(out: &Output, command: &str, instead: &str) -> anyhow::Result<()> {
    if out.json {
        anyhow::bail!("`rota {command}` has no JSON summary; {instead}");
    }
    Ok(())
}

/// Counts and hours as a manager reads them (`18983.4` -> `18,983`), as the report writes them.
pub use rota_plan::report::format::{duration, thousands};

/// The steps of a long command: see [`Output::steps`].
pub struct Steps {
    bar: indicatif::ProgressBar,
    quiet: bool,
}

impl Steps {
    /// Prints `line` above the bar (plainly on stderr when there is no terminal) and counts a step.
    pub fn done(&self, line: &str) {
        self.say(line);
        self.bar.inc(1);
    }

    /// Prints `line` above the bar without counting a step.
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
