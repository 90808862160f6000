//! Every case of `tests/data/reference.json` to its tolerance, with a certificate.
// Native only: proptest, the clarabel oracle and the reference file need no browser.
#![cfg(not(target_arch = "wasm32"))]

use pidscope::pid::pid_cvx;
use pidscope::JointTable;

#[path = "common/reference.rs"]
mod reference;
use reference::cases;

#[test]
fn every_reference_case_matches_to_its_tolerance() {
    let cases = cases();
    assert_eq!(cases.len(), 32, "the reference set has 32 cases");
    let mut failures = Vec::new();
    for c in &cases {
        let t = JointTable::from_weights(c.shape, c.p.clone()).unwrap();
        let pid = pid_cvx(&t).unwrap();
        let errs = [
            (pid.redundancy - c.r).abs(),
            (pid.unique1 - c.u1).abs(),
            (pid.unique2 - c.u2).abs(),
            (pid.synergy - c.s).abs(),
            (pid.mi_joint - c.mi).abs(),
        ];
        let worst = errs.iter().cloned().fold(0.0, f64::max);
        println!(
            "{:<22} R={:.9} U1={:.9} U2={:.9} S={:.9} worst err={:.1e} cert={:.1e} it={}",
            c.name,
            pid.redundancy,
            pid.unique1,
            pid.unique2,
            pid.synergy,
            worst,
            pid.certificate_bits,
            pid.iterations
        );
        if worst > c.tol || pid.certificate_bits > 1e-6 || !pid.converged {
            failures.push(format!(
                "{}: worst error {worst:.3e} (tol {}), certificate {:.3e}, converged {}",
                c.name, c.tol, pid.certificate_bits, pid.converged
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}
