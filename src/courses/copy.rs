//! Copying a course to another class (a sister class, or next year's): its modules and
//! lessons in order, their prerequisites pointed at the copies, their files and ready videos
//! (the renditions shared, not copied), as drafts.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::repo::{self, CourseRow, NewLesson};
use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// What the files of course lessons belong to.
pub const FILE_OWNER: &str = "course_lesson";

/// Copies `course` into class `target`; the new course's id. All of it is written, or none.
pub async fn course(
    app: &AppState,
    course: &CourseRow,
    target: i64,
    by: i64,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    let modules = repo::modules(&app.db, course.id).await?;
    let lessons = repo::lessons(&app.db, course.id).await?;
    // The files are read before the transaction (storage is slow, a write lock is not).
    let mut files = HashMap::new();
    for l in &lessons {
        let mut bytes = Vec::new();
        for f in crate::files::of_owner(&app.db, FILE_OWNER, l.id).await? {
            let b = app
                .files
                .get(&f.storage_key)
                .await
                .map_err(AppError::Internal)?;
            bytes.push((f, b));
        }
        files.insert(l.id, bytes);
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::insert_course(
        &mut tx,
        target,
        course.subject_id,
        &course.title,
        &course.summary,
        by,
        at,
    )
    .await?;
    let mut new_ids: HashMap<i64, i64> = HashMap::new();
    for m in &modules {
        let mid = repo::insert_module(&mut *tx, id, &m.title, false, None).await?;
        for l in lessons.iter().filter(|l| l.module_id == m.id) {
            let copy = NewLesson {
                title: l.title.clone(),
                body: l.body.clone(),
                published: l.published,
                available_from: None,
                prerequisite_id: None,
            };
            let lid = repo::insert_lesson(&mut *tx, mid, &copy, at).await?;
            new_ids.insert(l.id, lid);
            // A ready video is shared: its files stay while a lesson shows them.
            super::video::repo::copy(&mut *tx, l.id, lid, at).await?;
            for (f, bytes) in files.get(&l.id).into_iter().flatten() {
                crate::files::save(
                    &mut *tx,
                    &app.files,
                    (FILE_OWNER, lid),
                    &f.name,
                    &f.content_type,
                    bytes,
                    Some(by),
                    at,
                )
                .await
                .map_err(AppError::Internal)?;
            }
        }
    }
    for l in &lessons {
        if let (Some(pre), Some(me)) = (l.prerequisite_id, new_ids.get(&l.id)) {
            repo::set_prerequisite(&mut *tx, *me, new_ids.get(&pre).copied()).await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}
