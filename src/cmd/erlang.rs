//! `rota erlang`: the Erlang C / Erlang A calculator every planner keeps open.
//!
//! Parses the flags into an [`ErlangRequest`], runs [`erlang_calculator`] (the same function as the
//! API's stateless staffing endpoint) and prints a table or JSON.

use clap::ValueEnum;
use rota_staffing::{
    erlang_calculator, CalculatorMode, ErlangModel, ErlangRequest, ErlangResponse,
    ServiceLevelDefinition,
};

/// Queueing model.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Model {
    /// Erlang C (M/M/n): callers never hang up.
    C,
    /// Erlang A (M/M/n+M): exponential patience, callers abandon.
    A,
}

/// Which share the service level is.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SlDefinition {
    /// Answered within the threshold over all offered contacts (abandoned ones count as failures).
    Offered,
    /// Answered within the threshold over answered contacts.
    Answered,
}

/// KPIs for N agents, or the agents needed to meet targets.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("question").required(true).multiple(true)
    .args(["agents", "max_abandon", "max_asa_s", "service_level", "max_occupancy"])))]
pub struct Args {
    /// Queueing model: c (no abandonment) or a (with --patience-s).
    #[arg(long, value_enum, default_value = "a")]
    pub model: Model,
    /// Offered contacts per hour: 0 to 400,000.
    #[arg(long, value_parser = super::bounds::calls_per_hour)]
    pub calls_per_hour: f64,
    /// Average handle time in seconds (talk + hold + after-contact work): at most 86,400.
    #[arg(long, value_parser = super::bounds::aht_s)]
    pub aht_s: f64,
    /// Mean patience in seconds (Erlang A).
    #[arg(long, allow_negative_numbers = true)]
    pub patience_s: Option<f64>,
    /// Evaluate this many agents (0 to 2,000,000).
    #[arg(long, conflicts_with_all = ["max_abandon", "max_asa_s", "service_level", "max_occupancy"],
        value_parser = clap::value_parser!(u32).range(0..=i64::from(rota_staffing::MAX_AGENTS)))]
    pub agents: Option<u32>,
    /// Target: largest abandon rate, share (e.g. 0.1).
    #[arg(long)]
    pub max_abandon: Option<f64>,
    /// Target: largest ASA of answered contacts, seconds (e.g. 120).
    #[arg(long)]
    pub max_asa_s: Option<f64>,
    /// Target: service level share (e.g. 0.8) answered within --threshold-s.
    #[arg(long)]
    pub service_level: Option<f64>,
    /// Service-level threshold in seconds.
    #[arg(long, default_value_t = 20.0)]
    pub threshold_s: f64,
    /// Which service-level definition the target uses.
    #[arg(long, value_enum, default_value = "offered")]
    pub sl_definition: SlDefinition,
    /// Target: largest occupancy, share (e.g. 0.9).
    #[arg(long)]
    pub max_occupancy: Option<f64>,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    let request = ErlangRequest {
        model: match args.model {
            Model::C => ErlangModel::C,
            Model::A => ErlangModel::A,
        },
        calls_per_hour: args.calls_per_hour,
        aht_s: args.aht_s,
        patience_s: args.patience_s,
        agents: args.agents,
        max_abandon: args.max_abandon,
        max_asa_s: args.max_asa_s,
        service_level: args.service_level,
        threshold_s: Some(args.threshold_s),
        sl_definition: match args.sl_definition {
            SlDefinition::Offered => ServiceLevelDefinition::ServedWithinOfOffered,
            SlDefinition::Answered => ServiceLevelDefinition::GivenServed,
        },
        max_occupancy: args.max_occupancy,
    };
    let answer = erlang_calculator(&request)?;
    if out.text() {
        print_table(&answer);
    }
    out.json(&answer)
}

fn print_table(r: &ErlangResponse) {
    let model = match r.model {
        ErlangModel::C => "Erlang C (no abandonment)",
        ErlangModel::A => "Erlang A (exponential patience)",
    };
    let t = r.threshold_s;
    let row = |label: String, value: String| println!("{label:<36}{value:>12}");
    let pct = |x: f64| format!("{:.2}%", 100.0 * x);
    println!("{model}, offered load {:.3} Erlangs", r.offered_load_erl);
    let agents_label = match r.mode {
        CalculatorMode::Required => "required agents",
        CalculatorMode::Evaluate => "agents",
    };
    row(agents_label.into(), r.n_agents.to_string());
    row("probability of waiting".into(), pct(r.p_wait));
    row("abandon rate".into(), pct(r.p_abandon));
    row(
        format!("service level {t} s (of offered)"),
        pct(r.sl_served_within_t),
    );
    row(
        format!("service level {t} s (of answered)"),
        pct(r.sl_given_served),
    );
    row(
        "ASA of answered contacts".into(),
        format!("{:.1} s", r.asa_served_s),
    );
    row(
        "mean wait of all offered".into(),
        format!("{:.1} s", r.asa_all_s),
    );
    row("mean queue length".into(), format!("{:.2}", r.mean_queue));
    row("occupancy".into(), pct(r.occupancy));
    if let Some(met) = r.targets_met {
        row("targets met".into(), if met { "yes" } else { "no" }.into());
    }
}
