//! The demo school's workflows: the ready-made templates turned on, and a few days of run
//! history (the parents of the week's absentees told, step by step, one webhook that an
//! outside service refused).

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::db::Tx;
use crate::events::{AbsenceKind, AbsenceRecorded, SchoolEvent};
use crate::workflows::repo::{self, NewRun, RunState, StepState};
use crate::workflows::{run, templates};

pub(super) async fn seed(tx: &mut Tx<'_>, today: NaiveDate) -> anyhow::Result<()> {
    let (director,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'directeur@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let since = today - Duration::days(5);
    let i18n = std::sync::Arc::new(crate::i18n::I18n::load()?);
    let t = crate::i18n::Tr::new(i18n.clone(), crate::i18n::Locale::Fr);
    let mut absence_flow = None;
    let mut sanction_flow = None;
    for tpl in &templates::ALL {
        let name = t.t(tpl.name_key());
        let id = templates::install(
            tx,
            tpl,
            &name,
            true,
            Some(director),
            Utc.from_utc_datetime(&since.and_hms_opt(8, 0, 0).expect("a valid hour")),
        )
        .await?;
        if tpl.key == templates::ABSENCE_PARENTS {
            absence_flow = Some(id);
        }
        if tpl.key == "sanction_head_teacher" {
            sanction_flow = Some(id);
        }
    }
    if let Some(flow) = sanction_flow {
        sanction_tasks(tx, &t, flow).await?;
    }
    refused_webhook(tx, &t, director, since).await?;
    let Some(flow) = absence_flow else {
        return Ok(());
    };
    let w = repo::workflow(&mut **tx, flow)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the absence workflow"))?;
    // The week's absences, the latest last: each a run whose one step told the parents.
    let rows: Vec<(i64, i64, i64, String, i64, NaiveDate, String)> = sqlx::query_as(
        "SELECT a.id, a.student_id, r.class_id, a.kind, a.minutes, r.held_on, r.starts_at FROM absences a \
         JOIN roll_calls r ON r.id = a.roll_call_id \
         WHERE a.kind = 'absence' AND r.held_on >= $1 AND r.held_on <= $2 ORDER BY r.held_on, r.starts_at, a.id LIMIT 40",
    )
    .bind(since)
    .bind(today)
    .fetch_all(&mut **tx)
    .await?;
    for (absence_id, student_id, class_id, _, minutes, held_on, starts_at) in rows {
        let at = NaiveTime::parse_from_str(&starts_at, "%H:%M")
            .map(|t| held_on.and_time(t))
            .unwrap_or_else(|_| held_on.and_hms_opt(7, 0, 0).expect("a valid hour"));
        let at = Utc.from_utc_datetime(&at) + Duration::minutes(3);
        let event = SchoolEvent::AbsenceRecorded(AbsenceRecorded {
            absence_id,
            student_id,
            class_id,
            kind: AbsenceKind::Absence,
            minutes,
            held_on,
        });
        let Some((_, facts)) = run::facts_of(tx, &event, at).await? else {
            continue;
        };
        let parents = crate::school::repo::guardians_concerned(&mut **tx, student_id).await?;
        let steps = w.steps();
        let Some(crate::workflows::Step::Notify { text, .. }) = steps.first() else {
            continue;
        };
        let written = text.render(t.locale, &facts.places_in(&t));
        let Some(run_id) = past_run(tx, &w, &facts, at).await? else {
            continue;
        };
        let people: Vec<serde_json::Value> = parents
            .iter()
            .map(|p| serde_json::json!({ "user": p.user_id, "text": written }))
            .collect();
        done_step(
            tx,
            run_id,
            0,
            "notify",
            r#"{"to":"parents"}"#,
            &serde_json::json!({ "people": people }).to_string(),
            at,
            180,
        )
        .await?;
        repo::set_run_state(
            &mut **tx,
            run_id,
            RunState::Done,
            None,
            at + Duration::milliseconds(190),
        )
        .await?;
    }
    Ok(())
}

/// The blâmes and exclusions of the demo's vie scolaire, each followed by a task for the
/// class's professeur principal (one of them done).
async fn sanction_tasks(tx: &mut Tx<'_>, t: &crate::i18n::Tr, flow: i64) -> anyhow::Result<()> {
    let w = repo::workflow(&mut **tx, flow)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the sanction workflow"))?;
    let rows: Vec<(i64, i64, String, NaiveDate)> = sqlx::query_as(
        "SELECT id, student_id, kind, decided_on FROM sanctions WHERE kind IN ('blame', 'exclusion') ORDER BY id LIMIT 5",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (i, (sanction_id, student_id, kind, on)) in rows.into_iter().enumerate() {
        let at = Utc.from_utc_datetime(&on.and_hms_opt(11, 0, 0).expect("a valid hour"));
        let event = SchoolEvent::SanctionGiven(crate::events::SanctionGiven {
            sanction_id,
            student_id,
            kind,
        });
        let Some((_, facts)) = run::facts_of(tx, &event, at).await? else {
            continue;
        };
        let Some(head) = facts.head_teacher else {
            continue;
        };
        let Some(crate::workflows::Step::Task { text, .. }) = w.steps().into_iter().next() else {
            continue;
        };
        let title = text.render(t.locale, &facts.places_in(t));
        let Some(run_id) = past_run(tx, &w, &facts, at).await? else {
            continue;
        };
        let task = repo::insert_task(&mut **tx, run_id, head, Some(student_id), &title, at).await?;
        if i == 0 {
            repo::tick(&mut **tx, task, head, true, at + Duration::days(1)).await?;
        }
        done_step(
            tx,
            run_id,
            0,
            "task",
            r#"{"to":"head_teacher"}"#,
            &serde_json::json!({ "people": [{ "user": head, "task": task }] }).to_string(),
            at,
            120,
        )
        .await?;
        // The note in the student's file, the template's second step.
        if let Some(crate::workflows::Step::Note { text }) = w.steps().get(1) {
            let body = text.render(t.locale, &facts.places_in(t));
            let note =
                crate::conduct::repo::insert_note(&mut **tx, student_id, &body, Some(run_id), at)
                    .await?;
            let output = serde_json::json!({ "student": student_id, "note": note, "text": body });
            done_step(tx, run_id, 1, "note", "{}", &output.to_string(), at, 125).await?;
        }
        repo::set_run_state(
            &mut **tx,
            run_id,
            RunState::Done,
            None,
            at + Duration::milliseconds(130),
        )
        .await?;
    }
    Ok(())
}

/// A step of the past, done `ms` milliseconds after its run started.
#[allow(clippy::too_many_arguments)]
async fn done_step(
    tx: &mut Tx<'_>,
    run: i64,
    position: i64,
    kind: &str,
    input: &str,
    output: &str,
    at: chrono::DateTime<Utc>,
    ms: i64,
) -> anyhow::Result<()> {
    repo::put_step(
        &mut **tx,
        run,
        position,
        kind,
        input,
        output,
        StepState::Done,
        None,
        at,
        at + Duration::milliseconds(ms),
    )
    .await?;
    Ok(())
}

/// A run of the past, written as the engine would have left it.
async fn past_run(
    tx: &mut Tx<'_>,
    w: &crate::workflows::repo::WorkflowRow,
    facts: &run::RunFacts,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    Ok(repo::insert_run(
        &mut **tx,
        &NewRun {
            workflow_id: w.id,
            event_id: None,
            facts: &serde_json::to_string(facts)?,
            steps: &w.steps,
            state: RunState::Done,
            error: None,
            started_by: None,
            fire_key: None,
        },
        at,
    )
    .await?)
}

/// An outside service that refused the school's calls: the run's webhook tried three
/// times, then the run failed with the service's answer; the director turned it off.
async fn refused_webhook(
    tx: &mut Tx<'_>,
    t: &crate::i18n::Tr,
    director: i64,
    since: NaiveDate,
) -> anyhow::Result<()> {
    let steps = serde_json::to_string(&[crate::workflows::Step::Webhook {
        url: "https://inspection-lome.example.tg/api/absences".into(),
        secret: "demo-secret-0123456789abcdef".into(),
    }])?;
    let at = Utc.from_utc_datetime(&since.and_hms_opt(9, 0, 0).expect("a valid hour"));
    let flow = repo::insert(
        &mut **tx,
        &repo::NewWorkflow {
            name: &t.t("wf-demo-inspection"),
            template: None,
            trigger_kind: crate::workflows::TriggerKind::Absence,
            condition: "minutes >= 120",
            steps: &steps,
            enabled: false,
            schedule: "",
            days: 0,
        },
        Some(director),
        at,
    )
    .await?;
    let w = repo::workflow(&mut **tx, flow)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the inspection workflow"))?;
    // The week's longest absence.
    let row: Option<(i64, i64, i64, i64, NaiveDate)> = sqlx::query_as(
        "SELECT a.id, a.student_id, r.class_id, a.minutes, r.held_on FROM absences a \
         JOIN roll_calls r ON r.id = a.roll_call_id WHERE a.kind = 'absence' AND r.held_on >= $1 \
         ORDER BY a.minutes DESC, a.id LIMIT 1",
    )
    .bind(since)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((absence_id, student_id, class_id, minutes, held_on)) = row else {
        return Ok(());
    };
    let at = Utc.from_utc_datetime(&held_on.and_hms_opt(9, 0, 0).expect("a valid hour"));
    let event = SchoolEvent::AbsenceRecorded(AbsenceRecorded {
        absence_id,
        student_id,
        class_id,
        kind: AbsenceKind::Absence,
        minutes,
        held_on,
    });
    let Some((_, facts)) = run::facts_of(tx, &event, at).await? else {
        return Ok(());
    };
    let Some(run_id) = past_run(tx, &w, &facts, at).await? else {
        return Ok(());
    };
    let error = "HTTP 503";
    repo::put_step(
        &mut **tx,
        run_id,
        0,
        "webhook",
        &serde_json::json!({ "url": "https://inspection-lome.example.tg/api/absences", "idempotency_key": format!("suku-run-{run_id}-step-0") }).to_string(),
        "{}",
        StepState::Failed,
        Some(error),
        at,
        at + Duration::seconds(35),
    )
    .await?;
    repo::set_attempts(
        &mut **tx,
        run_id,
        0,
        crate::workflows::run::WEBHOOK_ATTEMPTS,
    )
    .await?;
    repo::set_run_state(
        &mut **tx,
        run_id,
        RunState::Failed,
        Some(error),
        at + Duration::seconds(35),
    )
    .await?;
    Ok(())
}
