//! FET's `.fet` files (the XML of FET, the free timetabling program by Liviu Lalescu and
//! Volker Dirr, https://lalescu.ro/liviu/fet/; element names as its `doc/` and the example
//! files of Debian's `fet-data` 6.8.5 write them): reading a school written by FET into a
//! solver problem, and writing a problem back as a file FET 6.8.5 reads.
//!
//! Reading keeps the time and space constraints the solver knows and counts the others,
//! so that the censeur sees what was left out.

use std::collections::{BTreeMap, HashMap};

use super::solver::{Problem, RuleKind, Weight, Who};

/// Bounds on a hostile file: nodes parsed, and items of each list.
const MAX_NODES: u32 = 3_000_000;
const MAX_ITEMS: usize = 50_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetError {
    #[error("not XML: {0}")]
    Xml(String),
    #[error("not a FET file: {0}")]
    Shape(String),
    #[error("too large: {0}")]
    TooLarge(&'static str),
}

/// A school read from FET, and what could not be kept.
#[derive(Clone, Debug)]
pub struct Imported {
    pub name: String,
    pub problem: Problem,
    pub days: Vec<String>,
    pub hours: Vec<String>,
    /// FET's activity id of each lesson.
    pub activity_ids: Vec<u64>,
    /// Constraints left out, by FET's name, with how many.
    pub skipped: BTreeMap<String, usize>,
}

fn child_text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .map(str::trim)
}

fn children<'a>(
    n: roxmltree::Node<'a, 'a>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'a>> + 'a {
    n.children().filter(move |c| c.has_tag_name(name))
}

fn texts<'a>(n: roxmltree::Node<'a, 'a>, name: &'a str) -> Vec<&'a str> {
    children(n, name)
        .filter_map(|c| c.text())
        .map(str::trim)
        .collect()
}

/// FET's weight: 100 is required; below, a preference of that weight.
fn weight(n: roxmltree::Node) -> Weight {
    let w: f64 = child_text(n, "Weight_Percentage")
        .and_then(|w| w.parse().ok())
        .unwrap_or(100.0);
    if w >= 100.0 {
        Weight::Hard
    } else {
        Weight::Soft(w.round().clamp(1.0, 99.0) as u32)
    }
}

/// Active, and weighing something (FET keeps constraints of weight 0 as switched off).
fn active(n: roxmltree::Node) -> bool {
    child_text(n, "Active") != Some("false")
        && child_text(n, "Weight_Percentage")
            .and_then(|w| w.parse::<f64>().ok())
            .is_none_or(|w| w > 0.0)
}

/// Sets of students that attend the same lessons under the same rules cannot be told apart
/// by any timetable: one stands for all (FET's subgroups multiply, a year's options times
/// another's, and each costs the search a line of bookkeeping per move).
fn merge_identical_sets(p: &mut Problem) {
    let n = p.sets.len();
    let mut lessons_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (l, lesson) in p.lessons.iter().enumerate() {
        for &s in &lesson.sets {
            lessons_of[s].push(l);
        }
    }
    let mut rules_of: Vec<Vec<String>> = vec![Vec::new(); n];
    for r in &p.rules {
        let mut k = r.clone();
        if let Some(set) = set_of(&mut k.kind) {
            let s = std::mem::replace(set, 0);
            rules_of[s].push(format!("{k:?}"));
        }
    }
    let mut keep: HashMap<(Vec<usize>, Vec<String>), usize> = HashMap::new();
    let mut to: Vec<usize> = Vec::with_capacity(n);
    let mut kept: Vec<usize> = Vec::new();
    for s in 0..n {
        rules_of[s].sort();
        let key = (lessons_of[s].clone(), rules_of[s].clone());
        let target = *keep.entry(key).or_insert_with(|| {
            kept.push(s);
            kept.len() - 1
        });
        to.push(target);
    }
    if kept.len() == n {
        return;
    }
    p.sets = kept.iter().map(|&s| p.sets[s].clone()).collect();
    for lesson in &mut p.lessons {
        let mut sets: Vec<usize> = lesson.sets.iter().map(|&s| to[s]).collect();
        sets.sort_unstable();
        sets.dedup();
        lesson.sets = sets;
    }
    let first_of: Vec<bool> = (0..n).map(|s| kept[to[s]] == s).collect();
    p.rules.retain_mut(|r| match set_of(&mut r.kind) {
        Some(set) => {
            let old = *set;
            *set = to[old];
            first_of[old]
        }
        None => true,
    });
}

/// The student set a rule is about, when it is about one.
fn set_of(kind: &mut RuleKind) -> Option<&mut usize> {
    match kind {
        RuleKind::Unavailable {
            who: Who::Set(s), ..
        }
        | RuleKind::MaxPerDay {
            who: Who::Set(s), ..
        }
        | RuleKind::MaxInRow {
            who: Who::Set(s), ..
        }
        | RuleKind::MaxGapsPerDay {
            who: Who::Set(s), ..
        }
        | RuleKind::MaxGapsPerWeek {
            who: Who::Set(s), ..
        } => Some(s),
        RuleKind::Isolated { set } => Some(set),
        _ => None,
    }
}

mod export;
mod import;

pub use export::export;
pub use import::import;
