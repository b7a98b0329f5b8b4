//! Answers without a language model: the question's intent (see [`super::intent`]), then
//! the tools over the asker's own data, or the school's FAQ; and, when it does not know, it
//! says so and who to ask.

use super::intent::{self, Intent};
use super::repo::Faq;
use super::tools::{self, Asker};
use crate::auth::Role;
use crate::dashboard::widgets::Kind;
use crate::error::{AppError, AppResult};

/// An FAQ entry counts from this share of its words found in the question.
const FAQ_THRESHOLD: u32 = 50;

/// The best FAQ entry for a question, if one matches well enough.
pub fn faq_match<'a>(faq: &'a [Faq], question: &str) -> Option<(&'a Faq, u32)> {
    faq.iter()
        .map(|f| (f, intent::faq_score(question, &f.question, &f.keywords)))
        .filter(|(_, s)| *s >= FAQ_THRESHOLD)
        .max_by_key(|(_, s)| *s)
}

/// The answer to `question` from the asker's data and the FAQ.
pub async fn answer(a: &Asker<'_>, question: &str, faq: &[Faq]) -> AppResult<String> {
    // A student stuck on an exercise is guided, never given an answer.
    if a.role == Role::Student && intent::exercise_help(question) {
        return Ok(a.t.t("asst-homework-guide"));
    }
    let scored = intent::recognise_scored(question);
    let intents: Vec<Intent> = scored.iter().map(|(i, _)| *i).collect();
    let words = intent::words(question);
    let faq_hit = faq_match(faq, question);
    let data = scored
        .iter()
        .copied()
        .find(|(i, _)| !matches!(i, Intent::Greeting | Intent::Help));
    let data_intent = data.map(|(i, _)| i);
    // The FAQ first when it matches better than the data would: "quand sortent les
    // bulletins ?" is in the school's rules, not in the marks (one word points to them).
    if let Some((f, score)) = faq_hit
        && (data.is_none_or(|(_, strength)| strength <= 3) || score >= 75)
    {
        return Ok(f.answer.clone());
    }
    let Some(i) = data_intent else {
        return Ok(match intents.first() {
            Some(Intent::Greeting) if intent::thanks(question) => a.t.t("asst-thanks"),
            Some(Intent::Greeting) => a.t.t1("asst-hello", "name", &a.user.first_name),
            Some(Intent::Help) => a.t.t(format!("asst-help-{}", a.role.code())),
            _ => unknown(a).await?,
        });
    };
    // A program's token reads only the widgets of its scopes.
    let widget = match i {
        Intent::Balance => Kind::Balance,
        Intent::Marks => Kind::Marks,
        Intent::Timetable => Kind::Today,
        Intent::Absences => Kind::Absences,
        Intent::Homework => Kind::Todo,
        _ => Kind::Announcements,
    };
    if !a.may_read(widget) {
        return Ok(a.t.t("asst-token-scope"));
    }
    let students = tools::named(&a.students().await?, &words);
    let family = matches!(a.role, Role::Parent | Role::Student);
    let found = match i {
        Intent::Balance if a.role == Role::Parent => tools::balance(a, &students).await,
        Intent::Balance if a.role == Role::Student => return Ok(a.t.t("asst-balance-parents")),
        Intent::Balance => return Ok(a.t.t("asst-balance-staff")),
        Intent::Marks if family => tools::marks(a, &students).await,
        Intent::Timetable if family => {
            tools::timetable(a, &students, intent::day_offset(question)).await
        }
        Intent::Timetable if a.role == Role::Teacher => {
            tools::teacher_timetable(a, intent::day_offset(question)).await
        }
        Intent::Absences if family => tools::absences(a, &students).await,
        Intent::Homework if family => tools::homework(a, &students).await,
        Intent::Announcements => tools::announcements(a).await,
        _ => return Ok(a.t.t("asst-staff-pages")),
    };
    match found {
        Ok(f) if f.text.is_empty() => unknown(a).await,
        Ok(f) => Ok(f.text),
        Err(AppError::Forbidden) => Ok(a.t.t("asst-not-yours")),
        Err(e) => Err(e),
    }
}

/// "I do not know", and who to ask.
async fn unknown(a: &Asker<'_>) -> AppResult<String> {
    let school = a.app.settings.school(&a.app.db).await?;
    Ok(if school.phone.is_empty() {
        a.t.t("asst-unknown")
    } else {
        a.t.t1("asst-unknown-phone", "phone", &school.phone)
    })
}
