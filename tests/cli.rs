//! The command line as a user meets it: help for every subcommand, suggestions for
//! typos, defaults and bounds from `pidscope::meta`, exit statuses, and JSON that names
//! every term the core defines.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

use pidscope::meta;
use pidscope::pid::TERMS;

fn pidscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pidscope"))
        .args(args)
        .output()
        .expect("the pidscope binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn xor_counts() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("pidscope-cli-{}.csv", std::process::id()));
    std::fs::write(&path, "x1,x2,y,count\n0,0,0,5\n0,1,1,5\n1,0,1,5\n1,1,0,5\n").unwrap();
    path
}

#[test]
fn every_subcommand_has_help_with_the_cores_defaults() {
    let top = pidscope(&["--help"]);
    assert!(top.status.success());
    for command in ["estimate", "link", "open", "completions"] {
        assert!(text(&top.stdout).contains(command), "{command} is listed");
    }
    let help = pidscope(&["estimate", "--help"]);
    assert!(help.status.success(), "{}", text(&help.stderr));
    let out = text(&help.stdout);
    let clusters = meta::CLUSTERS;
    assert!(
        out.contains(&format!("[default: {}]", clusters.default)),
        "{out}"
    );
    assert!(out.contains(&format!("{}–{}", clusters.min, clusters.max)));
    assert!(out.contains(&format!("[default: {}]", meta::BATCH_SIZE.default)));
    assert!(pidscope(&["link", "--help"]).status.success());
    assert!(pidscope(&["help", "estimate"]).status.success());
}

#[test]
fn typos_get_suggestions_and_usage_errors_exit_with_2() {
    let typo = pidscope(&["estimate", "x.csv", "--clusteres", "3"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        text(&typo.stderr).contains("--clusters"),
        "{}",
        text(&typo.stderr)
    );
    let command = pidscope(&["estimat", "x.csv"]);
    assert_eq!(command.status.code(), Some(2));
    assert!(text(&command.stderr).contains("'estimate'"));
    let low = (meta::CLUSTERS.min - 1).to_string();
    let bound = pidscope(&["estimate", "x.csv", "--clusters", &low]);
    assert_eq!(bound.status.code(), Some(2));
    assert!(text(&bound.stderr).contains(&format!(
        "between {} and {}",
        meta::CLUSTERS.min,
        meta::CLUSTERS.max
    )));
    let none = pidscope(&["estimate"]);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn a_missing_file_is_an_input_error_naming_it() {
    let missing = pidscope(&["estimate", "/nonexistent/data.csv"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).starts_with("pidscope: /nonexistent/data.csv: "));
}

#[test]
fn json_carries_every_term_in_the_chosen_units() {
    let path = xor_counts();
    let file = path.to_str().unwrap();
    let bits: serde_json::Value =
        serde_json::from_slice(&pidscope(&["estimate", file, "--json"]).stdout).unwrap();
    let nats: serde_json::Value =
        serde_json::from_slice(&pidscope(&["estimate", file, "--json", "--nats"]).stdout).unwrap();
    for term in &TERMS {
        let b = bits[term.key]
            .as_f64()
            .unwrap_or_else(|| panic!("{}", term.key));
        let n = nats[term.key].as_f64().unwrap();
        assert!(
            (n - b * std::f64::consts::LN_2).abs() < 1e-9,
            "{}",
            term.key
        );
    }
    assert!((bits["synergy"].as_f64().unwrap() - 1.0).abs() < 1e-6);
    assert_eq!(bits["units"], "bits");
    assert_eq!(nats["units"], "nats");
    assert_eq!(bits["kind"], "counts");
    let table = text(&pidscope(&["estimate", file]).stdout);
    for term in &TERMS {
        assert!(table.contains(term.label), "{} in\n{table}", term.label);
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn completions_are_generated() {
    let bash = pidscope(&["completions", "bash"]);
    assert!(bash.status.success());
    assert!(text(&bash.stdout).contains("--clusters"));
}

/// Rows of `n` samples: four noise features and a label that is, with `signal`, the XOR
/// of the signs of the first feature of each modality (else independent noise).
fn samples_csv(n: usize, signal: bool, seed: u64) -> std::path::PathBuf {
    let mut rng = pidscope::rng::SplitMix64::new(seed);
    let mut text = String::from("a_0,a_1,b_0,b_1,label\n");
    for _ in 0..n {
        let v: Vec<f64> = (0..4).map(|_| rng.normal()).collect();
        let xor = (v[0] > 0.0) != (v[2] > 0.0);
        let label = if signal { xor } else { rng.uniform() < 0.5 };
        text += &format!("{},{},{},{},{}\n", v[0], v[1], v[2], v[3], u8::from(label));
    }
    let path = std::env::temp_dir().join(format!(
        "pidscope-cli-{signal}-{seed}-{}.csv",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn uncertainty_is_in_the_json_and_noise_is_called_noise() {
    let noise = samples_csv(2000, false, 3);
    let out = pidscope(&[
        "estimate",
        noise.to_str().unwrap(),
        "--json",
        "--resamples",
        "60",
        "--permutations",
        "60",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let u = &json["uncertainty"];
    for key in ["method", "resamples", "permutations", "seed", "confidence"] {
        assert!(!u[key].is_null(), "{key}");
    }
    for term in &TERMS {
        for key in ["corrected", "low", "high", "p_value", "null_mean"] {
            assert!(u[term.key][key].is_number(), "{}.{key}", term.key);
        }
        if term.atom {
            assert!(
                u[term.key]["p_value"].as_f64().unwrap() >= meta::SIGNIFICANCE_LEVEL,
                "{} on noise",
                term.key
            );
        }
    }
    let table = text(
        &pidscope(&[
            "estimate",
            noise.to_str().unwrap(),
            "--resamples",
            "60",
            "--permutations",
            "60",
        ])
        .stdout,
    );
    assert!(
        table.contains("No information about label was detected"),
        "{table}"
    );
    let xor = samples_csv(1000, true, 4);
    let json: serde_json::Value = serde_json::from_slice(
        &pidscope(&[
            "estimate",
            xor.to_str().unwrap(),
            "--json",
            "--resamples",
            "60",
            "--permutations",
            "60",
        ])
        .stdout,
    )
    .unwrap();
    let s = &json["uncertainty"]["synergy"];
    assert!(s["p_value"].as_f64().unwrap() < meta::SIGNIFICANCE_LEVEL);
    assert!(s["low"].as_f64().unwrap() > 0.2, "{s}");
    let off = pidscope(&[
        "estimate",
        xor.to_str().unwrap(),
        "--json",
        "--resamples",
        "0",
        "--permutations",
        "0",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&off.stdout).unwrap();
    assert!(json["uncertainty"].is_null(), "0 and 0 turn it off");
    for path in [noise, xor] {
        let _ = std::fs::remove_file(path);
    }
}

/// The URL `pidscope link` prints for `args`.
fn link_of(args: &[&str]) -> String {
    let out = pidscope(&[&["link"], args].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

#[test]
fn a_link_carries_the_uncertainty_and_open_checks_it() {
    let xor = samples_csv(600, true, 9);
    let file = xor.to_str().unwrap();
    let settings = ["--resamples", "40", "--permutations", "30", "--seed", "5"];
    let url = link_of(&[&[file][..], &settings[..]].concat());
    assert!(
        url.contains(&format!("#s={}.", pidscope::share::VERSION)),
        "{url}"
    );
    let opened = pidscope(&["open", &url]);
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    let out = text(&opened.stdout);
    assert!(
        out.contains("The intervals and p-values agree with the link's"),
        "{out}"
    );
    // The recomputed uncertainty is the original's: same settings, same bits.
    let estimated: serde_json::Value = serde_json::from_slice(
        &pidscope(&[&["estimate", file, "--json"][..], &settings[..]].concat()).stdout,
    )
    .unwrap();
    let reopened: serde_json::Value =
        serde_json::from_slice(&pidscope(&["open", &url, "--json"]).stdout).unwrap();
    for term in &TERMS {
        for key in ["corrected", "low", "high", "p_value"] {
            let (a, b) = (
                estimated["uncertainty"][term.key][key].as_f64().unwrap(),
                reopened["uncertainty"][term.key][key].as_f64().unwrap(),
            );
            assert!((a - b).abs() < 1e-12, "{}.{key}: {a} vs {b}", term.key);
        }
    }
    assert_eq!(reopened["uncertainty"]["resamples"], 40);
    assert_eq!(reopened["uncertainty"]["seed"], 5);
}

#[test]
fn open_reports_a_link_whose_stored_uncertainty_was_altered() {
    use pidscope::share::{decode_link, encode_link};
    let xor = samples_csv(300, true, 11);
    let url = link_of(&[
        xor.to_str().unwrap(),
        "--resamples",
        "20",
        "--permutations",
        "20",
    ]);
    let mut state = decode_link(&url).unwrap();
    let u = state
        .results
        .uncertainty
        .as_mut()
        .expect("stored uncertainty");
    u.synergy.low = u.synergy.low.map(|low| low + 0.05);
    let altered = encode_link(&state);
    let out = pidscope(&["open", &altered]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("synergy low: the link says"), "{err}");
    // A link that is not one gets the decoder's message, not a panic.
    let bad = pidscope(&["open", "2.@@@"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("the link"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn a_table_of_probabilities_says_it_has_no_sample_size() {
    let path = std::env::temp_dir().join(format!("pidscope-cli-p-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "x1,x2,y,count\n0,0,0,0.25\n0,1,1,0.25\n1,0,1,0.25\n1,1,0,0.25\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&pidscope(&["estimate", file, "--json"]).stdout).unwrap();
    assert!(json["uncertainty"].is_null());
    assert_eq!(json["uncertainty_note"], meta::NO_SAMPLE_SIZE);
    let table = text(&pidscope(&["estimate", file]).stdout);
    assert!(table.contains("it has no sample size"), "{table}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn batch_json_carries_its_samples_history_and_shuffled_label_floor() {
    let xor = samples_csv(1200, true, 21);
    let out = pidscope(&[
        "estimate",
        xor.to_str().unwrap(),
        "--estimator",
        "batch",
        "--batch-null-runs",
        "2",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["samples", "test_batches", "history", "rows", "uncertainty"] {
        assert!(!json[key].is_null(), "{key} in {json}");
    }
    assert!(json["samples"]["test"].as_u64().unwrap() > 0);
    assert!(!json["history"]["alignment"].as_array().unwrap().is_empty());
    let u = &json["uncertainty"];
    assert_eq!(u["null_runs"], 2);
    for term in &TERMS {
        let t = &u[term.key];
        let (estimate, floor) = (
            t["estimate"].as_f64().unwrap(),
            t["null_floor"].as_f64().unwrap(),
        );
        assert!((t["corrected"].as_f64().unwrap() - (estimate - floor)).abs() < 1e-12);
        // Two runs give a p-value but too few for a test.
        assert!(t["p_value"].as_f64().unwrap() >= 1.0 / 3.0);
        assert!(t["detected"].is_null());
    }
    // XOR: synergy is well above the floor, which sits near 0.
    assert!(u["synergy"]["corrected"].as_f64().unwrap() > 0.2, "{u}");
    assert!(
        u["synergy"]["null_floor"].as_f64().unwrap().abs() < 0.05,
        "{u}"
    );
}

#[test]
fn fidelity_warns_in_text_and_json_on_by_default_and_no_fidelity_turns_it_off() {
    use pidscope::fidelity::cases::{hidden_xor, planted_blobs};
    let write = |name: &str, table: &pidscope::data::ParsedTable| {
        let path =
            std::env::temp_dir().join(format!("pidscope-cli-{name}-{}.csv", std::process::id()));
        std::fs::write(&path, pidscope::scenarios::write_csv(table)).unwrap();
        path
    };
    let lost = write("hidden-xor", &hidden_xor(6000, 16, 1).unwrap().table);
    let quick = ["--resamples", "0", "--permutations", "0"];
    let run = |path: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["estimate", path.to_str().unwrap()];
        args.extend(quick);
        args.extend(extra);
        let out = pidscope(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let table = run(&lost, &[]);
    assert!(table.contains("Fidelity of the table"), "{table}");
    assert!(
        table.contains("warning: the discrete table keeps clearly less"),
        "{table}"
    );
    assert!(
        table.contains("--pca N, --clusters K, or --estimator batch"),
        "{table}"
    );

    let json: serde_json::Value = serde_json::from_str(&run(&lost, &["--json"])).unwrap();
    let f = &json["fidelity"];
    let (table_bits, bound) = (
        f["table_bits"].as_f64().unwrap(),
        f["classifier_bits"].as_f64().unwrap(),
    );
    assert!(
        (table_bits - json["mi_joint"].as_f64().unwrap()).abs() < 1e-12,
        "{f}"
    );
    assert!(bound > table_bits + 0.5, "{f}");
    assert!((f["retained"].as_f64().unwrap() - table_bits / bound).abs() < 1e-9);
    assert!(f["warning"].as_str().unwrap().contains("BATCH"), "{f}");
    for modality in ["x1", "x2", "joint"] {
        assert!(
            f[modality]["classifier_bits"].is_number(),
            "{modality}: {f}"
        );
    }

    let off: serde_json::Value =
        serde_json::from_str(&run(&lost, &["--json", "--no-fidelity"])).unwrap();
    assert!(
        off["fidelity"].is_null() && off["fidelity_skipped"].is_null(),
        "{off}"
    );
    assert!(!run(&lost, &["--no-fidelity"]).contains("Fidelity"));

    let kept = write("planted", &planted_blobs(4000, 2).unwrap().table);
    let json: serde_json::Value = serde_json::from_str(&run(&kept, &["--json"])).unwrap();
    assert!(
        json["fidelity"]["warning"].is_null(),
        "{}",
        json["fidelity"]
    );
    assert!(run(&kept, &[]).contains("the table keeps what the classifiers find"));

    // Counts: nothing to check, no line and a null in JSON (its own file: other tests
    // remove theirs).
    let counts = std::env::temp_dir().join(format!(
        "pidscope-cli-fid-counts-{}.csv",
        std::process::id()
    ));
    std::fs::write(
        &counts,
        "x1,x2,y,count\n0,0,0,5\n0,1,1,5\n1,0,1,5\n1,1,0,5\n",
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&run(&counts, &["--json"])).unwrap();
    assert!(json["fidelity"].is_null());
    for path in [lost, kept, counts] {
        let _ = std::fs::remove_file(path);
    }
}

/// Writes `text` to a temporary file named `name` (unique per test process).
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pidscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Two files of the same 300 samples, the second in another order: X1 = noise in the
/// first, X2 (which decides the label) and the label in the second.
fn shuffled_pair(id_column: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut rng = pidscope::rng::SplitMix64::new(8);
    let mut left = format!("{id_column},f_0\n");
    let mut right: Vec<String> = Vec::new();
    for i in 0..300 {
        left += &format!("{i},{}\n", rng.uniform());
        let v = rng.uniform();
        right.push(format!("{i},{v},{}\n", u8::from(v > 0.5)));
    }
    right.reverse();
    let right = format!("{id_column},g_0,label\n{}", right.concat());
    (
        temp_file(&format!("left-{id_column}.csv"), &left),
        temp_file(&format!("right-{id_column}.csv"), &right),
    )
}

#[test]
fn files_are_joined_on_a_shared_id_and_never_paired_wrongly_by_position() {
    let (left, right) = shuffled_pair("id");
    let (l, r) = (left.to_str().unwrap(), right.to_str().unwrap());
    let out = pidscope(&["estimate", l, r, "--json", "--clusters", "4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["mi_x2_y"].as_f64().unwrap() > 0.8, "{json}");
    assert_eq!(json["rows"]["joined_on"], "id");
    assert!(json["notes"][0]
        .as_str()
        .unwrap()
        .contains("joined on 'id'"));
    let table = text(&pidscope(&["estimate", l, r, "--clusters", "4"]).stdout);
    assert!(table.contains("note: Files joined on 'id'"), "{table}");

    // A join column under another name is named with --join-on; without it the files
    // would be paired by position, which is what the mismatch check cannot see.
    let (left, right) = shuffled_pair("sample");
    let (l, r) = (left.to_str().unwrap(), right.to_str().unwrap());
    let joined = pidscope(&[
        "estimate",
        l,
        r,
        "--join-on",
        "sample",
        "--json",
        "--clusters",
        "4",
    ]);
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    let json: serde_json::Value = serde_json::from_slice(&joined.stdout).unwrap();
    assert!(json["mi_x2_y"].as_f64().unwrap() > 0.8, "{json}");
    let missing = pidscope(&["estimate", l, r, "--join-on", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("'nope'"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn a_stray_value_is_refused_with_the_options_that_resolve_it() {
    let mut csv = String::from("a_0,b_0,label\n");
    for i in 0..40 {
        let a = if i == 11 {
            "abc".to_string()
        } else {
            format!("{}", i % 4)
        };
        csv += &format!("{a},{},{}\n", i % 2, (i % 4) / 2);
    }
    let path = temp_file("stray.csv", &csv);
    let file = path.to_str().unwrap();
    let out = pidscope(&["estimate", file]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    for piece in [
        "line 13",
        "'a_0'",
        "'abc'",
        "--numeric 'a_0'",
        "--text 'a_0'",
    ] {
        assert!(message.contains(piece), "'{message}' should name {piece}");
    }
    let numbers = pidscope(&["estimate", file, "--numeric", "a_0", "--json"]);
    assert!(numbers.status.success(), "{}", text(&numbers.stderr));
    let json: serde_json::Value = serde_json::from_slice(&numbers.stdout).unwrap();
    assert_eq!(json["rows"]["rows_used"], 39);
    assert!(json["notes"][0]
        .as_str()
        .unwrap()
        .contains("1 value that is not a number"));
    let categories = pidscope(&["estimate", file, "--text", "a_0", "--json"]);
    assert!(categories.status.success(), "{}", text(&categories.stderr));
    let json: serde_json::Value = serde_json::from_slice(&categories.stdout).unwrap();
    assert_eq!(json["rows"]["rows_used"], 40);
    assert_eq!(
        json["shape"][0], 5,
        "four numbers and 'abc' are five categories"
    );
}

#[test]
fn a_scalar_target_is_binned_as_asked_and_the_override_is_honoured() {
    let path = std::env::temp_dir().join(format!("pidscope-cli-scalar-{}.csv", std::process::id()));
    let mut rng = pidscope::rng::SplitMix64::new(5);
    let mut text_csv = String::from("a_0,b_0,score\n");
    for _ in 0..400 {
        let (a, b, e) = (rng.normal(), rng.normal(), rng.normal());
        text_csv += &format!("{a},{b},{}\n", a + b + 0.5 * e);
    }
    std::fs::write(&path, text_csv).unwrap();
    let file = path.to_str().unwrap();
    let common = [
        file,
        "--x1",
        "a_0",
        "--x2",
        "b_0",
        "--y",
        "score",
        "--clusters",
        "4",
        "--no-fidelity",
    ];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = [
            "estimate",
            "--json",
            "--resamples",
            "0",
            "--permutations",
            "0",
        ]
        .iter()
        .chain(&common)
        .chain(extra)
        .copied()
        .collect();
        pidscope(&args)
    };
    let binned = run(&["--y-bins", "5"]);
    assert!(binned.status.success(), "{}", text(&binned.stderr));
    let json: serde_json::Value = serde_json::from_slice(&binned.stdout).unwrap();
    assert_eq!(json["rows"]["y_binned"]["bins"], 5, "{json}");
    assert_eq!(json["rows"]["y_binned"]["distinct"], 400);
    assert!(
        json["notes"].to_string().contains("scalar target"),
        "{}",
        json["notes"]
    );
    // As classes, 400 distinct values are fine (under 1000): no binning.
    let classes = run(&["--y-as", "class"]);
    assert!(classes.status.success(), "{}", text(&classes.stderr));
    let json: serde_json::Value = serde_json::from_slice(&classes.stdout).unwrap();
    assert!(json["rows"]["y_binned"].is_null(), "{json}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn column_patterns_take_every_column_with_the_prefix_and_name_an_unmatched_one() {
    let path =
        std::env::temp_dir().join(format!("pidscope-cli-patterns-{}.csv", std::process::id()));
    let mut csv = String::from("cam_0,cam_1,camera,label\n");
    for i in 0..40 {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            i % 2,
            (i / 2) % 2,
            (i / 4) % 3,
            i % 2
        ));
    }
    std::fs::write(&path, csv).unwrap();
    let file = path.to_str().unwrap();
    // `cam_*` is cam_0 and cam_1, not camera: camera is free for X2 (a wider match would put it in two roles).
    let ok = pidscope(&[
        "estimate",
        file,
        "--x1",
        "cam_*",
        "--x2",
        "camera",
        "--y",
        "label",
        "--clusters",
        "4",
        "--json",
    ]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(
        (json["mi_x1_y"].as_f64().unwrap() - 1.0).abs() < 1e-9,
        "{json}"
    );
    let unmatched = pidscope(&[
        "estimate", file, "--x1", "cam_*", "--x2", "radar_*", "--y", "label",
    ]);
    assert!(!unmatched.status.success());
    assert!(
        text(&unmatched.stderr).contains("radar_*"),
        "{}",
        text(&unmatched.stderr)
    );
    std::fs::remove_file(path).ok();
}

/// The terms `pidscope estimate ARGS --json` prints (no resampling: only the atoms).
fn terms_of(args: &[&str]) -> Vec<f64> {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "--resamples", "0", "--permutations", "0"]);
    let out = pidscope(&all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    TERMS
        .iter()
        .map(|t| json[t.key].as_f64().unwrap())
        .collect()
}

#[test]
fn numpy_and_parquet_files_give_the_atoms_of_their_csv() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats/");
    let file = |name: &str| format!("{dir}{name}");
    let csv = terms_of(&[&file("arrays.csv")]);
    assert!(csv.iter().any(|&t| t > 0.01), "{csv:?}");
    assert_eq!(
        terms_of(&[&file("arrays.npz")]),
        csv,
        ".npz, roles from the array names"
    );
    let arrays = [file("x1.npy"), file("x2.npy"), file("y.npy")];
    assert_eq!(
        terms_of(&arrays.each_ref().map(String::as_str)),
        csv,
        "three .npy files"
    );
    let parquet = file("embedding.parquet");
    assert_eq!(
        terms_of(&[&parquet, "--x1", "x1", "--x2", "x2", "--y", "y"]),
        csv,
        "list columns by name"
    );
    assert_eq!(
        terms_of(&[&parquet, "--x1", "x1[*", "--x2", "x2[0],x2[1]"]),
        csv,
        "by pattern"
    );
    let ragged = pidscope(&["estimate", &file("ragged.parquet")]);
    assert_eq!(ragged.status.code(), Some(1), "an input error");
    assert!(
        text(&ragged.stderr).contains("ragged.parquet, row 6, column 'emb'"),
        "{}",
        text(&ragged.stderr)
    );
}

#[test]
fn a_table_estimated_to_be_slow_is_refused_with_the_estimate_and_the_override() {
    // 3,000 states of X1 and X2 seen together on a diagonal, two labels: the coupling
    // has 2 × 1,500 × 1,500 entries (4.5 million), minutes of solving.
    let path = std::env::temp_dir().join(format!("pidscope-cli-slow-{}.csv", std::process::id()));
    let mut text_csv = String::from("x1,x2,y,count\n");
    for i in 0..3000 {
        text_csv += &format!("a{i},b{i},{},1\n", i % 2);
    }
    std::fs::write(&path, text_csv).unwrap();
    let out = pidscope(&[
        "estimate",
        path.to_str().unwrap(),
        "--resamples",
        "0",
        "--permutations",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let message = text(&out.stderr);
    assert!(
        message.contains("coupling has 4500000 entries"),
        "{message}"
    );
    assert!(message.contains("--allow-slow"), "{message}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_table_with_thousands_of_classes_is_refused_for_its_memory() {
    // 3,000 target classes at 20 × 20 states: the preconditioner would keep 40 dense
    // 3,000 × 3,000 blocks (2.9 GB), refused before anything is allocated, even with
    // --allow-slow.
    let mut csv = String::from("x1,x2,y,count\n");
    for i in 0..3000 {
        csv += &format!("a{},b{},c{i},1\n", i % 20, (i / 20) % 20);
    }
    let path = temp_file("many-classes.csv", &csv);
    let out = pidscope(&["estimate", path.to_str().unwrap(), "--allow-slow"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let message = text(&out.stderr);
    assert!(message.contains("3000 target classes"), "{message}");
    assert!(message.contains("MB"), "{message}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn an_uncertainty_pass_estimated_to_be_slow_is_skipped_with_a_note() {
    // 200 × 200 states, 5 labels, whole counts: about 1.5 s per solve by the estimate,
    // 400 replicates far over two minutes on a few cores. The PID is printed; the
    // uncertainty is not, and the JSON says why.
    let mut csv = String::from("x1,x2,y,count\n");
    let mut rng = pidscope::rng::SplitMix64::new(5);
    for a in 0..200 {
        for b in 0..200 {
            let y = (a + b + (rng.uniform() * 2.0) as usize) % 5;
            csv += &format!("a{a},b{b},{y},{}\n", 1 + (rng.uniform() * 3.0) as usize);
        }
    }
    let path = temp_file("slow-uncertainty.csv", &csv);
    let out = pidscope(&["estimate", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["redundancy"].is_number(), "{json}");
    assert!(json["uncertainty"].is_null(), "{json}");
    let note = json["uncertainty_note"].as_str().unwrap();
    assert!(
        note.contains("400 replicates") && note.contains("--allow-slow"),
        "{note}"
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_clusters_sweep_is_a_json_array_of_the_grid_with_intervals_and_a_table_in_text() {
    let path = samples_csv(1500, true, 21);
    let file = path.to_str().unwrap();
    let out = pidscope(&[
        "estimate",
        file,
        "--clusters",
        "7",
        "--sweep",
        "clusters",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let points: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    // The grid, with the analysis's own K = 7 added in order and marked.
    let mut grid: Vec<u64> = meta::SWEEP_CLUSTERS.iter().map(|&k| k as u64).collect();
    grid.push(7);
    grid.sort_unstable();
    let values: Vec<u64> = points
        .iter()
        .map(|p| p["value"].as_u64().unwrap())
        .collect();
    assert_eq!(values, grid);
    let current: Vec<u64> = points
        .iter()
        .filter(|p| p["current"] == true)
        .map(|p| p["value"].as_u64().unwrap())
        .collect();
    assert_eq!(current, vec![7]);
    for p in &points {
        assert_eq!(p["axis"], "clusters");
        assert_eq!(p["units"], "bits");
        assert_eq!(p["rows"], 1500);
        assert_eq!(p["resamples"], meta::SWEEP_RESAMPLES);
        assert!(p["samples_per_cell"].as_f64().unwrap() > 0.0);
        assert!(p["reliability"].is_string());
        for term in TERMS.iter().filter(|t| t.atom) {
            let atom = &p["atoms"][term.key];
            let (low, high) = (
                atom["low"].as_f64().unwrap(),
                atom["high"].as_f64().unwrap(),
            );
            assert!(low <= high, "{p}");
            assert!(
                atom["plug_in"].is_f64() && atom["corrected"].is_f64(),
                "{p}"
            );
        }
    }
    // The XOR of two signs: synergy is clearly there once each sign has its own cluster.
    let synergy = |k: u64| {
        points.iter().find(|p| p["value"] == k).unwrap()["atoms"]["synergy"]["low"]
            .as_f64()
            .unwrap()
    };
    assert!(synergy(8) > 0.1, "{}", synergy(8));

    let table = pidscope(&["estimate", file, "--sweep", "samples"]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    let printed = text(&table.stdout);
    assert!(
        printed.contains("(375 rows)") && printed.contains("(750 rows)"),
        "{printed}"
    );
    assert!(printed.contains("* all (1500 rows)"), "{printed}");
    assert!(
        printed.contains("as the sample size goes 375→1500"),
        "{printed}"
    );

    let counts = xor_counts();
    let refused = pidscope(&["estimate", counts.to_str().unwrap(), "--sweep", "clusters"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("counts table"),
        "{}",
        text(&refused.stderr)
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn the_paper_preset_is_stated_in_json_and_text_and_an_explicit_pca_wins() {
    let digits = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/digits_halves.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "estimate",
            digits,
            "--x1",
            "left_*",
            "--x2",
            "right_*",
            "--y",
            "label",
            "--resamples",
            "0",
            "--permutations",
            "0",
            "--no-fidelity",
        ];
        args.extend_from_slice(extra);
        let out = pidscope(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = extra.to_vec();
        args.push("--json");
        serde_json::from_str(&run(&args)).expect("JSON")
    };
    let paper = json(&["--preset", "paper"]);
    let p = meta::Preset::Paper.settings();
    assert_eq!(
        paper["preprocessing"],
        format!(
            "each row L2-normalised (the paper's code) → PCA {} → k-means K = {} (best of {} runs)",
            p.pca, p.clusters, p.restarts
        )
    );
    assert_eq!(paper["settings"]["normalisation"], "normalise_rows");
    assert_eq!(paper["settings"]["restarts"], p.restarts);
    // An explicit --pca wins over the preset's; the rest of the preset stays.
    let three = json(&["--preset", "paper", "--pca", "3"]);
    assert_eq!(three["settings"]["pca"], 3);
    assert_eq!(three["settings"]["normalisation"], "normalise_rows");
    assert!(three["preprocessing"].as_str().unwrap().contains("PCA 3"));
    let default = json(&[]);
    assert_eq!(
        default["preprocessing"],
        format!(
            "each feature standardised → PCA {} → k-means K = {} (1 run)",
            meta::PCA_COMPONENTS.default,
            meta::CLUSTERS.default
        )
    );
    // The two discretisations give different tables, so different numbers.
    assert_ne!(paper["synergy"], default["synergy"]);
    assert!(run(&["--preset", "paper"]).contains("discretised: each row L2-normalised"));
    // A counts table was not discretised: nothing to state.
    let counts = xor_counts();
    let out = pidscope(&["estimate", counts.to_str().unwrap(), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(value["preprocessing"].is_null(), "{value}");
    // The preset's saved discretiser is refused by the SQL export, in one line.
    let model = std::env::temp_dir().join(format!("pidscope-paper-{}.json", std::process::id()));
    let model = model.to_str().unwrap();
    let fit = pidscope(&[
        "fit",
        digits,
        "--x1",
        "left_*",
        "--x2",
        "right_*",
        "--y",
        "label",
        "--preset",
        "paper",
        "--save-model",
        model,
    ]);
    assert!(fit.status.success(), "{}", text(&fit.stderr));
    let sql = pidscope(&["sql", model, "--dialect", "duckdb", "--table", "t"]);
    assert_eq!(sql.status.code(), Some(1));
    let err = text(&sql.stderr);
    assert!(
        err.contains("L2-normalising each row") && err.trim().lines().count() == 1,
        "{err}"
    );
    let help = text(&pidscope(&["estimate", "--help"]).stdout);
    assert!(
        help.contains("--preset <NAME>") && help.contains("an explicit value wins"),
        "{help}"
    );
}
