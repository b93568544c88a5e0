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
pub use rota_scheduler::report::format::{duration, thousands};
