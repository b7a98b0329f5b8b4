//! Rooms: the school's classrooms, labs and halls. A class names its room; the rooms page
//! shows which classes sit in each and warns when a class has more students than seats.

use sqlx::FromRow;

use crate::db::Pool;

/// The kinds of room, in the order the form offers them.
pub const KINDS: [&str; 6] = ["classroom", "lab", "computer", "workshop", "hall", "sports"];

/// A room with the classes of the current year that sit in it.
#[derive(Clone, Debug, FromRow)]
pub struct Room {
    pub id: i64,
    /// "Salle 12", "Labo SVT".
    pub name: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// Seats, if counted.
    pub capacity: Option<i64>,
    /// Whether the room is still in use.
    pub active: bool,
    /// The current year's classes in the room, comma-separated ("" if none).
    pub classes: String,
    /// The largest of those classes' head counts.
    pub largest_class: i64,
}

impl Room {
    /// Whether a class in the room has more students than the room has seats.
    pub fn overfull(&self) -> bool {
        self.capacity.is_some_and(|c| self.largest_class > c)
    }
}

/// Every room, by name.
pub async fn rooms(db: &Pool) -> Result<Vec<Room>, sqlx::Error> {
    let rows: Vec<Room> = sqlx::query_as(
        "WITH cur AS (SELECT c.id, c.name, c.room, \
             (SELECT COUNT(*) FROM enrollments e WHERE e.class_id = c.id) AS n \
           FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE) \
         SELECT r.id, r.name, r.kind, CAST(r.capacity AS BIGINT) AS capacity, r.active, \
           COALESCE((SELECT STRING_AGG(cur.name, ', ' ORDER BY cur.name) FROM cur WHERE cur.room = r.name), '') AS classes, \
           COALESCE((SELECT MAX(cur.n) FROM cur WHERE cur.room = r.name), 0) AS largest_class \
         FROM rooms r ORDER BY r.active DESC, r.name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// The names of the rooms in use, for the class forms.
pub async fn active_names(db: &Pool) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM rooms WHERE active = TRUE ORDER BY name")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// What a room form carries once checked.
#[derive(Clone, Debug)]
pub struct RoomInput {
    pub name: String,
    pub kind: &'static str,
    pub capacity: Option<i64>,
    pub active: bool,
}

/// Adds a room.
pub async fn insert(db: &Pool, r: &RoomInput) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO rooms (name, kind, capacity, active) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&r.name)
    .bind(r.kind)
    .bind(r.capacity)
    .bind(r.active)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Changes a room; a new name is carried to the classes that sit in it, in the same
/// transaction. `None` if there is no such room.
pub async fn update(db: &Pool, id: i64, r: &RoomInput) -> Result<Option<()>, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let old: Option<(String,)> = sqlx::query_as("SELECT name FROM rooms WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((old,)) = old else {
        return Ok(None);
    };
    sqlx::query("UPDATE rooms SET name = $1, kind = $2, capacity = $3, active = $4 WHERE id = $5")
        .bind(&r.name)
        .bind(r.kind)
        .bind(r.capacity)
        .bind(r.active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if old != r.name {
        sqlx::query("UPDATE classes SET room = $1 WHERE room = $2")
            .bind(&r.name)
            .bind(&old)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(()))
}
