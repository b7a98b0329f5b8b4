//! A table as the portal shows it, written out as CSV, Excel or PDF. A list page builds one
//! `Table` from the very rows it shows, so that an export says what the screen says.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format as XlsxFormat, FormatAlign, Workbook, XlsxError};
use serde_json::json;

use crate::i18n::Tr;

/// One value, typed: numbers stay numbers and dates stay dates in a spreadsheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A whole number.
    Int(i64),
    /// An amount in francs CFA.
    Xof(i64),
    /// A mark or an average in hundredths (1250 is 12,50).
    Hundredths(i64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

impl Cell {
    /// Hundredths when there are some.
    pub fn hundredths(v: Option<i64>) -> Cell {
        v.map(Cell::Hundredths).unwrap_or(Cell::Empty)
    }

    /// A number (shown right-aligned).
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Xof(_) | Cell::Hundredths(_))
    }

    /// The cell as the screen writes it, in the reader's language.
    pub fn display(&self, t: &Tr) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => t.int(*n),
            Cell::Xof(n) => t.xof(*n),
            Cell::Hundredths(n) => t.hundredths(Some(*n)),
            Cell::Date(d) => t.date(d),
            Cell::DateTime(d) => t.datetime(d),
        }
    }

    /// The cell in a CSV file: plain digits (no grouping, no currency), the decimal mark of
    /// the file's convention, dates the way the convention writes them.
    fn csv(&self, sep: Separator) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => inert(s),
            Cell::Int(n) | Cell::Xof(n) => n.to_string(),
            Cell::Hundredths(n) => {
                let s = format!("{}.{:02}", n / 100, (n % 100).abs());
                let s = if *n < 0 && *n > -100 {
                    format!("-{s}")
                } else {
                    s
                };
                match sep {
                    Separator::Semicolon => s.replace('.', ","),
                    Separator::Comma => s,
                }
            }
            Cell::Date(d) => match sep {
                Separator::Semicolon => d.format("%d/%m/%Y").to_string(),
                Separator::Comma => d.format("%Y-%m-%d").to_string(),
            },
            Cell::DateTime(d) => match sep {
                Separator::Semicolon => d.format("%d/%m/%Y %H:%M").to_string(),
                Separator::Comma => d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            },
        }
    }
}

/// A text as a spreadsheet will not run it: one that starts like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, as OWASP advises for CSV files. A
/// parent's justification `=HYPERLINK(…)` must reach the bursar's Excel as text, not as a
/// live link. Numbers are typed cells and never go through here.
pub fn inert(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A column: its heading.
#[derive(Clone, Debug)]
pub struct Column {
    /// The heading, in the reader's language.
    pub label: String,
}

/// A table: a title, headings and rows of typed cells.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// What it is ("Impayés au 24/11/2026"): the sheet's and the PDF's title.
    pub title: String,
    /// A line under the title (the class, the period, the filters).
    pub subtitle: String,
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// A last line of totals, if the screen shows one.
    pub totals: Option<Vec<Cell>>,
    /// Rows to set in bold (subtotals), by index.
    pub emphasized: Vec<usize>,
}

/// How CSV fields are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    /// `;`, decimal comma, with a byte-order mark: what Excel in French opens correctly.
    Semicolon,
    /// `,`, decimal point, no mark: for other programs.
    Comma,
}

/// Page orientation of a PDF table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Portrait,
    /// Landscape, for wide tables.
    Landscape,
}

/// What frames a PDF table.
#[derive(Clone, Debug, Default)]
pub struct PdfFrame {
    /// The school's name and city, at the top of each page.
    pub school: String,
    /// A text over the table.
    pub header: String,
    /// A text at the foot of each page.
    pub footer: String,
    pub orientation: Orientation,
    /// The school's logo, when it has one.
    pub logo: Option<Vec<u8>>,
}

impl Table {
    /// A table with these headings.
    pub fn new(title: impl Into<String>, columns: impl IntoIterator<Item = String>) -> Self {
        Table {
            title: title.into(),
            columns: columns.into_iter().map(|label| Column { label }).collect(),
            ..Default::default()
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// The table as CSV, UTF-8.
    pub fn to_csv(&self, sep: Separator) -> Vec<u8> {
        let mut out = Vec::new();
        if sep == Separator::Semicolon {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(match sep {
                    Separator::Semicolon => b';',
                    Separator::Comma => b',',
                })
                .from_writer(&mut out);
            // Writing to memory cannot fail.
            let _ = w.write_record(self.columns.iter().map(|c| inert(&c.label)));
            for row in self.rows.iter().chain(self.totals.iter()) {
                let _ = w.write_record(row.iter().map(|c| c.csv(sep)));
            }
            let _ = w.flush();
        }
        out
    }

    /// The table as an Excel workbook: typed cells, FCFA amounts, frozen headings, filters.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&self.title))?;
        let head = XlsxFormat::new()
            .set_bold()
            .set_background_color("E8EEF4")
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let xof = XlsxFormat::new().set_num_format("#,##0 \"FCFA\"");
        let hundredths = XlsxFormat::new().set_num_format("0.00");
        let date = XlsxFormat::new().set_num_format("dd/mm/yyyy");
        let datetime = XlsxFormat::new().set_num_format("dd/mm/yyyy hh:mm");
        let bold = XlsxFormat::new().set_bold();
        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .map(|c| c.label.chars().count().min(24))
            .collect();
        for (col, c) in self.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, &c.label, &head)?;
        }
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r, self.emphasized.contains(&i)));
        let rows = rows.chain(self.totals.iter().map(|r| (r, true)));
        for (i, (row, total)) in rows.enumerate() {
            let r = i as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                let c = col as u16;
                let width = match cell {
                    Cell::Empty => 0,
                    Cell::Text(s) => {
                        if total {
                            sheet.write_string_with_format(r, c, s, &bold)?;
                        } else {
                            sheet.write_string(r, c, s)?;
                        }
                        s.chars().count()
                    }
                    Cell::Int(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                        n.to_string().len()
                    }
                    Cell::Xof(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &xof)?;
                        n.to_string().len() + 7
                    }
                    Cell::Hundredths(n) => {
                        sheet.write_number_with_format(r, c, *n as f64 / 100.0, &hundredths)?;
                        6
                    }
                    Cell::Date(d) => {
                        sheet.write_datetime_with_format(r, c, &excel_date(d)?, &date)?;
                        10
                    }
                    Cell::DateTime(d) => {
                        let t = d.time();
                        let at = excel_date(&d.date_naive())?.and_hms(
                            t.hour() as u16,
                            t.minute() as u8,
                            t.second() as f64,
                        )?;
                        sheet.write_datetime_with_format(r, c, &at, &datetime)?;
                        16
                    }
                };
                if let Some(w) = widths.get_mut(col) {
                    *w = (*w).max(width);
                }
            }
        }
        for (col, w) in widths.iter().enumerate() {
            sheet.set_column_width(col as u16, (*w).clamp(6, 50) as f64 + 2.0)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if !self.columns.is_empty() {
            sheet.autofilter(0, 0, self.rows.len() as u32, self.columns.len() as u16 - 1)?;
        }
        book.save_to_buffer()
    }

    /// The data the PDF table template is given (documented in `export/typ/table.typ`).
    pub fn pdf_data(&self, t: &Tr, frame: &PdfFrame) -> serde_json::Value {
        let align: Vec<&str> = (0..self.columns.len())
            .map(|i| {
                let numeric = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .find(|c| **c != Cell::Empty)
                    .is_some_and(Cell::is_number);
                if numeric { "right" } else { "left" }
            })
            .collect();
        let show = |row: &Vec<Cell>| row.iter().map(|c| c.display(t)).collect::<Vec<_>>();
        json!({
            "title": self.title,
            "subtitle": self.subtitle,
            "school": frame.school,
            "header": frame.header,
            "footer": frame.footer,
            "landscape": frame.orientation == Orientation::Landscape,
            "logo": frame.logo.is_some(),
            "lang": t.locale.code(),
            "columns": self.columns.iter().zip(align).map(|(c, a)| json!({ "label": c.label, "align": a })).collect::<Vec<_>>(),
            "rows": self.rows.iter().map(show).collect::<Vec<_>>(),
            "totals": self.totals.as_ref().map(show),
            "strong": self.emphasized,
            // The count says the same as a subtitle; only when there is none.
            "count": if self.subtitle.is_empty() { t.tn("export-row-count", "count", self.rows.len() as i64) } else { String::new() },
            "page": t.t("export-page"),
        })
    }

    /// The table as a PDF document.
    pub fn to_pdf(&self, t: &Tr, frame: &PdfFrame) -> Result<Vec<u8>, super::pdf::TemplateError> {
        let data = self.pdf_data(t, frame);
        let assets = frame
            .logo
            .iter()
            .map(|b| super::pdf::Asset {
                path: "/logo".into(),
                bytes: b.clone(),
            })
            .collect();
        super::pdf::render(super::templates::TABLE, &data, assets)
    }
}

fn excel_date(d: &NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    let clean = clean.trim().trim_matches('\'').to_owned();
    if clean.is_empty() {
        "Suku".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(
            "Impayés : 6e A",
            [
                "Élève".to_string(),
                "Dû".into(),
                "Moyenne".into(),
                "Échéance".into(),
            ],
        );
        t.push(vec![
            "AGBEKO Kossi".into(),
            Cell::Xof(125_000),
            Cell::Hundredths(1250),
            Cell::Date(NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()),
        ]);
        t.push(vec![
            "DOE \"Jo\"; Ama".into(),
            Cell::Xof(0),
            Cell::Empty,
            Cell::Date(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()),
        ]);
        t
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let mut t = Table::new("t", vec!["=cmd|' /C calc'!A0".to_string()]);
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "ok",
        ] {
            t.rows.push(vec![Cell::Text(text.into())]);
        }
        t.rows.push(vec![Cell::Int(-3)]);
        for sep in [Separator::Semicolon, Separator::Comma] {
            let bytes = t.to_csv(sep);
            let text = String::from_utf8(bytes).unwrap();
            let mut r = csv::ReaderBuilder::new()
                .delimiter(if sep == Separator::Semicolon {
                    b';'
                } else {
                    b','
                })
                .has_headers(false)
                .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
            let cells: Vec<String> = r.records().map(|x| x.unwrap()[0].to_owned()).collect();
            assert_eq!(cells[0], "'=cmd|' /C calc'!A0");
            assert_eq!(cells[1], "'=HYPERLINK(\"http://x\",\"y\")");
            for c in &cells[2..7] {
                assert!(c.starts_with('\''), "{c:?}");
            }
            assert_eq!(cells[7], "ok");
            assert_eq!(cells[8], "-3", "numbers stay numbers");
        }
    }

    #[test]
    fn csv_reads_back_in_both_conventions() {
        let t = sample();
        let bytes = t.to_csv(Separator::Semicolon);
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&bytes[3..]);
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows[0], ["AGBEKO Kossi", "125000", "12,50", "15/10/2026"]);
        assert_eq!(rows[1], ["DOE \"Jo\"; Ama", "0", "", "05/01/2027"]);
        let bytes = t.to_csv(Separator::Comma);
        assert!(!bytes.starts_with("\u{feff}".as_bytes()));
        let mut r = csv::Reader::from_reader(&bytes[..]);
        let head: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(head, ["Élève", "Dû", "Moyenne", "Échéance"]);
        let first: Vec<String> = r
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(first, ["AGBEKO Kossi", "125000", "12.50", "2026-10-15"]);
    }

    #[test]
    fn xlsx_keeps_types() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = sample().to_xlsx().unwrap();
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Impayés - 6e A"]);
        let range = book.worksheet_range("Impayés - 6e A").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("Élève".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(125_000.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(12.5)));
        match range.get((1, 3)) {
            Some(Data::DateTime(d)) => assert_eq!(
                d.as_datetime().unwrap().date(),
                NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()
            ),
            other => panic!("not a date: {other:?}"),
        }
        assert_eq!(range.get((2, 2)), Some(&Data::Empty));
        assert_eq!(
            range.get((2, 0)),
            Some(&Data::String("DOE \"Jo\"; Ama".into()))
        );
    }

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name("a/b:c"), "a-b-c");
        assert_eq!(sheet_name(""), "Suku");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}
