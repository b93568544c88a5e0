//! What the handlers share: reading one stored thing (JSON or a CSV download) or a centre's
//! listing off the async workers with the 404s the API promises, and queueing a background job
//! answered with 202 and the job's location.

use actix_web::{http::header, HttpResponse};
use serde::Serialize;

use super::{blocking, centre_or_404, csv_file, AppState};
use crate::db::{Db, DbError, JobKind, JobRow};
use crate::jobs::{JobFailure, Work};
use crate::problem::Problem;

/// The stored `what` numbered `id` as `read` finds it, or a 404 problem naming it.
pub async fn stored<T, F>(
    state: &AppState,
    what: &'static str,
    id: i64,
    read: F,
) -> Result<T, Problem>
where
    T: Send + 'static,
    F: FnOnce(&Db, i64) -> Result<Option<T>, DbError> + Send + 'static,
{
    let db = state.db.clone();
    blocking(move || read(&db, id)?.ok_or_else(|| Problem::not_found(what, id))).await
}

/// 200 with the stored `what` numbered `id` as JSON, or a 404 problem.
pub async fn stored_json<T, F>(
    state: &AppState,
    what: &'static str,
    id: i64,
    read: F,
) -> Result<HttpResponse, Problem>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Db, i64) -> Result<Option<T>, DbError> + Send + 'static,
{
    let row = stored(state, what, id, read).await?;
    Ok(HttpResponse::Ok().json(row))
}

/// A stored CSV file of the `what` numbered `id`, downloaded as `name`, or a 404 problem.
pub async fn stored_csv<F>(
    state: &AppState,
    what: &'static str,
    id: i64,
    name: &str,
    read: F,
) -> Result<HttpResponse, Problem>
where
    F: FnOnce(&Db, i64) -> Result<Option<String>, DbError> + Send + 'static,
{
    let text = stored(state, what, id, read).await?;
    Ok(csv_file(name, text))
}

/// 200 with what `read` lists for the centre `centre_id`, or a 404 problem when there is no
/// such centre (an empty list means the centre has none).
pub async fn centre_list<T, F>(
    state: &AppState,
    centre_id: i64,
    read: F,
) -> Result<HttpResponse, Problem>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Db, i64) -> Result<Vec<T>, DbError> + Send + 'static,
{
    let db = state.db.clone();
    let rows = blocking(move || {
        centre_or_404(&db, centre_id)?;
        Ok(read(&db, centre_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// A checked job, ready to queue.
pub struct NewJob {
    /// What the job computes.
    pub kind: JobKind,
    /// The centre it works for.
    pub centre_id: i64,
    /// The request, as the job row records it.
    pub params: serde_json::Value,
    /// The work itself (runs on a job thread).
    pub work: Work,
}

/// Starts a background job: `prepare` runs off the async workers, looks up and checks what the
/// job needs (its problems, 404 or 422, are the answer) and returns the job; it is queued and
/// the answer is 202 with the job as stored and its location.
pub async fn queue_job<F>(state: &AppState, prepare: F) -> Result<HttpResponse, Problem>
where
    F: FnOnce(&AppState) -> Result<NewJob, Problem> + Send + 'static,
{
    let st = state.clone();
    let job: JobRow = blocking(move || {
        let new = prepare(&st)?;
        let id = st
            .jobs
            .submit(new.kind, new.centre_id, &new.params, new.work)?;
        st.db.job(id)?.ok_or_else(|| Problem::not_found("job", id))
    })
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/jobs/{}", job.id)))
        .json(job))
}

/// Inside a job: the stored history `history_id` read on the centre's grid (the file as uploaded,
/// read again with the configuration the job runs with).
pub fn stored_history(
    db: &Db,
    config: &rota_data::config::CentreConfig,
    history_id: i64,
) -> Result<rota_data::history::History, JobFailure> {
    let (filename, content) = db
        .history_content(history_id)?
        .ok_or_else(|| JobFailure::Failed("the history was deleted".into()))?;
    let (history, _) = crate::work::read_history_bytes(config, &filename, &content)?;
    Ok(history)
}
