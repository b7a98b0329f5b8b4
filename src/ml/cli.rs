//! `suku ml evaluate`: how well would prediction work on a school's own table of past
//! results? Any CSV (`;` or `,`, quoted or not, numbers with a decimal comma or point, text
//! columns taken as categories); the label is 1 when the target column reaches the pass
//! mark. Every model is cross-validated and one JSON object per line is printed per model,
//! the majority baseline last. A bad file gets its line and column in words, in the
//! language of `LANG`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use super::{Algorithm, TableError, TableErrorKind, cv};
use crate::i18n::{I18n, Locale, Tr};

/// The most data rows the command reads.
pub const MAX_ROWS: usize = 1_000_000;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum Action {
    /// Cross-validates every model on a table of past results and prints, per model, one
    /// line of JSON: {"model", "accuracy", "balanced_accuracy", "auc", "rows", "folds"}.
    Evaluate {
        /// The table (CSV, `;` or `,` separated).
        #[arg(long)]
        csv: PathBuf,
        /// The column holding the result (a number: 1 when it reaches the pass mark).
        #[arg(long)]
        target: String,
        #[arg(long, default_value_t = 10.0)]
        pass_mark: f64,
        /// Columns to leave out (an identifier, a name, a later result).
        #[arg(long, value_delimiter = ',')]
        drop: Vec<String>,
        #[arg(long, default_value_t = 10)]
        folds: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// The reader's language, from the environment.
fn translator() -> anyhow::Result<Tr> {
    let lang = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    let locale = Locale::parse(&lang).unwrap_or(Locale::Fr);
    Ok(Tr::new(Arc::new(I18n::load()?), locale))
}

/// A table error in words: "ligne 7, colonne « moyenne » : …".
pub fn message(t: &Tr, e: &TableError) -> String {
    let (key, args) = match &e.kind {
        TableErrorKind::NoTarget => ("ml-csv-no-target", json!({})),
        TableErrorKind::UnknownColumn => ("ml-csv-unknown-column", json!({})),
        TableErrorKind::RowLength { found, expected } => (
            "ml-csv-row-length",
            json!({ "found": found, "expected": expected }),
        ),
        TableErrorKind::TargetMissing => ("ml-csv-target-missing", json!({})),
        TableErrorKind::TargetNotNumber { value } => {
            ("ml-csv-target-not-number", json!({ "value": value }))
        }
        TableErrorKind::TooManyLevels { levels } => {
            ("ml-csv-too-many-levels", json!({ "levels": levels }))
        }
        TableErrorKind::NoFeatures => ("ml-csv-no-features", json!({})),
        TableErrorKind::TooFewRows { rows } => ("ml-csv-too-few-rows", json!({ "rows": rows })),
        TableErrorKind::OneClass => ("ml-csv-one-class", json!({})),
    };
    let what = t.tj(key, args);
    let column = e.column.clone().unwrap_or_default();
    match (e.line, e.column.is_some()) {
        (0, false) => what,
        (0, true) => t.tj(
            "ml-csv-at-column",
            json!({ "column": column, "what": what }),
        ),
        (line, false) => t.tj("ml-csv-at-line", json!({ "line": line, "what": what })),
        (line, true) => t.tj(
            "ml-csv-at",
            json!({ "line": line, "column": column, "what": what }),
        ),
    }
}

/// Runs the command: the JSON lines on standard output; an error in words.
pub fn run(action: &Action) -> anyhow::Result<()> {
    let Action::Evaluate {
        csv,
        target,
        pass_mark,
        drop,
        folds,
        seed,
    } = action;
    let t = translator()?;
    let bytes = std::fs::read(csv)
        .map_err(|e| anyhow::anyhow!("{}", t.t1("ml-csv-unreadable", "error", e)))?;
    let table = crate::import::table::read_csv_file(&bytes, MAX_ROWS)
        .map_err(|e| anyhow::anyhow!("{}", e.message(&t)))?;
    let data = super::from_table(&table.header, &table.rows, target, *pass_mark, drop)
        .map_err(|e| anyhow::anyhow!("{}", message(&t, &e)))?;
    let fold_of = cv::group_folds(&data.groups, *folds, *seed).map_err(|e| anyhow::anyhow!(e))?;
    let k = fold_of.iter().max().map_or(0, |m| m + 1);
    let mut out = std::io::stdout().lock();
    let mut line = |e: &cv::Evaluation| -> anyhow::Result<()> {
        writeln!(
            out,
            "{}",
            json!({
                "model": e.model,
                "accuracy": e.accuracy,
                "balanced_accuracy": e.balanced_accuracy,
                "auc": e.auc,
                "rows": e.rows,
                "folds": e.folds,
            })
        )?;
        Ok(())
    };
    for alg in Algorithm::ALL {
        let e = cv::cross_validate(alg, &data, &fold_of, *seed, &mut || {})
            .map_err(|e| anyhow::anyhow!(e))?;
        line(&e)?;
    }
    let baseline = cv::majority(&data, &fold_of);
    line(&baseline)?;
    debug_assert_eq!(baseline.folds, k);
    Ok(())
}
