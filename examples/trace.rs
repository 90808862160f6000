use pidscope::pid::random::{random_table, TableKind};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n1: usize = a[1].parse().unwrap();
    let n2: usize = a[2].parse().unwrap();
    let ny: usize = a[3].parse().unwrap();
    let kind = match a[4].as_str() { "dense" => TableKind::Dirichlet{concentration_percent:100}, "d01" => TableKind::Dirichlet{concentration_percent:10}, "sparse" => TableKind::Sparse{zero_percent:70}, _ => TableKind::NearDeterministic };
    let seed: u64 = a[5].parse().unwrap();
    let t = random_table([n1,n2,ny], kind, seed);
    let t0 = std::time::Instant::now();
    let c = pidscope::pid::max_entropy_coupling(&t, &Default::default()).unwrap();
    println!("{:?} ms={:.2} it={} cg={} cert={:.2e} conv={}", [n1,n2,ny], t0.elapsed().as_secs_f64()*1e3, c.iterations, c.cg_iterations, c.certificate_bits, c.converged);
}
