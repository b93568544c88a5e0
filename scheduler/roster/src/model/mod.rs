//! The roster programme: a mixed-integer tour-scheduling model (Dantzig 1954 set covering,
//! extended to named agents, skills and weekly tours) built with good_lp, one submodule per
//! constraint family. The notation used in every doc comment:
//!
//! | symbol | meaning |
//! |---|---|
//! | `a`, `d`, `t`, `c`, `g` | agent, day, interval, channel, skill group (agents with the same skill set) |
//! | `O_a` | shift options (day, template, start) agent `a` may work ([`super::options`]) |
//! | `x[a,o]` in {0,1} | agent `a` works option `o` |
//! | `X[g,o]` >= 0 | number of agents of group `g` working option `o` |
//! | `y[a,d]` | `sum_{o in O_a, day(o)=d} x[a,o]`: agent `a` works on day `d` |
//! | `rho[g,o,b,q]` >= 0 | agents of group `g` on option `o` starting break `b` in interval `q` |
//! | `z[g,c,t]` >= 0 | agents of group `g` allocated to channel `c` in interval `t` |
//! | `r[c,t]` | requirement: agents (live) or workload in agent-intervals (deferred) |
//! | `s[c,t]`, `v[c,t]` >= 0 | shortfall and over-coverage (live) |
//! | `h[c,t]`, `B[c,t]`, `l[c,t]` >= 0 | handled work, backlog and overdue backlog (deferred) |
//!
//! Submodules: [`assignment`] (one shift a day, fixed shifts, group counts), [`contracts`]
//! (weekly hours, days worked, consecutive days, weekend day off, annualised hours),
//! [`multiweek`] (consecutive days across the previous roster, weekends over several weeks),
//! [`fairness`] (spread of late shifts, Saturdays, bank holidays), [`rest`] (minimum rest between
//! shifts), [`coverage`] (allocation of skill groups to live channels), [`backlog`] (deferred
//! channels as a backlog flow), [`shift_change`] (start-time changes between consecutive days),
//! [`targets`] (live channels' targets over a period, for the targets objective), [`hire`]
//! (optional agents and their "hired" indicators), [`objective`] (paid cost and penalties).

pub mod activities;
pub mod assignment;
pub mod backlog;
pub mod baseline;
pub mod contracts;
pub mod coverage;
pub mod fairness;
pub mod hire;
pub mod multiweek;
pub mod objective;
pub mod rest;
pub mod shift_change;
pub mod targets;

use good_lp::{Constraint, Expression, ProblemVariables, Variable, VariableDefinition};

use super::options::OptionSet;
use super::problem::RosterProblem;

/// A model variable together with its HiGHS column, so solutions can be read back.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// The good_lp variable (for building expressions).
    pub var: Variable,
    /// Its column index in the HiGHS model (creation order).
    pub idx: usize,
}

/// Break-start variables of one option and break: (option, break index, [(start slot, column)]).
pub type BreakVars = (usize, usize, Vec<(usize, Col)>);

/// Agents that share exactly the same skill set: the programme allocates their capacity to
/// channels in aggregate, which is exact because they are interchangeable for coverage.
#[derive(Debug, Clone)]
pub struct SkillGroup {
    /// Channel indices, sorted.
    pub skills: Vec<usize>,
    /// Agent indices.
    pub agents: Vec<usize>,
}

/// How the programme treats planned activities' time ([`activities`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityTime {
    /// Reserved continuously inside each activity's window (the LP and the tour MIP).
    Reserve,
    /// Left out: every agent-interval goes to a channel (the first allocation stage, before the
    /// sessions are placed).
    Omit,
    /// `[a][t]`: agent `a` is away in a placed session in interval `t`, taken out of its group's
    /// capacity as a constant (the allocation stage re-run around the placed sessions).
    Away(Vec<Vec<bool>>),
}

/// The programme under construction, and the handles needed to read a solution.
pub struct RosterModel<'a> {
    /// The problem.
    pub problem: &'a RosterProblem,
    /// Shift options and per-agent domains.
    pub options: &'a OptionSet,
    /// Relax binaries to \[0,1\] (the LP relaxation).
    pub relaxed: bool,
    /// Break starts `rho` and channel allocations `z` are integers (the allocation stage, where
    /// the shifts are fixed and every agent-interval must go to exactly one activity).
    pub integral_allocation: bool,
    vars: ProblemVariables,
    /// The constraints added so far.
    pub constraints: Vec<Constraint>,
    /// The objective built so far.
    pub objective: Expression,
    /// `x[a]`: (option index, column) for every option agent `a` may work.
    pub x: Vec<Vec<(usize, Col)>>,
    /// Skill groups.
    pub groups: Vec<SkillGroup>,
    /// Group of each agent.
    pub group_of: Vec<usize>,
    /// `X[g]`: (option index, column) for options some agent of `g` may work.
    pub group_x: Vec<Vec<(usize, Col)>>,
    /// `z[g][t]`: (channel, column) allocations.
    pub z: Vec<Vec<Vec<(usize, Col)>>>,
    /// `rho[g]`: (option, break index, [(start slot, column)]) break-start variables.
    pub breaks: Vec<Vec<BreakVars>>,
    /// `s[c][t]`: live shortfall (`None` where nothing is required).
    pub short: Vec<Vec<Option<Col>>>,
    /// `l[c][t]`: overdue deferred backlog.
    pub late: Vec<Vec<Option<Col>>>,
    /// `h[a]`: agent `a` is hired (`None`: the centre's own agent, always there).
    pub hired: Vec<Option<Col>>,
    /// How planned activities' time enters the capacity ([`activities`]).
    pub activity_time: ActivityTime,
}

impl<'a> RosterModel<'a> {
    /// Builds the complete programme (all constraint families and the objective).
    #[tracing::instrument(skip_all, fields(relaxed))]
    pub fn build(problem: &'a RosterProblem, options: &'a OptionSet, relaxed: bool) -> Self {
        Self::build_with(problem, options, relaxed, false)
    }

    /// Builds the complete programme; with `integral_allocation` the break starts `rho` and the
    /// channel allocations `z` are integer variables (see [`RosterModel::integral_allocation`]).
    pub fn build_with(
        problem: &'a RosterProblem,
        options: &'a OptionSet,
        relaxed: bool,
        integral_allocation: bool,
    ) -> Self {
        Self::build_full(
            problem,
            options,
            relaxed,
            integral_allocation,
            ActivityTime::Reserve,
        )
    }

    /// The allocation programme: integer `rho` and `z`, with planned activities' time as
    /// `activity_time` says ([`ActivityTime::Omit`] or [`ActivityTime::Away`]).
    pub fn build_allocation(
        problem: &'a RosterProblem,
        options: &'a OptionSet,
        activity_time: ActivityTime,
    ) -> Self {
        Self::build_full(problem, options, false, true, activity_time)
    }

    fn build_full(
        problem: &'a RosterProblem,
        options: &'a OptionSet,
        relaxed: bool,
        integral_allocation: bool,
        activity_time: ActivityTime,
    ) -> Self {
        let mut m = Self::empty(problem, options, relaxed);
        m.integral_allocation = integral_allocation;
        m.activity_time = activity_time;
        hire::add(&mut m);
        assignment::add(&mut m);
        contracts::add(&mut m);
        multiweek::add(&mut m);
        rest::add(&mut m);
        coverage::add(&mut m);
        backlog::add(&mut m);
        targets::add(&mut m);
        shift_change::add(&mut m);
        baseline::add(&mut m);
        // with the shifts fixed (the allocation stages) the spread is a constant; the LP
        // relaxation leaves it out (model::fairness: a bound still, and a faster one)
        if m.activity_time == ActivityTime::Reserve && !relaxed {
            fairness::add(&mut m);
        }
        objective::add_cost(&mut m);
        m
    }

    fn empty(problem: &'a RosterProblem, options: &'a OptionSet, relaxed: bool) -> Self {
        let n_c = problem.channels.len();
        let n_t = problem.horizon.n_intervals();
        let mut groups: Vec<SkillGroup> = Vec::new();
        let mut group_of = Vec::with_capacity(problem.agents.len());
        for a in 0..problem.agents.len() {
            let skills = problem.skill_set(a);
            let g = match groups.iter().position(|g| g.skills == skills) {
                Some(g) => g,
                None => {
                    groups.push(SkillGroup {
                        skills,
                        agents: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            groups[g].agents.push(a);
            group_of.push(g);
        }
        Self {
            problem,
            options,
            relaxed,
            integral_allocation: false,
            vars: ProblemVariables::new(),
            constraints: Vec::new(),
            objective: Expression::default(),
            x: vec![Vec::new(); problem.agents.len()],
            z: vec![vec![Vec::new(); n_t]; groups.len()],
            group_x: vec![Vec::new(); groups.len()],
            breaks: vec![Vec::new(); groups.len()],
            groups,
            group_of,
            short: vec![vec![None; n_t]; n_c],
            late: vec![vec![None; n_t]; n_c],
            hired: vec![None; problem.agents.len()],
            activity_time: ActivityTime::Reserve,
        }
    }

    /// Adds a variable and returns it with its column index.
    pub fn var(&mut self, def: VariableDefinition) -> Col {
        let idx = self.vars.len();
        let var = self.vars.add(def);
        Col { var, idx }
    }

    /// A binary variable, or a \[0,1\] continuous one in the LP relaxation.
    pub fn binary(&mut self) -> Col {
        let def = if self.relaxed {
            good_lp::variable().min(0.0).max(1.0)
        } else {
            good_lp::variable().binary()
        };
        self.var(def)
    }

    /// A non-negative continuous variable.
    pub fn nonneg(&mut self) -> Col {
        self.var(good_lp::variable().min(0.0))
    }

    /// A non-negative allocation variable (`rho`, `z`): integer in the allocation stage,
    /// continuous otherwise.
    pub fn allocation(&mut self) -> Col {
        if self.integral_allocation {
            self.var(good_lp::variable().integer().min(0.0))
        } else {
            self.nonneg()
        }
    }

    /// Adds a constraint.
    pub fn add(&mut self, c: Constraint) {
        self.constraints.push(c);
    }

    /// `y[a,d]`: the days-worked expression of agent `a` on day `d`.
    pub fn works_on(&self, a: usize, d: usize) -> Expression {
        self.x[a]
            .iter()
            .filter(|(o, _)| self.options.options[*o].day == d)
            .map(|(_, c)| c.var)
            .sum()
    }

    /// Number of variables.
    pub fn n_vars(&self) -> usize {
        self.vars.len()
    }

    /// Number of binary (or relaxed binary) variables.
    pub fn n_binaries(&self) -> usize {
        self.x.iter().map(Vec::len).sum()
    }

    /// Takes the variables, objective and constraints out for solving; the handles (`x`, `z`,
    /// ...) stay to read the solution.
    pub fn take_parts(&mut self) -> (ProblemVariables, Expression, Vec<Constraint>) {
        (
            std::mem::replace(&mut self.vars, ProblemVariables::new()),
            std::mem::take(&mut self.objective),
            std::mem::take(&mut self.constraints),
        )
    }

    /// Is live channel `c` planned against its targets ([`targets`]) rather than coverage rows?
    pub fn has_targets(&self, c: usize) -> bool {
        self.problem
            .targets
            .as_ref()
            .is_some_and(|t| t.of_channel(c).is_some())
    }

    /// Hours per interval.
    pub fn interval_hours(&self) -> f64 {
        f64::from(self.problem.horizon.interval_minutes()) / 60.0
    }
}
