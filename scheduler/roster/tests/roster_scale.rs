//! Scale runs on the synthetic centre (ignored by default: they take tens of seconds).
//! `cargo test -p rota-roster --test roster_scale -- --ignored --nocapture`

use chrono::NaiveDate;
use rota_roster::{check_roster, schedule, synthetic, SolveOptions};

fn run(n: usize, limit: f64) {
    let p = synthetic::centre(n, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 42).unwrap();
    let t0 = std::time::Instant::now();
    let r = schedule(
        &p,
        &SolveOptions {
            time_limit_s: limit,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    let s = &r.summary;
    println!(
        "agents {n}: vars {} bin {} rows {} | lp {:.1}s mip {:.1}s ({}) build {:.1}s total {:.1}s | cost {:.0} hours {:.1} obj {:.0} bound {:.0} gap {:.2}% (mip obj {:.0} bound {:.0}) {} full bin {}",
        s.solver.variables, s.solver.binaries, s.solver.constraints, s.solver.lp_seconds, s.solver.mip_seconds,
        s.solver.mip_status, s.solver.build_seconds, t0.elapsed().as_secs_f64(), s.paid_cost, s.paid_hours, s.objective, s.bound, 100.0 * s.gap,
        s.solver.mip_objective, s.solver.mip_bound, s.solver.strategy, s.solver.full_binaries
    );
    for c in &s.channels {
        println!(
            "  {} req {:.1} h sched {:.1} h short {:.2} h ({} intervals)",
            c.channel, c.required_hours, c.scheduled_hours, c.shortfall_hours, c.intervals_short
        );
    }
    for d in r.diagnosis.iter().take(8) {
        println!("  - {d}");
    }
    let v = check_roster(&p, &r);
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
#[ignore]
fn sample_sized_centre() {
    run(45, 60.0);
}

#[test]
#[ignore]
fn large_centre() {
    run(500, 300.0);
}
