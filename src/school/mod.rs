//! The school's structure and people: years, levels, classes, students, guardians, staff,
//! enrollments and teaching assignments. Other features read them through these functions.

pub mod repo;
pub use repo::rooms;

pub use repo::*;

/// A class list as a table to export: the same students, in the same order, as the class's
/// pages.
pub fn roster_table(
    t: &crate::i18n::Tr,
    class: &ClassRow,
    students: &[StudentRow],
) -> crate::export::Table {
    use crate::export::{Cell, Table};
    let mut table = Table::new(
        t.t1("class-list-title", "class", &class.name),
        [
            t.t("number-short"),
            t.t("matricule"),
            t.t("name"),
            t.t("sex"),
            t.t("birth-date"),
            t.t("birth-place"),
        ],
    );
    table.subtitle = match &class.head_teacher {
        Some(h) => format!("{}{}{h}", t.t("head-teacher"), t.t("colon")),
        None => String::new(),
    };
    for (i, s) in students.iter().enumerate() {
        table.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(s.matricule.clone()),
            Cell::Text(s.list_name()),
            Cell::Text(s.sex.clone()),
            s.birth_date.map(Cell::Date).unwrap_or(Cell::Empty),
            s.birth_place.clone().map(Cell::Text).unwrap_or(Cell::Empty),
        ]);
    }
    table
}
