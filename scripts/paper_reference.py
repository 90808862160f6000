#!/usr/bin/env python3
"""The paper's discretisation, as its released code does it, on pidscope's scenarios.

Liang et al. (NeurIPS 2023) discretise each modality with scikit-learn before CVX
(DESIGN §4, the code's `clustering()`): `normalize` (each ROW scaled to unit L2 norm),
`PCA(n_components=2)`, `KMeans(n_clusters=20, n_init=10)`. This script applies exactly
that to the synthetic datasets pidscope generates (D_R, D_U1, D_U2, D_S), once per
k-means `random_state`, and writes the joint count tables n(x1, x2, y) to
`tests/data/paper_reference/<scenario>.json`. `tests/paper_preset.rs` solves them with
pidscope's CVX (the paper code's spread over clustering seeds) and checks that
`--preset paper` lands inside it.

Not run by `npm test` (it needs Python with scikit-learn). To regenerate:

    cargo run --release --example scenarios -- --csv /tmp/scen 4000 1
    python3 -m venv /tmp/pyref && /tmp/pyref/bin/pip install scikit-learn numpy
    /tmp/pyref/bin/python scripts/paper_reference.py /tmp/scen

The CSVs are 4000 samples, scenario seed 1 (the values are rounded to 4 decimals, so
the CSV is exactly the table the Rust test regenerates in memory).
"""

import csv
import json
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

DATASETS = ["synthetic_D_R", "synthetic_D_U1", "synthetic_D_U2", "synthetic_D_S"]
SAMPLES = 4000
SCENARIO_SEED = 1
COMPONENTS = 2
CLUSTERS = 20
N_INIT = 10
RANDOM_STATES = range(30)
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "paper_reference"


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    x1 = [i for i, c in enumerate(header) if c.startswith("x1_")]
    x2 = [i for i, c in enumerate(header) if c.startswith("x2_")]
    y = header.index("label")
    as_matrix = lambda cols: np.array([[float(r[i]) for i in cols] for r in body])
    return as_matrix(x1), as_matrix(x2), [r[y] for r in body]


def clustering(x, random_state):
    """The paper's `clustering()`: normalize rows → PCA(2) → KMeans(20, n_init=10)."""
    z = PCA(n_components=COMPONENTS).fit_transform(normalize(x))
    km = KMeans(n_clusters=CLUSTERS, n_init=N_INIT, random_state=random_state).fit(z)
    return km.labels_, float(km.inertia_)


def main(csv_dir):
    OUT.mkdir(parents=True, exist_ok=True)
    for name in DATASETS:
        x1, x2, labels = read(Path(csv_dir) / f"{name}_seed{SCENARIO_SEED}.csv")
        assert len(labels) == SAMPLES, f"{name}: {len(labels)} rows"
        levels = sorted(set(labels))
        y = np.array([levels.index(v) for v in labels])
        tables = []
        for s in RANDOM_STATES:
            c1, i1 = clustering(x1, s)
            c2, i2 = clustering(x2, s)
            counts = np.zeros((CLUSTERS, CLUSTERS, len(levels)), dtype=np.int64)
            np.add.at(counts, (c1, c2, y), 1)
            tables.append({
                "random_state": s,
                "inertia": [i1, i2],
                "counts": counts.reshape(-1).tolist(),
            })
        out = {
            "dataset": name,
            "samples": SAMPLES,
            "scenario_seed": SCENARIO_SEED,
            "pipeline": f"sklearn normalize -> PCA({COMPONENTS}) -> KMeans({CLUSTERS}, n_init={N_INIT}, random_state=s), per modality",
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "shape": [CLUSTERS, CLUSTERS, len(levels)],
            "y_levels": levels,
            "tables": tables,
        }
        (OUT / f"{name}.json").write_text(json.dumps(out, separators=(",", ":")) + "\n")
        print(f"{name}: {len(tables)} tables -> {OUT / (name + '.json')}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/scen")
