//! The JavaScript boundary: the only module that uses wasm-bindgen.

use crate::pid::random::{random_table, TableKind};
use crate::pid::{max_entropy_coupling, CvxOptions};
use wasm_bindgen::prelude::*;

/// Benchmark hook for `scripts/bench-wasm.mjs`: solves the CVX problem on a seeded random
/// table (Dirichlet(1), or 70 % zero cells when `sparse`) and returns
/// `{ms, iterations, cg_iterations, certificate, converged}` (certificate in bits).
#[wasm_bindgen]
pub fn bench_cvx(n1: usize, n2: usize, ny: usize, seed: u64, sparse: bool) -> JsValue {
    let kind = if sparse {
        TableKind::Sparse { zero_percent: 70 }
    } else {
        TableKind::Dirichlet {
            concentration_percent: 100,
        }
    };
    let table = random_table([n1, n2, ny], kind, seed);
    let t0 = js_sys::Date::now();
    let result = max_entropy_coupling(&table, &CvxOptions::default());
    let ms = js_sys::Date::now() - t0;
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    };
    set("ms", ms.into());
    match result {
        Ok(c) => {
            set("iterations", (c.iterations as f64).into());
            set("cg_iterations", (c.cg_iterations as f64).into());
            set("certificate", c.certificate_bits.into());
            set("converged", c.converged.into());
        }
        Err(e) => set("error", JsValue::from_str(&e.to_string())),
    }
    out.into()
}
