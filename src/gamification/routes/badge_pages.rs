//! The badges page, and the badges the administration creates.

use super::*;

#[derive(Template)]
#[template(path = "gamification/badges.html")]
pub(super) struct BadgesPage<'a> {
    ctx: &'a Ctx,
    badges: Vec<BadgeRow>,
    may_create: bool,
    form: Vec<(String, String)>,
    errors: FormErrors,
}

impl BadgesPage<'_> {
    fn value(&self, key: &str) -> &str {
        field(&self.form, key)
    }

    /// The icon chosen in the form (the first, on a new form).
    fn icon_checked(&self, k: &str) -> bool {
        match self.value("icon") {
            "" => k == crate::gamification::BADGE_ICONS[0],
            v => v == k,
        }
    }
}

pub(super) async fn badges_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    // A student sees which they hold.
    let me = crate::school::student_by_user(&app.db, u.id)
        .await?
        .map(|s| s.id)
        .unwrap_or(0);
    html(&BadgesPage {
        ctx: &ctx,
        badges: repo::catalog::badges(&app.db, me).await?,
        may_create: may_administer(u),
        form: Vec::new(),
        errors: FormErrors::default(),
    })
}

pub(super) async fn create_badge(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut errors = FormErrors::default();
    let name = crate::domain::required_text(field(&f, "name"), 60).unwrap_or_else(|k| {
        errors.add("name", ctx.t.t(k));
        String::new()
    });
    let description = field(&f, "description").trim().to_string();
    if description.chars().count() > 300 {
        errors.add("description", ctx.t.t("error-too-long"));
    }
    let icon = field(&f, "icon").trim().to_string();
    if !crate::gamification::BADGE_ICONS.contains(&icon.as_str()) {
        errors.add("icon", ctx.t.t("gam-error-icon"));
    }
    if !errors.is_empty() {
        return html_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &BadgesPage {
                ctx: &ctx,
                badges: repo::catalog::badges(&app.db, 0).await?,
                may_create: true,
                form: f,
                errors,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::catalog::insert_badge(&mut *tx, &name, &description, &icon, u.id).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "badge",
        &id.to_string(),
        "create",
        None,
        Some(&name),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "gam-badge-created").await?;
    Ok(redirect("/badges"))
}
