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

/// Does a step that only writes to the database, in the caller's transaction, with its
/// record: the effect and the record commit together, so it is never done twice. Returns
/// the people whose bell should ring once committed.
#[allow(clippy::too_many_arguments)]
async fn local(
    tx: &mut Tx<'_>,
    app: &AppState,
    id: i64,
    position: i64,
    step: &Step,
    facts: &RunFacts,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let kind = facts.trigger.unwrap_or(TriggerKind::Manual);
    let mut rung = Vec::new();
    // The places, written once per language among the readers.
    let mut by_locale = Vec::new();
    let (input, output) = match step {
        Step::Notify { to, text } | Step::Task { to, text } => {
            let people = audience(tx, *to, facts).await?;
            let mut done = Vec::new();
            for user in &people {
                let locale = locale_of(tx, *user).await?;
                let written = written_in(app, text, facts, locale, &mut by_locale);
                let (note, record) = if matches!(step, Step::Task { .. }) {
                    let task =
                        repo::insert_task(&mut **tx, id, *user, facts.student_id, &written, now)
                            .await?;
                    let note = crate::notifications::Note {
                        user_id: *user,
                        kind: kind.news_kind(),
                        key: "wf-task-note",
                        args: json!({ "text": written }),
                        link: "/suivi".into(),
                    };
                    (note, json!({ "user": user, "task": task }))
                } else {
                    let note = crate::notifications::Note {
                        user_id: *user,
                        kind: kind.news_kind(),
                        key: "wf-text",
                        args: json!({ "text": written }),
                        link: if *to == Audience::Parents || facts.link.starts_with("/admin") {
                            facts.link.clone()
                        } else {
                            "/".into()
                        },
                    };
                    (note, json!({ "user": user, "text": written }))
                };
                if crate::notifications::deliver(tx, Some(app), &note, None, now).await? {
                    rung.push(*user);
                }
                done.push(record);
            }
            (json!({ "to": to }), json!({ "people": done }))
        }
        Step::Points { points, text } => {
            let Some(student) = facts.student_id else {
                return skip_step(tx, id, position, step, "wf-no-student", started, now).await;
            };
            let reason = school_text(app, text, facts);
            let award = crate::gamification::Award {
                student_id: student,
                points: *points,
                positive: true,
                reason: reason.clone(),
                source_key: Some(format!("workflow:{id}:{position}")),
                awarded_on: now.date_naive(),
                ..Default::default()
            };
            let award = crate::gamification::award(tx, &award, now).await?;
            (
                json!({ "points": points }),
                json!({ "student": student, "award": award, "text": reason }),
            )
        }
        Step::Note { text } => {
            let Some(student) = facts.student_id else {
                return skip_step(tx, id, position, step, "wf-no-student", started, now).await;
            };
            let body = school_text(app, text, facts);
            let note =
                crate::conduct::repo::insert_note(&mut **tx, student, &body, Some(id), now).await?;
            (
                json!({}),
                json!({ "student": student, "note": note, "text": body }),
            )
        }
        Step::Document { document, to, text } => {
            let student = match facts.student_id {
                Some(s) => crate::school::repo::student(&app.db, s).await?,
                None => None,
            };
            let (Some(student), Some(year)) =
                (student, crate::school::repo::current_year(&app.db).await?)
            else {
                return skip_step(tx, id, position, step, "wf-no-student", started, now).await;
            };
            let workflow = facts_workflow(tx, id).await?;
            let Some(by) = repo::author(&mut **tx, workflow).await? else {
                return skip_step(tx, id, position, step, "wf-no-student", started, now).await;
            };
            let doc = crate::certificates::issue(
                tx,
                *document,
                &student,
                &year,
                &crate::certificates::Leaving::default(),
                by,
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("document: {}", e.key()))?;
            let pdf = format!("/documents/{doc}/pdf");
            let mut sent = Vec::new();
            for user in audience(tx, *to, facts).await? {
                let locale = locale_of(tx, user).await?;
                let written = written_in(app, text, facts, locale, &mut by_locale);
                let note = crate::notifications::Note {
                    user_id: user,
                    kind: kind.news_kind(),
                    key: "wf-text",
                    args: json!({ "text": written }),
                    link: pdf.clone(),
                };
                if crate::notifications::deliver(tx, Some(app), &note, None, now).await? {
                    rung.push(user);
                }
                sent.push(json!({ "user": user, "text": written }));
            }
            (
                json!({ "document": document, "to": to }),
                json!({ "document": doc, "pdf": pdf, "people": sent }),
            )
        }
        _ => anyhow::bail!("not a local step: {}", step.kind()),
    };
    repo::put_step(
        &mut **tx,
        id,
        position,
        step.kind(),
        &input.to_string(),
        &output.to_string(),
        StepState::Done,
        None,
        started,
        now,
    )
    .await?;
    Ok(rung)
}

/// The workflow of a run.
async fn facts_workflow(tx: &mut Tx<'_>, run: i64) -> anyhow::Result<i64> {
    repo::run(&mut **tx, run)
        .await?
        .map(|r| r.workflow_id)
        .ok_or_else(|| anyhow::anyhow!("run {run}"))
}

/// A text in a reader's language, its places written once per language.
fn written_in(
    app: &AppState,
    text: &super::super::Text,
    facts: &RunFacts,
    locale: Locale,
    by_locale: &mut Vec<(Locale, Vec<(String, String)>)>,
) -> String {
    let i = match by_locale.iter().position(|(l, _)| *l == locale) {
        Some(i) => i,
        None => {
            let t = Tr::new(app.i18n.clone(), locale);
            by_locale.push((locale, facts.places_in(&t)));
            by_locale.len() - 1
        }
    };
    text.render(locale, &by_locale[i].1)
}

/// A text written in the school's language (a note in a file, a reason, a chat message
/// many read).
fn school_text(app: &AppState, text: &super::super::Text, facts: &RunFacts) -> String {
    let t = Tr::new(app.i18n.clone(), Locale::default());
    text.render(t.locale, &facts.places_in(&t))
}

/// Records a step that had nothing to act on (a student's step on a schedule's run).
async fn skip_step(
    tx: &mut Tx<'_>,
    id: i64,
    position: i64,
    step: &Step,
    why: &str,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    repo::put_step(
        &mut **tx,
        id,
        position,
        step.kind(),
        "{}",
        &json!({ "nothing": why }).to_string(),
        StepState::Done,
        None,
        started,
        now,
    )
    .await?;
    Ok(Vec::new())
}

/// A branch: whether its condition holds on the run's facts, and the step to go on from.
/// Recorded, so that a run resumed takes the same way.
async fn branch<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    id: i64,
    position: usize,
    step: &Step,
    facts: &RunFacts,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let Step::Branch { condition, skip } = step else {
        anyhow::bail!("not a branch");
    };
    let holds = match expr::parse(condition) {
        Ok(Some(e)) => expr::eval(&e, &facts.fields),
        Ok(None) => true,
        Err(_) => false,
    };
    let next = if holds {
        position + 1
    } else {
        position + 1 + (*skip).max(0) as usize
    };
    repo::put_step(
        db,
        id,
        position as i64,
        "branch",
        &json!({ "condition": condition }).to_string(),
        &json!({ "holds": holds, "next": next }).to_string(),
        StepState::Done,
        None,
        now,
        now,
    )
    .await?;
    Ok(next)
}

/// Does a new run's first steps at once, in the transaction that wrote it, as long as they
/// only write to the database (telling people, tasks): the first action costs no trip
/// through the job runner. Returns whether every step is done (the caller marks the run
/// done); if not, its job does the rest.
pub(super) async fn begin(
    tx: &mut Tx<'_>,
    app: &AppState,
    id: i64,
    steps: &[Step],
    facts: &RunFacts,
    now: DateTime<Utc>,
    rung: &mut Vec<i64>,
) -> anyhow::Result<bool> {
    let mut i = 0;
    while let Some(step) = steps.get(i) {
        if let Step::Branch { .. } = step {
            i = branch(&mut **tx, id, i, step, facts, now).await?;
            continue;
        }
        if !step.is_local() {
            return Ok(false);
        }
        rung.extend(local(tx, app, id, i as i64, step, facts, now, now).await?);
        i += 1;
    }
    Ok(true)
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
    let mut i = 0;
    while let Some(step) = steps.get(i) {
        let position = i as i64;
        let before = known.iter().find(|s| s.position == position);
        i += 1;
        match before.map(|s| s.state) {
            // A branch taken goes on where it said.
            Some(StepState::Done) => {
                if let Some(next) = before
                    .and_then(|s| serde_json::from_str::<Json>(&s.output).ok())
                    .and_then(|o| o.get("next").and_then(|n| n.as_u64()))
                {
                    i = next as usize;
                }
                continue;
            }
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
            Step::Branch { .. } => {
                i = branch(db, id, position as usize, step, &facts, now).await?;
            }
            Step::Chat { channel, text } => {
                let mut tx = crate::db::begin_write(db).await?;
                let author = repo::author(&mut *tx, run.workflow_id).await?;
                let class = facts
                    .class_id
                    .filter(|_| *channel != super::super::Channel::Broadcast);
                let Some(author) = author
                    .filter(|_| class.is_some() || *channel == super::super::Channel::Broadcast)
                else {
                    skip_step(&mut tx, id, position, step, "wf-no-class", started, now).await?;
                    tx.commit().await?;
                    continue;
                };
                let body = school_text(app, text, &facts);
                let msg =
                    crate::chat::post(&mut tx, channel.as_str(), class, author, &body, now).await?;
                repo::put_step(
                    &mut *tx,
                    id,
                    position,
                    "chat",
                    &json!({ "channel": channel }).to_string(),
                    &json!({ "conversation": msg.conversation_id, "message": msg.id, "text": body })
                        .to_string(),
                    StepState::Done,
                    None,
                    started,
                    now,
                )
                .await?;
                tx.commit().await?;
                crate::chat::push(app, &msg);
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
            _ => {
                let mut tx = crate::db::begin_write(db).await?;
                let rung = local(&mut tx, app, id, position, step, &facts, started, now).await?;
                tx.commit().await?;
                crate::notifications::ring_users(app, rung).await;
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
    let Some((_, facts)) = facts_for(
        &mut tx,
        &app.db,
        w.trigger_kind,
        &event.what,
        event.occurred_at,
    )
    .await?
    .into_iter()
    .next() else {
        return Ok(None);
    };
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
            Step::Chat { channel, text } => vec![format!(
                "{} — {}",
                t.t(channel.label_key()),
                school_text(app, text, &facts)
            )],
            Step::Points { points, text } => vec![format!(
                "{} — {}",
                t.t1("wf-dry-points", "points", points),
                school_text(app, text, &facts)
            )],
            Step::Note { text } => vec![school_text(app, text, &facts)],
            Step::Document { document, .. } => {
                vec![t.t1("wf-dry-document", "document", t.t(document.label_key()))]
            }
            Step::Branch { condition, skip } => {
                let holds = match expr::parse(condition) {
                    Ok(Some(e)) => expr::eval(&e, &facts.fields),
                    _ => true,
                };
                vec![if holds {
                    t.t("wf-dry-branch-on")
                } else {
                    t.t1("wf-dry-branch-skip", "count", skip)
                }]
            }
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
