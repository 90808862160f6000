//! One CVX solve, with its Newton steps, CG counts and certificate:
//!
//!     cargo run --release --example trace -- N1 N2 NY KIND SEED [FACTOR|-] [REPS]
//!     cargo run --release --example trace -- json TABLE.json
//!
//! KIND is dense, d01 (Dirichlet 0.1), sparse or neardet. With `CVX_TRACE` set in the
//! environment it also prints the solver's progress on stderr, one line per
//! [`TraceEvent`] (stage lines with the wall time since the solve began).
use pidscope::pid::random::{random_table, TableKind};
use pidscope::pid::{max_entropy_coupling_observed, CgSystem, TraceEvent};
use std::time::Instant;

/// The progress line of one event (`t0`: when the solve began).
fn print_event(ev: &TraceEvent, t0: Instant) {
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    match *ev {
        TraceEvent::Start {
            epsilon_factor,
            cells,
            variables,
            warm,
            h_lower_bits,
            ..
        } => {
            eprintln!("solve factor={epsilon_factor} cells={cells} vars={variables} warm={warm}");
            eprintln!("    certify h_lower={h_lower_bits:.12e} uppers=[]");
        }
        TraceEvent::Cg {
            system,
            tolerance,
            iterations,
            live_cells,
            kappa,
            coupled,
        } => {
            let system = match system {
                CgSystem::Newton => "newton",
                CgSystem::Tangent => "tangent",
            };
            eprintln!(
                "    pcg tol={tolerance:.0e} its={iterations} live={live_cells} kappa={kappa:.1e} coupled={coupled} system={system}"
            );
        }
        TraceEvent::Predicted {
            eps,
            fraction,
            residual_l1,
        } => eprintln!("  predictor eps={eps:.2e} frac={fraction} |g|1={residual_l1:.2e}"),
        TraceEvent::NewtonStep {
            stage,
            eps,
            step,
            decrement,
            cg_iterations,
            residual_l1,
        } => eprintln!(
            "  stage {stage} eps={eps:.1e} t={step} dec={decrement:.2e} cg={cg_iterations} |g|1={residual_l1:.2e}"
        ),
        TraceEvent::Certified {
            early,
            residual_l1,
            h_lower_bits,
            h_upper_central_bits,
            h_upper_extrapolated_bits,
            certificate_bits,
            ..
        } => {
            // Which bound is the binding one (central or extrapolated dual).
            let ups = [h_upper_central_bits, h_upper_extrapolated_bits].map(|u| format!("{u:.12e}"));
            eprintln!("    certify h_lower={h_lower_bits:.12e} uppers={ups:?}");
            if early {
                eprintln!("  early cert={certificate_bits:.2e} at |g|1={residual_l1:.1e}");
            }
        }
        TraceEvent::Retreat { stage, eps, factor } => {
            eprintln!("stage {stage} failed to centre: back to eps={eps:.1e}, factor {factor:.3}")
        }
        TraceEvent::StageEnd {
            stage,
            eps,
            newton,
            cg,
            certificate_bits,
            feasibility_l1,
        } => {
            let cert = match (certificate_bits, feasibility_l1) {
                (Some(c), Some(r)) => format!(" cert={c:.2e} res={r:.1e}"),
                _ => String::new(),
            };
            eprintln!("stage {stage} eps={eps:.1e} newton={newton} cg={cg}{cert} ({ms:.1} ms)");
        }
        _ => eprintln!("{ev:?}"),
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let t = if a[1] == "json" {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&a[2]).unwrap()).unwrap();
        let shape: [usize; 3] = serde_json::from_value(v["shape"].clone()).unwrap();
        let p: Vec<f64> = serde_json::from_value(v["p"].clone()).unwrap();
        pidscope::JointTable::from_weights(shape, p).unwrap()
    } else {
        let n1: usize = a[1].parse().unwrap();
        let n2: usize = a[2].parse().unwrap();
        let ny: usize = a[3].parse().unwrap();
        let kind = match a[4].as_str() {
            "dense" => TableKind::Dirichlet {
                concentration_percent: 100,
            },
            "d01" => TableKind::Dirichlet {
                concentration_percent: 10,
            },
            "sparse" => TableKind::Sparse { zero_percent: 70 },
            _ => TableKind::NearDeterministic,
        };
        let seed: u64 = a[5].parse().unwrap();
        random_table([n1, n2, ny], kind, seed)
    };
    let mut opts = pidscope::pid::CvxOptions::default();
    if let Some(f) = std::env::args().nth(6).filter(|f| f != "-") {
        opts.epsilon_factor = f.parse().unwrap();
    }
    // An optional 7th argument repeats the solve (for CPU-time measurements by
    // difference, e.g. under `perf stat`); the time printed is the last solve's.
    let reps: usize = std::env::args().nth(7).map_or(1, |r| r.parse().unwrap());
    let trace = std::env::var_os("CVX_TRACE").is_some();
    let solve = || {
        let t0 = Instant::now();
        let mut observer = |ev: &TraceEvent| {
            if trace {
                print_event(ev, t0);
            }
        };
        max_entropy_coupling_observed(&t, &opts, None, &mut observer).unwrap()
    };
    for _ in 1..reps {
        solve();
    }
    let t0 = Instant::now();
    let c = solve();
    println!(
        "{:?} ms={:.2} it={} cg={} cert={:.2e} conv={} res={:.1e}",
        t.shape(),
        t0.elapsed().as_secs_f64() * 1e3,
        c.iterations,
        c.cg_iterations,
        c.certificate_bits,
        c.converged,
        c.feasibility_l1
    );
}
