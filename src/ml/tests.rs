//! Tests of the machine-learning core: table reading, metrics, folds, calibration, and the
//! two models on synthetic data with a planted signal.

use super::dataset::{TableError, TableErrorKind, from_table, is_missing, parse_number};
use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A header and rows numbered from line 2, as a CSV reader would give them.
fn table(header: &[&str], rows: &[Vec<&str>]) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 2, strings(r)))
        .collect();
    (strings(header), rows)
}

fn err(line: usize, column: Option<&str>, kind: TableErrorKind) -> TableError {
    TableError {
        line,
        column: column.map(str::to_string),
        kind,
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller.
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// 12 rows: a numeric column with every number format and missing marker, a numeric column,
/// a categorical column, an identifier-like comment column and the final mark.
fn school_table() -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    let moyennes = [
        "12,5",
        "1 234,5",
        "1\u{a0}234,5",
        "+8",
        "-3.5",
        "NA",
        "N/A",
        "n/a",
        "-",
        "?",
        "null",
        "",
    ];
    let filieres = ["S", "L", "S", "ES", "", "L", "S", "ES", "S", "L", "NA", "S"];
    let notes = [
        "12", "9,5", "8", "10", "15", "4", "11", "9.99", "13", "7", "10,0", "2",
    ];
    let rows: Vec<Vec<String>> = (0..12)
        .map(|i| {
            vec![
                moyennes[i].to_string(),
                format!(" {} ", i * 2),
                filieres[i].to_string(),
                format!("élève {i}"),
                notes[i].to_string(),
            ]
        })
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    table(
        &[
            "Moyenne T1",
            " Absences",
            "Filière",
            "Commentaire",
            "Note finale",
        ],
        &rows,
    )
}

#[test]
fn parse_number_reads_french_and_english_numbers() {
    assert_eq!(parse_number("12.5"), Some(12.5));
    assert_eq!(parse_number(" 12,5 "), Some(12.5));
    assert_eq!(parse_number("1 234,5"), Some(1234.5));
    assert_eq!(parse_number("1\u{a0}234,5"), Some(1234.5));
    assert_eq!(parse_number("12 345 678"), Some(12_345_678.0));
    assert_eq!(parse_number("+3"), Some(3.0));
    assert_eq!(parse_number("-3,25"), Some(-3.25));
    assert_eq!(parse_number(",5"), Some(0.5));
    for bad in [
        "12 5", "1,2,3", "1.234,5", "abc", "inf", "NaN", "1e3", "+", "12a", "- 5",
    ] {
        assert_eq!(parse_number(bad), None, "{bad}");
    }
    for missing in ["", "  ", "NA", "N/A", "n/a", "-", "?", "null", "NULL"] {
        assert!(is_missing(missing), "{missing}");
        assert_eq!(parse_number(missing), None);
    }
    assert!(!is_missing("0"));
}

#[test]
fn from_table_detects_kinds_and_values() {
    let (header, rows) = school_table();
    let drop = strings(&["  commentaire "]);
    let data = from_table(&header, &rows, " note FINALE", 10.0, &drop).unwrap();
    data.check().unwrap();
    let names: Vec<&str> = data.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Moyenne T1", "Absences", "Filière"]);
    assert_eq!(data.features[0].kind, Kind::Numeric);
    assert_eq!(data.features[1].kind, Kind::Numeric);
    let levels = strings(&["S", "L", "ES"]);
    assert_eq!(data.features[2].kind, Kind::Categorical { levels });
    let col0: Vec<f64> = data.x.iter().map(|r| r[0]).collect();
    assert_eq!(&col0[..5], &[12.5, 1234.5, 1234.5, 8.0, -3.5]);
    assert!(col0[5..].iter().all(|v| v.is_nan()));
    assert_eq!(data.x[3][1], 6.0);
    let col2: Vec<f64> = data.x.iter().map(|r| r[2]).collect();
    assert_eq!(&col2[..4], &[0.0, 1.0, 0.0, 2.0]);
    assert!(col2[4].is_nan() && col2[10].is_nan());
    let y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
    assert_eq!(data.y, y);
    assert_eq!(data.groups, (0..12).collect::<Vec<u64>>());
    assert_eq!(data.rows(), 12);
}

#[test]
fn from_table_mixed_column_is_categorical_and_short_rows_are_missing() {
    let mut rows: Vec<Vec<&str>> = (0..12)
        .map(|i| vec![["1", "2", "A"][i % 3], if i % 2 == 0 { "15" } else { "5" }])
        .collect();
    rows[0] = vec!["1", "15", "", " "]; // trailing empty cells are fine
    let (header, mut rows) = table(&["Groupe", "Note"], &rows);
    rows.push((14, strings(&[]))); // a short row: its target is missing
    let e = from_table(&header, &rows, "note", 10.0, &[]).unwrap_err();
    assert_eq!(e, err(14, Some("Note"), TableErrorKind::TargetMissing));
    rows.pop();
    let data = from_table(&header, &rows, "note", 10.0, &[]).unwrap();
    let levels = strings(&["1", "2", "A"]);
    assert_eq!(data.features[0].kind, Kind::Categorical { levels });
    assert_eq!(data.x[2][0], 2.0);

    let (header, rows) = table(
        &["A", "B", "Note"],
        &(0..12)
            .map(|i| {
                if i == 3 {
                    vec!["1"]
                } else {
                    vec!["1", "2", ["5", "15"][i % 2]]
                }
            })
            .collect::<Vec<_>>(),
    );
    let e = from_table(&header, &rows, "Note", 10.0, &[]).unwrap_err();
    assert_eq!(e, err(5, Some("Note"), TableErrorKind::TargetMissing));
}

#[test]
fn from_table_reports_each_error_with_line_and_column() {
    let (header, rows) = school_table();
    let drop = strings(&["Commentaire"]);
    let e = from_table(&header, &rows, "Note", 10.0, &drop).unwrap_err();
    assert_eq!(e, err(1, Some("Note"), TableErrorKind::NoTarget));
    let e = from_table(&header, &rows, "Note finale", 10.0, &strings(&["Foo "])).unwrap_err();
    assert_eq!(e, err(1, Some("Foo"), TableErrorKind::UnknownColumn));
    // The comment column names every row: an identifier.
    let e = from_table(&header, &rows, "Note finale", 10.0, &[]).unwrap_err();
    let kind = TableErrorKind::TooManyLevels { levels: 12 };
    assert_eq!(e, err(1, Some("Commentaire"), kind));
    let all = strings(&["moyenne t1", "absences", "filière", "commentaire"]);
    let e = from_table(&header, &rows, "Note finale", 10.0, &all).unwrap_err();
    assert_eq!(e, err(1, None, TableErrorKind::NoFeatures));
    let e = from_table(&header, &rows[..9], "Note finale", 10.0, &drop).unwrap_err();
    assert_eq!(e.kind, TableErrorKind::TooFewRows { rows: 9 });
    let e = from_table(&header, &rows, "Note finale", 0.0, &drop).unwrap_err();
    assert_eq!(e, err(0, Some("Note finale"), TableErrorKind::OneClass));

    let mut long = rows.clone();
    long[3].1.push("extra".to_string());
    let e = from_table(&header, &long, "Note finale", 10.0, &drop).unwrap_err();
    let kind = TableErrorKind::RowLength {
        found: 6,
        expected: 5,
    };
    assert_eq!(e, err(5, None, kind));
    let mut bad = rows.clone();
    bad[6].1[4] = " ".to_string();
    let e = from_table(&header, &bad, "Note finale", 10.0, &drop).unwrap_err();
    assert_eq!(
        e,
        err(8, Some("Note finale"), TableErrorKind::TargetMissing)
    );
    bad[6].1[4] = "abs".to_string();
    let e = from_table(&header, &bad, "Note finale", 10.0, &drop).unwrap_err();
    let kind = TableErrorKind::TargetNotNumber {
        value: "abs".to_string(),
    };
    assert_eq!(e, err(8, Some("Note finale"), kind));

    // More than 50 levels, fewer than the rows.
    let rows: Vec<Vec<String>> = (0..60)
        .map(|i| vec![format!("c{}", i % 51), ["5", "15"][i % 2].to_string()])
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let (header, rows) = table(&["Classe", "Note"], &rows);
    let e = from_table(&header, &rows, "Note", 10.0, &[]).unwrap_err();
    assert_eq!(
        e,
        err(
            1,
            Some("Classe"),
            TableErrorKind::TooManyLevels { levels: 51 }
        )
    );
}

#[test]
fn check_rejects_inconsistent_data() {
    let features = vec![Feature {
        name: "f".into(),
        kind: Kind::Categorical {
            levels: strings(&["a", "b"]),
        },
    }];
    let ok = Dataset {
        features,
        x: vec![vec![0.0], vec![1.0], vec![f64::NAN]],
        y: vec![0.0, 1.0, 1.0],
        groups: vec![0, 1, 2],
    };
    assert!(ok.check().is_ok());
    let mut bad = ok.clone();
    bad.y[0] = 2.0;
    assert!(bad.check().is_err());
    let mut bad = ok.clone();
    bad.x[0][0] = 2.0; // no third level
    assert!(bad.check().is_err());
    let mut bad = ok.clone();
    bad.groups.pop();
    assert!(bad.check().is_err());
    let mut bad = ok;
    bad.x[1].push(1.0);
    assert!(bad.check().is_err());
}

#[test]
fn metrics_match_hand_computations() {
    // Positives score 0.4 and 0.8, negatives 0.1 and 0.4: pairs won 1 + 0.5 + 1 + 1 of 4.
    let y = [0.0, 0.0, 1.0, 1.0];
    assert_eq!(metrics::auc(&[0.1, 0.4, 0.4, 0.8], &y), 0.875);
    assert_eq!(metrics::auc(&[0.8, 0.4, 0.4, 0.1], &y), 0.125);
    assert_eq!(metrics::auc(&[0.3; 4], &y), 0.5);
    assert_eq!(metrics::auc(&[0.1, 0.9], &[1.0, 1.0]), 0.5);

    let p = [0.9, 0.2, 0.6, 0.3, 0.7];
    let y = [1.0, 1.0, 0.0, 0.0, 1.0];
    assert_eq!(metrics::confusion(&p, &y), [[1, 1], [1, 2]]);
    assert_eq!(metrics::accuracy(&p, &y), 0.6);
    let ba = metrics::balanced_accuracy(&p, &y);
    assert!((ba - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
    // One class absent: the other class's rate.
    assert_eq!(
        metrics::balanced_accuracy(&[0.9, 0.2, 0.6], &[1.0; 3]),
        2.0 / 3.0
    );
    assert_eq!(metrics::balanced_accuracy(&[0.9, 0.2], &[0.0; 2]), 0.5);
    assert_eq!(metrics::accuracy(&[], &[]), 0.0);

    let bins = metrics::reliability(
        &[0.05, 0.08, 0.95, 1.0, f64::NAN],
        &[0.0, 1.0, 1.0, 1.0, 0.0],
    );
    assert_eq!(bins.len(), 2);
    assert_eq!((bins[0].lower, bins[0].upper, bins[0].count), (0.0, 0.1, 2));
    assert!((bins[0].predicted - 0.065).abs() < 1e-12);
    assert_eq!(bins[0].observed, 0.5);
    assert_eq!((bins[1].lower, bins[1].upper, bins[1].count), (0.9, 1.0, 2));
    assert!((bins[1].predicted - 0.975).abs() < 1e-12);
    assert_eq!(bins[1].observed, 1.0);
}

/// Whether every group's rows are all in one fold.
fn groups_intact(groups: &[u64], folds: &[usize]) -> bool {
    let mut seen = std::collections::HashMap::new();
    groups
        .iter()
        .zip(folds)
        .all(|(g, &f)| *seen.entry(*g).or_insert(f) == f)
}

#[test]
fn group_folds_keep_students_together() {
    // 120 students with 1 to 4 school years each, their rows next to each other.
    let groups: Vec<u64> = (0..120u64)
        .flat_map(|s| std::iter::repeat_n(1000 + s, (s % 4 + 1) as usize))
        .collect();
    let k = 5;
    let naive: Vec<usize> = (0..groups.len()).map(|i| i % k).collect();
    assert!(
        !groups_intact(&groups, &naive),
        "the check must be able to fail"
    );

    let folds = cv::group_folds(&groups, k, 42).unwrap();
    assert_eq!(folds.len(), groups.len());
    assert!(groups_intact(&groups, &folds));
    let mut sizes = [0usize; 5];
    for &f in &folds {
        sizes[f] += 1;
    }
    assert!(sizes.iter().all(|&s| s > 0), "{sizes:?}");
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 4);
    assert_eq!(cv::group_folds(&groups, k, 42).unwrap(), folds);
    assert_ne!(cv::group_folds(&groups, k, 43).unwrap(), folds);

    // k is clamped to the number of groups and to at least 2.
    let few = [7, 7, 8, 9];
    let f = cv::group_folds(&few, 10, 1).unwrap();
    assert_eq!(f.iter().max(), Some(&2));
    assert!(groups_intact(&few, &f));
    assert_eq!(cv::group_folds(&few, 0, 1).unwrap().iter().max(), Some(&1));
    assert!(cv::group_folds(&[5, 5, 5], 3, 1).is_err());
    assert!(cv::group_folds(&[], 3, 1).is_err());
}

#[test]
fn platt_tempers_overconfident_predictions() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (mut p, mut y) = (Vec::new(), Vec::new());
    for _ in 0..5000 {
        let q: f64 = rng.random_range(0.05..0.95);
        let raw = logistic::sigmoid(3.0 * (q / (1.0 - q)).ln());
        p.push(raw);
        y.push(if rng.random::<f64>() < q { 1.0 } else { 0.0 });
    }
    let platt = Platt::fit(&p, &y);
    assert!(platt.a > 0.2 && platt.a < 0.5, "{platt:?}");
    assert!(platt.b.abs() < 0.2, "{platt:?}");
    let calibrated: Vec<f64> = p.iter().map(|&v| platt.apply(v)).collect();
    let error = |p: &[f64]| {
        let bins = metrics::reliability(p, &y);
        bins.iter()
            .map(|b| b.count as f64 * (b.predicted - b.observed).abs())
            .sum::<f64>()
            / p.len() as f64
    };
    assert!(error(&calibrated) < error(&p) / 2.0);
    assert!(platt.apply(0.99) < 0.9 && platt.apply(0.01) > 0.1);
    assert_eq!(Platt::fit(&[], &[]), Platt::IDENTITY);
    assert!((Platt::IDENTITY.apply(0.3) - 0.3).abs() < 1e-12);
}

#[test]
fn reasons_lists_the_most_negative_contributions() {
    let c = [0.5, -0.2, -1.0, 0.0, -0.2, f64::NAN];
    assert_eq!(reasons(&c, 2), vec![(2, -1.0), (1, -0.2)]);
    assert_eq!(reasons(&c, 10), vec![(2, -1.0), (1, -0.2), (4, -0.2)]);
    assert!(reasons(&[1.0, 2.0], 3).is_empty());
    assert!(reasons(&c, 0).is_empty());
}

#[test]
fn algorithm_names_round_trip() {
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
    }
    assert_eq!(
        Algorithm::from_name(" Gradient_Boosting "),
        Some(Algorithm::Boosted)
    );
    assert_eq!(Algorithm::from_name("forest"), None);
}

/// Synthetic school data: the pass label follows "moyenne_t1" plus noise; four numeric
/// features and one categorical feature are pure noise; 3 % of values are missing.
fn synthetic(n: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut features = vec![Feature {
        name: "moyenne_t1".into(),
        kind: Kind::Numeric,
    }];
    for i in 1..=4 {
        features.push(Feature {
            name: format!("bruit_{i}"),
            kind: Kind::Numeric,
        });
    }
    features.push(Feature {
        name: "option".into(),
        kind: Kind::Categorical {
            levels: strings(&["latin", "grec", "aucune"]),
        },
    });
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let m = 10.0 + 3.0 * normal(&mut rng);
        y.push(if m + normal(&mut rng) >= 9.5 {
            1.0
        } else {
            0.0
        });
        let mut row = vec![m];
        for _ in 0..4 {
            row.push(normal(&mut rng));
        }
        row.push(rng.random_range(0..3) as f64);
        for v in &mut row {
            if rng.random::<f64>() < 0.03 {
                *v = f64::NAN;
            }
        }
        x.push(row);
    }
    let groups = (0..n as u64).collect();
    Dataset {
        features,
        x,
        y,
        groups,
    }
}

#[test]
fn both_algorithms_find_the_planted_signal() {
    let data = synthetic(1500, 11);
    for alg in Algorithm::ALL {
        let mut calls = Vec::new();
        let trained = train(&data, &[alg], 5, 3, &mut |d, t| calls.push((d, t))).unwrap();
        assert_eq!(calls.len(), 6);
        assert_eq!(calls.last(), Some(&(6, 6)));
        assert_eq!(trained.model.algorithm(), alg);
        let ev = trained.chosen();
        assert_eq!(ev.model, alg.name());
        assert_eq!((ev.rows, ev.folds, ev.oof.len()), (1500, 5, 1500));
        assert!(ev.auc > 0.85, "{alg:?} {ev:?}");
        assert!(
            ev.accuracy > trained.baseline.accuracy + 0.1,
            "{alg:?} {ev:?}"
        );
        assert!(ev.balanced_accuracy > 0.75, "{alg:?} {ev:?}");
        assert_eq!(trained.baseline.model, cv::BASELINE);
        assert!((trained.baseline.auc - 0.5).abs() < 0.1);

        let weak = vec![vec![5.0, 0.0, 0.0, 0.0, 0.0, 0.0]];
        let c = trained.model.contributions(&weak);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), 6);
        let r = reasons(&c[0], 3);
        assert_eq!(r.first().map(|r| r.0), Some(0), "{alg:?} {c:?}");
        let p = trained.predict(&weak)[0];
        assert!(p < 0.2, "{alg:?} {p}");
        let strong = trained.predict(&[vec![15.0, 0.0, 0.0, 0.0, 0.0, 0.0]])[0];
        assert!(strong > 0.8, "{alg:?} {strong}");
    }
}

#[test]
fn train_compares_algorithms_and_picks_by_auc() {
    let data = synthetic(600, 21);
    let mut last = (0, 0);
    let both = [Algorithm::Boosted, Algorithm::Logistic, Algorithm::Boosted];
    let trained = train(&data, &both, 4, 9, &mut |d, t| last = (d, t)).unwrap();
    assert_eq!(last, (9, 9));
    assert_eq!(trained.evaluations.len(), 2);
    let best = trained
        .evaluations
        .iter()
        .map(|e| e.auc)
        .fold(f64::MIN, f64::max);
    assert_eq!(trained.chosen().auc, best);
    // Same seed, same result.
    let again = train(&data, &both, 4, 9, &mut |_, _| {}).unwrap();
    assert_eq!(again.evaluations, trained.evaluations);
    let x = &data.x[..20];
    assert_eq!(again.predict(x), trained.predict(x));
}

#[test]
fn trained_round_trips_through_json() {
    let data = synthetic(400, 31);
    for alg in Algorithm::ALL {
        let trained = train(&data, &[alg], 3, 1, &mut |_, _| {}).unwrap();
        let json = serde_json::to_string(&trained).unwrap();
        let back: Trained = serde_json::from_str(&json).unwrap();
        assert_eq!(back.model.algorithm(), alg);
        assert_eq!(back.features, trained.features);
        assert_eq!(back.calibration, trained.calibration);
        assert!(back.chosen().oof.is_empty());
        assert_eq!(back.chosen().auc, trained.chosen().auc);
        let mut rows = data.x[..50].to_vec();
        rows.push(vec![f64::NAN; 6]);
        rows.push(vec![1.0]); // short row: the rest is missing
        rows.push(vec![12.0, 0.0, 0.0, 0.0, 0.0, 7.0]); // unknown level
        let before = trained.predict(&rows);
        assert!(
            before
                .iter()
                .all(|p| p.is_finite() && (0.0..=1.0).contains(p))
        );
        assert_eq!(back.predict(&rows), before);
        let contributions = back.model.contributions(&rows);
        assert_eq!(contributions, trained.model.contributions(&rows));
    }
}

#[test]
fn logistic_survives_duplicate_columns_and_no_penalty() {
    let mut data = synthetic(200, 41);
    data.features.push(Feature {
        name: "copie".into(),
        kind: Kind::Numeric,
    });
    for row in &mut data.x {
        let v = row[0];
        row.push(v);
    }
    let rows: Vec<usize> = (0..200).collect();
    let m = logistic::Logistic::fit(&data, &rows, 0.0).unwrap();
    let p = m.predict(&data.x[0]);
    assert!(p.is_finite());
    assert!(logistic::Logistic::fit(&data, &[], 1.0).is_err());
    assert!(logistic::Logistic::fit(&data, &[500], 1.0).is_err());
    let passed: Vec<usize> = rows.iter().copied().filter(|&r| data.y[r] == 1.0).collect();
    assert!(boosted::Boosted::fit(&data, &passed, 0.5, 1).is_err());
    assert!(boosted::Boosted::fit(&data, &rows, 0.5, 1).is_ok());
}

#[test]
fn a_categorical_signal_is_credited_to_its_feature() {
    // Level 2 of "option" fails most of the time; the other features are noise.
    let mut data = synthetic(800, 51);
    let mut rng = ChaCha8Rng::seed_from_u64(52);
    for (row, y) in data.x.iter_mut().zip(&mut data.y) {
        row[0] = normal(&mut rng);
        let bad = row[5] == 2.0;
        *y = if rng.random::<f64>() < if bad { 0.1 } else { 0.9 } {
            1.0
        } else {
            0.0
        };
    }
    let rows: Vec<usize> = (0..800).collect();
    for alg in Algorithm::ALL {
        let model = Model::fit(alg, &data, &rows, 1).unwrap();
        let x = vec![
            vec![0.0, 0.0, 0.0, 0.0, 0.0, 2.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ];
        let p = model.predict(&x);
        assert!(p[0] < 0.3 && p[1] > 0.7, "{alg:?} {p:?}");
        let c = model.contributions(&x);
        assert_eq!(
            reasons(&c[0], 1).first().map(|r| r.0),
            Some(5),
            "{alg:?} {c:?}"
        );
    }
}

#[test]
fn tiny_and_degenerate_columns_do_not_break_the_models() {
    let mut data = synthetic(12, 61);
    for (i, row) in data.x.iter_mut().enumerate() {
        row[1] = f64::NAN; // never observed
        row[2] = 3.0; // constant
        data.y[i] = (i % 2) as f64;
    }
    let rows: Vec<usize> = (0..12).collect();
    for alg in Algorithm::ALL {
        let model = Model::fit(alg, &data, &rows, 1).unwrap();
        let p = model.predict(&[vec![], vec![f64::INFINITY; 6]]);
        assert!(p.iter().all(|v| v.is_finite()), "{alg:?} {p:?}");
        assert!(train(&data, &[alg], 3, 1, &mut |_, _| {}).is_ok());
    }
}
