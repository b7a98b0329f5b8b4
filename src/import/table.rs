//! Reading a table from what people upload: CSV as French Excel writes it (semicolons,
//! Windows-1252) or as anything else writes it (commas, UTF-8 with or without BOM), or the
//! first sheet of an XLSX workbook. Cells come out as trimmed text; dates typed as dates in
//! Excel come out as "AAAA-MM-JJ".

use std::io::Cursor;

/// A table: the header row and the data rows, each row as long as the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column titles as written.
    pub header: Vec<String>,
    /// Data rows with their line number in the file (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read; the catalog key of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Neither CSV text nor an XLSX workbook.
    #[error("import-error-format")]
    Format,
    /// No header, or no data rows.
    #[error("import-error-empty")]
    Empty,
}

impl ReadError {
    /// The catalog key.
    pub fn key(self) -> &'static str {
        match self {
            ReadError::Format => "import-error-format",
            ReadError::Empty => "import-error-empty",
        }
    }
}

/// Reads an uploaded file, by its content (an XLSX file is a ZIP archive) rather than its name.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(&decode(bytes))?
    };
    if table.header.iter().all(|h| h.is_empty()) || table.rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(table)
}

/// Text from UTF-8 (BOM dropped) or, failing that, Windows-1252 as French Excel saves CSV.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator of the header line: the most frequent of `;`, `,` and tab outside quotes.
fn sniff(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map(|c| c.0)
        .unwrap_or(b';')
}

fn read_csv(text: &str) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|_| ReadError::Format)?;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        // The header is line 1; a cell spanning lines would shift this, which schools' lists
        // do not have.
        let line = i + 1;
        if i == 0 {
            table.header = cells;
        } else if cells.iter().any(|c| !c.is_empty()) {
            table.rows.push((line, cells));
        }
    }
    pad(&mut table);
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ReadError::Format)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(ReadError::Empty)?
        .map_err(|_| ReadError::Format)?;
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            // Excel counts days from 30/12/1899 (its 1900 leap-year bug included).
            Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| {
                    base.checked_add_days(chrono::Days::new(dt.as_f64().max(0.0) as u64))
                })
                .map(|d| d.to_string())
                .unwrap_or_default(),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(_) => String::new(),
        }
    };
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell).collect();
        if i == 0 {
            table.header = cells;
        } else if cells.iter().any(|c| !c.is_empty()) {
            table.rows.push((start_row + i + 1, cells));
        }
    }
    pad(&mut table);
    Ok(table)
}

fn pad(t: &mut Table) {
    while t.header.last().is_some_and(|h| h.is_empty()) {
        t.header.pop();
    }
    let n = t.header.len();
    for (_, r) in t.rows.iter_mut() {
        r.resize(n.max(r.len()), String::new());
    }
}

/// A column title reduced for matching: no accents, no case, no punctuation.
pub fn key(title: &str) -> String {
    crate::domain::fold(title)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_excel_csv() {
        // "Élève;Prénoms" in Windows-1252, semicolons, CRLF, a quoted cell with a semicolon.
        let mut bytes =
            b"Nom;Pr\xe9noms;Classe\r\nAMEGAN;Kossi;6e A\r\n\"DE SOUZA; Jr\";Efoe;6e B\r\n;;\r\n"
                .to_vec();
        bytes.extend_from_slice(b"");
        let t = read(&bytes).unwrap();
        assert_eq!(t.header, ["Nom", "Prénoms", "Classe"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[1],
            (3, vec!["DE SOUZA; Jr".into(), "Efoe".into(), "6e B".into()])
        );
    }

    #[test]
    fn utf8_with_bom_and_commas() {
        let t = read("\u{feff}nom,prénoms\nAgbo,Afi\n".as_bytes()).unwrap();
        assert_eq!(t.header, ["nom", "prénoms"]);
        assert_eq!(t.rows, vec![(2, vec!["Agbo".into(), "Afi".into()])]);
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(read(b"nom;prenoms\n"), Err(ReadError::Empty));
        assert_eq!(read(b"PK\x03\x04garbage"), Err(ReadError::Format));
    }

    #[test]
    fn keys_ignore_accents_and_case() {
        assert_eq!(key("Prénom(s)"), "prenoms");
        assert_eq!(key("Date de naissance"), "datedenaissance");
    }
}
