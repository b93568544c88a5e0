//! `rota`: the command line for planners and analysts.
//!
//! This binary only parses arguments, calls the library crates and prints; every decision about
//! contact-centre maths lives in `rota-data`, `rota-forecasting`, `rota-scheduler` and `rota-api`.

mod cmd;

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
    /// Forecast offered contacts and handle time per channel and interval.
    Forecast(cmd::forecast::Args),
    /// Rolling-origin backtest of every forecasting model against the baselines.
    Backtest(cmd::backtest::Args),
    /// Replay a roster against demand in a discrete-event simulation; KPIs against targets.
    Simulate(cmd::simulate::Args),
    /// What-if scenarios side by side: volumes, AHT, skills, headcount, targets.
    Scenario(cmd::scenario::Args),
    /// Performance report per channel and week from history (table, CSV, HTML).
    Report(cmd::report::Args),
    /// Start the HTTP service for managers (JSON API and dashboard).
    Serve(cmd::serve::Args),
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Validate an interval history export and print its summary; exits non-zero on invalid data.
    Check(cmd::data_check::Args),
    /// Generate the sample centre (configuration and two years of history) deterministically.
    Generate(cmd::data_generate::Args),
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Data(DataCommand::Check(args)) => cmd::data_check::run(args),
        Command::Data(DataCommand::Generate(args)) => cmd::data_generate::run(args),
        Command::Erlang(args) => cmd::erlang::run(args),
        Command::Staff(args) => cmd::staff::run(args),
        Command::Schedule(args) => cmd::schedule::run(args),
        Command::Forecast(args) => cmd::forecast::run(args),
        Command::Backtest(args) => cmd::backtest::run(args),
        Command::Simulate(args) => cmd::simulate::run(args),
        Command::Scenario(args) => cmd::scenario::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// One subscriber for the whole process, filtered by `RUST_LOG` (default: warnings only, so the
/// printed reports stay clean; HiGHS's own "time limit reached" warnings are left out by default
/// because the roster summary already states the solver status and gap).
/// `ROTA_LOG_FORMAT=json` switches to structured JSON lines.
fn init_tracing() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,highs=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("ROTA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
