//! Parse speed and peak memory of the same samples as CSV, `.npy`, `.npz` and Parquet,
//! read from files as the CLI reads them (CSV and NumPy pushed in 1 MiB chunks through
//! `FileReader`, Parquet row group by row group). Peak memory is the heap's high-water
//! mark above what was allocated before the read, from a counting allocator.
//!
//! Run with `cargo bench --bench formats` (release profile); figures in docs/ingest.md.
//! `-- --keep DIR` leaves the files in DIR for the page's benchmark
//! (`scripts/bench-formats-page.mjs DIR`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use parquet::basic::Compression;
use pidscope::data::npy::write_npy;
use pidscope::data::npz::write_zip;
use pidscope::data::parquet::read_parquet;
use pidscope::data::parquet_write::{write_parquet, WriteColumn};
use pidscope::data::{FileReader, IngestOptions, Limits, ParsedTable};
use pidscope::rng::SplitMix64;

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROWS: usize = 600_000;
const COLUMNS: usize = 16;

fn read_file(path: &std::path::Path, name: &str) -> ParsedTable {
    if name.ends_with(".parquet") {
        return read_parquet(name, std::fs::File::open(path).unwrap(), Limits::default()).unwrap();
    }
    let mut file = std::fs::File::open(path).unwrap();
    let mut reader = FileReader::new(IngestOptions::named(name));
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        reader.push(&chunk[..n]).unwrap();
    }
    reader.finish().unwrap()
}

fn main() {
    // 600,000 rows × 16 numbers with 6 decimals (the CSV benchmark's data, about 100 MB as CSV).
    let mut rng = SplitMix64::new(1);
    let values: Vec<f64> = (0..ROWS * COLUMNS)
        .map(|_| ((rng.next_f64() * 200.0 - 100.0) * 1e6).round() / 1e6)
        .collect();
    let args: Vec<String> = std::env::args().collect();
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .map(|i| std::path::PathBuf::from(&args[i + 1]));
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("pidscope-bench-formats-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = (0..COLUMNS)
        .map(|c| format!("f[{c}]"))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for row in values.chunks(COLUMNS) {
        csv += &row
            .iter()
            .map(|v| format!("{v:.6}"))
            .collect::<Vec<_>>()
            .join(",");
        csv.push('\n');
    }
    let npy = write_npy(
        "<f8",
        false,
        &[ROWS, COLUMNS],
        &values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>(),
    );
    let npz = write_zip(&[("f.npy", &npy)], true);
    let names: Vec<String> = (0..COLUMNS).map(|c| format!("f{c}")).collect();
    let parquet = |compression, list: bool| {
        let columns: Vec<(&str, WriteColumn)> = if list {
            let rows = values.chunks(COLUMNS).map(<[f64]>::to_vec).collect();
            vec![(
                "f",
                WriteColumn::List {
                    rows,
                    float32: false,
                },
            )]
        } else {
            let column = |c: usize| values.iter().skip(c).step_by(COLUMNS).copied().collect();
            names
                .iter()
                .enumerate()
                .map(|(c, n)| (n.as_str(), WriteColumn::Doubles(column(c))))
                .collect()
        };
        let mut out = Vec::new();
        write_parquet(&mut out, &columns, 100_000, compression).unwrap();
        out
    };
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("f.csv", csv.into_bytes()),
        ("f.npy", npy),
        ("f.npz", npz),
        ("f.parquet", parquet(Compression::UNCOMPRESSED, false)),
        ("f_snappy.parquet", parquet(Compression::SNAPPY, false)),
        ("f_list.parquet", parquet(Compression::SNAPPY, true)),
    ];
    println!("{ROWS} rows × {COLUMNS} numbers (6 decimals); best of 3 reads from a file:");
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let size = bytes.len() as f64 / 1e6;
        drop(bytes);
        let mut best = f64::INFINITY;
        let mut peak = 0;
        for _ in 0..3 {
            let before = CURRENT.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let start = Instant::now();
            let table = read_file(&path, name);
            best = best.min(start.elapsed().as_secs_f64());
            peak = PEAK.load(Ordering::Relaxed) - before;
            assert_eq!((table.rows(), table.columns().len()), (ROWS, COLUMNS));
        }
        println!(
            "  {name:18} {size:7.1} MB: {best:.3} s = {:6.0} MB/s of file, {:6.1} M numbers/s; peak heap {:.0} MB",
            size / best,
            (ROWS * COLUMNS) as f64 / best / 1e6,
            peak as f64 / 1e6
        );
        if keep.is_none() {
            std::fs::remove_file(&path).unwrap();
        }
    }
    if keep.is_none() {
        std::fs::remove_dir(&dir).unwrap();
    }
}
