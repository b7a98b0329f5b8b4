//! Repair by ejection chains, as FET's recursive swapping: the placed lessons never break a
//! hard rule; a unit left out goes to the start where it displaces the fewest others (and
//! the least often displaced), those leave in turn, and so on until all are placed. A unit
//! just placed may not be displaced for a few steps, so that two units do not chase each
//! other.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::compiled::CourseRule;
use super::model::{Cost, Weight};
use super::state::State;

pub struct Ejector {
    /// Per unit, the step until which it may not be displaced.
    tabu: Vec<u64>,
    /// Per unit, how often it was displaced: the often displaced cost more to displace.
    displaced: Vec<u32>,
    step: u64,
    pub out: Vec<usize>,
}

/// What placing a unit at a start means: its rooms and the units it displaces.
struct Plan {
    rooms: Vec<Option<usize>>,
    displace: Vec<usize>,
    score: u64,
}

impl Ejector {
    /// Takes out units until the placed lessons break no hard rule.
    pub fn new(state: &mut State, rng: &mut ChaCha8Rng) -> Ejector {
        let c = state.c;
        let units = c.units.len();
        let mut out: Vec<usize> = (0..units)
            .filter(|&u| state.start[c.units[u].lessons[0]].is_none() && !c.units[u].fixed)
            .collect();
        while state.total.hard > 0 {
            let culprits: Vec<usize> = (0..state.p.lessons.len())
                .filter(|&l| {
                    let u = c.unit_of[l];
                    state.start[l].is_some()
                        && !c.units[u].fixed
                        && (state.clashes(l) || state.day_hard(l))
                })
                .collect();
            let Some(&l) = culprits.choose(rng) else {
                break;
            };
            let u = c.unit_of[l];
            state.relocate(u, None, &[]);
            out.push(u);
        }
        Ejector {
            tabu: vec![0; units],
            displaced: vec![0; units],
            step: 0,
            out,
        }
    }

    /// Whether the placed lessons break no hard rule (else this repair cannot start).
    pub fn ready(&self, state: &State) -> bool {
        state.total.hard == 0
    }

    /// One step: a unit left out goes in, displacing others. False when none is left out.
    pub fn step(&mut self, state: &mut State, rng: &mut ChaCha8Rng) -> bool {
        if self.out.is_empty() {
            return false;
        }
        self.step += 1;
        let i = rng.random_range(0..self.out.len());
        let u = self.out.swap_remove(i);
        let c = state.c;
        let domain = &c.units[u].domain;
        let mut best: Option<(u64, u32, usize, Plan)> = None;
        for &s in domain {
            let Some(plan) = self.plan(state, u, s, rng) else {
                continue;
            };
            let tie: u32 = rng.random();
            let score = plan.score;
            if best.as_ref().is_none_or(|b| (score, tie) < (b.0, b.1)) {
                best = Some((score, tie, s, plan));
            }
        }
        let Some((_, _, s, plan)) = best else {
            self.out.push(u);
            return true;
        };
        let mut gone: Vec<(usize, Option<usize>, Vec<Option<usize>>)> = Vec::new();
        for &v in &plan.displace {
            gone.push(take_out(state, v));
        }
        state.relocate(u, Some(s), &plan.rooms);
        // Rules over a day (the most hours, in a row, gaps) may still break: the units of
        // the same teachers and sets that day that take part leave too.
        for _ in 0..8 {
            if state.total.hard == 0 {
                break;
            }
            let day = state.p.grid.day(s);
            let periods = state.p.grid.periods;
            let mut near: Vec<usize> = Vec::new();
            for &l in &c.units[u].lessons {
                for w in state.whos(l).collect::<Vec<_>>() {
                    for slot in day * periods..(day + 1) * periods {
                        if let Ok(Some(x)) = state.who_holder(w, slot) {
                            let v = c.unit_of[x];
                            if v != u && !c.units[v].fixed && !near.contains(&v) {
                                near.push(v);
                            }
                        }
                    }
                }
            }
            let Some(&v) = near.choose(rng) else { break };
            gone.push(take_out(state, v));
        }
        if state.total.hard > 0 {
            // Back as it was.
            state.relocate(u, None, &[]);
            for (v, start, rooms) in gone.into_iter().rev() {
                state.relocate(v, start, &rooms);
            }
            self.out.push(u);
            return true;
        }
        self.tabu[u] = self.step + 8 + rng.random_range(0..8u64);
        for (v, _, _) in gone {
            self.displaced[v] += 1;
            self.out.push(v);
        }
        true
    }

    /// The rooms and the units displaced to place `u` at `s`; None when a locked or
    /// protected unit is in the way.
    fn plan(&self, state: &State, u: usize, s: usize, rng: &mut ChaCha8Rng) -> Option<Plan> {
        let c = state.c;
        let p = state.p;
        let mut displace: Vec<usize> = Vec::new();
        let add = |v: usize, displace: &mut Vec<usize>| -> Option<()> {
            if c.units[v].fixed || self.tabu[v] > self.step {
                return None;
            }
            if !displace.contains(&v) {
                displace.push(v);
            }
            Some(())
        };
        let day = p.grid.day(s);
        let mut rooms: Vec<Option<usize>> = Vec::with_capacity(c.units[u].lessons.len());
        for &l in &c.units[u].lessons {
            let d = p.lessons[l].duration;
            for slot in s..s + d {
                for w in state.whos(l) {
                    match state.who_holder(w, slot) {
                        Ok(Some(x)) => add(c.unit_of[x], &mut displace)?,
                        Ok(None) => {}
                        Err(()) => return None,
                    }
                }
            }
            // Lessons of its groups too near in days, under a required rule.
            for &g in &c.lesson_groups[l] {
                for &(rule, w) in &c.course_rules[g] {
                    let (CourseRule::MinBetween(gap), Weight::Hard) = (rule, w) else {
                        continue;
                    };
                    for &x in &c.course_lessons[g] {
                        if let Some(sx) = state.start[x]
                            && c.unit_of[x] != u
                            && p.grid.day(sx).abs_diff(day) < gap
                        {
                            add(c.unit_of[x], &mut displace)?;
                        }
                    }
                }
            }
            // A room: the cheapest free one, else one whose lesson leaves.
            let candidates = &c.candidates[l];
            if candidates.is_empty() {
                rooms.push(None);
                continue;
            }
            let mut free: Option<(Cost, usize)> = None;
            for &r in candidates {
                if rooms.contains(&Some(r)) {
                    continue;
                }
                if (s..s + d).all(|slot| matches!(state.room_holder(r, slot), Ok(None)))
                    && free.is_none_or(|(cost, _)| c.room_cost[l][r] < cost)
                {
                    free = Some((c.room_cost[l][r], r));
                }
            }
            if let Some((_, r)) = free {
                rooms.push(Some(r));
                continue;
            }
            let r = *candidates.choose(rng)?;
            if rooms.contains(&Some(r)) {
                return None;
            }
            for slot in s..s + d {
                match state.room_holder(r, slot) {
                    Ok(Some(x)) => add(c.unit_of[x], &mut displace)?,
                    Ok(None) => {}
                    Err(()) => return None,
                }
            }
            rooms.push(Some(r));
        }
        // Fewest units displaced first, then the least often displaced and smallest.
        let score = (displace.len() as u64) << 32
            | displace
                .iter()
                .map(|&v| u64::from(self.displaced[v]) + c.units[v].lessons.len() as u64)
                .sum::<u64>()
                .min(u64::from(u32::MAX));
        Some(Plan {
            rooms,
            displace,
            score,
        })
    }
}

/// Unplaces a unit; returns where it was, to put it back.
fn take_out(state: &mut State, v: usize) -> (usize, Option<usize>, Vec<Option<usize>>) {
    let unit = &state.c.units[v];
    let start = state.start[unit.lessons[0]];
    let rooms: Vec<Option<usize>> = unit.lessons.iter().map(|&l| state.room[l]).collect();
    state.relocate(v, None, &[]);
    (v, start, rooms)
}
