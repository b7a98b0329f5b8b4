//! `suku timetable …`: solve a competition (`.ctt`) or FET (`.fet`) file, check a solution
//! written by another program, write a school or a `.ctt` instance as a `.fet` file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use super::{ctt, fet, solver};
use crate::db::Pool;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum Action {
    /// Solve a curriculum-based course timetabling instance (ITC-2007 Track 3, `--ctt`):
    /// prints one line per lecture (`course room day period`, 0-based) on standard output
    /// and the cost by the competition's evaluation on standard error. With `--fet`, a
    /// school written by FET: one line per activity (`id day hour room`).
    Solve {
        /// The `.ctt` file.
        #[arg(long, conflicts_with = "fet", required_unless_present = "fet")]
        ctt: Option<PathBuf>,
        /// A `.fet` file.
        #[arg(long)]
        fet: Option<PathBuf>,
        /// Seconds to search; the best timetable found by then is printed.
        #[arg(long)]
        time_limit: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Writes the cost over time (`milliseconds,hard,soft`) to this file.
        #[arg(long)]
        trace: Option<PathBuf>,
    },
    /// Evaluates FET's solution (its `…_activities.xml`) of a `.fet` file, or of a `.ctt`
    /// instance written as `.fet` by `to-fet`, with Suku's checker (`.ctt`: the
    /// competition's evaluation).
    Check {
        #[arg(long, conflicts_with = "fet", required_unless_present = "fet")]
        ctt: Option<PathBuf>,
        #[arg(long)]
        fet: Option<PathBuf>,
        /// FET's `…_activities.xml`.
        #[arg(long)]
        activities: PathBuf,
    },
    /// Writes a `.fet` file: of a `.ctt` instance, or (without `--ctt`) of this database's
    /// school year (hours, assignments, rooms, constraints).
    ToFet {
        #[arg(long)]
        ctt: Option<PathBuf>,
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
    },
}

impl Action {
    /// Whether the command reads the school's database.
    pub fn needs_database(&self) -> bool {
        matches!(self, Action::ToFet { ctt: None, .. })
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    // A school's file is a few megabytes at most; refuse what cannot be one.
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    anyhow::ensure!(
        meta.len() <= 20 << 20,
        "{} is larger than 20 MB",
        path.display()
    );
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub async fn run(action: &Action, db: Option<&Pool>) -> anyhow::Result<()> {
    match action {
        Action::Solve {
            ctt: ctt_path,
            fet: fet_path,
            time_limit,
            seed,
            trace,
        } => {
            anyhow::ensure!(
                time_limit.is_finite() && *time_limit > 0.0 && *time_limit <= 86_400.0,
                "--time-limit is a number of seconds, more than 0 and at most 86400"
            );
            let opts = solver::Options {
                seed: *seed,
                time_limit: Duration::from_secs_f64(*time_limit),
                max_iterations: None,
            };
            match (ctt_path, fet_path) {
                (_, Some(path)) => solve_fet(&read(path)?, &opts, trace.as_deref()),
                (Some(path), None) => solve_ctt(&read(path)?, &opts, trace.as_deref()),
                (None, None) => anyhow::bail!("--ctt or --fet"),
            }
        }
        Action::Check {
            ctt: ctt_path,
            fet: fet_path,
            activities,
        } => {
            let placed = fet_activities(&read(activities)?)?;
            match (ctt_path, fet_path) {
                (_, Some(path)) => {
                    let school = fet::import(&read(path)?)?;
                    let at = placements(
                        &school.problem,
                        &school.activity_ids,
                        &school.days,
                        &school.hours,
                        &placed,
                    );
                    let report = solver::check(&school.problem, &at);
                    println!(
                        "hard {} soft {} placed {}/{}",
                        report.cost.hard,
                        report.cost.soft,
                        at.iter().filter(|a| a.is_some()).count(),
                        at.len()
                    );
                }
                (Some(path), None) => {
                    let inst = ctt::parse(&read(path)?)?;
                    let problem = ctt::to_problem(&inst);
                    let lines: Vec<ctt::Assignment> = placed
                        .iter()
                        .filter_map(|(id, day, hour, room)| {
                            let lecture = usize::try_from(*id).ok()?.checked_sub(1)?;
                            let course = problem.lessons.get(lecture)?.course;
                            Some(ctt::Assignment {
                                course,
                                room: inst.rooms.iter().position(|r| &r.0 == room)?,
                                day: day.parse().ok()?,
                                period: hour.parse().ok()?,
                            })
                        })
                        .collect();
                    let e = ctt::evaluate(&inst, &lines);
                    println!("hard {} soft {} placed {}", e.hard(), e.soft(), lines.len());
                }
                (None, None) => anyhow::bail!("--ctt or --fet"),
            }
            Ok(())
        }
        Action::ToFet {
            ctt: Some(path),
            out,
        } => {
            let inst = ctt::parse(&read(path)?)?;
            let p = ctt::to_problem(&inst);
            let days: Vec<String> = (0..inst.days).map(|d| d.to_string()).collect();
            let hours: Vec<String> = (0..inst.periods).map(|h| h.to_string()).collect();
            let subjects: Vec<String> = inst.courses.iter().map(|c| c.id.clone()).collect();
            std::fs::write(out, fet::export(&p, &inst.name, &days, &hours, &subjects))?;
            Ok(())
        }
        Action::ToFet { ctt: None, out } => {
            let db = db.context("a database")?;
            let year = crate::school::current_year(db)
                .await?
                .context("no current school year")?;
            let inputs = super::build::Inputs::load(db, year.id).await?;
            let built = super::build::build(&inputs, &[]);
            std::fs::write(out, super::build::to_fet(&built, &inputs, &year.label))?;
            Ok(())
        }
    }
}

fn write_trace(path: Option<&Path>, trace: &[(u64, i64, i64)]) -> anyhow::Result<()> {
    if let Some(path) = path {
        let text: String = trace
            .iter()
            .map(|(ms, h, s)| format!("{ms},{h},{s}\n"))
            .collect();
        std::fs::write(path, text)?;
    }
    Ok(())
}

fn solve_ctt(text: &str, opts: &solver::Options, trace: Option<&Path>) -> anyhow::Result<()> {
    let instance = ctt::parse(text).context("not a .ctt file")?;
    let problem = ctt::to_problem(&instance);
    let solved = match solver::solve(&problem, opts, None, &mut |_| true) {
        Ok(solved) => solved,
        Err(conflicts) => {
            for c in &conflicts {
                eprintln!("{}", super::describe_plain(&problem, c));
            }
            anyhow::bail!("no valid timetable exists for {}", instance.name);
        }
    };
    write_trace(trace, &solved.trace)?;
    let lines = ctt::assignments(&instance, &problem, &solved.placements);
    print!("{}", ctt::write(&instance, &lines));
    let e = ctt::evaluate(&instance, &lines);
    eprintln!(
        "{name}: hard {hard} (lectures {l}, room occupancy {ro}, conflicts {c}, availability {a}); \
         soft {soft} (RoomCapacity {rc}, MinimumWorkingDays {mwd}, CurriculumCompactness {cc}, \
         RoomStability {rs}); valid after {valid} ms; {it} moves in {secs:.1} s",
        name = instance.name,
        hard = e.hard(),
        l = e.lectures,
        ro = e.room_occupancy,
        c = e.conflicts,
        a = e.availability,
        soft = e.soft(),
        rc = e.room_capacity,
        mwd = e.min_working_days,
        cc = e.curriculum_compactness,
        rs = e.room_stability,
        valid = first_valid(&solved.trace),
        it = solved.iterations,
        secs = solved.elapsed.as_secs_f64(),
    );
    for c in &solved.conflicts {
        eprintln!("{}", super::describe_plain(&problem, c));
    }
    if e.hard() > 0 {
        std::process::exit(2);
    }
    Ok(())
}

fn first_valid(trace: &[(u64, i64, i64)]) -> String {
    trace
        .iter()
        .find(|t| t.1 == 0)
        .map(|t| t.0.to_string())
        .unwrap_or_else(|| "-".into())
}

/// Solves a school written by FET; prints `activity day hour room` per activity.
fn solve_fet(text: &str, opts: &solver::Options, trace: Option<&Path>) -> anyhow::Result<()> {
    let school = fet::import(text).context("not a .fet file")?;
    let p = &school.problem;
    for (kind, n) in &school.skipped {
        eprintln!("left out: {n} × {kind}");
    }
    eprintln!(
        "{} sets of students, {} teachers, {} rooms, {} lessons, {} rules",
        p.sets.len(),
        p.teachers.len(),
        p.rooms.len(),
        p.lessons.len(),
        p.rules.len()
    );
    let solved = match solver::solve(p, opts, None, &mut |_| true) {
        Ok(s) => s,
        Err(conflicts) => {
            for c in &conflicts {
                eprintln!("{}", super::describe_plain(p, c));
            }
            anyhow::bail!("no valid timetable exists for {}", school.name);
        }
    };
    write_trace(trace, &solved.trace)?;
    let periods = p.grid.periods;
    for (l, pl) in solved.placements.iter().enumerate() {
        if let Some(pl) = pl {
            println!(
                "{} {} {} {}",
                school.activity_ids[l],
                school.days[pl.start / periods],
                school.hours[pl.start % periods],
                pl.room.map(|r| p.rooms[r].name.as_str()).unwrap_or("-")
            );
        }
    }
    eprintln!(
        "{}: {} lessons, hard {}, soft {}; valid after {} ms (built in {} ms); {} moves in {:.1} s",
        school.name,
        p.lessons.len(),
        solved.cost.hard,
        solved.cost.soft,
        first_valid(&solved.trace),
        solved.trace.first().map(|t| t.0).unwrap_or(0),
        solved.iterations,
        solved.elapsed.as_secs_f64()
    );
    if solved.cost.hard > 0 {
        // What stays broken, by kind, then in words.
        let mut kinds: std::collections::BTreeMap<String, i64> = Default::default();
        for v in solver::check(p, &solved.placements).violations {
            let k = match v {
                solver::Violation::Rule { rule, count } => {
                    let name = format!("{:?}", p.rules[rule].kind);
                    *kinds
                        .entry(name.split([' ', '{']).next().unwrap_or("").to_string())
                        .or_default() += count;
                    continue;
                }
                other => format!("{other:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap_or("")
                    .to_string(),
            };
            *kinds.entry(k).or_default() += 1;
        }
        eprintln!(
            "still broken: {kinds:?}; tracked by the search: {:?}",
            solved.tracked
        );
        for c in &solved.conflicts {
            eprintln!("{}", super::describe_plain(p, c));
        }
        std::process::exit(2);
    }
    Ok(())
}

/// FET's `…_activities.xml`: (id, day, hour, room) per placed activity.
pub fn fet_activities(xml: &str) -> anyhow::Result<Vec<(u64, String, String, String)>> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml.trim_start_matches('\u{feff}'), opts)?;
    let text = |n: roxmltree::Node, k: &str| {
        n.children()
            .find(|c| c.has_tag_name(k))
            .and_then(|c| c.text())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    Ok(doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("Activity"))
        .filter_map(|a| {
            Some((
                text(a, "Id").parse().ok()?,
                text(a, "Day"),
                text(a, "Hour"),
                text(a, "Room"),
            ))
        })
        .collect())
}

/// Another program's placements as the problem's.
fn placements(
    p: &solver::Problem,
    ids: &[u64],
    days: &[String],
    hours: &[String],
    placed: &[(u64, String, String, String)],
) -> Vec<Option<solver::Placement>> {
    let mut at = vec![None; p.lessons.len()];
    for (id, day, hour, room) in placed {
        let (Some(l), Some(d), Some(h)) = (
            ids.iter().position(|x| x == id),
            days.iter().position(|x| x == day),
            hours.iter().position(|x| x == hour),
        ) else {
            continue;
        };
        at[l] = Some(solver::Placement {
            start: d * p.grid.periods + h,
            room: p.rooms.iter().position(|r| &r.name == room),
        });
    }
    at
}
