//! A class's points for its teachers: awarding by hand, giving badges, and reversals.

use super::*;

#[derive(Template)]
#[template(path = "gamification/class.html")]
pub(super) struct ClassPage<'a> {
    ctx: &'a Ctx,
    class: crate::school::ClassRow,
    lines: Vec<ClassLine>,
    behaviours: Vec<Behaviour>,
    manual_badges: Vec<BadgeRow>,
    levels: Levels,
    chosen: Vec<i64>,
    form: Vec<(String, String)>,
    errors: FormErrors,
}

impl ClassPage<'_> {
    fn level(&self, points: &i64) -> String {
        self.levels
            .standing(*points, |i| self.ctx.t.t(format!("gam-level-{}", i.min(6))))
            .name
    }

    fn value(&self, key: &str) -> &str {
        field(&self.form, key)
    }
}

/// The class, if `u` may award points in it: its teachers, the director and the
/// secretary (the bursar handles money, not conduct).
pub(super) async fn roster_class(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
) -> AppResult<crate::school::ClassRow> {
    let Some(class) = crate::school::class(db, id).await? else {
        return Err(AppError::NotFound);
    };
    authz::require(may_run_challenge(db, u, id).await?)?;
    Ok(class)
}

pub(super) async fn class_page(
    app: &AppState,
    ctx: &Ctx,
    class: crate::school::ClassRow,
    chosen: Vec<i64>,
    form: Vec<(String, String)>,
    errors: FormErrors,
) -> AppResult<Response> {
    let lines = repo::awards::class_lines(
        &app.db,
        class.id,
        crate::gamification::monday_of(ctx.today()),
    )
    .await?;
    let status = errors.status();
    html_status(
        status,
        &ClassPage {
            ctx,
            class,
            lines,
            behaviours: crate::gamification::behaviours(&app.db)
                .await?
                .into_iter()
                .filter(|b| b.active)
                .collect(),
            manual_badges: repo::catalog::badges(&app.db, 0)
                .await?
                .into_iter()
                .filter(|b| b.code.is_none())
                .collect(),
            levels: crate::gamification::levels(&app.db).await?,
            chosen,
            form,
            errors,
        },
    )
}

pub(super) async fn class_points(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let class = roster_class(&app.db, u, id).await?;
    class_page(
        &app,
        &ctx,
        class,
        Vec::new(),
        Vec::new(),
        FormErrors::default(),
    )
    .await
}

/// The chosen students of a form, each checked to be in the class.
pub(super) fn chosen_students(f: &[(String, String)], lines: &[i64]) -> Result<Vec<i64>, ()> {
    let mut out = Vec::new();
    for (k, v) in f {
        if k == "student" {
            let id: i64 = v.parse().map_err(|_| ())?;
            if !lines.contains(&id) {
                return Err(());
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// A class's form that names students: the class (if `u` may award there), the form, the
/// students chosen (each checked to be an active student of the class: another id is a
/// 403) and the error when none is.
pub(super) struct Picked {
    class: crate::school::ClassRow,
    form: Vec<(String, String)>,
    chosen: Vec<i64>,
    errors: FormErrors,
}

pub(super) async fn picked(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    id: i64,
    body: &Bytes,
) -> AppResult<Picked> {
    let class = roster_class(&app.db, u, id).await?;
    let form = form(body);
    let roster: Vec<i64> = crate::school::roster(&app.db, id)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| s.id)
        .collect();
    let mut errors = FormErrors::default();
    let chosen = match chosen_students(&form, &roster) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            errors.add("student", ctx.t.t("gam-error-no-student"));
            Vec::new()
        }
        Err(()) => return Err(AppError::Forbidden),
    };
    Ok(Picked {
        class,
        form,
        chosen,
        errors,
    })
}

pub(super) async fn award_points(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let Picked {
        class,
        form: f,
        chosen,
        mut errors,
    } = picked(&app, &ctx, u, id, &body).await?;
    let behaviour = crate::gamification::behaviours(&app.db)
        .await?
        .into_iter()
        .find(|b| b.active && b.id.to_string() == field(&f, "behaviour"));
    if behaviour.is_none() {
        errors.add("behaviour", ctx.t.t("error-choose"));
    }
    let comment = field(&f, "comment").trim().to_string();
    if comment.chars().count() > 200 {
        errors.add("comment", ctx.t.t("error-too-long"));
    }
    let Some(b) = behaviour.filter(|_| errors.is_empty()) else {
        return class_page(&app, &ctx, class, chosen, f, errors).await;
    };
    let today = ctx.today();
    let mut tx = crate::db::begin_write(&app.db).await?;
    for s in &chosen {
        let award = crate::gamification::Award {
            student_id: *s,
            points: b.points,
            positive: b.positive,
            behaviour_id: Some(b.id),
            reason: comment.clone(),
            awarded_by: Some(u.id),
            awarded_on: today,
            ..Default::default()
        };
        if crate::gamification::award(&mut tx, &award, ctx.now)
            .await?
            .is_none()
        {
            // Only without a current school year.
            return Err(AppError::Conflict("gam-error-no-year"));
        }
    }
    tx.commit().await?;
    crate::gamification::tell(&app, &chosen).await;
    ctx.flash_text(
        "success",
        ctx.t.tj(
            if b.positive {
                "gam-awarded"
            } else {
                "gam-noted"
            },
            serde_json::json!({ "count": chosen.len() as i64, "points": b.points, "label": b.label }),
        ),
    )
    .await?;
    Ok(redirect(&format!("/points/classe/{id}")))
}

pub(super) async fn give_badge(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let Picked {
        class,
        form: f,
        chosen,
        mut errors,
    } = picked(&app, &ctx, u, id, &body).await?;
    let badge = repo::catalog::badges(&app.db, 0)
        .await?
        .into_iter()
        .find(|b| b.code.is_none() && b.id.to_string() == field(&f, "badge"));
    if badge.is_none() {
        errors.add("badge", ctx.t.t("error-choose"));
    }
    let Some(badge) = badge.filter(|_| errors.is_empty()) else {
        return class_page(&app, &ctx, class, chosen, f, errors).await;
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    for s in &chosen {
        crate::gamification::award_badge(
            &mut tx,
            badge.id,
            *s,
            Some(u.id),
            field(&f, "comment"),
            ctx.today(),
        )
        .await?;
    }
    tx.commit().await?;
    crate::gamification::tell(&app, &chosen).await;
    ctx.flash("success", "gam-badge-given").await?;
    Ok(redirect(&format!("/points/classe/{id}")))
}

pub(super) async fn revoke_award(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let reason = field(&f, "reason")
        .trim()
        .chars()
        .take(200)
        .collect::<String>();
    let mut tx = crate::db::begin_write(&app.db).await?;
    let Some(student) =
        crate::gamification::revoke(&mut tx, id, Some(u.id), &reason, ctx.now).await?
    else {
        // A second click finds it done: said, not failed.
        if !repo::awards::exists(&mut *tx, id).await? {
            return Err(AppError::NotFound);
        }
        let student = repo::awards::student_of(&mut *tx, id).await?;
        ctx.flash("info", "gam-already-revoked").await?;
        return Ok(redirect(&format!("/progression/{student}")));
    };
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "point_award",
        &id.to_string(),
        "revoke",
        None,
        Some(&reason),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    crate::gamification::tell(&app, &[student]).await;
    ctx.flash("success", "gam-revoked").await?;
    Ok(redirect(&format!("/progression/{student}")))
}

pub(super) async fn revoke_badge(
    State(app): State<AppState>,
    ctx: Ctx,
    crate::web::PathIds(badge, student): crate::web::PathIds,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    if !repo::awards::revoke_badge_award(&mut *tx, badge, student, u.id, ctx.now).await? {
        if !repo::awards::badge_given(&mut *tx, badge, student).await? {
            return Err(AppError::NotFound);
        }
        ctx.flash("info", "gam-already-revoked").await?;
        return Ok(redirect(&format!("/progression/{student}")));
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "badge_award",
        &format!("{badge}:{student}"),
        "revoke",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    crate::gamification::boards::changed();
    crate::gamification::tell(&app, &[student]).await;
    ctx.flash("success", "gam-badge-revoked").await?;
    Ok(redirect(&format!("/progression/{student}")))
}
