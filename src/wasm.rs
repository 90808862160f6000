//! The JavaScript boundary: the only module that uses wasm-bindgen.
//!
//! Every export takes plain numbers, arrays or strings and returns a JSON-compatible
//! object; every core error is turned into one `js_sys::Error` (with `name` set to the
//! area it came from) by [`BoundaryError`].

use std::sync::Mutex;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::examples::Gate;
use crate::info::InfoTerms;
use crate::table::{JointTable, TableError};

/// Errors from any core area, on their way to JavaScript.
#[derive(Debug, thiserror::Error)]
enum BoundaryError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("unknown example '{0}'")]
    UnknownExample(String),
    #[error("shape must have 3 entries (n1, n2, ny), got {0}")]
    ShapeArity(usize),
    #[error("could not convert the result for JavaScript: {0}")]
    Serialize(String),
}

impl BoundaryError {
    fn area(&self) -> &'static str {
        match self {
            BoundaryError::Table(_) | BoundaryError::ShapeArity(_) => "TableError",
            BoundaryError::UnknownExample(_) => "ExampleError",
            BoundaryError::Serialize(_) => "InternalError",
        }
    }
}

impl From<BoundaryError> for JsValue {
    fn from(e: BoundaryError) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.area());
        err.into()
    }
}

type Result<T> = std::result::Result<T, BoundaryError>;

/// The message of the last panic, kept so the worker can report it after the trap.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// The message of the last Rust panic (taken: a second call returns `undefined`).
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut m| m.take())
}

/// Panics on purpose, so tests can check that a panic reaches the page readably.
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("deliberate panic for testing: {message}");
}

/// The crate version, so the page can show which core it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| BoundaryError::Serialize(e.to_string()))
}

fn table_from(shape: &[u32], weights: Vec<f64>) -> Result<JointTable> {
    let &[n1, n2, ny] = shape else {
        return Err(BoundaryError::ShapeArity(shape.len()));
    };
    Ok(JointTable::from_weights(
        [n1 as usize, n2 as usize, ny as usize],
        weights,
    )?)
}

/// A table and everything computed from it, as the page shows it.
#[derive(Serialize)]
struct Analysis<'a> {
    name: Option<&'a str>,
    shape: [usize; 3],
    p: &'a [f64],
    labels: [&'a [String]; 3],
    info: InfoTerms,
}

fn analyse(name: Option<&str>, table: &JointTable) -> Result<JsValue> {
    to_js(&Analysis {
        name,
        shape: table.shape(),
        p: table.p(),
        labels: [
            table.labels(crate::table::Axis::X1),
            table.labels(crate::table::Axis::X2),
            table.labels(crate::table::Axis::Y),
        ],
        info: InfoTerms::of(table),
    })
}

/// Information terms (bits) of the table with `shape = [n1, n2, ny]` and row-major
/// non-negative `weights` (normalised here).
#[wasm_bindgen(js_name = analyseTable)]
pub fn analyse_table(shape: Vec<u32>, weights: Vec<f64>) -> std::result::Result<JsValue, JsValue> {
    let table = table_from(&shape, weights)?;
    Ok(analyse(None, &table)?)
}

/// A built-in example (`XOR`, `AND`, `OR`, `COPY`, `RDN`, `UNQ`, `SUM`) and its terms.
#[wasm_bindgen(js_name = analyseExample)]
pub fn analyse_example(name: &str) -> std::result::Result<JsValue, JsValue> {
    let gate = Gate::from_name(name).ok_or_else(|| BoundaryError::UnknownExample(name.into()))?;
    Ok(analyse(Some(gate.name()), &gate.table())?)
}

/// The names of the built-in examples.
#[wasm_bindgen(js_name = exampleNames)]
pub fn example_names() -> Vec<String> {
    Gate::ALL.iter().map(|g| g.name().to_string()).collect()
}
