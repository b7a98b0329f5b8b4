//! The demo school: a deterministic, realistic Togolese school (primaire, collège, lycée),
//! generated in one transaction when the database is empty.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::admin::repo::{self as people, PersonInput};
use crate::auth::{Role, password};
use crate::db::{Pool, Tx};
use crate::settings::{self, PeriodKind, SchoolSettings};

mod assignments;
mod assistant;
mod chat;
mod conduct;
mod documents;
mod workflows;
pub use documents::photos;
mod courses;
mod dashboards;
mod families;
mod fees;
mod grades;
mod history;
mod journal;
mod lessons;
mod life;
mod momo;
mod names;
mod news;
mod quizzes;
mod sms;
mod timetable;
pub mod video;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "suku2026";

/// One printed demo login.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DemoLogin {
    /// The role, as a code.
    pub role: String,
    /// E-mail or phone.
    pub login: String,
    pub password: String,
}

/// What the demo made, for the command line and the tests.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DemoSchool {
    /// One login per role: director (admin), bursar, secretary, teacher, parent, student.
    pub logins: Vec<DemoLogin>,
}

/// A class made, as the families and teachers need it.
struct Class {
    id: i64,
    level_ord: usize,
    cycle: &'static str,
    level: &'static str,
}

/// Level code, name, cycle, number of classes (groups), série list for the lycée.
const LEVELS: &[(&str, &str, &str, usize)] = &[
    ("CP1", "Cours préparatoire 1", "primaire", 3),
    ("CP2", "Cours préparatoire 2", "primaire", 2),
    ("CE1", "Cours élémentaire 1", "primaire", 3),
    ("CE2", "Cours élémentaire 2", "primaire", 2),
    ("CM1", "Cours moyen 1", "primaire", 2),
    ("CM2", "Cours moyen 2", "primaire", 3),
    ("6e", "Sixième", "college", 4),
    ("5e", "Cinquième", "college", 4),
    ("4e", "Quatrième", "college", 4),
    ("3e", "Troisième", "college", 4),
    ("2nde", "Seconde", "lycee", 0),
    ("1ère", "Première", "lycee", 0),
    ("Tle", "Terminale", "lycee", 0),
];

/// Lycée classes per level: (série, group).
const LYCEE: &[(&str, &str)] = &[("A4", "1"), ("A4", "2"), ("C", ""), ("D", "1"), ("D", "2")];

const SERIES: &[(&str, &str)] = &[
    ("A4", "Lettres et langues"),
    ("C", "Mathématiques et sciences physiques"),
    ("D", "Sciences de la nature"),
];

/// Subjects: code, name, taught in collège, in lycée séries (A4, C, D).
const SUBJECTS: &[(&str, &str)] = &[
    ("FR", "Français"),
    ("MATH", "Mathématiques"),
    ("ANG", "Anglais"),
    ("HG", "Histoire-Géographie"),
    ("SVT", "Sciences de la vie et de la terre"),
    ("PC", "Physique-Chimie"),
    ("PHILO", "Philosophie"),
    ("ALL", "Allemand"),
    ("ECM", "Éducation civique et morale"),
    ("EPS", "Éducation physique et sportive"),
    ("ENS", "Enseignement primaire (toutes matières)"),
];

fn secondary_subjects(cycle: &str, level: &str) -> &'static [&'static str] {
    match (cycle, level) {
        ("college", _) => &["FR", "MATH", "ANG", "HG", "SVT", "PC", "ECM", "EPS"],
        (_, "2nde") => &["FR", "MATH", "ANG", "HG", "SVT", "PC", "ALL", "EPS"],
        _ => &["FR", "MATH", "ANG", "HG", "SVT", "PC", "PHILO", "EPS"],
    }
}

struct Names {
    rng: ChaCha8Rng,
    phones: HashSet<String>,
    emails: HashSet<String>,
}

impl Names {
    fn pick<'a>(&mut self, list: &'a [&'a str]) -> &'a str {
        list[self.rng.random_range(0..list.len())]
    }

    fn given(&mut self, girl: bool) -> String {
        let first = self
            .pick(if girl { names::GIRLS } else { names::BOYS })
            .to_string();
        // Many children carry a French and a local name: "Marie Akossiwa".
        if self.rng.random_bool(0.25) {
            let second = self.pick(if girl { names::GIRLS } else { names::BOYS });
            if second != first {
                return format!("{first} {second}");
            }
        }
        first
    }

    fn phone(&mut self) -> String {
        const PREFIXES: &[&str] = &["90", "91", "92", "93", "96", "97", "98", "99", "70", "79"];
        loop {
            let p = format!(
                "+228{}{:06}",
                self.pick(PREFIXES),
                self.rng.random_range(0..1_000_000)
            );
            if self.phones.insert(p.clone()) {
                return p;
            }
        }
    }

    fn email(&mut self, first: &str, last: &str, domain: &str) -> String {
        let base: String = format!("{}.{}", first.split(' ').next().unwrap_or(first), last)
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' => 'e',
                'ï' | 'î' => 'i',
                'â' | 'à' => 'a',
                'ô' => 'o',
                c if c.is_ascii_alphanumeric() || c == '.' => c,
                _ => '-',
            })
            .collect();
        let mut n = 1;
        loop {
            let e = if n == 1 {
                format!("{base}@{domain}")
            } else {
                format!("{base}{n}@{domain}")
            };
            if self.emails.insert(e.clone()) {
                return e;
            }
            n += 1;
        }
    }
}

/// True when the database has no users yet.
pub async fn is_empty(db: &Pool) -> anyhow::Result<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await?;
    Ok(n == 0)
}

/// The demo logins recorded when the demo school was made.
pub async fn logins(db: &Pool) -> anyhow::Result<Option<DemoSchool>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = 'demo'")
        .fetch_optional(db)
        .await?;
    Ok(match row {
        Some((v,)) => Some(serde_json::from_str(&v)?),
        None => None,
    })
}

async fn user(
    tx: &mut Tx<'_>,
    hash: &str,
    first: &str,
    last: &str,
    email: Option<String>,
    phone: Option<String>,
    roles: &[Role],
) -> anyhow::Result<i64> {
    let p = PersonInput {
        first_name: first.into(),
        last_name: last.into(),
        email,
        phone,
        temporary_password: false,
    };
    Ok(people::insert_user(tx, &p, hash, roles, Utc::now()).await?)
}

/// Generates the demo school in one transaction. Deterministic: the same seed gives the same
/// school, so that screenshots and benchmarks are comparable between runs.
pub async fn generate(db: &Pool) -> anyhow::Result<DemoSchool> {
    let hash = password::hash(DEMO_PASSWORD.into()).await?;
    let mut n = Names {
        rng: ChaCha8Rng::seed_from_u64(228),
        phones: HashSet::new(),
        emails: HashSet::new(),
    };
    let mut tx = crate::db::begin_write(db).await?;
    let school = SchoolSettings {
        name: "Complexe scolaire La Lumière".into(),
        city: "Lomé".into(),
        phone: "+22822214365".into(),
        email: "contact@lumiere.tg".into(),
        logo: Some("/static/icons/logo.svg".into()),
        period_kind: PeriodKind::Trimestre,
    };
    settings::store(&mut *tx, "school", &school).await?;

    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("valid demo date");
    let (year_id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_years (label, starts_on, ends_on, current) VALUES ('2026-2027', $1, $2, TRUE) RETURNING id",
    )
    .bind(d(2026, 10, 5))
    .bind(d(2027, 7, 3))
    .fetch_one(&mut *tx)
    .await?;
    for (i, (s, e)) in [
        (d(2026, 10, 5), d(2026, 12, 19)),
        (d(2027, 1, 4), d(2027, 3, 27)),
        (d(2027, 4, 7), d(2027, 7, 3)),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query("INSERT INTO periods (school_year_id, ordinal, kind, starts_on, ends_on) VALUES ($1, $2, 'trimestre', $3, $4)")
            .bind(year_id)
            .bind(i as i64 + 1)
            .bind(s)
            .bind(e)
            .execute(&mut *tx)
            .await?;
    }
    let mut series_ids = std::collections::HashMap::new();
    for (code, name) in SERIES {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO series (code, name) VALUES ($1, $2) RETURNING id")
                .bind(code)
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
        series_ids.insert(*code, id);
    }
    let mut subject_ids = std::collections::HashMap::new();
    for (code, name) in SUBJECTS {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO subjects (code, name) VALUES ($1, $2) RETURNING id")
                .bind(code)
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
        subject_ids.insert(*code, id);
    }

    // Administration.
    for (first, last, email, roles, position) in [
        (
            "Kossi",
            "Amegan",
            "directeur@lumiere.tg",
            &[Role::Director][..],
            "Directeur général",
        ),
        (
            "Akossiwa",
            "Lawson",
            "econome@lumiere.tg",
            &[Role::Bursar][..],
            "Économe",
        ),
        (
            "Béatrice",
            "Mensah",
            "secretariat@lumiere.tg",
            &[Role::Secretary][..],
            "Secrétaire",
        ),
        (
            "Emmanuel",
            "Tchalla",
            "censeur@lumiere.tg",
            &[Role::Director, Role::Teacher][..],
            "Censeur",
        ),
    ] {
        let id = user(
            &mut tx,
            &hash,
            first,
            last,
            Some(email.into()),
            Some(n.phone()),
            roles,
        )
        .await?;
        people::set_position(&mut *tx, id, position).await?;
    }

    // Classes.
    let mut classes = Vec::new();
    for (ord, (code, name, cycle, groups)) in LEVELS.iter().enumerate() {
        let (level_id,): (i64,) = sqlx::query_as(
            "INSERT INTO levels (code, name, cycle, ordinal) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(cycle)
        .bind(ord as i64)
        .fetch_one(&mut *tx)
        .await?;
        let specs: Vec<(Option<&str>, String)> = if *cycle == "lycee" {
            LYCEE
                .iter()
                .map(|(s, g)| (Some(*s), g.to_string()))
                .collect()
        } else {
            (0..*groups)
                .map(|g| (None, ((b'A' + g as u8) as char).to_string()))
                .collect()
        };
        for (serie, grp) in specs {
            let cname = crate::admin::class_name(code, serie.unwrap_or(""), &grp);
            let room = format!("Salle {}", classes.len() + 1);
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(year_id)
            .bind(level_id)
            .bind(serie.map(|s| series_ids[s]))
            .bind(&grp)
            .bind(&cname)
            .bind(room)
            .fetch_one(&mut *tx)
            .await?;
            classes.push(Class {
                id,
                level_ord: ord,
                cycle,
                level: code,
            });
        }
    }
    // The rooms: one per class, with its seats, and the shared ones.
    sqlx::query(
        "INSERT INTO rooms (name, kind, capacity) SELECT room, 'classroom', 70 FROM classes WHERE school_year_id = $1",
    )
    .bind(year_id)
    .execute(&mut *tx)
    .await?;
    for (name, kind, seats) in [
        ("Labo SVT", "lab", 40),
        ("Labo physique-chimie", "lab", 40),
        ("Salle informatique", "computer", 30),
        ("Terrain de sport", "sports", 200),
    ] {
        sqlx::query("INSERT INTO rooms (name, kind, capacity) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(kind)
            .bind(seats)
            .execute(&mut *tx)
            .await?;
    }

    // Teachers: one instituteur per primary class; secondary teachers by subject, each
    // carrying about five classes.
    let mut teacher_ids = Vec::new();
    let mut demo_teacher = None;
    // Two teachers with the same name could not be told apart in the pickers.
    let mut staff_names = HashSet::new();
    let mut teacher = |n: &mut Names| loop {
        let girl = n.rng.random_bool(0.4);
        let first = n.given(girl);
        let last = n.pick(names::SURNAMES).to_string();
        if !staff_names.insert((first.clone(), last.clone())) {
            continue;
        }
        let email = n.email(&first, &last, "lumiere.tg");
        let phone = n.phone();
        break (first, last, email, phone);
    };
    for c in classes.iter().filter(|c| c.cycle == "primaire") {
        let (first, last, email, phone) = teacher(&mut n);
        let id = user(
            &mut tx,
            &hash,
            &first,
            &last,
            Some(email),
            Some(phone),
            &[Role::Teacher],
        )
        .await?;
        people::set_position(&mut *tx, id, "Instituteur").await?;
        sqlx::query("INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)")
            .bind(c.id)
            .bind(subject_ids["ENS"])
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE classes SET head_teacher_user_id = $1 WHERE id = $2")
            .bind(id)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        teacher_ids.push(id);
    }
    let secondary: Vec<&Class> = classes.iter().filter(|c| c.cycle != "primaire").collect();
    let mut heads: std::collections::HashMap<i64, usize> = Default::default();
    let mut pools: std::collections::HashMap<&str, Vec<(i64, usize)>> = Default::default();
    for c in &secondary {
        for subj in secondary_subjects(c.cycle, c.level) {
            let pool = pools.entry(subj).or_default();
            let tid = match pool.iter_mut().find(|(_, load)| *load < 5) {
                Some((tid, load)) => {
                    *load += 1;
                    *tid
                }
                None => {
                    let (first, last, email, phone) = teacher(&mut n);
                    let id = user(
                        &mut tx,
                        &hash,
                        &first,
                        &last,
                        Some(email),
                        Some(phone),
                        &[Role::Teacher],
                    )
                    .await?;
                    people::set_position(&mut *tx, id, "Professeur").await?;
                    teacher_ids.push(id);
                    pool.push((id, 1));
                    id
                }
            };
            sqlx::query("INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)")
                .bind(c.id)
                .bind(subject_ids[subj])
                .bind(tid)
                .execute(&mut *tx)
                .await?;
        }
        // The professeur principal is the class teacher with the fewest classes to head so
        // far, the French (collège) or maths (lycée) teacher first among equals.
        let main_subject = subject_ids[if c.cycle == "college" { "FR" } else { "MATH" }];
        let candidates: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT teacher_user_id, subject_id FROM teaching_assignments WHERE class_id = $1 ORDER BY subject_id",
        )
        .bind(c.id)
        .fetch_all(&mut *tx)
        .await?;
        let head = candidates
            .iter()
            .min_by_key(|(t, s)| (heads.get(t).copied().unwrap_or(0), *s != main_subject))
            .map(|(t, _)| *t)
            .expect("every secondary class has teachers");
        *heads.entry(head).or_insert(0) += 1;
        sqlx::query("UPDATE classes SET head_teacher_user_id = $1 WHERE id = $2")
            .bind(head)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        if demo_teacher.is_none() && c.level == "1ère" {
            demo_teacher = Some(head);
        }
    }

    // Students and families: siblings share a surname and a guardian.
    let (demo_parent, demo_student) = families::seed(&mut tx, &mut n, &hash, &classes).await?;

    grades::coefficients(&mut tx, &subject_ids, &series_ids).await?;
    grades::first_term_marks(&mut tx, &mut n.rng).await?;
    let today = Utc::now().date_naive();
    life::attendance(&mut tx, &mut n.rng, today).await?;
    life::gamification(&mut tx, &mut n.rng, today, demo_teacher).await?;
    fees::seed(&mut tx, &mut n.rng, Utc::now().date_naive()).await?;
    news::announcements(&mut tx).await?;
    lessons::seed(&mut tx, &mut n.rng, today).await?;
    courses::seed(
        &mut tx,
        &mut n.rng,
        demo_teacher,
        demo_student.as_deref(),
        demo_parent.as_ref().map(|p| p.0.as_str()),
        today,
    )
    .await?;
    conduct::seed(&mut tx, demo_student.as_deref(), today).await?;
    workflows::seed(&mut tx, today).await?;
    // Three teachers away half a day: the demo teacher among them, to see it on their week.
    let busy: Vec<i64> = demo_teacher
        .into_iter()
        .chain(teacher_ids.iter().copied().skip(20).step_by(17).take(2))
        .collect();
    timetable::seed(&mut tx, &subject_ids, &series_ids, &busy).await?;
    documents::seed(
        &mut tx,
        demo_student.as_deref(),
        demo_parent.as_ref().map(|p| p.0.as_str()),
        today,
    )
    .await?;
    journal::history(&mut tx, today, 21).await?;
    if let Some((phone, _)) = &demo_parent {
        chat::seed(&mut tx, phone).await?;
    }
    sms::seed(&mut tx, demo_parent.as_ref().map(|p| p.0.as_str()), today).await?;
    momo::seed(
        &mut tx,
        &mut n.rng,
        demo_parent.as_ref().map(|p| p.0.as_str()),
        Utc::now(),
    )
    .await?;

    // Three past years, last: nothing above reads them as this year's.
    let (director,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'directeur@lumiere.tg'")
            .fetch_one(&mut *tx)
            .await?;
    history::seed(&mut tx, &mut n, year_id, director).await?;
    dashboards::seed(&mut tx, director, Utc::now()).await?;
    assistant::seed(&mut tx).await?;

    let director_login = "directeur@lumiere.tg".to_string();
    let (teacher_email,): (String,) = sqlx::query_as("SELECT email FROM users WHERE id = $1")
        .bind(demo_teacher.unwrap_or(teacher_ids[0]))
        .fetch_one(&mut *tx)
        .await?;
    let demo = DemoSchool {
        logins: vec![
            DemoLogin {
                role: "admin".into(),
                login: director_login,
                password: DEMO_PASSWORD.into(),
            },
            DemoLogin {
                role: "bursar".into(),
                login: "econome@lumiere.tg".into(),
                password: DEMO_PASSWORD.into(),
            },
            DemoLogin {
                role: "secretary".into(),
                login: "secretariat@lumiere.tg".into(),
                password: DEMO_PASSWORD.into(),
            },
            DemoLogin {
                role: "teacher".into(),
                login: teacher_email,
                password: DEMO_PASSWORD.into(),
            },
            DemoLogin {
                role: "parent".into(),
                login: demo_parent.map(|p| p.0).unwrap_or_default(),
                password: DEMO_PASSWORD.into(),
            },
            DemoLogin {
                role: "student".into(),
                login: demo_student.unwrap_or_default(),
                password: DEMO_PASSWORD.into(),
            },
        ],
    };
    settings::store(&mut *tx, "demo", &demo).await?;
    // The demo alerts on the clearest cases only: a new user's first hour is not a flood.
    settings::store(
        &mut *tx,
        crate::prediction::SETTINGS,
        &crate::prediction::PredictionSettings {
            alert_at: 85,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    life::settle(db, today).await?;
    timetable::publish_first(db, year_id).await?;
    Ok(demo)
}
