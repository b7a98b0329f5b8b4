//! Leaderboards (classements): by class, level or school; over this week, the current
//! period or the whole year; by points, badges or progress (the rise of a student's mean
//! mark, so that a weaker student who improves can lead). Ties are ties (1, 2, 2, 4).
//!
//! A board is computed once and kept for a few seconds, shared by every viewer: a school
//! of 2,000 students asking for the school board at once makes one computation, not 2,000.
//! Any award on this node throws the kept boards away; another node's award shows within
//! the few seconds. Names are hidden per viewer after the cache, never in it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use super::repo;
use super::repo::boards::Row;
use crate::db::Pool;

/// How long a computed board is served before it is computed again.
const KEEP: Duration = Duration::from_secs(10);

/// What a board ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Points earned (positive ones).
    Points,
    Badges,
    /// Rise of the mean mark, in hundredths of a point.
    Progres,
}

impl Kind {
    /// From the query string.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "points" | "" => Some(Kind::Points),
            "badges" => Some(Kind::Badges),
            "progres" => Some(Kind::Progres),
            _ => None,
        }
    }

    /// The query string value.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Points => "points",
            Kind::Badges => "badges",
            Kind::Progres => "progres",
        }
    }
}

/// Over which days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// From Monday.
    Semaine,
    /// The current period (trimestre or semestre).
    Trimestre,
    /// The whole school year.
    Tout,
}

impl Window {
    /// From the query string.
    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "semaine" => Some(Window::Semaine),
            "trimestre" | "periode" => Some(Window::Trimestre),
            "tout" | "" => Some(Window::Tout),
            _ => None,
        }
    }

    /// The query string value.
    pub fn code(self) -> &'static str {
        match self {
            Window::Semaine => "semaine",
            Window::Trimestre => "trimestre",
            Window::Tout => "tout",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "scope", content = "id", rename_all = "lowercase")]
pub enum Scope {
    Classe(i64),
    /// Every class of a level.
    Niveau(i64),
    /// The whole school.
    Ecole,
}

/// One line of a board, before names are hidden for a viewer.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// 1-based, equal for equal values.
    pub rank: i64,
    /// Shares its rank with another student.
    pub tied: bool,
    pub student_id: i64,
    /// "NOM Prénom".
    pub name: String,
    pub class_name: String,
    /// Points, badges, or hundredths of a point of progress.
    pub value: i64,
    /// The student asked to hide their name from other students.
    pub hides_name: bool,
}

/// A computed board.
#[derive(Clone, Debug, Serialize)]
pub struct Board {
    /// What it ranks by.
    pub kind: Kind,
    /// Over which days.
    pub window: Window,
    pub scope: Scope,
    /// The first and last day counted.
    pub from: NaiveDate,
    /// The last day counted.
    pub to: NaiveDate,
    /// In rank order.
    pub entries: Vec<Entry>,
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

type Key = (Kind, Window, Scope, NaiveDate);

/// The boards computed lately, one cache per application (in `AppState`). Computations
/// take turns: when a board is stale, the first request computes it and the others wait
/// for that result instead of computing it each (64 at once would each take their share of
/// two cores).
#[derive(Clone, Debug, Default)]
pub struct Cache(Arc<Mutex<HashMap<Key, Kept>>>, Arc<tokio::sync::Mutex<()>>);

/// A board with the generation it was computed at, and when.
type Kept = (u64, Instant, Arc<Board>);

/// Something that changes boards happened: kept boards are computed again.
pub fn changed() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The board, from the cache when it is fresh.
pub async fn board(
    cache: &Cache,
    db: &Pool,
    kind: Kind,
    window: Window,
    scope: Scope,
    today: NaiveDate,
) -> anyhow::Result<Arc<Board>> {
    let key = (kind, window, scope, today);
    let fresh = |cache: &Cache| {
        let generation = GENERATION.load(Ordering::SeqCst);
        cache
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .filter(|(g, at, _)| *g == generation && at.elapsed() < KEEP)
            .map(|(_, _, b)| b.clone())
    };
    if let Some(b) = fresh(cache) {
        return Ok(b);
    }
    let _turn = cache.1.lock().await;
    // Computed by the request that had the turn before.
    if let Some(b) = fresh(cache) {
        return Ok(b);
    }
    let generation = GENERATION.load(Ordering::SeqCst);
    let b = Arc::new(compute(db, kind, window, scope, today).await?);
    let mut c = cache.0.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() > 500 {
        c.clear();
    }
    c.insert(key, (generation, Instant::now(), b.clone()));
    Ok(b)
}

/// The days a window covers, and for progress the days it is compared with.
pub struct Span {
    /// First day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Progress compares the window with these days (before it, in the same year).
    pub before_from: NaiveDate,
}

/// The days of `window` in the current year, or `None` without a current year.
pub async fn span(db: &Pool, window: Window, today: NaiveDate) -> anyhow::Result<Option<Span>> {
    let Some(year) = repo::boards::current_year(db).await? else {
        return Ok(None);
    };
    let periods = repo::boards::periods(db, year.id).await?;
    // The current period: the one today falls in, else the last one started.
    let current = periods
        .iter()
        .rev()
        .find(|p| p.starts_on <= today)
        .or(periods.first());
    Ok(Some(match window {
        Window::Semaine => {
            let from = super::monday_of(today);
            Span {
                from,
                to: today,
                before_from: year.starts_on,
            }
        }
        Window::Trimestre => match current {
            Some(p) => Span {
                from: p.starts_on,
                to: p.ends_on,
                before_from: year.starts_on,
            },
            None => Span {
                from: year.starts_on,
                to: year.ends_on,
                before_from: year.starts_on,
            },
        },
        // Over the year, progress is the current period against the previous one.
        Window::Tout => Span {
            from: year.starts_on,
            to: year.ends_on,
            before_from: year.starts_on,
        },
    }))
}

async fn compute(
    db: &Pool,
    kind: Kind,
    window: Window,
    scope: Scope,
    today: NaiveDate,
) -> anyhow::Result<Board> {
    let Some(span) = span(db, window, today).await? else {
        return Ok(Board {
            kind,
            window,
            scope,
            from: today,
            to: today,
            entries: Vec::new(),
        });
    };
    let rows: Vec<Row> = match kind {
        Kind::Points => repo::boards::points(db, span.from, span.to, scope).await?,
        Kind::Badges => repo::boards::badges(db, span.from, span.to, scope).await?,
        Kind::Progres => progress_rows(db, window, &span, scope, today).await?,
    };
    let mut rows = rows;
    rows.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.last_name.cmp(&b.last_name))
            .then_with(|| a.first_name.cmp(&b.first_name))
    });
    let values: Vec<i64> = rows.iter().map(|r| r.value).collect();
    let ranks = ranks(&values);
    let entries = rows
        .into_iter()
        .zip(ranks)
        .map(|(r, (rank, tied))| Entry {
            rank,
            tied,
            student_id: r.student_id,
            name: format!("{} {}", r.last_name.to_uppercase(), r.first_name),
            class_name: r.class_name,
            value: r.value,
            hides_name: r.hides_name,
        })
        .collect();
    Ok(Board {
        kind,
        window,
        scope,
        from: span.from,
        to: span.to,
        entries,
    })
}

/// Competition ranks of values sorted from the highest: equal values share a rank, the
/// next rank skips (1, 2, 2, 4). Returns (rank, tied).
pub fn ranks(sorted_desc: &[i64]) -> Vec<(i64, bool)> {
    let mut out = Vec::with_capacity(sorted_desc.len());
    for (i, v) in sorted_desc.iter().enumerate() {
        let first = sorted_desc.iter().position(|x| x == v).unwrap_or(i);
        let tied = sorted_desc.iter().filter(|x| *x == v).count() > 1;
        out.push((first as i64 + 1, tied));
    }
    out
}

/// Progress: each student's mean mark (on /20, weighted) over the recent part of the
/// window, minus their mean before it this year. The recent part is the week itself for a
/// week; for a term or the year, the second half of the days gone so far (in a first term
/// there is no earlier term to compare with). Students without marks on both sides are not
/// ranked.
async fn progress_rows(
    db: &Pool,
    window: Window,
    span: &Span,
    scope: Scope,
    today: NaiveDate,
) -> anyhow::Result<Vec<Row>> {
    let year_start = span.before_from;
    let (now_from, now_to) = match window {
        Window::Semaine => (span.from, span.to),
        _ => {
            let end = today.min(span.to);
            if end <= span.from {
                return Ok(Vec::new());
            }
            let half = (end - span.from).num_days() / 2;
            (span.from + chrono::Days::new(half as u64 + 1), end)
        }
    };
    let (before_from, before_to) = (year_start, now_from - chrono::Days::new(1));
    let among = match scope {
        Scope::Classe(id) => crate::grades::repo::Among::Class(id),
        Scope::Niveau(id) => crate::grades::repo::Among::Level(id),
        Scope::Ecole => crate::grades::repo::Among::School,
    };
    let marks = crate::grades::repo::scored_marks_between(db, before_from, now_to, among).await?;
    let mut sides: HashMap<i64, ([i64; 2], [i64; 2])> = HashMap::new();
    for m in marks {
        let v = crate::grades::calc::to_twenty(m.points, m.scale);
        let e = sides.entry(m.student_id).or_default();
        if m.held_on >= now_from && m.held_on <= now_to {
            e.0[0] += v * m.weight;
            e.0[1] += m.weight;
        } else if m.held_on >= before_from && m.held_on <= before_to {
            e.1[0] += v * m.weight;
            e.1[1] += m.weight;
        }
    }
    let names = repo::boards::students(db, scope).await?;
    Ok(names
        .into_iter()
        .filter_map(|mut r| {
            let (now, before) = sides.get(&r.student_id)?;
            if now[1] == 0 || before[1] == 0 {
                return None;
            }
            r.value = crate::grades::calc::div_round(now[0], now[1])
                - crate::grades::calc::div_round(before[0], before[1]);
            Some(r)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        assert_eq!(
            ranks(&[30, 20, 20, 10]),
            vec![(1, false), (2, true), (2, true), (4, false)]
        );
        assert_eq!(ranks(&[0, 0]), vec![(1, true), (1, true)]);
        assert!(ranks(&[]).is_empty());
    }

    #[test]
    fn query_values_are_checked() {
        assert_eq!(Kind::parse("progres"), Some(Kind::Progres));
        assert_eq!(Kind::parse("x"), None);
        assert_eq!(Window::parse("semaine"), Some(Window::Semaine));
        assert_eq!(Window::parse("periode"), Some(Window::Trimestre));
        assert_eq!(Window::parse("hier"), None);
    }
}
