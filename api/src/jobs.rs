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
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::db::{status, Db, DbError};

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
    work: Work,
    /// The span of the request that submitted the job (its request id), parent of the job's span.
    parent: tracing::Span,
}

/// The job queue and its worker threads.
pub struct JobRunner {
    db: Db,
    tx: Mutex<Option<Sender<Queued>>>,
    flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// Set by [`JobRunner::shutdown`]: a job that stops because of it was interrupted, not
    /// cancelled by its user.
    stopping: Arc<AtomicBool>,
}

impl std::fmt::Debug for JobRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JobRunner")
    }
}

impl JobRunner {
    /// Starts `threads` workers.
    pub fn start(db: Db, threads: usize) -> Self {
        let (tx, rx) = channel::<Queued>();
        let rx = Arc::new(Mutex::new(rx));
        let flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>> = Arc::default();
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..threads.max(1))
            .map(|n| {
                let rx = Arc::clone(&rx);
                let db = db.clone();
                let flags = Arc::clone(&flags);
                let stopping = Arc::clone(&stopping);
                std::thread::Builder::new()
                    .name(format!("rota-job-{n}"))
                    .spawn(move || worker(rx, db, flags, stopping))
                    .expect("spawning a job thread at startup")
            })
            .collect();
        Self {
            db,
            tx: Mutex::new(Some(tx)),
            flags,
            workers: Mutex::new(workers),
            stopping,
        }
    }

    /// Records a queued job and hands it to a worker; returns the job id.
    pub fn submit(
        &self,
        kind: &str,
        centre_id: i64,
        params: &serde_json::Value,
        work: Work,
    ) -> Result<i64, DbError> {
        let id = self.db.insert_job(kind, centre_id, params)?;
        if let Ok(mut flags) = self.flags.lock() {
            flags.insert(id, Arc::new(AtomicBool::new(false)));
        }
        let sent = self.tx.lock().ok().and_then(|tx| {
            tx.as_ref().map(|tx| {
                tx.send(Queued {
                    id,
                    work,
                    parent: tracing::Span::current(),
                })
                .is_ok()
            })
        });
        if sent != Some(true) {
            self.db.finish_job(
                id,
                status::FAILED,
                None,
                Some("the service is shutting down"),
            )?;
        }
        Ok(id)
    }

    /// Asks a job to stop. Returns the job's status after the request (`None`: no such job).
    pub fn cancel(&self, id: i64) -> Result<Option<String>, DbError> {
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
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
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
    rx: Arc<Mutex<Receiver<Queued>>>,
    db: Db,
    flags: Arc<Mutex<HashMap<i64, Arc<AtomicBool>>>>,
    stopping: Arc<AtomicBool>,
) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Queued { id, work, parent }) = next else {
            return; // the runner is shutting down
        };
        let cancel = flags
            .lock()
            .ok()
            .and_then(|f| f.get(&id).cloned())
            .unwrap_or_default();
        let span = tracing::info_span!(parent: &parent, "job", job = id);
        span.in_scope(|| run_one(&db, id, cancel, &stopping, work));
        if let Ok(mut f) = flags.lock() {
            f.remove(&id);
        }
    }
}

fn run_one(db: &Db, id: i64, cancel: Arc<AtomicBool>, stopping: &AtomicBool, work: Work) {
    match db.start_job(id) {
        Ok(true) => {}
        Ok(false) => return, // cancelled while queued
        Err(e) => {
            tracing::error!(error = %e, "cannot start job");
            return;
        }
    }
    if cancel.load(Ordering::SeqCst) {
        let _ = db.finish_job(id, status::CANCELLED, None, None);
        return;
    }
    let ctx = JobContext {
        id,
        db: db.clone(),
        cancel,
    };
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&ctx)));
    let (final_status, error) = match outcome {
        Ok(Ok(())) => {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "job succeeded");
            return;
        }
        Ok(Err(JobFailure::Cancelled)) if stopping.load(Ordering::SeqCst) => {
            (status::FAILED, Some("interrupted by shutdown".to_string()))
        }
        Ok(Err(JobFailure::Cancelled)) => (status::CANCELLED, None),
        Ok(Err(JobFailure::Failed(msg))) => (status::FAILED, Some(msg)),
        Ok(Err(JobFailure::Db(e))) => {
            tracing::error!(error = %e, "job storage failed");
            (status::FAILED, Some(format!("storage failed: {e}")))
        }
        Err(_) => {
            tracing::error!("job panicked");
            (
                status::FAILED,
                Some("internal error (the job stopped unexpectedly; see the service log)".into()),
            )
        }
    };
    tracing::info!(status = final_status, error = ?error, "job ended");
    if let Err(e) = db.finish_job(id, final_status, None, error.as_deref()) {
        tracing::error!(error = %e, "cannot record the end of a job");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("t.db")).expect("open");
        let c = db.insert_centre("c", "x").expect("insert").expect("id");
        (dir, db, c)
    }

    fn wait_final(db: &Db, id: i64) -> crate::db::JobRow {
        for _ in 0..200 {
            let job = db.job(id).expect("read").expect("exists");
            if ![status::QUEUED, status::RUNNING].contains(&job.status.as_str()) {
                return job;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("job {id} did not finish");
    }

    #[test]
    fn failures_and_panics_are_recorded() {
        let (_dir, db, c) = setup();
        let runner = JobRunner::start(db.clone(), 1);
        let params = serde_json::json!({});
        let failed = runner
            .submit(
                "forecast",
                c,
                &params,
                Box::new(|_| Err(JobFailure::Failed("no history".into()))),
            )
            .expect("submit");
        let panicked = runner
            .submit("forecast", c, &params, Box::new(|_| panic!("boom")))
            .expect("submit");
        let job = wait_final(&db, failed);
        assert_eq!(
            (job.status.as_str(), job.error.as_deref()),
            (status::FAILED, Some("no history"))
        );
        let job = wait_final(&db, panicked);
        assert_eq!(job.status, status::FAILED);
        assert!(job.error.unwrap_or_default().contains("internal error"));
    }

    #[test]
    fn a_running_job_stops_at_its_next_check_when_cancelled() {
        let (_dir, db, c) = setup();
        let runner = JobRunner::start(db.clone(), 1);
        let id = runner
            .submit(
                "schedule",
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
        while db.job(id).expect("read").expect("exists").status != status::RUNNING {
            std::thread::sleep(Duration::from_millis(10));
        }
        runner.cancel(id).expect("cancel");
        assert_eq!(wait_final(&db, id).status, status::CANCELLED);
    }
}
