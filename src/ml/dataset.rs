//! The data the models learn from, and how it is built from a table of text cells.
//!
//! A school export (CSV or spreadsheet) arrives as rows of text. This module turns it into a
//! [`Dataset`]: one numeric vector per row, a pass/fail label, and a group per row so that
//! cross-validation can keep all the rows of one student together. Numbers are read the way
//! French-speaking users write them ("12,5", "1 234,5"), common "missing" markers are
//! recognised, and text columns become categorical features. Every problem found in the table is
//! reported as a [`TableError`] naming the line and column, so the caller can tell the user
//! exactly what to fix.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most levels a text column may have before it is treated as an identifier.
pub const MAX_LEVELS: usize = 50;

/// The fewest rows a table must have to be worth training on.
pub const MIN_ROWS: usize = 10;

/// How a column's values are read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    /// A number; missing values are `f64::NAN`.
    Numeric,
    /// A text value from a fixed list; the value stored is the index of the level in `levels`.
    Categorical {
        /// The distinct texts of the column, in order of first appearance.
        levels: Vec<String>,
    },
}

/// One input column of the data set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// The column title, as written in the table (trimmed).
    pub name: String,
    /// How the column's values are read.
    pub kind: Kind,
}

/// x[i] has features.len() values; f64::NAN = missing; a categorical value is its level index as f64.
/// y is 1.0 (the positive outcome: passed) or 0.0. groups[i] identifies the person the row belongs to
/// (a student has one row per school year): cross-validation never splits a group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    /// The input columns.
    pub features: Vec<Feature>,
    /// One vector of values per row.
    pub x: Vec<Vec<f64>>,
    /// One label per row: 1.0 = passed, 0.0 = failed.
    pub y: Vec<f64>,
    /// One group (person) identifier per row.
    pub groups: Vec<u64>,
}

impl Dataset {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.x.len()
    }

    /// Checks that the data set is consistent: `x`, `y` and `groups` have one entry per row,
    /// every row has one value per feature, labels are 0 or 1, numeric values are finite or
    /// missing, and categorical values are missing or a valid level index.
    pub fn check(&self) -> Result<(), String> {
        let n = self.x.len();
        if self.y.len() != n || self.groups.len() != n {
            return Err(format!(
                "the data set has {} rows of values, {} labels and {} groups",
                n,
                self.y.len(),
                self.groups.len()
            ));
        }
        let cols = self.features.len();
        for (i, (row, &label)) in self.x.iter().zip(&self.y).enumerate() {
            if row.len() != cols {
                return Err(format!("row {i} has {} values, expected {cols}", row.len()));
            }
            if label != 0.0 && label != 1.0 {
                return Err(format!("row {i} has label {label}, expected 0 or 1"));
            }
            for (value, feature) in row.iter().zip(&self.features) {
                if value.is_nan() {
                    continue;
                }
                let ok = match &feature.kind {
                    Kind::Numeric => value.is_finite(),
                    Kind::Categorical { levels } => level_index(*value, levels.len()).is_some(),
                };
                if !ok {
                    return Err(format!(
                        "row {i} has an invalid value {value} in column {}",
                        feature.name
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The level a categorical value stands for, if it is a whole number below `levels`.
pub(crate) fn level_index(value: f64, levels: usize) -> Option<usize> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < levels as f64 {
        Some(value as usize)
    } else {
        None
    }
}

/// A problem found while building a data set from a table.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {line}, column {column:?}: {kind:?}")]
pub struct TableError {
    /// The line of the file (1 = the header; 0 = the table as a whole).
    pub line: usize,
    /// The column concerned, if any.
    pub column: Option<String>,
    /// What went wrong.
    pub kind: TableErrorKind,
}

/// What went wrong while building a data set from a table.
#[derive(Clone, Debug, PartialEq)]
pub enum TableErrorKind {
    /// The target column is not in the header.
    NoTarget,
    /// A column asked to be dropped is not in the header.
    UnknownColumn,
    /// A row has more (non-empty) cells than the header has columns.
    RowLength {
        /// The number of cells in the row, up to its last non-empty one.
        found: usize,
        /// The number of columns in the header.
        expected: usize,
    },
    /// A row has no value in the target column.
    TargetMissing,
    /// A row's target cell is not a number.
    TargetNotNumber {
        /// The cell's text.
        value: String,
    },
    /// A text column has too many distinct values to be a useful feature (likely an identifier).
    TooManyLevels {
        /// The number of distinct values.
        levels: usize,
    },
    /// No column is left to learn from.
    NoFeatures,
    /// The table has too few rows to train on.
    TooFewRows {
        /// The number of rows.
        rows: usize,
    },
    /// Every row has the same outcome, so there is nothing to learn.
    OneClass,
}

/// Whether a cell means "no value": empty, "NA", "N/A", "-", "?" or "null" (case-insensitive, trimmed).
pub fn is_missing(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t == "-"
        || t == "?"
        || t.eq_ignore_ascii_case("na")
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("null")
}

/// Reads a number written by a person: trimmed, optional leading "+" or "-", a decimal point or
/// comma ("12.5", "12,5"), and spaces or non-breaking spaces between groups of three digits
/// ("1 234,5"). Returns `None` both for a missing cell (see [`is_missing`]) and for text that is
/// not a number; call [`is_missing`] first to tell the two apart. Exponents, "inf" and "NaN" are
/// not accepted.
pub fn parse_number(s: &str) -> Option<f64> {
    if is_missing(s) {
        return None;
    }
    let t = s.trim();
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut separators = body.char_indices().filter(|&(_, c)| c == '.' || c == ',');
    let (int_part, frac_part) = match (separators.next(), separators.next()) {
        (None, _) => (body, ""),
        (Some((i, c)), None) => (&body[..i], &body[i + c.len_utf8()..]),
        (Some(_), Some(_)) => return None,
    };
    let int_digits = integer_digits(int_part)?;
    if !frac_part.chars().all(|c| c.is_ascii_digit()) || int_digits.len() + frac_part.len() == 0 {
        return None;
    }
    let text = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        if int_digits.is_empty() {
            "0"
        } else {
            &int_digits
        },
        if frac_part.is_empty() { "0" } else { frac_part }
    );
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The digits of an integer part, accepting spaces between groups of three digits.
fn integer_digits(part: &str) -> Option<String> {
    let is_space = |c: char| c == ' ' || c == '\u{a0}' || c == '\u{202f}';
    if !part.contains(is_space) {
        return part
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| part.to_string());
    }
    let mut digits = String::new();
    for (i, group) in part.split(is_space).enumerate() {
        let ok_len = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok_len || !group.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Compares column titles the way users expect: trimmed and case-insensitive.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn error(line: usize, column: Option<&str>, kind: TableErrorKind) -> TableError {
    TableError {
        line,
        column: column.map(str::to_string),
        kind,
    }
}

/// Builds a data set from a table of text cells: `header` = column titles, `rows` = (line number in the file, cells).
/// The label is 1 when the target column's number >= pass_mark. `drop` lists columns to leave out (matched
/// case-insensitively, trimmed). Each row is its own group (groups[i] = i).
///
/// A column is numeric when every non-missing cell is a number (see [`parse_number`]), and
/// categorical otherwise, with its levels in order of first appearance. The target column is
/// never a feature, even if it is also listed in `drop`.
pub fn from_table(
    header: &[String],
    rows: &[(usize, Vec<String>)],
    target: &str,
    pass_mark: f64,
    drop: &[String],
) -> Result<Dataset, TableError> {
    let target_col = header
        .iter()
        .position(|h| same_name(h, target))
        .ok_or_else(|| error(1, Some(target.trim()), TableErrorKind::NoTarget))?;
    let target_name = header
        .get(target_col)
        .map_or(target.trim(), |h| h.trim())
        .to_string();
    let mut dropped = vec![false; header.len()];
    for name in drop {
        let mut found = false;
        for (flag, h) in dropped.iter_mut().zip(header) {
            if same_name(h, name) {
                *flag = true;
                found = true;
            }
        }
        if !found {
            return Err(error(1, Some(name.trim()), TableErrorKind::UnknownColumn));
        }
    }
    let feature_cols: Vec<usize> = (0..header.len())
        .filter(|&c| c != target_col && !dropped.get(c).copied().unwrap_or(true))
        .collect();
    if feature_cols.is_empty() {
        return Err(error(1, None, TableErrorKind::NoFeatures));
    }

    let mut y = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        let used = cells
            .iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |i| i + 1);
        if used > header.len() {
            let kind = TableErrorKind::RowLength {
                found: used,
                expected: header.len(),
            };
            return Err(error(*line, None, kind));
        }
        let cell = cells.get(target_col).map_or("", String::as_str);
        if is_missing(cell) {
            return Err(error(
                *line,
                Some(&target_name),
                TableErrorKind::TargetMissing,
            ));
        }
        let Some(mark) = parse_number(cell) else {
            let kind = TableErrorKind::TargetNotNumber {
                value: cell.trim().to_string(),
            };
            return Err(error(*line, Some(&target_name), kind));
        };
        y.push(if mark >= pass_mark { 1.0 } else { 0.0 });
    }
    if rows.len() < MIN_ROWS {
        let kind = TableErrorKind::TooFewRows { rows: rows.len() };
        return Err(error(0, None, kind));
    }

    let mut features = Vec::with_capacity(feature_cols.len());
    let mut x = vec![Vec::with_capacity(feature_cols.len()); rows.len()];
    for &c in &feature_cols {
        let name = header.get(c).map_or("", |h| h.trim()).to_string();
        let cells: Vec<&str> = rows
            .iter()
            .map(|(_, cells)| cells.get(c).map_or("", |s| s.trim()))
            .collect();
        let (kind, values) = read_column(&cells)
            .map_err(|levels| error(1, Some(&name), TableErrorKind::TooManyLevels { levels }))?;
        for (row, value) in x.iter_mut().zip(values) {
            row.push(value);
        }
        features.push(Feature { name, kind });
    }

    if y.iter().all(|&v| v == 1.0) || y.iter().all(|&v| v == 0.0) {
        return Err(error(0, Some(&target_name), TableErrorKind::OneClass));
    }
    let groups = (0..rows.len() as u64).collect();
    Ok(Dataset {
        features,
        x,
        y,
        groups,
    })
}

/// Reads one column: numeric if every non-missing cell is a number, categorical otherwise.
/// Fails with the number of levels when a categorical column looks like an identifier.
fn read_column(cells: &[&str]) -> Result<(Kind, Vec<f64>), usize> {
    let numbers: Option<Vec<f64>> = cells
        .iter()
        .map(|c| {
            if is_missing(c) {
                Some(f64::NAN)
            } else {
                parse_number(c)
            }
        })
        .collect();
    if let Some(values) = numbers {
        return Ok((Kind::Numeric, values));
    }
    let mut levels: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut values = Vec::with_capacity(cells.len());
    for &cell in cells {
        if is_missing(cell) {
            values.push(f64::NAN);
            continue;
        }
        let next = levels.len();
        let level = *index.entry(cell).or_insert(next);
        if level == next {
            levels.push(cell.to_string());
        }
        values.push(level as f64);
    }
    if levels.len() > MAX_LEVELS || levels.len() >= cells.len() {
        return Err(levels.len());
    }
    Ok((Kind::Categorical { levels }, values))
}
