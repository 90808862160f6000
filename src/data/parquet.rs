//! Parquet natively (the CLI, tests, benchmarks), through the `parquet` crate's
//! low-level column readers: no Arrow. The page reads Parquet with hyparquet in its
//! worker and pushes the same columns through [`TableBuilder`], so both give one table.
//!
//! Columns: booleans, integers, floats and doubles are numbers; strings (`BYTE_ARRAY`,
//! dictionary-encoded or not, so pandas' categoricals too) are categories; a list of
//! numbers (`LIST`, or Arrow's fixed-size list, which Parquet stores as a list) is an
//! embedding: the columns `name[0]` … `name[d-1]`, one modality, every row of the same
//! length. Nulls are missing values. Row groups are read one at a time; within one,
//! each column is decoded whole. Structs, maps, lists of lists or of strings, `INT96`
//! and fixed-length byte arrays are refused with the column's name.

use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType};
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::schema::types::{ColumnDescriptor, Type};

use super::{DataError, Limits, ParsedTable, TableBuilder};

/// How a leaf column is read.
enum Shape {
    Scalar,
    /// A list: rows with a definition level below `list_def` are a null or empty list.
    List {
        list_def: i16,
    },
}

/// A leaf's values (non-null ones only) and its levels.
struct Leaf {
    numbers: Vec<f64>,
    /// The numbers were float32 (kept so by the builder).
    float32: bool,
    texts: Vec<ByteArray>,
    def: Vec<i16>,
    rep: Vec<i16>,
}

/// Reads the Parquet file `reader` (a `File`, or `bytes::Bytes`) shown as `file`,
/// row group by row group, within `limits`.
pub fn read_parquet<R: ChunkReader + 'static>(
    file: &str,
    reader: R,
    limits: Limits,
) -> Result<ParsedTable, DataError> {
    let bytes = reader.len();
    let corrupt = |e: parquet::errors::ParquetError| DataError::CorruptFile {
        file: file.to_string(),
        problem: format!("not a readable Parquet file ({e})"),
    };
    let parquet = SerializedFileReader::new(reader).map_err(corrupt)?;
    let schema = parquet.metadata().file_metadata().schema_descr_ptr();
    let mut builder = TableBuilder::new(file, limits);
    builder.set_bytes(bytes);
    let mut shapes = Vec::new();
    let roots: Vec<usize> = (0..schema.num_columns())
        .map(|i| schema.get_column_root_idx(i))
        .collect();
    let mut leaves_of_root = vec![0usize; schema.root_schema().get_fields().len()];
    for &r in &roots {
        leaves_of_root[r] += 1;
    }
    for (i, column) in schema.columns().iter().enumerate() {
        let root = schema.get_column_root(i);
        // Two leaves under one top-level field: a struct or a map.
        if leaves_of_root[roots[i]] > 1 {
            return Err(builder.column_error(
                root.name(),
                "a struct or map column is not supported; flatten it into columns",
            ));
        }
        shapes.push(shape_of(column, root).map_err(|p| builder.column_error(root.name(), p))?);
    }
    for g in 0..parquet.num_row_groups() {
        let group = parquet.get_row_group(g).map_err(corrupt)?;
        let rows = group.metadata().num_rows() as usize;
        for (i, shape) in shapes.iter().enumerate() {
            let name = schema.get_column_root(i).name().to_string();
            let column = group.get_column_reader(i).map_err(corrupt)?;
            let leaf = read_leaf(column, rows, &schema.columns()[i]).map_err(corrupt)?;
            push_leaf(&mut builder, &name, shape, &schema.columns()[i], leaf)?;
        }
        builder.end_batch()?;
    }
    builder.finish()
}

/// Whether a leaf is a scalar or a list of numbers; why not, when neither.
fn shape_of(column: &ColumnDescriptor, root: &Type) -> Result<Shape, String> {
    let physical = column.physical_type();
    match physical {
        Physical::INT96 => return Err("INT96 (an old timestamp type) is not supported".into()),
        Physical::FIXED_LEN_BYTE_ARRAY => {
            return Err("fixed-length byte arrays (decimals, UUIDs) are not supported".into())
        }
        _ => {}
    }
    match column.max_rep_level() {
        0 => Ok(Shape::Scalar),
        1 if physical != Physical::BYTE_ARRAY => {
            // The definition level of the repeated node: below it the list is null or empty.
            let mut node = root;
            let mut def = 0;
            let mut list_def = 0;
            for (k, part) in column.path().parts().iter().enumerate() {
                if k > 0 {
                    node = node
                        .get_fields()
                        .iter()
                        .find(|f| f.name() == part)
                        .ok_or("its schema is inconsistent")?;
                }
                let repetition = node.get_basic_info().repetition();
                if repetition != Repetition::REQUIRED {
                    def += 1;
                }
                if repetition == Repetition::REPEATED {
                    list_def = def;
                }
            }
            Ok(Shape::List { list_def })
        }
        1 => Err("a list of strings is not supported; a list column must hold numbers".into()),
        _ => Err("a list of lists is not supported; a list column must hold numbers".into()),
    }
}

/// Decodes a whole column chunk of `rows` records.
fn read_leaf(
    column: ColumnReader,
    rows: usize,
    descr: &ColumnDescriptor,
) -> parquet::errors::Result<Leaf> {
    let levels = (descr.max_def_level() > 0, descr.max_rep_level() > 0);
    let numbers = |values: Vec<f64>, (def, rep)| Leaf {
        numbers: values,
        float32: false,
        texts: Vec::new(),
        def,
        rep,
    };
    Ok(match column {
        ColumnReader::BoolColumnReader(r) => {
            let (v, l) = drain(r, rows, levels)?;
            numbers(v.into_iter().map(|b| f64::from(u8::from(b))).collect(), l)
        }
        ColumnReader::Int32ColumnReader(r) => {
            let (v, l) = drain(r, rows, levels)?;
            numbers(v.into_iter().map(f64::from).collect(), l)
        }
        ColumnReader::Int64ColumnReader(r) => {
            let (v, l) = drain(r, rows, levels)?;
            numbers(v.into_iter().map(|x| x as f64).collect(), l)
        }
        ColumnReader::FloatColumnReader(r) => {
            let (v, l) = drain(r, rows, levels)?;
            Leaf {
                float32: true,
                ..numbers(v.into_iter().map(f64::from).collect(), l)
            }
        }
        ColumnReader::DoubleColumnReader(r) => {
            let (v, l) = drain(r, rows, levels)?;
            numbers(v, l)
        }
        ColumnReader::ByteArrayColumnReader(r) => {
            let (texts, (def, rep)) = drain(r, rows, levels)?;
            Leaf {
                numbers: Vec::new(),
                float32: false,
                texts,
                def,
                rep,
            }
        }
        // Refused by `shape_of` before any row group is read.
        ColumnReader::Int96ColumnReader(_) | ColumnReader::FixedLenByteArrayColumnReader(_) => {
            unreachable!("refused by shape_of")
        }
    })
}

type Levels = (Vec<i16>, Vec<i16>);

/// All `rows` records of a typed column reader: values, definition and repetition levels.
fn drain<T: DataType>(
    mut reader: ColumnReaderImpl<T>,
    rows: usize,
    (with_def, with_rep): (bool, bool),
) -> parquet::errors::Result<(Vec<T::T>, Levels)> {
    let (mut values, mut def, mut rep) = (Vec::new(), Vec::new(), Vec::new());
    let mut done = 0;
    while done < rows {
        let (records, _, _) = reader.read_records(
            rows - done,
            with_def.then_some(&mut def),
            with_rep.then_some(&mut rep),
            &mut values,
        )?;
        if records == 0 {
            break;
        }
        done += records;
    }
    Ok((values, (def, rep)))
}

/// Pushes one decoded leaf into the table as a column (or a list's columns).
fn push_leaf(
    builder: &mut TableBuilder,
    name: &str,
    shape: &Shape,
    descr: &ColumnDescriptor,
    leaf: Leaf,
) -> Result<(), DataError> {
    let max_def = descr.max_def_level();
    let present = |d: i16| max_def == 0 || d == max_def;
    match shape {
        Shape::Scalar if descr.physical_type() == Physical::BYTE_ARRAY => {
            check_text_type(builder, name, descr)?;
            let mut texts = leaf.texts.iter();
            let first_row = builder.rows();
            let mut cells = Vec::with_capacity(leaf.def.len().max(leaf.texts.len()));
            let rows = if max_def == 0 {
                leaf.texts.len()
            } else {
                leaf.def.len()
            };
            for r in 0..rows {
                if max_def > 0 && !present(leaf.def[r]) {
                    cells.push(None);
                    continue;
                }
                let text = texts.next().map(|t| t.as_utf8());
                match text {
                    Some(Ok(t)) => cells.push(Some(t)),
                    _ => {
                        return Err(DataError::InvalidUtf8 {
                            file: builder.file().to_string(),
                            line: (first_row + r + 1) as u64,
                            column: name.to_string(),
                            text: String::new(),
                        })
                    }
                }
            }
            builder.texts(name, cells)
        }
        Shape::Scalar if max_def == 0 => builder.numbers_of(name, &leaf.numbers, leaf.float32),
        Shape::Scalar => {
            let mut values = leaf.numbers.iter();
            let cells: Vec<f64> = leaf
                .def
                .iter()
                .map(|&d| {
                    if present(d) {
                        *values.next().unwrap_or(&f64::NAN)
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            builder.numbers_of(name, &cells, leaf.float32)
        }
        Shape::List { list_def } => {
            // Rows start where the repetition level is 0; a level below `list_def` is a
            // null or empty list (a missing row), a level below `max_def` a null element.
            let mut lengths: Vec<u32> = Vec::new();
            let mut flat = Vec::with_capacity(leaf.def.len());
            let mut values = leaf.numbers.iter();
            for (&d, &r) in leaf.def.iter().zip(&leaf.rep) {
                if r == 0 {
                    lengths.push(0);
                }
                if d >= *list_def {
                    flat.push(if present(d) {
                        *values.next().unwrap_or(&f64::NAN)
                    } else {
                        f64::NAN
                    });
                    if let Some(length) = lengths.last_mut() {
                        *length += 1;
                    }
                }
            }
            builder.list(name, &lengths, &flat, leaf.float32)
        }
    }
}

/// A byte-array column must be text: a string, enum or JSON, or unannotated.
fn check_text_type(
    builder: &TableBuilder,
    name: &str,
    descr: &ColumnDescriptor,
) -> Result<(), DataError> {
    let text = match descr.logical_type_ref() {
        Some(LogicalType::String | LogicalType::Enum | LogicalType::Json) => true,
        Some(_) => false,
        None => matches!(
            descr.converted_type(),
            ConvertedType::NONE | ConvertedType::UTF8 | ConvertedType::ENUM
        ),
    };
    if text {
        Ok(())
    } else {
        Err(builder.column_error(
            name,
            "binary data is not supported; a column must hold numbers or text",
        ))
    }
}
