//! The documents' pages: a student's documents (issue, print, cancel; the photo), the
//! secretary's desk for whole classes and exam lists, the register, and the public page a
//! document's QR code opens.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::repo::{self, Document};
use super::{Exam, Kind, Leaving};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::export::{self, Cell, ExportQuery, Format, Table};
use crate::jobs::{Job, JobCtx, Payload};
use crate::school::{self, StudentRow};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    // A student's documents are read by the administration, the family and the student
    // (checked per student); the secretary's desk (director, secretary) issues them.
    Router::new()
        .route(
            "/eleves/{id}/documents",
            get(student_page).allow(Rule::SignedIn),
        )
        .route(
            "/eleves/{id}/documents",
            post(issue_one).allow(Rule::RECORDS),
        )
        .route(
            "/eleves/{id}/photo",
            post(upload_photo)
                .layer(DefaultBodyLimit::max(super::photo::MAX_UPLOAD + 64 * 1024))
                .allow(Rule::RECORDS),
        )
        .route("/documents/{id}/pdf", get(pdf).allow(Rule::SignedIn))
        .route("/documents/{id}/annuler", post(cancel).allow(Rule::RECORDS))
        .route("/admin/documents-scolaires", get(desk).allow(Rule::RECORDS))
        .route(
            "/admin/documents-scolaires/classes",
            post(issue_class).allow(Rule::RECORDS),
        )
        .route(
            "/admin/documents-scolaires/examens/{exam}",
            get(exam_list).allow(Rule::RECORDS),
        )
        .route(
            "/verifier/documents/{id}/{code}",
            get(verify).allow(Rule::Public),
        )
}

/// The student, if `u` may see their documents.
async fn seen(app: &AppState, u: &CurrentUser, id: i64) -> AppResult<StudentRow> {
    let s = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_documents(&app.db, u, id).await?)?;
    Ok(s)
}

/// The exeat's fields as typed (kept on errors).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub left_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub destination: String,
}

#[derive(Template)]
#[template(path = "certificates/student.html")]
struct StudentPage<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    docs: Vec<Document>,
    /// The secretary's desk: issue, cancel, take the photo.
    can_issue: bool,
    /// The photo's file, when one was taken.
    photo: Option<i64>,
    /// What the family still owes (shown before an exeat), for the desk.
    balance: Option<i64>,
    form: IssueForm,
    errors: FormErrors,
    /// Where "back" goes.
    back: String,
}

impl StudentPage<'_> {
    /// A moment's day, as the page writes it.
    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.date(&at.date_naive())
    }

    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    fn kind_label(&self, k: &Kind) -> String {
        self.ctx.t.t(k.label_key())
    }
}

async fn render_student(
    app: &AppState,
    ctx: &Ctx,
    student: StudentRow,
    form: IssueForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let can_issue = authz::can_manage_records(u);
    let docs = repo::of_student(&app.db, student.id).await?;
    let photo = crate::files::of_owner(&app.db, "student_photo", student.id)
        .await?
        .pop()
        .map(|f| f.id);
    let balance = if can_issue {
        Some(crate::fees::repo::balance(&app.db, student.id).await?)
    } else {
        None
    };
    let back = if u.is_admin() {
        format!("/admin/eleves/{}", student.id)
    } else if u.has(crate::auth::Role::Parent) {
        format!("/parent/enfants/{}", student.id)
    } else {
        "/eleve".to_owned()
    };
    let page = StudentPage {
        ctx,
        student,
        docs,
        can_issue,
        photo,
        balance,
        form,
        errors,
        back,
    };
    if page.errors.is_empty() {
        html(&page)
    } else {
        html_status(page.errors.status(), &page)
    }
}

async fn student_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let student = seen(&app, ctx.user()?, id).await?;
    render_student(
        &app,
        &ctx,
        student,
        IssueForm::default(),
        FormErrors::default(),
    )
    .await
}

/// Issues one document for a student.
async fn issue_one(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(authz::can_manage_records(u))?;
    let student = seen(&app, u, id).await?;
    let mut errors = FormErrors::default();
    let kind = f.kind.parse::<Kind>().ok();
    if kind.is_none() {
        errors.add("kind", ctx.t.t("error-choose"));
    }
    let mut leaving = Leaving::default();
    if kind == Some(Kind::Exeat) {
        match crate::domain::parse_date(&f.left_on) {
            Ok(d) if d > ctx.today() => errors.add("left_on", ctx.t.t("error-doc-left-future")),
            Ok(d) => leaving.left_on = Some(d),
            Err(e) => errors.add("left_on", e.message(&ctx.t)),
        }
        match crate::domain::required_text(&f.reason, 200) {
            Ok(r) => leaving.reason = r,
            Err(k) => errors.add("reason", ctx.t.t(k)),
        }
        match crate::domain::optional_text(&f.destination, 160) {
            Ok(d) => leaving.destination = d.unwrap_or_default(),
            Err(k) => errors.add("destination", ctx.t.t(k)),
        }
    }
    if student.class_name.is_none() {
        errors.add("kind", ctx.t.t("error-doc-not-enrolled"));
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return render_student(&app, &ctx, student, f, errors).await;
    };
    let year = school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let doc = super::issue(&mut tx, kind, &student, &year, &leaving, u.id, ctx.now)
        .await
        .map_err(|e| match e {
            super::Refused::Db(e) => AppError::from(e),
            other => AppError::BadRequest(other.key()),
        })?;
    tx.commit().await?;
    let number = repo::document(&app.db, doc)
        .await?
        .map(|d| d.number)
        .unwrap_or_default();
    ctx.flash_text(
        "success",
        ctx.t.t2(
            "doc-issued",
            "kind",
            ctx.t.t(kind.label_key()),
            "number",
            number,
        ),
    )
    .await?;
    Ok(redirect(&format!("/eleves/{id}/documents#doc-{doc}")))
}

/// A document as a PDF, for whoever may see the student's documents.
async fn pdf(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let d = repo::document(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    seen(&app, ctx.user()?, d.student_id).await?;
    let name = export::file_name(&d.number, "pdf");
    let prepared = super::render::prepare(&app, &ctx.t, std::slice::from_ref(&d), None)
        .await
        .map_err(AppError::Internal)?;
    let bytes = super::render::pdf(prepared).await?;
    Ok(export::download(bytes, "application/pdf", &name, true))
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// Cancels a document issued by mistake: it stays in the register, and its verification
/// page says it no longer holds.
async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<CancelForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let d = repo::document(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = format!("/eleves/{}/documents#doc-{id}", d.student_id);
    let reason = match crate::domain::required_text(&f.reason, 200) {
        Ok(r) => r,
        Err(k) => {
            ctx.flash("error", k).await?;
            return Ok(redirect(&back));
        }
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    if repo::cancel(&mut *tx, id, u.id, &reason, ctx.now).await? {
        crate::audit::record(
            &mut *tx,
            Some(u.id),
            "school_document",
            &id.to_string(),
            "cancel",
            Some(&d.number),
            Some(&reason),
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.flash("success", "doc-cancelled-saved").await?;
    Ok(redirect(&back))
}

/// Takes a student's photo (from a phone's camera or a file): kept small, upright, 3:4.
async fn upload_photo(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = seen(&app, u, id).await?;
    let back = format!("/eleves/{id}/documents#photo");
    let up = crate::web::upload::read(&app, req, "photo", "error-photo-too-large").await?;
    let Some((_, bytes)) = up.file else {
        ctx.flash_at("error", "error-photo-missing", "photo")
            .await?;
        return Ok(redirect(&back));
    };
    // Decoding is CPU work: a few at a time, off the async threads.
    let _turn = app.uploads.turn().await;
    let kept = tokio::task::spawn_blocking(move || super::photo::normalize(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let kept = match kept {
        Ok(k) => k,
        Err(why) => {
            ctx.flash_at("error", why.key(), "photo").await?;
            return Ok(redirect(&back));
        }
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::files::save(
        &mut *tx,
        &app.files,
        ("student_photo", id),
        &format!("photo-{}.jpg", student.matricule),
        "image/jpeg",
        &kept,
        Some(u.id),
        ctx.now,
    )
    .await
    .map_err(AppError::Internal)?;
    tx.commit().await?;
    ctx.flash_at("success", "doc-photo-saved", "photo").await?;
    Ok(redirect(&back))
}

#[derive(Deserialize, Default)]
struct DeskQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "certificates/desk.html")]
struct DeskPage<'a> {
    ctx: &'a Ctx,
    year: String,
    classes: Vec<school::ClassRow>,
    /// Documents issued this year, per kind.
    counts: Vec<(String, i64)>,
    /// The exams, with their candidates' count and how many lack a birth date or place.
    exams: Vec<(Exam, i64, i64)>,
    register: Vec<Document>,
    q: String,
}

impl DeskPage<'_> {
    /// A moment's day, as the page writes it.
    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.date(&at.date_naive())
    }

    fn class_kinds(&self) -> [Kind; 3] {
        Kind::FOR_CLASS
    }

    fn kind_label(&self, k: &Kind) -> String {
        self.ctx.t.t(k.label_key())
    }

    fn kind_count(&self, k: &Kind) -> i64 {
        self.counts
            .iter()
            .find(|(w, _)| w == k.as_str())
            .map(|c| c.1)
            .unwrap_or(0)
    }

    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
}

/// The secretary's desk: documents for a whole class, the exam lists, the register.
async fn desk(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DeskQuery>,
) -> AppResult<Response> {
    let year = school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut exams = Vec::new();
    for e in Exam::ALL {
        let c = repo::candidates(&app.db, year.id, e.level_code()).await?;
        if !c.is_empty() {
            let missing = c
                .iter()
                .filter(|c| {
                    c.birth_date.is_none()
                        || c.birth_place.as_deref().unwrap_or("").trim().is_empty()
                })
                .count();
            exams.push((e, c.len() as i64, missing as i64));
        }
    }
    html(&DeskPage {
        ctx: &ctx,
        classes: school::classes(&app.db, year.id).await?,
        counts: repo::counts(&app.db, year.id).await?,
        exams,
        register: repo::register(&app.db, &q.q, 50).await?,
        q: q.q,
        year: year.label,
    })
}

#[derive(Deserialize)]
struct ClassForm {
    #[serde(default)]
    class_id: String,
    #[serde(default)]
    kind: String,
}

/// What the job that prints a class's documents needs.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ClassDocumentsOf {
    /// The documents, issued when the job was asked for.
    pub ids: Vec<i64>,
    /// The file's name.
    pub name: String,
    #[serde(default)]
    pub lang: crate::i18n::Locale,
}

impl Payload for ClassDocumentsOf {
    const KIND: &'static str = "documents.class";
}

/// Issues a document of a kind to every student of a class, in one transaction with the
/// job that prints them all in one PDF.
async fn issue_class(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ClassForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let class_id: i64 = f
        .class_id
        .parse()
        .map_err(|_| AppError::BadRequest("error-choose"))?;
    let kind = f
        .kind
        .parse::<Kind>()
        .ok()
        .filter(|k| Kind::FOR_CLASS.contains(k))
        .ok_or(AppError::BadRequest("error-choose"))?;
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let students = school::roster(&app.db, class_id).await?;
    if students.is_empty() {
        ctx.flash("error", "doc-class-empty").await?;
        return Ok(redirect("/admin/documents-scolaires"));
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let mut ids = Vec::with_capacity(students.len());
    for s in &students {
        let id = super::issue(&mut tx, kind, s, &year, &Leaving::default(), u.id, ctx.now)
            .await
            .map_err(|e| match e {
                super::Refused::Db(e) => AppError::from(e),
                other => AppError::BadRequest(other.key()),
            })?;
        ids.push(id);
    }
    let name = export::file_name(
        &format!("{} {}", ctx.t.t(kind.label_key()), class.name),
        "pdf",
    );
    let job = crate::jobs::enqueue(
        &mut *tx,
        &ClassDocumentsOf {
            ids,
            name,
            lang: ctx.t.locale,
        },
        Some(u.id),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    app.jobs.wake();
    Ok(redirect(&format!("/taches/{job}")))
}

/// Prints a class's documents in one PDF, reporting each student.
pub struct ClassDocuments;

#[async_trait::async_trait]
impl Job for ClassDocuments {
    type Payload = ClassDocumentsOf;

    async fn run(&self, ctx: &JobCtx, p: ClassDocumentsOf) -> anyhow::Result<Value> {
        let t = crate::i18n::Tr::new(ctx.app.i18n.clone(), p.lang);
        let docs = repo::documents(&ctx.app.db, &p.ids).await?;
        let prepared = super::render::prepare(&ctx.app, &t, &docs, Some(ctx)).await?;
        let bytes = super::render::pdf(prepared)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let count = docs.len() as i64;
        ctx.progress(count, count, "job-msg-doc-done", json!({ "count": count }))
            .await?;
        crate::export::batch::finish_bytes(
            ctx,
            &bytes,
            &p.name,
            "application/pdf",
            json!({ "count": docs.len() }),
        )
        .await
    }
}

/// An exam's candidate list as the exam office asks for it: a workbook by default.
async fn exam_list(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(exam): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let exam = Exam::parse(&exam).ok_or(AppError::NotFound)?;
    let format = q.format()?.unwrap_or(Format::Xlsx);
    let year = school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let school = app.settings.school(&app.db).await?;
    let t = &ctx.t;
    let mut heads = vec![
        t.t("exam-col-no"),
        t.t("matricule"),
        t.t("last-name"),
        t.t("first-name"),
        t.t("sex"),
        t.t("birth-date"),
        t.t("birth-place"),
        t.t("class"),
    ];
    if exam.by_serie() {
        heads.push(t.t("exam-col-serie"));
    }
    heads.push(t.t("exam-col-school"));
    let mut table = Table::new(
        t.t2(
            "exam-list-title",
            "exam",
            t.t(exam.label_key()),
            "year",
            &year.label,
        ),
        heads,
    );
    table.subtitle = format!("{} · {}", school.name, school.city);
    for (i, c) in repo::candidates(&app.db, year.id, exam.level_code())
        .await?
        .into_iter()
        .enumerate()
    {
        let mut row = vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(c.matricule),
            Cell::Text(c.last_name.to_uppercase()),
            Cell::Text(c.first_name),
            Cell::Text(c.sex),
            c.birth_date.map(Cell::Date).unwrap_or(Cell::Empty),
            Cell::Text(c.birth_place.unwrap_or_default()),
            Cell::Text(c.class_name),
        ];
        if exam.by_serie() {
            row.push(Cell::Text(c.serie.unwrap_or_default()));
        }
        row.push(Cell::Text(school.name.clone()));
        table.push(row);
    }
    let frame = export::frame(&ctx).await;
    export::send_table(table, format, &ctx, frame).await
}

#[derive(Template)]
#[template(path = "certificates/verify.html")]
struct VerifyPage<'a> {
    ctx: &'a Ctx,
    d: Option<Document>,
    /// The year the school is in now (a card of another year no longer holds).
    current_year: Option<i64>,
}

impl VerifyPage<'_> {
    /// A moment's day, as the page writes it.
    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.date(&at.date_naive())
    }

    /// "GABA D.": enough to match the paper, no more to whoever scans it.
    fn holder(&self) -> String {
        self.d
            .as_ref()
            .map(|d| {
                let initial: String = d
                    .first_name
                    .chars()
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default();
                format!("{} {initial}.", d.last_name.to_uppercase())
            })
            .unwrap_or_default()
    }

    /// Whether the document still holds: not cancelled; a card, of this year and of a
    /// student still at the school.
    fn holds(&self) -> bool {
        self.d.as_ref().is_some_and(|d| {
            d.cancelled_at.is_none()
                && (d.kind != Kind::Carte
                    || (d.active && self.current_year == Some(d.school_year_id)))
        })
    }

    fn kind_label(&self) -> String {
        self.d
            .as_ref()
            .map(|d| self.ctx.t.t(d.kind.label_key()))
            .unwrap_or_default()
    }
}

/// The public page a document's QR code opens: whether the school issued it, to whom (in
/// short), when, and whether it still holds. No login.
async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((id, given)): Path<(String, String)>,
) -> AppResult<Response> {
    let d = match id.parse::<i64>() {
        Ok(id) => repo::document(&app.db, id).await?,
        Err(_) => None,
    };
    let key = crate::export::seal::key(&app.db).await?;
    // A wrong code says the same as no document: numbers cannot be probed.
    let d = d.filter(|d| crate::export::seal::matches(&super::render::code(&key, d), &given));
    let found = d.is_some();
    let current_year = school::current_year(&app.db).await?.map(|y| y.id);
    let mut res = html(&VerifyPage {
        ctx: &ctx,
        d,
        current_year,
    })?;
    if !found {
        *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    Ok(res)
}
