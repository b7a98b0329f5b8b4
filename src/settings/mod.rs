//! School settings: typed, validated in one place, with defaults that suit a Togolese school.
//! Stored as JSON documents in the `settings` table, one row per section.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::db::Pool;

mod repo;

/// How the school year is divided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// Three trimestres (the usual case).
    #[default]
    Trimestre,
    Semestre,
}

impl PeriodKind {
    /// How many periods a year has.
    pub fn count(self) -> i64 {
        match self {
            PeriodKind::Trimestre => 3,
            PeriodKind::Semestre => 2,
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Trimestre => "trimestre",
            PeriodKind::Semestre => "semestre",
        }
    }
}

/// The school's identity, shown in every header and on every document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct SchoolSettings {
    /// The full name ("Complexe scolaire La Lumière").
    pub name: String,
    pub city: String,
    /// The school's phone, +228.
    pub phone: String,
    /// The school's e-mail, if it has one: the contact of payment providers that want a
    /// customer's e-mail for a parent who has none.
    pub email: String,
    /// The path of the logo under `/static`, if any.
    pub logo: Option<String>,
    /// Trimestres or semestres.
    pub period_kind: PeriodKind,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        SchoolSettings {
            name: "Suku".into(),
            city: "Lomé".into(),
            phone: String::new(),
            email: String::new(),
            logo: None,
            period_kind: PeriodKind::Trimestre,
        }
    }
}

impl SchoolSettings {
    /// Checks the values an administrator typed; returns the catalog keys of the problems.
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut errs = Vec::new();
        if self.name.trim().is_empty() {
            errs.push(("name", "error-required"));
        } else if self.name.chars().count() > 120 {
            errs.push(("name", "error-too-long"));
        }
        errs
    }
}

/// Reads and caches settings. The cache lives a few seconds so that a change made on one
/// node shows on every node almost at once, while pages do not query settings each time.
/// On SQLite a copy is also dropped by any commit ([`crate::db::changes::copies`]), so
/// that a page kept in memory is never made from an older copy.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    school: Slot<SchoolSettings>,
    periods: Slot<Vec<crate::grades::repo::PeriodRow>>,
}

/// A cached value, when it was read, and the data counter it was read at (SQLite).
type Slot<T> = Arc<RwLock<Option<(Instant, Option<u64>, T)>>>;

/// How long a copy lives at most.
pub const TTL: Duration = Duration::from_secs(5);

/// The copy in `slot`, or a fresh one read by `read` (kept unless a commit is settling).
async fn cached<T: Clone, F: Future<Output = anyhow::Result<T>>>(
    slot: &Slot<T>,
    db: &Pool,
    read: impl FnOnce() -> F,
) -> anyhow::Result<T> {
    let stamp = crate::db::changes::copies(db);
    if let Some(now) = stamp
        && let Some((at, kept, v)) = slot.read().await.as_ref()
        && at.elapsed() < TTL
        && *kept == now
    {
        return Ok(v.clone());
    }
    let v = read().await?;
    *slot.write().await = stamp.map(|s| (Instant::now(), s, v.clone()));
    Ok(v)
}

impl Settings {
    /// The school's settings (defaults when none are stored).
    pub async fn school(&self, db: &Pool) -> anyhow::Result<SchoolSettings> {
        cached(&self.school, db, || async {
            Ok(load(db, "school").await?.unwrap_or_default())
        })
        .await
    }

    /// The periods of the current year, for display. Decisions that depend on a period
    /// being closed read the database inside their transaction, never this copy.
    pub async fn periods(&self, db: &Pool) -> anyhow::Result<Vec<crate::grades::repo::PeriodRow>> {
        cached(&self.periods, db, || async {
            Ok(crate::grades::repo::periods(db).await?)
        })
        .await
    }

    /// Drops the cached periods after a change made on this node (other nodes see it
    /// within the cache's few seconds).
    pub async fn forget_periods(&self) {
        *self.periods.write().await = None;
    }

    /// Saves the school's settings after validation.
    pub async fn save_school(&self, db: &Pool, s: &SchoolSettings) -> anyhow::Result<()> {
        store(db, "school", s).await?;
        *self.school.write().await = None;
        Ok(())
    }
}

/// What the school's official documents carry besides the school's identity: the header
/// block of a Togolese bulletin, and a school's own layouts. An empty text means the
/// catalog's default in the reader's language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentSettings {
    /// "République togolaise".
    pub country: String,
    /// "Travail – Liberté – Patrie".
    pub motto: String,
    /// The ministry the school answers to.
    pub ministry: String,
    /// The regional direction of education ("DRE Golfe-Lomé").
    pub region: String,
    /// The school's own bulletin layout (Typst source); none: Suku's.
    pub bulletin_source: Option<String>,
    /// The school's own receipt layout (Typst source); none: Suku's.
    pub receipt_source: Option<String>,
    /// Who signs the certificates: "Le Directeur", "La Directrice", "Le Proviseur"
    /// ("": the catalog's).
    pub signer_title: String,
    /// Their name under the signature, or "".
    pub signer_name: String,
}

impl DocumentSettings {
    /// Checks the values an administrator typed; returns the catalog keys of the problems.
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut errs = Vec::new();
        for (field, v) in [
            ("country", &self.country),
            ("motto", &self.motto),
            ("ministry", &self.ministry),
            ("region", &self.region),
            ("signer_title", &self.signer_title),
            ("signer_name", &self.signer_name),
        ] {
            if v.chars().count() > 160 {
                errs.push((field, "error-too-long"));
            }
        }
        for (field, v) in [
            ("bulletin_source", &self.bulletin_source),
            ("receipt_source", &self.receipt_source),
        ] {
            if v.as_ref().is_some_and(|v| v.len() > 100_000) {
                errs.push((field, "error-too-long"));
            }
        }
        errs
    }
}

/// The documents' settings (defaults when none are stored).
pub async fn documents(db: &Pool) -> anyhow::Result<DocumentSettings> {
    Ok(load(db, "documents").await?.unwrap_or_default())
}

/// How marks become averages, mentions and decisions: the school's grading rules.
/// Marks and thresholds are in hundredths out of 20.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradingSettings {
    /// Weight of the mean of devoirs, interrogations and TP.
    pub class_work_weight: i64,
    /// Weight of the mean of compositions.
    pub composition_weight: i64,
    /// Tableau d'honneur from.
    pub honour_roll: i64,
    /// Encouragements from.
    pub encouragement: i64,
    /// Félicitations from.
    pub congratulations: i64,
    /// Avertissement below.
    pub warning_below: i64,
    /// Blâme below.
    pub reprimand_below: i64,
    /// Annual average from which the council is proposed "passe".
    pub pass_mark: i64,
}

impl Default for GradingSettings {
    /// Class work 1/3, composition 2/3; honour roll 12, encouragements 14, félicitations
    /// 16; avertissement under 8, blâme under 6; passe from 10.
    fn default() -> Self {
        let r = crate::grades::calc::AverageRule::default();
        let t = crate::grades::calc::Thresholds::default();
        GradingSettings {
            class_work_weight: r.class_work_weight,
            composition_weight: r.composition_weight,
            honour_roll: t.honour_roll,
            encouragement: t.encouragement,
            congratulations: t.congratulations,
            warning_below: t.warning_below,
            reprimand_below: t.reprimand_below,
            pass_mark: 1000,
        }
    }
}

impl GradingSettings {
    /// The rule for subject averages.
    pub fn rule(&self) -> crate::grades::calc::AverageRule {
        crate::grades::calc::AverageRule {
            class_work_weight: self.class_work_weight,
            composition_weight: self.composition_weight,
            ..Default::default()
        }
    }

    /// The mention thresholds.
    pub fn thresholds(&self) -> crate::grades::calc::Thresholds {
        crate::grades::calc::Thresholds {
            honour_roll: self.honour_roll,
            encouragement: self.encouragement,
            congratulations: self.congratulations,
            warning_below: self.warning_below,
            reprimand_below: self.reprimand_below,
        }
    }

    /// What is wrong, as (field, catalog key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut e = Vec::new();
        for (f, w) in [
            ("class_work_weight", self.class_work_weight),
            ("composition_weight", self.composition_weight),
        ] {
            if !(0..=10).contains(&w) {
                e.push((f, "error-weight-range"));
            }
        }
        if self.class_work_weight + self.composition_weight == 0 {
            e.push(("composition_weight", "error-weights-zero"));
        }
        let order = [
            ("reprimand_below", self.reprimand_below),
            ("warning_below", self.warning_below),
            ("honour_roll", self.honour_roll),
            ("encouragement", self.encouragement),
            ("congratulations", self.congratulations),
        ];
        for w in order.windows(2) {
            if w[0].1 > w[1].1 {
                e.push((w[1].0, "error-thresholds-order"));
            }
        }
        e
    }
}

/// The school's grading rules (defaults when none are stored). Read fresh each time: every
/// computation of averages must use the rules as they are now.
pub async fn grading(db: &Pool) -> anyhow::Result<GradingSettings> {
    Ok(load(db, "grading").await?.unwrap_or_default())
}

/// The school's vie scolaire rules: which sanctions of the scale it uses and who gives
/// each, and how the conduct mark the council is proposed is made (hundredths out of 20).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConductSettings {
    /// The conduct mark of a student with nothing on their record.
    pub base: i64,
    /// Taken off for each incident no sanction followed.
    pub incident: i64,
    /// Taken off for each hour of absence not justified.
    pub unjustified_hour: i64,
    /// Taken off for each late arrival.
    pub late: i64,
    /// The scale, lightest first: one rule per kind of sanction.
    pub sanctions: Vec<SanctionRule>,
}

/// A sanction of the scale as the school uses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionRule {
    pub kind: crate::conduct::Kind,
    /// Whether the school gives it at all.
    pub used: bool,
    /// Taken off the conduct mark for each one.
    pub deduction: i64,
    /// The roles that decide it.
    pub givers: Vec<crate::auth::Role>,
}

impl Default for ConductSettings {
    /// 18/20 to start; an avertissement −1, a blâme −2, a retenue −1,5, an exclusion −4, an
    /// incident without sanction −0,5, an hour of unjustified absence −0,25, a late arrival
    /// −0,1. A teacher gives avertissements; the director and the secretary (the surveillant
    /// général's desk) blâmes and retenues; an exclusion is the director's alone.
    fn default() -> Self {
        use crate::auth::Role::{Director, Secretary, Teacher};
        use crate::conduct::Kind;
        let rule = |kind, deduction, givers: &[crate::auth::Role]| SanctionRule {
            kind,
            used: true,
            deduction,
            givers: givers.to_vec(),
        };
        ConductSettings {
            base: 1800,
            incident: 50,
            unjustified_hour: 25,
            late: 10,
            sanctions: vec![
                rule(Kind::Avertissement, 100, &[Director, Secretary, Teacher]),
                rule(Kind::Blame, 200, &[Director, Secretary]),
                rule(Kind::Retenue, 150, &[Director, Secretary]),
                rule(Kind::Exclusion, 400, &[Director]),
            ],
        }
    }
}

impl ConductSettings {
    /// The rule of a kind (the default one when the stored settings lack it).
    pub fn rule(&self, kind: crate::conduct::Kind) -> SanctionRule {
        self.sanctions
            .iter()
            .find(|r| r.kind == kind)
            .cloned()
            .or_else(|| {
                ConductSettings::default()
                    .sanctions
                    .into_iter()
                    .find(|r| r.kind == kind)
            })
            .expect("the default scale has every kind")
    }

    /// Checks the values an administrator typed; returns the fields and catalog keys of the
    /// problems.
    pub fn validate(&self) -> Vec<(String, &'static str)> {
        let mut e = Vec::new();
        for (field, v) in [
            ("base", self.base),
            ("incident", self.incident),
            ("unjustified_hour", self.unjustified_hour),
            ("late", self.late),
        ] {
            if !(0..=2000).contains(&v) {
                e.push((field.to_string(), "error-mark-range"));
            }
        }
        for r in &self.sanctions {
            if !(0..=2000).contains(&r.deduction) {
                e.push((format!("deduction_{}", r.kind), "error-mark-range"));
            }
            if r.used && r.givers.is_empty() {
                e.push((format!("givers_{}", r.kind), "conduct-error-no-giver"));
            }
        }
        e
    }
}

/// The vie scolaire rules (defaults when none are stored).
pub async fn conduct(db: &Pool) -> anyhow::Result<ConductSettings> {
    Ok(load(db, "conduct").await?.unwrap_or_default())
}

/// How the leaderboards show to families (students and parents). Staff see the whole
/// board; a family sees the top and its own lines, so that a pupil far down the list is
/// not named to the whole school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BoardSettings {
    /// How many lines from the top a student or a parent sees; their own lines ("ta
    /// place") are always shown besides.
    pub family_lines: i64,
}

impl Default for BoardSettings {
    /// The top 10.
    fn default() -> Self {
        BoardSettings { family_lines: 10 }
    }
}

impl BoardSettings {
    /// The most lines a family may be shown.
    pub const MAX_FAMILY_LINES: i64 = 100;

    /// What is wrong, as (field, catalog key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        if (1..=Self::MAX_FAMILY_LINES).contains(&self.family_lines) {
            Vec::new()
        } else {
            vec![("family_lines", "gam-error-board-lines")]
        }
    }

    /// The number of top lines families see, as a count.
    pub fn family_top(&self) -> usize {
        self.family_lines.clamp(1, Self::MAX_FAMILY_LINES) as usize
    }
}

/// The leaderboards' settings (defaults when none are stored).
pub async fn boards(db: &Pool) -> anyhow::Result<BoardSettings> {
    Ok(load(db, "boards").await?.unwrap_or_default())
}

/// The school's text messages: how many segments a month it pays for, and how many
/// messages one person gets a day at most (reset codes aside).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsSettings {
    pub monthly_budget: i64,
    pub daily_per_person: i64,
    /// How families pay by mobile money, as fees reminders tell them ("Flooz : *155*4*1#").
    pub pay_code: String,
}

impl Default for SmsSettings {
    fn default() -> Self {
        // About 25 000 F CFA a month at Togolese bulk prices, and a parent is not woken
        // by a tenth message.
        SmsSettings {
            monthly_budget: 1000,
            daily_per_person: 5,
            pay_code: String::new(),
        }
    }
}

impl SmsSettings {
    /// Checks the values an administrator typed; returns the catalog keys of the problems.
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut errs = Vec::new();
        if !(0..=1_000_000).contains(&self.monthly_budget) {
            errs.push(("monthly_budget", "sms-error-budget"));
        }
        if !(1..=50).contains(&self.daily_per_person) {
            errs.push(("daily_per_person", "sms-error-daily"));
        }
        if self.pay_code.chars().count() > 40 {
            errs.push(("pay_code", "error-too-long"));
        }
        errs
    }
}

/// The SMS settings (defaults when none are stored), read on the caller's connection.
pub async fn sms_in<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
) -> anyhow::Result<SmsSettings> {
    Ok(match raw(db, "sms").await? {
        Some(v) => serde_json::from_str(&v)?,
        None => SmsSettings::default(),
    })
}

pub use repo::{keep_first, load, raw, store, store_if_absent};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_suit_a_togolese_school() {
        let s = SchoolSettings::default();
        assert_eq!(s.period_kind.count(), 3);
        assert!(s.validate().is_empty());
        let bad = SchoolSettings {
            name: " ".into(),
            ..Default::default()
        };
        assert_eq!(bad.validate(), vec![("name", "error-required")]);
    }

    #[test]
    fn families_see_the_top_ten_by_default() {
        let b = BoardSettings::default();
        assert_eq!(b.family_top(), 10);
        assert!(b.validate().is_empty());
        for wrong in [0, -3, 101] {
            assert_eq!(
                BoardSettings {
                    family_lines: wrong
                }
                .validate(),
                vec![("family_lines", "gam-error-board-lines")]
            );
        }
    }
}
