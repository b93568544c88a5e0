//! Background jobs: forecasts, schedules and simulations run on their own threads, never on the
//! HTTP workers. Each job is a row in `jobs` (queued -> running -> succeeded | failed | cancelled)
//! with a progress figure (0..1) and the current step in words; the result is stored in the same
//! transaction that marks the job succeeded, so a job never claims a result that is not there.
//!
//! Cancellation is cooperative: `cancel` marks a queued job cancelled at once, and raises a flag
//! that a running job checks between its steps; a HiGHS solve polls it between nodes (through
//! `schedule_watched`) and stops within a fraction of a second.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Condvar;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::db::{Claimed, Db, DbError, JobKind, JobStatus, Lease};
use crate::memory::JobMemory;

/// How a job ended other than with success.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    /// The user cancelled it.
    #[error("cancelled")]
    Cancelled,
    /// It failed; the message is shown to the user.
    #[error("{0}")]
    Failed(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a running job may do: report progress and check for cancellation.
pub struct JobContext {
    /// The job's id.
    pub id: i64,
    /// The database.
    pub db: Db,
    cancel: Arc<AtomicBool>,
}

impl JobContext {
    /// Records progress (0..1) and the current step.
    pub fn progress(&self, progress: f64, message: &str) {
        if let Err(e) = self.db.job_progress(self.id, progress, message) {
            tracing::warn!(job = self.id, error = %e, "cannot record job progress");
        }
    }

    /// True once the user asked to stop (cheap: for solver callbacks that poll it between nodes).
    pub fn cancel_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once the user asked to stop.
    pub fn check_cancelled(&self) -> Result<(), JobFailure> {
        if self.cancel.load(Ordering::SeqCst) {
            Err(JobFailure::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Reports progress rising from `from` towards `to` over `expected` while `work` runs (for
    /// single long calls such as a solve, whose own progress is not observable).
    pub fn timed<T>(
        &self,
        from: f64,
        to: f64,
        expected: Duration,
        message: &str,
        work: impl FnOnce() -> T,
    ) -> T {
        let done = Arc::new(AtomicBool::new(false));
        let ticker = {
            let done = Arc::clone(&done);
            let db = self.db.clone();
            let id = self.id;
            let message = message.to_string();
            std::thread::spawn(move || {
                let start = Instant::now();
                while !done.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(250));
                    let frac =
                        (start.elapsed().as_secs_f64() / expected.as_secs_f64().max(0.1)).min(0.99);
                    let _ = db.job_progress(id, from + (to - from) * frac, &message);
                }
            })
        };
        self.progress(from, message);
        let out = work();
        done.store(true, Ordering::SeqCst);
        let _ = ticker.join();
        out
    }
}

/// A unit of work: given its context, stores its result and marks the job succeeded (one
/// transaction), or fails.
pub type Work = Box<dyn FnOnce(&JobContext) -> Result<(), JobFailure> + Send + 'static>;

/// Rebuilds the work of a job from its stored request, on a node other than the one it was
/// submitted to (or after a restart); an error fails the job with its message.
pub type Resume = Arc<dyn Fn(&Db, &Claimed) -> Result<Work, JobFailure> + Send + Sync>;

/// A job submitted here, waiting for a worker (here or, if resumable, on any node).
struct Held {
    work: Work,
    /// The span of the request that submitted the job (its request id), parent of the job's span.
    parent: tracing::Span,
}

/// A job one of this node's workers is running.
struct Running {
    centre: i64,
    cancel: Arc<AtomicBool>,
    /// Raised by the heartbeat when another node holds the job now: the work stops and records
    /// nothing.
    lost: Arc<AtomicBool>,
}

/// This node's share of the queue: the queue itself is the `jobs` table.
#[derive(Default)]
struct Local {
    held: HashMap<i64, Held>,
    running: HashMap<i64, Running>,
    /// False once the runner is shutting down: nothing new is accepted or claimed.
    open: bool,
}

impl Local {
    /// Centres that hold as many of this node's `workers` as they may: with two or more workers
    /// one is always left for the other centres, so one centre's long solves never keep
    /// another centre's forecast waiting.
    fn full_centres(&self, workers: usize) -> Vec<i64> {
        let cap = if workers > 1 { workers - 1 } else { 1 };
        let mut count: HashMap<i64, usize> = HashMap::new();
        for r in self.running.values() {
            *count.entry(r.centre).or_default() += 1;
        }
        let mut full: Vec<i64> = count
            .into_iter()
            .filter(|&(_, n)| n >= cap)
            .map(|(c, _)| c)
            .collect();
        full.sort_unstable();
        full
    }
}

struct Shared {
    db: Db,
    lease: Lease,
    resume: Resume,
    workers: usize,
    budget: Budget,
    local: Mutex<Local>,
    wake: Condvar,
    /// Set by [`JobRunner::shutdown`]: a job that stops because of it was interrupted, not
    /// cancelled by its user.
    stopping: AtomicBool,
}

/// The job queue's workers on this node. Jobs are rows of `jobs`: a worker claims one (the oldest
/// of the centre with the fewest running; `FOR UPDATE SKIP LOCKED` on PostgreSQL), holds it with a
/// lease that a heartbeat renews, and records how it ended. A node that stops loses its leases; a
/// job whose lease expired is taken up by any node that can rebuild it from its request
/// ([`Resume`]), at most `max_attempts` starts in all, and then fails with the reason.
pub struct JobRunner {
    shared: Arc<Shared>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// How often an idle worker looks for a job submitted on another node (or whose lease expired).
const POLL: Duration = Duration::from_millis(250);

/// How long a job may run and how much memory it may hold: past either, the job is stopped at
/// its next check and fails saying which, and it is not retried.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Longest run.
    pub time: Duration,
    /// Most live memory, bytes ([`crate::memory`]; kept only where the counting allocator is
    /// the process's).
    pub memory: u64,
}

/// Which budget stopped a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spent {
    Time,
    Memory,
}

/// The watchdog of one running job: raises `cancel` once the job passes its time or memory
/// budget, unless `done` is raised first, and says which.
fn watch(
    budget: Budget,
    memory: Option<Arc<JobMemory>>,
    cancel: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Option<Spent>> {
    let deadline = Instant::now() + budget.time;
    std::thread::spawn(move || {
        let spent = loop {
            if done.load(Ordering::SeqCst) {
                return None;
            }
            if memory.as_ref().is_some_and(|m| m.over()) {
                break Spent::Memory;
            }
            if Instant::now() >= deadline {
                break Spent::Time;
            }
            std::thread::sleep(Duration::from_millis(50).min(budget.time));
        };
        cancel.store(true, Ordering::SeqCst);
        Some(spent)
    })
}

impl std::fmt::Debug for JobRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JobRunner({})", self.shared.lease.node)
    }
}

impl JobRunner {
    /// Starts `threads` workers and the heartbeat; a job past its `budget` (time or memory) is
    /// stopped and fails. `resume` rebuilds the kinds `lease.resumable` names from their request.
    pub fn start(db: Db, threads: usize, budget: Budget, lease: Lease, resume: Resume) -> Self {
        let workers = threads.max(1);
        let shared = Arc::new(Shared {
            db,
            lease,
            resume,
            workers,
            budget,
            local: Mutex::new(Local {
                open: true,
                ..Local::default()
            }),
            wake: Condvar::new(),
            stopping: AtomicBool::new(false),
        });
        let handles: Vec<JoinHandle<()>> = (0..workers)
            .map(|n| {
                let shared = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("rota-job-{n}"))
                    .spawn(move || worker(&shared))
                    .expect("spawning a job thread at startup")
            })
            .collect();
        // The heartbeat is not waited for at shutdown: it ends by itself once the workers have.
        let beat = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("rota-job-heartbeat".into())
            .spawn(move || heartbeat(&beat))
            .expect("spawning the heartbeat thread at startup");
        Self {
            shared,
            workers: Mutex::new(handles),
        }
    }

    /// This node's id.
    pub fn node(&self) -> &str {
        &self.shared.lease.node
    }

    /// Records a queued job held by this node and wakes a worker; returns the job id.
    pub fn submit(
        &self,
        kind: JobKind,
        centre_id: i64,
        params: &serde_json::Value,
        work: Work,
    ) -> Result<i64, DbError> {
        let sh = &self.shared;
        let id = sh
            .db
            .insert_held_job(kind, centre_id, params, Some(&sh.lease))?;
        let accepted = sh.local.lock().ok().map(|mut l| {
            if l.open {
                l.held.insert(
                    id,
                    Held {
                        work,
                        parent: tracing::Span::current(),
                    },
                );
            }
            l.open
        });
        sh.wake.notify_all();
        if accepted != Some(true) {
            sh.db.finish_job(
                id,
                JobStatus::Failed,
                None,
                Some("the service is shutting down"),
            )?;
        }
        Ok(id)
    }

    /// Asks a job to stop. Returns the job's status after the request (`None`: no such job). A
    /// job running on another node stops at that node's next heartbeat.
    pub fn cancel(&self, id: i64) -> Result<Option<JobStatus>, DbError> {
        if let Ok(l) = self.shared.local.lock() {
            if let Some(r) = l.running.get(&id) {
                r.cancel.store(true, Ordering::SeqCst);
            }
        }
        self.shared.db.cancel_queued_job(id)
    }

    /// Graceful stop: no new jobs, running jobs are asked to cancel, and workers get `grace` to
    /// record how their job ended. What is still running then is handed back (its lease ends
    /// now): another node takes it up on PostgreSQL, the restarted process on SQLite, rebuilt
    /// from its request with the start counted.
    pub fn shutdown(&self, grace: Duration) {
        let sh = &self.shared;
        sh.stopping.store(true, Ordering::SeqCst);
        if let Ok(mut l) = sh.local.lock() {
            l.open = false;
            for r in l.running.values() {
                r.cancel.store(true, Ordering::SeqCst);
            }
        }
        sh.wake.notify_all();
        let deadline = Instant::now() + grace;
        let handles: Vec<_> = self
            .workers
            .lock()
            .map(|mut w| w.drain(..).collect())
            .unwrap_or_default();
        let mut unfinished = false;
        for h in handles {
            while !h.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if h.is_finished() {
                let _ = h.join();
            } else {
                unfinished = true;
            }
        }
        // A step that does not poll its flag (a long simulation replication, say) may still be
        // running; rather than keep the service from stopping, its job is recorded now and the
        // process may exit.
        if unfinished || sh.local.lock().map(|l| !l.held.is_empty()).unwrap_or(false) {
            let node = sh.lease.node.as_str();
            match sh.db.release_jobs(node) {
                Ok(n) => tracing::warn!(
                    jobs = n,
                    "jobs unfinished at shutdown handed back, to be taken up again"
                ),
                Err(e) => {
                    tracing::error!(error = %e, "cannot record the jobs unfinished at shutdown")
                }
            }
        }
    }
}

/// Renews this node's leases every third of a lease; tells running work it lost its job (taken
/// over after a stall) or that a cancel was asked for on another node.
fn heartbeat(sh: &Shared) {
    let every = Duration::from_millis((sh.lease.duration_ms / 3).max(20) as u64);
    loop {
        let ids: Vec<i64> = match sh.local.lock() {
            Ok(l) if l.open || !l.running.is_empty() => {
                l.held.keys().chain(l.running.keys()).copied().collect()
            }
            _ => return,
        };
        match sh.db.heartbeat(&sh.lease, &ids) {
            Ok(kept) => {
                let kept: HashMap<i64, bool> = kept.into_iter().collect();
                if let Ok(mut l) = sh.local.lock() {
                    l.held
                        .retain(|id, _| kept.contains_key(id) || !ids.contains(id));
                    for (id, r) in &l.running {
                        match kept.get(id) {
                            Some(true) => r.cancel.store(true, Ordering::SeqCst),
                            Some(false) => {}
                            None if ids.contains(id) => {
                                r.lost.store(true, Ordering::SeqCst);
                                r.cancel.store(true, Ordering::SeqCst);
                            }
                            None => {}
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot renew the job leases"),
        }
        std::thread::sleep(every);
    }
}

fn worker(sh: &Shared) {
    loop {
        let (own, full) = {
            let Ok(l) = sh.local.lock() else { return };
            if !l.open {
                return;
            }
            let own: Vec<i64> = l.held.keys().copied().collect();
            (own, l.full_centres(sh.workers))
        };
        let claimed = match sh.db.claim_job(&sh.lease, &own, &full) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim a job");
                None
            }
        };
        let Some(job) = claimed else {
            let Ok(l) = sh.local.lock() else { return };
            let _ = sh.wake.wait_timeout(l, POLL);
            continue;
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let lost = Arc::new(AtomicBool::new(false));
        let held = sh.local.lock().ok().and_then(|mut l| {
            l.running.insert(
                job.id,
                Running {
                    centre: job.centre_id,
                    cancel: Arc::clone(&cancel),
                    lost: Arc::clone(&lost),
                },
            );
            l.held.remove(&job.id)
        });
        let (work, parent) = match held {
            Some(h) => (Ok(h.work), h.parent),
            None => ((sh.resume)(&sh.db, &job), tracing::Span::none()),
        };
        let span = tracing::info_span!(parent: &parent, "job", job = job.id, centre = job.centre_id,
            attempt = job.attempt, node = %sh.lease.node);
        span.in_scope(|| {
            if let Some(from) = &job.taken_from {
                tracing::warn!(from = %from, "job taken up after its node's lease expired");
            }
            match work {
                Ok(work) => run_one(sh, job.id, cancel, &lost, work),
                Err(failure) => {
                    let _ = sh.db.finish_job(
                        job.id,
                        JobStatus::Failed,
                        None,
                        Some(&failure.to_string()),
                    );
                }
            }
        });
        if let Ok(mut l) = sh.local.lock() {
            l.running.remove(&job.id);
        }
        sh.wake.notify_all();
    }
}

fn run_one(sh: &Shared, id: i64, cancel: Arc<AtomicBool>, lost: &AtomicBool, work: Work) {
    let db = &sh.db;
    let budget = sh.budget;
    // The job's memory is counted on its own thread and its own rayon pool (its parallel steps
    // run there, not queued behind another job's on a shared pool).
    let memory = if crate::memory::counting() {
        let opened = JobMemory::open(budget.memory).map(Arc::new);
        if opened.is_none() {
            tracing::warn!("no memory account free: this job's memory is not counted");
        }
        opened
    } else {
        None
    };
    let pool = memory
        .as_ref()
        .map(|m| m.pool(rayon::current_num_threads()))
        .transpose()
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "no thread pool of its own: the job uses the shared one");
            None
        });
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = watch(
        budget,
        memory.clone(),
        Arc::clone(&cancel),
        Arc::clone(&done),
    );
    let ctx = JobContext {
        id,
        db: db.clone(),
        cancel,
    };
    let started = Instant::now();
    let outcome = {
        let _counted = memory.as_ref().map(|m| m.enter());
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &pool {
            Some(pool) => pool.install(|| work(&ctx)),
            None => work(&ctx),
        }))
    };
    drop(pool);
    done.store(true, Ordering::SeqCst);
    let spent = watchdog.join().ok().flatten();
    if let Some(m) = &memory {
        tracing::info!(peak_mb = m.peak() / (1 << 20), "job memory");
    }
    if lost.load(Ordering::SeqCst) {
        tracing::warn!("another node holds this job now: its outcome here is not recorded");
        return;
    }
    let (final_status, error) = match outcome {
        Ok(Ok(())) => {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "job succeeded");
            return;
        }
        Ok(Err(JobFailure::Cancelled)) if spent == Some(Spent::Time) => (
            JobStatus::Failed,
            Some(format!(
                "stopped after its time budget of {} s (job_time_budget_s); it is not retried: \
                 shorten the request (fewer days, a shorter solver time limit) or raise the budget",
                budget.time.as_secs_f64()
            )),
        ),
        Ok(Err(JobFailure::Cancelled)) if spent == Some(Spent::Memory) => (
            JobStatus::Failed,
            Some(format!(
                "stopped when it held more than its memory budget of {} MB \
                 (job_memory_budget_mb; {} MB at most); it is not retried: shorten the request \
                 (fewer days, a shorter history) or raise the budget",
                budget.memory / (1 << 20),
                memory.as_ref().map_or(0, |m| m.peak() / (1 << 20)),
            )),
        ),
        Ok(Err(JobFailure::Cancelled)) if sh.stopping.load(Ordering::SeqCst) => {
            // Handed back: another node (or this one, restarted) takes it up, the start counted.
            let _ = db.release_jobs(&sh.lease.node);
            return;
        }
        Ok(Err(JobFailure::Cancelled)) => (JobStatus::Cancelled, None),
        Ok(Err(JobFailure::Failed(msg))) => (JobStatus::Failed, Some(msg)),
        Ok(Err(JobFailure::Db(e))) => {
            tracing::error!(error = %e, "job storage failed");
            (JobStatus::Failed, Some(format!("storage failed: {e}")))
        }
        Err(_) => {
            tracing::error!("job panicked");
            (
                JobStatus::Failed,
                Some("internal error (the job stopped unexpectedly; see the service log)".into()),
            )
        }
    };
    tracing::info!(status = final_status.as_str(), error = ?error, "job ended");
    if let Err(e) = db.finish_job(id, final_status, None, error.as_deref()) {
        tracing::error!(error = %e, "cannot record the end of a job");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A runner of `workers` threads on `db` whose node cannot rebuild any job elsewhere.
    fn runner(db: &Db, workers: usize, time: Duration) -> JobRunner {
        runner_with(
            db,
            workers,
            Budget {
                time,
                memory: 1 << 40,
            },
        )
    }

    /// As [`runner`], with both budgets chosen.
    fn runner_with(db: &Db, workers: usize, budget: Budget) -> JobRunner {
        let lease = Lease {
            node: "test-node".into(),
            duration_ms: 30_000,
            max_attempts: 3,
            resumable: Vec::new(),
        };
        let resume: Resume =
            Arc::new(|_, c| Err(JobFailure::Failed(format!("no work for {}", c.id))));
        JobRunner::start(db.clone(), workers, budget, lease, resume)
    }

    fn running(centre: i64) -> Running {
        Running {
            centre,
            cancel: Arc::default(),
            lost: Arc::default(),
        }
    }

    #[test]
    fn a_job_past_its_memory_budget_is_stopped_and_fails_saying_so_and_the_next_runs() {
        use rayon::prelude::*;
        let (_dir, db, centre) = setup();
        let runner = runner_with(
            &db,
            1,
            Budget {
                time: Duration::from_secs(60),
                memory: 64 << 20,
            },
        );
        // 4 x 32 MB built in parallel (on the job's own pool) and held: 128 MB, twice the budget.
        let id = runner
            .submit(
                JobKind::Forecast,
                centre,
                &serde_json::json!({}),
                Box::new(|ctx| {
                    let held: Vec<Vec<u8>> = (0..4)
                        .into_par_iter()
                        .map(|i| std::hint::black_box(vec![i as u8; 32 << 20]))
                        .collect();
                    loop {
                        ctx.check_cancelled()?;
                        assert_eq!(std::hint::black_box(&held).len(), 4);
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }),
            )
            .unwrap();
        let job = wait_final(&db, id);
        assert_eq!(job.status, JobStatus::Failed);
        let error = job.error.unwrap_or_default();
        assert!(error.contains("memory budget of 64 MB"), "{error}");
        assert!(error.contains("not retried"), "{error}");
        assert_eq!(job.attempts, 1);
        // The next job, within its budget, runs to its own end on the same worker.
        let small = runner
            .submit(
                JobKind::Forecast,
                centre,
                &serde_json::json!({}),
                Box::new(|_| {
                    let v = std::hint::black_box(vec![0u8; 8 << 20]);
                    Err(JobFailure::Failed(format!(
                        "its own reason ({} MB)",
                        v.len() >> 20
                    )))
                }),
            )
            .unwrap();
        assert_eq!(
            wait_final(&db, small).error.as_deref(),
            Some("its own reason (8 MB)")
        );
    }

    #[test]
    fn a_job_past_its_time_budget_is_stopped_and_fails_saying_so() {
        let (_dir, db, centre) = setup();
        let runner = runner(&db, 1, Duration::from_millis(200));
        let id = runner
            .submit(
                JobKind::Forecast,
                centre,
                &serde_json::json!({}),
                Box::new(|ctx| loop {
                    ctx.check_cancelled()?;
                    std::thread::sleep(Duration::from_millis(10));
                }),
            )
            .unwrap();
        let job = wait_final(&db, id);
        assert_eq!(job.status, JobStatus::Failed);
        let error = job.error.unwrap_or_default();
        assert!(error.contains("time budget of 0.2 s"), "{error}");
        // A job that ends in time keeps its own outcome: the watchdog does not touch it.
        let quick = runner
            .submit(
                JobKind::Forecast,
                centre,
                &serde_json::json!({}),
                Box::new(|_| Err(JobFailure::Failed("its own reason".into()))),
            )
            .unwrap();
        assert_eq!(
            wait_final(&db, quick).error.as_deref(),
            Some("its own reason")
        );
    }

    #[test]
    fn no_centre_may_hold_every_worker() {
        let mut l = Local::default();
        l.running.insert(1, running(7));
        // One of two workers busy with centre 7: it may not take the other.
        assert_eq!(l.full_centres(2), vec![7]);
        // With three workers centre 7 may run two.
        assert!(l.full_centres(3).is_empty());
        l.running.insert(2, running(7));
        l.running.insert(3, running(9));
        assert_eq!(l.full_centres(3), vec![7]);
        // One worker: one job at a time, whoever it is for.
        assert_eq!(l.full_centres(1), vec![7, 9]);
    }

    fn setup() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("t.db")).expect("open");
        let c = db.insert_centre("c", "x").expect("insert").expect("id");
        (dir, db, c)
    }

    fn wait_final(db: &Db, id: i64) -> crate::db::JobRow {
        for _ in 0..200 {
            let job = db.job(id).expect("read").expect("exists");
            if job.status.is_finished() {
                return job;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("job {id} did not finish");
    }

    #[test]
    fn failures_and_panics_are_recorded() {
        let (_dir, db, c) = setup();
        let runner = runner(&db, 1, Duration::from_secs(3600));
        let params = serde_json::json!({});
        let failed = runner
            .submit(
                JobKind::Forecast,
                c,
                &params,
                Box::new(|_| Err(JobFailure::Failed("no history".into()))),
            )
            .expect("submit");
        let panicked = runner
            .submit(JobKind::Forecast, c, &params, Box::new(|_| panic!("boom")))
            .expect("submit");
        let job = wait_final(&db, failed);
        assert_eq!(
            (job.status, job.error.as_deref()),
            (JobStatus::Failed, Some("no history"))
        );
        let job = wait_final(&db, panicked);
        assert_eq!(job.status, JobStatus::Failed);
        assert!(job.error.unwrap_or_default().contains("internal error"));
    }

    #[test]
    fn a_running_job_stops_at_its_next_check_when_cancelled() {
        let (_dir, db, c) = setup();
        let runner = runner(&db, 1, Duration::from_secs(3600));
        let id = runner
            .submit(
                JobKind::Schedule,
                c,
                &serde_json::json!({}),
                Box::new(|ctx| {
                    for i in 0..500 {
                        ctx.check_cancelled()?;
                        ctx.progress(f64::from(i) / 500.0, "working");
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(JobFailure::Failed("was not cancelled".into()))
                }),
            )
            .expect("submit");
        while db.job(id).expect("read").expect("exists").status != JobStatus::Running {
            std::thread::sleep(Duration::from_millis(10));
        }
        runner.cancel(id).expect("cancel");
        assert_eq!(wait_final(&db, id).status, JobStatus::Cancelled);
    }
}
