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

/// Reads one `.npy` array from `bytes` into `builder` as column(s) named after `array`
/// (see the module docs); returns its number of rows. `file` names it in messages.
pub fn read_npy(
    file: &str,
    array: &str,
    bytes: &[u8],
    builder: &mut TableBuilder,
) -> Result<usize, DataError> {
    let fail = |problem: String| DataError::UnsupportedArray {
        file: file.to_string(),
        array: array.to_string(),
        problem,
    };
    let (header, data) = split_header(bytes).map_err(&fail)?;
    let header = parse_header(header).map_err(&fail)?;
    let Some((&rows, rest)) = header.shape.split_first() else {
        return Err(fail(
            "a scalar (shape ()) is not a column; save an array with one row per sample".into(),
        ));
    };
    let width = rest
        .iter()
        .try_fold(1usize, |a, &b| a.checked_mul(b))
        .ok_or_else(|| fail("the shape is too large".into()))?;
    let needed = rows
        .checked_mul(width)
        .and_then(|n| n.checked_mul(header.dtype.size))
        .ok_or_else(|| fail("the shape is too large".into()))?;
    if data.len() < needed {
        return Err(fail(format!(
            "the data is cut short: the shape {:?} needs {needed} bytes after the header, the file has {}",
            header.shape,
            data.len()
        )));
    }
    let data = &data[..needed];
    // Where element (row 0, column j) starts, in elements; row i adds `row_step` each.
    let (row_step, starts) = layout(&header, rows, rest);
    let named = |j: usize| {
        if width == 1 {
            array.to_string()
        } else {
            element_name(array, j)
        }
    };
    let size = header.dtype.size;
    let mut column = Vec::with_capacity(rows);
    for (j, &start) in starts.iter().enumerate() {
        let element = |i: usize| {
            let at = (start + i * row_step) * size;
            &data[at..at + size]
        };
        match header.dtype.element {
            Element::Unicode | Element::Bytes => {
                let texts: Vec<String> = (0..rows)
                    .map(|i| text_of(element(i), header.dtype))
                    .collect();
                builder.texts(&named(j), texts.iter().map(|t| Some(t.as_str())))?;
            }
            _ => {
                column.clear();
                column.extend((0..rows).map(|i| number_of(element(i), header.dtype)));
                builder.numbers(&named(j), &column)?;
            }
        }
    }
    Ok(rows)
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
