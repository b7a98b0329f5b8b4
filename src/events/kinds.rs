//! Every kind of school event, with its payload: the one vocabulary that publishers and
//! subscribers share. A row of the outbox holds the serde tag as its `kind` and the payload
//! as JSON, the same strings it has always held, so no stored row changes.
//!
//! A subscriber matches on [`SchoolEvent`]: a kind renamed, a field misspelt or a value
//! compared as a string that no publisher writes ("late" for a lateness recorded as
//! "retard") fails to compile instead of failing a family.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What happened at the school.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum SchoolEvent {
    /// A mark was entered, corrected or cleared.
    #[serde(rename = "mark.recorded")]
    MarkRecorded(MarkRecorded),
    /// A student was noted absent or late.
    #[serde(rename = "absence.recorded")]
    AbsenceRecorded(AbsenceRecorded),
    /// A period's bulletins were published to families.
    #[serde(rename = "bulletin.published")]
    BulletinPublished(BulletinPublished),
    /// A tranche was billed to a student.
    #[serde(rename = "invoice.created")]
    InvoiceCreated(InvoiceCreated),
    /// Money was received (at the desk, or by mobile money).
    #[serde(rename = "payment.recorded")]
    PaymentRecorded(PaymentMade),
    /// A receipt was cancelled by a reversing one.
    #[serde(rename = "payment.reversed")]
    PaymentReversed(PaymentMade),
    /// A mobile money attempt ended without money.
    #[serde(rename = "momo.failed")]
    MomoFailed(MomoFailed),
    /// A mobile money payment waits for the bursar's decision.
    #[serde(rename = "momo.review")]
    MomoReview(MomoReview),
    /// A chat message was sent.
    #[serde(rename = "message.sent")]
    MessageSent(MessageSent),
    /// An announcement was published.
    #[serde(rename = "announcement.published")]
    AnnouncementPublished(AnnouncementPublished),
    /// A challenge ended and was settled.
    #[serde(rename = "challenge.settled")]
    ChallengeSettled(ChallengeSettled),
    /// A sanction was given to a student.
    #[serde(rename = "sanction.given")]
    SanctionGiven(SanctionGiven),
    /// A teacher will be absent.
    #[serde(rename = "teacher.absent")]
    TeacherAbsent(TeacherAbsent),
    /// A student was enrolled in a class (by the desk, or by an import).
    #[serde(rename = "student.enrolled")]
    StudentEnrolled(StudentEnrolled),
    /// A chat message was reported to the administration.
    #[serde(rename = "message.reported")]
    MessageReported(MessageReported),
    /// A lesson of the published timetable moved.
    #[serde(rename = "timetable.changed")]
    TimetableChanged(TimetableChanged),
    /// A version of the timetable was published (replacing the one before, if any).
    #[serde(rename = "timetable.published")]
    TimetablePublished(TimetablePublished),
    /// A student completed a lesson of an online course (the first time).
    #[serde(rename = "course.lesson_completed")]
    CourseLessonCompleted(CourseLessonCompleted),
    /// A student handed in an assignment (the first time), on time or late.
    #[serde(rename = "assignment.submitted")]
    AssignmentSubmitted(AssignmentSubmitted),
    /// An assignment is due within a day (its class is reminded once).
    #[serde(rename = "assignment.due_soon")]
    AssignmentDueSoon(AssignmentDueSoon),
    /// A student's predicted risk of failing the year crossed the school's alert threshold
    /// (once per crossing).
    #[serde(rename = "risk.raised")]
    RiskRaised(RiskRaised),
    /// A conversation with the assistant was flagged to the administration: its words
    /// tripped the safety rules, or its owner reported it.
    #[serde(rename = "assistant.flagged")]
    AssistantFlagged(AssistantFlagged),
}

/// The stored kinds of the events others look up by kind (a workflow's dry run lists the
/// recent events of its trigger).
pub mod stored {
    pub const ABSENCE_RECORDED: &str = "absence.recorded";
    pub const MARK_RECORDED: &str = "mark.recorded";
    pub const SANCTION_GIVEN: &str = "sanction.given";
    pub const INVOICE_CREATED: &str = "invoice.created";
    pub const PAYMENT_RECORDED: &str = "payment.recorded";
    pub const MOMO_FAILED: &str = "momo.failed";
    pub const BULLETIN_PUBLISHED: &str = "bulletin.published";
    pub const STUDENT_ENROLLED: &str = "student.enrolled";
    pub const MESSAGE_REPORTED: &str = "message.reported";
}

impl SchoolEvent {
    /// The kind as stored, and the payload as JSON.
    pub fn to_row(&self) -> Result<(String, String), serde_json::Error> {
        // Through text, not a `Value`: a `Value`'s map sorts its keys, and the payload keeps
        // the fields in the order of its struct.
        #[derive(Deserialize)]
        struct Row<'a> {
            kind: String,
            #[serde(borrow)]
            payload: Option<&'a serde_json::value::RawValue>,
        }
        let text = serde_json::to_string(self)?;
        let row: Row<'_> = serde_json::from_str(&text)?;
        let payload = row.payload.map(|p| p.get()).unwrap_or("null");
        Ok((row.kind, payload.to_string()))
    }

    /// The event of a stored row; an error for a kind this program does not know (written
    /// by a newer node) or a payload that does not fit its kind.
    pub fn from_row(kind: &str, payload: &str) -> Result<SchoolEvent, serde_json::Error> {
        let payload: serde_json::Value = serde_json::from_str(payload)?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
    }
}

/// How a mark was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkStatus {
    /// Points out of the evaluation's scale.
    Score,
    /// Absent from the evaluation.
    Absent,
    /// Excused (dispensé).
    Excused,
}

/// A mark, as the mark book holds it after the change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarkRecorded {
    pub evaluation_id: i64,
    pub student_id: i64,
    /// The class of the evaluation.
    pub class_id: i64,
    pub subject_id: i64,
    pub period_id: i64,
    /// `None`: the mark was cleared.
    pub status: Option<MarkStatus>,
    /// Points in hundredths of the scale, for a score.
    pub points: Option<i64>,
    /// The evaluation's scale (marked out of).
    pub scale: i64,
}

/// An absence for the whole session, or a lateness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AbsenceKind {
    Absence,
    /// Late (stored as the school says it: "retard").
    Retard,
}

impl AbsenceKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            AbsenceKind::Absence => "absence",
            AbsenceKind::Retard => "retard",
        }
    }
}

/// A student noted absent or late for a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AbsenceRecorded {
    /// The absence row.
    pub absence_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    /// Absent or late.
    pub kind: AbsenceKind,
    /// The session's length, or the minutes late.
    pub minutes: i64,
    pub held_on: NaiveDate,
}

/// A period's bulletins, published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulletinPublished {
    pub period_id: i64,
}

/// A tranche billed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceCreated {
    pub invoice_id: i64,
    pub student_id: i64,
    /// XOF.
    pub amount: i64,
}

/// A receipt: money received, or (negative) a reversal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentMade {
    pub payment_id: i64,
    /// Its number as printed.
    pub receipt_no: String,
    pub student_id: i64,
    /// XOF; negative for a reversal.
    pub amount: i64,
    /// especes, cheque, virement or mobile_money.
    pub method: String,
}

/// A mobile money attempt closed without money.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MomoFailed {
    pub momo_id: i64,
    pub student_id: i64,
    /// The parent who started it.
    pub user_id: i64,
    /// XOF asked.
    pub amount: i64,
    /// Failed, expired or cancelled.
    pub state: crate::mobile_money::MomoState,
}

/// A mobile money payment held for the bursar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MomoReview {
    pub momo_id: i64,
    pub student_id: i64,
    /// XOF collected, as the provider says, or asked.
    pub amount: i64,
    /// Why it waits (a catalog key's end: amount, balance, no-year).
    pub reason: String,
}

/// A chat message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageSent {
    pub message_id: i64,
    pub conversation_id: i64,
    /// The conversation's kind: direct, class, class_parents, broadcast, staff.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnouncementPublished {
    pub announcement_id: i64,
    pub title: String,
}

/// A teacher's absence, recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeacherAbsent {
    pub absence_id: i64,
    pub teacher_user_id: i64,
}

/// A lesson of the published timetable, moved by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimetableChanged {
    pub timetable_id: i64,
    pub lesson_id: i64,
    pub class_id: i64,
    pub subject_id: i64,
    pub teacher_user_id: i64,
    /// Monday 0 … Saturday 5, and the period's ordinal, before and after.
    pub from: (i64, i64),
    pub to: (i64, i64),
}

/// A version of the timetable, published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimetablePublished {
    pub timetable_id: i64,
    /// The version it replaces.
    pub previous_id: Option<i64>,
}

/// A sanction, given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SanctionGiven {
    pub sanction_id: i64,
    pub student_id: i64,
    /// avertissement, blame, retenue, exclusion.
    pub kind: String,
}

/// A student, enrolled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudentEnrolled {
    pub student_id: i64,
    pub class_id: i64,
}

/// A chat message, reported (the first report of each person).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageReported {
    pub message_id: i64,
    pub conversation_id: i64,
    pub reporter_id: i64,
}

/// A conversation with the assistant, flagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantFlagged {
    pub conversation_id: i64,
    /// `safety` (the safety rules) or `report` (its owner).
    pub reason: String,
}

/// A challenge, settled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChallengeSettled {
    pub challenge_id: i64,
    pub class_id: i64,
    pub title: String,
    /// How many students won.
    pub winners: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_kinds_are_the_events_own() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let kind = |e: SchoolEvent| e.to_row().unwrap().0;
        assert_eq!(
            kind(SchoolEvent::AbsenceRecorded(AbsenceRecorded {
                absence_id: 1,
                student_id: 1,
                class_id: 1,
                kind: AbsenceKind::Absence,
                minutes: 1,
                held_on: d,
            })),
            stored::ABSENCE_RECORDED
        );
        assert_eq!(
            kind(SchoolEvent::MarkRecorded(MarkRecorded {
                evaluation_id: 1,
                student_id: 1,
                class_id: 1,
                subject_id: 1,
                period_id: 1,
                status: None,
                points: None,
                scale: 20,
            })),
            stored::MARK_RECORDED
        );
        assert_eq!(
            kind(SchoolEvent::SanctionGiven(SanctionGiven {
                sanction_id: 1,
                student_id: 1,
                kind: "blame".into(),
            })),
            stored::SANCTION_GIVEN
        );
        assert_eq!(
            kind(SchoolEvent::InvoiceCreated(InvoiceCreated {
                invoice_id: 1,
                student_id: 1,
                amount: 1,
            })),
            stored::INVOICE_CREATED
        );
        let paid = PaymentMade {
            payment_id: 1,
            receipt_no: "R".into(),
            student_id: 1,
            amount: 1,
            method: "especes".into(),
        };
        assert_eq!(
            kind(SchoolEvent::PaymentRecorded(paid)),
            stored::PAYMENT_RECORDED
        );
        assert_eq!(
            kind(SchoolEvent::BulletinPublished(BulletinPublished {
                period_id: 1
            })),
            stored::BULLETIN_PUBLISHED
        );
        assert_eq!(
            kind(SchoolEvent::MomoFailed(MomoFailed {
                momo_id: 1,
                student_id: 1,
                user_id: 1,
                amount: 1,
                state: crate::mobile_money::MomoState::Failed,
            })),
            stored::MOMO_FAILED
        );
    }

    #[test]
    fn rows_keep_the_strings_the_outbox_always_held() {
        let e = SchoolEvent::AbsenceRecorded(AbsenceRecorded {
            absence_id: 1,
            student_id: 2,
            class_id: 3,
            kind: AbsenceKind::Retard,
            minutes: 10,
            held_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
        });
        let (kind, payload) = e.to_row().unwrap();
        assert_eq!(kind, "absence.recorded");
        assert_eq!(
            payload,
            r#"{"absence_id":1,"student_id":2,"class_id":3,"kind":"retard","minutes":10,"held_on":"2026-12-06"}"#
        );
        assert_eq!(SchoolEvent::from_row(&kind, &payload).unwrap(), e);
        // A row written before the types: the same JSON reads back.
        let old = r#"{"evaluation_id":5,"student_id":2,"class_id":3,"subject_id":4,"period_id":1,"status":"score","points":1650,"scale":20}"#;
        let SchoolEvent::MarkRecorded(m) = SchoolEvent::from_row("mark.recorded", old).unwrap()
        else {
            panic!("a mark");
        };
        assert_eq!((m.status, m.points), (Some(MarkStatus::Score), Some(1650)));
        // A kind this program does not know is an error, not a silent nothing.
        assert!(SchoolEvent::from_row("timetable.published", "{}").is_err());
        assert!(SchoolEvent::from_row("absence.recorded", r#"{"kind":"late"}"#).is_err());
    }
}

/// A lesson of an online course that a student completed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseLessonCompleted {
    pub course_id: i64,
    pub lesson_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    pub subject_id: i64,
}

/// An assignment handed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentSubmitted {
    pub course_id: i64,
    pub lesson_id: i64,
    pub student_id: i64,
    pub class_id: i64,
    /// Before the due time.
    pub on_time: bool,
}

/// An assignment due soon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentDueSoon {
    pub course_id: i64,
    pub lesson_id: i64,
    pub class_id: i64,
    pub due_at: chrono::DateTime<chrono::Utc>,
}

/// A student crossing the alert threshold of success prediction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskRaised {
    pub alert_id: i64,
    pub student_id: i64,
    pub school_year_id: i64,
    pub class_id: i64,
    /// Probability of failing, ten-thousandths.
    pub probability: i64,
}
