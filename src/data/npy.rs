//! NumPy's `.npy` format (versions 1–3), read without Python: a magic string, a header
//! that is a Python dict literal (`{'descr': '<f4', 'fortran_order': False, 'shape':
//! (1000, 64), }`), then the elements.
//!
//! Axis 0 is the rows. A 1-D array, or a 2-D one with a single column, is one column
//! named after the array; any other array is flattened per row (C order of the other
//! axes) into the columns `name[0]` … `name[d-1]`, one modality. Element types:
//! floats (`f4`, `f8`), signed and unsigned integers (1–8 bytes), booleans (0/1) and
//! fixed-width strings (`U`, `S`), which are categories. Either byte order, C or Fortran
//! layout. Object arrays (pickled), complex numbers, dates, half floats and structured
//! arrays are refused with the array's name and what to save instead.

use super::{element_name, DataError, TableBuilder};

const MAGIC: &[u8] = b"\x93NUMPY";

/// float32 columns read per pass over the rows (16 × 4 bytes: one cache line).
const FLOAT32_BLOCK: usize = 16;

/// The element type of an array, from its `descr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Float,
    Signed,
    Unsigned,
    Bool,
    /// UTF-32 characters (`U`), `size` bytes in all.
    Unicode,
    /// Bytes (`S`), read as UTF-8 (lossily).
    Bytes,
}

#[derive(Debug, Clone, Copy)]
struct Dtype {
    element: Element,
    size: usize,
    big_endian: bool,
}

/// The parsed header.
#[derive(Debug)]
struct Header {
    dtype: Dtype,
    fortran: bool,
    shape: Vec<usize>,
}

/// What a header says about the data: the element type, rows, elements per row, where
/// each column's row 0 is and the step between rows (in elements), and the data's size.
#[derive(Debug, Clone)]
struct Plan {
    dtype: Dtype,
    fortran: bool,
    shape: Vec<usize>,
    rows: usize,
    width: usize,
    row_step: usize,
    starts: Vec<usize>,
    needed: usize,
}

/// The [`DataError`] for `array` of `file`.
fn unsupported(file: &str, array: &str, problem: String) -> DataError {
    DataError::UnsupportedArray {
        file: file.to_string(),
        array: array.to_string(),
        problem,
    }
}

fn plan_of(header: Header) -> Result<Plan, String> {
    let Some((&rows, rest)) = header.shape.split_first() else {
        return Err(
            "a scalar (shape ()) is not a column; save an array with one row per sample".into(),
        );
    };
    let width = rest
        .iter()
        .try_fold(1usize, |a, &b| a.checked_mul(b))
        .ok_or("the shape is too large")?;
    let needed = rows
        .checked_mul(width)
        .and_then(|n| n.checked_mul(header.dtype.size))
        .ok_or("the shape is too large")?;
    let (row_step, starts) = layout(&header, rows, rest);
    Ok(Plan {
        dtype: header.dtype,
        fortran: header.fortran,
        rows,
        width,
        row_step,
        starts,
        needed,
        shape: header.shape,
    })
}

impl Plan {
    fn cut_short(&self, found: usize) -> String {
        format!(
            "the data is cut short: the shape {:?} needs {} bytes after the header, the file has {found}",
            self.shape, self.needed
        )
    }

    /// Whether rows can be read as they arrive: in C order (or one column), numbers,
    /// at least one row of at least one element.
    fn streams(&self) -> bool {
        (!self.fortran || self.width == 1)
            && !matches!(self.dtype.element, Element::Unicode | Element::Bytes)
            && self.rows > 0
            && self.width > 0
    }

    fn row_bytes(&self) -> usize {
        self.width * self.dtype.size
    }
}

/// Reads one `.npy` array from `bytes` into `builder` as column(s) named after `array`
/// (see the module docs); returns its number of rows. `file` names it in messages.
pub fn read_npy(
    file: &str,
    array: &str,
    bytes: &[u8],
    builder: &mut TableBuilder,
) -> Result<usize, DataError> {
    let fail = |problem: String| unsupported(file, array, problem);
    let (header, data) = split_header(bytes).map_err(&fail)?;
    let plan = plan_of(parse_header(header).map_err(&fail)?).map_err(&fail)?;
    if data.len() < plan.needed {
        return Err(fail(plan.cut_short(data.len())));
    }
    push_rows(&data[..plan.needed], plan.rows, &plan, array, builder)?;
    Ok(plan.rows)
}

/// `rows` rows of `data`, laid out as `plan` says, into `builder` (one batch's columns).
fn push_rows(
    data: &[u8],
    rows: usize,
    plan: &Plan,
    array: &str,
    builder: &mut TableBuilder,
) -> Result<(), DataError> {
    let (row_step, starts, dtype) = (plan.row_step, &plan.starts, plan.dtype);
    let named = |j: usize| {
        if plan.width == 1 {
            array.to_string()
        } else {
            element_name(array, j)
        }
    };
    let size = dtype.size;
    let element = |start: usize, i: usize| {
        let at = (start + i * row_step) * size;
        &data[at..at + size]
    };
    if dtype.element == Element::Float && size == 4 {
        // float32 stays float32 (half the memory, the same values). A block of columns
        // is read per pass over the rows: in C order each row gives the block's values
        // from one cache line, where a column at a time would read a line per value.
        let mut block: Vec<Vec<f32>> = Vec::new();
        for (b, starts) in starts.chunks(FLOAT32_BLOCK).enumerate() {
            block.resize_with(starts.len(), Vec::new);
            block.iter_mut().for_each(|c| c.clear());
            for i in 0..rows {
                for (column, &start) in block.iter_mut().zip(starts) {
                    column.push(float32_of(element(start, i), dtype));
                }
            }
            for (k, column) in block.iter().enumerate() {
                builder.floats32(&named(b * FLOAT32_BLOCK + k), column)?;
            }
        }
        return Ok(());
    }
    let mut column = Vec::with_capacity(rows);
    for (j, &start) in starts.iter().enumerate() {
        match dtype.element {
            Element::Unicode | Element::Bytes => {
                let texts: Vec<String> = (0..rows)
                    .map(|i| text_of(element(start, i), dtype))
                    .collect();
                builder.texts(&named(j), texts.iter().map(|t| Some(t.as_str())))?;
            }
            _ => {
                column.clear();
                column.extend((0..rows).map(|i| number_of(element(start, i), dtype)));
                builder.numbers(&named(j), &column)?;
            }
        }
    }
    Ok(())
}

/// A `.npy` read as its bytes arrive: once the header is in, every complete row goes
/// into the builder (a batch per push), so the file is never held whole. (The page's
/// heap keeps the largest size it ever had: a whole file's bytes beside its columns
/// would cost 1.5× the data or more.) Arrays that cannot stream (Fortran order, text)
/// hand their bytes back to be read whole.
pub struct NpyStream {
    file: String,
    array: String,
    /// Bytes not read yet: the header until it is complete, then a partial row.
    pending: Vec<u8>,
    plan: Option<Plan>,
    rows_done: usize,
    /// Data bytes (after the header) seen so far.
    data_bytes: usize,
    /// The file's size, when the caller knows it ([`NpyStream::expect_bytes`]).
    file_bytes: Option<usize>,
}

impl NpyStream {
    /// A stream for the array `array` of the file `file` (names for messages).
    pub fn new(file: &str, array: &str) -> NpyStream {
        NpyStream {
            file: file.to_string(),
            array: array.to_string(),
            pending: Vec::new(),
            plan: None,
            rows_done: 0,
            data_bytes: 0,
            file_bytes: None,
        }
    }

    /// The file's size: its columns are then made as long as its rows at once.
    pub fn expect_bytes(&mut self, bytes: usize) {
        self.file_bytes = Some(bytes);
    }

    /// Feeds the next bytes. `Ok(Some(bytes))`: this array does not stream, and `bytes`
    /// (every byte so far) are to be read whole with the rest ([`read_npy`]).
    pub fn push(
        &mut self,
        chunk: &[u8],
        builder: &mut TableBuilder,
    ) -> Result<Option<Vec<u8>>, DataError> {
        self.pending.extend_from_slice(chunk);
        let Some(plan) = &self.plan else {
            return self.start(builder);
        };
        self.data_bytes += chunk.len();
        let row_bytes = plan.row_bytes();
        let rows = (self.pending.len() / row_bytes).min(plan.rows - self.rows_done);
        if rows > 0 {
            push_rows(
                &self.pending[..rows * row_bytes],
                rows,
                plan,
                &self.array,
                builder,
            )?;
            builder.end_batch()?;
            self.pending.drain(..rows * row_bytes);
            self.rows_done += rows;
        }
        Ok(None)
    }

    /// Reads the header once it is complete; then streams, or gives the bytes back.
    fn start(&mut self, builder: &mut TableBuilder) -> Result<Option<Vec<u8>>, DataError> {
        let fail = |problem: String| unsupported(&self.file, &self.array, problem);
        if !self
            .pending
            .starts_with(&MAGIC[..self.pending.len().min(MAGIC.len())])
        {
            // Not a .npy: read_npy says so.
            return Ok(Some(std::mem::take(&mut self.pending)));
        }
        let header_end = match self.pending.get(6) {
            _ if self.pending.len() < 12 => return Ok(None),
            Some(1) => 10 + u16::from_le_bytes([self.pending[8], self.pending[9]]) as usize,
            Some(2 | 3) => {
                12 + u32::from_le_bytes(self.pending[8..12].try_into().expect("4 bytes")) as usize
            }
            // Not a .npy: read_npy says so.
            _ => return Ok(Some(std::mem::take(&mut self.pending))),
        };
        if self.pending.len() < header_end {
            return Ok(None);
        }
        let (header, _) = split_header(&self.pending).map_err(&fail)?;
        let plan = plan_of(parse_header(header).map_err(&fail)?).map_err(&fail)?;
        if !plan.streams() {
            return Ok(Some(std::mem::take(&mut self.pending)));
        }
        let rest = self.pending.split_off(header_end);
        self.pending.clear();
        if let Some(total) = self.file_bytes {
            // Room for the rows the file can hold, not merely those its header claims.
            builder.expect_rows(
                plan.rows
                    .min(total.saturating_sub(header_end) / plan.row_bytes()),
            );
        }
        self.plan = Some(plan);
        self.push(&rest, builder)
    }

    /// Ends the array: every row must have come. `Ok(Some(bytes))` when the header
    /// never completed: the bytes are read whole, which says what is wrong.
    pub fn finish(self) -> Result<Option<Vec<u8>>, DataError> {
        let Some(plan) = &self.plan else {
            return Ok(Some(self.pending));
        };
        if self.rows_done < plan.rows {
            return Err(unsupported(
                &self.file,
                &self.array,
                plan.cut_short(self.data_bytes),
            ));
        }
        Ok(None)
    }
}

/// For each column `j` (C order of the axes after the first), the element index of
/// row 0, and the step between rows: contiguous rows in C order, contiguous columns in
/// Fortran order.
fn layout(header: &Header, rows: usize, rest: &[usize]) -> (usize, Vec<usize>) {
    let width: usize = rest.iter().product();
    if !header.fortran {
        return (width, (0..width).collect());
    }
    // Fortran: the offset of (i, a1, …, am) is i + rows·(a1 + s1·(a2 + …)).
    let starts = (0..width)
        .map(|j| {
            let (mut rem, mut offset, mut stride) = (j, 0, rows);
            let mut digits = vec![0; rest.len()];
            for (k, &s) in rest.iter().enumerate().rev() {
                digits[k] = rem % s.max(1);
                rem /= s.max(1);
            }
            for (k, &s) in rest.iter().enumerate() {
                offset += digits[k] * stride;
                stride *= s;
            }
            offset
        })
        .collect();
    (1, starts)
}

fn float32_of(bytes: &[u8], dtype: Dtype) -> f32 {
    let b = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if dtype.big_endian {
        f32::from_be_bytes(b)
    } else {
        f32::from_le_bytes(b)
    }
}

fn number_of(bytes: &[u8], dtype: Dtype) -> f64 {
    let mut b = [0u8; 8];
    let n = bytes.len();
    // Little-endian into the low bytes, whatever the file's order.
    if dtype.big_endian {
        for (k, &byte) in bytes.iter().rev().enumerate() {
            b[k] = byte;
        }
    } else {
        b[..n].copy_from_slice(bytes);
    }
    let negative = dtype.element == Element::Signed && b[n - 1] & 0x80 != 0;
    if negative {
        b[n..].fill(0xFF);
    }
    match (dtype.element, n) {
        (Element::Float, 4) => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
        (Element::Float, _) => f64::from_le_bytes(b),
        (Element::Signed, _) => i64::from_le_bytes(b) as f64,
        (Element::Bool, _) => f64::from(u8::from(b[0] != 0)),
        _ => u64::from_le_bytes(b) as f64,
    }
}

fn text_of(bytes: &[u8], dtype: Dtype) -> String {
    let text = if dtype.element == Element::Unicode {
        bytes
            .chunks_exact(4)
            .map(|c| {
                let code = if dtype.big_endian {
                    u32::from_be_bytes([c[0], c[1], c[2], c[3]])
                } else {
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]])
                };
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect::<String>()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    };
    // NumPy pads shorter strings with NULs.
    text.trim_end_matches('\0').to_string()
}

/// The header text and the data after it.
fn split_header(bytes: &[u8]) -> Result<(&str, &[u8]), String> {
    if !bytes.starts_with(MAGIC) || bytes.len() < 10 {
        return Err("not a .npy array (it does not start with \\x93NUMPY)".into());
    }
    let (len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(format!("unknown .npy format version {v}")),
    };
    let header = bytes
        .get(start..start + len)
        .ok_or("the header is cut short")?;
    let text = std::str::from_utf8(header).map_err(|_| "the header is not text")?;
    Ok((text, &bytes[start + len..]))
}

/// The value text after `'key':` in the header dict.
fn value_of<'a>(header: &'a str, key: &str) -> Result<&'a str, String> {
    let quoted = [format!("'{key}'"), format!("\"{key}\"")];
    let at = quoted
        .iter()
        .find_map(|q| header.find(q.as_str()).map(|i| i + q.len()))
        .ok_or_else(|| format!("the header has no '{key}'"))?;
    let rest = header[at..].trim_start();
    Ok(rest.strip_prefix(':').unwrap_or(rest).trim_start())
}

fn parse_header(header: &str) -> Result<Header, String> {
    let descr = value_of(header, "descr")?;
    let Some(quote) = descr.chars().next().filter(|c| *c == '\'' || *c == '"') else {
        return Err(
            "a structured array (named fields) is not supported; save each field as its own array"
                .into(),
        );
    };
    let descr = descr[1..]
        .split(quote)
        .next()
        .ok_or("the header's 'descr' is not closed")?;
    let dtype = parse_dtype(descr)?;
    let fortran = value_of(header, "fortran_order")?.starts_with("True");
    let shape = value_of(header, "shape")?;
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or("the header's 'shape' is not a tuple")?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("the shape ({inner}) is not a list of sizes"))?;
    Ok(Header {
        dtype,
        fortran,
        shape,
    })
}

fn parse_dtype(descr: &str) -> Result<Dtype, String> {
    let (order, rest) = match descr.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &descr[1..]),
        _ => ('=', descr),
    };
    let kind = rest.chars().next().unwrap_or(' ');
    let size: Option<usize> = rest.get(1..).and_then(|s| s.parse().ok());
    let refuse = |what: &str| {
        Err(format!(
            "dtype '{descr}' ({what}) is not supported; save a numeric (float32/float64/int) or string array"
        ))
    };
    let element = match (kind, size) {
        ('O', _) => return Err(format!("dtype '{descr}' is an object array, which needs pickle and is not read; convert it with .astype(float) or .astype(str)")),
        ('f', Some(4 | 8)) => Element::Float,
        ('f', Some(2)) => return refuse("half float; convert with .astype('float32')"),
        ('i', Some(1 | 2 | 4 | 8)) => Element::Signed,
        ('u', Some(1 | 2 | 4 | 8)) => Element::Unsigned,
        ('b', Some(1)) => Element::Bool,
        ('U', Some(n)) if n > 0 => Element::Unicode,
        ('S', Some(n)) if n > 0 => Element::Bytes,
        ('c', _) => return refuse("complex"),
        ('M' | 'm', _) => return refuse("date or time"),
        _ => return refuse("unknown"),
    };
    let size = size.unwrap_or(1) * if element == Element::Unicode { 4 } else { 1 };
    Ok(Dtype {
        element,
        size,
        big_endian: order == '>' || (order == '=' && cfg!(target_endian = "big")),
    })
}

/// Writes a `.npy` file (format 1.0) with the raw element bytes `data`, laid out as
/// `fortran` says: `descr` is NumPy's type string (`<f8`, `<i8`, `<U3`, …). For test
/// fixtures and benchmarks; it does not check that `data` fits the shape.
pub fn write_npy(descr: &str, fortran: bool, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let tuple = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let order = if fortran { "True" } else { "False" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {tuple}, }}");
    // Magic (6) + version (2) + length (2) + header + newline: a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{FileReader, IngestOptions, ParsedTable};

    fn read_in_pieces(bytes: &[u8], piece: usize) -> Result<ParsedTable, DataError> {
        let mut reader = FileReader::new(IngestOptions::named("a.npy"));
        for chunk in bytes.chunks(piece) {
            reader.push(chunk)?;
        }
        reader.finish()
    }

    #[test]
    fn a_streamed_array_is_the_array_read_whole() {
        let f4: Vec<u8> = (0..30)
            .flat_map(|i| (i as f32 * 0.25).to_le_bytes())
            .collect();
        let f8: Vec<u8> = (0..30)
            .flat_map(|i| (i as f64 - 7.5).to_le_bytes())
            .collect();
        let i2: Vec<u8> = (0..10).flat_map(|i| (i as i16 - 3).to_be_bytes()).collect();
        for file in [
            write_npy("<f4", false, &[10, 3], &f4),
            write_npy("<f4", true, &[10, 3], &f4),
            write_npy("<f8", false, &[5, 2, 3], &f8),
            write_npy(">i2", false, &[10], &i2),
        ] {
            let mut builder = TableBuilder::new("a.npy", crate::data::Limits::default());
            read_npy("a.npy", "a", &file, &mut builder).unwrap();
            builder.end_batch().unwrap();
            let whole = builder.finish().unwrap();
            for piece in [1, 7, 64, 100, file.len()] {
                assert_eq!(
                    read_in_pieces(&file, piece).unwrap().columns(),
                    whole.columns()
                );
            }
        }
    }

    #[test]
    fn a_streamed_array_cut_short_says_so_as_when_read_whole() {
        let f4: Vec<u8> = (0..30).flat_map(|i| (i as f32).to_le_bytes()).collect();
        let mut file = write_npy("<f4", false, &[10, 3], &f4);
        file.truncate(file.len() - 5);
        let whole = read_in_pieces(&file, file.len()).unwrap_err().to_string();
        assert!(
            whole.contains("cut short") && whole.contains("115"),
            "{whole}"
        );
        assert_eq!(read_in_pieces(&file, 13).unwrap_err().to_string(), whole);
        // A header cut short is reported by the whole-file reader too.
        assert!(read_in_pieces(&file[..40], 8)
            .unwrap_err()
            .to_string()
            .contains("header"));
    }
}
