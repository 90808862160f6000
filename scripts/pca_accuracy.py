"""Randomized against exact PCA, by the atoms they lead to (docs/scale.md, "Randomized PCA").

For each directory of `cargo run --release --example embeddings -- --out DIR` files
(x1.npy, x2.npy, y.npy) it runs the release CLI with --pca-method exact and randomized
at the default seed, and exact again with k-means seeds 1 and 2, and prints one markdown
row: the atoms R / U1 / U2 / S of each method, the largest difference between them, the
spread of the exact path's atoms across the three seeds (how much the discretisation
itself moves), the smallest half-width of the exact run's 95 % intervals, and the
wall-clock time of each method's run (200 resamples included).

    cargo build --release && python3 scripts/pca_accuracy.py [--pca K] DIR [DIR ...]
"""
import json
import subprocess
import sys
import time

ATOMS = ["redundancy", "unique1", "unique2", "synergy"]
ARGS = sys.argv[1:]
PCA = ARGS[ARGS.index("--pca") + 1] if "--pca" in ARGS else "5"
DIRS = [a for i, a in enumerate(ARGS) if a != "--pca" and (i == 0 or ARGS[i - 1] != "--pca")]


def run(directory, method, seed=None, resamples=200):
    args = ["target/release/pidscope", "estimate"] + [f"{directory}/{n}.npy" for n in ("x1", "x2", "y")]
    args += ["--x1", "x1*", "--x2", "x2*", "--y", "y", "--no-fidelity", "--permutations", "0"]
    args += ["--resamples", str(resamples), "--pca-method", method, "--pca", PCA, "--json"]
    if seed is not None:
        args += ["--seed", str(seed)]
    start = time.time()
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout), time.time() - start


print("| rows (file), PCA components | exact R / U1 / U2 / S | randomized R / U1 / U2 / S | largest difference | exact, spread over 3 k-means seeds | smallest interval half-width | exact | randomized |")
print("|---|---|---|---|---|---|---|---|")
for directory in DIRS:
    exact, exact_seconds = run(directory, "exact")
    randomized, randomized_seconds = run(directory, "randomized")
    seeds = [exact] + [run(directory, "exact", seed, resamples=0)[0] for seed in (1, 2)]
    difference = max(abs(exact[a] - randomized[a]) for a in ATOMS)
    spread = max(max(s[a] for s in seeds) - min(s[a] for s in seeds) for a in ATOMS)
    half = min((exact["uncertainty"][a]["high"] - exact["uncertainty"][a]["low"]) / 2 for a in ATOMS)
    atoms = lambda j: " / ".join(f"{j[a]:.3f}" for a in ATOMS)
    features = directory.rstrip("/").split("/")[-1]
    print(f"| {exact['rows']['rows_used']:,} ({features}), {PCA} | {atoms(exact)} | {atoms(randomized)} | {difference:.3f} | {spread:.3f} | {half:.3f} | {exact_seconds:.1f} s | {randomized_seconds:.1f} s |", flush=True)
