//! The rules at work: the subscriber that turns school events into points (a good mark, an
//! average going up, a week without absence), the periodic check of finished weeks and
//! periods (honour roll, full weeks), and telling the open tabs that points changed.

use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::app::AppState;
use crate::events::{Event, MarkStatus, SchoolEvent, Subscriber};

/// A mark on /20 in hundredths, from points in hundredths on `scale`.
fn on_twenty(points: i64, scale: i64) -> i64 {
    crate::grades::calc::to_twenty(points, scale)
}

/// The subscriber that applies the rules to school events.
#[derive(Default)]
pub struct Gamifier {
    touched: Mutex<Vec<i64>>,
}

impl Gamifier {
    fn touch(&self, student: i64) {
        self.touched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(student);
    }

    /// The students whose points changed since the last call.
    pub fn take_touched(&self) -> Vec<i64> {
        let mut v = std::mem::take(&mut *self.touched.lock().unwrap_or_else(|e| e.into_inner()));
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[async_trait::async_trait]
impl Subscriber for Gamifier {
    fn name(&self) -> &'static str {
        "gamification"
    }

    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()> {
        let on = event.occurred_at.date_naive();
        match &event.what {
            SchoolEvent::MarkRecorded(m) => {
                let score = match m.status {
                    Some(MarkStatus::Score) => m.points,
                    _ => None,
                };
                if self
                    .on_mark(
                        tx,
                        m.student_id,
                        m.evaluation_id,
                        m.scale,
                        score,
                        event.occurred_at,
                    )
                    .await?
                {
                    self.touch(m.student_id);
                }
                if self
                    .on_average(
                        tx,
                        m.student_id,
                        m.subject_id,
                        m.period_id,
                        on,
                        event.occurred_at,
                    )
                    .await?
                {
                    self.touch(m.student_id);
                }
            }
            SchoolEvent::AbsenceRecorded(a) => {
                // A perfect week given before a late roll call of that week is taken back.
                let source = format!("week:{}:{}", a.student_id, monday_of(a.held_on));
                if revoke_source(tx, &source, "absence", event.occurred_at).await? {
                    self.touch(a.student_id);
                }
            }
            SchoolEvent::BulletinPublished(b) => {
                for s in honour_roll(tx, b.period_id, on).await? {
                    self.touch(s);
                }
            }
            SchoolEvent::AssignmentSubmitted(a) => {
                let rewarded = a.on_time
                    && self
                        .on_homework(tx, a.student_id, a.lesson_id, event.occurred_at)
                        .await?;
                if rewarded {
                    self.touch(a.student_id);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Gamifier {
    /// A mark at or above the rule's threshold earns points once per mark; corrected below,
    /// the award is withdrawn, and given back if corrected up again. A first 20/20 earns
    /// its badge.
    async fn on_mark(
        &self,
        tx: &mut Tx<'_>,
        student: i64,
        eval: i64,
        scale: i64,
        score: Option<i64>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let on = at.date_naive();
        let source = format!("mark:{eval}:{student}");
        let mut changed = false;
        if let Some(points) = score
            && points >= scale * 100
        {
            changed |= award_auto_badge(tx, "first_perfect", student, on).await?;
        }
        let Some(rule) = repo::catalog::enabled_rule(&mut **tx, "mark_high").await? else {
            return Ok(changed);
        };
        let high = score.is_some_and(|p| on_twenty(p, scale) >= rule.threshold);
        if !high {
            changed |= revoke_source(tx, &source, "mark-corrected", at).await?;
            return Ok(changed);
        }
        if restore_source(tx, &source).await? {
            return Ok(true);
        }
        let reason = repo::rules::evaluation_label(&mut **tx, eval).await?;
        let award = Award {
            student_id: student,
            points: rule.points,
            positive: true,
            rule_code: Some("mark_high"),
            reason: reason
                .map(|(t, s)| format!("{s} · {t}"))
                .unwrap_or_default(),
            source_key: Some(source),
            awarded_on: on,
            ..Default::default()
        };
        Ok(changed | self::award(tx, &award, at).await?.is_some())
    }

    /// Online homework handed in before its due time earns points, once per assignment.
    async fn on_homework(
        &self,
        tx: &mut Tx<'_>,
        student: i64,
        lesson: i64,
        at: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let Some(rule) = repo::catalog::enabled_rule(&mut **tx, "homework_on_time").await? else {
            return Ok(false);
        };
        let title = crate::courses::assignment::repo::lesson_title(&mut **tx, lesson).await?;
        let award = Award {
            student_id: student,
            points: rule.points,
            positive: true,
            rule_code: Some("homework_on_time"),
            reason: title.unwrap_or_default(),
            source_key: Some(format!("homework:{lesson}:{student}")),
            awarded_on: at.date_naive(),
            ..Default::default()
        };
        Ok(self::award(tx, &award, at).await?.is_some())
    }

    /// A subject average that rose by the rule's threshold since the previous period earns
    /// points once per subject and period.
    async fn on_average(
        &self,
        tx: &mut Tx<'_>,
        student: i64,
        subject: i64,
        period: i64,
        on: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let Some(rule) = repo::catalog::enabled_rule(&mut **tx, "average_up").await? else {
            return Ok(false);
        };
        let Some(previous) = repo::rules::previous_period(&mut **tx, period).await? else {
            return Ok(false);
        };
        let (Some(now), Some(before)) = (
            subject_average(tx, student, subject, period).await?,
            subject_average(tx, student, subject, previous).await?,
        ) else {
            return Ok(false);
        };
        if now - before < rule.threshold.max(1) {
            return Ok(false);
        }
        let name = repo::rules::subject_name(&mut **tx, subject).await?;
        let award = Award {
            student_id: student,
            points: rule.points,
            positive: true,
            rule_code: Some("average_up"),
            reason: format!(
                "{} : {} → {}",
                name.unwrap_or_default(),
                crate::grades::calc::fmt_hundredths(before),
                crate::grades::calc::fmt_hundredths(now)
            ),
            source_key: Some(format!("avg:{student}:{subject}:{period}")),
            awarded_on: on,
            ..Default::default()
        };
        Ok(self::award(tx, &award, at).await?.is_some())
    }
}

/// The weighted mean of a student's marks in a subject over a period, on /20 in hundredths.
async fn subject_average(
    tx: &mut Tx<'_>,
    student: i64,
    subject: i64,
    period: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let rows = repo::rules::subject_marks(&mut **tx, student, subject, period).await?;
    Ok(weighted_mean(
        rows.iter().map(|(p, s, w)| (on_twenty(*p, *s), *w)),
    ))
}

/// The weighted mean of (value, weight) pairs, rounded half up; `None` without weight.
pub fn weighted_mean(values: impl Iterator<Item = (i64, i64)>) -> Option<i64> {
    let (sum, weight) = values.fold((0i64, 0i64), |(s, w), (v, k)| (s + v * k, w + k));
    (weight > 0).then(|| crate::grades::calc::div_round(sum, weight))
}

/// The honour roll badges once a period's bulletins are published: "honour_1" the first
/// time a student's general average reaches the school's honour roll, "honour_3" after
/// three periods of the year on it. Returns the students given a badge.
async fn honour_roll(tx: &mut Tx<'_>, period: i64, on: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let Some(year) = repo::rules::year_of_period(&mut **tx, period).await? else {
        return Ok(Vec::new());
    };
    let periods = repo::rules::published_periods_and(&mut **tx, year, period).await?;
    let classes = repo::rules::classes_of_year(&mut **tx, year).await?;
    // The grading rules in force, read in this transaction (a pooled read could wait on it).
    let rules: crate::settings::GradingSettings = repo::rules::grading(&mut **tx)
        .await?
        .and_then(|r| serde_json::from_str(&r).ok())
        .unwrap_or_default();
    let mut on_roll: std::collections::HashMap<i64, usize> = Default::default();
    for class in classes {
        let students = repo::rules::enrolled(&mut **tx, class).await?;
        for p in &periods {
            let computed = crate::bulletins::for_class_in(tx, class, *p, &students, &rules).await?;
            for b in computed.1.bulletins {
                if b.general.is_some_and(|g| g >= rules.honour_roll) {
                    *on_roll.entry(b.student_id).or_default() += 1;
                }
            }
        }
    }
    let mut given = Vec::new();
    for (student, n) in on_roll {
        let mut got = award_auto_badge(tx, "honour_1", student, on).await?;
        if n >= 3 {
            got |= award_auto_badge(tx, "honour_3", student, on).await?;
        }
        if got {
            given.push(student);
        }
    }
    Ok(given)
}

/// The checks of finished weeks and months, and of finished challenges. Idempotent: each
/// award has its source key, each badge is given once.
pub async fn sweep(app: &AppState, today: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let mut touched = Vec::new();
    let db = &app.db;
    let mut tx = crate::db::begin_write(db).await?;
    // The week before this one.
    let monday = monday_of(today) - chrono::Days::new(7);
    let sunday = monday + chrono::Days::new(6);
    if let Some(rule) = repo::catalog::enabled_rule(&mut *tx, "perfect_week").await? {
        for student in repo::rules::present_throughout(&mut *tx, monday, sunday, 1).await? {
            let a = Award {
                student_id: student,
                points: rule.points,
                positive: true,
                rule_code: Some("perfect_week"),
                reason: format!("{} – {}", monday.format("%d/%m"), sunday.format("%d/%m")),
                source_key: Some(format!("week:{student}:{monday}")),
                awarded_on: sunday,
                ..Default::default()
            };
            if award(&mut tx, &a, app.clock.now()).await?.is_some() {
                touched.push(student);
            }
        }
    }
    // The month before this one: a real month of school, at least ten days of roll calls.
    let first = today.with_day(1).unwrap_or(today);
    let last = first - chrono::Days::new(1);
    let month_start = last.with_day(1).unwrap_or(last);
    for student in repo::rules::present_throughout(&mut *tx, month_start, last, 10).await? {
        if award_auto_badge(&mut tx, "full_month", student, last).await? {
            touched.push(student);
        }
    }
    tx.commit().await?;
    touched.extend(challenges::settle_due(app, today).await?);
    Ok(touched)
}

/// Tells the students whose points changed, and their parents, on their open pages.
pub async fn tell(app: &AppState, students: &[i64]) {
    for &s in students {
        let users = repo::people::accounts_of(&app.db, s).await;
        for u in users.unwrap_or_default() {
            app.realtime
                .to_user(u, "points", &serde_json::json!({ "student": s }));
        }
    }
}

/// Applies the rules to new school events, checks finished weeks and challenges every
/// ten minutes, and tells open pages. Runs until the process stops.
pub async fn run(app: AppState) {
    let gamifier = Gamifier::default();
    while let Err(e) = crate::events::subscribe_from_now(&app.db, gamifier.name()).await {
        tracing::warn!(error = %e, "gamification: cannot start");
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let mut next_sweep = std::time::Instant::now();
    loop {
        let handled = match crate::events::dispatch(&app.db, &gamifier, 200, app.clock.now()).await
        {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "gamification: dispatch failed");
                0
            }
        };
        let mut touched = gamifier.take_touched();
        if std::time::Instant::now() >= next_sweep {
            match sweep(&app, app.clock.today()).await {
                Ok(t) => {
                    touched.extend(t);
                    next_sweep = std::time::Instant::now() + Duration::from_secs(600);
                }
                // Tried again in half a minute.
                Err(e) => {
                    tracing::warn!(error = %e, "gamification: sweep failed");
                    next_sweep = std::time::Instant::now() + Duration::from_secs(30);
                }
            }
        }
        tell(&app, &touched).await;
        if handled < 200 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
