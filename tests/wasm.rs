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
