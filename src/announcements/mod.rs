//! Announcements: to the whole school, a level, a class, or the staff only, with read
//! tracking. Who receives one follows from the relationships (enrolled in, guardian of,
//! teaches, heads, staff role), so a student who joins a class later still sees its
//! announcements. The administration writes to any audience; a teacher to their classes.

pub mod repo;
pub mod routes;

pub use routes::router;

pub const AUDIENCES: [&str; 4] = ["school", "level", "class", "staff"];
