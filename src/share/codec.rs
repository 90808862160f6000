//! The byte-level pieces of a link: URL unwrapping, base64url, CRC-32, raw deflate.
//! None of them panics on any input.

use super::ShareError;
use std::borrow::Cow;

/// Largest inflated payload accepted, in bytes (4 MiB): a link that inflates beyond
/// this is refused as soon as the limit is reached (decompression bombs cost nothing).
pub const MAX_INFLATED_BYTES: usize = 4 << 20;

/// Longest link text accepted, in bytes, before any decoding (16 MiB: a payload at the
/// inflate cap, stored uncompressed, base64-encoded and percent-encoded, fits).
pub const MAX_LINK_BYTES: usize = 16 << 20;

/// How many rounds of percent-decoding a link may need (once for a link copied
/// through one URL-encoder, twice for one encoded again).
const MAX_PERCENT_ROUNDS: usize = 2;

/// The marker the page puts before the state in its URL fragment.
pub const FRAGMENT_KEY: &str = "#s=";

/// Reduces what a person pasted to `<version>.<payload>`: drops whitespace anywhere
/// (line breaks inserted by e-mail clients; a link never contains any), keeps what
/// follows `#s=` in a full URL (or a leading `s=`), and percent-decodes once or twice
/// when the text still contains `%` (links that went through one or two URL-encoders).
pub fn unwrap_link(text: &str) -> Result<Cow<'_, str>, ShareError> {
    let mut link = without_spaces(Cow::Borrowed(strip_url(text)));
    for _ in 0..MAX_PERCENT_ROUNDS {
        if !link.contains('%') {
            return Ok(link);
        }
        // A `%20` is whitespace too, once decoded.
        let decoded = percent_decode(&link)?;
        link = without_spaces(Cow::Owned(strip_url(&decoded).to_string()));
    }
    if link.contains('%') {
        return Err(ShareError::OverEncoded {
            rounds: MAX_PERCENT_ROUNDS,
        });
    }
    Ok(link)
}

/// `link` without any whitespace (line breaks, and `%20` once decoded).
fn without_spaces(link: Cow<'_, str>) -> Cow<'_, str> {
    if link.contains(char::is_whitespace) {
        Cow::Owned(link.split_whitespace().collect())
    } else {
        link
    }
}

fn strip_url(text: &str) -> &str {
    let text = text.trim();
    match text.rfind(FRAGMENT_KEY) {
        Some(at) => &text[at + FRAGMENT_KEY.len()..],
        None => text.strip_prefix("s=").unwrap_or(text),
    }
    .trim()
}

/// Decodes every `%XX` escape; text that is not UTF-8 afterwards is replaced
/// lossily (it cannot be a valid link anyway, and the next step says where).
fn percent_decode(text: &str) -> Result<String, ShareError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let escaped = bytes
                .get(i + 1..i + 3)
                .and_then(|h| Some(hex_value(h[0])? << 4 | hex_value(h[1])?));
            let Some(byte) = escaped else {
                return Err(ShareError::BadPercentEncoding {
                    // `%` is ASCII, so `i` is a character boundary.
                    position: text[..i].chars().count() + 1,
                });
            };
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn hex_value(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url (RFC 4648 §5) without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for k in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

fn base64url_value(c: char) -> Option<u32> {
    match c {
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        'a'..='z' => Some(c as u32 - 'a' as u32 + 26),
        '0'..='9' => Some(c as u32 - '0' as u32 + 52),
        '-' => Some(62),
        '_' => Some(63),
        _ => None,
    }
}

/// Decodes base64url without padding (trailing `=` are tolerated). `offset` is the
/// number of characters before `text` in the link, so that an error names the
/// position in the whole link (1-based).
pub fn base64url_decode(text: &str, offset: usize) -> Result<Vec<u8>, ShareError> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut count = 0usize;
    for (i, c) in text.chars().enumerate() {
        let Some(v) = base64url_value(c) else {
            return Err(ShareError::InvalidBase64 {
                position: offset + i + 1,
                character: c,
            });
        };
        acc = (acc << 6 | v) & 0xFF_FFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        count += 1;
    }
    // One character of a 4-character group carries only 6 bits: no byte ends there.
    if count % 4 == 1 {
        return Err(ShareError::Truncated);
    }
    Ok(out)
}

/// The CRC-32 (IEEE 802.3, as in zip and PNG) lookup table, built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE) of `bytes`; `crc32(b"123456789") == 0xCBF4_3926`.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// Compression level for links: miniz's best ordinary level.
const DEFLATE_LEVEL: u8 = 9;

/// Raw deflate (RFC 1951, no zlib or gzip header).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(bytes, DEFLATE_LEVEL)
}

/// Inflates raw deflate, refusing output beyond [`MAX_INFLATED_BYTES`] and bytes after
/// the end of the compressed stream.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, ShareError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let out = inflate_all(bytes)?;
    // Inflate again into a buffer of exactly that size to learn where the stream ends.
    let mut exact = vec![0; out.len()];
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut decompressor = Box::<DecompressorOxide>::default();
    let (status, consumed, _) = decompress(&mut decompressor, bytes, &mut exact, 0, flags);
    match status {
        TINFLStatus::Done if consumed < bytes.len() => Err(ShareError::TrailingData {
            bytes: bytes.len() - consumed,
        }),
        TINFLStatus::Done => Ok(out),
        _ => Err(ShareError::CorruptData),
    }
}

fn inflate_all(bytes: &[u8]) -> Result<Vec<u8>, ShareError> {
    use miniz_oxide::inflate::TINFLStatus;
    miniz_oxide::inflate::decompress_to_vec_with_limit(bytes, MAX_INFLATED_BYTES).map_err(|e| {
        match e.status {
            TINFLStatus::HasMoreOutput => ShareError::InflatedTooLarge {
                limit: MAX_INFLATED_BYTES,
            },
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                ShareError::Truncated
            }
            _ => ShareError::CorruptData,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        let vectors: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"\xfb\xff\xbf", "-_-_"),
        ];
        for (bytes, text) in vectors {
            assert_eq!(base64url_encode(bytes), text);
            assert_eq!(base64url_decode(text, 0).as_deref(), Ok(bytes));
        }
        assert_eq!(base64url_decode("Zm8=", 0).as_deref(), Ok(&b"fo"[..]));
    }

    #[test]
    fn bytes_after_the_compressed_data_are_refused() {
        let packed = deflate(b"{\"a\":1}");
        assert_eq!(inflate(&packed).unwrap(), b"{\"a\":1}");
        let mut longer = packed.clone();
        longer.extend_from_slice(b"junk");
        assert_eq!(inflate(&longer), Err(ShareError::TrailingData { bytes: 4 }));
    }

    #[test]
    fn unwraps_urls_and_percent_encoding() {
        let plain = "1.abc-_";
        for text in [
            "1.abc-_",
            "  1.abc-_\n",
            "1.ab\n c-_",
            "https://x.org/pidscope/#s=1.abc-_",
            "s=1.abc-_",
            "1%2Eabc-_",
            "1%252Eabc-_",
            "1.ab%20c-_",
            "1.ab%0Ac-%20_",
            "https%3A%2F%2Fx.org%2F%23s%3D1.abc-_",
            "https%253A%252F%252Fx.org%252F%2523s%253D1%252Eabc-_",
        ] {
            assert_eq!(unwrap_link(text).as_deref(), Ok(plain), "{text}");
        }
    }
}
