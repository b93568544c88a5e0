//! `rota`: the command line for planners and analysts.
//!
//! This binary only parses arguments, calls the library crates and prints; every decision about
//! contact-centre maths lives in `rota-data`, `rota-forecasting`, `rota-scheduler` and `rota-api`.

mod cmd;

/// Counts each service job's memory, so a job past its budget is stopped with a clear message
/// instead of taking the process down (`rota_api::memory`). Outside a job it only forwards to
/// the system allocator.
#[global_allocator]
static ALLOCATOR: rota_api::memory::Counting = rota_api::memory::Counting;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Rota: workforce management for contact centres.
///
/// Turns contact history into a forecast, staffing requirements, an optimised roster and a simulated
/// check of the KPIs managers are judged on (abandon rate, ASA, service level).
#[derive(Debug, Parser)]
#[command(name = "rota", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    output: cmd::output::Output,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Interval history: check an ACD export, generate the bundled sample centre.
    #[command(subcommand)]
    Data(DataCommand),
    /// Erlang C / Erlang A calculator: KPIs for N agents, or the agents needed for targets.
    Erlang(cmd::erlang::Args),
    /// Required agents per channel and interval for a forecast, or KPIs for a given staffing.
    Staff(cmd::staff::Args),
    /// Build an optimised shift roster for a week from staffing requirements (HiGHS).
    Schedule(cmd::schedule::Args),
    /// Re-plan a published roster around an absence, changing as few other shifts as it can.
    Replan(cmd::replan::Args),
    /// Forecast offered contacts and handle time per channel and interval.
    Forecast(cmd::forecast::Args),
    /// Rolling-origin backtest of every forecasting model against the baselines.
    Backtest(cmd::backtest::Args),
    /// Replay a roster against demand in a discrete-event simulation; KPIs against targets.
    Simulate(cmd::simulate::Args),
    /// Each agent's schedule from a roster: iCalendar per agent, CSV, XLSX or a printable grid.
    Export(cmd::export::Args),
    /// Today: re-forecast from the day's actuals, the day's KPIs as staffed, what to do now.
    Intraday(cmd::intraday::Args),
    /// Agents' adherence to the roster from their state events: adherence, conformance, exceptions.
    Adherence(cmd::adherence::Args),
    /// What-if scenarios side by side: volumes, AHT, skills, headcount, targets.
    Scenario(cmd::scenario::Args),
    /// Performance report per channel and week from history (table, CSV, HTML).
    Report(cmd::report::Args),
    /// The planned week on one page: contacts, staff needed and rostered, cost, predicted KPIs.
    Brief(cmd::brief::Args),
    /// Start the HTTP service for managers (JSON API and dashboard).
    Serve(cmd::serve::Args),
    /// Users and API keys of the service: add (prints the key), list, revoke.
    #[command(subcommand)]
    Users(cmd::users::Command),
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Validate an interval history export and print its summary; exits non-zero on invalid data.
    Check(cmd::data_check::Args),
    /// Generate the sample centre (configuration and two years of history) deterministically.
    Generate(cmd::data_generate::Args),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    init_tracing();
    let cli = parse_arguments();
    let out = cli.output;
    let result = match cli.command {
        Command::Data(DataCommand::Check(args)) => cmd::data_check::run(args, out),
        Command::Data(DataCommand::Generate(args)) => cmd::data_generate::run(args, out),
        Command::Erlang(args) => cmd::erlang::run(args, out),
        Command::Staff(args) => cmd::staff::run(args, out),
        Command::Schedule(args) => cmd::schedule::run(args, out),
        Command::Replan(args) => cmd::replan::run(args, out),
        Command::Forecast(args) => cmd::forecast::run(args, out),
        Command::Backtest(args) => cmd::backtest::run(args, out),
        Command::Simulate(args) => cmd::simulate::run(args, out),
        Command::Export(args) => cmd::export::run(args, out),
        Command::Intraday(args) => cmd::intraday::run(args, out),
        Command::Adherence(args) => cmd::adherence::run(args, out),
        Command::Scenario(args) => cmd::scenario::run(args, out),
        Command::Report(args) => cmd::report::run(args, out),
        Command::Brief(args) => cmd::brief::run(args, out),
        Command::Serve(args) => cmd::serve::run(args, out),
        Command::Users(command) => cmd::users::run(command, out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_chain(&err));
            ExitCode::FAILURE
        }
    }
}

/// The command line, with `-1` (or `-0.5`) read as the value of an option that takes one, so that
/// `--time-limit-s -1` is judged by the option's own parser and range ("-1 is not in 1..=28")
/// rather than taken for an unknown flag ("unexpected argument '-1' found").
fn parse_arguments() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let matches = negative_numbers_are_values(Cli::command()).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Every option of `cmd` and its subcommands that takes a value accepts a negative number as it.
fn negative_numbers_are_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        if a.get_action().takes_values() {
            a.allow_negative_numbers(true)
        } else {
            a
        }
    })
    .mut_subcommands(negative_numbers_are_values)
}

/// `rota ... | head` closes the pipe early; that is the reader's choice, not a failure. Rust ignores
/// SIGPIPE, so the next `println!` panics with "failed printing to stdout: Broken pipe": end the
/// process quietly with success instead, as `cat` or `grep` would. Every other panic keeps the
/// default report.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// The error and its causes, each said once: "context: cause: cause". A library error that already
/// quotes its source in its own message (thiserror's `{0}` with `#[from]`) would otherwise repeat
/// it, so a cause whose text is already in the message is left out.
fn error_chain(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// One subscriber for the whole process, filtered by `RUST_LOG` (default: warnings only, so the
/// printed reports stay clean; HiGHS's own "time limit reached" warnings are left out by default
/// because the roster summary already states the solver status and gap).
/// Every long step runs in a span; each span is logged when it closes, with the time it took, so
/// `RUST_LOG=info` shows where a command's time went. Colours only when stderr is a terminal, so a
/// log file or a CI transcript stays plain text.
/// `ROTA_LOG_FORMAT=json` switches to structured JSON lines.
fn init_tracing() {
    use std::io::IsTerminal;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,highs=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if std::env::var("ROTA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A library error that quotes its source in its own message, as thiserror's
    /// `#[error("...: {0}")]` with `#[from]` does.
    #[derive(Debug)]
    struct Quoting(std::io::Error);

    impl std::fmt::Display for Quoting {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "invalid channel setting: {}", self.0)
        }
    }

    impl std::error::Error for Quoting {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let err = anyhow::Error::new(Quoting(std::io::Error::other("concurrency must be >= 1")))
            .context("planning chat");
        // anyhow's alternate form repeats the quoted source...
        assert_eq!(
            format!("{err:#}"),
            "planning chat: invalid channel setting: concurrency must be >= 1: concurrency must be >= 1"
        );
        // ...the chain printed by `rota` does not.
        assert_eq!(
            error_chain(&err),
            "planning chat: invalid channel setting: concurrency must be >= 1"
        );
        let plain = anyhow::anyhow!("no such file").context("reading centre.toml");
        assert_eq!(error_chain(&plain), "reading centre.toml: no such file");
    }
}
