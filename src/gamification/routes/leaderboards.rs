//! The boards page: which board a person asked for, and whether they may see it.

use super::*;

/// The query of a board.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BoardQuery {
    /// points, badges, progres.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// classe, niveau, ecole.
    #[serde(default)]
    pub scope: String,
    /// semaine, trimestre, tout.
    #[serde(default)]
    pub periode: String,
    /// The class, for a class board.
    #[serde(default)]
    pub classe: String,
    /// The level, for a level board.
    #[serde(default)]
    pub niveau: String,
    /// How many lines from the top (the viewer's own are always there).
    #[serde(default)]
    pub limite: String,
}

impl BoardQuery {
    /// The lines from the top asked for by `u`: the school's staff 100 unless said, up to
    /// 5,000; a family the school's `family_top` (the top 10 unless the school chose
    /// otherwise), never more whatever the address says. Their own lines come besides.
    pub fn limit(&self, u: &crate::auth::CurrentUser, family_top: usize) -> usize {
        let (default, most) = if super::staff(u) {
            (100, 5000)
        } else {
            (family_top, family_top)
        };
        self.limite
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or(default)
            .min(most)
    }
}

/// A board request, checked: the board and the viewer's right to it.
pub struct BoardChoice {
    pub kind: Kind,
    pub window: Window,
    pub scope: Scope,
}

/// Reads the query; the class and level default to the viewer's first class. Unknown
/// values are a 400 for the API and a correction for pages.
pub fn choose(
    q: &BoardQuery,
    classes: &[ClassRef],
    home: Option<i64>,
) -> Result<BoardChoice, &'static str> {
    let kind = Kind::parse(&q.kind).ok_or("gam-error-type")?;
    let window = Window::parse(&q.periode).ok_or("gam-error-periode")?;
    let first = home
        .and_then(|h| classes.iter().find(|c| c.id == h))
        .or(classes.first());
    let scope = match q.scope.as_str() {
        "ecole" => Scope::Ecole,
        "niveau" => match q.niveau.parse::<i64>() {
            Ok(l) => Scope::Niveau(l),
            Err(_) if q.niveau.is_empty() => match first {
                Some(c) => Scope::Niveau(c.level_id),
                None => Scope::Ecole,
            },
            Err(_) => return Err("gam-error-scope"),
        },
        "classe" | "" => match q.classe.parse::<i64>() {
            Ok(c) => Scope::Classe(c),
            Err(_) if q.classe.is_empty() => match first {
                Some(c) => Scope::Classe(c.id),
                None => Scope::Ecole,
            },
            Err(_) => return Err("gam-error-scope"),
        },
        _ => return Err("gam-error-scope"),
    };
    Ok(BoardChoice {
        kind,
        window,
        scope,
    })
}

#[derive(Template)]
#[template(path = "gamification/boards.html")]
pub(super) struct BoardsPage<'a> {
    ctx: &'a Ctx,
    more: i64,
    classes: Vec<ClassRef>,
    levels: Vec<(i64, String)>,
    board: std::sync::Arc<Board>,
    lines: Vec<Line>,
    kind: &'static str,
    window: &'static str,
    scope: &'static str,
    class_id: i64,
    level_id: i64,
    /// Lines from the top; the lines after them are the viewer's own, further down.
    top: usize,
    /// The board may be downloaded by this viewer.
    may_export: bool,
}

impl BoardsPage<'_> {
    /// What marks the viewer's own line: their place, or their child's.
    fn mine_label(&self) -> String {
        let student = self
            .ctx
            .user
            .as_ref()
            .is_some_and(|u| u.active_role == crate::auth::Role::Student);
        self.ctx.t.t(if student {
            "gam-your-place"
        } else {
            "gam-your-child"
        })
    }

    fn value(&self, v: &i64) -> String {
        let v = *v;
        match self.board.kind {
            Kind::Progres => format!("{}{}", if v > 0 { "+" } else { "" }, signed(v)),
            _ => self.ctx.t.int(v),
        }
    }
}

pub(super) async fn boards_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let export = export.format()?;
    if export.is_some() {
        authz::require(authz::may_export_boards(u))?;
    }
    let classes = visible_classes(&app.db, u).await?;
    let home = home_class(&app.db, u).await?;
    let choice = match choose(&q, &classes, home) {
        Ok(c) => c,
        Err(_) => choose(&BoardQuery::default(), &classes, home).map_err(|_| AppError::NotFound)?,
    };
    authz::require(may_see_board(&app.db, u, choice.scope).await?)?;
    let board = boards::board(
        &app.boards,
        &app.db,
        choice.kind,
        choice.window,
        choice.scope,
        ctx.today(),
    )
    .await?;
    let known = known(&app.db, u).await?;
    let mine = own_students(&app.db, u).await?;
    let top = q.limit(u, crate::settings::boards(&app.db).await?.family_top());
    let lines = lines_for(&board, &known, &mine, top);
    let more = board.entries.len().saturating_sub(lines.len()) as i64;
    if let Some(format) = export {
        // The lines this viewer sees, names hidden as on the page.
        use crate::export::{Cell, Table};
        let t = &ctx.t;
        let mut table = Table::new(
            t.t("nav-boards"),
            [
                t.t("gam-rank"),
                t.t("student"),
                t.t("class"),
                t.t(format!("gam-type-{}", choice.kind.code())),
            ],
        );
        table.subtitle = format!(
            "{} · {} – {}",
            t.t(format!("gam-window-{}", choice.window.code())),
            t.date(&board.from),
            t.date(&board.to)
        );
        for l in &lines {
            table.push(vec![
                Cell::Text(if l.tied {
                    format!("{} {}", l.rank, t.t("gam-tied"))
                } else {
                    l.rank.to_string()
                }),
                Cell::Text(l.name.clone().unwrap_or_else(|| t.t("gam-anonymous"))),
                Cell::Text(l.class_name.clone()),
                match board.kind {
                    Kind::Progres => Cell::Hundredths(l.value),
                    _ => Cell::Int(l.value),
                },
            ]);
        }
        let frame = crate::export::frame(&ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    let mut levels: Vec<(i64, String)> = classes
        .iter()
        .map(|c| (c.level_id, c.level_name.clone()))
        .collect();
    levels.dedup();
    let (scope, class_id, level_id) = match choice.scope {
        Scope::Classe(c) => ("classe", c, 0),
        Scope::Niveau(l) => ("niveau", 0, l),
        Scope::Ecole => ("ecole", 0, 0),
    };
    html(&BoardsPage {
        ctx: &ctx,
        more,
        classes,
        levels,
        lines,
        kind: choice.kind.code(),
        window: choice.window.code(),
        board,
        scope,
        class_id,
        level_id,
        top,
        may_export: authz::may_export_boards(u),
    })
}

#[cfg(test)]
mod tests {
    use super::BoardQuery;
    use crate::auth::{CurrentUser, Role};

    fn who(role: Role) -> CurrentUser {
        CurrentUser {
            id: 1,
            first_name: "A".into(),
            last_name: "B".into(),
            locale: Default::default(),
            roles: vec![role],
            active_role: role,
            must_change_password: false,
        }
    }

    #[test]
    fn a_family_gets_no_more_lines_than_the_school_shows_it() {
        let q = BoardQuery {
            limite: "5000".into(),
            ..Default::default()
        };
        assert_eq!(q.limit(&who(Role::Parent), 10), 10);
        assert_eq!(q.limit(&who(Role::Student), 10), 10);
        assert_eq!(q.limit(&who(Role::Teacher), 10), 5000);
        assert_eq!(q.limit(&who(Role::Director), 10), 5000);
        assert_eq!(BoardQuery::default().limit(&who(Role::Parent), 10), 10);
        assert_eq!(BoardQuery::default().limit(&who(Role::Student), 25), 25);
        assert_eq!(BoardQuery::default().limit(&who(Role::Teacher), 10), 100);
        let few = BoardQuery {
            limite: "5".into(),
            ..Default::default()
        };
        assert_eq!(few.limit(&who(Role::Parent), 10), 5);
    }
}
