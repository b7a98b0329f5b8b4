//! SQL of announcements: who receives one follows from the school's relationships at the
//! time of reading (enrolled in, guardian of, teaches, heads, staff role).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::Pool;

/// An announcement as listed.
#[derive(Clone, Debug, FromRow)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// school, level, class, staff.
    pub audience: String,
    /// The level's name, for a level announcement.
    pub level_name: Option<String>,
    /// The class's name, for a class announcement.
    pub class_name: Option<String>,
    pub author_id: i64,
    /// Author's name.
    pub author: String,
    pub published_at: DateTime<Utc>,
    /// Whether the reader has opened it.
    pub read: bool,
}

impl Announcement {
    /// The catalog key of the audience.
    pub fn audience_key(&self) -> String {
        format!("audience-{}", self.audience)
    }

    /// The first lines, for the list.
    pub fn excerpt(&self) -> String {
        let s: String = self.body.chars().take(160).collect();
        if self.body.chars().count() > 160 {
            format!("{s}…")
        } else {
            s
        }
    }
}

/// The classes an announcement reaches: its class, or the current year's classes of its
/// level.
const CLASSES_OF: &str = "SELECT c.id FROM classes c JOIN school_years y ON y.id = c.school_year_id \
    WHERE y.current = TRUE AND ((a.audience = 'class' AND c.id = a.class_id) OR (a.audience = 'level' AND c.level_id = a.level_id))";

/// Whether user `$1` receives announcement `a`.
pub fn receives() -> String {
    format!(
        "(a.audience = 'school' \
         OR (a.audience = 'staff' AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = $1 AND r.role IN ('teacher', 'director', 'bursar', 'secretary'))) \
         OR (a.audience IN ('class', 'level') AND EXISTS (SELECT 1 FROM classes c WHERE c.id IN ({CLASSES_OF}) AND ( \
              c.head_teacher_user_id = $1 \
              OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1) \
              OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = c.id AND s.user_id = $1) \
              OR EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id WHERE e.class_id = c.id AND g.user_id = $1)))) \
         OR a.author_id = $1)"
    )
}

const SELECT: &str = "SELECT a.id, a.title, a.body, a.audience, \
    (SELECT l.name FROM levels l WHERE l.id = a.level_id) AS level_name, \
    (SELECT c.name FROM classes c WHERE c.id = a.class_id) AS class_name, \
    a.author_id, (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = a.author_id) AS author, a.published_at, \
    EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = $1) AS read \
    FROM announcements a";

/// The announcements user `reader` receives (all of them when `all`), newest first.
pub async fn for_reader(
    db: &Pool,
    reader: i64,
    all: bool,
    limit: i64,
) -> Result<Vec<Announcement>, sqlx::Error> {
    let filter = if all { "TRUE".to_string() } else { receives() };
    sqlx::query_as(crate::sql!(
        "{SELECT} WHERE {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT $2"
    ))
    .bind(reader)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many announcements `reader` receives and has not opened.
pub async fn unread_count(db: &Pool, reader: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(*) FROM announcements a WHERE {} \
         AND NOT EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = $1)",
        receives()
    ))
    .bind(reader)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// One announcement, if `reader` receives it (or `all`).
pub async fn get(
    db: &Pool,
    id: i64,
    reader: i64,
    all: bool,
) -> Result<Option<Announcement>, sqlx::Error> {
    let filter = if all { "TRUE".to_string() } else { receives() };
    sqlx::query_as(crate::sql!("{SELECT} WHERE a.id = $2 AND {filter}"))
        .bind(reader)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Whether the announcement exists at all.
pub async fn exists(db: &Pool, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM announcements WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .is_some())
}

/// Records that `reader` opened it (once).
pub async fn mark_read(
    db: &Pool,
    id: i64,
    reader: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO announcement_reads (announcement_id, user_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(reader)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A new announcement.
#[derive(Clone, Debug)]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    /// school, level, class, staff.
    pub audience: &'static str,
    pub level_id: Option<i64>,
    pub class_id: Option<i64>,
    pub author_id: i64,
}

/// Publishes an announcement.
pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    a: &NewAnnouncement,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO announcements (title, body, audience, level_id, class_id, author_id, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&a.title)
    .bind(&a.body)
    .bind(a.audience)
    .bind(a.level_id)
    .bind(a.class_id)
    .bind(a.author_id)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Publishes an announcement, read by its author from the start.
pub async fn publish(
    db: &Pool,
    a: &NewAnnouncement,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let id = insert(&mut *tx, a, at).await?;
    sqlx::query(
        "INSERT INTO announcement_reads (announcement_id, user_id, read_at) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(a.author_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::AnnouncementPublished(crate::events::AnnouncementPublished {
            announcement_id: id,
            title: a.title.clone(),
        }),
        Some(a.author_id),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A recipient and whether they have read it.
#[derive(Clone, Debug, FromRow)]
pub struct Recipient {
    pub id: i64,
    /// "Prénom Nom".
    pub name: String,
    /// Phone, to call those who have not read.
    pub phone: Option<String>,
    pub read: bool,
}

/// Everyone an announcement reaches, unread first.
pub async fn recipients(db: &Pool, id: i64) -> Result<Vec<Recipient>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT u.id, u.first_name || ' ' || u.last_name AS name, u.phone, \
         EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = u.id) AS read \
         FROM announcements a JOIN users u ON u.active = TRUE \
         WHERE a.id = $1 AND u.id <> a.author_id AND {} ORDER BY read, u.sort_name",
        receives().replace("$1", "u.id")
    ))
    .bind(id)
    .fetch_all(db)
    .await
}

/// Who is told of a new announcement: the active users it reaches, but its author.
pub async fn audience<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let users: Vec<(i64,)> = sqlx::query_as(crate::sql!(
        "SELECT u.id FROM announcements a JOIN users u ON u.active = TRUE \
         WHERE a.id = $1 AND u.id <> a.author_id AND {}",
        receives().replace("$1", "u.id")
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(users.into_iter().map(|u| u.0).collect())
}
