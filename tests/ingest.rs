//! Ingestion and discretisation, end to end through the public API (native only:
//! proptest does not build for wasm32; `tests/determinism.rs` runs in both).
#![cfg(not(target_arch = "wasm32"))]

use pidscope::data::{
    assemble, counts_table_from_parsed, looks_like_counts_table, read_counts_table,
    write_counts_csv, Alignment, AssembleOptions, ColumnData, ColumnKind, CountsColumns, CsvReader,
    DataError, IngestOptions, Limits, ModalityFeatures, ParsedTable, Roles, StateOrder,
};
use pidscope::discretize::{
    discretize, kmeans, standardise, DiscretizeOptions, DiscretizeStage, Pca, PcaMethod, Progress,
    SingleColumnMethod,
};
use pidscope::rng::SplitMix64;
use pidscope::table::{Axis, TableStats};
use pidscope::JointTable;
use proptest::prelude::*;

fn parse_with(options: IngestOptions, bytes: &[u8]) -> Result<ParsedTable, DataError> {
    let mut reader = CsvReader::new(options);
    reader.push(bytes)?;
    reader.finish()
}

fn parse(bytes: &[u8]) -> Result<ParsedTable, DataError> {
    parse_with(IngestOptions::named("data.csv"), bytes)
}

/// Parses and returns the error message, asserting it names every `expected` piece.
fn error_naming(options: IngestOptions, bytes: &[u8], expected: &[&str]) -> DataError {
    let err = parse_with(options, bytes).expect_err("the input should be rejected");
    let message = err.to_string();
    for piece in expected {
        assert!(
            message.contains(piece),
            "'{message}' should mention '{piece}'"
        );
    }
    err
}

fn named() -> IngestOptions {
    IngestOptions::named("data.csv")
}

fn numeric(columns: &[&str]) -> IngestOptions {
    let mut o = named();
    o.numeric_columns = columns.iter().map(|c| c.to_string()).collect();
    o
}

fn limits(f: impl FnOnce(&mut Limits)) -> IngestOptions {
    let mut o = named();
    f(&mut o.limits);
    o
}

// ---------------------------------------------------------------- malformed input

#[test]
fn ragged_rows_name_line_and_field_counts() {
    let err = error_naming(
        named(),
        b"a,b\n1,2\n3\n",
        &["data.csv", "line 3", "expected 2", "found 1"],
    );
    assert!(matches!(err, DataError::RaggedRow { line: 3, .. }));
    error_naming(named(), b"a,b\n1,2\n3,4,5,6\n7,8\n", &["line 3", "found 4"]);
    // A last row cut short without a final newline.
    error_naming(named(), b"a,b,c\n1,2,3\n4,5", &["line 3", "found 2"]);
}

#[test]
fn an_unclosed_quote_is_named_as_such_not_as_a_field_count() {
    // The quote on line 3 swallows the rest of the file into one field.
    let err = error_naming(
        named(),
        b"a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n10,11,12\n",
        &[
            "data.csv",
            "line 3",
            "column 'b'",
            "spans 4 lines",
            "quote is probably left open",
        ],
    );
    assert!(matches!(
        err,
        DataError::UnclosedQuote {
            line: 3,
            found: 2,
            expected: 3,
            ..
        }
    ));
}

#[test]
fn text_in_a_declared_numeric_column_names_line_column_and_text() {
    let err = error_naming(
        numeric(&["a"]),
        b"a,b\n1,2\n\"seven\",3\n",
        &["line 3", "column 'a'", "'seven'", "not a number"],
    );
    assert!(matches!(
        err,
        DataError::TextInNumericColumn { line: 3, .. }
    ));
}

#[test]
fn long_offending_text_is_shortened_in_messages() {
    let long = "word ".repeat(40);
    let bytes = format!("a\n1\n{long}\n");
    let err = error_naming(numeric(&["a"]), bytes.as_bytes(), &["line 3", "…"]);
    assert!(err.to_string().len() < 200, "{err}");
}

#[test]
fn infinite_values_are_rejected_with_their_text() {
    error_naming(
        named(),
        b"a,b\n1,2\n3,inf\n",
        &["line 3", "column 'b'", "'inf'", "infinite"],
    );
    error_naming(named(), b"a\n1e999\n", &["line 2", "column 'a'", "'1e999'"]);
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let err = error_naming(
        named(),
        b"a,b\n1,2\n3,caf\xe9\n",
        &["line 3", "column 'b'", "UTF-8", "caf"],
    );
    assert!(matches!(err, DataError::InvalidUtf8 { line: 3, .. }));
}

#[test]
fn nul_bytes_mean_binary_data() {
    error_naming(
        named(),
        b"a,b\n1,2\n3,\x00\x01\n",
        &["line 3", "column 'b'", "binary"],
    );
    // UTF-16 text is full of NULs.
    error_naming(
        named(),
        b"\xff\xfea\x00,\x00b\x00\n\x001\x00",
        &["line 1", "binary"],
    );
}

#[test]
fn empty_files_and_header_only_files() {
    for empty in [&b""[..], b"\xEF\xBB\xBF", b"\n\n\r\n"] {
        let err = error_naming(named(), empty, &["data.csv", "empty"]);
        assert!(matches!(err, DataError::EmptyFile { .. }), "{err:?}");
    }
    for header_only in [&b"a,b\n"[..], b"a,b", b"a,b\r\n\r\n"] {
        let err = error_naming(named(), header_only, &["no data rows"]);
        assert!(matches!(err, DataError::NoRows { .. }));
    }
}

#[test]
fn oversized_fields_and_unclosed_quotes_are_caught() {
    let mut bytes = b"a,b\n1,".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 100));
    bytes.extend(b"\n");
    error_naming(
        limits(|l| l.max_field_bytes = 32),
        &bytes,
        &["line 2", "column 'b'", "larger than 32 bytes", "xxxx"],
    );
    // An unclosed quote swallows the rest of the file until the cap.
    let mut bytes = b"a,b\n1,2\n3,\"open\n".to_vec();
    for _ in 0..20 {
        bytes.extend(b"4,5\n");
    }
    error_naming(
        limits(|l| l.max_field_bytes = 40),
        &bytes,
        &["line 3", "column 'b'", "'open", "quote"],
    );
}

#[test]
fn unknown_named_columns_list_the_columns_there_are() {
    let err = error_naming(
        numeric(&["speed"]),
        b"a,b\n1,2\n",
        &["no column 'speed'", "'a', 'b'"],
    );
    assert!(matches!(err, DataError::UnknownColumn { .. }));
    let table = parse(b"a,b,y\n1,2,0\n").unwrap();
    let roles = Roles {
        x1: vec!["a".into()],
        x2: vec!["c".into()],
        y: "y".into(),
        ..Roles::default()
    };
    let err = assemble(&[table], &roles, &AssembleOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no column 'c'"), "{err}");
}

#[test]
fn duplicate_header_names_are_rejected() {
    let err = error_naming(
        named(),
        b"a,b,a\n1,2,3\n",
        &["line 1", "'a' appears twice", "columns 1 and 3"],
    );
    assert!(matches!(
        err,
        DataError::DuplicateHeader {
            first: 1,
            second: 3,
            ..
        }
    ));
}

#[test]
fn column_and_row_caps_hold() {
    error_naming(
        limits(|l| l.max_columns = 2),
        b"a,b,c\n1,2,3\n",
        &["more than 2 columns"],
    );
    let err = error_naming(
        limits(|l| l.max_rows = 2),
        b"a\n1\n2\n3\n",
        &["line 4", "more than 2 data rows"],
    );
    assert!(matches!(err, DataError::TooManyRows { line: 4, .. }));
}

#[test]
fn lines_are_counted_through_blank_lines_quoted_newlines_and_crlf() {
    let bytes = b"a,b\r\n\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n3,\"q\"\r\n4,5,6\r\n";
    let err = error_naming(named(), bytes, &["line 8", "found 3"]);
    assert!(matches!(err, DataError::RaggedRow { line: 8, .. }));
    let table = parse(&bytes[..bytes.len() - 7]).unwrap();
    assert_eq!(table.rows(), 3);
    assert_eq!(
        (
            table.line_of_row(0),
            table.line_of_row(1),
            table.line_of_row(2)
        ),
        (3, 6, 7)
    );
    assert_eq!(table.column("b").unwrap().text(0), "x\r\ny");
}

#[test]
fn an_error_is_sticky_across_pushes() {
    let mut reader = CsvReader::new(numeric(&["a"]));
    assert!(reader.push(b"a\n1\nx\n").is_err());
    assert!(reader.push(b"2\n").is_err());
    assert!(reader.finish().is_err());
}

// ---------------------------------------------------------------- format variants

#[test]
fn delimiters_bom_crlf_and_quotes_parse_alike() {
    let variants: [&[u8]; 6] = [
        b"name,v\nx,1\n\"a, b\",2.5\n\"say \"\"hi\"\"\",3\n",
        b"name;v\nx;1\n\"a, b\";2.5\n\"say \"\"hi\"\"\";3\n",
        b"name\tv\nx\t1\n\"a, b\"\t2.5\n\"say \"\"hi\"\"\"\t3\n",
        b"\xEF\xBB\xBFname,v\r\nx,1\r\n\"a, b\",2.5\r\n\"say \"\"hi\"\"\",3\r\n",
        b"\"name\" , v \nx, 1\n\"a, b\",2.5\n\"say \"\"hi\"\"\",3",
        b"name,v\rx,1\r\"a, b\",2.5\r\"say \"\"hi\"\"\",3\r",
    ];
    for bytes in variants {
        let t = parse(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)));
        assert_eq!(
            t.column_names(),
            ["name", "v"],
            "{}",
            String::from_utf8_lossy(bytes)
        );
        let name = t.column("name").unwrap();
        assert_eq!(name.kind(), ColumnKind::Categorical);
        assert_eq!(
            (name.text(1), name.text(2)),
            ("a, b".into(), "say \"hi\"".into())
        );
        assert_eq!(
            t.column("v").unwrap().data,
            ColumnData::Numeric(vec![1.0, 2.5, 3.0].into())
        );
    }
    assert_eq!(parse(variants[1]).unwrap().delimiter(), b';');
    assert_eq!(parse(variants[2]).unwrap().delimiter(), b'\t');
}

#[test]
fn type_inference_and_missing_values_are_reported() {
    let t = parse(b"n,m,k\n1,NA,a\n2.5,,b\nnull,3,N/A\n4,x,c\n").unwrap();
    let report = t.report();
    assert_eq!(report.rows, 4);
    let [n, m, k] = [0, 1, 2].map(|i| &report.columns[i]);
    assert_eq!((n.kind, n.missing), (ColumnKind::Numeric, 1));
    // 'm' looked numeric until line 5.
    assert_eq!(
        (m.kind, m.missing, m.levels),
        (ColumnKind::Categorical, 2, Some(2))
    );
    assert_eq!(m.categorical_from, Some((5, "x".into())));
    assert_eq!((k.kind, k.missing), (ColumnKind::Categorical, 1));
    assert!(report.parsed_bytes > 0);
}

// ---------------------------------------------------------------- chunking

fn csv_field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-1000i32..1000).prop_map(|v| format!("{}", f64::from(v) / 8.0)),
        2 => "[a-z]{0,6}",
        1 => "[a-z ,;\"\n]{0,6}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
        1 => Just("NA".to_string()),
    ]
}

fn csv_document() -> impl Strategy<Value = Vec<u8>> {
    (
        1usize..5,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![",", ";", "\t"]),
    )
        .prop_flat_map(|(cols, crlf, bom, delimiter)| {
            let rows = prop::collection::vec(prop::collection::vec(csv_field(), cols), 1..25);
            (Just(cols), Just(crlf), Just(bom), Just(delimiter), rows)
        })
        .prop_map(|(cols, crlf, bom, delimiter, rows)| {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            let header: Vec<String> = (0..cols).map(|c| format!("col{c}")).collect();
            text += &header.join(delimiter);
            for row in rows {
                text += newline;
                text += &row.join(delimiter);
            }
            text += newline;
            text.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn chunked_parsing_equals_whole_parsing(
        document in csv_document(),
        cuts in prop::collection::vec(1usize..40, 1..200),
    ) {
        let whole = parse(&document);
        let mut reader = CsvReader::new(IngestOptions::named("data.csv"));
        let (mut start, mut cut) = (0, cuts.iter().cycle());
        let mut pushed = Ok(());
        while start < document.len() && pushed.is_ok() {
            let end = (start + cut.next().copied().unwrap_or(1)).min(document.len());
            pushed = reader.push(&document[start..end]);
            start = end;
        }
        let chunked = pushed.and_then(|()| reader.finish());
        // Compared through Debug: missing numbers are NaN, which is never == itself.
        prop_assert_eq!(format!("{whole:?}"), format!("{chunked:?}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary bytes never panic anywhere on the way to a table: every failure is an error.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(
            prop_oneof![
                6 => prop::sample::select(b"0123456789.,;\t\n\r\"- abxyNA_e".to_vec()),
                1 => any::<u8>(),
            ],
            0..300,
        ),
        chunk in 1usize..50,
    ) {
        let mut reader = CsvReader::new(IngestOptions::named("fuzz.csv"));
        let pushed: Result<(), DataError> = bytes.chunks(chunk).try_for_each(|c| reader.push(c));
        let Ok(table) = pushed.and_then(|()| reader.finish()) else {
            return Ok(());
        };
        let _ = table.report();
        let _ = counts_table_from_parsed(&table, &CountsColumns::default(), StateOrder::Natural);
        let names = table.column_names();
        let roles = Roles::guess(&names).unwrap_or_else(|_| Roles {
            x1: names.first().map(|n| n.to_string()).into_iter().collect(),
            x2: names.get(1).map(|n| n.to_string()).into_iter().collect(),
            y: names.last().map(|n| n.to_string()).unwrap_or_default(),
            ..Roles::default()
        });
        if let Ok(data) = assemble(std::slice::from_ref(&table), &roles, &AssembleOptions::default()) {
            let options = DiscretizeOptions { clusters: 3, ..DiscretizeOptions::default() };
            let _ = discretize(&data, None, &options, &mut |_| {});
        }
    }
}

#[test]
fn progress_counts_bytes_and_rows() {
    let mut reader = CsvReader::new(named());
    reader.push(b"a,b\n1,2\n3,").unwrap();
    let p = reader.progress();
    assert_eq!((p.bytes_consumed, p.rows), (10, 1));
    reader.push(b"4\n").unwrap();
    assert_eq!(reader.progress().rows, 2);
}

// ---------------------------------------------------------------- counts tables

fn labelled(shape: [usize; 3], weights: Vec<f64>, labels: [&[&str]; 3]) -> JointTable {
    JointTable::from_weights(shape, weights)
        .unwrap()
        .with_labels(labels.map(|l| l.iter().map(|s| s.to_string()).collect()))
        .unwrap()
}

#[test]
fn counts_table_round_trips_through_csv() {
    let table = labelled(
        [2, 3, 2],
        vec![3., 0., 1., 2., 0., 0., 5., 1., 0., 4., 2., 7.],
        [&["a", "b, c"], &["1", "2", "10"], &["no", "yes"]],
    );
    let text = write_counts_csv(&table);
    let back = read_counts_table(
        "t.csv",
        text.as_bytes(),
        &CountsColumns::default(),
        StateOrder::Natural,
    )
    .unwrap();
    assert_eq!(back.shape(), table.shape());
    assert_eq!(back.labels(Axis::X1), table.labels(Axis::X1));
    assert_eq!(back.labels(Axis::X2), table.labels(Axis::X2));
    assert!((back.total_weight() - table.total_weight()).abs() < 1e-9);
    for (a, b) in back.p().iter().zip(table.p()) {
        assert!((a - b).abs() < 1e-12);
    }
    // A state with no weight at all survives the trip too.
    let sparse = labelled([2, 1, 1], vec![1., 0.], [&["u", "v"], &["k"], &["y"]]);
    let back = read_counts_table(
        "s.csv",
        write_counts_csv(&sparse).as_bytes(),
        &CountsColumns::default(),
        StateOrder::Natural,
    )
    .unwrap();
    assert_eq!(back, sparse);
}

#[test]
fn counts_tables_are_detected_and_read_from_a_generic_parse() {
    let t = parse(b"x1,x2,y,count\n0,0,0,0.25\n0,1,1,0.25\n1,0,1,0.25\n1,1,0,0.25\n").unwrap();
    assert!(looks_like_counts_table(&t.column_names()));
    let table =
        counts_table_from_parsed(&t, &CountsColumns::default(), StateOrder::Natural).unwrap();
    assert_eq!(table.shape(), [2, 2, 2]);
    assert_eq!(table.get(1, 0, 1), 0.25);
    let custom = CountsColumns {
        x1: "cam".into(),
        x2: "lidar".into(),
        y: "label".into(),
        count: "n".into(),
    };
    let table = read_counts_table(
        "c.csv",
        b"cam;lidar;label;n\nA;near;go;3\nB;far;stop;1\n",
        &custom,
        StateOrder::Natural,
    )
    .unwrap();
    assert_eq!(table.labels(Axis::X2), ["far", "near"]);
}

#[test]
fn bad_counts_name_line_and_column() {
    let read = |bytes: &[u8]| {
        read_counts_table(
            "c.csv",
            bytes,
            &CountsColumns::default(),
            StateOrder::Natural,
        )
        .unwrap_err()
    };
    let cases: [(&[u8], &[&str]); 5] = [
        (
            b"x1,x2,y,count\n0,0,0,1\n0,1,0,-2\n",
            &["line 3", "column 'count'", "negative", "'-2'"],
        ),
        (
            b"x1,x2,y,count\n0,0,0,NaN\n",
            &["line 2", "column 'count'", "missing"],
        ),
        (
            b"x1,x2,y,count\n0,0,0,1\n1,1,1,inf\n",
            &["line 3", "column 'count'", "'inf'"],
        ),
        (
            b"x1,x2,y,count\n0,0,0,1\n1,1,1,many\n",
            &["line 3", "column 'count'", "'many'"],
        ),
        (
            b"x1,x2,y,count\n0,,0,1\n",
            &["line 2", "column 'x2'", "missing"],
        ),
    ];
    for (bytes, expected) in cases {
        let message = read(bytes).to_string();
        for piece in expected {
            assert!(
                message.contains(piece),
                "'{message}' should mention '{piece}'"
            );
        }
    }
    // A counts file parsed without declarations is read by the same rules (the
    // generic reader recognises its header), so the text count is caught there.
    let err = parse(b"x1,x2,y,count\n0,0,0,1\n1,1,1,oops\n").unwrap_err();
    assert!(
        err.to_string().contains("line 3") && err.to_string().contains("'oops'"),
        "{err}"
    );
}

// ---------------------------------------------------------------- roles and assembly

#[test]
fn assembles_two_files_by_row_and_by_id() {
    let cams = parse(b"id,cam_0,cam_1,label\n1,0.1,0.2,a\n2,0.3,NA,b\n3,0.5,0.6,a\n").unwrap();
    let lidar = parse_with(
        IngestOptions::named("lidar.csv"),
        b"id,lidar_0\n3,9\n1,7\n2,8\n",
    )
    .unwrap();
    let tables = [cams, lidar];
    let roles = Roles::guess_tables(&tables).unwrap();
    assert_eq!(roles.x1, ["cam_0", "cam_1"]);
    assert_eq!(roles.x2, ["lidar_0"]);
    assert_eq!(roles.y, "label");

    let by_id = AssembleOptions {
        alignment: Alignment::OnId("id".into()),
        ..AssembleOptions::default()
    };
    let data = assemble(&tables, &roles, &by_id).unwrap();
    assert_eq!(data.rows(), 2);
    assert_eq!(data.report.rows_dropped_missing, 1);
    assert_eq!(data.report.missing_by_column, [("cam_1".to_string(), 1)]);
    let ModalityFeatures::Numeric { columns, .. } = &data.x2.features else {
        panic!("lidar is numeric")
    };
    assert_eq!(columns[0], vec![7.0, 9.0].into());

    // By row the files would be paired wrongly: their shared ids disagree, so it is refused.
    let err = assemble(&tables, &roles, &AssembleOptions::default()).unwrap_err();
    assert!(matches!(err, DataError::IdsDisagree { .. }), "{err}");

    // 'id' is in both files: naming it is ambiguous unless qualified.
    let with_id = Roles {
        x1: vec!["id".into()],
        ..roles.clone()
    };
    let err = assemble(&tables, &with_id, &AssembleOptions::default()).unwrap_err();
    assert!(matches!(err, DataError::AmbiguousColumn { .. }), "{err}");
    let qualified = Roles {
        x1: vec!["lidar.csv::id".into()],
        ..roles
    };
    // Qualified, it resolves (the refusal comes from the disagreeing ids, later).
    let err = assemble(&tables, &qualified, &AssembleOptions::default()).unwrap_err();
    assert!(matches!(err, DataError::IdsDisagree { .. }), "{err}");
}

#[test]
fn assembly_errors_are_specific() {
    let a = parse(b"f_0,g_0,label\n1,2,0\n3,4,1\n").unwrap();
    let short = parse_with(IngestOptions::named("b.csv"), b"h\n1\n").unwrap();
    let roles = Roles::guess(&a.column_names()).unwrap();
    let err = assemble(&[a.clone(), short], &roles, &AssembleOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::RowCountMismatch {
                first_rows: 2,
                other_rows: 1,
                ..
            }
        ),
        "{err}"
    );

    let dup = parse(b"id,f,g,y\n1,0,0,a\n1,1,1,b\n").unwrap();
    let roles = Roles {
        x1: vec!["f".into()],
        x2: vec!["g".into()],
        y: "y".into(),
        ..Roles::default()
    };
    let on_id = AssembleOptions {
        alignment: Alignment::OnId("id".into()),
        ..AssembleOptions::default()
    };
    let err = assemble(&[dup], &roles, &on_id).unwrap_err();
    assert!(
        err.to_string().contains("line 3") && err.to_string().contains("'1'"),
        "{err}"
    );

    // A measured Y with many distinct values read as classes is over the label cap.
    let mut text = String::from("f,g,y\n");
    for i in 0..50 {
        text += &format!("{i},{i},{}\n", f64::from(i) * 0.37);
    }
    let many = parse(text.as_bytes()).unwrap();
    let capped = AssembleOptions {
        max_label_states: 10,
        target_kind: pidscope::data::TargetKind::Class,
        ..AssembleOptions::default()
    };
    let err = assemble(std::slice::from_ref(&many), &roles, &capped).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TooManyLabelStates {
                distinct: 50,
                limit: 10,
                ..
            }
        ),
        "{err}"
    );
    // Read as classes within the cap, a numeric Y is categorical by value; by default
    // 50 distinct fractions make it a scalar, cut into quantile bins.
    let classes = AssembleOptions {
        target_kind: pidscope::data::TargetKind::Class,
        ..AssembleOptions::default()
    };
    let data = assemble(std::slice::from_ref(&many), &roles, &classes).unwrap();
    assert_eq!(data.y.levels.len(), 50);
    let data = assemble(&[many], &roles, &AssembleOptions::default()).unwrap();
    assert_eq!(data.y.levels.len(), pidscope::meta::Y_BINS.default);

    let weights = parse(b"f,g,y,weight\n1,2,a,1\n3,4,b,-1\n").unwrap();
    let weighted = Roles {
        weight: Some("weight".into()),
        ..roles
    };
    let err = assemble(&[weights], &weighted, &AssembleOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("line 3") && err.to_string().contains("'-1'"),
        "{err}"
    );
}

#[test]
fn categorical_modalities_pass_through_and_combine() {
    let t = parse(b"a,b,c,y\nred,1,x,0\nblue,2,y,1\nred,2,x,1\n").unwrap();
    let mut o = named();
    o.categorical_columns = vec!["b".into()];
    let t_cat = parse_with(o, b"a,b,c,y\nred,1,x,0\nblue,2,y,1\nred,2,x,1\n").unwrap();
    let roles = Roles {
        x1: vec!["a".into()],
        x2: vec!["b".into(), "c".into()],
        y: "y".into(),
        ..Roles::default()
    };
    let data = assemble(&[t_cat], &roles, &AssembleOptions::default()).unwrap();
    let ModalityFeatures::Categorical(x2) = &data.x2.features else {
        panic!("two categorical columns form joint categories")
    };
    assert_eq!(x2.levels, ["1|x", "2|x", "2|y"]);
    let d = discretize(&data, None, &DiscretizeOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(d.table.labels(Axis::X1), ["blue", "red"]);
    assert_eq!(d.table.shape(), [2, 3, 2]);
    // Mixed numeric and categorical: the category is one-hot encoded.
    let data = assemble(&[t], &roles, &AssembleOptions::default()).unwrap();
    let ModalityFeatures::Numeric { names, .. } = &data.x2.features else {
        panic!("mixed columns are numeric features")
    };
    assert_eq!(names, &["b", "c=x", "c=y"]);
}

// ---------------------------------------------------------------- discretisation

/// Standard normal draws by Box–Muller (tests only).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u = rng.next_f64().max(1e-300);
    let v = rng.next_f64();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[test]
fn kmeans_recovers_separated_blobs_and_is_deterministic() {
    let centres = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]];
    let mut rng = SplitMix64::new(7);
    let mut points = Vec::new();
    let mut truth = Vec::new();
    for i in 0..400 {
        let blob = (i * 7 + i / 3) % 4;
        truth.push(blob);
        points.push(centres[blob][0] + 0.5 * normal(&mut rng));
        points.push(centres[blob][1] + 0.5 * normal(&mut rng));
    }
    let run = |seed| kmeans(&points, 2, None, 4, seed, 100, &mut |_| {});
    for seed in 0..5 {
        let result = run(seed);
        assert!(result.converged);
        assert_eq!(result.centres.len(), 4);
        // Same partition up to renaming: the cluster of a blob is always the same.
        let mut blob_to_cluster = [u32::MAX; 4];
        for (i, &blob) in truth.iter().enumerate() {
            let c = result.assignment[i];
            if blob_to_cluster[blob] == u32::MAX {
                blob_to_cluster[blob] = c;
            }
            assert_eq!(blob_to_cluster[blob], c, "seed {seed}, point {i}");
        }
        assert_eq!(result, run(seed), "same seed, same result");
    }
    // More clusters than distinct points: one state per distinct point.
    let few = [1.0, 1.0, 2.0, 2.0, 1.0, 1.0];
    let result = kmeans(&few, 2, None, 20, 1, 100, &mut |_| {});
    assert_eq!(result.centres.len(), 2);
    assert_eq!(result.assignment, [0, 1, 0]);
}

#[test]
fn pca_recovers_a_known_principal_direction() {
    let direction = [1.0, 2.0, -2.0].map(|v| v / 3.0);
    let mut rng = SplitMix64::new(3);
    let n = 2000;
    let mut columns: Vec<Vec<f64>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
    for _ in 0..n {
        let t = 4.0 * normal(&mut rng);
        for (j, column) in columns.iter_mut().enumerate() {
            column.push(t * direction[j] + 0.1 * normal(&mut rng));
        }
    }
    // Centre the columns (PCA expects centred data; `standardise` would also rescale).
    for column in &mut columns {
        let mean = column.iter().sum::<f64>() / n as f64;
        column.iter_mut().for_each(|v| *v -= mean);
    }
    for method in [PcaMethod::Exact, PcaMethod::Randomized] {
        let pca = Pca::fit(&columns, None, 2, method, 7, &mut |_, _| {});
        assert_eq!(pca.randomized, method == PcaMethod::Randomized);
        let first = &pca.components[0];
        let alignment: f64 = first.iter().zip(direction).map(|(a, b)| a * b).sum();
        assert!(alignment.abs() > 0.999, "{method:?}: alignment {alignment}");
        assert!(pca.explained_variance[0] > 15.0 && pca.explained_variance[1] < 0.02);
        assert!(
            (pca.total_variance - 16.0).abs() < 2.0,
            "{method:?}: {}",
            pca.total_variance
        );
        let norm: f64 = first.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }
    // Standardised columns have unit variance each.
    let z = standardise(&columns, None);
    let var0 = z[0].iter().map(|v| v * v).sum::<f64>() / n as f64;
    assert!((var0 - 1.0).abs() < 1e-12);
}

/// Tables equal up to a renaming of each variable's states, to `tolerance`.
fn equal_up_to_relabelling(a: &JointTable, b: &JointTable, tolerance: f64) -> bool {
    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for i in 0..=p.len() {
                let mut q = p.clone();
                q.insert(i, n - 1);
                out.push(q);
            }
        }
        out
    }
    if a.shape() != b.shape() {
        return false;
    }
    let [n1, n2, ny] = a.shape();
    for p1 in permutations(n1) {
        for p2 in permutations(n2) {
            for py in permutations(ny) {
                let same = (0..n1).all(|i| {
                    (0..n2).all(|j| {
                        (0..ny).all(|k| {
                            (a.get(i, j, k) - b.get(p1[i], p2[j], py[k])).abs() <= tolerance
                        })
                    })
                });
                if same {
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn samples_pipeline_matches_direct_counts_on_noisy_and() {
    let mut rng = SplitMix64::new(2024);
    let mut csv = String::from("id,m1_0,m1_1,m1_2,m1_3,m2_0,m2_1,m2_2,m2_3,label\n");
    let mut direct = vec![0.0; 8];
    for i in 0..600 {
        let a = (rng.next_u64() & 1) as usize;
        let b = (rng.next_u64() & 1) as usize;
        let y = a & b;
        direct[(a * 2 + b) * 2 + y] += 1.0;
        csv += &i.to_string();
        for bit in [a, a, a, a, b, b, b, b] {
            csv += &format!(",{:.6}", bit as f64 * 5.0 + 0.3 * normal(&mut rng));
        }
        csv += if y == 1 { ",yes\n" } else { ",no\n" };
    }
    // Push in odd-sized chunks, as the worker would.
    let mut reader = CsvReader::new(IngestOptions::named("and.csv"));
    for chunk in csv.as_bytes().chunks(777) {
        reader.push(chunk).unwrap();
    }
    let table = reader.finish().unwrap();
    let roles = Roles::guess(&table.column_names()).unwrap();
    assert_eq!(roles.x1, ["m1_0", "m1_1", "m1_2", "m1_3"]);
    assert_eq!(roles.y, "label");
    let data = assemble(&[table], &roles, &AssembleOptions::default()).unwrap();
    let options = DiscretizeOptions {
        clusters: 2,
        ..DiscretizeOptions::default()
    };
    let mut stages = Vec::new();
    let result = discretize(&data, None, &options, &mut |p: Progress| stages.push(p)).unwrap();
    assert!(stages
        .iter()
        .any(|p| p.modality == Axis::X2 && matches!(p.stage, DiscretizeStage::Lloyd { .. })));
    assert_eq!(result.table.labels(Axis::X1), ["c0", "c1"]);
    assert_eq!(result.table.labels(Axis::Y), ["no", "yes"]);
    assert_eq!(result.x1.centres.len(), 2);
    assert_eq!(result.x1.centres[0].len(), 4);
    let expected = JointTable::from_weights([2, 2, 2], direct).unwrap();
    assert!(equal_up_to_relabelling(&result.table, &expected, 1e-12));
    assert!(!result.stats.unreliable, "{:?}", result.stats.warning);
    assert_eq!(result.stats.occupied_cells, 4);
}

#[test]
fn discretisation_is_deterministic_and_handles_weights_and_bins() {
    let mut rng = SplitMix64::new(11);
    let mut csv = String::from("f_0,f_1,g,label,weight\n");
    for i in 0..300 {
        csv += &format!(
            "{},{},{},{},{}\n",
            normal(&mut rng),
            normal(&mut rng),
            (i % 17) as f64 * 0.5,
            i % 3,
            1 + i % 2
        );
    }
    let table = parse(csv.as_bytes()).unwrap();
    let roles = Roles::guess(&table.column_names()).unwrap();
    assert_eq!(roles.weight.as_deref(), Some("weight"));
    let data = assemble(&[table], &roles, &AssembleOptions::default()).unwrap();
    let options = DiscretizeOptions {
        clusters: 5,
        single_column: SingleColumnMethod::QuantileBins,
        ..DiscretizeOptions::default()
    };
    let first = discretize(&data, None, &options, &mut |_| {}).unwrap();
    let second = discretize(&data, None, &options, &mut |_| {}).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.table.total_weight(), 450.0);
    assert_eq!(first.table.n1(), 5);
    // 17 distinct values of g into 5 weighted quantile bins, named by their ranges.
    assert_eq!(first.table.n2(), 5);
    assert_eq!(first.table.labels(Axis::X2)[0], "0–1.5");
    assert_eq!(first.stats.samples, 300.0);
}

#[test]
fn sparse_tables_carry_a_reliability_warning() {
    // 20 samples spread over 20 cells: one sample per cell.
    let counts: Vec<f64> = (0..40).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    let stats = TableStats::from_counts([4, 5, 2], &counts);
    assert!(stats.unreliable);
    assert_eq!(stats.occupied_cells, 20);
    assert_eq!(stats.median_samples_per_occupied_cell, 1.0);
    // (20 − 20 − 1 + 1) / (2 · 20 · ln 2) = 0.
    assert_eq!(stats.miller_madow_bias_bits, 0.0);
    let message = stats.warning.unwrap();
    assert!(
        message.contains("unreliable") && message.contains("20 samples"),
        "{message}"
    );
    let dense = TableStats::from_counts([2, 1, 2], &[50., 50., 50., 50.]);
    assert!(!dense.unreliable);
    // (4 − 2 − 2 + 1) / (2 · 200 · ln 2)
    let expected = 1.0 / (400.0 * std::f64::consts::LN_2);
    assert!((dense.miller_madow_bias_bits - expected).abs() < 1e-15);
}

/// A file with a model's softmax outputs beside the features: columns of the three
/// conditionals in a shuffled state order, Y with states "cat" and "dog".
fn with_model_outputs(rows: &[&str]) -> ParsedTable {
    let mut text = String::from(
        "cam_0,lidar_0,label,p_x1_dog,p_x1_cat,p_x2_cat,p_x2_dog,p_x1x2_dog,p_x1x2_cat\n",
    );
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    parse(text.as_bytes()).unwrap()
}

#[test]
fn model_probability_columns_are_guessed_and_read_in_the_state_order_of_y() {
    let table = with_model_outputs(&[
        "0.1,1.0,cat,0.2,0.8,0.7,0.3,0.0,1.0",
        "0.9,0.0,dog,0.6,0.4,0.5,0.5,0.99,0.01",
    ]);
    let roles = Roles::guess(&table.column_names()).unwrap();
    assert_eq!(roles.x1, ["cam_0"]);
    assert_eq!(roles.x2, ["lidar_0"]);
    assert_eq!(roles.p_x1, ["p_x1_dog", "p_x1_cat"]);
    assert_eq!(roles.p_x2, ["p_x2_cat", "p_x2_dog"]);
    assert_eq!(roles.p_joint, ["p_x1x2_dog", "p_x1x2_cat"]);
    let data = assemble(&[table], &roles, &AssembleOptions::default()).unwrap();
    assert_eq!(data.y.levels, ["cat", "dog"]);
    let given = data
        .conditionals
        .expect("all three conditionals were given");
    assert_eq!(given.x1, [[0.8, 0.2], [0.4, 0.6]]);
    assert_eq!(given.x2, [[0.7, 0.3], [0.5, 0.5]]);
    assert_eq!(given.joint, [[1.0, 0.0], [0.01, 0.99]]);
}

#[test]
fn bad_model_probabilities_name_the_file_line_and_column() {
    let message = |rows: &[&str], edit: &dyn Fn(&mut Roles)| {
        let table = with_model_outputs(rows);
        let mut roles = Roles::guess(&table.column_names()).unwrap();
        edit(&mut roles);
        assemble(&[table], &roles, &AssembleOptions::default())
            .unwrap_err()
            .to_string()
    };
    let good = "0.1,1.0,cat,0.2,0.8,0.7,0.3,0.0,1.0";
    assert_eq!(
        message(&[good, "0.9,0.0,dog,0.6,0.4,0.5,0.5,1.7,-0.7"], &|_| {}),
        "data.csv, line 3, column 'p_x1x2_cat': probability '-0.7' must be a finite number ≥ 0"
    );
    assert_eq!(
        message(&[good, "0.9,0.0,dog,2.5,0.4,0.5,0.5,1.0,0.0"], &|_| {}),
        "data.csv, line 3: the p̂(y|x1) probabilities sum to 2.9000, not 1 (give probabilities, e.g. softmax outputs, not logits)"
    );
    assert_eq!(
        message(&[good], &|r| r.p_x2.clear()),
        "a model's probabilities need all three conditionals; p̂(y|x2) has no columns"
    );
    // Y holds only "cat" here, so the "dog" columns name no value of Y.
    assert!(message(&[good], &|_| {}).starts_with(
        "p̂(y|x1) columns: column 'p_x1_dog' names no value of label: its name must end in _<value>, one of 'cat'"
    ));
    let two = "0.9,0.0,dog,0.6,0.4,0.5,0.5,0.99,0.01";
    assert_eq!(
        message(&[good, two], &|r| r.p_x2.retain(|c| c != "p_x2_dog")),
        "p̂(y|x2) columns: no column gives the probability of label = 'dog' (name it …_dog)"
    );
    assert_eq!(
        message(&[good, two], &|r| r.p_x1.push("p_x2_cat".into())),
        "column 'p_x2_cat' is used both as p̂(y|x1) and as p̂(y|x2)"
    );
}

#[test]
fn batch_uses_a_models_own_probabilities_instead_of_training_classifiers() {
    // XOR with a perfect joint model and unimodal models that know nothing: I(X1,X2;Y)
    // is 1 bit, each modality alone 0, so BATCH must find 1 bit of synergy.
    let mut text = String::from("a_0,b_0,label,p_x1_0,p_x1_1,p_x2_0,p_x2_1,p_x1x2_0,p_x1x2_1\n");
    for i in 0..400 {
        let (a, b) = (i % 2, (i / 2) % 2);
        let y = a ^ b;
        let jitter = (i % 7) as f64 * 0.01;
        text += &format!(
            "{},{},{y},0.5,0.5,0.5,0.5,{},{}\n",
            a as f64 + jitter,
            b as f64 - jitter,
            1 - y,
            y
        );
    }
    let table = parse(text.as_bytes()).unwrap();
    let config = pidscope::pid::batch::BatchConfig::default();
    let result = pidscope::analysis::analyse_batch(
        &[table],
        None,
        &Default::default(),
        &config,
        &mut |_| {},
    )
    .unwrap();
    let pid = &result.dataset;
    assert!(!pid.classifiers_trained);
    assert!(pid.history.classifier_x1.is_empty());
    // p(y) is the training split's label frequency, so I12 is 1 bit only up to its sampling.
    assert!((pid.mi_joint - 1.0).abs() < 0.01, "I12 = {}", pid.mi_joint);
    assert!(pid.mi_x1_y.abs() < 0.01 && pid.mi_x2_y.abs() < 0.01);
    assert!(pid.synergy > 0.95, "S = {}", pid.synergy);
}

#[test]
fn an_analysis_beyond_the_memory_left_is_refused_before_it_starts() {
    // 1,000 rows × 4 float64 features: CVX copies them once as it assembles the rows
    // (1,000 × 4 × 8 = 32,000 bytes) and standardises as it reads them.
    let mut csv = String::from("a,b,c,d,label\n");
    for i in 0..1000 {
        csv += &format!("{i},{},{},{},{}\n", i % 7, i % 5, i % 3, i % 2);
    }
    let table = parse(csv.as_bytes()).unwrap();
    let mut settings = pidscope::analysis::AnalysisSettings {
        memory_limit_bytes: Some(30_000),
        ..Default::default()
    };
    let err =
        pidscope::analysis::analyse(std::slice::from_ref(&table), None, &settings, &mut |_| {})
            .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("1000 rows × 4 features") && message.contains("pidscope estimate"),
        "{message}"
    );
    settings.memory_limit_bytes = Some(40_000);
    assert!(pidscope::analysis::analyse(&[table], None, &settings, &mut |_| {}).is_ok());
}

#[test]
fn float32_features_are_shared_with_the_file_and_standardised_as_they_are_read() {
    // 2,000 rows × 8 float32 features as .npy, the label in a second file.
    let mut rng = SplitMix64::new(5);
    let (rows, width) = (2000, 8);
    let values: Vec<f32> = (0..rows * width).map(|_| rng.next_f64() as f32).collect();
    let x: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let x_wide: Vec<u8> = values
        .iter()
        .flat_map(|&v| f64::from(v).to_le_bytes())
        .collect();
    let y: Vec<u8> = (0..rows)
        .flat_map(|r| ((r % 3) as i64).to_le_bytes())
        .collect();
    let read = |name: &str, bytes: Vec<u8>| {
        let mut reader = pidscope::data::FileReader::new(IngestOptions::named(name));
        // In pieces that split rows and the header, as a browser's stream does.
        for piece in bytes.chunks(1000) {
            reader.push(piece).unwrap();
        }
        reader.finish().unwrap()
    };
    let npy = pidscope::data::npy::write_npy;
    let x1 = read("x1.npy", npy("<f4", false, &[rows, width], &x));
    let x2 = read("x2.npy", npy("<f4", false, &[rows, width], &x));
    let y = read("y.npy", npy("<i8", false, &[rows], &y));
    let stored = x1.column("x1[3]").unwrap();
    assert!(matches!(
        stored.data,
        ColumnData::Numeric(pidscope::data::Numbers::F32(_))
    ));
    assert_eq!(stored.len(), rows);
    let tables = [x1, x2, y.clone()];
    // Neither the assembled rows nor a standardised copy: a few kilobytes suffice for CVX.
    let settings = pidscope::analysis::AnalysisSettings {
        memory_limit_bytes: Some(10_000),
        resamples: 0,
        permutations: 0,
        ..Default::default()
    };
    let analysis = pidscope::analysis::analyse(&tables, None, &settings, &mut |_| {}).unwrap();
    // The same atoms as from float64 storage of the same values.
    let wide = [
        read("x1.npy", npy("<f8", false, &[rows, width], &x_wide)),
        read("x2.npy", npy("<f8", false, &[rows, width], &x_wide)),
        y,
    ];
    let unlimited = pidscope::analysis::AnalysisSettings {
        memory_limit_bytes: None,
        ..settings.clone()
    };
    let reference = pidscope::analysis::analyse(&wide, None, &unlimited, &mut |_| {}).unwrap();
    assert_eq!(analysis.dataset.pid, reference.dataset.pid);
    // The Gaussian estimator widens every feature: refused within the same limit.
    let gaussian =
        pidscope::analysis::analyse_gaussian(&tables, None, &settings, &Default::default());
    assert!(gaussian
        .unwrap_err()
        .to_string()
        .contains("2000 rows × 16 features"));
}
