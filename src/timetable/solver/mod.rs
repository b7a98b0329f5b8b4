//! The timetable solver: pure computation, no HTTP or database. A `Problem` goes in, a
//! timetable (a start and a room per lesson) comes out, or the reasons none can exist.
//!
//! Method, chosen by measurement (`scripts/bench-timetable`): a greedy construction that
//! places the most constrained lessons first at their cheapest start; a repair by ejection
//! chains (as FET's recursive swapping) until no hard rule is broken; then simulated
//! annealing over moves, swaps within a class's week and room changes, with costs kept
//! incrementally. Deterministic for a seed and an iteration budget; with a time limit it
//! stops with the best timetable met.

mod check;
mod compiled;
mod eject;
mod explain;
pub mod generate;
mod model;
mod search;
mod state;

use std::time::Duration;

pub use check::{Report, Violation, check};
pub use explain::Conflict;
pub use model::{
    Cost, Course, Grid, Lesson, Placement, Problem, Room, Rule, RuleKind, Weight, Who,
};

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    pub time_limit: Duration,
    /// Stop after this many moves; with it, a seed gives the same timetable anywhere.
    pub max_iterations: Option<u64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 1,
            time_limit: Duration::from_secs(30),
            max_iterations: None,
        }
    }
}

/// Where the search stands, several times a second.
#[derive(Clone, Debug)]
pub struct Progress {
    pub placed: usize,
    pub lessons: usize,
    pub hard: i64,
    pub soft: i64,
    pub elapsed: Duration,
    pub limit: Duration,
}

#[derive(Clone, Debug)]
pub struct Solved {
    pub placements: Vec<Option<Placement>>,
    /// The cost by the independent checker.
    pub cost: Cost,
    /// The cost by the search's own bookkeeping (tests compare the two).
    pub tracked: Cost,
    pub iterations: u64,
    pub cancelled: bool,
    /// (milliseconds, hard, soft) at each improvement.
    pub trace: Vec<(u64, i64, i64)>,
    pub elapsed: Duration,
    /// Empty when the timetable breaks no hard rule; else what still conflicts.
    pub conflicts: Vec<Conflict>,
}

impl Solved {
    pub fn valid(&self) -> bool {
        self.conflicts.is_empty() && self.cost.hard == 0
    }
}

/// What makes any timetable impossible, found by counting before a search (empty does not
/// prove one exists).
pub fn impossible(problem: &Problem) -> Vec<Conflict> {
    explain::before(problem, &compiled::Compiled::new(problem))
}

/// The rooms each lesson may take under the hard rules (empty: it needs none).
pub fn candidate_rooms(problem: &Problem) -> Vec<Vec<usize>> {
    compiled::Compiled::new(problem).candidates
}

/// Solves, reporting progress; `progress` returns false to cancel (the best so far is kept).
/// `initial` (a timetable to start from, its locked lessons pinned by the problem) serves
/// regenerating around locked lessons and repairing after a change.
pub fn solve(
    problem: &Problem,
    opts: &Options,
    initial: Option<&[Option<Placement>]>,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Solved, Vec<Conflict>> {
    let compiled = compiled::Compiled::new(problem);
    let impossible = explain::before(problem, &compiled);
    if !impossible.is_empty() {
        return Err(impossible);
    }
    let found = search::search(problem, &compiled, opts, initial, progress);
    let report = check(problem, &found.placements);
    let conflicts = if report.violations.is_empty() {
        Vec::new()
    } else {
        explain::after(&report.violations)
    };
    Ok(Solved {
        placements: found.placements,
        cost: report.cost,
        tracked: found.cost,
        iterations: found.iterations,
        cancelled: found.cancelled,
        trace: found.trace,
        elapsed: found.elapsed,
        conflicts,
    })
}

#[cfg(test)]
mod tests;
