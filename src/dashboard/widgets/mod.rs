//! The widgets dashboards are made of. Each feature's widget reads the feature's public
//! functions and renders on the server; the same numbers go out as JSON. A widget says which
//! roles may have it, and asks `authz` about the child or class it is set on.

use serde::Serialize;

use super::layout::{Item, Size};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::school::StudentRow;

mod common;
mod family;
mod school;

pub use common::*;
pub use family::*;
pub use school::*;

/// Every kind of widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Today's lessons, or the next school day's.
    Today,
    /// The latest marks and the averages so far.
    Marks,
    /// What the family owes, with the button to pay.
    Balance,
    Absences,
    /// Homework and work due.
    Todo,
    /// Unread messages.
    Messages,
    Announcements,
    Leaderboard,
    Challenges,
    /// A teacher's classes.
    Classes,
    /// Evaluations held whose marks are not all typed.
    ToGrade,
    /// Attendance rate, by week.
    Attendance,
    /// Students at risk.
    Risks,
    /// Fees collected, as a chart.
    Collection,
    /// Class averages, as a chart.
    Averages,
    /// The school's numbers.
    Counts,
    Links,
}

/// What a widget may be set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    Nothing,
    /// One of the parent's children.
    Child,
    /// One class (a teacher's own; any for the administration).
    Class,
}

const FAMILY: &[Role] = &[Role::Student, Role::Parent];
const EVERYONE: &[Role] = &Role::ALL;

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Today,
        Kind::Marks,
        Kind::Balance,
        Kind::Absences,
        Kind::Todo,
        Kind::Messages,
        Kind::Announcements,
        Kind::Leaderboard,
        Kind::Challenges,
        Kind::Classes,
        Kind::ToGrade,
        Kind::Attendance,
        Kind::Risks,
        Kind::Collection,
        Kind::Averages,
        Kind::Counts,
        Kind::Links,
    ];

    /// The code in addresses, layouts, token scopes and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Today => "today",
            Kind::Marks => "marks",
            Kind::Balance => "balance",
            Kind::Absences => "absences",
            Kind::Todo => "todo",
            Kind::Messages => "messages",
            Kind::Announcements => "announcements",
            Kind::Leaderboard => "leaderboard",
            Kind::Challenges => "challenges",
            Kind::Classes => "classes",
            Kind::ToGrade => "to-grade",
            Kind::Attendance => "attendance",
            Kind::Risks => "risks",
            Kind::Collection => "collection",
            Kind::Averages => "averages",
            Kind::Counts => "counts",
            Kind::Links => "links",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The catalog key of its title.
    pub fn title_key(self) -> String {
        format!("widget-{}", self.code())
    }

    /// The roles that may have it.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Kind::Today => &[Student, Parent, Teacher],
            Kind::Marks | Kind::Absences | Kind::Todo => FAMILY,
            Kind::Balance => &[Parent],
            Kind::Messages | Kind::Announcements | Kind::Links => EVERYONE,
            Kind::Leaderboard | Kind::Challenges => &[Student, Parent, Teacher, Director],
            Kind::Classes | Kind::ToGrade => &[Teacher],
            Kind::Attendance => &[Teacher, Director, Secretary],
            Kind::Risks => &[Teacher, Director, Secretary],
            Kind::Collection => &[Director, Bursar],
            Kind::Averages => &[Teacher, Director, Secretary],
            Kind::Counts => &[Director, Bursar, Secretary],
        }
    }

    /// May a person of `role` have it?
    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// What a person of `role` sets it on.
    pub fn option(self, role: Role) -> Opt {
        match (self, role) {
            (Kind::Today | Kind::Marks | Kind::Absences | Kind::Todo, Role::Parent)
            | (Kind::Balance | Kind::Leaderboard | Kind::Challenges, Role::Parent) => Opt::Child,
            (Kind::Leaderboard | Kind::Attendance | Kind::Risks | Kind::Averages, _)
                if role != Role::Student =>
            {
                Opt::Class
            }
            _ => Opt::Nothing,
        }
    }

    /// Its width when added.
    pub fn default_size(self) -> Size {
        match self {
            Kind::Today | Kind::Marks | Kind::Risks | Kind::Collection | Kind::Averages => {
                Size::Half
            }
            Kind::Classes | Kind::Counts => Size::Full,
            _ => Size::Third,
        }
    }

    /// Draws a chart (the ECharts script loads with it).
    pub fn has_chart(self) -> bool {
        matches!(self, Kind::Collection | Kind::Averages | Kind::Attendance)
    }
}

/// The dashboard a role starts with, when the administration has not set one: rows that
/// fill the width on a large screen.
pub fn builtin(role: Role) -> Vec<Item> {
    use Kind::*;
    use Size::{Full as F, Half as H, Third as T};
    let kinds: &[(Kind, Size)] = match role {
        Role::Student => &[
            (Today, H),
            (Marks, H),
            (Todo, T),
            (Absences, T),
            (Announcements, T),
            (Leaderboard, T),
            (Messages, T),
            (Links, T),
        ],
        Role::Parent => &[
            (Balance, H),
            (Marks, H),
            (Today, T),
            (Absences, T),
            (Todo, T),
            (Announcements, T),
            (Messages, T),
            (Leaderboard, T),
        ],
        Role::Teacher => &[
            (Today, H),
            (ToGrade, H),
            (Classes, F),
            (Announcements, T),
            (Messages, T),
            (Links, T),
        ],
        Role::Director => &[
            (Counts, F),
            (Collection, H),
            (Attendance, H),
            (Risks, H),
            (Averages, H),
            (Announcements, T),
            (Messages, T),
            (Links, T),
        ],
        Role::Bursar => &[
            (Counts, F),
            (Collection, F),
            (Announcements, T),
            (Messages, T),
            (Links, T),
        ],
        Role::Secretary => &[
            (Counts, F),
            (Attendance, H),
            (Risks, H),
            (Announcements, T),
            (Messages, T),
            (Links, T),
        ],
    };
    kinds
        .iter()
        .enumerate()
        .map(|(i, (k, size))| Item {
            id: i as i64 + 1,
            kind: k.code().into(),
            size: *size,
            child: None,
            class: None,
            locked: false,
        })
        .collect()
}

/// A widget to compute: for whom, as which role, set on what.
pub struct Ask<'a> {
    pub app: &'a AppState,
    pub user: &'a CurrentUser,
    pub role: Role,
    pub child: Option<i64>,
    pub class: Option<i64>,
    pub t: &'a crate::i18n::Tr,
}

impl Ask<'_> {
    /// The student a family widget is about: the student themself, or the parent's chosen
    /// child (their first by default). Another family's child is refused.
    pub async fn student(&self) -> AppResult<Option<StudentRow>> {
        let db = &self.app.db;
        match self.role {
            Role::Student => {
                let me = crate::school::student_by_user(db, self.user.id).await?;
                if let (Some(asked), Some(s)) = (self.child, &me) {
                    crate::authz::require(asked == s.id)?;
                }
                Ok(me)
            }
            Role::Parent => {
                let children = crate::school::children(db, self.user.id).await?;
                match self.child {
                    Some(id) => {
                        let c = children.into_iter().find(|c| c.id == id);
                        crate::authz::require(c.is_some())?;
                        Ok(c)
                    }
                    None => Ok(crate::school::default_child(&children).cloned()),
                }
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// The class a staff widget is about, checked: a teacher's must be one they teach or
    /// head. `None` for the administration's whole-school view, or a teacher's first class.
    pub async fn class(&self) -> AppResult<Option<i64>> {
        let db = &self.app.db;
        match self.class {
            Some(c) => {
                crate::authz::require(crate::authz::can_see_roster(db, self.user, c).await?)?;
                Ok(Some(c))
            }
            None if self.role == Role::Teacher => {
                let Some(year) = crate::school::current_year(db).await? else {
                    return Ok(None);
                };
                Ok(crate::school::teacher_classes(db, year.id, self.user.id)
                    .await?
                    .first()
                    .map(|c| c.id))
            }
            None => Ok(None),
        }
    }
}

/// A widget's numbers: what the page renders and what the JSON gives.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Data {
    Today(TodayW),
    Marks(MarksW),
    Balance(BalanceW),
    Absences(AbsencesW),
    Todo(TodoW),
    Messages(MessagesW),
    Announcements(AnnouncementsW),
    Leaderboard(LeaderboardW),
    Challenges(ChallengesW),
    Classes(ClassesW),
    ToGrade(ToGradeW),
    Attendance(AttendanceW),
    Risks(RisksW),
    Collection(CollectionW),
    Averages(AveragesW),
    Counts(CountsW),
    Links(LinksW),
}

/// Computes a widget for `ask`. The role must be allowed the kind; the child or class it is
/// set on is checked by the widget.
pub async fn compute(kind: Kind, ask: &Ask<'_>) -> AppResult<Data> {
    crate::authz::require(kind.allows(ask.role) && ask.user.has(ask.role))?;
    Ok(match kind {
        Kind::Today => Data::Today(family::today(ask).await?),
        Kind::Marks => Data::Marks(family::marks(ask).await?),
        Kind::Balance => Data::Balance(family::balance(ask).await?),
        Kind::Absences => Data::Absences(family::absences(ask).await?),
        Kind::Todo => Data::Todo(family::todo(ask).await?),
        Kind::Messages => Data::Messages(common::messages(ask).await?),
        Kind::Announcements => Data::Announcements(common::announcements(ask).await?),
        Kind::Leaderboard => Data::Leaderboard(common::leaderboard(ask).await?),
        Kind::Challenges => Data::Challenges(common::challenges(ask).await?),
        Kind::Classes => Data::Classes(school::classes(ask).await?),
        Kind::ToGrade => Data::ToGrade(school::to_grade(ask).await?),
        Kind::Attendance => Data::Attendance(school::attendance(ask).await?),
        Kind::Risks => Data::Risks(school::risks(ask).await?),
        Kind::Collection => Data::Collection(school::collection(ask).await?),
        Kind::Averages => Data::Averages(school::averages(ask).await?),
        Kind::Counts => Data::Counts(school::counts(ask).await?),
        Kind::Links => Data::Links(common::links(ask)),
    })
}

/// A student as widgets name them.
#[derive(Clone, Debug, Serialize)]
pub struct Who {
    pub id: i64,
    pub name: String,
    pub class: Option<String>,
}

impl Who {
    pub fn of(s: &StudentRow) -> Who {
        Who {
            id: s.id,
            name: format!("{} {}", s.first_name, s.last_name),
            class: s.class_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_allowed_to_its_role() {
        for role in Role::ALL {
            let items = builtin(role);
            assert!(!items.is_empty());
            for i in &items {
                let k = Kind::parse(&i.kind).unwrap();
                assert!(k.allows(role), "{role:?} cannot have {k:?}");
            }
        }
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        // A parent's full dashboard is 8 widgets, none of them a chart.
        let parent = builtin(Role::Parent);
        assert_eq!(parent.len(), 8);
        assert!(
            parent
                .iter()
                .all(|i| !Kind::parse(&i.kind).unwrap().has_chart())
        );
    }
}
