//! Bulletins: the report card of each student for a period, computed for a whole class.

pub mod compute;
