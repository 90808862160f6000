//! Try one table (JSON from the stress example) under several ε schedules.
use pidscope::pid::{max_entropy_coupling, CvxOptions};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let shape: [usize; 3] = serde_json::from_value(v["shape"].clone()).unwrap();
    let p: Vec<f64> = serde_json::from_value(v["p"].clone()).unwrap();
    let t = pidscope::JointTable::from_weights(shape, p).unwrap();
    for f in [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9] {
        let opts = CvxOptions {
            epsilon_factor: f,
            ..Default::default()
        };
        let c = max_entropy_coupling(&t, &opts).unwrap();
        println!(
            "factor {f}: it {} cert {:.2e} converged {}",
            c.iterations, c.certificate_bits, c.converged
        );
    }
}
