//! Past years kept in spreadsheets, brought into the history the model learns from: a CSV or
//! XLSX upload, then the mapping of its columns to the model's features (guessed from the
//! titles, corrected by the director), the outcome read from a mark (at the pass mark or
//! above) or a decision written in words. Every bad cell is named by its line and column and
//! nothing is written until the whole table reads; an import can be taken back out.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use super::repo;
use crate::app::AppState;
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::import::table;
use crate::web::{Ctx, PathId, html_status, redirect};

/// Routes of the spreadsheet imports.
pub fn router() -> Router<AppState> {
    let who = Rule::AnyOf(authz::SCHOOL_RISKS);
    Router::new()
        .route(
            "/admin/prediction/import",
            get(index)
                .post(upload)
                .layer(DefaultBodyLimit::max(table::MAX_FILE + 64 * 1024))
                .allow(who),
        )
        .route(
            "/admin/prediction/import/{id}",
            get(mapping_page).post(apply).allow(who),
        )
        .route(
            "/admin/prediction/import/{id}/retrait",
            post(take_out).allow(who),
        )
}

/// The features a spreadsheet may give, in the form's order, with the column titles they are
/// guessed from (folded: no accents, case or punctuation). The stage and the trend follow
/// from which averages are there; a rank needs the class's size, and the age gap the level's
/// ages, which a spreadsheet rarely has.
pub const MAPPABLE: [(&str, &[&str]); 12] = [
    (
        "avg_p1",
        &[
            "moyennet1",
            "moyt1",
            "t1",
            "moyenne1ertrimestre",
            "moyennetrimestre1",
            "trimestre1",
            "avgp1",
        ],
    ),
    (
        "avg_last",
        &[
            "moyennet2",
            "moyt2",
            "t2",
            "moyenne2etrimestre",
            "moyennetrimestre2",
            "trimestre2",
            "avglast",
        ],
    ),
    (
        "avg_litteraires",
        &[
            "moyennelitteraire",
            "moyennelitteraires",
            "litteraires",
            "lettres",
        ],
    ),
    (
        "avg_scientifiques",
        &[
            "moyennescientifique",
            "moyennescientifiques",
            "scientifiques",
            "sciences",
        ],
    ),
    (
        "absence_unjustified_h",
        &[
            "absencesnonjustifiees",
            "absnonjustifiees",
            "heuresabsence",
            "absences",
        ],
    ),
    (
        "absence_justified_h",
        &["absencesjustifiees", "absjustifiees"],
    ),
    ("lateness", &["retards", "retard"]),
    (
        "missed_evaluations",
        &["evaluationsmanquees", "devoirsmanques"],
    ),
    ("repeats", &["redoublements", "nombrederedoublements"]),
    ("sex", &["sexe", "genre"]),
    ("guardians", &["responsables", "responsableslegaux"]),
    ("fees_paid", &["fraispayes", "partdesfraispayee"]),
];

const STUDENT: &[&str] = &["matricule", "eleve", "nometprenoms", "nom", "id"];
const YEAR: &[&str] = &["annee", "anneescolaire"];
const OUTCOME: &[&str] = &[
    "decision",
    "resultat",
    "moyenneannuelle",
    "moyannuelle",
    "annuelle",
];

/// The column whose folded title is among `names` (the first name that matches wins).
fn guess(header: &[String], names: &[&str]) -> Option<usize> {
    let keys: Vec<String> = header.iter().map(|h| table::key(h)).collect();
    names.iter().find_map(|n| keys.iter().position(|k| k == n))
}

/// How the columns are read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    pub student: Option<usize>,
    pub year: Option<usize>,
    pub outcome: Option<usize>,
    /// A mark at or above this passes (out of 20).
    pub pass_mark: f64,
    /// Feature name → column.
    pub features: HashMap<String, usize>,
}

impl Mapping {
    /// The guess from the titles.
    pub fn guessed(header: &[String]) -> Mapping {
        Mapping {
            student: guess(header, STUDENT),
            year: guess(header, YEAR),
            outcome: guess(header, OUTCOME),
            pass_mark: 10.0,
            features: MAPPABLE
                .iter()
                .filter_map(|(f, names)| guess(header, names).map(|c| (f.to_string(), c)))
                .collect(),
        }
    }

    /// Read from the form (a column is its position; empty is none).
    fn from_form(f: &HashMap<String, String>, width: usize) -> Mapping {
        let col = |k: &str| {
            f.get(k)
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|c| *c < width)
        };
        Mapping {
            student: col("student"),
            year: col("year"),
            outcome: col("outcome"),
            pass_mark: f
                .get("pass_mark")
                .and_then(|v| crate::ml::dataset::parse_number(v))
                .unwrap_or(f64::NAN),
            features: MAPPABLE
                .iter()
                .filter_map(|(name, _)| col(&format!("f_{name}")).map(|c| (name.to_string(), c)))
                .collect(),
        }
    }
}

/// One row to add to the history: (year, student key, features, passed).
pub type HistoryRow = (String, String, HashMap<String, f64>, bool);

/// A problem: (line, column title, catalog key, arguments).
pub type Problem = (usize, String, &'static str, serde_json::Value);

/// A decision written in words: passed, failed, or not a decision.
fn decision(text: &str) -> Option<bool> {
    match crate::domain::fold(text).trim() {
        "passe" | "admis" | "admise" | "reussi" | "reussite" | "oui" | "yes" | "pass"
        | "passed" => Some(true),
        "redouble" | "redoublement" | "exclu" | "exclue" | "echec" | "ajourne" | "ajournee"
        | "non" | "no" | "fail" | "failed" => Some(false),
        _ => None,
    }
}

/// Reads every row with the mapping; the rows, or every problem (the first hundred).
pub fn read(
    header: &[String],
    rows: &[(usize, Vec<String>)],
    m: &Mapping,
) -> Result<Vec<HistoryRow>, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let title = |c: usize| header.get(c).cloned().unwrap_or_default();
    if m.student.is_none() {
        problems.push((0, String::new(), "ml-import-need-student", json!({})));
    }
    let Some(outcome) = m.outcome else {
        problems.push((0, String::new(), "ml-import-need-outcome", json!({})));
        return Err(problems);
    };
    if !m.pass_mark.is_finite() || !(0.0..=20.0).contains(&m.pass_mark) {
        problems.push((0, String::new(), "ml-import-pass-mark", json!({})));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        let cell = |c: usize| cells.get(c).map(|s| s.trim()).unwrap_or_default();
        let key = m.student.map(cell).unwrap_or_default();
        if key.is_empty() {
            problems.push((
                *line,
                title(m.student.unwrap_or(0)),
                "ml-import-empty",
                json!({}),
            ));
            continue;
        }
        let raw = cell(outcome);
        let passed = match crate::ml::dataset::parse_number(raw).filter(|v| v.is_finite()) {
            Some(v) => Some(v >= m.pass_mark),
            None => decision(raw),
        };
        let Some(passed) = passed else {
            problems.push((
                *line,
                title(outcome),
                "ml-import-outcome-unknown",
                json!({ "value": raw }),
            ));
            continue;
        };
        let mut values = HashMap::new();
        for (name, c) in &m.features {
            let v = cell(*c);
            if crate::ml::dataset::is_missing(v) {
                continue;
            }
            let x = if name == "sex" {
                match crate::domain::fold(v).chars().next() {
                    Some('f') => Some(0.0),
                    Some('m' | 'g' | 'h') => Some(1.0),
                    _ => None,
                }
            } else {
                crate::ml::dataset::parse_number(v).filter(|x| x.is_finite())
            };
            match x {
                Some(x) => {
                    values.insert(name.clone(), x);
                }
                None => problems.push((
                    *line,
                    title(*c),
                    "ml-csv-target-not-number",
                    json!({ "value": v }),
                )),
            }
        }
        // As the school's own rows: a first-term row knows one average, a later one its trend.
        let p1 = values.get("avg_p1").copied();
        match (p1, values.get("avg_last").copied()) {
            (Some(a), Some(b)) => {
                values.insert("stage".into(), 2.0);
                values.insert("trend".into(), b - a);
            }
            (Some(a), None) => {
                values.insert("stage".into(), 1.0);
                values.insert("avg_last".into(), a);
            }
            _ => {}
        }
        let year = m.year.map(cell).unwrap_or_default().to_string();
        out.push((year, key.to_string(), values, passed));
        if problems.len() >= 100 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "prediction/import.html")]
struct ImportPage<'a> {
    ctx: &'a Ctx,
    imports: Vec<repo::ImportRow>,
    error: Option<String>,
}

async fn index_view(app: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<Response> {
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    html_status(
        status,
        &ImportPage {
            ctx,
            imports: repo::imports(&app.db, 20).await?,
            error,
        },
    )
}

async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.user()?;
    index_view(&app, &ctx, None).await
}

async fn upload(State(app): State<AppState>, ctx: Ctx, mut form: Multipart) -> AppResult<Response> {
    let u = ctx.user()?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|e| table::form_error(&e))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("import").to_string();
            let bytes = field.bytes().await.map_err(|e| table::form_error(&e))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return index_view(&app, &ctx, Some(ctx.t.t("import-error-no-file"))).await;
    };
    let t = match table::read_off_thread(&app.uploads, bytes).await? {
        Ok(t) => t,
        Err(e) => return index_view(&app, &ctx, Some(e.message(&ctx.t))).await,
    };
    let name: String = filename.chars().take(200).collect();
    let id = repo::insert_import(
        &app.db,
        &name,
        &serde_json::to_string(&t.header).map_err(anyhow::Error::from)?,
        &serde_json::to_string(&t.rows).map_err(anyhow::Error::from)?,
        t.rows.len() as i64,
        u.id,
        ctx.now,
    )
    .await?;
    Ok(redirect(&format!("/admin/prediction/import/{id}")))
}

#[derive(Template)]
#[template(path = "prediction/mapping.html")]
struct MappingPage<'a> {
    ctx: &'a Ctx,
    import: repo::ImportRow,
    header: Vec<String>,
    /// The first rows, to recognise the columns.
    sample: Vec<(usize, Vec<String>)>,
    mapping: Mapping,
    problems: Vec<String>,
}

impl MappingPage<'_> {
    fn chosen(&self, field: &str, c: &usize) -> bool {
        match field {
            "student" => self.mapping.student == Some(*c),
            "year" => self.mapping.year == Some(*c),
            "outcome" => self.mapping.outcome == Some(*c),
            f => self.mapping.features.get(f) == Some(c),
        }
    }

    fn feature_name(&self, f: &str) -> String {
        self.ctx.t.t(super::feature_key(f))
    }

    fn pass_mark(&self) -> String {
        let v = self.mapping.pass_mark;
        if v.is_finite() {
            format!("{v}").replace('.', ",")
        } else {
            String::new()
        }
    }

    fn features(&self) -> Vec<&'static str> {
        MAPPABLE.iter().map(|m| m.0).collect()
    }
}

/// The upload's table.
fn table_of(import: &repo::ImportRow) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    (
        serde_json::from_str(&import.header).unwrap_or_default(),
        serde_json::from_str(&import.body).unwrap_or_default(),
    )
}

fn mapping_view(
    ctx: &Ctx,
    import: repo::ImportRow,
    mapping: Option<Mapping>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let (header, rows) = table_of(&import);
    let mapping = mapping.unwrap_or_else(|| Mapping::guessed(&header));
    let status = if problems.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &MappingPage {
            ctx,
            import,
            header,
            sample: rows.into_iter().take(5).collect(),
            mapping,
            problems,
        },
    )
}

async fn mapping_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.user()?;
    let import = repo::import(&app.db, id).await?.ok_or(AppError::NotFound)?;
    mapping_view(&ctx, import, None, Vec::new())
}

/// A problem in words.
fn words(t: &crate::i18n::Tr, p: &Problem) -> String {
    let what = t.tj(p.2, p.3.clone());
    if p.0 == 0 {
        what
    } else {
        t.tj(
            "ml-csv-at",
            json!({ "line": p.0, "column": p.1, "what": what }),
        )
    }
}

async fn apply(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let import = repo::import(&app.db, id).await?.ok_or(AppError::NotFound)?;
    if import.imported.is_some() {
        return Err(AppError::Conflict("ml-import-done"));
    }
    let (header, rows) = table_of(&import);
    let f: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mapping = Mapping::from_form(&f, header.len());
    let read = read(&header, &rows, &mapping);
    let rows = match read {
        Ok(rows) => rows,
        Err(problems) => {
            let problems = problems.iter().map(|p| words(&ctx.t, p)).collect();
            return mapping_view(&ctx, import, Some(mapping), problems);
        }
    };
    let source = format!("import:{id}");
    let mut tx = crate::db::begin_write(&app.db).await?;
    if !repo::mark_imported(&mut *tx, id, rows.len() as i64, ctx.now).await? {
        return Err(AppError::Conflict("ml-import-done"));
    }
    for (year, key, values, passed) in &rows {
        repo::insert_history(
            &mut *tx,
            &source,
            year,
            key,
            &serde_json::to_string(values).map_err(anyhow::Error::from)?,
            *passed,
            u.id,
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.flash_text(
        "success",
        ctx.t.tn("ml-import-saved", "rows", rows.len() as i64),
    )
    .await?;
    Ok(redirect("/admin/prediction"))
}

async fn take_out(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.user()?;
    repo::import(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::remove_import(&mut *tx, &format!("import:{id}")).await?;
    repo::unmark_imported(&mut *tx, id).await?;
    tx.commit().await?;
    ctx.flash("success", "ml-import-removed").await?;
    Ok(redirect("/admin/prediction/import"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> (Vec<String>, Vec<(usize, Vec<String>)>) {
        let h = [
            "Matricule",
            "Année scolaire",
            "Moyenne T1",
            "Moyenne T2",
            "Absences",
            "Sexe",
            "Décision",
        ];
        let r = |l: usize, c: [&str; 7]| (l, c.iter().map(|s| s.to_string()).collect());
        (
            h.iter().map(|s| s.to_string()).collect(),
            vec![
                r(2, ["A1", "2022-2023", "12,5", "13", "4", "F", "Admis"]),
                r(3, ["A2", "2022-2023", "7", "", "20", "M", "redouble"]),
                r(4, ["A3", "2022-2023", "9,75", "10,5", "NA", "G", "11,2"]),
            ],
        )
    }

    #[test]
    fn titles_are_guessed_and_rows_read_as_the_schools_own() {
        let (h, rows) = table();
        let m = Mapping::guessed(&h);
        assert_eq!((m.student, m.year, m.outcome), (Some(0), Some(1), Some(6)));
        assert_eq!(m.features.get("avg_p1"), Some(&2));
        assert_eq!(m.features.get("avg_last"), Some(&3));
        assert_eq!(m.features.get("absence_unjustified_h"), Some(&4));
        assert_eq!(m.features.get("sex"), Some(&5));
        let read = read(&h, &rows, &m).unwrap();
        assert_eq!(read.len(), 3);
        let (year, key, v, passed) = &read[0];
        assert_eq!(
            (year.as_str(), key.as_str(), *passed),
            ("2022-2023", "A1", true)
        );
        assert_eq!(
            (v["avg_p1"], v["avg_last"], v["stage"], v["trend"]),
            (12.5, 13.0, 2.0, 0.5)
        );
        assert_eq!(v["sex"], 0.0);
        // A first term only: its average is the latest too.
        assert_eq!(
            (read[1].2["stage"], read[1].2["avg_last"], read[1].3),
            (1.0, 7.0, false)
        );
        // A mark as the outcome; a missing absence count stays missing.
        assert!(read[2].3);
        assert!(!read[2].2.contains_key("absence_unjustified_h"));
        assert_eq!(read[2].2["sex"], 1.0);
    }

    #[test]
    fn every_bad_cell_is_named_and_nothing_is_read() {
        let (h, mut rows) = table();
        rows[1].1[2] = "sept".into();
        rows[2].1[6] = "peut-être".into();
        let problems = read(&h, &rows, &Mapping::guessed(&h)).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(
            (problems[0].0, problems[0].1.as_str(), problems[0].2),
            (3, "Moyenne T1", "ml-csv-target-not-number")
        );
        assert_eq!(
            (problems[1].0, problems[1].1.as_str(), problems[1].2),
            (4, "Décision", "ml-import-outcome-unknown")
        );
        let none = Mapping {
            outcome: None,
            ..Mapping::guessed(&h)
        };
        assert_eq!(
            read(&h, &rows, &none).unwrap_err()[0].2,
            "ml-import-need-outcome"
        );
    }
}
