//! The school's structure and people: years, levels, classes, students, guardians, staff,
//! enrollments and teaching assignments. Other features read them through these functions.

pub mod repo;
pub mod rooms;

pub use repo::*;
