//! Carrying out a run's steps (each once) and rehearsing them without doing anything.

use super::*;

/// How many times a webhook is tried before its run fails.
pub const WEBHOOK_ATTEMPTS: i64 = 3;

/// The people a step is for.
async fn audience(tx: &mut Tx<'_>, to: Audience, f: &RunFacts) -> Result<Vec<i64>, sqlx::Error> {
    Ok(match to {
        Audience::Parents => match f.student_id {
            Some(s) => crate::school::repo::guardians_concerned(&mut **tx, s)
                .await?
                .into_iter()
                .map(|c| c.user_id)
                .collect(),
            None => Vec::new(),
        },
        Audience::Student => f.student_user.into_iter().collect(),
        Audience::HeadTeacher => f.head_teacher.into_iter().collect(),
        Audience::Directors => crate::school::repo::directors(&mut **tx).await?,
    })
}

/// A reader's language.
async fn locale_of(tx: &mut Tx<'_>, user: i64) -> Result<Locale, sqlx::Error> {
    Ok(crate::school::repo::addressee(&mut **tx, user)
        .await?
        .and_then(|a| Locale::parse(&a.locale))
        .unwrap_or_default())
}

/// The signature of a webhook's body: `sha256=` and the HMAC-SHA256 of the body with the
/// workflow's secret, in hex.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Carries out a run from its first step not done.
pub async fn carry_out(app: &AppState, id: i64) -> anyhow::Result<Json> {
    let db = &app.db;
    let Some(run) = repo::run(db, id).await? else {
        return Ok(json!({ "missing": id }));
    };
    if matches!(
        run.state,
        RunState::Done | RunState::Failed | RunState::Skipped
    ) {
        return Ok(json!({ "state": run.state }));
    }
    let steps: Vec<Step> = serde_json::from_str(&run.steps)?;
    let facts: RunFacts = serde_json::from_str(&run.facts)?;
    let kind = facts.trigger.unwrap_or(TriggerKind::Manual);
    let known = repo::steps(db, id).await?;
    repo::set_run_state(db, id, RunState::Running, None, app.clock.now()).await?;
    for (i, step) in steps.iter().enumerate() {
        let position = i as i64;
        let before = known.iter().find(|s| s.position == position);
        match before.map(|s| s.state) {
            Some(StepState::Done) => continue,
            Some(StepState::Failed) => {
                repo::set_run_state(
                    db,
                    id,
                    RunState::Failed,
                    before.and_then(|s| s.error.as_deref()),
                    app.clock.now(),
                )
                .await?;
                return Ok(json!({ "state": "failed" }));
            }
            _ => {}
        }
        let now = app.clock.now();
        let started = before.map(|s| s.started_at).unwrap_or(now);
        match step {
            Step::Notify { to, text } | Step::Task { to, text } => {
                let mut tx = crate::db::begin_write(db).await?;
                let people = audience(&mut tx, *to, &facts).await?;
                let mut done = Vec::new();
                let mut rung = Vec::new();
                for user in &people {
                    let t = Tr::new(app.i18n.clone(), locale_of(&mut tx, *user).await?);
                    let written = text.render(t.locale, &facts.places_in(&t));
                    if matches!(step, Step::Task { .. }) {
                        let task =
                            repo::insert_task(&mut *tx, id, *user, facts.student_id, &written, now)
                                .await?;
                        done.push(json!({ "user": user, "task": task }));
                        let note = crate::notifications::Note {
                            user_id: *user,
                            kind: kind.news_kind(),
                            key: "wf-task-note",
                            args: json!({ "text": written }),
                            link: "/suivi".into(),
                        };
                        if crate::notifications::deliver(&mut tx, Some(app), &note, None, now)
                            .await?
                        {
                            rung.push(*user);
                        }
                    } else {
                        let note = crate::notifications::Note {
                            user_id: *user,
                            kind: kind.news_kind(),
                            key: "wf-text",
                            args: json!({ "text": written }),
                            link: if *to == Audience::Parents {
                                facts.link.clone()
                            } else {
                                "/".into()
                            },
                        };
                        if crate::notifications::deliver(&mut tx, Some(app), &note, None, now)
                            .await?
                        {
                            rung.push(*user);
                        }
                        done.push(json!({ "user": user, "text": written }));
                    }
                }
                // The effect and the step's record commit together: never twice.
                repo::put_step(
                    &mut *tx,
                    id,
                    position,
                    step.kind(),
                    &json!({ "to": to }).to_string(),
                    &json!({ "people": done }).to_string(),
                    StepState::Done,
                    None,
                    started,
                    now,
                )
                .await?;
                tx.commit().await?;
                crate::notifications::ring_users(app, rung).await;
            }
            Step::Webhook { url, secret } => {
                let body = json!({
                    "workflow": run.workflow,
                    "run": id,
                    "step": position,
                    "event": run.event_id,
                    "trigger": kind,
                    "fields": facts.fields,
                })
                .to_string();
                let key = format!("suku-run-{id}-step-{position}");
                let outcome = reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(10))
                    .build()?
                    .post(url)
                    .header("content-type", "application/json")
                    .header("x-suku-signature", signature(secret, body.as_bytes()))
                    .header("idempotency-key", &key)
                    .body(body.clone())
                    .send()
                    .await;
                let error = match outcome {
                    Ok(r) if r.status().is_success() => None,
                    Ok(r) => Some(format!("HTTP {}", r.status().as_u16())),
                    Err(e) => Some(format!("{e}")),
                };
                let input = json!({ "url": url, "idempotency_key": key }).to_string();
                match error {
                    None => {
                        repo::put_step(
                            db,
                            id,
                            position,
                            "webhook",
                            &input,
                            "{}",
                            StepState::Done,
                            None,
                            started,
                            now,
                        )
                        .await?;
                    }
                    Some(e) => {
                        let attempts = before.map(|s| s.attempts).unwrap_or(0) + 1;
                        if attempts >= WEBHOOK_ATTEMPTS {
                            repo::put_step(
                                db,
                                id,
                                position,
                                "webhook",
                                &input,
                                "{}",
                                StepState::Failed,
                                Some(&e),
                                started,
                                now,
                            )
                            .await?;
                            repo::set_run_state(db, id, RunState::Failed, Some(&e), now).await?;
                            return Ok(json!({ "state": "failed", "error": e }));
                        }
                        repo::put_step(
                            db,
                            id,
                            position,
                            "webhook",
                            &input,
                            "{}",
                            StepState::Retrying,
                            Some(&e),
                            started,
                            now,
                        )
                        .await?;
                        // The job runner tries again after its backoff.
                        anyhow::bail!("webhook: {e}");
                    }
                }
            }
            Step::Wait { minutes } => {
                let until = match before.and_then(|s| serde_json::from_str::<Json>(&s.output).ok())
                {
                    Some(o) => o
                        .get("until")
                        .and_then(|u| u.as_str())
                        .and_then(|u| DateTime::parse_from_rfc3339(u).ok())
                        .map(|u| u.with_timezone(&Utc))
                        .unwrap_or(now),
                    None => now + Duration::minutes(*minutes),
                };
                let output = json!({ "until": until.to_rfc3339() }).to_string();
                if now >= until {
                    repo::put_step(
                        db,
                        id,
                        position,
                        "wait",
                        "{}",
                        &output,
                        StepState::Done,
                        None,
                        started,
                        now,
                    )
                    .await?;
                    continue;
                }
                let mut tx = crate::db::begin_write(db).await?;
                repo::put_step(
                    &mut *tx,
                    id,
                    position,
                    "wait",
                    &json!({ "minutes": minutes }).to_string(),
                    &output,
                    StepState::Waiting,
                    None,
                    started,
                    now,
                )
                .await?;
                repo::set_run_state(&mut *tx, id, RunState::Waiting, None, now).await?;
                crate::jobs::enqueue_at(&mut *tx, &RunOf { run_id: id }, None, until, now).await?;
                tx.commit().await?;
                return Ok(json!({ "state": "waiting", "until": until.to_rfc3339() }));
            }
        }
    }
    repo::set_run_state(db, id, RunState::Done, None, app.clock.now()).await?;
    Ok(json!({ "state": "done", "steps": steps.len() }))
}

/// What a run would do, without doing it: the condition's answer, and for each step the
/// people it would reach and what it would say to them (a dry run for the editor).
#[derive(Clone, Debug)]
pub struct Rehearsal {
    pub facts: RunFacts,
    /// The condition holds (or there is none).
    pub holds: bool,
    /// For each step: its kind's label key and the lines it would write.
    pub steps: Vec<(String, Vec<String>)>,
}

/// Rehearses a workflow on a past event. Everything is read in a transaction that is
/// rolled back: nothing is written.
pub async fn rehearse(
    app: &AppState,
    w: &WorkflowRow,
    event: &Event,
    t: &Tr,
) -> anyhow::Result<Option<Rehearsal>> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let Some((kind, facts)) = facts_of(&mut tx, &event.what, event.occurred_at).await? else {
        return Ok(None);
    };
    if kind != w.trigger_kind {
        return Ok(None);
    }
    let holds = match expr::parse(&w.condition) {
        Ok(Some(e)) => expr::eval(&e, &facts.fields),
        Ok(None) => true,
        Err(_) => false,
    };
    let mut steps = Vec::new();
    for step in w.steps() {
        let lines = match &step {
            Step::Notify { to, text } | Step::Task { to, text } => {
                let mut lines = Vec::new();
                for user in audience(&mut tx, *to, &facts).await? {
                    let reader = Tr::new(app.i18n.clone(), locale_of(&mut tx, user).await?);
                    let name = crate::school::repo::user_name_in(&mut *tx, user)
                        .await?
                        .unwrap_or_default();
                    lines.push(format!(
                        "{name} — {}",
                        text.render(reader.locale, &facts.places_in(&reader))
                    ));
                }
                if lines.is_empty() {
                    lines.push(t.t("wf-dry-nobody"));
                }
                lines
            }
            Step::Webhook { url, .. } => vec![t.t1("wf-dry-webhook", "url", url)],
            Step::Wait { minutes } => vec![t.t1("wf-dry-wait", "minutes", t.duration(*minutes))],
        };
        steps.push((step.label_key(), lines));
    }
    tx.rollback().await?;
    Ok(Some(Rehearsal {
        facts,
        holds,
        steps,
    }))
}
