//! Importing students with their guardians: the columns a school's list usually has, every
//! row checked against the file and the database, then everything written at once or not
//! at all.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::table::{Table, key};
use crate::db::{Pool, Tx};
use crate::domain::{self, Email, Phone, Sex};

/// Columns, with the titles schools give them (compared without accents, case or spaces).
pub const COLUMNS: &[(&str, &[&str], bool)] = &[
    (
        "matricule",
        &[
            "matricule",
            "mat",
            "numeromatricule",
            "nmatricule",
            "matriculeeleve",
        ],
        true,
    ),
    ("nom", &["nom", "noms", "nomeleve", "nomdeleleve"], true),
    (
        "prenoms",
        &["prenoms", "prenom", "prenomseleve", "prenomsdeleleve"],
        true,
    ),
    ("sexe", &["sexe", "genre"], true),
    (
        "date_naissance",
        &[
            "datedenaissance",
            "datenaissance",
            "naissance",
            "nele",
            "neele",
        ],
        false,
    ),
    (
        "lieu_naissance",
        &["lieudenaissance", "lieunaissance", "lieu"],
        false,
    ),
    ("classe", &["classe", "classeactuelle"], true),
    (
        "parent_nom",
        &[
            "nomparent",
            "nomduparent",
            "parentnom",
            "nomtuteur",
            "nomdututeur",
        ],
        false,
    ),
    (
        "parent_prenoms",
        &[
            "prenomsparent",
            "prenomparent",
            "prenomsduparent",
            "parentprenoms",
            "prenomstuteur",
        ],
        false,
    ),
    (
        "parent_telephone",
        &[
            "telephoneparent",
            "telephoneduparent",
            "telparent",
            "telephone",
            "tel",
            "contactparent",
            "contact",
            "parenttelephone",
        ],
        false,
    ),
    (
        "parent_email",
        &[
            "emailparent",
            "emailduparent",
            "email",
            "courriel",
            "mailparent",
            "parentemail",
        ],
        false,
    ),
    (
        "lien",
        &[
            "lien",
            "lienparente",
            "liendeparente",
            "relation",
            "qualite",
        ],
        false,
    ),
];

/// A problem with one row: a catalog key and its arguments.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    /// Catalog key.
    pub key: String,
    pub args: Value,
}

fn problem(key: &str, args: Value) -> Problem {
    Problem {
        key: key.into(),
        args,
    }
}

/// One row as the preview shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PreviewRow {
    /// Line in the file.
    pub line: usize,
    /// Matricule as typed.
    pub matricule: String,
    /// "NOM Prénoms" as typed.
    pub name: String,
    /// Class as typed.
    pub class: String,
    /// Guardian as typed (name and phone).
    pub guardian: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// A guardian to link: an existing account, or a new one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GuardianIn {
    /// The account that already has this phone or e-mail.
    pub existing: Option<i64>,
    /// Normalized +228 phone.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// mere, pere, tuteur.
    pub relationship: String,
}

/// A student ready to write.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StudentIn {
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    /// F or M.
    pub sex: String,
    pub birth_date: Option<chrono::NaiveDate>,
    pub birth_place: Option<String>,
    /// Class of the current year.
    pub class_id: i64,
    /// Guardian, if the row gives one.
    pub guardian: Option<GuardianIn>,
}

/// What the database already holds, looked up once for the whole file.
pub struct Known {
    matricules: HashSet<String>,
    classes: HashMap<String, i64>,
    phones: HashMap<String, i64>,
    emails: HashMap<String, i64>,
    /// Birth dates must be before this day.
    today: chrono::NaiveDate,
}

impl Known {
    /// Loads matricules, the current year's classes, and the phones and e-mails of accounts.
    pub async fn load(db: &Pool, today: chrono::NaiveDate) -> Result<Known, sqlx::Error> {
        let matricules = crate::school::all_matricules(db).await?;
        let classes = crate::school::current_classes_in_order(db).await?;
        let users = crate::school::user_contacts(db).await?;
        Ok(Known {
            today,
            matricules: matricules.into_iter().map(|m| m.0.to_uppercase()).collect(),
            classes: classes.into_iter().map(|(id, n)| (key(&n), id)).collect(),
            phones: users
                .iter()
                .filter_map(|(id, p, _)| Some((p.clone()?, *id)))
                .collect(),
            emails: users
                .iter()
                .filter_map(|(id, _, e)| Some((e.clone()?, *id)))
                .collect(),
        })
    }
}

impl Known {
    /// Whether a student already has this matricule.
    pub fn has_matricule(&self, m: &str) -> bool {
        self.matricules.contains(&m.to_uppercase())
    }
}

/// The result of checking a file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Checked {
    /// Problems with the file as a whole (missing columns).
    pub file_problems: Vec<Problem>,
    /// Every row, with its problems.
    pub preview: Vec<PreviewRow>,
    /// The rows ready to write (complete only when there is no problem at all).
    pub ready: Vec<StudentIn>,
}

impl Checked {
    /// Rows with at least one problem.
    pub fn bad_rows(&self) -> usize {
        self.preview
            .iter()
            .filter(|r| !r.problems.is_empty())
            .count()
    }

    /// The counts for the summary message.
    pub fn summary(&self) -> Value {
        json!({ "bad": self.bad_rows() as i64, "rows": self.preview.len() as i64 })
    }

    /// Nothing wrong anywhere.
    pub fn is_clean(&self) -> bool {
        self.file_problems.is_empty() && self.bad_rows() == 0 && !self.ready.is_empty()
    }
}

/// Checks every row of the table; `progress` is called every few hundred rows.
pub fn check(table: &Table, known: &Known, mut progress: impl FnMut(usize, usize)) -> Checked {
    let mut out = Checked::default();
    let keys: Vec<String> = table.header.iter().map(|h| key(h)).collect();
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (name, synonyms, required) in COLUMNS {
        match keys.iter().position(|k| synonyms.contains(&k.as_str())) {
            Some(i) => {
                col.insert(name, i);
            }
            None if *required => out.file_problems.push(problem(
                "import-missing-column",
                json!({ "column": format!("@import-col-{name}") }),
            )),
            None => {}
        }
    }
    if !out.file_problems.is_empty() {
        return out;
    }
    let mut seen_matricules: HashMap<String, usize> = HashMap::new();
    // A guardian met on an earlier row (a sibling) is the same person.
    let mut seen_phones: HashSet<String> = HashSet::new();
    let total = table.rows.len();
    for (n, (line, cells)) in table.rows.iter().enumerate() {
        if n % 250 == 0 {
            progress(n, total);
        }
        let get = |c: &str| {
            col.get(c)
                .and_then(|i| cells.get(*i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let mut p = Vec::new();
        let matricule = get("matricule").to_uppercase();
        if matricule.is_empty() {
            p.push(problem(
                "import-required",
                json!({ "column": "@import-col-matricule" }),
            ));
        } else if matricule.chars().count() > 20 {
            p.push(problem(
                "import-too-long",
                json!({ "column": "@import-col-matricule" }),
            ));
        } else if known.matricules.contains(&matricule) {
            p.push(problem(
                "import-matricule-exists",
                json!({ "matricule": matricule }),
            ));
        } else if let Some(first) = seen_matricules.get(&matricule) {
            p.push(problem(
                "import-matricule-twice",
                json!({ "matricule": matricule, "line": *first as i64 }),
            ));
        } else {
            seen_matricules.insert(matricule.clone(), *line);
        }
        let last_name = domain::person_name(get("nom"));
        let first_name = domain::person_name(get("prenoms"));
        for (c, v) in [("nom", &last_name), ("prenoms", &first_name)] {
            if v.is_empty() {
                p.push(problem(
                    "import-required",
                    json!({ "column": format!("@import-col-{c}") }),
                ));
            } else if v.chars().count() > 80 {
                p.push(problem(
                    "import-too-long",
                    json!({ "column": format!("@import-col-{c}") }),
                ));
            }
        }
        let sex = match get("sexe").to_uppercase().as_str() {
            "G" | "GARCON" | "GARÇON" | "MASCULIN" => Ok(Sex::M),
            "FILLE" | "FEMININ" | "FÉMININ" => Ok(Sex::F),
            s => Sex::parse(s),
        };
        if sex.is_err() {
            p.push(problem("import-bad-sex", json!({ "value": get("sexe") })));
        }
        let birth_date = match get("date_naissance") {
            "" => None,
            d => match domain::parse_date(d) {
                Ok(d) if d < known.today => Some(d),
                Ok(_) => {
                    p.push(problem("import-future-date", json!({ "value": d })));
                    None
                }
                Err(domain::DateError::NoSuchDay(day)) => {
                    p.push(problem("import-date-nonexistent", json!({ "value": day })));
                    None
                }
                Err(domain::DateError::Unreadable) => {
                    p.push(problem("import-bad-date", json!({ "value": d })));
                    None
                }
            },
        };
        let birth_place = Some(get("lieu_naissance").to_string()).filter(|s| !s.is_empty());
        let class = get("classe");
        let class_id = known.classes.get(&key(class)).copied();
        if class_id.is_none() {
            p.push(problem("import-unknown-class", json!({ "value": class })));
        }
        let g_last = domain::person_name(get("parent_nom"));
        let g_first = domain::person_name(get("parent_prenoms"));
        let g_phone = get("parent_telephone");
        let g_email = get("parent_email");
        let mut guardian = None;
        if !(g_last.is_empty() && g_first.is_empty() && g_phone.is_empty() && g_email.is_empty()) {
            let phone = match g_phone {
                "" => None,
                s => match Phone::parse(s) {
                    Ok(ph) => Some(ph.as_str().to_string()),
                    Err(_) => {
                        p.push(problem("import-bad-phone", json!({ "value": s })));
                        None
                    }
                },
            };
            let email = match g_email {
                "" => None,
                s => match Email::parse(s) {
                    Ok(e) => Some(e.as_str().to_string()),
                    Err(_) => {
                        p.push(problem("import-bad-email", json!({ "value": s })));
                        None
                    }
                },
            };
            if g_phone.is_empty() && g_email.is_empty() {
                p.push(problem("import-guardian-contact", json!({})));
            }
            let existing = phone
                .as_ref()
                .and_then(|ph| known.phones.get(ph))
                .or_else(|| email.as_ref().and_then(|e| known.emails.get(e)))
                .copied();
            let sibling = phone.as_ref().is_some_and(|ph| seen_phones.contains(ph));
            if existing.is_none() && !sibling && g_last.is_empty() {
                p.push(problem(
                    "import-required",
                    json!({ "column": "@import-col-parent_nom" }),
                ));
            }
            if let Some(ph) = &phone {
                seen_phones.insert(ph.clone());
            }
            let relationship = match domain::fold(get("lien")).trim() {
                "" | "tuteur" | "tutrice" | "t" => "tuteur",
                "mere" | "m" | "maman" => "mere",
                "pere" | "p" | "papa" => "pere",
                other => {
                    p.push(problem(
                        "import-bad-relationship",
                        json!({ "value": other }),
                    ));
                    "tuteur"
                }
            };
            guardian = Some(GuardianIn {
                existing,
                phone,
                email,
                first_name: g_first.clone(),
                last_name: g_last.clone(),
                relationship: relationship.into(),
            });
        }
        out.preview.push(PreviewRow {
            line: *line,
            matricule: matricule.clone(),
            name: format!("{} {}", last_name.to_uppercase(), first_name),
            class: class.to_string(),
            guardian: [
                format!("{g_last} {g_first}").trim().to_string(),
                g_phone.to_string(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            problems: p.clone(),
        });
        if let (true, Ok(sex), Some(class_id)) = (p.is_empty(), sex, class_id) {
            out.ready.push(StudentIn {
                matricule,
                first_name,
                last_name,
                sex: sex.code().into(),
                birth_date,
                birth_place,
                class_id,
                guardian,
            });
        }
    }
    progress(total, total);
    out
}

/// Counts of what an import wrote.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Written {
    pub students: usize,
    /// Guardian accounts created.
    pub new_guardians: usize,
    /// Links to guardians who already had an account.
    pub existing_guardians: usize,
    /// Invoices written for the new students.
    pub invoices: usize,
}

/// Writes every row in the caller's transaction. New guardian accounts cannot log in until
/// the school gives them a temporary password (a reset), since nobody knows a password yet.
pub async fn write(
    tx: &mut Tx<'_>,
    year_id: i64,
    rows: &[StudentIn],
    by: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Written, sqlx::Error> {
    let mut w = Written::default();
    let mut created: HashMap<String, i64> = HashMap::new();
    for r in rows {
        let input = crate::school::StudentInput {
            matricule: r.matricule.clone(),
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            sex: if r.sex == "F" { "F" } else { "M" },
            birth_date: r.birth_date,
            birth_place: r.birth_place.clone(),
        };
        let sid = crate::school::insert_student(&mut **tx, &input, None, at).await?;
        crate::school::enroll(&mut **tx, sid, r.class_id, at).await?;
        crate::events::publish(
            &mut **tx,
            &crate::events::SchoolEvent::StudentEnrolled(crate::events::StudentEnrolled {
                student_id: sid,
                class_id: r.class_id,
            }),
            None,
            at,
        )
        .await?;
        w.students += 1;
        if let Some(g) = &r.guardian {
            let contact = g
                .phone
                .clone()
                .or_else(|| g.email.clone())
                .unwrap_or_default();
            let uid = match (g.existing, created.get(&contact)) {
                (Some(id), _) => {
                    crate::admin::repo::add_role(&mut **tx, id, crate::auth::Role::Parent).await?;
                    w.existing_guardians += 1;
                    id
                }
                (None, Some(id)) => *id,
                (None, None) => {
                    let p = crate::admin::repo::PersonInput {
                        first_name: g.first_name.clone(),
                        last_name: g.last_name.clone(),
                        email: g.email.clone(),
                        phone: g.phone.clone(),
                        temporary_password: true,
                    };
                    // "!" is no PHC string: no password matches it.
                    let id = crate::admin::repo::insert_user(
                        tx,
                        &p,
                        "!",
                        &[crate::auth::Role::Parent],
                        at,
                    )
                    .await?;
                    created.insert(contact, id);
                    w.new_guardians += 1;
                    id
                }
            };
            crate::school::link_guardian(&mut **tx, sid, uid, &g.relationship).await?;
        }
        w.invoices += crate::fees::bill_missing(tx, year_id, Some(sid), None, Some(by), at).await?;
    }
    crate::audit::record(
        &mut **tx,
        Some(by),
        "import",
        "students",
        "create",
        None,
        Some(&format!(
            "{} students, {} new guardians",
            w.students, w.new_guardians
        )),
        at,
    )
    .await?;
    Ok(w)
}
