//! Invariants of the staffing models, checked on random inputs (proptest, modest case counts).

use proptest::prelude::*;
use rota_staffing::{
    evaluate, required_agents, Patience, QueueInputs, ServiceLevelDefinition, Targets,
};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// More agents never make service level, abandon rate, ASA, P(W > t) or occupancy worse.
    #[test]
    fn kpis_are_monotone_in_agents(
        calls_per_hour in 1.0f64..2000.0,
        aht in 30.0f64..1200.0,
        patience in 10.0f64..2000.0,
        threshold in 0.0f64..120.0,
    ) {
        let q = QueueInputs::from_calls_per_hour(calls_per_hour, aht, Patience::exponential(patience).unwrap()).unwrap();
        let a = q.offered_load_erl();
        let top = (a * 1.5 + 10.0) as u32;
        let mut prev = evaluate(&q, 1, threshold).unwrap();
        for n in 2..=top {
            let m = evaluate(&q, n, threshold).unwrap();
            let tol = 1e-12;
            prop_assert!(m.p_abandon <= prev.p_abandon + tol, "P(Ab) rose at n={n}");
            prop_assert!(m.sl_served_within_t + tol >= prev.sl_served_within_t, "SL rose at n={n}");
            prop_assert!(m.sl_given_served + tol >= prev.sl_given_served, "SL|served fell at n={n}");
            prop_assert!(m.asa_served_s <= prev.asa_served_s * (1.0 + tol) + tol, "ASA rose at n={n}");
            prop_assert!(m.p_wait_gt_t <= prev.p_wait_gt_t + tol);
            // Occupancy = A (1 - P(Ab)) / n: when P(Ab) is near 1 (hundreds of Erlangs on one or two
            // agents) the subtraction carries ~1e-12 of rounding, so compare at 1e-9.
            prop_assert!(m.occupancy <= prev.occupancy + 1e-9, "occupancy rose at n={n}");
            for v in [m.p_wait, m.p_abandon, m.sl_served_within_t, m.sl_given_served, m.occupancy] {
                prop_assert!((0.0..=1.0 + 1e-12).contains(&v));
            }
            prev = m;
        }
    }

    /// Erlang A tends to Erlang C as patience grows.
    #[test]
    fn erlang_a_tends_to_erlang_c(
        calls_per_hour in 10.0f64..1000.0,
        aht in 60.0f64..900.0,
        extra in 1u32..20,
        threshold in 0.0f64..60.0,
    ) {
        let qc = QueueInputs::from_calls_per_hour(calls_per_hour, aht, Patience::infinite()).unwrap();
        // Keep ρ ≤ 0.98: near ρ = 1 the convergence is real but slow (the queue is long).
        let n = (qc.offered_load_erl() / 0.98).ceil() as u32 + extra;
        let c = evaluate(&qc, n, threshold).unwrap();
        // Patience 1e8 times the AHT: abandonment is negligible.
        let qa = QueueInputs::from_calls_per_hour(calls_per_hour, aht, Patience::exponential(aht * 1e8).unwrap()).unwrap();
        let a = evaluate(&qa, n, threshold).unwrap();
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-4 * y.abs().max(1e-3);
        prop_assert!(close(a.p_wait, c.p_wait), "p_wait {} vs {}", a.p_wait, c.p_wait);
        prop_assert!(close(a.sl_served_within_t, c.sl_served_within_t));
        prop_assert!(close(a.asa_served_s, c.asa_served_s), "asa {} vs {}", a.asa_served_s, c.asa_served_s);
        prop_assert!(a.p_abandon < 1e-5);
        // And the error shrinks as patience grows.
        let qa2 = QueueInputs::from_calls_per_hour(calls_per_hour, aht, Patience::exponential(aht * 1e3).unwrap()).unwrap();
        let a2 = evaluate(&qa2, n, threshold).unwrap();
        prop_assert!((a.p_wait - c.p_wait).abs() <= (a2.p_wait - c.p_wait).abs() + 1e-12);
    }

    /// Required agents never fall when the load rises.
    #[test]
    fn required_agents_are_monotone_in_load(
        calls_per_hour in 1.0f64..1500.0,
        growth in 1.0f64..1.5,
        aht in 60.0f64..900.0,
        patience in prop::option::of(30.0f64..900.0),
    ) {
        let patience = patience.map_or(Patience::infinite(), |p| Patience::exponential(p).unwrap());
        let targets = Targets::builder()
            .max_abandon(0.1)
            .max_asa_s(120.0)
            .service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered)
            .max_occupancy(0.9)
            .max_wait(240.0, 0.95)
            .build()
            .unwrap();
        let low = QueueInputs::from_calls_per_hour(calls_per_hour, aht, patience).unwrap();
        let high = QueueInputs::from_calls_per_hour(calls_per_hour * growth, aht, patience).unwrap();
        let n_low = required_agents(&low, &targets).unwrap();
        let n_high = required_agents(&high, &targets).unwrap();
        prop_assert!(n_high.n_agents >= n_low.n_agents);
        prop_assert!(targets.is_met(&low, n_low.n_agents).unwrap().0);
        // One agent fewer misses a target (it is the smallest n).
        if n_low.n_agents > 1 {
            let fewer = targets.is_met(&low, n_low.n_agents - 1);
            prop_assert!(fewer.map_or(true, |(ok, _)| !ok));
        }
    }
}

/// 10,000 agents and 9,800 Erlangs: finite, in range, no overflow (Erlang A and C).
#[test]
fn ten_thousand_agents_evaluate() {
    for patience in [
        Patience::infinite(),
        Patience::exponential(60.0).unwrap(),
        Patience::exponential(3600.0).unwrap(),
    ] {
        let q = QueueInputs::new(9800.0 / 300.0, 300.0, patience).unwrap();
        let m = evaluate(&q, 10_000, 20.0).unwrap();
        for v in [
            m.erlang_b,
            m.p_wait,
            m.p_abandon,
            m.p_wait_gt_t,
            m.sl_served_within_t,
            m.sl_given_served,
            m.asa_all_s,
            m.asa_served_s,
            m.mean_queue,
            m.occupancy,
        ] {
            assert!(v.is_finite() && v >= 0.0, "{patience:?}: {m:?}");
        }
        assert!(m.p_wait > 0.0 && m.p_wait < 1.0);
        assert!(m.occupancy > 0.97 && m.occupancy <= 0.98 + 1e-12);
        // Below the load (Erlang A only) it still evaluates.
        if patience.mean_s().is_some() {
            let m = evaluate(&q, 9_000, 20.0).unwrap();
            assert!(m.p_abandon > 0.0 && m.p_abandon < 1.0 && m.occupancy <= 1.0);
        }
    }
    // Far more agents than load: B underflows to 0 and P(wait) is 0, not NaN.
    let q = QueueInputs::new(10.0 / 300.0, 300.0, Patience::exponential(60.0).unwrap()).unwrap();
    let m = evaluate(&q, 10_000, 20.0).unwrap();
    assert_eq!(m.p_wait, 0.0);
    assert!(m.sl_served_within_t == 1.0 && m.asa_served_s == 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Deferred work: the backlog plan answers every contact within its target and its agent-hours
    /// equal one period's work over the occupancy limit (steady state), for any arrival pattern.
    #[test]
    fn deferred_plan_meets_every_deadline(
        offered in prop::collection::vec(0.0f64..12.0, 7 * 24),
        target_hours in 1.0f64..30.0,
        worked_hours_only in any::<bool>(),
        occupancy in 0.7f64..1.0,
    ) {
        use rota_staffing::{deferred_requirement, DeferredInterval, ResponseWindow};
        // Hourly intervals for a week, worked 08:00-18:00 Monday to Friday.
        let intervals: Vec<DeferredInterval> = offered
            .iter()
            .enumerate()
            .map(|(i, &o)| DeferredInterval {
                offered: o,
                aht_s: 420.0,
                open: i / 24 < 5 && (8..18).contains(&(i % 24)),
            })
            .collect();
        let target = ResponseWindow::new(target_hours * 3600.0, worked_hours_only).unwrap();
        let out = deferred_requirement(&intervals, 3600.0, &target, occupancy).unwrap();
        let work: f64 = intervals.iter().map(|iv| iv.offered * iv.aht_s).sum();
        let capacity: f64 = out.iter().map(|o| o.kpis.agents * 3600.0 * occupancy).sum();
        prop_assert!((capacity - work).abs() <= 1e-6 * work.max(1.0), "{capacity} vs {work}");
        if worked_hours_only {
            for (i, o) in out.iter().enumerate() {
                if let Some(sl) = o.kpis.service_level {
                    prop_assert!(sl > 0.999, "interval {i}: {sl}");
                }
            }
        }
        // Independently of the model's own KPIs: replay the plan as a FIFO inbox over repeated
        // weeks (the plan is a steady state) and check every interval's work is finished by its
        // deadline, for worked-hours and clock-time targets alike.
        let open: Vec<bool> = intervals.iter().map(|iv| iv.open).collect();
        let capacity: Vec<f64> = out.iter().map(|o| o.kpis.agents * 3600.0 * occupancy).collect();
        let arrivals: Vec<f64> = intervals.iter().map(|iv| iv.offered * iv.aht_s).collect();
        let k = (target_hours.floor() as usize).max(1); // K = floor(target / one-hour interval)
        let late = fifo_late_work(&arrivals, &capacity, &open, k, worked_hours_only);
        prop_assert!(late <= 1e-6 * work.max(1.0), "{late} s of work finished after its deadline");
    }

    /// Chat: more chats never need fewer agents, and the staffing found meets the targets.
    #[test]
    fn chat_requirement_is_monotone(
        offered in 1.0f64..200.0,
        growth in 1.0f64..1.5,
        level in 1u32..4,
    ) {
        use rota_staffing::{queue_requirement, ChannelModel, ChatConcurrency};
        let targets = Targets::builder().max_abandon(0.1).max_asa_s(60.0).max_occupancy(0.85).build().unwrap();
        let patience = Patience::exponential(300.0).unwrap();
        let chat = |c: u32| ChannelModel::Chat {
            patience,
            targets,
            concurrency: ChatConcurrency::new(c, 1.0 + 0.2 * f64::from(c - 1)).unwrap(),
        };
        let low = queue_requirement(&chat(level), offered, 1800.0, 600.0).unwrap();
        let high = queue_requirement(&chat(level), offered * growth, 1800.0, 600.0).unwrap();
        prop_assert!(high.agents >= low.agents);
        prop_assert!(low.abandon_rate <= 0.1 && low.asa_seconds.unwrap() <= 60.0);
    }
}

/// The interval by whose end work arriving in interval `i` of a repeating week (`open` per
/// interval) is due, on the unrolled time line: the `k`-th open interval counted from `i` (from the
/// next opening when closed) when only worked hours count; otherwise the last open interval among
/// the `k` intervals from `i`, or the next opening when the channel is closed all that time.
/// Written from the documented rule (docs/STAFFING.md), independently of the model's code.
fn due_interval(i: usize, open: &[bool], k: usize, worked_hours_only: bool) -> usize {
    let is_open = |m: usize| open[m % open.len()];
    if worked_hours_only {
        let mut seen = 0;
        let mut m = i;
        loop {
            if is_open(m) {
                seen += 1;
                if seen == k {
                    return m;
                }
            }
            m += 1;
        }
    }
    if let Some(m) = (i..i + k).rev().find(|&m| is_open(m)) {
        return m;
    }
    (i + k..)
        .find(|&m| is_open(m))
        .expect("the week has an open interval")
}

/// Work (seconds) finished after its deadline when `capacity` (seconds of work per interval) is
/// spent on the inbox in arrival order. Four weeks are replayed from an empty inbox and the work
/// arriving in the middle two is judged, so the steady state is reached on both sides.
fn fifo_late_work(
    arrivals: &[f64],
    capacity: &[f64],
    open: &[bool],
    k: usize,
    worked_hours_only: bool,
) -> f64 {
    let week = arrivals.len();
    let span = 4 * week;
    let mut queue: std::collections::VecDeque<(usize, f64)> = Default::default();
    let mut late = 0.0;
    for m in 0..span {
        if arrivals[m % week] > 0.0 {
            queue.push_back((m, arrivals[m % week]));
        }
        let mut cap = capacity[m % week];
        while cap > 0.0 {
            let Some(front) = queue.front_mut() else {
                break;
            };
            let done = front.1.min(cap);
            front.1 -= done;
            cap -= done;
            if front.1 <= 1e-9 {
                queue.pop_front();
            }
        }
        // Whatever is still queued and was due by the end of this interval is late.
        for &(i, left) in &queue {
            if (week..3 * week).contains(&i) && due_interval(i, open, k, worked_hours_only) == m {
                late += left;
            }
        }
    }
    late
}
