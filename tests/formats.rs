//! NumPy (`.npy`, `.npz`) and Parquet input: the same samples in every format give the
//! same columns and the same atoms as their CSV, and every way a file can be wrong is
//! an error naming the file, the array or column and, where there is one, the row.
//! Fixtures: tests/data/formats/, made by `cargo run --example make_format_fixtures`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use pidscope::analysis::{analyse, AnalysisSettings};
use pidscope::data::npy::write_npy;
use pidscope::data::npz::write_zip;
use pidscope::data::parquet::read_parquet;
use pidscope::data::{
    assemble, AssembleOptions, ColumnData, DataError, FileReader, IngestOptions, Limits,
    ParsedTable, Roles,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

/// Reads bytes as the page does: pushed in chunks of 1000 bytes, then finished.
fn read_bytes(name: &str, bytes: &[u8]) -> Result<ParsedTable, DataError> {
    let mut reader = FileReader::new(IngestOptions::named(name));
    for chunk in bytes.chunks(1000) {
        reader.push(chunk)?;
    }
    reader.finish()
}

fn read(name: &str) -> ParsedTable {
    let path = fixture(name);
    if name.ends_with(".parquet") {
        read_parquet(name, std::fs::File::open(&path).unwrap(), Limits::default()).unwrap()
    } else {
        read_bytes(name, &std::fs::read(&path).unwrap()).unwrap()
    }
}

/// The error reading `bytes` as the Parquet file `bad.parquet` (from a temporary file).
fn parquet_error(bytes: Vec<u8>) -> DataError {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "pidscope-formats-{}-{n}.parquet",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let result = read_parquet(
        "bad.parquet",
        std::fs::File::open(&path).unwrap(),
        Limits::default(),
    );
    std::fs::remove_file(&path).unwrap();
    result.unwrap_err()
}

/// The atoms (bits) of the analysis with guessed roles and default settings.
fn atoms(tables: &[ParsedTable]) -> Vec<f64> {
    let analysis = analyse(tables, None, &AnalysisSettings::default(), &mut |_| {}).unwrap();
    analysis
        .dataset
        .pid
        .decomposition
        .terms()
        .map(|(_, bits)| bits)
        .collect()
}

/// Every column of `tables`, by name, as text, in order.
fn cells(tables: &[ParsedTable]) -> Vec<(String, Vec<String>)> {
    tables
        .iter()
        .flat_map(|t| t.columns())
        .map(|c| (c.name.clone(), (0..c.len()).map(|r| c.text(r)).collect()))
        .collect()
}

#[test]
fn npz_npy_and_parquet_read_the_same_columns_and_atoms_as_the_csv() {
    let csv = vec![read("arrays.csv")];
    let expected_cells = cells(&csv);
    assert_eq!(expected_cells.len(), 6, "x1[0..2], x2[0..1], y");
    let expected = atoms(&csv);
    assert!(
        expected.iter().any(|&a| a > 0.01),
        "the fixture has information: {expected:?}"
    );
    let inputs: Vec<Vec<ParsedTable>> = vec![
        vec![read("arrays.npz")],
        vec![read("arrays_compressed.npz")],
        // Written by NumPy itself (zip64 extra fields, Fortran-order x2): see tests/data/README.md.
        vec![read("numpy_savez.npz")],
        vec![read("numpy_savez_compressed.npz")],
        vec![read("x1.npy"), read("x2.npy"), read("y.npy")],
        vec![read("embedding.parquet")],
        vec![read("embedding_zstd.parquet")],
        vec![read("embedding_gzip.parquet")],
    ];
    for tables in inputs {
        let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
        assert_eq!(
            cells(&tables),
            expected_cells,
            "{names:?}: the same cells as the CSV"
        );
        assert_eq!(
            atoms(&tables),
            expected,
            "{names:?}: the same atoms as the CSV"
        );
    }
    // float32 sources stay float32 (half the memory, the same values), float64 ones not.
    let storage = |table: &ParsedTable, column: &str| match &table.column(column).unwrap().data {
        ColumnData::Numeric(numbers) => numbers.bytes_per_value(),
        ColumnData::Categorical { .. } => 0,
    };
    assert_eq!(storage(&read("x2.npy"), "x2[1]"), 4, "x2.npy is float32");
    assert_eq!(storage(&read("x1.npy"), "x1[0]"), 8, "x1.npy is float64");
    for table in [read("embedding.parquet"), read("arrays.npz")] {
        assert_eq!(
            storage(&table, "x2[1]"),
            4,
            "{}: x2 is float32",
            table.name()
        );
        assert_eq!(
            storage(&table, "x1[0]"),
            8,
            "{}: x1 is float64",
            table.name()
        );
    }
    assert_eq!(
        storage(&read("arrays.csv"), "x2[1]"),
        8,
        "a CSV's numbers are float64"
    );
    // The guessed roles keep each array in one modality.
    let roles = Roles::guess_tables(&[read("embedding.parquet")]).unwrap();
    assert_eq!(roles.x1, ["x1[0]", "x1[1]", "x1[2]"]);
    assert_eq!(roles.x2, ["x2[0]", "x2[1]"]);
    assert_eq!(roles.y, "y");
}

/// A `.npy` of `descr` and `shape` with `data`, read as `a.npy`.
fn npy(descr: &str, fortran: bool, shape: &[usize], data: &[u8]) -> Result<ParsedTable, DataError> {
    read_bytes("a.npy", &write_npy(descr, fortran, shape, data))
}

fn f64s(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[test]
fn npy_reads_c_and_fortran_order_types_and_strings() {
    // A (2, 2, 3) array: row i, then 6 columns in C order of the last two axes.
    let c_order: Vec<f64> = (0..12).map(f64::from).collect();
    // The same array in Fortran order: element (i, a, b) at i + 2·(a + 2·b).
    let mut fortran = vec![0.0; 12];
    for i in 0..2 {
        for a in 0..2 {
            for b in 0..3 {
                fortran[i + 2 * (a + 2 * b)] = c_order[i * 6 + a * 3 + b];
            }
        }
    }
    let c = npy("<f8", false, &[2, 2, 3], &f64s(&c_order)).unwrap();
    let f = npy("<f8", true, &[2, 2, 3], &f64s(&fortran)).unwrap();
    assert_eq!(
        c.column_names(),
        ["a[0]", "a[1]", "a[2]", "a[3]", "a[4]", "a[5]"]
    );
    assert_eq!(cells(std::slice::from_ref(&c)), cells(&[f]));
    assert_eq!(c.column("a[4]").unwrap().text(1), "10");

    let big_endian: Vec<u8> = [-3i32, 7].iter().flat_map(|v| v.to_be_bytes()).collect();
    let ints = npy(">i4", false, &[2], &big_endian).unwrap();
    assert_eq!(cells(&[ints])[0].1, ["-3", "7"]);
    let small = npy("|u1", false, &[3, 1], &[0, 200, 255]).unwrap();
    assert_eq!(
        small.column_names(),
        ["a"],
        "a single column keeps the array's name"
    );
    assert_eq!(cells(&[small])[0].1, ["0", "200", "255"]);
    let floats: Vec<u8> = [0.5f32, -1.25]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(
        cells(&[npy("<f4", false, &[2], &floats).unwrap()])[0].1,
        ["0.5", "-1.25"]
    );
    assert_eq!(
        cells(&[npy("|b1", false, &[2], &[1, 0]).unwrap()])[0].1,
        ["1", "0"]
    );

    // Strings are categories: `<U3` is three UTF-32 characters, NUL-padded.
    let utf32: Vec<u8> = ["cat", "ow", "cat"]
        .iter()
        .flat_map(|s| {
            let mut chars: Vec<u32> = s.chars().map(u32::from).collect();
            chars.resize(3, 0);
            chars.into_iter().flat_map(u32::to_le_bytes)
        })
        .collect();
    let labels = npy("<U3", false, &[3], &utf32).unwrap();
    let (codes, levels) = labels.columns()[0].as_categories();
    assert_eq!(
        (codes, levels),
        (vec![0, 1, 0], vec!["cat".to_string(), "ow".to_string()])
    );
}

fn message(result: Result<ParsedTable, DataError>) -> String {
    result.unwrap_err().to_string()
}

#[test]
fn npy_errors_name_the_file_the_array_and_what_to_do() {
    let complex = message(npy("<c16", false, &[1], &[0; 16]));
    assert!(
        complex.contains("a.npy, array 'a': dtype '<c16' (complex) is not supported"),
        "{complex}"
    );
    let object = message(npy("|O", false, &[1], &[0; 8]));
    assert!(
        object.contains("array 'a'")
            && object.contains("object array")
            && object.contains("pickle"),
        "{object}"
    );
    let half = message(npy("<f2", false, &[1], &[0; 2]));
    assert!(
        half.contains("half float") && half.contains("float32"),
        "{half}"
    );
    let header = b"{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }\n";
    let mut structured = b"\x93NUMPY\x01\x00".to_vec();
    structured.extend_from_slice(&(header.len() as u16).to_le_bytes());
    structured.extend_from_slice(header);
    structured.extend_from_slice(&[0; 8]);
    let structured = message(read_bytes("a.npy", &structured));
    assert!(structured.contains("structured array"), "{structured}");
    let short = message(npy("<f8", false, &[4, 2], &f64s(&[1.0; 7])));
    assert!(
        short.contains("cut short") && short.contains("64 bytes"),
        "{short}"
    );
    let scalar = message(npy("<f8", false, &[], &f64s(&[1.0])));
    assert!(scalar.contains("scalar"), "{scalar}");
    let not_npy = message(read_bytes("a.npy", b"x1,y\n1,2\n"));
    assert!(not_npy.contains("not a .npy array"), "{not_npy}");
    let infinite = message(npy("<f8", false, &[3], &f64s(&[1.0, 2.0, f64::INFINITY])));
    assert!(
        infinite.contains("a.npy, row 3, column 'a': the value is infinite"),
        "{infinite}"
    );
}

#[test]
fn nan_is_a_missing_value_as_in_a_csv() {
    let x1 = write_npy("<f8", false, &[4], &f64s(&[0.0, f64::NAN, 1.0, 2.0]));
    let x2 = write_npy("<f8", false, &[4], &f64s(&[1.0, 0.0, 1.0, 0.0]));
    let y = write_npy(
        "<i8",
        false,
        &[4],
        &[0i64, 1, 0, 1]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>(),
    );
    let npz = write_zip(&[("x1.npy", &x1), ("x2.npy", &x2), ("y.npy", &y)], true);
    let table = read_bytes("nan.npz", &npz).unwrap();
    assert_eq!(table.column("x1").unwrap().missing, 1);
    let roles = Roles::guess_tables(std::slice::from_ref(&table)).unwrap();
    let report = assemble(&[table], &roles, &AssembleOptions::default())
        .unwrap()
        .report;
    assert_eq!(report.rows_dropped_missing, 1);
    assert_eq!(report.missing_by_column, [("x1".to_string(), 1)]);
}

#[test]
fn npz_errors_name_the_archive_and_the_array() {
    let x = write_npy("<f8", false, &[3], &f64s(&[1.0, 2.0, 3.0]));
    let y = write_npy("<f8", false, &[2], &f64s(&[1.0, 2.0]));
    let mismatch = message(read_bytes(
        "m.npz",
        &write_zip(&[("x.npy", &x), ("y.npy", &y)], false),
    ));
    assert!(
        mismatch.contains("'m.npz::x' has 3 rows, 'm.npz::y' has 2"),
        "{mismatch}"
    );
    let good = write_zip(&[("x.npy", &x)], false);
    let mut flipped = good.clone();
    flipped[100] ^= 0xFF; // inside the stored array's data
    let damaged = message(read_bytes("d.npz", &flipped));
    assert!(
        damaged.contains("d.npz: member 'x.npy' fails its checksum"),
        "{damaged}"
    );
    let cut = message(read_bytes("c.npz", &good[..good.len() - 30]));
    assert!(
        cut.contains("c.npz: not a readable .npz (zip) archive"),
        "{cut}"
    );
    let inner = write_npy("|O", false, &[3], &[0; 24]);
    let object = message(read_bytes(
        "o.npz",
        &write_zip(&[("obj.npy", &inner)], true),
    ));
    assert!(
        object.contains("o.npz, array 'obj': dtype '|O' is an object array"),
        "{object}"
    );
}

#[test]
fn binary_files_keep_to_the_row_and_column_limits() {
    let path = fixture("embedding.parquet");
    let rows = Limits {
        max_rows: 150,
        ..Limits::default()
    };
    let capped = read_parquet("e.parquet", std::fs::File::open(&path).unwrap(), rows);
    assert_eq!(
        message(capped),
        "e.parquet, line 151: more than 150 data rows"
    );
    let columns = Limits {
        max_columns: 4,
        ..Limits::default()
    };
    let mut options = IngestOptions::named("arrays.npz");
    options.limits = columns;
    let mut reader = FileReader::new(options);
    reader
        .push(&std::fs::read(fixture("arrays.npz")).unwrap())
        .unwrap();
    assert!(matches!(
        reader.finish(),
        Err(DataError::TooManyColumns { limit: 4, .. })
    ));
}

#[test]
fn parquet_reads_strings_nulls_and_row_groups() {
    let table = read("kinds.parquet");
    assert_eq!(table.rows(), 12, "three row groups of 5, 5 and 2 rows");
    let label = table.column("label").unwrap();
    assert_eq!(
        (
            label.text(0).as_str(),
            label.text(4).as_str(),
            label.missing
        ),
        ("cat", "dog", 1)
    );
    assert!(label.is_missing(3));
    let score = table.column("score").unwrap();
    assert_eq!((score.text(11).as_str(), score.missing), ("5.5", 1));
    assert!(score.is_missing(7));
}

#[test]
fn parquet_errors_name_the_file_the_column_and_the_row() {
    let ragged = read_parquet(
        "ragged.parquet",
        std::fs::File::open(fixture("ragged.parquet")).unwrap(),
        Limits::default(),
    );
    let ragged = message(ragged);
    assert!(
        ragged.contains(
            "ragged.parquet, row 6, column 'emb': the list has 3 values, but the first row's has 4"
        ),
        "{ragged}"
    );
    let good = std::fs::read(fixture("embedding.parquet")).unwrap();
    let footer = parquet_error(good[..good.len() - 12].to_vec()).to_string();
    assert!(
        footer.starts_with("bad.parquet: not a readable Parquet file"),
        "{footer}"
    );
    let mut bad_magic = good.clone();
    let n = bad_magic.len();
    bad_magic[n - 1] = b'X';
    assert!(matches!(
        parquet_error(bad_magic),
        DataError::CorruptFile { .. }
    ));
    let structs = parquet_error(struct_file()).to_string();
    assert!(
        structs.contains("bad.parquet, column 's': a struct or map column is not supported"),
        "{structs}"
    );
}

/// A Parquet file with a struct column `s {a, b}` and one row.
fn struct_file() -> Vec<u8> {
    use parquet::data_type::DoubleType;
    use parquet::file::{properties::WriterProperties, writer::SerializedFileWriter};
    let schema = parquet::schema::parser::parse_message_type(
        "message m { optional group s { optional double a; optional double b; } }",
    )
    .unwrap();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(
        &mut out,
        schema.into(),
        WriterProperties::builder().build().into(),
    )
    .unwrap();
    let mut group = writer.next_row_group().unwrap();
    while let Some(mut column) = group.next_column().unwrap() {
        column
            .typed::<DoubleType>()
            .write_batch(&[1.0], Some(&[2]), None)
            .unwrap();
        column.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
    out
}
