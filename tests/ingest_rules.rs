//! The input rules that keep numbers from going silently wrong: joining files on an id,
//! standardising features of any scale or offset, joint categories that cannot collide,
//! mixed number/text columns, and the text states of a counts table.
#![cfg(not(target_arch = "wasm32"))]

use pidscope::analysis::{analyse, AnalysisSettings};
use pidscope::data::{
    assemble, join_column, joint_category, parse_csv, read_counts_table, Alignment,
    AssembleOptions, ColumnKind, CountsColumns, DataError, IngestOptions, ModalityFeatures,
    ParsedTable, Roles, StateOrder,
};
use pidscope::discretize::{discretize, DiscretizeOptions};
use pidscope::rng::SplitMix64;
use pidscope::table::Axis;
use proptest::prelude::*;

fn table(name: &str, text: &str) -> ParsedTable {
    parse_csv(IngestOptions::named(name), text.as_bytes()).expect("test CSV parses")
}

fn on_id(id: &str) -> AssembleOptions {
    AssembleOptions {
        alignment: Alignment::OnId(id.into()),
        ..AssembleOptions::default()
    }
}

fn numeric_values(features: &ModalityFeatures) -> Vec<Vec<f64>> {
    match features {
        ModalityFeatures::Numeric { columns, .. } => {
            columns.iter().map(|c| c.to_f64().into_owned()).collect()
        }
        other => panic!("expected numeric features, got {other:?}"),
    }
}

// ------------------------------------------------------------ joining on an id column

/// Two files of the same samples, the second in reverse order: `f` in the first, `g`
/// (= 10 f) and the label in the second.
fn reversed_pair(n: usize) -> [ParsedTable; 2] {
    let mut left = String::from("id,f_0\n");
    let mut right = String::from("id,g_0,label\n");
    for i in 0..n {
        left += &format!("{i},{i}\n");
    }
    for i in (0..n).rev() {
        right += &format!("{i},{},{}\n", 10 * i, i % 2);
    }
    [table("left.csv", &left), table("right.csv", &right)]
}

#[test]
fn a_shared_id_column_is_detected_and_joins_the_rows() {
    let tables = reversed_pair(6);
    assert_eq!(join_column(&tables).as_deref(), Some("id"));
    assert_eq!(join_column(&tables[..1]), None, "one file needs no join");
    let no_id = [tables[0].clone(), table("other.csv", "key,h\n1,2\n")];
    assert_eq!(join_column(&no_id), None, "'id' must be in every file");

    let roles = Roles::guess_tables(&tables).unwrap();
    // The page names a column of one file as FILE::column: the join accepts that too.
    for id in ["id", "left.csv::id", "right.csv::id"] {
        let data = assemble(&tables, &roles, &on_id(id)).unwrap();
        let f = &numeric_values(&data.x1.features)[0];
        let g = &numeric_values(&data.x2.features)[0];
        for (f, g) in f.iter().zip(g) {
            assert_eq!(
                10.0 * f,
                *g,
                "rows paired by id, not position (join on {id})"
            );
        }
        assert_eq!(data.report.joined_on.as_deref(), Some("id"));
    }
}

#[test]
fn pairing_by_position_is_refused_when_the_shared_ids_disagree() {
    let tables = reversed_pair(6);
    let roles = Roles::guess_tables(&tables).unwrap();
    let err = assemble(&tables, &roles, &AssembleOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DataError::IdsDisagree { .. }), "{message}");
    for piece in [
        "'id'",
        "left.csv, line 2: '0'",
        "right.csv, line 2: '5'",
        "join",
    ] {
        assert!(message.contains(piece), "'{message}' should name {piece}");
    }
    // The same ids in the same order may be paired by position.
    let [left, _] = reversed_pair(3);
    let same = table("same.csv", "id,g_0,label\n0,0,a\n1,10,b\n2,20,a\n");
    assert!(assemble(&[left.clone(), same], &roles, &AssembleOptions::default()).is_ok());
    // Different row counts with a shared id: the message says to join.
    let short = table("short.csv", "id,g_0,label\n0,0,a\n");
    let err = assemble(&[left, short], &roles, &AssembleOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("join them on their shared column 'id'"),
        "{err}"
    );
}

#[test]
fn unmatched_rows_are_counted_per_file_and_duplicates_named() {
    let a = table("a.csv", "id,f_0\n1,1\n2,2\n3,3\n4,4\n5,5\n");
    let b = table(
        "b.csv",
        "id,g_0,label\n2,2,x\n3,3,y\n4,4,x\n5,5,y\n6,6,x\n7,7,y\n",
    );
    let tables = [a.clone(), b];
    let roles = Roles::guess_tables(&tables).unwrap();
    let data = assemble(&tables, &roles, &on_id("id")).unwrap();
    assert_eq!(data.rows(), 4);
    assert_eq!(data.report.rows_unmatched, 1);
    assert_eq!(
        data.report.unmatched_by_file,
        [("a.csv".to_string(), 1), ("b.csv".to_string(), 2)]
    );
    let dup = table("dup.csv", "id,g_0,label\n2,2,x\n3,3,y\n2,4,x\n");
    let err = assemble(&[a.clone(), dup], &roles, &on_id("id")).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("dup.csv, line 4")
            && message.contains("'2'")
            && message.contains("first on line 2"),
        "{message}"
    );
    // The join key is not also a variable.
    let keyed = Roles {
        x1: vec!["a.csv::id".into()],
        ..roles
    };
    let b = table("b.csv", "id,g_0,label\n1,2,x\n");
    let err = assemble(&[a, b], &keyed, &on_id("id")).unwrap_err();
    assert!(
        matches!(err, DataError::JoinKeyInRole { role: "X1", .. }),
        "{err}"
    );
}

#[test]
fn the_analysis_of_reordered_files_matches_the_analysis_of_one_file() {
    let n = 200;
    let mut rng = SplitMix64::new(4);
    let rows: Vec<(f64, f64, u8)> = (0..n)
        .map(|_| {
            let (u, v) = (rng.next_f64(), rng.next_f64());
            (u, v, u8::from(v > 0.5))
        })
        .collect();
    let mut one = String::from("id,f_0,g_0,label\n");
    let mut left = String::from("id,f_0,label\n");
    let mut right = String::from("id,g_0\n");
    for (i, (u, v, y)) in rows.iter().enumerate() {
        one += &format!("{i},{u},{v},{y}\n");
        left += &format!("{i},{u},{y}\n");
    }
    for (i, (_, v, _)) in rows.iter().enumerate().rev() {
        right += &format!("{i},{v}\n");
    }
    let settings = AnalysisSettings {
        clusters: 4,
        ..AnalysisSettings::default()
    };
    let single = analyse(&[table("one.csv", &one)], None, &settings, &mut |_| {}).unwrap();
    let tables = [table("left.csv", &left), table("right.csv", &right)];
    let joined = AnalysisSettings {
        join_on: join_column(&tables),
        ..settings
    };
    let pair = analyse(&tables, None, &joined, &mut |_| {}).unwrap();
    let (a, b) = (&single.dataset.info, &pair.dataset.info);
    assert!(a.mi_x2_y > 0.5, "X2 carries Y: {}", a.mi_x2_y);
    assert!(
        (a.mi_x2_y - b.mi_x2_y).abs() < 1e-12,
        "{} vs {}",
        a.mi_x2_y,
        b.mi_x2_y
    );
    assert!(
        pair.notes.iter().any(|n| n.contains("joined on 'id'")),
        "{:?}",
        pair.notes
    );
}

// ------------------------------------------------------------ standardisation

/// Three separated blobs in two features (on a grid of 1/8, so a shift by 1e15 is
/// exact), labelled by blob.
fn blobs(n: usize, seed: u64) -> (Vec<[f64; 2]>, Vec<u8>) {
    let mut rng = SplitMix64::new(seed);
    let centres = [[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]];
    (0..n)
        .map(|i| {
            let c = centres[i % 3];
            let jitter = |rng: &mut SplitMix64| (rng.next_f64() * 16.0).round() / 8.0 - 1.0;
            (
                [c[0] + jitter(&mut rng), c[1] + jitter(&mut rng)],
                (i % 3) as u8,
            )
        })
        .unzip()
}

/// The discretised table of X1 = the two blob features transformed by `map`, X2 = a
/// noise feature pair, Y = the blob.
fn blob_analysis(map: impl Fn(f64) -> f64, seed: u64) -> (Vec<u32>, Vec<f64>) {
    let (points, labels) = blobs(150, seed);
    let mut text = String::from("a_0,a_1,b_0,b_1,label\n");
    let mut rng = SplitMix64::new(seed + 1);
    for (p, y) in points.iter().zip(&labels) {
        text += &format!(
            "{},{},{},{},{y}\n",
            map(p[0]),
            map(p[1]),
            rng.next_f64(),
            rng.next_f64()
        );
    }
    let t = table("blobs.csv", &text);
    let roles = Roles::guess(&t.column_names()).unwrap();
    let data = assemble(&[t], &roles, &AssembleOptions::default()).unwrap();
    let options = DiscretizeOptions {
        clusters: 3,
        ..DiscretizeOptions::default()
    };
    let d = discretize(&data, None, &options, &mut |_| {}).unwrap();
    (d.x1.assignment, d.table.p().to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Scaling or shifting a feature column leaves the clusters, hence the atoms, unchanged.
    #[test]
    fn scaling_or_shifting_features_leaves_the_states_unchanged(
        seed in 0u64..1000,
        which in 0usize..5,
    ) {
        let (base, p) = blob_analysis(|v| v, seed);
        let map: Box<dyn Fn(f64) -> f64> = match which {
            0 => Box::new(|v| v * 1e-13),
            1 => Box::new(|v| v * 1e160),
            2 => Box::new(|v| v + 1e15),
            3 => Box::new(|v| v * 1e-300),
            _ => Box::new(|v| -v * 3.7e7 + 12.5),
        };
        let (mapped, q) = blob_analysis(map, seed);
        prop_assert_eq!(&base, &mapped, "transform {}", which);
        for (a, b) in p.iter().zip(&q) {
            prop_assert!((a - b).abs() < 1e-15);
        }
        prop_assert!(base.iter().any(|&s| s != base[0]), "X1 has several states");
    }
}

#[test]
fn a_tiny_feature_carries_its_information_and_a_constant_one_is_named() {
    let mut text = String::from("a_0,a_1,b_0,label\n");
    let mut rng = SplitMix64::new(9);
    for i in 0..120 {
        let y = i % 2;
        let tiny = (y as f64 + 0.1 * rng.next_f64()) * 1e-13;
        text += &format!("{tiny},5,{},{y}\n", rng.next_f64());
    }
    let t = table("tiny.csv", &text);
    let settings = AnalysisSettings {
        clusters: 2,
        ..AnalysisSettings::default()
    };
    let roles = Roles {
        x1: vec!["a_0".into(), "a_1".into()],
        x2: vec!["b_0".into()],
        y: "label".into(),
        ..Roles::default()
    };
    let a = analyse(&[t], Some(&roles), &settings, &mut |_| {}).unwrap();
    assert!(
        a.dataset.info.mi_x1_y > 0.99,
        "I(X1;Y) = {}",
        a.dataset.info.mi_x1_y
    );
    let x1 = a.x1.as_ref().unwrap();
    assert_eq!(x1.constant_features, ["a_1"]);
    assert!(
        a.notes
            .iter()
            .any(|n| n.contains("X1") && n.contains("'a_1'")),
        "{:?}",
        a.notes
    );
}

// ------------------------------------------------------------ joint categories

#[test]
fn joint_categories_of_different_tuples_never_share_a_name() {
    assert_ne!(joint_category(["a|b", "c"]), joint_category(["a", "b|c"]));
    assert_eq!(joint_category(["a|b", "c"]), "\"a|b\"|c");
    assert_eq!(joint_category(["say \"x\"", "y"]), "\"say \"\"x\"\"\"|y");
    let opts = IngestOptions {
        categorical_columns: vec!["p".into(), "q".into()],
        ..IngestOptions::named("cats.csv")
    };
    let t = parse_csv(
        opts,
        b"p,q,f,label\na|b,c,1,0\na,b|c,2,1\na|b,c,3,0\na,b|c,4,1\n",
    )
    .unwrap();
    let roles = Roles {
        x1: vec!["p".into(), "q".into()],
        x2: vec!["f".into()],
        y: "label".into(),
        ..Roles::default()
    };
    let data = assemble(&[t], &roles, &AssembleOptions::default()).unwrap();
    let ModalityFeatures::Categorical(x1) = &data.x1.features else {
        panic!("two categorical columns form joint categories")
    };
    assert_eq!(x1.levels.len(), 2, "{:?}", x1.levels);
    assert_eq!(
        x1.codes,
        [x1.codes[0], x1.codes[1], x1.codes[0], x1.codes[1]]
    );
    assert_ne!(x1.codes[0], x1.codes[1]);
}

// ------------------------------------------------------------ mixed columns

/// A 40-row file whose feature `a_0` has one stray value on line `stray_line`.
fn with_stray(stray: &str) -> ParsedTable {
    let mut text = String::from("a_0,b_0,label\n");
    for i in 0..40 {
        let a = if i == 7 {
            stray.to_string()
        } else {
            format!("0.{i}")
        };
        text += &format!("{a},{},{}\n", i % 3, i % 2);
    }
    table("stray.csv", &text)
}

#[test]
fn one_stray_value_in_a_numeric_column_is_named_and_a_choice_is_asked() {
    let roles = Roles {
        x1: vec!["a_0".into()],
        x2: vec!["b_0".into()],
        y: "label".into(),
        ..Roles::default()
    };
    for stray in ["abc", "0.\"2", "0x1A"] {
        let t = with_stray(stray);
        let report = t.report();
        let mixed = report.columns[0].mixed.as_ref().expect("a_0 is mixed");
        assert_eq!((mixed.line, mixed.numbers, mixed.texts), (9, 39, 1));
        let err = assemble(
            std::slice::from_ref(&t),
            &roles,
            &AssembleOptions::default(),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, DataError::MixedColumn { .. }), "{message}");
        for piece in [
            "stray.csv",
            "line 9",
            "'a_0'",
            &format!("'{stray}'"),
            "as numbers",
            "as text",
        ] {
            assert!(message.contains(piece), "'{message}' should name {piece}");
        }
        // Read as numbers: the stray is missing, its row dropped and counted.
        let numbers = AssembleOptions {
            numeric_columns: vec!["a_0".into()],
            ..AssembleOptions::default()
        };
        let data = assemble(std::slice::from_ref(&t), &roles, &numbers).unwrap();
        assert_eq!(data.rows(), 39);
        assert_eq!(data.report.text_as_missing, [("a_0".to_string(), 1)]);
        assert_eq!(numeric_values(&data.x1.features)[0][0], 0.0);
        // Read as text: every value a category, as asked.
        let text = AssembleOptions {
            text_columns: vec!["stray.csv::a_0".into()],
            ..AssembleOptions::default()
        };
        let data = assemble(std::slice::from_ref(&t), &roles, &text).unwrap();
        assert!(matches!(data.x1.features, ModalityFeatures::Categorical(_)));
    }
    // A column of text only is not mixed; numbers of an inferred column are one
    // category whatever their spelling.
    let t = table("t.csv", "a,b,y\nred,1,1\nblue,2,abc\nred,3,1.0\n");
    let report = t.report();
    assert!(report.columns[0].mixed.is_none(), "text only is not mixed");
    assert!(
        report.columns[2].mixed.is_some(),
        "numbers and 'abc' are mixed"
    );
    let y = t.column("y").unwrap();
    assert_eq!(y.text(0), y.text(2), "1 and 1.0 are the same label");
}

#[test]
fn decimal_commas_are_numbers_when_the_delimiter_is_a_semicolon() {
    let t = table("eu.csv", "a;b;label\n0,5;1,25e3;x\n-2,75;3;y\n");
    assert_eq!(t.column("a").unwrap().kind(), ColumnKind::Numeric);
    assert_eq!(t.column("a").unwrap().text(1), "-2.75");
    assert_eq!(t.column("b").unwrap().text(0), "1250");
    // With commas as delimiters a quoted "0,5" stays text.
    let t = table("us.csv", "a,label\n\"0,5\",x\n");
    assert_eq!(t.column("a").unwrap().kind(), ColumnKind::Categorical);
}

// ------------------------------------------------------------ counts-table states

#[test]
fn counts_states_are_text_after_trimming_on_every_path() {
    let csv = "x1,x2,y,count\n1,a,0,1\n1.0,a,1,2\n01,a,0,3\n 1 ,a,1,4\n";
    let direct = read_counts_table(
        "c.csv",
        csv.as_bytes(),
        &CountsColumns::default(),
        StateOrder::Natural,
    )
    .unwrap();
    assert_eq!(direct.labels(Axis::X1), ["1", "1.0", "01"]);
    // The generic reader (the CLI's and the page's) reads the same table.
    let generic = table("c.csv", csv);
    let analysis = analyse(&[generic], None, &AnalysisSettings::default(), &mut |_| {}).unwrap();
    assert_eq!(analysis.dataset.table.labels[0], direct.labels(Axis::X1));
    assert_eq!(analysis.dataset.table.p, direct.p());
    // A count that is text is named with its line.
    let bad = parse_csv(
        IngestOptions::named("c.csv"),
        b"x1,x2,y,count\na,b,c,1\na,b,d,many\n",
    )
    .unwrap_err();
    assert!(
        bad.to_string().contains("line 3") && bad.to_string().contains("'many'"),
        "{bad}"
    );
}

// ------------------------------------------------------------ reading details

#[test]
fn a_line_of_spaces_before_the_header_is_not_the_header() {
    let t = table("spaces.csv", "   \n\t\na,b,label\n1,2,x\n");
    assert_eq!(t.column_names(), ["a", "b", "label"]);
    assert_eq!(t.line_of_row(0), 4);
}

#[test]
fn a_missing_or_nan_count_is_called_missing_without_empty_quotes() {
    for (csv, column) in [
        ("x1,x2,y,count\na,b,c,NaN\n", "count"),
        ("x1,x2,y,count\na,b,c,\n", "count"),
        ("x1,x2,y,count\na,,c,1\n", "x2"),
    ] {
        let err = read_counts_table(
            "c.csv",
            csv.as_bytes(),
            &CountsColumns::default(),
            StateOrder::Natural,
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("line 2")
                && message.contains(&format!("column '{column}'"))
                && message.contains("missing (empty, NA or NaN)")
                && !message.contains("('')"),
            "{message}"
        );
    }
}

#[test]
fn endless_nul_bytes_are_binary_data_not_an_open_quote() {
    let mut reader = pidscope::data::CsvReader::new(IngestOptions::named("zero"));
    let zeros = vec![0u8; 1 << 16];
    let mut result = Ok(());
    for _ in 0..40 {
        result = reader.push(&zeros);
        if result.is_err() {
            break;
        }
    }
    let err = result
        .err()
        .or_else(|| reader.finish().err())
        .expect("refused");
    assert!(matches!(err, DataError::BinaryData { .. }), "{err}");
    assert!(err.to_string().contains("binary"), "{err}");
}

#[test]
fn batch_names_a_constant_feature_too() {
    use pidscope::analysis::analyse_batch;
    use pidscope::pid::batch::BatchConfig;
    let mut text = String::from("a_0,a_1,b_0,label\n");
    let mut rng = SplitMix64::new(2);
    for i in 0..200 {
        text += &format!(
            "{},3,{},{}\n",
            rng.next_f64() + (i % 2) as f64,
            rng.next_f64(),
            i % 2
        );
    }
    let roles = Roles {
        x1: vec!["a_0".into(), "a_1".into()],
        x2: vec!["b_0".into()],
        y: "label".into(),
        ..Roles::default()
    };
    let config = BatchConfig {
        classifier_epochs: 1,
        alignment_epochs: 1,
        ..BatchConfig::default()
    };
    let settings = AnalysisSettings::default();
    let result = analyse_batch(
        &[table("c.csv", &text)],
        Some(&roles),
        &settings,
        &config,
        &mut |_| {},
    )
    .unwrap();
    assert!(
        result
            .notes
            .iter()
            .any(|n| n.starts_with("X1: feature 'a_1'")),
        "{:?}",
        result.notes
    );
}
