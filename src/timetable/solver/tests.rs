use std::time::Duration;

use super::generate::school;
use super::*;

fn quick(seed: u64) -> Options {
    Options {
        seed,
        time_limit: Duration::from_secs(20),
        max_iterations: Some(300_000),
    }
}

fn solve_ok(p: &Problem, opts: &Options) -> Solved {
    let solved = solve(p, opts, None, &mut |_| true).expect("no conflict before the search");
    let report = check(p, &solved.placements);
    assert_eq!(report.cost, solved.cost);
    assert_eq!(
        solved.tracked, report.cost,
        "the search's own count agrees with the checker"
    );
    solved
}

#[test]
fn generated_schools_of_growing_size_get_valid_timetables() {
    for classes in [2, 6, 12, 24] {
        let p = school(classes, classes as u64);
        let solved = solve_ok(&p, &quick(7));
        assert!(
            solved.valid(),
            "{classes} classes: {:?} {:?}",
            solved.cost,
            solved.conflicts
        );
        assert!(check(&p, &solved.placements).violations.is_empty());
    }
}

#[test]
fn a_seed_and_a_budget_give_the_same_timetable() {
    let p = school(6, 3);
    let a = solve_ok(&p, &quick(42));
    let b = solve_ok(&p, &quick(42));
    assert_eq!(a.placements, b.placements);
    assert_eq!(a.cost, b.cost);
}

#[test]
fn an_overloaded_teacher_is_named_with_the_hours_and_the_slots() {
    let mut p = school(2, 1);
    // One teacher for everything: 52 hours for a 38-slot week less their time off.
    for l in &mut p.lessons {
        l.teachers = vec![0];
    }
    let err = solve(&p, &quick(1), None, &mut |_| true).expect_err("impossible");
    assert!(
        err.iter().any(|c| matches!(
            c,
            Conflict::Overloaded {
                who: Who::Teacher(0),
                hours: 52,
                ..
            }
        )),
        "{err:?}"
    );
}

#[test]
fn a_lab_lesson_with_no_lab_is_explained() {
    let mut p = school(2, 1);
    p.rules.push(Rule {
        kind: RuleKind::Rooms {
            course: 0,
            rooms: vec![],
        },
        weight: Weight::Hard,
    });
    let err = solve(&p, &quick(1), None, &mut |_| true).expect_err("impossible");
    assert!(
        err.iter().any(|c| matches!(c, Conflict::NoRoom { .. })),
        "{err:?}"
    );
}

#[test]
fn locked_lessons_stay_and_the_rest_move_around_them() {
    let mut p = school(4, 2);
    let first = solve_ok(&p, &quick(1));
    // Lock three lessons: class 1's double mathematics first thing on Monday, class 3's
    // mathematics (same teacher) just after, class 2's double French first on Tuesday.
    for (l, start) in [(0usize, 0usize), (10, 2), (20, generate::PERIODS)] {
        p.lessons[l].fixed = Some(Placement {
            start,
            room: first.placements[l].and_then(|pl| pl.room),
        });
    }
    let again = solve_ok(&p, &quick(2));
    assert!(again.valid(), "{:?}", again.conflicts);
    for l in [0usize, 10, 20] {
        assert_eq!(
            again.placements[l].map(|pl| pl.start),
            p.lessons[l].fixed.map(|f| f.start)
        );
    }
}

#[test]
fn parallel_options_start_together_and_double_periods_stay_in_one_block() {
    let mut p = school(3, 5);
    // Class 1's German (2 h) and a new Spanish (2 h) for the other half, in parallel.
    let german: Vec<usize> = (0..p.lessons.len())
        .filter(|&l| {
            p.courses[p.lessons[l].course]
                .name
                .starts_with("Allemand · Classe 1")
        })
        .collect();
    p.teachers.push("Espagnol 1".into());
    let spanish_teacher = p.teachers.len() - 1;
    p.courses.push(Course {
        name: "Espagnol · Classe 1".into(),
    });
    let course = p.courses.len() - 1;
    p.sets.push("Classe 1 (espagnol)".into());
    let half = p.sets.len() - 1;
    // The class's common lessons take both halves.
    for l in &mut p.lessons {
        if l.sets == vec![0] && !german.iter().any(|_| false) {
            l.sets.push(half);
        }
    }
    let mut spanish = Vec::new();
    for &g in &german {
        p.lessons[g].sets = vec![0];
        p.lessons.push(Lesson {
            course,
            sets: vec![half],
            teachers: vec![spanish_teacher],
            duration: 1,
            size: 20,
            needs_room: true,
            fixed: None,
        });
        spanish.push(p.lessons.len() - 1);
        p.rules.push(Rule {
            kind: RuleKind::Parallel {
                lessons: vec![g, p.lessons.len() - 1],
            },
            weight: Weight::Hard,
        });
    }
    let solved = solve_ok(&p, &quick(3));
    assert!(solved.valid(), "{:?}", solved.conflicts);
    for (g, s) in german.iter().zip(&spanish) {
        assert_eq!(
            solved.placements[*g].map(|x| x.start),
            solved.placements[*s].map(|x| x.start)
        );
        assert_ne!(
            solved.placements[*g].and_then(|x| x.room),
            solved.placements[*s].and_then(|x| x.room)
        );
    }
    for (l, lesson) in p.lessons.iter().enumerate() {
        if lesson.duration == 2 {
            let start = solved.placements[l].unwrap().start;
            let q = start % generate::PERIODS;
            assert!(
                q != 4 && q + 1 < generate::PERIODS,
                "double period across the break"
            );
        }
    }
}

#[test]
fn cancelling_keeps_the_best_so_far() {
    let p = school(12, 9);
    let mut calls = 0;
    let solved = solve(
        &p,
        &Options {
            seed: 1,
            time_limit: Duration::from_secs(60),
            max_iterations: None,
        },
        None,
        &mut |_| {
            calls += 1;
            calls < 2
        },
    )
    .unwrap();
    assert!(solved.cancelled);
    assert_eq!(solved.placements.len(), p.lessons.len());
}

#[test]
fn the_checker_sees_what_a_hand_made_timetable_breaks() {
    let p = school(2, 4);
    let solved = solve_ok(&p, &quick(1));
    let mut broken = solved.placements.clone();
    // Put two of class 1's lessons (mathematics, French) at the same hour.
    let (a, b) = (0, 16);
    broken[b] = broken[a].map(|pl| Placement {
        start: pl.start,
        room: pl.room,
    });
    let report = check(&p, &broken);
    assert!(report.violations.iter().any(|v| matches!(
        v,
        Violation::Overlap {
            who: Who::Set(0),
            ..
        }
    )));
    assert!(report.cost.hard > 0);
}

#[test]
fn the_ejection_repair_keeps_the_placed_lessons_within_the_hard_rules() {
    use rand::SeedableRng;

    use super::compiled::Compiled;
    use super::eject::Ejector;
    use super::state::State;

    let p = school(12, 5);
    let c = Compiled::new(&p);
    let mut state = State::new(&p, &c);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    // Everything at the first start and in the first room it may take: clashes everywhere.
    for (u, unit) in c.units.iter().enumerate() {
        let rooms: Vec<Option<usize>> = unit
            .lessons
            .iter()
            .map(|&l| c.candidates[l].first().copied())
            .collect();
        state.relocate(u, unit.domain.first().copied(), &rooms);
    }
    assert!(state.total.hard > 0);
    let mut ejector = Ejector::new(&mut state, &mut rng);
    assert!(ejector.ready(&state));
    let left_out = ejector.out.len();
    assert!(left_out > 0);
    let mut steps = 0;
    while ejector.step(&mut state, &mut rng) && steps < 200_000 {
        steps += 1;
        if steps % 97 == 0 {
            // The checker, written apart, finds nothing hard among the placed lessons but
            // the missing ones, and agrees with the search's own count.
            let report = check(&p, &state.placements());
            let other: Vec<_> = report
                .violations
                .iter()
                .filter(|v| !matches!(v, Violation::Unplaced { .. }))
                .collect();
            assert_eq!(report.cost, state.full_cost(), "step {steps}: {other:?}");
            let out: usize = ejector.out.iter().map(|&u| c.units[u].lessons.len()).sum();
            assert_eq!(report.cost.hard as usize, out, "step {steps}");
        }
    }
    assert!(
        ejector.out.is_empty(),
        "{} of {left_out} still out",
        ejector.out.len()
    );
    assert!(check(&p, &state.placements()).violations.is_empty());
}
