//! The simulation study behind `src/rigor` (docs/rigor.md): coverage, false-positive
//! rate and bias of the uncertainty estimates on tables with known atoms, and on
//! continuous features through the clustering path. Prints Markdown.
//!
//! `nice -n 10 cargo run --release --example rigor_study -- [--seeds 100]
//! [--resamples 200] [--permutations 200] [--parts discrete,continuous,recluster]
//! [--details all] [--cases AND,XOR]` (`--cases`: only the discrete cases named).

use pidscope::data::{AssemblyReport, Dataset, Labels, Modality, ModalityFeatures};
use pidscope::discretize::{discretize, DiscretizeOptions};
use pidscope::examples::Gate;
use pidscope::pid::pid_cvx;
use pidscope::pid::random::{random_table, TableKind};
use pidscope::rigor::{
    bootstrap_rows, observe, replicates, stream, summarise, EntropyEstimator, EstimatorScope,
    IntervalShape, KinkCorrection, Observed, Replicate, ReplicateKind, Samples, Settings,
    Uncertainty,
};
use pidscope::rng::SplitMix64;
use pidscope::JointTable;
use std::time::Instant;

const TERMS: [&str; 7] = ["R", "U1", "U2", "S", "I(X1;Y)", "I(X2;Y)", "I(X1,X2;Y)"];

struct Args {
    seeds: usize,
    resamples: usize,
    permutations: usize,
    parts: Vec<String>,
    details: bool,
    /// Discrete cases to run (all when empty), by the name before any space.
    cases: Vec<String>,
}

fn args() -> Args {
    let mut a = Args {
        seeds: 100,
        resamples: 200,
        permutations: 200,
        parts: vec!["discrete".into(), "continuous".into(), "recluster".into()],
        details: false,
        cases: Vec::new(),
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    for pair in v.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--seeds" => a.seeds = value.parse().expect("--seeds N"),
            "--resamples" => a.resamples = value.parse().expect("--resamples N"),
            "--permutations" => a.permutations = value.parse().expect("--permutations N"),
            "--details" => a.details = value == "all",
            "--parts" => a.parts = value.split(',').map(String::from).collect(),
            "--cases" => a.cases = value.split(',').map(String::from).collect(),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// A candidate method: how the five numbers are corrected and the interval placed.
#[derive(Clone, Copy, PartialEq)]
struct Variant {
    estimator: EntropyEstimator,
    scope: EstimatorScope,
    iterated: bool,
    interval: IntervalShape,
    allowance: bool,
    kink: KinkCorrection,
}

impl Variant {
    fn settings(&self, base: &Settings) -> Settings {
        Settings {
            estimator: self.estimator,
            scope: self.scope,
            iterated: self.iterated,
            interval: self.interval,
            bias_allowance: self.allowance,
            kink: self.kink,
            ..*base
        }
    }
    fn name(&self) -> String {
        let scope = match (self.estimator, self.scope) {
            (EntropyEstimator::Bootstrap, _) => "",
            (_, EstimatorScope::Joint) => " (joint)",
            (_, EstimatorScope::AllFour) => " (all four)",
        };
        format!(
            "{}{scope}{}{} / {:?}{}",
            self.estimator.name(),
            if self.iterated { " + iterated" } else { "" },
            if self.kink == KinkCorrection::RateAdaptive && !self.iterated {
                " + kink rate"
            } else {
                ""
            },
            self.interval,
            if self.allowance {
                " + bias allowance"
            } else {
                ""
            }
        )
    }
}

/// The candidate methods compared on the same replicates.
fn variants() -> Vec<Variant> {
    use EntropyEstimator::*;
    use EstimatorScope::*;
    use IntervalShape::*;
    let v = |estimator, scope, iterated, interval| Variant {
        estimator,
        scope,
        iterated,
        interval,
        allowance: false,
        kink: KinkCorrection::Off,
    };
    let with_allowance = |x: Variant| Variant {
        allowance: true,
        ..x
    };
    let with_kink = |x: Variant| Variant {
        kink: KinkCorrection::RateAdaptive,
        ..x
    };
    vec![
        v(Bootstrap, Joint, false, Basic),
        v(Bootstrap, Joint, false, Percentile),
        v(Bootstrap, Joint, true, Percentile),
        v(MillerMadow, Joint, false, Percentile),
        v(Grassberger, Joint, false, Basic),
        v(Grassberger, Joint, false, Percentile),
        with_allowance(v(Grassberger, Joint, false, Percentile)),
        with_allowance(v(Bootstrap, Joint, false, Percentile)),
        with_kink(v(Grassberger, Joint, false, Percentile)),
        with_kink(with_allowance(v(Grassberger, Joint, false, Percentile))),
        with_kink(with_allowance(v(Bootstrap, Joint, false, Percentile))),
        v(Grassberger, Joint, true, Percentile),
        v(ChaoShen, Joint, false, Percentile),
        v(Grassberger, AllFour, false, Percentile),
        v(ChaoShen, AllFour, false, Percentile),
    ]
}

#[derive(Default, Clone)]
struct Acc {
    n: usize,
    covered: [usize; 7],
    err: [f64; 7],
    sq: [f64; 7],
    plug_err: [f64; 7],
    plug_sq: [f64; 7],
    width: [f64; 7],
    sig: [usize; 7],
    sig_perm: [usize; 7],
    sig_boot: [usize; 7],
}

impl Acc {
    fn add(&mut self, u: &Uncertainty, truth: &[f64; 7]) {
        self.n += 1;
        for (j, t) in u.terms().into_iter().enumerate() {
            let (lo, hi) = (t.low.unwrap_or(f64::NAN), t.high.unwrap_or(f64::NAN));
            if lo <= truth[j] + 1e-9 && truth[j] - 1e-9 <= hi {
                self.covered[j] += 1;
            }
            let e = t.corrected - truth[j];
            self.err[j] += e;
            self.sq[j] += e * e;
            let pe = t.plug_in - truth[j];
            self.plug_err[j] += pe;
            self.plug_sq[j] += pe * pe;
            self.width[j] += hi - lo;
            let below = |p: Option<f64>| p.is_some_and(|p| p < 0.05) as usize;
            self.sig[j] += below(t.p_value);
            self.sig_perm[j] += below(t.p_permutation);
            self.sig_boot[j] += below(t.p_bootstrap);
        }
    }
    fn pct(&self, k: usize) -> f64 {
        100.0 * k as f64 / self.n as f64
    }
    fn bias(&self, j: usize) -> f64 {
        self.err[j] / self.n as f64
    }
    fn plug_bias(&self, j: usize) -> f64 {
        self.plug_err[j] / self.n as f64
    }
    fn rmse(&self, j: usize) -> f64 {
        (self.sq[j] / self.n as f64).sqrt()
    }
    fn plug_rmse(&self, j: usize) -> f64 {
        (self.plug_sq[j] / self.n as f64).sqrt()
    }
}

fn all_replicates(samples: &Samples, observed: &Observed, settings: &Settings) -> Vec<Replicate> {
    let mut records = Vec::new();
    for kind in ReplicateKind::ALL {
        records.extend(
            replicates(samples, observed, settings, kind, 0..settings.count(kind))
                .expect("replicates run"),
        );
    }
    records
}

struct Case {
    /// Position in the full list: it seeds the draws, so a subset draws the same samples.
    index: usize,
    name: String,
    table: JointTable,
    truth: [f64; 7],
}

fn cases() -> Vec<Case> {
    let mut tables: Vec<(String, JointTable)> =
        [Gate::Xor, Gate::And, Gate::Rdn, Gate::Unq, Gate::Copy]
            .into_iter()
            .map(|g| (g.name().to_string(), g.table()))
            .collect();
    tables.push((
        "DIR 5×5×3".into(),
        random_table(
            [5, 5, 3],
            TableKind::Dirichlet {
                concentration_percent: 100,
            },
            3,
        ),
    ));
    tables.push((
        "IND 3×3×2".into(),
        JointTable::from_weights([3, 3, 2], vec![1.0; 18]).expect("uniform table"),
    ));
    tables
        .into_iter()
        .enumerate()
        .map(|(index, (name, table))| {
            let pid = pid_cvx(&table).expect("exact PID");
            let mut truth = pid.decomposition.values();
            for t in &mut truth {
                if t.abs() < 1e-7 {
                    *t = 0.0;
                }
            }
            Case {
                index,
                name,
                table,
                truth,
            }
        })
        .collect()
}

fn discrete(a: &Args) {
    let variants = variants();
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| {
            let short = c.name.split(' ').next().unwrap_or_default();
            a.cases.is_empty() || a.cases.iter().any(|w| w == short)
        })
        .collect();
    let sizes = [200usize, 2000];
    // acc[case][size][variant]
    let mut acc = vec![vec![vec![Acc::default(); variants.len()]; sizes.len()]; cases.len()];
    let t0 = Instant::now();
    for (c, case) in cases.iter().enumerate() {
        for (s, &n) in sizes.iter().enumerate() {
            for seed in 0..a.seeds {
                let mut rng =
                    SplitMix64::new(((case.index as u64) << 40) ^ ((n as u64) << 20) ^ seed as u64);
                let samples = Samples::draw(&case.table, n, &mut rng).expect("draws");
                let base = Settings {
                    resamples: a.resamples,
                    permutations: a.permutations,
                    seed: seed as u64,
                    iterated: true,
                    ..Settings::default()
                };
                let observed = observe(&samples).expect("observes");
                let records = all_replicates(&samples, &observed, &base);
                for (v, variant) in variants.iter().enumerate() {
                    let settings = variant.settings(&base);
                    acc[c][s][v].add(&summarise(&observed, &records, &settings), &case.truth);
                }
            }
            eprintln!(
                "{} N={n}: done at {:.0} s",
                case.name,
                t0.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "## Tables with known atoms ({} seeds, {} resamples, {} permutations per null)\n",
        a.seeds, a.resamples, a.permutations
    );
    println!("### Candidate methods (same replicates)\n");
    println!("Coverage is the worst over every case and all seven terms; bias ratio is |mean error| / |plug-in mean error| for the atoms whose plug-in bias exceeds 3 Monte Carlo standard errors; FPR is the worst over the zero atoms, p = max(permutation, bootstrap).\n");
    println!("| method | min coverage N=2000 | min coverage N=200, ≥5/cell | coverage N=200, <5/cell (DIR R/U1/U2/S) | worst bias ratio N=2000 | worst bias ratio N=200 | worst FPR | mean RMSE ratio |");
    println!("|---|---|---|---|---|---|---|---|");
    for (v, variant) in variants.iter().enumerate() {
        let mut cov = [100.0f64; 2];
        let mut worst = [String::new(), String::new()];
        let mut sparse = Vec::new();
        let mut ratio = [0.0f64; 2];
        let mut worst_ratio = [String::new(), String::new()];
        let mut fpr = 0.0f64;
        let mut rmse_ratio = (0.0, 0usize);
        for (c, case) in cases.iter().enumerate() {
            for (s, &n) in sizes.iter().enumerate() {
                let r = &acc[c][s][v];
                let per_cell = n as f64 / case.table.p().len() as f64;
                for (j, term) in TERMS.iter().enumerate() {
                    let cv = r.pct(r.covered[j]);
                    if per_cell >= 5.0 {
                        if cv < cov[s] {
                            worst[s] = format!("{} {term}", case.name);
                        }
                        cov[s] = cov[s].min(cv);
                    } else if j < 4 {
                        sparse.push(format!("{cv:.0}"));
                    }
                    if j < 4 {
                        let se = r.plug_rmse(j) / (r.n as f64).sqrt();
                        let q = r.bias(j).abs() / r.plug_bias(j).abs();
                        if r.plug_bias(j).abs() > 3.0 * se && q > ratio[s] {
                            ratio[s] = q;
                            worst_ratio[s] = format!("{} {term}", case.name);
                        }
                        if case.truth[j] == 0.0 {
                            fpr = fpr.max(r.pct(r.sig[j]));
                        }
                        if r.plug_rmse(j) > 1e-12 {
                            rmse_ratio.0 += r.rmse(j) / r.plug_rmse(j);
                            rmse_ratio.1 += 1;
                        }
                    }
                }
            }
        }
        println!(
            "| {} | {:.0} % ({}) | {:.0} % ({}) | {} % | {:.2} ({}) | {:.2} ({}) | {:.0} % | {:.2} |",
            variant.name(),
            cov[1],
            worst[1],
            cov[0],
            worst[0],
            sparse.join(" / "),
            ratio[1],
            worst_ratio[1],
            ratio[0],
            worst_ratio[0],
            fpr,
            rmse_ratio.0 / rmse_ratio.1.max(1) as f64
        );
    }
    let default = Settings::default();
    let chosen = variants
        .iter()
        .position(|x| x.settings(&default) == default)
        .expect("the default is a candidate");
    let shown: Vec<usize> = if a.details {
        (0..variants.len()).collect()
    } else {
        vec![chosen]
    };
    for v in shown {
        println!(
            "\n### {} ({}), per case and term\n",
            variants[v].name(),
            if v == chosen {
                "the default"
            } else {
                "a candidate"
            }
        );
        println!("FPR columns: share of seeds with p < 0.05, for terms whose truth is 0 (p = max of the permutation and bootstrap p for atoms; the permutation p for MI terms).\n");
        println!("| case | N | samples/cell | term | truth | plug-in bias | corrected bias | plug-in RMSE | corrected RMSE | coverage | mean width | FPR | FPR perm only | FPR boot only |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (c, case) in cases.iter().enumerate() {
            for (s, &n) in sizes.iter().enumerate() {
                let r = &acc[c][s][v];
                let per_cell = n as f64 / case.table.p().len() as f64;
                for (j, term) in TERMS.iter().enumerate() {
                    let zero = case.truth[j] == 0.0;
                    let f = |k: usize| {
                        if zero {
                            format!("{:.0} %", r.pct(k))
                        } else {
                            "".into()
                        }
                    };
                    println!(
                    "| {} | {n} | {per_cell:.1}{} | {} | {:.4} | {:+.4} | {:+.4} | {:.4} | {:.4} | {:.0} % | {:.4} | {} | {} | {} |",
                    case.name,
                    if per_cell < 5.0 { " (approx.)" } else { "" },
                    term,
                    case.truth[j],
                    r.plug_bias(j),
                    r.bias(j),
                    r.plug_rmse(j),
                    r.rmse(j),
                    r.pct(r.covered[j]),
                    r.width[j] / r.n as f64,
                    f(r.sig[j]),
                    f(r.sig_perm[j]),
                    f(r.sig_boot[j]),
                );
                }
            }
        }
    }
    println!("\nDiscrete part: {:.0} s\n", t0.elapsed().as_secs_f64());
}

/// Standard normals as columns.
fn normals(rng: &mut SplitMix64, n: usize, k: usize) -> Vec<Vec<f64>> {
    (0..k)
        .map(|_| (0..n).map(|_| rng.normal()).collect())
        .collect()
}

/// Features that carry `latent` in their first principal component: four columns
/// latent + 0.5·noise, then four pure-noise columns.
fn behind_features(rng: &mut SplitMix64, latent: &[f64]) -> Vec<Vec<f64>> {
    let mut cols: Vec<Vec<f64>> = (0..4)
        .map(|_| latent.iter().map(|&l| l + 0.5 * rng.normal()).collect())
        .collect();
    cols.extend(normals(rng, latent.len(), 4));
    cols
}

fn dataset(x1: Vec<Vec<f64>>, x2: Vec<Vec<f64>>, y: Vec<u32>) -> Dataset {
    let modality = |prefix: &str, columns: Vec<Vec<f64>>| {
        let names: Vec<String> = (0..columns.len()).map(|i| format!("{prefix}{i}")).collect();
        Modality {
            columns: names.clone(),
            features: ModalityFeatures::Numeric {
                names,
                columns: columns.into_iter().map(Into::into).collect(),
            },
        }
    };
    Dataset {
        x1: modality("a", x1),
        x2: modality("b", x2),
        y: Labels {
            name: "y".into(),
            codes: y,
            levels: vec!["0".into(), "1".into()],
        },
        y_values: None,
        y_extra: Vec::new(),
        y_upper: None,
        yhat: Vec::new(),
        weights: None,
        conditionals: None,
        report: AssemblyReport::default(),
    }
}

/// One continuous scenario's data: "noise", "synergy" or "unique".
fn scenario(kind: &str, n: usize, rng: &mut SplitMix64) -> Dataset {
    let flip = |rng: &mut SplitMix64, b: bool| b ^ (rng.next_f64() < 0.1);
    match kind {
        "noise" => {
            let (a, b) = (normals(rng, n, 8), normals(rng, n, 8));
            let y = (0..n).map(|_| (rng.next_u64() & 1) as u32).collect();
            dataset(a, b, y)
        }
        _ => {
            let a0: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let b0: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let y = (0..n)
                .map(|i| {
                    let bit = if kind == "synergy" {
                        (a0[i] > 0.0) ^ (b0[i] > 0.0)
                    } else {
                        a0[i] > 0.0
                    };
                    flip(rng, bit) as u32
                })
                .collect();
            let (x1, x2) = (behind_features(rng, &a0), behind_features(rng, &b0));
            dataset(x1, x2, y)
        }
    }
}

fn samples_of(data: &Dataset, options: &DiscretizeOptions) -> Samples {
    let d = discretize(data, None, options, &mut |_| {}).expect("discretises");
    Samples::new(
        d.table.shape(),
        &d.x1.assignment,
        &d.x2.assignment,
        &data.y.codes,
        None,
    )
    .expect("valid states")
}

fn continuous(a: &Args) {
    println!("## Continuous features through standardise → PCA → k-means (K = 20)\n");
    println!("Truth: every atom 0 for noise (Y is independent of the features, so of their clusters); for the planted cases, significance and the lower end are what is checked.\n");
    println!("| scenario | N | seeds | samples/cell | term | mean plug-in | mean corrected | mean low | mean high | coverage of 0 | p < 0.05 | median p |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let options = DiscretizeOptions {
        clusters: 20,
        ..DiscretizeOptions::default()
    };
    for (kind, n) in [("noise", 2000usize), ("synergy", 1000), ("unique", 1000)] {
        let t0 = Instant::now();
        let mut rows: Vec<[f64; 7]> = Vec::new();
        let (mut ps, mut zero_cov, mut sig) = (vec![Vec::new(); 7], [0usize; 7], [0usize; 7]);
        let mut per_cell = 0.0;
        for seed in 0..a.seeds {
            let mut rng = SplitMix64::new(0xC0_0000 + seed as u64);
            let data = scenario(kind, n, &mut rng);
            let samples = samples_of(&data, &options);
            let settings = Settings {
                resamples: a.resamples,
                permutations: a.permutations,
                seed: seed as u64,
                ..Settings::default()
            };
            let observed = observe(&samples).expect("observes");
            let records = all_replicates(&samples, &observed, &settings);
            let u = summarise(&observed, &records, &settings);
            per_cell += u.samples_per_cell / a.seeds as f64;
            let mut row = [0.0; 7];
            for (j, t) in u.terms().into_iter().enumerate() {
                row[j] = t.plug_in;
                let (lo, hi) = (t.low.unwrap(), t.high.unwrap());
                zero_cov[j] += (lo <= 1e-9 && hi >= -1e-9) as usize;
                let p = t.p_value.unwrap();
                sig[j] += (p < 0.05) as usize;
                ps[j].push([p, t.corrected, lo, hi]);
            }
            rows.push(row);
        }
        for j in 0..7 {
            let m = |k: usize| ps[j].iter().map(|v: &[f64; 4]| v[k]).sum::<f64>() / a.seeds as f64;
            let mut p: Vec<f64> = ps[j].iter().map(|v| v[0]).collect();
            p.sort_by(f64::total_cmp);
            println!(
                "| {kind} | {n} | {} | {per_cell:.2} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.0} % | {:.0} % | {:.3} |",
                a.seeds,
                TERMS[j],
                rows.iter().map(|r| r[j]).sum::<f64>() / a.seeds as f64,
                m(1),
                m(2),
                m(3),
                100.0 * zero_cov[j] as f64 / a.seeds as f64,
                100.0 * sig[j] as f64 / a.seeds as f64,
                p[p.len() / 2],
            );
        }
        eprintln!("{kind}: {:.0} s", t0.elapsed().as_secs_f64());
    }
    println!();
}

/// Bootstrap replicates that re-run the clustering on every resample.
fn reclustered_replicates(
    data: &Dataset,
    options: &DiscretizeOptions,
    settings: &Settings,
) -> Vec<Replicate> {
    let n = data.y.codes.len();
    (0..settings.resamples)
        .map(|index| {
            let mut rng = stream(settings.seed, ReplicateKind::Bootstrap, index);
            let rows = bootstrap_rows(n, settings.surrogates, &mut rng);
            let pick = |m: &Modality| match &m.features {
                ModalityFeatures::Numeric { names, columns } => Modality {
                    columns: m.columns.clone(),
                    features: ModalityFeatures::Numeric {
                        names: names.clone(),
                        columns: columns.iter().map(|c| c.gather(&rows)).collect(),
                    },
                },
                ModalityFeatures::Categorical(_) => unreachable!(),
            };
            let resampled = Dataset {
                x1: pick(&data.x1),
                x2: pick(&data.x2),
                y: Labels {
                    codes: rows.iter().map(|&r| data.y.codes[r]).collect(),
                    ..data.y.clone()
                },
                ..data.clone()
            };
            let samples = samples_of(&resampled, options);
            let o = observe(&samples).expect("observes");
            Replicate {
                kind: ReplicateKind::Bootstrap,
                index,
                terms: o.terms,
                estimated: o.estimated,
                inner: None,
                subsamples: None,
                converged: true,
            }
        })
        .collect()
}

fn recluster(a: &Args) {
    let options = DiscretizeOptions {
        clusters: 20,
        ..DiscretizeOptions::default()
    };
    let n = 1000;
    let seeds = a.seeds.min(50);
    let resamples = a.resamples.min(100);
    // The pipeline's large-sample value: the same generator and clustering at N = 100,000.
    let big = scenario("synergy", 100_000, &mut SplitMix64::new(0xB16));
    let big_samples = samples_of(&big, &options);
    let truth = observe(&big_samples)
        .expect("observes")
        .terms
        .decomposition()
        .values();
    let (mut fixed, mut re) = (Acc::default(), Acc::default());
    let (mut t_fixed, mut t_re) = (0.0, 0.0);
    for seed in 0..seeds {
        let mut rng = SplitMix64::new(0xC0_0000 + seed as u64);
        let data = scenario("synergy", n, &mut rng);
        let samples = samples_of(&data, &options);
        // Both arms without the kink correction: re-clustered replicates have no
        // subsamples, and this compares the resampling of the clusters, not the correction.
        let settings = Settings {
            resamples,
            permutations: 0,
            seed: seed as u64,
            kink: KinkCorrection::Off,
            ..Settings::default()
        };
        let observed = observe(&samples).expect("observes");
        let t = Instant::now();
        let records = replicates(
            &samples,
            &observed,
            &settings,
            ReplicateKind::Bootstrap,
            0..resamples,
        )
        .expect("runs");
        t_fixed += t.elapsed().as_secs_f64();
        fixed.add(&summarise(&observed, &records, &settings), &truth);
        let t = Instant::now();
        let records = reclustered_replicates(&data, &options, &settings);
        t_re += t.elapsed().as_secs_f64();
        re.add(&summarise(&observed, &records, &settings), &truth);
    }
    println!("## Re-clustering in the bootstrap (planted synergy, N = {n}, {seeds} seeds, {resamples} resamples)\n");
    println!(
        "Target: the pipeline's value at N = 100,000 (same generator, same clustering): {}.\n",
        (0..4)
            .map(|j| format!("{} = {:.4}", TERMS[j], truth[j]))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("| bootstrap | ms per replicate | term | mean corrected | coverage of the N=100,000 value | mean width |");
    println!("|---|---|---|---|---|---|");
    for (name, r, t) in [
        ("fixed clusters", &fixed, t_fixed),
        ("re-clustered", &re, t_re),
    ] {
        for j in 0..4 {
            println!(
                "| {name} | {:.2} | {} | {:.4} | {:.0} % | {:.4} |",
                1e3 * t / (seeds * resamples) as f64,
                TERMS[j],
                truth[j] + r.bias(j),
                r.pct(r.covered[j]),
                r.width[j] / r.n as f64
            );
        }
    }
    println!();
}

fn main() {
    let a = args();
    let t0 = Instant::now();
    for part in a.parts.clone() {
        match part.as_str() {
            "discrete" => discrete(&a),
            "continuous" => continuous(&a),
            "recluster" => recluster(&a),
            other => panic!("unknown part {other}"),
        }
    }
    println!("Total: {:.0} s", t0.elapsed().as_secs_f64());
}
