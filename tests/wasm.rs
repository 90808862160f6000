//! Tests of the `wasm` boundary, run in headless Chromium by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown --test wasm`.
#![cfg(target_arch = "wasm32")]

use pidscope::wasm;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        js_sys::Reflect::get(&v, &JsValue::from_str(key)).expect("property exists")
    })
}

#[wasm_bindgen_test]
fn xor_example_has_one_bit_jointly_and_none_alone() {
    let a = wasm::analyse_example("xor").expect("XOR is built in");
    assert_eq!(get(&a, &["kind"]).as_string().as_deref(), Some("example"));
    assert_eq!(
        get(&a, &["dataset", "info", "mi_joint"]).as_f64(),
        Some(1.0)
    );
    assert_eq!(get(&a, &["dataset", "info", "mi_x1_y"]).as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn the_cvx_solver_runs_in_the_browser() {
    // AND over uniform bits: R = 1.5 − 0.75·log2 3, S = 0.5, no uniqueness.
    let a = wasm::analyse_table(
        vec![2, 2, 2],
        vec![1., 0., 1., 0., 1., 0., 0., 1.],
        JsValue::NULL,
    )
    .expect("a valid table");
    let atom = |name: &str| get(&a, &["dataset", "pid", name]).as_f64().unwrap();
    assert!((atom("redundancy") - (1.5 - 0.75 * 3f64.log2())).abs() < 1e-7);
    assert!((atom("synergy") - 0.5).abs() < 1e-7);
    assert!(atom("unique1").abs() < 1e-7 && atom("unique2").abs() < 1e-7);
    assert!(atom("certificate_bits") <= 1e-6);
}

#[wasm_bindgen_test]
fn bad_tables_become_js_errors_with_their_area() {
    let err = wasm::analyse_table(vec![1, 1, 2], vec![1.0, -2.0], JsValue::NULL).unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "TableError");
    assert!(String::from(err.message()).contains("negative"));
    let err: js_sys::Error = wasm::analyse_table(vec![2, 2], vec![1.0; 4], JsValue::NULL)
        .unwrap_err()
        .into();
    assert!(String::from(err.message()).contains("3 entries"));
}

#[wasm_bindgen_test]
fn every_example_name_resolves() {
    for name in wasm::example_names() {
        assert!(wasm::analyse_example(&name).is_ok(), "{name}");
    }
}

/// A workspace holding one samples file: x1 and x2 both copy bit a (plus jitter), y = a.
fn workspace_with_copies(rows: usize) -> wasm::Workspace {
    let mut csv = String::from("cam_0,cam_1,lidar_0,lidar_1,label\n");
    for i in 0..rows {
        let a = (i % 2) as f64;
        let jitter = |k: usize| ((i * 7919 + k * 104_729) % 97) as f64 / 97.0 - 0.5;
        csv += &format!(
            "{},{},{},{},{}\n",
            3.0 * a + jitter(1),
            3.0 * a + jitter(2),
            3.0 * a + jitter(3),
            3.0 * a + jitter(4),
            a
        );
    }
    let mut workspace = wasm::Workspace::new();
    workspace
        .start_file("copies.csv", csv.len() as f64)
        .unwrap();
    workspace.push(csv.as_bytes()).unwrap();
    workspace.finish_file().unwrap();
    workspace
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn batch_trains_in_the_browser_and_reports_every_step() {
    let workspace = workspace_with_copies(600);
    let roles =
        json(r#"{"x1":["cam_0","cam_1"],"x2":["lidar_0","lidar_1"],"y":"label","yhat":[]}"#);
    let counter = js_sys::Function::new_with_args(
        "step",
        "globalThis.steps = (globalThis.steps || []).concat([step.stage]);",
    );
    let config = json(
        r#"{"batch_size": 64, "classifier_epochs": 20, "alignment_epochs": 3, "learning_rate": 0.01}"#,
    );
    let a = workspace
        .estimate_batch(roles, json("{}"), config, &counter)
        .expect("BATCH runs");
    let atom = |name: &str| get(&a, &["dataset", name]).as_f64().unwrap();
    // Both inputs copy Y's bit: nearly all of I(X1,X2;Y) is redundancy.
    assert!(atom("redundancy") > 0.5, "R = {}", atom("redundancy"));
    assert!(atom("synergy") < 0.2 && atom("unique1") < 0.2 && atom("unique2") < 0.2);
    assert_eq!(
        get(&a, &["config", "classifier_epochs"]).as_f64(),
        Some(20.0)
    );
    let stages = js_sys::Reflect::get(&js_sys::global(), &"steps".into()).unwrap();
    let stages: Vec<String> = js_sys::Array::from(&stages)
        .iter()
        .filter_map(|s| s.as_string())
        .collect();
    for stage in [
        "classifier_x1",
        "classifier_x2",
        "classifier_joint",
        "alignment",
    ] {
        assert!(
            stages.iter().any(|s| s == stage),
            "progress reports {stage}"
        );
    }
}

#[wasm_bindgen_test]
fn bad_batch_settings_become_js_errors() {
    let workspace = workspace_with_copies(100);
    let roles = json(r#"{"x1":["cam_0"],"x2":["lidar_0"],"y":"label","yhat":[]}"#);
    let noop = js_sys::Function::new_no_args("");
    let err: js_sys::Error = workspace
        .estimate_batch(roles, json("{}"), json(r#"{"learning_rate": -1}"#), &noop)
        .unwrap_err()
        .into();
    assert!(
        String::from(err.message()).contains("invalid BATCH settings"),
        "{}",
        String::from(err.message())
    );
}

#[wasm_bindgen_test]
fn the_gaussian_estimator_runs_on_a_workspace_and_refuses_a_counts_table() {
    // Both inputs copy Y's bit; the label's values are numbers (0, 1), used as they are.
    let workspace = workspace_with_copies(400);
    let roles =
        json(r#"{"x1":["cam_0","cam_1"],"x2":["lidar_0","lidar_1"],"y":"label","yhat":[]}"#);
    let a = workspace
        .estimate_gaussian(roles.clone(), json("{}"), JsValue::UNDEFINED)
        .expect("the Gaussian estimator runs");
    assert_eq!(get(&a, &["copula"]).as_bool(), Some(false));
    // The default settings' resamples give intervals; the page's first pass skips them.
    assert!(get(&a, &["uncertainty", "redundancy", "low"])
        .as_f64()
        .is_some());
    let point = workspace
        .estimate_gaussian(roles.clone(), json("{}"), json(r#"{"point_only":true}"#))
        .unwrap();
    assert!(get(&point, &["uncertainty"]).is_null());
    let c = workspace
        .estimate_gaussian(roles, json("{}"), json(r#"{"copula":true}"#))
        .expect("with the copula");
    assert_eq!(get(&c, &["copula"]).as_bool(), Some(true));
    let notes = String::from(js_sys::JSON::stringify(&get(&c, &["notes"])).unwrap());
    assert!(notes.contains("Gaussian copula"), "{notes}");
    let term = |name: &str| get(&a, &["pid", name]).as_f64().unwrap();
    let (i1, i2) = (term("mi_x1_y"), term("mi_x2_y"));
    // A one-dimensional Y: R = min(I1, I2) (Barrett 2015), solved to rounding.
    assert!((term("redundancy") - i1.min(i2)).abs() < 1e-9);
    assert!(i1 > 1.0, "I(X1;Y) = {i1}");
    assert_eq!(
        get(&a, &["target_encoding"]).as_string().as_deref(),
        Some("numeric")
    );
    assert_eq!(get(&a, &["samples"]).as_f64(), Some(400.0));
    assert!(get(&a, &["corrected", "mi_joint"]).as_f64().unwrap() < term("mi_joint"));

    let mut counts = wasm::Workspace::new();
    counts.start_file("counts.csv", 0.0).unwrap();
    counts
        .push(b"x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n")
        .unwrap();
    counts.finish_file().unwrap();
    let roles = json(r#"{"x1":["x1"],"x2":["x2"],"y":"y","yhat":[]}"#);
    let err: js_sys::Error = counts
        .estimate_gaussian(roles, json("{}"), JsValue::UNDEFINED)
        .unwrap_err()
        .into();
    assert_eq!(String::from(err.name()), "AnalysisError");
    assert!(String::from(err.message()).contains("needs samples"));
}

#[wasm_bindgen_test]
fn the_gaussian_lesson_solves_the_exact_covariance_and_names_a_bad_slider() {
    let model =
        json(r#"{"noise1":0.5,"noise2":1.0,"correlation":0.0,"weight1":1.0,"weight2":1.0}"#);
    let lesson = wasm::gaussian_lesson(model).expect("a valid model");
    let term = |name: &str| get(&lesson, &["pid", name]).as_f64().unwrap();
    // Var Y = 2.25; I(Xi;Y) = −½ log2(1 − 1/(Var Xi · Var Y)).
    let i1 = -0.5 * (1.0 - 1.0 / (1.25 * 2.25f64)).log2();
    let i2 = -0.5 * (1.0 - 1.0 / (2.0 * 2.25f64)).log2();
    assert!((term("mi_x1_y") - i1).abs() < 1e-12);
    assert!((term("mi_x2_y") - i2).abs() < 1e-12);
    assert!((term("redundancy") - i2).abs() < 1e-9);
    let err: js_sys::Error = wasm::gaussian_lesson(json(
        r#"{"noise1":0.5,"noise2":1.0,"correlation":1.0,"weight1":1.0,"weight2":1.0}"#,
    ))
    .unwrap_err()
    .into();
    assert_eq!(String::from(err.name()), "ExampleError");
    assert!(String::from(err.message()).contains("the correlation"));
}
