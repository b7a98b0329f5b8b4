//! The administration's page: rules, levels, behaviours and the journal of awards.

use super::*;

#[derive(Template)]
#[template(path = "gamification/admin.html")]
pub(super) struct AdminPage<'a> {
    ctx: &'a Ctx,
    rules: Vec<crate::gamification::Rule>,
    behaviours: Vec<Behaviour>,
    levels: Levels,
    boards: crate::settings::BoardSettings,
    journal: Vec<JournalLine>,
    errors: FormErrors,
    /// The board setting as typed, when it was refused.
    typed_lines: Option<String>,
}

impl AdminPage<'_> {
    fn level_name(&self, i: &usize) -> String {
        self.ctx.t.t(format!("gam-level-{}", (i + 1).min(6)))
    }

    fn level_at(&self, i: &usize) -> Option<&crate::gamification::Level> {
        self.levels.0.get(*i)
    }
}

pub(super) async fn admin_view(
    app: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
) -> AppResult<Response> {
    admin_view_typed(app, ctx, errors, None).await
}

async fn admin_view_typed(
    app: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    typed_lines: Option<String>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let status = errors.status();
    html_status(
        status,
        &AdminPage {
            ctx,
            rules: crate::gamification::rules(&app.db).await?,
            behaviours: crate::gamification::behaviours(&app.db).await?,
            levels: crate::gamification::levels(&app.db).await?,
            boards: crate::settings::boards(&app.db).await?,
            journal: repo::awards::journal(&app.db).await?,
            errors,
            typed_lines,
        },
    )
}

pub(super) async fn admin_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin_view(&app, &ctx, FormErrors::default()).await
}

pub(super) async fn save_rules(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let rules = crate::gamification::rules(&app.db).await?;
    let mut errors = FormErrors::default();
    let mut updates = Vec::new();
    for r in &rules {
        let c = &r.code;
        let points = field(&f, &format!("{c}_points"))
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1000).contains(p));
        let cap = field(&f, &format!("{c}_cap"))
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=100).contains(p));
        let threshold = if crate::gamification::has_threshold(c) {
            hundredths(field(&f, &format!("{c}_threshold"))).filter(|t| *t <= 2000)
        } else {
            Some(0)
        };
        if points.is_none() {
            errors.add(&format!("{c}_points"), ctx.t.t("gam-error-points"));
        }
        if cap.is_none() {
            errors.add(&format!("{c}_cap"), ctx.t.t("gam-error-cap"));
        }
        if threshold.is_none() {
            errors.add(&format!("{c}_threshold"), ctx.t.t("gam-error-threshold"));
        }
        let enabled = field(&f, &format!("{c}_enabled")) == "1";
        if let (Some(p), Some(cap), Some(t)) = (points, cap, threshold) {
            updates.push((c.clone(), p, cap, t, enabled));
        }
    }
    if !errors.is_empty() {
        return admin_view(&app, &ctx, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    for (code, p, cap, t, enabled) in &updates {
        repo::catalog::update_rule(&mut *tx, code, *p, *cap, *t, *enabled).await?;
    }
    let new = serde_json::to_string(&updates).unwrap_or_default();
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "gamification_rules",
        "all",
        "update",
        None,
        Some(&new),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

pub(super) async fn save_levels(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut levels = Vec::new();
    let mut errors = FormErrors::default();
    for i in 0..12 {
        let min = field(&f, &format!("min_{i}")).trim();
        if min.is_empty() {
            continue;
        }
        match min.parse::<i64>() {
            Ok(m) if m >= 0 => levels.push(crate::gamification::Level {
                min: m,
                name: field(&f, &format!("name_{i}")).trim().to_string(),
            }),
            _ => errors.add("levels", ctx.t.t("gam-error-levels-order")),
        }
    }
    let levels = Levels(levels);
    if let Some(k) = levels.validate() {
        errors.add("levels", ctx.t.t(k));
    }
    if !errors.is_empty() {
        return admin_view(&app, &ctx, errors).await;
    }
    crate::gamification::save_levels(&app.db, &levels).await?;
    crate::audit::record(
        &app.db,
        Some(u.id),
        "gamification_levels",
        "all",
        "update",
        None,
        Some(&serde_json::to_string(&levels).unwrap_or_default()),
        ctx.now,
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

/// How many lines from the top families see on the boards.
pub(super) async fn save_boards(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let typed = field(&f, "family_lines").trim().to_string();
    let settings = crate::settings::BoardSettings {
        family_lines: typed.parse().unwrap_or(0),
    };
    let problems = settings.validate();
    if !problems.is_empty() {
        let mut errors = FormErrors::default();
        for (field, key) in problems {
            errors.add(field, ctx.t.t(key));
        }
        return admin_view_typed(&app, &ctx, errors, Some(typed)).await;
    }
    let before = crate::settings::boards(&app.db).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "boards", &settings).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "boards",
        "update",
        Some(&before.family_lines.to_string()),
        Some(&settings.family_lines.to_string()),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

pub(super) async fn add_behaviour(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut errors = FormErrors::default();
    let label = crate::domain::required_text(field(&f, "label"), 60).unwrap_or_else(|k| {
        errors.add("label", ctx.t.t(k));
        String::new()
    });
    let points = field(&f, "points")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=100).contains(p));
    if points.is_none() {
        errors.add("points", ctx.t.t("gam-error-behaviour-points"));
    }
    let positive = field(&f, "positive") != "0";
    let Some(points) = points.filter(|_| errors.is_empty()) else {
        return admin_view(&app, &ctx, errors).await;
    };
    if !repo::catalog::insert_behaviour(&app.db, &label, points, positive).await? {
        let mut errors = FormErrors::default();
        errors.add("label", ctx.t.t("gam-error-behaviour-exists"));
        return admin_view(&app, &ctx, errors).await;
    }
    crate::audit::record(
        &app.db,
        Some(u.id),
        "behaviour",
        &label,
        "create",
        None,
        Some(&points.to_string()),
        ctx.now,
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

pub(super) async fn toggle_behaviour(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    if !repo::catalog::toggle_behaviour(&app.db, id).await? {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        &app.db,
        Some(u.id),
        "behaviour",
        &id.to_string(),
        "toggle",
        None,
        None,
        ctx.now,
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_the_french_way() {
        assert_eq!(hundredths("1,5"), Some(150));
        assert_eq!(hundredths("95"), Some(9500));
        assert_eq!(hundredths("0"), None);
        assert_eq!(hundredths("abc"), None);
        assert_eq!(hundredths("NaN"), None);
        assert_eq!(signed(-150), "-1,50");
        assert_eq!(signed(-5), "-0,05");
        assert_eq!(signed(1234), "12,34");
    }
}
