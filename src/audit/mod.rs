//! The audit log: who created, changed or deleted a mark, an absence, a fee or a payment,
//! when, and the old and new values. Written in the same transaction as the change.

mod describe;
mod repo;
pub use describe::{Line, describe};

pub use repo::{Entry, Filter, actors, page, record};

/// The kinds of records the log filters on.
pub const ENTITIES: [&str; 22] = [
    "mark",
    "absence",
    "appreciation",
    "council",
    "period",
    "coefficient",
    "fee",
    "payment",
    "momo",
    "year",
    "import",
    "settings",
    "point_award",
    "badge",
    "badge_award",
    "behaviour",
    "challenge",
    "gamification_rules",
    "gamification_levels",
    "message",
    "mute",
    "export_template",
];
