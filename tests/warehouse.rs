//! The saved discretiser (docs/scale.md): saved, loaded and applied, it gives every row
//! the state the analysis gave it; its SQL is quoted for each dialect.

use pidscope::analysis::{fit, AnalysisSettings};
use pidscope::data::{assemble, parse_csv, AssembleOptions, IngestOptions, ParsedTable, Roles};
use pidscope::discretize::sql::{counts_query, number, Dialect};
use pidscope::discretize::{
    discretize, DiscretiserModel, DiscretizeOptions, ModalityRule, Normalisation,
    SingleColumnMethod, MODEL_VERSION,
};
use pidscope::rng::SplitMix64;

fn digits() -> ParsedTable {
    let bytes = std::fs::read("tests/data/digits_halves.csv").expect("the digits file");
    parse_csv(IngestOptions::named("digits_halves.csv"), &bytes).expect("parses")
}

fn roles(x1: &[&str], x2: &[&str], y: &str, weight: Option<&str>) -> Roles {
    let list = |c: &[&str]| c.iter().map(|s| s.to_string()).collect();
    Roles {
        x1: list(x1),
        x2: list(x2),
        y: y.into(),
        weight: weight.map(Into::into),
        ..Roles::default()
    }
}

/// Saved as JSON, read back and applied to the rows, the model gives the pipeline's
/// states, row by row; and its table is the pipeline's table.
fn assert_model_reproduces(
    table: &ParsedTable,
    roles: &Roles,
    options: &DiscretizeOptions,
) -> DiscretiserModel {
    let dataset = assemble(
        std::slice::from_ref(table),
        roles,
        &AssembleOptions::default(),
    )
    .expect("assembles");
    let discrete = discretize(&dataset, None, options, &mut |_| {}).expect("discretises");
    let model = DiscretiserModel::of(&dataset, &discrete, options, roles.weight.as_deref())
        .expect("a model");
    let loaded = DiscretiserModel::from_json(&model.to_json()).expect("reads back");
    assert_eq!(loaded, model, "the JSON round trip is exact");
    let [x1, x2, y] = loaded.assign(&dataset).expect("assigns");
    assert_eq!(x1, discrete.x1.assignment, "X1 row by row");
    assert_eq!(x2, discrete.x2.assignment, "X2 row by row");
    assert_eq!(y, dataset.y.codes, "Y row by row");
    let (counted, _) = loaded.table(&dataset).expect("counts");
    assert_eq!(counted, discrete.table);
    loaded
}

#[test]
fn the_saved_model_assigns_the_digits_as_the_analysis_did() {
    let table = digits();
    let names = table.column_names();
    let side =
        |p: &str| -> Vec<&str> { names.iter().copied().filter(|n| n.starts_with(p)).collect() };
    let roles = roles(&side("left_"), &side("right_"), "label", None);
    assert_model_reproduces(&table, &roles, &DiscretizeOptions::default());
    // Stopped by the iteration cap, the centres moved after the last assignment: the
    // model keeps the centres that assigned.
    let capped = DiscretizeOptions {
        max_iterations: 2,
        clusters: 12,
        ..DiscretizeOptions::default()
    };
    let dataset = assemble(
        std::slice::from_ref(&table),
        &roles,
        &AssembleOptions::default(),
    )
    .unwrap();
    assert!(
        !discretize(&dataset, None, &capped, &mut |_| {})
            .unwrap()
            .x1
            .converged
    );
    assert_model_reproduces(&table, &roles, &capped);
}

#[test]
fn one_hot_categories_quantile_bins_and_weights_are_reproduced() {
    let mut rng = SplitMix64::new(3);
    let mut csv = String::from("a,b b,kind,\"it's\",w,y\n");
    for _ in 0..400 {
        let a = rng.next_f64() * 8.0 - 4.0;
        let b = rng.next_f64() * 10.0 + 1e15; // a large offset: the recentring pass
        let kind = ["red", "green", "blue"][(rng.next_f64() * 3.0) as usize];
        let single = (rng.next_f64() * 50.0).round() / 10.0;
        let w = 0.5 + rng.next_f64();
        let y = if (a > 0.0) ^ (kind == "red") {
            "on"
        } else {
            "off"
        };
        csv += &format!("{a},{b},{kind},{single},{w},{y}\n");
    }
    let table = parse_csv(IngestOptions::named("mixed.csv"), csv.as_bytes()).unwrap();
    let options = DiscretizeOptions {
        clusters: 5,
        single_column: SingleColumnMethod::QuantileBins,
        ..DiscretizeOptions::default()
    };
    let weighted = roles(&["a", "b b", "kind"], &["it's"], "y", Some("w"));
    let binned = assert_model_reproduces(&table, &weighted, &options);
    let ModalityRule::QuantileBins { upper, .. } = &binned.x2.rule else {
        panic!("X2, one numeric column, is cut into quantile bins")
    };
    assert!(
        upper.len() > 1 && upper.windows(2).all(|w| w[0] < w[1]),
        "{upper:?}"
    );
    let categorical = roles(&["a", "b b"], &["kind"], "y", None);
    assert_model_reproduces(&table, &categorical, &options);
    // What the model says it does: recentring, one-hot features, quantile bins.
    let settings = AnalysisSettings {
        clusters: 5,
        ..AnalysisSettings::default()
    };
    let fitted = fit(
        std::slice::from_ref(&table),
        Some(&weighted),
        &settings,
        &mut |_| {},
    )
    .unwrap();
    let ModalityRule::KMeans { features, .. } = &fitted.model.x1.rule else {
        panic!("X1 is clustered")
    };
    assert!(
        features[1].standardise.unwrap().recentre != 0.0,
        "b b is recentred"
    );
    assert_eq!(features.len(), 5, "a, b b and three one-hot kinds");
    assert_eq!(fitted.model.weight.as_deref(), Some("w"));
}

#[test]
fn a_row_normalised_model_reproduces_the_pipeline_and_sql_refuses_it() {
    let table = digits();
    let names = table.column_names();
    let side =
        |p: &str| -> Vec<&str> { names.iter().copied().filter(|n| n.starts_with(p)).collect() };
    let roles = roles(&side("left_"), &side("right_"), "label", None);
    let paper = DiscretizeOptions {
        normalisation: Normalisation::NormaliseRows,
        pca_components: 2,
        restarts: 3,
        ..DiscretizeOptions::default()
    };
    let model = assert_model_reproduces(&table, &roles, &paper);
    assert!(model.x1.normalises_rows() && model.x2.normalises_rows());
    // Written as version 2, which an older pidscope refuses rather than misreads; a
    // standardised model stays version 1.
    assert_eq!(model.version, MODEL_VERSION);
    assert!(model.to_json().contains("\"normalise_rows\": true"));
    let standard = assert_model_reproduces(&table, &roles, &DiscretizeOptions::default());
    assert_eq!(standard.version, 1);
    assert!(!standard.to_json().contains("normalise_rows"));
    let refused = counts_query(&model, Dialect::DuckDb, "t")
        .unwrap_err()
        .to_string();
    assert!(refused.contains("L2-normalising each row"), "{refused}");
    assert!(refused.starts_with("X1 "), "{refused}");
}

#[test]
fn the_model_file_is_checked() {
    let table = digits();
    let fitted = fit(
        std::slice::from_ref(&table),
        None,
        &AnalysisSettings::default(),
        &mut |_| {},
    )
    .expect("guessed roles fit");
    let json = fitted.model.to_json();
    let error = |text: &str| DiscretiserModel::from_json(text).unwrap_err().to_string();
    assert!(error(&json.replace("\"version\": 1", "\"version\": 3")).contains("version 3"));
    assert!(error(&json.replace("pidscope-discretiser", "other")).contains("format 'other'"));
    assert!(error("{").contains("not a pidscope discretiser"));
    let mut broken: serde_json::Value = serde_json::from_str(&json).unwrap();
    broken["x1"]["centres"][0]["at"] = serde_json::json!([1.0]);
    assert!(error(&broken.to_string()).contains("a centre of 1 coordinates"));
}

#[test]
fn numbers_are_written_to_read_back_exactly_as_doubles() {
    let mut rng = SplitMix64::new(11);
    for _ in 0..1000 {
        let x = (rng.next_f64() - 0.5) * 10f64.powi((rng.next_f64() * 60.0) as i32 - 30);
        let text = number(x);
        let bare = text.trim_start_matches('(').trim_end_matches(')');
        assert!(
            bare.contains('e'),
            "{text} has an exponent (a DOUBLE, not a DECIMAL)"
        );
        assert_eq!(bare.parse::<f64>().unwrap().to_bits(), x.to_bits());
        assert_eq!(text.starts_with('('), x.is_sign_negative());
    }
}

#[test]
fn identifiers_and_strings_are_quoted_for_each_dialect() {
    assert_eq!(Dialect::DuckDb.identifier("a \"b\""), "\"a \"\"b\"\"\"");
    assert_eq!(Dialect::Spark.identifier("a `b`"), "`a ``b```");
    assert_eq!(Dialect::DuckDb.string("it's \\"), "'it''s \\'");
    assert_eq!(Dialect::Spark.string("it's \\"), "'it\\'s \\\\'");
    assert_eq!(Dialect::Spark.table("db.my t"), "`db`.`my t`");
    // The same model: the two texts differ only in quoting.
    let csv = "cam \"x\",cam y,o's,label\n1,2,p,a'b\n3,1,q,c\n2,2,p,c\n5,0,q,a'b\n";
    let table = parse_csv(IngestOptions::named("q.csv"), csv.as_bytes()).unwrap();
    let roles = roles(&["cam \"x\"", "cam y"], &["o's"], "label", None);
    let settings = AnalysisSettings {
        clusters: 2,
        ..AnalysisSettings::default()
    };
    let model = fit(&[table], Some(&roles), &settings, &mut |_| {})
        .unwrap()
        .model;
    let duck = counts_query(&model, Dialect::DuckDb, "t").unwrap();
    let spark = counts_query(&model, Dialect::Spark, "t").unwrap();
    assert!(duck.contains("CAST(\"cam \"\"x\"\"\" AS DOUBLE)"), "{duck}");
    assert!(duck.contains("CAST(\"o's\" AS STRING) = 'p'"), "{duck}");
    assert!(duck.contains("THEN 'a''b'"), "{duck}");
    assert!(spark.contains("CAST(`cam \"x\"` AS DOUBLE)"), "{spark}");
    assert!(spark.contains("THEN 'a\\'b'"), "{spark}");
    // DuckDB is told to materialise each stage (it would inline them); Spark is not.
    assert_eq!(duck.matches(" AS MATERIALIZED (").count(), 5, "{duck}");
    let respelled = duck
        .replace(" AS MATERIALIZED (", " AS (")
        .replace("\"cam \"\"x\"\"\"", "`cam \"x\"`")
        .replace("\"cam y\"", "`cam y`")
        .replace("\"o's\"", "`o's`")
        .replace("\"label\"", "`label`")
        .replace("\"t\"", "`t`")
        .replace("'a''b'", "'a\\'b'");
    assert_eq!(respelled, spark);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn fit_and_sql_fail_with_one_line_naming_the_problem() {
    use std::process::Command;
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_pidscope"))
            .args(args)
            .output()
            .expect("the pidscope binary runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let dir = std::env::temp_dir().join(format!("pidscope-warehouse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    std::fs::write(path("counts.csv"), "x1,x2,y,count\na,b,0,3\na,c,1,2\n").unwrap();
    let (code, err) = run(&["fit", &path("counts.csv"), "--save-model", &path("m.json")]);
    assert_eq!(code, Some(1));
    assert!(err.contains("is a counts table"), "{err}");
    let (code, err) = run(&[
        "sql",
        &path("counts.csv"),
        "--dialect",
        "duckdb",
        "--table",
        "t",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not a pidscope discretiser"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Two categorical columns make a joint category, which SQL does not write yet.
    let mut csv = String::from("a,b,c,y\n");
    for i in 0..40 {
        csv += &format!("p{},q{},{},{}\n", i % 3, i % 2, i as f64 * 0.5, i % 2);
    }
    std::fs::write(path("joint.csv"), csv).unwrap();
    let fit = [
        "fit",
        &path("joint.csv"),
        "--x1",
        "a,b",
        "--x2",
        "c",
        "--y",
        "y",
    ];
    let (code, err) = run(&[
        &fit[..],
        &[
            "--save-model",
            &path("j.json"),
            "--counts-out",
            &path("j.csv"),
        ],
    ]
    .concat());
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run(&["sql", &path("j.json"), "--dialect", "spark", "--table", "t"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("joint category of several columns (a, b)"),
        "{err}"
    );
}

#[test]
fn a_scalar_target_is_saved_as_bin_edges_and_reproduced() {
    // A scalar Y (400 distinct values) is cut into quantile bins at assembly; the model
    // keeps their edges, so it assigns Y's bin from the value, as the pipeline did.
    let mut rng = SplitMix64::new(3);
    let mut text = String::from("a_0,b_0,score\n");
    for _ in 0..400 {
        let (a, b, e) = (rng.normal(), rng.normal(), rng.normal());
        text += &format!("{a},{b},{}\n", a + b + 0.5 * e);
    }
    let table = parse_csv(IngestOptions::named("scalar.csv"), text.as_bytes()).expect("parses");
    let model = assert_model_reproduces(
        &table,
        &roles(&["a_0"], &["b_0"], "score", None),
        &DiscretizeOptions::default(),
    );
    let upper = model.y.upper.as_ref().expect("bin edges are saved");
    assert_eq!(upper.len(), model.y.labels.len());
    let sql = counts_query(&model, Dialect::DuckDb, "t").expect("a query");
    assert!(sql.contains("<= "), "bins are cut at their edges: {sql}");
}
