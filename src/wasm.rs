//! The JavaScript boundary: the only module that uses wasm-bindgen.
