//! A timetable being searched: where each lesson is, what each slot holds, and the cost,
//! kept up to date move by move (only the days and courses a move touches are recounted).

use super::compiled::{Compiled, course_cost, day_cost};
use super::model::{Cost, Placement, Problem, Who};

pub struct State<'a> {
    pub p: &'a Problem,
    pub c: &'a Compiled,
    pub start: Vec<Option<usize>>,
    pub room: Vec<Option<usize>>,
    /// Per teacher then set (`Compiled::who_index`), per slot: lessons there.
    who_occ: Vec<Vec<u16>>,
    room_occ: Vec<Vec<u16>>,
    /// The lessons there, xor-ed (each as its index + 1): the one lesson where the count is 1.
    who_xor: Vec<Vec<u32>>,
    room_xor: Vec<Vec<u32>>,
    day_cost: Vec<Vec<Cost>>,
    day_gaps: Vec<Vec<usize>>,
    week_cost: Vec<Cost>,
    course_cost: Vec<Cost>,
    /// The cost of the placed lessons (`full_cost` adds the unplaced ones).
    pub total: Cost,
    pub placed: usize,
}

impl<'a> State<'a> {
    pub fn new(p: &'a Problem, c: &'a Compiled) -> State<'a> {
        let slots = p.grid.slots();
        let whos = p.teachers.len() + p.sets.len();
        State {
            p,
            c,
            start: vec![None; p.lessons.len()],
            room: vec![None; p.lessons.len()],
            who_occ: vec![vec![0; slots]; whos],
            room_occ: vec![vec![0; slots]; p.rooms.len()],
            who_xor: vec![vec![0; slots]; whos],
            room_xor: vec![vec![0; slots]; p.rooms.len()],
            day_cost: vec![vec![Cost::ZERO; p.grid.days]; whos],
            day_gaps: vec![vec![0; p.grid.days]; whos],
            week_cost: vec![Cost::ZERO; whos],
            course_cost: vec![Cost::ZERO; c.course_lessons.len()],
            total: Cost::ZERO,
            placed: 0,
        }
    }

    pub fn whos(&self, l: usize) -> impl Iterator<Item = usize> + '_ {
        let lesson = &self.p.lessons[l];
        lesson
            .teachers
            .iter()
            .map(|&t| Compiled::who_index(self.p, Who::Teacher(t)))
            .chain(
                lesson
                    .sets
                    .iter()
                    .map(|&s| Compiled::who_index(self.p, Who::Set(s))),
            )
    }

    /// Occupies (`add`) or frees the lesson's periods; returns the change in overlaps and
    /// in the lesson's own costs.
    fn occupy(&mut self, l: usize, add: bool) -> Cost {
        let Some(start) = self.start[l] else {
            return Cost::ZERO;
        };
        let duration = self.p.lessons[l].duration;
        let mut overlaps = 0i64;
        let whos: Vec<usize> = self.whos(l).collect();
        let room = self.room[l];
        let tag = l as u32 + 1;
        for s in start..start + duration {
            for &w in &whos {
                overlaps += bump(&mut self.who_occ[w][s], add);
                self.who_xor[w][s] ^= tag;
            }
            if let Some(r) = room {
                overlaps += bump(&mut self.room_occ[r][s], add);
                self.room_xor[r][s] ^= tag;
            }
        }
        let mut own = self.c.slot_cost[l][start];
        if let Some(r) = room {
            own += self.c.room_cost[l][r];
        }
        let change = Cost {
            hard: overlaps,
            soft: 0,
        } + own;
        if add { change } else { Cost::ZERO - change }
    }

    /// Moves a unit's lessons to `start`, each into its room of `rooms` (same order as the
    /// unit's lessons), and returns the change of the total cost.
    pub fn relocate(&mut self, u: usize, start: Option<usize>, rooms: &[Option<usize>]) -> Cost {
        let unit = &self.c.units[u];
        let mut touched_days: Vec<(usize, usize)> = Vec::new();
        let mut touched_courses: Vec<usize> = Vec::new();
        for &l in &unit.lessons {
            let whos: Vec<usize> = self.whos(l).collect();
            for s in [self.start[l], start].into_iter().flatten() {
                let d = self.p.grid.day(s);
                for &w in &whos {
                    touched_days.push((w, d));
                }
            }
            touched_courses.extend(self.c.lesson_groups[l].iter().copied());
        }
        touched_days.sort_unstable();
        touched_days.dedup();
        touched_courses.sort_unstable();
        touched_courses.dedup();
        let mut touched_whos: Vec<usize> = touched_days.iter().map(|&(w, _)| w).collect();
        touched_whos.dedup();

        let mut delta = Cost::ZERO;
        for &(w, d) in &touched_days {
            delta = delta - self.day_cost[w][d];
        }
        for &w in &touched_whos {
            delta = delta - self.week_cost[w];
        }
        for &c in &touched_courses {
            delta = delta - self.course_cost[c];
        }
        let lessons = unit.lessons.clone();
        for &l in &lessons {
            delta += self.occupy(l, false);
            if self.start[l].is_some() {
                self.placed -= 1;
            }
        }
        for (i, &l) in lessons.iter().enumerate() {
            self.start[l] = start;
            self.room[l] = if start.is_some() {
                rooms.get(i).copied().flatten()
            } else {
                None
            };
            delta += self.occupy(l, true);
            if start.is_some() {
                self.placed += 1;
            }
        }
        for &(w, d) in &touched_days {
            self.recount_day(w, d);
            delta += self.day_cost[w][d];
        }
        for &w in &touched_whos {
            self.recount_week(w);
            delta += self.week_cost[w];
        }
        for &c in &touched_courses {
            self.recount_course(c);
            delta += self.course_cost[c];
        }
        self.total += delta;
        delta
    }

    fn recount_day(&mut self, w: usize, d: usize) {
        let g = &self.p.grid;
        let range = d * g.periods..(d + 1) * g.periods;
        let (cost, gaps) = day_cost(
            &self.c.day_rules[w],
            &self.who_occ[w][range.clone()],
            &g.open[range],
            &g.joined,
        );
        self.day_cost[w][d] = cost;
        self.day_gaps[w][d] = gaps;
    }

    fn recount_week(&mut self, w: usize) {
        let gaps: usize = self.day_gaps[w].iter().sum();
        self.week_cost[w] = self.c.week_gaps[w]
            .iter()
            .map(|&(max, weight)| Cost::of(weight, gaps.saturating_sub(max) as i64))
            .fold(Cost::ZERO, |a, b| a + b);
    }

    fn recount_course(&mut self, c: usize) {
        let placed: Vec<(usize, Option<usize>)> = self.c.course_lessons[c]
            .iter()
            .filter_map(|&l| self.start[l].map(|s| (self.p.grid.day(s), self.room[l])))
            .collect();
        self.course_cost[c] = course_cost(&self.c.course_rules[c], &placed);
    }

    /// The unplaced lessons count as hard violations: the total to compare between states.
    pub fn full_cost(&self) -> Cost {
        self.total
            + Cost {
                hard: (self.p.lessons.len() - self.placed) as i64,
                soft: 0,
            }
    }

    pub fn placements(&self) -> Vec<Option<Placement>> {
        (0..self.p.lessons.len())
            .map(|l| {
                self.start[l].map(|start| Placement {
                    start,
                    room: self.room[l],
                })
            })
            .collect()
    }

    /// What holds a teacher's or set's slot: nothing, one lesson, or several (`Err`).
    pub fn who_holder(&self, w: usize, slot: usize) -> Result<Option<usize>, ()> {
        holder(self.who_occ[w][slot], self.who_xor[w][slot])
    }

    pub fn room_holder(&self, r: usize, slot: usize) -> Result<Option<usize>, ()> {
        holder(self.room_occ[r][slot], self.room_xor[r][slot])
    }

    pub fn room_free(&self, r: usize, start: usize, duration: usize) -> bool {
        (start..start + duration).all(|s| self.room_occ[r][s] == 0)
    }

    /// The lesson takes part in an overlap, or sits where it may not.
    pub fn clashes(&self, l: usize) -> bool {
        let Some(start) = self.start[l] else {
            return true;
        };
        let d = self.p.lessons[l].duration;
        if self.c.slot_cost[l][start].hard > 0 {
            return true;
        }
        (start..start + d).any(|s| {
            self.whos(l).any(|w| self.who_occ[w][s] > 1)
                || self.room[l].is_some_and(|r| self.room_occ[r][s] > 1)
        })
    }

    /// Some hard day rule of the lesson's teachers or sets is broken on its day.
    pub fn day_hard(&self, l: usize) -> bool {
        let Some(start) = self.start[l] else {
            return false;
        };
        let d = self.p.grid.day(start);
        self.whos(l)
            .any(|w| self.day_cost[w][d].hard > 0 || self.week_cost[w].hard > 0)
            || self.c.lesson_groups[l]
                .iter()
                .any(|&g| self.course_cost[g].hard > 0)
    }
}

fn holder(count: u16, xor: u32) -> Result<Option<usize>, ()> {
    match count {
        0 => Ok(None),
        1 => Ok(Some(xor as usize - 1)),
        _ => Err(()),
    }
}

fn bump(o: &mut u16, add: bool) -> i64 {
    if add {
        *o += 1;
        i64::from(*o > 1)
    } else {
        *o -= 1;
        i64::from(*o >= 1)
    }
}
