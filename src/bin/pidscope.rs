//! The native command-line face of the pidscope core.

use std::process::ExitCode;

const HELP: &str = "\
pidscope — Partial Information Decomposition: redundancy, uniqueness and synergy, in bits

USAGE:
    pidscope <COMMAND> [OPTIONS]

COMMANDS:
    estimate FILE.csv    PID of a counts table (x1,x2,y,count)
    help                 Print this help

OPTIONS:
    -h, --help           Print this help
    -V, --version        Print the version
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("pidscope {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("pidscope: unknown command '{other}' (try --help)");
            ExitCode::from(2)
        }
    }
}
