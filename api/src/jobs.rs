//! Background jobs: forecasts, schedules and simulations run on their own threads, never on the
//! HTTP workers. Each job is a row in `jobs` (queued -> running -> succeeded | failed | cancelled)
//! with a progress figure (0..1) and the current step in words; the result is stored in the same
//! transaction that marks the job succeeded, so a job never claims a result that is not there.
//!
//! Cancellation is cooperative: `cancel` marks a queued job cancelled at once, and raises a flag
//! that a running job checks between its steps; a HiGHS solve polls it between nodes (through
//! `schedule_watched`) and stops within a fraction of a second.

use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Condvar;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::db::{Db, DbError, JobKind, JobStatus};

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

struct Queued {
    id: i64,
    /// The centre the job is for: the queue is fair between centres.
    centre: i64,
    work: Work,
    /// The span of the request that submitted the job (its request id), parent of the job's span.
    parent: tracing::Span,
}

/// The jobs waiting for a worker, and how many each centre has running.
///
/// Fairness between centres: a worker takes the oldest job of the centre with the fewest jobs
/// running, and no centre may hold every worker (with two or more, one is always left for the
/// others), so one centre's long solves never keep another centre's forecast waiting.
#[derive(Default)]
struct Queue {
    waiting: VecDeque<Queued>,
    running: HashMap<i64, usize>,
    /// False once the runner is shutting down: nothing new is accepted.
    open: bool,
}

impl Queue {
    /// The index of the job to run next with `workers` workers, if any may run now.
    fn next(&self, workers: usize) -> Option<usize> {
        let cap = if workers > 1 { workers - 1 } else { 1 };
        let running = |c: i64| self.running.get(&c).copied().unwrap_or(0);
        self.waiting
            .iter()
            .enumerate()
            .filter(|(_, q)| running(q.centre) < cap)
            .min_by_key(|(i, q)| (running(q.centre), *i))
            .map(|(i, _)| i)
    }
}

type SharedQueue = Arc<(Mutex<Queue>, Condvar)>;

/// The job queue and its worker threads.
pub struct JobRunner {
    db: Db,
    queue: SharedQueue,
    flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// Set by [`JobRunner::shutdown`]: a job that stops because of it was interrupted, not
    /// cancelled by its user.
    stopping: Arc<AtomicBool>,
}

/// How long a job may run, and the watchdog that stops it past that.
#[derive(Debug, Clone, Copy)]
struct Budget(Duration);

impl Budget {
    /// Raises `cancel` and `spent` once `self` has passed, unless `done` is raised first.
    fn watch(self, cancel: Arc<AtomicBool>, spent: Arc<AtomicBool>, done: Arc<AtomicBool>) {
        let deadline = Instant::now() + self.0;
        std::thread::spawn(move || {
            while Instant::now() < deadline {
                if done.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50).min(self.0));
            }
            if !done.load(Ordering::SeqCst) {
                spent.store(true, Ordering::SeqCst);
                cancel.store(true, Ordering::SeqCst);
            }
        });
    }
}

impl std::fmt::Debug for JobRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JobRunner")
    }
}

impl JobRunner {
    /// Starts `threads` workers; a job running longer than `budget` is stopped and fails.
    pub fn start(db: Db, threads: usize, budget: Duration) -> Self {
        let budget = Budget(budget);
        let threads = threads.max(1);
        let queue: SharedQueue = Arc::new((
            Mutex::new(Queue {
                open: true,
                ..Queue::default()
            }),
            Condvar::new(),
        ));
        let flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>> = Arc::default();
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..threads)
            .map(|n| {
                let queue = Arc::clone(&queue);
                let db = db.clone();
                let flags = Arc::clone(&flags);
                let stopping = Arc::clone(&stopping);
                std::thread::Builder::new()
                    .name(format!("rota-job-{n}"))
                    .spawn(move || worker(queue, threads, budget, db, flags, stopping))
                    .expect("spawning a job thread at startup")
            })
            .collect();
        Self {
            db,
            queue,
            flags,
            workers: Mutex::new(workers),
            stopping,
        }
    }

    /// Records a queued job and hands it to a worker; returns the job id.
    pub fn submit(
        &self,
        kind: JobKind,
        centre_id: i64,
        params: &serde_json::Value,
        work: Work,
    ) -> Result<i64, DbError> {
        let id = self.db.insert_job(kind, centre_id, params)?;
        if let Ok(mut flags) = self.flags.lock() {
            flags.insert(id, Arc::new(AtomicBool::new(false)));
        }
        let (lock, ready) = &*self.queue;
        let sent = lock.lock().ok().map(|mut q| {
            if q.open {
                q.waiting.push_back(Queued {
                    id,
                    centre: centre_id,
                    work,
                    parent: tracing::Span::current(),
                });
                ready.notify_all();
            }
            q.open
        });
        if sent != Some(true) {
            self.db.finish_job(
                id,
                JobStatus::Failed,
                None,
                Some("the service is shutting down"),
            )?;
        }
        Ok(id)
    }

    /// Asks a job to stop. Returns the job's status after the request (`None`: no such job).
    pub fn cancel(&self, id: i64) -> Result<Option<JobStatus>, DbError> {
        if let Some(flag) = self.flags.lock().ok().and_then(|f| f.get(&id).cloned()) {
            flag.store(true, Ordering::SeqCst);
        }
        self.db.cancel_queued_job(id)
    }

    /// Graceful stop: no new jobs, running jobs are asked to cancel, and workers get `grace` to
    /// record how their job ended. Jobs still running after that are marked failed at the next
    /// start ("interrupted by restart").
    pub fn shutdown(&self, grace: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        {
            let (lock, ready) = &*self.queue;
            if let Ok(mut q) = lock.lock() {
                q.open = false;
            }
            ready.notify_all();
        }
        if let Ok(flags) = self.flags.lock() {
            for f in flags.values() {
                f.store(true, Ordering::SeqCst);
            }
        }
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
        // running; rather than keep the service from stopping, its job is recorded as interrupted
        // now and the process may exit.
        if unfinished {
            match self.db.fail_unfinished_jobs("interrupted by shutdown") {
                Ok(n) => tracing::warn!(jobs = n, "jobs still running at shutdown marked failed"),
                Err(e) => {
                    tracing::error!(error = %e, "cannot record the jobs interrupted by shutdown")
                }
            }
        }
    }
}

fn worker(
    queue: SharedQueue,
    workers: usize,
    budget: Budget,
    db: Db,
    flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>>,
    stopping: Arc<AtomicBool>,
) {
    let (lock, ready) = &*queue;
    loop {
        let next = {
            let Ok(mut q) = lock.lock() else { return };
            loop {
                if let Some(i) = q.next(workers) {
                    let job = q.waiting.remove(i);
                    if let Some(job) = &job {
                        *q.running.entry(job.centre).or_default() += 1;
                    }
                    break job;
                }
                // Shutting down with nothing this worker may take: done (jobs still queued run
                // on the other workers and end at once, cancelled by their flags).
                if !q.open && q.waiting.is_empty() {
                    break None;
                }
                q = match ready.wait(q) {
                    Ok(q) => q,
                    Err(_) => return,
                };
            }
        };
        let Some(Queued {
            id,
            centre,
            work,
            parent,
        }) = next
        else {
            return;
        };
        let cancel = flags
            .lock()
            .ok()
            .and_then(|f| f.get(&id).cloned())
            .unwrap_or_default();
        let span = tracing::info_span!(parent: &parent, "job", job = id, centre);
        span.in_scope(|| run_one(&db, id, cancel, &stopping, budget, work));
        if let Ok(mut f) = flags.lock() {
            f.remove(&id);
        }
        if let Ok(mut q) = lock.lock() {
            if let Some(n) = q.running.get_mut(&centre) {
                *n = n.saturating_sub(1);
            }
        }
        ready.notify_all();
    }
}

fn run_one(
    db: &Db,
    id: i64,
    cancel: Arc<AtomicBool>,
    stopping: &AtomicBool,
    budget: Budget,
    work: Work,
) {
    match db.start_job(id) {
        Ok(true) => {}
        Ok(false) => return, // cancelled while queued
        Err(e) => {
            tracing::error!(error = %e, "cannot start job");
            return;
        }
    }
    if cancel.load(Ordering::SeqCst) {
        let _ = db.finish_job(id, JobStatus::Cancelled, None, None);
        return;
    }
    let spent = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    budget.watch(Arc::clone(&cancel), Arc::clone(&spent), Arc::clone(&done));
    let ctx = JobContext {
        id,
        db: db.clone(),
        cancel,
    };
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&ctx)));
    done.store(true, Ordering::SeqCst);
    let (final_status, error) = match outcome {
        Ok(Ok(())) => {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "job succeeded");
            return;
        }
        Ok(Err(JobFailure::Cancelled)) if spent.load(Ordering::SeqCst) => (
            JobStatus::Failed,
            Some(format!(
                "stopped after its time budget of {} s (job_time_budget_s); it is not retried: \
                 shorten the request (fewer days, a shorter solver time limit) or raise the budget",
                budget.0.as_secs_f64()
            )),
        ),
        Ok(Err(JobFailure::Cancelled)) if stopping.load(Ordering::SeqCst) => (
            JobStatus::Failed,
            Some("interrupted by shutdown".to_string()),
        ),
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

    fn queued(id: i64, centre: i64) -> Queued {
        Queued {
            id,
            centre,
            work: Box::new(|_| Ok(())),
            parent: tracing::Span::none(),
        }
    }

    #[test]
    fn a_job_past_its_time_budget_is_stopped_and_fails_saying_so() {
        let (_dir, db, centre) = setup();
        let runner = JobRunner::start(db.clone(), 1, Duration::from_millis(200));
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
    fn the_queue_is_fair_between_centres_and_leaves_a_worker_free() {
        let mut q = Queue {
            open: true,
            ..Queue::default()
        };
        for (id, centre) in [(1, 7), (2, 7), (3, 7), (4, 9)] {
            q.waiting.push_back(queued(id, centre));
        }
        // Nothing running: the oldest job first.
        assert_eq!(q.next(2).map(|i| q.waiting[i].id), Some(1));
        q.waiting.remove(0);
        q.running.insert(7, 1);
        // Centre 7 holds one of two workers: it may not take the other; centre 9's job goes next
        // although it is the newest.
        assert_eq!(q.next(2).map(|i| q.waiting[i].id), Some(4));
        q.waiting.pop_back();
        q.running.insert(9, 1);
        assert_eq!(q.next(2), None, "centre 7 may not hold both workers");
        // With three workers centre 7 may run two; the one with fewer running goes first.
        q.running.insert(9, 0);
        q.waiting.push_back(queued(5, 9));
        assert_eq!(q.next(3).map(|i| q.waiting[i].id), Some(5));
        // One worker: one job at a time, oldest first.
        q.running.clear();
        assert_eq!(q.next(1).map(|i| q.waiting[i].id), Some(2));
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
        let runner = JobRunner::start(db.clone(), 1, Duration::from_secs(3600));
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
        let runner = JobRunner::start(db.clone(), 1, Duration::from_secs(3600));
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
