//! Solving the roster programme with HiGHS: the LP relaxation for the bound, then the MIP under a
//! time limit.
//!
//! good_lp builds the model; we hand it to HiGHS through `highs::Model` directly (good_lp's
//! `solve` drops the MIP dual bound, which we need to state the optimality gap).

use std::time::Instant;

use good_lp::{Constraint, Expression, ProblemVariables, SolverModel};
use highs::HighsModelStatus;
use serde::Serialize;

use super::error::RosterError;
use super::model::RosterModel;
use super::options::OptionSet;
use super::problem::RosterProblem;

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Wall-clock limit for the MIP, seconds; the best roster found so far is returned with its gap.
    pub time_limit_s: f64,
    /// Relative MIP gap at which HiGHS may stop early (0.005 = 0.5 %).
    pub mip_rel_gap: f64,
    /// Above this many assignment variables the MIP is solved on the LP-guided restriction.
    pub decompose_above: usize,
    /// Widen the restriction to the options of the agent's whole skill group.
    pub widen_support: bool,
    /// Whole agents per channel and break slot (`z`, `rho` integer) already in the tour MIP, not
    /// only in the allocation stage: the tour MIP then chooses shifts that whole agents can use
    /// (on the sample week 1.15 % instead of 1.23 % from the LP bound; at a 514 s voice AHT
    /// 3.2 % instead of 4.1 %), at about 1.5 times its solve time.
    pub integral_allocation: bool,
    /// What the programme minimises besides paid cost: shortfall against the requirement
    /// (default) or the channels' targets ([`crate::targets`]; the problem must carry them,
    /// [`RosterProblem::with_targets`]).
    pub objective: crate::targets::Objective,
    /// With the targets objective, one period every live channel's targets are summed over,
    /// instead of each channel's configured `period` (`None`: as configured, a day by default).
    pub target_period: Option<crate::targets::TargetPeriod>,
    /// Let the programme add people of the problem's hire options ([`crate::hire`],
    /// `rota schedule --hire`): whole people, with their shifts, where they cost less than the
    /// shortfall or missed targets they remove. Off: the configured agents only.
    pub hire: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit_s: 60.0,
            mip_rel_gap: 0.005,
            decompose_above: 1000,
            widen_support: false,
            integral_allocation: true,
            objective: crate::targets::Objective::Coverage,
            target_period: None,
            hire: false,
        }
    }
}

/// Sizes, bounds and times of one solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveStats {
    /// Columns of the programme.
    pub variables: usize,
    /// Binary assignment variables `x[a,o]` in the MIP solved.
    pub binaries: usize,
    /// Rows of the programme.
    pub constraints: usize,
    /// Optimal objective of the LP relaxation: a lower bound on every roster's objective.
    pub lp_bound: f64,
    /// Seconds spent on the LP relaxation (build + solve).
    pub lp_seconds: f64,
    /// `full` (the whole MIP) or `lp_guided` (MIP on the options the LP relaxation supports).
    pub strategy: String,
    /// Binary variables of the full programme (before any restriction).
    pub full_binaries: usize,
    /// Objective of the MIP incumbent.
    pub mip_objective: f64,
    /// HiGHS's MIP dual bound for the full programme (`-inf` when only the restricted MIP ran,
    /// whose dual bound does not bound the full programme).
    pub mip_bound: f64,
    /// HiGHS model status, e.g. `Optimal` or `ReachedTimeLimit`.
    pub mip_status: String,
    /// Seconds spent on the MIP (build + solve).
    pub mip_seconds: f64,
    /// Of which building the two models in good_lp.
    pub build_seconds: f64,
    /// How whole breaks and channels were chosen: `mip` (the allocation stage of
    /// [`super::allocate`]) or `heuristic` (the greedy post-pass of [`super::build`]).
    pub allocation: String,
    /// HiGHS status of the allocation MIP (empty when it did not run or found nothing).
    pub allocation_status: String,
    /// Seconds spent in the allocation MIP.
    pub allocation_seconds: f64,
    /// Objective of the roster the greedy post-pass would have written.
    pub heuristic_objective: f64,
}

impl SolveStats {
    /// The best lower bound known: the larger of the LP bound and the MIP dual bound.
    pub fn best_bound(&self) -> f64 {
        if self.mip_bound.is_finite() {
            self.lp_bound.max(self.mip_bound)
        } else {
            self.lp_bound
        }
    }
}

/// Per (option, break index): agents starting the break in each slot, from the `rho` variables.
pub type BreakQuota = std::collections::HashMap<(usize, usize), Vec<(usize, f64)>>;

/// The MIP solution in the model's terms.
#[derive(Debug, Clone)]
pub struct MipSolution {
    /// Chosen options per agent.
    pub chosen: Vec<Vec<usize>>,
    /// `z[g][t]`: (channel, agents) allocations per group and interval.
    pub allocation: Vec<Vec<Vec<(usize, f64)>>>,
    /// Group of each agent.
    pub group_of: Vec<usize>,
    /// Per group: (option, break index) -> [(start interval, agents)] from the break variables.
    pub break_quota: Vec<BreakQuota>,
}

/// A HiGHS solve in the model's column order.
pub(crate) struct Solved {
    pub(crate) status: HighsModelStatus,
    pub(crate) objective: f64,
    pub(crate) bound: f64,
    pub(crate) columns: Vec<f64>,
}

/// Which part of the roster the solver is working on, in a planner's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStage {
    /// The LP relaxation: the best any roster could do, which every roster is measured against.
    Bound,
    /// The tour MIP: whole shifts for every agent.
    Shifts,
    /// The allocation MIP: whole breaks and a channel per agent and interval.
    Allocation,
}

impl SolveStage {
    /// What a progress line says.
    pub fn describe(self) -> &'static str {
        match self {
            SolveStage::Bound => "working out the best week possible",
            SolveStage::Shifts => "choosing shifts",
            SolveStage::Allocation => "placing breaks and channels",
        }
    }
}

/// Where the solver is, reported while HiGHS works (for a progress bar, or a cancel button).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolverProgress {
    /// The stage.
    pub stage: SolveStage,
    /// Seconds HiGHS has spent on this stage.
    pub seconds: f64,
    /// Relative gap between the best roster found in this stage and HiGHS's bound for it
    /// (`None` before the first roster, and in the bound stage).
    pub gap: Option<f64>,
}

/// A function called often while HiGHS solves; it returns `false` to stop, after which the
/// schedule ends with [`RosterError::Cancelled`]. It must be cheap (HiGHS calls it between nodes).
pub type Watch<'a> = Option<&'a (dyn Fn(SolverProgress) -> bool + Sync)>;

/// What the HiGHS callback reaches through its user-data pointer.
struct CallbackContext<'a> {
    watch: &'a (dyn Fn(SolverProgress) -> bool + Sync),
    stage: SolveStage,
    started: Instant,
    stopped: std::sync::atomic::AtomicBool,
}

/// The C callback HiGHS calls at its interrupt points (simplex, IPM, MIP): reports progress and
/// asks HiGHS to stop when the watch says so. A panic in the watch is caught (unwinding into C is
/// undefined behaviour) and treated as "continue".
unsafe extern "C" fn highs_callback(
    kind: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    input: *mut highs_sys::HighsCallbackDataIn,
    user: *mut std::os::raw::c_void,
) {
    if user.is_null() || out.is_null() {
        return;
    }
    // SAFETY: `user` is the `CallbackContext` that `run_highs` keeps alive for the whole solve,
    // and `out` is HiGHS's callback data, valid for the duration of this call.
    let (ctx, out) = unsafe { (&*(user as *const CallbackContext<'_>), &*out) };
    let mip = kind == highs_sys::kHighsCallbackMipInterrupt as std::os::raw::c_int;
    let gap =
        (mip && out.mip_primal_bound.is_finite() && out.mip_gap.is_finite()).then_some(out.mip_gap);
    let progress = SolverProgress {
        stage: ctx.stage,
        // Measured here: HiGHS leaves `running_time` unset (-1) in its IPM callbacks.
        seconds: ctx.started.elapsed().as_secs_f64(),
        gap,
    };
    let keep_going =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (ctx.watch)(progress)))
            .unwrap_or(true);
    if !keep_going && !input.is_null() {
        ctx.stopped
            .store(true, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `input` is HiGHS's callback input, writable during an interrupt callback.
        unsafe { (*input).user_interrupt = 1 };
    }
}

/// Hands a good_lp model to HiGHS with the options of `opts` and solves it (MIP or LP).
///
/// `watch` (with the `stage` it reports) is called at HiGHS's interrupt points; when it returns
/// `false` the solve stops and this returns [`RosterError::Cancelled`].
pub(crate) fn run_highs(
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    opts: &SolveOptions,
    mip: bool,
    watch: Watch<'_>,
    stage: SolveStage,
) -> Result<Solved, RosterError> {
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| RosterError::Solver(e.to_string()))?;
    fn set<E: std::fmt::Debug>(ok: Result<(), E>, what: &str) -> Result<(), RosterError> {
        ok.map_err(|e| RosterError::Solver(format!("setting {what}: {e:?}")))
    }
    set(
        model.try_set_option("time_limit", opts.time_limit_s.max(0.1)),
        "time_limit",
    )?;
    if mip {
        set(
            model.try_set_option("mip_rel_gap", opts.mip_rel_gap.max(0.0)),
            "mip_rel_gap",
        )?;
    } else {
        // Interior point with crossover is about 8x faster than dual simplex on this LP
        // (1.3 s against 11 s on the sample week).
        set(model.try_set_option("solver", c"ipm"), "solver")?;
        // crossover to a vertex: its sparse support guides the restricted MIP
        set(
            model.try_set_option("run_crossover", c"on"),
            "run_crossover",
        )?;
    }
    if std::env::var_os("ROTA_HIGHS_LOG").is_some() {
        set(model.try_set_option("output_flag", true), "output_flag")?;
        set(
            model.try_set_option("log_to_console", true),
            "log_to_console",
        )?;
    }
    let context = watch.map(|watch| CallbackContext {
        watch,
        stage,
        started: Instant::now(),
        stopped: std::sync::atomic::AtomicBool::new(false),
    });
    if let Some(ctx) = &context {
        let highs = model.as_mut_ptr();
        // SAFETY: `highs` is the live HiGHS instance of `model`; the context outlives the solve
        // below (it is dropped at the end of this function, after `try_solve` has returned).
        unsafe {
            highs_sys::Highs_setCallback(
                highs,
                Some(highs_callback),
                ctx as *const CallbackContext<'_> as *mut std::os::raw::c_void,
            );
            let kinds: &[highs_sys::HighsInt] = if mip {
                &[highs_sys::kHighsCallbackMipInterrupt]
            } else {
                &[
                    highs_sys::kHighsCallbackSimplexInterrupt,
                    highs_sys::kHighsCallbackIpmInterrupt,
                ]
            };
            for &kind in kinds {
                highs_sys::Highs_startCallback(highs, kind);
            }
        }
    }
    let solved = model
        .try_solve()
        .map_err(|e| RosterError::Solver(format!("HiGHS failed: {e:?}")))?;
    if context
        .as_ref()
        .is_some_and(|c| c.stopped.load(std::sync::atomic::Ordering::Relaxed))
    {
        return Err(RosterError::Cancelled);
    }
    let status = solved.status();
    match status {
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(RosterError::Solver(
                "the contract rules cannot all hold at once (HiGHS: infeasible); check fixed shifts, \
                 minimum weekly hours against availability and leave, and the rules over several \
                 weeks (weekends off, averaged hours) against the previous roster's last weeks"
                    .into(),
            ))
        }
        HighsModelStatus::Unbounded => {
            return Err(RosterError::Solver("the programme is unbounded (a bug)".into()))
        }
        _ => {}
    }
    // `primal_solution_status()` of the highs crate panics when HiGHS leaves the info unset
    // (-1, seen on tiny models presolve solves outright): read the raw value, and trust an
    // Optimal model status (2 = kSolutionStatusFeasible)
    let has_solution = status == HighsModelStatus::Optimal
        || solved.int_info_value(c"primal_solution_status") == Ok(2);
    if !has_solution {
        return Err(RosterError::Solver(format!(
            "{NO_ROSTER_IN_TIME} of {} s (HiGHS status {status:?}); raise --time-limit-s",
            opts.time_limit_s
        )));
    }
    let bound = if mip {
        solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NEG_INFINITY)
    } else {
        solved.objective_value()
    };
    Ok(Solved {
        status,
        objective: solved.objective_value(),
        bound,
        columns: solved.get_solution().columns().to_vec(),
    })
}

/// The LP-guided restriction of the shift options (the decomposition of docs/ROSTER.md): agent
/// `a` keeps option `o` when the LP relaxation (a vertex, after crossover) gives `x[a,o]` weight,
/// plus every fixed shift; with `widen`, also every option the LP gives to the agent's skill group
/// as a whole (agents of a group are interchangeable, so the LP may have put the weight on a
/// colleague): a larger, slower and usually slightly better restricted MIP.
fn lp_support(
    problem: &RosterProblem,
    options: &OptionSet,
    lp: &RosterModel<'_>,
    columns: &[f64],
    threshold: f64,
    widen: bool,
) -> OptionSet {
    let value = |i: usize| columns.get(i).copied().unwrap_or(0.0);
    let mut group_support: Vec<std::collections::BTreeSet<usize>> =
        vec![Default::default(); lp.groups.len()];
    for (g, cols) in lp.group_x.iter().enumerate() {
        for (o, c) in cols {
            if value(c.idx) > threshold {
                group_support[g].insert(*o);
            }
        }
    }
    // hire candidates of one option are identical: each keeps every option the LP gives to any
    // of them (the LP, bound by the symmetry rows, may have put the weight on another one)
    let mut hire_support: Vec<std::collections::BTreeSet<usize>> =
        vec![Default::default(); problem.hire_options.len()];
    for cand in &problem.hire_candidates {
        for (o, c) in &lp.x[cand.agent] {
            if value(c.idx) > threshold {
                hire_support[cand.option].insert(*o);
            }
        }
    }
    // a re-plan keeps every option that keeps a published shift, so the restricted MIP can
    // always leave the roster as published (model::baseline)
    let published = crate::replan::Published::of(problem, options);
    // fairness (model::fairness, which the LP leaves out): an agent compared for Saturdays or
    // bank holidays keeps every option of that kind its skill group's LP support has, so the day
    // can go to whoever has had fewest. Late shifts are not widened: a late start is open most
    // weekdays to most full-timers, and keeping them all made the sample week's restricted MIP
    // half as large again (451 binaries against 315) and slow to find a first roster.
    let widened = [
        crate::fairness::FairKind::Saturday,
        crate::fairness::FairKind::BankHoliday,
    ];
    let mut fair: Vec<std::collections::BTreeSet<usize>> =
        vec![Default::default(); problem.agents.len()];
    if problem.multiweek.fairness.is_some_and(|f| f.weight > 0.0) {
        let late = problem.multiweek.fairness.map(|f| f.late_after);
        for g in crate::fairness::groups_of(problem, options) {
            if !widened.contains(&g.kind) {
                continue;
            }
            for &a in &g.agents {
                fair[a].extend(options.per_agent[a].iter().copied().filter(|&o| {
                    let opt = &options.options[o];
                    late.is_some_and(|l| g.kind.of_shift(&opt.start, &opt.end, l))
                }));
            }
        }
    }
    let per_agent = (0..problem.agents.len())
        .map(|a| {
            let g = lp.group_of[a];
            let agent = &problem.agents[a];
            let hire = problem.hire_candidates.iter().find(|c| c.agent == a);
            lp.x[a]
                .iter()
                .filter(|(o, c)| {
                    if let Some(h) = hire {
                        return hire_support[h.option].contains(o);
                    }
                    let opt = &options.options[*o];
                    let fixed = agent.fixed_shifts.iter().any(|f| {
                        problem.templates[opt.template].name == f.template
                            && opt.start.date_naive() == f.date
                            && opt.start.time() == f.start
                    });
                    let kept = published.as_ref().is_some_and(|p| p.keeps(a, opt.day, *o));
                    let compared = fair[a].contains(o) && group_support[g].contains(o);
                    fixed
                        || kept
                        || compared
                        || value(c.idx) > threshold
                        || (widen && group_support[g].contains(o))
                })
                .map(|(o, _)| *o)
                .collect()
        })
        .collect();
    OptionSet {
        options: options.options.clone(),
        per_agent,
    }
}

/// Builds and solves the MIP on option set `set`; returns the model handles, the solution and
/// the number of rows.
fn attempt<'a>(
    problem: &'a RosterProblem,
    set: &'a OptionSet,
    opts: &SolveOptions,
    limit: f64,
    build_seconds: &mut f64,
    watch: Watch<'_>,
) -> Result<(RosterModel<'a>, Solved, usize, usize), RosterError> {
    let t0 = Instant::now();
    let mut m = RosterModel::build_with(problem, set, false, opts.integral_allocation);
    *build_seconds += t0.elapsed().as_secs_f64();
    let n_vars = m.n_vars();
    let (v, o, c) = m.take_parts();
    let rows = c.len();
    let limited = SolveOptions {
        time_limit_s: limit.max(1.0),
        ..*opts
    };
    let solved = run_highs(v, o, c, &limited, true, watch, SolveStage::Shifts)?;
    Ok((m, solved, rows, n_vars))
}

/// The start of the error when HiGHS stops at its time limit without any roster.
const NO_ROSTER_IN_TIME: &str = "no roster found within the time limit";

/// Solves the LP relaxation (bound) and the MIP (roster) of `problem`.
///
/// When the programme has more than [`SolveOptions::decompose_above`] assignment variables, the
/// MIP is solved on the LP-guided restriction of the options (`lp_support`); if that restricted
/// MIP finds no roster in its time, it is given the time limit once more (so the whole solve may
/// take up to about twice `time_limit_s`); if it fails otherwise, the full MIP is solved in the
/// remaining time. The bound reported is always
/// the LP relaxation of the *full* programme (and HiGHS's dual bound when the full MIP ran).
#[tracing::instrument(skip_all, fields(time_limit_s = opts.time_limit_s))]
pub fn solve_programme(
    problem: &RosterProblem,
    options: &OptionSet,
    opts: &SolveOptions,
    watch: Watch<'_>,
) -> Result<(MipSolution, SolveStats), RosterError> {
    let started = Instant::now();
    let mut build_seconds = 0.0;
    let mut lp = RosterModel::build(problem, options, true);
    let (v, o, c) = lp.take_parts();
    build_seconds += started.elapsed().as_secs_f64();
    let lp_solved = {
        let _span = tracing::info_span!("lp_relaxation").entered();
        run_highs(v, o, c, opts, false, watch, SolveStage::Bound)?
    };
    let lp_bound = lp_solved.objective;
    let lp_seconds = started.elapsed().as_secs_f64();
    let full_binaries = lp.n_binaries();

    let started = Instant::now();
    let _span = tracing::info_span!("mip").entered();
    let restricted = (full_binaries > opts.decompose_above).then(|| {
        lp_support(
            problem,
            options,
            &lp,
            &lp_solved.columns,
            0.01,
            opts.widen_support,
        )
    });
    drop(lp);
    let remaining = |used: f64| (opts.time_limit_s - used).max(1.0);
    let (m, solved, constraints, variables, strategy) = match &restricted {
        Some(set) => match attempt(
            problem,
            set,
            opts,
            remaining(lp_seconds),
            &mut build_seconds,
            watch,
        ) {
            Ok((m, s, rows, nv)) => (m, s, rows, nv, "lp_guided"),
            Err(RosterError::Cancelled) => return Err(RosterError::Cancelled),
            // No roster at all in the time (a loaded machine, a hard week): the restricted
            // programme, which found none yet, is far likelier to find one with a second budget
            // than the full one with the second left.
            Err(RosterError::Solver(e)) if e.starts_with(NO_ROSTER_IN_TIME) => {
                tracing::warn!(error = %e, "restricted MIP found no roster in time; giving it as long again");
                match attempt(
                    problem,
                    set,
                    opts,
                    opts.time_limit_s,
                    &mut build_seconds,
                    watch,
                ) {
                    Ok((m, s, rows, nv)) => (m, s, rows, nv, "lp_guided"),
                    Err(e) => return Err(e),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "restricted MIP failed; solving the full MIP");
                let (m, s, rows, nv) = attempt(
                    problem,
                    options,
                    opts,
                    remaining(lp_seconds + started.elapsed().as_secs_f64()),
                    &mut build_seconds,
                    watch,
                )?;
                (m, s, rows, nv, "full")
            }
        },
        None => {
            let (m, s, rows, nv) = attempt(
                problem,
                options,
                opts,
                remaining(lp_seconds),
                &mut build_seconds,
                watch,
            )?;
            (m, s, rows, nv, "full")
        }
    };
    let binaries = m.n_binaries();
    let mip_seconds = started.elapsed().as_secs_f64();
    tracing::info!(?solved.status, solved.objective, solved.bound, lp_bound, strategy, "roster MIP solved");
    // HiGHS's dual bound is a bound for the full programme only when the full MIP was solved.
    let mip_bound = if strategy == "full" {
        solved.bound
    } else {
        f64::NEG_INFINITY
    };

    let col = |i: usize| solved.columns.get(i).copied().unwrap_or(0.0);
    let chosen =
        m.x.iter()
            .map(|xs| {
                xs.iter()
                    .filter(|(_, c)| col(c.idx) > 0.5)
                    .map(|(o, _)| *o)
                    .collect()
            })
            .collect();
    let allocation =
        m.z.iter()
            .map(|per_t| {
                per_t
                    .iter()
                    .map(|zs| zs.iter().map(|(c, z)| (*c, col(z.idx).max(0.0))).collect())
                    .collect()
            })
            .collect();
    let break_quota = m
        .breaks
        .iter()
        .map(|per_g| {
            per_g
                .iter()
                .map(|(o, b, slots)| {
                    let v = slots
                        .iter()
                        .map(|(q, c)| (*q, col(c.idx).max(0.0)))
                        .collect();
                    ((*o, *b), v)
                })
                .collect()
        })
        .collect();
    let stats = SolveStats {
        variables,
        binaries,
        constraints,
        lp_bound,
        lp_seconds,
        mip_objective: solved.objective,
        mip_bound,
        strategy: strategy.to_string(),
        full_binaries,
        mip_status: format!("{:?}", solved.status),
        mip_seconds,
        build_seconds,
        allocation: "heuristic".into(),
        allocation_status: String::new(),
        allocation_seconds: 0.0,
        heuristic_objective: f64::NAN,
    };
    Ok((
        MipSolution {
            chosen,
            allocation,
            group_of: m.group_of.clone(),
            break_quota,
        },
        stats,
    ))
}
