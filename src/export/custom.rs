//! A school's own exports: a definition (data set, columns with their order, headings and
//! formats, filters, grouping, sorting and page layout) saved under a name, and turned into
//! a `Table` the same way for the editor's preview and for the file.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::datasets::{self, Dataset, Filters, Kind};
use super::{Cell, Orientation, Table};
use crate::app::AppState;
use crate::i18n::Tr;

/// A chosen column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnChoice {
    /// The data set's column code.
    pub key: String,
    /// The heading; empty: the column's own, in the reader's language.
    pub label: String,
    /// One of the column type's formats; empty: its default.
    pub format: String,
}

/// What an export template says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Definition {
    /// The data set's code.
    pub dataset: String,
    /// The columns, in order.
    pub columns: Vec<ColumnChoice>,
    pub filters: Filters,
    /// A column to group rows by (with a subtotal after each group).
    pub group_by: String,
    /// A column to sort by (within groups); empty: the data set's order.
    pub sort_by: String,
    /// Sort from largest to smallest.
    pub descending: bool,
    /// The title of the file; empty: the data set's name.
    pub title: String,
    /// A text over the table (PDF).
    pub header: String,
    /// A text at the foot of each page (PDF).
    pub footer: String,
    /// Portrait or landscape (PDF).
    pub orientation: Orientation,
    /// Show the school's logo (PDF).
    pub logo: bool,
}

impl Definition {
    /// A definition of a data set with all its columns.
    pub fn of(ds: &Dataset) -> Definition {
        Definition {
            dataset: ds.key.into(),
            columns: ds
                .columns
                .iter()
                .map(|c| ColumnChoice {
                    key: c.key.into(),
                    ..Default::default()
                })
                .collect(),
            logo: true,
            ..Default::default()
        }
    }

    /// The data set, when the code is known.
    pub fn dataset(&self) -> Option<&'static Dataset> {
        datasets::find(&self.dataset)
    }

    /// Checks the definition: (field, catalog key) of each problem.
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut errs = Vec::new();
        let Some(ds) = self.dataset() else {
            errs.push(("dataset", "error-dataset"));
            return errs;
        };
        if self.columns.is_empty() {
            errs.push(("columns", "error-columns-none"));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.columns {
            match ds.column(&c.key) {
                None => errs.push(("columns", "error-column-unknown")),
                Some((_, col)) => {
                    if !c.format.is_empty()
                        && !col.kind.formats().iter().any(|(f, _)| *f == c.format)
                    {
                        errs.push(("columns", "error-column-format"));
                    }
                }
            }
            if !seen.insert(&c.key) {
                errs.push(("columns", "error-column-twice"));
            }
            if c.label.chars().count() > 60 {
                errs.push(("columns", "error-too-long"));
            }
        }
        for (field, key) in [("group_by", &self.group_by), ("sort_by", &self.sort_by)] {
            if !key.is_empty() && ds.column(key).is_none() {
                errs.push((field, "error-column-unknown"));
            }
        }
        if ds.has(datasets::Filter::Period) && self.filters.period_id.is_none() {
            errs.push(("period_id", "error-period-required"));
        }
        if let (Some(a), Some(b)) = (self.filters.from, self.filters.to)
            && a > b
        {
            errs.push(("to", "error-date-order"));
        }
        for (field, v, max) in [
            ("title", &self.title, 120),
            ("header", &self.header, 1000),
            ("footer", &self.footer, 300),
        ] {
            if v.chars().count() > max {
                errs.push((field, "error-too-long"));
            }
        }
        errs.sort();
        errs.dedup();
        errs
    }
}

/// Builds the table of a valid definition from the data set's rows.
pub fn build(t: &Tr, def: &Definition, ds: &Dataset, rows: Vec<Vec<Cell>>) -> Table {
    let idx = |key: &str| ds.column(key).map(|(i, _)| i);
    let mut rows = rows;
    let sort = idx(&def.sort_by);
    let group = idx(&def.group_by);
    if let Some(i) = sort {
        rows.sort_by(|a, b| compare(&a[i], &b[i]));
        if def.descending {
            rows.reverse();
        }
    }
    if let Some(g) = group {
        // A stable sort keeps the chosen order inside each group.
        rows.sort_by(|a, b| compare(&a[g], &b[g]));
    }
    let chosen: Vec<(usize, &datasets::Column, &ColumnChoice)> = def
        .columns
        .iter()
        .filter_map(|c| ds.column(&c.key).map(|(i, col)| (i, col, c)))
        .collect();
    let title = if def.title.trim().is_empty() {
        t.t(ds.label)
    } else {
        def.title.trim().to_owned()
    };
    let mut table = Table::new(
        title,
        chosen.iter().map(|(_, col, c)| {
            if c.label.trim().is_empty() {
                t.t(col.label)
            } else {
                c.label.trim().to_owned()
            }
        }),
    );
    let project = |row: &Vec<Cell>| -> Vec<Cell> {
        chosen
            .iter()
            .map(|(i, col, c)| format_cell(&row[*i], col.kind, &c.format))
            .collect()
    };
    let sums = |rows: &[&Vec<Cell>], label: String| -> Vec<Cell> {
        let mut out: Vec<Cell> = chosen
            .iter()
            .map(|(i, col, c)| {
                if !col.kind.summed() {
                    return Cell::Empty;
                }
                let total: i64 = rows
                    .iter()
                    .map(|r| match r[*i] {
                        Cell::Int(n) | Cell::Xof(n) => n,
                        _ => 0,
                    })
                    .sum();
                format_cell(
                    &if col.kind == Kind::Xof {
                        Cell::Xof(total)
                    } else {
                        Cell::Int(total)
                    },
                    col.kind,
                    &c.format,
                )
            })
            .collect();
        if let Some(first) = out.first_mut()
            && *first == Cell::Empty
        {
            *first = Cell::Text(label);
        }
        out
    };
    let any_sum = chosen.iter().any(|(_, col, _)| col.kind.summed());
    match group {
        Some(g) => {
            let mut groups: BTreeMap<usize, Vec<&Vec<Cell>>> = BTreeMap::new();
            let mut order: Vec<String> = Vec::new();
            for r in &rows {
                let name = r[g].display(t);
                let pos = match order.iter().position(|n| *n == name) {
                    Some(p) => p,
                    None => {
                        order.push(name);
                        order.len() - 1
                    }
                };
                groups.entry(pos).or_default().push(r);
            }
            for (pos, members) in &groups {
                for r in members {
                    table.push(project(r));
                }
                if any_sum {
                    let name = &order[*pos];
                    table.emphasized.push(table.rows.len());
                    table.push(sums(members, t.t1("group-subtotal", "group", name)));
                }
            }
        }
        None => {
            for r in &rows {
                table.push(project(r));
            }
        }
    }
    if any_sum {
        let all: Vec<&Vec<Cell>> = rows.iter().collect();
        table.totals = Some(sums(&all, t.t("total")));
    }
    table.subtitle = t.tn("export-row-count", "count", rows.len() as i64);
    table
}

fn compare(a: &Cell, b: &Cell) -> std::cmp::Ordering {
    use Cell::*;
    use std::cmp::Ordering::*;
    match (a, b) {
        (Empty, Empty) => Equal,
        (Empty, _) => Greater,
        (_, Empty) => Less,
        (Int(x) | Xof(x) | Hundredths(x), Int(y) | Xof(y) | Hundredths(y)) => x.cmp(y),
        (Date(x), Date(y)) => x.cmp(y),
        (DateTime(x), DateTime(y)) => x.cmp(y),
        (Text(x), Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => Equal,
    }
}

fn format_cell(c: &Cell, kind: Kind, format: &str) -> Cell {
    match (kind, format, c) {
        (Kind::Text, "upper", Cell::Text(s)) => Cell::Text(s.to_uppercase()),
        (Kind::Xof, "number", Cell::Xof(n)) => Cell::Int(*n),
        (Kind::Date, "iso", Cell::Date(d)) => Cell::Text(d.format("%Y-%m-%d").to_string()),
        _ => c.clone(),
    }
}

/// Loads the rows and builds the table of a valid definition.
pub async fn table(app: &AppState, t: &Tr, def: &Definition) -> anyhow::Result<Table> {
    let ds = def
        .dataset()
        .ok_or_else(|| anyhow::anyhow!("unknown data set"))?;
    let rows = datasets::rows(app, t, ds, &def.filters).await?;
    Ok(build(t, def, ds, rows))
}

/// A saved template.
#[derive(Clone, Debug, FromRow)]
pub struct Saved {
    pub id: i64,
    pub name: String,
    /// The data set's code.
    pub dataset: String,
    /// The definition (JSON).
    pub definition: String,
    pub updated_at: DateTime<Utc>,
}

impl Saved {
    pub fn def(&self) -> Definition {
        serde_json::from_str(&self.definition).unwrap_or_default()
    }

    /// The catalog key of the data set's name.
    pub fn dataset_label(&self) -> &'static str {
        datasets::find(&self.dataset)
            .map(|d| d.label)
            .unwrap_or("dataset-unknown")
    }
}

pub use super::repo::{delete, get, list, name_taken, save};

#[cfg(test)]
mod tests {
    use super::*;

    fn tr() -> Tr {
        Tr::new(
            std::sync::Arc::new(crate::i18n::I18n::load().unwrap()),
            crate::i18n::Locale::Fr,
        )
    }

    fn balances() -> (&'static Dataset, Vec<Vec<Cell>>) {
        let ds = datasets::find("balances").unwrap();
        let row = |name: &str, class: &str, billed: i64, paid: i64| {
            vec![
                Cell::Text(name.into()),
                Cell::Text("M".into()),
                Cell::Text(class.into()),
                Cell::Xof(billed),
                Cell::Xof(0),
                Cell::Xof(paid),
                Cell::Xof(billed - paid),
            ]
        };
        (
            ds,
            vec![
                row("ZOZO Ama", "6e A", 50_000, 10_000),
                row("ABALO Kossi", "6e B", 50_000, 50_000),
                row("MENSAH Afi", "6e A", 50_000, 0),
            ],
        )
    }

    #[test]
    fn columns_order_labels_formats_sorting_grouping_and_totals() {
        let (ds, rows) = balances();
        let def = Definition {
            dataset: "balances".into(),
            columns: vec![
                ColumnChoice {
                    key: "class".into(),
                    ..Default::default()
                },
                ColumnChoice {
                    key: "student".into(),
                    label: "Élève".into(),
                    format: "upper".into(),
                },
                ColumnChoice {
                    key: "balance".into(),
                    label: "Reste".into(),
                    format: "number".into(),
                },
            ],
            group_by: "class".into(),
            sort_by: "balance".into(),
            descending: true,
            ..Default::default()
        };
        assert!(def.validate().is_empty(), "{:?}", def.validate());
        let t = build(&tr(), &def, ds, rows);
        let heads: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(heads, ["Classe", "Élève", "Reste"]);
        let names: Vec<Cell> = t.rows.iter().map(|r| r[1].clone()).collect();
        // 6e A: Mensah (50 000 left) before Zozo (40 000), its subtotal, then 6e B.
        assert_eq!(names[0], Cell::Text("MENSAH AFI".into()));
        assert_eq!(names[1], Cell::Text("ZOZO AMA".into()));
        assert_eq!(t.rows[2][2], Cell::Int(90_000));
        assert_eq!(t.emphasized, [2, 4]);
        assert!(matches!(&t.rows[2][0], Cell::Text(s) if s.contains("6e A")));
        assert_eq!(names[3], Cell::Text("ABALO KOSSI".into()));
        assert_eq!(t.rows[4][2], Cell::Int(0));
        assert_eq!(t.totals.as_ref().unwrap()[2], Cell::Int(90_000));
        assert_eq!(t.totals.as_ref().unwrap()[0], Cell::Text("Total".into()));
    }

    #[test]
    fn bad_definitions_are_refused() {
        let mut def = Definition::of(datasets::find("students").unwrap());
        assert!(def.validate().is_empty());
        def.columns.push(ColumnChoice {
            key: "salary".into(),
            ..Default::default()
        });
        def.columns.push(ColumnChoice {
            key: "matricule".into(),
            format: "upper".into(),
            ..Default::default()
        });
        def.columns[0].format = "iso".into();
        def.sort_by = "nope".into();
        let errs: Vec<&str> = def.validate().iter().map(|e| e.1).collect();
        assert!(errs.contains(&"error-column-unknown"));
        assert!(errs.contains(&"error-column-twice"));
        assert!(errs.contains(&"error-column-format"));
        let averages = Definition::of(datasets::find("averages").unwrap());
        assert_eq!(
            averages.validate(),
            [("period_id", "error-period-required")]
        );
        assert_eq!(
            Definition {
                dataset: "x".into(),
                ..Default::default()
            }
            .validate(),
            [("dataset", "error-dataset")]
        );
    }
}
