//! NumPy's `.npz`: a zip archive of `.npy` arrays (`np.savez`, stored; or
//! `np.savez_compressed`, deflate). Each array `NAME.npy` becomes the column(s) `NAME`
//! (or `NAME[j]`, see [`npy`](super::npy)), so `np.savez(f, x1=…, x2=…, y=…)` gives
//! columns whose names set the roles. All arrays must have the same number of rows.
//!
//! The zip reader is the small part of the format `np.savez` writes: the central
//! directory (zip64 sizes and offsets included), stored or deflated members (inflated by
//! `miniz_oxide`), and each member's CRC-32 checked, so a damaged archive is reported
//! rather than read as numbers.

use super::npy::read_npy;
use super::{DataError, TableBuilder};

const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const ZIP64_END_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;

/// One member of the archive, from the central directory.
struct Member {
    name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8).map(|s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// CRC-32 (the zip and gzip polynomial 0xEDB88320), bitwise with a 256-entry table.
pub fn crc32(bytes: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, entry) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *entry = c;
        }
        t
    });
    !bytes.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// The members listed in the central directory.
fn directory(bytes: &[u8]) -> Result<Vec<Member>, &'static str> {
    const BROKEN: &str =
        "not a readable .npz (zip) archive: its central directory is missing or damaged";
    // The end record is in the last 22 + 65535 (comment) bytes.
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(END_OF_DIRECTORY))
        .ok_or(BROKEN)?;
    let mut count = u64::from(u16_at(bytes, end + 10).ok_or(BROKEN)?);
    let mut start = u64::from(u32_at(bytes, end + 16).ok_or(BROKEN)?);
    if end >= 20 && u32_at(bytes, end - 20) == Some(ZIP64_END_LOCATOR) {
        let record = u64_at(bytes, end - 12).ok_or(BROKEN)? as usize;
        if u32_at(bytes, record) != Some(ZIP64_END) {
            return Err(BROKEN);
        }
        count = u64_at(bytes, record + 32).ok_or(BROKEN)?;
        start = u64_at(bytes, record + 48).ok_or(BROKEN)?;
    }
    let mut at = usize::try_from(start).map_err(|_| BROKEN)?;
    let mut members = Vec::new();
    for _ in 0..count {
        if u32_at(bytes, at) != Some(DIRECTORY_ENTRY) {
            return Err(BROKEN);
        }
        let field = |o: usize| u32_at(bytes, at + o).map(u64::from).ok_or(BROKEN);
        let (mut compressed, mut size, mut offset) = (field(20)?, field(24)?, field(42)?);
        let name_len = u16_at(bytes, at + 28).ok_or(BROKEN)? as usize;
        let extra_len = u16_at(bytes, at + 30).ok_or(BROKEN)? as usize;
        let comment_len = u16_at(bytes, at + 32).ok_or(BROKEN)? as usize;
        let name = bytes.get(at + 46..at + 46 + name_len).ok_or(BROKEN)?;
        let extra = bytes
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or(BROKEN)?;
        // Zip64: the fields that overflowed 32 bits follow, in order, in extra 0x0001.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let (id, len) = (
                u16_at(extra, e).unwrap_or(0),
                u16_at(extra, e + 2).unwrap_or(0),
            );
            if id == 1 {
                let mut z = e + 4;
                for value in [&mut size, &mut compressed, &mut offset] {
                    if *value == 0xFFFF_FFFF {
                        *value = u64_at(extra, z).ok_or(BROKEN)?;
                        z += 8;
                    }
                }
            }
            e += 4 + len as usize;
        }
        members.push(Member {
            name: String::from_utf8_lossy(name).into_owned(),
            method: u16_at(bytes, at + 10).ok_or(BROKEN)?,
            crc: u32_at(bytes, at + 16).ok_or(BROKEN)?,
            compressed,
            size,
            offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(members)
}

/// A member's uncompressed bytes, checked against its CRC-32.
fn contents(bytes: &[u8], m: &Member) -> Result<Vec<u8>, String> {
    let damaged = || format!("member '{}' is damaged or cut short", m.name);
    let at = usize::try_from(m.offset).map_err(|_| damaged())?;
    if u32_at(bytes, at) != Some(LOCAL_HEADER) {
        return Err(damaged());
    }
    let name_len = u16_at(bytes, at + 26).ok_or_else(damaged)? as usize;
    let extra_len = u16_at(bytes, at + 28).ok_or_else(damaged)? as usize;
    let start = at + 30 + name_len + extra_len;
    let len = usize::try_from(m.compressed).map_err(|_| damaged())?;
    let raw = bytes.get(start..start + len).ok_or_else(damaged)?;
    let size = usize::try_from(m.size).map_err(|_| damaged())?;
    let data = match m.method {
        0 => raw.to_vec(),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(raw, size)
            .map_err(|_| damaged())?,
        other => {
            return Err(format!(
                "member '{}' uses zip compression method {other}; save with np.savez or np.savez_compressed",
                m.name
            ))
        }
    };
    if data.len() != size || crc32(&data) != m.crc {
        return Err(format!(
            "member '{}' fails its checksum (the archive is damaged)",
            m.name
        ));
    }
    Ok(data)
}

/// Reads every `.npy` member of an `.npz` archive into `builder` (module docs).
pub fn read_npz(file: &str, bytes: &[u8], builder: &mut TableBuilder) -> Result<(), DataError> {
    let corrupt = |problem: String| DataError::CorruptFile {
        file: file.to_string(),
        problem,
    };
    let members = directory(bytes).map_err(|p| corrupt(p.to_string()))?;
    let mut first: Option<(String, usize)> = None;
    for member in members.iter().filter(|m| m.name.ends_with(".npy")) {
        let array = member.name.trim_end_matches(".npy");
        let data = contents(bytes, member).map_err(&corrupt)?;
        let rows = read_npy(file, array, &data, builder)?;
        match &first {
            None => first = Some((array.to_string(), rows)),
            Some((name, n)) if *n != rows => {
                return Err(DataError::RowCountMismatch {
                    first: format!("{file}::{name}"),
                    first_rows: *n,
                    other: format!("{file}::{array}"),
                    other_rows: rows,
                    hint: String::new(),
                })
            }
            Some(_) => {}
        }
    }
    if first.is_none() {
        return Err(corrupt("the archive holds no .npy arrays".into()));
    }
    Ok(())
}

/// Writes a zip archive of `members` (name, bytes) as `np.savez` does (stored) or, with
/// `deflate`, as `np.savez_compressed` does. For test fixtures and benchmarks.
pub fn write_zip(members: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in members {
        let stored;
        let (method, body): (u16, &[u8]) = if deflate {
            stored = miniz_oxide::deflate::compress_to_vec(data, 6);
            (8, &stored)
        } else {
            (0, data)
        };
        let offset = out.len() as u32;
        let fields = |record: &mut Vec<u8>| {
            record.extend_from_slice(&20u16.to_le_bytes()); // version needed
            record.extend_from_slice(&0u16.to_le_bytes()); // flags
            record.extend_from_slice(&method.to_le_bytes());
            record.extend_from_slice(&[0; 4]); // time, date
            record.extend_from_slice(&crc32(data).to_le_bytes());
            record.extend_from_slice(&(body.len() as u32).to_le_bytes());
            record.extend_from_slice(&(data.len() as u32).to_le_bytes());
            record.extend_from_slice(&(name.len() as u16).to_le_bytes());
            record.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);
        directory.extend_from_slice(&DIRECTORY_ENTRY.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes()); // version made by
        fields(&mut directory);
        directory.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        directory.extend_from_slice(&[0; 4]); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&END_OF_DIRECTORY.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    let count = (members.len() as u16).to_le_bytes();
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}
