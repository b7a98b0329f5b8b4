//! SQL of gamification: its own tables (rules, behaviours, badges, awards, challenges, the
//! privacy choice), and the few reads of other features' records that the rules and the
//! challenges measure from, each marked with the owner it reads and why.

pub mod awards;
pub mod boards;
pub mod catalog;
pub mod challenges;
pub mod journal;
pub mod people;
pub mod rules;
