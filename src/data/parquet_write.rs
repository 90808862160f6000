//! A small Parquet writer for test fixtures and benchmarks (native only): numbers,
//! integers, strings and list (embedding) columns, in row groups of a given size, through
//! the `parquet` crate's low-level writer. `cargo run --example make_format_fixtures`
//! and `cargo bench --bench formats` use it.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, FloatType, Int64Type};
use parquet::errors::Result;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// One column to write.
pub enum WriteColumn {
    /// `optional double`; NaN is written as null.
    Doubles(Vec<f64>),
    /// `required int64`.
    Ints(Vec<i64>),
    /// `optional binary (STRING)`; `None` is null.
    Texts(Vec<Option<String>>),
    /// `optional group (LIST)` of `optional double` (or `float`); an empty row is an
    /// empty list, NaN a null element. Rows may differ in length (for error fixtures).
    List { rows: Vec<Vec<f64>>, float32: bool },
}

impl WriteColumn {
    fn len(&self) -> usize {
        match self {
            WriteColumn::Doubles(v) => v.len(),
            WriteColumn::Ints(v) => v.len(),
            WriteColumn::Texts(v) => v.len(),
            WriteColumn::List { rows, .. } => rows.len(),
        }
    }

    fn schema(&self, name: &str) -> String {
        match self {
            WriteColumn::Doubles(_) => format!("optional double {name};"),
            WriteColumn::Ints(_) => format!("required int64 {name};"),
            WriteColumn::Texts(_) => format!("optional binary {name} (STRING);"),
            WriteColumn::List { float32, .. } => {
                let element = if *float32 { "float" } else { "double" };
                format!("optional group {name} (LIST) {{ repeated group list {{ optional {element} element; }} }}")
            }
        }
    }
}

/// Writes `columns` (all of one length) as a Parquet file, `group_rows` rows per row
/// group, compressed with `compression`.
pub fn write_parquet<W: Write + Send>(
    out: W,
    columns: &[(&str, WriteColumn)],
    group_rows: usize,
    compression: Compression,
) -> Result<()> {
    let fields: String = columns
        .iter()
        .map(|(n, c)| c.schema(n))
        .collect::<Vec<_>>()
        .join(" ");
    let schema = Arc::new(parse_message_type(&format!(
        "message table {{ {fields} }}"
    ))?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(compression)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(out, schema, properties)?;
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    let mut start = 0;
    while start < rows {
        let end = (start + group_rows.max(1)).min(rows);
        let mut group = writer.next_row_group()?;
        for (_, column) in columns {
            let mut out = group.next_column()?.expect("one writer per schema column");
            write_rows(&mut out, column, start..end)?;
            out.close()?;
        }
        group.close()?;
        start = end;
    }
    writer.close()?;
    Ok(())
}

fn write_rows(
    out: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    column: &WriteColumn,
    range: std::ops::Range<usize>,
) -> Result<()> {
    match column {
        WriteColumn::Doubles(v) => {
            let v = &v[range];
            let def: Vec<i16> = v.iter().map(|x| i16::from(!x.is_nan())).collect();
            let values: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            out.typed::<DoubleType>()
                .write_batch(&values, Some(&def), None)?;
        }
        WriteColumn::Ints(v) => {
            out.typed::<Int64Type>()
                .write_batch(&v[range], None, None)?;
        }
        WriteColumn::Texts(v) => {
            let v = &v[range];
            let def: Vec<i16> = v.iter().map(|x| i16::from(x.is_some())).collect();
            let values: Vec<ByteArray> = v
                .iter()
                .flatten()
                .map(|s| ByteArray::from(s.as_str()))
                .collect();
            out.typed::<ByteArrayType>()
                .write_batch(&values, Some(&def), None)?;
        }
        WriteColumn::List { rows, float32 } => {
            // Levels: 1 an empty list, 2 a null element, 3 a value.
            let (mut def, mut rep, mut values) = (Vec::new(), Vec::new(), Vec::new());
            for row in &rows[range] {
                if row.is_empty() {
                    def.push(1);
                    rep.push(0);
                }
                for (k, &x) in row.iter().enumerate() {
                    rep.push(i16::from(k > 0));
                    def.push(if x.is_nan() { 2 } else { 3 });
                    if !x.is_nan() {
                        values.push(x);
                    }
                }
            }
            if *float32 {
                let values: Vec<f32> = values.iter().map(|&x| x as f32).collect();
                out.typed::<FloatType>()
                    .write_batch(&values, Some(&def), Some(&rep))?;
            } else {
                out.typed::<DoubleType>()
                    .write_batch(&values, Some(&def), Some(&rep))?;
            }
        }
    }
    Ok(())
}
