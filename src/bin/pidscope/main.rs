//! The native command-line face of the pidscope core: the same ingestion, clustering
//! and solver as the page. The options' defaults and bounds come from
//! [`pidscope::meta`], like the page's.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod fidelity;
#[cfg(not(target_arch = "wasm32"))]
mod gaussian;
#[cfg(not(target_arch = "wasm32"))]
mod open;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
#[cfg(not(target_arch = "wasm32"))]
mod sweep;
#[cfg(not(target_arch = "wasm32"))]
mod warehouse;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The CLI is native only; wasm32 builds this binary only because `cargo test --target
/// wasm32-unknown-unknown` builds every target of the package.
#[cfg(target_arch = "wasm32")]
fn main() {}
