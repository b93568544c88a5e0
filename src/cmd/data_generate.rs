//! `rota data generate`: write the bundled sample centre (configuration + two years of history).

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rota_data::generate::{self, SampleFigures};

/// Generate the sample centre deterministically: `DIR/centre.toml` and `DIR/history.csv.gz`.
///
/// The same seed always gives byte-identical files; seed 42 reproduces `data/samples/`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Random seed (42 reproduces the committed sample).
    #[arg(long, default_value_t = generate::DEFAULT_SEED)]
    pub seed: u64,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    super::output::no_json(
        &out,
        "data generate",
        "it writes centre.toml and history.csv.gz",
    )?;
    let total = generate::months_in_span(generate::sample_first_day(), generate::sample_last_day());
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("simulating {msg:>8} [{bar:30}] {pos}/{len} months")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let history = generate::write_sample(&args.out, args.seed, |m| {
        bar.set_message(m.month.format("%Y-%m").to_string());
        bar.set_position(m.done as u64);
    })
    .with_context(|| format!("generating the sample centre into {}", args.out.display()))?;
    bar.finish_and_clear();
    let f = SampleFigures::of(&history);
    if !out.text() {
        return Ok(());
    }
    println!(
        "wrote {} and {}: {} rows, {} to {}, seed {}; voice {:.0} offered per weekday, {:.1}% abandoned (weekly {:.0}-{:.0}%), ASA {:.1} min",
        args.out.join(generate::CONFIG_FILE).display(),
        args.out.join(generate::HISTORY_FILE).display(),
        f.rows,
        f.span.0,
        f.span.1,
        args.seed,
        f.voice_weekday_mean,
        f.voice_abandon_rate * 100.0,
        f.voice_weekly_abandon.0 * 100.0,
        f.voice_weekly_abandon.2 * 100.0,
        f.voice_asa_seconds / 60.0,
    );
    Ok(())
}
