//! How much the convex envelopes of the service curves lose on a real week: for every live channel
//! of a centre, the busiest interval's curves and their largest envelope gaps, the largest gaps
//! over the week, and the time to build every curve of the week.
//!
//! ```text
//! cargo run --release -p rota-staffing --example service_curves -- \
//!     [data/samples/centre.toml] [tests/fixtures/simulate/sample_week/forecast.csv]
//! ```
//!
//! `docs/STAFFING.md` ("Service curves") quotes its output on the sample centre's week.

use std::time::Instant;

use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_staffing::{
    channel_demands, forecast_points, ChannelModel, CurveSpec, Envelope, ServiceCurve,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let config_path = args
        .next()
        .unwrap_or_else(|| "data/samples/centre.toml".into());
    let forecast_path = args
        .next()
        .unwrap_or_else(|| "tests/fixtures/simulate/sample_week/forecast.csv".into());
    let config = CentreConfig::load(&config_path)?;
    let grid = config.grid();
    let interval_s = f64::from(grid.length.seconds());
    let forecast = DemandSeries::read_csv_on_grid(&forecast_path, &grid)?;
    let quantile = config.centre().planning().demand_quantile();
    let demands = channel_demands(&config, &forecast_points(&forecast, quantile))?;

    let started = Instant::now();
    let mut curves = 0usize;
    let mut points = 0usize;
    for ch in &demands {
        let asa = match ch.model {
            ChannelModel::Queue { targets, .. } | ChannelModel::Chat { targets, .. } => {
                targets.max_asa_s()
            }
            ChannelModel::Deferred { .. } => continue,
        };
        let mut week = [0.0_f64; 4];
        let mut busiest: Option<(f64, ServiceCurve, String)> = None;
        for iv in ch.intervals.iter().filter(|iv| iv.open) {
            let spec =
                CurveSpec::for_channel(&ch.model, iv.offered, interval_s, iv.aht_s, ch.shrinkage)?;
            let curve = ServiceCurve::build(&spec)?;
            curves += 1;
            points += curve.n_max() as usize + 1;
            let found = gaps(&curve, asa);
            for (w, g) in week.iter_mut().zip(found) {
                *w = w.max(g.1);
            }
            if busiest.as_ref().is_none_or(|b| iv.offered > b.0) {
                busiest = Some((iv.offered, curve, iv.start.to_rfc3339()));
            }
        }
        let Some((offered, curve, start)) = busiest else {
            continue;
        };
        let spec = curve.spec();
        println!(
            "{} busiest {start}: offered {offered:.3}, AHT {:.1} s, patience {:.0} s, shrinkage {:.2}, SL threshold {:.0} s, n_max {}",
            ch.channel,
            spec.aht_s,
            spec.patience.mean_s().unwrap_or(f64::INFINITY),
            spec.shrinkage,
            spec.threshold_s,
            curve.n_max()
        );
        let names = [
            "abandoned",
            "wait of answered (s)",
            "answered in time",
            "wait + ASA*abandoned (s)",
        ];
        for (name, (agents, gap, value, exact_from)) in names.iter().zip(gaps(&curve, asa)) {
            println!(
                "  {name:<26} largest gap {gap:>10.3} at {agents:>3} agents (true value there {value:.1}); envelope = curve from {exact_from} agents"
            );
        }
        let within_10 = (0..=curve.n_max())
            .find(|&n| curve.abandoned(n) <= 0.1 * offered)
            .unwrap_or(curve.n_max());
        let asa_env = curve.asa_envelope(asa.unwrap_or(0.0));
        println!(
            "  rostered agents for 10% abandoned: {within_10}; there the gaps are: in time {:.3}, wait + ASA*abandoned {:.1} s (true {:.1} s; {:.1} s at 0 agents)",
            curve.within_envelope().gap(within_10),
            asa_env.gap(within_10),
            asa_env.true_value(within_10),
            asa_env.true_value(0)
        );
        println!(
            "  week's largest gaps: abandoned {:.3}, wait {:.1} s, in time {:.3}, wait + ASA*abandoned {:.1} s",
            week[0], week[1], week[2], week[3]
        );
    }
    println!(
        "{curves} curves, {points} points, built in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

/// Per envelope of A, W, S and W + ASA·A (ASA target, else 0): (agents at the largest gap, the
/// gap, the true value there, the first agent count from which the envelope is the curve).
fn gaps(curve: &ServiceCurve, asa: Option<f64>) -> [(u32, f64, f64, u32); 4] {
    let one = |e: Envelope| {
        let g = e.max_gap();
        let scale = e
            .true_value(0)
            .abs()
            .max(e.true_value(e.n_max()).abs())
            .max(1.0);
        let exact_from = (0..=e.n_max())
            .rev()
            .find(|&n| e.gap(n) > 1e-9 * scale)
            .map_or(0, |n| n + 1);
        (g.agents, g.gap, e.true_value(g.agents), exact_from)
    };
    [
        one(curve.abandoned_envelope()),
        one(curve.wait_envelope()),
        one(curve.within_envelope()),
        one(curve.asa_envelope(asa.unwrap_or(0.0))),
    ]
}
