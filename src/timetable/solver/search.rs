//! The search: place every lesson greedily, the hardest first, then improve by simulated
//! annealing over three moves (a lesson to another start, two lessons of a class swapping
//! starts, a lesson to another room), keeping the best timetable met.

use std::time::{Duration, Instant};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::compiled::Compiled;
use super::eject::Ejector;
use super::model::{Cost, Placement, Problem};
use super::state::State;
use super::{Options, Progress};

pub struct Found {
    pub placements: Vec<Option<Placement>>,
    pub cost: Cost,
    pub iterations: u64,
    pub cancelled: bool,
    /// (milliseconds, hard, soft) each time the best improved: the cost over time.
    pub trace: Vec<(u64, i64, i64)>,
    pub elapsed: Duration,
}

struct Clock<'o> {
    began: Instant,
    limit: Duration,
    max_iterations: Option<u64>,
    report: &'o mut dyn FnMut(&Progress) -> bool,
    last_report: Instant,
}

impl Clock<'_> {
    fn elapsed(&self) -> Duration {
        self.began.elapsed()
    }

    /// How far along the search is, from 0 to 1: by iterations when a budget is set (so that
    /// a seed gives the same timetable on any machine), else by time.
    fn fraction(&self, iterations: u64) -> f64 {
        match self.max_iterations {
            Some(max) => iterations as f64 / max.max(1) as f64,
            None => self.elapsed().as_secs_f64() / self.limit.as_secs_f64().max(1e-3),
        }
    }

    fn over(&self, iterations: u64) -> bool {
        self.elapsed() >= self.limit || self.max_iterations.is_some_and(|m| iterations >= m)
    }

    /// Reports progress at most ten times a second; false when the caller cancels.
    fn tick(&mut self, state: &State, best: Cost, force: bool) -> bool {
        if !force && self.last_report.elapsed() < Duration::from_millis(100) {
            return true;
        }
        self.last_report = Instant::now();
        let progress = Progress {
            placed: state.placed,
            lessons: state.p.lessons.len(),
            hard: best.hard,
            soft: best.soft,
            elapsed: self.elapsed(),
            limit: self.limit,
        };
        (self.report)(&progress)
    }
}

/// The best rooms for a unit's lessons at `start`: free ones first, then the cheapest.
fn pick_rooms(state: &State, u: usize, start: usize, rng: &mut ChaCha8Rng) -> Vec<Option<usize>> {
    let unit = &state.c.units[u];
    let mut taken: Vec<usize> = Vec::new();
    unit.lessons
        .iter()
        .map(|&l| {
            let candidates = &state.c.candidates[l];
            if candidates.is_empty() {
                return None;
            }
            if let Some(f) = state.p.lessons[l].fixed
                && f.room.is_some()
            {
                return f.room;
            }
            let d = state.p.lessons[l].duration;
            // Keep the current room when it is free there: room stability.
            if let Some(r) = state.room[l]
                && !taken.contains(&r)
                && state.room_free(r, start, d)
                && state.c.room_cost[l][r] == Cost::ZERO
            {
                taken.push(r);
                return Some(r);
            }
            let mut best: Option<(i64, u32, usize)> = None;
            for &r in candidates {
                if taken.contains(&r) {
                    continue;
                }
                let busy = !state.room_free(r, start, d) && state.room[l] != Some(r);
                let cost = state.c.room_cost[l][r].scalar() + if busy { 100_000 } else { 0 };
                let tie: u32 = rng.random();
                if best.is_none_or(|(c, t, _)| (cost, tie) < (c, t)) {
                    best = Some((cost, tie, r));
                }
            }
            let r = best
                .map(|(_, _, r)| r)
                .or_else(|| candidates.choose(rng).copied());
            if let Some(r) = r {
                taken.push(r);
            }
            r
        })
        .collect()
}

/// Places a unit at the start where it costs least (clashes included).
fn place_cheapest(state: &mut State, u: usize, rng: &mut ChaCha8Rng) {
    let mut best: Option<(i64, u32, usize, Vec<Option<usize>>)> = None;
    for &s in &state.c.units[u].domain {
        let rooms = pick_rooms(state, u, s, rng);
        let delta = state.relocate(u, Some(s), &rooms);
        state.relocate(u, None, &[]);
        let tie: u32 = rng.random();
        if best
            .as_ref()
            .is_none_or(|(c0, t0, _, _)| (delta.scalar(), tie) < (*c0, *t0))
        {
            best = Some((delta.scalar(), tie, s, rooms));
        }
    }
    if let Some((_, _, s, rooms)) = best {
        state.relocate(u, Some(s), &rooms);
    }
}

fn current_rooms(state: &State, u: usize) -> Vec<Option<usize>> {
    state.c.units[u]
        .lessons
        .iter()
        .map(|&l| state.room[l])
        .collect()
}

fn current_start(state: &State, u: usize) -> Option<usize> {
    state.start[state.c.units[u].lessons[0]]
}

pub fn search(
    p: &Problem,
    c: &Compiled,
    opts: &Options,
    initial: Option<&[Option<Placement>]>,
    report: &mut dyn FnMut(&Progress) -> bool,
) -> Found {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut clock = Clock {
        began: Instant::now(),
        limit: opts.time_limit,
        max_iterations: opts.max_iterations,
        report,
        last_report: Instant::now(),
    };
    let mut state = State::new(p, c);
    let mut cancelled = false;
    let mut iterations: u64 = 0;

    // Locked lessons, then a given timetable's lessons, where they were.
    let mut order: Vec<usize> = Vec::new();
    for (u, unit) in c.units.iter().enumerate() {
        let given = initial.and_then(|i| i[unit.lessons[0]]);
        if unit.fixed {
            let f = p.lessons[unit.lessons[0]].fixed;
            let start = f.map(|f| f.start);
            let rooms = pick_rooms(&state, u, start.unwrap_or(0), &mut rng);
            state.relocate(u, start, &rooms);
        } else if let Some(g) = given
            && unit.domain.contains(&g.start)
        {
            let rooms: Vec<Option<usize>> = unit
                .lessons
                .iter()
                .map(|&l| initial.and_then(|i| i[l]).and_then(|pl| pl.room))
                .collect();
            state.relocate(u, Some(g.start), &rooms);
        } else {
            order.push(u);
        }
    }
    // The hardest first: fewest starts, then the busiest teachers and sets.
    let load = |u: usize| -> usize {
        c.units[u]
            .lessons
            .iter()
            .map(|&l| {
                let lesson = &p.lessons[l];
                lesson
                    .teachers
                    .iter()
                    .map(|&t| p.lessons_of(super::model::Who::Teacher(t)).count())
                    .sum::<usize>()
                    + lesson.duration * 10
            })
            .sum()
    };
    let mut keyed: Vec<(usize, std::cmp::Reverse<usize>, u32, usize)> = order
        .iter()
        .map(|&u| {
            (
                c.units[u].domain.len(),
                std::cmp::Reverse(load(u)),
                rng.random(),
                u,
            )
        })
        .collect();
    keyed.sort_unstable();
    for (_, _, _, u) in keyed {
        place_cheapest(&mut state, u, &mut rng);
        if !clock.tick(&state, state.full_cost(), false) {
            cancelled = true;
            break;
        }
    }

    // Repair by ejection chains, for at most 70 % of the time: the clashing units leave,
    // then each goes back displacing the fewest others. What is still left out then goes
    // to its cheapest start, and the search below takes over.
    if !cancelled {
        let mut ejector = Ejector::new(&mut state, &mut rng);
        if ejector.ready(&state) {
            // Stuck (fewest left out not bettered for long): the search below does better.
            let patience = 5_000 + 20 * c.units.len() as u64;
            let (mut fewest, mut since) = (usize::MAX, 0u64);
            while !ejector.out.is_empty() {
                iterations += 1;
                since += 1;
                if ejector.out.len() < fewest {
                    (fewest, since) = (ejector.out.len(), 0);
                }
                if iterations.is_multiple_of(32) {
                    if clock.over(iterations)
                        || clock_fraction(&clock, iterations) > 0.7
                        || since > patience
                    {
                        break;
                    }
                    if !clock.tick(&state, state.full_cost(), false) {
                        cancelled = true;
                        break;
                    }
                }
                ejector.step(&mut state, &mut rng);
            }
        }
        for u in std::mem::take(&mut ejector.out) {
            place_cheapest(&mut state, u, &mut rng);
        }
    }

    let mut best_cost = state.full_cost();
    let mut best_at = state.placements();
    let mut trace = vec![(
        clock.elapsed().as_millis() as u64,
        best_cost.hard,
        best_cost.soft,
    )];
    let movable: Vec<usize> = (0..c.units.len())
        .filter(|&u| !c.units[u].fixed && c.units[u].domain.len() > 1)
        .collect();
    if movable.is_empty() || cancelled {
        return Found {
            placements: best_at,
            cost: best_cost,
            iterations,
            cancelled,
            trace,
            elapsed: clock.elapsed(),
        };
    }

    // Temperature: from about the average uphill soft step down to a hundredth of it.
    let t0 = {
        let mut sum = 0i64;
        let mut n = 0i64;
        for _ in 0..200 {
            let u = *movable.choose(&mut rng).unwrap_or(&movable[0]);
            let old = current_start(&state, u);
            let old_rooms = current_rooms(&state, u);
            let s = *c.units[u].domain.choose(&mut rng).unwrap_or(&0);
            let rooms = pick_rooms(&state, u, s, &mut rng);
            let d = state.relocate(u, Some(s), &rooms);
            state.relocate(u, old, &old_rooms);
            if d.hard == 0 && d.soft > 0 {
                sum += d.soft;
                n += 1;
            }
        }
        if n == 0 {
            2.0
        } else {
            (sum as f64 / n as f64).max(1.0)
        }
    };
    let t_end = t0 / 100.0;
    let mut since_best: u64 = 0;
    // Tabu search on clashes: a unit may not go back to a start it left for a while.
    let slots = p.grid.slots();
    let mut tabu: Vec<u64> = vec![0; c.units.len() * slots];
    let mut reheat_base = 0.0f64;
    loop {
        iterations += 1;
        if iterations.is_multiple_of(256) {
            if clock.over(iterations) || (best_cost.hard == 0 && best_cost.soft == 0) {
                break;
            }
            if !clock.tick(&state, best_cost, false) {
                cancelled = true;
                break;
            }
        }
        let frac = ((clock_fraction(&clock, iterations) - reheat_base).max(0.0)
            / (1.0 - reheat_base).max(1e-9))
        .min(1.0);
        let temperature = t0 * (t_end / t0).powf(frac);

        // Aim at clashes while some remain.
        let clashing = state.full_cost().hard > 0;
        let mut u = *movable.choose(&mut rng).unwrap_or(&movable[0]);
        let mut aimed = false;
        if clashing && rng.random_bool(0.8) {
            for _ in 0..30 {
                let l = rng.random_range(0..p.lessons.len());
                let cu = c.unit_of[l];
                if !c.units[cu].fixed
                    && c.units[cu].domain.len() > 1
                    && (state.clashes(l) || state.day_hard(l))
                {
                    u = cu;
                    aimed = true;
                    break;
                }
            }
        }
        // Half of those: the clashing unit to its best start that is not tabu (min-conflicts
        // with a tabu list): taken when it is no worse (sideways moves walk a plateau, the
        // tabu list keeps them from cycling), and now and then even when worse, to leave a
        // local minimum.
        if aimed && rng.random_bool(0.5) {
            let old = current_start(&state, u);
            let old_rooms = current_rooms(&state, u);
            let mut best: Option<(i64, u32, usize, Vec<Option<usize>>)> = None;
            // At most 64 starts looked at, chosen at random when there are more.
            let domain = &c.units[u].domain;
            let looked: Vec<usize> = if domain.len() <= 64 {
                domain.clone()
            } else {
                domain.choose_multiple(&mut rng, 64).copied().collect()
            };
            for s in looked {
                if Some(s) == old {
                    continue;
                }
                let rooms = pick_rooms(&state, u, s, &mut rng);
                let d = state.relocate(u, Some(s), &rooms).scalar();
                let after = state.full_cost();
                state.relocate(u, old, &old_rooms);
                if tabu[u * slots + s] > iterations && after >= best_cost {
                    continue;
                }
                let tie: u32 = rng.random();
                if best.as_ref().is_none_or(|b| (d, tie) < (b.0, b.1)) {
                    best = Some((d, tie, s, rooms));
                }
            }
            if let Some((d, _, s, rooms)) = best
                && (d <= 0 || rng.random_bool(0.02))
            {
                state.relocate(u, Some(s), &rooms);
                if let Some(o) = old {
                    tabu[u * slots + o] = iterations + 10 + rng.random_range(0..10u64);
                }
                let now = state.full_cost();
                if now < best_cost {
                    best_cost = now;
                    best_at = state.placements();
                    since_best = 0;
                    push_trace(&mut trace, clock.elapsed().as_millis() as u64, now);
                } else {
                    since_best += 1;
                }
            }
            continue;
        }
        let old = current_start(&state, u);
        let old_rooms = current_rooms(&state, u);
        let roll: f64 = rng.random();
        let delta;
        let mut undo: Option<(usize, Option<usize>, Vec<Option<usize>>)> = None;
        if roll < 0.5 {
            let s = *c.units[u].domain.choose(&mut rng).unwrap_or(&0);
            let rooms = pick_rooms(&state, u, s, &mut rng);
            delta = state.relocate(u, Some(s), &rooms);
        } else if roll < 0.85 {
            // Swap with a unit of the same length sharing a set.
            let l0 = c.units[u].lessons[0];
            let partner = p.lessons[l0]
                .sets
                .first()
                .and_then(|&s| c.set_units[s].choose(&mut rng).copied())
                .filter(|&v| {
                    v != u
                        && !c.units[v].fixed
                        && c.units[v].duration == c.units[u].duration
                        && current_start(&state, v).is_some()
                });
            match (partner, old) {
                (Some(v), Some(su)) => {
                    let sv = current_start(&state, v).unwrap_or(su);
                    if c.units[u].domain.contains(&sv) && c.units[v].domain.contains(&su) {
                        let v_rooms = current_rooms(&state, v);
                        let ru = pick_rooms(&state, u, sv, &mut rng);
                        let mut d = state.relocate(u, Some(sv), &ru);
                        let rv = pick_rooms(&state, v, su, &mut rng);
                        d += state.relocate(v, Some(su), &rv);
                        undo = Some((v, Some(sv), v_rooms));
                        delta = d;
                    } else {
                        continue;
                    }
                }
                _ => continue,
            }
        } else {
            let Some(s) = old else { continue };
            let l = *c.units[u]
                .lessons
                .choose(&mut rng)
                .unwrap_or(&c.units[u].lessons[0]);
            let i = c.units[u].lessons.iter().position(|&x| x == l).unwrap_or(0);
            let Some(&r) = c.candidates[l].choose(&mut rng) else {
                continue;
            };
            let mut rooms = old_rooms.clone();
            rooms[i] = Some(r);
            delta = state.relocate(u, Some(s), &rooms);
        }
        let d = delta.scalar();
        let accept = d <= 0 || rng.random::<f64>() < (-(d as f64) / temperature).exp();
        if accept {
            let now = state.full_cost();
            if now < best_cost {
                best_cost = now;
                best_at = state.placements();
                since_best = 0;
                push_trace(&mut trace, clock.elapsed().as_millis() as u64, now);
            } else {
                since_best += 1;
            }
        } else {
            if let Some((v, sv, v_rooms)) = undo {
                state.relocate(v, sv, &v_rooms);
            }
            state.relocate(u, old, &old_rooms);
            since_best += 1;
        }
        // Stuck for long: warm up again from where the search is now.
        if since_best > 200_000 {
            reheat_base = clock_fraction(&clock, iterations).min(0.95);
            since_best = 0;
        }
    }
    clock.tick(&state, best_cost, true);
    Found {
        placements: best_at,
        cost: best_cost,
        iterations,
        cancelled,
        trace,
        elapsed: clock.elapsed(),
    }
}

/// Records an improvement: at most one point per 20 ms while the clashes stay the same.
fn push_trace(trace: &mut Vec<(u64, i64, i64)>, ms: u64, now: Cost) {
    match trace.last_mut() {
        Some(last) if last.1 == now.hard && ms < last.0 + 20 => *last = (ms, now.hard, now.soft),
        _ => trace.push((ms, now.hard, now.soft)),
    }
}

fn clock_fraction(clock: &Clock, iterations: u64) -> f64 {
    clock.fraction(iterations)
}
