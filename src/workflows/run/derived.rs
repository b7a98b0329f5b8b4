//! Triggers read from an event rather than being one: a subject average below a threshold
//! and the hours of unjustified absence (from a mark, an absence), the risk alert (from
//! either), the tableau d'honneur (from a period's publication: a run per student on it).
//!
//! Each carries a key that makes it fire once where it should: once per student, subject
//! and period for an average; once per student and period for the absence hours; once per
//! student, period and level for a risk; once per student and period for the honour roll.
//! The condition says where the line is ("average < 8", "hours >= 10", "risk == 'high'"):
//! a workflow fires the first time it holds.

use super::*;

/// The trigger kinds an event starts, its own first.
pub fn kinds_of(e: &SchoolEvent) -> Vec<TriggerKind> {
    use TriggerKind as K;
    match e {
        SchoolEvent::AbsenceRecorded(_) => vec![K::Absence, K::UnjustifiedHours, K::RiskAlert],
        SchoolEvent::MarkRecorded(_) => vec![K::Mark, K::AverageLow, K::RiskAlert],
        SchoolEvent::SanctionGiven(_) => vec![K::Sanction],
        SchoolEvent::InvoiceCreated(_) => vec![K::Invoice],
        SchoolEvent::PaymentRecorded(_) => vec![K::Payment],
        SchoolEvent::MomoFailed(_) => vec![K::MomoFailed],
        SchoolEvent::BulletinPublished(_) => vec![K::Bulletin, K::HonourRoll],
        SchoolEvent::StudentEnrolled(_) => vec![K::Enrolled],
        SchoolEvent::MessageReported(_) => vec![K::MessageReported],
        _ => Vec::new(),
    }
}

/// The runs a trigger kind asks for on an event: each with its once-only key (none: once
/// per event) and its facts. Empty when the event gives this kind nothing to act on.
pub async fn facts_for(
    tx: &mut Tx<'_>,
    db: &crate::db::Pool,
    kind: TriggerKind,
    event: &SchoolEvent,
    at: DateTime<Utc>,
) -> anyhow::Result<Vec<(Option<String>, RunFacts)>> {
    let Some((own, mut base)) = facts_of(tx, event, at).await? else {
        return Ok(Vec::new());
    };
    if own == kind {
        return Ok(vec![(None, base)]);
    }
    base.trigger = Some(kind);
    let today = at.date_naive();
    match (kind, event) {
        (TriggerKind::AverageLow, SchoolEvent::MarkRecorded(m)) => {
            let rules = crate::settings::grading(db).await?;
            let (_, computed) = crate::bulletins::for_class_in(
                tx,
                m.class_id,
                m.period_id,
                &[m.student_id],
                &rules,
            )
            .await?;
            let line = computed
                .bulletins
                .iter()
                .flat_map(|b| b.lines.iter())
                .find(|l| l.subject.id == m.subject_id);
            let Some((subject, Some(average))) = line.map(|l| (l.subject.name.clone(), l.average))
            else {
                return Ok(Vec::new());
            };
            base.fields.insert("average".into(), Value::Number(average));
            base.fields
                .insert("subject".into(), Value::Text(subject.clone()));
            base.places.insert("moyenne".into(), Place::Mark(average));
            base.places.insert("matiere".into(), Place::Text(subject));
            let key = format!("average:{}:{}:{}", m.period_id, m.student_id, m.subject_id);
            Ok(vec![(Some(key), base)])
        }
        (TriggerKind::UnjustifiedHours, SchoolEvent::AbsenceRecorded(a)) => {
            let Some((period, _)) = crate::analytics::risk::current_period(db, a.held_on).await?
            else {
                return Ok(Vec::new());
            };
            let minutes = crate::attendance::repo::unexcused_minutes(
                db,
                a.class_id,
                period.starts_on,
                period.ends_on,
            )
            .await?
            .into_iter()
            .find(|(s, _)| *s == a.student_id)
            .map_or(0, |(_, m)| m);
            base.fields.insert("hours".into(), Value::int(minutes / 60));
            base.places.insert("heures".into(), Place::Minutes(minutes));
            let key = format!("hours:{}:{}", period.id, a.student_id);
            Ok(vec![(Some(key), base)])
        }
        (TriggerKind::RiskAlert, _) => {
            let (Some(student), Some(class)) = (base.student_id, base.class_id) else {
                return Ok(Vec::new());
            };
            let Some((period, previous)) =
                crate::analytics::risk::current_period(db, today).await?
            else {
                return Ok(Vec::new());
            };
            let settings = crate::analytics::risk::settings(db).await?;
            let risks = crate::analytics::risk::class_risks(
                db,
                class,
                &period,
                previous.as_ref(),
                today,
                &settings,
            )
            .await?;
            let Some(r) = risks.into_iter().find(|r| r.student_id == student) else {
                return Ok(Vec::new());
            };
            base.fields.insert("score".into(), Value::int(r.score));
            base.fields
                .insert("risk".into(), Value::Text(r.level.into()));
            base.places.insert(
                "risque".into(),
                Place::Key(format!("risk-level-{}", r.level)),
            );
            base.places
                .insert("score".into(), Place::Text(r.score.to_string()));
            let key = format!("risk:{}:{}:{}", period.id, student, r.level);
            Ok(vec![(Some(key), base)])
        }
        (TriggerKind::HonourRoll, SchoolEvent::BulletinPublished(b)) => {
            let rules = crate::settings::grading(db).await?;
            let Some(year) =
                crate::gamification::repo::rules::year_of_period(&mut **tx, b.period_id).await?
            else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for class in crate::gamification::repo::rules::classes_of_year(&mut **tx, year).await? {
                let students = crate::gamification::repo::rules::enrolled(&mut **tx, class).await?;
                let (_, computed) =
                    crate::bulletins::for_class_in(tx, class, b.period_id, &students, &rules)
                        .await?;
                for s in computed.bulletins {
                    let Some(general) = s.general.filter(|g| *g >= rules.honour_roll) else {
                        continue;
                    };
                    let mut f = RunFacts::default();
                    about_student(tx, s.student_id, &mut f).await?;
                    moment(&mut f, at);
                    f.trigger = Some(kind);
                    f.link = format!("/parent/enfants/{}", s.student_id);
                    f.fields.insert("period".into(), Value::int(b.period_id));
                    f.fields.insert("average".into(), Value::Number(general));
                    f.places.insert("moyenne".into(), Place::Mark(general));
                    out.push((Some(format!("honour:{}:{}", b.period_id, s.student_id)), f));
                }
            }
            Ok(out)
        }
        _ => Ok(Vec::new()),
    }
}
