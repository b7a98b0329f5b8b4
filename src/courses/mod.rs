//! Online courses (e-learning): for each class and subject, a course that the subject's
//! teachers write in modules of ordered lessons. A lesson holds Markdown text (rendered and
//! sanitised here) and attached files. Modules and lessons stay drafts until published, open
//! from a day, and a lesson may require another to be completed first. Students follow their
//! class's courses (each view and completion is recorded), parents see their children's
//! progress, and teachers see their class's progress lesson by lesson.

pub mod assignment;
pub mod copy;
pub mod edit;
pub mod gradebook;
pub mod pdf;
pub mod quiz;
pub mod repo;
pub mod routes;
pub mod video;
pub mod view;

use chrono::NaiveDate;

pub use repo::{CourseRow, LessonRow, ModuleRow};

/// The routes of online courses: writing them, and following them.
pub fn router() -> axum::Router<crate::app::AppState> {
    routes::router()
        .merge(view::router())
        .merge(quiz::router())
        .merge(assignment::router())
        .merge(video::routes::router())
}

/// The longest title of a course, a module or a lesson.
pub const MAX_TITLE: usize = 120;
/// The longest summary of a course.
pub const MAX_SUMMARY: usize = 1000;
/// The longest lesson text (Markdown).
pub const MAX_BODY: usize = 50_000;

/// Markdown as safe HTML: the CommonMark of the teacher, with tables, strikethrough and task
/// lists, cleaned of anything that could run (scripts, event attributes, `javascript:` links,
/// frames, styles). Links leave without the referrer; images load lazily (slow links).
pub fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(md, opts));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("img", "loading", "lazy")
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"])
        .clean(&raw)
        .to_string()
}

/// Markdown as one line of plain text (a question in a list): its words, without marks.
pub fn plain_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(md.len());
    for e in Parser::new(md) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Why a student cannot open a lesson yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lock {
    /// Not published (the lesson or its module): students do not see it at all.
    Draft,
    /// Opens on this day.
    Until(NaiveDate),
    /// Opens once this lesson (its title) is completed.
    After(String),
}

/// Where a student stands with a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Locked(Lock),
    /// Open, not opened yet.
    New,
    Viewed,
    Completed,
}

impl State {
    /// The catalog key that names the state.
    pub fn key(&self) -> &'static str {
        match self {
            State::Locked(Lock::Draft) => "course-state-draft",
            State::Locked(_) => "course-state-locked",
            State::New => "course-state-new",
            State::Viewed => "course-state-viewed",
            State::Completed => "course-state-completed",
        }
    }

    pub fn is_open(&self) -> bool {
        !matches!(self, State::Locked(_))
    }
}

/// The lock on a lesson for a student on `today`, if any: drafts first, then the opening
/// days of its module and itself, then its prerequisite (`done` says whether the student
/// completed a lesson).
pub fn lock(
    module: &ModuleRow,
    lesson: &LessonRow,
    lessons: &[LessonRow],
    today: NaiveDate,
    done: impl Fn(i64) -> bool,
) -> Option<Lock> {
    if !module.published || !lesson.published {
        return Some(Lock::Draft);
    }
    let opens = module.available_from.max(lesson.available_from);
    if let Some(day) = opens.filter(|d| *d > today) {
        return Some(Lock::Until(day));
    }
    match lesson.prerequisite_id {
        Some(p) if !done(p) => Some(Lock::After(
            lessons
                .iter()
                .find(|l| l.id == p)
                .map(|l| l.title.clone())
                .unwrap_or_default(),
        )),
        _ => None,
    }
}

/// A share in whole percent (0 when there is nothing to do).
pub fn percent(done: usize, of: usize) -> i64 {
    (done * 100).checked_div(of).unwrap_or(0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            plain_text("Quelle fraction est égale à **1/2** ?\n\n`2/4`"),
            "Quelle fraction est égale à 1/2 ? 2/4"
        );
        // Tags go; their text stays (and is escaped where shown).
        assert_eq!(plain_text("<b>x</b>"), "x");
    }

    #[test]
    fn markdown_is_rendered_and_cleaned() {
        let html = render_markdown(
            "# Les fractions\n\n**Une fraction** est un *quotient*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
             <script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n\
             [cours](https://example.org/cours)\n\n- [x] lu\n",
        );
        assert!(html.contains("<h1>Les fractions</h1>"), "{html}");
        assert!(html.contains("<strong>Une fraction</strong>"));
        assert!(html.contains("<table>"));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains("loading=\"lazy\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
        assert!(html.contains("type=\"checkbox\""), "{html}");
    }

    fn module(published: bool, from: Option<NaiveDate>) -> ModuleRow {
        ModuleRow {
            id: 1,
            course_id: 1,
            position: 1,
            title: "M".into(),
            published,
            available_from: from,
        }
    }

    fn lesson(id: i64, published: bool, from: Option<NaiveDate>, pre: Option<i64>) -> LessonRow {
        LessonRow {
            id,
            module_id: 1,
            position: id,
            title: format!("L{id}"),
            body: String::new(),
            published,
            available_from: from,
            prerequisite_id: pre,
        }
    }

    #[test]
    fn locks_come_from_drafts_days_and_prerequisites() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day);
        let today = d(2).unwrap();
        let all = vec![lesson(1, true, None, None), lesson(2, true, None, Some(1))];
        let none = |_| false;
        assert_eq!(
            lock(&module(false, None), &all[0], &all, today, none),
            Some(Lock::Draft)
        );
        assert_eq!(
            lock(
                &module(true, None),
                &lesson(3, false, None, None),
                &all,
                today,
                none
            ),
            Some(Lock::Draft)
        );
        // The later of the module's and the lesson's opening days.
        assert_eq!(
            lock(
                &module(true, d(3)),
                &lesson(3, true, d(1), None),
                &all,
                today,
                none
            ),
            Some(Lock::Until(d(3).unwrap()))
        );
        assert_eq!(
            lock(
                &module(true, d(2)),
                &lesson(3, true, None, None),
                &all,
                today,
                none
            ),
            None
        );
        assert_eq!(
            lock(&module(true, None), &all[1], &all, today, none),
            Some(Lock::After("L1".into()))
        );
        assert_eq!(
            lock(&module(true, None), &all[1], &all, today, |id| id == 1),
            None
        );
    }

    #[test]
    fn percents_are_whole_and_safe() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(3, 3), 100);
    }
}
